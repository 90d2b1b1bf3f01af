"""Exercises (lua_lessons/exercises/): a task checked on what the session did. Each exercise's
--auto model solution in both languages; each exercise done at the prompt against the course's
own program as the other side (extracted from the seeds, only its address, port and input()
answers changed); wrong attempts given the specific ✗ and its hint; checks announced once, as
they are met; `exercise off`, unknown names, the lists; a terminal session; --report and
--grade for two learners.

The exercises use the course's fixed ports (8080, 7788, 7890): the file runs itself inside a
user and network namespace of its own (`unshare -rn`), and each test takes a fresh network
namespace before it starts (unshare(CLONE_NEWNET) through libc, lo brought up), so no test
meets another's ports, TIME_WAITs included. Where that cannot be had, every test prints SKIP."""
import ctypes, csv, io, json, os, re, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from harness import *
from term import Term

LESSONS = os.environ.get("SOCKPLAY_LESSONS") or os.path.join(ROOT, "lua_lessons")
EXERCISES = os.path.join(LESSONS, "exercises")
NAMES = ["udp_gbk_echo", "tcp_server_thanks", "tcp_client_thanks", "file_server", "restart_reuseaddr"]
CLONE_NEWNET = 0x40000000

# ---------------------------------------------------------------- namespaces

