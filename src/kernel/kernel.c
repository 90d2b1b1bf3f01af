/* kernel.c — the kernel's view of the session's sockets as kernel_row records: one socket
 * read through its fd (TCP_INFO and SIOCINQ/SIOCOUTQ: UDP and unix sockets, listeners with
 * their queue limit, sockets not bound yet), and the session's rows of the kernel's TCP
 * table, read in one sock_diag dump (kernel_diag.c; /proc/net/tcp as the fallback,
 * kernel_proc.c), judged by kernel_match.c and written here as rows. */
#include "kernel/kernel.h"
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "core/place.h"
#include "kernel/kernel_diag.h"
#include "kernel/kernel_match.h"
#include "kernel/kernel_proc.h"

const char *kernel_state_name(int st)
{
    static const char *names[] = {
        "?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
        "CLOSED", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV",
    };
    return st >= 0 && st < (int)(sizeof names / sizeof names[0]) ? names[st] : "?";
}

static int unbound(const struct sockaddr_storage *ss, socklen_t len)
{
    if (len == 0) return 1;
    if (ss->ss_family == AF_INET) return ((const struct sockaddr_in *)ss)->sin_port == 0;
    if (ss->ss_family == AF_INET6) return ((const struct sockaddr_in6 *)ss)->sin6_port == 0;
    if (ss->ss_family == AF_UNIX) return len <= sizeof(sa_family_t);
    return 0;
}

int kernel_addr(const sp_sock *s, int peer, sp_addr *a)
{
    a->len = sizeof a->ss;
    return peer ? getpeername(s->fd, (struct sockaddr *)&a->ss, &a->len)
                : getsockname(s->fd, (struct sockaddr *)&a->ss, &a->len);
}

int kernel_unbound(const sp_sock *s)
{
    sp_addr a;
    return kernel_addr(s, 0, &a) == 0 && unbound(&a.ss, a.len);
}

/* A FIN sent and not yet acknowledged takes a sequence number
 * (write_seq - snd_una) in FIN_WAIT1, CLOSING and LAST_ACK; SEND-Q says bytes. */
static long unacked_bytes(int state, long wq)
{
    return wq > 0 && (state == TCP_FIN_WAIT1 || state == TCP_CLOSING || state == TCP_LAST_ACK) ? wq - 1 : wq;
}

/* A row with nothing known yet. */
static void blank(kernel_row *k, const sp_sock *owner, int family, int type)
{
    k->owner = owner;
    k->queue = NULL;
    k->place = owner ? owner->place : PLACE_HERE;
    k->family = family;
    k->type = type;
    k->tcp_state = 0;
    k->state = "";
    k->recvq = k->sendq = k->accq = k->backlog = -1;
    k->expires = -1;
}

void kernel_read(const sp_sock *s, kernel_row *k)
{
    sp_addr a;
    int v, connected = 0;

    blank(k, s, s->family, s->type);
    if (kernel_addr(s, 0, &a) == 0 && !unbound(&a.ss, a.len))
        addr_format((struct sockaddr *)&a.ss, a.len, k->local, sizeof k->local);
    else
        snprintf(k->local, sizeof k->local, "-");
    if (kernel_addr(s, 1, &a) == 0) {
        connected = 1;
        addr_format((struct sockaddr *)&a.ss, a.len, k->peer, sizeof k->peer);
        if (s->family == AF_UNIX && !k->peer[0]) snprintf(k->peer, sizeof k->peer, "(unnamed)");
    } else {
        snprintf(k->peer, sizeof k->peer, "-");
    }

    if (s->type == SOCK_STREAM && s->family != AF_UNIX) {
        struct tcp_info ti;
        socklen_t tl = sizeof ti;
        memset(&ti, 0, sizeof ti);
        if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0) {
            k->tcp_state = ti.tcpi_state;
            k->state = kernel_state_name(ti.tcpi_state);
            if (ti.tcpi_state == TCP_LISTEN) {
                /* For a listener Linux reports the accept queue in these two fields. */
                k->accq = ti.tcpi_unacked;
                k->backlog = ti.tcpi_sacked;
                return;
            }
            /* Before a connection exists the queue ioctls report leftovers (a SYN's
             * sequence number), not data: leave them blank. */
            if (ti.tcpi_state == TCP_CLOSE || ti.tcpi_state == TCP_SYN_SENT) return;
        }
    } else {
        socklen_t vl = sizeof v;
        if (getsockopt(s->fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v) {
            k->state = "LISTEN";
            k->backlog = s->backlog;
            return;
        }
        k->state = connected ? "CONNECTED" : "UNCONN";
    }
    if (ioctl(s->fd, SIOCINQ, &v) == 0) k->recvq = v;
    if (ioctl(s->fd, SIOCOUTQ, &v) == 0) k->sendq = s->type == SOCK_STREAM && s->family != AF_UNIX ? unacked_bytes(k->tcp_state, v) : v;
}

