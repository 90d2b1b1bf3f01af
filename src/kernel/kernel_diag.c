/* kernel_diag.c — one netlink sock_diag dump of a family's TCP sockets, filtered in the
 * kernel by local port (as `ss sport = :P or …`), so that the kernel sends only the rows
 * of the session's ports; each row becomes a kernel_entry. */
#include "kernel/kernel_diag.h"
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* A sock_diag filter "local port is one of ports" (as `ss sport = :P or …`). Built the way
 * ss builds an "or": each test is followed by a jump to the end (a match: accept), and a
 * failed test skips that jump to the next test; the last one's failure lands past the end
 * (reject). The kernel checks that every jump target lies on the chain of "yes" jumps,
 * which this layout keeps. Ops are 4 bytes; a port test is 8 (the port in a second op). */
#define BC_MAX 64
static size_t make_filter(struct inet_diag_bc_op *bc, const unsigned short *ports, size_t k)
{
    size_t len, at = 0;
    if (!k || k > BC_MAX) return 0;            /* none, or so many ports: no filter, read them all */
    len = (k - 1) * 12 + 8;
    for (size_t i = 0; i < k; i++) {
        struct inet_diag_bc_op *op = &bc[at / 4];
        op[0] = (struct inet_diag_bc_op){INET_DIAG_BC_S_EQ, 8, 12};
        op[1] = (struct inet_diag_bc_op){0, 0, ports[i]};
        if (i + 1 < k) op[2] = (struct inet_diag_bc_op){INET_DIAG_BC_JMP, 4, (unsigned short)(len - (at + 8))};
        at += 12;
    }
    return len;
}

/* A sock_diag message as the entry the rest of the module reads. */
static void entry_of(const struct inet_diag_msg *m, kernel_entry *e)
{
    int listen = m->idiag_state == TCP_LISTEN;
    e->ino = m->idiag_inode;
    e->family = m->idiag_family;
    memcpy(e->src, m->id.idiag_src, 16);
    memcpy(e->dst, m->id.idiag_dst, 16);
    e->sport = ntohs(m->id.idiag_sport);
    e->dport = ntohs(m->id.idiag_dport);
    e->state = m->idiag_state;
    e->rq = listen ? -1 : (long)m->idiag_rqueue;
    e->wq = listen ? -1 : (long)m->idiag_wqueue;
    e->expires = m->idiag_timer ? m->idiag_expires / 1000.0 : -1;
}

int kernel_diag_dump(int family, const unsigned short *ports, size_t nports, kernel_take *take, void *ctx)
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
    bclen = make_filter(q.bc, ports, nports);
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
            kernel_entry e;
            if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
            if (h->nlmsg_type == NLMSG_ERROR) { close(fd); return -1; }
            entry_of(NLMSG_DATA(h), &e);
            take(&e, ctx);
        }
    }
    close(fd);
    return 0;
}