def fresh_net():
    """A new, empty network namespace for this process and what it starts from now on (the
    sockplay under test and the course's programs), with lo up."""
    if os.environ.get("SP_EXERCISE_NETNS") != "1":
        raise Skip("not inside the file's own namespace (run the file itself, not one test from another module)")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        raise Skip("unshare(CLONE_NEWNET) is not allowed here: " + os.strerror(ctypes.get_errno()))
    r = subprocess.run(["ip", "link", "set", "lo", "up"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10)
    if r.returncode != 0:
        raise Skip("ip link set lo up failed in the new namespace: " + r.stdout.decode(errors="replace").strip())

# ---------------------------------------------------------------- the exercises' files

def exercise_files():
    """{name: [(id, en, zh), …]} from lua_lessons/exercises/NN_name.lua, read as text: each
    check is {"id", {"English", "中文"}, function() … end}."""
    out = {}
    for f in sorted(os.listdir(EXERCISES)):
        m = re.match(r"\d+_(\w+)\.lua$", f)
        if not m:
            continue
        text = open(os.path.join(EXERCISES, f), encoding="utf-8").read()
        checks = re.findall(r'\{"(\w+)",\s*\{"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\},\s*function', text)
        out[m.group(1)] = [(i, en.replace('\\"', '"'), zh.replace('\\"', '"')) for i, en, zh in checks]
    if sorted(out) != sorted(NAMES):
        raise Fail("exercises in %s: %s, not the five this file knows %s" % (EXERCISES, sorted(out), sorted(NAMES)))
    for name, checks in out.items():
        if not checks:
            raise Fail("no checks read from the file of %s: the pattern of a check changed" % name)
    return out

def texts(name, lang="en"):
    return [en if lang == "en" else zh for _, en, zh in exercise_files()[name]]

def done_line(name, n, lang="en"):
    return ("exercise %s: %d/%d checks met — done" if lang == "en" else "练习 %s：%d/%d 项检查全部完成") % (name, n, n)

def listing(out, name, lang="en"):
    """The last `check` listing in out: [(mark, text, hint lines as printed)], and the count
    line after it ("" when none)."""
    head = ("exercise " if lang == "en" else "练习 ") + name
    lines = out.split("\n")
    starts = [i for i, l in enumerate(lines) if l.rstrip() == head]
    if not starts:
        raise Fail("no `check` listing (a line %r) in:\n%s" % (head, out[-2500:]))
    items, count = [], ""
    for l in lines[starts[-1] + 1:]:
        if l[:1] in ("✓", "✗"):
            items.append([l[0], l[2:].rstrip(), []])
        elif re.match(r"^(\d+ of \d+ checks met|已完成 \d+/\d+ 项检查)$", l.strip()):
            count = l.strip()
            break
        elif not l.strip() or l.startswith("sockplay>") or l.startswith(("closing ", "关闭 ", "exercise ", "练习 ")):
            break
        elif items:
            items[-1][2].append(l)
        else:
            break
    return items, count

def hint_of(items, text):
    """The hint under the check whose text is text, its wrapped lines joined."""
    for mark, t, hint in items:
        if t == text:
            return " ".join(h.strip() for h in hint)
    raise Fail("no check %r in the listing: %r" % (text, items))

def marks(items):
    return {t: m for m, t, _ in items}

# ---------------------------------------------------------------- typing at the prompt

def say(sp, line, timeout=5.0):
    """Types line; returns what sockplay printed for it (up to the echo of a comment sent after
    it: the REPL reads that only once line is done, its checks included)."""
    sp.send(line)
    sp.expect(re.escape("sockplay> " + line))
    start = sp.pos
    sp.sync_n = getattr(sp, "sync_n", 0) + 1
    tag = "# sync %d" % sp.sync_n
    sp.send(tag)
    m = sp.expect(re.escape("sockplay> " + tag), timeout)
    return sp.out[start:m.start()].decode("utf-8", "replace")

def check(sp, name, lang="en"):
    """`check`: (items, count line, what it printed)."""
    out = say(sp, "check")
    items, count = listing(out, name, lang)
    return items, count, out

def all_met(sp, name, lang="en"):
    items, count, out = check(sp, name, lang)
    want = texts(name, lang)
    assert [t for _, t, _ in items] == want, (items, want, out)
    assert all(m == "✓" for m, _, _ in items), out
    assert sp.text().count(done_line(name, len(want), lang)) == 1, sp.text()[-3000:]

def start(name, *args, env_extra=None):
    sp = Sockplay("--exercise", name, *args, extra_env=env_extra)
    sp.expect(r"Checks \(each is marked ✓|检查项（每完成一项")
    return sp

def kill(p):
    if p is not None and p.poll() is None:
        p.kill()
        p.wait()

def finished(p, timeout=10.0):
    """A course program's whole output once it ended by itself."""
    try:
        out, _ = p.communicate(timeout=timeout * SCALE)
    except subprocess.TimeoutExpired:
        kill(p)
        raise Fail("the course's program did not end within %.0f s" % timeout)
    return out.decode("utf-8", "replace")

# ---------------------------------------------------------------- the course's programs

def course_udp_sender(text):
    """001's "udp 网络程序 - 接收数据" (sendto utf-8, recvfrom, print decode('gbk')) aimed at
    127.0.0.1:8080, its input() answered with text."""
    src = course_program("dest_addr = ('192.168.236.129', 8080)", "decode('gbk')")
    p = python(write_program(src, **{"('192.168.236.129', 8080)": "('127.0.0.1', 8080)"}))
    p.stdin.write((text + "\n").encode()); p.stdin.flush()
    return p

def course_tcp_client(message, port=7788):
    src = course_program("tcp_client_socket.connect((server_ip, server_port))", "请输入要发送的数据")
    p = python(write_program(src))
    p.stdin.write(("127.0.0.1\n%d\n%s\n" % (port, message)).encode()); p.stdin.flush()
    return p

def course_tcp_server():
    src = course_program("tcp_server_socket.accept()", "thank you !")
    if "address = ('', 7788)" not in src:
        raise Fail("the course's TCP server no longer binds ('', 7788):\n" + src)
    return python(write_program(src))

def course_downloader(d, file_name, port=7890):
    src = course_program("请输入要下载的文件名")
    p = python(write_program(src), cwd=d)
    p.stdin.write(("127.0.0.1\n%d\n%s\n" % (port, file_name)).encode()); p.stdin.flush()
    return p

# ================================================================ 1. the model solutions

def auto(name, lang, timeout=20):
    p = subprocess.run([SOCKPLAY, "--lang", lang, "--exercise", name, "--auto"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), timeout=timeout * SCALE)
    return p.returncode, p.stdout.decode("utf-8", "replace")

@test
def every_auto_solution_meets_every_check_in_both_languages():
    for name, checks in exercise_files().items():
        for lang in ("en", "zh"):
            fresh_net()                 # a TIME_WAIT of the run before must not hold the port
            rc, out = auto(name, lang)
            where = "%s --lang %s:\n%s" % (name, lang, out[-3000:])
            assert rc == 0, "exit %d: %s" % (rc, where)
            want = texts(name, lang)
            assert out.count(done_line(name, len(want), lang)) == 1, where
            met = "✓ met: %s" if lang == "en" else "✓ 已完成：%s"
            for t in want:                                           # each announced once
                assert out.count(met % t + "\n") == 1, "%r announced %d times: %s" % (met % t, out.count(met % t + "\n"), where)
            items, count = listing(out, name, lang)
            assert [t for _, t, _ in items] == want and sum(m == "✓" for m, _, _ in items) == len(checks), where
            assert "✗" not in out.split(("exercise " if lang == "en" else "练习 ") + name + "\n")[-1], where

# ================================================================ 2. at the prompt, the course's programs as peers

@test
def udp_gbk_echo_for_the_course_udp_program():
    fresh_net()
    text = "你好，世界 gbk"
    sp = start("udp_gbk_echo")
    peer = None
    try:
        sp.run("u = socket udp", r"→ u")
        sp.run("bind u 0.0.0.0 8080", r"✓ met: a UDP socket is bound to port 8080")
        peer = course_udp_sender(text)
        sp.run("data, addr = u.recvfrom(1024)", r'recvfrom\(u, 1024\) = %d  "%s"  from 127\.0\.0\.1:\d+' % (len(text.encode()), text))
        sp.expect(r"✓ met: it received the program's datagram with recvfrom")
        out = say(sp, "u.sendto(data.decode('utf-8').encode('gbk'), addr)")
        assert re.search(r"sendto\(u, %d bytes, 127\.0\.0\.1:\d+\) = %d" % ((len(text.encode("gbk")),) * 2), out), out
        assert "✓ met: the answer is the text it received, encoded in GBK" in out and done_line("udp_gbk_echo", 4) in out, out
        printed = finished(peer)
        # the course's program printed what it decoded with gbk: the text, then the answer's address
        assert re.search(re.escape(text) + r"\n\('127\.0\.0\.1', 8080\)\n", printed), printed
        all_met(sp, "udp_gbk_echo")
        assert sp.close() == 0
    finally:
        kill(peer); kill(sp.p)

@test
def tcp_server_thanks_for_the_course_tcp_client():
    fresh_net()
    sp = start("tcp_server_thanks")
    cli = None
    msg = "你好, server"
    try:
        sp.run("s = socket tcp")
        sp.run('bind s "" 7788', r"bind\(s, 0\.0\.0\.0:7788\) = 0")
        sp.run("listen s", r"✓ met: a TCP socket bound to port 7788 listens")
        cli = course_tcp_client(msg)
        sp.run("conn = accept s", r"→ conn.*✓ met: accept\(\) gave a new socket for the client")
        sp.run("recv conn", r'recv\(conn, 1024\) = %d  "%s".*✓ met: it read the client' % (len(msg.encode()), msg))
        sp.run('send conn "thank you !"', r'✓ met: it answered "thank you !" on that socket')
        sp.run("close conn", r"✓ met: it closed the socket that served the client\n" + re.escape(done_line("tcp_server_thanks", 5)))
        printed = finished(cli)
        assert "接收到的数据为: thank you !" in printed, printed
        all_met(sp, "tcp_server_thanks")
        assert sp.close() == 0
    finally:
        kill(cli); kill(sp.p)

@test
def tcp_client_thanks_for_the_course_tcp_server():
    fresh_net()
    srv = course_tcp_server()
    sp = None
    msg = "你好，服务器"
    try:
        wait_listening(7788)
        sp = start("tcp_client_thanks")
        sp.run("c = socket tcp")
        sp.run("connect c 127.0.0.1 7788", r"connect\(c, 127\.0\.0\.1:7788\) = 0.*✓ met: a TCP socket connected to port 7788")
        sp.run('send c "%s"' % msg, r"✓ met: it sent a message in UTF-8")
        sp.run("recv c", r'recv\(c, 1024\) = 11  "thank you !".*✓ met: it read the answer "thank you !"')
        sp.run("recv c", r"recv\(c, 1024\) = 0.*✓ met: a recv after the answer returned b'': the server closed")
        sp.run("close c", r"✓ met: then it closed its socket\n" + re.escape(done_line("tcp_client_thanks", 5)))
        printed = finished(srv)
        assert "接收到的数据为: " + msg in printed, printed
        all_met(sp, "tcp_client_thanks")
        assert sp.close() == 0
    finally:
        kill(srv)
        if sp:
            kill(sp.p)

@test
def file_server_for_the_course_downloader():
    fresh_net()
    d, files = tempfile.mkdtemp(), tempfile.mkdtemp()
    payload = "".join("第%d行 line\n" % i for i in range(20)).encode() + b"\x00\xff end"
    assert len(payload) < 1024
    path = os.path.join(files, "notes.txt")
    open(path, "wb").write(payload)
    sp = start("file_server")
    cli = None
    try:
        sp.run("s = socket tcp")
        sp.run('bind s "" 7890')
        sp.run("listen s", r"✓ met: a TCP socket bound to port 7890 listens")
        cli = course_downloader(d, "notes.txt")
        sp.run("conn = accept s", r"✓ met: accept\(\) gave a socket for the downloader")
        sp.run("recv conn", r'recv\(conn, 1024\) = 9  "notes\.txt".*✓ met: it read the file name the client asked for')
        sp.run("send conn @%s" % path, r"send\(conn, %d bytes\) = %d.*✓ met: it sent the file's bytes after the name came" % (len(payload), len(payload)))
        sp.run("close conn", r"✓ met: then it closed that connection\n" + re.escape(done_line("file_server", 5)))
        finished(cli)
        got = os.path.join(d, "[接收]notes.txt")
        assert os.path.exists(got), os.listdir(d)
        assert open(got, "rb").read() == payload
        all_met(sp, "file_server")
        assert sp.close() == 0
    finally:
        kill(cli); kill(sp.p)

@test
def restart_reuseaddr_with_the_course_client():
    fresh_net()
    sp = start("restart_reuseaddr")
    cli = None
    try:
        sp.run("s = socket tcp")
        sp.run("setsockopt s SOL_SOCKET SO_REUSEADDR 1", r"= 0")
        sp.run('bind s "" 7788', r"bind\(s, 0\.0\.0\.0:7788\) = 0")
        sp.run("listen s")
        cli = course_tcp_client("hello")
        sp.run("conn = accept s", r"→ conn")
        sp.run("recv conn", r'= 5  "hello"')         # read it: a close with data unread sends RST, no TIME_WAIT
        out = say(sp, "close conn")
        assert "✓ met: a server on 7788 closed a client's connection first (its side waits in TIME_WAIT)" in out, out
        assert "✓ met: that server set SO_REUSEADDR before its bind" in out, out
        assert "接收到的数据为: " in finished(cli)      # the client saw b'' and closed
        sp.run("close s", r"close\(s\) = 0")
        assert re.search(r"127\.0\.0\.1:7788\s+127\.0\.0\.1:\d+\s+TIME_WAIT", say(sp, "state")), sp.text()[-2000:]
        sp.run("s = socket tcp")                            # the program run again: the same name
        sp.run("setsockopt s SOL_SOCKET SO_REUSEADDR 1")
        bound = say(sp, 'bind s "" 7788')
        assert re.search(r"bind\(s, 0\.0\.0\.0:7788\) = 0", bound), bound
        assert "✓ met: within the minute, a new socket with SO_REUSEADDR bound 7788 again" in bound, bound
        listened = say(sp, "listen s")
        assert re.search(r"listen\(s, 128\) = 0", listened), listened
        all_met(sp, "restart_reuseaddr")
        assert sp.close() == 0
        # Each check when it is met: the restarted server listens only once it called listen.
        assert "the restarted server listens" not in bound and done_line("restart_reuseaddr", 4) not in bound, \
            "announced at the restart's bind, before its listen:\n" + bound
        assert "✓ met: the restarted server listens on 7788\n" + done_line("restart_reuseaddr", 4) in listened, listened
    finally:
        kill(cli); kill(sp.p)

# ================================================================ 3. wrong attempts: the ✗ and why

@test
def udp_answer_in_utf8_is_not_gbk():
    fresh_net()
    text = "你好，世界"
    sp = start("udp_gbk_echo")
    peer = None
    try:
        sp.run("u = socket udp; bind u 0.0.0.0 8080", r"✓ met")
        peer = course_udp_sender(text)
        sp.run("data, addr = u.recvfrom(1024)", r"✓ met: it received")
        out = say(sp, "u.sendto(data, addr)")                   # the bytes as they came
        assert "✓ met: it sent an answer to the address recvfrom gave" in out and "GBK" not in out, out
        printed = finished(peer)
        assert text not in printed, printed                      # the course's program cannot read it
        items, count, out = check(sp, "udp_gbk_echo")
        assert marks(items)["the answer is the text it received, encoded in GBK"] == "✗", out
        assert hint_of(items, "the answer is the text it received, encoded in GBK") == \
            "the answer is the bytes as they came, in UTF-8: the course's program decodes with gbk — decode('utf-8'), then encode('gbk')", out
        assert count == "3 of 4 checks met" and "done" not in sp.text(), out
        sp.close()
    finally:
        kill(peer); kill(sp.p)

@test
def udp_port_taken_and_recv_without_address():
    fresh_net()
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("0.0.0.0", 8080))
    sp = start("udp_gbk_echo")
    try:
        sp.run("u = socket udp; bind u 0.0.0.0 8080", r"EADDRINUSE")
        items, count, out = check(sp, "udp_gbk_echo")
        assert marks(items)["a UDP socket is bound to port 8080"] == "✗", out
        assert hint_of(items, "a UDP socket is bound to port 8080") == "bind to port 8080 failed (EADDRINUSE)", out
        assert count == "0 of 4 checks met", out
        taken.close()
        sp.run("bind u 0.0.0.0 8080", r"✓ met: a UDP socket is bound to port 8080")
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hi", ("127.0.0.1", 8080))
        sp.run("recv u", r'recv\(u, 1024\) = 2')
        items, count, out = check(sp, "udp_gbk_echo")
        assert hint_of(items, "it received the program's datagram with recvfrom") == \
            "recv gives the bytes but not who sent them: recvfrom gives (data, address), the address to answer to", out
        assert count == "1 of 4 checks met", out
        sp.close()
    finally:
        taken.close(); kill(sp.p)

