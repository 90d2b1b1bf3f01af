"""Lua: the API contract (tests/lua/api.lua), every lesson with --auto, Lua in the REPL,
and at a terminal: Ctrl-C stops a script, lessons pause before each call."""
import os, re, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
from term import Term

LESSONS = sorted(f[:-4] for f in os.listdir(os.path.join(ROOT, "lua_lessons")) if f.endswith(".lua"))

def run(*args, timeout=60, **kw):
    return subprocess.run([SOCKPLAY, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout, env=env(**kw))

@test
def lua_api_contract():
    p = run(os.path.join(ROOT, "tests", "lua", "api.lua"), "one", "two")
    out = p.stdout.decode()
    assert p.returncode == 0 and re.search(r"api\.lua: \d+ checks ok", out), out[-3000:]

@test
def every_lesson_passes_with_auto():
    """In both languages: a lesson checks errno values, never the text of a message."""
    assert len(LESSONS) >= 17, LESSONS
    for lang, passed in (("en", "checks passed"), ("zh", "项检查全部通过")):
        for name in LESSONS:
            p = run("--lesson", name, "--auto", "--lang", lang)
            out = p.stdout.decode()
            if name in LAB_CHECKS:     # outside the lab: it says what to type, and passes unchecked
                short = re.sub(r"^\d+_", "", name)
                assert p.returncode == 0 and NOT_RUN[lang] in out and "sockplay --lab --lesson " + short in out, \
                    "%s --lang %s:\n%s" % (name, lang, out[-3000:])
                assert not re.search(r"^[✓✗] ", out, re.M), out[-3000:]
                continue
            assert p.returncode == 0 and passed in out, "%s --lang %s:\n%s" % (name, lang, out[-3000:])
            assert re.search(r"^✓ ", out, re.M), name        # it asserted something

# The packet checks each lesson that calls wire_on() makes: its "✓ on the wire: …" lines.
WIRE_CHECKS = {"02_udp_send": 2, "03_udp_bind_recvfrom": 1, "07_handshake_backlog": 2, "08_recv_empty_on_close": 2,
               "09_close_listener": 1, "10_time_wait_reuseaddr": 1, "11_file_downloader": 2, "16_common_errors": 2,
               "18_nagle_delayed_ack": 2}
WIRE_LINE = {"en": "✓ on the wire: ", "zh": "✓ 线路上："}
WIRE_ON = {"en": "The wire is on: ", "zh": "抓包已开启："}
WIRE_SKIPPED = {"en": "The packets part of this lesson is skipped", "zh": "本课的数据包部分已跳过"}
PASSED = {"en": "checks passed", "zh": "项检查全部通过"}
# The lessons on the lab's hosts (they call lab_on()): their checks in a fresh lab, all of them
# and the "✓ on the wire: …" ones.
LAB_CHECKS = {"19_lab_handshake_stepped": (14, 6), "20_lab_four_way_close": (10, 5), "21_lab_loss": (7, 2),
              "22_lab_arp_and_router": (9, 7), "23_lab_backlog": (8, 2), "24_lab_course_udp": (4, 1)}
LAB_ON = {"en": "The lab: A 192.168.1.103 and B 192.168.1.104", "zh": "实验网络：A 192.168.1.103 和 B 192.168.1.104"}
NOT_RUN = {"en": "not run here — it needs the lab (sockplay --lab)", "zh": "没有在这里运行 —— 它需要实验网络（sockplay --lab）"}

def as_nobody(*args):
    """sockplay as uid 65534, with a TMPDIR of its own (where a lab notes its pid)."""
    d = tempfile.mkdtemp(prefix="sp-lesson-")
    os.chown(d, 65534, 65534)
    e = env(TMPDIR=d)
    e.pop("XDG_RUNTIME_DIR", None)
    try:
        p = subprocess.run(NOBODY + [SOCKPLAY, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60 * SCALE, env=e)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return p.returncode, p.stdout.decode("utf-8", "replace")

def lab_lessons_ready(call, checks):
    """Before running lessons in a lab as uid 65534: the lessons that make call are exactly
    checks' keys; SKIP (with the reason) when uid 65534 cannot read them or make a lab."""
    nobody_in_namespace(SOCKPLAY)
    using = sorted(n for n in LESSONS if call in open(os.path.join(ROOT, "lua_lessons", n + ".lua"), encoding="utf-8").read())
    assert using == sorted(checks), "lessons calling %s %s, the test's table %s" % (call, using, sorted(checks))
    lessons = os.environ.get("SOCKPLAY_LESSONS", os.path.join(ROOT, "lua_lessons"))
    if subprocess.run(NOBODY + ["test", "-r", os.path.join(lessons, using[0] + ".lua")]).returncode != 0:
        raise Skip("uid 65534 cannot read the lessons in %s" % lessons)
    rc, out = as_nobody("--lab", "-c", "quit")
    if rc == 2 and "user namespaces are not allowed" in out:
        raise Skip(" ".join(out.split()))

@test
def lessons_check_their_packets_in_a_lab():
    """As uid 65534 (no root), `--lab --lesson NAME --auto` lets a lesson capture: each lesson
    that calls wire_on() makes every packet check it has, in English and in Chinese. Without the
    lab the same lessons say that the packets part is skipped and what to type, and pass."""
    lab_lessons_ready("wire_on()", WIRE_CHECKS)
    for lang in ("en", "zh"):
        for name, n in WIRE_CHECKS.items():
            short = re.sub(r"^\d+_", "", name)
            rc, out = as_nobody("--lab", "--lesson", short, "--auto", "--lang", lang)
            seen = len(re.findall("^" + re.escape(WIRE_LINE[lang]), out, re.M))
            assert rc == 0 and PASSED[lang] in out and WIRE_ON[lang] in out and seen == n, \
                "--lab --lesson %s --lang %s: %d of %d packet checks, exit %d:\n%s" % (short, lang, seen, n, rc, out[-3000:])
            assert not re.search(r"^✗ ", out, re.M) and WIRE_SKIPPED[lang] not in out, out[-3000:]
            rc, out = as_nobody("--lesson", short, "--auto", "--lang", lang)
            assert rc == 0 and PASSED[lang] in out and WIRE_SKIPPED[lang] in out and "sockplay --lab --lesson " + short in out, \
                "--lesson %s --lang %s without the lab, exit %d:\n%s" % (short, lang, rc, out[-3000:])
            assert WIRE_LINE[lang].strip() not in out and WIRE_ON[lang] not in out, out[-3000:]

@test
def lab_lessons_check_states_and_packets():
    """As uid 65534, `--lab --lesson NAME --auto`: each lesson on the lab's hosts makes every
    check it has, in English and in Chinese — the states between held frames, ARP, the router's
    MACs, a lost datagram, a retransmission, a backlog overflow — each "✓ on the wire: …" one
    counted. A check skipped or failed, or a lesson that waited beyond its bounds, fails."""
    lab_lessons_ready("lab_on()", LAB_CHECKS)
    for lang in ("en", "zh"):
        for name, (n, wire) in LAB_CHECKS.items():
            short = re.sub(r"^\d+_", "", name)
            rc, out = as_nobody("--lab", "--lesson", short, "--auto", "--lang", lang)
            seen = len(re.findall("^" + re.escape(WIRE_LINE[lang]), out, re.M))
            checked = len(re.findall(r"^✓ ", out, re.M))
            assert rc == 0 and LAB_ON[lang] in out and "%d %s" % (n, PASSED[lang]) in out and checked == n and seen == wire, \
                "--lab --lesson %s --lang %s: %d of %d checks, %d of %d on the wire, exit %d:\n%s" % (
                    short, lang, checked, n, seen, wire, rc, out[-3000:])
            assert not re.search(r"^✗ ", out, re.M) and NOT_RUN[lang] not in out, out[-3000:]

@test
def lesson_helpers_wait_for_and_pause():
    """wait_for returns fn's first true value, or false once its time ran out (not before);
    pause() does nothing with --auto; lab_on() outside a lab says what to type and the lesson
    passes unchecked."""
    d = tempfile.mkdtemp()
    open(os.path.join(d, "01_helpers.lua"), "w").write(
        '-- summary.en: helpers\nlocal n, t0 = 0, socket.gettime()\n'
        'expect(wait_for(function() n = n + 1; return n == 3 and "three" end) == "three", "wait_for returns fn\'s value", "x")\n'
        't0 = socket.gettime()\n'
        'local r = wait_for(function() return false end, 0.3)\n'
        'local took = socket.gettime() - t0\n'
        'expect(r == false and took >= 0.3 and took < 2, "wait_for gives up after its time", "x")\n'
        'pause("next: nothing", "x")\n'
        'expect(not pcall(wait_for, function() end, 61), "at most 60 s", "x")\n')
    p = run("--lesson", "helpers", "--auto", SOCKPLAY_LESSONS=d)
    out = p.stdout.decode()
    assert p.returncode == 0 and "lesson helpers: 3 checks passed" in out and "next: nothing" not in out, out
    open(os.path.join(d, "02_needs_lab.lua"), "w").write(
        '-- summary.en: needs the lab\nif not lab_on() then return end\nexpect(false, "never here", "x")\n')
    p = run("--lesson", "needs_lab", "--auto", SOCKPLAY_LESSONS=d)
    out = p.stdout.decode()
    assert p.returncode == 0 and "Run: sockplay --lab --lesson needs_lab" in out and NOT_RUN["en"] in out, out

@test
def lessons_are_listed_with_summaries_in_both_languages():
    out = run("--lessons").stdout.decode()
    for name in LESSONS:
        short = re.sub(r"^\d+_", "", name)
        assert re.search(r"^  %s\s+\S" % re.escape(short), out, re.M), (short, out)
    zh = run("--lessons", "--lang", "zh").stdout.decode()
    assert "TCP 服务器" in zh and "课程列表" in zh, zh

@test
def lesson_narrates_in_chinese():
    p = run("--lesson", "tcp_client", "--auto", LANG="zh_CN.UTF-8")
    out = p.stdout.decode()
    assert p.returncode == 0 and "三次握手" in out and "项检查全部通过" in out, out[-2000:]

@test
def a_lesson_that_misbehaves_fails():
    d = tempfile.mkdtemp()
    open(os.path.join(d, "01_wrong.lua"), "w").write(
        '-- summary.en: wrong on purpose\nlocal s = socket.socket("udp")\n'
        'expect(s:state().state == "LISTEN", "a fresh UDP socket listens", "x")\n')
    p = run("--lesson", "wrong", "--auto", SOCKPLAY_LESSONS=d)
    out = p.stdout.decode()
    assert p.returncode != 0 and "✗ the lesson expected: a fresh UDP socket listens" in out, out
    p = run("--lesson", "nosuch", "--auto", SOCKPLAY_LESSONS=d)
    assert p.returncode != 0 and "no lesson 'nosuch'" in p.stdout.decode()

@test
def script_and_typed_calls_print_the_same_trace():
    d = tempfile.mkdtemp(); path = os.path.join(d, "s.lua")
    open(path, "w").write('local u = socket.socket("udp")\nu:bind("127.0.0.1", 0)\nu:close()\n')
    scripted = run(path).stdout.decode()
    typed = run("-c", "socket udp; bind %d 127.0.0.1 0; close %d" % (FD0, FD0)).stdout.decode()
    strip = lambda t: re.sub(r":\d{4,5}", ":PORT", t)
    assert strip(scripted) == strip(typed), (scripted, typed)

@test
def lua_in_the_repl_sees_repl_sockets_and_names_its_own():
    sp = Sockplay()
    sp.run("s = socket udp")
    sp.run("bind s 127.0.0.1 0")
    sp.run("lua print(s:getsockname()[2] > 0, #'a;b')", r"true\t3\n")       # ; and # belong to Lua here
    sp.run('lua t = socket.socket("udp")', r"socket\(AF_INET, SOCK_DGRAM\) = \d+")
    sp.run("bind t 127.0.0.1 0", r"bind\(t, 127\.0\.0\.1:0\) = 0")       # the Lua global is a REPL name
    sp.run("lua 1 + 1", r"\n2\n")
    sp.run("close s")
    sp.run("lua print(tostring(s), s == nil)", r"nil\ttrue")               # closed at the prompt: gone for Lua
    sp.run('lua error("boom")', r"lua: lua:1: boom")
    sp.run("lua local x = ", r"lua: lua:1: unexpected symbol")
    sp.run("run /no/such/script.lua", r"lua: cannot open /no/such/script\.lua")
    sp.run("lua", r"missing CHUNK")
    sp.run("state", r"\bt\b")
    assert sp.close() == 0

@test
def runaway_memory_is_capped():
    sp = Sockplay()
    sp.run("lua local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(1000) .. i end", r"not enough memory", timeout=60)
    sp.run("lua collectgarbage(); print('alive')", r"alive")
    sp.close()

@test
def ctrl_c_stops_a_script_and_the_repl_goes_on():
    t = Term()
    try:
        t.type("lua while true do end")
        time.sleep(0.5)
        t.keys("C-c")
        t.wait(r"lua: .*interrupted by Ctrl-C")
        t.type('lua s = socket.socket("tcp"); s:bind("127.0.0.1", 0); s:listen(); c = s:accept(); print("after")')
        t.wait(r"⏳ accept\(s\)")
        t.keys("C-c")
        t.wait(r"EINTR \(4\)")
        t.wait(r"lua: .*interrupted by Ctrl-C")
        assert "after" not in t.screen().split("accept(s)")[-1]
        t.type("state")
        t.wait(r"\bs\b\s+TCPv4.*LISTEN")
    finally:
        t.close()

@test
def a_lesson_at_a_terminal_pauses_before_each_call():
    t = Term("--lesson", "tcp_client")
    try:
        t.wait(r"⏎ socket\(\) — press Enter")
        assert "socket(AF_INET" not in t.screen()
        t.keys("Enter")
        t.wait(r"socket\(AF_INET, SOCK_STREAM\) = \d+")
        t.wait(r"⏎ bind\(\) — press Enter")
        for _ in range(40):
            t.keys("Enter")
            time.sleep(0.05)
        t.wait(r"lesson tcp_client: \d+ checks passed", 10)
    finally:
        t.close()

@test
def a_lesson_does_not_pause_before_calls_it_makes_quietly():
    """Calls made with socket.trace(false) show nothing, so a stepping lesson does not wait
    for Enter before them: only before the calls the learner sees."""
    d = tempfile.mkdtemp()
    open(os.path.join(d, "01_quiet.lua"), "w").write(
        '-- summary.en: quiet calls\nsocket.trace(false)\nfor _ = 1, 5 do socket.socket("udp"):close() end\n'
        'socket.trace(true)\nlocal u = socket.socket("udp")\nu:close()\npause("next: one step", "x")\nexpect(true, "done", "done")\n')
    t = Term("--lesson", "quiet", extra="SOCKPLAY_LESSONS=" + d)
    try:
        t.wait(r"⏎ socket\(\) — press Enter")
        t.keys("Enter")
        t.wait(r"⏎ close\(\) — press Enter")
        t.keys("Enter")
        t.wait(r"⏎ next: one step — press Enter")     # pause(): a step that is no call
        assert "done" not in t.screen(), t.screen()
        t.keys("Enter")
        t.wait(r"lesson quiet: 1 checks passed", 5)
        assert t.screen().count("press Enter") == 3, t.screen()
    finally:
        t.close()

if __name__ == "__main__":
    main()
