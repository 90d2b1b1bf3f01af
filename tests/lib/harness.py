"""Drive sockplay the way a class does: a real process, commands on stdin, peers that
are real programs. Every wait is bounded; a test fails with the transcript it saw."""
import os, re, select, socket, subprocess, sys, tempfile, time, traceback

SOCKPLAY = os.environ.get("SOCKPLAY", os.path.join(os.path.dirname(__file__), "..", "..", "sockplay"))
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEEDS = os.environ.get("SEEDS", os.path.join(ROOT, "..", "shared", "seeds"))
PY = os.environ.get("PYTHON", "python3")
# Waits stretch under valgrind (make valgrind sets 10): sockplay is slower, not different.
SCALE = float(os.environ.get("SP_TIME_SCALE", "1"))
# The first fd a session's socket gets: 3, as in Python; valgrind holds fd 3 itself (make
# valgrind sets 4).
FD0 = int(os.environ.get("SP_FIRST_FD", "3"))

class Fail(Exception):
    pass

class Skip(Exception):
    """A test that cannot run here: it prints SKIP and its reason, and counts as neither."""

def env(**extra):
    e = dict(os.environ)
    e.pop("LANG", None); e.pop("LC_ALL", None); e.pop("LC_MESSAGES", None)
    e["NO_COLOR"] = "1"
    # Output fits COLUMNS (80 on a pipe without it): the tests' patterns expect unwrapped
    # lines; test_width.py sets the widths it checks ("" = not set).
    e["COLUMNS"] = "1000"
    e.update(extra)
    return e

class Sockplay:
    """sockplay with stdin a pipe: it echoes each command after the prompt."""
    def __init__(self, *args, extra_env=None):
        self.p = subprocess.Popen([SOCKPLAY, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env(**(extra_env or {})))
        os.set_blocking(self.p.stdout.fileno(), False)
        self.out = b""
        self.pos = 0

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def _read(self, until):
        r, _, _ = select.select([self.p.stdout], [], [], max(0, until - time.monotonic()))
        if r:
            chunk = self.p.stdout.read()
            if chunk:
                self.out += chunk
                return True
            return False
        return True

    def expect(self, pattern, timeout=5.0):
        """Waits for pattern after what earlier expects consumed; returns the match."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern, re.S)
        until = time.monotonic() + timeout * SCALE
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                return m
            if time.monotonic() >= until or not self._read(until):
                m = rx.search(self.out, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                raise Fail("expected %r within %.1fs; output after the last match:\n%s"
                           % (pattern, timeout, self.out[self.pos:].decode("utf-8", "replace")[-3000:]))

    def run(self, line, pattern=None, timeout=5.0):
        self.send(line)
        self.expect(re.escape("sockplay> " + line))
        if pattern:
            return self.expect(pattern, timeout)

    def sync(self):
        """Returns once every command sent so far has finished (its table included):
        a comment line is echoed only when the REPL reads it."""
        self.sync_n = getattr(self, "sync_n", 0) + 1
        self.run("# sync %d" % self.sync_n)

    def fds(self):
        """The sockets this process holds, from /proc: for leak checks."""
        self.sync()
        d = "/proc/%d/fd" % self.p.pid
        return sorted(int(f) for f in os.listdir(d) if os.readlink(os.path.join(d, f)).startswith("socket:"))

    def close(self, timeout=5.0):
        timeout *= SCALE
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise Fail("sockplay did not exit at end of input")
        while self._read(time.monotonic() + 0.05):
            pass
        return self.p.returncode

    def text(self):
        return self.out.decode("utf-8", "replace")

def listen_here(sp, name="s"):
    """Types a TCP listener on a kernel-picked loopback port; returns the port."""
    sp.run("%s = socket tcp" % name, r"= \d+  → %s" % name)
    port = int(sp.run("bind %s 127.0.0.1 0" % name, r"it picked 127\.0\.0\.1:(\d+)").group(1))
    sp.run("listen %s" % name, r"LISTEN\s+0/128")
    return port

def accepted_here(sp):
    """listen_here, a client from this test connected, and `conn = accept s`: the client."""
    port = listen_here(sp)
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    sp.run("conn = accept s", r"→ conn")
    return c

def free_port(kind=socket.SOCK_STREAM):
    """A port the kernel picked for us; for course programs that only take a fixed port."""
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

def wait_listening(port, timeout=10.0):
    """Until a TCP socket of this machine (or network namespace) listens on port: a course
    server that accepts once must not be spent by a probe connection."""
    until = time.monotonic() + timeout * SCALE
    while time.monotonic() < until:
        for table in ("tcp", "tcp6"):
            for row in open("/proc/net/" + table).read().split("\n")[1:]:
                f = row.split()
                if len(f) > 3 and f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:
                    return
        time.sleep(0.05)
    raise Fail("nothing listened on port %d within %.0f s" % (port, timeout))

def course_program(*markers):
    """The first ```python block in the course's seeds that holds every marker."""
    names = sorted(os.listdir(SEEDS))
    for name in names:
        if not name.endswith(".txt"):
            continue
        text = open(os.path.join(SEEDS, name), encoding="utf-8").read()
        for block in re.findall(r"```python\n(.*?)```", text, re.S):
            if all(m in block for m in markers):
                return block
    raise Fail("no course program in %s holds %r" % (SEEDS, markers))

def write_program(src, **replace):
    for old, new in replace.items():
        if old not in src:
            raise Fail("course program no longer contains %r" % old)
    for old, new in replace.items():
        src = src.replace(old, new)
    f = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8")
    f.write(src)
    f.close()
    return f.name

def python(path, *args, stdin_text=None, cwd=None):
    return subprocess.Popen([PY, path, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=cwd, env=env(PYTHONIOENCODING="utf-8"))

# Drops to uid 65534, who has no privilege outside a namespace of its own.
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

def can_unshare(prefix):
    """Whether prefix + `unshare -rn` (a user and network namespace, no root) may run here;
    (ok, the refusal's text)."""
    r = subprocess.run(prefix + ["unshare", "-rn", "true"], capture_output=True, text=True, timeout=10)
    return r.returncode == 0, r.stderr.strip()

def nobody_in_namespace(binary):
    """A python3 that uid 65534 may run inside `unshare -rn` (the test's own may live under
    /root), after checking that it may run binary there; Skip with the reason otherwise."""
    if os.geteuid() != 0:
        raise Skip("setpriv to uid 65534 needs root")
    ok, why = can_unshare(NOBODY)
    if not ok:
        raise Skip("unshare -rn as uid 65534 is not allowed here: " + why)
    if not os.access(binary, os.X_OK) or os.stat(binary).st_mode & 0o005 != 0o005:
        raise Skip("%s is not readable and executable by others" % binary)
    python = next((p for p in [sys.executable, "/usr/bin/python3"]
                   if subprocess.run(NOBODY + ["unshare", "-rn", p, "-c", ""], capture_output=True).returncode == 0), None)
    if not python:
        raise Skip("no python3 that uid 65534 may run")
    return python

TESTS = []
def test(fn):
    TESTS.append(fn)
    return fn

def main():
    only = sys.argv[1:]
    for fn in TESTS:
        if only and fn.__name__ not in only:
            continue
        t0 = time.monotonic()
        try:
            fn()
            print("PASS %s (%.1fs)" % (fn.__name__, time.monotonic() - t0), flush=True)
        except Skip as e:
            print("SKIP %s: %s" % (fn.__name__, e), flush=True)
        except Exception as e:
            print("FAIL %s: %s" % (fn.__name__, e if isinstance(e, Fail) else traceback.format_exc()), flush=True)
