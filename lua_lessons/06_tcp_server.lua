-- summary.en: TCP server: bind, listen, accept; the listening socket vs the socket accept returns
-- summary.zh: TCP 服务器：bind、listen、accept；监听套接字与 accept 返回的新套接字
-- course: 000 §5.2, §5.4; 001 "TCP 网络程序 - 服务器" and its notes 1-8

say("1-3. socket, bind, listen: listen turns the socket passive — like a phone switchboard (10086).",
    "1-3. socket、bind、listen：listen 把套接字变成被动的 —— 就像总机（10086）。")
tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
assert(tcp_server_socket:bind("", 0))
assert(tcp_server_socket:listen(128))
local port = tcp_server_socket:getsockname()[2]
expect(tcp_server_socket:state().state == "LISTEN", "the server socket is in LISTEN", "服务器套接字处于 LISTEN 状态")

local client = socket.socket("tcp")
assert(client:connect("127.0.0.1", port))

say("4. accept() returns a NEW socket for this client (the operator who serves this caller).",
    "4. accept() 为这个客户端返回一个新套接字（为这位来电者服务的客服）。")
client_socket, clientAddr = tcp_server_socket:accept()
expect(client_socket:fileno() ~= tcp_server_socket:fileno(), "a new fd, different from the listener's",
       "一个新的 fd，和监听套接字不同")
expect(clientAddr[2] == client:getsockname()[2], "clientAddr is the client's (ip, port)", "clientAddr 是客户端的 (ip, 端口)")

say("The listening socket only accepts: it cannot send or receive data.",
    "监听套接字只负责接受连接：不能收发数据。")
local ok, msg, err = tcp_server_socket:send("x")
expect(not ok and (err == socket.ENOTCONN or err == socket.EPIPE), "send on the listener fails: " .. tostring(msg),
       "在监听套接字上 send 失败")

say("5-6. recv and send go through the accepted socket.", "5-6. recv 和 send 都通过 accept 返回的套接字。")
assert(client:send("hi"))
expect(client_socket:recv(1024) == "hi", "the server received 'hi'", "服务器收到了 'hi'")
assert(client_socket:send("thank you !"))
expect(client:recv(1024) == "thank you !", "the client got the reply", "客户端收到了回复")

say("7. Closing the accepted socket ends service for this client; the listener keeps listening.",
    "7. 关闭 accept 返回的套接字就结束了对这个客户端的服务；监听套接字继续监听。")
client_socket:close()
expect(tcp_server_socket:state().state == "LISTEN", "still LISTEN", "仍然是 LISTEN")
client:close()
tcp_server_socket:close()
