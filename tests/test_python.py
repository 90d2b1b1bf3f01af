"""The course's Python lines at the prompt (issue 15): every socket line of the seeds runs or
is refused with one sentence; the course's programs typed line by line against the course's
own programs as peers, with the same bytes as Python; Python's exception lines checked
against python3's own; values shared with the commands; `&`; continued lines; refused
blocks; `export python`; tab completion after `name.`.

Where the contract leaves room, these tests read it as a learner would (python3's REPL):
- A line python3 rejects is Python's error, not sockplay's: the seed's own
  `client = socket.socket(socke.AF_INET，socket.SOCK_STREAM)` (a full-width comma) gives
  python3's `SyntaxError: invalid character '，' (U+FF0C)`; an undefined bare name gives
  NameError (`clientAddr` before a background accept() returned).
- `socket = socket.socket(...)` (002's programs) rebinds the name, as in Python.
- After `import socket`, `s = socket tcp` is still the command (contract 10's example).
- `del s` unbinds s (NameError after it) and closes only the last reference, as CPython.
- After a refused block header, comment lines are swallowed too (python3 reads them as part
  of the block); a blank or unindented non-comment line ends it. The refusal is one line
  (it may name `python3 FILE.py` twice: here and in the lab).
- `exit()` is not refused: it leaves, as in python3.
- A timeout is reported as EAGAIN by sockplay, with python3's `TimeoutError: timed out`.
- sendall/settimeout/setblocking print their command's call line (send, setsockopt, fcntl)."""
import os, re, socket, subprocess, sys, tempfile, textwrap, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
from term import Term

METHODS = ("socket bind listen accept connect send sendall recv sendto recvfrom setsockopt getsockopt "
           "shutdown settimeout setblocking getsockname getpeername close").split()
# A line of Python's exception, as python3 prints the last line of a traceback.
EXC = re.compile(r"^\w+(Error|Exception): ", re.M)
REFUSED = "python3 FILE.py"
NOT_A_COMMAND = re.compile(r"unknown command|未知命令")
CRASH = re.compile(r"Segmentation fault|AddressSanitizer|LeakSanitizer|core dumped|Aborted|Traceback \(most recent call last\)")
VERBOSE = os.environ.get("VERBOSE") == "1"     # test A lists each line's outcome
CJK = re.compile(r"[\u4e00-\u9fff]")

# ---------------------------------------------------------------- typing Python at the prompt

def py(sp, stmt, *answers, timeout=8.0):
    """Types one statement (its physical lines, "\\n"-joined) and then the answers its input()
    calls read; returns what sockplay printed for it: after the first line's echo, up to the
    echo of a comment sent after it (the REPL reads that only when the statement is done)."""
    lines = stmt.split("\n")
    sp.send(lines[0])
    sp.expect(re.escape("sockplay> " + lines[0]))
    start = sp.pos
    for l in lines[1:]:
        sp.send(l)
    for a in answers:
        sp.send(a)
    # A refused block header swallows the indented lines after it, comments included (as
    # python3's REPL does), up to a blank line: one is sent before the comment that syncs.
    sp.send("")
    sp.sync_n = getattr(sp, "sync_n", 0) + 1
    tag = "# sync %d" % sp.sync_n
    sp.send(tag)
    try:
        m = sp.expect(re.escape("sockplay> " + tag), timeout)
    except Fail as e:
        raise Fail("the statement %r did not finish within %.0f s (blocked?):\n%s" % (stmt, timeout, e))
    return re.sub(r"(^|\n)sockplay> \Z", r"\1", sp.out[start:m.start()].decode("utf-8", "replace"))

def ok(sp, stmt, pattern=None, *answers, timeout=8.0):
    """py(), and the statement ran: no error of sockplay's, no exception; pattern found."""
    out = py(sp, stmt, *answers, timeout=timeout)
    bad = NOT_A_COMMAND.search(out) or CRASH.search(out) or EXC.search(out) or re.search(r"^sockplay:", out, re.M) \
        or REFUSED in out
    if bad:
        raise Fail("%r did not run: %r in\n%s" % (stmt, bad.group(0), out))
    if pattern and not re.search(pattern, out, re.M | re.S):
        raise Fail("%r: expected %r in\n%s" % (stmt, pattern, out))
    return out

def refusals(out):
    """The lines of out that hold the refusal sentence."""
    return [l for l in out.split("\n") if REFUSED in l]

def has_line(out, line):
    return re.search("^" + re.escape(line) + r"\s*$", out, re.M)

