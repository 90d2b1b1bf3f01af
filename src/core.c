/* core.c — one function per socket call: make the real system call, then tell the
 * learner what happened (trace line, explanation, state table). */
#include "core.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "blocking.h"
#include "explain.h"
#include "kstate.h"
#include "output.h"
#include "render.h"

sp_error core_err;
int core_trace = 1;
int core_show_table = 1;
void (*core_before_call)(const char *call);

#define SHOW_BYTES 512   /* longer data is cut in the trace; the call still moves it all */

static void before(const char *call)
{
    core_err.err = 0;
    core_err.msg[0] = '\0';
    if (core_before_call) core_before_call(call);
}

static void after(void)
{
    if (core_show_table) render_table(0);
    fflush(stdout);
}

/* "call(args)" in the trace's colours; kept, since a status line may have to replace it. */
static char head[600];

static void call_head(const char *call, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void call_head(const char *call, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (!core_trace) return;
    n = snprintf(head, sizeof head, "%s%s%s(", col(C_BOLD ";" C_CYAN), call, col(C_RESET));
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof head) n += vsnprintf(head + n, sizeof head - (size_t)n, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof head) snprintf(head + n, sizeof head - (size_t)n, ")");
    fputs(head, stdout);
}

/* Around a call that may block: the status line, if it was drawn, erased the head. */
static void wait_begin(const char *call, const sp_sock *s);
static double wait_end(void)
{
    int drawn;
    double took = blocking_end(&drawn);
    if (drawn && core_trace) fputs(head, stdout);
    return took;
}

static void hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hint(const char *fmt, ...)
{
    va_list ap;
    if (!core_trace) return;
    printf("   %s↳ ", col(C_DIM));
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("%s\n", col(C_RESET));
}

static void blocked_note(double took)
{
    if (core_trace && took >= 0.2)
        printf("  %s(%s %.1f s)%s", col(C_YELLOW), TR("blocked", "阻塞了"), took, col(C_RESET));
}

/* The failure line: errno's name, number, the system's message, then why. */
static void fail_on(const sp_sock *s, const char *call, const char *addr, int err)
{
    char why[512];
    const char *ex = s && s->backlog >= 0 ? explain_on_listener(err, call, addr, why, sizeof why)
                                          : explain_errno(err, call, addr, why, sizeof why);
    if (err == EAGAIN && !ex) ex = "";
    snprintf(core_err.msg, sizeof core_err.msg, "%s: %s (%d) %s%s%s", call, errno_name(err), err, strerror(err),
             ex ? " — " : "", ex ? ex : "");
    core_err.err = err;
    if (core_trace) {
        printf(" = -1 %s%s (%d) %s%s\n", col(C_BOLD ";" C_RED), errno_name(err), err, strerror(err), col(C_RESET));
        if (ex) hint("%s", ex);
    }
    if (err == EINTR) sp_sigint = 0;
    after();
}

static void fail(const char *call, const char *addr, int err) { fail_on(NULL, call, addr, err); }

void core_fail_usage(const char *call, const sp_sock *s, const char *msg)
{
    snprintf(core_err.msg, sizeof core_err.msg, "%s: %s", call, msg);
    core_err.err = 0;
    if (!core_trace) return;
    if (s) printf("%s%s%s(%s): ", col(C_BOLD ";" C_CYAN), call, col(C_RESET), SOCK_LABEL(s));
    else printf("%s%s%s: ", col(C_BOLD ";" C_CYAN), call, col(C_RESET));
    printf("%s%s%s\n", col(C_RED), msg, col(C_RESET));
}

/* Ctrl-C pressed before the call began counts as interrupting it. */
static int pending_interrupt(void)
{
    if (!sp_sigint) return 0;
    errno = EINTR;
    return 1;
}

static const char *type_name(int type) { return type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM"; }

sp_sock *core_socket(int family, int type, const char *name)
{
    sp_sock *s;
    int fd;
    before("socket");
    call_head("socket", "%s, %s", addr_family_name(family), type_name(type));
    fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) { fail("socket", NULL, errno); return NULL; }
    s = calloc(1, sizeof *s);
    if (!s) { close(fd); errno = ENOMEM; fail("socket", NULL, ENOMEM); return NULL; }
    s->fd = fd;
    s->family = family;
    s->type = type;
    s->backlog = -1;
    s->timeout = -1;
    reg_add(s);
    if (name) reg_set_name(s, name);
    if (core_trace) {
        printf(" = %s%d%s", col(C_GREEN), fd, col(C_RESET));
        if (name) printf("  → %s", name);
        printf("\n");
    }
    after();
    return s;
}

