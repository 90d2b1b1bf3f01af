-- summary.en: Closing the listening socket refuses new clients but keeps accepted connections working
-- summary.zh: 关闭监听套接字后新客户端无法连接，但已经 accept 的连接照常通信
-- course: 001 note 7; 000 §5.4

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

server = socket.socket("tcp")
assert(server:bind("127.0.0.1", 0))
assert(server:listen())
local port = server:getsockname()[2]
client = socket.socket("tcp")
assert(client:connect("127.0.0.1", port))
conn = assert(server:accept())

say("Close the listening socket (the switchboard).", "关闭监听套接字（总机）。")
server:close()

say("The connection accepted before keeps working both ways.", "之前 accept 的连接仍然可以双向通信。")
assert(client:send("still there?"))
expect(conn:recv(1024) == "still there?", "the server still receives", "服务器仍能接收")
assert(conn:send("yes"))
expect(client:recv(1024) == "yes", "the client still receives", "客户端仍能接收")

say("A new client is refused: nothing listens on that port any more.", "新客户端被拒绝：这个端口上已经没有程序在监听了。")
late = socket.socket("tcp")
local ok, msg, err = late:connect("127.0.0.1", port)
expect(not ok and err == socket.ECONNREFUSED, "connect fails with ECONNREFUSED", "connect 失败：ECONNREFUSED")
if wire then
    expect(#packets{flags = "RST+ACK", from = port} == 1, "on the wire: the new client's SYN got RST+ACK back — the kernel's \"nobody listens here\"",
           "线路上：新客户端的 SYN 收到的回复是 RST+ACK —— 内核在说“这里没有人监听”")
end
late:close()
conn:close()
client:close()
