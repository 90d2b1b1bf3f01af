-- summary.en: Lab: the three-way handshake frame by frame — ARP, SYN (SYN_SENT), SYN+ACK (SYN_RECV), ACK (ESTABLISHED)
-- summary.zh: 实验网络：逐帧看三次握手 —— ARP、SYN（SYN_SENT）、SYN+ACK（SYN_RECV）、ACK（ESTABLISHED）
-- course: 003 (三次握手: SYN_SENT, SYN_RECV, ESTABLISHED; MAC 地址、交换机); 000 §5.1 connect; 002 backlog

if not lab_on() then return end

say("On host B (192.168.1.104) a server listens on port 7788, as in the course.",
    "在主机 B（192.168.1.104）上，服务器在 7788 端口监听，和课程里一样。")
socket.host("B")
server = socket.socket("tcp")
assert(server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1))   -- as the course's servers (000 §5.3)
assert(server:bind("192.168.1.104", 7788))
assert(server:listen(128))

say("The switch now holds every frame (socket.switch{hold = true}, `wire hold` at the prompt); each socket.next() sends the oldest held frame on (`next`).",
    "交换机现在扣住每一帧（socket.switch{hold = true}，提示符下是 `wire hold`）；每次 socket.next() 放行最早扣住的一帧（`next`）。")
-- The frames the switch holds, stepped as `next` would (counted from here: a session may have
-- held frames before the lesson); stepper() is lesson.c's.
local step, tcp_held = stepper(), #packets{proto = "TCP", action = "held"}
local held, send_on, waiting = step.held, step.send_on, step.waiting
assert(socket.switch{hold = true})

say("On host A (192.168.1.103) the client connects. connect() blocks until the handshake ends, and the switch holds the handshake: a blocking connect would wait for ever. A non-blocking connect (setblocking(False)) starts it and returns at once.",
    "在主机 A（192.168.1.103）上，客户端发起连接。connect() 会一直阻塞到握手结束，而交换机扣住了握手的帧：阻塞的 connect 会永远等下去。非阻塞的 connect（setblocking(False)）发起握手后立即返回。")
socket.host("A")
client = socket.socket("tcp")
assert(client:setblocking(false))
local ok, _, err = client:connect("192.168.1.104", 7788)
expect(not ok and err == socket.EINPROGRESS, "connect() returned EINPROGRESS: the handshake has begun, it has not finished",
       "connect() 返回 EINPROGRESS：握手已经开始，还没有完成")
expect(client:state().state == "SYN_SENT", "the client is in SYN_SENT at once — its SYN waits in A's kernel",
       "客户端立即进入 SYN_SENT —— 它的 SYN 还在 A 的内核里等着")

say("Before any TCP segment: A knows B's IP address, not its MAC address. It asks everyone on the LAN (ARP): who has 192.168.1.104? The lesson sends the question and B's answer on at once: without an answer A asks twice more, 1 s apart, then gives up — and the connect fails with EHOSTUNREACH.",
    "在任何 TCP 报文段之前：A 知道 B 的 IP 地址，却不知道它的 MAC 地址。它向局域网里的所有人询问（ARP）：谁是 192.168.1.104？课程会立即放行这个询问和 B 的回答：得不到回答时 A 每隔 1 秒再问两次，然后放弃 —— connect 会以 EHOSTUNREACH 失败。")
local first = held(step.sent + 1)
if first and first.proto == "TCP" then
    say("A already had B's MAC address in its ARP cache (it asked earlier in this session): no ARP this time. A new lab shows it: sockplay --lab --lesson lab_handshake_stepped",
        "A 的 ARP 缓存里已经有 B 的 MAC 地址（本会话里之前问过）：这次没有 ARP。新的实验网络才能看到：sockplay --lab --lesson lab_handshake_stepped")
else
    expect(first and first.proto == "ARP" and first.arp == "request" and first.to == "192.168.1.104"
           and #packets{proto = "TCP", action = "held"} == tcp_held,
           "on the wire: the first frame is A's ARP request for 192.168.1.104; no TCP segment yet",
           "线路上：第一帧是 A 询问 192.168.1.104 的 ARP 请求；还没有任何 TCP 报文段")
    local reply = send_on{proto = "ARP", arp = "request", from = "192.168.1.103"} and
                  send_on{proto = "ARP", arp = "reply", from = "192.168.1.104"}
    expect(reply and reply.arp_mac == "02:00:00:00:02:01", "on the wire: B answered with its MAC address, 02:00:00:00:02:01",
           "线路上：B 回答了自己的 MAC 地址 02:00:00:00:02:01")
end

say("Now A's kernel can send the SYN: a. the client sends SYN to the server and enters SYN_SENT.",
    "现在 A 的内核可以发出 SYN 了：a. 客户端向服务器发送 SYN，进入 SYN_SENT 状态。")
