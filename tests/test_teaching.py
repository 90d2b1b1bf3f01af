"""The teaching layer (issue 5): explain, export/save, data views, ipinfo/resolve/port,
both languages, argument hints, make install and the man page."""
import os, re, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
from term import Term

@test
def explain_shows_the_c_call_and_the_python_line():
    sp = Sockplay()
    sp.run("explain on", r"explain on: each call is also shown as the C system call")
    a, b, x = FD0, FD0 + 1, FD0 + 2
    sp.run("s = socket tcp", r"C\s+socket\(AF_INET, SOCK_STREAM, 0\) = %d\n\s+Python\s+s = socket\.socket\(socket\.AF_INET, socket\.SOCK_STREAM\)" % a)
    sp.run("setsockopt s SO_REUSEADDR 1", r"C\s+setsockopt\(%d, SOL_SOCKET, SO_REUSEADDR, &\(int\)\{1\}, sizeof\(int\)\) = 0\n"
                                          r"\s+Python\s+s\.setsockopt\(socket\.SOL_SOCKET, socket\.SO_REUSEADDR, 1\)" % a)
    port = int(sp.run('bind s "" 0', r"picked 0\.0\.0\.0:(\d+)").group(1))
    sp.expect(r'C\s+bind\(%d, &addr, 16\) = 0   /\* addr = 0\.0\.0\.0:0 \*/\n\s+Python\s+s\.bind\(\(\"\", 0\)\)' % a)
    sp.run("listen s 128", r"Python\s+s\.listen\(128\)")
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    sp.run("conn = accept s", r"C\s+accept\(%d, &peer, &len\) = %d   /\* peer = 127\.0\.0\.1:\d+ \*/\n\s+Python\s+conn, clientAddr = s\.accept\(\)" % (a, b))
    c.sendall("你好".encode())
    sp.run("recv conn 1024", r"C\s+recv\(%d, buf, 1024, 0\) = 6\n\s+Python\s+data = conn\.recv\(1024\)" % b)
    sp.run('send conn "thank you !"', r'C\s+send\(%d, "thank you !", 11, 0\) = 11\n\s+Python\s+conn\.send\(b"thank you !"\)' % b)
    sp.run('send conn gbk:"收到"', r'Python\s+conn\.send\("收到"\.encode\("gbk"\)\)')
    sp.run("settimeout conn 2.5", r"Python\s+conn\.settimeout\(2\.5\)")
    sp.run("x = socket tcp", r"→ x")
    closed = free_port()
    sp.run("connect x 127.0.0.1 %d" % closed, r"C\s+connect\(%d, &addr, 16\) = -1, errno = ECONNREFUSED   /\* addr = 127\.0\.0\.1:%d \*/\n"
                                              r"\s+Python\s+x\.connect\(\(\"127\.0\.0\.1\", %d\)\)   # raises ConnectionRefusedError" % (x, closed, closed))
    sp.run("explain off", r"explain off")
    sp.run("close x", r"close\(x\) = 0\n(?!\s+C )")
    c.close()
    assert sp.close() == 0

def demo_session(sp):
    """A session that is whole by itself: server and client, a background accept, UTF-8,
    binary and GBK data, a timeout, a failed connect, UDP, poll. Returns nothing."""
    sp.run("s = socket tcp", r"→ s")
    sp.run("setsockopt s SO_REUSEADDR 1", r"= 0")
    sp.run("bind s 127.0.0.1 0", r"it picked 127\.0\.0\.1:(\d+)")
    port = int(re.search(rb"it picked 127\.0\.0\.1:(\d+)", sp.out).group(1))
    sp.run("listen s 5", r"LISTEN")
    sp.run("conn = accept s &", r"\[1\] accept\(s\) …")
    sp.run("c = socket tcp", r"→ c")
    sp.run("connect c 127.0.0.1 %d" % port, r"\[1\] accept\(s\) = \d+  → conn")
    sp.run('send c "hello 你好\\n"', r"= 13")
    sp.run("recv conn 100", r'= 13  "hello 你好\\n"')
    sp.run("send conn hex:00ff41", r"= 3")
    sp.run("recv c 10 as hex", r"0000  00 ff 41")
    sp.run('send c gbk:"收到"', r"= 4")
    sp.run("recv conn 10 as gbk", r'= 4  "收到" \(GBK\)')
    sp.run("settimeout c 0.2", r"SO_SNDTIMEO")
    sp.run("recv c", r"timed out")
    sp.run("bad = socket tcp", r"→ bad")
    closed = free_port()
    sp.run("connect bad 127.0.0.1 %d" % closed, r"ECONNREFUSED")
    sp.run("u = socket udp", r"→ u")
    sp.run("bind u 127.0.0.1 0", r"it picked")
    uport = int(re.findall(rb"it picked 127\.0\.0\.1:(\d+)", sp.out)[-1])
    sp.run('sendto u 127.0.0.1 %d "ping"' % uport, r"= 4")
    sp.run("poll u c 0", r"u\s+POLLIN")
    sp.run("recvfrom u", r'= 4  "ping"')
    sp.run("shutdown c wr", r"= 0")
    sp.run("recv conn", r"= 0\n")
    sp.run("close conn c s u bad", r"close\(bad\) = 0")

