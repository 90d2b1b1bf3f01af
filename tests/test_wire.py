"""`wire on` (issue 13): sockplay with a command pipe, in `unshare -rn` (a user + network
namespace, no root), there as uid 65534, and as `sockplay --lab`: a listener and a client of
one session show SYN, SYN+ACK, ACK under connect (each once, with the session's names);
shutdown and close show the FIN/ACK exchange; a datagram to a closed port shows the datagram
and the ICMP port unreachable, and the next recvfrom fails with ECONNREFUSED; `wire save`
writes a pcap file in which `tcpdump -r` counts the packets `wire` lists; a peer program's
FIN appears while sockplay waits for its next command; no capture socket exists after `wire
off`. Without CAP_NET_RAW, `wire on` says why and what to type, and nothing else changes."""
import json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

HERE = os.path.abspath(__file__)
PROMPT = r"sockplay(?:\[lab\])?> "

def run(sp, line, pattern=None, timeout=5.0):
    """Sends line, waits for its echo (after either prompt), then for pattern."""
    sp.send(line)
    sp.expect(PROMPT + re.escape(line))
    if pattern:
        return sp.expect(pattern, timeout)

def blocks(text):
    """The output after each command, keyed by the command (the last of equal commands wins)."""
    parts = re.split(r"^" + PROMPT + r"(.*)$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}

def once(block, pattern, what):
    n = len(re.findall(r"^" + pattern + r"$", block, re.M))
    if n != 1:
        raise Fail("%s: want one line matching %r, got %d in:\n%s" % (what, pattern, n, block))

def end(name, port=r"\d+"):
    """An end as the drawing names it: "c 127.0.0.1:41428", "c :41428" or "c"."""
    return r"%s(?: (?:127\.0\.0\.1)?:%s)?" % (name, port)

def arrow(left, label, right, rightward=True, lstate=None, rstate=None):
    """A drawn packet: time, the left end's new state, left ── label ──▶ right (or ◀──), the
    right end's new state, then anything (the payload's start)."""
    return (r"\s+\d+\.\d+m?s  " + (lstate + r"\s+" if lstate else r"(?:\s{2,})?") + left + " " +
            (r"── %s ─*▶" % label if rightward else r"◀── %s ─*" % label) + " " + right +
            (r"\s+" + rstate if rstate else r"(?:  \s*)?") + r"(?:  .*)?")

def packet_sockets():
    """The packet sockets of this network namespace (/proc/net/packet)."""
    with open("/proc/net/packet") as f:
        return len(f.read().splitlines()) - 1

def session(args, work, peer):
    """Drives one sockplay; returns what the outer test checks (and the transcript)."""
    sp = Sockplay(*args)
    res = {}
    try:
        run(sp, "wire on", r"wire on: ")
        run(sp, "s = socket tcp", r"→ s")
        run(sp, "bind s 127.0.0.1 7788", r"= 0")
        run(sp, "listen s", r"LISTEN")
        run(sp, "conn = accept s &", r"\[1\] accept")
        run(sp, "c = socket tcp", r"→ c")
        run(sp, "connect c 127.0.0.1 7788", r"= 0")
        sp.expect(r"\[1\] accept\(s\) = \d+  → conn")
        # Lua sees the same packets: socket.packets() with the session's names.
        run(sp, 'lua for _, p in ipairs(socket.packets()) do if p.flags == "SYN" then print("luasyn", p.fromname, p.toname, p.seq, p.proto) end end',
            r"luasyn\tc\t(s|conn)\t0\tTCP")
        run(sp, 'lua for _, p in ipairs(socket.packets()) do if p.flags == "SYN+ACK" then print("luasynack", p.fromstate, p.tostate, p.retrans) end end',
            r"luasynack\tSYN_RECV\tESTABLISHED\tnil")
        time.sleep(0.2)
        run(sp, "shutdown c wr", r"= 0")
        time.sleep(0.2)
        run(sp, "close conn", r"= 0")
        time.sleep(0.2)
        run(sp, "close c", r"= 0")
        run(sp, "u = socket udp", r"→ u")
        run(sp, "connect u 127.0.0.1 9", r"= 0")
        run(sp, "sendto u 127.0.0.1 9 \"hi\"", r"= 2")
        run(sp, "settimeout u 2", r"= 0")
        run(sp, "recvfrom u", r"ECONNREFUSED")
        if peer:
            # A long transfer to a program that reads it all: summed in one line, not drawn.
            sink = socket.socket()
            sink.bind(("127.0.0.1", 0))
            sink.listen(1)
            def drain():
                a, _ = sink.accept()
                while a.recv(1 << 16):
                    pass
                a.close()
            th = threading.Thread(target=drain, daemon=True)
            th.start()
            res["sink_port"] = sink.getsockname()[1]
            run(sp, "k = socket tcp", r"→ k")
            run(sp, "connect k 127.0.0.1 %d" % res["sink_port"], r"= 0")
            run(sp, 'lua k:sendall(string.rep("x", 1100000))', r"\n(true|nil)")
            run(sp, "close k", r"= 0")
            th.join(5)
            sink.close()
            run(sp, "p = socket tcp", r"→ p")
            run(sp, "bind p 127.0.0.1 7799", r"= 0")
            run(sp, "listen p", r"LISTEN")
            prog = subprocess.Popen([sys.executable, "-c",
                                     "import socket, time\n"
                                     "s = socket.create_connection(('127.0.0.1', 7799), timeout=5)\n"
                                     "time.sleep(0.7)\ns.close()\ntime.sleep(0.5)\n"])
            try:
                run(sp, "pc = accept p", r"→ pc")
                # Nothing more is typed: the peer's FIN is printed while sockplay waits.
                sp.expect(r"\n" + arrow(r"127\.0\.0\.1:\d+", r"FIN\+ACK seq=1 ack=1", end("pc", "7799"), True, "FIN_WAIT1",
                                         "CLOSE_WAIT"), 5)
                res["async"] = True
            finally:
                prog.wait(timeout=10 * SCALE)
            run(sp, "close pc p", r"= 0")
        res["packet_sockets_on"] = packet_sockets() if not args else -1
        m = run(sp, "wire 10000", r"wire on: (\d+) packets seen, 0 dropped")
        res["seen"] = int(m.group(1))
        # socket.wirestats(): the same counts as `wire` (no call since: nothing new was read).
        m = run(sp, 'lua local w = socket.wirestats(); print("luastats", w.packets, w.drops, w.ifdrops, w.unsaved)',
                r"luastats\t(\d+)\t(\d+)\t(\d+)\t(\d+)")
        res["luastats"] = [int(x) for x in m.groups()]
        m = run(sp, "wire save %s/x.pcap" % work, r"(\d+) packets written to")
        res["saved"] = int(m.group(1))
        run(sp, "wire off", r"wire off")
        m = run(sp, 'lua print("luaoff", socket.wirestats())', r"luaoff\t(\S+)")
        res["luaoff"] = m.group(1).decode()
        run(sp, "# off")
        res["packet_sockets_off"] = packet_sockets() if not args else -1
        sp.close()
    finally:
        if sp.p.poll() is None:
            sp.p.kill()
    res["text"] = sp.text()
    return res

def inner(work):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    try:
        res = session([], work, True)
    except Fail as e:
        res = {"error": str(e)}
    print(json.dumps(res))

def check(res, work, lab=False):
    if "error" in res:
        raise Fail(res["error"])
    text = res["text"]
    b = blocks(text)
    listed = [l for l in b["wire 10000"].splitlines() if re.match(r"\s+\d+\.\d+m?s  ", l)]
    con = b["connect c 127.0.0.1 7788"]
    C, S, CONN = end("c"), end("s", "7788"), end("conn", "7788")
    once(con, arrow(C, "SYN seq=0", S, True, "SYN_SENT"), "SYN under connect")
    once(con, arrow(C, r"SYN\+ACK seq=0 ack=1", S, False, "ESTABLISHED", "SYN_RECV"), "SYN+ACK under connect")
    once(con, arrow(C, "ACK ack=1", S, True, None, "ESTABLISHED"), "ACK under connect")
    if not re.search(r"^connect\(c, 127\.0\.0\.1:7788\) = 0  \(3 packets, \d+\.\d+ ms\)", con, re.M):
        raise Fail("the result line does not count the handshake's packets:\n" + con)
    # The table names the packet that changed a state.
    if not re.search(r"^\*\s+\d+\s+c\s.*ESTABLISHED.*  ESTABLISHED ← SYN\+ACK from s$", con, re.M):
        raise Fail("c's row does not say which packet made it ESTABLISHED:\n" + con)
    if not re.search(r"^\*\s+\d+\s+conn\s.*CLOSE_WAIT.*  CLOSE_WAIT ← FIN\+ACK from c$", b["shutdown c wr"], re.M):
        raise Fail("conn's row does not say which packet made it CLOSE_WAIT:\n" + b["shutdown c wr"])
    close = b["shutdown c wr"] + b["close conn"] + b["close c"]
    once(close, arrow(C, r"FIN\+ACK seq=1 ack=1", CONN, True, "FIN_WAIT1", "CLOSE_WAIT"), "c's FIN under shutdown")
    once(close, arrow(C, r"FIN\+ACK seq=1 ack=2", CONN, False, "TIME_WAIT", "LAST_ACK"), "conn's FIN under close")
    once(close, arrow(C, "ACK ack=2", CONN, True, None, "CLOSED"), "the last ACK")
    if "FIN" not in b["shutdown c wr"]:
        raise Fail("no FIN under shutdown:\n" + b["shutdown c wr"])
    udp = b['sendto u 127.0.0.1 9 "hi"']
    once(udp, arrow(end("u"), "UDP len=2", r"127\.0\.0\.1:9", True) , "the datagram")
    if '"hi"' not in udp:
        raise Fail("the datagram's payload is not shown:\n" + udp)
    once(udp, arrow(end("u"), "ICMP port unreachable", r"127\.0\.0\.1:9", False), "the ICMP")
    if not lab:
        bulk = b['lua k:sendall(string.rep("x", 1100000))']
        data = re.findall(r"^\s+\d+\.\d+m?s  .* len=\d+ ", bulk, re.M)
        m = re.search(r"^  … (\d+) more segments, [\d.]+ (kB|MB), k → 127\.0\.0\.1:%d \(and (\d+) ACKs\)$" % res["sink_port"],
                      bulk, re.M)
        if len(data) != 8 or not m:
            raise Fail("a long transfer: want 8 data segments drawn and the rest summed, got %d:\n%s" % (len(data), bulk))
    if not lab and not res.get("async"):
        raise Fail("the peer's FIN was not printed while sockplay waited")
    if res["seen"] != len(listed) or res["saved"] != len(listed):
        raise Fail("wire saw %d, listed %d, saved %d" % (res["seen"], len(listed), res["saved"]))
    if res["luastats"] != [res["seen"], 0, 0, 0] or res["luaoff"] != "nil":
        raise Fail("socket.wirestats() gave {packets, drops, ifdrops, unsaved} = %r with `wire` at %d seen, and %s after wire off"
                   % (res["luastats"], res["seen"], res["luaoff"]))
    td = subprocess.run(["tcpdump", "-n", "-r", os.path.join(work, "x.pcap")], capture_output=True, text=True,
                        timeout=10 * SCALE)
    if len(td.stdout.splitlines()) != len(listed):
        raise Fail("tcpdump -r counted %d packets, wire listed %d: %s" % (len(td.stdout.splitlines()), len(listed), td.stderr))
    if res["packet_sockets_on"] != -1 and (res["packet_sockets_on"] < 1 or res["packet_sockets_off"] != 0):
        raise Fail("packet sockets: %d with the wire on, %d after wire off" % (res["packet_sockets_on"], res["packet_sockets_off"]))

def run_inner(prefix, python=sys.executable):
    work = tempfile.mkdtemp()
    os.chmod(work, 0o777)
    try:
        cmd = prefix + ["unshare", "-rn", python, HERE, "--inner", work]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60 * SCALE, env=env(SOCKPLAY=os.path.abspath(SOCKPLAY)))
        last = r.stdout.strip().splitlines()[-1:]
        if r.returncode != 0 or not last:
            raise Fail("%s failed (%d): %s %s" % (" ".join(cmd), r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
        check(json.loads(last[0]), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

@test
def wire_in_user_namespace():
    ok, why = can_unshare([])
    if not ok:
        raise Skip("unshare -rn is not allowed here: " + why)
    run_inner([])

@test
def wire_as_nobody_in_user_namespace():
    python = nobody_in_namespace(SOCKPLAY)
    run_inner(NOBODY, python)

@test
def wire_in_lab():
    """sockplay --lab, no unshare around it (the peer program is test_lab's part)."""
    ok, why = can_unshare([])
    if not ok:
        raise Skip("user namespaces are not allowed here: " + why)
    work = tempfile.mkdtemp()
    os.chmod(work, 0o777)
    try:
        check(session(["--lab"], work, False), work, lab=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

@test
def wire_without_privilege_says_why():
    prefix = NOBODY if os.geteuid() == 0 else []
    if os.geteuid() == 0 and subprocess.run(NOBODY + ["true"]).returncode != 0:
        raise Skip("setpriv does not work here")
    r = subprocess.run(prefix + [SOCKPLAY, "-c", "wire on; s = socket tcp; wire"], capture_output=True, text=True,
                       timeout=10 * SCALE, env=env())
    out = r.stdout
    for want in ("CAP_NET_RAW", "sockplay --lab", "sudo sockplay", "socket(AF_INET, SOCK_STREAM) = %d  → s" % FD0,
                 "the wire is off"):
        if want not in out:
            raise Fail("want %r in:\n%s" % (want, out))

if __name__ == "__main__":
    if "--inner" in sys.argv:
        inner(sys.argv[sys.argv.index("--inner") + 1])
    else:
        main()