static int resolve(const sp_sock *s, const char *call, const char *host, const char *port, int passive, sp_addr *a)
{
    char err[256];
    int rc = port ? addr_resolve(s->family, s->type, host, port, passive, a, err, sizeof err)
                  : addr_unix(host, a, err, sizeof err);
    if (rc < 0) core_fail_usage(call, s, err);
    return rc;
}

int core_bind(sp_sock *s, const char *host, const char *port)
{
    sp_addr a;
    char where[160];
    before("bind");
    if (resolve(s, "bind", host, port, 1, &a) < 0) return -1;
    addr_format((struct sockaddr *)&a.ss, a.len, where, sizeof where);
    call_head("bind", "%s, %s", SOCK_LABEL(s), where);
    if (bind(s->fd, (struct sockaddr *)&a.ss, a.len) < 0) { fail("bind", where, errno); return -1; }
    if (core_trace) {
        sp_addr got;
        printf(" = %s0%s\n", col(C_GREEN), col(C_RESET));
        if (port && kstate_addr(s, 0, &got) == 0) {
            char now[160];
            addr_format((struct sockaddr *)&got.ss, got.len, now, sizeof now);
            if (strcmp(now, where) != 0)
                hint(TR("port 0 means \"kernel, pick a free port\": it picked %s", "端口 0 表示“由内核挑一个空闲端口”：它选了 %s"), now);
        }
    }
    after();
    return 0;
}

int core_listen(sp_sock *s, int backlog)
{
    before("listen");
    call_head("listen", "%s, %d", SOCK_LABEL(s), backlog);
    if (listen(s->fd, backlog) < 0) { fail("listen", NULL, errno); return -1; }
    s->backlog = backlog;
    if (core_trace) {
        printf(" = %s0%s\n", col(C_GREEN), col(C_RESET));
        hint(TR("%s is now a passive (listening) socket: it only accepts connections; data travels on the sockets accept() returns",
                "%s 现在是被动（监听）套接字：它只负责接受连接；数据要通过 accept() 返回的新套接字收发"), SOCK_LABEL(s));
    }
    after();
    return 0;
}

static void wait_begin(const char *call, const sp_sock *s)
{
    char buf[200];
    const char *why = "";
    if (!strcmp(call, "accept")) why = TR("waiting for a client to connect", "等待客户端连接");
    else if (!strcmp(call, "recv")) why = TR("waiting for data from the peer", "等待对方发来数据");
    else if (!strcmp(call, "recvfrom")) why = TR("waiting for a datagram", "等待数据报");
    else if (!strcmp(call, "connect")) why = TR("waiting for the server to answer the handshake", "等待服务器完成三次握手");
    else if (!strcmp(call, "send") || !strcmp(call, "sendto"))
        why = TR("waiting for room in the send buffer (the peer is not reading)", "等待发送缓冲区腾出空间（对方没有在读）");
    snprintf(buf, sizeof buf, "%s(%s): %s", call, SOCK_LABEL(s), why);
    if (core_trace) fflush(stdout);
    blocking_begin(buf);
}

sp_sock *core_accept(sp_sock *s, const char *name, sp_addr *peer)
{
    char from[160];
    sp_sock *c;
    int fd;
    double took;
    before("accept");
    call_head("accept", "%s", SOCK_LABEL(s));
    peer->len = sizeof peer->ss;
    if (pending_interrupt()) { fail("accept", NULL, EINTR); return NULL; }
    wait_begin("accept", s);
    fd = accept4(s->fd, (struct sockaddr *)&peer->ss, &peer->len, SOCK_CLOEXEC);
    took = wait_end();
    if (fd < 0) { fail("accept", NULL, errno); return NULL; }
    c = calloc(1, sizeof *c);
    if (!c) { close(fd); fail("accept", NULL, ENOMEM); return NULL; }
    c->fd = fd;
    c->family = s->family;
    c->type = s->type;
    c->backlog = -1;
    c->timeout = -1;
    reg_add(c);
    if (name) reg_set_name(c, name);
    addr_format((struct sockaddr *)&peer->ss, peer->len, from, sizeof from);
    if (s->family == AF_UNIX && !strcmp(from, "*")) snprintf(from, sizeof from, "%s", TR("(unnamed client)", "（匿名客户端）"));
    if (core_trace) {
        printf(" = %s%d%s", col(C_GREEN), fd, col(C_RESET));
        if (name) printf("  → %s", name);
        printf(", %s %s", TR("peer", "对方"), from);
        blocked_note(took);
        printf("\n");
        hint(TR("a NEW socket (fd %d) for this one client; %s keeps listening for others",
                "为这个客户端新建的套接字（fd %d）；%s 继续监听其他客户端"), fd, SOCK_LABEL(s));
    }
    after();
    return c;
}