def python_says(code):
    """What python3 itself prints as the last line of the traceback of the first exception code
    raises (SyntaxError included), or "" when it raises none."""
    runner = ("import sys, traceback\nsrc = sys.stdin.read()\n"
              "try:\n    exec(compile(src, '<stdin>', 'exec'), {})\n"
              "except BaseException as e:\n    print(traceback.format_exception_only(type(e), e)[-1], end='')\n")
    p = subprocess.run([PY, "-c", runner], input=code.encode(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=20, env=env(PYTHONIOENCODING="utf-8"))
    return p.stdout.decode().strip()

def repr_of(code):
    """python3's own repr of an expression, computed by python3."""
    return subprocess.run([PY, "-c", "import sys; sys.stdout.write(repr(%s))" % code], stdout=subprocess.PIPE,
                          timeout=20, env=env(PYTHONIOENCODING="utf-8")).stdout.decode()

# ---------------------------------------------------------------- the course's programs as statements

def scan_depth(line, depth):
    """Bracket depth after line (strings and comments skipped)."""
    i, q = 0, None
    while i < len(line):
        ch = line[i]
        if q:
            if ch == "\\":
                i += 1
            elif ch == q:
                q = None
        elif ch in "'\"":
            q = ch
        elif ch == "#":
            break
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        i += 1
    return depth

def code_part(line):
    """line without its comment (a # outside strings)."""
    q = None
    for i, ch in enumerate(line):
        if q:
            if ch == q:
                q = None
        elif ch in "'\"":
            q = ch
        elif ch == "#":
            return line[:i]
    return line

def statements(src):
    """A program as statements: (indent, physical lines with the statement's indent removed).
    Brackets left open continue a statement; blank and comment-only lines are skipped."""
    out, cur, depth, indent = [], [], 0, 0
    for line in src.split("\n"):
        if not cur:
            if not line.strip() or line.strip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
        cur.append(line[indent:] if line[:indent].strip() == "" else line.lstrip())
        depth = scan_depth(line, depth)
        if depth <= 0:
            out.append((indent, "\n".join(cur).rstrip()))
            cur, depth = [], 0
    if cur:
        out.append((indent, "\n".join(cur).rstrip()))
    return out

def strip_strings(s):
    s = re.sub(r"#[^\n]*", "", re.sub(r"'(\\.|[^'\\\n])*'|\"(\\.|[^\"\\\n])*\"", "''", s))
    return s

def targets(stmt):
    m = re.match(r"\s*([A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*)\s*=(?!=)", stmt)
    return set(re.findall(r"\w+", m.group(1))) if m else set()

def names_used(stmt):
    body = strip_strings(stmt)
    t = targets(stmt)
    if t:
        body = body.split("=", 1)[1]
    body = re.sub(r"\b\w+\s*=(?!=)", " ", body)       # keyword arguments
    return set(re.findall(r"(?<![.\w])[A-Za-z_]\w*", body))

SOCKET_CALL = re.compile(r"\bsocket\.socket\s*\(|\.(%s)\s*\(" % "|".join(METHODS))

def socket_lines(stmts):
    """The rule for test A, over one program's statements in order: a statement is taken when
      (a) it is `import socket` / `from socket import ...`, or
      (b) it calls the socket API (`socket.socket(...)` or `.M(` for M one of METHODS), or
      (c) it assigns a name that a later taken statement uses (it builds its arguments:
          `address = ('', 7788)`, `server_port = int(input(...))`, `port = int(sys.argv[1])`), or
      (d) it uses a name an earlier taken statement assigned (it uses a call's result:
          `print(recv_data[0].decode('gbk'))`, `if recv_data:`, `file_name = recv_data.decode(...)`),
    applied until nothing more is taken. Lines inside def/while/if bodies are taken dedented, as
    a learner copying one line types it; the def/while/if headers themselves only by (d)."""
    n = len(stmts)
    take = [bool(re.match(r"(import\s+socket\b|from\s+socket\s+import\b)", s) or SOCKET_CALL.search(strip_strings(s)))
            for _, s in stmts]
    changed = True
    while changed:
        changed = False
        for i in range(n):
            if take[i]:
                continue
            t = targets(stmts[i][1])
            builds = t and any(take[j] and t & names_used(stmts[j][1]) for j in range(i + 1, n))
            uses = any(take[j] and targets(stmts[j][1]) & names_used(stmts[i][1]) for j in range(i))
            if builds or uses:
                take[i] = changed = True
    return [s for (_, s), t in zip(stmts, take) if t]

def seed_programs():
    """(where, source) for every ```python block of the five seeds, and the runs of code lines
    outside any block (002's `client = socket.socket(socke.AF_INET，…` client and the server
    after it): a run is consecutive lines that each look like a Python statement of the
    course (import socket, NAME = x.y(…), x.y(…), print(…))."""
    files = sorted(f for f in os.listdir(SEEDS) if f.endswith(".txt"))
    assert len(files) == 5, files
    progs = []
    code_line = re.compile(r"^(import\s+socket\b|[\w, ]+=\s*\w+(\.\w+)*\(|\w+(\.\w+)+\(|print\()")
    for name in files:
        text = open(os.path.join(SEEDS, name), encoding="utf-8").read()
        for i, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.S)):
            progs.append(("%s block %d" % (name[:3], i + 1), block))
        outside = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        run = []
        for line in outside.split("\n") + [""]:
            if code_line.match(line):
                run.append(line)
            elif run:
                if any(SOCKET_CALL.search(l) for l in run):
                    progs.append(("%s text %r" % (name[:3], run[0][:30]), "\n".join(run)))
                run = []
    return progs

ADDR = re.compile(r"""(\.(bind|connect)\s*\(\s*)?\(\s*(['"])([\d.]*)\3\s*,\s*(\d+)\s*\)""")

def rewrite_addresses(src, tcp_peer, udp_peer):
    """Every ('HOST', PORT) literal of a program on 127.0.0.1: a bind's, or one with host ''
    gets a free port; a connect's the test's TCP peer; any other (dest_addr) the test's UDP peer
    in a UDP program, its TCP peer otherwise. Nothing is left to go to 192.168.x or 10.x."""
    udp = "SOCK_DGRAM" in src
    def sub(m):
        call, host, port = m.group(2), m.group(4), int(m.group(5))
        if call == "bind" or host == "":
            p = free_port(socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
        elif call == "connect":
            p = tcp_peer
        else:
            p = udp_peer if udp else tcp_peer
        q = m.group(3)
        return "%s(%s%s%s, %d)" % (m.group(1) or "", q, "" if host == "" else "127.0.0.1", q, p)
    out = ADDR.sub(sub, src)
    code = "\n".join(code_part(l) for l in out.split("\n"))
    assert not re.search(r"\b(192\.168|10)\.\d+\.\d+", code), code
    return out

# ---------------------------------------------------------------- the kernel's view of a sockplay process

def proc_ports(pid, kind):
    """Local ports of the sockets pid holds: kind "listen" (TCP in LISTEN) or "udp"."""
    inodes = set()
    d = "/proc/%d/fd" % pid
    for f in os.listdir(d):
        try:
            l = os.readlink(os.path.join(d, f))
        except OSError:
            continue
        if l.startswith("socket:["):
            inodes.add(l[8:-1])
    ports = set()
    for table in (("tcp", "tcp6") if kind == "listen" else ("udp", "udp6")):
        for row in open("/proc/net/" + table).read().split("\n")[1:]:
            f = row.split()
            if len(f) > 9 and f[9] in inodes and (kind != "listen" or f[3] == "0A"):
                ports.add(int(f[1].rsplit(":", 1)[1], 16))
    return sorted(ports)

class Peers:
    """The test's own TCP peer (answers "thank you !" to each connection, reads, closes) and UDP
    peer (answers each datagram with 你好 in GBK, as the course's network assistant does)."""
    def __init__(self):
        self.stop = False
        self.t = socket.socket(); self.t.bind(("127.0.0.1", 0)); self.t.listen(16); self.t.settimeout(0.2)
        self.u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); self.u.bind(("127.0.0.1", 0)); self.u.settimeout(0.2)
        self.tcp, self.udp = self.t.getsockname()[1], self.u.getsockname()[1]
        self.got = []
        self.threads = [threading.Thread(target=f, daemon=True) for f in (self._tcp, self._udp)]
        for th in self.threads:
            th.start()

    def _tcp(self):
        while not self.stop:
            try:
                c, _ = self.t.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self._conn, args=(c,), daemon=True).start()

    def _conn(self, c):
        try:
            c.settimeout(3)
            c.sendall(b"thank you !")
            data = c.recv(4096)
            self.got.append(data)
        except OSError:
            pass
        c.close()

    def _udp(self):
        while not self.stop:
            try:
                data, addr = self.u.recvfrom(4096)
            except socket.timeout:
                continue
            self.got.append(data)
            self.u.sendto("你好".encode("gbk"), addr)

    def close(self):
        self.stop = True
        for th in self.threads:
            th.join(2)
        self.t.close(); self.u.close()

