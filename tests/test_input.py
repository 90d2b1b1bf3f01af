"""Bad input: each line gets a message naming the mistake, the REPL goes on, no fd leaks."""
import os, re, subprocess, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

# (line, what the message must say)
BAD = [
    ("frobnicate", r"unknown command 'frobnicate'"),
    ("bind nosuch 127.0.0.1 80", r"unknown socket 'nosuch'"),
    ("close 0", r"fd 0 is not one of this session's sockets"),
    ("close 2", r"fd 2 is not one of this session's sockets"),
    ("recv 1", r"fd 1 is not one of this session's sockets"),
    ("bind s 127.0.0.1 70000", r"port 70000 is out of range"),
    ("bind s 127.0.0.1 -1", r"port -1 is out of range"),
    ("connect s 127.0.0.1 http2x", r"unknown port 'http2x'"),
    ("bind s", r"missing HOST and PORT"),
    ("connect s 127.0.0.1", r"missing PORT after HOST '127\.0\.0\.1'"),
    ('send s "unterminated', r"unbalanced quote: the \" at column 8"),
    ("send s 'x", r"unbalanced quote: the ' at column 8"),
    ("send s", r"missing DATA: a \"quoted string\""),
    ("send s \"\"", r"send\(s, 0 bytes\)"),
    ('send s "\\q"', r"unknown escape \\q"),
    ("send s hex:4", r"even number of hex digits"),
    ("send s hex:zz", r"'zz' is not a hex byte"),
    ("send s @/nonexistent/file", r"cannot read @/nonexistent/file"),
    ("listen s -5", r"BACKLOG -5 is out of range"),
    ("listen s many", r"BACKLOG 'many' is not a whole number"),
    ("recv s 0", r"MAX 0 is out of range"),
    ("recv s 99999999999", r"MAX 99999999999 is out of range"),
    ("socket sctp", r"unknown kind 'sctp'"),
    ("socket AF_IPX SOCK_STREAM", r"unknown address family 'AF_IPX'"),
    ("setsockopt s SO_NOPE 1", r"unknown option 'SO_NOPE'"),
    ("setsockopt s SO_REUSEADDR", r"missing VALUE for SO_REUSEADDR"),
    ("setsockopt s SO_REUSEADDR maybe", r"'maybe' is not a value"),
    ("setsockopt s IPPROTO_TCP SO_REUSEADDR 1", r"SO_REUSEADDR belongs to level SOL_SOCKET"),
    ("shutdown s sideways", r"'sideways' is not rd, wr or rdwr"),
    ("x = bind s 1.2.3.4 5", r"'bind' returns no socket"),
    ("1x = socket tcp", r"a name before '=' starts with a letter"),
    ("help nosuch", r"no command 'nosuch'"),
    ("state extra", r"'extra' is not an option of state: --watch \[SECONDS\], on or off"),
    ("listen s 1 2", r"too many arguments: '2'"),
    ("bind s no.such.host.invalid 80", r"cannot resolve 'no\.such\.host\.invalid'"),
    ("accept s", r"EINVAL \(22\).*accept\(\) needs a listening socket"),
    ("send s hi", r"(EPIPE|ENOTCONN) \(\d+\).*not connected|EPIPE"),
    ("listen u", r"EOPNOTSUPP \(95\).*UDP has no connections"),
    ("bind s 8.8.8.8 5000", r"EADDRNOTAVAIL \(99\).*not an address of this machine"),
    ("connect u", r"missing HOST and PORT"),
    ("settimeout s soon", r"'soon' is not a number of seconds"),
    # more hostile lines (issue 6): fds 0–2, absurd numbers, half-typed options
    ("close 0 1 2", r"fd 0 is not one of this session's sockets"),
    ("close s nosuch", r"unknown socket 'nosuch'"),                  # checked first: s is not closed
    ("bind s 127.0.0.1 99999999999999999999", r"port 99999999999999999999 is out of range"),
    ("bind s 127.0.0.1 8080x", r"port '8080x' is not a number"),
    ("connect s ::1 80", r"cannot resolve '::1' as an IPv4 address"),
    ("recv s -1", r"MAX -1 is out of range \(1 to 16777216\)"),
    ("recv s 18446744073709551617", r"MAX 18446744073709551617 is out of range"),
    ("recv u 16777217", r"MAX 16777217 is out of range"),
    ("recv s 10 as", r"missing how to show the bytes after 'as'"),
    ("recvfrom u 10 as klingon", r"'klingon' is not gbk, utf-8 or hex"),
    ("poll s 1 2 3", r"fd 1 is not one of this session's sockets"),
    ("wait x", r"job number 'x' is not a whole number"),
    ("cancel 99", r"no background call \[99\]"),
    ("cancel", r"missing N: the number `jobs` shows"),
    ("jobs now", r"too many arguments: 'now'"),
    ("trace -5", r"N -5 is out of range"),
    ("save", r"missing FILE\.lua"),
    ("export cobol x.cob", r"'cobol' is not python or c"),
    ("lang klingon", r"'klingon' is not a language here"),
    ("ipinfo 1.2.3", r"not an IPv4 address"),
    ("port -80", r"port -80 is out of range"),
    ("explain maybe", r"'maybe' is not on or off"),
    ('"socket" tcp', r"a command's name is written without quotes: socket"),
    ("setblocking s perhaps", r"'perhaps' is not on or off"),
    ("getsockopt s", r"missing OPTION, such as SO_REUSEADDR"),
    ("sendto u 127.0.0.1 99999 x", r"port 99999 is out of range"),
    ("= socket tcp", r"unknown command '='"),
    ("lua", r"missing CHUNK"),
    ("run /nonexistent.lua", r"cannot open /nonexistent\.lua"),
    ("lesson nosuch", r"no lesson 'nosuch'"),
    ('send s "\\xZZ"', r"\\x needs two hex digits"),
    ('send s "\\u12"', r"\\u needs four hex digits"),
    ("x=", r"nothing after 'x ='"),
    ("socket tcp udp", r"unknown address family 'tcp'"),
    ("state --watch -1", r"'-1' is not a number of seconds"),
    ("bind s \"\" 0 extra", r"too many arguments: 'extra'"),
    ("sendto s 127.0.0.1 9", r"missing DATA"),
    ("bind s &", r"'&' is for calls that may block"),
    ("accept s & close s", r"'&' goes at the end of a command"),
    ("close " + "x " * 20000, r"unknown socket 'x'"),        # 40 kB of arguments
]

