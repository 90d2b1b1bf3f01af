/* kernel_match.h — which rows of the kernel's TCP table are the session's, from data alone
 * (no system call): a session socket's own row (by inode), a connection waiting in a
 * session listener's accept queue (its port, and the listener's address), what is left of a
 * connection the session closed (its 4-tuple). kernel_entry is a row as the table gives it,
 * which kernel_diag.c and kernel_proc.c produce. Used by kernel.c, those two (for
 * kernel_entry) and the unit tests. */
#ifndef SP_KERNEL_MATCH_H
#define SP_KERNEL_MATCH_H
#include <stddef.h>
#include "lang/addr.h"
#include "core/registry.h"

typedef struct {
    unsigned long ino;                /* the socket's inode: 0 when no fd holds it */
    int family;                       /* AF_INET or AF_INET6, as the table says */
    unsigned char src[16], dst[16];   /* local and remote address, network order (AF_INET: 4 bytes) */
    unsigned short sport, dport;      /* local and remote port */
    int state;                        /* TCP_* number */
    long rq, wq;                      /* the queues as the kernel counts them (a FIN too); -1: a listener */
    double expires;                   /* seconds left on its timer, -1 none */
} kernel_entry;

/* Where kernel_diag.c and kernel_proc.c hand each row they read. */
typedef void kernel_take(const kernel_entry *e, void *ctx);

enum { KERNEL_MATCH_NONE, KERNEL_MATCH_OWN, KERNEL_MATCH_QUEUED, KERNEL_MATCH_CLOSED };

/* A new table of n session sockets, read in place (core/place.h: a lab host's network, or
 * PLACE_HERE): forgets the last one's sockets (not the closed connections); only place's
 * closed connections take part. -1 when out of memory (then nothing matches). */
int kernel_match_begin(size_t n, int place);
/* The session socket at place i of the registry: its inode (0 unknown), its local port (0
 * none yet) and, for a listener, its bound address (else NULL). */
void kernel_match_socket(const sp_sock *s, size_t i, unsigned long ino, unsigned short port, const sp_addr *listening);
/* The table's ports, each once (for the dump's filter); their count. */
size_t kernel_match_ports(const unsigned short **ports);
/* 1 when an IPv6 port is the session's: the AF_INET6 table is needed. */
int kernel_match_want6(void);
/* Whose e is: KERNEL_MATCH_OWN (*owner: the registry place of the socket whose fd holds it),
 * _QUEUED (*queue: the listener), _CLOSED (a connection the session closed), or _NONE. */
int kernel_match_entry(const kernel_entry *e, size_t *owner, const sp_sock **queue);
/* After a table was read whole: closed connections of its place it did not hold are
 * forgotten (the kernel is done with them, and their tuple may be someone else's next). */
void kernel_match_end(void);
/* A connection the session closes, by its two addresses (IPv4 or IPv6, a v4-mapped one as
 * IPv4) and the place it lived in; anything else is ignored. */
void kernel_match_remember(const sp_addr *local, const sp_addr *peer, int place);
/* How many closed connections of place are remembered. */
size_t kernel_match_closed(int place);
/* The IP address bytes and port of a, a v4-mapped IPv6 address folded to IPv4: its family,
 * or 0 when a is not an IP address. */
int kernel_match_fold(const sp_addr *a, unsigned char out[16], unsigned short *port);
void kernel_match_free(void);
#endif