def answer_for(stmt, peers, udp):
    """What the test types when a course line asks input(): by its prompt."""
    prompt = " ".join(re.findall(r"input\((.*?)\)", stmt)).lower()
    if "ip" in prompt:
        return "127.0.0.1"
    if "port" in prompt:
        return str(peers.udp if udp else peers.tcp)
    if "文件名" in prompt:
        return "notes.txt"
    return "hello 你好"

# ---------------------------------------------------------------- A

@test
def seed_socket_lines_run_or_are_refused():
    """Every socket line of the seeds (socket_lines' rule, per program, in order, a fresh session
    each): it ran (no sockplay error, and each socket call it makes printed its call line), or it
    was refused with the sentence naming `python3 FILE.py`, or it raised a Python exception line.
    Never "unknown command", never a crash; sockplay exits 0. The test is every peer: its TCP and
    UDP peers answer; before an accept() it connects to the session's listener and sends
    "hello"; before a recvfrom() it sends a datagram to the session's UDP ports."""
    peers = Peers()
    problems, seen, counts = [], 0, {"ran": 0, "refused": 0, "raised": 0}
    pokes = []
    try:
        for where, src in seed_programs():
            stmts = socket_lines(statements(rewrite_addresses(src, peers.tcp, peers.udp)))
            if not stmts:
                continue
            sp = Sockplay()
            try:
                for stmt in stmts:
                    seen += 1
                    flat = strip_strings(stmt)
                    if ".accept(" in flat:
                        for port in proc_ports(sp.p.pid, "listen"):
                            c = socket.create_connection(("127.0.0.1", port), timeout=3)
                            c.sendall(b"hello")
                            pokes.append(c)
                    if ".recvfrom(" in flat:
                        for port in proc_ports(sp.p.pid, "udp"):
                            if port not in (peers.udp,):
                                socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hello udp", ("127.0.0.1", port))
                    answers = [answer_for(stmt, peers, "SOCK_DGRAM" in src)] * len(re.findall(r"\binput\(", flat))
                    out = py(sp, stmt, *answers, timeout=10)
                    why = None
                    if NOT_A_COMMAND.search(out):
                        why = "unknown command"
                    elif CRASH.search(out):
                        why = "crash or traceback"
                    elif REFUSED in out:
                        counts["refused"] += 1
                    elif EXC.search(out):
                        counts["raised"] += 1
                    elif re.search(r"^sockplay:", out, re.M):
                        why = "a sockplay error that is no refusal"
                    else:
                        counts["ran"] += 1
                        for m in SOCKET_CALL.finditer(flat):
                            head = {None: "socket(AF_", "sendall": "send", "settimeout": "setsockopt(",
                                    "setblocking": "fcntl("}.get(m.group(1)) or m.group(1) + "("
                            if head not in out:
                                why = "ran, but printed no %s…) line" % head
                    if VERBOSE:
                        print("  %-8s %s: %s  →  %s" % (why or "ok", where, stmt.split("\n")[0][:70],
                              (EXC.search(out) and out[EXC.search(out).start():].split("\n")[0]) or ""), flush=True)
                    if why:
                        problems.append("%s: %r: %s:\n%s" % (where, stmt, why, out.strip()[-800:]))
                rc = sp.close()
                if rc != 0:
                    problems.append("%s: sockplay exited %d:\n%s" % (where, rc, sp.text()[-1500:]))
            finally:
                if sp.p.poll() is None:
                    sp.p.kill(); sp.p.wait()
            for c in pokes:
                c.close()
            pokes = []
    finally:
        peers.close()
    assert seen >= 60, "only %d socket lines found in the seeds: the extraction rule broke" % seen
    if problems:
        raise Fail("%d of %d seed lines (%s):\n\n%s" % (len(problems), seen, counts, "\n\n".join(problems)))

# ---------------------------------------------------------------- B: the course's flows typed

def program_stmts(src):
    """A course program's statements as typed: `def main():` unwrapped (its body dedented), the
    other def bodies and `if __name__ …: main()` left out."""
    m = re.search(r"^def main\(\):\n(.*?)(?=^\S)", src, re.S | re.M)
    if m:
        src = "".join(re.findall(r"^import .*\n", src, re.M)) + textwrap.dedent(m.group(1))
    return [s for _, s in statements(src)]

def find(stmts, marker):
    hits = [s for s in stmts if marker in s]
    if len(hits) != 1:
        raise Fail("the course program has %d lines with %r: %r" % (len(hits), marker, stmts))
    return hits[0]

def type_course(sp, stmts, expect, answers=None, before=None, after=None, timeout=10):
    """Types a course program's statements in order. Each must start with a key of expect (the
    pattern its output must hold, or None); answers[key] is the line its input() reads;
    before[key]() runs before it is typed, after[key](out) once it ran. Every key is typed."""
    typed = []
    for stmt in stmts:
        key = next((k for k in expect if stmt.startswith(k)), None)
        if key is None:
            raise Fail("a course line the test does not know: %r" % stmt)
        if before and key in before:
            before[key]()
        out = ok(sp, stmt, expect[key], *([answers[key]] if answers and key in answers else []), timeout=timeout)
        typed.append(key)
        if after and key in after:
            after[key](out)
    assert sorted(typed) == sorted(expect), (typed, list(expect))

