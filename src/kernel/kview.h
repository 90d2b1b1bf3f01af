/* kview.h — the kernel's sockets of this session that no fd holds: connections waiting in
 * a session listener's accept queue (to its address), and what is left of the connections
 * the session closed (TIME_WAIT, orphans still saying goodbye), matched by their 4-tuple —
 * never another program's socket that happens to share a port. Read through netlink sock_diag as `ss` does; /proc/net/tcp if that fails. */
#ifndef SP_KVIEW_H
#define SP_KVIEW_H
#include "core/registry.h"

typedef struct {
    unsigned long ino;                /* the socket's inode: 0 when no fd holds it */
    int family;                       /* AF_INET or AF_INET6 */
    char local[64], peer[64];
    int state;                        /* TCP_* number: tcp_state_name() names it */
    long recvq, sendq;
    double expires;                   /* seconds left on its timer (TIME_WAIT), -1 unknown */
    const sp_sock *queue;             /* the session listener whose accept queue holds it */
} kv_row;

/* Before s is closed: a connected s's 4-tuple is remembered, so its TIME_WAIT still shows
 * (until the kernel lets it go). */
void kview_remember(const sp_sock *s);
/* Every TCP socket on the session's ports — the session's own (ino matches its fd) and
 * the kernel's fd-less ones (ino 0) — in the kernel's order, in a malloc'd array (*rows, free
 * it); returns the count, 0 when none, -1 with errno when the kernel's table could not be
 * read (EMFILE: no fd for the netlink socket nor for /proc/net/tcp). One netlink dump
 * per family, filtered by port. RECV-Q is bytes: a received FIN is not counted. */
int kview_read(kv_row **rows);
void kview_free(void);
#endif