# Lines that are not text: NUL bytes, invalid UTF-8, a 1 MiB line, control characters.
RAW = [
    (b"send x " + b"A" * (1 << 20), r"unknown socket 'x'"),
    (b"state\x00junk", r"NUL byte: ignored"),
    (b"\x00", r"NUL byte: ignored"),
    (b"\xff\xfe\xfd", r"unknown command '\xff\xfe\xfd'|unknown command"),
    (b"socket \xc3\x28", r"unknown kind"),
    (b"bind s 127.0.0.1 \xe4\xbd", r"port '\xe4\xbd'|is not a number"),
    (b"\x1b[2J\x1b[H", r"unknown command"),
    (b"\x07\x08\x7f", r"unknown command"),
    (b'send s "' + "你好".encode() * 50000 + b'"', r"EPIPE|ENOTCONN"),
]

@test
def every_bad_line_is_named_and_the_repl_goes_on():
    sp = Sockplay()
    sp.run("s = socket tcp"); sp.run("u = socket udp")
    before = sp.fds()
    assert len(BAD) + len(RAW) >= 60, len(BAD) + len(RAW)
    for line, msg in BAD:
        sp.run(line, msg)
    for raw, msg in RAW:
        sp.p.stdin.write(raw + b"\n")
        sp.p.stdin.flush()
        sp.expect(msg)
    sp.run("state", r"\bs\b.*\bu\b")          # still alive, still two sockets
    assert sp.fds() == before, (before, sp.fds())
    assert sp.close() == 0

@test
def econnrefused_is_explained():
    port = free_port()
    sp = Sockplay()
    sp.run("c = socket tcp")
    sp.run("connect c 127.0.0.1 %d" % port,
           r"= -1 ECONNREFUSED \(111\) Connection refused\n.*nothing listens on 127\.0\.0\.1:%d — is the server started and has it called listen\(\)\?" % port)
    sp.close()

@test
def eacces_below_1024_when_not_root():
    if os.geteuid() != 0:
        sp = Sockplay()
        sp.run("s = socket tcp")
        sp.run("bind s 127.0.0.1 80", r"EACCES \(13\).*below 1024")
        sp.close()
        return
    # As root the kernel allows it; check the same message through an unprivileged user,
    # with a copy of the binary that user can reach wherever the checkout lives.
    import shutil, tempfile
    d = tempfile.mkdtemp()
    os.chmod(d, 0o755)
    exe = shutil.copy(SOCKPLAY, os.path.join(d, "sockplay"))
    os.chmod(exe, 0o755)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", exe, "-c",
                        "s = socket tcp; bind s 127.0.0.1 1"], stdout=subprocess.PIPE, timeout=10, env=env())
    assert re.search(rb"EACCES \(13\).*\n.*below 1024", r.stdout), r.stdout

