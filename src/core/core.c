/* core.c — one function per socket call: make the real system call, then tell the
 * learner what happened (trace line, explanation, state table). The calls that may
 * block are in core_io.c; the pieces of a trace line, shared by both, are here. */
#include "core/core.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/blocking.h"
#include "report/explain.h"
#include "report/errtext.h"
#include "core/jobs.h"
#include "kernel/kernel.h"
#include "report/out.h"
#include "report/render.h"
#include "export/export.h"
#include "report/trace.h"

sp_error core_err;
int core_trace = 1;
int core_show_table = 1;
void (*core_before_call)(const char *call);
core_rec core_cur;
int core_explain;
int core_record = 1;
/* Set while core_settimeout runs its two setsockopt calls: the seconds (-2: none). */
static double via_settimeout = -1;

void core_begin(const char *call, const char *fmt, ...)
{
    va_list ap;
    char args[sizeof core_cur.plain];
    core_err.err = 0;
    core_err.msg[0] = '\0';
    if (core_before_call) core_before_call(call);
    if (CORE_QUIET) {
        core_cur.job = 0;
        core_cur.took = 0;
        return;                  /* nothing shown or kept: no text to build */
    }
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    memset(&core_cur, 0, sizeof core_cur);
    snprintf(core_cur.plain, sizeof core_cur.plain, "%s(%.*s)", call, (int)(sizeof args - 40), args);
    snprintf(core_cur.head, sizeof core_cur.head, "%s%s%s(%s)", out_col(C_BOLD ";" C_CYAN), call, out_col(C_RESET), args);
    core_cur.t0 = blocking_now();
}

void core_op(sp_opkind kind, const sp_sock *s)
{
    sp_op *o = &core_cur.op;
    if (CORE_QUIET) return;
    o->kind = kind;
    o->port = -1;
    o->newfd = -1;
    if (!s) return;
    o->fd = s->fd;
    snprintf(o->var, sizeof o->var, "%s", s->name);
    o->family = s->family;
    o->type = s->type;
}

/* The address a call was given, as typed, for the Python and C lines. */
void op_where(const sp_sock *s, const char *host, const sp_addr *a)
{
    sp_op *o = &core_cur.op;
    char h[160];
    int port = -1;
    snprintf(o->host, sizeof o->host, "%s", !host || !strcmp(host, "*") ? "" : host);
    if (s->family != AF_UNIX && addr_split((const struct sockaddr *)&a->ss, a->len, h, sizeof h, &port) == 0) o->port = port;
}

void core_print_head(void)
{
    if (!core_trace) return;
    if (core_cur.job) printf("%s[%d]%s ", out_col(C_BOLD), core_cur.job, out_col(C_RESET));
    fputs(core_cur.head, stdout);
}

void core_ret(const char *fmt, ...)
{
    va_list ap;
    char v[sizeof core_cur.result - 2];
    if (CORE_QUIET) return;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    snprintf(core_cur.result, sizeof core_cur.result, "= %s", v);
    if (core_trace) printf(" = %s%s%s", out_col(C_GREEN), v, out_col(C_RESET));
}

void core_hint(const char *fmt, ...)
{
    va_list ap;
    char text[2048], lead[32];
    if (!core_trace) return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(lead, sizeof lead, "   %s↳ ", out_col(C_DIM));
    out_wrap(stdout, lead, -1, text, out_col(C_RESET));      /* continued under the text, not the arrow */
}

void core_blocked_note(void)
{
    if (core_trace && core_cur.took >= 0.2)
        printf("  %s(%s %.1f s)%s", out_col(C_YELLOW), TR("blocked", "阻塞了"), core_cur.took, out_col(C_RESET));
}

void core_end(void)
{
    if (CORE_QUIET) {
        if (core_show_table) render_table(0);
        return;
    }
    if (core_record)
        trace_add(core_cur.t0, core_cur.plain, core_cur.result[0] ? core_cur.result : "= 0", core_cur.took, core_cur.job);
    if (core_trace && core_explain) explain_call(&core_cur.op);
    if (core_record) export_record(&core_cur.op, core_cur.job);
    if (core_show_table) render_table(0);
    fflush(stdout);
}

