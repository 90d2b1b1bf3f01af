/* core.c — one function per socket call: fill the call's record (core/call.h), make the
 * real system call, record its result and the facts only the core can know (the port bind
 * got, where listen bound), and hand the record to the listeners. It prints nothing. The
 * calls that may block are in core_io.c; the pieces every call uses are here. */
#include "core/core.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/blocking.h"
#include "core/core_int.h"
#include "core/jobs.h"
#include "core/place.h"
#include "kernel/kernel.h"

static sp_call failed;                 /* the last call that failed or was refused */
static char failed_why[256];           /* its mistake, when refused: the record points here */

const sp_call *core_failed(void) { return &failed; }

void core_rec_start(sp_call *c, call_kind kind, sp_sock *s)
{
    if (call_listening) { call_init(c, kind, s); return; }
    /* Nobody listens: only what the system call and a failure's message read. */
    c->kind = kind;
    c->s = s;
    c->fd = s ? s->fd : -1;
    c->rc = -1;
    c->err = 0;
    c->facts = 0;
    c->why = NULL;
    c->job = 0;
    c->took = 0;
    c->moved_fd = -1;
    c->made = NULL;
}

void core_begin(sp_call *c)
{
    if (!call_listening) return;
    c->t0 = blocking_now();
    call_emit(CALL_BEGIN, c);
}

/* Keeps c as the last failure, its pointers made safe to read later. */
static void keep_failed(const sp_call *c)
{
    failed = *c;
    failed.s = failed.made = NULL;
    failed.buf = NULL;
    failed.polls = NULL;
    failed.npolls = 0;
    if (c->why) {
        call_copy(failed_why, sizeof failed_why, c->why);
        failed.why = failed_why;
    }
}

long core_end(sp_call *c)
{
    if (c->rc < 0) keep_failed(c);
    if (call_listening) call_emit(CALL_END, c);
    return c->rc;
}

int core_fail(sp_call *c, int err)
{
    c->rc = -1;
    c->err = err;
    if (err == EINTR) blocking_sigint = 0;
    core_end(c);
    return -1;
}

int core_refuse(sp_call *c, const char *why)
{
    c->rc = -1;
    c->err = 0;
    c->why = why;
    if (c->s) call_copy(c->var, sizeof c->var, c->s->name);   /* its message names the socket */
    keep_failed(c);
    if (call_listening) call_emit(CALL_REFUSED, c);
    return -1;
}

int core_resolve(sp_call *c, const char *host, const char *port, int passive)
{
    char err[256], h[160];
    int p = -1;
    const sp_sock *s = c->s;
    int rc = port ? addr_resolve(s->family, s->type, host, port, passive, &c->addr, err, sizeof err)
                  : addr_unix(host, &c->addr, err, sizeof err);
    if (rc < 0) return core_refuse(c, err);
    if (!call_listening) return 0;
    /* The address as typed, for the Python and C lines. */
    call_copy(c->host, sizeof c->host, !host || !strcmp(host, "*") ? "" : host);
    if (s->family != AF_UNIX && addr_split((const struct sockaddr *)&c->addr.ss, c->addr.len, h, sizeof h, &p) == 0) c->port = p;
    return 0;
}

sp_sock *core_new_sock(sp_call *c, int fd, const char *name)
{
    sp_sock *s = calloc(1, sizeof *s), *old;
    if (!s) return NULL;
    s->fd = fd;
    s->family = c->s ? c->s->family : c->family;
    s->type = c->s ? c->s->type : c->type;
    s->backlog = -1;
    s->timeout = -1;
    s->place = c->s ? c->s->place : place_current;   /* an accepted socket lives where its listener does */
    registry_add(s);
    c->moved_fd = name && (old = registry_set_name(s, name)) ? old->fd : -1;
    c->newfd = fd;
    c->made = s;
    c->made_serial = s->serial;
    return s;
}

/* socket() in the current place (a lab host's network, or here). */
static int place_socket(int family, int type)
{
    int fd, e;
    if (place_current == PLACE_HERE) return socket(family, type | SOCK_CLOEXEC, 0);
    if (place_enter(place_current) < 0) return -1;
    fd = socket(family, type | SOCK_CLOEXEC, 0);
    e = errno;
    if (place_enter(PLACE_HERE) < 0) {   /* cannot happen: the lab's own namespace is held open */
        if (fd >= 0) close(fd);
        return -1;
    }
    errno = e;
    return fd;
}

