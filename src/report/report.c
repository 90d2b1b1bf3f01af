/* report.c — the listener that prints: each call's record (core/call.h) becomes the head
 * `accept(s)` at BEGIN, a status line between BLOCKED and UNBLOCKED, `[N] accept(s) …` at
 * BACKGROUND, and at END the result line, its `↳` hints, the data, explain's lines and the
 * table; a call REFUSED before any system call gets its one red line. The same record
 * makes Lua's error message (report_error) and `trace`'s and `jobs`' text. */
#include "report/report.h"
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "core/registry.h"
#include "lang/addr.h"
#include "lang/sockopt.h"
#include "lang/words.h"
#include "report/dataview.h"
#include "report/errtext.h"
#include "report/explain.h"
#include "report/out.h"
#include "report/render.h"
#include "report/status.h"

static int trace_on = 1, table_on = 1, explain_on;

static void listener(call_event ev, const sp_call *c);

/* The listener is on while it has something to show. */
static void switch_listener(void) { call_listener_on(listener, trace_on || table_on); }

void report_init(void)
{
    call_listen(listener, 0);
    switch_listener();
    status_init();
}

void report_shutdown(void) { status_shutdown(); }

int report_set(int what, int on)
{
    int *v = what == REPORT_TRACE ? &trace_on : what == REPORT_TABLE ? &table_on : &explain_on, was = *v;
    if (on < 0) return was;
    *v = !!on;
    switch_listener();
    return was;
}

/* --- the call as text ------------------------------------------------------------------ */

/* The socket as a trace line names it then: its name, else its fd. */
static const char *label(const sp_call *c, char *buf, size_t n)
{
    if (c->var[0]) return c->var;
    snprintf(buf, n, "%d", c->fd);
    return buf;
}

/* An address as text ("127.0.0.1:80", "/tmp/s"). */
static void addr_text(const sp_addr *a, char *buf, size_t n) { addr_format((const struct sockaddr *)&a->ss, a->len, buf, n); }

void report_poll_list(const sp_call *c, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < c->npolls && used < n; i++) {
        if (c->polls[i].name[0]) used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", c->polls[i].name);
        else used += (size_t)snprintf(buf + used, n - used, "%s%d", i ? ", " : "", c->polls[i].fd);
    }
}

