"""Python's behaviours in one place (issue 12): the same sequences typed at the prompt and run
through Lua — socket kinds, bind/connect address forms, shutdown names, settimeout none/0/x,
setblocking, poll — compared on what matters: the outcome (ok, the errno, a refusal), the
fd's flags (/proc/PID/fdinfo) and the kernel's view of the socket (read through a copy of
the fd taken with pidfd_getfd), and where it is Python's rule, with Python itself. A rule
that differs between the prompt and Lua fails here."""
import ctypes, errno, os, re, select, socket, struct, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

O_NONBLOCK = 0o4000
SYS_pidfd_getfd = 438
libc = ctypes.CDLL(None, use_errno=True)

def grab(pid, fd):
    """A copy of fd of process pid, as a Python socket (it shares the kernel's socket)."""
    pidfd = os.pidfd_open(pid)
    try:
        n = libc.syscall(SYS_pidfd_getfd, pidfd, fd, 0)
        if n < 0:
            raise Skip("pidfd_getfd: %s (the kernel's view of sockplay's fds cannot be read here)"
                       % os.strerror(ctypes.get_errno()))
    finally:
        os.close(pidfd)
    return socket.socket(fileno=n)

def nonblocking(pid, fd):
    text = open("/proc/%d/fdinfo/%d" % (pid, fd)).read()
    return bool(int(re.search(r"^flags:\s*(\d+)", text, re.M).group(1), 8) & O_NONBLOCK)

def timeval(s, opt):
    sec, usec = struct.unpack("ll", s.getsockopt(socket.SOL_SOCKET, opt, 16))
    return sec + usec / 1e6

def facts(sp, fd):
    """What the kernel says of the socket: family, type, O_NONBLOCK, the two timeouts, its
    address, its peer and (TCP) its state."""
    with grab(sp.p.pid, fd) as s:
        f = {"family": s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN),
             "type": s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE),
             "nonblocking": nonblocking(sp.p.pid, fd),
             "rcvtimeo": timeval(s, socket.SO_RCVTIMEO), "sndtimeo": timeval(s, socket.SO_SNDTIMEO)}
        f["name"] = s.getsockname()
        try:
            f["peer"] = s.getpeername()
        except OSError as e:
            f["peer"] = errno.errorcode[e.errno]
        if f["family"] != socket.AF_UNIX and f["type"] == socket.SOCK_STREAM:
            f["state"] = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
    return f

def python_view(f):
    """Python's gettimeout() for a socket with these kernel facts (0.0, None or seconds)."""
    return 0.0 if f["nonblocking"] else None if f["rcvtimeo"] == 0 else f["rcvtimeo"]

def typed(sp, line):
    """The outcome of a typed command: ("ok",), ("errno", NAME), ("refused", message) for a
    usage line, ("fail", message) for a failure without an errno."""
    sp.run(line)
    start = sp.pos
    sp.sync()
    out = sp.out[start:sp.pos].decode("utf-8", "replace")
    if "   usage: " in out:
        return ("refused", re.search(r"^\S+: (.*)$", out, re.M).group(1))
    m = re.search(r"= -1 ([A-Z0-9]+)", out)
    if m:
        return ("errno", m.group(1))
    m = re.search(r"^\w+\(\w+\): (.*)$", out, re.M)
    if m and not re.search(r"\) = ", out):
        return ("fail", m.group(1))
    return ("ok",)

def lua(sp, expr):
    """The outcome of a Lua expression, in typed()'s terms: an argument error is a refusal,
    nil, message, errno a failure."""
    m = sp.run('lua print("R", pcall(function() return %s end))' % expr, r"\nR\t([^\n]*)\n")
    v = m.group(1).decode().split("\t")
    if v[0] == "false":
        return ("refused", re.sub(r"^.*?bad argument #\d+ to '[^']*' \((.*)\)$", r"\1", v[1]))
    if v[1] == "nil":
        return ("errno", errno.errorcode[int(v[3])]) if v[3] != "nil" else ("fail", v[2])
    return ("ok",)

def prompt_socket(sp, name, kind):
    return int(sp.run("%s = socket %s" % (name, kind), r"= (\d+)  → %s" % name).group(1))

def lua_socket(sp, name, args):
    sp.run("lua %s = socket.socket(%s)" % (name, args))
    return int(sp.run("lua print('fd=' .. %s:fileno())" % name, r"fd=(\d+)").group(1))

def close(sp, *names):
    for n in names:
        sp.run("lua if %s then %s:close() end" % (n, n))

def same(what, p, l, sp):
    assert p == l, "%s: the prompt gives %r, Lua %r\n%s" % (what, p, l, sp.text()[-2500:])