@test
def course_tcp_server_lines_typed_against_the_course_client():
    """B(i): the course's TCP server typed line by line; the course's TCP client (python3) talks to it."""
    port = free_port()
    src = course_program("tcp_server_socket.accept()", "thank you !").replace("address = ('', 7788)", "address = ('', %d)" % port)
    assert "('', %d)" % port in src
    stmts = program_stmts(src)
    sp = Sockplay()
    cli = None
    sent = "hello 中文"
    expect = {
        "import socket": None,
        "tcp_server_socket = socket.socket(": r"^socket\(AF_INET, SOCK_STREAM\) = \d+  → tcp_server_socket\b",
        "address = ": None,
        "tcp_server_socket.bind(": r"^bind\(tcp_server_socket, 0\.0\.0\.0:%d\) = 0" % port,
        "tcp_server_socket.listen(128)": r"^listen\(tcp_server_socket, 128\) = 0.*LISTEN",
        "client_socket, clientAddr = tcp_server_socket.accept()": r"^accept\(tcp_server_socket\) = \d+  → client_socket\b.*peer 127\.0\.0\.1:\d+",
        "recv_data = client_socket.recv(1024)": r'^recv\(client_socket, 1024\) = %d  "%s"' % (len(sent.encode()), sent),
        "print(": r"^接收到的数据为: %s$" % sent,
        "client_socket.send(": r"^send\(client_socket, 11 bytes\) = 11\b.*^11$",
        "client_socket.close()": r"^close\(client_socket\) = 0",
    }
    state = {}

    def start_client(out):
        prog = write_program(course_program("tcp_client_socket.connect((server_ip, server_port))", "请输入要发送的数据"))
        state["cli"] = python(prog)
        state["cli"].stdin.write(("127.0.0.1\n%d\n%s\n" % (port, sent)).encode()); state["cli"].stdin.flush()

    def check_peer(out):
        cport = int(re.search(r"peer 127\.0\.0\.1:(\d+)", out).group(1))
        ok(sp, "clientAddr", r"^\('127\.0\.0\.1', %d\)$" % cport)

    def check_data(out):
        ok(sp, "recv_data", "^" + re.escape(repr_of(repr(sent.encode()))) + "$")
        ok(sp, "recv_data.decode('utf-8')", "^" + re.escape(repr(sent)) + "$")

    try:
        type_course(sp, stmts, expect, after={"tcp_server_socket.listen(128)": start_client,
                                              "client_socket, clientAddr = tcp_server_socket.accept()": check_peer,
                                              "recv_data = client_socket.recv(1024)": check_data})
        cli = state["cli"]
        out, _ = cli.communicate(timeout=10)
        assert "接收到的数据为: thank you !" in out.decode(), out.decode()
        ok(sp, "tcp_server_socket.close()", r"^close\(tcp_server_socket\) = 0")
        assert sp.close() == 0
    finally:
        if state.get("cli") and state["cli"].poll() is None:
            state["cli"].kill()

@test
def course_tcp_client_lines_typed_against_the_course_server():
    """B(ii): the course's TCP client typed, its input() lines answered by the next lines piped;
    the course's TCP server (python3) gets the bytes Python's client sends."""
    port = free_port()
    srv = python(write_program(course_program("tcp_server_socket.accept()", "thank you !"),
                               **{"address = ('', 7788)": "address = ('', %d)" % port}))
    stmts = program_stmts(course_program("tcp_client_socket.connect((server_ip, server_port))", "请输入要发送的数据"))
    data = "你好, server"
    answers = {"server_ip = input(": "127.0.0.1", "server_port = int(input(": str(port), "send_data = input(": data}
    expect = {
        "import socket": None,
        "tcp_client_socket = socket.socket(": r"^socket\(AF_INET, SOCK_STREAM\) = \d+  → tcp_client_socket\b",
        "server_ip = input(": r"请输入服务器ip:",
        "server_port = int(input(": r"请输入服务器port:",
        "tcp_client_socket.connect(": r"^connect\(tcp_client_socket, 127\.0\.0\.1:%d\) = 0.*ESTABLISHED" % port,
        "send_data = input(": r"请输入要发送的数据：",
        "tcp_client_socket.send(": r"^send\(tcp_client_socket, 14 bytes\) = 14\b.*^14$",
        "recvData = tcp_client_socket.recv(1024)": r'^recv\(tcp_client_socket, 1024\) = 11  "thank you !"',
        "print(": r"^接收到的数据为: thank you !$",
        "tcp_client_socket.close()": r"^close\(tcp_client_socket\) = 0",
    }
    sp = Sockplay()
    try:
        type_course(sp, stmts, expect, answers,
                    before={"tcp_client_socket.connect(": lambda: wait_listening(port)},
                    after={"server_ip = input(": lambda out: ok(sp, "server_ip", r"^'127\.0\.0\.1'$"),
                           "server_port = int(input(": lambda out: ok(sp, "server_port", r"^%d$" % port)})
        out, _ = srv.communicate(timeout=10)
        assert "接收到的数据为: " + data in out.decode(), out.decode()
        assert sp.close() == 0
    finally:
        if srv.poll() is None:
            srv.kill(); srv.wait()

UDP_PEER = r"""
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
print(u.getsockname()[1], flush=True)
u.settimeout(15)
data, addr = u.recvfrom(4096)
print(repr(data), repr(addr), flush=True)
u.sendto("你好".encode("gbk"), addr)
"""

@test
def course_udp_lines_typed_against_python_peers():
    """B(iii): the course's UDP send-then-receive program typed against a python3 peer that
    answers in GBK; the course's UDP receiver typed, the course's UDP sender (python3) its peer."""
    f = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False); f.write(UDP_PEER); f.close()
    peer = python(f.name)
    pport = int(peer.stdout.readline())
    src = course_program("dest_addr = ('192.168.236.129', 8080)", "decode('gbk')")
    src = src.replace("('192.168.236.129', 8080)", "('127.0.0.1', %d)" % pport)
    stmts = program_stmts(src)
    text = "ping 你好"
    expect = {
        "import socket": None,
        "udp_socket = socket.socket(": r"^socket\(AF_INET, SOCK_DGRAM\) = \d+  → udp_socket\b",
        "dest_addr = ": None,
        "send_data = input(": r"请输入要发送的数据:",
        "udp_socket.sendto(": r"^sendto\(udp_socket, %d bytes, 127\.0\.0\.1:%d\) = %d\b.*^%d$" % ((len(text.encode()), pport) + (len(text.encode()),) * 2),
        "recv_data = udp_socket.recvfrom(1024)": r"^recvfrom\(udp_socket, 1024\) = 4\b.*from 127\.0\.0\.1:%d" % pport,
        "print(recv_data[0].decode('gbk'))": r"^你好$",
        "print(recv_data[1])": r"^\('127\.0\.0\.1', %d\)$" % pport,
        "udp_socket.close()": r"^close\(udp_socket\) = 0",
    }
    sp = Sockplay()
    try:
        type_course(sp, stmts, expect, {"send_data = input(": text},
                    after={"recv_data = udp_socket.recvfrom(1024)": lambda out: ok(
                        sp, "recv_data", "^" + re.escape(repr_of("('你好'.encode('gbk'), ('127.0.0.1', %d))" % pport)) + "$")})
        out, _ = peer.communicate(timeout=10)
        assert repr(text.encode("utf-8")) in out.decode(), out.decode()    # the bytes Python's program sends
        assert sp.close() == 0
    finally:
        if peer.poll() is None:
            peer.kill(); peer.wait()

    # The course's receiver, typed; the course's sender program sends to it.
    port = free_port(socket.SOCK_DGRAM)
    stmts = program_stmts(course_program("local_addr = ('', 7788)").replace("('', 7788)", "('', %d)" % port))
    sp = Sockplay()
    snd = None
    try:
        for stmt in stmts:
            if stmt.startswith("recv_data = udp_socket.recvfrom(1024)"):
                snd = python(write_program(course_program("dest_addr = ('192.168.1.103', 8080)"),
                                           **{"('192.168.1.103', 8080)": "('127.0.0.1', %d)" % port}))
                snd.communicate(("hello udp 你好\n").encode(), timeout=10)
                ok(sp, stmt, r'^recvfrom\(udp_socket, 1024\) = 16  "hello udp 你好"  from 127\.0\.0\.1:\d+', timeout=10)
            elif stmt.startswith("print("):
                ok(sp, stmt, r"^hello udp 你好$")
            elif stmt.startswith("udp_socket.bind("):
                ok(sp, stmt, r"^bind\(udp_socket, 0\.0\.0\.0:%d\) = 0" % port)
            else:
                ok(sp, stmt)
        assert snd is not None, stmts
        assert sp.close() == 0
    finally:
        if snd and snd.poll() is None:
            snd.kill()

