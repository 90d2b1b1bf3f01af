-- summary.en: Nagle + delayed ACK: write, write, then read waits ~40 ms each round trip; TCP_NODELAY removes the wait
-- summary.zh: Nagle 算法 + 延迟确认：写、写、再读，每个来回要等约 40 毫秒；TCP_NODELAY 去掉这个等待
-- course: 000 §5.6 (send 只是把数据放进发送缓冲区); 003 (TCP 发送应答机制; 长连接)

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

say("A long connection carries many requests. The client writes each one in two small sends — a header, then a body — and then reads the reply.",
    "一个长连接上有很多请求。客户端把每个请求分两次小的 send 写出 —— 先写头部，再写正文 —— 然后读取回复。")
server = socket.socket("tcp")
assert(server:bind("127.0.0.1", 0))
assert(server:listen())
local port = server:getsockname()[2]
client = socket.socket("tcp")
assert(client:connect("127.0.0.1", port))
conn = assert(server:accept())
assert(client:settimeout(2))   -- no step waits for ever
assert(conn:settimeout(2))

-- One request: write, write, read. The server answers once it has header and body (8 bytes).
local function round_trip()
    local t0 = socket.gettime()
    assert(client:send("HEAD"))
    assert(client:send("body"))
    local got = ""
    for _ = 1, 8 do
        got = got .. assert(conn:recv(8 - #got))
        if #got >= 8 then break end
    end
    assert(got == "HEADbody")
    assert(conn:send("OK"))
    assert(client:recv(2) == "OK")
    return (socket.gettime() - t0) * 1000
end

-- n requests without trace lines (the wire still captures them): the median round trip in ms.
local function timed(n)
    local was = socket.trace(false)
    local t = {}
    for i = 1, n do t[i] = round_trip() end
    socket.trace(was)
    table.sort(t)
    return t[(n + 1) // 2]
end

-- The last request's header and body segments, and the server's ACK of the header alone.
local function last_request()
    local heads, bodies = packets{to = port, data = "HEAD"}, packets{to = port, data = "body"}
    local head, body = heads[#heads], bodies[#bodies]
    return head, body, head and packets{from = port, len = 0, ack = head.seq + 4}[1]
end

say("A few requests first (quietly): a new connection acknowledges each segment at once; once the server answers, both kernels delay their ACKs (up to 40 ms) to carry them on the next reply.",
    "先悄悄发几个请求：新连接会立即确认每个数据段；服务器开始回复后，双方内核都会延迟 ACK（最多约 40 毫秒），好让它搭下一个回复的便车。")
timed(3)

say("One request, with Nagle's algorithm on (the default). The header leaves at once. The body is small and the header is not yet acknowledged, so Nagle keeps it in the send buffer (no packet under the second send); the server waits for the body before it replies, so it sends no ACK on a reply — until its delayed-ACK timer fires.",
    "一个请求，Nagle 算法开启（默认）。头部立即发出。正文很小，而头部还没被确认，所以 Nagle 把它留在发送缓冲区（第二个 send 下面没有包）；服务器要等正文到了才回复，所以没有回复可以捎带 ACK —— 直到它的延迟确认定时器到期。")
round_trip()
if wire then
    local head, body, ack = last_request()
    expect(head and body and ack and ack.time <= body.time and body.time - head.time >= 0.025,
           ("on the wire: the body left only after the server's delayed ACK of the header, %.0f ms after the header"):format(head and body and (body.time - head.time) * 1000 or -1),
           ("线路上：正文直到服务器延迟发出的头部 ACK 到了才发出，比头部晚 %.0f 毫秒"):format(head and body and (body.time - head.time) * 1000 or -1))
end

local nagle = timed(5)
expect(nagle >= 25, ("with Nagle: %.1f ms per request (the median of 5) — each one waits for the delayed ACK"):format(nagle),
       ("开启 Nagle：每个请求 %.1f 毫秒（5 次的中位数）—— 每次都在等延迟的 ACK"):format(nagle))

say("TCP_NODELAY on the client turns Nagle off: each send goes out at once, however small.",
    "在客户端设置 TCP_NODELAY 关闭 Nagle：每次 send 都立即发出，不管多小。")
assert(client:setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1))
round_trip()
if wire then
    -- Header and body back to back, as a program sends them. On a busy machine the body can
    -- be late enough for the server's ACK to slip in between: up to three tries.
    local was = socket.trace(false)
    local head, body, ack
    for _ = 1, 3 do
        round_trip()
        head, body, ack = last_request()
        if head and body and not ack then break end
    end
    socket.trace(was)
    expect(head and body and not ack, "on the wire: the body followed the header at once — no ACK of the header alone came between",
           "线路上：正文紧跟着头部发出 —— 中间没有单独确认头部的 ACK")
end

local nodelay = timed(5)
expect(nagle - nodelay >= 25, ("with TCP_NODELAY: %.2f ms per request (the median of 5), %.1f ms less — the wait is gone"):format(nodelay, nagle - nodelay),
       ("设置 TCP_NODELAY：每个请求 %.2f 毫秒（5 次的中位数），少了 %.1f 毫秒 —— 等待消失了"):format(nodelay, nagle - nodelay))

say("Another fix needs no option: send header and body in one send (sendall(header + body)).",
    "另一个办法不需要设置选项：把头部和正文放在一次 send 里发出（sendall(头部 + 正文)）。")
client:close()
conn:close()
server:close()