local syn = waiting{flags = "SYN"}
expect(syn and syn.fromstate == "SYN_SENT" and syn.from:match("^192%.168%.1%.103:") and syn.to == "192.168.1.104:7788",
       "on the wire: SYN from A to 192.168.1.104:7788, held in the switch; the client is SYN_SENT",
       "线路上：A 发往 192.168.1.104:7788 的 SYN 被交换机扣住；客户端处于 SYN_SENT")
expect(client:state().state == "SYN_SENT" and server:state().accept_queue == 0,
       "the client is still SYN_SENT; B has seen nothing: its accept queue is empty (0)",
       "客户端仍是 SYN_SENT；B 什么也没收到：它的 accept 队列是空的（0）")

say("socket.next(): the SYN goes on to B. b. B's kernel answers SYN+ACK and its side of the connection enters SYN_RECV — half open, not yet in the accept queue.",
    "socket.next()：SYN 被放行到 B。b. B 的内核回复 SYN+ACK，它这一端的连接进入 SYN_RECV —— 半连接，还不在 accept 队列里。")
send_on({flags = "SYN"}, "next: the SYN goes on to B", "next：SYN 被放行到 B")
local synack = waiting{flags = "SYN+ACK"}
expect(synack and synack.fromstate == "SYN_RECV" and synack.from == "192.168.1.104:7788",
       "on the wire: B's SYN+ACK, held in the switch; B's side is SYN_RECV",
       "线路上：B 的 SYN+ACK 被交换机扣住；B 这一端处于 SYN_RECV")
expect(client:state().state == "SYN_SENT" and server:state().accept_queue == 0,
       "the client is still SYN_SENT (the SYN+ACK is held); B's accept queue is still 0: a SYN_RECV connection is not ready for accept()",
       "客户端仍是 SYN_SENT（SYN+ACK 被扣住）；B 的 accept 队列仍是 0：SYN_RECV 的连接还不能被 accept()")

say("socket.next(): the SYN+ACK reaches A. c. The client enters ESTABLISHED and sends the last ACK.",
    "socket.next()：SYN+ACK 到达 A。c. 客户端进入 ESTABLISHED，并发出最后的 ACK。")
send_on({flags = "SYN+ACK"}, "next: the SYN+ACK goes on to A", "next：SYN+ACK 被放行到 A")
expect(wait_for(function() return client:state().state == "ESTABLISHED" end, 3),
       "the client is ESTABLISHED: for A the connection is open", "客户端是 ESTABLISHED：对 A 来说连接已经建立")
local ack = waiting{flags = "ACK", to = "192.168.1.104:7788"}
expect(ack and server:state().accept_queue == 0,
       "on the wire: A's ACK is held in the switch — B is still SYN_RECV, its accept queue still 0",
       "线路上：A 的 ACK 被交换机扣住 —— B 仍是 SYN_RECV，accept 队列仍是 0")

say("socket.next(): the ACK reaches B. B's side enters ESTABLISHED too, and the connection moves into the accept queue.",
    "socket.next()：ACK 到达 B。B 这一端也进入 ESTABLISHED，连接进入 accept 队列。")
send_on({flags = "ACK", to = "192.168.1.104:7788"}, "next: the ACK goes on to B", "next：ACK 被放行到 B")
expect(wait_for(function() return server:state().accept_queue == 1 end, 3),
       "B's accept queue holds 1 connection: the three-way handshake is complete — and accept() has not been called",
       "B 的 accept 队列里有 1 个连接：三次握手完成了 —— 而 accept() 还没有被调用")
expect(#packets{action = "released", flags = "ACK", to = "192.168.1.104:7788", tostate = "ESTABLISHED"} >= 1,
       "on the wire: the ACK sent on moved B's side into ESTABLISHED",
       "线路上：放行的 ACK 让 B 这一端进入了 ESTABLISHED")

say("The switch lets frames pass again (socket.switch{hold = false}, `wire go`). accept() takes the connection; the client can send.",
    "交换机重新放行所有帧（socket.switch{hold = false}，`wire go`）。accept() 取走这个连接；客户端可以发送了。")
assert(socket.switch{hold = false})
socket.host("B")
conn = assert(server:accept())
expect(conn:state().state == "ESTABLISHED" and conn:getpeername()[1] == "192.168.1.103",
       "accept() returned the connection from 192.168.1.103, ESTABLISHED", "accept() 返回了来自 192.168.1.103 的连接，ESTABLISHED")
assert(client:setblocking(true))
assert(client:send("hello B"))
assert(conn:settimeout(3))
expect(conn:recv(1024) == "hello B", "B received what A sent", "B 收到了 A 发送的数据")
client:close()
conn:close()
server:close()
