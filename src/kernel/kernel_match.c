/* kernel_match.c — decides, per row of the kernel's TCP table, whether it is the session's:
 * its own sockets by inode; a connection no fd holds yet only when it is in a session
 * listener's accept queue (same port, and the listener's address or its wildcard); what is
 * left of a closed connection only by its 4-tuple — never another program's socket that
 * happens to share a port. The session's ports, read once per table (a kernel table may
 * hold thousands of rows), are also the dump's filter. */
#include "kernel/kernel_match.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/keymap.h"

/* A connection this session closed: its 4-tuple, so that what the kernel keeps of it
 * (TIME_WAIT, FIN_WAIT …) is shown, and nothing else on the same port. */
typedef struct {
    int family;                      /* AF_INET or AF_INET6, a v4-mapped address folded to AF_INET */
    unsigned char la[16], ra[16];
    unsigned short lp, rp;
    int seen;                        /* found in the last table; one that is gone is forgotten */
    int place;                       /* the lab host it was on (core/place.h) */
} conn4;

static conn4 *closed;
static size_t nclosed, capclosed;
static int closed6, want6;   /* an IPv6 port was the session's: the AF_INET6 table is needed */
static int table_place;      /* the place whose table is being read (kernel_match_begin) */

/* A session listener, by its bound address: only connections to that address are its queue. */
typedef struct lsock {
    const sp_sock *s;
    int family, any;                 /* any: bound to 0.0.0.0 or :: */
    unsigned char addr[16];
    struct lsock *next;              /* another listener on the same port */
} lsock;

/* A session socket by inode: its place in the registry. */
typedef struct {
    size_t at;
} own;

/* The table's snapshot of the session: each port once, as first seen, and a map from port
 * to its listeners, or to not_listening; the closed connections by their tuple; the
 * sockets by inode. */
static unsigned short *uniq;
static size_t nuniq;
static keymap byport, byconn, byino;
static lsock *listeners;
static own *owns;
static const char not_listening;

