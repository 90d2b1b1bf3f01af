/* core_io.c — the calls that may block: accept, connect, send, recv, sendto, recvfrom,
 * and poll. Each blocking call is start → system call → finish (see core.h): in the
 * foreground the three run in a row around the status line; jobs.c runs the middle one
 * in a thread. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/blocking.h"
#include "core/core.h"
#include "report/dataview.h"
#include "report/errtext.h"
#include "kernel/kernel.h"
#include "report/out.h"


static const char *call_name(sp_call_kind k)
{
    static const char *names[] = {"accept", "connect", "send", "recv", "sendto", "recvfrom"};
    return names[k];
}

int core_start(sp_call *c, sp_call_kind kind, sp_sock *s, const char *host, const char *port)
{
    const char *call = call_name(kind), *bytes;
    c->kind = kind;
    c->s = s;
    c->fd = s->fd;
    c->rc = -1;
    c->err = 0;
    c->made = NULL;
    if (kind == CALL_CONNECT || kind == CALL_SENDTO) {
        if (core_resolve(s, call, host, port, 0, &c->addr) < 0) return -1;
        if (!CORE_QUIET) addr_format((struct sockaddr *)&c->addr.ss, c->addr.len, c->where, sizeof c->where);
    }
    if (CORE_QUIET) {
        /* Nothing is shown or kept: skip describing the call, only the lesson hook runs. */
        core_err.err = 0;
        if (core_before_call) core_before_call(call);
        c->rec.job = 0;
        return 0;
    }
    bytes = TR("bytes", "字节");
    switch (kind) {
    case CALL_ACCEPT: core_begin(call, "%s", SOCK_LABEL(s)); break;
    case CALL_CONNECT: core_begin(call, "%s, %s", SOCK_LABEL(s), c->where); break;
    case CALL_SEND: core_begin(call, "%s, %zu %s", SOCK_LABEL(s), c->len, bytes); break;
    case CALL_SENDTO: core_begin(call, "%s, %zu %s, %s", SOCK_LABEL(s), c->len, bytes, c->where); break;
    case CALL_RECV:
    case CALL_RECVFROM: core_begin(call, "%s, %zu", SOCK_LABEL(s), c->len); break;
    }
    core_op((sp_opkind[]){OP_ACCEPT, OP_CONNECT, OP_SEND, OP_RECV, OP_SENDTO, OP_RECVFROM}[kind], s);
    if (kind == CALL_CONNECT || kind == CALL_SENDTO) op_where(s, host, &c->addr);
    core_cur.op.n = (long)c->len;
    core_cur.op.enc = c->enc;
    snprintf(core_cur.op.newvar, sizeof core_cur.op.newvar, "%s", c->name);
    c->rec = core_cur;
    return 0;
}

void core_call_block(sp_call *c)
{
    double t0 = CORE_QUIET ? 0 : blocking_now();
    for (;;) {
        c->addr.len = c->kind == CALL_CONNECT || c->kind == CALL_SENDTO ? c->addr.len : sizeof c->addr.ss;
        switch (c->kind) {
        case CALL_ACCEPT: c->rc = accept4(c->fd, (struct sockaddr *)&c->addr.ss, &c->addr.len, SOCK_CLOEXEC); break;
        case CALL_CONNECT: c->rc = connect(c->fd, (struct sockaddr *)&c->addr.ss, c->addr.len); break;
        case CALL_SEND: c->rc = send(c->fd, c->buf, c->len, MSG_NOSIGNAL); break;
        case CALL_RECV: c->rc = recv(c->fd, c->buf, c->len, 0); break;
        case CALL_SENDTO:
            c->rc = sendto(c->fd, c->buf, c->len, MSG_NOSIGNAL, (struct sockaddr *)&c->addr.ss, c->addr.len);
            break;
        case CALL_RECVFROM:
            /* MSG_TRUNC: the datagram's real length, so a cut datagram can be told. */
            c->rc = recvfrom(c->fd, c->buf, c->len, MSG_TRUNC, (struct sockaddr *)&c->addr.ss, &c->addr.len);
            break;
        }
        c->err = c->rc < 0 ? errno : 0;
        /* In the background only `cancel` interrupts (its signal); a stray EINTR retries. */
        if (!(c->rc < 0 && c->err == EINTR && c->rec.job && !c->cancel && c->kind != CALL_CONNECT)) break;
    }
    if (!CORE_QUIET) c->rec.took = blocking_now() - t0;
}

