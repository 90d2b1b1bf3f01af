-- summary.en: A server on port 7788 that can be restarted at once: it closed first (TIME_WAIT holds the port), and SO_REUSEADDR before bind lets the restart bind
-- summary.zh: 一个可以立即重启的 7788 端口服务器：它先关闭（TIME_WAIT 占着端口），在 bind 之前设置 SO_REUSEADDR，重启时才能绑定
-- course: 000 (5.3 TCP服务端端口号复用: setsockopt(SOL_SOCKET, SO_REUSEADDR, True)); 004 (四次挥手, TIME_WAIT)

-- Whether socket s (an id) had SO_REUSEADDR on before call c (its bind).
local function reuse_before(s, c)
    for _, o in ipairs(calls{kind = "setsockopt", ok = true, id = s, option = "SO_REUSEADDR"}) do
        if o.seq < c.seq and o.value ~= 0 then return true end
    end
    return false
end

-- The first close of socket s after call c's place (seq), or nil.
local function closed_after(s, seq)
    for _, c in ipairs(calls{kind = "close", ok = true, id = s}) do
        if c.seq > seq then return c end
    end
end

-- Whether the close c of the connection accept a made sent RST instead of FIN: bytes the
-- client sent were still unread (c.unread), so nothing waits in TIME_WAIT.
local function reset(c) return c.unread ~= nil end

