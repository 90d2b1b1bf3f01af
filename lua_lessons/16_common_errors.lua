-- summary.en: The errors learners meet: ECONNREFUSED, EACCES below 1024, ENOTCONN, EPIPE, EADDRINUSE
-- summary.zh: 初学者常见的错误：ECONNREFUSED、1024 以下端口的 EACCES、ENOTCONN、EPIPE、EADDRINUSE
-- course: 002 (1024 以下端口需要 root); 000 §5.3; 001 (TCP 注意点)

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

say("ECONNREFUSED: connecting where nothing listens.", "ECONNREFUSED：连接一个没有程序监听的端口。")
local probe = socket.socket("tcp")
assert(probe:bind("127.0.0.1", 0))
local free = probe:getsockname()[2]
probe:close()
c = socket.socket("tcp")
ask{id = "connect_nobody_listens", call = "connect",
    q = {"Port " .. free .. " was free a moment ago: nothing listens on it. What will c.connect(('127.0.0.1', " .. free .. ")) do?",
         "端口 " .. free .. " 刚才还是空闲的：没有程序在上面监听。c.connect(('127.0.0.1', " .. free .. ")) 会怎样？"},
    predict = "error ECONNREFUSED",
    why = {"the SYN reaches a port where nothing listens: the kernel answers RST at once, and connect fails without waiting",
           "SYN 到达一个没有监听的端口：内核立即回复 RST，connect 不等待就失败了"},
    concept = {"connect where nothing listens is refused at once", "连接没有监听的端口会立即被拒绝"}}
local ok, msg, err = c:connect("127.0.0.1", free)
expect(err == socket.ECONNREFUSED, "ECONNREFUSED: is the server started, has it called listen()?", "ECONNREFUSED：服务器启动了吗？调用 listen() 了吗？")
if wire then
    expect(#packets{flags = "SYN", to = free} == 1 and #packets{flags = "RST+ACK", from = free} == 1,
           "on the wire: SYN, answered by RST+ACK — the kernel refuses for the port nobody listens on",
           "线路上：SYN 的回复是 RST+ACK —— 端口上没有人监听，内核直接拒绝")
end
c:close()

say("EACCES: ports below 1024 need root.", "EACCES：1024 以下的端口需要 root 权限。")
low = socket.socket("tcp")
ok, msg, err = low:bind("127.0.0.1", 1)
local root = io.popen("id -u"):read("l") == "0"
if root then
    expect(ok, "as root, binding port 1 is allowed", "以 root 身份运行时，可以绑定端口 1")
else
    expect(err == socket.EACCES, "as a normal user, binding port 1 fails with EACCES", "普通用户绑定端口 1 会失败：EACCES")
end
low:close()

say("ENOTCONN: sending on a TCP socket that never connected.", "ENOTCONN：在没有连接的 TCP 套接字上发送。")
lonely = socket.socket("tcp")
ok, msg, err = lonely:send("hello?")
expect(err == socket.ENOTCONN or err == socket.EPIPE, "send fails: the socket is not connected", "send 失败：套接字没有连接")
lonely:close()

server = socket.socket("tcp")
assert(server:bind("127.0.0.1", 0))
assert(server:listen())
client = socket.socket("tcp")
local port = server:getsockname()[2]
assert(client:connect("127.0.0.1", port))
local conn = assert(server:accept())
conn:close()
ask{id = "send_after_close", call = "send",
    q = {"The server has closed its side of the connection. What does the client's first send() do?",
         "服务器已经关闭了连接。客户端的第一次 send() 会怎样？"},
    choices = {{"it fails at once with EPIPE", "立即失败：EPIPE"},
               {"it still succeeds: the bytes go, the server's kernel answers with RST; a later send fails", "仍然成功：字节发出，服务器内核回 RST；之后的 send 才失败"},
               {"it blocks until the server reconnects", "阻塞，直到服务器重新连接"}},
    answer = 2,
    why = {"the client only learned of a FIN (no more data coming), not that the peer can't read: the first send goes, the RST comes back, the next send fails (EPIPE)",
           "客户端只收到了 FIN（对方不再发数据），并不知道对方不能再读：第一次 send 发出，对方回 RST，下一次 send 才失败（EPIPE）"},
    concept = {"send after the peer closed: the first one may still succeed", "对方关闭后 send：第一次可能仍然成功"}}
say("EPIPE: sending after the peer has closed. The first send may still go; the next one fails.",
    "EPIPE：对方关闭后继续发送。第一次 send 可能还能成功；之后的会失败。")
local errs = {}
for i = 1, 3 do
    local n, m, e = client:send("are you there?")
    if not n then errs[#errs + 1] = e end
end
expect(#errs > 0 and (errs[#errs] == socket.EPIPE or errs[#errs] == socket.ECONNRESET),
       "send failed with EPIPE/ECONNRESET — and sockplay was not killed by SIGPIPE",
       "send 失败：EPIPE/ECONNRESET —— sockplay 没有被 SIGPIPE 杀死")
if wire then
    expect(#packets{flags = {"RST", "RST+ACK"}, from = port} == 1,
           "on the wire: the first send's data reached a closed socket, whose kernel answered RST — hence the error on the next send",
           "线路上：第一次 send 的数据到达了已关闭的套接字，对方内核回复 RST —— 所以下一次 send 出错")
end
client:close()

say("EADDRINUSE: two sockets cannot bind the same address and port.", "EADDRINUSE：两个套接字不能绑定同一个地址和端口。")
twin = socket.socket("tcp")
ok, msg, err = twin:bind(server:getsockname())
expect(err == socket.EADDRINUSE, "the second bind fails with EADDRINUSE", "第二次 bind 失败：EADDRINUSE")
twin:close()
server:close()
