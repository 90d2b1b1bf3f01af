-- summary.en: Lab: backlog overflow — listen(1) on B; the client beyond it gets no SYN+ACK, retransmits its SYN, and gets in once accept() makes room
-- summary.zh: 实验网络：backlog 溢出 —— B 上 listen(1)；超出的客户端收不到 SYN+ACK，重传 SYN，等 accept() 腾出位置后才连上
-- course: 002 (listen 的 backlog: TCP 连接池); 000 §5.2 listen(backlog); 003 (三次握手; 超时重传)

if not lab_on() then return end

say("On B a server listens with listen(1): a backlog of 1. It does not call accept() yet.",
    "B 上的服务器调用 listen(1)：backlog 为 1。它暂时不调用 accept()。")
socket.host("B")
server = socket.socket("tcp")
assert(server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1))   -- as the course's servers (000 §5.3)
assert(server:bind("192.168.1.104", 7788))
assert(server:listen(1))

say("Two clients on A connect. Each handshake completes in the kernels, without accept(): Linux lets backlog + 1 finished connections wait.",
    "A 上的两个客户端发起连接。每次握手都在内核里完成，不需要 accept()：Linux 允许 backlog + 1 个已完成的连接等待。")
socket.host("A")
first = socket.socket("tcp")
assert(first:settimeout(3))
assert(first:connect("192.168.1.104", 7788))
second = socket.socket("tcp")
assert(second:settimeout(3))
assert(second:connect("192.168.1.104", 7788))
-- connect() returns once A has the SYN+ACK; A's ACK is a moment later at B.
expect(wait_for(function() return server:state().accept_queue == 2 end, 3),
       "B's accept queue holds 2 connections: it is full", "B 的 accept 队列里有 2 个连接：满了")

say("A third client. Its connect() would block, so it is non-blocking: it starts the handshake and returns EINPROGRESS.",
    "第三个客户端。它的 connect() 会阻塞，所以设为非阻塞：发起握手后返回 EINPROGRESS。")
third = socket.socket("tcp")
assert(third:setblocking(false))
local started = socket.gettime()
local ok, _, err = third:connect("192.168.1.104", 7788)
expect(not ok and err == socket.EINPROGRESS, "connect() returned EINPROGRESS", "connect() 返回 EINPROGRESS")
local port = third:getsockname()[2]
local from3 = "192.168.1.103:" .. port

say("B's kernel has no room: it drops the third SYN without a word. No SYN+ACK comes back; A's kernel waits (1 s) and sends the SYN again.",
    "B 的内核没有位置了：它悄悄丢掉第三个 SYN，什么也不回。没有 SYN+ACK 回来；A 的内核等待（1 秒）后再发一次 SYN。")
local retrans = wait_for(function() return packets{flags = "SYN", from = from3, retrans = true}[1] end, 4)
expect(retrans and #packets{flags = "SYN+ACK", to = from3} == 0,
       ("on the wire: the third client's SYN got no SYN+ACK; A retransmitted it %.1f s later"):format(
           retrans and retrans.time - packets{flags = "SYN", from = from3}[1].time or -1),
       ("线路上：第三个客户端的 SYN 没有收到 SYN+ACK；%.1f 秒后 A 重传了它"):format(
           retrans and retrans.time - packets{flags = "SYN", from = from3}[1].time or -1))
expect(third:state().state == "SYN_SENT" and server:state().accept_queue == 2,
       "the third client is still SYN_SENT; B's queue is still full (2)", "第三个客户端仍是 SYN_SENT；B 的队列仍是满的（2）")

say("accept() takes the oldest connection off the queue: there is room again. The next retransmitted SYN (A doubles its wait: 2 s more) is answered.",
    "accept() 从队列中取走最早的连接：又有位置了。下一次重传的 SYN（A 把等待时间加倍：再等 2 秒）得到了回应。")
socket.host("B")
conn1 = assert(server:accept())
local waiting = server:state().accept_queue   -- now: a stepping learner may take seconds before the next call
expect(conn1:getpeername()[2] == first:getsockname()[2] and waiting == 1,
       "accept() returned the first client; 1 connection waits", "accept() 返回了第一个客户端；还有 1 个连接在等")
-- A's waits double (1 s, 2 s, 4 s …): the next SYN leaves at most as long after now as the
-- connect began before it (plus a margin for a busy machine).
expect(wait_for(function() return third:state().state == "ESTABLISHED" end, math.min(60, 2 * (socket.gettime() - started) + 2)),
       "the third client is ESTABLISHED", "第三个客户端进入了 ESTABLISHED")
expect(#packets{flags = "SYN+ACK", to = from3} >= 1 and #packets{flags = "SYN", from = from3, retrans = true} >= 1,
       ("on the wire: %d SYNs from the third client, the last one answered by SYN+ACK"):format(#packets{flags = "SYN", from = from3}),
       ("线路上：第三个客户端发了 %d 个 SYN，最后一个得到了 SYN+ACK"):format(#packets{flags = "SYN", from = from3}))
expect(wait_for(function() return server:state().accept_queue == 2 end, 3),
       "B's queue holds 2 again: the second and the third client", "B 的队列里又有 2 个连接：第二个和第三个客户端")

say("A server that calls accept() promptly keeps the queue short; a slow one makes new clients wait — seconds, doubling each time.",
    "及时调用 accept() 的服务器让队列保持很短；慢的服务器会让新客户端等待 —— 以秒计，而且每次加倍。")
conn2 = assert(server:accept())
conn3 = assert(server:accept())
for _, s in ipairs({conn1, conn2, conn3, first, second, third}) do s:close() end
server:close()