KINDS = [("tcp", socket.AF_INET, socket.SOCK_STREAM), ("udp", socket.AF_INET, socket.SOCK_DGRAM),
         ("tcp6", socket.AF_INET6, socket.SOCK_STREAM), ("udp6", socket.AF_INET6, socket.SOCK_DGRAM),
         ("unix", socket.AF_UNIX, socket.SOCK_STREAM), ("unix-dgram", socket.AF_UNIX, socket.SOCK_DGRAM),
         ("tcp4", socket.AF_INET, socket.SOCK_STREAM), ("UDP", socket.AF_INET, socket.SOCK_DGRAM)]

@test
def socket_kinds_are_one_list():
    sp = Sockplay()
    for i, (kind, family, type_) in enumerate(KINDS):
        fp, fl = prompt_socket(sp, "p%d" % i, kind), lua_socket(sp, "l%d" % i, '"%s"' % kind)
        got = [(facts(sp, fd)["family"], facts(sp, fd)["type"]) for fd in (fp, fl)]
        assert got == [(family, type_)] * 2, "%s: prompt, Lua %r; Python's %r" % (kind, got, (family, type_))
        close(sp, "p%d" % i, "l%d" % i)
    fp = prompt_socket(sp, "p", "AF_INET6 SOCK_DGRAM")
    fl = lua_socket(sp, "l", "socket.AF_INET6, socket.SOCK_DGRAM")
    for fd in (fp, fl):
        assert (facts(sp, fd)["family"], facts(sp, fd)["type"]) == (socket.AF_INET6, socket.SOCK_DGRAM)
    close(sp, "p", "l")
    # An unknown kind: both refuse, naming the same kinds.
    p, l = typed(sp, "socket sctp"), lua(sp, 'socket.socket("sctp")')
    assert p[0] == l[0] == "refused", (p, l)
    words = [re.search(r"((?:[\w-]+, )+[\w-]+ or [\w-]+)", x[1]).group(1) for x in (p, l)]
    same("the kinds named", words[0], words[1], sp)
    assert words[0] == "tcp, udp, tcp6, udp6, unix or unix-dgram", words[0]
    sp.close()

# bind's address forms: (typed, Lua, the address Python's bind would give).
BIND_FORMS = [('"" 0', '"", 0', "0.0.0.0"), ("* 0", '"*", 0', "0.0.0.0"), ("0", "0", "0.0.0.0"),
              ("127.0.0.1 0", '"127.0.0.1", 0', "127.0.0.1"), ("127.0.0.1 0", '{"127.0.0.1", 0}', "127.0.0.1"),
              ("localhost 0", '"localhost", "0"', "127.0.0.1")]

@test
def address_forms_are_read_the_same_way():
    sp = Sockplay()
    for i, (t, l, host) in enumerate(BIND_FORMS):
        fp, fl = prompt_socket(sp, "p%d" % i, "udp"), lua_socket(sp, "l%d" % i, '"udp"')
        p, q = typed(sp, "bind p%d %s" % (i, t)), lua(sp, "l%d:bind(%s)" % (i, l))
        same("bind %s" % t, p, q, sp)
        names = [facts(sp, fd)["name"] for fd in (fp, fl)]
        assert [n[0] for n in names] == [host, host] and all(n[1] for n in names), (t, l, names)
        close(sp, "p%d" % i, "l%d" % i)
    # A port in use, a refused connection, a service name, a port out of range, no port.
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    closed = free_port()
    cases = [("bind {} 127.0.0.1 %d" % port, '{}:bind("127.0.0.1", %d)' % port, ("errno", "EADDRINUSE")),
             ("bind {} 127.0.0.1 %d" % port, '{}:bind("127.0.0.1", "%d")' % port, ("errno", "EADDRINUSE")),
             ("connect {} 127.0.0.1 %d" % closed, '{}:connect("127.0.0.1", %d)' % closed, ("errno", "ECONNREFUSED")),
             ("connect {} 127.0.0.1 99999", '{}:connect("127.0.0.1", 99999)', None),
             ("connect {} 127.0.0.1", '{}:connect("127.0.0.1")', None),
             ("connect {}", "{}:connect()", None)]
    for i, (t, l, want) in enumerate(cases):
        prompt_socket(sp, "a%d" % i, "tcp"), lua_socket(sp, "b%d" % i, '"tcp"')
        p, q = typed(sp, t.format("a%d" % i)), lua(sp, l.format("b%d" % i))
        if want:
            assert p == q == want, "%s: prompt %r, Lua %r, want %r" % (t, p, q, want)
        else:
            assert p[0] == q[0] and p[0] in ("refused", "fail"), "%s: prompt %r, Lua %r" % (t, p, q)
        close(sp, "a%d" % i, "b%d" % i)
    busy.close()
    fp, fl = prompt_socket(sp, "u", "udp"), lua_socket(sp, "v", '"udp"')
    p, q = typed(sp, "connect u 127.0.0.1"), lua(sp, 'v:connect("127.0.0.1")')
    same("connect without PORT", p, q, sp)
    try:
        dns = socket.getservbyname("domain", "udp")
    except OSError:
        dns = None
    if dns:
        p, q = typed(sp, "connect u 127.0.0.1 domain"), lua(sp, 'v:connect("127.0.0.1", "domain")')
        same("connect to a service name", p, q, sp)
        assert [facts(sp, fd)["peer"] for fd in (fp, fl)] == [("127.0.0.1", dns)] * 2
    close(sp, "u", "v")
    # A unix PATH.
    d = tempfile.mkdtemp()
    fp, fl = prompt_socket(sp, "x", "unix"), lua_socket(sp, "y", '"unix"')
    p, q = typed(sp, "bind x %s/x.sock" % d), lua(sp, 'y:bind("%s/y.sock")' % d)
    same("bind PATH", p, q, sp)
    assert [facts(sp, fd)["name"] for fd in (fp, fl)] == [d + "/x.sock", d + "/y.sock"]
    sp.close()