/* --- the finish of each call ----------------------------------------------------- */

static const char *timeout_hint(const sp_sock *s, int err)
{
    static char b[160];
    if (err != EAGAIN || s->timeout <= 0 || s->nonblocking) return NULL;
    snprintf(b, sizeof b, TR("timed out: nothing happened within %g s (settimeout) — Python raises socket.timeout here",
                             "超时：%g 秒内没有结果（settimeout）—— Python 在这里会抛出 socket.timeout"), s->timeout);
    return b;
}

static void finish_fail(sp_call *c)
{
    const char *call = call_name(c->kind), *th = timeout_hint(c->s, c->err);
    int e = c->err;
    if (e == EINTR && c->cancel) {
        /* Not Ctrl-C: say who interrupted it. */
        snprintf(core_err.msg, sizeof core_err.msg, "%s: cancelled", call);
        core_cur.op.rc = -1;
        core_cur.op.err = e;
        snprintf(core_cur.result, sizeof core_cur.result, "= -1 EINTR (cancel)");
        if (core_trace) printf(" = -1 %sEINTR (%d) %s%s\n", out_col(C_BOLD ";" C_RED), e, strerror(e), out_col(C_RESET));
        core_hint(TR("cancelled by `%s`: a signal to its thread made the call return EINTR",
                     "被 `%s` 取消：发给它所在线程的信号使调用返回 EINTR"), c->cancel_why ? c->cancel_why : "cancel");
        core_end();
        return;
    }
    if (th) {
        /* Say "timed out" rather than the generic non-blocking EAGAIN text. */
        snprintf(core_err.msg, sizeof core_err.msg, "%s: %s", call, th);
        core_err.err = e;
        core_cur.op.rc = -1;
        core_cur.op.err = e;
        snprintf(core_cur.result, sizeof core_cur.result, "= -1 %s (timeout)", errtext_name(e));
        if (core_trace) printf(" = -1 %s%s (%d) %s%s", out_col(C_BOLD ";" C_RED), errtext_name(e), e, strerror(e), out_col(C_RESET));
        core_blocked_note();
        if (core_trace) printf("\n");
        core_hint("%s", th);
        core_end();
        return;
    }
    core_fail_on(c->s, call, c->where[0] ? c->where : NULL, e);
    if (e == EINTR && c->kind == CALL_CONNECT && c->s->type == SOCK_STREAM)
        core_hint("%s", TR("the handshake may still complete in the background: look at the state table",
                           "三次握手可能仍在后台完成：请看状态表"));
}

static void finish_accept(sp_call *c)
{
    char from[160];
    sp_sock *n = core_new_sock((int)c->rc, c->s->family, c->s->type, c->name[0] ? c->name : NULL);
    if (!n) { close((int)c->rc); c->rc = -1; c->err = ENOMEM; finish_fail(c); return; }
    c->made = n;
    addr_format((struct sockaddr *)&c->addr.ss, c->addr.len, from, sizeof from);
    if (c->s->family == AF_UNIX && !strcmp(from, "*")) snprintf(from, sizeof from, "%s", TR("(unnamed client)", "（匿名客户端）"));
    core_cur.op.newfd = n->fd;
    snprintf(core_cur.op.peer, sizeof core_cur.op.peer, "%s", from);
    core_ret("%d", n->fd);
    if (core_trace) {
        if (c->name[0]) printf("  → %s", c->name);
        printf(", %s %s", TR("peer", "对方"), from);
        core_blocked_note();
        printf("\n");
    }
    core_hint(TR("a NEW socket (fd %d) for this one client; %s keeps listening for others",
                 "为这个客户端新建的套接字（fd %d）；%s 继续监听其他客户端"), n->fd, SOCK_LABEL(c->s));
    core_name_note(n);
}