/* Linux's struct tcp_info past glibc's copy of it: tcpi_segs_in (Linux 4.2) at byte 140.
 * The kernel's ABI only grows at the end, so the offset holds. */
#define TCPI_SEGS_IN_AT 140

int kernel_never_connected(const sp_sock *s)
{
    unsigned char ti[256];
    socklen_t tl = sizeof ti;
    unsigned int segs_in;
    if (s->family == AF_UNIX || s->type != SOCK_STREAM) return 0;
    memset(ti, 0, sizeof ti);
    if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, ti, &tl) < 0 || tl < TCPI_SEGS_IN_AT + sizeof segs_in) return 0;
    memcpy(&segs_in, ti + TCPI_SEGS_IN_AT, sizeof segs_in);
    /* Closed, and not one segment ever came in: no SYN-ACK, so no connection (a refused
     * connect() clears the count too). A connection that ended has had segments. */
    return ti[0] == TCP_CLOSE && segs_in == 0;
}

void kernel_remember(const sp_sock *s)
{
    sp_addr local, peer;
    if (s->family == AF_UNIX || s->type != SOCK_STREAM) return;
    /* Only a connected socket leaves a connection behind: a listener's or an unconnected one's
     * port may be anybody's once it is closed. */
    if (kernel_addr(s, 1, &peer) < 0 || kernel_addr(s, 0, &local) < 0) return;
    kernel_match_remember(&local, &peer, s->place);
}

/* --- the session's rows of the kernel's table ----------------------------------------- */

/* The kernel counts a FIN it received in the queue (rcv_nxt - copied_seq) until recv()
 * reads it as the end: RECV-Q says bytes, so the FIN comes off. */
static long unread_bytes(int state, long rq)
{
    return rq > 0 && (state == TCP_CLOSE_WAIT || state == TCP_LAST_ACK || state == TCP_CLOSING) ? rq - 1 : rq;
}


/* One end of e as text: the local (end 0) or the remote (end 1) address. */
static void format_end(const kernel_entry *e, int end, char *b, size_t n)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (e->family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        memcpy(&a->sin_addr, end ? e->dst : e->src, 4);
        a->sin_port = htons(end ? e->dport : e->sport);
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, end ? e->dst : e->src, 16);
        a->sin6_port = htons(end ? e->dport : e->sport);
    }
    addr_format((struct sockaddr *)&ss, e->family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6), b, n);
}

static int dump_place = PLACE_HERE;   /* the place whose table is being read: its fd-less rows' */

/* e as a row, held by owner's fd (NULL: by none) or waiting in queue's accept queue. */
static void row_of(const kernel_entry *e, const sp_sock *owner, const sp_sock *queue, kernel_row *k)
{
    /* A socket with no connection yet, or a TIME_WAIT one, holds no data: its queue fields
     * mean nothing. A closed one has no peer. */
    int quiet = e->state == TCP_TIME_WAIT || (owner && (e->state == TCP_SYN_SENT || e->state == TCP_CLOSE));
    blank(k, owner, e->family, SOCK_STREAM);
    k->queue = queue;
    k->tcp_state = e->state;
    k->state = kernel_state_name(e->state);
    k->recvq = quiet ? -1 : unread_bytes(e->state, e->rq);
    k->sendq = quiet ? -1 : unacked_bytes(e->state, e->wq);
    k->expires = e->expires;
    k->place = owner ? owner->place : dump_place;
    format_end(e, 0, k->local, sizeof k->local);
    if (owner && e->state == TCP_CLOSE) snprintf(k->peer, sizeof k->peer, "-");
    else format_end(e, 1, k->peer, sizeof k->peer);
}

