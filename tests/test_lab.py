"""sockplay --lab and --join (issue 13, "Where packets come from"): a session in a network of
its own without root — as root and as uid 65534 — where 127.0.0.1 works, a packet socket
opens, nothing crosses to or from the machine's network; --join enters it from a second
process (a prompt, or a program as the peer); the pid file is found, replaced when stale and
gone at exit. Where user namespaces are not allowed, the tests SKIP with the reason."""
import os, re, shutil, signal, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
from term import Term

LAB_PROMPT = "sockplay[lab]> "
NOTE = "lab: this session has a network of its own"

class Who:
    """Whom sockplay runs as: a prefix (setpriv) and a private XDG_RUNTIME_DIR and TMPDIR of
    that user, so that no other test's lab is ever found."""
    def __init__(self, name, uid, prefix, py):
        self.name, self.uid, self.prefix, self.py = name, uid, prefix, py
        self.run_dir = tempfile.mkdtemp(prefix="sp-lab-run-")
        self.tmp_dir = tempfile.mkdtemp(prefix="sp-lab-tmp-")
        for d in (self.run_dir, self.tmp_dir):
            if os.geteuid() == 0:
                os.chown(d, uid, uid)
            os.chmod(d, 0o700)

    def env(self, **extra):
        e = {"XDG_RUNTIME_DIR": self.run_dir, "TMPDIR": self.tmp_dir}
        e.update(extra)
        return env(**e)

    def cmd(self, *args):
        return self.prefix + [SOCKPLAY, *args]

    def sockplay(self, *args, timeout=20, **extra):
        p = subprocess.run(self.cmd(*args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=self.env(**extra), timeout=timeout * SCALE)
        return p.returncode, p.stdout.decode("utf-8", "replace")

    def pid_file(self):
        return os.path.join(self.run_dir, "sockplay", "lab.pid")

    def cleanup(self):
        shutil.rmtree(self.run_dir, ignore_errors=True)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)

