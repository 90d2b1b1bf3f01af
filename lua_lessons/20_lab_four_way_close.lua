-- summary.en: Lab: the four-way close frame by frame — FIN_WAIT1, CLOSE_WAIT, FIN_WAIT2, LAST_ACK, TIME_WAIT
-- summary.zh: 实验网络：逐帧看四次挥手 —— FIN_WAIT1、CLOSE_WAIT、FIN_WAIT2、LAST_ACK、TIME_WAIT
-- course: 003 (四次挥手 a–d); 000 §5.4 (recv 返回长度为 0); 001 note 9

if not lab_on() then return end

say("A connection between A (the client) and B (the server, port 7788), made as usual.",
    "A（客户端）和 B（服务器，端口 7788）之间的一个连接，照常建立。")
socket.host("B")
server = socket.socket("tcp")
assert(server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1))   -- as the course's servers (000 §5.3)
assert(server:bind("192.168.1.104", 7788))
assert(server:listen(128))
socket.host("A")
client = socket.socket("tcp")
assert(client:settimeout(3))    -- no step waits for ever
assert(client:connect("192.168.1.104", 7788))
socket.host("B")
conn = assert(server:accept())
assert(conn:settimeout(3))

local A, B = client:getsockname(), conn:getsockname()
local AtoB = {from = A[1] .. ":" .. A[2], to = B[1] .. ":" .. B[2]}
local BtoA = {from = AtoB.to, to = AtoB.from}
local function with(t, more)
    local r = {}
    for k, v in pairs(t) do r[k] = v end
    for k, v in pairs(more) do r[k] = v end
    return r
end

say("The switch holds every frame from now on (socket.switch{hold = true}); socket.next() sends the oldest on.",
    "从现在起交换机扣住每一帧（socket.switch{hold = true}）；socket.next() 放行最早的一帧。")
-- The frames the switch holds, stepped as `next` would (counted from here); lesson.c's stepper().
local step = stepper()
local send_on, waiting = step.send_on, step.waiting
assert(socket.switch{hold = true})

say("a. The client closes its sending side: shutdown(SHUT_WR) sends a FIN (it keeps the socket, so that we can watch its state).",
    "a. 客户端关闭自己的发送方向：shutdown(SHUT_WR) 发出 FIN（套接字还留着，好观察它的状态）。")
assert(client:shutdown(socket.SHUT_WR))
local fin1 = waiting(with(AtoB, {flags = "FIN+ACK"}))
expect(fin1 and fin1.fromstate == "FIN_WAIT1", "on the wire: A's FIN, held in the switch; A entered FIN_WAIT1",
       "线路上：A 的 FIN 被交换机扣住；A 进入了 FIN_WAIT1")
expect(client:state().state == "FIN_WAIT1" and conn:state().state == "ESTABLISHED",
       "the client is FIN_WAIT1 (its FIN not yet acknowledged); the server, which has seen nothing, is still ESTABLISHED",
       "客户端是 FIN_WAIT1（它的 FIN 还没被确认）；服务器什么也没收到，仍是 ESTABLISHED")

say("socket.next(): the FIN reaches B. b. B's kernel acknowledges it at once, and B's side enters CLOSE_WAIT: the peer will send no more, B's program has not closed yet.",
    "socket.next()：FIN 到达 B。b. B 的内核立即确认它，B 这一端进入 CLOSE_WAIT：对方不会再发数据了，而 B 的程序还没有关闭。")
send_on(with(AtoB, {flags = "FIN+ACK"}), "next: A's FIN goes on to B", "next：A 的 FIN 被放行到 B")
expect(wait_for(function() return conn:state().state == "CLOSE_WAIT" end, 3),
       "the server's socket is CLOSE_WAIT", "服务器的套接字是 CLOSE_WAIT")
local ack1 = waiting(with(BtoA, {flags = "ACK"}))
expect(ack1 and ack1.ack == fin1.seq + 1 and client:state().state == "FIN_WAIT1",
       "on the wire: B's ACK of the FIN (ack = the FIN's seq + 1), held; the client is still FIN_WAIT1",
       "线路上：B 对 FIN 的 ACK（ack = FIN 的 seq + 1）被扣住；客户端仍是 FIN_WAIT1")

