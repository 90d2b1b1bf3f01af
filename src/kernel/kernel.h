/* kernel.h — a socket as the kernel sees it, as ss would show it, whether an fd of the
 * session holds it or not: one record, kernel_row, for a session socket read through its
 * fd (TCP_INFO, SIOCINQ/SIOCOUTQ, getsockname) and for the session's rows of the kernel's
 * table that no fd holds (sock_diag, or /proc/net/tcp): connections waiting in a session
 * listener's accept queue, what is left of connections the session closed (TIME_WAIT,
 * orphans), matched by 4-tuple or by the listener's address, never another program's
 * socket that shares a port. Used by report/ (the table, `port`), core/ (addresses,
 * poll's SYN_SENT, EPIPE's explanation, close), lua/lsock.c and bench/table_bench.c. */
#ifndef SP_KERNEL_H
#define SP_KERNEL_H
#include <stddef.h>
#include "lang/addr.h"
#include "core/registry.h"

typedef struct {
    const sp_sock *owner;       /* the session socket whose fd holds it; NULL: no fd holds it */
    const sp_sock *queue;       /* no fd yet: the session listener whose accept queue holds it */
    int family, type;           /* AF_INET, AF_INET6, AF_UNIX; SOCK_STREAM, SOCK_DGRAM */
    char local[128], peer[128]; /* addresses as addr_format writes them; "-" when none */
    int tcp_state;              /* TCP_* number (kernel_state_name names it); 0: not TCP, or unknown */
    const char *state;          /* the state's name: LISTEN, ESTABLISHED, UNCONN, CONNECTED …; "" unknown */
    long recvq, sendq;          /* bytes unread (a received FIN not counted) / not yet acknowledged; -1 unknown */
    long accq, backlog;         /* a listener: connections waiting for accept(), and their limit; -1 otherwise */
    double expires;             /* seconds left on its timer (TIME_WAIT), -1 unknown */
    int place;                  /* the lab host it is on (core/place.h), PLACE_HERE outside a lab */
} kernel_row;

/* s's row, read through its fd. */
void kernel_read(const sp_sock *s, kernel_row *k);
/* The session's rows: one for each session socket, in the registry's (fd) order, then the
 * kernel's rows of the session that no fd holds, by local then peer address: *n rows in
 * an array the module keeps (*rows), valid until the next kernel_dump or kernel_free. The
 * session's TCP sockets come from the same dump (one netlink round trip per family,
 * filtered by the session's ports, as ss does). Returns 0, or -1 with errno when the
 * kernel's table could not be read (EMFILE: no fd for the netlink socket nor for
 * /proc/net/tcp): *rows then holds the session's rows read per fd, and no fd-less ones;
 * *rows is NULL only when memory ran out. */
int kernel_dump(const kernel_row **rows, size_t *n);
/* Before s is closed: a connected s's 4-tuple is remembered, so what the kernel keeps of its
 * connection (TIME_WAIT …) still shows, until the kernel lets it go. */
void kernel_remember(const sp_sock *s);
/* 1 when a TCP socket of this machine listens on port p, 0 when none does, -1 with errno
 * when the kernel's table could not be read. */
int kernel_listening(unsigned short p);
/* getsockname (peer 0) or getpeername (peer 1) into a; -1 with errno set. */
int kernel_addr(const sp_sock *s, int peer, sp_addr *a);
/* 1 when s has no local address yet (port 0, an unnamed unix socket). */
int kernel_unbound(const sp_sock *s);
/* A TCP socket that never had a connection (not connected, no connect() that succeeded),
 * as opposed to one whose connection ended: 1 or 0, from the kernel's TCP_INFO. */
int kernel_never_connected(const sp_sock *s);
/* Linux's name for a TCP_* state number ("TIME_WAIT"). */
const char *kernel_state_name(int st);
/* Frees what the module keeps between tables (at exit). */
void kernel_free(void);
#endif
