-- summary.en: Blocking vs non-blocking: EAGAIN when nothing is ready, and timeouts (settimeout)
-- summary.zh: 阻塞与非阻塞：没有就绪时返回 EAGAIN，以及超时（settimeout）
-- course: 000 (recv 阻塞); 001 note 9 (recv 解堵塞)

server = socket.socket("tcp")
assert(server:bind("127.0.0.1", 0))
assert(server:listen())

ask{id = "accept_blocks", call = "accept",
    q = {"No client is waiting. A plain accept() would wait for one (the ⏳ line). After setblocking(False), what does accept() do?",
         "没有客户端在等待。普通的 accept() 会一直等（⏳ 那一行）。setblocking(False) 之后，accept() 会怎样？"},
    choices = {{"it still waits for a client", "仍然等待客户端"},
               {"it fails at once with EAGAIN: nothing is ready", "立即失败：EAGAIN，没有就绪的连接"},
               {"it returns None", "返回 None"}},
    answer = 2,
    why = {"accept blocks until a connection is in the queue; non-blocking, it says 'try again' (EAGAIN; Python: BlockingIOError) instead of waiting",
           "accept 会阻塞到队列里有连接为止；非阻塞时它不等待，而是说“稍后再试”（EAGAIN；Python：BlockingIOError）"},
    concept = {"accept blocks until a client connects (unless non-blocking)", "accept 会阻塞直到有客户端连接（非阻塞模式除外）"}}
say("A non-blocking accept() with no client waiting does not wait: it fails at once with EAGAIN.",
    "非阻塞的 accept() 在没有客户端时不等待：立即以 EAGAIN 失败。")
assert(server:setblocking(false))
local ok, msg, err = server:accept()
expect(not ok and err == socket.EAGAIN, "accept returned EAGAIN (try again later)", "accept 返回 EAGAIN（稍后再试）")

client = socket.socket("tcp")
assert(client:connect("127.0.0.1", server:getsockname()[2]))
conn = assert(server:accept())

ask{id = "recv_with_nothing_sent", call = "recv",
    q = {"conn:settimeout(0.5), and the client sends nothing. What does conn:recv(1024) do?",
         "conn:settimeout(0.5)，客户端什么也不发。conn:recv(1024) 会怎样？"},
    choices = {{"returns b'' at once", "立即返回 b''"},
               {"waits half a second, then fails (Python: TimeoutError)", "等待半秒，然后失败（Python：TimeoutError）"},
               {"waits until data comes, however long", "一直等到有数据为止"}},
    answer = 2,
    why = {"with nothing sent, recv waits; the timeout ends the wait with EAGAIN — b'' would mean the peer closed",
           "没有数据时 recv 会等待；超时用 EAGAIN 结束等待 —— b'' 表示的是对方关闭了"},
    concept = {"recv with nothing sent waits (until a timeout)", "没有数据时 recv 会等待（直到超时）"}}
say("settimeout(0.5): recv waits at most half a second, then gives up — Python raises socket.timeout.",
    "settimeout(0.5)：recv 最多等待半秒，然后放弃 —— Python 会抛出 socket.timeout。")
assert(conn:settimeout(0.5))
local t0 = socket.gettime()
local ok2, msg2, err2 = conn:recv(1024)
local waited = socket.gettime() - t0
-- A timeout is EAGAIN after the wait; the non-blocking EAGAIN above came at once.
expect(not ok2 and err2 == socket.EAGAIN and waited >= 0.4,
       ("recv waited %.1f s, then gave up with EAGAIN: it timed out"):format(waited),
       ("recv 等了 %.1f 秒，然后以 EAGAIN 放弃：超时了"):format(waited))

say("With data there, the same recv returns at once.", "有数据时，同样的 recv 会立即返回。")
assert(client:send("now"))
expect(conn:recv(1024) == "now", "recv returned the data", "recv 返回了数据")
assert(conn:settimeout(nil))
client:close(); conn:close(); server:close()