static void finish_data(sp_call *c)
{
    size_t n = (size_t)c->rc;
    int cut = c->kind == CALL_RECVFROM && c->s->type == SOCK_DGRAM && n > c->len;
    char who[160];
    core_ret("%zu", cut ? c->len : n);
    if (core_trace) dataview_inline(c->kind == CALL_RECV || c->kind == CALL_RECVFROM ? c->s : NULL, c->buf, cut ? c->len : n, c->view, c->enc);
    if (cut) core_cur.op.len = c->len;
    if (c->kind == CALL_RECVFROM) {
        addr_format((struct sockaddr *)&c->addr.ss, c->addr.len, who, sizeof who);
        snprintf(core_cur.op.peer, sizeof core_cur.op.peer, "%s", who);
        if (core_trace) printf(TR("  from %s", "  来自 %s"), who);
    }
    core_blocked_note();
    if (core_trace) {
        printf("\n");
        dataview_below(c->kind == CALL_RECV || c->kind == CALL_RECVFROM ? c->s : NULL, c->buf, cut ? c->len : n, c->view);
    }
    if (cut) {
        /* MSG_TRUNC reported the datagram's real length: the rest is gone for good. */
        core_hint(TR("the datagram had %zu bytes but MAX was %zu: UDP dropped the other %zu bytes",
                     "这个数据报有 %zu 字节，但 MAX 只有 %zu：多出的 %zu 字节被 UDP 丢弃了"), n, c->len, n - c->len);
        c->rc = (ssize_t)c->len;
    } else if (c->kind == CALL_SEND && n < c->len) {
        core_hint(TR("only %zu of %zu bytes went: the send buffer was full — send the rest (Python's sendall loops for you)",
                     "只发出了 %zu / %zu 字节：发送缓冲区满了 —— 需要再发剩下的（Python 的 sendall 会自动循环）"), n, c->len);
    } else if (c->kind == CALL_RECV && n == 0 && c->s->type == SOCK_STREAM) {
        core_hint("%s", TR("0 bytes: the peer closed the connection (FIN received) — Python's recv returns b''. "
                           "No more data will come: close this socket too.",
                           "0 字节：对方关闭了连接（收到 FIN）—— Python 的 recv 返回 b''。不会再有数据了：这边也该 close 了。"));
    }
}

ssize_t core_call_finish(sp_call *c)
{
    /* Nothing is shown or kept (socket.trace(false)): a send's or recv's count is all there
     * is to finish. A failure still goes the long way, for its message. */
    if (CORE_QUIET && !c->rec.job && c->rc >= 0 && (c->kind == CALL_SEND || c->kind == CALL_RECV)) {
        core_end();
        return c->rc;
    }
    if (!CORE_QUIET || c->rec.job) core_cur = c->rec;
    core_cur.op.rc = c->rc;
    core_cur.op.data = c->buf;
    core_cur.op.len = c->rc > 0 && c->kind != CALL_ACCEPT && c->kind != CALL_CONNECT ? (size_t)c->rc : 0;
    if (c->rec.job) core_print_head();   /* in the foreground the head is already on screen */
    if (c->rc < 0) {
        finish_fail(c);
        return -1;
    }
    if (c->kind == CALL_ACCEPT) finish_accept(c);
    else if (c->kind == CALL_CONNECT) {
        core_ret("0");
        core_blocked_note();
        if (core_trace) printf("\n");
        if (c->s->type == SOCK_DGRAM)
            core_hint("%s", TR("UDP sends no packet on connect(): it only fixes the default destination and filters senders",
                               "UDP 的 connect() 不发送任何数据包：它只是设定默认目的地址并过滤发送方"));
    } else finish_data(c);
    if (c->rc >= 0) core_end();
    return c->rc;
}

/* --- the foreground ------------------------------------------------------------------ */

static const char *waiting_for(sp_call_kind k)
{
    switch (k) {
    case CALL_ACCEPT: return TR("waiting for a client to connect", "等待客户端连接");
    case CALL_RECV: return TR("waiting for data from the peer", "等待对方发来数据");
    case CALL_RECVFROM: return TR("waiting for a datagram", "等待数据报");
    case CALL_CONNECT: return TR("waiting for the server to answer the handshake", "等待服务器完成三次握手");
    default: return TR("waiting for room in the send buffer (the peer is not reading)", "等待发送缓冲区腾出空间（对方没有在读）");
    }
}

