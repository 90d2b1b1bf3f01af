-- summary.en: The course's TCP client, for the course's TCP server on port 7788: connect, send, read the answer, see the server close (b''), close
-- summary.zh: 做课程里的 TCP 客户端，连接课程的 TCP 服务器（7788 端口）：connect、发送、读回复、看到服务器关闭（b''）、关闭
-- course: 001 (TCP 网络程序 - 客户端: connect((server_ip, server_port)), send(…encode("utf-8")), recv(1024)); 注意点 9 (recv 返回长度为 0)

-- The TCP sockets connected to port 7788, as connect calls.
local function clients()
    local out = {}
    for _, c in ipairs(calls{kind = "connect", ok = true, port = 7788}) do
        if c.type == "tcp" or c.type == "tcp6" then out[#out + 1] = c end
    end
    return out
end

-- The first call of kind on a client socket, after its connect, that passes test(c), or nil.
local function on_client(kind, test, after)
    for _, k in ipairs(clients()) do
        for _, c in ipairs(life(k.id, k.seq)) do
            if c.kind == kind and (not after or c.seq > after.seq) and test(c) then return c end
        end
    end
end

local function thanks() return on_client("recv", function(c) return c.ok and c.data == "thank you !" end) end
local function eof() local t = thanks() return t and on_client("recv", function(c) return c.ok and c.ret == 0 end, t) end

exercise{
    task = {"Be the course's TCP client for the course's TCP server on port 7788: connect, send a message in UTF-8, read its answer \"thank you !\", then read again to see the server close the connection (b''), and close your socket.",
            "做课程里的 TCP 客户端，连接 7788 端口上课程的 TCP 服务器：connect，用 UTF-8 发送一条消息，读到它的回复 \"thank you !\"，再读一次，看到服务器关闭连接（b''），然后关闭你的套接字。"},
    peer = {"The other side is the course's own \"TCP 网络程序 - 服务器\": it binds ('', 7788), accepts one client, reads, answers \"thank you !\" and closes that client's socket. Run it with python3 in a second terminal first; it serves one client and exits, and started again within a minute its bind fails (EADDRINUSE: its side closed first, TIME_WAIT) unless it sets SO_REUSEADDR (in the lab: on B, sockplay --join B -- python3 FILE.py, and connect to 192.168.1.104 from A).",
            "另一端是课程自己的“TCP 网络程序 - 服务器”：它绑定 ('', 7788)，接受一个客户端，读取消息，回复 \"thank you !\"，然后关闭这个客户端的套接字。先在第二个终端里用 python3 运行它；它只服务一个客户端就退出，一分钟之内重新启动时 bind 会失败（EADDRINUSE：它这一端先关闭，进入 TIME_WAIT），除非设置了 SO_REUSEADDR（实验网络里：在 B 上运行 sockplay --join B -- python3 xxx.py，然后从 A 连接 192.168.1.104）。"},
    checks = {
        {"connected", {"a TCP socket connected to port 7788", "一个 TCP 套接字连接到了 7788 端口"}, function()
            if #clients() > 0 then return true end
            local failed = calls{kind = "connect", ok = false, port = 7788}[1]
            if failed then return false, tr("connect failed (" .. tostring(failed.err) .. "): is the course's server running?",
                                            "connect 失败（" .. tostring(failed.err) .. "）：课程的服务器在运行吗？") end
            return false, tr("connect(('127.0.0.1', 7788)) on a TCP socket", "在 TCP 套接字上 connect(('127.0.0.1', 7788))")
        end},
        {"sent_utf8", {"it sent a message in UTF-8", "它用 UTF-8 发送了一条消息"}, function()
            local function text(c) return c.ok and c.ret > 0 and socket.decode(c.data, "utf-8") ~= nil end
            if on_client("send", text) or on_client("sendall", text) then return true end
            if on_client("send", function(c) return c.ok end) then
                return false, tr("the bytes sent are not UTF-8 text: the course's server decodes with utf-8", "发送的字节不是 UTF-8 文本：课程的服务器用 utf-8 解码")
            end
            return false, tr("send('你好'.encode('utf-8')) on the connected socket", "在已连接的套接字上 send('你好'.encode('utf-8'))")
        end},
        {"got_thanks", {"it read the answer \"thank you !\"", "它读到了回复 \"thank you !\""}, function()
            if thanks() then return true end
            return false, tr("recv(1024) on the connected socket", "在已连接的套接字上 recv(1024)")
        end},
        {"saw_close", {"a recv after the answer returned b'': the server closed", "回复之后的一次 recv 返回 b''：服务器关闭了连接"}, function()
            if eof() then return true end
            local t = thanks()
            if t and on_client("close", function(c) return c.ok end, t) then
                return false, tr("the socket was closed before a recv gave b'': connect again with a new socket (the course's server serves one client and exits: start it again — within a minute its bind fails with EADDRINUSE unless it sets SO_REUSEADDR)",
                                 "套接字在 recv 返回 b'' 之前就关闭了：用新的套接字重新连接（课程的服务器只服务一个客户端就退出：要重新启动它 —— 一分钟之内它的 bind 会以 EADDRINUSE 失败，除非设置了 SO_REUSEADDR）")
            end
            return false, tr("recv again: after the server's close() it returns b'' (0 bytes) at once", "再 recv 一次：服务器 close() 之后它会立即返回 b''（0 字节）")
        end},
        {"closed", {"then it closed its socket", "然后它关闭了自己的套接字"}, function()
            if on_client("close", function(c) return c.ok end, eof()) and eof() then return true end
            return false, tr("close() your socket after the b''", "收到 b'' 后 close() 你的套接字")
        end},
    },
    -- For --auto: the course's client lines, and a server in the session standing in for the course's.
    solution = {
        "import socket",
        "server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "server.bind(('', 7788))",
        "server.listen(128)",
        "tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "tcp_client_socket.connect(('127.0.0.1', 7788))",
        "tcp_client_socket.send('你好'.encode('utf-8'))",
        "client_socket, clientAddr = server.accept()",
        "client_socket.recv(1024)",
        "client_socket.send('thank you !'.encode('utf-8'))",
        "client_socket.close()",
        "recvData = tcp_client_socket.recv(1024)",
        "tcp_client_socket.recv(1024)",
        "tcp_client_socket.close()",
    },
}