/* The arguments between the parentheses of a trace line. */
static void args_text(const sp_call *c, char *a, size_t n)
{
    static const char *how[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    char l[16], w[160], val[64], list[380];
    const char *lb = label(c, l, sizeof l), *bytes = TR("bytes", "字节");
    if (call_kinds[c->kind].flags & CALLK_ADDR) addr_text(&c->addr, w, sizeof w);
    switch (c->kind) {
    case CALL_SOCKET:
        snprintf(a, n, "%s, %s", addr_family_name(c->family), c->type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM");
        break;
    case CALL_BIND:
    case CALL_CONNECT: snprintf(a, n, "%s, %s", lb, w); break;
    case CALL_LISTEN: snprintf(a, n, "%s, %ld", lb, c->n); break;
    case CALL_SEND: snprintf(a, n, "%s, %zu %s", lb, c->len, bytes); break;
    case CALL_SENDTO: snprintf(a, n, "%s, %zu %s, %s", lb, c->len, bytes, w); break;
    case CALL_RECV:
    case CALL_RECVFROM: snprintf(a, n, "%s, %zu", lb, c->len); break;
    case CALL_SETSOCKOPT:
        sockopt_format(c->opt, &c->val, val, sizeof val);
        snprintf(a, n, "%s, %s, %s, %s", lb, c->opt->level_name, c->opt->name, val);
        break;
    case CALL_GETSOCKOPT: snprintf(a, n, "%s, %s, %s", lb, c->opt->level_name, c->opt->name); break;
    case CALL_SHUTDOWN: snprintf(a, n, "%s, %s", lb, how[c->n]); break;
    case CALL_SETBLOCKING: snprintf(a, n, "%s, F_SETFL, %s", lb, c->n ? "flags & ~O_NONBLOCK" : "flags | O_NONBLOCK"); break;
    case CALL_POLL:
        report_poll_list(c, list, sizeof list);
        snprintf(a, n, "[%s], %d, %ld", list, c->npolls, c->n);
        break;
    default: snprintf(a, n, "%s", lb); break;
    }
}

void report_call_text(const sp_call *c, int colour, char *buf, size_t n)
{
    char args[440];
    const char *name = call_kinds[c->kind].name;
    args_text(c, args, sizeof args);
    if (colour) snprintf(buf, n, "%s%s%s(%s)", out_col(C_BOLD ";" C_CYAN), name, out_col(C_RESET), args);
    else snprintf(buf, n, "%s(%.*s)", name, 360, args);   /* as `trace` always cut it */
}

void report_got_text(const sp_call *c, char *buf, size_t n)
{
    buf[0] = '\0';
    if (c->rc < 0) return;
    switch (c->kind) {
    case CALL_ACCEPT:
    case CALL_RECVFROM:
    case CALL_GETSOCKNAME:
    case CALL_GETPEERNAME:
        addr_text(&c->addr, buf, n);
        if (c->family == AF_UNIX && c->kind == CALL_ACCEPT && !strcmp(buf, "*"))
            snprintf(buf, n, "%s", TR("(unnamed client)", "（匿名客户端）"));
        if (c->family == AF_UNIX && (c->kind == CALL_GETSOCKNAME || c->kind == CALL_GETPEERNAME) && !buf[0])
            snprintf(buf, n, "%s", TR("(unnamed)", "（匿名）"));
        break;
    case CALL_GETSOCKOPT: sockopt_format(c->opt, &c->val, buf, n); break;
    default: break;
    }
}

/* Why a call timed out, or NULL. */
static const char *timeout_text(const sp_call *c, char *b, size_t n)
{
    if (!(c->facts & FACT_TIMEDOUT)) return NULL;
    snprintf(b, n, TR("timed out: nothing happened within %g s (settimeout) — Python raises TimeoutError (socket.timeout) here",
                      "超时：%g 秒内没有结果（settimeout）—— Python 在这里会抛出 TimeoutError（socket.timeout）"), c->asked);
    return b;
}

static int cancelled(const sp_call *c) { return c->rc < 0 && c->err == EINTR && c->cancel; }

void report_result_text(const sp_call *c, char *buf, size_t n)
{
    char got[160];
    if (cancelled(c)) snprintf(buf, n, "= -1 EINTR (cancel)");
    else if (c->rc < 0 && (c->facts & FACT_TIMEDOUT)) snprintf(buf, n, "= -1 %s (timeout)", errtext_name(c->err));
    else if (c->rc < 0) snprintf(buf, n, "= -1 %s", errtext_name(c->err));
    else if (c->kind == CALL_GETSOCKOPT || c->kind == CALL_GETSOCKNAME || c->kind == CALL_GETPEERNAME) {
        report_got_text(c, got, sizeof got);
        snprintf(buf, n, "= %s", got);
    } else snprintf(buf, n, "= %ld", c->rc);
}

/* What err means for this call, or NULL: the sentence under a failed call's line. */
static const char *errno_text(const sp_call *c, char *why, size_t n)
{
    char w[160];
    const char *call = call_kinds[c->kind].name, *where = NULL;
    int err = c->err;
    const char *ex;
    if (call_kinds[c->kind].flags & CALLK_ADDR) {
        addr_text(&c->addr, w, sizeof w);
        where = w;
    }
    ex = c->facts & FACT_LISTENER ? errtext_on_listener(err, call, where, why, n)
         : c->facts & FACT_NEVER_CONNECTED ? errtext_never_connected(err, call, where, why, n)
                                           : errtext_errno(err, call, where, why, n);
    if (err == EAGAIN && !ex) ex = "";
    return ex;
}

/* The mistake of a refused call. */
static const char *refusal(const sp_call *c, char *b, size_t n)
{
    char l[16];
    if (c->facts & FACT_READONLY) {
        snprintf(b, n, TR("%s can only be read (getsockopt %s %s), not set", "%s 只能读取（getsockopt %s %s），不能设置"), c->opt->name,
                 label(c, l, sizeof l), c->opt->name);
        return b;
    }
    if (c->facts & FACT_BAD_TIMEOUT) return sockopt_timeout_bad(c->asked);
    return c->why ? c->why : "";
}

const char *report_error(const sp_call *c, char *buf, size_t n)
{
    char why[512];
    const char *call = call_kinds[c->kind].name, *ex;
    if (c->rc < 0 && !c->err) snprintf(buf, n, "%s: %s", call, refusal(c, why, sizeof why));
    else if (cancelled(c)) snprintf(buf, n, "%s: cancelled", call);
    else if ((ex = timeout_text(c, why, sizeof why))) snprintf(buf, n, "%s: %s", call, ex);
    else {
        ex = errno_text(c, why, sizeof why);
        snprintf(buf, n, "%s: %s (%d) %s%s%s", call, errtext_name(c->err), c->err, strerror(c->err), ex ? " — " : "", ex ? ex : "");
    }
    return buf;
}

/* --- the lines ------------------------------------------------------------------------- */

/* The dim "↳ why" line under a trace line. */
static void hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hint(const char *fmt, ...)
{
    va_list ap;
    char text[2048];
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    out_hint(text);
}

void report_name_moved(int oldfd, const char *name)
{
    if (!trace_on) return;
    hint(TR("fd %d (the old %s) keeps running but is no longer called %s: use %d for it",
            "fd %d（原来的 %s）仍然打开，但不再叫 %s：用 %d 指代它"), oldfd, name, name, oldfd);
}

void report_job_refused(const sp_call *c, int err)
{
    char plain[600];
    if (err == EAGAIN) {
        printf("%s%s%s\n", out_col(C_RED), TR("too many background calls (64): wait for or cancel one",
                                              "后台调用太多（64 个）：请先 wait 或 cancel 一个"), out_col(C_RESET));
        return;
    }
    report_call_text(c, 0, plain, sizeof plain);
    printf("%s%s: %s%s\n", out_col(C_RED), plain, strerror(err), out_col(C_RESET));
}

/* The result line is made in memory (rline) while it is built from its pieces, then wrapped
 * to the terminal's width from where the head ended (head_col); the head's last line is kept
 * so that it can be drawn again after a status line erased it. */
static FILE *rline;
static char *rline_buf, head_last[700], note[160], waited[200];
static size_t rline_len;
static int head_col;
static int head_open;           /* a foreground head is on screen, its result not yet */
static int head_again;          /* lines came under it: the result line draws its last line again */
#define R (rline ? rline : stdout)

/* The head, with "[N] " for a background call, wrapped to the terminal's width. */
static void head(const sp_call *c)
{
    char h[600], *out = NULL, *w = NULL, *last;
    size_t n = 0, wn = 0;
    FILE *m = open_memstream(&out, &n), *o;
    if (!m) return;
    if (c->job) fprintf(m, "%s[%d]%s ", out_col(C_BOLD), c->job, out_col(C_RESET));
    report_call_text(c, 1, h, sizeof h);
    fputs(h, m);
    if (fclose(m) == 0 && (o = open_memstream(&w, &wn))) {
        head_col = out_wrap_at(o, 0, 4, out);
        if (fclose(o) == 0) {
            fputs(w, stdout);
            last = strrchr(w, '\n');
            snprintf(head_last, sizeof head_last, "%s", last ? last + 1 : w);
        }
        free(w);
    }
    free(out);
}

/* The result line's pieces go to memory from here on (after the head, drawn again when
 * lines came under it). */
static void line_begin(void)
{
    if (head_again) fputs(head_last, stdout);
    head_again = 0;
    rline = open_memstream(&rline_buf, &rline_len);
}

void report_aside(void)
{
    if (!head_open || head_again) return;
    fputc('\n', stdout);
    head_again = 1;
}

void report_note(const char *text)
{
    snprintf(note, sizeof note, "%s", text);
}

/* The result line ends: wrapped from where the head ended, continued 4 columns in; the
 * notes ("(blocked 2.0 s)", "(3 packets, 0.11 ms)") kept whole, on the next line when the
 * rest is too short. */
static void line_end(void)
{
    head_open = 0;
    if (rline && fclose(rline) == 0) {
        int x, w = out_width(rline_buf);
        if (head_col + w <= out_cols()) {   /* it fits */
            fputs(rline_buf, stdout);
            x = head_col + w;
        } else x = out_wrap_at(stdout, head_col, 4, rline_buf);
        if (waited[0] || note[0]) {             /* "(blocked 2.0 s)  (3 packets, 0.11 ms)", whole */
            char whole[sizeof waited + sizeof note + 40];
            snprintf(whole, sizeof whole, "%s%s%s%s%s", waited, waited[0] && note[0] ? "  " : "",
                     note[0] ? out_col(C_DIM) : "", note, note[0] ? out_col(C_RESET) : "");
            fputs(x + 2 + out_width(whole) > out_cols() ? "\n    " : "  ", stdout);
            fputs(whole, stdout);
        }
    }
    note[0] = waited[0] = '\0';
    free(rline_buf);
    rline = NULL;
    rline_buf = NULL;
    fputc('\n', stdout);
}

/* " = VALUE" in green. */
static void ret(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ret(const char *fmt, ...)
{
    va_list ap;
    char v[158];
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    fprintf(R, " = %s%s%s", out_col(C_GREEN), v, out_col(C_RESET));
}

/* "(blocked 2.3 s)" at the end of the result line, kept whole as the note is, when the
 * call waited long enough to notice. */
static void blocked_note(const sp_call *c)
{
    if (c->took >= 0.2) snprintf(waited, sizeof waited, "%s(%s %.1f s)%s", out_col(C_YELLOW), TR("blocked", "阻塞了"), c->took, out_col(C_RESET));
}

/* After the result line of the call that made a socket: its name was taken from another. */
static void name_note(const sp_call *c)
{
    if (c->moved_fd >= 0) report_name_moved(c->moved_fd, c->newvar);
}

static void fail_line(const sp_call *c)
{
    char why[512];
    const char *ex;
    int e = c->err;
    if (cancelled(c)) {
        /* Not Ctrl-C: say who interrupted it. */
        char by[SP_NAME_MAX + 16];
        if (c->cancel_by == CANCEL_JOB) snprintf(by, sizeof by, "cancel %d", c->cancel_job);
        else if (c->cancel_by == CANCEL_CLOSE) snprintf(by, sizeof by, "close %s", c->s ? registry_label(c->s) : c->var);
        else snprintf(by, sizeof by, "%s", c->cancel_by == CANCEL_QUIT ? "quit" : "cancel");
        fprintf(R, " = -1 %sEINTR (%d) %s%s", out_col(C_BOLD ";" C_RED), e, strerror(e), out_col(C_RESET));
        line_end();
        hint(TR("cancelled by `%s`: a signal to its thread made the call return EINTR",
                "被 `%s` 取消：发给它所在线程的信号使调用返回 EINTR"), by);
        return;
    }
    fprintf(R, " = -1 %s%s (%d) %s%s", out_col(C_BOLD ";" C_RED), errtext_name(e), e, strerror(e), out_col(C_RESET));
    blocked_note(c);
    line_end();
    if ((ex = timeout_text(c, why, sizeof why)) || (ex = errno_text(c, why, sizeof why))) hint("%s", ex);
}

/* readiness of a polled socket: what it can do now. */
static const char *readiness(const sp_sock *s, short re)
{
    if (re & POLLNVAL) return TR("not an open fd", "不是打开的 fd");
    if (re & POLLERR) return TR("an error is pending: the next call returns it", "有待处理的错误：下一次调用会返回它");
    if (s && s->backlog >= 0 && (re & POLLIN)) return TR("a connection is waiting: accept() will not block", "有连接在等待：accept() 不会阻塞");
    if ((re & POLLIN) && (re & POLLHUP)) return TR("the peer is gone: recv() returns what is left, then 0", "对方已断开：recv() 先返回剩余数据，然后返回 0");
    if (re & POLLHUP) return TR("hung up: both directions are closed", "已挂断：两个方向都已关闭");
    if ((re & POLLIN) && (re & POLLOUT)) return TR("recv() and send() will not block", "recv() 和 send() 都不会阻塞");
    if (re & POLLIN) return TR("data (or a FIN) is waiting: recv() will not block", "有数据（或 FIN）在等待：recv() 不会阻塞");
    if (re & POLLOUT) return TR("send() will not block; nothing to read yet", "send() 不会阻塞；还没有可读的数据");
    return TR("not ready: recv()/accept() would block", "未就绪：recv()/accept() 会阻塞");
}

/* The bits of re by name from the one table of poll's events (lang/words.c); "-" for none. */
static void event_names(short re, char *b, size_t n)
{
    if (!*words_event_names(re, b, n)) snprintf(b, n, "-");
}

static void poll_lines(const sp_call *c)
{
    char ev[80], l[16];
    int w = 4;
    ret("%ld", c->rc);
    blocked_note(c);
    if (c->rc == 0) {                           /* after the wait, kept whole with it */
        size_t k = strlen(waited);
        snprintf(waited + k, sizeof waited - k, "%s%s", k ? "  " : "", TR("(timed out: none ready)", "（超时：没有一个就绪）"));
    }
    line_end();
    for (int i = 0; i < c->npolls; i++) {
        const char *lb = c->polls[i].name[0] ? c->polls[i].name : (snprintf(l, sizeof l, "%d", c->polls[i].fd), l);
        if ((int)strlen(lb) > w) w = (int)strlen(lb);
    }
    for (int i = 0; i < c->npolls; i++) {
        short re = c->polls[i].revents;
        const char *lb = c->polls[i].name[0] ? c->polls[i].name : (snprintf(l, sizeof l, "%d", c->polls[i].fd), l);
        event_names(re, ev, sizeof ev);
        char lead[200];
        snprintf(lead, sizeof lead, "     %-*s  %s%-24s%s ", w, lb, out_col(re & POLLIN ? C_GREEN : C_RESET), ev, out_col(C_RESET));
        out_wrap(stdout, lead, -1, readiness(registry_by_fd(c->polls[i].fd), re), "");
    }
}

static void data_lines(const sp_call *c)
{
    size_t n = (size_t)c->rc;
    int in = c->kind == CALL_RECV || c->kind == CALL_RECVFROM;
    char who[160];
    ret("%zu", n);
    dataview_inline(R, in ? c->s : NULL, c->buf, n, c->view, c->enc);
    if (c->kind == CALL_RECVFROM) {
        addr_text(&c->addr, who, sizeof who);
        fprintf(R, TR("  from %s", "  来自 %s"), who);
    }
    blocked_note(c);
    line_end();
    dataview_below(in ? c->s : NULL, c->buf, n, c->view);
    if (c->facts & FACT_CUT) {
        hint(TR("the datagram had %zu bytes but MAX was %zu: UDP dropped the other %zu bytes",
                "这个数据报有 %zu 字节，但 MAX 只有 %zu：多出的 %zu 字节被 UDP 丢弃了"), c->full, c->len, c->full - c->len);
    } else if (c->kind == CALL_SEND && n < c->len) {
        hint(TR("only %zu of %zu bytes went: the send buffer was full — send the rest (Python's sendall loops for you)",
                "只发出了 %zu / %zu 字节：发送缓冲区满了 —— 需要再发剩下的（Python 的 sendall 会自动循环）"), n, c->len);
    } else if (c->kind == CALL_RECV && n == 0 && c->type == SOCK_STREAM) {
        hint("%s", TR("0 bytes: the peer closed the connection (FIN received) — Python's recv returns b''. "
                      "No more data will come: close this socket too.",
                      "0 字节：对方关闭了连接（收到 FIN）—— Python 的 recv 返回 b''。不会再有数据了：这边也该 close 了。"));
    }
}

/* The result line of a call that succeeded, and its hints. */
static void ok_lines(const sp_call *c)
{
    char w[160], l[16];
    switch (c->kind) {
    case CALL_SOCKET:
        ret("%d", c->newfd);
        if (c->newvar[0]) fprintf(R, "  → %s", c->newvar);
        line_end();
        name_note(c);
        return;
    case CALL_BIND:
        ret("0");
        line_end();
        if (c->facts & FACT_PICKED) {
            sp_addr got = c->addr;
            if (got.ss.ss_family == AF_INET6) ((struct sockaddr_in6 *)&got.ss)->sin6_port = htons((unsigned short)c->picked);
            else ((struct sockaddr_in *)&got.ss)->sin_port = htons((unsigned short)c->picked);
            addr_text(&got, w, sizeof w);
            hint(TR("port 0 means \"kernel, pick a free port\": it picked %s", "端口 0 表示“由内核挑一个空闲端口”：它选了 %s"), w);
        }
        return;
    case CALL_LISTEN:
        ret("0");
        if (c->facts & FACT_AUTOBOUND) {
            addr_text(&c->addr, w, sizeof w);
            fprintf(R, "   %s", out_col(C_YELLOW));
            fprintf(R, TR("(%s was not bound: the kernel bound it to %s)", "（%s 没有绑定过地址：内核把它绑定到了 %s）"), label(c, l, sizeof l), w);
            fprintf(R, "%s", out_col(C_RESET));
        }
        line_end();
        hint(TR("%s is now a passive (listening) socket: it only accepts connections; data travels on the sockets accept() returns",
                "%s 现在是被动（监听）套接字：它只负责接受连接；数据要通过 accept() 返回的新套接字收发"), label(c, l, sizeof l));
        return;
    case CALL_ACCEPT:
        report_got_text(c, w, sizeof w);
        ret("%d", c->newfd);
        if (c->newvar[0]) fprintf(R, "  → %s", c->newvar);
        fprintf(R, ", %s %s", TR("peer", "对方"), w);
        blocked_note(c);
        line_end();
        hint(TR("a NEW socket (fd %d) for this one client; %s keeps listening for others",
                "为这个客户端新建的套接字（fd %d）；%s 继续监听其他客户端"), c->newfd, label(c, l, sizeof l));
        name_note(c);
        return;
    case CALL_CONNECT:
        ret("0");
        blocked_note(c);
        line_end();
        if (c->type == SOCK_DGRAM)
            hint("%s", TR("UDP sends no packet on connect(): it only fixes the default destination and filters senders",
                          "UDP 的 connect() 不发送任何数据包：它只是设定默认目的地址并过滤发送方"));
        return;
    case CALL_SEND:
    case CALL_RECV:
    case CALL_SENDTO:
    case CALL_RECVFROM: data_lines(c); return;
    case CALL_GETSOCKOPT:
    case CALL_GETSOCKNAME:
    case CALL_GETPEERNAME:
        report_got_text(c, w, sizeof w);
        ret("%s", w);
        line_end();
        return;
    case CALL_POLL: poll_lines(c); return;
    default:
        ret("0");
        line_end();
        break;
    }
    if (c->kind == CALL_CLOSE && (c->facts & FACT_UNREAD))
        hint(TR("%ld bytes had come and were never read: close sent RST, not FIN — the peer's next recv fails with ECONNRESET, and nothing waits in TIME_WAIT",
                "有 %ld 字节收到了却没有读：close 发出的是 RST 而不是 FIN —— 对方下一次 recv 会以 ECONNRESET 失败，也不会进入 TIME_WAIT"), c->n);
    if (c->kind == CALL_SHUTDOWN && c->n != SHUT_RD && c->type == SOCK_STREAM)
        hint("%s", TR("FIN sent: the peer's recv() returns 0 bytes, but this socket can still receive (half-close)",
                      "已发送 FIN：对方的 recv() 会返回 0 字节，但这个套接字仍然可以接收（半关闭）"));
    if (c->kind == CALL_SETBLOCKING && !c->n)
        hint("%s", TR("non-blocking: accept/recv/connect now return at once — EAGAIN when nothing is ready",
                      "非阻塞：accept/recv/connect 现在立即返回 —— 没有就绪时返回 EAGAIN"));
}

static void end(const sp_call *c)
{
    if (trace_on) {
        if (c->job) head(c);            /* in the foreground the head is already on screen */
        line_begin();
        if (c->rc < 0) fail_line(c);
        else ok_lines(c);
        if (explain_on) explain_call(c);
    }
    /* settimeout's two setsockopt calls change nothing the table shows. */
    if (table_on && !(c->kind == CALL_SETSOCKOPT && c->secs != -1)) render_table(0);
    if (trace_on && (c->facts & FACT_RAISED))
        hint(TR("%g s is below the shortest timeout a socket holds (1 µs): it is 1 µs — 0 would mean no timeout at all",
                "%g 秒小于套接字能保存的最短超时（1 微秒）：按 1 微秒处理 —— 0 表示完全不超时"), c->asked);
    if (trace_on && c->rc < 0 && c->err == EINTR && !c->cancel && c->kind == CALL_CONNECT && c->type == SOCK_STREAM)
        hint("%s", TR("the handshake may still complete in the background: look at the state table",
                      "三次握手可能仍在后台完成：请看状态表"));
    fflush(stdout);
}

static void refused(const sp_call *c)
{
    char why[512], l[16];
    const char *name = call_kinds[c->kind].name;
    if (!trace_on) return;
    char lead[160];
    if (c->kind != CALL_SOCKET && c->kind != CALL_POLL)
        snprintf(lead, sizeof lead, "%s%s%s(%s): %s", out_col(C_BOLD ";" C_CYAN), name, out_col(C_RESET), label(c, l, sizeof l), out_col(C_RED));
    else snprintf(lead, sizeof lead, "%s%s%s: %s", out_col(C_BOLD ";" C_CYAN), name, out_col(C_RESET), out_col(C_RED));
    out_wrap(stdout, lead, 4, refusal(c, why, sizeof why), out_col(C_RESET));
}

/* What a blocked call waits for, on its status line. */
static const char *waiting_for(call_kind k)
{
    switch (k) {
    case CALL_ACCEPT: return TR("waiting for a client to connect", "等待客户端连接");
    case CALL_RECV: return TR("waiting for data from the peer", "等待对方发来数据");
    case CALL_RECVFROM: return TR("waiting for a datagram", "等待数据报");
    case CALL_CONNECT: return TR("waiting for the server to answer the handshake", "等待服务器完成三次握手");
    case CALL_POLL: return TR("waiting until one is ready", "等待其中之一就绪");
    default: return TR("waiting for room in the send buffer (the peer is not reading)", "等待发送缓冲区腾出空间（对方没有在读）");
    }
}

static void blocked(const sp_call *c)
{
    char what[480], l[400];
    const char *who = l;
    if (c->kind == CALL_POLL) report_poll_list(c, l, sizeof l);
    else who = label(c, l, sizeof l);
    snprintf(what, sizeof what, "%s(%s): %s", call_kinds[c->kind].name, who, waiting_for(c->kind));
    fflush(stdout);
    status_begin(what);
}

static void background(const sp_call *c)
{
    head(c);
    line_begin();
    fprintf(R, " %s…%s", out_col(C_YELLOW), out_col(C_RESET));
    line_end();
    hint(TR("runs in the background: keep typing — `jobs` lists it, `wait %d` waits for it, `cancel %d` stops it",
            "在后台运行：可以继续输入 —— `jobs` 列出它，`wait %d` 等待它，`cancel %d` 取消它"), c->job, c->job);
}

static void listener(call_event ev, const sp_call *c)
{
    int drawn;
    switch (ev) {
    case CALL_BEGIN:
        if (trace_on && !c->job) head(c), head_open = 1;
        break;
    case CALL_BLOCKED:
        if (trace_on) blocked(c);
        break;
    case CALL_UNBLOCKED:
        if (!trace_on) break;
        status_end(&drawn);
        if (drawn) fputs(head_last, stdout);   /* the status line erased the head's last line: put it back */
        break;
    case CALL_BACKGROUND:
        if (trace_on) background(c);
        fflush(stdout);
        break;
    case CALL_END: end(c); break;
    case CALL_REFUSED: refused(c); break;
    }
}
