-- summary.en: UDP send: create a UDP socket, sendto an address (host, port), close; a port nobody receives on answers with ICMP
-- summary.zh: UDP 发送数据：创建 UDP 套接字，sendto 到 (ip, 端口)，关闭；没人接收的端口会回 ICMP
-- course: 001 "udp 网络程序 - 发送数据"

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

say("A receiver stands in for the other computer (192.168.1.103:8080 in the course).",
    "先准备一个接收方，代替课程里的另一台电脑（192.168.1.103:8080）。")
receiver = socket.socket("udp")
assert(receiver:bind("127.0.0.1", 0))
local dest = {"127.0.0.1", receiver:getsockname()[2]}

say("1. Create the UDP socket: socket(AF_INET, SOCK_DGRAM).", "1. 创建 UDP 套接字：socket(AF_INET, SOCK_DGRAM)。")
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

say("2. sendto(data, (ip, port)): no connection, the datagram just goes. Text goes out as UTF-8 bytes.",
    "2. sendto(数据, (ip, 端口))：不用建立连接，数据报直接发出。文本按 UTF-8 编码成字节发送。")
local n = assert(udp_socket:sendto("你好 udp", dest))
expect(n == 10, "10 bytes went: 你好 is 6 bytes in UTF-8, ' udp' 4", "发出了 10 字节：“你好”的 UTF-8 是 6 字节，“ udp” 是 4 字节")

local data, from = receiver:recvfrom(1024)
expect(data == "你好 udp", "the receiver got the datagram", "接收方收到了数据报")
expect(from[2] == udp_socket:getsockname()[2], "it came from the port the kernel gave the sender",
       "它来自内核分配给发送方的端口")
if wire then
    local sent = packets{proto = "UDP", to = dest[2]}
    expect(#sent == 1 and sent[1].len == 10, "on the wire: one sendto, one UDP datagram of 10 bytes — no handshake, no ACK",
           "线路上：一次 sendto，一个 10 字节的 UDP 数据报 —— 没有握手，也没有确认")
end

say("What if nobody receives on that port? The receiver closes; connect() the UDP socket to it (that only sets the default address: no packet), then send.",
    "如果那个端口上没有人接收呢？接收方关闭；把 UDP 套接字 connect() 到那个地址（只是设定默认地址，不发任何包），然后 send。")
receiver:close()
assert(udp_socket:connect(dest))
expect(udp_socket:send("anyone?") == 7, "send still succeeded: UDP does not ask whether anyone is there",
       "send 仍然成功了：UDP 不会先问对方在不在")
assert(udp_socket:settimeout(1))
local ok, msg, err = udp_socket:recv(1024)
expect(not ok and err == socket.ECONNREFUSED,
       "the next recv fails with ECONNREFUSED: the other side's kernel answered \"port unreachable\" (a socket that is not connected never hears of it)",
       "下一次 recv 失败：ECONNREFUSED —— 对方内核回复了“端口不可达”（没有 connect 的套接字不会得知）")
if wire then
    expect(#packets{proto = "ICMP", icmp_type = 3, icmp_code = 3} == 1,
           "on the wire: one ICMP \"port unreachable\" (type 3, code 3) came back for the datagram",
           "线路上：这个数据报换回了一个 ICMP“端口不可达”（类型 3，代码 3）")
end

say("3. Close the socket.", "3. 关闭套接字。")
udp_socket:close()