ssize_t core_call_run(sp_call *c)
{
    char what[200];
    int drawn;
    core_print_head();
    if (blocking_sigint) {
        /* Ctrl-C pressed before the call began counts as interrupting it. */
        c->rc = -1;
        c->err = EINTR;
        return core_call_finish(c);
    }
    if (!core_trace) {
        core_call_block(c);       /* nothing on screen: no status line either */
        return core_call_finish(c);
    }
    snprintf(what, sizeof what, "%s(%s): %s", call_name(c->kind), SOCK_LABEL(c->s), waiting_for(c->kind));
    fflush(stdout);
    blocking_begin(what);
    core_call_block(c);
    blocking_end(&drawn);
    /* The status line, if it was drawn, erased the head: put it back. */
    if (drawn) fputs(c->rec.head, stdout);
    return core_call_finish(c);
}

/* --- the wrappers the command layer and Lua call -------------------------------------- */

/* The fields a call starts with; the rest (its record, kilobytes) is filled by core_start
 * only when something is shown or kept. */
static void call_init(sp_call *c, void *buf, size_t len)
{
    c->buf = buf;
    c->len = len;
    c->owns_buf = c->view = 0;
    c->enc = NULL;
    c->name[0] = c->where[0] = '\0';
    c->cancel = 0;
    c->cancel_why = NULL;
    c->rec.job = 0;
    c->made = NULL;
}

static ssize_t run(sp_call *c, sp_call_kind kind, sp_sock *s, const char *host, const char *port)
{
    if (core_start(c, kind, s, host, port) < 0) return -1;
    return core_call_run(c);
}

sp_sock *core_accept(sp_sock *s, const char *name, sp_addr *peer)
{
    sp_call c;
    call_init(&c, NULL, 0);
    if (name) snprintf(c.name, sizeof c.name, "%s", name);
    if (run(&c, CALL_ACCEPT, s, NULL, NULL) < 0) return NULL;
    *peer = c.addr;
    return c.made;
}

int core_connect(sp_sock *s, const char *host, const char *port)
{
    sp_call c;
    call_init(&c, NULL, 0);
    return run(&c, CALL_CONNECT, s, host, port) < 0 ? -1 : 0;
}

static ssize_t xfer(sp_call_kind kind, sp_sock *s, const char *host, const char *port, void *buf, size_t len, sp_addr *from)
{
    sp_call c;
    ssize_t n;
    call_init(&c, buf, len);
    n = run(&c, kind, s, host, port);
    if (from) *from = c.addr;
    return n;
}

ssize_t core_send(sp_sock *s, const void *buf, size_t len) { return xfer(CALL_SEND, s, NULL, NULL, (void *)buf, len, NULL); }
ssize_t core_recv(sp_sock *s, void *buf, size_t max) { return xfer(CALL_RECV, s, NULL, NULL, buf, max, NULL); }
ssize_t core_sendto(sp_sock *s, const char *host, const char *port, const void *buf, size_t len)
{
    return xfer(CALL_SENDTO, s, host, port, (void *)buf, len, NULL);
}
ssize_t core_recvfrom(sp_sock *s, void *buf, size_t max, sp_addr *from)
{
    return xfer(CALL_RECVFROM, s, NULL, NULL, buf, max, from);
}

/* --- poll ------------------------------------------------------------------------------ */

static const char *readiness(const sp_sock *s, short re)
{
    if (re & POLLNVAL) return TR("not an open fd", "不是打开的 fd");
    if (re & POLLERR) return TR("an error is pending: the next call returns it", "有待处理的错误：下一次调用会返回它");
    if (s->backlog >= 0 && (re & POLLIN)) return TR("a connection is waiting: accept() will not block", "有连接在等待：accept() 不会阻塞");
    if ((re & POLLIN) && (re & POLLHUP)) return TR("the peer is gone: recv() returns what is left, then 0", "对方已断开：recv() 先返回剩余数据，然后返回 0");
    if (re & POLLHUP) return TR("hung up: both directions are closed", "已挂断：两个方向都已关闭");
    if ((re & POLLIN) && (re & POLLOUT)) return TR("recv() and send() will not block", "recv() 和 send() 都不会阻塞");
    if (re & POLLIN) return TR("data (or a FIN) is waiting: recv() will not block", "有数据（或 FIN）在等待：recv() 不会阻塞");
    if (re & POLLOUT) return TR("send() will not block; nothing to read yet", "send() 不会阻塞；还没有可读的数据");
    return TR("not ready: recv()/accept() would block", "未就绪：recv()/accept() 会阻塞");
}

