"""sockplay at a real terminal (tmux): the blocking status line, Ctrl-C, completion, history."""
import os, re, shlex, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

class Term:
    def __init__(self, *args, extra=""):
        self.home = tempfile.mkdtemp()
        self.sock = "sockplay-test-%d-%d" % (os.getpid(), int(time.monotonic() * 1000))
        cmd = "env HOME=%s NO_COLOR=1 LANG=C.UTF-8 %s %s %s" % (self.home, extra, shlex.quote(SOCKPLAY),
                                                             " ".join(map(shlex.quote, args)))
        self.tmux("new-session", "-d", "-s", "t", "-x", "150", "-y", "50", cmd)
        self.wait(r"sockplay>")

    def tmux(self, *a):
        return subprocess.run(["tmux", "-L", self.sock, *a], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=10).stdout.decode("utf-8", "replace")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "t", "-S", "-200")

    def keys(self, *k):
        self.tmux("send-keys", "-t", "t", *k)

    def type(self, line):
        self.keys("-l", line)
        self.keys("Enter")

    def wait(self, pattern, timeout=5.0):
        until = time.monotonic() + timeout
        while True:
            s = self.screen()
            m = re.search(pattern, s, re.S)
            if m:
                return m
            if time.monotonic() > until:
                raise Fail("screen never showed %r:\n%s" % (pattern, s[-2500:]))
            time.sleep(0.1)

    def close(self):
        self.tmux("kill-server")

@test
def blocking_accept_shows_a_counting_status_line_then_unblocks():
    t = Term()
    try:
        t.type("s = socket tcp")
        t.type("bind s 127.0.0.1 0")
        port = int(t.wait(r"it picked 127\.0\.0\.1:(\d+)").group(1))
        t.type("listen s")
        t.type("conn = accept s")
        t.wait(r"⏳ accept\(s\): waiting for a client to connect … 0\.\d s — Ctrl-C to interrupt")
        t.wait(r"⏳ accept\(s\): waiting for a client to connect … 1\.\d s")      # it counts
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        m = t.wait(r"accept\(s\) = \d+  → conn, peer 127\.0\.0\.1:\d+  \(blocked (\d+\.\d) s\)")
        assert float(m.group(1)) >= 1.0
        assert "⏳" not in t.screen().split("accept(s) = ")[-1], t.screen()   # the status line is gone
        t.type("recv conn")
        t.wait(r"⏳ recv\(conn\): waiting for data from the peer")
        c.sendall("你好".encode())
        t.wait(r'recv\(conn, 1024\) = 6  "你好"')
        c.close()
    finally:
        t.close()

@test
def ctrl_c_interrupts_a_blocked_call_and_the_repl_lives_on():
    t = Term()
    try:
        t.type("u = socket udp")
        t.type("bind u 127.0.0.1 0")
        t.type("recvfrom u")
        t.wait(r"⏳ recvfrom\(u\): waiting for a datagram")
        t.keys("C-c")
        t.wait(r"recvfrom\(u, 1024\) = -1 EINTR \(4\) Interrupted system call\n\s*↳ interrupted by Ctrl-C: the call was abandoned; the socket is still open")
        t.type("getsockname u")
        t.wait(r"getsockname\(u\) = 127\.0\.0\.1:\d+")
        # several Ctrl-C in a row, then a call still works
        t.type("recvfrom u")
        t.wait(r"⏳ recvfrom\(u\)")
        t.keys("C-c"); t.keys("C-c"); t.keys("C-c")
        t.type("close u")
        t.wait(r"close\(u\) = 0")
    finally:
        t.close()

@test
def ctrl_c_at_the_prompt_clears_the_line():
    t = Term()
    try:
        t.keys("-l", "garbage words")
        t.wait(r"sockplay> garbage words")
        t.keys("C-c")
        t.wait(r"garbage words\^C")
        t.type("state")
        t.wait(r"\(no sockets\)")
        assert "unknown command 'garbage" not in t.screen()
    finally:
        t.close()

@test
def tab_completes_commands_sockets_and_options():
    t = Term()
    try:
        t.type("server = socket tcp")
        t.keys("-l", "setso"); t.keys("Tab")
        t.wait(r"sockplay> setsockopt", 3)
        t.keys("-l", "ser"); t.keys("Tab")
        t.wait(r"sockplay> setsockopt server")
        t.keys("-l", "SO_REUSEA"); t.keys("Tab")
        t.wait(r"sockplay> setsockopt server SO_REUSEADDR")
        t.keys("-l", "1"); t.keys("Enter")
        t.wait(r"setsockopt\(server, SOL_SOCKET, SO_REUSEADDR, 1\) = 0")
        t.keys("-l", "socket ud"); t.keys("Tab"); t.keys("Enter")
        t.wait(r"socket\(AF_INET, SOCK_DGRAM\)")
    finally:
        t.close()

@test
def history_is_saved_between_sessions():
    t = Term()
    try:
        t.type("socket udp")
        t.type("quit")
        time.sleep(0.5)
        hist = open(os.path.join(t.home, ".sockplay_history")).read()
        assert "socket udp" in hist, hist
    finally:
        t.close()

@test
def fallback_reader_without_readline():
    # The same terminal checks against `make READLINE=no` (built by run.sh as SOCKPLAY_PLAIN).
    plain = os.environ.get("SOCKPLAY_PLAIN")
    if not plain:
        raise Fail("SOCKPLAY_PLAIN is not set: run through tests/run.sh")
    global SOCKPLAY
    saved = SOCKPLAY
    import harness
    harness.SOCKPLAY = plain
    globals()["SOCKPLAY"] = plain
    t = Term()
    try:
        t.type("u = socket udp; bind u 127.0.0.1 0; recvfrom u")
        t.wait(r"⏳ recvfrom\(u\)")
        t.keys("C-c")
        t.wait(r"EINTR \(4\)")
        t.keys("-l", "junk"); t.keys("C-c")
        t.type("state")
        t.wait(r"\bu\b\s+UDPv4")
        assert "unknown command 'junk" not in t.screen()
    finally:
        t.close()
        harness.SOCKPLAY = saved
        globals()["SOCKPLAY"] = saved

if __name__ == "__main__":
    main()