class LabSession(Sockplay):
    """A pipe-driven sockplay (--lab or --join) run as who; its prompt is the lab's."""
    def __init__(self, who, *args, extra_env=None):
        self.p = subprocess.Popen(who.cmd(*args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=who.env(**(extra_env or {})))
        os.set_blocking(self.p.stdout.fileno(), False)
        self.out = b""
        self.pos = 0

    def run(self, line, pattern=None, timeout=5.0):
        self.send(line)
        self.expect(r"sockplay\[[A-Za-z0-9_-]+\]> " + re.escape(line))   # [lab], or the host it is on
        if pattern:
            return self.expect(pattern, timeout)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()

def python_for(uid):
    """A python3 that uid can run inside a user namespace (the test's own may live under
    /root, which root inside a lab of another user cannot enter); None when none."""
    for p in ["/usr/bin/python3", "/usr/local/bin/python3", sys.executable, shutil.which(PY) or ""]:
        if not p or not os.path.exists(p):
            continue
        if uid == os.geteuid():
            return p
        r = subprocess.run(["setpriv", "--reuid=%d" % uid, "--regid=%d" % uid, "--clear-groups"]
                           + (["unshare", "-Ur"] if shutil.which("unshare") else []) + [p, "-c", "pass"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
        if r.returncode == 0:
            return p
    return None

def identities():
    """root and uid 65534 when the test runs as root (setpriv), else the test's own user."""
    if os.geteuid() != 0:
        return [Who("uid %d" % os.geteuid(), os.geteuid(), [], python_for(os.geteuid()))]
    out = [Who("root", 0, [], python_for(0))]
    if shutil.which("setpriv"):
        out.append(Who("uid 65534", 65534, NOBODY, python_for(65534)))
    return out

def lab_or_skip(who):
    """Skip (with sockplay's own reason) where the kernel or a policy forbids user namespaces."""
    rc, out = who.sockplay("--lab", "-c", "quit")
    if rc == 2 and "user namespaces are not allowed" in out:
        raise Skip("as %s: %s" % (who.name, " ".join(out.split())))
    if rc != 0 or NOTE not in out:
        raise Fail("as %s: sockplay --lab -c quit exited %d:\n%s" % (who.name, rc, out))

def for_each_identity(body):
    """Runs body(who) as root and as uid 65534; SKIPs only when no identity could make a lab."""
    skipped = []
    whos = identities()
    name = sys._getframe(1).f_code.co_name
    try:
        for who in whos:
            try:
                lab_or_skip(who)
            except Skip as e:
                skipped.append(str(e))
                continue
            body(who)
    finally:
        for who in whos:
            who.cleanup()
    if len(skipped) == len(whos):
        raise Skip("; ".join(skipped))
    for why in skipped:                   # one identity could not: said, and counted as a skip
        print("SKIP %s %s" % (name, why), flush=True)

def program(src, who):
    """src as a file the user who can read."""
    f = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8")
    f.write(src)
    f.close()
    os.chmod(f.name, 0o644)
    return f.name

def wait_for(cond, what, timeout=5.0):
    until = time.monotonic() + timeout * SCALE
    while not cond():
        if time.monotonic() > until:
            raise Fail("no %s within %.0fs" % (what, timeout))
        time.sleep(0.02)

@test
def lab_session_connects_on_its_own_loopback():
    """--lab -c: connect and accept on 127.0.0.1 inside, the note said once, exit 0, and
    the pid file is gone when the session ends."""
    def body(who):
        rc, out = who.sockplay("--lab", "-c", "s = socket tcp; bind s 127.0.0.1 7788; listen s; c = socket tcp; "
                                              "connect c 127.0.0.1 7788; conn = accept s; send c hi; recv conn")
        for pat in [r"connect\(c, 127\.0\.0\.1:7788\) = 0", r"accept\(s\) = \d+  → conn, peer 127\.0\.0\.1:\d+",
                    r'recv\(conn, 1024\) = 2  "hi"']:
            if not re.search(pat, out):
                raise Fail("as %s: no %r in:\n%s" % (who.name, pat, out))
        if rc != 0 or out.count(NOTE) != 1 or not out.startswith(NOTE):
            raise Fail("as %s: rc %d, the lab note not first and once:\n%s" % (who.name, rc, out))
        if os.path.exists(who.pid_file()):
            raise Fail("as %s: %s is left after the lab ended" % (who.name, who.pid_file()))
        rc, out = who.sockplay("--lab", "--lang", "zh", "-c", "quit")
        if rc != 0 or "实验室：本会话有自己的网络" not in out:
            raise Fail("as %s: the zh note is missing:\n%s" % (who.name, out))
    for_each_identity(body)

@test
def lab_and_machine_do_not_reach_each_other():
    """A port the machine holds can be bound again inside; connecting to the lab's listener
    from outside is refused, and connecting from inside to the machine's listener too."""
    def body(who):
        held = socket.socket()                    # holds port P outside: bound, not listening
        held.bind(("127.0.0.1", 0))
        p = held.getsockname()[1]
        outside = socket.socket()                 # a listener outside, on port Q
        outside.bind(("127.0.0.1", 0))
        outside.listen(8)
        q = outside.getsockname()[1]
        lab = LabSession(who, "--lab")
        try:
            lab.expect(NOTE)
            lab.run("s = socket tcp")
            lab.run("bind s 127.0.0.1 %d" % p, r"bind\(s, 127\.0\.0\.1:%d\) = 0" % p)
            lab.run("listen s", r"LISTEN")
            lab.sync()
            c = socket.socket()
            c.settimeout(5)
            err = c.connect_ex(("127.0.0.1", p))
            c.close()
            if err != 111:   # ECONNREFUSED: the machine's port P is the bound, not listening, one
                raise Fail("as %s: connecting from outside to the lab's port %d gave errno %d, not ECONNREFUSED" % (who.name, p, err))
            lab.run("c = socket tcp")
            lab.run("connect c 127.0.0.1 %d" % q, r"connect\(c, 127\.0\.0\.1:%d\) = -1 ECONNREFUSED" % q)
            outside.settimeout(0.2)
            try:
                outside.accept()
                raise Fail("as %s: the machine's listener got a connection from inside the lab" % who.name)
            except socket.timeout:
                pass
            if lab.close() != 0:
                raise Fail("as %s: the lab exited %s:\n%s" % (who.name, lab.p.returncode, lab.text()))
        finally:
            lab.kill()
            held.close()
            outside.close()
    for_each_identity(body)

CLIENT = """import socket, sys
socket.socket(socket.AF_PACKET, socket.SOCK_RAW).close()   # CAP_NET_RAW holds in the lab
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
c.sendall(b"hello from join")
print("client sent")
c.close()
"""

@test
def join_runs_a_peer_program_and_a_prompt():
    """A lab with a listener waits in accept; `--join -- python3 client.py` connects to it
    over 127.0.0.1 (and opens a packet socket); a second `--join` prompt sees the lab's
    sockets' network; after the lab ends its pid file is gone and --join says no lab."""
    def body(who):
        if not who.py:
            raise Fail("as %s: no python3 this user can run" % who.name)
        client = program(CLIENT, who)
        lab = LabSession(who, "--lab")
        joined = None
        try:
            lab.expect(NOTE)
            lab.run("s = socket tcp")
            lab.run("bind s 127.0.0.1 7788", r"= 0")
            lab.run("listen s", r"LISTEN")
            lab.run("conn = accept s &", r"\[1\] accept\(s\)")
            lab.sync()
            wait_for(lambda: os.path.exists(who.pid_file()), "pid file")
            line = open(who.pid_file()).read().split()
            if int(line[0]) != lab.p.pid:
                raise Fail("as %s: the pid file holds %r, the lab is %d" % (who.name, line, lab.p.pid))
            r = subprocess.run(who.cmd("--join", "--", who.py, "-c", "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=who.env(), timeout=20 * SCALE)
            if r.returncode != 0:
                raise Fail("as %s: an AF_PACKET socket did not open in the lab (rc %d):\n%s" % (who.name, r.returncode, r.stdout.decode()))
            r = subprocess.run(who.cmd("--join", "--", who.py, client, "7788"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=who.env(), timeout=20 * SCALE)
            if r.returncode != 0 or b"client sent" not in r.stdout:
                raise Fail("as %s: the joined client failed (rc %d):\n%s" % (who.name, r.returncode, r.stdout.decode()))
            lab.expect(r"\[1\] accept\(s\) = \d+  → conn, peer 127\.0\.0\.1:\d+", timeout=5)
            lab.run("recv conn", r'recv\(conn, 1024\) = 15  "hello from join"')
            # A prompt of its own: its 127.0.0.1 is the lab's (the listener is there).
            joined = LabSession(who, "--join")
            joined.expect(r"lab: joined the lab of pid \d+")
            joined.run("c = socket tcp")
            joined.run("connect c 127.0.0.1 7788", r"connect\(c, 127\.0\.0\.1:7788\) = 0")
            lab.run("conn2 = accept s", r"accept\(s\) = \d+  → conn2")
            # A second lab meanwhile runs, but --join keeps entering the first.
            rc, out = who.sockplay("--lab", "-c", "quit")
            if rc != 0 or "(it enters the lab started earlier, pid %d, not this one)" % lab.p.pid not in out \
                    or int(open(who.pid_file()).read().split()[0]) != lab.p.pid:
                raise Fail("as %s: a second lab: rc %d\n%s" % (who.name, rc, out))
            if joined.close() != 0 or lab.close() != 0:
                raise Fail("as %s: a session exited badly:\n%s\n%s" % (who.name, joined.text(), lab.text()))
            if os.path.exists(who.pid_file()):
                raise Fail("as %s: the pid file is left after the lab exited" % who.name)
            rc, out = who.sockplay("--join", "--", "true")
            if rc != 2 or "no lab is running" not in out:
                raise Fail("as %s: --join after the lab ended: rc %d\n%s" % (who.name, rc, out))
        finally:
            lab.kill()
            if joined:
                joined.kill()
            os.unlink(client)
    for_each_identity(body)

@test
def join_without_a_lab_says_so():
    """No lab (and a stale pid file of a dead process): a clear message, exit 2, in en and zh."""
    who = identities()[0]
    try:
        rc, out = who.sockplay("--join")
        if rc != 2 or "sockplay --join: no lab is running. Start one first, in another terminal: sockplay --lab" not in out:
            raise Fail("--join with no lab: rc %d\n%s" % (rc, out))
        rc, out = who.sockplay("--join", "--lang", "zh", "--", "true")
        if rc != 2 or "没有正在运行的实验室" not in out:
            raise Fail("--join --lang zh with no lab: rc %d\n%s" % (rc, out))
        dead = subprocess.Popen(["true"])
        dead.wait()
        os.makedirs(os.path.dirname(who.pid_file()), mode=0o700)
        with open(who.pid_file(), "w") as f:
            f.write("%d 12345\n" % dead.pid)
        rc, out = who.sockplay("--join")
        if rc != 2 or "no lab is running" not in out:
            raise Fail("--join with a stale pid file: rc %d\n%s" % (rc, out))
        rc, out = who.sockplay("--join", "--")
        if rc != 2 or "which program?" not in out:
            raise Fail("--join -- with no program: rc %d\n%s" % (rc, out))
    finally:
        who.cleanup()

@test
def stale_pid_file_is_replaced_and_fallback_folder_is_private():
    """A stale lab.pid is replaced by the new lab's; without XDG_RUNTIME_DIR the file goes
    to $TMPDIR/sockplay-UID (a 0700 folder) and --join finds it there."""
    def body(who):
        os.makedirs(os.path.dirname(who.pid_file()), mode=0o700, exist_ok=True)
        with open(who.pid_file(), "w") as f:
            f.write("999999999 1\n")
        os.chown(os.path.dirname(who.pid_file()), who.uid, who.uid)
        os.chown(who.pid_file(), who.uid, who.uid)
        for where in ["xdg", "tmp"]:
            extra = {"XDG_RUNTIME_DIR": ""} if where == "tmp" else {}
            path = who.pid_file() if where == "xdg" else os.path.join(who.tmp_dir, "sockplay-%d" % who.uid, "lab.pid")
            lab = LabSession(who, "--lab", extra_env=extra)
            try:
                lab.expect(NOTE)
                lab.sync()
                wait_for(lambda: os.path.exists(path) and open(path).read().split()[0] != "999999999", "new pid file at " + path)
                pid = int(open(path).read().split()[0])
                if pid != lab.p.pid:
                    raise Fail("as %s: %s holds %d, the lab is %d" % (who.name, path, pid, lab.p.pid))
                if os.stat(os.path.dirname(path)).st_mode & 0o777 != 0o700:
                    raise Fail("as %s: %s is not 0700" % (who.name, os.path.dirname(path)))
                r = subprocess.run(who.cmd("--join", "--", "sh", "-c", "exit 7"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   env=who.env(**extra), timeout=20 * SCALE)
                if r.returncode != 7:
                    raise Fail("as %s (%s): --join -- sh did not run in the lab: rc %d\n%s" % (who.name, where, r.returncode, r.stdout))
                if lab.close() != 0 or os.path.exists(path):
                    raise Fail("as %s: the lab exited %s or left %s" % (who.name, lab.p.returncode, path))
            finally:
                lab.kill()
    for_each_identity(body)

@test
def hangup_or_term_removes_the_pid_file():
    """A lab killed by SIGHUP (its terminal closed) or SIGTERM removes its pid file."""
    def body(who):
        for sig in (signal.SIGHUP, signal.SIGTERM):
            lab = LabSession(who, "--lab")
            try:
                lab.expect(NOTE)
                lab.sync()
                wait_for(lambda: os.path.exists(who.pid_file()), "pid file")
                lab.p.send_signal(sig)
                lab.p.wait(5 * SCALE)
                if lab.p.returncode != -sig or os.path.exists(who.pid_file()):
                    raise Fail("as %s: after signal %d: rc %s, pid file there: %s" % (who.name, sig, lab.p.returncode, os.path.exists(who.pid_file())))
            finally:
                lab.kill()
    for_each_identity(body)

@test
def userns_forbidden_says_why_and_exits_2():
    """With user namespaces limited to 0 (user.max_user_namespaces, set inside a namespace
    of the test's own so the machine is untouched): the reason, the sysctl to type, exit 2 —
    and the lab fails closed: the commands meant for it (a datagram to 192.168.1.103) never
    run in the machine's network instead."""
    if not shutil.which("unshare"):
        raise Skip("no unshare(1)")
    script = 'echo 0 > /proc/sys/user/max_user_namespaces || exit 99; exec "$@"'
    r = subprocess.run(["unshare", "-Ur", "sh", "-c", script, "sh", SOCKPLAY, "--lab", "-c", 'u = socket udp; sendto u 192.168.1.103 8080 "x"'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), timeout=20 * SCALE)
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode == 99 or "unshare failed" in out:
        raise Skip("cannot make a user namespace to limit: " + " ".join(out.split())[:200])
    if r.returncode != 2 or "sockplay --lab: user namespaces are not allowed here: their number is limited to 0 (user.max_user_namespaces)." not in out \
            or "sudo sysctl -w user.max_user_namespaces=" not in out or "socket(" in out or "sendto(" in out:
        raise Fail("rc %d:\n%s" % (r.returncode, out))

@test
def apparmor_restriction_says_which_profile_to_write():
    """AppArmor's restriction (kernel.apparmor_restrict_unprivileged_userns = 1, faked in a
    namespace of the test's own, user namespaces limited to 0 so unshare fails): a sockplay
    that is not the package's /usr/bin/sockplay is told the profile to write, named after its
    path, with the packaged profile's rules (src/debian/apparmor/sockplay)."""
    if not shutil.which("unshare"):
        raise Skip("no unshare(1)")
    script = ('echo 0 > /proc/sys/user/max_user_namespaces && t=$(mktemp -d) && mount -t tmpfs t "$t" && '
              'echo 1 > "$t/apparmor_restrict_unprivileged_userns" && mount --bind "$t" /proc/sys/kernel || exit 99; exec "$@"')
    r = subprocess.run(["unshare", "-Urm", "sh", "-c", script, "sh", SOCKPLAY, "--lab", "-c", "state"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), timeout=20 * SCALE)
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode == 99 or "unshare failed" in out:
        raise Skip("cannot fake AppArmor's restriction in a namespace: " + " ".join(out.split())[:200])
    exe = os.path.realpath(os.environ.get("SOCKPLAY_REAL", SOCKPLAY))   # make valgrind runs a wrapper
    name = exe[1:].replace("/", ".")
    want = ["(kernel.apparmor_restrict_unprivileged_userns = 1, as on Ubuntu 24.04)",
            "abi <abi/4.0>,", "profile %s %s flags=(unconfined) {" % (name, exe), "  userns,",
            "| sudo tee /etc/apparmor.d/%s && sudo apparmor_parser -r /etc/apparmor.d/%s" % (name, name),
            "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"]
    missing = [w for w in want if w not in " ".join(out.split()) and w not in out]
    if r.returncode != 2 or missing:
        raise Fail("rc %d, missing %r:\n%s" % (r.returncode, missing, out))

@test
def without_lab_nothing_changes():
    """No --lab: no note, the plain prompt, no pid file."""
    who = identities()[0]
    try:
        sp = subprocess.run([SOCKPLAY], input=b"s = socket tcp\n", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=who.env(), timeout=10 * SCALE)
        out = sp.stdout.decode()
        if "lab" in out or not out.startswith("sockplay> s = socket tcp") or os.listdir(who.run_dir) or os.listdir(who.tmp_dir):
            raise Fail("a session without --lab changed:\n%s" % out)
    finally:
        who.cleanup()

def screen_after(t, line):
    """The screen from the last echo of the typed line on."""
    s = t.screen()
    return s[s.rindex(line):]

def rows(text, *patterns):
    """Fails unless each pattern matches one drawn packet row of text, in order."""
    at = 0
    for pat in patterns:
        m = re.compile(r"^\s+\d+\.\d+m?s  " + pat, re.M).search(text, at)
        if not m:
            raise Fail("no packet row %r (in order) in:\n%s" % (pat, text))
        at = m.end()

def handshake_and_close(t, prompt, port):
    """At an 80-column terminal: the three handshake packets under connect, with the states
    each end entered; the FIN/ACK exchange under shutdown and close."""
    P = str(port)
    for line, want in [("wire on", r"wire on: "), ("s = socket tcp", r"→ s"), ("bind s 127.0.0.1 " + P, r"= 0"),
                       ("listen s", r"LISTEN"), ("c = socket tcp", r"→ c")]:
        t.type(line)
        t.wait(re.escape(prompt + line) + r".*" + want + r".*" + re.escape(prompt.rstrip()) + r"\s*$")
    t.type("connect c 127.0.0.1 " + P)
    t.wait(r"connect\(c, 127\.0\.0\.1:%s\) = 0  \(3 packets, [\d.]+ ms\)" % P)
    rows(screen_after(t, prompt + "connect c"),
         r"SYN_SENT\s+c :\d+ ── SYN seq=0 ─+▶ s :%s\s*$" % P,
         r"ESTABLISHED\s+c :\d+ ◀── SYN\+ACK seq=0 ack=1 ─+ s :%s\s+SYN_RECV\s*$" % P,
         r"\s+c :\d+ ── ACK ack=1 ─+▶ s :%s\s+ESTABLISHED\s*$" % P)
    t.type("conn = accept s")
    t.wait(r"→ conn, peer")
    t.type("shutdown c wr")
    t.wait(r"shutdown\(c, SHUT_WR\) = 0  \(\d packets?")
    rows(screen_after(t, prompt + "shutdown c wr"), r"FIN_WAIT1\s+c :\d+ ── FIN\+ACK seq=1 ack=1 ─+▶ conn :%s\s+CLOSE_WAIT" % P)
    t.type("close conn")
    t.wait(r"close\(conn\) = 0  \(2 packets")
    rows(screen_after(t, prompt + "close conn"),
         r"TIME_WAIT\s+c :\d+ ◀── FIN\+ACK seq=1 ack=2 ─+ conn :%s\s+LAST_ACK" % P,
         r"\s+c :\d+ ── ACK ack=2 ─+▶ conn :%s\s+CLOSED" % P)
    t.type("close c")
    t.wait(re.escape(prompt + "close c") + r".*close\(c\) = 0")

PEER = """import socket, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
time.sleep(float(sys.argv[2]))
c.close()
"""

@test
def wire_at_a_terminal_in_the_lab_and_a_joined_peer():
    """tmux, 80 columns, `sockplay --lab` as root and as uid 65534: the handshake under
    connect, the FIN/ACK exchange under shutdown and close; then the course's kind of peer,
    a python3 program run with `sockplay --join --`, closes its end while the prompt waits:
    its FIN is drawn above the prompt, nothing typed."""
    def body(who):
        if not who.py:
            raise Fail("as %s: no python3 this user can run" % who.name)
        prompt = LAB_PROMPT
        extra = "XDG_RUNTIME_DIR=%s TMPDIR=%s %s" % (who.run_dir, who.tmp_dir, " ".join(who.prefix))
        t = Term("--lab", extra=extra, width=80)
        peer = program(PEER, who)
        try:
            t.wait(re.escape(prompt.rstrip()))
            handshake_and_close(t, prompt, 7788)
            t.type("p = socket tcp")
            t.type("bind p 127.0.0.1 7799")
            t.type("listen p")
            t.wait(re.escape(prompt + "listen p") + r".*LISTEN.*" + re.escape(prompt.rstrip()) + r"\s*$")
            wait_for(lambda: os.path.exists(who.pid_file()), "pid file")
            prog = subprocess.Popen(who.cmd("--join", "--", who.py, peer, "7799", "1.5"), stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, env=who.env())
            try:
                t.type("pc = accept p")
                t.wait(r"→ pc, peer", 10)
                # Nothing typed: the peer's FIN arrives while the prompt waits, drawn above it.
                m = t.wait(re.escape("→ pc, peer") + r".*\n\s+\d+\.\d+m?s\s+FIN_WAIT1\s+127\.0\.0\.1:\d+ ── FIN\+ACK seq=1 ack=1 ─+▶ "
                           r"pc(?: :7799)?\s+CLOSE_WAIT.*\n" + re.escape(prompt.rstrip()) + r"\s*$", 10)
                out = prog.communicate(timeout=20 * SCALE)[0]
                if prog.returncode != 0:
                    raise Fail("as %s: the joined peer failed (rc %d):\n%s" % (who.name, prog.returncode, out.decode()))
            finally:
                if prog.poll() is None:
                    prog.kill()
                    prog.wait()
            t.type("quit")
            wait_for(lambda: not os.path.exists(who.pid_file()), "the lab's end", 10)
        finally:
            t.close()
            os.unlink(peer)
    for_each_identity(body)

@test
def wire_at_a_terminal_as_root():
    """tmux, 80 columns, `sudo sockplay` (root, the machine's own loopback, a free port):
    the handshake under connect and the FIN/ACK exchange under shutdown and close."""
    if os.geteuid() != 0:
        raise Skip("not root: the no-root path is the lab's test")
    t = Term(width=80)
    try:
        handshake_and_close(t, "sockplay> ", free_port())
    finally:
        t.close()

# --- issue 14: the lab's hosts, a router, sockplay as the switch -------------------------

def lab_table(text):
    """The last table in text, from its header on."""
    return text[text.rindex("FD  NAME"):]

@test
def hosts_talk_through_the_switch():
    """The course's network: `lab` lists A 192.168.1.103, B .104, router R, D 10.0.0.2 with
    MACs and gateways; a listener on B and a client on A connect through sockplay's switch;
    the table's HOST column says where each socket (and the queued connection) lives; a
    datagram from A reaches D through R; `D: CMD` makes one socket on D; the prompt shows the
    current host."""
    def body(who):
        lab = LabSession(who, "--lab", extra_env={"COLUMNS": "200"})
        try:
            lab.expect(NOTE)
            lab.run("lab", r"LAN 10\.0\.0\.0/24.*D\s+eth0\s+10\.0\.0\.2/24\s+02:00:00:00:04:01\s+gateway 10\.0\.0\.1")
            text = lab.text()
            for pat in [r"lab: 4 hosts on 2 LANs", r"A\s+eth0\s+192\.168\.1\.103/24\s+02:00:00:00:01:01\s+gateway 192\.168\.1\.1",
                        r"R\s+eth1\s+10\.0\.0\.1/24\s+\S+\s+router"]:
                if not re.search(pat, text):
                    raise Fail("as %s: `lab` lacks %r:\n%s" % (who.name, pat, text))
            lab.run("on B", r"on B: new sockets are made there")
            lab.send("s = socket tcp")
            lab.expect(re.escape("sockplay[B]> s = socket tcp"))
            lab.send("bind s 192.168.1.104 7788")
            lab.expect(r"bind\(s, 192\.168\.1\.104:7788\) = 0")
            lab.send("listen s")
            lab.expect(r"LISTEN")
            lab.send("on A")
            lab.expect(r"on A: new sockets")
            lab.send("c = socket tcp")
            lab.expect(re.escape("sockplay[A]> c = socket tcp"))
            lab.send("connect c 192.168.1.104 7788")
            lab.expect(r"connect\(c, 192\.168\.1\.104:7788\) = 0")
            lab.send("conn = accept s")
            lab.expect(r"accept\(s\) = \d+  → conn, peer 192\.168\.1\.103:\d+")
            lab.send('send c "through the switch"')
            lab.expect(r"= 18")
            lab.send("recv conn")
            lab.expect(r'recv\(conn, 1024\) = 18  "through the switch"')
            lab.send("state")
            lab.expect(r"FD\s+NAME\s+KIND\s+HOST\s+LOCAL")
            lab.sync()
            t = lab_table(lab.text())
            for pat in [r"\bs\s+TCPv4\s+B\s+192\.168\.1\.104:7788\s+-\s+LISTEN", r"\bc\s+TCPv4\s+A\s+192\.168\.1\.103:\d+\s+192\.168\.1\.104:7788\s+ESTABLISHED",
                        r"\bconn\s+TCPv4\s+B\s+192\.168\.1\.104:7788\s+192\.168\.1\.103:\d+\s+ESTABLISHED"]:
                if not re.search(pat, t):
                    raise Fail("as %s: the table lacks %r:\n%s" % (who.name, pat, t))
            # Through the router, and one line on D.
            lab.send("D: d = socket udp")
            lab.expect(r"→ d")
            lab.send("bind d 10.0.0.2 9999")
            lab.expect(r"= 0")
            lab.send("u = socket udp")
            lab.expect(re.escape("sockplay[A]> u = socket udp"))
            lab.send('sendto u 10.0.0.2 9999 "via R"')
            lab.expect(r"= 5")
            lab.send("settimeout d 3")
            lab.send("recvfrom d")
            lab.expect(r'recvfrom\(d, 1024\) = 5  "via R"  from 192\.168\.1\.103:\d+')
            lab.send("state")
            lab.sync()
            t = lab_table(lab.text())
            if not re.search(r"\bd\s+UDPv4\s+D\s+10\.0\.0\.2:9999", t) or not re.search(r"\bu\s+UDPv4\s+A\s", t):
                raise Fail("as %s: d is not on D or u not on A:\n%s" % (who.name, t))
            lab.run("on nowhere", r"no host 'nowhere' in the lab: A, B, R, D, lab")
            # Lua: socket.host as `on`, returning where it was.
            lab.run('lua local was = socket.host("D"); local e = socket.socket("udp"); print("luahost", was, socket.host(was), e:getsockname()[1])',
                    r"luahost\tA\tD\t0\.0\.0\.0")
            lab.run("state")
            lab.sync()
            if not re.search(r"^\s+\d+\s+-\s+UDPv4\s+D\s+-\s", lab_table(lab.text()), re.M):
                raise Fail("as %s: the socket Lua made with socket.host('D') is not on D:\n%s" % (who.name, lab_table(lab.text())))
            lab.run("lab", r"sockplay is the switch \((\d+) frames: (\d+) forwarded")
            # Lua: the switch drops the next SYN+ACK from B; socket.packets() tells it, and the retransmission.
            lab.run('lua assert(socket.switch{drop = "syn+ack from B"}); local k = socket.socket("tcp"); assert(k:connect("192.168.1.104", 7788)); '
                    'local d, r = 0, 0; for _, p in ipairs(socket.packets()) do if p.flags == "SYN+ACK" then '
                    'if p.action == "dropped" then d = d + 1 elseif p.retrans then r = r + 1 end end end; print("luadrop", d, r >= 1)',
                    r"luadrop\t1\ttrue", timeout=10)
            if lab.close() != 0:
                raise Fail("as %s: the lab exited %s:\n%s" % (who.name, lab.p.returncode, lab.text()))
        finally:
            lab.kill()
    for_each_identity(body)

@test
def the_course_udp_sender_runs_unchanged_on_host_b():
    """`sockplay --join B -- python3 udp_send.py`: the course's program, unchanged, sends to
    ('192.168.1.103', 8080), where a socket on A receives it from 192.168.1.104. A host the lab
    does not have runs nothing."""
    def body(who):
        if not who.py:
            raise Fail("as %s: no python3 this user can run" % who.name)
        src = course_program("dest_addr = ('192.168.1.103', 8080)", "input(")
        prog = program(src, who)
        lab = LabSession(who, "--lab")
        marker = os.path.join(who.tmp_dir, "ran")
        try:
            lab.expect(NOTE)
            lab.run("on A", r"on A")
            lab.send("u = socket udp")
            lab.send("bind u 192.168.1.103 8080")
            lab.expect(r"= 0")
            lab.sync()
            wait_for(lambda: os.path.exists(who.pid_file()), "pid file")
            r = subprocess.run(who.cmd("--join", "B", "--", who.py, prog), input="你好, A\n".encode(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=who.env(PYTHONIOENCODING="utf-8"), timeout=20 * SCALE)
            if r.returncode != 0:
                raise Fail("as %s: the course's program on B failed (rc %d):\n%s" % (who.name, r.returncode, r.stdout.decode()))
            lab.send("settimeout u 3")
            lab.run("recvfrom u", r'recvfrom\(u, 1024\) = 9  "你好, A"  from 192\.168\.1\.104:\d+')
            r = subprocess.run(who.cmd("--join", "Z", "--", "touch", marker), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=who.env(), timeout=20 * SCALE)
            if r.returncode != 2 or b"has no host 'Z'" not in r.stdout or os.path.exists(marker):
                raise Fail("as %s: --join Z: rc %d, ran: %s\n%s" % (who.name, r.returncode, os.path.exists(marker), r.stdout.decode()))
            if lab.close() != 0:
                raise Fail("as %s: the lab exited %s:\n%s" % (who.name, lab.p.returncode, lab.text()))
        finally:
            lab.kill()
            os.unlink(prog)
    for_each_identity(body)

def net_namespaces_of(pid):
    """The network namespaces process pid holds (its own and its fds'), as inode links."""
    out = set()
    for d in ("/proc/%d/task" % pid,):
        for t in os.listdir(d):
            try:
                out.add(os.readlink("/proc/%d/task/%s/ns/net" % (pid, t)))
            except OSError:
                pass
    for f in os.listdir("/proc/%d/fd" % pid):
        try:
            l = os.readlink("/proc/%d/fd/%s" % (pid, f))
        except OSError:
            continue
        if l.startswith("net:"):
            out.add(l)
    return out

def namespaces_in_use():
    """Every network namespace some process on the machine is in or holds an fd of."""
    out = set()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            out |= net_namespaces_of(int(p))
        except OSError:
            pass
    return out

@test
def the_lab_leaves_nothing_behind():
    """Its hosts' namespaces (and the interfaces in them) are held by the session alone: once
    it ends — quit, or killed — none of them is in use anywhere, and its files are gone."""
    if os.geteuid() != 0:
        raise Skip("reading other processes' namespaces needs root")
    def body(who):
        for how in ("quit", "kill"):
            lab = LabSession(who, "--lab")
            try:
                lab.expect(NOTE)
                lab.sync()
                held = net_namespaces_of(lab.p.pid)
                if len(held) < 5:
                    raise Fail("as %s: the lab holds only %r" % (who.name, held))
                if how == "quit":
                    lab.close()
                else:
                    lab.p.kill()
                    lab.p.wait()
            finally:
                lab.kill()
            left = held & namespaces_in_use()
            if left:
                raise Fail("as %s, after %s: namespaces still in use: %r" % (who.name, how, left))
            if how == "quit" and os.listdir(os.path.dirname(who.pid_file())):
                raise Fail("as %s: files left: %r" % (who.name, os.listdir(os.path.dirname(who.pid_file()))))
    for_each_identity(body)

@test
def a_topology_file_builds_its_network_and_a_bad_one_fails_closed():
    """--lab FILE.lab: its hosts, its router, its gateways; each mistake in a file names the
    line and stops the session before anything runs (-c's commands never run)."""
    def body(who):
        d = tempfile.mkdtemp()
        os.chmod(d, 0o755)
        good, bad = os.path.join(d, "class.lab"), os.path.join(d, "bad.lab")
        with open(good, "w") as f:
            f.write("# two rooms\nhost pc1 172.16.5.9/16\nrouter gw 172.16.0.1/16 10.1.0.1/24\nhost srv 10.1.0.80/24\n")
        with open(bad, "w") as f:
            f.write("host pc1 172.16.5.9/16\nhost pc2 8.8.8.8/24\n")
        os.chmod(good, 0o644)
        os.chmod(bad, 0o644)
        try:
            rc, out = who.sockplay("--lab", good, "-c", "lab; on srv; s = socket tcp; bind s 10.1.0.80 80; listen s; "
                                   "on pc1; c = socket tcp; connect c 10.1.0.80 80")
            for pat in [r"lab: 3 hosts on 2 LANs", r"pc1\s+eth0\s+172\.16\.5\.9/16\s+\S+\s+gateway 172\.16\.0\.1",
                        r"connect\(c, 10\.1\.0\.80:80\) = 0"]:
                if not re.search(pat, out):
                    raise Fail("as %s: no %r in:\n%s" % (who.name, pat, out))
            rc, out = who.sockplay("--lab", bad, "-c", "s = socket tcp")
            if rc != 2 or "bad.lab:2: 8.8.8.8 is not a private address" not in out or "socket(" in out:
                raise Fail("as %s: a bad topology: rc %d\n%s" % (who.name, rc, out))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    for_each_identity(body)

@test
def the_switch_holds_steps_drops_and_loses_frames_at_a_terminal():
    """tmux, 80 columns, --lab as root and as uid 65534: `wire hold` keeps a connect from B's
    listener in SYN_SENT until frames are stepped with `next` (the listener's SYN_RECV row
    appears once the SYN is through), `wire go` lets it finish; `wire drop next syn+ack`
    drops the SYN+ACK and the kernel's retransmission completes the connect; under
    `wire loss 100%` a datagram to 192.168.1.103 is lost and recvfrom times out; through the
    router a datagram shows two different MAC pairs with the same IP addresses."""
    def body(who):
        prompt = r"sockplay\[[A-Za-z]+\]>"
        extra = "XDG_RUNTIME_DIR=%s TMPDIR=%s %s" % (who.run_dir, who.tmp_dir, " ".join(who.prefix))
        t = Term("--lab", extra=extra, width=80)
        def typed(line, want=None, timeout=5):
            """Types line; with want, waits until one more `line … want` is on the screen than
            before (an earlier command's output never answers for this one)."""
            pat = re.compile(re.escape(line) + r".*?" + want, re.S) if want else None
            whole = lambda: t.tmux("capture-pane", "-p", "-t", "t", "-S", "-", "-E", "-")   # all the history
            before = len(pat.findall(whole())) if pat else 0
            t.type(line)
            if not pat:
                return None
            until = time.monotonic() + timeout * SCALE
            while len(pat.findall(whole())) <= before:
                if time.monotonic() > until:
                    raise Fail("as %s: after %r the screen never showed %r:\n%s" % (who.name, line, want, t.screen()[-2500:]))
                time.sleep(0.05)
            return True
        try:
            t.wait(prompt)
            for line in ["on B", "s = socket tcp", "bind s 192.168.1.104 7788", "listen s", "on A", "c = socket tcp"]:
                typed(line, r"\n" + prompt)
            typed("wire hold", r"every frame waits in the switch")
            typed("connect c 192.168.1.104 7788 &", r"\[1\] connect\(c, 192\.168\.1\.104:7788\) …")
            t.wait(r"ARP who has 192\.168\.1\.104\? tell 192\.168\.1\.103\s+\(held:\s+`next`\s+sends\s+it\s+on\)")
            typed("state", r"\bc\s+TCP4\s+A\s+\S+\s+\S+\s+SYN_SENT")
            if re.search(r"SYN_RECV", t.screen().split("sockplay[A]> state")[-1]):
                raise Fail("as %s: a SYN_RECV row before the SYN went through:\n%s" % (who.name, t.screen()))
            seen = False
            for _ in range(8):                       # ARP request, ARP reply, SYN, and retransmissions if slow
                typed("next", r"next: \d+ frame\(s\) sent on")
                time.sleep(0.2)
                typed("state", r"\n" + prompt)
                last = t.screen().split("sockplay[A]> state")[-1]
                if re.search(r"TCP4\s+B\s+\S+\s+\S+\s+SYN_RECV", last):
                    seen = True
                    if not re.search(r"\bc\s+TCP4\s+A\s+\S+\s+\S+\s+SYN_SENT", last):
                        raise Fail("as %s: c left SYN_SENT before the SYN+ACK was sent on:\n%s" % (who.name, t.screen()))
                    break
            if not seen:
                raise Fail("as %s: the listener's SYN_RECV row never showed while stepping:\n%s" % (who.name, t.screen()))
            t.wait(r"SYN\+ACK seq=0 ack=1.*\(held:\s+`next`")
            # Stepped on: the SYN+ACK makes c ESTABLISHED, the ACK the queued connection.
            for _ in range(6):
                typed("next", r"next: \d+ frame\(s\) sent on")
                time.sleep(0.2)
                typed("state", r"\n" + prompt)
                last = t.screen().split("sockplay[A]> state")[-1]
                if re.search(r"\bc\s+TCP4\s+A\s+\S+\s+\S+\s+ESTABLISHED", last) and \
                        re.search(r"-\s+TCP4\s+B\s+\S+\s+\S+\s+ESTABLISHED", last):
                    break
            else:
                raise Fail("as %s: stepping never made both ends ESTABLISHED:\n%s" % (who.name, t.screen()))
            t.wait(r"\[1\] connect\(c, 192\.168\.1\.104:7788\) = 0", 10)
            typed("wire go", r"wire go: \d+ held frame")
            # A dropped SYN+ACK: the kernel sends it again (RTO 1 s) and the connect completes.
            typed("wire drop next syn+ack", r"the next frame matching \"syn\+ack\" will be dropped")
            typed("d = socket tcp", r"\n" + prompt)
            typed("connect d 192.168.1.104 7788", r"connect\(d, 192\.168\.1\.104:7788\) = 0", 10)
            screen = t.screen().split("sockplay[A]> connect d")[-1]
            if not re.search(r"SYN\+ACK seq=0 ack=1.*\(dropped by the switch\)", screen, re.S) or "(retransmission)" not in screen:
                raise Fail("as %s: no dropped SYN+ACK and retransmission under connect d:\n%s" % (who.name, t.screen()))
            # UDP to 192.168.1.103 under wire loss 100%: lost, and nothing tells the sender.
            for line in ["u = socket udp", "bind u 192.168.1.103 9000", "settimeout u 1", "B: v = socket udp"]:
                typed(line, r"\n" + prompt)
            typed("wire loss 100%", r"wire loss 100%")
            typed('sendto v 192.168.1.103 9000 "lost?"', r"= 5")
            t.wait(r"UDP len=5.*\(lost\)", 5)
            typed("recvfrom u", r"recvfrom\(u, 1024\) = -1 (EAGAIN|EWOULDBLOCK)", 10)
            # Through the router: the same IP addresses, two MAC pairs.
            typed("wire loss 0", r"wire loss 0%")
            typed("wire mac on", r"MAC addresses")
            typed("D: w = socket udp", r"\n" + prompt)
            typed("bind w 10.0.0.2 9999", r"= 0")
            typed('sendto u 10.0.0.2 9999 "via R"', r"= 5")
            screen = t.screen().split("sockplay[A]> sendto u 10.0.0.2")[-1]
            hops = re.findall(r"u 192\.168\.1\.103:9000 ── UDP len=5 ─+▶ (?:w )?10\.0\.0\.2:9999\s+\"via R\" \[([0-9a-f:]+) → ([0-9a-f:]+)\]", screen)
            if len(hops) != 2 or hops[0] == hops[1] or hops[0][0] != "02:00:00:00:01:01" or hops[1][1] != "02:00:00:00:04:01":
                raise Fail("as %s: through R, want two MAC pairs for the same IPs, got %r:\n%s" % (who.name, hops, screen))
            t.type("quit")
        finally:
            t.close()
    for_each_identity(body)

@test
def lab_add_host_joins_the_switch():
    """`lab add host E 192.168.1.105/24`: E is on the switch at once (A connects to it), `lab`
    lists it, `sockplay --join E` enters it; a mistaken line names its mistake and adds nothing."""
    def body(who):
        lab = LabSession(who, "--lab")
        try:
            lab.expect(NOTE)
            lab.run("lab add host E 192.168.1.105/24", r"lab: host E added")
            lab.run("lab add host E2 192.168.1.105/24", r"192\.168\.1\.105/24 is taken already")
            lab.run("lab add host X 8.8.8.8/24", r"8\.8\.8\.8 is not a private address")
            lab.run("on E", r"on E: new sockets")
            lab.run("e = socket tcp")
            lab.run("bind e 192.168.1.105 80", r"= 0")
            lab.run("listen e", r"LISTEN")
            lab.run("on A")
            lab.run("c = socket tcp")
            lab.run("connect c 192.168.1.105 80", r"connect\(c, 192\.168\.1\.105:80\) = 0")
            lab.run("lab", r"lab: 5 hosts on 2 LANs.*E\s+eth0\s+192\.168\.1\.105/24\s+02:00:00:00:05:01\s+gateway 192\.168\.1\.1")
            lab.sync()
            wait_for(lambda: os.path.exists(who.pid_file()), "pid file")
            r = subprocess.run(who.cmd("--join", "E", "-c", "k = socket tcp; connect k 192.168.1.105 80"), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=who.env(), timeout=20 * SCALE)
            if r.returncode != 0 or not re.search(rb"connect\(k, 192\.168\.1\.105:80\) = 0", r.stdout):
                raise Fail("as %s: --join E: rc %d\n%s" % (who.name, r.returncode, r.stdout.decode()))
            if lab.close() != 0:
                raise Fail("as %s: the lab exited %s:\n%s" % (who.name, lab.p.returncode, lab.text()))
        finally:
            lab.kill()
    for_each_identity(body)

if __name__ == "__main__":
    main()