-- Every run of a server on 7788 that served a client and closed that connection first (no
-- recv on it had returned b''), so that its side waits in TIME_WAIT: {bind = the listener's
-- bind, close = the connection's close, gone = the listener's close (seq; math.huge while
-- open), reuse = whether the listener set SO_REUSEADDR before its bind}.
local function runs()
    local out = {}
    for _, b in ipairs(calls{kind = "bind", ok = true, port = 7788}) do
        local lc = closed_after(b.id, b.seq)
        local gone = lc and lc.seq or math.huge
        for _, a in ipairs(accepted(b.id)) do
            if a.seq > b.seq and a.seq < gone then
                local eof = false
                for _, c in ipairs(life(a.made_id, a.seq)) do
                    if c.kind == "recv" and c.ok and c.ret == 0 then eof = true end
                    if c.kind == "close" and c.ok then
                        if not eof and not reset(c) then out[#out + 1] = {bind = b, close = c, gone = gone, reuse = reuse_before(b.id, b)} end
                        break
                    end
                end
            end
        end
    end
    return out
end

-- A restart after run r: a bind to 7788 after its connection's close by another socket
-- (the old listener must have closed for it to work), within the 60 s of TIME_WAIT.
-- The first that worked, else the last that failed.
local function restart_after(r)
    local failed
    for _, b in ipairs(calls{kind = "bind", port = 7788}) do
        if b.seq > r.close.seq and (b.id ~= r.bind.id or b.seq > r.gone) and b.t - r.close.t < 60 then
            if b.ok then return b end
            failed = b
        end
    end
    return nil, failed
end

-- The restart that counts: after a run that set SO_REUSEADDR, with SO_REUSEADDR itself.
local function restarted()
    local failed
    for _, r in ipairs(runs()) do
        local b, f = restart_after(r)
        if b and r.reuse and reuse_before(b.id, b) then return b end
        failed = failed or f or (b and not reuse_before(b.id, b) and b)
    end
    return nil, failed
end

exercise{
    task = {"A server on port 7788 that can be restarted at once: run it, serve one client and close that connection from the server's side (it waits in TIME_WAIT), close the server (the program \"exits\"), and start it again on 7788 within the minute — bind must work. The course's way (\"TCP服务端端口号复用\"): SO_REUSEADDR, set before bind.",
            "一个可以立即重启的 7788 端口服务器：运行它，服务一个客户端，由服务器这一端关闭连接（它进入 TIME_WAIT），关闭服务器（程序“退出”），一分钟之内在 7788 上再次启动 —— bind 必须成功。课程的做法（“TCP服务端端口号复用”）：在 bind 之前设置 SO_REUSEADDR。"},
    peer = {"Any client will do: the course's TCP client with 127.0.0.1 and 7788, or a second socket of this session. `state` shows the old connection waiting in TIME_WAIT, and how long it has left.",
            "任何客户端都可以：课程的 TCP 客户端，输入 127.0.0.1 和 7788；或者本会话里的另一个套接字。`state` 会显示旧连接在 TIME_WAIT 中等待，以及还剩多久。"},
    checks = {
        {"server_closed_first", {"a server on 7788 closed a client's connection first (its side waits in TIME_WAIT)",
                                 "7788 上的服务器先关闭了一个客户端的连接（它这一端进入 TIME_WAIT）"}, function()
            if #runs() > 0 then return true end
            local l = listening(7788)
            for _, a in ipairs(accepted(l)) do
                local c = calls{kind = "close", ok = true, id = a.made_id}[1]
                if c and c.seq > a.seq and reset(c) then
                    return false, tr("that close sent RST, not FIN: the client's bytes were still unread, so nothing waits in TIME_WAIT (`state`) — recv what the client sent, then close",
                                     "这次关闭发出的是 RST 而不是 FIN：客户端发来的字节还没有读，所以没有进入 TIME_WAIT（`state`）—— 先 recv 客户端发来的数据，再关闭")
                end
            end
            for _, a in ipairs(accepted(l)) do
                if #calls{kind = "recv", ok = true, ret = 0, id = a.made_id} > 0 then
                    return false, tr("the client closed first (recv gave b''): TIME_WAIT is then on the client's side — close the accepted socket before the client does",
                                     "客户端先关闭了（recv 返回 b''）：TIME_WAIT 就在客户端那一端 —— 要在客户端之前关闭 accept 返回的套接字")
                end
            end
            return false, tr("bind, listen and accept on 7788, then close() the socket accept() returned", "在 7788 上 bind、listen、accept，然后 close() accept 返回的套接字")
        end},
        {"server_set_reuseaddr", {"that server set SO_REUSEADDR before its bind", "这个服务器在 bind 之前设置了 SO_REUSEADDR"}, function()
            local all = runs()
            for _, r in ipairs(all) do if r.reuse then return true end end
            if #all > 0 then return false, tr("that server bound 7788 without SO_REUSEADDR: its TIME_WAIT blocks every restart for a minute, option or not — the option is needed in every run. Wait until `state` no longer shows the TIME_WAIT, then run the server again with it.",
                                              "这个服务器绑定 7788 时没有设置 SO_REUSEADDR：它的 TIME_WAIT 会让一分钟内的重启都失败，不管重启时设不设选项 —— 每次运行都需要这个选项。等 `state` 不再显示 TIME_WAIT，再设置选项重新运行服务器。") end
            local l, b = bound(7788, "tcp")
            if b and reuse_before(l, b) then
                return false, tr("set — it counts once this server has closed a client's connection first (the check above)",
                                 "已设置 —— 等这个服务器先关闭了一个客户端的连接（上一项检查）才算数")
            end
            return false, tr("setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True) before bind", "在 bind 之前 setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)")
        end},
        {"restarted_at_once", {"within the minute, a new socket with SO_REUSEADDR bound 7788 again", "一分钟之内，一个设置了 SO_REUSEADDR 的新套接字再次绑定了 7788"}, function()
            local b, failed = restarted()
            if b then return true end
            if failed and failed.ok then
                return false, tr("that bind worked without SO_REUSEADDR: set it before bind, as the course's server does", "这次 bind 没有设置 SO_REUSEADDR：要像课程的服务器那样在 bind 之前设置")
            end
            if failed and failed.err == "EADDRINUSE" then
                return false, tr("bind gave EADDRINUSE: did both runs set SO_REUSEADDR before bind? (`state` shows what holds 7788)",
                                 "bind 返回 EADDRINUSE：两次运行都在 bind 之前设置了 SO_REUSEADDR 吗？（`state` 显示是谁占着 7788）")
            end
            for _, r in ipairs(runs()) do
                if r.gone == math.huge then
                    return false, tr("close the old server's listening socket first: the program \"exits\"", "先关闭旧服务器的监听套接字：程序“退出”")
                end
            end
            return false, tr("a new socket: setsockopt SO_REUSEADDR, then bind(('', 7788))", "新建套接字：setsockopt SO_REUSEADDR，然后 bind(('', 7788))")
        end},
        {"listening_again", {"the restarted server listens on 7788", "重启的服务器在 7788 上监听"}, function()
            local b = restarted()
            local gone = b and closed_after(b.id, b.seq)
            for _, l in ipairs(b and calls{kind = "listen", ok = true, id = b.id} or {}) do
                if l.seq > b.seq and (not gone or l.seq < gone.seq) then return true end
            end
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
