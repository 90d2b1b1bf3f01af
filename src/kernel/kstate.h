/* kstate.h — what the kernel says about one of our sockets, as ss would show it. */
#ifndef SP_KSTATE_H
#define SP_KSTATE_H
#include "core/addr.h"
#include "core/registry.h"

typedef struct {
    char local[128], peer[128];
    char state[16];      /* kernel TCP names: LISTEN, ESTABLISHED, CLOSE_WAIT … */
    long recvq, sendq;   /* bytes unread / bytes not yet acknowledged; -1 unknown */
    long accq;           /* listener: connections waiting for accept(); -1 otherwise */
    long backlog;        /* listener: the accept queue's limit */
} sp_kstate;

void kstate_read(const sp_sock *s, sp_kstate *k);
/* getsockname (peer 0) or getpeername (peer 1) into a; -1 with errno set. */
int kstate_addr(const sp_sock *s, int peer, sp_addr *a);
/* 1 when s has no local address yet (port 0, an unnamed unix socket). */
int kstate_unbound(const sp_sock *s);
/* A TCP socket that never had a connection (not connected, no connect() that succeeded),
 * as opposed to one whose connection ended: 1 or 0, from the kernel's TCP_INFO. */
int kstate_never_connected(const sp_sock *s);
/* Linux's name for a TCP_* state number ("TIME_WAIT"). */
const char *tcp_state_name(int st);
#endif
