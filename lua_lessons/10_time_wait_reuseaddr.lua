-- summary.en: TIME_WAIT after the server closes first, EADDRINUSE on restart, and SO_REUSEADDR
-- summary.zh: 服务器先关闭后的 TIME_WAIT、重启时的 EADDRINUSE，以及 SO_REUSEADDR
-- course: 000 §5.3 (端口号复用); 003 (四次挥手)

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

local function serve_once(reuse, port)
    local s = socket.socket("tcp")
    if reuse then assert(s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)) end
    local ok, msg, err = s:bind("127.0.0.1", port or 0)
    if not ok then s:close(); return nil, err end
    assert(s:listen())
    local c = socket.socket("tcp")
    assert(c:connect(s:getsockname()))
    local conn = assert(s:accept())
    local p = s:getsockname()[2]
    conn:close()            -- the server closes first ...
    assert(c:recv(1024))    -- ... the client sees the FIN ...
    c:close()               -- ... and closes too: the server's side is left in TIME_WAIT
    s:close()
    return p
end

say("A server that closes its connection first leaves TIME_WAIT on its port (about 60 s on Linux).",
    "先关闭连接的服务器，会在它的端口上留下 TIME_WAIT（Linux 上约 60 秒）。")
local port = serve_once(false)
if wire then
    local first, second = packets{flags = "FIN+ACK", from = port}[1], packets{flags = "FIN+ACK", to = port}[1]
    expect(first and second and first.time <= second.time,
           "on the wire: the server's FIN went first, the client's FIN answered — so TIME_WAIT is on the server's side, port " .. port,
           "线路上：服务器的 FIN 先发出，客户端的 FIN 随后 —— 所以 TIME_WAIT 在服务器这一侧，端口 " .. port)
end

ask{id = "restart_eaddrinuse", call = "bind",
    q = {"The server closed first, so its port is in TIME_WAIT. Started again at once on the same port, without SO_REUSEADDR, what does bind() do?",
         "服务器先关闭，它的端口处于 TIME_WAIT。不设置 SO_REUSEADDR 立刻在同一端口重启，bind() 会怎样？"},
    choices = {{"succeeds: the old socket is closed", "成功：旧套接字已经关闭了"},
               {"fails with EADDRINUSE", "失败：EADDRINUSE"},
               {"waits until TIME_WAIT is over", "一直等到 TIME_WAIT 结束"}},
    answer = 2,
    why = {"the kernel still holds the old connection on that port for about 60 s; SO_REUSEADDR set before bind lets a server bind anyway",
           "内核还在这个端口上保留旧连接约 60 秒；在 bind 之前设置 SO_REUSEADDR，服务器就能照样绑定"},
    concept = {"EADDRINUSE after a restart, and SO_REUSEADDR", "重启后的 EADDRINUSE 与 SO_REUSEADDR"}}
say("Restarting it on the same port at once fails: EADDRINUSE.", "立刻在同一个端口上重启会失败：EADDRINUSE。")
local again, err = serve_once(false, port)
expect(not again and err == socket.EADDRINUSE, "bind failed with EADDRINUSE", "bind 失败：EADDRINUSE")

say("With SO_REUSEADDR set before bind — in every run, as the course's server does — a restart binds at once.",
    "在 bind 之前设置 SO_REUSEADDR —— 像课程中的服务器那样每次运行都设置 —— 重启可以立即绑定。")
local p2 = serve_once(true)
local p3, err3 = serve_once(true, p2)
expect(p3 == p2, "the restarted server bound port " .. p2 .. " despite TIME_WAIT",
       "尽管有 TIME_WAIT，重启的服务器仍然绑定了端口 " .. p2)