@test
def tcp_server_not_listening_then_recv_on_the_listener():
    fresh_net()
    sp = start("tcp_server_thanks")
    cli = None
    try:
        sp.run('s = socket tcp; bind s "" 7788')
        items, count, out = check(sp, "tcp_server_thanks")
        assert marks(items)["a TCP socket bound to port 7788 listens"] == "✗", out
        assert hint_of(items, "a TCP socket bound to port 7788 listens") == \
            "bound, but not listening yet: listen(128) makes it a passive socket that clients can reach", out
        assert count == "0 of 5 checks met", out
        sp.run("listen s", r"✓ met")
        cli = course_tcp_client("hi")
        sp.run("conn = accept s", r"✓ met: accept")
        sp.run("recv s", r"ENOTCONN")                          # the listener, not conn
        items, count, out = check(sp, "tcp_server_thanks")
        assert marks(items)["it read the client's message on that new socket"] == "✗", out
        assert hint_of(items, "it read the client's message on that new socket") == \
            "recv on the listening socket: it only accepts — the socket accept() returned talks to the client", out
        assert count == "2 of 5 checks met", out
        sp.run('send conn "thanks"')                            # not the course's answer
        items, count, out = check(sp, "tcp_server_thanks")
        assert hint_of(items, "it answered \"thank you !\" on that socket") == \
            "the first answer was other bytes, and the client reads only once: the course's server sends " \
            "\"thank you !\".encode('utf-8') — run the client again for a new connection", out
        sp.close()
    finally:
        kill(cli); kill(sp.p)