# shutdown's names: typed, as Lua gives it, Python's how.
SHUTDOWNS = [("rd", '"rd"', socket.SHUT_RD), ("wr", '"wr"', socket.SHUT_WR), ("rdwr", '"rdwr"', socket.SHUT_RDWR),
             ("SHUT_RD", "socket.SHUT_RD", socket.SHUT_RD), ("SHUT_WR", '"SHUT_WR"', socket.SHUT_WR),
             ("shut_rdwr", "socket.SHUT_RDWR", socket.SHUT_RDWR)]

def after_shutdown(s, peer):
    """What a shutdown left: the TCP state, what recv on the socket and on its peer gives."""
    def recv(x):
        try:
            return x.recv(1, socket.MSG_DONTWAIT) or "eof"
        except BlockingIOError:
            return "EAGAIN"
    time.sleep(0.1 * SCALE)
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0], recv(s), recv(peer)

@test
def shutdown_names_mean_the_same_at_the_prompt_in_lua_and_in_python():
    sp = Sockplay()
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    port = srv.getsockname()[1]
    for i, (t, l, how) in enumerate(SHUTDOWNS):
        fp = prompt_socket(sp, "p%d" % i, "tcp")
        typed(sp, "connect p%d 127.0.0.1 %d" % (i, port))
        pp, _ = srv.accept()
        fl = lua_socket(sp, "l%d" % i, '"tcp"')
        lua(sp, 'l%d:connect("127.0.0.1", %d)' % (i, port))
        lp, _ = srv.accept()
        q = socket.create_connection(("127.0.0.1", port))
        qp, _ = srv.accept()
        p, r = typed(sp, "shutdown p%d %s" % (i, t)), lua(sp, "l%d:shutdown(%s)" % (i, l))
        assert p == r == ("ok",), (t, p, r)
        q.shutdown(how)
        with grab(sp.p.pid, fp) as a, grab(sp.p.pid, fl) as b:
            got = [after_shutdown(a, pp), after_shutdown(b, lp), after_shutdown(q, qp)]
        assert got[0] == got[1] == got[2], "shutdown %s: prompt %r, Lua %r, Python %r" % (t, *got)
        close(sp, "p%d" % i, "l%d" % i)
        for x in (pp, lp, q, qp):
            x.close()
    prompt_socket(sp, "z", "tcp"), lua_socket(sp, "w", '"tcp"')
    p, r = typed(sp, "shutdown z both"), lua(sp, 'w:shutdown("both")')
    assert p[0] == r[0] == "refused" and "rd, wr or rdwr" in p[1] and "rd, wr or rdwr" in r[1], (p, r)
    srv.close()
    sp.close()

