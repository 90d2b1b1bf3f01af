/* errtext.c — the system's message says what failed; these say why, and what to do next. */
#include "report/errtext.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "report/out.h"

const char *errtext_name(int err)
{
    switch (err) {
#define E(x) case x: return #x;
    E(EACCES) E(EADDRINUSE) E(EADDRNOTAVAIL) E(EAFNOSUPPORT) E(EAGAIN) E(EALREADY) E(EBADF)
    E(ECONNABORTED) E(ECONNREFUSED) E(ECONNRESET) E(EDESTADDRREQ) E(EFAULT) E(EHOSTUNREACH)
    E(EINPROGRESS) E(EINTR) E(EINVAL) E(EISCONN) E(EMFILE) E(EMSGSIZE) E(ENETDOWN)
    E(ENETUNREACH) E(ENFILE) E(ENOBUFS) E(ENOENT) E(ENOMEM) E(ENOPROTOOPT) E(ENOTCONN)
    E(ENOTSOCK) E(EOPNOTSUPP) E(EPERM) E(EPIPE) E(EPROTONOSUPPORT) E(EPROTOTYPE) E(ETIMEDOUT)
    E(ENOTDIR) E(EROFS) E(ESHUTDOWN) E(ELOOP) E(ENAMETOOLONG) E(EEXIST) E(EIO)
#undef E
    default: return "E?";
    }
}

const char *errtext_python(int e)
{
    switch (e) {
    case EAGAIN: case EALREADY: case EINPROGRESS: return "BlockingIOError";
    case ECHILD: return "ChildProcessError";
    case EPIPE: case ESHUTDOWN: return "BrokenPipeError";
    case ECONNABORTED: return "ConnectionAbortedError";
    case ECONNREFUSED: return "ConnectionRefusedError";
    case ECONNRESET: return "ConnectionResetError";
    case EEXIST: return "FileExistsError";
    case ENOENT: return "FileNotFoundError";
    case EISDIR: return "IsADirectoryError";
    case ENOTDIR: return "NotADirectoryError";
    case EINTR: return "InterruptedError";
    case EACCES: case EPERM: return "PermissionError";
    case ESRCH: return "ProcessLookupError";
    case ETIMEDOUT: return "TimeoutError";
    default: return "OSError";
    }
}

#define IS(c) (strcmp(call, c) == 0)

