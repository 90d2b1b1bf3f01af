"""The packet capture (src/wire, issue 13) driven by build/wire_probe: while a Python
client and server make a TCP connection, send "hello" and close, and a UDP datagram goes
to a closed port, the probe prints each packet once, with relative sequence numbers, and
saves a pcap file that tcpdump reads with the same count. Run in a user + network
namespace (`unshare -rn`, no root needed), there as uid 65534, and as plain root; without
CAP_NET_RAW the probe says why and names `sockplay --lab`."""
import errno, json, os, re, select, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

PROBE = os.environ.get("WIRE_PROBE") or os.path.join(ROOT, "build", "wire_probe")
HERE = os.path.abspath(__file__)

class Probe:
    """wire_probe with line-wise, bounded reads."""
    def __init__(self):
        self.p = subprocess.Popen([PROBE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        os.set_blocking(self.p.stdout.fileno(), False)
        self.buf = b""
        self.lines = []

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def wait_for(self, prefix, timeout=5.0):
        """The first line starting with prefix (or 'error'); every line read is kept."""
        until = time.monotonic() + timeout * SCALE
        while True:
            for i, l in enumerate(self.lines):
                if l.startswith(prefix) or l.startswith("error"):
                    del self.lines[i]
                    self.seen.append(l)
                    return l
            left = until - time.monotonic()
            if left <= 0:
                raise Fail("wire_probe: no %r within %.0fs; it printed %r" % (prefix, timeout, self.seen + self.lines))
            r, _, _ = select.select([self.p.stdout], [], [], left)
            chunk = self.p.stdout.read() if r else b""
            if r and not chunk:
                raise Fail("wire_probe ended before %r; it printed %r" % (prefix, self.seen + self.lines))
            self.buf += chunk or b""
            *done, self.buf = self.buf.split(b"\n")
            self.lines += [d.decode("utf-8", "replace") for d in done]
    seen = []

def bound_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]

def inner(lo_up, work):
    """In the namespace (or as root): the probe, the traffic, the saves into work; prints one JSON line."""
    if lo_up:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    res = {}
    probe = Probe()
    first = probe.wait_for("ready")
    if first.startswith("error"):
        res["error"] = first
        print(json.dumps(res))
        probe.p.kill()
        return
    try:
        ls, P = bound_port(socket.SOCK_STREAM)
        ls.listen()
        c, CP = bound_port(socket.SOCK_STREAM)
        u, U = bound_port(socket.SOCK_DGRAM)
        other, O = bound_port(socket.SOCK_DGRAM)
        z, Z = bound_port(socket.SOCK_DGRAM)
        z.close()                                   # Z: a closed UDP port
        probe.send("name %d s" % P); probe.wait_for("ok name")
        probe.send("name %d c" % CP); probe.wait_for("ok name")
        probe.send("ports %d" % P); probe.wait_for("ok ports 1")
        c.settimeout(5); ls.settimeout(5)
        c.connect(("127.0.0.1", P))
        a, _ = ls.accept()
        a.settimeout(5)
        c.sendall(b"hello")
        res["got"] = a.recv(10).decode()
        c.close()
        res["eof"] = a.recv(10) == b""
        a.close()
        other.sendto(b"not mine", ("127.0.0.1", Z))   # a port outside the set: never shown
        time.sleep(0.05)
        probe.send("ports %d %d" % (P, U)); probe.wait_for("ok ports 2")
        u.connect(("127.0.0.1", Z))
        u.send(b"hi")
        u.settimeout(5)
        try:
            u.recv(10)
            res["udp_recv"] = "data"
        except OSError as e:
            res["udp_recv"] = errno.errorcode.get(e.errno, str(e.errno))
        time.sleep(0.05)
        probe.send("stop")
        res["stats"] = probe.wait_for("stats", 10)
        path = os.path.join(work, "w.pcap")
        probe.send("save " + path); res["saved"] = probe.wait_for("save")
        probe.send("save " + path); res["saved_again"] = probe.wait_for("save")
        os.symlink(path, os.path.join(work, "link.pcap"))
        probe.send("save " + os.path.join(work, "link.pcap")); res["via_symlink"] = probe.wait_for("save")
        with open(os.path.join(work, "notes.txt"), "w") as f:
            f.write("mine\n")
        probe.send("save " + os.path.join(work, "notes.txt")); res["foreign"] = probe.wait_for("save")
        probe.send("save " + os.path.join(work, "notes.txt") + " force"); res["forced"] = probe.wait_for("save")
        res["notes_is_pcap"] = open(os.path.join(work, "notes.txt"), "rb").read(4) in (b"\x4d\x3c\xb2\xa1", b"\xd4\xc3\xb2\xa1")
        probe.p.stdin.close()
        probe.p.wait(timeout=10 * SCALE)
        res["rc"] = probe.p.returncode
        res["lines"] = [l[4:] for l in probe.seen + probe.lines if l.startswith("pkt ")]
        res["other"] = [l for l in probe.seen + probe.lines if not l.startswith(("pkt ", "ok ", "ready", "stats", "save"))]
        res["ports"] = {"P": P, "CP": CP, "U": U, "Z": Z, "O": O}
        res["tmp_left"] = [f for f in os.listdir(work) if f.startswith(".")]
    finally:
        if probe.p.poll() is None:
            probe.p.kill()
    print(json.dumps(res))

def run_inner(prefix, lo_up, python=sys.executable):
    """The inner part under prefix; then tcpdump -r on what it saved, out here (in the
    namespace tcpdump cannot drop to its own user)."""
    work = tempfile.mkdtemp()
    os.chmod(work, 0o777)
    try:
        cmd = prefix + [python, HERE, "--inner", work] + (["--lo-up"] if lo_up else [])
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60 * SCALE, env=env(WIRE_PROBE=PROBE))
        last = r.stdout.strip().splitlines()[-1:] if r.stdout.strip() else []
        if r.returncode != 0 or not last:
            raise Fail("%s failed (%d): %s %s" % (" ".join(cmd), r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
        res = json.loads(last[0])
        if "error" not in res:
            td = subprocess.run(["tcpdump", "-n", "-r", os.path.join(work, "w.pcap")], capture_output=True, text=True,
                                timeout=10 * SCALE)
            res["tcpdump"] = td.stdout.splitlines()
            res["tcpdump_err"] = td.stderr.strip()
        return res
    finally:
        shutil.rmtree(work, ignore_errors=True)

def once(lines, pattern, what):
    hits = [i for i, l in enumerate(lines) if re.fullmatch(pattern, l)]
    if len(hits) != 1:
        raise Fail("%s: want exactly one line matching %r, got %d in:\n  %s" % (what, pattern, len(hits), "\n  ".join(lines)))
    return hits[0]

def check_capture(res):
    if "error" in res:
        raise Fail("the capture did not open: " + res["error"])
    L, p = res["lines"], res["ports"]
    c, s = "c 127.0.0.1:%d" % p["CP"], "s 127.0.0.1:%d" % p["P"]
    syn = once(L, r"%s → %s  SYN seq=0 win=\d+" % (c, s), "SYN")
    synack = once(L, r"%s → %s  SYN\+ACK seq=0 ack=1 win=\d+" % (s, c), "SYN+ACK")
    ack = once(L, r"%s → %s  ACK ack=1" % (c, s), "the handshake's ACK")
    data = once(L, r'%s → %s  PSH\+ACK seq=1:6 ack=1 len=5 "hello"' % (c, s), "the data")
    once(L, r"%s → %s  (PSH\+)?ACK ack=6" % (s, c), "the data's ACK")
    fin1 = once(L, r"%s → %s  FIN\+ACK seq=6 ack=1" % (c, s), "c's FIN")
    fin2 = once(L, r"%s → %s  FIN\+ACK seq=1 ack=7" % (s, c), "s's FIN")
    last = once(L, r"%s → %s  ACK ack=2" % (c, s), "the last ACK")
    if not syn < synack < ack < data < fin1 < fin2 < last:
        raise Fail("packets out of order:\n  " + "\n  ".join(L))
    udp = once(L, r'UDP 127.0.0.1:%d → 127.0.0.1:%d len=2 "hi"' % (p["U"], p["Z"]), "the datagram")
    icmp = once(L, r"ICMP port unreachable for UDP 127.0.0.1:%d → 127.0.0.1:%d" % (p["U"], p["Z"]), "the ICMP")
    if not udp < icmp:
        raise Fail("ICMP before its datagram:\n  " + "\n  ".join(L))
    if any(":%d " % p["O"] in l + " " for l in L) or any("not mine" in l for l in L):
        raise Fail("a packet outside the port set was shown:\n  " + "\n  ".join(L))
    if res["udp_recv"] != "ECONNREFUSED" or res["got"] != "hello" or not res["eof"]:
        raise Fail("the traffic itself went wrong: %r" % res)
    m = re.fullmatch(r"stats seen=(\d+) dropped=(\d+) ifdropped=\d+ unsaved=(\d+)", res["stats"])
    if not m or int(m.group(1)) != len(L) or m.group(2) != "0" or m.group(3) != "0":
        raise Fail("stats %r for %d lines" % (res["stats"], len(L)))
    if res["saved"] != "saved %d" % len(L) or res["saved_again"] != res["saved"]:
        raise Fail("wire_save: %r then %r for %d packets" % (res["saved"], res["saved_again"], len(L)))
    if len(res["tcpdump"]) != len(L):
        raise Fail("tcpdump -r read %d packets, the probe showed %d (%s):\n  %s" % (
            len(res["tcpdump"]), len(L), res["tcpdump_err"], "\n  ".join(res["tcpdump"])))
    if "symbolic link" not in res["via_symlink"] or not res["via_symlink"].startswith("save-error"):
        raise Fail("saving through a symlink: %r" % res["via_symlink"])
    if "did not write it" not in res["foreign"] or res["forced"] != res["saved"] or not res["notes_is_pcap"]:
        raise Fail("a file sockplay did not write: %r, forced: %r" % (res["foreign"], res["forced"]))
    if res["other"] or res["rc"] != 0 or res["tmp_left"]:
        raise Fail("probe said %r, exit %r, temporary files left %r" % (res["other"], res["rc"], res["tmp_left"]))

@test
def wire_in_user_namespace():
    """`unshare -rn`: a user and network namespace, as sockplay --lab makes; no root needed."""
    ok, why = can_unshare([])
    if not ok:
        raise Skip("unshare -rn is not allowed here: " + why)
    check_capture(run_inner(["unshare", "-rn"], True))

@test
def wire_as_nobody_in_user_namespace():
    """The same as uid 65534, which has no privilege at all outside its namespace."""
    python = nobody_in_namespace(PROBE)
    check_capture(run_inner(NOBODY + ["unshare", "-rn"], True, python))

@test
def wire_as_root():
    """Plain root on the machine's own loopback: the port filter keeps other traffic out."""
    if os.geteuid() != 0:
        raise Skip("not root")
    check_capture(run_inner([], False))

@test
def wire_without_privilege_says_why():
    """No CAP_NET_RAW: the probe does not start, and the message says why and what to type."""
    prefix = NOBODY if os.geteuid() == 0 else []
    if os.geteuid() == 0 and subprocess.run(NOBODY + ["true"]).returncode != 0:
        raise Skip("setpriv does not work here")
    r = subprocess.run(prefix + [PROBE], input="", capture_output=True, text=True, timeout=10 * SCALE)
    out = r.stdout.strip()
    if r.returncode != 2 or "CAP_NET_RAW" not in out or "sockplay --lab" not in out or "sudo sockplay" not in out:
        raise Fail("want exit 2 and a message naming CAP_NET_RAW, sockplay --lab and sudo; got %d %r %r"
                   % (r.returncode, out, r.stderr))

@test
def sockplay_loads_libpcap_only_when_the_wire_is_on():
    """libpcap brings libdbus, libsystemd and libgcrypt: linked, they doubled every session's
    start-up. sockplay opens it when the wire is turned on, so a plain session never maps it."""
    out = subprocess.run(["ldd", SOCKPLAY], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10).stdout.decode()
    assert "libpcap" not in out and "libgcrypt" not in out, out

if __name__ == "__main__":
    if "--inner" in sys.argv:
        inner("--lo-up" in sys.argv, sys.argv[sys.argv.index("--inner") + 1])
    else:
        if not os.access(PROBE, os.X_OK):
            print("FAIL %s is missing: make %s" % (PROBE, os.path.relpath(PROBE, ROOT)))
            sys.exit(1)
        main()
