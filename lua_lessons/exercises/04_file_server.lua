-- summary.en: The file downloader's server on port 7890, for the course's downloader client: accept, read the file name, send the file, close
-- summary.zh: 在 7890 端口做文件下载器的服务器，服务课程的下载客户端：accept、读文件名、发送文件、关闭
-- course: 001 (案例：文件下载器: python3 xxx.py 7890; recv(1024) 得到文件名, send(file_content), close())

-- The first call of kind on a socket accepted by the listener of port 7890, after after
-- (a call) when given, that passes test(c); and the accept that made the socket.
local function on_conn(kind, test, after)
    for _, a in ipairs(accepted(listening(7890))) do
        for _, c in ipairs(life(a.made_id, a.seq)) do
            if c.kind == kind and (not after or c.seq > after.seq) and test(c) then return c, a end
        end
    end
end

-- Whether listener l was closed after call c.
local function closed_listener(l, c)
    for _, x in ipairs(calls{kind = "close", ok = true, id = l}) do
        if x.seq > c.seq then return true end
    end
    return false
end

local function name() return on_conn("recv", function(c) return c.ok and c.ret > 0 end) end
local function content()
    local n = name()
    local function sent(c) return c.ok and c.ret > 0 end
    local a, b = n and on_conn("send", sent, n), n and on_conn("sendall", sent, n)
    if a and b then return a.seq < b.seq and a or b end    -- the first: the client reads once
    return a or b
end

exercise{
    task = {"Be the file downloader's server on port 7890 (the port the course starts its own server with): accept the course's downloader client, read the file name it asks for, send it the file's bytes, and close that connection.",
            "在 7890 端口（课程启动它自己的服务器时用的端口）做文件下载器的服务器：accept 课程的下载客户端，读取它要下载的文件名，把文件的字节发给它，然后关闭这个连接。"},
    peer = {"The other side is the course's own downloader client (案例：文件下载器): run it with python3 in a second terminal once your socket listens; give it 127.0.0.1, 7890 and a file name (in the lab: `on A`, the client on B with sockplay --join B -- python3 FILE.py, and 192.168.1.103). It saves what it receives as [接收]NAME. `send S @FILE` sends a file's bytes as they are; the client reads at most 1024 bytes.",
            "另一端是课程自己的下载客户端（案例：文件下载器）：在你的套接字 listen 之后，在第二个终端里用 python3 运行它，输入 127.0.0.1、7890 和一个文件名（实验网络里：先 `on A`，在 B 上用 sockplay --join B -- python3 xxx.py 运行客户端，输入 192.168.1.103）。它把收到的内容保存为 [接收]文件名。`send S @文件` 原样发送文件的字节；客户端最多读 1024 字节。"},
    checks = {
        {"listening_7890", {"a TCP socket bound to port 7890 listens", "一个绑定在 7890 端口的 TCP 套接字在监听"}, function()
            if listening(7890) then return true end
            return false, tr("bind(('', 7890)), then listen(128)", "bind(('', 7890))，然后 listen(128)")
        end},
        {"accepted", {"accept() gave a socket for the downloader", "accept() 为下载客户端返回了一个套接字"}, function()
            if #accepted(listening(7890)) > 0 then return true end
            return false, tr("accept() waits for the client: run the course's downloader client", "accept() 等待客户端：运行课程的下载客户端")
        end},
        {"got_name", {"it read the file name the client asked for", "它读到了客户端请求的文件名"}, function()
            local n = name()
            if n and socket.decode(n.data, "utf-8") then return true end
            if n then return false, tr("the bytes read are not UTF-8 text", "读到的字节不是 UTF-8 文本") end
            return false, tr("recv(1024) on the socket accept() returned: the client sends the name first", "在 accept() 返回的套接字上 recv(1024)：客户端先发送文件名")
        end},
        {"sent_file", {"it sent the file's bytes after the name came", "收到文件名后它发送了文件的字节"}, function()
            local c = content()
            if c and c.ret > 1024 then return true, tr("the client reads only 1024 bytes: the rest is lost to it", "客户端只读 1024 字节：其余的它收不到") end
            if c then return true end
            return false, tr("send(file_content) on that socket — `send S @FILE` sends a file", "在这个套接字上 send(file_content) —— `send S @文件` 发送一个文件")
        end},
        {"closed", {"then it closed that connection", "然后它关闭了这个连接"}, function()
            local c = content()
            if c and on_conn("close", function(x) return x.ok end, c) then return true end
            local l = listening(7890)
            if c and l and closed_listener(l, c) then
                return false, tr("that closed the listening socket: the connection stays open, and the client waits for its end — close the socket accept() returned",
                                 "关闭的是监听套接字：连接仍然开着，客户端还在等它结束 —— 要关闭 accept() 返回的套接字")
            end
            return false, tr("close() the socket accept() returned: the server's loop then waits for the next client",
                             "close() accept() 返回的套接字：服务器的循环随后等待下一个客户端")
        end},
    },
    -- For --auto: the course's server lines, and a second socket standing in for the course's client.
    solution = {
        "import socket",
        "tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "tcp_server_socket.bind(('', 7890))",
        "tcp_server_socket.listen(128)",
        "course = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "course.connect(('127.0.0.1', 7890))",
        "course.send('notes.txt'.encode('utf-8'))",
        "client_socket, clientAddr = tcp_server_socket.accept()",
        "file_name = client_socket.recv(1024).decode('utf-8')",
        "client_socket.send('第一行\\n第二行\\n'.encode('utf-8'))",
        "client_socket.close()",
        "course.recv(1024)",
    },
}