sp_sock *core_socket(int family, int type, const char *name)
{
    sp_call c;
    int fd;
    core_rec_start(&c, CALL_SOCKET, NULL);
    c.family = family;
    c.type = type;
    if (call_listening) call_copy(c.newvar, sizeof c.newvar, name);
    core_begin(&c);
    fd = place_socket(family, type);
    if (fd < 0) { core_fail(&c, errno); return NULL; }
    if (!core_new_sock(&c, fd, name)) { close(fd); core_fail(&c, ENOMEM); return NULL; }
    c.rc = fd;
    core_end(&c);
    return c.made;
}

int core_bind(sp_sock *s, const char *host, const char *port)
{
    sp_call c;
    sp_addr got;
    char h[160];
    int p;
    core_rec_start(&c, CALL_BIND, s);
    if (core_resolve(&c, host, port, 1) < 0) return -1;
    core_begin(&c);
    if (bind(s->fd, (struct sockaddr *)&c.addr.ss, c.addr.len) < 0) return core_fail(&c, errno);
    c.rc = 0;
    /* Port 0: the port the kernel picked, for the report and for export's programs. */
    if (call_listening && port && c.port == 0 && kernel_addr(s, 0, &got) == 0 &&
        addr_split((struct sockaddr *)&got.ss, got.len, h, sizeof h, &p) == 0 && p != 0) {
        c.facts |= FACT_PICKED;
        c.picked = p;
    }
    core_end(&c);
    return 0;
}

int core_listen(sp_sock *s, int backlog)
{
    sp_call c;
    int was_unbound;
    core_rec_start(&c, CALL_LISTEN, s);
    was_unbound = call_listening && kernel_unbound(s);
    c.n = backlog;
    core_begin(&c);
    if (listen(s->fd, backlog) < 0) return core_fail(&c, errno);
    s->backlog = backlog;
    c.rc = 0;
    /* Python binds it silently; the learner must see where. */
    if (was_unbound && kernel_addr(s, 0, &c.addr) == 0) c.facts |= FACT_AUTOBOUND;
    core_end(&c);
    return 0;
}

/* setsockopt, with secs: the seconds of the settimeout it is part of (-2 none), else -1. */
static int set_option(sp_sock *s, const sp_optdef *d, const sp_optval *v, double secs, double asked)
{
    sp_call c;
    core_rec_start(&c, CALL_SETSOCKOPT, s);
    c.opt = d;
    c.val = *v;
    c.secs = secs;
    if (d->readonly) {            /* the kernel would say ENOPROTOOPT, which names nothing */
        c.facts |= FACT_READONLY;
        return core_refuse(&c, NULL);
    }
    core_begin(&c);
    if (setsockopt(s->fd, d->level, d->optname, &v->u, v->len) < 0) return core_fail(&c, errno);
    c.rc = 0;
    if (d->level == SOL_SOCKET && d->optname == SO_RCVTIMEO) s->timeout = sockopt_number(d, v) > 0 ? sockopt_number(d, v) : -1;
    if (asked >= 0) {
        c.facts |= FACT_RAISED;
        c.asked = asked;
    }
    core_end(&c);
    return 0;
}

int core_setsockopt(sp_sock *s, const sp_optdef *d, const sp_optval *v) { return set_option(s, d, v, -1, -1); }

int core_getsockopt(sp_sock *s, const sp_optdef *d, sp_optval *v)
{
    sp_call c;
    core_rec_start(&c, CALL_GETSOCKOPT, s);
    c.opt = d;
    core_begin(&c);
    memset(v, 0, sizeof *v);
    v->len = sizeof v->u;
    if (getsockopt(s->fd, d->level, d->optname, &v->u, &v->len) < 0) return core_fail(&c, errno);
    c.val = *v;
    c.rc = 0;
    core_end(&c);
    return 0;
}

int core_shutdown(sp_sock *s, int how)
{
    sp_call c;
    core_rec_start(&c, CALL_SHUTDOWN, s);
    c.n = how;
    core_begin(&c);
    if (shutdown(s->fd, how) < 0) return core_fail(&c, errno);
    c.rc = 0;
    core_end(&c);
    return 0;
}

