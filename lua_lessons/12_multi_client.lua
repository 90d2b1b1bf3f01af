-- summary.en: One server, several clients: accept in a loop, one new socket per client
-- summary.zh: 一个服务器、多个客户端：循环 accept，每个客户端一个新套接字
-- course: 001 文件下载器 (while True: accept); 000 §5.4

server = socket.socket("tcp")
assert(server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1))
assert(server:bind("127.0.0.1", 0))
assert(server:listen(128))
local port = server:getsockname()[2]

say("Three clients connect; all three handshakes finish before the server accepts anyone.",
    "三个客户端连接；在服务器 accept 任何一个之前，三次握手都已完成。")
local clients = {}
for i = 1, 3 do
    clients[i] = socket.socket("tcp")
    assert(clients[i]:connect("127.0.0.1", port))
    assert(clients[i]:send("client " .. i))
end
expect(server:state().accept_queue == 3, "3 connections wait in the accept queue", "accept 队列中有 3 个连接在等待")

say("The server's loop: accept, recv, reply, close — one client after another.",
    "服务器循环：accept、recv、回复、close —— 一个接一个地服务。")
local seen = {}
for i = 1, 3 do
    local conn, addr = assert(server:accept())
    local msg = conn:recv(1024)
    seen[#seen + 1] = msg
    assert(conn:send("served " .. msg))
    conn:close()
end
expect(table.concat(seen, ",") == "client 1,client 2,client 3", "served in the order they connected", "按连接顺序服务")
for i = 1, 3 do
    expect(clients[i]:recv(1024) == "served client " .. i, "client " .. i .. " got its own reply", "客户端 " .. i .. " 收到了自己的回复")
    clients[i]:close()
end
server:close()
