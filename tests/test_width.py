"""The projector (issue 11, items 16 and 20): everything sockplay prints fits the terminal's
width, measured in display columns (CJK two, `…` one, combining marks none); the table
narrows before anything wraps, prose wraps at word boundaries under its indent."""
import os, re, socket, sys, time, unicodedata
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
os.environ.pop("COLUMNS", None)      # the width comes from each test, never from the caller's shell
from harness import *
from term import Term

HEAD = re.compile(r"^\s+FD\s+NAME\s+KIND\s+LOCAL\s+PEER\s+STATE\s+RECV-Q\s+SEND-Q\s*$")

def cols(line):
    """Columns a line takes on a terminal, as wcwidth counts them."""
    w = 0
    for ch in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line):
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w

def too_wide(text, width):
    return ["%d: %s" % (cols(l), l) for l in text.split("\n") if cols(l) > width]

def course_session(sp, port):
    """Six sockets with the course's names: a listener with two queued clients, a
    TIME_WAIT this side left, a TCPv6 client with v4-mapped addresses, a UDP socket."""
    sp.run("explain on")
    sp.run("tcp_server_socket = socket tcp")
    sp.run("setsockopt tcp_server_socket SO_REUSEADDR 1")
    sp.run('bind tcp_server_socket "" %d' % port)
    sp.run("listen tcp_server_socket 128")
    sp.run("tcp_client_socket = socket tcp")
    sp.run("connect tcp_client_socket 127.0.0.1 %d" % port)
    sp.run("client_socket = accept tcp_server_socket", r"→ client_socket")
    sp.run("close tcp_client_socket")
    sp.run("close client_socket", r"TIME_WAIT")
    sp.run("tcp6_client_socket = socket tcp6")
    sp.run("connect tcp6_client_socket ::ffff:127.0.0.1 %d" % port)
    peers = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
    sp.run("client_socket = accept tcp_server_socket", r"→ client_socket")
    sp.run("udp_socket = socket udp")
    up = sp.run('bind udp_socket "" 0', r"(?:picked|选了)\s+0\.0\.0\.0:(\d+)").group(1).decode()
    sp.run("sendto udp_socket 127.0.0.1 %s hex:cad5b5bd" % up)      # the course's GBK: "收到"
    sp.run("recvfrom udp_socket", r"as\s+gbk")
    sp.run("state", r"SEND-Q")
    sp.run("help")
    sp.run("help setsockopt")
    sp.run("ipinfo 192.168.1.10/24")
    sp.sync()
    return peers

def check_fits(text, width, port):
    bad = too_wide(text, width)
    if bad:
        raise Fail("%d line(s) wider than %d columns:\n%s" % (len(bad), width, "\n".join(bad[:20])))
    lines = text.split("\n")
    heads = [l for l in lines if re.match(r"^\s+FD\b", l)]
    if len(heads) < 8 or not all(HEAD.match(l) for l in heads):
        raise Fail("a table header is split or missing at %d columns:\n%s" % (width, "\n".join(heads)))
    listen = [l for l in lines if re.search(r"\bLISTEN\b", l)]
    if not listen or not all(":%d" % port in l for l in listen):
        raise Fail("the listener's port is not visible at %d columns:\n%s" % (width, "\n".join(listen)))
    queued = [l for l in lines if re.search(r"ESTABLISHED", l) and re.search(r"^\s*[+* ]\s+-\s", l)]
    if not queued or not all(":%d" % port in l for l in queued):
        raise Fail("a queued connection's port is not visible at %d columns:\n%s" % (width, "\n".join(queued)))

def run_at(width, lang="en"):
    port = free_port()
    sp = Sockplay("--lang", lang, extra_env={"COLUMNS": str(width)})
    peers = course_session(sp, port)
    sp.close()
    for p in peers:
        p.close()
    return sp.text(), port

@test
def course_session_fits_60_80_and_120_columns():
    for width in (60, 80, 120):
        text, port = run_at(width)
        check_fits(text, width, port)
        if width == 120:    # room enough: nothing is shortened
            rows = [l for l in text.split("\n") if re.search(r"TCPv[46]\s", l)]
            if not rows or any("…" in l for l in rows):
                raise Fail("at 120 columns the table was shortened:\n%s" % "\n".join(rows))

@test
def chinese_session_fits_60_and_80_columns():
    for width in (60, 80):
        text, port = run_at(width, "zh")
        check_fits(text, width, port)

