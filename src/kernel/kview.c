/* kview.c — one sock_diag dump of the TCP sockets on the session's ports, filtered in the
 * kernel (/proc/net/tcp{,6} as the fallback): the session's own rows, which render.c
 * matches by inode, and those no fd holds (inode 0) that are the session's: connections in
 * a session listener's queue, and closed session connections (by 4-tuple) the kernel keeps. */
#include "kernel/kview.h"
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "core/addr.h"
#include "core/keymap.h"
#include "kernel/kstate.h"

/* A connection this session closed: its 4-tuple, so that what the kernel keeps of it
 * (TIME_WAIT, FIN_WAIT …) is shown, and nothing else on the same port. */
typedef struct {
    int family;                      /* AF_INET or AF_INET6, a v4-mapped address folded to AF_INET */
    unsigned char la[16], ra[16];
    unsigned short lp, rp;
    int seen;                        /* found in the last dump; one that is gone is forgotten */
} conn4;

static conn4 *closed;
static size_t nclosed, capclosed;
static int closed6, want6;   /* an IPv6 port was the session's: the AF_INET6 dump is needed */

/* A session listener, by its bound address: only connections to that address are its queue. */
typedef struct lsock {
    const sp_sock *s;
    int family, any;                 /* any: bound to 0.0.0.0 or :: */
    unsigned char addr[16];
    struct lsock *next;              /* another listener on the same port */
} lsock;

typedef struct {
    kv_row *v;
    size_t n, cap;
} rows;

/* The address bytes (4 or 16) and family of an address, a v4-mapped IPv6 one folded to IPv4. */
static int fold(int family, const void *addr, unsigned char out[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(out, 0, 16);
    if (family == AF_INET6 && !memcmp(addr, mapped, 12)) family = AF_INET, addr = (const unsigned char *)addr + 12;
    memcpy(out, addr, family == AF_INET ? 4 : 16);
    return family;
}

/* A sockaddr's folded address and port; 0 when it is not an IP address. */
static int fold_sa(const sp_addr *a, unsigned char out[16], unsigned short *port)
{
    if (a->ss.ss_family == AF_INET) {
        const struct sockaddr_in *v = (const struct sockaddr_in *)&a->ss;
        *port = ntohs(v->sin_port);
        return fold(AF_INET, &v->sin_addr, out);
    }
    if (a->ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *v = (const struct sockaddr_in6 *)&a->ss;
        *port = ntohs(v->sin6_port);
        return fold(AF_INET6, &v->sin6_addr, out);
    }
    return 0;
}

/* A socket's local port never changes once it has one: it is asked of the kernel once. */
static unsigned short port_of(const sp_sock *s)
{
    sp_addr a;
    unsigned char ad[16];
    unsigned short p = 0;
    if (s->lport) return s->lport;
    if (s->family == AF_UNIX || s->type != SOCK_STREAM || kstate_addr(s, 0, &a) < 0) return 0;
    fold_sa(&a, ad, &p);
    ((sp_sock *)s)->lport = p;
    return p;
}

static unsigned long conn_key(const conn4 *c)
{
    uint64_t h = 1469598103934665603ull;               /* FNV-1a over the tuple */
    const unsigned char *parts[2] = {c->la, c->ra};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 16; i++) h = (h ^ parts[k][i]) * 1099511628211ull;
    h = (h ^ c->lp) * 1099511628211ull;
    h = (h ^ c->rp) * 1099511628211ull;
    h = (h ^ (unsigned)c->family) * 1099511628211ull;
    return (unsigned long)(h | 1);
}

static int same_conn(const conn4 *a, const conn4 *b)
{
    return a->family == b->family && a->lp == b->lp && a->rp == b->rp && !memcmp(a->la, b->la, 16) && !memcmp(a->ra, b->ra, 16);
}

void kview_remember(const sp_sock *s)
{
    sp_addr a;
    conn4 c;
    memset(&c, 0, sizeof c);
    if (s->family == AF_UNIX || s->type != SOCK_STREAM) return;
    /* Only a connected socket leaves a connection behind: a listener's or an unconnected one's
     * port may be anybody's once it is closed. */
    if (kstate_addr(s, 1, &a) < 0 || !(c.family = fold_sa(&a, c.ra, &c.rp))) return;
    if (kstate_addr(s, 0, &a) < 0 || fold_sa(&a, c.la, &c.lp) != c.family) return;
    if (s->family == AF_INET6) closed6 = 1;
    for (size_t i = 0; i < nclosed; i++)
        if (same_conn(&closed[i], &c)) return;
    if (nclosed == capclosed) {
        size_t nc = capclosed ? capclosed * 2 : 16;
        conn4 *np = realloc(closed, nc * sizeof *np);
        if (!np) return;
        closed = np;
        capclosed = nc;
    }
    c.seen = 1;
    closed[nclosed++] = c;
}

