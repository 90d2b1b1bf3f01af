"""Blocking and unblocking from one prompt (issue 4): background calls, jobs, wait, cancel,
poll, non-blocking mode, the kernel's fd-less sockets, state --watch, trace."""
import os, re, socket, subprocess, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
from term import Term

def typed_listener(t, name="s"):
    t.type("%s = socket tcp" % name)
    t.type("bind %s 127.0.0.1 0" % name)
    port = int(t.wait(r"it picked 127\.0\.0\.1:(\d+)").group(1))
    t.type("listen %s" % name)
    t.wait(r"LISTEN\s+0/128")
    return port

@test
def background_accept_unblocks_when_the_same_prompt_connects():
    t = Term()
    try:
        port = typed_listener(t)
        t.type("conn = accept s &")
        t.wait(r"\[1\] accept\(s\) …\n\s*↳ runs in the background[^\n]*\nsockplay>\s*\n")   # the prompt is back
        t.type("jobs")
        t.wait(r"\[1\] accept\(s\)\s+blocked for \d+\.\d s  → conn")
        t.type("c = socket tcp")
        t.type("connect c 127.0.0.1 %d" % port)
        t.wait(r"connect\(c, 127\.0\.0\.1:%d\) = 0" % port)
        t.wait(r"\[1\] accept\(s\) = \d+  → conn, peer 127\.0\.0\.1:\d+")
        t.wait(r"\+\s+\d+\s+conn\s+TCPv4\s+127\.0\.0\.1:%d\s+127\.0\.0\.1:\d+\s+ESTABLISHED" % port)
        t.type("send c hello")
        t.type("recv conn")
        t.wait(r'recv\(conn, 1024\) = 5  "hello"')
    finally:
        t.close()

@test
def a_finished_call_prints_above_the_line_being_typed():
    t = Term()
    try:
        port = typed_listener(t)
        t.type("conn = accept s &")
        t.wait(r"\[1\] accept\(s\) …")
        t.keys("-l", "getsockname")                  # half a line, no Enter
        t.wait(r"sockplay> getsockname\s*\n")
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        t.wait(r"\[1\] accept\(s\) = \d+  → conn.*\nsockplay> getsockname\s*\n")
        t.keys("-l", " s")
        t.keys("Enter")
        t.wait(r"getsockname\(s\) = 127\.0\.0\.1:%d" % port)   # what was typed was kept
        c.close()
    finally:
        t.close()

@test
def cancel_interrupts_one_call_and_close_cancels_its_calls():
    sp = Sockplay()
    port = listen_here(sp)
    sp.run("conn = accept s &", r"\[1\] accept\(s\) …")
    sp.run("u = socket udp", r"→ u")
    sp.run("bind u 127.0.0.1 0", r"it picked")
    sp.run("recvfrom u &", r"\[2\] recvfrom\(u, 1024\) …")
    sp.run("conn = socket tcp", r"'conn' is promised to a background accept")
    sp.run("cancel 1", r"\[1\] accept\(s\) = -1 EINTR \(4\) Interrupted system call\n\s*↳ cancelled by `cancel 1`")
    sp.run("jobs", r"\[2\] recvfrom\(u, 1024\)\s+blocked for")
    sp.run("cancel 1", r"no background call \[1\]")
    sp.run("close u", r"\[2\] recvfrom\(u, 1024\) = -1 EINTR.*cancelled by `close u`.*close\(u\) = 0")
    sp.run("jobs", r"\(no background calls\)")
    # the listener still works after its accept was cancelled
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    sp.run("conn = accept s", r"= \d+  → conn")
    c.close()
    sp.run("close conn s")
    assert sp.fds() == [], sp.fds()
    assert sp.close() == 0

@test
def wait_blocks_until_the_call_returns():
    sp = Sockplay()
    port = listen_here(sp)
    sp.run("conn = accept s &", r"\[1\] accept\(s\) …")
    sp.send("wait 1")                                  # sent before the client exists
    sp.expect(re.escape("sockplay> wait 1"))
    time.sleep(0.4)
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    sp.expect(r"\[1\] accept\(s\) = \d+  → conn, peer 127\.0\.0\.1:\d+  \(blocked 0\.\d s\)")
    sp.run("recv conn 4 &", r"\[1\] recv\(conn, 4\) …")
    sp.send("wait")
    sp.expect(re.escape("sockplay> wait"))
    time.sleep(0.3)
    c.sendall(b"late")
    sp.expect(r'\[1\] recv\(conn, 4\) = 4  "late"  \(blocked 0\.\d s\)')
    sp.run("wait", r"no background calls to wait for")
    sp.run("wait 7", r"no background call \[7\]")
    c.close()
    assert sp.close() == 0

