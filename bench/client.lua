-- The three workloads through sockplay's Lua bindings (the same core as typed calls),
-- with tracing off: socket.trace(false). Run: sockplay bench/client.lua MODE PORT N
-- Checks are `if … then error() end`, like the C and Python clients' ifs (assert() would
-- add a function call to every check).
local mode, port, n = arg[1], tonumber(arg[2]), tonumber(arg[3])
socket.trace(false)
local t0 = socket.gettime()
if mode == "churn" then
    for _ = 1, n do
        local s = socket.socket("tcp")
        local ok, err = s:connect("127.0.0.1", port)
        if not ok then error(err) end
        s:close()
    end
else
    local s = socket.socket("tcp")
    assert(s:connect("127.0.0.1", port))
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
        assert(#s:recv(65536) > 0)
    end
    s:close()
end
print(("%.6f"):format(socket.gettime() - t0))