/* What one table's dump collects: the session's rows in place (own[i] set when the dump
 * gave socket i's row), and the fd-less rows after them. The arrays are kept from one table
 * to the next: a thousand rows allocated and freed for every table made malloc give the
 * memory back and fault it in again, which cost as much as reading the table. */
typedef struct {
    kernel_row *v;
    size_t nsess, nfree, cap;        /* v holds nsess session rows, then nfree fd-less ones */
    char *own;
    int midway;                      /* a row caught mid-change (see take) */
} dump;

static dump kept;
static size_t owncap;

static void take(const kernel_entry *e, void *ctx)
{
    dump *d = ctx;
    size_t at;
    const sp_sock *queue = NULL;
    int m;
    /* No fd, CLOSE, no port: a socket the dump held while it became a TIME_WAIT (FIN_WAIT2)
     * one, which the walk had passed already. The table is read again (kernel_dump). */
    if (!e->ino && e->state == TCP_CLOSE && !e->sport) d->midway = 1;
    m = kernel_match_entry(e, &at, &queue);
    if (m == KERNEL_MATCH_NONE) return;
    if (m == KERNEL_MATCH_OWN) {
        /* A listener's queue limit is not in /proc's rows: TCP_INFO tells both. */
        if (e->state == TCP_LISTEN) return;
        row_of(e, registry_at(at), NULL, &d->v[at]);
        d->own[at] = 1;
        return;
    }
    if (d->nsess + d->nfree == d->cap) {
        size_t nc = d->cap * 2;
        kernel_row *nv = realloc(d->v, nc * sizeof *nv);
        if (!nv) return;
        d->v = nv;
        d->cap = nc;
    }
    row_of(e, NULL, queue, &d->v[d->nsess + d->nfree++]);
}

/* Room for ns session rows and some fd-less ones, and ns flags; -1 when out of memory. */
static int room(dump *d, size_t ns)
{
    if (ns + 16 > d->cap) {
        kernel_row *nv = realloc(d->v, (ns + 16) * sizeof *nv);
        if (!nv) return -1;
        d->v = nv;
        d->cap = ns + 16;
    }
    if (ns + 1 > owncap) {
        char *no = realloc(d->own, ns + 1);
        if (!no) return -1;
        d->own = no;
        owncap = ns + 1;
    }
    d->nsess = ns;
    d->nfree = 0;
    memset(d->own, 0, ns);
    return 0;
}

/* A socket's local port never changes once it has one: it is asked of the kernel once. */
static unsigned short port_of(sp_sock *s)
{
    sp_addr a;
    unsigned char ad[16];
    unsigned short p = 0;
    if (s->lport) return s->lport;
    if (kernel_addr(s, 0, &a) < 0) return 0;
    kernel_match_fold(&a, ad, &p);
    s->lport = p;
    return p;
}

/* The session's TCP sockets in place, for kernel_match.c: inode, port, a listener's address. */
static void snapshot(size_t n, int place)
{
    if (kernel_match_begin(n, place) < 0) return;
    for (size_t i = 0; i < n; i++) {
        sp_sock *s = registry_at(i);
        if (s->place != place) continue;
        struct stat st;
        sp_addr a;
        unsigned short p;
        if (s->family == AF_UNIX || s->type != SOCK_STREAM || !(p = port_of(s))) continue;
        /* The inode is asked for once, when a table first needs it. */
        if (!s->ino && fstat(s->fd, &st) == 0) s->ino = (unsigned long)st.st_ino;
        kernel_match_socket(s, i, s->ino, p, s->backlog >= 0 && kernel_addr(s, 0, &a) == 0 ? &a : NULL);
    }
}

