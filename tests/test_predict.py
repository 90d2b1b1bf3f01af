"""Predict, then run (issue 16, at the prompt): each form of `predict` judged right and
wrong against what the next call did, `predict on` asking before a call that may block,
`predict packets` with the wire in the lab, the score, and the mistakes named."""
import os, re, shutil, socket, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
from term import Term

RIGHT, WRONG = "✓ you said", "✗ you said"

def connect_later(port, delay, keep):
    """A client that connects after delay seconds (kept in keep, so it stays open)."""
    def go():
        time.sleep(delay)
        keep.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    t = threading.Thread(target=go, daemon=True)
    t.start()
    return t

@test
def blocks_is_judged_by_whether_the_call_waited():
    sp = Sockplay()
    port = listen_here(sp)
    keep = []
    sp.run("predict blocks", r"noted: the next call will tell")
    connect_later(port, 0.5, keep)
    sp.run("conn = accept s", RIGHT + r" it blocks: it blocked 0\.\d s  \(1 of 1 right\)")
    keep.append(socket.create_connection(("127.0.0.1", port), timeout=5))   # waiting in the queue already
    sp.run("predict blocks")
    sp.run("conn2 = accept s", WRONG + r" it blocks: it returned at once \([\d.]+ ms\)  \(1 of 2 right\)")
    assert sp.close() == 0

@test
def returns_error_and_state_are_judged():
    sp = Sockplay()
    port = listen_here(sp)
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    sp.run("conn = accept s")
    c.sendall(b"hello")
    time.sleep(0.1)
    sp.run("predict returns 3")
    sp.run("recv conn 3", RIGHT + r" it returns 3: it returned 3")
    sp.run("predict returns 9")
    sp.run("recv conn", WRONG + r" it returns 9: it returned 2")
    c.close()
    time.sleep(0.1)
    sp.run("predict returns b''")
    sp.run("recv conn", RIGHT + r" it returns 0: it returned 0 \(b''\)")
    sp.run("predict state conn CLOSE_WAIT")
    sp.run("getsockname conn", RIGHT + r" conn ends in CLOSE_WAIT: conn is in CLOSE_WAIT")
    sp.run("predict state conn ESTABLISHED")
    sp.run("getsockname conn", WRONG + r" conn ends in ESTABLISHED: conn is in CLOSE_WAIT")
    closed = free_port()
    sp.run("x = socket tcp")
    sp.run("predict error ECONNREFUSED")
    sp.run("connect x 127.0.0.1 %d" % closed, RIGHT + r" it fails with ECONNREFUSED: it failed with ECONNREFUSED \(Python:\s+ConnectionRefusedError\)")
    sp.run("y = socket tcp")
    sp.run("predict error ConnectionRefusedError")            # Python's name for it counts too
    sp.run("connect y 127.0.0.1 %d" % closed, RIGHT + r" it fails with ConnectionRefusedError")
    sp.run("z = socket tcp")
    sp.run("predict error EADDRINUSE")
    sp.run("connect z 127.0.0.1 %d" % closed, WRONG + r" it fails with EADDRINUSE: it failed with ECONNREFUSED")
    sp.run("u = socket udp; bind u 127.0.0.1 0; settimeout u 0.2")
    sp.run("predict error timeout")
    sp.run("recvfrom u", RIGHT + r" it fails with timeout: it failed with EAGAIN \(Python: TimeoutError\)")
    sp.run("predict", r"nothing predicted for the next call\n(\d+) of (\d+) predictions right this session")
    assert "6 of 9 predictions right" in sp.text(), sp.text()[-2000:]
    assert sp.close() == 0

@test
def other_names_of_the_same_error_count():
    """EWOULDBLOCK is EAGAIN, OSError is every errno's class, socket.timeout is TimeoutError."""
    sp = Sockplay()
    sp.run("u = socket udp; bind u 127.0.0.1 0; setblocking u off")
    sp.run("predict error EWOULDBLOCK")
    sp.run("recvfrom u", RIGHT + r" it fails with EWOULDBLOCK: it failed with EAGAIN")
    sp.run("predict error OSError")
    sp.run("recvfrom u", RIGHT + r" it fails with OSError")
    sp.run("setblocking u on; settimeout u 0.2")
    sp.run("predict error socket.timeout")
    sp.run("recvfrom u", RIGHT + r" it fails with socket\.timeout")
    sp.run("predict error gaierror", r"error 'gaierror': no such error")   # not judged by a socket call: refused
    assert sp.close() == 0

