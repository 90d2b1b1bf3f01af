-- summary.en: UDP send: create a UDP socket, sendto an address (host, port), close
-- summary.zh: UDP 发送数据：创建 UDP 套接字，sendto 到 (ip, 端口)，关闭
-- course: 001 "udp 网络程序 - 发送数据"

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

say("3. Close the socket.", "3. 关闭套接字。")
udp_socket:close()
receiver:close()