/* The whole table into d, through sock_diag or else /proc; 0, or -1 with errno. */
static int read_table(dump *d)
{
    const char *force = getenv("SOCKPLAY_KVIEW");   /* "proc": test the fallback */
    const unsigned short *ports;
    size_t nports = kernel_match_ports(&ports);
    /* Each dump walks the kernel's whole connection table: the IPv6 one only when needed. */
    if (!(force && !strcmp(force, "proc")) && kernel_diag_dump(AF_INET, ports, nports, take, d) == 0 &&
        (!kernel_match_want6() || kernel_diag_dump(AF_INET6, ports, nports, take, d) == 0))
        return 0;
    d->nfree = 0;
    memset(d->own, 0, d->nsess);
    /* No IPv6 in this kernel: no tcp6 file, and nothing missing. */
    if (kernel_proc_read("/proc/net/tcp", AF_INET, take, d) < 0 ||
        (kernel_proc_read("/proc/net/tcp6", AF_INET6, take, d) < 0 && errno != ENOENT)) {
        int err = errno ? errno : EIO;
        d->nfree = 0;
        memset(d->own, 0, d->nsess);
        errno = err;
        return -1;
    }
    return 0;
}

static int by_place(const void *a, const void *b)
{
    const kernel_row *x = a, *y = b;
    int c = strcmp(x->local, y->local);
    return c ? c : strcmp(x->peer, y->peer);
}

int kernel_dump(const kernel_row **rows, size_t *n)
{
    size_t ns = registry_count();
    int rc = 0, err = 0;
    *rows = NULL;
    *n = 0;
    if (room(&kept, ns) < 0) {
        errno = ENOMEM;
        return -1;
    }
    /* Each place's table is read in its own network (a lab host's namespace): the session's
     * sockets there, and what is left of those it closed there. */
    for (int place = PLACE_HERE; place < place_count(); place++) {
        int here = place == PLACE_HERE && ns && !place_count(), prc;
        size_t base;
        for (size_t i = 0; !here && i < ns; i++) here = registry_at(i)->place == place;
        if (!here && !kernel_match_closed(place)) continue;
        if (place != PLACE_HERE && place_enter(place) < 0) continue;
        dump_place = place;
        base = kept.nfree;                          /* the rows of the places read before stay */
        for (int again = 0; again < 2; again++) {   /* once more after a row caught mid-change */
            kept.midway = 0;
            snapshot(ns, place);
            errno = 0;
            prc = read_table(&kept);
            if (prc < 0 || !kept.midway) break;
            kept.nfree = base;
            for (size_t i = 0; i < ns; i++)
                if (registry_at(i)->place == place) kept.own[i] = 0;
        }
        if (prc < 0) {
            rc = prc;
            err = errno;
        } else kernel_match_end();
        if (place != PLACE_HERE) place_enter(PLACE_HERE);
    }
    /* The sockets the dump did not give (not TCP, listeners, not bound yet) are read per
     * fd; when the table could not be read, all of them, which needs no new fd. */
    for (size_t i = 0; i < ns; i++)
        if (!kept.own[i]) kernel_read(registry_at(i), &kept.v[i]);
    qsort(kept.v + ns, kept.nfree, sizeof *kept.v, by_place);
    *rows = kept.v;
    *n = ns + kept.nfree;
    if (rc < 0) errno = err;
    return rc;
}

/* What kernel_listening looks for in the table, and whether it found it. */
typedef struct {
    unsigned short port;
    int found;
} want_listener;

static void find_listener(const kernel_entry *e, void *ctx)
{
    want_listener *w = ctx;
    if (e->sport == w->port && e->state == TCP_LISTEN) w->found = 1;
}

/* From /proc/net/tcp{,6}: a read that fails for want of an fd is said, not taken for "none". */
int kernel_listening(unsigned short p)
{
    want_listener w = {p, 0};
    int v4 = kernel_proc_read("/proc/net/tcp", AF_INET, find_listener, &w), e4 = errno, v6;
    if (w.found) return 1;
    v6 = kernel_proc_read("/proc/net/tcp6", AF_INET6, find_listener, &w);
    if (w.found) return 1;
    if (v4 < 0) {
        errno = e4;
        return -1;
    }
    return v6 < 0 && errno != ENOENT ? -1 : 0;     /* no tcp6 file: no IPv6, nothing there */
}

void kernel_free(void)
{
    free(kept.v);
    free(kept.own);
    memset(&kept, 0, sizeof kept);
    owncap = 0;
    kernel_match_free();
}