@test
def course_downloader_client_lines_typed_against_the_course_server():
    """B(iv): the course's file-downloader client typed (main's body, dedented) against the
    course's downloader server (python3, its port from sys.argv); the bytes recv() returns are
    the file's. The client's `if recv_data:` + `with open(…)` block is refused and not run."""
    d = tempfile.mkdtemp()
    payload = "".join("第%d行 line\n" % i for i in range(12)).encode()
    assert len(payload) < 1024
    open(os.path.join(d, "notes.txt"), "wb").write(payload)
    port = free_port()
    srv = python(write_program(course_program("def get_file_content(file_name)")), str(port), cwd=d)
    stmts = program_stmts(course_program("请输入要下载的文件名"))
    answers = {"server_ip = input(": "127.0.0.1", "server_port = int(input(": str(port), "file_name = input(": "notes.txt"}
    sp = Sockplay()
    try:
        i = 0
        while i < len(stmts):
            stmt = stmts[i]
            if stmt.startswith("tcp_client_socket.connect("):
                wait_listening(port)
                ok(sp, stmt, r"^connect\(tcp_client_socket, 127\.0\.0\.1:%d\) = 0" % port)
            elif stmt.startswith("tcp_client_socket.send("):
                ok(sp, stmt, r"^send\(tcp_client_socket, 9 bytes\) = 9\b")
            elif stmt.startswith("recv_data = tcp_client_socket.recv(1024)"):
                time.sleep(0.3)       # the server sends the file in one send(): one segment on loopback
                ok(sp, stmt, r"^recv\(tcp_client_socket, 1024\) = %d  \"第0行 line\\n第1行" % len(payload))
                ok(sp, "recv_data", "^" + re.escape(repr(payload)) + "$")
                ok(sp, "len(recv_data)", "^%d$" % len(payload))
            elif stmt.startswith("if recv_data:"):
                # pasted as the course has it: the header and its indented body
                block = [stmt] + [("    " if s.startswith("with") else "        ") + s for s in stmts[i + 1:i + 3]]
                assert block[1].strip().startswith("with open(") and block[2].strip() == "f.write(recv_data)", block
                out = py(sp, "\n".join(block))
                assert len(refusals(out)) == 1 and not EXC.search(out), out
                i += 2
            elif stmt.startswith("tcp_client_socket.close()"):
                ok(sp, stmt, r"^close\(tcp_client_socket\) = 0")
            else:
                key = next((k for k in answers if stmt.startswith(k)), None)
                ok(sp, stmt, None, *([answers[key]] if key else []))
            i += 1
        assert not os.path.exists(os.path.join(d, "[接收]notes.txt")) and not os.path.exists("[接收]notes.txt")
        assert sp.close() == 0
    finally:
        srv.kill()
        out, _ = srv.communicate(timeout=10)
    assert "对方请求下载的文件名为:notes.txt" in out.decode(), out.decode()

# ---------------------------------------------------------------- C: Python's exception lines

def peer_that(mode):
    """A listener on loopback whose one accepted connection is closed ("close"), reset ("rst"),
    or kept silent ("silent"); returns its port."""
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(4); l.settimeout(15)
    def serve():
        held = []
        try:
            for _ in range(2):                 # the python3 run, then sockplay's
                c, _ = l.accept()
                if mode == "rst":
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    c.close()
                elif mode == "close":
                    c.close()
                else:
                    held.append(c)
        except OSError:
            pass
        time.sleep(3)
        for c in held:
            c.close()
        l.close()
    threading.Thread(target=serve, daemon=True).start()
    return l.getsockname()[1]

def scenario(setup, failing, pause=0.0):
    """Runs setup lines (a number: a pause of that many seconds) and then the failing line in
    python3 (its own exception line) and typed at sockplay's prompt; pause seconds before the
    failing line in both. Returns (python3's line, sockplay's output for the failing line, the
    sockplay session)."""
    steps = ["time.sleep(%s)" % l if isinstance(l, float) else l for l in setup]
    code = "import socket, time\n" + "\n".join(steps) + "\ntime.sleep(%s)\n" % pause + failing + "\n"
    want = python_says(code)
    sp = Sockplay()
    ok(sp, "import socket")
    for line in setup:
        if isinstance(line, float):
            time.sleep(line)
        else:
            ok(sp, line)
    time.sleep(pause)
    return want, py(sp, failing, timeout=10), sp

def check_exception(name, errno_name, want, out, sp):
    assert want.startswith(name + ":"), "python3 itself said %r, not %s: the scenario is broken" % (want, name)
    line = has_line(out, want)
    assert line, "sockplay did not print python3's line %r:\n%s" % (want, out)
    rep = re.search(r"= -1 %s \(\d+\) .*\n\s*↳ " % errno_name, out)
    assert rep and rep.start() < line.start(), "no report of %s (with its explanation) before the exception line:\n%s" % (errno_name, out)
    ok(sp, "state", r"FD")        # the session goes on
    assert sp.close() == 0

