"""The three workloads with Python's socket module, as the course writes them."""
import socket, sys, time

mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
addr = ("127.0.0.1", port)
t0 = time.perf_counter()
if mode == "churn":
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(addr)
        s.close()
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(addr)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t0 = time.perf_counter()
    if mode == "pingpong":
        for _ in range(n):
            s.send(b"x")
            if len(s.recv(65536)) != 1:
                sys.exit(1)
    else:
        block = b"b" * 65536
        for _ in range(n):
            s.sendall(block)
        s.shutdown(socket.SHUT_WR)
        if not s.recv(65536):
            sys.exit(1)
    s.close()
print("%.6f" % (time.perf_counter() - t0))