@test
def restart_without_reuseaddr_in_the_first_run():
    fresh_net()
    sp = start("restart_reuseaddr")
    cli = None
    try:
        sp.run('s = socket tcp; bind s "" 7788; listen s')          # no SO_REUSEADDR
        cli = course_tcp_client("hello")
        sp.run("conn = accept s")
        sp.run("recv conn", r'"hello"')
        sp.run("close conn", r"✓ met: a server on 7788 closed")
        finished(cli)
        sp.run("close s")
        sp.run("s = socket tcp; setsockopt s SO_REUSEADDR 1")
        sp.run('bind s "" 7788', r"EADDRINUSE")                     # the TIME_WAIT had no SO_REUSEADDR
        items, count, out = check(sp, "restart_reuseaddr")
        assert marks(items) == {t: m for t, m in zip(texts("restart_reuseaddr"), "✓✗✗✗")}, out
        assert hint_of(items, "that server set SO_REUSEADDR before its bind").startswith(
            "that server bound 7788 without SO_REUSEADDR: its TIME_WAIT blocks every restart for a minute"), out
        assert hint_of(items, "within the minute, a new socket with SO_REUSEADDR bound 7788 again") == \
            "bind gave EADDRINUSE: did both runs set SO_REUSEADDR before bind? (`state` shows what holds 7788)", out
        assert count == "1 of 4 checks met", out
        sp.close()
    finally:
        kill(cli); kill(sp.p)

