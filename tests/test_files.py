"""Files sockplay writes and programs it generates (issue 11, items 1-4, 18, 19): nothing a
path, a name or a payload holds becomes code; a failed write keeps the old file; a file
sockplay did not write, or a symlink, is never replaced; explain's Python lines are valid
Python; two makes at once do not collide."""
import os, random, re, shlex, shutil, stat, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
import term

# Fragments a hostile string is made of: each one has broken some generated program.
HOSTILE = ['"', "'", "\\", "\n", "\r", "\t", "\x00", "*/", "/*", "]]", "[[", "--", "#", "$(touch PWN)", "`touch PWN`",
           '"); import os; os.system("touch PWN"); ("', "\nimport os\nos.system('touch PWN')\n#",
           "]] os.execute('touch PWN') --[[", "*/ int pwn = system(\"touch PWN\"); /*", "??/", "??=", "\\x41",
           "%s%n", "\xff\xfe", "\xc3(", "你好", "\x1b[2J", "\x7f", " ", ";", "&", "|", "\\\n", "\u2028"]

def typed(raw):
    """raw bytes as a sockplay double-quoted string: every byte survives the parser."""
    out = []
    for b in raw:
        c = chr(b)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 0x20 <= b < 0x7f:
            out.append(c)
        else:
            out.append("\\x%02x" % b)
    return '"' + "".join(out) + '"'

def hostile(rng, n):
    """n distinct hostile byte strings, short enough for a unix path (108 bytes)."""
    seen, out = set(), []
    while len(out) < n:
        s = "".join(rng.choice(HOSTILE) + rng.choice(["", "a", "x.py", "Q"]) for _ in range(rng.randint(1, 4)))
        b = s.encode("utf-8", "surrogatepass").replace("\xff\xfe".encode(), b"\xff\xfe").replace("\xc3(".encode(), b"\xc3(")
        b = b.replace(b"\x00", b"")[:90]      # a C string cannot hold NUL (sockplay is tried with it on its own)
        if b and b not in seen:
            seen.add(b)
            out.append(b)
    return out

def new_files(d, before):
    return sorted(set(os.listdir(d)) - before)

def regular_files_under(d):
    found = []
    for root, dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            if stat.S_ISREG(os.lstat(p).st_mode):
                found.append(p)
    return found