@test
def a_python_line_is_the_next_call_too():
    sp = Sockplay()
    sp.run("import socket")
    sp.run("predict returns 99")
    sp.run("u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", WRONG + r" it returns 99: it returned %d" % FD0)
    sp.run("predict error ECONNREFUSED")
    sp.run("u.connect(('127.0.0.1', 9)); u.send(b'x'); u.send(b'y')")
    sp.expect(r"connect\(u, 127\.0\.0\.1:9\) = 0")               # connect is the next call: a UDP connect goes
    sp.expect(WRONG + r" it fails with ECONNREFUSED: it succeeded \(returned 0\)")
    sp.expect(r"send\(u, 1 bytes\) = 1")
    assert sp.close() == 0

@test
def predict_on_asks_before_each_call_that_may_block():
    sp = Sockplay()
    port = listen_here(sp)
    keep = [socket.create_connection(("127.0.0.1", port), timeout=5)]
    sp.run("predict on", r"predict on: before each call that may block you are asked")
    sp.send("conn = accept s")
    sp.expect(r"will it block\? \[y/n\] ")
    sp.send("n")
    sp.expect(r"accept\(s\) = \d+  → conn")
    sp.expect(RIGHT + r" it returns at once: it returned at once")
    sp.send("recv conn 10 &")                 # in the background: not asked
    sp.expect(r"\[1\] recv\(conn, 10\) …")
    keep[0].sendall(b"hi")
    sp.expect(r"\[1\] recv\(conn, 10\) = 2")
    sp.send("getsockname conn")               # cannot block: not asked
    sp.expect(r"getsockname\(conn\) = 127\.0\.0\.1:%d" % port)
    sp.send("conn2 = accept s")
    sp.expect(r"will it block\? \[y/n\] ")
    connect_later(port, 0.4, keep)
    sp.send("y")
    sp.expect(RIGHT + r" it blocks: it blocked 0\.\d s")
    sp.send("recv conn2 5 &")
    sp.run("predict off", r"predict off")
    sp.run("cancel 1")
    assert "will it block" not in sp.text().split("predict off")[-1], sp.text()
    sp.send("x = socket tcp")
    sp.send("connect x 127.0.0.1 %d" % port)
    sp.expect(r"connect\(x, 127\.0\.0\.1:%d\) = 0" % port)
    assert "will it block" not in sp.text().split("predict off")[-1]
    sp.close()
    sp = Sockplay("--lang", "zh")
    sp.run("s = socket tcp; predict on")
    sp.send("connect s 127.0.0.1 %d" % free_port())
    sp.expect(r"它会阻塞吗？\[y/n\] ")
    sp.send("不会")
    sp.expect(r"✓ 你预测 立即返回：它立即返回了")
    sp.close()

@test
def mistakes_in_a_prediction_are_named():
    sp = Sockplay()
    for line, msg in [("predict flies", r"what will the next call do\? blocks, returns, error, state, packets, on or off"),
                      ("predict returns x", r"returns 'x': a number, or b''"),
                      ("predict returns", r"returns N: a number"),
                      ("predict state c", r"state S STATE: a socket and a TCP state"),
                      ("predict error", r"error NAME: ECONNREFUSED"),
                      ("predict error EFLIES", r"error 'EFLIES': no such error"),
                      ("predict blocks now", r"'blocks' takes nothing after it"),
                      ("predict packets", r"packets FLAGS…: 1 to 16 packets")]:
        sp.run(line, r"predict: " + msg)
    sp.run("predict", r"nothing predicted for the next call\n0 of 0 predictions right")
    sp.run("predict on")
    sp.send("s = socket tcp; connect s 127.0.0.1 %d" % free_port())
    sp.expect(r"will it block\? \[y/n\] ")
    sp.send("maybe")
    sp.expect(r"\(not y or n: no prediction for this call\)")
    sp.expect(r"ECONNREFUSED")
    assert sp.close() == 0