@test
def multibyte_and_escapes_round_trip():
    sp = Sockplay()
    sp.run("a = socket udp"); port = int(sp.run("bind a 127.0.0.1 0", r"picked 127\.0\.0\.1:(\d+)").group(1))
    sp.run("b = socket udp")
    sp.run('sendto b 127.0.0.1 %d "tab\\there\\x00nul\\u4f60"' % port, r"= 15")
    sp.run("recvfrom a", r'"tab\\there\\0nul你"')
    sp.run("sendto b 127.0.0.1 %d hex:ff41" % port)
    sp.run("recvfrom a", r'"\\xffA"')          # an invalid UTF-8 byte is escaped, not printed raw
    sp.run("sendto b 127.0.0.1 %d two   words 'and  quoted' # comment" % port, r"= 21")
    sp.run("recvfrom a", r'"two words and  quoted"')
    sp.close()

@test
def semicolons_comments_and_blank_lines():
    sp = Sockplay()
    sp.run("")
    sp.run("# just a comment")
    sp.run("x = socket udp; y = socket udp ; close x", r"close\(x\) = 0")
    sp.run("state", r"\by\b")
    sp.run('y2=socket udp', r"→ y2")
    sp.close()

@test
def a_name_moves_and_fd_numbers_work():
    sp = Sockplay()
    fd = int(sp.run("s = socket tcp", r"= (\d+)  → s").group(1))
    sp.run("s = socket udp", r"→ s")
    sp.run("close %d" % fd, r"close\(%d\) = 0" % fd)     # the old socket, now unnamed, by fd
    sp.run("close s", r"close\(s\) = 0")
    assert sp.fds() == []
    sp.close()

@test
def long_line_and_nul_byte():
    sp = Sockplay()
    sp.p.stdin.write(b"send x " + b"A" * (1 << 20) + b"\n")
    sp.p.stdin.write(b"state\x00junk\n")
    sp.p.stdin.flush()
    sp.expect(r"unknown socket 'x'")
    sp.expect(r"NUL byte: ignored")
    sp.run("help", r"One command = one socket call")
    sp.close()

@test
def quit_closes_everything_and_exit_code_is_zero():
    sp = Sockplay()
    sp.run("a = socket tcp; b = socket udp")
    sp.send("quit")
    assert sp.close() == 0
    assert "closing 2 socket(s)" in sp.text(), sp.text()

@test
def chinese_messages_with_lang_zh():
    p = subprocess.run([SOCKPLAY, "--lang", "zh", "-c", "c = socket tcp; connect c 127.0.0.1 %d; bind c 1.2.3.4 99999" % free_port()],
                       stdout=subprocess.PIPE, timeout=10, env=env())
    out = p.stdout.decode()
    assert "上没有程序在监听" in out and "端口 99999 超出范围" in out, out
    p = subprocess.run([SOCKPLAY, "-c", "help"], stdout=subprocess.PIPE, timeout=10, env=env(LANG="zh_CN.UTF-8"))
    assert "一条命令 = 一次套接字调用" in p.stdout.decode()

@test
def help_lists_every_command_with_an_example():
    p = subprocess.run([SOCKPLAY, "-c", "help"], stdout=subprocess.PIPE, timeout=10, env=env())
    names = re.findall(r"^  (\w+)", p.stdout.decode(), re.M)
    for n in ["socket", "bind", "listen", "accept", "connect", "send", "recv", "sendto", "recvfrom",
              "setsockopt", "close", "state", "help", "quit"]:
        assert n in names, (n, names)
        q = subprocess.run([SOCKPLAY, "-c", "help " + n], stdout=subprocess.PIPE, timeout=10, env=env())
        assert b"example: " in q.stdout, q.stdout

@test
def sigpipe_never_kills():
    sp = Sockplay()
    port = listen_here(sp)
    sp.run("c = socket tcp"); sp.run("connect c 127.0.0.1 %d" % port, r"= 0")
    sp.run("a = accept s"); sp.run("close a"); sp.run("send c one", r"= 3")
    time.sleep(0.2)
    sp.run("send c two", r"(EPIPE|ECONNRESET)")
    sp.run("send c three", r"EPIPE \(32\).*\n.*SIGPIPE")
    sp.run("state", r"\bc\b")
    sp.close()

@test
def the_listening_socket_cannot_carry_data():
    sp = Sockplay()
    sp.run("s = socket tcp; bind s 127.0.0.1 0; listen s")
    sp.run("send s hi", r"= -1 EPIPE \(32\).*\n.*this is the listening socket.*use the socket accept\(\) returned")
    sp.run("recv s", r"= -1 ENOTCONN \(107\).*\n.*this is the listening socket")
    sp.close()

if __name__ == "__main__":
    main()
