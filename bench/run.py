"""make bench: sockplay's Lua bindings against plain C and Python's socket module on the
same three workloads, unpinned and pinned to one CPU; start-up against lua5.4; the state
table at 10/100/1000 sockets; and, with valgrind, each client's user-space instructions.

Every client talks to the same C peer (bench/peer.c) and times its own loop. On a shared
VM the speed drifts by up to 2x within minutes, more than the targets' margins, so a ratio
is only ever taken between runs made back to back: each round runs C, Python and Lua one
after the other (the order rotating), and the figure is the median over the rounds of each
round's ratio. The best time of each client is printed too. The instruction counts
(callgrind) are the same on every run: they show the work each client adds to the kernel's.

The wire (issue 13): the Lua client with the capture on (socket.wire(true)) against the same
client with it off, back to back, in a network namespace of its own (`unshare -rn`, where
capture is allowed without root; as root without it if user namespaces are refused): the
ping-pong's time ratio, and libpcap's drop counts for it and for a 1 GiB bulk transfer.

The lab (issue 14): the Lua client on host A against the C peer on host B (bench/lab.lua, the
peer started with `sockplay --join B --`), through sockplay's switch and through the kernel's
bridge (SOCKPLAY_LAB_SWITCH=bridge), back to back in each round (who goes first alternates),
pinned to one CPU, as uid 65534 when run as root (the lab needs no root): the ping-pong's time
ratio bridge / switch and the bulk transfer's MB/s through each."""
import json, os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(ROOT, "build", "bench")
SOCKPLAY = os.path.join(ROOT, "sockplay")
REPS = int(os.environ.get("BENCH_REPS", "15"))
WORK = {"pingpong": int(os.environ.get("BENCH_PINGPONG", "30000")),   # round trips of 1 byte
        "bulk": int(os.environ.get("BENCH_BULK", "16384")),            # blocks of 64 KiB (1 GiB)
        "churn": int(os.environ.get("BENCH_CHURN", "4000"))}           # connect + close
CLIENTS = {"C": [os.path.join(B, "client")], "Python": [sys.executable, os.path.join(ROOT, "bench", "client.py")],
           "Lua": [SOCKPLAY, os.path.join(ROOT, "bench", "client.lua")]}
PEER_MODE = {"pingpong": "echo", "bulk": "sink", "churn": "churn"}
WIRE = os.environ.get("BENCH_WIRE", "1") != "0"
WIRE_REPS = int(os.environ.get("BENCH_WIRE_REPS", "7"))            # ping-pong rounds of wire off + wire on
WIRE_BULK_REPS = int(os.environ.get("BENCH_WIRE_BULK_REPS", "3"))  # bulk rounds of wire off + wire on
WIRE_WORK = {"pingpong": int(os.environ.get("BENCH_WIRE_PINGPONG", "10000")),
             "bulk": int(os.environ.get("BENCH_WIRE_BULK", "16384"))}
LAB = os.environ.get("BENCH_LAB", "1") != "0"
LAB_REPS = {"pingpong": int(os.environ.get("BENCH_LAB_REPS", "7")),          # rounds of switch + bridge
            "bulk": int(os.environ.get("BENCH_LAB_BULK_REPS", "3"))}
LAB_WORK = {"pingpong": int(os.environ.get("BENCH_LAB_PINGPONG", "10000")),  # round trips of 1 byte
            "bulk": int(os.environ.get("BENCH_LAB_BULK", "4096"))}           # blocks of 64 KiB (256 MiB)


def with_peer(pin, workload, fn):
    """Runs fn(port, pre) with a fresh peer for the workload, pinned to CPU 0 if pin."""
    pre = ["taskset", "-c", "0"] if pin else []
    peer = subprocess.Popen(pre + [os.path.join(B, "peer"), PEER_MODE[workload]], stdout=subprocess.PIPE)
    try:
        return fn(peer.stdout.readline().decode().strip(), pre)
    finally:
        peer.kill()
        peer.wait()


