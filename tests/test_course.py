"""The course's own Python programs (from ../shared/seeds) against sockplay, and curl,
nc and a second sockplay as peers: every TCP/UDP flow of the course, typed step by step."""
import os, re, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

def connect_when_listening(sp, port, make="c = socket tcp"):
    """A course server started a moment ago may not listen yet: ECONNREFUSED, new socket, retry."""
    for _ in range(50):
        sp.run(make, r"→ c")
        if sp.run("connect c 127.0.0.1 %d" % port, r"connect\(c, 127\.0\.0\.1:%d\) = (0|-1 ECONNREFUSED)" % port).group(1) == b"0":
            return
        sp.run("close c")
        time.sleep(0.1)
    raise Fail("the course's server never listened on %d" % port)

@test
def curl_gets_a_typed_http_reply():
    sp = Sockplay()
    port = listen_here(sp)
    sp.run("conn = accept s")
    curl = subprocess.Popen(["curl", "-s", "--max-time", "10", "http://127.0.0.1:%d/hello" % port],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sp.expect(r"accept\(s\) = \d+  → conn, peer 127\.0\.0\.1:\d+")
    sp.run("recv conn 4096", r'"GET /hello HTTP/1\.1\\r\\nHost: 127\.0\.0\.1:%d' % port)
    sp.run(r'send conn "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"', r"send\(conn, \d+ bytes\) = \d+")
    sp.run("close conn", r"close\(conn\) = 0")
    out, _ = curl.communicate(timeout=10)
    assert out == b"hello\n", out
    assert sp.close() == 0

@test
def course_tcp_server_answers_typed_client():
    port = free_port()
    prog = write_program(course_program("tcp_server_socket.accept()", "thank you !"),
                         **{"address = ('', 7788)": "address = ('', %d)" % port})
    srv = python(prog)
    sp = Sockplay()
    connect_when_listening(sp, port, "c = socket AF_INET SOCK_STREAM")
    sp.expect(r"ESTABLISHED")
    sp.run('send c "你好, server"', r"send\(c, 14 bytes\) = 14")
    sp.run("recv c 1024", r'recv\(c, 1024\) = 11  "thank you !"')
    sp.run("recv c 1024", r"recv\(c, 1024\) = 0\n.*peer closed the connection")
    sp.run("state", r"CLOSE_WAIT")
    out, _ = srv.communicate(timeout=10)
    assert "接收到的数据为: 你好, server" in out.decode(), out.decode()
    assert sp.close() == 0

@test
def course_tcp_client_talks_to_typed_server():
    sp = Sockplay()
    port = listen_here(sp)
    prog = write_program(course_program("tcp_client_socket.connect((server_ip, server_port))", "请输入要发送的数据"))
    cli = python(prog)
    cli.stdin.write(("127.0.0.1\n%d\nhello 中文\n" % port).encode())
    cli.stdin.flush()
    sp.run("conn = accept s", r"peer 127\.0\.0\.1:\d+")
    sp.run("recv conn", r'= 12  "hello 中文"')
    sp.run('send conn "收到"', r"= 6")
    out, _ = cli.communicate(timeout=10)
    assert "接收到的数据为: 收到" in out.decode(), out.decode()
    sp.run("recv conn", r"= 0\n")
    sp.run("close conn")
    sp.run("close s")
    assert sp.fds() == [], sp.fds()
    sp.close()

@test
def course_echo_server_and_client():
    # 002's minimal echo pair; its port 999 is replaced by a free one.
    port = free_port()
    srv = python(write_program(course_program("socket.bind(('127.0.0.1',999))", "sock.send(data)"),
                               **{"999": str(port)}))
    sp = Sockplay()
    connect_when_listening(sp, port)
    sp.run("send c hex:64617461", r"= 4  \"data\"")
    sp.run("recv c", r'= 4  "data"')
    srv.communicate(timeout=10)
    sp.close()
    # and its client against a typed echo server
    sp = Sockplay()
    port = listen_here(sp)
    cli = python(write_program(course_program("socket.connect(('127.0.0.1', 999))"), **{"999": str(port)}))
    sp.run("conn = accept s", r"peer")
    sp.run("recv conn", r'"data"')
    sp.run("send conn data back", r'"data back"')
    sp.run("close conn")
    out, _ = cli.communicate(timeout=10)
    assert b"b'data back'" in out, out
    sp.close()

@test
def course_udp_receiver_gets_typed_datagram():
    port = free_port(socket.SOCK_DGRAM)
    prog = write_program(course_program("local_addr = ('', 7788)"), **{"('', 7788)": "('', %d)" % port})
    rcv = python(prog)
    sp = Sockplay()
    sp.run("u = socket udp", r"UDPv4")
    time.sleep(0.5)   # the receiver binds; a datagram sent before that is lost, as UDP does
    sp.run('sendto u 127.0.0.1 %d "hello udp 你好"' % port, r"sendto\(u, 16 bytes, 127\.0\.0\.1:%d\) = 16" % port)
    out, _ = rcv.communicate(timeout=10)
    assert "hello udp 你好" in out.decode(), out.decode()
    sp.close()

@test
def course_udp_sender_reaches_typed_recvfrom():
    sp = Sockplay()
    sp.run("u = socket udp")
    port = int(sp.run('bind u "" 0', r"it picked 0\.0\.0\.0:(\d+)").group(1))
    prog = write_program(course_program("dest_addr = ('192.168.1.103', 8080)"),
                         **{"('192.168.1.103', 8080)": "('127.0.0.1', %d)" % port})
    snd = python(prog)
    snd.communicate(("你好 from python\n").encode(), timeout=10)
    m = sp.run("recvfrom u 1024", r'recvfrom\(u, 1024\) = 18  "你好 from python"  from 127\.0\.0\.1:(\d+)')
    assert 0 < int(m.group(1)) < 65536
    sp.close()

@test
def course_udp_send_then_receive_gbk():
    # The course's second UDP program sends, then waits for a reply it decodes as GBK.
    sp = Sockplay()
    sp.run("u = socket udp")
    port = int(sp.run("bind u 127.0.0.1 0", r"it picked 127\.0\.0\.1:(\d+)").group(1))
    prog = write_program(course_program("dest_addr = ('192.168.236.129', 8080)", "decode('gbk')"),
                         **{"('192.168.236.129', 8080)": "('127.0.0.1', %d)" % port})
    p = python(prog)
    p.stdin.write(b"ping\n"); p.stdin.flush()
    m = sp.run("recvfrom u", r'"ping"  from 127\.0\.0\.1:(\d+)')
    peer = m.group(1).decode()
    sp.run("sendto u 127.0.0.1 %s hex:c4e3bac3" % peer, r"= 4")   # 你好 in GBK
    out, _ = p.communicate(timeout=10)
    assert "你好" in out.decode(), out.decode()
    sp.close()

@test
def course_udp_chat_both_ways():
    port = free_port(socket.SOCK_DGRAM)
    prog = write_program(course_program("def send_msg(udp_socket)", "def recv_msg(udp_socket)"),
                         **{'udp_socket.bind(("", 7890))': 'udp_socket.bind(("", %d))' % port})
    sp = Sockplay()
    sp.run("u = socket udp")
    myport = int(sp.run("bind u 127.0.0.1 0", r"it picked 127\.0\.0\.1:(\d+)").group(1))
    chat = python(prog)
    chat.stdin.write(("1\nhi from chat\n127.0.0.1\n%d\n" % myport).encode()); chat.stdin.flush()
    sp.run("recvfrom u", r'"hi from chat"  from 127\.0\.0\.1:%d' % port, timeout=10)
    sp.run('sendto u 127.0.0.1 %d "hi from sockplay"' % port, r"= 16")
    chat.stdin.write(b"2\n"); chat.stdin.flush(); chat.stdin.close()
    out = chat.stdout.read().decode()
    chat.wait(10)
    assert ">>>('127.0.0.1', %d):hi from sockplay" % myport in out, out
    sp.close()

@test
def course_file_downloader_server_and_client():
    d = tempfile.mkdtemp()
    payload = "".join("第%d行 line\n" % i for i in range(40)).encode()
    open(os.path.join(d, "notes.txt"), "wb").write(payload)
    # the course's server, typed client
    port = free_port()
    srv = python(write_program(course_program("def get_file_content(file_name)")), str(port), cwd=d)
    sp = Sockplay()
    connect_when_listening(sp, port)
    sp.run("send c notes.txt", r"= 9")
    sp.run("recv c 4096", r"recv\(c, 4096\) = %d  \"第0行 line\\n第1行" % len(payload))
    sp.run("recv c 4096", r"recv\(c, 4096\) = 0\n")
    sp.close()
    srv.kill(); srv.wait()
    # the course's client, typed server sending the file with @path
    sp = Sockplay()
    port = listen_here(sp)
    cli = python(write_program(course_program("请输入要下载的文件名")), cwd=d)
    cli.stdin.write(("127.0.0.1\n%d\nnotes.txt\n" % port).encode()); cli.stdin.flush()
    sp.run("conn = accept s", r"peer")
    sp.run("recv conn", r'"notes\.txt"')
    sp.run("send conn @%s" % os.path.join(d, "notes.txt"), r"= %d" % len(payload))
    sp.run("close conn")
    cli.communicate(timeout=10)
    assert open(os.path.join(d, "[接收]notes.txt"), "rb").read() == payload
    sp.close()

@test
def two_sockplays_talk():
    a, b = Sockplay(), Sockplay()
    port = listen_here(a, "server")
    a.run("conn = accept server")
    b.run("c = socket tcp")
    b.run("connect c localhost %d" % port, r"= 0")
    a.expect(r"accept\(server\) = \d+  → conn")
    b.run('send c "line one\\n"; send c "line two\\n"', r"= 9.*= 9")
    time.sleep(0.2)
    a.run("recv conn 100", r'= 18  "line one\\nline two\\n"')   # two sends, one recv: a byte stream
    b.run("close c")
    a.run("recv conn", r"= 0\n.*peer closed")
    a.run("send conn after close", r"= \d+")
    time.sleep(0.2)
    a.run("send conn again", r"(EPIPE|ECONNRESET) \(\d+\)")
    assert a.close() == 0 and b.close() == 0

def server_restart(reuse):
    """A server that closes first leaves TIME_WAIT on its port; can it bind again at once?"""
    a = Sockplay()
    a.run("s = socket tcp")
    if reuse:
        a.run("setsockopt s SOL_SOCKET SO_REUSEADDR 1", r"setsockopt\(s, SOL_SOCKET, SO_REUSEADDR, 1\) = 0")
    port = int(a.run("bind s 127.0.0.1 0", r"it picked 127\.0\.0\.1:(\d+)").group(1))
    a.run("listen s", r"listen\(s, 128\) = 0")   # done before b connects
    b = Sockplay()
    b.run("c = socket tcp"); b.run("connect c 127.0.0.1 %d" % port, r"= 0")
    a.run("conn = accept s"); a.run("close conn"); a.run("close s")   # the server closes first ...
    b.run("recv c", r"= 0\n"); b.run("close c")                       # ... so its side ends in TIME_WAIT
    time.sleep(0.2)
    a.run("s2 = socket tcp")
    if reuse:
        a.run("setsockopt s2 SO_REUSEADDR on", r"= 0")
        a.run("bind s2 127.0.0.1 %d" % port, r"bind\(s2, 127\.0\.0\.1:%d\) = 0" % port)
    else:
        a.run("bind s2 127.0.0.1 %d" % port, r"EADDRINUSE \(98\).*\n.*TIME_WAIT.*SO_REUSEADDR")
    a.close(); b.close()

@test
def restart_without_reuseaddr_is_refused():
    server_restart(False)

@test
def restart_with_reuseaddr_binds_at_once():
    server_restart(True)

@test
def nc_and_socat_as_peers():
    sp = Sockplay()
    port = listen_here(sp)
    nc = subprocess.Popen(["nc", "-q", "1", "127.0.0.1", str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    sp.run("conn = accept s", r"peer")
    nc.stdin.write(b"from nc\n"); nc.stdin.flush(); nc.stdin.close()
    sp.run("recv conn", r'"from nc\\n"')
    sp.run('send conn "bye nc\\n"')
    sp.run("close conn")
    out = nc.stdout.read()
    nc.wait(10)
    assert out == b"bye nc\n", out
    # socat as a UDP echo peer
    uport = free_port(socket.SOCK_DGRAM)
    so = subprocess.Popen(["socat", "-T", "5", "UDP-RECVFROM:%d,bind=127.0.0.1" % uport, "SYSTEM:cat"])
    time.sleep(0.3)
    sp.run("u = socket udp")
    sp.run("sendto u 127.0.0.1 %d ping" % uport, r"= 4")
    sp.run("recvfrom u", r'"ping"  from 127\.0\.0\.1:%d' % uport, timeout=10)
    so.wait(10)
    sp.close()

@test
def ipv6_and_unix_sockets():
    sp = Sockplay()
    sp.run("s = socket tcp6", r"AF_INET6")
    port = int(sp.run('bind s "" 0', r"it picked \[::\]:(\d+)").group(1))
    sp.run("listen s")
    sp.run("c = socket tcp6"); sp.run("connect c ::1 %d" % port, r"connect\(c, \[::1\]:%d\) = 0" % port)
    sp.run("a = accept s", r"peer \[::1\]:\d+")
    d = tempfile.mkdtemp(); path = os.path.join(d, "play.sock")
    sp.run("us = socket unix"); sp.run("bind us %s" % path, r"= 0"); sp.run("listen us 5", r"LISTEN")
    sp.run("uc = socket AF_UNIX SOCK_STREAM"); sp.run("connect uc %s" % path, r"= 0")
    sp.run("ua = accept us", r"= \d+  → ua")
    sp.run("send uc over unix", r"= 9"); sp.run("recv ua", r'"over unix"')
    sp.run("ud = socket unix-dgram"); sp.run("bind ud %s" % os.path.join(d, "dg.sock"), r"= 0")
    sp.run("ud2 = socket unix-dgram")
    sp.run("sendto ud2 %s dgram" % os.path.join(d, "dg.sock"), r"= 5")
    sp.run("recvfrom ud", r'"dgram"')
    sp.close()

@test
def dash_c_runs_and_exits():
    p = subprocess.run([SOCKPLAY, "-c", "u = socket udp; bind u 127.0.0.1 0; state; close u"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10, env=env())
    out = p.stdout.decode()
    assert p.returncode == 0, out
    assert re.search(r"socket\(AF_INET, SOCK_DGRAM\) = \d+  → u", out), out
    assert re.search(r"close\(u\) = 0", out), out
    assert "sockplay>" not in out, out

@test
def recvfrom_truncates_big_datagram():
    sp = Sockplay()
    sp.run("u = socket udp")
    port = int(sp.run("bind u 127.0.0.1 0", r"it picked 127\.0\.0\.1:(\d+)").group(1))
    sp.run("v = socket udp")
    sp.run("sendto v 127.0.0.1 %d 0123456789" % port, r"= 10")
    sp.run("recvfrom u 4", r'= 4  "0123".*dropped the other 6 bytes')
    sp.close()

if __name__ == "__main__":
    main()