/* The failure line: errno's name, number, the system's message, then why. */
void core_fail_on(const sp_sock *s, const char *call, const char *addr, int err)
{
    char why[512];
    const char *ex = s && s->backlog >= 0 ? errtext_on_listener(err, call, addr, why, sizeof why)
                     : s && err == EPIPE && kernel_never_connected(s) ? errtext_never_connected(err, call, addr, why, sizeof why)
                                          : errtext_errno(err, call, addr, why, sizeof why);
    if (err == EAGAIN && !ex) ex = "";
    snprintf(core_err.msg, sizeof core_err.msg, "%s: %s (%d) %s%s%s", call, errtext_name(err), err, strerror(err),
             ex ? " — " : "", ex ? ex : "");
    core_err.err = err;
    core_cur.op.rc = -1;
    core_cur.op.err = err;
    snprintf(core_cur.result, sizeof core_cur.result, "= -1 %s", errtext_name(err));
    if (core_trace) {
        printf(" = -1 %s%s (%d) %s%s", out_col(C_BOLD ";" C_RED), errtext_name(err), err, strerror(err), out_col(C_RESET));
        core_blocked_note();
        printf("\n");
        if (ex) core_hint("%s", ex);
    }
    if (err == EINTR) blocking_sigint = 0;
    core_end();
}

static void fail(const char *call, int err) { core_fail_on(NULL, call, NULL, err); }

void core_fail_usage(const char *call, const sp_sock *s, const char *msg)
{
    snprintf(core_err.msg, sizeof core_err.msg, "%s: %s", call, msg);
    core_err.err = 0;
    if (!core_trace) return;
    if (s) printf("%s%s%s(%s): ", out_col(C_BOLD ";" C_CYAN), call, out_col(C_RESET), SOCK_LABEL(s));
    else printf("%s%s%s: ", out_col(C_BOLD ";" C_CYAN), call, out_col(C_RESET));
    printf("%s%s%s\n", out_col(C_RED), msg, out_col(C_RESET));
}

/* A call that succeeded with 0 and has nothing more to say. */
static int ok0(void)
{
    core_ret("0");
    if (core_trace) printf("\n");
    return 0;
}

/* The fd of the socket the last core_new_sock took the name from, until core_name_note. */
static int renamed_fd = -1;

void core_name_moved(int oldfd, const char *name)
{
    core_hint(TR("fd %d (the old %s) keeps running but is no longer called %s: use %d for it",
                 "fd %d（原来的 %s）仍然打开，但不再叫 %s：用 %d 指代它"), oldfd, name, name, oldfd);
}

void core_name_note(const sp_sock *s)
{
    if (renamed_fd >= 0) core_name_moved(renamed_fd, s->name);
    renamed_fd = -1;
}

sp_sock *core_new_sock(int fd, int family, int type, const char *name)
{
    sp_sock *s = calloc(1, sizeof *s), *old;
    if (!s) return NULL;
    s->fd = fd;
    s->family = family;
    s->type = type;
    s->backlog = -1;
    s->timeout = -1;
    registry_add(s);
    renamed_fd = name && (old = registry_set_name(s, name)) ? old->fd : -1;
    return s;
}

static const char *type_name(int type) { return type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM"; }

sp_sock *core_socket(int family, int type, const char *name)
{
    sp_sock *s;
    int fd;
    core_begin("socket", "%s, %s", addr_family_name(family), type_name(type));
    core_op(OP_SOCKET, NULL);
    core_cur.op.family = family;
    core_cur.op.type = type;
    core_print_head();
    fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) { fail("socket", errno); return NULL; }
    if (!(s = core_new_sock(fd, family, type, name))) { close(fd); fail("socket", ENOMEM); return NULL; }
    core_cur.op.rc = core_cur.op.newfd = fd;
    snprintf(core_cur.op.newvar, sizeof core_cur.op.newvar, "%s", name ? name : "");
    core_ret("%d", fd);
    if (core_trace) {
        if (name) printf("  → %s", name);
        printf("\n");
    }
    core_name_note(s);
    core_end();
    return s;
}