def run_one(pin, workload, client, n=None, extra=(), out=None):
    """The client's time for the workload; with out (a list), its output's lines go there too."""
    def go(port, pre):
        r = subprocess.run(pre + CLIENTS[client] + [workload, port, str(n or WORK[workload])] + list(extra),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        if r.returncode != 0:
            sys.exit("bench: %s %s %s failed:\n%s" % (client, workload, " ".join(extra), r.stdout.decode()[-2000:]))
        if out is not None:
            out.extend(r.stdout.decode().splitlines())
        return float(r.stdout.decode().split()[-1])
    return with_peer(pin, workload, go)


def rounds(pin, workload):
    """REPS rounds of every client back to back; {client: [seconds per round]}."""
    names = list(CLIENTS)
    t = {c: [] for c in names}
    for r in range(REPS):
        for c in names[r % len(names):] + names[:r % len(names)]:   # rotate who goes first
            t[c].append(run_one(pin, workload, c))
    return t


def ratios(t, c):
    """C's time over c's, round by round: 1.00 is as fast as C, 0.90 is 10 % slower."""
    return [a / b for a, b in zip(t["C"], t[c])]


def instructions(workload, client):
    """User-space instructions per iteration under callgrind: the difference between 3000
    and 1000 iterations, so start-up and set-up cancel out."""
    def count(n):
        def go(port, pre):
            r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + CLIENTS[client] +
                               [workload, port, str(n)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
            m = re.search(rb"Collected : (\d+)", r.stderr)
            if r.returncode != 0 or not m:
                sys.exit("bench: callgrind %s %s failed:\n%s" % (client, workload, r.stderr.decode()[-2000:]))
            return int(m.group(1))
        return with_peer(False, workload, go)
    return (count(3000) - count(1000)) / 2000


def tcp_sockets():
    return sum(1 for f in ("/proc/net/tcp", "/proc/net/tcp6") for _ in open(f)) - 2


def startup(n=60):
    """Median wall time of `sockplay EMPTY.lua`, `lua5.4 -e ''` and /bin/true, interleaved."""
    empty = os.path.join(B, "empty.lua")
    open(empty, "w").close()
    cmds = {"sockplay": [SOCKPLAY, empty], "lua5.4": ["lua5.4", "-e", ""], "true": ["/bin/true"]}
    t = {k: [] for k in cmds}
    for _ in range(n):
        for k, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            t[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in t.items()}


def wire_rounds(workload, reps):
    """In the namespace: reps rounds of the Lua client, pinned, wire off and wire on back to
    back (who goes first alternates); {"off": [s], "on": [s], "stats": [{packets, drops, …}]}."""
    t = {"off": [], "on": [], "stats": []}
    n = WIRE_WORK[workload]
    for r in range(reps):
        for mode in (("off", "on") if r % 2 == 0 else ("on", "off")):
            lines = []
            t[mode].append(run_one(True, workload, "Lua", n, ["wire"] if mode == "on" else [], lines))
            if mode == "on":
                w = next((l.split() for l in lines if l.startswith("wire ")), None)
                if not w:
                    sys.exit("bench: the wire client printed no counts:\n" + "\n".join(lines))
                st = dict(zip(w[1::2], w[2::2]))
                t["stats"].append({k: (v if k in ("packet_sockets", "libpcap_before") else int(v)) for k, v in st.items()})
    return t


def wire_inner():
    """Runs inside `unshare -rn` (or as root): loopback up, then the wire's rounds; one JSON line."""
    if subprocess.run(["ip", "link", "set", "lo", "up"], capture_output=True).returncode != 0 and os.geteuid() != 0:
        sys.exit("bench: cannot bring lo up in the namespace")
    print(json.dumps({"pingpong": wire_rounds("pingpong", WIRE_REPS), "bulk": wire_rounds("bulk", WIRE_BULK_REPS)}))


def wire(target):
    """The wire's figures: the rounds run in a network namespace of our own."""
    print("\nthe wire (socket.wire(true), in `unshare -rn`): the Lua client pinned, wire off and wire on back to back")
    print("workloads: ping-pong %d × 1 byte, %d rounds; bulk %d × 64 KiB, %d rounds"
          % (WIRE_WORK["pingpong"], WIRE_REPS, WIRE_WORK["bulk"], WIRE_BULK_REPS))
    sys.stdout.flush()
    me = [sys.executable, os.path.abspath(__file__), "--wire-inner"]
    ok = subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0
    if not ok and os.geteuid() != 0:
        print("  skipped: `unshare -rn` is refused here and this is not root, so nothing may capture")
        target("wire on: ran", "skipped", False, "%s")
        return
    r = subprocess.run((["unshare", "-rn"] if ok else []) + me, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1800)
    last = r.stdout.decode().strip().splitlines()[-1:]
    if r.returncode != 0 or not last:
        print("  failed (%d): %s" % (r.returncode, (r.stdout + r.stderr).decode()[-2000:]))
        target("wire on: ran", "failed", False, "%s")
        return
    res = json.loads(last[0])
    for w in ("pingpong", "bulk"):
        t = res[w]
        ratio = [a / b for a, b in zip(t["on"], t["off"])]
        drops = sum(s["drops"] for s in t["stats"])
        ifdrops = sum(s["ifdrops"] for s in t["stats"])
        pk = [s["packets"] for s in t["stats"]]
        print("  %-9s wire off best %.3f s, wire on best %.3f s;  on / off time %.2f× [%.2f–%.2f]" % (
            w, min(t["off"]), min(t["on"]), statistics.median(ratio), min(ratio), max(ratio)))
        print("  %-9s wire on: %d–%d packets seen per run (%.1f per %s), dropped by the kernel %d, by the interface %d,"
              " not kept for wire save %d (all runs)" % (
            "", min(pk), max(pk), statistics.median(pk) / WIRE_WORK[w], "round trip" if w == "pingpong" else "64 KiB block",
            drops, ifdrops, sum(s["unsaved"] for s in t["stats"])))
        if w == "pingpong":
            # Every round trip is two segments (the byte, its echo carrying the ACK): fewer seen is a loss.
            whole = drops == 0 and ifdrops == 0 and min(pk) >= 2 * WIRE_WORK[w]
            target("wire on: ping-pong loses none", "%d dropped" % (drops + ifdrops) if min(pk) >= 2 * WIRE_WORK[w]
                   else "%d seen < %d" % (min(pk), 2 * WIRE_WORK[w]), whole, "%s")
        else:
            target("wire on: bulk completes", "%d dropped" % (drops + ifdrops), True, "%s")
    socks = sorted({(s["packet_sockets"], s["libpcap_before"]) for w in ("pingpong", "bulk") for s in res[w]["stats"]})
    print("  packet sockets before / during / after the wire: %s; libpcap loaded before socket.wire(true): %s"
          % (", ".join(sorted({p for p, _ in socks})), ", ".join(sorted({l for _, l in socks}))))
    idle = all(p == "0/1/0" and l == "no" for p, l in socks)
    target("wire off: no capture socket", ", ".join(p for p, _ in socks), idle, "%s")


def lab_run(who, mode, workload):
    """One lab session, pinned to CPU 0 (the switch thread and the peer follow the main
    thread's CPU): (seconds, the `lab` line with the switch's counts), or exits saying why."""
    env = dict(os.environ, XDG_RUNTIME_DIR=who["dir"], TMPDIR=who["dir"], NO_COLOR="1")
    env.pop("SOCKPLAY_LAB_SWITCH", None)
    if mode == "bridge":
        env["SOCKPLAY_LAB_SWITCH"] = "bridge"
    line = "run %s %s %d %s %s; lab" % (os.path.join(ROOT, "bench", "lab.lua"), workload, LAB_WORK[workload],
                                        SOCKPLAY, os.path.join(B, "peer"))
    r = subprocess.run(who["prefix"] + ["taskset", "-c", "0", SOCKPLAY, "--lab", "-c", line], env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = r.stdout.decode("utf-8", "replace")
    t = [l for l in out.splitlines() if re.fullmatch(r"\d+\.\d{6}", l)]
    counts = next((l for l in out.splitlines() if l.startswith("lab: ") and "hosts on" in l), "")
    if r.returncode != 0 or len(t) != 1:
        sys.exit("bench: the lab's %s through the %s failed (%d):\n%s" % (workload, mode, r.returncode, out[-2000:]))
    return float(t[0]), counts


def lab_who():
    """Whom the lab runs as: uid 65534 when this is root and setpriv exists, else this user;
    {name, prefix, dir (its private XDG_RUNTIME_DIR: --join must find this lab alone)}."""
    d = tempfile.mkdtemp(prefix="sp-bench-lab-")
    if os.geteuid() == 0 and shutil.which("setpriv"):
        os.chown(d, 65534, 65534)
        return {"name": "uid 65534", "prefix": ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], "dir": d}
    return {"name": "uid %d" % os.geteuid(), "prefix": [], "dir": d}


def lab(target):
    """The lab's figures: switch against bridge, rounds interleaved."""
    print("\nthe lab (sockplay --lab, bench/lab.lua): the Lua client on host A, the C peer on host B, all pinned to one CPU;")
    print("sockplay's switch and the kernel's bridge (SOCKPLAY_LAB_SWITCH=bridge) back to back in each round")
    print("workloads: ping-pong %d × 1 byte, %d rounds; bulk %d × 64 KiB, %d rounds"
          % (LAB_WORK["pingpong"], LAB_REPS["pingpong"], LAB_WORK["bulk"], LAB_REPS["bulk"]))
    sys.stdout.flush()
    who = lab_who()
    try:
        env = dict(os.environ, XDG_RUNTIME_DIR=who["dir"], TMPDIR=who["dir"], NO_COLOR="1")
        r = subprocess.run(who["prefix"] + [SOCKPLAY, "--lab", "-c", "quit"], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        if r.returncode != 0:
            why = " ".join(r.stdout.decode("utf-8", "replace").split()) or "exit status %d" % r.returncode
            print("  skipped: as %s, sockplay --lab cannot start: %s" % (who["name"], why[:600]))
            target("lab: ran", "skipped", False, "%s")
            return
        print("  as %s" % who["name"])
        for w in ("pingpong", "bulk"):
            t = {"switch": [], "bridge": []}
            counts = []
            for rnd in range(LAB_REPS[w]):
                for mode in (("switch", "bridge") if rnd % 2 == 0 else ("bridge", "switch")):
                    sec, c = lab_run(who, mode, w)
                    t[mode].append(sec)
                    if mode == "switch":
                        counts.append(c)
            if w == "pingpong":
                ratio = [b / s for b, s in zip(t["bridge"], t["switch"])]
                m = statistics.median(ratio)
                print("  %-9s switch best %.3f s (%.1f µs a round trip), bridge best %.3f s (%.1f µs);"
                      "  bridge / switch time %.2f [%.2f–%.2f]" % (
                          w, min(t["switch"]), min(t["switch"]) / LAB_WORK[w] * 1e6, min(t["bridge"]),
                          min(t["bridge"]) / LAB_WORK[w] * 1e6, m, min(ratio), max(ratio)))
                target("lab: ping-pong ≥ 0.3 of the bridge", m, m >= 0.3, "%.2f")
            else:
                mb = LAB_WORK[w] * 65536 / 1e6
                sw = [mb / x for x in t["switch"]]
                br = [mb / x for x in t["bridge"]]
                ratio = [b / s for b, s in zip(t["bridge"], t["switch"])]
                m = statistics.median(sw)
                print("  %-9s switch %.0f MB/s [%.0f–%.0f], bridge %.0f MB/s [%.0f–%.0f];  bridge / switch time %.2f [%.2f–%.2f]" % (
                    w, m, min(sw), max(sw), statistics.median(br), min(br), max(br),
                    statistics.median(ratio), min(ratio), max(ratio)))
                target("lab: bulk through the switch ≥ 100 MB/s", m, m >= 100, "%.0f MB/s")
            m = re.search(r"\((\d+) frames: (\d+) forwarded, (\d+) flooded\)", counts[-1])
            if m:
                print("  %-9s the switch's counts in its last run: %s frames, %s forwarded, %s flooded (%.2f per %s)" % (
                    "", m.group(1), m.group(2), m.group(3), int(m.group(1)) / LAB_WORK[w],
                    "round trip" if w == "pingpong" else "64 KiB block"))
            sys.stdout.flush()
    finally:
        shutil.rmtree(who["dir"], ignore_errors=True)


def main():
    verdicts = []
    def target(name, value, ok, shown):
        verdicts.append((name, shown % value, ok))

    print("sockplay benchmarks — %s, %d CPUs, %d rounds" % (os.uname().release, os.cpu_count(), REPS))
    print("workloads: ping-pong %d × 1 byte, bulk %d × 64 KiB, churn %d × connect+close\n"
          % (WORK["pingpong"], WORK["bulk"], WORK["churn"]))

    # The table first: each table asks the kernel for one dump, whose walk grows with every
    # TCP socket on the machine — the churn below leaves thousands in TIME_WAIT for 60 s.
    tcp = tcp_sockets()
    if tcp > 1000:   # TIME_WAITs of an earlier run: they expire after 60 s
        print("waiting for this machine's %d TCP sockets (TIME_WAIT from an earlier run?) to expire, at most 65 s" % tcp)
        for _ in range(130):
            time.sleep(0.5)
            if tcp_sockets() <= 1000:
                break
        tcp = tcp_sockets()
    print("state table, in colour as at a terminal (this machine has %d TCP sockets now)" % tcp)
    for n in (10, 100, 1000):
        out = subprocess.run([os.path.join(B, "table_bench"), str(n), "100"], stdout=subprocess.PIPE, check=True).stdout.split()
        best, med = float(out[1]), float(out[2])
        print("  %5d sockets  %.3f ms per table (median of 9 rounds; best %.3f)" % (int(out[0]), med, best))
    target("table at 1000 sockets ≤ 3 ms", med, med <= 3, "%.2f ms")

    print("\nspeed vs C = C's time / the client's time in the same round; median of %d rounds [lowest–highest]" % REPS)
    print("%-9s %-9s %9s %9s %9s   %-22s %-22s" % ("workload", "CPUs", "C best", "Py best", "Lua best", "Python vs C", "Lua vs C"))
    for pin in (False, True):
        for w in ("pingpong", "bulk", "churn"):
            t = rounds(pin, w)
            rp, rl = ratios(t, "Python"), ratios(t, "Lua")
            print("%-9s %-9s %7.3f s %7.3f s %7.3f s   %-22s %-22s" % (
                w, "pinned" if pin else "unpinned", min(t["C"]), min(t["Python"]), min(t["Lua"]),
                "%.2f [%.2f–%.2f]" % (statistics.median(rp), min(rp), max(rp)),
                "%.2f [%.2f–%.2f]" % (statistics.median(rl), min(rl), max(rl))))
            sys.stdout.flush()
            m = statistics.median(rl)
            if pin and w != "bulk":
                target("pinned %s ≥ 0.9 of C" % w, m, m >= 0.9, "%.2f")
            if w == "bulk":
                target("bulk ≥ 0.9 of C (%s)" % ("pinned" if pin else "unpinned"), m, m >= 0.9, "%.2f")

    s = startup()
    print("\nstart-up (median of 60, interleaved)  sockplay FILE.lua %.2f ms   lua5.4 -e '' %.2f ms   /bin/true %.2f ms"
          % (s["sockplay"] * 1e3, s["lua5.4"] * 1e3, s["true"] * 1e3))
    target("start-up ≤ 1.5× lua5.4's", s["sockplay"] / s["lua5.4"], s["sockplay"] / s["lua5.4"] <= 1.5, "%.2f×")

    if WIRE:
        wire(target)

    if LAB:
        lab(target)

    if os.environ.get("BENCH_CALLGRIND", "1") != "0" and subprocess.run(["sh", "-c", "command -v valgrind"],
                                                                          stdout=subprocess.DEVNULL).returncode == 0:
        print("\nuser-space instructions per iteration (callgrind; the kernel's work is not counted)")
        for w in ("pingpong", "churn"):
            print("  %-9s %s" % (w, "   ".join("%s %.0f" % (c, instructions(w, c)) for c in CLIENTS)))

    print("\ntargets")
    order = ["pinned pingpong", "pinned churn", "bulk", "start-up", "table", "wire", "lab"]
    for name, shown, ok in sorted(verdicts, key=lambda v: [v[0].startswith(o) for o in order].index(True)):
        print("  %-40s %-11s %s" % (name, shown, "met" if ok else "MISSED"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--wire-inner"]:
        wire_inner()
    elif sys.argv[1:] == ["--lab"]:      # the lab's part alone (after `make bench` built what it needs)
        verdicts = []
        lab(lambda name, value, ok, shown: verdicts.append((name, shown % value, ok)))
        for name, shown, ok in verdicts:
            print("  %-40s %-11s %s" % (name, shown, "met" if ok else "MISSED"))
    else:
        main()
