-- The lab's bench (make bench, "the lab"): a client socket on host A against bench/peer.c on
-- host B, through sockplay's switch or, with SOCKPLAY_LAB_SWITCH=bridge, the kernel's bridge.
-- Run: sockplay --lab bench/lab.lua pingpong|bulk N [SOCKPLAY PEER]
--   pingpong: N round trips of 1 byte; bulk: N blocks of 64 KiB to the sink, which replies
--   with the count. Prints the loop's time in seconds (the connect is not timed).
-- The peer runs as a second process on B (`sockplay --join B -- peer echo|sink 192.168.1.104`,
-- started from here with io.popen, so it inherits this process's CPU affinity); --join finds
-- this lab by its pid file, so XDG_RUNTIME_DIR must be set when the lab runs as a user other
-- than root (inside the lab the user is root, and ${TMPDIR}/sockplay-UID would name uid 0).
local mode, n = arg[1], tonumber(arg[2])
arg0_dir = arg[0]:match("^(.*)/[^/]*$")      -- where client.lua is, beside this file
local sockplay, peer_bin = arg[3] or "./sockplay", arg[4] or "build/bench/peer"
if (mode ~= "pingpong" and mode ~= "bulk") or not n then
    error("usage: sockplay --lab bench/lab.lua pingpong|bulk N [SOCKPLAY PEER]")
end
local B = "192.168.1.104"
socket.trace(false)

local p = io.popen(("echo $$; exec %s --join B -- %s %s %s"):format(sockplay, peer_bin,
                                                                  mode == "pingpong" and "echo" or "sink", B))
local pid, port = p:read("l"), tonumber(p:read("l"))
-- The peer goes when the script ends, however it ends (it serves connections until killed).
local peer <close> = setmetatable({}, {__close = function()
    os.execute("kill " .. pid .. " 2>/dev/null")
    p:close()
end})
if not port then error("the peer did not start on B (sockplay --join B failed?)") end

if not socket.host("A") then error("not in a lab: run with sockplay --lab") end
-- The loop is bench/client.lua's, run here on host A against the peer on B.
arg = {mode, tostring(port), tostring(n), "", B}
dofile((arg0_dir or "bench") .. "/client.lua")
