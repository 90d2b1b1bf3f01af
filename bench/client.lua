-- The three workloads through sockplay's Lua bindings (the same core as typed calls),
-- with tracing off: socket.trace(false). Run: sockplay bench/client.lua MODE PORT N [wire] [HOST]
-- (HOST: the peer's address, 127.0.0.1 by default; bench/lab.lua runs this file on lab host A).
-- Checks are `if … then error() end`, like the C and Python clients' ifs (assert() would
-- add a function call to every check).
-- With `wire` the capture is on from before the connect (socket.wire(true), which needs
-- CAP_NET_RAW: bench/run.py runs it in `unshare -rn`), and a line before the time gives
-- socket.wirestats() and this network namespace's packet sockets before, during and after
-- the wire (/proc/net/packet), and whether libpcap was loaded before socket.wire(true).
local mode, port, n, wire, host = arg[1], tonumber(arg[2]), tonumber(arg[3]), arg[4] == "wire", arg[5] or "127.0.0.1"
socket.trace(false)
local function packet_sockets()
    local k = -1
    for _ in io.lines("/proc/net/packet") do k = k + 1 end
    return k
end
local wired
if wire then
    local maps = io.open("/proc/self/maps"):read("a")
    wired = {packet_sockets(), maps:find("libpcap", 1, true) and "yes" or "no"}
    local ok, why = socket.wire(true)
    if not ok then error(why) end
    wired[3] = packet_sockets()
end
local t0 = socket.gettime()
if mode == "churn" then
    for _ = 1, n do
        local s = socket.socket("tcp")
        local ok, err = s:connect(host, port)
        if not ok then error(err) end
        s:close()
    end
else
    local s = socket.socket("tcp")
    assert(s:connect(host, port))
    s:setsockopt("TCP_NODELAY", 1)
    t0 = socket.gettime()
    if mode == "pingpong" then
        for _ = 1, n do
            s:send("x")
            if #s:recv(65536) ~= 1 then error("short reply") end
        end
    else
        local block = string.rep("b", 65536)
        for _ = 1, n do
            local ok, err = s:sendall(block)
            if not ok then error(err) end
        end
        s:shutdown("wr")
        local got = s:recv(65536)
        if tonumber(got) ~= n * 65536 then error("the sink counted " .. tostring(got)) end
    end
    s:close()
end
local t = socket.gettime() - t0
if wire then
    local w = socket.wirestats()
    socket.wire(false)
    print(("wire packets %d drops %d ifdrops %d unsaved %d packet_sockets %d/%d/%d libpcap_before %s"):format(
        w.packets, w.drops, w.ifdrops, w.unsaved, wired[1], wired[3], packet_sockets(), wired[2]))
end
print(("%.6f"):format(t))