/* The session's ports, read once per table (a kernel dump may hold thousands of rows):
 * each port once, as first seen, and a map from port to its listeners, or to not_listening;
 * and the closed connections by their tuple. */
static unsigned short *uniq;
static size_t nuniq;
static keymap byport, byconn;
static lsock *listeners;
static const char not_listening;

static void note_port(unsigned short p, const lsock *listener)
{
    const void *had = keymap_get(&byport, p);
    if (!had) uniq[nuniq++] = p;
    if (listener) {                                     /* a port's listeners win */
        ((lsock *)listener)->next = had && had != &not_listening ? (lsock *)had : NULL;
        keymap_put(&byport, p, listener);
    } else if (!had) {
        keymap_put(&byport, p, &not_listening);
    }
}

/* s, a listener on port p, with its bound address; NULL when that cannot be read. */
static const lsock *listener_of(const sp_sock *s, lsock *l)
{
    sp_addr a;
    unsigned short p;
    static const unsigned char zero[16];
    if (kstate_addr(s, 0, &a) < 0 || !(l->family = fold_sa(&a, l->addr, &p))) return NULL;
    l->s = s;
    l->any = !memcmp(l->addr, zero, 16);
    l->next = NULL;
    return l;
}

static void take_snapshot(void)
{
    size_t n = registry_count();
    unsigned short *u = realloc(uniq, (n + nclosed + 1) * sizeof *u);
    lsock *ls = realloc(listeners, (n + 1) * sizeof *ls);
    keymap_free(&byport);
    keymap_free(&byconn);
    nuniq = 0;
    want6 = closed6;
    if (u) uniq = u;
    if (ls) listeners = ls;
    if (!u || !ls) return;
    if (keymap_init(&byport, n + nclosed) < 0 || keymap_init(&byconn, nclosed) < 0) return;
    for (size_t i = 0; i < n; i++) {
        const sp_sock *s = registry_at(i);
        unsigned short p = port_of(s);
        if (p) note_port(p, s->backlog >= 0 ? listener_of(s, &listeners[i]) : NULL);
        if (p && s->family == AF_INET6) want6 = 1;
    }
    for (size_t i = 0; i < nclosed; i++) {
        note_port(closed[i].lp, NULL);
        keymap_put(&byconn, conn_key(&closed[i]), &closed[i]);
        closed[i].seen = 0;
    }
}

/* The closed session connection with this tuple (marked seen), or NULL. */
static conn4 *closed_conn(int family, const void *src, unsigned short sport, const void *dst, unsigned short dport)
{
    conn4 c, *k;
    memset(&c, 0, sizeof c);
    c.family = fold(family, src, c.la);
    if (fold(family, dst, c.ra) != c.family) return NULL;
    c.lp = sport;
    c.rp = dport;
    k = (conn4 *)keymap_get(&byconn, conn_key(&c));
    if (!k || !same_conn(k, &c)) return NULL;
    k->seen = 1;
    return k;
}

/* The session listener whose accept queue a connection to src:sport can be in: same port,
 * and the listener's address, or any address for one bound to 0.0.0.0 (IPv4) or :: (all). */
static const sp_sock *queue_of(const lsock *l, int family, const void *src)
{
    unsigned char a[16];
    int f = fold(family, src, a);
    for (; l; l = l->next)
        if (l->any ? l->family == AF_INET6 || l->family == f : l->family == f && !memcmp(l->addr, a, 16)) return l->s;
    return NULL;
}

/* The kernel counts a FIN it received in the queue (rcv_nxt - copied_seq) until recv()
 * reads it as the end: RECV-Q says bytes, so the FIN comes off. */
static long unread_bytes(int state, long rq)
{
    return rq > 0 && (state == TCP_CLOSE_WAIT || state == TCP_LAST_ACK || state == TCP_CLOSING) ? rq - 1 : rq;
}

