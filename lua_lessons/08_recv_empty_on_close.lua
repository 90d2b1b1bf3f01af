-- summary.en: recv returns "" when the peer closes; CLOSE_WAIT; shutdown for a half-close; TIME_WAIT
-- summary.zh: 对方关闭时 recv 返回空；CLOSE_WAIT；用 shutdown 半关闭；TIME_WAIT
-- course: 000 §5.4 (recv 返回长度为 0); 001 note 9; 003 (四次挥手)

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

server = socket.socket("tcp")
assert(server:bind("127.0.0.1", 0))
assert(server:listen())
local port = server:getsockname()[2]
client = socket.socket("tcp")
assert(client:connect("127.0.0.1", port))
conn = assert(server:accept())

say("The client shuts down its sending side: a FIN goes to the server (shutdown(SHUT_WR)).",
    "客户端关闭自己的发送方向：向服务器发送 FIN（shutdown(SHUT_WR)）。")
assert(client:shutdown(socket.SHUT_WR))
if wire then
    expect(#packets{flags = "FIN+ACK", to = port} == 1, "on the wire: shutdown() sent the client's FIN (FIN+ACK: it acknowledges too)",
           "线路上：shutdown() 发出了客户端的 FIN（FIN+ACK：同时也是确认）")
end

ask{id = "recv_after_close",
    q = {"The client has shut down its sending side (a FIN went to the server). What will the server's recv(1024) do now?",
         "客户端已经关闭了发送方向（FIN 已发给服务器）。服务器的 recv(1024) 现在会怎样？"},
    choices = {{"block until the client sends more", "阻塞，直到客户端再发数据"},
               {"return at once with 0 bytes (Python: b'')", "立即返回 0 字节（Python：b''）"},
               {"fail with an error (ECONNRESET)", "报错（ECONNRESET）"}},
    answer = 2,
    why = {"a FIN means \"no more data\": recv returns 0 bytes at once, Python's b'' — the way a server sees a client leave",
           "FIN 的意思是“不会再有数据”：recv 立即返回 0 字节，即 Python 的 b'' —— 服务器就是这样知道客户端下线的"},
    concept = {"recv returns b'' when the peer has closed", "对方关闭后 recv 返回 b''"}}

say("The server's recv() unblocks and returns 0 bytes — Python's b'': the client will send no more.",
    "服务器的 recv() 解除阻塞并返回 0 字节 —— 就是 Python 的 b''：客户端不会再发数据了。")
local data = conn:recv(1024)
expect(data == "", "recv returned an empty string", "recv 返回了空字符串")
expect(conn:state().state == "CLOSE_WAIT", "the server's socket is in CLOSE_WAIT: it got FIN, it has not closed yet",
       "服务器套接字处于 CLOSE_WAIT：收到了 FIN，自己还没关闭")
local cs = client:state().state
expect(cs == "FIN_WAIT1" or cs == "FIN_WAIT2",
       "the client is in " .. cs .. ": FIN_WAIT1 until its FIN is acknowledged, then FIN_WAIT2, waiting for the server's FIN",
       "客户端处于 " .. cs .. "：FIN 被确认前是 FIN_WAIT1，之后是 FIN_WAIT2，等待服务器的 FIN")

say("Half-close: the server can still send, and the client can still receive.",
    "半关闭：服务器仍然可以发送，客户端仍然可以接收。")
assert(conn:send("last words"))
expect(client:recv(1024) == "last words", "the client received after its own shutdown", "客户端在 shutdown 之后仍然收到了数据")

say("The server closes: its FIN completes the four-way close. The side that closed first waits in TIME_WAIT.",
    "服务器关闭：它的 FIN 完成了四次挥手。先关闭的一方进入 TIME_WAIT。")
conn:close()
expect(client:recv(1024) == "", "the client's recv also returns empty now", "现在客户端的 recv 也返回空")
if wire then
    -- A FIN counts as one byte: the other side acknowledges it with ack = its seq + 1.
    local cfin, sfin = packets{flags = "FIN+ACK", to = port}[1], packets{flags = "FIN+ACK", from = port}[1]
    expect(cfin and sfin and #packets{from = port, ack = cfin.seq + 1} > 0 and #packets{to = port, ack = sfin.seq + 1} > 0,
           "on the wire: the four-way close — client FIN, the server's ACK of it, server FIN, the client's ACK",
           "线路上：四次挥手 —— 客户端 FIN、服务器对它的 ACK、服务器 FIN、客户端的 ACK")
end
-- The kernel moves the connection to a small TIME_WAIT record of its own: the fd reads
-- CLOSED, and /proc/net/tcp (what ss reads) shows the TIME_WAIT (state 06).
local function time_wait(port)
    for line in io.lines("/proc/net/tcp") do
        local lport, st = line:match("^%s*%d+: %x+:(%x+) %x+:%x+ (%x%x)")
        if lport and tonumber(lport, 16) == port and st == "06" then return true end
    end
    return false
end
expect(client:state().state == "CLOSED" and time_wait(client:getsockname()[2]),
       "the client's fd reads CLOSED; the kernel keeps the connection in TIME_WAIT (see ss -tan)",
       "客户端的 fd 显示 CLOSED；内核仍把这个连接保留在 TIME_WAIT（可用 ss -tan 查看）")
client:close()
server:close()