int core_connect(sp_sock *s, const char *host, const char *port)
{
    sp_addr a;
    char where[160];
    int rc;
    double took;
    before("connect");
    if (resolve(s, "connect", host, port, 0, &a) < 0) return -1;
    addr_format((struct sockaddr *)&a.ss, a.len, where, sizeof where);
    call_head("connect", "%s, %s", SOCK_LABEL(s), where);
    if (pending_interrupt()) { fail("connect", where, EINTR); return -1; }
    wait_begin("connect", s);
    rc = connect(s->fd, (struct sockaddr *)&a.ss, a.len);
    took = wait_end();
    if (rc < 0) {
        int e = errno;
        fail("connect", where, e);
        if (e == EINTR && s->type == SOCK_STREAM)
            hint("%s", TR("the handshake may still complete in the background: look at the state table",
                          "三次握手可能仍在后台完成：请看状态表"));
        return -1;
    }
    if (core_trace) {
        printf(" = %s0%s", col(C_GREEN), col(C_RESET));
        blocked_note(took);
        printf("\n");
        if (s->type == SOCK_DGRAM)
            hint("%s", TR("UDP sends no packet on connect(): it only fixes the default destination and filters senders",
                          "UDP 的 connect() 不发送任何数据包：它只是设定默认目的地址并过滤发送方"));
    }
    after();
    return 0;
}

static void show_data(const void *buf, size_t n)
{
    if (!core_trace || n == 0) return;
    printf("  ");
    out_quoted(stdout, buf, n, SHOW_BYTES);
    if (n > SHOW_BYTES) printf(TR(" (%zu more bytes)", "（还有 %zu 字节）"), n - SHOW_BYTES);
}

static const char *timeout_hint(const sp_sock *s, int err)
{
    static char b[160];
    if (err != EAGAIN || s->timeout <= 0 || s->nonblocking) return NULL;
    snprintf(b, sizeof b, TR("timed out: nothing happened within %g s (settimeout) — Python raises socket.timeout here",
                             "超时：%g 秒内没有结果（settimeout）—— Python 在这里会抛出 socket.timeout"), s->timeout);
    return b;
}

static ssize_t xfer_fail(const sp_sock *s, const char *call, const char *where, int e)
{
    const char *th = timeout_hint(s, e);
    if (th) {
        /* Say "timed out" rather than the generic non-blocking EAGAIN text. */
        if (core_trace) printf(" = -1 %s%s (%d) %s%s\n", col(C_BOLD ";" C_RED), errno_name(e), e, strerror(e), col(C_RESET));
        hint("%s", th);
        snprintf(core_err.msg, sizeof core_err.msg, "%s: %s", call, th);
        core_err.err = e;
        after();
        return -1;
    }
    fail_on(s, call, where, e);
    return -1;
}

ssize_t core_send(sp_sock *s, const void *buf, size_t len)
{
    ssize_t n;
    double took;
    before("send");
    call_head("send", "%s, %zu %s", SOCK_LABEL(s), len, TR("bytes", "字节"));
    if (pending_interrupt()) return xfer_fail(s, "send", NULL, EINTR);
    wait_begin("send", s);
    n = send(s->fd, buf, len, MSG_NOSIGNAL);
    took = wait_end();
    if (n < 0) return xfer_fail(s, "send", NULL, errno);
    if (core_trace) {
        printf(" = %s%zd%s", col(C_GREEN), n, col(C_RESET));
        show_data(buf, (size_t)n);
        blocked_note(took);
        printf("\n");
        if ((size_t)n < len)
            hint(TR("only %zd of %zu bytes went: the send buffer was full — send the rest (Python's sendall loops for you)",
                    "只发出了 %zd / %zu 字节：发送缓冲区满了 —— 需要再发剩下的（Python 的 sendall 会自动循环）"), n, len);
    }
    after();
    return n;
}