static void keep(rows *r, unsigned long ino, int family, const void *src, unsigned short sport, const void *dst,
                 unsigned short dport, int state, long rq, long wq, double expires)
{
    struct sockaddr_storage ss;
    const void *port = keymap_get(&byport, sport);
    const sp_sock *l = NULL;
    kv_row *k;
    if (!port) return;
    /* No fd holds it: it is the session's only as a connection the session closed, or as
     * one waiting in a session listener's accept queue. */
    if (!ino && !closed_conn(family, src, sport, dst, dport)) {
        if (port == &not_listening || !(state == TCP_ESTABLISHED || state == TCP_SYN_RECV || state == TCP_CLOSE_WAIT))
            return;
        if (!(l = queue_of(port, family, src))) return;
    }
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        kv_row *nv = realloc(r->v, nc * sizeof *nv);
        if (!nv) return;
        r->v = nv;
        r->cap = nc;
    }
    k = &r->v[r->n++];
    memset(k, 0, sizeof *k);
    k->ino = ino;
    k->family = family;
    k->state = state;
    /* A TIME_WAIT socket holds no data: its queue fields mean nothing. */
    k->recvq = state == TCP_TIME_WAIT ? -1 : unread_bytes(state, rq);
    k->sendq = state == TCP_TIME_WAIT ? -1 : wq;
    k->expires = expires;
    /* Still in the queue: the handshake is done (or under way) and accept() has not taken it. */
    k->queue = l;
    for (int end = 0; end < 2; end++) {
        memset(&ss, 0, sizeof ss);
        if (family == AF_INET) {
            struct sockaddr_in *a = (struct sockaddr_in *)&ss;
            a->sin_family = AF_INET;
            memcpy(&a->sin_addr, end ? dst : src, 4);
            a->sin_port = htons(end ? dport : sport);
        } else {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
            a->sin6_family = AF_INET6;
            memcpy(&a->sin6_addr, end ? dst : src, 16);
            a->sin6_port = htons(end ? dport : sport);
        }
        addr_format((struct sockaddr *)&ss, family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6),
                    end ? k->peer : k->local, sizeof k->local);
    }
}

/* --- netlink sock_diag ------------------------------------------------------------ */

/* A sock_diag filter "local port is one of the session's" (as `ss sport = :P or …`), so the
 * kernel sends only those rows. Built the way ss builds an "or": each test is followed by a
 * jump to the end (a match: accept), and a failed test skips that jump to the next test;
 * the last one's failure lands past the end (reject). The kernel checks that every jump
 * target lies on the chain of "yes" jumps, which this layout keeps. Ops are 4 bytes; a
 * port test is 8 (the port in a second op). */
#define BC_MAX 64
static size_t make_filter(struct inet_diag_bc_op *bc)
{
    size_t k = nuniq, len, at = 0;
    if (!k || k > BC_MAX) return 0;            /* none, or so many ports: no filter, read them all */
    len = (k - 1) * 12 + 8;
    for (size_t i = 0; i < k; i++) {
        struct inet_diag_bc_op *op = &bc[at / 4];
        op[0] = (struct inet_diag_bc_op){INET_DIAG_BC_S_EQ, 8, 12};
        op[1] = (struct inet_diag_bc_op){0, 0, uniq[i]};
        if (i + 1 < k) op[2] = (struct inet_diag_bc_op){INET_DIAG_BC_JMP, 4, (unsigned short)(len - (at + 8))};
        at += 12;
    }
    return len;
}

static int diag_dump(int family, rows *r)
{
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 req;
        struct nlattr attr;
        struct inet_diag_bc_op bc[3 * BC_MAX];
    } q;
    size_t bclen;
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
    struct timeval tv = {1, 0};
    static char buf[32768];
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), done = 0;

    if (fd < 0) return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);   /* never hang the table */
    memset(&q, 0, sizeof q);
    bclen = make_filter(q.bc);
    q.nlh.nlmsg_len = (unsigned)(NLMSG_LENGTH(sizeof q.req) + (bclen ? NLA_HDRLEN + bclen : 0));
    q.attr.nla_type = INET_DIAG_REQ_BYTECODE;
    q.attr.nla_len = (unsigned short)(NLA_HDRLEN + bclen);
    q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    q.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    q.req.sdiag_family = (unsigned char)family;
    q.req.sdiag_protocol = IPPROTO_TCP;
    q.req.idiag_states = ~0u;
    if (sendto(fd, &q, q.nlh.nlmsg_len, 0, (struct sockaddr *)&nl, sizeof nl) < 0) { close(fd); return -1; }
    while (!done) {
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        struct nlmsghdr *h = (struct nlmsghdr *)buf;
        if (got <= 0) { close(fd); return -1; }
        for (; NLMSG_OK(h, (size_t)got); h = NLMSG_NEXT(h, got)) {
            const struct inet_diag_msg *m = NLMSG_DATA(h);
            if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
            if (h->nlmsg_type == NLMSG_ERROR) { close(fd); return -1; }
            keep(r, m->idiag_inode, m->idiag_family, m->id.idiag_src, ntohs(m->id.idiag_sport), m->id.idiag_dst, ntohs(m->id.idiag_dport),
                 m->idiag_state, m->idiag_state == TCP_LISTEN ? -1 : (long)m->idiag_rqueue,
                 m->idiag_state == TCP_LISTEN ? -1 : (long)m->idiag_wqueue, m->idiag_timer ? m->idiag_expires / 1000.0 : -1);
        }
    }
    close(fd);
    return 0;
}