@test
def a_pipe_without_columns_is_80_wide():
    text, port = run_at(0)     # COLUMNS=0 is no width: the default applies
    check_fits(text, 80, port)
    port = free_port()
    sp = Sockplay(extra_env={"COLUMNS": ""})     # and with no COLUMNS at all
    course_session(sp, port)
    sp.close()
    check_fits(sp.text(), 80, port)

@test
def hints_wrap_at_words_under_their_arrow():
    text, port = run_at(80)
    lines = text.split("\n")
    i = next(i for i, l in enumerate(lines) if "↳ tcp_server_socket is now a passive" in l)
    want = ("tcp_server_socket is now a passive (listening) socket: it only accepts connections; "
            "data travels on the sockets accept() returns")
    got, j = [lines[i].split("↳ ", 1)[1]], i + 1
    while j < len(lines) and re.match(r"^ {5}\S", lines[j]):
        got.append(lines[j].strip())
        j += 1
    if len(got) < 2 or " ".join(got) != want:
        raise Fail("the hint was not wrapped at words under its arrow:\n%s" % "\n".join(lines[i:j + 1]))
    legend = next(i for i, l in enumerate(lines) if l.lstrip().startswith("RECV-Q: bytes received"))
    if not re.match(r"^  \S", lines[legend + 1]) or "SEND-Q: bytes sent" not in " ".join(lines[legend:legend + 4]):
        raise Fail("the legend did not wrap under its indent:\n%s" % "\n".join(lines[legend:legend + 4]))

def start_col(line, text):
    """The display column where text starts in line."""
    return cols(line[:line.index(text)])

@test
def help_columns_count_display_width():
    sp = Sockplay(extra_env={"COLUMNS": "200"})
    sp.run("help", r"quit")
    sp.sync()
    sp.close()
    lines = sp.text().split("\n")
    col = {}
    for name, desc in (("bind", "give the socket a local address"), ("close", "close sockets (TCP"), ("poll", "wait until one socket")):
        line = next(l for l in lines if l.startswith("  %s " % name))
        col[name] = start_col(line, desc)
    if len(set(col.values())) != 1:
        raise Fail("help's descriptions start at different columns %s:\n%s" % (col, sp.text()[-3000:]))

@test
def ipinfo_chinese_labels_line_up():
    sp = Sockplay("--lang", "zh", extra_env={"COLUMNS": "200"})
    sp.run("ipinfo 192.168.1.10/24", r"主机范围")
    sp.run("ipinfo fd00::1", r"类型")
    sp.sync()
    sp.close()
    starts = {}
    for line in sp.text().split("\n"):
        m = re.match(r"^  ([\u4e00-\u9fff]+)\s+(\S)", line)
        if m:
            starts[m.group(1)] = cols(line[:m.start(2)])
    if len(starts) < 8 or len(set(starts.values())) != 1:
        raise Fail("ipinfo's values start at different columns: %s\n%s" % (starts, sp.text()))

@test
def a_real_80_column_terminal_then_60_after_resize():
    port = free_port()
    t = Term(width=80)
    peers = []
    try:
        screen = t.wait(r"sockplay>")
        for line in ("explain on", "tcp_server_socket = socket tcp", 'bind tcp_server_socket "" %d' % port,
                     "listen tcp_server_socket 128"):
            t.type(line)
            t.wait(re.escape(line) + r".*sockplay>\s*$")
        peers = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
        for line in ("tcp6_client_socket = socket tcp6", "connect tcp6_client_socket ::ffff:127.0.0.1 %d" % port,
                     "state", "help"):
            t.type(line)
            t.wait(re.escape(line) + r".*sockplay>\s*$")
        joined = t.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-500")
        if "one socket call per line" not in joined:
            raise Fail("no banner:\n" + joined)
        bad = too_wide(joined, 80)
        if bad:
            raise Fail("lines wider than the 80-column terminal:\n%s" % "\n".join(bad))
        t.tmux("resize-window", "-t", "t", "-x", "60", "-y", "50")
        time.sleep(0.3)
        t.type("# now 60")
        t.type("state")
        t.wait(r"# now 60.*SEND-Q.*sockplay>\s*$")
        joined = t.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-500")
        after = joined[joined.rindex("# now 60"):]
        bad = too_wide(after, 60)
        heads = [l for l in after.split("\n") if re.match(r"^\s+FD\b", l)]
        if bad or len(heads) != 1 or not HEAD.match(heads[0]):
            raise Fail("after resizing to 60 columns the table does not fit:\n%s" % "\n".join(bad or heads))
        if ":%d" % port not in after:
            raise Fail("the port is not visible at 60 columns:\n" + after)
    finally:
        t.close()
        for p in peers:
            p.close()

main()
