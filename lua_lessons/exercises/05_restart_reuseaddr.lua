-- summary.en: Restart a server on port 7788 right after it served a client: EADDRINUSE while TIME_WAIT holds the port, then SO_REUSEADDR before bind
-- summary.zh: 服务器在 7788 端口服务完一个客户端后立即重启：TIME_WAIT 占着端口时 EADDRINUSE，然后在 bind 之前设置 SO_REUSEADDR
-- course: 000 (5.3 TCP服务端端口号复用: setsockopt(SOL_SOCKET, SO_REUSEADDR, True)); 004 (四次挥手, TIME_WAIT)

-- Whether socket s had SO_REUSEADDR on before call c (its bind).
local function reuse_before(s, c)
    for _, o in ipairs(calls{kind = "setsockopt", ok = true, sock = s, option = "SO_REUSEADDR"}) do
        if o.seq < c.seq and o.value ~= 0 then return true end
    end
    return false
end

-- The close, by the server, of a connection it accepted on 7788 before the client closed
-- (no recv on it had returned b''): that side then waits in TIME_WAIT. The first such
-- close and its listener's bind; or nil and whether any client was served.
local function closed_first()
    local served = false
    for _, b in ipairs(calls{kind = "bind", ok = true, port = 7788}) do
        for _, a in ipairs(accepted(b.sock)) do
            local eof = false
            served = true
            for _, c in ipairs(calls{sock = a.made}) do
                if c.seq > a.seq and c.kind == "recv" and c.ok and c.ret == 0 then eof = true end
                if c.seq > a.seq and c.kind == "close" and c.ok and not eof then return c, b end
            end
        end
    end
    return nil, served
end

-- The restart: a bind to 7788 after that close, by another socket (a name used again
-- counts once the old socket closed), within the 60 s the kernel keeps TIME_WAIT; ok or not (the first that worked, else the last that failed).
local function restart()
    local first, old = closed_first()
    local failed, gone = nil, math.huge
    if not first then return nil end
    for _, c in ipairs(calls{kind = "close", ok = true, sock = old.sock}) do   -- the old server's end
        if c.seq > old.seq and c.seq < gone then gone = c.seq end
    end
    for _, b in ipairs(calls{kind = "bind", port = 7788}) do
        if b.seq > first.seq and (b.sock ~= old.sock or b.seq > gone) and b.t - first.t < 60 then
            if b.ok then return b end
            failed = b
        end
    end
    return nil, failed
end

exercise{
    task = {"A server on port 7788 that can be restarted at once: run it, serve one client and close that connection from the server's side (it waits in TIME_WAIT), close the server (the program \"exits\"), and start it again on 7788 within the minute — bind must work. The course's way (000, 5.3): SO_REUSEADDR, set before bind.",
            "一个可以立即重启的 7788 端口服务器：运行它，服务一个客户端，由服务器这一端关闭连接（它进入 TIME_WAIT），关闭服务器（程序“退出”），一分钟之内在 7788 上再次启动 —— bind 必须成功。课程的做法（000，5.3）：在 bind 之前设置 SO_REUSEADDR。"},
    peer = {"Any client will do: the course's TCP client (001) with 127.0.0.1 and 7788, or a second socket of this session. `state` shows the old connection waiting in TIME_WAIT, and how long it has left.",
            "任何客户端都可以：课程的 TCP 客户端（001），输入 127.0.0.1 和 7788；或者本会话里的另一个套接字。`state` 会显示旧连接在 TIME_WAIT 中等待，以及还剩多久。"},
    checks = {
        {"server_closed_first", {"a server on 7788 closed a client's connection first (its side waits in TIME_WAIT)",
                                 "7788 上的服务器先关闭了一个客户端的连接（它这一端进入 TIME_WAIT）"}, function()
            local c, served = closed_first()
            if c then return true end
            if served then return false, tr("the client closed first (recv gave b''): TIME_WAIT is then on the client's side — close the accepted socket before the client does",
                                            "客户端先关闭了（recv 返回 b''）：TIME_WAIT 就在客户端那一端 —— 要在客户端之前关闭 accept 返回的套接字") end
            return false, tr("bind, listen and accept on 7788, then close() the socket accept() returned", "在 7788 上 bind、listen、accept，然后 close() accept 返回的套接字")
        end},
        {"first_run_reuseaddr", {"that server set SO_REUSEADDR before its bind", "这个服务器在 bind 之前设置了 SO_REUSEADDR"}, function()
            local c, old = closed_first()
            if c and reuse_before(old.sock, old) then return true end
            if c then return false, tr("the first run bound 7788 without SO_REUSEADDR: its TIME_WAIT blocks every restart for a minute, option or not — the option is needed in every run. Wait until `state` no longer shows the TIME_WAIT, then run both with it.",
                                       "第一次运行绑定 7788 时没有设置 SO_REUSEADDR：它的 TIME_WAIT 会让一分钟内的重启都失败，不管重启时设不设选项 —— 每次运行都需要这个选项。等 `state` 不再显示 TIME_WAIT，再两次都设置选项运行。") end
            return false
        end},
        {"restarted_at_once", {"within the minute, a new socket with SO_REUSEADDR bound 7788 again", "一分钟之内，一个设置了 SO_REUSEADDR 的新套接字再次绑定了 7788"}, function()
            local b, failed = restart()
            if b and reuse_before(b.sock, b) then return true end
            if b then return true, tr("bind worked without the option here: nothing held the port any more", "这里不设选项 bind 也成功了：端口已经没有被占用") end
            if failed and failed.err == "EADDRINUSE" then
                return false, tr("bind gave EADDRINUSE: is the old listening socket still open (`state`)? did both runs set SO_REUSEADDR before bind?",
                                 "bind 返回 EADDRINUSE：旧的监听套接字还开着吗（`state`）？两次运行都在 bind 之前设置了 SO_REUSEADDR 吗？")
            end
            return false, tr("close the old server's sockets, then a new socket: setsockopt SO_REUSEADDR, bind(('', 7788))",
                             "关闭旧服务器的套接字，然后新建套接字：setsockopt SO_REUSEADDR，bind(('', 7788))")
        end},
        {"listening_again", {"the restarted server listens on 7788", "重启的服务器在 7788 上监听"}, function()
            local b = restart()
            if b and #calls{kind = "listen", ok = true, sock = b.sock} > 0 then return true end
            return false, tr("listen(128) on the restarted socket", "在重启的套接字上 listen(128)")
        end},
    },
    -- For --auto: a server, a second socket as its client, and the restart.
    solution = {
        "import socket",
        "tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "tcp_server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)",
        "tcp_server_socket.bind(('', 7788))",
        "tcp_server_socket.listen(128)",
        "course = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "course.connect(('127.0.0.1', 7788))",
        "client_socket, clientAddr = tcp_server_socket.accept()",
        "client_socket.close()",
        "tcp_server_socket.close()",
        "course.close()",
        "tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "tcp_server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)",
        "tcp_server_socket.bind(('', 7788))",
        "tcp_server_socket.listen(128)",
    },
}
