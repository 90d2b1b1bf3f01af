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

first = socket.socket("tcp")
ask{id = "connect_before_accept", call = "connect",
    q = {"The server listens but has not called accept(). What will the client's connect() do?",
         "服务器在监听，但还没有调用 accept()。客户端的 connect() 会怎样？"},
    choices = {{"wait until the server calls accept()", "一直等到服务器调用 accept()"},
               {"return at once: the kernel does the handshake", "立即返回：三次握手由内核完成"},
               {"fail with ECONNREFUSED", "失败：ECONNREFUSED"}},
    answer = 2,
    why = {"the listening socket's kernel answers the SYN itself; accept() only takes a finished connection off the queue",
           "监听套接字的内核自己回应 SYN；accept() 只是从队列里取走已经建立好的连接"},
    concept = {"connect completes before accept", "connect 在 accept 之前就完成了"}}
say("connect() returns as soon as the kernel finishes the handshake — before the server calls accept().",
    "connect() 在内核完成三次握手后立即返回 —— 这时服务器还没有调用 accept()。")
assert(first:connect("127.0.0.1", port))
expect(first:state().state == "ESTABLISHED", "the client is ESTABLISHED without any accept()", "没有 accept()，客户端已经是 ESTABLISHED")
expect(server:state().accept_queue == 1, "the listener's accept queue holds 1 connection (1/1)", "监听套接字的 accept 队列里有 1 个连接（1/1）")
if wire then
    expect(#packets{flags = "SYN", to = port} == 1 and #packets{flags = "SYN+ACK", from = port} == 1
           and #packets{flags = "ACK", to = port} == 1,
           "on the wire: SYN, SYN+ACK, ACK — the three-way handshake, all before accept()",
           "线路上：SYN、SYN+ACK、ACK —— 三次握手，都在 accept() 之前")
end

second = socket.socket("tcp")
assert(second:connect("127.0.0.1", port))
third = socket.socket("tcp")
assert(third:settimeout(1))
ask{id = "backlog_plus_one", call = "connect",
    q = {"listen(1), and two clients are already connected, waiting for accept(). What will a third connect() (timeout 1 s) do?",
         "listen(1)，已经有两个客户端连上并等待 accept()。第三个 connect()（超时 1 秒）会怎样？"},
    choices = {{"complete at once, like the others", "和前两个一样立即完成"},
               {"wait: the server's kernel drops its SYN, so it times out", "等待：服务器内核丢弃它的 SYN，所以超时"},
               {"fail at once with ECONNREFUSED", "立即失败：ECONNREFUSED"}},
    answer = 2,
    why = {"Linux keeps backlog+1 finished connections; past that the SYN is dropped (not refused) and the client retries",
           "Linux 最多保留 backlog+1 个已完成的连接；再多的 SYN 会被丢弃（不是拒绝），客户端会重试"},
    concept = {"the backlog holds backlog+1 connections; more SYNs are dropped", "backlog 能容纳 backlog+1 个连接，多余的 SYN 被丢弃"}}
say("Linux lets backlog+1 connections wait; the next client's SYN is dropped and its connect() waits.",
    "Linux 允许 backlog+1 个连接等待；再来的客户端 SYN 会被丢弃，它的 connect() 只能等。")
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