/* The address bytes (4 or 16) and family of an address, a v4-mapped IPv6 one folded to IPv4. */
static int fold(int family, const void *addr, unsigned char out[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(out, 0, 16);
    if (family == AF_INET6 && !memcmp(addr, mapped, 12)) family = AF_INET, addr = (const unsigned char *)addr + 12;
    memcpy(out, addr, family == AF_INET ? 4 : 16);
    return family;
}

int kernel_match_fold(const sp_addr *a, unsigned char out[16], unsigned short *port)
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

void kernel_match_remember(const sp_addr *local, const sp_addr *peer, int place)
{
    conn4 c;
    memset(&c, 0, sizeof c);
    c.place = place;
    if (!(c.family = kernel_match_fold(peer, c.ra, &c.rp)) || kernel_match_fold(local, c.la, &c.lp) != c.family) return;
    if (local->ss.ss_family == AF_INET6) closed6 = 1;
    for (size_t i = 0; i < nclosed; i++)
        if (closed[i].place == place && same_conn(&closed[i], &c)) return;
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

size_t kernel_match_closed(int place)
{
    size_t k = 0;
    for (size_t i = 0; i < nclosed; i++) k += closed[i].place == place;
    return k;
}

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

int kernel_match_begin(size_t n, int place)
{
    unsigned short *u = realloc(uniq, (n + nclosed + 1) * sizeof *u);
    lsock *ls = realloc(listeners, (n + 1) * sizeof *ls);
    own *o = realloc(owns, (n + 1) * sizeof *o);
    keymap_free(&byport);
    keymap_free(&byconn);
    keymap_free(&byino);
    nuniq = 0;
    want6 = closed6;
    table_place = place;
    if (u) uniq = u;
    if (ls) listeners = ls;
    if (o) owns = o;
    if (!u || !ls || !o) return -1;
    if (keymap_init(&byport, n + nclosed) < 0 || keymap_init(&byconn, nclosed) < 0 || keymap_init(&byino, n) < 0) return -1;
    for (size_t i = 0; i < nclosed; i++) {
        if (closed[i].place != place) continue;
        note_port(closed[i].lp, NULL);
        keymap_put(&byconn, conn_key(&closed[i]), &closed[i]);
        closed[i].seen = 0;
    }
    return 0;
}

void kernel_match_socket(const sp_sock *s, size_t i, unsigned long ino, unsigned short port, const sp_addr *listening)
{
    static const unsigned char zero[16];
    lsock *l = NULL;
    unsigned short p;
    if (!port || !uniq || !byport.keys) return;
    if (listening && (listeners[i].family = kernel_match_fold(listening, listeners[i].addr, &p))) {
        l = &listeners[i];
        l->s = s;
        l->any = !memcmp(l->addr, zero, 16);
        l->next = NULL;
    }
    note_port(port, l);
    if (s->family == AF_INET6) want6 = 1;
    owns[i].at = i;
    keymap_put(&byino, ino, &owns[i]);
}

size_t kernel_match_ports(const unsigned short **ports)
{
    *ports = uniq;
    return nuniq;
}

int kernel_match_want6(void) { return want6; }

/* The closed session connection with e's tuple (marked seen), or NULL. */
static conn4 *closed_conn(const kernel_entry *e)
{
    conn4 c, *k;
    memset(&c, 0, sizeof c);
    c.family = fold(e->family, e->src, c.la);
    if (fold(e->family, e->dst, c.ra) != c.family) return NULL;
    c.lp = e->sport;
    c.rp = e->dport;
    k = (conn4 *)keymap_get(&byconn, conn_key(&c));
    if (!k || !same_conn(k, &c)) return NULL;
    k->seen = 1;
    return k;
}

/* The session listener whose accept queue a connection to src can be in: same port (l is
 * that port's list), and the listener's address, or any address for one bound to 0.0.0.0
 * (IPv4) or :: (all). */
static const sp_sock *queue_of(const lsock *l, int family, const void *src)
{
    unsigned char a[16];
    int f = fold(family, src, a);
    for (; l; l = l->next)
        if (l->any ? l->family == AF_INET6 || l->family == f : l->family == f && !memcmp(l->addr, a, 16)) return l->s;
    return NULL;
}

int kernel_match_entry(const kernel_entry *e, size_t *owner, const sp_sock **queue)
{
    const void *port = keymap_get(&byport, e->sport);
    const own *o;
    if (!port) return KERNEL_MATCH_NONE;
    if (e->ino) {
        if (!(o = keymap_get(&byino, e->ino))) return KERNEL_MATCH_NONE;   /* another program's */
        *owner = o->at;
        return KERNEL_MATCH_OWN;
    }
    /* No fd holds it: it is the session's only as a connection the session closed, or as
     * one waiting in a session listener's accept queue. */
    if (closed_conn(e)) return KERNEL_MATCH_CLOSED;
    if (port == &not_listening || !(e->state == TCP_ESTABLISHED || e->state == TCP_SYN_RECV || e->state == TCP_CLOSE_WAIT))
        return KERNEL_MATCH_NONE;
    return (*queue = queue_of(port, e->family, e->src)) ? KERNEL_MATCH_QUEUED : KERNEL_MATCH_NONE;
}

void kernel_match_end(void)
{
    size_t k = 0;
    for (size_t i = 0; i < nclosed; i++)
        if (closed[i].seen || closed[i].place != table_place) closed[k++] = closed[i];
    nclosed = k;
}

void kernel_match_free(void)
{
    free(uniq);
    uniq = NULL;
    nuniq = 0;
    keymap_free(&byport);
    keymap_free(&byconn);
    keymap_free(&byino);
    free(listeners);
    listeners = NULL;
    free(owns);
    owns = NULL;
    free(closed);
    closed = NULL;
    nclosed = capclosed = 0;
    closed6 = 0;
}