def exported(command, name, pattern):
    """The demo session written out by `command DIR/name`: (DIR, its path, the ended session)."""
    d = tempfile.mkdtemp()
    sp = Sockplay()
    demo_session(sp)
    path = os.path.join(d, name)
    sp.run("%s %s" % (command, path), pattern)
    assert sp.close() == 0
    return d, path, sp

@test
def export_python_runs_and_makes_the_same_calls():
    d, path, sp = exported("export python", "demo.py", r"wrote \d+ calls to .*demo\.py — run it: python3 ")
    src = open(path, encoding="utf-8").read()
    assert "c.connect((\"127.0.0.1\", s.getsockname()[1]))" in src, src    # the kernel's port is read back
    assert "# [1] ran in the background in sockplay" in src, src
    assert 'c.send("收到".encode("gbk"))' in src, src
    r = subprocess.run([PY, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20, cwd=d)
    out = r.stdout.decode()
    assert r.returncode == 0, out
    assert "accept: ('127.0.0.1'," in out, out
    assert "recv: b'hello \\xe4\\xbd\\xa0\\xe5\\xa5\\xbd\\n'" in out, out
    assert "recv: b'\\x00\\xffA'" in out and "recv: b'\\xca\\xd5\\xb5\\xbd'" in out, out
    assert "failed: timed out" in out and "failed: [Errno 111] Connection refused" in out, out
    assert "recvfrom: b'ping'" in out and "recv: b''" in out, out

@test
def export_c_compiles_with_werror_and_runs():
    d, path, sp = exported("export c", "demo.c", r"wrote \d+ calls")
    exe = os.path.join(d, "demo")
    for cc in ("cc", "clang"):
        r = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", exe, path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        assert r.returncode == 0, (cc, r.stdout.decode(), open(path).read())
    r = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    out = r.stdout.decode("utf-8", "replace")
    assert r.returncode == 0, out
    assert "recv: 13 bytes\nhello 你好\n" in out, out
    assert "connect: Connection refused" in out and "recv: Resource temporarily unavailable" in out, out
    assert "recvfrom: 4 bytes\nping" in out and "recv: 0 bytes" in out, out

@test
def save_lua_replays_the_same_calls():
    _, path, sp = exported("save", "demo.lua", r"wrote \d+ calls to .*demo\.lua — run it: sockplay ")
    typed = sp.out.decode()
    r = subprocess.run([SOCKPLAY, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20, env=env())
    replay = r.stdout.decode()
    assert r.returncode == 0, replay
    calls = lambda t: [re.sub(r"\d+", "N", m) for m in re.findall(r"^(?:\[\d\] )?((?:socket|bind|listen|accept|connect|send|recv|"
                                                                  r"sendto|recvfrom|setsockopt|shutdown|close|poll)\(.*?\) = -?\d+)", t, re.M)]
    a, b = calls(typed), calls(replay)
    assert a == b[:len(a)], "\n".join("%-50s %s" % x for x in zip(a, b))

@test
def nothing_to_export_and_bad_paths_are_named():
    sp = Sockplay()
    sp.run("export python /tmp/x.py", r"nothing to write yet")
    sp.run("s = socket udp", r"→ s")
    sp.run("export python /no/such/dir/x.py", r"cannot write /no/such/dir/x\.py: No such file or directory")
    sp.run("export java x.java", r"'java' is not python or c")
    sp.run("export python", r"missing python\|c and FILE")
    assert sp.close() == 0

@test
def binary_is_dumped_and_split_characters_are_flagged():
    sp = Sockplay()
    c = accepted_here(sp)
    c.sendall(b"\x00\x01binary\xff\xfe rest of it")
    sp.run("recv conn", r'= 21  "\\0\\x01binary\\xff\\xfe rest of it"\n'
                        r"   0000  00 01 62 69 6e 61 72 79  ff fe 20 72 65 73 74 20  \.\.binary\.\. rest\s*\n"
                        r"   0010  6f 66 20 69 74\s+of it\n")
    c.sendall("你好".encode())
    time.sleep(0.1)
    sp.run("recv conn 4", r'= 4  "你\\xe5"\n\s*↳ the last 1 byte\(s\) are only the start of a character')
    sp.run("recv conn 2", r'= 2  "\\xa5\\xbd"\n\s*↳ the first 2 byte\(s\) finish the character the last recv cut in two')
    c.sendall("你好".encode("gbk"))
    sp.run("recv conn 3 as gbk", r'= 3  "你" \(GBK\)\n\s*↳ the last 1 byte\(s\) are only the start')
    sp.run("recv conn as gbk", r'= 1  "" \(GBK\)\n\s*↳ the first 1 byte\(s\) finish')
    c.sendall(b"abc")
    sp.run("recv conn 10 as hex", r"= 3\n   0000  61 62 63\s+abc")
    sp.run("recv conn 10 as latin", r"'latin' is not gbk, utf-8 or hex")
    sp.run("recv conn 10 of gbk", r"'of': after MAX comes `as gbk\|utf-8\|hex`")
    sp.run('send conn gbk:"你好"', r'= 4  "你好" \(GBK\)')
    assert c.recv(10) == "你好".encode("gbk")
    sp.run('send conn gbk:"😀"', r"cannot encode the text in GBK")
    c.close()
    assert sp.close() == 0

@test
def course_udp_program_reads_gbk_sent_as_gbk():
    # the course's UDP receivers decode with gbk: a typed gbk:"…" is what they expect
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    sp = Sockplay()
    sp.run("u = socket udp", r"→ u")
    sp.run('sendto u 127.0.0.1 %d gbk:"你好, 老师"' % rx.getsockname()[1], r"= 10")
    data, _ = rx.recvfrom(100)
    assert data.decode("gbk") == "你好, 老师", data
    rx.close()
    assert sp.close() == 0

@test
def ipinfo_resolve_and_port():
    sp = Sockplay()
    sp.run("ipinfo 192.168.1.10/24", r"binary\s+11000000\.10101000\.00000001\.00001010\n\s+class\s+C .*\n\s+kind\s+private \(RFC 1918\)"
                                     r".*\n\s+mask\s+255\.255\.255\.0 /24.*\n\s+network\s+192\.168\.1\.0 .*\n\s+host\s+0\.0\.0\.10 .*"
                                     r"\n\s+broadcast\s+192\.168\.1\.255\n\s+hosts\s+192\.168\.1\.1 – 192\.168\.1\.254  \(254 addresses\)")
    sp.run("ipinfo 10.1.2.3 255.255.0.0", r"class\s+A .*\n.*\n\s+mask\s+255\.255\.0\.0 /16.*\n\s+network\s+10\.1\.0\.0")
    sp.run("ipinfo 172.16.5.4", r"class\s+B .*\n\s+kind\s+private.*\n\s+mask\s+255\.255\.0\.0 /16 .*the class's default")
    sp.run("ipinfo 127.0.0.1", r"kind\s+loopback")
    sp.run("ipinfo 224.0.0.251", r"class\s+D .*\n\s+kind\s+multicast")
    sp.run("ipinfo 250.1.1.1", r"class\s+E")
    sp.run("ipinfo 8.8.8.8", r"kind\s+public")
    sp.run("ipinfo ::1", r"IPv6, 128 bits\n\s+full\s+0000:0000:0000:0000:0000:0000:0000:0001\n\s+kind\s+loopback")
    sp.run("ipinfo 300.1.1.1", r"not an IPv4 address")
    sp.run("ipinfo 1.2.3.4/40", r"not a mask or prefix length \(0–32\): '40'")
    sp.run("ipinfo 1.2.3.4 255.0.255.0", r"a mask is ones then zeros")
    sp.run("ipinfo", r"missing ADDR")
    sp.run("resolve localhost", r'getaddrinfo\("localhost", NULL, \{AF_UNSPEC, SOCK_STREAM\}\) = 0\n.*AF_INET\S*\s+(127\.0\.0\.1|::1)')
    sp.run("resolve no-such-host.invalid", r"= Name or service not known|= .*(not known|failure)")
    sp.run("port 80", r"port 80\n\s+service\s+http.*\n\s+bind\s+privileged")
    sp.run("port http", r"port 80\n")
    sp.run("port 54321", r"bind\s+any user may bind it")
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen()
    sp.run("port %d" % l.getsockname()[1], r"a TCP socket is listening on it now: bind would fail with EADDRINUSE")
    l.close()
    sp.run("port 70000", r"port 70000 is out of range")
    assert sp.close() == 0

@test
def lang_switches_every_message_without_a_chinese_locale():
    sp = Sockplay()       # harness: LANG and LC_ALL unset, so no zh locale is involved
    sp.run("lang zh", r"消息使用中文")
    sp.run("help bind", r"给套接字绑定本地地址")
    sp.run("s = socket tcp", r"→ s")
    sp.run("connect s 127.0.0.1 %d" % free_port(), r"ECONNREFUSED.*\n\s*↳ .*上没有程序在监听")
    sp.run("recv s 10 as x", r"'x' 不是 gbk、utf-8 或 hex")
    sp.run("ipinfo 10.0.0.1", r"二进制\s+00001010.*\n\s+类别\s+A")
    sp.run("jobs", r"（没有后台调用）")
    sp.run("lang fr", r"'fr' 不是可用的语言")
    sp.run("lang en", r"messages in English")
    sp.run("jobs", r"\(no background calls\)")
    assert sp.close() == 0
    sp = Sockplay(extra_env={"LANG": "zh_CN.UTF-8"})     # a locale this machine need not have
    sp.run("bogus", r"未知命令 'bogus'")
    assert sp.close() == 0

@test
def help_lists_every_command_in_both_languages():
    sp = Sockplay()
    out = sp.run("help", r"Commands:\n(.*?)\nNAME = socket").group(1).decode()
    for name in ["poll", "jobs", "wait", "cancel", "trace", "explain", "export", "save", "ipinfo", "resolve", "port", "lang"]:
        assert re.search(r"\n  %s " % name, "\n" + out), name
    sp.run("help recv", r"recv S \[MAX\] \[as gbk\|utf-8\|hex\].*… & runs it in the background.*example: recv conn 1024 as gbk")
    assert sp.close() == 0

@test
def argument_hints_follow_the_cursor():
    t = Term(color=True)
    try:
        t.keys("-l", "bind s ")
        t.wait(r"sockplay> bind s HOST PORT")
        assert "\x1b[2mHOST PORT" in t.screen(escapes=True), t.screen(escapes=True)
        t.keys("-l", "127.0.0.1 ")
        t.wait(r"sockplay> bind s 127\.0\.0\.1 PORT")
        t.keys("C-u")
        t.keys("-l", "recv conn 10 ")
        t.wait(r"sockplay> recv conn 10 \[as gbk\|utf-8\|hex\]")
        t.keys("C-u")
        t.keys("-l", "exercise ")                    # "[NAME | off]": the bracket stays closed
        t.wait(r"sockplay> exercise \[NAME\]")
        t.keys("-l", "tcp_s")
        t.keys("Tab")                                 # Tab completes an exercise's name
        t.wait(r"sockplay> exercise tcp_server_thanks")
        t.keys("C-u")
        t.keys("-l", "listen nosuch ")
        t.wait(r"sockplay> listen nosuch \[BACKLOG\]")
        t.keys("Enter")                               # the line stays as typed, without its hint
        t.wait(r"unknown socket 'nosuch'")
        assert re.search(r"sockplay> listen nosuch[ \t]*\n", t.screen()), t.screen()
    finally:
        t.close()

@test
def make_install_with_destdir_and_the_man_page():
    d = tempfile.mkdtemp()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = subprocess.run(["make", "-s", "-C", root, "install", "DESTDIR=" + d], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=300)
    assert r.returncode == 0, r.stdout.decode()
    for f in ["usr/local/bin/sockplay", "usr/local/share/man/man1/sockplay.1", "usr/local/share/sockplay/lua_lessons/06_tcp_server.lua",
              "usr/local/share/doc/sockplay/teaching.md"]:
        assert os.path.exists(os.path.join(d, f)), f
    e = env()
    e.pop("SOCKPLAY_LESSONS", None)
    r = subprocess.run([os.path.join(d, "usr/local/bin/sockplay"), "--lessons"], stdout=subprocess.PIPE, env=e, timeout=10)
    assert b"tcp_server" in r.stdout, r.stdout
    r = subprocess.run(["groff", "-ww", "-man", "-z", os.path.join(d, "usr/local/share/man/man1/sockplay.1")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout.decode()
    r = subprocess.run(["man", "-l", os.path.join(d, "usr/local/share/man/man1/sockplay.1")], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=dict(e, MANPAGER="cat", MANWIDTH="80"), timeout=20)
    assert b"export python|c FILE" in r.stdout and b"SOCKPLAY_KVIEW" in r.stdout, r.stdout[:400]
    assert not r.stderr, r.stderr
    r = subprocess.run(["make", "-s", "-C", root, "uninstall", "DESTDIR=" + d], stdout=subprocess.PIPE, timeout=60)
    assert not os.path.exists(os.path.join(d, "usr/local/bin/sockplay"))
    shutil.rmtree(d)

@test
def help_and_version_options():
    r = subprocess.run([SOCKPLAY, "--version"], stdout=subprocess.PIPE, timeout=10)
    assert re.match(rb"sockplay \d+\.\d+\.\d+\n", r.stdout), r.stdout
    r = subprocess.run([SOCKPLAY, "--help"], stdout=subprocess.PIPE, timeout=10, env=env(LANG="zh_CN.UTF-8"))
    assert "--lang zh|en".encode() in r.stdout and "选项".encode() in r.stdout, r.stdout

if __name__ == "__main__":
    main()