@test
def quitting_with_calls_pending_exits_cleanly():
    # Ctrl-D at a terminal while two calls block in the background
    t = Term("--lang", "en")
    try:
        t.wait(r"sockplay>")
        typed_listener(t)
        t.type("conn = accept s &")
        t.type("u = socket udp")
        t.type("recvfrom u &")
        t.wait(r"\[2\] recvfrom\(u, 1024\) …")
        t.keys("C-d")
        t.wait(r"2 background call\(s\) still waiting: cancelling them\n\[1\] accept\(s\) = -1 EINTR.*cancelled by `quit`"
               r".*\[2\] recvfrom\(u, 1024\) = -1 EINTR.*closing 2 socket\(s\)")
    finally:
        t.close()
    # and end of input on a pipe: exit code 0, nothing left behind
    sp = Sockplay()
    listen_here(sp)
    sp.run("conn = accept s &", r"\[1\] accept")
    assert sp.close() == 0

@test
def ampersand_mistakes_are_named():
    sp = Sockplay()
    listen_here(sp)
    sp.run("bind s 127.0.0.1 0 &", r"'&' is for calls that may block .*bind returns at once")
    sp.run("accept s & listen s", r"'&' goes at the end of a command")
    sp.run("&", r"'&' alone: write a call before it")
    sp.run('c = socket tcp; send c "a&b"', r"send\(c, 3 bytes\)")   # a quoted & is data, not background
    sp.run("jobs", r"\(no background calls\)")
    sp.run("c2 = accept s&", r"\[1\] accept\(s\) …")     # stuck to the last word works too
    sp.run("cancel %1", r"cancelled by `cancel 1`")
    sp.run("cancel x", r"job number 'x' is not a whole number")
    assert sp.close() == 0

def queue_and_time_wait(kview):
    sp = Sockplay(extra_env={"SOCKPLAY_KVIEW": kview} if kview else None)
    port = listen_here(sp)
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    cport = c.getsockname()[1]
    # completed by the kernel, not yet accepted: a row with no fd, and 1 in the queue
    sp.run("state", r"LISTEN\s+1/128.*\n.*-\s+-\s+TCPv4\s+127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+ESTABLISHED\s+0\s+0\s+"
                    r"no fd yet: in s's accept queue" % (port, cport))
    sp.run("conn = accept s", r"LISTEN\s+0/128")
    out = sp.expect(r"sockplay>|$", 0.1)
    # active close: this side is left in TIME_WAIT, with seconds left
    sp.run("close conn", r"close\(conn\) = 0")
    c.recv(10)
    c.close()
    m = sp.run("state", r"127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+TIME_WAIT\s+-\s+-\s+no fd: the kernel keeps it (\d+) s more"
                        % (port, cport))
    assert 50 <= int(m.group(1)) <= 60, m.group(0)
    sp.run("close s")
    # the listener is gone, but its port was the session's: TIME_WAIT still shows
    sp.run("state", r"TIME_WAIT")
    assert sp.close() == 0

@test
def at_a_terminal_queue_time_wait_eagain_and_cancel():
    t = Term()
    try:
        port = typed_listener(t)
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        t.type("state")
        t.wait(r"LISTEN\s+1/128.*\n[+* ]\s+-\s+-\s+TCPv4\s+127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+ESTABLISHED.*in s's accept queue"
               % (port, c.getsockname()[1]))
        t.type("conn = accept s")
        t.type("setblocking conn off")
        t.type("recv conn")
        t.wait(r"recv\(conn, 1024\) = -1 EAGAIN \(11\) Resource temporarily unavailable\n\s*↳ nothing is ready yet")
        t.type("setblocking conn on")
        t.type("recv conn &")
        t.wait(r"\[1\] recv\(conn, 1024\) …")
        t.type("cancel 1")
        t.wait(r"\[1\] recv\(conn, 1024\) = -1 EINTR.*\n\s*↳ cancelled by `cancel 1`")
        t.type("close conn")
        t.wait(r"close\(conn\) = 0")
        c.recv(10)                                   # the FIN arrived: now close this side too
        c.close()
        t.type("state")
        t.wait(r"TIME_WAIT\s+-\s+-\s+no fd: the kernel keeps it \d+ s more")
    finally:
        t.close()

@test
def pending_connection_and_time_wait_via_sock_diag():
    queue_and_time_wait(None)

@test
def pending_connection_and_time_wait_via_proc_net_tcp():
    queue_and_time_wait("proc")