/* fcntl(O_NONBLOCK) on or off: the one call. */
static int set_nonblocking(sp_sock *s, int blocking)
{
    sp_call c;
    int fl = fcntl(s->fd, F_GETFL);
    core_rec_start(&c, CALL_SETBLOCKING, s);
    c.n = blocking;
    core_begin(&c);
    if (fl < 0 || fcntl(s->fd, F_SETFL, blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK) < 0) return core_fail(&c, errno);
    s->nonblocking = !blocking;
    c.rc = 0;
    core_end(&c);
    return 0;
}

/* SO_RCVTIMEO and SO_SNDTIMEO to seconds (CORE_NO_TIMEOUT: none): Python's settimeout,
 * done with the two options so the call still blocks in the kernel (and the status line
 * still counts) until the timeout. Their records carry the seconds: one settimeout line.
 * asked >= 0: the seconds asked, raised to these (the second record says so). */
static int set_timeouts(sp_sock *s, double seconds, double asked)
{
    sp_optval v;
    double secs = seconds < 0 ? -2 : seconds;
    int rc;
    sockopt_from_number(sockopt_find("SO_RCVTIMEO"), seconds, seconds <= 0, &v);
    rc = set_option(s, sockopt_find("SO_RCVTIMEO"), &v, secs, -1);
    if (rc == 0) rc = set_option(s, sockopt_find("SO_SNDTIMEO"), &v, secs, asked);
    return rc;   /* set_option recorded s->timeout from SO_RCVTIMEO */
}

/* Python's setblocking: on is settimeout(None) (a timeout set before goes too), off is settimeout(0). */
int core_setblocking(sp_sock *s, int blocking)
{
    int rc = set_nonblocking(s, blocking);
    if (rc == 0 && blocking && s->timeout > 0) rc = set_timeouts(s, CORE_NO_TIMEOUT, -1);
    return rc;
}

/* Python's settimeout: 0 is non-blocking; None or a timeout makes the socket blocking again
 * (the timeout then bounds each wait); a timeout below 1 µs is 1 µs, never "none". */
int core_settimeout(sp_sock *s, double seconds)
{
    double asked = seconds;
    int fl;
    if (seconds != CORE_NO_TIMEOUT && !(seconds >= 0 && seconds <= CORE_TIMEOUT_MAX)) {
        sp_call c;
        core_rec_start(&c, CALL_SETTIMEOUT, s);
        c.facts |= FACT_BAD_TIMEOUT;
        c.asked = seconds;
        return core_refuse(&c, NULL);
    }
    if (seconds == 0) return set_nonblocking(s, 0);
    if (seconds > 0 && seconds < CORE_TIMEOUT_MIN) seconds = CORE_TIMEOUT_MIN;
    fl = fcntl(s->fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK) && set_nonblocking(s, 1) < 0) return -1;
    return set_timeouts(s, seconds, seconds != asked ? asked : -1);
}

int core_sockname(sp_sock *s, int peer, sp_addr *a)
{
    sp_call c;
    core_rec_start(&c, peer ? CALL_GETPEERNAME : CALL_GETSOCKNAME, s);
    core_begin(&c);
    if (kernel_addr(s, peer, a) < 0) return core_fail(&c, errno);
    c.addr = *a;
    c.rc = 0;
    core_end(&c);
    return 0;
}

int core_close(sp_sock *s)
{
    sp_call c;
    int fd = s->fd, rc;
    /* A background call on s would block on a dead (or reused) fd: it ends first. */
    jobs_cancel_on(s);
    core_rec_start(&c, CALL_CLOSE, s);
    core_begin(&c);
    if (call_listening) {
        kernel_row k;
        kernel_remember(s);                    /* its port, so its TIME_WAIT still shows in the table */
        if (s->type == SOCK_STREAM && s->family != AF_UNIX && s->backlog < 0) {
            kernel_read(s, &k);                /* bytes never read: Linux answers the close with RST */
            if (k.recvq > 0 && k.tcp_state != TCP_LISTEN) { c.facts |= FACT_UNREAD; c.n = k.recvq; }
        }
    }
    /* The fd is gone after close() whatever it returns (Linux), so the record goes too. */
    registry_remove(s);
    c.s = NULL;
    rc = close(fd);
    if (rc < 0) return core_fail(&c, errno);
    c.rc = 0;
    core_end(&c);
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
