-- summary.en: Short connections (connect per request) vs a long connection (many requests on one)
-- summary.zh: 短连接（每个请求都重新连接）与长连接（一个连接上多次请求）
-- course: 003 (长连接与短连接)

server = socket.socket("tcp")
assert(server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1))
assert(server:bind("127.0.0.1", 0))
assert(server:listen())
local port = server:getsockname()[2]

say("Short connections: each request is connect, send, recv, close — a handshake and a close every time.",
    "短连接：每个请求都是 connect、send、recv、close —— 每次都要握手和挥手。")
local ports = {}
for i = 1, 3 do
    local c <close> = socket.socket("tcp")
    assert(c:connect("127.0.0.1", port))
    local conn <close> = assert(server:accept())
    assert(c:send("request " .. i))
    assert(conn:send("reply to " .. assert(conn:recv(1024))))
    assert(c:recv(1024))
    ports[i] = c:getsockname()[2]
end
expect(ports[1] ~= ports[2] and ports[2] ~= ports[3], "three connections, three client ports", "三个连接，三个不同的客户端端口")

say("A long connection: one handshake, then many requests over the same socket.",
    "长连接：一次握手，然后在同一个套接字上进行多次请求。")
long = socket.socket("tcp")
assert(long:connect("127.0.0.1", port))
conn = assert(server:accept())
for i = 1, 3 do
    assert(long:send("request " .. i))
    assert(conn:send("reply to " .. assert(conn:recv(1024))))
    expect(long:recv(1024) == "reply to request " .. i, "reply " .. i .. " on the same connection", "同一连接上的第 " .. i .. " 个回复")
end
long:close(); conn:close(); server:close()
