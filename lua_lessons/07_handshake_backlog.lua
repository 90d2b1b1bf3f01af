-- summary.en: The handshake happens before accept: completed connections wait in the accept queue (backlog)
-- summary.zh: 三次握手在 accept 之前完成：已完成的连接在 accept 队列（backlog）中等待
-- course: 002 (listen 的 backlog); 003 (三次握手); 000 §5.2 listen(backlog)

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

say("listen(1): a backlog of 1 — how many finished connections may wait for accept().",
    "listen(1)：backlog 为 1 —— 最多有多少个已完成的连接可以等待 accept()。")
server = socket.socket("tcp")
assert(server:bind("127.0.0.1", 0))
assert(server:listen(1))
local port = server:getsockname()[2]

say("connect() returns as soon as the kernel finishes the handshake — before the server calls accept().",
    "connect() 在内核完成三次握手后立即返回 —— 这时服务器还没有调用 accept()。")
first = socket.socket("tcp")
assert(first:connect("127.0.0.1", port))
expect(first:state().state == "ESTABLISHED", "the client is ESTABLISHED without any accept()", "没有 accept()，客户端已经是 ESTABLISHED")
expect(server:state().accept_queue == 1, "the listener's accept queue holds 1 connection (1/1)", "监听套接字的 accept 队列里有 1 个连接（1/1）")
if wire then
    expect(#packets{flags = "SYN", to = port} == 1 and #packets{flags = "SYN+ACK", from = port} == 1
           and #packets{flags = "ACK", to = port} == 1,
           "on the wire: SYN, SYN+ACK, ACK — the three-way handshake, all before accept()",
           "线路上：SYN、SYN+ACK、ACK —— 三次握手，都在 accept() 之前")
end

say("Linux lets backlog+1 connections wait; the next client's SYN is dropped and its connect() waits.",
    "Linux 允许 backlog+1 个连接等待；再来的客户端 SYN 会被丢弃，它的 connect() 只能等。")
second = socket.socket("tcp")
assert(second:connect("127.0.0.1", port))
third = socket.socket("tcp")
assert(third:settimeout(1))
local ok, msg = third:connect("127.0.0.1", port)
expect(not ok, "the third connect() did not complete within 1 s: the queue is full", "第三个 connect() 1 秒内没有完成：队列满了")
if wire then
    local syns = #packets{flags = "SYN", to = port}
    expect(syns >= 3 and #packets{flags = "SYN+ACK", from = port} == 2,
           "on the wire: the third client's SYN got no SYN+ACK — the server's kernel dropped it",
           "线路上：第三个客户端的 SYN 没有收到 SYN+ACK —— 服务器的内核把它丢弃了")
end

say("accept() takes the oldest connection off the queue.", "accept() 从队列中取走最早的连接。")
local conn = assert(server:accept())
expect(conn:getpeername()[2] == first:getsockname()[2], "accept returned the first client", "accept 返回的是第一个客户端")
for _, s in ipairs({conn, first, second, third}) do s:close() end
server:close()
