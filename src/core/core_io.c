/* core_io.c — the calls that may block: accept, connect, send, recv, sendto, recvfrom,
 * and poll. Each blocking call is start → system call → finish (see core.h): in the
 * foreground the three run in a row between BLOCKED and UNBLOCKED (the report draws its
 * status line there); jobs.c runs the middle one in a thread. Nothing is printed here. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/blocking.h"
#include "core/core.h"
#include "core/core_int.h"
#include "kernel/kernel.h"

sp_call *core_call_new(unsigned char *data, size_t len, int receive, const char *enc)
{
    sp_call *k = calloc(1, sizeof *k);
    if (!k || (receive && !(data = malloc(len ? len : 1)))) {
        free(k);
        free(data);
        return NULL;
    }
    k->buf = data;
    k->len = len;
    k->owns_buf = 1;
    k->enc = enc;
    return k;
}

void core_call_free(sp_call *c)
{
    if (!c) return;
    free(c->buf);
    free(c);
}

int core_start(sp_call *c, call_kind kind, sp_sock *s, const char *host, const char *port)
{
    /* What the caller set: the bytes or room for them, how to show them, accept's name. */
    unsigned char *buf = c->buf;
    size_t len = c->len;
    const char *enc = c->enc;
    int view = c->view, owns = c->owns_buf;
    char name[SP_NAME_MAX];
    if (kind == CALL_ACCEPT) call_copy(name, sizeof name, c->newvar);
    core_rec_start(c, kind, s);
    c->buf = buf;
    c->len = len;
    c->enc = enc;
    c->view = view;
    c->owns_buf = owns;
    c->cancel = 0;
    c->cancel_by = CANCEL_NONE;
    if (kind == CALL_ACCEPT) call_copy(c->newvar, sizeof c->newvar, name);
    if (call_listening) c->n = (long)len;
    if (kind == CALL_CONNECT || kind == CALL_SENDTO) return core_resolve(c, host, port, 0);
    return 0;
}

void core_call_block(sp_call *c)
{
    double t0 = c->job || call_listening ? blocking_now() : 0;   /* a job thread never reads call_listening */
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
        default: c->rc = -1; errno = EINVAL; break;
        }
        c->err = c->rc < 0 ? errno : 0;
        /* In the background only `cancel` interrupts (its signal); a stray EINTR retries. */
        if (!(c->rc < 0 && c->err == EINTR && c->job && !c->cancel && c->kind != CALL_CONNECT)) break;
    }
    if (c->job || call_listening) c->took = blocking_now() - t0;
}

/* --- the finish of each call ----------------------------------------------------- */

static void finish_fail(sp_call *c)
{
    const sp_sock *s = c->s;
    int e = c->err;
    if (e == EINTR && c->cancel) {       /* not Ctrl-C: the report says who interrupted it */
        c->rc = -1;
        core_end(c);
        return;
    }
    if (e == EAGAIN && s->timeout > 0 && !s->nonblocking) {
        c->facts |= FACT_TIMEDOUT;        /* say "timed out" rather than the non-blocking EAGAIN */
        c->asked = s->timeout;
        c->rc = -1;
        core_end(c);
        return;
    }
    if (s->backlog >= 0) c->facts |= FACT_LISTENER;
    else if (e == EPIPE && kernel_never_connected(s)) c->facts |= FACT_NEVER_CONNECTED;
    core_fail(c, e);
}

/* The count of a send or recv, the new socket of an accept, a cut datagram told. */
static int finish_ok(sp_call *c)
{
    if (c->kind == CALL_ACCEPT) {
        if (!core_new_sock(c, (int)c->rc, c->newvar[0] ? c->newvar : NULL)) {
            close((int)c->rc);
            c->rc = -1;
            c->err = ENOMEM;
            return -1;
        }
    } else if (c->kind == CALL_RECVFROM && c->s->type == SOCK_DGRAM && (size_t)c->rc > c->len) {
        /* MSG_TRUNC reported the datagram's real length: the rest is gone for good. */
        c->facts |= FACT_CUT;
        c->full = (size_t)c->rc;
        c->rc = (ssize_t)c->len;
    }
    return 0;
}

ssize_t core_call_finish(sp_call *c)
{
    /* Nobody listens (socket.trace(false)): a send's or recv's count is all there is to
     * finish. A failure still goes the long way, for its message. */
    if (!call_listening && c->rc >= 0 && (c->kind == CALL_SEND || c->kind == CALL_RECV)) return c->rc;
    if (c->rc >= 0) finish_ok(c);
    if (c->rc < 0) {
        finish_fail(c);
        return -1;
    }
    core_end(c);
    return c->rc;
}