@test
def packets_are_judged_with_the_wire_in_the_lab():
    ok, why = can_unshare([])
    if not ok:
        raise Skip("user namespaces are not allowed here: " + why)
    sp = Sockplay("--lab")

    def run(line, pattern=None):
        sp.send(line)
        sp.expect(re.escape("]> " + line))
        if pattern:
            sp.expect(pattern)

    run("wire on", r"wire on")
    run("s = socket tcp; bind s 127.0.0.1 0; listen s")
    port = int(sp.expect(r"it picked 127\.0\.0\.1:(\d+)").group(1))
    run("c = socket tcp")
    run("predict packets SYN SYN+ACK ACK")
    run("connect c 127.0.0.1 %d" % port, RIGHT + r" packets SYN SYN\+ACK ACK: the wire saw SYN SYN\+ACK ACK")
    run("conn = accept s")
    run("predict packets DATA")
    run('send c "hi"', WRONG + r" packets DATA: the wire saw DATA ACK")    # the peer's ACK is a packet too
    run("predict packets PSH+ACK ACK")
    run('send c "hi"', RIGHT + r" packets PSH\+ACK ACK: the wire saw DATA ACK")
    run("predict packets FIN")
    run("close c", WRONG + r" packets FIN: the wire saw FIN\+ACK")
    run("predict packets 0")
    run("getsockname conn", RIGHT + r" packets none: the wire saw no packet")
    assert sp.close() == 0

@test
def packets_without_the_wire_are_not_judged():
    sp = Sockplay()
    sp.run("predict packets SYN")
    sp.run("s = socket tcp", r"\? you said packets SYN — not judged: the wire is off")
    sp.run("predict", r"0 of 0 predictions right")
    assert sp.close() == 0

# --- checkpoints in lessons --------------------------------------------------------------------

