"""make bench: sockplay's Lua bindings against plain C and Python's socket module on the
same three workloads, unpinned and pinned to one CPU; start-up against lua5.4; the state
table at 10/100/1000 sockets. Every client talks to the same C peer (bench/peer.c) and
times its own loop; the best of REPS runs counts. Prints a table and the targets."""
import os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(ROOT, "build", "bench")
SOCKPLAY = os.path.join(ROOT, "sockplay")
REPS = int(os.environ.get("BENCH_REPS", "9"))
WORK = {"pingpong": int(os.environ.get("BENCH_PINGPONG", "30000")),   # round trips of 1 byte
        "bulk": int(os.environ.get("BENCH_BULK", "4096")),             # blocks of 64 KiB (256 MiB)
        "churn": int(os.environ.get("BENCH_CHURN", "4000"))}           # connect + close
CLIENTS = {"C": [os.path.join(B, "client")], "Python": [sys.executable, os.path.join(ROOT, "bench", "client.py")],
           "Lua (sockplay)": [SOCKPLAY, os.path.join(ROOT, "bench", "client.lua")]}

def run_one(pin, workload, client):
    peer_mode = {"pingpong": "echo", "bulk": "sink", "churn": "churn"}[workload]
    pre = ["taskset", "-c", "0"] if pin else []
    peer = subprocess.Popen(pre + [os.path.join(B, "peer"), peer_mode], stdout=subprocess.PIPE)
    try:
        port = peer.stdout.readline().decode().strip()
        r = subprocess.run(pre + CLIENTS[client] + [workload, port, str(WORK[workload])], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=300)
        if r.returncode != 0:
            sys.exit("bench: %s %s failed:\n%s" % (client, workload, r.stdout.decode()[-2000:]))
        return float(r.stdout.decode().split()[-1])
    finally:
        peer.kill()
        peer.wait()

def best(fn, reps=REPS):
    return min(fn() for _ in range(reps))

def main():
    print("sockplay benchmarks — %s, %d CPUs, best of %d runs each" % (os.uname().release, os.cpu_count(), REPS))
    print("workloads: ping-pong %d × 1 byte, bulk %d × 64 KiB, churn %d × connect+close; speed vs C = C time / time\n"
          % (WORK["pingpong"], WORK["bulk"], WORK["churn"]))
    # The table first: each table asks the kernel for one dump, whose walk grows with every
    # TCP socket on the machine — the churn below leaves thousands in TIME_WAIT for 60 s.
    tcp = sum(1 for f in ("/proc/net/tcp", "/proc/net/tcp6") for _ in open(f)) - 2
    print("state table (this machine has %d TCP sockets now)" % tcp)
    table = {}
    for n in (10, 100, 1000):
        out = subprocess.run([os.path.join(B, "table_bench"), str(n), "100"], stdout=subprocess.PIPE, check=True).stdout.split()
        table[n] = float(out[1])
        print("  %5d sockets  %.3f ms per table" % (int(out[0]), table[n]))

    print()
    print("%-10s %-9s %12s %12s %15s %10s %10s" % ("workload", "CPUs", "C", "Python", "Lua (sockplay)", "Py vs C", "Lua vs C"))
    results = {}
    for pin in (False, True):
        for w in ("pingpong", "bulk", "churn"):
            t = {c: 1e9 for c in CLIENTS}
            for _ in range(REPS):            # the clients take turns, so noise hits them alike
                for c in CLIENTS:
                    t[c] = min(t[c], run_one(pin, w, c))
            results[(pin, w)] = t
            print("%-10s %-9s %10.3f s %10.3f s %13.3f s %10.2f %10.2f" % (
                w, "pinned" if pin else "unpinned", t["C"], t["Python"], t["Lua (sockplay)"], t["C"] / t["Python"],
                t["C"] / t["Lua (sockplay)"]))

    # start-up: an empty script, against the lua5.4 interpreter doing nothing
    empty = os.path.join(B, "empty.lua")
    open(empty, "w").close()
    def startup(cmd, n=100):
        t0 = time.perf_counter()
        for _ in range(n):
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        return (time.perf_counter() - t0) / n
    s_sp = best(lambda: startup([SOCKPLAY, empty]), 3)
    s_lua = best(lambda: startup(["lua5.4", "-e", ""]), 3)
    print("\nstart-up    sockplay FILE.lua %.2f ms   lua5.4 -e '' %.2f ms   ratio %.2f" % (s_sp * 1e3, s_lua * 1e3, s_sp / s_lua))

    checks = [("pinned ping-pong ≥ 0.9 of C", results[(True, "pingpong")]["C"] / results[(True, "pingpong")]["Lua (sockplay)"], 0.9),
              ("pinned churn ≥ 0.9 of C", results[(True, "churn")]["C"] / results[(True, "churn")]["Lua (sockplay)"], 0.9),
              ("bulk ≥ 0.9 of C (pinned)", results[(True, "bulk")]["C"] / results[(True, "bulk")]["Lua (sockplay)"], 0.9),
              ("bulk ≥ 0.9 of C (unpinned)", results[(False, "bulk")]["C"] / results[(False, "bulk")]["Lua (sockplay)"], 0.9)]
    print("\ntargets")
    for name, v, goal in checks:
        print("  %-30s %5.2f  %s" % (name, v, "met" if v >= goal else "MISSED"))
    print("  %-30s %5.2f  %s" % ("start-up ≤ 1.5× lua5.4", s_sp / s_lua, "met" if s_sp / s_lua <= 1.5 else "MISSED"))
    print("  %-30s %5.2f  %s" % ("table at 1000 sockets ≤ 3 ms", table[1000], "met" if table[1000] <= 3 else "MISSED"))

main()
