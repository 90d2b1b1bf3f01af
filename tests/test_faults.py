"""Faults (issue 6): a reset in the middle of a recv, the fd limit, Ctrl-C storms, a
thousand connections. (Ctrl-D with background calls: test_blocking.py; Lua errors, endless
loops and the memory cap: test_lua.py.)"""
import os, re, resource, socket, struct, subprocess, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
from term import Term

@test
def peer_reset_in_the_middle_of_a_blocked_recv():
    sp = Sockplay()
    c = accepted_here(sp)
    sp.send("recv conn")                         # blocks: nothing was sent
    sp.expect(re.escape("sockplay> recv conn"))
    time.sleep(0.3)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()                                    # linger 0: an RST, not a FIN
    sp.expect(r"recv\(conn, 1024\) = -1 ECONNRESET \(104\) Connection reset by peer.*\n\s*↳ the peer reset the connection \(RST\)")
    sp.run("recv conn", r"= 0\n|ECONNRESET|= -1")  # the socket is still there and answers
    sp.run("close conn", r"close\(conn\) = 0")
    assert sp.fds() == [sp.fds()[0]], sp.fds()   # only s is left
    assert sp.close() == 0

def low_fd_limit(n):
    def lower():
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
    return lower

@test
def emfile_at_the_fd_limit_is_explained_and_closing_recovers():
    p = subprocess.Popen([SOCKPLAY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(),
                         preexec_fn=low_fd_limit(48))   # valgrind needs some of them too
    sp = Sockplay.__new__(Sockplay)
    sp.p, sp.out, sp.pos = p, b"", 0
    os.set_blocking(p.stdout.fileno(), False)
    sp.run("state off", r"only on `state`")
    for i in range(60):
        sp.send("socket udp")
    sp.expect(r"socket\(AF_INET, SOCK_DGRAM\) = -1 EMFILE \(24\) Too many open files\n\s*↳ too many open files for this process \(ulimit -n\)")
    sp.run("lua print(socket.socket('udp'))", r"nil\s+socket: EMFILE")
    first = int(re.search(rb"socket\(AF_INET, SOCK_DGRAM\) = (\d+)", sp.out).group(1))
    sp.run("close %d" % first, r"close\(%d\) = 0" % first)
    sp.run("socket udp", r"socket\(AF_INET, SOCK_DGRAM\) = %d\n" % first)   # the freed number, at once
    sp.run("state", r"UDPv4")                    # the table still renders at the limit
    assert sp.close() == 0

@test
def ctrl_c_storms_while_calls_block():
    t = Term()
    try:
        t.type("u = socket udp")
        t.type("bind u 127.0.0.1 0")
        port = int(t.wait(r"it picked 127\.0\.0\.1:(\d+)").group(1))
        for what, shows in [("recvfrom u", r"⏳ recvfrom\(u\)"), ("poll u", r"⏳ poll\(u\)"),
                            ("recvfrom u &", None), ("wait", r"⏳ wait"), ("state --watch", r"watching the table")]:
            t.type(what)
            if shows:
                t.wait(shows)
            for _ in range(25):
                t.keys("C-c")
            t.wait(r"sockplay>\s*\n?\s*$|sockplay> \s*$", 5)
        t.type("jobs")
        t.wait(r"\[1\] recvfrom\(u, 1024\)\s+blocked for")   # Ctrl-C stops waiting, not the call
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.sendto(b"after the storm", ("127.0.0.1", port))
        t.wait(r'\[1\] recvfrom\(u, 1024\) = 15  "after the storm"')
        t.type("getsockname u")
        t.wait(r"getsockname\(u\) = 127\.0\.0\.1:%d" % port)
        assert "EINTR" in t.screen()
    finally:
        t.close()

@test
def a_typed_server_holds_a_thousand_connections():
    N = 1000
    def raise_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    p = subprocess.Popen([SOCKPLAY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(),
                         preexec_fn=raise_limit)
    sp = Sockplay.__new__(Sockplay)
    sp.p, sp.out, sp.pos = p, b"", 0
    os.set_blocking(p.stdout.fileno(), False)
    sp.run("state off", r"only on `state`")
    sp.run("s = socket tcp", r"→ s")
    port = int(sp.run("bind s 127.0.0.1 0", r"it picked 127\.0\.0\.1:(\d+)").group(1))
    sp.run("listen s 1024", r"listen\(s, 1024\) = 0")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 4096), hard))
    clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(N)]
    sp.run("state", r"LISTEN\s+%d/1024" % N, timeout=20)   # all of them wait in the queue first
    sp.p.stdin.write("".join("c%d = accept s\n" % i for i in range(N)).encode())
    sp.p.stdin.flush()
    sp.expect(r"accept\(s\) = \d+  → c%d, peer" % (N - 1), timeout=60)
    start = sp.pos
    sp.run("state", r"LISTEN\s+0/1024", timeout=30)
    sp.expect(r"RECV-Q: bytes received", timeout=30)
    table = sp.out[start:sp.pos].decode()
    assert len(re.findall(r"\n[+* ]\s*\d+\s+c\d+\s+TCPv4\s+127\.0\.0\.1:%d\s+127\.0\.0\.1:\d+\s+ESTABLISHED" % port, table)) == N, table[-2000:]
    clients[0].sendall(b"ping")
    sp.run("recv c0", r'= 4  "ping"')
    sp.run("send c999 pong", r"= 4")
    assert clients[-1].recv(10) == b"pong"
    for c in clients:
        c.close()
    sp.send("quit")
    assert sp.close(timeout=30) == 0
    assert "closing %d socket(s)" % (N + 1) in sp.out.decode(), sp.out[-300:]

if __name__ == "__main__":
    main()
