-- summary.en: TCP is a byte stream: two sends arrive in one recv; send blocks when the buffers are full
-- summary.zh: TCP 是字节流：两次 send 可能被一次 recv 收到；缓冲区满时 send 会阻塞
-- course: 000 (发送缓冲区与接收缓冲区); 003 (TCP 面向字节流)

server = socket.socket("tcp")
assert(server:bind("127.0.0.1", 0))
assert(server:listen())
client = socket.socket("tcp")
assert(client:connect("127.0.0.1", server:getsockname()[2]))
conn = assert(server:accept())

say("Two sends ...", "两次 send ……")
assert(client:send("hello "))
assert(client:send("world"))
say("... one recv: TCP keeps no message boundaries, only the order of the bytes.",
    "…… 一次 recv：TCP 不保留消息边界，只保证字节的顺序。")
local t0 = os.clock()
local data = conn:recv(1024)
expect(data == "hello world", "one recv returned both sends: '" .. data .. "'", "一次 recv 收到了两次 send 的内容")

say("send() only copies into the kernel's send buffer. If the peer never reads, the buffers fill up.",
    "send() 只是把数据拷贝进内核的发送缓冲区。如果对方一直不读，缓冲区就会被填满。")
assert(client:setblocking(false))
local sent, chunk = 0, string.rep("x", 65536)
local ok, msg, err
for _ = 1, 1000 do
    ok, msg, err = client:send(chunk)
    if not ok then break end
    sent = sent + ok
end
expect(err == socket.EAGAIN, ("after %d bytes send would block (EAGAIN): a blocking send would wait here"):format(sent),
       ("发送了 %d 字节后 send 会阻塞（EAGAIN）：阻塞模式的 send 会停在这里"):format(sent))
say("The server reads some; room appears and send works again.", "服务器读走一些数据；缓冲区有了空间，send 又可以成功了。")
local drained = 0
for _ = 1, 4 do drained = drained + #assert(conn:recv(65536)) end
expect(drained > 0 and client:send("more") ~= nil, "send succeeds again after the peer read " .. drained .. " bytes",
       "对方读走 " .. drained .. " 字节后 send 又成功了")
client:close(); conn:close(); server:close()