@test
def exceptions_are_pythons_own():
    """C: ECONNREFUSED, EADDRINUSE, EPIPE, ECONNRESET and a timeout (recv and accept): sockplay's
    report, then exactly the line python3 prints for the same calls."""
    mk = "c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)"
    port = free_port()
    want, out, sp = scenario([mk], "c.connect(('127.0.0.1', %d))" % port)
    check_exception("ConnectionRefusedError", "ECONNREFUSED", want, out, sp)

    held = socket.socket(); held.bind(("127.0.0.1", 0)); held.listen(1)
    try:
        hp = held.getsockname()[1]
        want, out, sp = scenario(["b = socket.socket(socket.AF_INET, socket.SOCK_STREAM)"], "b.bind(('127.0.0.1', %d))" % hp)
        check_exception("OSError", "EADDRINUSE", want, out, sp)
    finally:
        held.close()

    port = peer_that("close")
    want, out, sp = scenario([mk, "c.connect(('127.0.0.1', %d))" % port, 0.3, "c.send(b'x')"],
                             "c.send(b'x')", pause=0.5)
    check_exception("BrokenPipeError", "EPIPE", want, out, sp)

    port = peer_that("rst")
    want, out, sp = scenario([mk, "c.connect(('127.0.0.1', %d))" % port], "c.recv(1024)", pause=0.5)
    check_exception("ConnectionResetError", "ECONNRESET", want, out, sp)

    port = peer_that("silent")
    want, out, sp = scenario([mk, "c.connect(('127.0.0.1', %d))" % port, "c.settimeout(0.5)"], "c.recv(1024)")
    check_exception("TimeoutError", "EAGAIN", want, out, sp)

    want, out, sp = scenario(["s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", "s.bind(('127.0.0.1', 0))",
                              "s.listen(128)", "s.settimeout(0.5)"], "s.accept()")
    check_exception("TimeoutError", "EAGAIN", want, out, sp)