@test
def exported_programs_escape_every_hostile_string():
    """Items 1-2: hundreds of hostile unix paths, payloads and file names; every exported
    Python compiles, every C file compiles with -Wall -Werror, every Lua file loads, and
    running them creates no regular file."""
    rng = random.Random(11)
    work = tempfile.mkdtemp()
    run = os.path.join(work, "session")          # sockplay's cwd: relative unix paths land here
    out = os.path.join(work, "out")
    os.mkdir(run); os.mkdir(out); os.mkdir(os.path.join(out, "d*"))
    paths = hostile(rng, 120)
    payloads = hostile(rng, 60)
    names = hostile(rng, 100)
    sp = subprocess.Popen([SOCKPLAY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          cwd=run, env=env())
    lines = []
    for i, p in enumerate(paths):
        kind = "unix" if i % 2 else "unix-dgram"
        lines += ["x%d = socket %s" % (i, kind), "bind x%d %s" % (i, typed(p)), "close x%d" % i]
    lines += ["d = socket unix-dgram", "bind d %s" % typed(b"peer\"'\\$(touch PWN)"),
              "u = socket unix-dgram"]
    for p in payloads:
        lines.append("sendto u %s %s" % (typed(b"peer\"'\\$(touch PWN)"), typed(p)))
        lines.append("recvfrom d 200")
    lines += ["close u d"]
    files = {"py": [], "c": [], "lua": []}
    for i, n in enumerate(names):
        for lang, cmd in (("py", "export python"), ("c", "export c"), ("lua", "save")):
            if lang == "c" and i % 4:
                continue                         # C compiles slowest: a quarter of the names
            sub = b"/d*/" if i % 5 == 0 else b"/"          # a folder whose name ends a C comment
            name = out.encode() + sub + b"%d_" % i + n.replace(b"/", b"_") + b"." + lang.encode()
            files[lang].append(name)
            lines.append("%s %s" % (cmd, typed(name)))
    lines.append("export python %s" % typed(b"bad\x00name.py"))
    o, _ = sp.communicate(("\n".join(lines) + "\n").encode(), timeout=120)
    text = o.decode("utf-8", "replace")
    assert sp.returncode == 0, text[-3000:]
    assert "AddressSanitizer" not in text and "runtime error" not in text, text[-3000:]
    # The "run it:" hint: one line, the name quoted so that a shell gives it back whole.
    hints = re.findall(rb"^wrote \d+ calls to .*? \xe2\x80\x94 run it: (python3|sockplay) (.*)$", o, re.M)
    assert len(hints) >= len(files["py"]) + len(files["lua"]), o[-2000:]
    wanted = set(files["py"] + files["lua"])
    for _, q in hints[:40]:
        r = subprocess.run(["bash", "-c", b"printf %s " + q], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10,
                           cwd=work)
        assert r.stdout in wanted, (q, r.stdout)
    for lang in files:
        for f in files[lang]:
            assert os.path.exists(f), (f, text[-2000:])
    # Python: each file compiles.
    r = subprocess.run([PY, "-c", "import sys\nbad = 0\nfor f in sys.argv[1:]:\n    try:\n"
                        "        compile(open(f, 'rb').read(), f, 'exec')\n    except Exception as e:\n"
                        "        bad += 1; print(f, e)\nsys.exit(bad)"] + [os.fsdecode(f) for f in files["py"]],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert r.returncode == 0, r.stdout.decode("utf-8", "replace")[:3000]
    # Lua: each file loads.
    r = subprocess.run(["lua5.4", "-e", "local bad = 0 for i = 1, #arg do local ok, e = loadfile(arg[i]) "
                        "if not ok then bad = bad + 1 print(e) end end os.exit(bad == 0)", "-"] + files["lua"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert r.returncode == 0, r.stdout.decode("utf-8", "replace")[:3000]
    # C: each file compiles with -Wall -Werror (two batches).
    half = len(files["c"]) // 2
    for batch in (files["c"][:half], files["c"][half:]):
        r = subprocess.run(["cc", "-std=c11", "-fsyntax-only", "-Wall", "-Wextra", "-Werror"] + batch,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        assert r.returncode == 0, r.stdout.decode("utf-8", "replace")[:3000]
    # Running them (in an empty folder, unix sockets only, bounded) creates sockets and no regular file.
    for lang, prog in (("py", [PY]), ("lua", [SOCKPLAY]), ("c", None)):
        for k, f in enumerate(files[lang][:3]):
            d = tempfile.mkdtemp(dir=work)
            argv = prog + [f] if prog else None
            if not prog:
                exe = os.path.join(work, "prog%d" % k)
                r = subprocess.run(["cc", "-o", exe, f], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
                assert r.returncode == 0, r.stdout.decode("utf-8", "replace")[:2000]
                argv = [exe]
            r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30, cwd=d, env=env())
            assert b"Traceback" not in r.stdout or lang != "py" or b"SyntaxError" not in r.stdout, r.stdout[-2000:]
            made = regular_files_under(d)
            assert not made, (lang, f, made)
    assert not [p for p in regular_files_under(work) + os.listdir(".") if os.path.basename(p) == "PWN"]
    shutil.rmtree(work, ignore_errors=True)

def demo(sp, n=3):
    """A few UDP calls: something to export."""
    sp.run("u = socket udp", r"→ u")
    sp.run("bind u 127.0.0.1 0", r"= 0")
    for i in range(n):
        sp.run('sendto u 127.0.0.1 9 "%s"' % ("x" * 60), r"= 60")

def limited(fsize_blocks):
    import resource
    def f():
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_blocks * 1024, fsize_blocks * 1024))
    return f

def leftovers(d):
    return [f for f in os.listdir(d) if f.startswith(".") or "tmp" in f.lower() or f.endswith(".new")]

@test
def a_failed_write_keeps_the_old_file_and_the_session():
    """Item 3: EFBIG under ulimit -f (SIGXFSZ would kill sockplay), ENOSPC on a full
    filesystem, EACCES in a folder it may not write: the old file stays whole, the reason
    is said, the session goes on."""
    d = tempfile.mkdtemp()
    big = os.path.join(d, "big.py")
    sp = Sockplay()
    demo(sp, 2)
    sp.run("export python %s" % big, r"wrote \d+ calls")
    assert sp.close() == 0
    old = open(big, "rb").read()
    # EFBIG: a limit of 2 KiB, a session whose program is longer.
    p = subprocess.Popen([SOCKPLAY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env(),
                         preexec_fn=limited(2))
    cmds = ["u = socket udp", "bind u 127.0.0.1 0"] + ['sendto u 127.0.0.1 9 "%s"' % ("y" * 100)] * 40
    cmds += ["export python --force %s" % big, "export python %s" % big, "getsockname u"]
    o, _ = p.communicate(("\n".join(cmds) + "\n").encode(), timeout=30)
    text = o.decode("utf-8", "replace")
    assert p.returncode == 0, (p.returncode, text[-2000:])         # 153 was SIGXFSZ
    assert "EFBIG" in text and "ulimit -f" in text, text[-2000:]
    assert re.search(r"getsockname\(u\) = 127\.0\.0\.1:\d+", text), text[-1500:]
    assert open(big, "rb").read() == old, "big.py was cut"
    assert not leftovers(d), os.listdir(d)
    # ENOSPC: a 16 KiB tmpfs of its own (a mount namespace, so nothing outside sees it).
    full = tempfile.mkdtemp()
    script = ("mount -t tmpfs -o size=16k tmpfs %s && cd %s && cp %s keep.py && %s && ls -a" %
              (full, full, shlex.quote(big), shlex.quote(SOCKPLAY)))
    cmds = ["u = socket udp", "bind u 127.0.0.1 0"] + ['sendto u 127.0.0.1 9 "%s"' % ("z" * 500)] * 60
    cmds += ["export python --force keep.py", "getsockname u"]
    r = subprocess.run(["unshare", "-rm", "sh", "-c", script], input=("\n".join(cmds) + "\n").encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30, env=env())
    text = r.stdout.decode("utf-8", "replace")
    assert "cannot write" in text or "ENOSPC" in text, text[-2000:]
    assert "ENOSPC" in text, text[-2000:]
    assert re.search(r"getsockname\(u\) = 127\.0\.0\.1:\d+", text), text[-1500:]
    listing = text.rsplit("\n", 6)[-6:]
    assert not [l for l in listing if l.startswith(".") and l not in (".", "..")], listing
    # EACCES: a folder owned by root, sockplay run as nobody; the old file stays.
    os.chmod(d, 0o755)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", SOCKPLAY],
                       input=("u = socket udp\nexport python --force %s\n" % big).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30, env=env())
    text = r.stdout.decode("utf-8", "replace")
    assert "EACCES" in text or "Permission denied" in text, text[-1500:]
    assert r.returncode == 0, text
    assert open(big, "rb").read() == old
    shutil.rmtree(d, ignore_errors=True)

@test
def export_and_save_replace_only_their_own_files_never_through_a_link():
    """Item 4: a file sockplay did not write is refused (named, with --force to override),
    one it wrote is replaced, a symlink is never written through, even with --force."""
    d = tempfile.mkdtemp()
    keep, target, link = (os.path.join(d, n) for n in ("keep.txt", "target.txt", "link.py"))
    open(keep, "w").write("my notes\n")
    open(target, "w").write("the link's target\n")
    os.symlink(target, link)
    sp = Sockplay()
    demo(sp, 1)
    sp.run("export python %s" % keep, r"%s.*(exists|存在).*--force" % re.escape(keep))
    assert open(keep).read() == "my notes\n"
    sp.run("save %s" % keep, r"--force")
    assert open(keep).read() == "my notes\n"
    sp.run("export python %s" % link, r"symbolic link")
    sp.run("export c --force %s" % link, r"symbolic link")
    sp.run("save --force %s" % link, r"symbolic link")
    assert os.path.islink(link) and open(target).read() == "the link's target\n"
    own = os.path.join(d, "own.py")
    sp.run("export python %s" % own, r"wrote \d+ calls")
    sp.run("export python %s" % own, r"wrote \d+ calls")                     # its own file: replaced
    sp.run("export python --force %s" % keep, r"wrote \d+ calls")
    assert "socket" in open(keep).read()
    sp.run("export --force python %s" % keep, r"wrote \d+ calls")
    sp.run("export python --frce %s" % keep, r"'--frce'")
    own_c, own_lua = os.path.join(d, "own.c"), os.path.join(d, "own.lua")
    sp.run("export c %s" % own_c, r"wrote \d+ calls")
    sp.run("export c %s" % own_c, r"wrote \d+ calls")
    sp.run("save %s" % own_lua, r"wrote \d+ calls")
    sp.run("save %s" % own_lua, r"wrote \d+ calls")
    sp.run("export python %s" % own_lua, r"wrote \d+ calls")                 # still a file sockplay wrote
    assert sp.close() == 0
    assert sorted(os.listdir(d)) == ["keep.txt", "link.py", "own.c", "own.lua", "own.py", "target.txt"], os.listdir(d)
    shutil.rmtree(d, ignore_errors=True)

class HomeTerm(term.Term):
    """term.Term with a HOME prepared before sockplay starts, and a shell prefix (ulimit)."""
    def __init__(self, home, prefix=""):
        self.home = home
        self.sock = "sockplay-files-%d-%d" % (os.getpid(), int(time.monotonic() * 1000))
        cmd = "%s env -u XDG_STATE_HOME NO_COLOR=1 HOME=%s LANG=C.UTF-8 TERM=xterm-256color %s; sleep 30" % (prefix, home, shlex.quote(SOCKPLAY))
        self.tmux("new-session", "-d", "-s", "t", "-x", "150", "-y", "50", "sh -c %s" % shlex.quote(cmd))
        self.wait(r"sockplay>")

HISTDIR = ".local/state/sockplay"

@test
def history_is_written_safely_and_never_through_a_link():
    """Items 3-4 for the history (~/.local/state/sockplay/history): a symlink is left alone
    (its target neither cut nor chmod-ed, a note says so); under ulimit -f the old history
    stays whole."""
    home = tempfile.mkdtemp()
    target = os.path.join(home, "elsewhere")
    lines = "".join("old line %d\n" % i for i in range(1500))
    open(target, "w").write(lines)
    os.chmod(target, 0o640)
    os.makedirs(os.path.join(home, HISTDIR))
    os.symlink(target, os.path.join(home, HISTDIR, "history"))
    t = HomeTerm(home)
    try:
        t.type("socket udp")
        t.type("quit")
        t.wait(r"closing", 5)
        time.sleep(0.5)
        screen = t.screen()
    finally:
        t.close()
    assert open(target).read() == lines, "the symlink's target was rewritten"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert os.path.islink(os.path.join(home, HISTDIR, "history"))
    assert "symbolic link" in screen, screen[-1500:]
    # ulimit -f 1 (1 KiB): the history file (16 KiB) cannot be rewritten; it stays whole.
    home2 = tempfile.mkdtemp()
    os.makedirs(os.path.join(home2, HISTDIR))
    hist = os.path.join(home2, HISTDIR, "history")
    open(hist, "w").write(lines[:16000])
    os.chmod(hist, 0o600)
    t = HomeTerm(home2, prefix="ulimit -f 1;")
    try:
        t.type("socket udp")
        t.type("quit")
        time.sleep(1.0)
        screen = t.screen()
    finally:
        t.close()
    assert open(hist).read() == lines[:16000], "the history was cut: %d bytes" % len(open(hist).read())
    assert stat.S_IMODE(os.stat(hist).st_mode) == 0o600
    assert os.listdir(os.path.join(home2, HISTDIR)) == ["history"], os.listdir(os.path.join(home2, HISTDIR))
    # And without a limit it is rewritten as before (through a temp file: mode kept).
    t = HomeTerm(home2)
    try:
        t.type("socket tcp")
        t.type("quit")
        time.sleep(0.8)
    finally:
        t.close()
    assert "socket tcp" in open(hist).read()
    assert stat.S_IMODE(os.stat(hist).st_mode) == 0o600
    assert os.listdir(os.path.join(home2, HISTDIR)) == ["history"], os.listdir(os.path.join(home2, HISTDIR))

KEYWORDS = set(__import__("keyword").kwlist)

def explain_python_code(out):
    """The Python code of each explain line in out, continuation lines joined: "   Python  code"
    continued 11 columns in, or "   Python" alone and the code 5 columns in. Comments left out."""
    codes = []
    for m in re.finditer(r"^   Python(?:  (.*(?:\n {11}\S.*)*)|\n {5}(\S.*(?:\n {5}\S.*)*))", out, re.M):
        body, cut = (m.group(1), 11) if m.group(1) is not None else (m.group(2), 5)
        code = "\n".join(x[cut:] if i else x for i, x in enumerate(body.split("\n")))
        code = re.sub(r"   # raises \w+$|   # 抛出 \w+$", "", code)
        if not code.startswith("#"):
            codes.append(code)
    return codes

def not_python(code):
    """The reason code does not compile as Python, or None."""
    try:
        compile(code, "<explain>", "exec")
    except SyntaxError as e:
        return e.msg
    return None

@test
def explain_python_lines_in_every_lesson_are_valid_python():
    """Item 18: each Python line explain prints in a lesson compiles; sockets are named
    by their Lua variable, else by the course's names, never sock5 or sock-1."""
    lessons = [l.split()[0] for l in subprocess.run([SOCKPLAY, "--lessons"], stdout=subprocess.PIPE, env=env(),
                                                   timeout=10).stdout.decode().splitlines()[1:] if l.strip()]
    assert len(lessons) >= 10, lessons
    procs = {l: subprocess.Popen([SOCKPLAY, "--lesson", l, "--auto"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 env=env()) for l in lessons}
    outs = {}
    for l, p in procs.items():
        outs[l] = p.communicate(timeout=60)[0].decode("utf-8", "replace")
    bad = []
    for l, text in outs.items():
        for code in explain_python_code(text):
            why = not_python(code)
            if why:
                bad.append("%s: %s (%s)" % (l, code, why))
            elif re.search(r"\bsock-?\d+\b", code):
                bad.append("%s: %s (not a course name)" % (l, code))
    assert not bad, "\n".join(bad[:30])
    server = outs["tcp_server"]
    assert "Python  tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)" in server, server[:3000]
    assert "Python  client_socket, clientAddr = tcp_server_socket.accept()" in server, server
    assert "Python  tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)" in server, server[:3000]

@test
def explain_python_lines_stay_python_at_80_and_60_columns():
    """On a projector explain's lines wrap; a wrapped Python line, copied with its
    continuation lines, must still compile: it breaks only inside brackets, never inside
    a string literal, and long data is shown shorter first."""
    lessons = ["file_downloader", "tcp_server", "udp_chat", "encodings", "byte_stream"]
    for width in ("80", "60"):
        bad = []
        for l in lessons:
            out = subprocess.run([SOCKPLAY, "--lesson", l, "--auto"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 env=env(COLUMNS=width), timeout=60).stdout.decode("utf-8", "replace")
            for code in explain_python_code(out):
                why = not_python(code)
                if why:
                    bad.append("%s at %s: %r (%s)" % (l, width, code, why))
        assert not bad, "\n".join(bad[:20])

@test
def two_makes_at_once_do_not_collide():
    """Item 19: `make` of the config header, and of the program, twice at once in one
    checkout: neither fails (the header was written through one fixed temp name)."""
    src = ROOT
    d = tempfile.mkdtemp()
    tree = os.path.join(d, "tree")
    shutil.copytree(src, tree, ignore=shutil.ignore_patterns(".git", "asan", "clang*", "plain", "fuzz", "bench", "valgrind"),
                    symlinks=True)
    env_ = env()
    env_.pop("MAKEFLAGS", None); env_.pop("MFLAGS", None); env_.pop("MAKELEVEL", None)
    fails = []
    for i in range(12):
        if os.path.exists(os.path.join(tree, "build", "config.h")) and i % 2:
            os.unlink(os.path.join(tree, "build", "config.h"))
        ps = [subprocess.Popen(["make", "-s", "build/config.h", "PREFIX=/p%d" % (i % 3)], cwd=tree, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env_) for _ in range(2)]
        for p in ps:
            o = p.communicate(timeout=60)[0]
            if p.returncode:
                fails.append(o.decode("utf-8", "replace"))
    for i in range(2):
        os.utime(os.path.join(tree, "src", "core", "keymap.c"))
        ps = [subprocess.Popen(["make", "-s", "sockplay"], cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=env_) for _ in range(2)]
        for p in ps:
            o = p.communicate(timeout=180)[0]
            if p.returncode:
                fails.append(o.decode("utf-8", "replace"))
    assert not fails, "\n---\n".join(fails[:4])
    assert open(os.path.join(tree, "build", "config.h")).read().count("SP_LESSONS_DIR") == 1
    assert not [f for f in os.listdir(os.path.join(tree, "build")) if ".new" in f or re.search(r"\.\d+$", f)]
    r = subprocess.run([os.path.join(tree, "sockplay"), "-c", "lang en"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=10, env=env())
    assert r.returncode == 0, r.stdout
    shutil.rmtree(d, ignore_errors=True)

@test
def an_exported_c_program_builds_with_the_command_its_hint_prints():
    """A socket made and never used again: the hint's own `cc -Wall -Werror` must build it."""
    d = tempfile.mkdtemp()
    p = subprocess.run([SOCKPLAY, "-c", "s = socket udp; export c one.c"], cwd=d, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), timeout=10)
    out = p.stdout.decode()
    m = re.search(r"wrote 1 call to one\.c — run it: (.*)", out)
    assert m, out
    b = subprocess.run(["bash", "-c", m.group(1).strip()], cwd=d, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert b.returncode == 0, b.stdout.decode()
    shutil.rmtree(d, ignore_errors=True)

main()