say("The server's recv() returns 0 bytes — Python's b'' — the sign that the client has closed.",
    "服务器的 recv() 返回 0 字节 —— 就是 Python 的 b'' —— 表示客户端已经关闭。")
expect(conn:recv(1024) == "", "recv returned an empty string", "recv 返回了空字符串")

say("socket.next(): the ACK reaches A. The client enters FIN_WAIT2: its FIN is acknowledged; it waits for the server's FIN.",
    "socket.next()：ACK 到达 A。客户端进入 FIN_WAIT2：它的 FIN 已被确认；它在等服务器的 FIN。")
send_on(with(BtoA, {flags = "ACK"}), "next: B's ACK goes on to A", "next：B 的 ACK 被放行到 A")
expect(wait_for(function() return client:state().state == "FIN_WAIT2" end, 3),
       "the client is FIN_WAIT2", "客户端是 FIN_WAIT2")

say("c. The server's program has finished: close() sends B's FIN. B enters LAST_ACK: it waits for the last ACK.",
    "c. 服务器的程序处理完了：close() 发出 B 的 FIN。B 进入 LAST_ACK：等待最后一个 ACK。")
conn:close()
local fin2 = waiting(with(BtoA, {flags = "FIN+ACK"}))
expect(fin2 and fin2.fromstate == "LAST_ACK" and client:state().state == "FIN_WAIT2",
       "on the wire: B's FIN, held; B entered LAST_ACK (the table's row without an fd); the client is still FIN_WAIT2",
       "线路上：B 的 FIN 被扣住；B 进入了 LAST_ACK（表格中没有 fd 的那一行）；客户端仍是 FIN_WAIT2")

say("socket.next(): the FIN reaches A. d. A acknowledges it and enters TIME_WAIT: the side that closed first waits 2 MSL (60 s on Linux) before the connection is gone.",
    "socket.next()：FIN 到达 A。d. A 确认它并进入 TIME_WAIT：先关闭的一方要等 2MSL（Linux 上 60 秒）连接才彻底消失。")
send_on(with(BtoA, {flags = "FIN+ACK"}), "next: B's FIN goes on to A", "next：B 的 FIN 被放行到 A")
local ack2 = waiting(with(AtoB, {flags = "ACK"}))
expect(ack2 and ack2.ack == fin2.seq + 1 and #packets(with(BtoA, {action = "released", flags = "FIN+ACK", tostate = "TIME_WAIT"})) >= 1,
       "on the wire: the FIN sent on moved A into TIME_WAIT; A's last ACK (ack = B's FIN's seq + 1) is held",
       "线路上：放行的 FIN 让 A 进入了 TIME_WAIT；A 的最后一个 ACK（ack = B 的 FIN 的 seq + 1）被扣住")
expect(client:state().state == "CLOSED",
       "the client's fd now reads CLOSED: the kernel keeps the connection in TIME_WAIT apart from it, for 60 s (in a lab session: sockplay --join A -- ss -tan)",
       "客户端的 fd 现在显示 CLOSED：内核在它之外把这个连接保留在 TIME_WAIT，60 秒（在实验会话中：sockplay --join A -- ss -tan）")

say("socket.next(): the last ACK reaches B, which closes for good (CLOSED). Four frames: FIN, ACK, FIN, ACK.",
    "socket.next()：最后的 ACK 到达 B，B 彻底关闭（CLOSED）。一共四帧：FIN、ACK、FIN、ACK。")
send_on(with(AtoB, {flags = "ACK"}), "next: A's last ACK goes on to B", "next：A 的最后一个 ACK 被放行到 B")
expect(wait_for(function() return #packets(with(AtoB, {action = "released", flags = "ACK", tostate = "CLOSED"})) >= 1 end, 3),
       "on the wire: the last ACK sent on moved B from LAST_ACK to CLOSED",
       "线路上：放行的最后一个 ACK 让 B 从 LAST_ACK 变成 CLOSED")

assert(socket.switch{hold = false})
client:close()
server:close()
