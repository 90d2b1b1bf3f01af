"""sockplay at a real terminal: tmux with send-keys and capture-pane; bounded waits."""
import os, re, shlex, subprocess, tempfile, time
import harness
from harness import Fail

class Term:
    def __init__(self, *args, extra="", color=False, width=150):
        self.home = tempfile.mkdtemp()
        self.sock = "sockplay-test-%d-%d" % (os.getpid(), int(time.monotonic() * 1000))
        cmd = "env -u XDG_STATE_HOME %s HOME=%s LANG=C.UTF-8 TERM=xterm-256color %s %s %s" % ("-u NO_COLOR" if color else "NO_COLOR=1", self.home, extra, shlex.quote(harness.SOCKPLAY),
                                                             " ".join(map(shlex.quote, args)))
        if args:    # keep the pane after sockplay exits, so its last screen can be read
            cmd = "sh -c %s" % shlex.quote(cmd + "; sleep 30")
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", "50", cmd)
        if not args:
            self.wait(r"sockplay>")

    def tmux(self, *a):
        return subprocess.run(["tmux", "-L", self.sock, *a], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=10).stdout.decode("utf-8", "replace")

    def screen(self, escapes=False):
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "t", "-S", "-200")

    def keys(self, *k):
        self.tmux("send-keys", "-t", "t", *k)

    def type(self, line):
        self.keys("-l", line)
        self.keys("Enter")

    def wait(self, pattern, timeout=5.0):
        until = time.monotonic() + timeout * harness.SCALE
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

