-- summary.en: Lab: a lost frame — UDP never knows (sendto succeeded, recvfrom times out); TCP retransmits and the data arrives
-- summary.zh: 实验网络：丢了一帧 —— UDP 毫不知情（sendto 成功，recvfrom 超时）；TCP 超时重传，数据照样到达
-- course: 003 (UDP 不保证可靠传输; TCP 超时重传); 001 (TCP 的特点: 发送应答机制、超时重传; UDP 程序)

if not lab_on() then return end

say("UDP first. On B a socket bound to 192.168.1.104:8080 receives; on A a socket sends, as the course's UDP programs do.",
    "先看 UDP。B 上绑定 192.168.1.104:8080 的套接字负责接收；A 上的套接字负责发送，和课程里的 UDP 程序一样。")
socket.host("B")
receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(receiver:bind("192.168.1.104", 8080))
assert(receiver:settimeout(1))
socket.host("A")
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(sender:sendto("first", "192.168.1.104", 8080))
local data, from = receiver:recvfrom(1024)
expect(data == "first" and from[1] == "192.168.1.103", "with nothing in the way, B received the datagram from 192.168.1.103",
       "路上没有阻碍时，B 收到了来自 192.168.1.103 的数据报")

say("Now the switch loses every frame (socket.switch{loss = 100}, `wire loss 100%` at the prompt) — a cable pulled out, a full queue in a router.",
    "现在交换机丢掉每一帧（socket.switch{loss = 100}，提示符下是 `wire loss 100%`）—— 就像网线被拔了，或者路由器的队列满了。")
assert(socket.switch{loss = 100})
local n = sender:sendto("second", "192.168.1.104", 8080)
expect(n == 6, "sendto() still returned 6: it only hands the datagram to A's kernel — nobody tells A it was lost",
       "sendto() 照样返回 6：它只是把数据报交给 A 的内核 —— 没有人告诉 A 它丢了")
local lost = wait_for(function() return packets{proto = "UDP", action = "lost", data = "second"}[1] end, 3)
expect(lost and lost.from:match("^192%.168%.1%.103:") and lost.to == "192.168.1.104:8080",
       "on the wire: the datagram reached the switch, which lost it",
       "线路上：数据报到了交换机，被交换机丢掉了")
local t0 = socket.gettime()
local got, _, err = receiver:recvfrom(1024)
expect(not got and err == socket.EAGAIN and socket.gettime() - t0 >= 0.9,
       "B's recvfrom() waited its 1 s timeout and got nothing (EAGAIN): UDP does not retransmit; the program itself must notice and resend",
       "B 的 recvfrom() 等满 1 秒超时也没收到（EAGAIN）：UDP 不会重传；程序自己得发现并重发")
assert(socket.switch{loss = 0})

say("Now TCP. A connection from A to B (port 7788); then the switch drops the next data segment from A, once (socket.switch{drop = \"data from A\"}, `wire drop next data from A`).",
    "再看 TCP。从 A 到 B（端口 7788）的一个连接；然后交换机丢掉 A 发出的下一个数据段，只丢一次（socket.switch{drop = \"data from A\"}，`wire drop next data from A`）。")
socket.host("B")
server = socket.socket("tcp")
assert(server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1))   -- as the course's servers (000 §5.3)
assert(server:bind("192.168.1.104", 7788))
assert(server:listen(128))
socket.host("A")
client = socket.socket("tcp")
assert(client:settimeout(3))
assert(client:connect("192.168.1.104", 7788))
socket.host("B")
conn = assert(server:accept())
assert(conn:settimeout(5))
assert(socket.switch{drop = "data from A"})

say("send() returns at once, as sendto() did: the bytes are in A's send buffer. But TCP keeps them until B acknowledges them: with no ACK before the retransmission timeout (200 ms at least), A's kernel sends them again.",
    "send() 立即返回，和 sendto() 一样：数据在 A 的发送缓冲区里。但是 TCP 会一直保留它们，直到 B 确认：超时（至少 200 毫秒）还没收到 ACK，A 的内核就重新发送。")
t0 = socket.gettime()
expect(client:send("hello, B") == 8, "send() returned 8", "send() 返回 8")
local data2 = conn:recv(1024)
local took = socket.gettime() - t0
expect(data2 == "hello, B" and took >= 0.15,
       ("B's recv() got the data, %.0f ms after the send: the time A waited for an ACK that never came"):format(took * 1000),
       ("B 的 recv() 收到了数据，比 send 晚 %.0f 毫秒：这是 A 等待一个始终没来的 ACK 的时间"):format(took * 1000))
local dropped = packets{action = "dropped", data = "hello, B"}[1]
local again = packets{action = "passed", data = "hello, B", retrans = true}[1]
local acked = dropped and packets{from = "192.168.1.104:7788", ack = dropped.seq + 8}[1]
expect(dropped and again and acked and again.seq == dropped.seq and again.time - dropped.time >= 0.15,
       ("on the wire: the segment was dropped by the switch; the same bytes (seq=%d) came again %.0f ms later, marked as a retransmission, and B acknowledged them"):format(
           dropped and dropped.seq or -1, dropped and again and (again.time - dropped.time) * 1000 or -1),
       ("线路上：这个数据段被交换机丢掉了；同样的字节（seq=%d）在 %.0f 毫秒后又来了一次，标为重传，B 确认了它们"):format(
           dropped and dropped.seq or -1, dropped and again and (again.time - dropped.time) * 1000 or -1))

say("The difference: UDP's sendto and TCP's send both return success at once. UDP is done with the datagram; TCP keeps every byte until it is acknowledged, and retransmits it — if losses go on, each wait twice as long as the one before.",
    "区别在于：UDP 的 sendto 和 TCP 的 send 都立即返回成功。UDP 发完就不管了；TCP 会保留每个字节直到被确认，并重传 —— 如果一直丢，每次等待的时间是上一次的两倍。")
client:close()
conn:close()
server:close()
sender:close()
receiver:close()