@test
def tcp_client_with_no_server_in_english_and_chinese():
    for lang, head, hint, count in (
            ("en", "a TCP socket connected to port 7788", "connect failed (ECONNREFUSED): is the course's server running?",
             "0 of 5 checks met"),
            ("zh", "一个 TCP 套接字连接到了 7788 端口", "connect 失败（ECONNREFUSED）：课程的服务器在运行吗？", "已完成 0/5 项检查")):
        fresh_net()
        sp = start("tcp_client_thanks", "--lang", lang)
        try:
            sp.run("c = socket tcp; connect c 127.0.0.1 7788", r"ECONNREFUSED")
            items, c, out = check(sp, "tcp_client_thanks", lang)
            assert [t for _, t, _ in items] == texts("tcp_client_thanks", lang), out
            assert marks(items)[head] == "✗" and hint_of(items, head) == hint and c == count, out
            sp.close()
        finally:
            kill(sp.p)

@test
def hints_are_indented_under_their_check():
    """`check`: each ✗ is followed by its hint as an indented line (not at the margin, where it
    reads as one more item of the list)."""
    fresh_net()
    sp = start("tcp_server_thanks")
    try:
        sp.run('s = socket tcp; bind s "" 7788')
        items, count, out = check(sp, "tcp_server_thanks")
        hints = [h for _, _, hs in items for h in hs]
        assert hints, out
        bad = [h for h in hints if not h.startswith(" ")]
        assert not bad, "hint lines at the margin: %r in\n%s" % (bad, out)
        sp.close()
    finally:
        kill(sp.p)