const char *errtext_errno(int err, const char *call, const char *addr, char *b, size_t n)
{
    const char *a = addr ? addr : "that address";
    switch (err) {
    case ECONNREFUSED:
        if (IS("connect"))
            snprintf(b, n, TR("nothing listens on %s — is the server started and has it called listen()?",
                              "%s 上没有程序在监听 —— 服务器启动了吗？调用 listen() 了吗？"), a);
        else
            snprintf(b, n, "%s", TR("the other side's port is closed: an earlier datagram came back as 'port unreachable'",
                                    "对方端口没有程序：之前发出的数据报收到了“端口不可达”"));
        return b;
    case EADDRINUSE:
        if (IS("bind"))
            snprintf(b, n, TR("another socket already uses %s — a running server, or TIME_WAIT left by a closed "
                              "connection (about 60 s). Pick another port, or setsockopt SO_REUSEADDR 1 before bind — "
                              "in every run of the server, since the old socket must have had it too.",
                              "%s 已被另一个套接字占用 —— 可能是还在运行的服务器，或连接关闭后留下的 TIME_WAIT（约 60 秒）。"
                              "换一个端口，或在 bind 之前 setsockopt SO_REUSEADDR 1 —— 服务器每次运行都要设置，旧套接字也必须设置过。"), a);
        else
            snprintf(b, n, "%s", TR("no free local port is left for this address", "这个地址没有空闲的本地端口了"));
        return b;
    case EACCES:
        if (IS("bind"))
            snprintf(b, n, "%s", TR("ports below 1024 are well-known ports: only root may bind them — use a port from 1024 to 65535",
                                    "1024 以下是知名端口，只有 root 能绑定 —— 请用 1024 到 65535 的端口"));
        else if (IS("sendto") || IS("send") || IS("connect"))
            snprintf(b, n, "%s", TR("sending to a broadcast address needs setsockopt SO_BROADCAST 1 first",
                                    "向广播地址发送前需要先 setsockopt SO_BROADCAST 1"));
        else
            snprintf(b, n, "%s", TR("permission denied", "权限不足"));
        return b;
    case ENOTCONN:
        snprintf(b, n, "%s", TR("this socket is not connected: a client must connect() first; a server sends and "
                                "receives on the socket accept() returned, not on the listening socket",
                                "这个套接字没有连接：客户端要先 connect()；服务器要用 accept() 返回的新套接字收发，而不是监听套接字"));
        return b;
    case EPIPE:
        snprintf(b, n, "%s", TR("the connection is closed for sending (the peer closed it, or shutdown wr was called). "
                                "This would have been SIGPIPE, which kills a program; sockplay ignores it",
                                "连接已不能发送（对方已关闭，或本端调用了 shutdown wr）。本来会产生 SIGPIPE 杀死程序，sockplay 忽略了它"));
        return b;
    case ECONNRESET:
        snprintf(b, n, "%s", TR("the peer reset the connection (RST): it closed with data unread, or its program ended abruptly",
                                "对方重置了连接（RST）：它关闭时还有没读的数据，或程序异常退出"));
        return b;
    case EINVAL:
        if (IS("accept"))
            snprintf(b, n, "%s", TR("accept() needs a listening socket: call listen() on it first",
                                    "accept() 需要监听套接字：请先对它调用 listen()"));
        else if (IS("bind"))
            snprintf(b, n, "%s", TR("this socket is already bound: a socket is bound once — make a new socket",
                                    "这个套接字已经绑定过了：一个套接字只能绑定一次 —— 请新建一个"));
        else if (IS("listen"))
            snprintf(b, n, "%s", TR("this socket cannot listen now (it is connected, or shut down)",
                                    "这个套接字现在不能监听（已连接或已关闭）"));
        else
            return NULL;
        return b;
    case EOPNOTSUPP:
        if (IS("listen") || IS("accept"))
            snprintf(b, n, "%s", TR("UDP has no connections: listen() and accept() are for TCP (SOCK_STREAM) sockets",
                                    "UDP 没有连接：listen() 和 accept() 只用于 TCP（SOCK_STREAM）套接字"));
        else
            return NULL;
        return b;
    case EISCONN:
        snprintf(b, n, "%s", TR("already connected: a TCP socket connects once — make a new socket for a new connection",
                                "已经连接了：一个 TCP 套接字只能连接一次 —— 新连接请新建套接字"));
        return b;
    case EALREADY:
        snprintf(b, n, "%s", TR("a connect() is already in progress on this socket", "这个套接字上已有一个 connect() 正在进行"));
        return b;
    case EINPROGRESS:
        snprintf(b, n, "%s", TR("the socket is non-blocking: the handshake goes on in the background — poll the socket "
                                "for writability, then check the state table",
                                "套接字是非阻塞的：三次握手在后台继续 —— 等它可写后再看状态表"));
        return b;
    case EAGAIN:
        snprintf(b, n, "%s", TR("nothing is ready yet and the call may not wait (non-blocking socket, or its timeout ran out) — try again later",
                                "现在还没有就绪的数据/连接，而这个调用不能等待（非阻塞套接字，或超时已到）—— 稍后再试"));
        return b;
    case EINTR:
        snprintf(b, n, "%s", TR("interrupted by Ctrl-C: the call was abandoned; the socket is still open and usable",
                                "被 Ctrl-C 中断：这次调用放弃了；套接字仍然打开，可以继续使用"));
        return b;
    case EADDRNOTAVAIL:
        if (IS("bind"))
            snprintf(b, n, TR("%s is not an address of this machine: bind to \"\" (any), 127.0.0.1 or one of its own IPs",
                              "%s 不是本机的地址：请绑定 \"\"（任意地址）、127.0.0.1 或本机自己的 IP"), a);
        else
            snprintf(b, n, TR("cannot reach %s from here (port 0, or no free local port)",
                              "无法从这里连接 %s（端口为 0，或没有空闲的本地端口）"), a);
        return b;
    case ENETUNREACH:
    case EHOSTUNREACH:
        snprintf(b, n, TR("no route to %s: check the address", "没有到 %s 的路由：请检查地址"), a);
        return b;
    case ETIMEDOUT:
        snprintf(b, n, "%s", TR("the other side did not answer in time", "对方没有及时响应"));
        return b;
    case EMSGSIZE:
        snprintf(b, n, "%s", TR("the datagram is too large: one UDP datagram carries at most 65507 bytes",
                                "数据报太大：一个 UDP 数据报最多 65507 字节"));
        return b;
    case EDESTADDRREQ:
        snprintf(b, n, "%s", TR("this socket has no destination: use sendto with an address, or connect first",
                                "这个套接字没有目的地址：请用 sendto 指定地址，或先 connect"));
        return b;
    case EMFILE:
    case ENFILE:
        snprintf(b, n, "%s", TR("too many open files for this process (ulimit -n): close some sockets",
                                "本进程打开的文件太多了（ulimit -n）：请关闭一些套接字"));
        return b;
    case ENOENT:
        snprintf(b, n, TR("no socket file at %s: is the server bound there?", "%s 处没有套接字文件：服务器绑定在这里吗？"), a);
        return b;
    case ESHUTDOWN:
        snprintf(b, n, "%s", TR("this direction was shut down with shutdown()", "这个方向已经用 shutdown() 关闭了"));
        return b;
    default:
        return NULL;
    }
}

const char *errtext_on_listener(int err, const char *call, const char *addr, char *b, size_t n)
{
    if (err == EPIPE || err == ENOTCONN) {
        snprintf(b, n, "%s", TR("this is the listening socket: it only accepts connections and cannot send or receive data — "
                                "use the socket accept() returned",
                                "这是监听套接字：它只负责接受连接，不能收发数据 —— 请使用 accept() 返回的套接字"));
        return b;
    }
    return errtext_errno(err, call, addr, b, n);
}

const char *errtext_never_connected(int err, const char *call, const char *addr, char *b, size_t n)
{
    if (err == EPIPE) {
        snprintf(b, n, "%s", TR("this socket never connected: TCP sends only on a connection — connect() first; a server sends on "
                                "the socket accept() returned. Linux says EPIPE here, where ENOTCONN would be clearer; "
                                "Python raises BrokenPipeError",
                                "这个套接字从未连接过：TCP 只能在连接上发送 —— 请先 connect()；服务器要用 accept() 返回的套接字发送。"
                                "Linux 在这里返回 EPIPE（而不是更清楚的 ENOTCONN）；Python 会抛出 BrokenPipeError"));
        return b;
    }
    return errtext_errno(err, call, addr, b, n);
}

const char *errtext_unread(const char *what, int err, char *b, size_t n)
{
    char why[256];
    const char *ex = errtext_errno(err, "read", NULL, why, sizeof why);
    snprintf(b, n, TR("%s could not be read: %s (%s)%s%s", "无法读取%s：%s（%s）%s%s"), what, errtext_name(err), strerror(err),
             ex ? TR(" — ", " —— ") : "", ex ? ex : "");
    return b;
}