@test
def a_failed_call_reports_what_the_command_reports():
    """The lines above the exception line are the command's own (connect refused, bind in use)."""
    port = free_port()
    a = Sockplay()
    a.run("c = socket tcp")
    cmd = py(a, "connect c 127.0.0.1 %d" % port)
    a.close()
    b = Sockplay()
    ok(b, "import socket")
    ok(b, "c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
    out = py(b, "c.connect(('127.0.0.1', %d))" % port)
    b.close()
    strip = lambda t: re.sub(r":\d{4,5}\b", ":PORT", t).strip()
    assert EXC.search(out), out
    without = "\n".join(l for l in out.split("\n") if not EXC.match(l))
    assert strip(without) == strip(cmd), "command:\n%s\nPython:\n%s" % (cmd, out)

@test
def wrong_shapes_raise_pythons_errors_and_run_nothing():
    """Python's TypeError/NameError/SyntaxError lines, python3's own text; nothing runs."""
    port = free_port()
    sp = Sockplay()
    ok(sp, "import socket")
    ok(sp, "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
    seed002 = [l for l in open(os.path.join(SEEDS, sorted(f for f in os.listdir(SEEDS) if f.startswith("002"))[0]),
                              encoding="utf-8").read().split("\n") if l.startswith("client = socket.socket(socke.AF_INET")]
    assert len(seed002) == 1, seed002
    for line, call in (("s.send('data')", "send("), ("s.connect('127.0.0.1',%d)" % port, "connect("),
                       ("socket.socket(socke.AF_INET, socket.SOCK_STREAM)", "socket(AF_"),
                       (seed002[0], "socket(AF_"), ("s.recv()", "recv("), ("s.bind(('127.0.0.1'))", "bind("),
                       ("s.listen('5')", "listen(")):
        want = python_says("import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n" + line)
        assert re.match(r"\w+Error: ", want), (line, want)
        out = py(sp, line)
        assert has_line(out, want), "%r: python3 says %r; sockplay:\n%s" % (line, want, out)
        assert not re.search("^" + re.escape(call), out, re.M), "%r ran a call:\n%s" % (line, out)
    ok(sp, "state", r"\bs\b\s+TCPv4\s+-\s+-\s+CLOSED")    # nothing connected, bound or listening
    assert sp.close() == 0

# ---------------------------------------------------------------- D

@test
def python_lines_print_what_commands_print():
    """Contract 1: each Python call prints exactly what its command prints (head, result,
    explanation, table); a value that is not None is echoed as its repr, on a line of its own."""
    port = free_port(socket.SOCK_DGRAM)
    pairs = [
        ("u = socket udp", "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", None),
        ("bind u 127.0.0.1 %d" % port, "u.bind(('127.0.0.1', %d))" % port, None),
        ("v = socket udp", "v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", None),
        ("sendto v 127.0.0.1 %d hello" % port, "v.sendto(b'hello', ('127.0.0.1', %d))" % port, "5"),
        ("recvfrom u 1024", "u.recvfrom(1024)", r"\(b'hello', \('127\.0\.0\.1', \d+\)\)"),
        ("setsockopt u SOL_SOCKET SO_REUSEADDR 1", "u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)", None),
        ("getsockopt u SOL_SOCKET SO_REUSEADDR", "u.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)", "1"),
        ("getsockname u", "u.getsockname()", r"\('127\.0\.0\.1', %d\)" % port),
        ("t = socket tcp", "t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", None),
        ('bind t "" 0', "t.bind(('', 0))", None),
        ("listen t 128", "t.listen(128)", None),
        ("close v", "v.close()", None),
        ("close t", "t.close()", None),
        ("close u", "u.close()", None),
    ]
    norm = lambda t: re.sub(r"[ \t]+", " ", re.sub(r"(?<=[:.])\d{4,5}\b", "PORT", t)).strip()
    bad = []
    a = Sockplay()           # the commands first, then the same calls in Python: one port, one session at a time
    cmds = [py(a, cmd) for cmd, _, _ in pairs]
    a.close()
    b = Sockplay()
    ok(b, "import socket")
    for (cmd, line, value), c in zip(pairs, cmds):
        p = py(b, line)
        if value:
            m = re.search(r"^%s$" % value, p, re.M)
            if not m:
                bad.append("%r: no value line /%s/:\n%s" % (line, value, p)); continue
            p = p[:m.start()] + p[m.end() + 1:]
        if norm(c) != norm(p):
            bad.append("%r vs %r:\n--- command\n%s\n--- Python\n%s" % (cmd, line, c, p))
    b.close()
    assert not bad, "\n\n".join(bad)

@test
def from_import_star_and_del_as_in_python():
    """`from socket import *` gives the bare names; `del NAME` unbinds NAME (python3's NameError
    after it) and closes the socket only when nothing else refers to it, as CPython does."""
    sp = Sockplay()
    ok(sp, "from socket import *")
    ok(sp, "u = socket(AF_INET, SOCK_DGRAM)", r"^socket\(AF_INET, SOCK_DGRAM\) = \d+  → u\b")
    ok(sp, "del u", r"^close\((u|\d+)\) = 0")      # the name, or the fd once the name is gone
    want = python_says("import socket\nu = socket.socket()\ndel u\nu")
    out = py(sp, "u")
    assert has_line(out, want), "python3 says %r after del; sockplay:\n%s" % (want, out)
    ok(sp, "v = socket(AF_INET, SOCK_DGRAM)")
    ok(sp, "w = v")
    out = ok(sp, "del v")
    assert not re.search(r"^close\(", out, re.M), "del closed a socket another name still refers to:\n" + out
    ok(sp, "w.getsockname()", r"^\('0\.0\.0\.0', 0\)$")
    out = py(sp, "v")
    assert has_line(out, "NameError: name 'v' is not defined"), out
    ok(sp, "w.close()", r"^close\((v|w)\) = 0")
    assert sp.close() == 0

@test
def a_name_bound_again_lets_go_of_its_socket_as_cpython_does():
    """The course's server lines typed twice: python3 closes the first socket when `s =
    socket.socket()` binds the name again (its last reference went), so the second bind of the
    same port works there — and in sockplay. A socket another name still refers to stays open;
    a statement that failed binds nothing, so the old socket keeps its name."""
    port = free_port()
    lines = ["import socket", "s = socket.socket()", "s.bind(('127.0.0.1', %d))" % port, "s.listen(5)",
             "s = socket.socket()", "s.bind(('127.0.0.1', %d))" % port, "print('bound again')"]
    assert python_says("\n".join(lines)) == "bound again", "python3 itself no longer closes the old socket"
    sp = Sockplay()
    for line in lines[:4]:
        ok(sp, line)
    out = ok(sp, "s = socket.socket()", r"^close\(\d+\) = 0")
    assert "CPython closes it then, and so did sockplay" in out, out
    ok(sp, lines[5], r"^bind\(s, 127\.0\.0\.1:%d\) = 0" % port)
    ok(sp, "t = s")
    out = ok(sp, "s = 5", r"stays open: t still refers to it")
    assert not re.search(r"^close\(", out, re.M), out
    ok(sp, "u = socket.socket()")
    out = py(sp, "u = socket.socket(99)")                         # fails: u is still the socket it was
    assert not re.search(r"^close\(", out, re.M) and re.search(r"OSError", out), out
    fd = re.search(r"^(\d+)$", ok(sp, "u.fileno()", r"^\d+$"), re.M).group(1)
    out = py(sp, "u = socket.socket().connect(('127.0.0.1', %d))" % free_port())   # made a socket, then failed
    assert "ConnectionRefusedError" in out and "the line failed, so nothing refers to the socket it made" in out, out
    ok(sp, "u.fileno()", r"^%s$" % fd)                            # u is the socket it was
    peer = socket.socket(); peer.bind(("127.0.0.1", 0)); peer.listen(1)
    ok(sp, "v = socket.socket(); v.connect(('127.0.0.1', %d))" % peer.getsockname()[1])
    ok(sp, "data = v.recv(10) &")                                 # a background call refers to v too
    out = ok(sp, "v = socket.socket()")
    assert not re.search(r"^close\(", out, re.M), "a socket a background call waits on was closed:\n" + out
    py(sp, "cancel 1")                                            # its InterruptedError is Python's, as expected
    assert sp.close() == 0
    peer.close()

@test
def values_are_shared_with_commands():
    """Contract 10: a socket made by a Python line is a name for the commands, and one made by a
    command is a Python value; close() from either side ends it for both."""
    sp = Sockplay()
    ok(sp, "import socket")
    ok(sp, "srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
    port = int(ok(sp, "srv.bind(('127.0.0.1', 0))", r"it picked 127\.0\.0\.1:(\d+)").split("it picked 127.0.0.1:")[1].split()[0])
    ok(sp, "listen srv", r"^listen\(srv, 128\) = 0")
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    c.sendall(b"hi there")
    ok(sp, "conn, addr = srv.accept()", r"^accept\(srv\) = \d+  → conn")
    ok(sp, "recv conn 1024", r'^recv\(conn, 1024\) = 8  "hi there"')
    ok(sp, "addr", r"^\('127\.0\.0\.1', %d\)$" % c.getsockname()[1])
    ok(sp, "send conn back", r"^send\(conn, 4 bytes\) = 4")
    assert c.recv(100) == b"back"
    # the other way round
    ok(sp, "u = socket udp", r"→ u\b")
    picked = ok(sp, "u.bind(('127.0.0.1', 0))", r"^bind\(u, 127\.0\.0\.1:0\) = 0")
    uport = re.search(r"it picked 127\.0\.0\.1:(\d+)", picked).group(1)
    ok(sp, "u.getsockname()", r"^\('127\.0\.0\.1', %s\)$" % uport)
    ok(sp, "getsockname u", r"^getsockname\(u\) = 127\.0\.0\.1:%s" % uport)
    ok(sp, "u.close()", r"^close\(u\) = 0")
    out = py(sp, "close u")
    assert "close(u) = 0" not in out, out          # gone for the commands too
    ok(sp, "close conn", r"^close\(conn\) = 0")
    out = py(sp, "conn.recv(10)")
    assert EXC.search(out), out         # closed for Python too (python3: OSError … Bad file descriptor)
    c.close()
    assert sp.close() == 0

@test
def ampersand_runs_a_python_line_in_the_background():
    """Contract 9: `… = s.accept() &` runs in the background; the names are bound when it
    returns, and the next lines use them."""
    sp = Sockplay()
    ok(sp, "import socket")
    ok(sp, "tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
    port = re.search(r"it picked 127\.0\.0\.1:(\d+)", ok(sp, "tcp_server_socket.bind(('127.0.0.1', 0))")).group(1)
    ok(sp, "tcp_server_socket.listen(128)")
    ok(sp, "client_socket, clientAddr = tcp_server_socket.accept() &", r"^\[1\] accept\(tcp_server_socket\) …")
    out = py(sp, "clientAddr")                     # not bound yet: Python's NameError
    assert has_line(out, "NameError: name 'clientAddr' is not defined"), out
    ok(sp, "c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
    out = ok(sp, "c.connect(('127.0.0.1', %s))" % port, r"^connect\(c, 127\.0\.0\.1:%s\) = 0" % port)
    if "[1] accept(tcp_server_socket) = " not in out:
        sp.expect(r"\[1\] accept\(tcp_server_socket\) = \d+  → client_socket")
    cport = re.search(r"^\('127\.0\.0\.1', (\d+)\)$", ok(sp, "c.getsockname()"), re.M).group(1)
    ok(sp, "clientAddr", r"^\('127\.0\.0\.1', %s\)$" % cport)
    ok(sp, "c.send(b'hello')", r"^5$")
    ok(sp, "client_socket.recv(1024)", r"^recv\(client_socket, 1024\) = 5  \"hello\".*^b'hello'$")
    ok(sp, "recv client_socket 1024 &", r"^\[\d\] recv\(client_socket, 1024\) …")
    done = r"\[\d\] recv\(client_socket, 1024\) = 4"
    if not re.search(done, ok(sp, "c.sendall('你好'.encode('gbk'))")):
        sp.expect(done)
    # a Python recv in the background, its value bound when the data comes
    ok(sp, "data = c.recv(1024) &", r"^\[\d\] recv\(c, 1024\) …")
    done = r'\[\d\] recv\(c, 1024\) = 2  "ok"'
    if not re.search(done, ok(sp, "send client_socket ok", r"= 2")):
        sp.expect(done)
    ok(sp, "data", r"^b'ok'$")
    assert sp.close() == 0

@test
def an_open_bracket_continues_on_the_next_line():
    """Contract 8: the course's three-line setsockopt, pasted as three lines, is one call."""
    src = course_program("tcp_server_socket.setsockopt(socket.SOL_SOCKET, # 当前套接字")
    stmts = [s for _, s in statements(src)]
    assert len(stmts) == 1 and stmts[0].count("\n") >= 3, stmts
    block = src.strip("\n")
    sp = Sockplay()
    ok(sp, "import socket")
    ok(sp, "tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
    out = ok(sp, block, r"^setsockopt\(tcp_server_socket, SOL_SOCKET, SO_REUSEADDR, 1\) = 0")
    assert out.count("setsockopt(tcp_server_socket") == 1, out
    ok(sp, "tcp_server_socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)", r"^1$")
    # a bracket left open over a blank-free two-line tuple, then the line after runs alone
    ok(sp, "addr = ('127.0.0.1',\n        0)")
    ok(sp, "addr", r"^\('127\.0\.0\.1', 0\)$")
    assert sp.close() == 0

@test
def blocks_and_other_modules_are_refused_in_one_sentence():
    """Contract 7: while/for/if/def/class/with/try, `import sys`, open(), other calls: one
    sentence naming `python3 FILE.py` (in English, and in Chinese after `lang zh`), nothing
    run; the indented lines pasted after a refused header are not run, up to a blank or an
    unindented line."""
    for lang in ("en", "zh"):
        sp = Sockplay()
        if lang == "zh":
            ok(sp, "lang zh")
        ok(sp, "import socket")
        for line in ("for i in range(3):", "if True:", "def f():", "class A:", "with open('x') as f:", "try:",
                     "import sys", "import os", "open('x')", "x = [i for i in range(3)]"):
            out = py(sp, line)
            assert len(refusals(out)) == 1, "%s %r:\n%s" % (lang, line, out)
            sentence = next(l for l in out.split("\n") if REFUSED in l)
            assert bool(CJK.search(sentence)) == (lang == "zh"), "%s %r: %r" % (lang, line, sentence)
            assert not EXC.search(out) and not NOT_A_COMMAND.search(out), out
        # the course's `while True:` pasted with its body: nothing of it runs; a blank line ends it
        body = ["while True:", "    udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "    udp_socket.bind(('127.0.0.1', 0))", "    print('inside')", ""]
        out = py(sp, "\n".join(body))
        assert len(refusals(out)) == 1 and "socket(AF_INET" not in out and "inside" not in out.replace("print('inside')", ""), out
        ok(sp, "state", r"\(no sockets\)|（没有套接字）")
        # an unindented line ends the swallowed body, and runs
        out = py(sp, "while True:\n    x = 1\n    print('inside')\nx = 5")
        assert len(refusals(out)) == 1, out
        ok(sp, "x", r"^5$")
        assert sp.close() == 0

@test
def export_python_writes_the_typed_lines_verbatim():
    """Contract 11: `export python FILE` holds each Python line as typed, in order (comments,
    spacing, a three-line call), among the commands' calls; python3 runs the file."""
    d = tempfile.mkdtemp()
    lines = [
        "import socket",
        "udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "udp_socket.bind(('127.0.0.1',0))   # 绑定 本地",
        "dest_addr = udp_socket.getsockname()",
        "v.sendto(\"你好\".encode('utf-8'), dest_addr)",
        "recv_data = udp_socket.recvfrom(1024)",
        "print(recv_data[0].decode('utf-8'))",
        "udp_socket.setsockopt(socket.SOL_SOCKET, # 当前套接字\n                      socket.SO_REUSEADDR,   # 设置端口号复用选项\n                      True)",
        "udp_socket.close()",
    ]
    sp = Sockplay()
    ok(sp, "v = socket udp")         # a command's socket, made before `import socket` (contract 10 is tested elsewhere)
    for line in lines:
        ok(sp, line)
    ok(sp, "close v")
    path = os.path.join(d, "typed.py")
    ok(sp, "export python %s" % path, r"wrote")
    assert sp.close() == 0
    text = open(path, encoding="utf-8").read()
    pos = 0
    for line in lines:
        i = text.find("\n" + line + "\n", max(pos - 1, 0))
        assert i >= 0, "not verbatim after offset %d: %r\n--- file\n%s" % (pos, line, text)
        pos = i + len(line) + 1
    p = subprocess.run([PY, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20, cwd=d,
                       env=env(PYTHONIOENCODING="utf-8"))
    assert p.returncode == 0 and "你好" in p.stdout.decode(), "python3 %s:\n%s\n--- file\n%s" % (path, p.stdout.decode(), text)

@test
def tab_offers_socket_methods_after_a_name_and_dot():
    """Contract 12 at a terminal: `name.` + Tab completes and lists the socket methods."""
    if subprocess.run(["which", "tmux"], stdout=subprocess.DEVNULL).returncode != 0:
        raise Skip("tmux is not installed: the completion test needs a terminal")
    t = Term()
    try:
        t.type("s = socket udp")          # a command's socket (before import: the completion, not contract 10, is tested)
        t.wait(r"→ s\b")
        t.type("import socket")
        t.type("tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
        t.wait(r"socket\(AF_INET, SOCK_STREAM\) = \d+  → tcp_server_socket")
        t.keys("-l", "tcp_server_socket.li"); t.keys("Tab")
        t.wait(r"sockplay> tcp_server_socket\.listen")
        t.keys("C-u")
        t.keys("-l", "tcp_server_socket.se"); t.keys("Tab"); t.keys("Tab")
        m = t.wait(r"sockplay> tcp_server_socket\.se.*?\n(.*)sockplay> tcp_server_socket\.se", 5)
        listed = m.group(1)
        for name in ("send", "sendall", "sendto", "setsockopt", "settimeout", "setblocking"):
            assert re.search(r"\b%s\b" % name, listed), "%s not offered:\n%s" % (name, t.screen()[-1500:])
        assert not re.search(r"\b(accept|recv)\b", listed), listed
        t.keys("C-u")
        t.keys("-l", "s.recvf"); t.keys("Tab")
        t.wait(r"sockplay> s\.recvfrom")
        t.keys("C-u")
    finally:
        t.close()

if __name__ == "__main__":
    main()