# settimeout/setblocking sequences: typed, Lua, Python's calls (None: the values are refused).
TIMEOUTS = [
    (["settimeout {} 2.5"], ["{}:settimeout(2.5)"], [("settimeout", 2.5)]),
    (["settimeout {} 0"], ["{}:settimeout(0)"], [("settimeout", 0)]),
    (["settimeout {} 0", "settimeout {} none"], ["{}:settimeout(0)", "{}:settimeout(nil)"], [("settimeout", 0), ("settimeout", None)]),
    (["settimeout {} 3", "settimeout {} none"], ["{}:settimeout(3)", "{}:settimeout()"], [("settimeout", 3), ("settimeout", None)]),
    (["setblocking {} off", "settimeout {} 1.5"], ["{}:setblocking(false)", "{}:settimeout(1.5)"],
     [("setblocking", False), ("settimeout", 1.5)]),
    (["settimeout {} 4", "setblocking {} on"], ["{}:settimeout(4)", "{}:setblocking(true)"], [("settimeout", 4), ("setblocking", True)]),
    (["settimeout {} 4", "setblocking {} off"], ["{}:settimeout(4)", "{}:setblocking(false)"], [("settimeout", 4), ("setblocking", False)]),
    (["settimeout {} 1e-9"], ["{}:settimeout(1e-9)"], None),
    (["settimeout {} -1"], ["{}:settimeout(-1)"], [("settimeout", -1)]),
    (["settimeout {} nan"], ["{}:settimeout(0/0)"], [("settimeout", float("nan"))]),
]

def python_timeout(steps):
    """Python's outcome of the steps: ("ok", gettimeout()) or ("refused", None)."""
    src = ("import socket\nu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
           "try:\n    for how, v in %r:\n        getattr(u, how)(v)\n    print('ok', u.gettimeout())\n"
           "except (ValueError, TypeError):\n    print('refused None')\n" % (steps,))
    out = subprocess.run([PY, "-c", src.replace("nan)", "float('nan'))")], stdout=subprocess.PIPE, timeout=10).stdout.decode().split()
    return out[0], None if out[1] == "None" else float(out[1])

@test
def settimeout_and_setblocking_are_one_rule():
    sp = Sockplay()
    for i, (t, l, py) in enumerate(TIMEOUTS):
        fp, fl = prompt_socket(sp, "p%d" % i, "udp"), lua_socket(sp, "l%d" % i, '"udp"')
        p = [typed(sp, x.format("p%d" % i)) for x in t][-1]
        r = [lua(sp, x.format("l%d" % i)) for x in l][-1]
        same(" ; ".join(t), p[0], r[0], sp)
        fa, fb = facts(sp, fp), facts(sp, fl)
        keys = ("nonblocking", "rcvtimeo", "sndtimeo")
        same(" ; ".join(t), [fa[k] for k in keys], [fb[k] for k in keys], sp)
        if py:
            want = python_timeout(py)
            got = (p[0], python_view(fa) if p[0] == "ok" else None)
            assert got == want, "%s: sockplay %r, Python %r" % (t, got, want)
        close(sp, "p%d" % i, "l%d" % i)
    sp.close()

@test
def poll_names_the_same_events_both_ways():
    sp = Sockplay()
    port = int(sp.run("s = socket tcp; bind s 127.0.0.1 0", r"picked 127\.0\.0\.1:(\d+)").group(1))
    sp.run("listen s")
    sp.run("idle = socket tcp; bind idle 127.0.0.1 0; listen idle")
    sp.run("c = socket tcp; connect c 127.0.0.1 %d" % port)
    sp.run("u = socket udp; bind u 127.0.0.1 0")
    uport = facts(sp, int(sp.run("lua print('fd=' .. u:fileno())", r"fd=(\d+)").group(1)))["name"][1]
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", uport))
    time.sleep(0.1 * SCALE)
    names = ["s", "idle", "c", "u"]
    for typed_timeout, lua_timeout in (("0", "0"), ("0ms", "0"), ("0.2s", "0.2")):
        sp.send("poll %s %s" % (" ".join(names), typed_timeout))
        n = int(sp.expect(r"poll\(\[[^\]]*\], 4, \d+\) = (\d+)").group(1))
        events = [sp.expect(r"\n\s+%s\s+(\S+)" % re.escape(x)).group(1).decode() for x in names]
        m = sp.run('lua local n, e = socket.poll({%s}, %s); print("P", n, table.concat(e, ","))' % (", ".join(names), lua_timeout),
                   r"\nP\t(\d+)\t([^\n]*)\n")
        ln, lev = int(m.group(1)), [e or "-" for e in m.group(2).decode().split(",")]
        same("poll %s" % typed_timeout, (n, events), (ln, lev), sp)
        assert events[0] == "POLLIN" and events[1] == "-" and "POLLOUT" in events[2] and events[3].startswith("POLLIN"), events
    # Timeouts out of range are refused both ways.
    r = lua(sp, "socket.poll({s}, 86401)")
    assert r[0] == "refused" and "0 to 86400" in r[1], r
    sp.close()

if __name__ == "__main__":
    main()