@test
def auto_with_its_port_taken_ends_with_status_1():
    """--auto a second time within the minute: the first run's TIME_WAIT holds 7788, the model
    solution's bind fails; --auto must still end, with exit status 1 and the ✗ listed."""
    fresh_net()
    rc, out = auto("tcp_server_thanks", "en")
    assert rc == 0, out
    try:
        rc, out = auto("tcp_server_thanks", "en", timeout=8)
    except subprocess.TimeoutExpired as e:
        raise Fail("--auto did not end within 8 s with 7788 held by TIME_WAIT; its output:\n%s"
                   % (e.stdout or b"").decode("utf-8", "replace")[-1500:])
    items, count = listing(out, "tcp_server_thanks")
    assert rc == 1 and marks(items)["a TCP socket bound to port 7788 listens"] == "✗", out

# ================================================================ 4. announcements, off, names, lists

@test
def checks_are_announced_once_as_they_are_met():
    fresh_net()
    sp = start("tcp_server_thanks")
    c = None
    t = texts("tcp_server_thanks")
    try:
        steps = [("s = socket tcp", []), ('bind s "" 7788', []), ("listen s", [t[0]]), ("state", []),
                 ("conn = accept s", [t[1]]), ("check", []), ("recv conn", [t[2]]), ("check", []),
                 ('send conn "thank you !"', [t[3]]), ("close conn", [t[4]]), ("check", []), ("state", []),
                 ("x = socket udp", [])]
        for line, want in steps:
            if line == "conn = accept s":
                c = socket.create_connection(("127.0.0.1", 7788), timeout=5)
                c.sendall("你好".encode())
            out = say(sp, line)
            got = re.findall(r"^✓ met: (.*)$", out, re.M)
            assert got == want, "after %r: announced %r, not %r:\n%s" % (line, got, want, out)
            assert (done_line("tcp_server_thanks", 5) in out) == (line == "close conn"), out
        assert sp.text().count("✓ met:") == 5 and sp.text().count(done_line("tcp_server_thanks", 5)) == 1, sp.text()
        sp.run("exercise off", r"exercise tcp_server_thanks ended")
        sp.run("check", r"no exercise: `exercise` lists them, `exercise NAME` starts one")
        sp.run("exercise off", r"no exercise is going on")
        sp.close()
    finally:
        if c:
            c.close()
        kill(sp.p)

