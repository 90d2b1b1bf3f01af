"""sockplay at a real terminal (tmux): the blocking status line, Ctrl-C, completion, history."""
import os, re, socket, stat, subprocess, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *
from term import Term

def accept_waits(t):
    """A listener s, and `conn = accept s` waiting at the terminal t: its port."""
    t.type("s = socket tcp")
    t.type("bind s 127.0.0.1 0")
    port = int(t.wait(r"it picked 127\.0\.0\.1:(\d+)").group(1))
    t.type("listen s")
    t.type("conn = accept s")
    t.wait(r"⏳ accept\(s\): waiting for a client to connect … 0\.\d s — Ctrl-C to interrupt")
    return port

@test
def blocking_accept_shows_a_counting_status_line_then_unblocks():
    t = Term()
    try:
        port = accept_waits(t)
        t.wait(r"⏳ accept\(s\): waiting for a client to connect … 1\.\d s")      # it counts
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        m = t.wait(r"accept\(s\) = \d+  → conn, peer 127\.0\.0\.1:\d+  \(blocked (\d+\.\d) s\)")
        assert float(m.group(1)) >= 1.0
        assert "⏳" not in t.screen().split("accept(s) = ")[-1], t.screen()   # the status line is gone
        t.type("recv conn")
        t.wait(r"⏳ recv\(conn\): waiting for data from the peer")
        c.sendall("你好".encode())
        t.wait(r'recv\(conn, 1024\) = 6  "你好"')
        c.close()
    finally:
        t.close()