@test
def nonblocking_eagain_timeouts_and_poll():
    sp = Sockplay()
    port = listen_here(sp)
    sp.run("setblocking s off", r"non-blocking: accept/recv/connect now return at once")
    sp.run("accept s", r"accept\(s\) = -1 EAGAIN \(11\) Resource temporarily unavailable\n\s*↳ nothing is ready yet")
    sp.run("poll s 0.2", r"poll\(\[s\], 1, 200\) = 0.*timed out: none ready\)\n\s+s\s+-\s+not ready")
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    sp.run("poll s 2s", r"poll\(\[s\], 1, 2000\) = 1\n\s+s\s+POLLIN\s+a connection is waiting: accept\(\) will not block")
    sp.run("conn = accept s", r"→ conn")
    sp.run("settimeout conn 0.3", r"SO_SNDTIMEO")
    sp.run("recv conn", r"recv\(conn, 1024\) = -1 EAGAIN .*\(blocked 0\.\d s\)\n\s*↳ timed out: nothing happened within 0\.3 s")
    c.sendall(b"x")
    sp.run("poll s conn 500ms", r"= 1\n\s+s\s+-\s+not ready.*\n\s+conn\s+POLLIN\|POLLOUT\s+recv\(\) and send\(\) will not block")
    sp.run("poll", r"missing S")
    sp.run("poll conn conn", r"'conn' is listed twice")
    sp.run("poll nosuch 1", r"unknown socket 'nosuch'")
    c.close()
    sp.run("poll conn 1", r"conn\s+POLLIN\|POLLOUT\|POLLRDHUP\s+")
    assert sp.close() == 0

@test
def trace_lists_every_call_with_time_and_blocking():
    sp = Sockplay()
    port = listen_here(sp)
    sp.run("conn = accept s &", r"\[1\] accept")
    time.sleep(0.4)
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    sp.expect(r"\[1\] accept\(s\) = ")
    sp.run("lua conn:send('hi')", r"send\(conn, 2 bytes\) = 2")
    sp.run("bind s 127.0.0.1 1", r"EINVAL")
    sp.run("trace", r"CALL = RESULT\n")
    start = sp.pos
    sp.expect(r"bind\(s, 127\.0\.0\.1:1\) = -1 EINVAL\n")
    lines = [l for l in sp.out[start:sp.pos].decode().splitlines() if re.match(r"  \d\d:\d\d:\d\d\.\d{3}  ", l)]
    calls = [re.sub(r"^  \S+  \S+( s)?\s+", "", l) for l in lines]
    assert calls[:3] == ["socket(AF_INET, SOCK_STREAM) = %d" % FD0, "bind(s, 127.0.0.1:0) = 0", "listen(s, 128) = 0"], calls
    assert re.match(r"\[1\] accept\(s\) = %d" % (FD0 + 1), calls[3]), calls
    assert float(re.search(r"  (\d+\.\d+) s\s+\[1\]", lines[3]).group(1)) >= 0.3, lines[3]
    assert calls[4:] == ["send(conn, 2 bytes) = 2", "bind(s, 127.0.0.1:1) = -1 EINVAL"], calls
    sp.run("trace 1", r"TIME.*\n  \S+  -\s+bind\(s, 127\.0\.0\.1:1\) = -1 EINVAL\n")
    c.close()
    assert sp.close() == 0

@test
def state_watch_counts_time_wait_down_and_a_key_stops_it():
    t = Term()
    try:
        port = typed_listener(t)
        t.type("c = socket tcp")
        t.type("connect c 127.0.0.1 %d" % port)
        t.type("getsockname c")
        cport = int(t.wait(r"getsockname\(c\) = 127\.0\.0\.1:(\d+)").group(1))
        t.type("conn = accept s")
        t.type("close conn")
        t.type("close c")
        # this connection's row (an older TIME_WAIT on a reused port may show too)
        row = r"127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+TIME_WAIT\s+-\s+-\s+no fd: the kernel keeps it " % (port, cport)
        t.wait(row + r"\d+ s more")
        t.type("state --watch")
        t.wait(r"watching the table .* press any key to stop")
        a = int(t.wait(r"watching.*" + row + r"(\d+) s more").group(1))
        b = int(t.wait(r"watching.*" + row + r"((?!%d\b)\d+) s more" % a, 4).group(1))
        assert b < a, (a, b)
        # redrawn in place: one header under the watch line, not one per frame
        assert t.screen().split("watching the table")[-1].count("FD  NAME") == 1, t.screen()
        t.keys("q")
        t.type("getsockname s")
        t.wait(r"getsockname\(s\) = 127\.0\.0\.1:%d" % port)
        assert "q" not in t.screen().split("press any key to stop")[-1].split("sockplay>")[0].splitlines()[-1:], t.screen()
    finally:
        t.close()

@test
def state_watch_on_a_pipe_prints_changes_and_stops_by_itself():
    sp = Sockplay()
    port = listen_here(sp)
    later = subprocess.Popen([PY, "-c", "import socket,time; time.sleep(0.6); "
                              "c=socket.create_connection(('127.0.0.1',%d)); time.sleep(2)" % port])
    sp.run("state --watch 1.5", r"watching the table \(printed when it changes\)")
    sp.expect(r"LISTEN\s+0/128")
    sp.expect(r"LISTEN\s+1/128.*in s's accept queue", 5)
    sp.run("state --watch 0", r"'0' is not a number of seconds")
    later.wait(5)
    assert sp.close() == 0

if __name__ == "__main__":
    main()