/* --- the foreground ------------------------------------------------------------------ */

ssize_t core_call_run(sp_call *c)
{
    core_begin(c);
    if (blocking_sigint) {
        /* Ctrl-C pressed before the call began counts as interrupting it. */
        c->rc = -1;
        c->err = EINTR;
        return core_call_finish(c);
    }
    if (!call_listening) {
        core_call_block(c);
        return core_call_finish(c);
    }
    call_emit(CALL_BLOCKED, c);
    core_call_block(c);
    call_emit(CALL_UNBLOCKED, c);
    return core_call_finish(c);
}

/* --- the wrappers the command layer and Lua call -------------------------------------- */

/* A call on the stack: only what core_start keeps is set here. */
static ssize_t run(sp_call *c, call_kind kind, sp_sock *s, const char *host, const char *port, void *buf, size_t len)
{
    c->buf = buf;
    c->len = len;
    c->enc = NULL;
    c->view = c->owns_buf = 0;
    c->job = 0;
    if (core_start(c, kind, s, host, port) < 0) return -1;
    return core_call_run(c);
}

sp_sock *core_accept(sp_sock *s, const char *name, sp_addr *peer)
{
    sp_call c;
    call_copy(c.newvar, sizeof c.newvar, name);
    if (run(&c, CALL_ACCEPT, s, NULL, NULL, NULL, 0) < 0) return NULL;
    *peer = c.addr;
    return c.made;
}

int core_connect(sp_sock *s, const char *host, const char *port)
{
    sp_call c;
    return run(&c, CALL_CONNECT, s, host, port, NULL, 0) < 0 ? -1 : 0;
}

ssize_t core_send(sp_sock *s, const void *buf, size_t len)
{
    sp_call c;
    return run(&c, CALL_SEND, s, NULL, NULL, (void *)buf, len);
}

ssize_t core_recv(sp_sock *s, void *buf, size_t max)
{
    sp_call c;
    return run(&c, CALL_RECV, s, NULL, NULL, buf, max);
}

ssize_t core_sendto(sp_sock *s, const char *host, const char *port, const void *buf, size_t len)
{
    sp_call c;
    return run(&c, CALL_SENDTO, s, host, port, (void *)buf, len);
}

ssize_t core_recvfrom(sp_sock *s, void *buf, size_t max, sp_addr *from)
{
    sp_call c;
    ssize_t n = run(&c, CALL_RECVFROM, s, NULL, NULL, buf, max);
    *from = c.addr;
    return n;
}

/* --- poll ------------------------------------------------------------------------------ */

int core_poll(sp_sock **v, int n, int timeout_ms, short *revents)
{
    struct pollfd p[CORE_POLL_MAX];
    call_pollent ents[CORE_POLL_MAX];
    sp_call c;
    int rc;
    double t0;
    core_rec_start(&c, CALL_POLL, NULL);
    for (int i = 0; i < n; i++) {
        kernel_row k;
        kernel_read(v[i], &k);
        /* Wait for what a learner waits for: data, a connection, a FIN — or, for a
         * non-blocking connect still in its handshake, the socket becoming writable. */
        p[i].fd = v[i]->fd;
        p[i].events = !strcmp(k.state, "SYN_SENT") ? POLLOUT : POLLIN | POLLRDHUP;
        p[i].revents = 0;
        ents[i].fd = v[i]->fd;
        call_copy(ents[i].name, sizeof ents[i].name, v[i]->name);
        ents[i].revents = 0;
    }
    c.polls = ents;
    c.npolls = n;
    c.n = timeout_ms;
    core_begin(&c);
    if (blocking_sigint) return core_fail(&c, EINTR);
    if (call_listening) call_emit(CALL_BLOCKED, &c);
    t0 = blocking_now();
    rc = poll(p, (nfds_t)n, timeout_ms);
    c.took = blocking_now() - t0;
    c.err = rc < 0 ? errno : 0;
    if (call_listening) call_emit(CALL_UNBLOCKED, &c);
    if (rc < 0) return core_fail(&c, c.err);
    c.rc = rc;
    /* Then everything each socket can do now, writability included. */
    for (int i = 0; i < n; i++) p[i].events = POLLIN | POLLOUT | POLLRDHUP;
    if (poll(p, (nfds_t)n, 0) < 0)
        for (int i = 0; i < n; i++) p[i].revents = 0;
    for (int i = 0; i < n; i++) revents[i] = ents[i].revents = p[i].revents;
    core_end(&c);
    return rc;
}