ssize_t core_recv(sp_sock *s, void *buf, size_t max)
{
    ssize_t n;
    double took;
    before("recv");
    call_head("recv", "%s, %zu", SOCK_LABEL(s), max);
    if (pending_interrupt()) return xfer_fail(s, "recv", NULL, EINTR);
    wait_begin("recv", s);
    n = recv(s->fd, buf, max, 0);
    took = wait_end();
    if (n < 0) return xfer_fail(s, "recv", NULL, errno);
    if (core_trace) {
        printf(" = %s%zd%s", col(C_GREEN), n, col(C_RESET));
        show_data(buf, (size_t)n);
        blocked_note(took);
        printf("\n");
        if (n == 0 && s->type == SOCK_STREAM)
            hint("%s", TR("0 bytes: the peer closed the connection (FIN received) — Python's recv returns b''. "
                          "No more data will come: close this socket too.",
                          "0 字节：对方关闭了连接（收到 FIN）—— Python 的 recv 返回 b''。不会再有数据了：这边也该 close 了。"));
    }
    after();
    return n;
}

ssize_t core_sendto(sp_sock *s, const char *host, const char *port, const void *buf, size_t len)
{
    sp_addr a;
    char where[160];
    ssize_t n;
    double took;
    before("sendto");
    if (resolve(s, "sendto", host, port, 0, &a) < 0) return -1;
    addr_format((struct sockaddr *)&a.ss, a.len, where, sizeof where);
    call_head("sendto", "%s, %zu %s, %s", SOCK_LABEL(s), len, TR("bytes", "字节"), where);
    if (pending_interrupt()) return xfer_fail(s, "sendto", where, EINTR);
    wait_begin("sendto", s);
    n = sendto(s->fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&a.ss, a.len);
    took = wait_end();
    if (n < 0) return xfer_fail(s, "sendto", where, errno);
    if (core_trace) {
        printf(" = %s%zd%s", col(C_GREEN), n, col(C_RESET));
        show_data(buf, (size_t)n);
        blocked_note(took);
        printf("\n");
    }
    after();
    return n;
}

ssize_t core_recvfrom(sp_sock *s, void *buf, size_t max, sp_addr *from)
{
    char who[160];
    ssize_t n;
    double took;
    before("recvfrom");
    call_head("recvfrom", "%s, %zu", SOCK_LABEL(s), max);
    from->len = sizeof from->ss;
    if (pending_interrupt()) return xfer_fail(s, "recvfrom", NULL, EINTR);
    wait_begin("recvfrom", s);
    n = recvfrom(s->fd, buf, max, MSG_TRUNC, (struct sockaddr *)&from->ss, &from->len);
    took = wait_end();
    if (n < 0) return xfer_fail(s, "recvfrom", NULL, errno);
    addr_format((struct sockaddr *)&from->ss, from->len, who, sizeof who);
    if (s->type == SOCK_DGRAM && (size_t)n > max) {
        /* MSG_TRUNC reports the datagram's real length: the rest is gone for good. */
        if (core_trace) {
            printf(" = %s%zu%s", col(C_GREEN), max, col(C_RESET));
            show_data(buf, max);
            printf(TR("  from %s", "  来自 %s"), who);
            printf("\n");
            hint(TR("the datagram had %zd bytes but MAX was %zu: UDP dropped the other %zd bytes",
                    "这个数据报有 %zd 字节，但 MAX 只有 %zu：多出的 %zd 字节被 UDP 丢弃了"), n, max, n - (ssize_t)max);
        }
        n = (ssize_t)max;
    } else if (core_trace) {
        printf(" = %s%zd%s", col(C_GREEN), n, col(C_RESET));
        show_data(buf, (size_t)n);
        printf(TR("  from %s", "  来自 %s"), who);
        blocked_note(took);
        printf("\n");
    }
    after();
    return n;
}

