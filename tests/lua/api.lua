-- The socket module's contract, in the style of Lua's testes: assert, and checkerr for
-- the calls that must raise. Run as: sockplay tests/lua/api.lua
local function checkerr(msg, f, ...)
    local ok, err = pcall(f, ...)
    assert(not ok, "expected an error matching '" .. msg .. "'")
    assert(string.find(err, msg, 1, true), "error '" .. tostring(err) .. "' does not contain '" .. msg .. "'")
end
local checks = 0
local function check(cond, what) assert(cond, what); checks = checks + 1 end

-- constants
check(socket.AF_INET == 2 and socket.SOCK_STREAM == 1 and socket.SOCK_DGRAM == 2, "AF/SOCK constants")
check(socket.SOL_SOCKET and socket.SO_REUSEADDR and socket.TCP_NODELAY and socket.IPPROTO_TCP, "option constants")
check(socket.SHUT_RD == 0 and socket.SHUT_WR == 1 and socket.SHUT_RDWR == 2, "SHUT_* constants")

-- misuse raises
checkerr("expected tcp, udp", socket.socket, "sctp")
checkerr("AF_INET, AF_INET6 or AF_UNIX", socket.socket, 99, 1)
checkerr("SOCK_STREAM or SOCK_DGRAM", socket.socket, socket.AF_INET, 99)

-- a server and a client, Python-shaped
local s <close> = assert(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
check(assert(s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)) == true, "setsockopt returns true")
check(s:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) == 1, "getsockopt reads it back")
check(s:getsockopt("SO_TYPE") == socket.SOCK_STREAM, "getsockopt by name")
check(s:bind({"127.0.0.1", 0}) == true, "bind with a table")
check(s:listen(16) == true, "listen")
local host, port = table.unpack(s:getsockname())
check(host == "127.0.0.1" and port > 0, "getsockname = {host, port}")
check(tostring(s):match("^socket fd=%d+ TCP 127%.0%.0%.1:%d+ LISTEN$"), "tostring of a listener: " .. tostring(s))
check(s:state().state == "LISTEN" and s:state().backlog == 16, "state() shows LISTEN and the backlog")

local c = socket.socket("tcp")
check(c:connect("127.0.0.1", port), "connect host, port")
local conn, addr = s:accept()
check(getmetatable(conn) == getmetatable(s), "accept returns a socket")
check(addr[1] == "127.0.0.1" and addr[2] == c:getsockname()[2], "accept's addr = client's {host, port}")
check(conn:getpeername()[2] == addr[2], "getpeername matches accept")
check(c:send("hello") == 5, "send returns bytes sent")
check(conn:recv(1024) == "hello", "recv returns the bytes")
check(c:sendall(string.rep("x", 100000)) == true, "sendall")
local got = 0
while got < 100000 do got = got + #conn:recv(65536) end
check(got == 100000, "sendall delivered everything")
check(c:shutdown(socket.SHUT_WR) and conn:recv(10) == "", "shutdown wr: peer reads ''")
check(c:shutdown("rd") == true, "shutdown by name")
check(type(c:fileno()) == "number", "fileno")

-- OS failures return nil, message, errno
conn:settimeout(0.2)
c:close()
check(conn:recv(10) == "", "recv '' after close")
local ok, msg, err = conn:send("x")
ok, msg, err = conn:send("x")
check(ok == nil and type(msg) == "string" and (err == socket.EPIPE or err == socket.ECONNRESET), "send after close: nil, msg, errno")
conn:close()

-- closed state
check(tostring(c) == "socket (closed)", "tostring of a closed socket")
checkerr("attempt to use a closed socket", c.send, c, "x")
checkerr("attempt to use a closed socket", c.recv, c)

-- refused connection: nil, explained message, errno
local probe = socket.socket("tcp"); probe:bind("127.0.0.1", 0)
local free = probe:getsockname()[2]; probe:close()
local r = socket.socket("tcp")
ok, msg, err = r:connect("127.0.0.1", free)
check(ok == nil and err == socket.ECONNREFUSED and msg:find("nothing listens on 127.0.0.1:" .. free, 1, true), "ECONNREFUSED explained: " .. tostring(msg))
r:close()

-- bad address: nil and a message, no errno
local b = socket.socket("tcp")
ok, msg, err = b:bind("127.0.0.1", 70000)
check(ok == nil and msg:find("out of range") and err == nil, "port out of range: " .. tostring(msg))
ok, msg = b:bind("no.such.host.invalid", 80)
check(ok == nil and msg:find("cannot resolve"), "unresolvable host")
b:close()

-- UDP
local u = socket.socket("udp"); u:bind("127.0.0.1", 0)
local v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
check(v:sendto("ping", u:getsockname()) == 4, "sendto with a table")
check(v:sendto("pong", "127.0.0.1", u:getsockname()[2]) == 4, "sendto host, port")
local d, from = u:recvfrom(1024)
check(d == "ping" and from[2] == v:getsockname()[2], "recvfrom returns data, {host, port}")
check(u:recvfrom(2) == "po", "recvfrom truncates to the size")
u:setblocking(false)
ok, msg, err = u:recvfrom(10)
check(ok == nil and err == socket.EAGAIN, "non-blocking recvfrom: EAGAIN")
u:close(); v:close()

-- poll: readiness per socket, as the `poll` command shows it
do
    local l = socket.socket(); l:bind("127.0.0.1", 0); l:listen(4)
    local n, ev = socket.poll({l}, 0)
    check(n == 0 and ev[1] == "", "poll: an idle listener is not ready")
    local c = socket.socket(); c:connect(l:getsockname())
    n, ev = socket.poll({l, c}, 1)
    check(n == 1 and ev[1] == "POLLIN" and ev[2] == "POLLOUT", "poll: a waiting connection is POLLIN")
    checkerr("an open socket expected", socket.poll, {l, 7})
    checkerr("1 to 64 sockets", socket.poll, {})
    c:close(); l:close()
end

-- <close> and __gc close owned sockets
local fd
do
    local t <close> = socket.socket("udp")
    fd = t:fileno()
end
check(io.open("/proc/self/fd/" .. fd) == nil, "<close> closed the fd")
do local g = socket.socket("udp"); fd = g:fileno() end
collectgarbage(); collectgarbage()
check(io.open("/proc/self/fd/" .. fd) == nil, "__gc closed the fd")

-- encodings
check(#socket.encode("你好", "gbk") == 4 and socket.decode(socket.encode("你好", "gbk"), "gbk") == "你好", "gbk round trip")
check(socket.decode("\xff", "utf-8") == nil, "invalid utf-8 is refused")
checkerr("unknown encoding", socket.encode, "x", "no-such-encoding")

-- the wire's counts while it is off (tests/test_wire.py checks them with the wire on)
do
    local w, why = socket.wirestats()
    check(w == nil and why:find("socket.wire(true)", 1, true), "wirestats while the wire is off: nil and why")
    local h, hwhy = socket.host("B")
    check(h == nil and hwhy:find("sockplay --lab", 1, true), "socket.host outside a lab: nil and what to run")
end

-- arg as lua.c
check(arg[0]:match("api%.lua$") and arg[1] == "one" and arg[2] == "two", "arg table")
check(select("#", ...) == 2, "script varargs")
print(("api.lua: %d checks ok"):format(checks))
