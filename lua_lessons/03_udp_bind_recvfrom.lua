-- summary.en: UDP bind + recvfrom: a fixed port to receive on; an unbound sender's port changes each run
-- summary.zh: UDP 绑定端口 + recvfrom：接收方绑定固定端口；不绑定的发送方每次端口都不同
-- course: 001 "udp 网络程序的端口绑定", "多变的端口号"

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

say("The receiver binds ('', port): any local IP, a port others can find.",
    "接收方绑定 ('', 端口)：本机任意 IP，一个别人能找到的端口。")
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(udp_socket:bind({"", 0}))
local port = udp_socket:getsockname()[2]

say("Two senders that never bind: each gets a different port from the kernel.",
    "两个没有绑定的发送方：内核给它们各分配一个不同的端口。")
local ports = {}
for i = 1, 2 do
    local sender <close> = socket.socket("udp")
    assert(sender:sendto("message " .. i, "127.0.0.1", port))
    ports[i] = sender:getsockname()[2]
end

say("recvfrom(1024) waits for one datagram and tells who sent it: (data, (ip, port)).",
    "recvfrom(1024) 等待一个数据报，并告诉你是谁发的：(数据, (ip, 端口))。")
local d1, a1 = udp_socket:recvfrom(1024)
local d2, a2 = udp_socket:recvfrom(1024)
expect(d1 == "message 1" and d2 == "message 2", "both datagrams arrived, in order", "两个数据报都按顺序到达")
expect(a1[2] == ports[1] and a2[2] == ports[2] and ports[1] ~= ports[2],
       "the senders' ports differ: " .. ports[1] .. " and " .. ports[2], "发送方端口不同：" .. ports[1] .. " 和 " .. ports[2])
expect(udp_socket:getsockname()[2] == port, "the bound port stayed the same", "绑定的端口保持不变")

say("Both datagrams are read. Nobody sends now. settimeout(0.5) keeps the wait short.",
    "两个数据报都读完了，现在没有人发送。settimeout(0.5) 让等待不会太长。")
assert(udp_socket:settimeout(0.5))
ask{id = "udp_recvfrom_nothing_sent", call = "recvfrom",
    q = {"Nothing was sent since. What will udp_socket.recvfrom(1024) do?",
         "之后没有人发送。udp_socket.recvfrom(1024) 会怎样？"},
    predict = "blocks",
    why = {"recvfrom waits for a datagram, however long: UDP has no connection, so no 'closed' either — only the timeout (0.5 s) ends the wait (Python: TimeoutError)",
           "recvfrom 会一直等待数据报：UDP 没有连接，也就没有“关闭”—— 只有超时（0.5 秒）能结束等待（Python：TimeoutError）"},
    concept = {"UDP recvfrom with nothing sent waits (until a timeout)", "没有数据时 UDP 的 recvfrom 会等待（直到超时）"}}
local none, _, nerr = udp_socket:recvfrom(1024)
expect(none == nil and nerr == socket.EAGAIN, "recvfrom waited 0.5 s and timed out: no datagram, no b''",
       "recvfrom 等了 0.5 秒后超时：没有数据报，也不是 b''")
if wire then
    local d = packets{proto = "UDP", to = port}
    expect(#d == 2 and #packets{proto = "UDP", from = ports[1], to = port} == 1 and #packets{proto = "UDP", from = ports[2], to = port} == 1,
           "on the wire: two datagrams, one per sendto, each from its sender's port", "线路上：两个数据报，每次 sendto 一个，各自来自发送方的端口")
end
udp_socket:close()