int core_setsockopt(sp_sock *s, const sp_optdef *d, const sp_optval *v)
{
    char val[64];
    before("setsockopt");
    sockopt_format(d, v, val, sizeof val);
    call_head("setsockopt", "%s, %s, %s, %s", SOCK_LABEL(s), d->level_name, d->name, val);
    if (setsockopt(s->fd, d->level, d->optname, &v->u, v->len) < 0) { fail("setsockopt", NULL, errno); return -1; }
    if (core_trace) printf(" = %s0%s\n", col(C_GREEN), col(C_RESET));
    if (d->level == SOL_SOCKET && d->optname == SO_RCVTIMEO) s->timeout = sockopt_number(d, v) > 0 ? sockopt_number(d, v) : -1;
    after();
    return 0;
}

int core_getsockopt(sp_sock *s, const sp_optdef *d, sp_optval *v)
{
    char val[64];
    before("getsockopt");
    call_head("getsockopt", "%s, %s, %s", SOCK_LABEL(s), d->level_name, d->name);
    memset(v, 0, sizeof *v);
    v->len = sizeof v->u;
    if (getsockopt(s->fd, d->level, d->optname, &v->u, &v->len) < 0) { fail("getsockopt", NULL, errno); return -1; }
    sockopt_format(d, v, val, sizeof val);
    if (core_trace) printf(" = %s%s%s\n", col(C_GREEN), val, col(C_RESET));
    return 0;
}

int core_shutdown(sp_sock *s, int how)
{
    static const char *names[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    before("shutdown");
    call_head("shutdown", "%s, %s", SOCK_LABEL(s), names[how]);
    if (shutdown(s->fd, how) < 0) { fail("shutdown", NULL, errno); return -1; }
    if (core_trace) {
        printf(" = %s0%s\n", col(C_GREEN), col(C_RESET));
        if (how != SHUT_RD && s->type == SOCK_STREAM)
            hint("%s", TR("FIN sent: the peer's recv() returns 0 bytes, but this socket can still receive (half-close)",
                          "已发送 FIN：对方的 recv() 会返回 0 字节，但这个套接字仍然可以接收（半关闭）"));
    }
    after();
    return 0;
}

int core_setblocking(sp_sock *s, int blocking)
{
    int fl = fcntl(s->fd, F_GETFL);
    before("setblocking");
    call_head("fcntl", "%s, F_SETFL, %s", SOCK_LABEL(s), blocking ? "flags & ~O_NONBLOCK" : "flags | O_NONBLOCK");
    if (fl < 0 || fcntl(s->fd, F_SETFL, blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK) < 0) {
        fail("fcntl", NULL, errno);
        return -1;
    }
    s->nonblocking = !blocking;
    if (core_trace) printf(" = %s0%s\n", col(C_GREEN), col(C_RESET));
    after();
    return 0;
}

int core_settimeout(sp_sock *s, double seconds)
{
    /* Python's settimeout, done with SO_RCVTIMEO/SO_SNDTIMEO so the call still blocks
     * in the kernel (and the status line still counts) until the timeout. */
    sp_optval v;
    int saved = core_show_table, rc;
    core_show_table = 0;
    sockopt_from_number(sockopt_find("SO_RCVTIMEO"), seconds, seconds <= 0, &v);
    rc = core_setsockopt(s, sockopt_find("SO_RCVTIMEO"), &v);
    if (rc == 0) rc = core_setsockopt(s, sockopt_find("SO_SNDTIMEO"), &v);
    core_show_table = saved;
    return rc;   /* core_setsockopt recorded s->timeout from SO_RCVTIMEO */
}

int core_close(sp_sock *s)
{
    int fd = s->fd, rc;
    char label[SP_NAME_MAX + 8];
    before("close");
    snprintf(label, sizeof label, "%s", SOCK_LABEL(s));
    call_head("close", "%s", label);
    /* The fd is gone after close() whatever it returns (Linux), so the record goes too. */
    reg_remove(s);
    rc = close(fd);
    if (rc < 0) { fail("close", NULL, errno); return -1; }
    if (core_trace) printf(" = %s0%s\n", col(C_GREEN), col(C_RESET));
    after();
    return 0;
}

void core_close_all(void)
{
    while (reg_count() > 0) {
        sp_sock *s = reg_at(0);
        int fd = s->fd;
        reg_remove(s);
        close(fd);
    }
}
