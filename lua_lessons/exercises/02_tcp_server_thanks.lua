-- summary.en: The course's TCP server on port 7788, for the course's TCP client: accept, read its message, answer "thank you !", close
-- summary.zh: 在 7788 端口做课程里的 TCP 服务器，服务课程的 TCP 客户端：accept、读它的消息、回复 "thank you !"、关闭
-- course: 001 (TCP 网络程序 - 服务器: bind(('', 7788)), listen(128), accept(), recv(1024), send("thank you !"), close())

-- The sockets accept made on the listener of port 7788, as accept calls.
local function conns() return accepted(listening(7788)) end

-- The first call of kind on one of the accepted sockets that passes test(c), or nil.
local function on_conn(kind, test)
    for _, a in ipairs(conns()) do
        for _, c in ipairs(life(a.made_id, a.seq)) do
            if c.kind == kind and test(c) then return c, a end
        end
    end
end

local function got(c) return c.ok and c.ret > 0 end

exercise{
    task = {"Be the course's TCP server on port 7788: accept the course's TCP client, read its message, answer \"thank you !\" in UTF-8, and close the socket that served it.",
            "在 7788 端口做课程里的 TCP 服务器：accept 课程的 TCP 客户端，读取它的消息，用 UTF-8 回复 \"thank you !\"，然后关闭为它服务的套接字。"},
    peer = {"The other side is the course's own \"TCP 网络程序 - 客户端\": run it with python3 in a second terminal once your socket listens, and give it 127.0.0.1 and 7788 (in the lab: `on A`, and the client on B — sockplay --join B -- python3 FILE.py — is given 192.168.1.103). It connects, sends what you type, prints the answer and closes.",
            "另一端是课程自己的“TCP 网络程序 - 客户端”：在你的套接字 listen 之后，在第二个终端里用 python3 运行它，输入 127.0.0.1 和 7788（实验网络里：先 `on A`，B 上的客户端 —— sockplay --join B -- python3 xxx.py —— 输入 192.168.1.103）。它会连接、发送你输入的文字、打印回复，然后关闭。"},
    checks = {
        {"listening_7788", {"a TCP socket bound to port 7788 listens", "一个绑定在 7788 端口的 TCP 套接字在监听"}, function()
            if listening(7788) then return true end
            if bound(7788, "tcp") then return false, tr("bound, but not listening yet: listen(128) makes it a passive socket that clients can reach",
                                                         "已绑定，但还没有监听：listen(128) 把它变成客户端能连上的被动套接字") end
            return false, tr("no TCP socket bound to 7788 yet: bind(('', 7788))", "还没有 TCP 套接字绑定 7788：bind(('', 7788))")
        end},
        {"accepted", {"accept() gave a new socket for the client", "accept() 为客户端返回了一个新套接字"}, function()
            if #conns() > 0 then return true end
            return false, tr("accept() waits until the client connects: run the course's client", "accept() 会一直等到客户端连接：运行课程的客户端")
        end},
        {"got_message", {"it read the client's message on that new socket", "它在这个新套接字上读到了客户端的消息"}, function()
            if on_conn("recv", got) then return true end
            local l = listening(7788)
            if l and #calls{kind = "recv", id = l} > 0 then
                return false, tr("recv on the listening socket: it only accepts — the socket accept() returned talks to the client",
                                 "在监听套接字上 recv：它只负责接受连接 —— 和客户端通信的是 accept() 返回的套接字")
            end
            return false, tr("recv(1024) on the socket accept() returned", "在 accept() 返回的套接字上 recv(1024)")
        end},
        {"answered", {"it answered \"thank you !\" on that socket", "它在这个套接字上回复了 \"thank you !\""}, function()
            -- The client reads once (recv(1024)) and closes: the answer is the first send.
            for _, a in ipairs(conns()) do
                local first
                for _, c in ipairs(life(a.made_id, a.seq)) do
                    if not first and (c.kind == "send" or c.kind == "sendall") and c.ok then first = c end
                end
                if first and first.data == "thank you !" then return true end
                if first then
                    return false, tr("the first answer was other bytes, and the client reads only once: the course's server sends \"thank you !\".encode('utf-8') — run the client again for a new connection",
                                     "第一次回复的是别的字节，而客户端只读一次：课程的服务器发送 \"thank you !\".encode('utf-8') —— 再运行一次客户端，建立新的连接")
                end
            end
            return false, tr("send(\"thank you !\".encode('utf-8')) on the socket accept() returned", "在 accept() 返回的套接字上 send(\"thank you !\".encode('utf-8'))")
        end},
        {"closed", {"it closed the socket that served the client", "它关闭了为客户端服务的套接字"}, function()
            local c = on_conn("close", function(c) return c.ok end)
            if c then return true end
            local l = listening(7788)
            if l and #conns() > 0 and #calls{kind = "close", ok = true, id = l} > 0 then
                return false, tr("that closed the listening socket: the connection stays open, and the client waits for its end — close the socket accept() returned",
                                 "关闭的是监听套接字：连接仍然开着，客户端还在等它结束 —— 要关闭 accept() 返回的套接字")
            end
            return false, tr("close() the socket accept() returned: the client's recv then returns b''",
                             "close() accept() 返回的套接字：客户端的 recv 随后返回 b''")
        end},
    },
    -- For --auto: the course's server lines, and a second socket standing in for the course's client.
    solution = {
        "import socket",
        "tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "tcp_server_socket.bind(('', 7788))",
        "tcp_server_socket.listen(128)",
        "course = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "course.connect(('127.0.0.1', 7788))",
        "course.send('你好'.encode('utf-8'))",
        "client_socket, clientAddr = tcp_server_socket.accept()",
        "recv_data = client_socket.recv(1024)",
        "client_socket.send('thank you !'.encode('utf-8'))",
        "client_socket.close()",
        "course.recv(1024)",
    },
}
