"""What the screen says must be true (issue 11, items 5-9 and 13): the table shows only the
session's kernel rows, RECV-Q counts bytes, a failed read of the kernel's table is said as
such, EPIPE on a socket that never connected is explained as that, bytes that are not UTF-8
are escaped whole, and `as hex` dumps every byte."""
import os, re, resource, socket, struct, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

def table(sp):
    """The table `state` prints, as text: from its header to the legend."""
    sp.run("state", r"FD\s+NAME\s+KIND[^\n]*\n")
    start = sp.pos
    sp.expect(r"RECV-Q: bytes received|RECV-Q：")
    return sp.out[start:sp.pos].decode("utf-8", "replace")

def time_wait_on(port, server):
    """An outside client bound to `port` connects to `server`, closes first and leaves a
    TIME_WAIT (127.0.0.1:port → server) that is no business of sockplay's."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", server))
    ls.listen()
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(("127.0.0.1", port))
    c.connect(("127.0.0.1", server))
    a, _ = ls.accept()
    c.close()                 # the client closes first: its side ends in TIME_WAIT
    a.recv(10)
    a.close()
    ls.close()

def foreign_time_wait_is_not_the_sessions(kview):
    sp = Sockplay(extra_env={"SOCKPLAY_KVIEW": kview} if kview else None)
    y = listen_here(sp)
    e, x = free_port(), free_port()
    time_wait_on(e, x)
    sp.run("c = socket tcp")
    sp.run("setsockopt c SO_REUSEADDR 1")
    sp.run("bind c 127.0.0.1 %d" % e, r"= 0")
    sp.run("connect c 127.0.0.1 %d" % y, r"= 0")
    t = table(sp)
    assert ":%d" % x not in t, t                      # the outside program's TIME_WAIT
    # the session's own rows stay: c, and the connection waiting in s's queue
    assert re.search(r"127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+ESTABLISHED.*in s's accept queue" % (y, e), t), t
    sp.run("conn = accept s", r"→ conn")
    sp.run("close conn", r"= 0")                      # this side closes first: its TIME_WAIT is the session's
    sp.run("close c", r"= 0")
    t = table(sp)
    assert re.search(r"127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+TIME_WAIT\s+-\s+-\s+no fd: the kernel keeps it" % (y, e), t), t
    assert ":%d" % x not in t, t
    assert sp.close() == 0

@test
def outside_time_wait_on_a_reused_port_is_not_shown_via_sock_diag():
    foreign_time_wait_is_not_the_sessions(None)

@test
def outside_time_wait_on_a_reused_port_is_not_shown_via_proc():
    foreign_time_wait_is_not_the_sessions("proc")

def foreign_server_is_not_the_sessions(kview):
    sp = Sockplay(extra_env={"SOCKPLAY_KVIEW": kview} if kview else None)
    # The session listened on p once; now the course's Python server does.
    p = free_port()
    sp.run("old = socket tcp"); sp.run("setsockopt old SO_REUSEADDR 1")
    sp.run("bind old 127.0.0.1 %d" % p, r"= 0"); sp.run("listen old", r"= 0"); sp.run("close old", r"= 0")
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", p))
    srv.listen()
    sp.run("c = socket tcp")
    sp.run("connect c 127.0.0.1 %d" % p, r"= 0")
    cport = int(sp.run("getsockname c", r"= 127\.0\.0\.1:(\d+)").group(1))
    a, _ = srv.accept()
    a.close()                                         # the server's accepted socket closes first
    queued = socket.create_connection(("127.0.0.1", p), timeout=5)   # waits in the server's queue
    # a session listener on 0.0.0.0 (the course's bind(("", port))): its queue is the session's
    q = free_port()
    sp.run("w = socket tcp"); sp.run('bind w "" %d' % q, r"= 0"); sp.run("listen w", r"= 0")
    mine = socket.create_connection(("127.0.0.1", q), timeout=5)
    # an outside listener on the same port, another address: its queue is not
    other = socket.socket(socket.AF_INET6)
    other.bind(("::1", q))
    other.listen()
    theirs = socket.create_connection(("::1", q), timeout=5)
    time.sleep(0.1)
    t = table(sp)
    rows = [re.search(r"TCPv[46]\s+(\S+)\s+(\S+)", l).groups() for l in t.splitlines() if re.match(r"[+*\- ]\s+-\s", l)]
    assert not any(local.endswith(":%d" % p) for local, peer in rows), t      # the server's side
    assert not any("::1" in local for local, peer in rows), t
    assert re.search(r"127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+CLOSE_WAIT" % (cport, p), t), t   # c itself
    assert re.search(r"127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+ESTABLISHED.*in w's accept queue"
                     % (q, mine.getsockname()[1]), t), t
    assert len(rows) == 1, t
    for k in (queued, mine, theirs, other, srv):
        k.close()
    assert sp.close() == 0

@test
def a_python_servers_sockets_are_not_shown_via_sock_diag():
    foreign_server_is_not_the_sessions(None)

@test
def a_python_servers_sockets_are_not_shown_via_proc():
    foreign_server_is_not_the_sessions("proc")

def recv_q_counts_bytes(kview):
    sp = Sockplay(extra_env={"SOCKPLAY_KVIEW": kview} if kview else None)
    c = accepted_here(sp)
    c.sendall(b"hello")
    c.close()
    time.sleep(0.1)
    t = table(sp)
    assert re.search(r"\bconn\s+TCPv4\s+\S+\s+\S+\s+CLOSE_WAIT\s+5\s+0\b", t), t
    sp.run("recv conn 5", r'= 5  "hello"')
    t = table(sp)
    assert re.search(r"\bconn\s+TCPv4\s+\S+\s+\S+\s+CLOSE_WAIT\s+0\s+0\b", t), t
    sp.run("recv conn 5", r"= 0\n")
    t = table(sp)
    assert re.search(r"\bconn\s+TCPv4\s+\S+\s+\S+\s+CLOSE_WAIT\s+0\s+0\b", t), t
    # no data at all: the FIN alone is not a byte
    port = int(sp.run("getsockname s", r"= 127\.0\.0\.1:(\d+)").group(1))
    d = socket.create_connection(("127.0.0.1", port), timeout=5)
    sp.run("conn2 = accept s", r"→ conn2")
    d.close()
    time.sleep(0.1)
    t = table(sp)
    assert re.search(r"\bconn2\s+TCPv4\s+\S+\s+\S+\s+CLOSE_WAIT\s+0\s+0\b", t), t
    # a queued connection whose client sent 3 bytes and closed: 3 too
    e = socket.create_connection(("127.0.0.1", port), timeout=5)
    eport = e.getsockname()[1]
    e.sendall(b"abc")
    e.close()
    time.sleep(0.1)
    t = table(sp)
    assert re.search(r":%d\s+CLOSE_WAIT\s+3\s+0\s+no fd yet: in s's accept queue" % eport, t), t
    assert sp.close() == 0

@test
def recv_q_is_bytes_not_the_fin_via_sock_diag():
    recv_q_counts_bytes(None)

@test
def recv_q_is_bytes_not_the_fin_via_proc():
    recv_q_counts_bytes("proc")

def display_cols(line):
    """Columns a line takes at a terminal: CJK two, combining marks none."""
    import unicodedata
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)

def send_q_counts_bytes(kview):
    """After `send c hello; close c` the closed side's row is often still in FIN_WAIT1: the
    FIN it sent is not acknowledged yet, and the kernel counts it in the send queue."""
    for _ in range(3):
        sp = Sockplay(extra_env={"SOCKPLAY_KVIEW": kview} if kview else None)
        port = listen_here(sp)
        sp.run("c = socket tcp")
        sp.run("connect c 127.0.0.1 %d" % port)
        sp.run("conn = accept s", r"→ conn")
        sp.run("send c hello", r"= 5")
        sp.run("close c")
        sp.sync()
        rows = re.findall(r"^.*\b(FIN_WAIT1|FIN_WAIT2|CLOSING|LAST_ACK)\s+(\S+)\s+(\S+).*$", sp.text(), re.M)
        sp.close()
        for state, recvq, sendq in rows:
            assert sendq in ("0", "-"), "%s row with SEND-Q %s after the peer acknowledged every byte:\n%s" % (state, sendq, sp.text()[-1500:])

@test
def send_q_is_bytes_not_the_fin_via_sock_diag():
    send_q_counts_bytes(None)

@test
def send_q_is_bytes_not_the_fin_via_proc():
    send_q_counts_bytes("proc")

def fd_limit(lang, kview):
    env_ = {"COLUMNS": "80"}              # the notes must fit a projector's 80 columns too
    if kview:
        env_["SOCKPLAY_KVIEW"] = kview
    sp = Sockplay(extra_env=env_)
    port = listen_here(sp)
    sp.run("lang %s" % lang)
    clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
    time.sleep(0.1)
    t = table(sp)
    assert len(re.findall(r"ESTABLISHED", t)) == 2, t
    # no fd left: every new open fails with EMFILE
    sp.sync()
    d = "/proc/%d/fd" % sp.p.pid
    used = {int(f) for f in os.listdir(d)}
    low = min(set(range(len(used) + 1)) - used)     # the next fd sockplay would get
    old = resource.prlimit(sp.p.pid, resource.RLIMIT_NOFILE, (low, resource.prlimit(sp.p.pid, resource.RLIMIT_NOFILE)[1]))
    try:
        t = table(sp)
        assert "(gone)" not in t and "已消失" not in t, t
        if lang == "zh":
            assert re.search(r"无法读取内核的套接字表：EMFILE", t), t
        else:
            assert re.search(r"the kernel's table could not be read: EMFILE", t), t
        sp.run("port %d" % port)
        sp.sync()
        out = sp.text()[-2000:]
        assert "no TCP socket listens" not in out and "没有 TCP 套接字在监听" not in out, out
        assert "/etc/services 中没有" not in out and "none in /etc/services" not in out, out
        assert "EMFILE" in out, out
        sp.run("resolve localhost")
        sp.sync()
        out = sp.text()[-1500:]
        assert "not in /etc/hosts" not in out and "不在 /etc/hosts" not in out, out
        assert "EMFILE" in out, out
        sp.run("x = socket tcp", r"EMFILE")
        sp.run("connect s localhost 80")
        sp.sync()
        out = sp.text()[-800:]
        assert "EMFILE" in out, out
    finally:
        resource.prlimit(sp.p.pid, resource.RLIMIT_NOFILE, old)
    t = table(sp)
    assert len(re.findall(r"ESTABLISHED[^\n]*\n?[^\n]*accept (queue|队列)", t)) == 2, t
    for c in clients:
        c.close()
    assert sp.close() == 0
    wide = [l for l in sp.text().split("\n") if display_cols(l) > 80]
    assert not wide, "wider than 80 columns:\n" + "\n".join(wide)

@test
def at_the_fd_limit_nothing_is_claimed_en():
    fd_limit("en", None)

@test
def at_the_fd_limit_nothing_is_claimed_zh_via_proc():
    fd_limit("zh", "proc")

@test
def epipe_on_a_socket_that_never_connected():
    sp = Sockplay()
    sp.run("c = socket tcp")
    sp.run("send c hi", r"= -1 EPIPE \(32\).*\n\s*↳ (.*)\n")
    line = sp.text().split("send(c, 2 bytes)")[-1].split("\n")[1]
    assert "never connected" in line and "BrokenPipeError" in line and "peer" not in line, line
    # a connect that was refused: still never connected
    sp.run("r = socket tcp")
    sp.run("connect r 127.0.0.1 %d" % free_port(), r"ECONNREFUSED")
    sp.run("send r x", r"= -1 EPIPE \(32\).*\n\s*↳ [^\n]*never connected")
    sp.run("lang zh")
    sp.run("send r x", r"= -1 EPIPE \(32\).*\n\s*↳ [^\n]*从未连接")
    sp.run("lang en")
    # a connection the peer closed: that is what happened there
    c = accepted_here(sp)
    c.close()
    time.sleep(0.1)
    sp.run("send conn x")
    sp.run("send conn x", r"= -1 EPIPE \(32\).*\n\s*↳ [^\n]*the peer closed it")
    assert sp.close() == 0

@test
def bytes_that_are_not_utf8_are_escaped_and_gbk_is_hinted():
    sp = Sockplay()
    c = accepted_here(sp)
    c.sendall("收到".encode("gbk"))                   # b"\xca\xd5\xb5\xbd"; \xd5\xb5 is also UTF-8 'յ'
    m = sp.run("recv conn", r"= 4  (\S+)")
    assert m.group(1) == rb'"\xca\xd5\xb5\xbd"', m.group(0)
    sp.expect(r"↳ [^\n]*`as gbk`")
    c.sendall("收到".encode("gbk"))
    sp.run("recv conn 1024 as gbk", r'= 4  "收到" \(GBK\)')
    # valid UTF-8 around one stray byte: all of it escaped, no half-text
    c.sendall("你".encode() + b"\xff" + "好".encode())
    sp.run("recv conn", r'= 7  "\\xe4\\xbd\\xa0\\xff\\xe5\\xa5\\xbd"')
    # a recv that cuts a UTF-8 character keeps the valid part as text, on both recvs
    data = "你好世界".encode()
    c.sendall(data[:4])
    sp.run("recv conn", r'= 4  "你\\xe5"\n[^\n]*\n?.*the last 1 byte\(s\) are only the start')
    c.sendall(data[4:])
    sp.run("recv conn", r'= 8  "\\xa5\\xbd世界"\n.*the first 2 byte\(s\) finish the character')
    tail = sp.text().split('"\\xa5\\xbd世界"')[-1].split("sockplay>")[0]
    assert "as gbk" not in tail, tail
    # the course's UDP programs send GBK: recvfrom says it too
    sp.run("u = socket udp")
    uport = int(sp.run("bind u 127.0.0.1 0", r"picked 127\.0\.0\.1:(\d+)").group(1))
    k = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    k.sendto("你好".encode("gbk"), ("127.0.0.1", uport))
    sp.run("recvfrom u", r'= 4  "\\xc4\\xe3\\xba\\xc3"  from .*\n(?:.*\n)*?.*↳ [^\n]*`as gbk`')
    k.close()
    sp.run("lang zh")
    c.sendall("收到".encode("gbk"))
    sp.run("recv conn", r'= 4  "\\xca\\xd5\\xb5\\xbd"\n(?:.*\n)*?.*↳ [^\n]*`as gbk`')
    c.close()
    assert sp.close() == 0

@test
def as_hex_dumps_every_byte_of_a_large_datagram():
    sp = Sockplay()
    sp.run("u = socket udp")
    port = int(sp.run("bind u 127.0.0.1 0", r"picked 127\.0\.0\.1:(\d+)").group(1))
    data = bytes((i * 7 + i // 256) & 255 for i in range(60000))
    k = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    k.sendto(data, ("127.0.0.1", port))
    k.close()
    sp.run("recvfrom u 16777216 as hex", r"= 60000")
    start = sp.pos
    sp.sync()
    out = sp.out[start:sp.pos].decode()
    assert "more bytes" not in out, out[-500:]
    lines = re.findall(r"^   ([0-9a-f]{4,}) ((?: [0-9a-f]{2}){1,8})(?: ((?: [0-9a-f]{2}){1,8}))?", out, re.M)
    assert len(lines) == 3750, len(lines)
    for i, (off, a, b) in enumerate(lines):
        assert int(off, 16) == i * 16, (i, off)
        got = bytes.fromhex((a + (b or "")).replace(" ", ""))
        assert got == data[i * 16:i * 16 + 16], (i, got, data[i * 16:i * 16 + 16])
    assert sp.close() == 0

@test
def a_peers_unix_path_never_reaches_the_terminal_raw():
    """A client chooses its own unix path: an ESC in it could clear the screen, a newline
    fake a line of the table. Typed paths and peers' paths are shown escaped."""
    d = tempfile.mkdtemp()
    srv = os.path.join(d, "srv")
    sp = Sockplay()
    try:
        sp.run('x = socket unix; bind x "%s/a\\x1b[2Jb"' % d, r"bind\(x, .*a\\x1b\[2Jb\) = 0")
        sp.run('s = socket unix; bind s "%s"; listen s' % srv, r"listen\(s")
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.bind(os.path.join(d, "evil\x1b[2J\nline"))
        c.connect(srv)
        sp.run("conn = accept s", r"evil\\x1b\[2J\\nline")
        sp.run("getpeername conn", r"= .*evil\\x1b\[2J\\nline")
        sp.run("state", r"RECV-Q")
        sp.sync()
        c.close()
    finally:
        sp.close()
    assert b"\x1b" not in sp.out, sp.text()[-1500:]
    assert not re.search(rb"\n\s*line", sp.out), sp.text()[-1500:]

@test
def typed_escapes_in_names_never_reach_the_terminal_raw():
    """A mistake message quotes what was typed; "\x1b[2J" typed inside quotes is an ESC byte,
    and quoted back raw it cleared the screen. Messages and resolve show it escaped."""
    sp = Sockplay()
    sp.run('bind "\\x1b[2J" 1 2', r"unknown socket '\\x1b\[2J'")
    sp.run("x = socket tcp")
    sp.run('setsockopt x "\\x1b[31mSO" 1', r"unknown option '\\x1b\[31mSO'")
    sp.run('lang "\\x1b[2J"', r"'\\x1b\[2J' is not a language")
    sp.run('help "\\x1b[2J"', r"no command '\\x1b\[2J'")
    sp.run('resolve "a\\x1b[2Jb"', r'getaddrinfo\("a\\x1b\[2Jb"')
    sp.sync()
    out = sp.out
    sp.close()
    echoed = [l for l in out.split(b"\n") if not l.startswith(b"sockplay> ")]
    assert not [l for l in echoed if b"\x1b" in l], out.decode("utf-8", "replace")[-1500:]

if __name__ == "__main__":
    main()