/* host/port to an address for s; prints the mistake (unknown host, bad port) if any. */
int core_resolve(const sp_sock *s, const char *call, const char *host, const char *port, int passive, sp_addr *a)
{
    char err[256];
    int rc = port ? addr_resolve(s->family, s->type, host, port, passive, a, err, sizeof err)
                  : addr_unix(host, a, err, sizeof err);
    if (rc < 0) core_fail_usage(call, s, err);
    return rc;
}

int core_bind(sp_sock *s, const char *host, const char *port)
{
    sp_addr a, got;
    char where[160], now[160];
    if (core_resolve(s, "bind", host, port, 1, &a) < 0) return -1;
    addr_format((struct sockaddr *)&a.ss, a.len, where, sizeof where);
    core_begin("bind", "%s, %s", SOCK_LABEL(s), where);
    core_op(OP_BIND, s);
    op_where(s, host, &a);
    core_print_head();
    if (bind(s->fd, (struct sockaddr *)&a.ss, a.len) < 0) { core_fail_on(NULL, "bind", where, errno); return -1; }
    ok0();
    if (port && kernel_addr(s, 0, &got) == 0) {
        char h[160];
        addr_split((struct sockaddr *)&got.ss, got.len, h, sizeof h, &core_cur.op.picked);
        addr_format((struct sockaddr *)&got.ss, got.len, now, sizeof now);
        if (strcmp(now, where) != 0)
            core_hint(TR("port 0 means \"kernel, pick a free port\": it picked %s", "端口 0 表示“由内核挑一个空闲端口”：它选了 %s"), now);
    }
    core_end();
    return 0;
}

/* After listen() on a socket that had no address: where the kernel bound it, on the
 * result line (Python does the same silently; the learner must see the port). */
static void listen_autobound(const sp_sock *s)
{
    sp_addr a;
    char where[160];
    if (!core_trace || kernel_addr(s, 0, &a) < 0) return;
    addr_format((struct sockaddr *)&a.ss, a.len, where, sizeof where);
    printf("   %s", out_col(C_YELLOW));
    printf(TR("(%s was not bound: the kernel bound it to %s)", "（%s 没有绑定过地址：内核把它绑定到了 %s）"), SOCK_LABEL(s), where);
    printf("%s", out_col(C_RESET));
}

int core_listen(sp_sock *s, int backlog)
{
    int was_unbound = !CORE_QUIET && kernel_unbound(s);
    core_begin("listen", "%s, %d", SOCK_LABEL(s), backlog);
    core_op(OP_LISTEN, s);
    core_cur.op.n = backlog;
    core_print_head();
    if (listen(s->fd, backlog) < 0) { fail("listen", errno); return -1; }
    s->backlog = backlog;
    core_ret("0");
    if (was_unbound) listen_autobound(s);
    if (core_trace) printf("\n");
    core_hint(TR("%s is now a passive (listening) socket: it only accepts connections; data travels on the sockets accept() returns",
                 "%s 现在是被动（监听）套接字：它只负责接受连接；数据要通过 accept() 返回的新套接字收发"), SOCK_LABEL(s));
    core_end();
    return 0;
}

int core_setsockopt(sp_sock *s, const sp_optdef *d, const sp_optval *v)
{
    char val[64];
    if (d->readonly) {            /* the kernel would say ENOPROTOOPT, which names nothing */
        char msg[200];
        snprintf(msg, sizeof msg, TR("%s can only be read (getsockopt %s %s), not set", "%s 只能读取（getsockopt %s %s），不能设置"),
                 d->name, SOCK_LABEL(s), d->name);
        core_fail_usage("setsockopt", s, msg);
        return -1;
    }
    sockopt_format(d, v, val, sizeof val);
    core_begin("setsockopt", "%s, %s, %s, %s", SOCK_LABEL(s), d->level_name, d->name, val);
    core_op(OP_SETSOCKOPT, s);
    core_cur.op.opt = d;
    memcpy(&core_cur.op.val, &v->u, sizeof core_cur.op.val);
    core_cur.op.secs = via_settimeout;
    core_print_head();
    if (setsockopt(s->fd, d->level, d->optname, &v->u, v->len) < 0) { fail("setsockopt", errno); return -1; }
    ok0();
    if (d->level == SOL_SOCKET && d->optname == SO_RCVTIMEO) s->timeout = sockopt_number(d, v) > 0 ? sockopt_number(d, v) : -1;
    core_end();
    return 0;
}

