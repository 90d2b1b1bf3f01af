/* kstate.c — TCP_INFO and SIOCINQ/SIOCOUTQ per fd, for the rows the sock_diag dump (kview.c)
 * does not give: UDP and unix sockets, listeners (their queue limit), sockets not bound yet. */
#include "kernel/kstate.h"
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

const char *tcp_state_name(int st)
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

int kstate_addr(const sp_sock *s, int peer, sp_addr *a)
{
    a->len = sizeof a->ss;
    return peer ? getpeername(s->fd, (struct sockaddr *)&a->ss, &a->len)
                : getsockname(s->fd, (struct sockaddr *)&a->ss, &a->len);
}

int kstate_unbound(const sp_sock *s)
{
    sp_addr a;
    return kstate_addr(s, 0, &a) == 0 && unbound(&a.ss, a.len);
}

void kstate_read(const sp_sock *s, sp_kstate *k)
{
    sp_addr a;
    int v, connected = 0;

    memset(k, 0, sizeof *k);
    k->recvq = k->sendq = k->accq = k->backlog = -1;

    if (kstate_addr(s, 0, &a) == 0 && !unbound(&a.ss, a.len))
        addr_format((struct sockaddr *)&a.ss, a.len, k->local, sizeof k->local);
    else
        snprintf(k->local, sizeof k->local, "-");
    if (kstate_addr(s, 1, &a) == 0) {
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
            snprintf(k->state, sizeof k->state, "%s", tcp_state_name(ti.tcpi_state));
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
            snprintf(k->state, sizeof k->state, "LISTEN");
            k->backlog = s->backlog;
            return;
        }
        snprintf(k->state, sizeof k->state, "%s", connected ? "CONNECTED" : "UNCONN");
    }
    if (ioctl(s->fd, SIOCINQ, &v) == 0) k->recvq = v;
    if (ioctl(s->fd, SIOCOUTQ, &v) == 0) k->sendq = v;
}

/* Linux's struct tcp_info past glibc's copy of it: tcpi_segs_in (Linux 4.2) at byte 140.
 * The kernel's ABI only grows at the end, so the offset holds. */
#define TCPI_SEGS_IN_AT 140

int kstate_never_connected(const sp_sock *s)
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