@test
def keys_typed_while_a_call_blocks_wait_for_the_next_prompt():
    """Typing while accept waits does not write into the redrawn status line: the terminal's
    echo is off for the wait, and the next prompt shows what was typed, ready to run."""
    t = Term()
    try:
        port = accept_waits(t)
        tty = t.tmux("display", "-p", "-t", "t", "#{pane_tty}").strip()
        flags = subprocess.run(["stty", "-F", tty, "-a"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10).stdout.decode()
        assert re.search(r"(^|\s)-echo(\s|$)", flags), "the terminal echoes keys during the wait:\n" + flags
        t.keys("-l", "state")
        t.wait(r"⏳ accept\(s\): waiting for a client to connect … 1\.\d s — Ctrl-C to interrupt")   # the line stays whole
        assert "state" not in t.screen().split("conn = accept s")[-1], t.screen()
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        t.wait(r"accept\(s\) = \d+  → conn")
        t.wait(r"(?m)^sockplay> state$")
        t.keys("Enter")
        t.wait(r"sockplay> state\n  FD ")                                           # and it runs
        c.close()
    finally:
        t.close()

@test
def ctrl_c_interrupts_a_blocked_call_and_the_repl_lives_on():
    t = Term()
    try:
        t.type("u = socket udp")
        t.type("bind u 127.0.0.1 0")
        t.type("recvfrom u")
        t.wait(r"⏳ recvfrom\(u\): waiting for a datagram")
        t.keys("C-c")
        t.wait(r"recvfrom\(u, 1024\) = -1 EINTR \(4\) Interrupted system call(  \(blocked [\d.]+ s\))?\n\s*↳ interrupted by Ctrl-C: the call was abandoned; the socket is still open")
        t.type("getsockname u")
        t.wait(r"getsockname\(u\) = 127\.0\.0\.1:\d+")
        # several Ctrl-C in a row, then a call still works
        t.type("recvfrom u")
        t.wait(r"⏳ recvfrom\(u\)")
        t.keys("C-c"); t.keys("C-c"); t.keys("C-c")
        t.type("close u")
        t.wait(r"close\(u\) = 0")
    finally:
        t.close()

@test
def ctrl_c_at_the_prompt_clears_the_line():
    t = Term()
    try:
        t.keys("-l", "garbage words")
        t.wait(r"sockplay> garbage words")
        t.keys("C-c")
        t.wait(r"garbage words\^C")
        t.type("state")
        t.wait(r"\(no sockets\)")
        assert "unknown command 'garbage" not in t.screen()
    finally:
        t.close()

@test
def tab_completes_commands_sockets_and_options():
    t = Term()
    try:
        t.type("server = socket tcp")
        t.keys("-l", "setso"); t.keys("Tab")
        t.wait(r"sockplay> setsockopt", 3)
        t.keys("-l", "ser"); t.keys("Tab")
        t.wait(r"sockplay> setsockopt server")
        t.keys("-l", "SO_REUSEA"); t.keys("Tab")
        t.wait(r"sockplay> setsockopt server SO_REUSEADDR")
        t.keys("-l", "1"); t.keys("Enter")
        t.wait(r"setsockopt\(server, SOL_SOCKET, SO_REUSEADDR, 1\) = 0")
        t.keys("-l", "socket ud"); t.keys("Tab"); t.keys("Enter")
        t.wait(r"socket\(AF_INET, SOCK_DGRAM\)")
    finally:
        t.close()

@test
def history_is_saved_between_sessions():
    t = Term()
    try:
        t.type("socket udp")
        t.type("quit")
        time.sleep(0.5)
        hist = open(os.path.join(t.home, ".local/state/sockplay/history")).read()
        assert "socket udp" in hist, hist
    finally:
        t.close()

def history_session(home, *lines, extra=""):
    """One session at a terminal with HOME=home (and extra env): Up recalls the last line of
    the history it read, then lines are typed; returns the screen."""
    t = Term(extra=extra)
    t.home = home
    try:
        t.keys("Up")
        time.sleep(0.3)
        recalled = t.screen()
        t.keys("C-u")
        for line in lines:
            t.type(line)
        t.type("quit")
        time.sleep(0.6)
        return recalled + t.screen()
    finally:
        t.close()

@test
def history_lives_under_xdg_state_home_and_the_old_file_is_read_once():
    """$XDG_STATE_HOME/sockplay/history, else ~/.local/state/sockplay/history (folders 0700);
    an old ~/.sockplay_history is read the first time, quietly, and left as it was."""
    home = tempfile.mkdtemp()
    old = os.path.join(home, ".sockplay_history")
    open(old, "w").write("lang en\nsocket tcp6\n")
    screen = history_session(home, "socket udp", extra="HOME=%s" % home)
    new = os.path.join(home, ".local/state/sockplay/history")
    assert "sockplay> socket tcp6" in screen, "Up did not recall the old history:\n" + screen[-1500:]
    assert "history" not in screen.lower(), screen[-1500:]
    assert open(new).read() == "lang en\nsocket tcp6\nsocket udp\nquit\n", open(new).read()
    assert open(old).read() == "lang en\nsocket tcp6\n", "the old file was changed"
    for d in (".local", ".local/state", ".local/state/sockplay"):
        assert stat.S_IMODE(os.stat(os.path.join(home, d)).st_mode) == 0o700, d
    # Once the new file is there, the old one is not read again.
    screen = history_session(home, "socket unix", extra="HOME=%s" % home)
    assert open(new).read().count("socket tcp6") == 1, open(new).read()
    assert open(new).read().endswith("socket unix\nquit\n"), open(new).read()
    # With XDG_STATE_HOME (absolute) the history goes there, and nothing under HOME.
    home2, state = tempfile.mkdtemp(), tempfile.mkdtemp()
    history_session(home2, "socket udp6", extra="HOME=%s XDG_STATE_HOME=%s" % (home2, state))
    assert "socket udp6" in open(os.path.join(state, "sockplay/history")).read()
    assert stat.S_IMODE(os.stat(os.path.join(state, "sockplay")).st_mode) == 0o700
    assert os.listdir(home2) == [], os.listdir(home2)

@test
def changes_are_coloured_on_a_terminal_and_not_with_no_color():
    t = Term(color=True)
    try:
        t.type("u = socket udp")
        t.type("bind u 127.0.0.1 0")
        t.wait(r"it picked")
        time.sleep(0.2)
        s = t.screen(escapes=True)
        # tmux may re-emit "1;36" as two sequences: accept either spelling
        assert re.search(r"\x1b\[1(;|m\x1b\[)36mbind", s), s[-1500:]             # the call, bold cyan
        assert re.search(r"\x1b\[1(;|m\x1b\[)33m127\.0\.0\.1:\d+", s), s[-1500:]  # the changed LOCAL cell
        assert re.search(r"\x1b\[32m(\x1b\[49m)?\+", s), s[-1500:]                # the new row's marker
    finally:
        t.close()
    t = Term()
    try:
        t.type("u = socket udp")
        t.wait(r"UDPv4")
        assert "\x1b[" not in t.screen(escapes=True).replace("\x1b[39m", "").replace("\x1b[0m", ""), "NO_COLOR still coloured"
    finally:
        t.close()

@test
def fallback_reader_without_readline():
    # The same terminal checks against `make READLINE=no` (built by run.sh as SOCKPLAY_PLAIN).
    import harness
    plain = os.environ.get("SOCKPLAY_PLAIN")
    if not plain:
        raise Fail("SOCKPLAY_PLAIN is not set: run through tests/run.sh")
    saved, harness.SOCKPLAY = harness.SOCKPLAY, plain
    try:
        t = Term()
    finally:
        harness.SOCKPLAY = saved
    try:
        t.type("u = socket udp; bind u 127.0.0.1 0; recvfrom u")
        t.wait(r"⏳ recvfrom\(u\)")
        t.keys("C-c")
        t.wait(r"EINTR \(4\)")
        t.keys("-l", "junk"); t.keys("C-c")
        t.type("state")
        t.wait(r"\bu\b\s+UDPv4")
        assert "unknown command 'junk" not in t.screen()
    finally:
        t.close()

if __name__ == "__main__":
    main()