def lesson(*args, stdin=b""):
    p = subprocess.run([SOCKPLAY, "--lesson", "recv_empty_on_close", *args], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace")

@test
def auto_answers_checkpoints_from_the_key_in_both_languages():
    rc, out = lesson("--auto")
    assert rc == 0, out
    assert re.search(r"\? The client has shut down its sending side.*\n\s+1\) block.*\n\s+2\) return at once.*\n\s+3\) fail", out), out
    assert "answer: 2 (--auto: the lesson's key)" in out and "✓ a FIN means" in out and "checkpoints right: 1/1" in out, out
    assert "to review" not in out
    rc, out = lesson("--auto", "--lang", "zh")
    assert rc == 0 and "答案：2（--auto：课程给出的答案）" in out and "答对的检查点： 1/1" in out, out

@test
def answers_replayed_from_a_file_are_judged():
    d = tempfile.mkdtemp()
    wrong, right = os.path.join(d, "wrong.txt"), os.path.join(d, "right.txt")
    open(wrong, "w").write("# a learner's answers\nrecv_after_close 1\n")
    open(right, "w").write("2\n")
    rc, out = lesson("--answers", wrong)
    assert rc == 0, out                                           # a wrong answer is no failed lesson
    assert "answer: 1 (--answers)" in out and "✗ the answer was 2 — a FIN means" in out, out
    assert "checkpoints right: 0/1" in out and "to review: recv returns b'' when the peer has closed" in out, out
    rc, out = lesson("--answers", right)
    assert rc == 0 and "✓ a FIN means" in out and "checkpoints right: 1/1" in out, out
    rc, out = lesson("--answers", os.path.join(d, "missing.txt"))
    assert rc == 2 and "--answers " in out and "No such file" in out, out

@test
def answers_typed_on_stdin_are_judged():
    rc, out = lesson(stdin=b"3\n")
    assert rc == 0 and "your answer (1-3): 3" in out and "✗ the answer was 2" in out and "checkpoints right: 0/1" in out, out
    rc, out = lesson(stdin=b"9\nx\n2\n")
    assert out.count("a number from 1 to 3, please") == 2 and "✓ a FIN means" in out and "checkpoints right: 1/1" in out, out

@test
def a_checkpoint_answered_at_a_terminal():
    if not shutil.which("tmux"):
        raise Skip("tmux is not installed")
    for answer, verdict, score in (("2", r"✓ a FIN means", r"checkpoints right: 1/1"), ("1", r"✗ the answer was 2", r"checkpoints right: 0/1")):
        t = Term("--lesson", "recv_empty_on_close")
        try:
            until = time.monotonic() + 30 * SCALE
            while "your answer (1-3)" not in t.screen():     # Enter before each call, up to the question
                if time.monotonic() > until:
                    raise Fail("the checkpoint never came:\n" + t.screen()[-2000:])
                t.keys("Enter")
                time.sleep(0.15)
            t.type(answer)
            while not re.search(r"lesson recv_empty_on_close", t.screen()):
                if time.monotonic() > until:
                    raise Fail("the lesson did not end:\n" + t.screen()[-2000:])
                t.keys("Enter")
                time.sleep(0.15)
            screen = t.screen()
            assert re.search(verdict, screen) and re.search(score, screen), screen[-2500:]
        finally:
            t.close()

def errors_lesson(*args, stdin=b"", user="learner"):
    p = subprocess.run([SOCKPLAY, "--lesson", "common_errors", *args], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(USER=user), timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace")

@test
def a_lesson_question_answered_in_predicts_words():
    """common_errors asks what connect does where nothing listens, answered as `predict` takes
    it; the call judges it. Malformed answers are named and asked again."""
    rc, out = errors_lesson("--auto")
    assert rc == 0 and "answer: error ECONNREFUSED (--auto: the lesson's key)" in out, out
    assert re.search(r"✓ you said it fails with ECONNREFUSED: it failed with ECONNREFUSED \(Python:\s+ConnectionRefusedError\)", out), out
    rc, out = errors_lesson(stdin=b"maybe\n\non\nreturns x\nerror FOO\nblocks\n2\n")
    assert rc == 0, out
    assert "you predict: maybe" in out and out.count("one of: blocks · returns N (returns b'' for 0 bytes)") == 2, out
    assert "returns 'x': a number, or b''" in out and "error 'FOO': no such error" in out, out
    assert re.search(r"✗ you said it blocks: it returned at once \([\d.]+ ms\) — the SYN reaches", out), out
    assert "to review: connect where nothing listens is refused at once" in out and "checkpoints right: 1/2" in out, out
    rc, out = errors_lesson(stdin=b"error connectionrefusederror\n2\n", user="x")
    assert rc == 0 and "✓ you said it fails with connectionrefusederror" in out and "checkpoints right: 2/2" in out, out
    rc, out = errors_lesson("--lang", "zh", stdin="失败 ECONNREFUSED\n2\n".encode())     # the Chinese words count too
    assert rc == 0 and "✓ 你预测失败：ECONNREFUSED" in out and "答对的检查点： 2/2" in out, out
    d = tempfile.mkdtemp()
    path = os.path.join(d, "a.txt")
    open(path, "w").write("connect_nobody_listens error EADDRINUSE\nsend_after_close 2\n")
    rc, out = errors_lesson("--answers", path, "--lang", "zh")
    assert rc == 0 and "答案：error EADDRINUSE（--answers）" in out, out
    assert re.search(r"✗ 你预测失败：EADDRINUSE：它失败了：ECONNREFUSED", out) and "答对的检查点： 1/2" in out, out

@test
def udp_recvfrom_with_nothing_sent_is_asked_in_lesson_03():
    for lang, verdict in (("en", r"✓ you said it blocks: it blocked 0\.\d s"), ("zh", r"✓ 你预测会阻塞：它阻塞了 0\.\d 秒")):
        p = subprocess.run([SOCKPLAY, "--lesson", "udp_bind_recvfrom", "--auto", "--lang", lang], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env(), timeout=60)
        out = p.stdout.decode()
        assert p.returncode == 0 and re.search(verdict, out), out
    p = subprocess.run([SOCKPLAY, "--lesson", "udp_bind_recvfrom"], input=b"returns b''\n", stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), timeout=60)
    out = p.stdout.decode()
    assert re.search(r"✗ you said it returns 0: it failed: EAGAIN", out) and "checkpoints right: 0/1" in out, out

@test
def a_prediction_typed_at_a_terminal():
    if not shutil.which("tmux"):
        raise Skip("tmux is not installed")
    t = Term("--lesson", "common_errors")
    try:
        until = time.monotonic() + 30 * SCALE
        while "you predict:" not in t.screen():
            if time.monotonic() > until:
                raise Fail("the question never came:\n" + t.screen()[-2000:])
            t.keys("Enter")
            time.sleep(0.15)
        t.type("error ECONNREFUSED")
        while not re.search(r"✓ you said it fails with ECONNREFUSED", t.screen()):
            if time.monotonic() > until:
                raise Fail("no verdict:\n" + t.screen()[-2000:])
            t.keys("Enter")
            time.sleep(0.15)
    finally:
        t.close()

@test
def prediction_reports_are_graded_by_what_was_typed():
    import json
    d = tempfile.mkdtemp()
    for user, typed in (("ann", "error ECONNREFUSED"), ("ben", "blocks"), ("cai", "blocks")):
        path = os.path.join(d, user + ".txt")
        open(path, "w").write("connect_nobody_listens %s\nsend_after_close 2\n" % typed)
        rc, out = errors_lesson("--answers", path, "--report", os.path.join(d, user + ".json"), user=user)
        assert rc == 0, out
    cp = json.load(open(os.path.join(d, "ben.json")))[0]["checkpoints"][0]
    assert (cp["id"], cp["answer_text"], cp["key_text"], cp["correct"]) == ("connect_nobody_listens", "blocks", "error ECONNREFUSED", False), cp
    p = subprocess.run([SOCKPLAY, "--grade", d], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(), timeout=30)
    out = p.stdout.decode()
    assert re.search(r"common_errors/connect_nobody_listens\s+1/3\s+33%\s+blocks \(2\)", out), out

# --- for the teacher: reports and the class's table ------------------------------------------------

def run_lesson(name, user, report, answers=None):
    d = tempfile.mkdtemp()
    args = [SOCKPLAY, "--lesson", name, "--report", report]
    if answers is None:
        args.append("--auto")
    else:
        path = os.path.join(d, "answers.txt")
        open(path, "w").write(answers)
        args += ["--answers", path]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(USER=user), timeout=60)
    assert p.returncode == 0 and "results added to " + report in p.stdout.decode(), p.stdout.decode()