int core_getsockopt(sp_sock *s, const sp_optdef *d, sp_optval *v)
{
    char val[64];
    core_begin("getsockopt", "%s, %s, %s", SOCK_LABEL(s), d->level_name, d->name);
    core_op(OP_GETSOCKOPT, s);
    core_cur.op.opt = d;
    core_print_head();
    memset(v, 0, sizeof *v);
    v->len = sizeof v->u;
    if (getsockopt(s->fd, d->level, d->optname, &v->u, &v->len) < 0) { fail("getsockopt", errno); return -1; }
    sockopt_format(d, v, val, sizeof val);
    snprintf(core_cur.op.peer, sizeof core_cur.op.peer, "%s", val);
    core_ret("%s", val);
    if (core_trace) printf("\n");
    core_end();
    return 0;
}

int core_shutdown(sp_sock *s, int how)
{
    static const char *names[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    core_begin("shutdown", "%s, %s", SOCK_LABEL(s), names[how]);
    core_op(OP_SHUTDOWN, s);
    core_cur.op.n = how;
    core_print_head();
    if (shutdown(s->fd, how) < 0) { fail("shutdown", errno); return -1; }
    ok0();
    if (how != SHUT_RD && s->type == SOCK_STREAM)
        core_hint("%s", TR("FIN sent: the peer's recv() returns 0 bytes, but this socket can still receive (half-close)",
                           "已发送 FIN：对方的 recv() 会返回 0 字节，但这个套接字仍然可以接收（半关闭）"));
    core_end();
    return 0;
}

/* fcntl(O_NONBLOCK) on or off: the one call, traced. */
static int set_nonblocking(sp_sock *s, int blocking)
{
    int fl = fcntl(s->fd, F_GETFL);
    core_begin("fcntl", "%s, F_SETFL, %s", SOCK_LABEL(s), blocking ? "flags & ~O_NONBLOCK" : "flags | O_NONBLOCK");
    core_op(OP_SETBLOCKING, s);
    core_cur.op.n = blocking;
    core_print_head();
    if (fl < 0 || fcntl(s->fd, F_SETFL, blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK) < 0) { fail("fcntl", errno); return -1; }
    s->nonblocking = !blocking;
    ok0();
    if (!blocking)
        core_hint("%s", TR("non-blocking: accept/recv/connect now return at once — EAGAIN when nothing is ready",
                           "非阻塞：accept/recv/connect 现在立即返回 —— 没有就绪时返回 EAGAIN"));
    core_end();
    return 0;
}

/* SO_RCVTIMEO and SO_SNDTIMEO to seconds (CORE_NO_TIMEOUT: none), shown as one settimeout. */
static int set_timeouts(sp_sock *s, double seconds)
{
    /* Python's settimeout, done with SO_RCVTIMEO/SO_SNDTIMEO so the call still blocks
     * in the kernel (and the status line still counts) until the timeout. */
    sp_optval v;
    int saved = core_show_table, rc;
    core_show_table = 0;
    sockopt_from_number(sockopt_find("SO_RCVTIMEO"), seconds, seconds <= 0, &v);
    /* Python does it in one call: the two setsockopt lines say settimeout(seconds). */
    via_settimeout = seconds < 0 ? -2 : seconds;
    rc = core_setsockopt(s, sockopt_find("SO_RCVTIMEO"), &v);
    if (rc == 0) rc = core_setsockopt(s, sockopt_find("SO_SNDTIMEO"), &v);
    via_settimeout = -1;
    core_show_table = saved;
    return rc;   /* core_setsockopt recorded s->timeout from SO_RCVTIMEO */
}

const char *core_timeout_bad(double seconds)
{
    static char why[160];
    if (seconds >= 0 && seconds <= CORE_TIMEOUT_MAX) return NULL;   /* also false for NaN */
    if (isnan(seconds)) seconds = NAN;                                 /* "nan", never "-nan" */
    snprintf(why, sizeof why, TR("a timeout is 0 to %.0f seconds (or none), not %g", "超时应为 0 到 %.0f 秒（或 none），而不是 %g"),
             CORE_TIMEOUT_MAX, seconds);
    return why;
}

/* Python's setblocking: on is settimeout(None) (a timeout set before goes too), off is settimeout(0). */
int core_setblocking(sp_sock *s, int blocking)
{
    int rc = set_nonblocking(s, blocking);
    if (rc == 0 && blocking && s->timeout > 0) rc = set_timeouts(s, CORE_NO_TIMEOUT);
    return rc;
}

/* Python's settimeout: 0 is non-blocking; None or a timeout makes the socket blocking again
 * (the timeout then bounds each wait); a timeout below 1 µs is 1 µs, never "none". */
int core_settimeout(sp_sock *s, double seconds)
{
    const char *bad = seconds == CORE_NO_TIMEOUT ? NULL : core_timeout_bad(seconds);
    double asked = seconds;
    int fl, rc;
    if (bad) { core_fail_usage("settimeout", s, bad); return -1; }
    if (seconds == 0) return set_nonblocking(s, 0);
    if (seconds > 0 && seconds < CORE_TIMEOUT_MIN) seconds = CORE_TIMEOUT_MIN;
    fl = fcntl(s->fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK) && set_nonblocking(s, 1) < 0) return -1;
    rc = set_timeouts(s, seconds);
    if (rc == 0 && seconds != asked)
        core_hint(TR("%g s is below the shortest timeout a socket holds (1 µs): it is 1 µs — 0 would mean no timeout at all",
                     "%g 秒小于套接字能保存的最短超时（1 微秒）：按 1 微秒处理 —— 0 表示完全不超时"), asked);
    return rc;
}