@test
def unknown_names_and_the_lists():
    fresh_net()
    sp = Sockplay()
    try:
        sp.run("exercise no_such_thing", r"sockplay: no exercise 'no_such_thing' \(`exercise` lists them\)")
        sp.run("u = socket udp", r"socket\(AF_INET, SOCK_DGRAM\) = \d+  → u")       # the REPL goes on
        sp.run("check", r"no exercise:")
        out = say(sp, "exercise")
        listed = re.findall(r"^[ ▶] (\w+) +\S", out, re.M)
        assert listed == NAMES, out
        sp.run("exercise file_server", r"Exercise file_server")
        out = say(sp, "exercise")
        assert re.search(r"^▶ file_server ", out, re.M), out                       # the one going on
        assert sp.close() == 0
    finally:
        kill(sp.p)
    p = subprocess.run([SOCKPLAY, "--exercises"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(), timeout=20)
    out = p.stdout.decode()
    assert p.returncode == 0 and re.findall(r"^[ ▶] (\w+) +\S", out, re.M) == NAMES, out
    p = subprocess.run([SOCKPLAY, "--exercise", "no_such_thing"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), timeout=20)
    out = p.stdout.decode()
    assert p.returncode == 1 and "no exercise 'no_such_thing'" in out, (p.returncode, out)

# ================================================================ 5. at a terminal

@test
def an_exercise_done_at_a_terminal():
    if not shutil.which("tmux"):
        raise Skip("tmux is not installed")
    fresh_net()                 # the private tmux server starts here, in this namespace
    t = Term("--exercise", "tcp_server_thanks", color=True)
    cli = None
    try:
        t.wait(r"☐ it closed the socket that served the client.*sockplay>")
        t.type('s = socket tcp')
        t.type('bind s "" 7788')
        t.type("check")
        t.wait(r"0 of 5 checks met")
        # the hint under the ✗ is dim
        assert re.search(r"\x1b\[[0-9;]*\b2m[^\n]*bound, but not listening yet", t.screen(escapes=True)), t.screen(escapes=True)[-2000:]
        t.type("listen s")
        t.wait(r"✓ met: a TCP socket bound to port 7788 listens")
        cli = course_tcp_client("from a terminal")
        t.type("conn = accept s")
        t.wait(r"✓ met: accept\(\) gave a new socket for the client")
        t.type("recv conn")
        t.wait(r'"from a terminal".*✓ met: it read the client')
        t.type('send conn "thank you !"')
        t.type("close conn")
        t.wait(r"✓ met: it closed the socket that served the client\s*\n" + re.escape(done_line("tcp_server_thanks", 5)))
        t.type("check")
        screen = t.wait(r"(?s)\nexercise tcp_server_thanks\n((?:✓[^\n]*\n){5})all 5 checks met — done\nsockplay>").group(1)
        assert screen.split("\n")[:5] == ["✓ " + x for x in texts("tcp_server_thanks")], screen
        assert "接收到的数据为: thank you !" in finished(cli)
        t.type("quit")
        t.wait(r"closing \d socket")
    finally:
        kill(cli)
        t.close()

# ================================================================ 6. --report and --grade

def learner_session(user, report, finish):
    """udp_gbk_echo as user, the course's UDP program the other side: all four checks met
    (finish), or two and quit."""
    fresh_net()
    text = "你好 %s" % user
    sp = start("udp_gbk_echo", "--report", report, env_extra={"USER": user})
    peer = None
    try:
        sp.run("u = socket udp")
        sp.run("bind u 0.0.0.0 8080", r"✓ met")
        peer = course_udp_sender(text)
        port = sp.run("recvfrom u", r"from 127\.0\.0\.1:(\d+)").group(1).decode()
        if finish:
            sp.run('sendto u 127.0.0.1 %s gbk:"%s"' % (port, text),
                   re.escape(done_line("udp_gbk_echo", 4)) + r"\nresults added to " + re.escape(report))
            assert text in finished(peer)
            sp.run("quit")
        else:
            sp.run("quit", r"results added to " + re.escape(report))
        assert sp.close() == 0
        assert sp.text().count("results added to") == 1, sp.text()
    finally:
        kill(peer); kill(sp.p)

@test
def reports_of_two_learners_are_graded():
    d = tempfile.mkdtemp()
    ids = [i for i, _, _ in exercise_files()["udp_gbk_echo"]]
    alice, bob = os.path.join(d, "alice.json"), os.path.join(d, "bob.json")
    learner_session("alice", alice, True)
    learner_session("bob", bob, False)
    for path, user, met in ((alice, "alice", [True] * 4), (bob, "bob", [True, True, False, False])):
        entries = json.load(open(path))
        assert len(entries) == 1, entries
        e = entries[0]
        assert e["lesson"] == "udp_gbk_echo" and e["learner"] == user and e["right"] == sum(met) and e["asked"] == 4, e
        assert [(c["id"], c["answer_text"], c["key_text"], c["correct"]) for c in e["checkpoints"]] == \
            [(i, "met" if m else "not met", "met", m) for i, m in zip(ids, met)], e
    p = subprocess.run([SOCKPLAY, "--grade", d], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(), timeout=30)
    out = p.stdout.decode()
    assert p.returncode == 0, out
    rows = {l.split()[0]: l for l in out.splitlines() if l.split() and "/" in l.split()[0]}
    for i, shares in zip(ids, ("2/2", "2/2", "1/2", "1/2")):
        row = rows.get("udp_gbk_echo/" + i)
        assert row, "no row udp_gbk_echo/%s in\n%s" % (i, out)
        if shares == "2/2":
            assert re.search(r"\s2/2\s+100%\s+-$", row), row
        else:
            assert re.search(r"\s1/2\s+50%\s+not met \(1\)$", row), row
    assert re.search(r"^alice\s+4/4$", out, re.M) and re.search(r"^bob\s+2/4$", out, re.M), out
    p = subprocess.run([SOCKPLAY, "--grade", d, "--csv"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(), timeout=30)
    table = list(csv.reader(io.StringIO(p.stdout.decode())))
    assert table[0] == ["learner", "lesson", "checkpoint", "answer", "answer_text", "correct", "seconds"], table
    got = sorted(tuple(r[:3] + r[4:6]) for r in table[1:])
    want = sorted([("alice", "udp_gbk_echo", i, "met", "1") for i in ids] +
                  [("bob", "udp_gbk_echo", i, "met" if k < 2 else "not met", "1" if k < 2 else "0") for k, i in enumerate(ids)])
    assert got == want, table

# ---------------------------------------------------------------- the namespace, then the tests

@test
def a_close_that_sends_rst_leaves_no_time_wait_and_is_named():
    """restart_reuseaddr: closing the accepted socket with the client's bytes unread sends RST,
    so nothing waits in TIME_WAIT; the check says so, and a close after reading counts."""
    fresh_net()
    sp = start("restart_reuseaddr")
    try:
        sp.run('s = socket tcp; setsockopt s SO_REUSEADDR 1; bind s "" 7788; listen s')
        sp.run('c = socket tcp; connect c 127.0.0.1 7788; send c "hi"')
        sp.run("conn = accept s")
        sp.run("close conn")
        items, count, out = check(sp, "restart_reuseaddr")
        head = "a server on 7788 closed a client's connection first (its side waits in TIME_WAIT)"
        assert marks(items)[head] == "✗" and hint_of(items, head).startswith("that close sent RST, not FIN"), out
        assert hint_of(items, "that server set SO_REUSEADDR before its bind").startswith("set — it counts once"), out
        sp.run('c2 = socket tcp; connect c2 127.0.0.1 7788; send c2 "hi"')
        sp.run("conn2 = accept s; recv conn2")
        sp.run("close conn2", r"✓ met: a server on 7788 closed")
        sp.close()
    finally:
        kill(sp.p)

@test
def restart_by_typing_the_server_lines_again():
    """restart_reuseaddr the way python3 would do it at its prompt: the server's lines typed again,
    without closing the old listener — binding the name again lets go of it (closed), and the
    checks follow the sockets, not their names."""
    fresh_net()
    sp = start("restart_reuseaddr")
    try:
        server = ["tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
                  "tcp_server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)",
                  "tcp_server_socket.bind(('', 7788))", "tcp_server_socket.listen(128)"]
        sp.run("import socket")
        for line in server:
            sp.run(line)
        sp.run("c = socket.socket(); c.connect(('127.0.0.1', 7788))")
        sp.run("client_socket, clientAddr = tcp_server_socket.accept()")
        sp.run("client_socket.close()", r"✓ met: a server on 7788 closed")
        sp.run(server[0], r"CPython closes it then, and so did sockplay")
        for line in server[1:]:
            sp.run(line)
        all_met(sp, "restart_reuseaddr")
        sp.close()
    finally:
        kill(sp.p)

@test
def a_malformed_or_changing_exercise_file_is_refused_or_ignored():
    """exercise{} checks its table and keeps a copy: a file that changes its table afterwards, a
    check that raises a table, exercise{} typed while one is going on, a solution that ends the
    exercise — each is said or ignored, and sockplay goes on."""
    import shutil
    d = tempfile.mkdtemp()
    shutil.copytree(os.path.join(ROOT, "lua_lessons"), os.path.join(d, "l"))
    ex = os.path.join(d, "l", "exercises")
    open(os.path.join(ex, "90_changing.lua"), "w").write(
        'local e = {task = "t", checks = {{"a", "b", function() return false, {} end}, {"c", {"x"}, function() error({}) end}},\n'
        '           solution = {"exercise off", "lua collectgarbage()", "check"}}\n'
        'exercise(e)\ne.checks = nil\nfor i = 2, 40 do e[i] = i end\n')
    open(os.path.join(ex, "91_bad.lua"), "w").write('exercise{task = true, checks = {{"a", "b", function() end}}}\n')
    sp = Sockplay("--exercise", "changing", extra_env={"SOCKPLAY_LESSONS": os.path.join(d, "l")})
    try:
        sp.expect(r"☐ x")
        out = say(sp, "check")
        assert re.search(r"✗ b\n✗ x\n\s+the check failed: table: ", out), out
        out = say(sp, 'lua exercise{task = "y", checks = {{"z", "z", function() return true end}}}')
        assert "the exercise changing is going on (`exercise off` ends it)" in out, out
        out = say(sp, "exercise bad")
        assert "exercise{}: task = {\"English\", \"中文\"} is needed" in out, out
        out = say(sp, "check")
        assert "no exercise" in out, out                           # the failed start ended the one before
        assert sp.close() == 0
    finally:
        kill(sp.p)
    p = subprocess.run([SOCKPLAY, "--exercise", "changing", "--auto"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=env(SOCKPLAY_LESSONS=os.path.join(d, "l")), timeout=30)
    out = p.stdout.decode()
    assert p.returncode == 1 and "exercise changing ended: 0 of 2 checks met" in out and "Sanitizer" not in out, out

if __name__ == "__main__":
    if os.environ.get("SP_EXERCISE_NETNS") != "1":
        why = None
        if not shutil.which("unshare") or not shutil.which("ip"):
            why = "unshare or ip is not installed"
        else:
            ok, err = can_unshare([])
            if not ok:
                why = "unshare -rn is not allowed here: " + err
        if why:
            for fn in TESTS:
                if not sys.argv[1:] or fn.__name__ in sys.argv[1:]:
                    print("SKIP %s: %s" % (fn.__name__, why), flush=True)
            sys.exit(0)
        sys.stdout.flush()
        os.execvp("unshare", ["unshare", "-rn", "sh", "-c", 'ip link set lo up && SP_EXERCISE_NETNS=1 exec "$0" "$@"',
                              sys.executable, os.path.abspath(__file__), *sys.argv[1:]])
    main()