/* --- /proc/net/tcp, when netlink is not allowed ------------------------------------ */

static int proc_read(const char *path, int family, rows *r)
{
    FILE *f = fopen(path, "r");
    char line[512];
    long hz = sysconf(_SC_CLK_TCK);
    if (!f) return -1;
    if (!fgets(line, sizeof line, f)) { fclose(f); return 0; }    /* the header */
    while (fgets(line, sizeof line, f)) {
        char la[40], ra[40];
        unsigned lp, rp, st, tr;
        unsigned long tx, rx, when, inode;
        unsigned char src[16], dst[16];
        if (sscanf(line, " %*d: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %lx:%lx %x:%lx %*x %*u %*d %lu", la, &lp, ra, &rp, &st,
                   &tx, &rx, &tr, &when, &inode) != 10)
            continue;
        /* The kernel prints each 32-bit word of the address as a native-endian number. */
        for (int w = 0; w < (family == AF_INET ? 1 : 4); w++) {
            unsigned int a, b;
            char h[9];
            memcpy(h, la + 8 * w, 8); h[8] = '\0'; a = (unsigned)strtoul(h, NULL, 16);
            memcpy(h, ra + 8 * w, 8); h[8] = '\0'; b = (unsigned)strtoul(h, NULL, 16);
            memcpy(src + 4 * w, &a, 4);
            memcpy(dst + 4 * w, &b, 4);
        }
        keep(r, inode, family, src, (unsigned short)lp, dst, (unsigned short)rp, (int)st, st == TCP_LISTEN ? -1 : (long)rx,
             st == TCP_LISTEN ? -1 : (long)tx, tr && hz > 0 ? (double)when / (double)hz : -1);
    }
    fclose(f);
    return 0;
}

/* Forgets the closed connections the last dump did not hold: the kernel is done with them,
 * and their tuple may be someone else's next. */
static void forget_gone(void)
{
    size_t k = 0;
    for (size_t i = 0; i < nclosed; i++)
        if (closed[i].seen) closed[k++] = closed[i];
    nclosed = k;
}

int kview_read(kv_row **out)
{
    rows r = {NULL, 0, 0};
    const char *force = getenv("SOCKPLAY_KVIEW");   /* "proc": test the fallback */
    int err = 0;
    *out = NULL;
    if (!registry_count() && !nclosed) return 0;
    take_snapshot();
    /* Each dump walks the kernel's whole connection table: the IPv6 one only when needed. */
    if ((force && !strcmp(force, "proc")) || diag_dump(AF_INET, &r) < 0 || (want6 && diag_dump(AF_INET6, &r) < 0)) {
        r.n = 0;
        /* No IPv6 in this kernel: no tcp6 file, and nothing missing. */
        if (proc_read("/proc/net/tcp", AF_INET, &r) < 0 || (proc_read("/proc/net/tcp6", AF_INET6, &r) < 0 && errno != ENOENT))
            err = errno ? errno : EIO;
    }
    if (err) {
        free(r.v);
        errno = err;
        return -1;
    }
    forget_gone();
    *out = r.v;
    if (!r.n) free(r.v), *out = NULL;
    return (int)r.n;
}

void kview_free(void)
{
    free(uniq);
    uniq = NULL;
    nuniq = 0;
    keymap_free(&byport);
    keymap_free(&byconn);
    free(listeners);
    listeners = NULL;
    free(closed);
    closed = NULL;
    nclosed = capclosed = 0;
    closed6 = 0;
}