int core_sockname(sp_sock *s, int peer, sp_addr *a)
{
    const char *call = peer ? "getpeername" : "getsockname";
    char buf[160];
    core_begin(call, "%s", SOCK_LABEL(s));
    core_op(peer ? OP_GETPEERNAME : OP_GETSOCKNAME, s);
    core_print_head();
    if (kernel_addr(s, peer, a) < 0) { fail(call, errno); return -1; }
    addr_format((struct sockaddr *)&a->ss, a->len, buf, sizeof buf);
    if (s->family == AF_UNIX && !buf[0]) snprintf(buf, sizeof buf, "%s", TR("(unnamed)", "（匿名）"));
    snprintf(core_cur.op.peer, sizeof core_cur.op.peer, "%s", buf);
    core_ret("%s", buf);
    if (core_trace) printf("\n");
    core_end();
    return 0;
}

int core_close(sp_sock *s)
{
    int fd = s->fd, rc;
    /* A background call on s would block on a dead (or reused) fd: it ends first. */
    jobs_cancel_on(s);
    core_begin("close", "%s", SOCK_LABEL(s));
    core_op(OP_CLOSE, s);
    core_print_head();
    if (!CORE_QUIET) kernel_remember(s);   /* its port, so its TIME_WAIT still shows in the table */
    /* The fd is gone after close() whatever it returns (Linux), so the record goes too. */
    registry_remove(s);
    rc = close(fd);
    if (rc < 0) { fail("close", errno); return -1; }
    ok0();
    core_end();
    return 0;
}

void core_close_all(void)
{
    jobs_cancel_all();
    while (registry_count() > 0) {
        sp_sock *s = registry_at(0);
        int fd = s->fd;
        registry_remove(s);
        close(fd);
    }
}
