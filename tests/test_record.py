"""One call record (issue 12): the core fills it and prints nothing; the report prints it,
one session log keeps it. `trace` and `export` read that one log, and a Lua error message
is made from the record even when nothing is printed."""
import glob, os, re, sys, tempfile
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

@test
def the_core_formats_no_text_and_a_call_has_one_record():
    for path in glob.glob(os.path.join(ROOT, "src", "core", "*")):
        text = open(path, encoding="utf-8").read()
        if "printf" in text:
            raise Fail("%s holds printf: the core prints and formats nothing (report/ does)" % path)
    for path in glob.glob(os.path.join(ROOT, "src", "*", "*.[ch]")):
        text = open(path, encoding="utf-8").read()
        for old in ("sp_op", "core_rec", "sp_call_kind", "sp_opkind", "core_before_call", "core_trace", "core_show_table"):
            if re.search(r"\b%s\b" % old, text):
                raise Fail("%s still uses %s: a call is one sp_call (core/call.h)" % (path, old))

@test
def trace_and_export_read_the_same_log():
    sp = Sockplay()
    out = tempfile.mkdtemp()
    sp.run("a = socket udp", r"→ a")
    sp.run("bind a 127.0.0.1 0", r"it picked")
    # Quiet calls are neither printed nor kept: trace and export both leave them out.
    sp.run('lua socket.trace(false); q = socket.socket("udp"); q:bind("127.0.0.1", 0); q:close(); socket.trace(true)')
    sp.run("close a", r"close\(a\) = 0")
    sp.run("trace", r"close\(a\) = 0")
    sp.sync()
    rows = re.findall(r"^  \d\d:\d\d:\d\d\.\d{3}  .*$", sp.out.decode(), re.M)
    if len(rows) != 3 or any("q" in r.split("(")[1].split(",")[0] for r in rows):
        raise Fail("trace should list the 3 traced calls, got %r" % rows)
    path = os.path.join(out, "s.py")
    sp.run("export python " + path, r"wrote 3 calls to")
    text = open(path, encoding="utf-8").read()
    if "a.bind" not in text or "q." in text:
        raise Fail("export should hold the traced calls only:\n" + text)
    assert sp.close() == 0

@test
def a_quiet_lua_call_still_explains_its_failure():
    sp = Sockplay()
    sp.run('lua socket.trace(false); c = socket.socket("tcp"); print(c:connect("127.0.0.1", 1)); '
           'print(c:setsockopt("SO_TYPE", 1)); c:close(); socket.trace(true)',
           r"nil\tconnect: ECONNREFUSED \(111\) Connection refused — nothing listens on 127\.0\.0\.1:1 .*\t111\n"
           r"nil\tsetsockopt: SO_TYPE can only be read \(getsockopt c SO_TYPE\), not set\tnil")
    sp.sync()
    if re.search(r"^(socket|connect|setsockopt)\(", sp.out.decode(), re.M):
        raise Fail("socket.trace(false) printed a trace line:\n" + sp.out.decode())
    assert sp.close() == 0

main()