static void event_names(short re, char *b, size_t n)
{
    static const struct { short bit; const char *name; } ev[] = {
        {POLLIN, "POLLIN"}, {POLLOUT, "POLLOUT"}, {POLLHUP, "POLLHUP"}, {POLLRDHUP, "POLLRDHUP"}, {POLLERR, "POLLERR"}, {POLLNVAL, "POLLNVAL"},
    };
    size_t used = 0;
    b[0] = '\0';
    for (size_t i = 0; i < sizeof ev / sizeof ev[0] && used < n; i++)
        if (re & ev[i].bit) used += (size_t)snprintf(b + used, n - used, "%s%s", used ? "|" : "", ev[i].name);
    if (!used) snprintf(b, n, "-");
}

int core_poll(sp_sock **v, int n, int timeout_ms, short *revents)
{
    struct pollfd p[CORE_POLL_MAX];
    char names[400] = "", what[480], ev[80];
    size_t used = 0;
    int rc, drawn, w = 4;
    for (int i = 0; i < n; i++) {
        kernel_row k;
        kernel_read(v[i], &k);
        /* Wait for what a learner waits for: data, a connection, a FIN — or, for a
         * non-blocking connect still in its handshake, the socket becoming writable. */
        p[i].fd = v[i]->fd;
        p[i].events = !strcmp(k.state, "SYN_SENT") ? POLLOUT : POLLIN | POLLRDHUP;
        p[i].revents = 0;
        if (used < sizeof names) used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", SOCK_LABEL(v[i]));
        if ((int)strlen(SOCK_LABEL(v[i])) > w) w = (int)strlen(SOCK_LABEL(v[i]));
    }
    core_begin("poll", "[%s], %d, %d", names, n, timeout_ms);
    core_op(OP_POLL, NULL);
    snprintf(core_cur.op.list, sizeof core_cur.op.list, "%s", names);
    core_cur.op.n = timeout_ms;
    core_print_head();
    if (blocking_sigint) { core_fail_on(NULL, "poll", NULL, EINTR); return -1; }
    snprintf(what, sizeof what, "poll(%s): %s", names, TR("waiting until one is ready", "等待其中之一就绪"));
    if (core_trace) fflush(stdout);
    blocking_begin(what);
    rc = poll(p, (nfds_t)n, timeout_ms);
    core_cur.took = blocking_end(&drawn);
    if (drawn && core_trace) fputs(core_cur.head, stdout);
    if (rc < 0) { core_fail_on(NULL, "poll", NULL, errno); return -1; }
    core_cur.op.rc = rc;
    core_ret("%d", rc);
    core_blocked_note();
    if (core_trace) printf("%s\n", rc == 0 ? TR("  (timed out: none ready)", "  （超时：没有一个就绪）") : "");
    /* Then everything each socket can do now, writability included. */
    for (int i = 0; i < n; i++) p[i].events = POLLIN | POLLOUT | POLLRDHUP;
    if (poll(p, (nfds_t)n, 0) < 0)
        for (int i = 0; i < n; i++) p[i].revents = 0;
    for (int i = 0; i < n; i++) {
        revents[i] = p[i].revents;
        event_names(p[i].revents, ev, sizeof ev);
        if (core_trace)
            printf("     %-*s  %s%-24s%s %s\n", w, SOCK_LABEL(v[i]), out_col(p[i].revents & POLLIN ? C_GREEN : C_RESET), ev,
                   out_col(C_RESET), readiness(v[i], p[i].revents));
    }
    core_end();
    return rc;
}