@test
def reports_are_appended_and_graded():
    import json
    d = tempfile.mkdtemp()
    alice, bob, carol = (os.path.join(d, n + ".json") for n in ("alice", "bob", "carol"))
    run_lesson("recv_empty_on_close", "alice", alice)                                  # right
    run_lesson("handshake_backlog", "alice", alice, "connect_before_accept 2\nbacklog_plus_one 3\n")
    run_lesson("recv_empty_on_close", "bob", bob, "1\n")                               # wrong: blocks
    run_lesson("handshake_backlog", "carol", carol, "1\n3\n")                          # both wrong
    run_lesson("recv_empty_on_close", "carol", carol, "1\n")                           # wrong: blocks
    entries = json.load(open(alice))
    assert [e["lesson"] for e in entries] == ["recv_empty_on_close", "handshake_backlog"], entries
    e = entries[1]
    assert e["learner"] == "alice" and e["sockplay"] and e["right"] == 1 and e["asked"] == 2 and e["checks_passed"] is True, e
    assert [(c["id"], c["answer"], c["key"], c["correct"]) for c in e["checkpoints"]] == \
        [("connect_before_accept", 2, 2, True), ("backlog_plus_one", 3, 2, False)], e
    assert all(isinstance(c["seconds"], (int, float)) for c in e["checkpoints"])
    open(os.path.join(d, "notes.txt"), "w").write("not a report")
    p = subprocess.run([SOCKPLAY, "--grade", d], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(), timeout=30)
    out = p.stdout.decode()
    assert p.returncode == 0, out
    rows = {l.split()[0]: l for l in out.splitlines() if "/" in l.split(" ")[0]}
    assert re.search(r"1/3\s+33%\s+1\) block until the client sends more \(2\)", rows["recv_empty_on_close/recv_after_close"]), out
    assert re.search(r"1/2\s+50%\s+1\) wait until the server calls accept\(\) \(1\)", rows["handshake_backlog/connect_before_accept"]), out
    assert re.search(r"0/2\s+0%\s+3\) fail at once with ECONNREFUSED \(2\)", rows["handshake_backlog/backlog_plus_one"]), out
    assert re.search(r"^alice\s+2/3$", out, re.M) and re.search(r"^bob\s+0/1$", out, re.M) and re.search(r"^carol\s+0/3$", out, re.M), out
    p = subprocess.run([SOCKPLAY, "--grade", d, "--csv"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(), timeout=30)
    import csv, io
    table = list(csv.reader(io.StringIO(p.stdout.decode())))
    assert table[0] == ["learner", "lesson", "checkpoint", "answer", "answer_text", "correct", "seconds"], table
    assert ["bob", "recv_empty_on_close", "recv_after_close", "1", "block until the client sends more", "0"] == table[4][:6], table
    assert len(table) == 1 + 7, table

@test
def a_report_file_that_is_not_one_is_left_alone():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "r.json")
    open(path, "w").write("my notes, not JSON")
    p = subprocess.run([SOCKPLAY, "--lesson", "recv_empty_on_close", "--auto", "--report", path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), timeout=60)
    assert "not a sockplay report (a JSON array): left as it is" in p.stdout.decode(), p.stdout.decode()
    assert open(path).read() == "my notes, not JSON" and os.listdir(d) == ["r.json"]
    p = subprocess.run([SOCKPLAY, "--grade", os.path.join(d, "nope")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(), timeout=30)
    assert p.returncode == 2 and "--grade" in p.stdout.decode() and "No such file" in p.stdout.decode(), p.stdout.decode()

if __name__ == "__main__":
    main()
