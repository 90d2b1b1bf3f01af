/* packet.c — decodes one captured frame (Ethernet, Linux cooked, raw IP; IPv4 and IPv6;
 * TCP, UDP, ICMP, ICMPv6) into one packet record, bounds-checked byte by byte against what
 * was captured, and writes a record as one line a learner can read (flags by name,
 * sequence numbers relative per connection as Wireshark shows them, the payload's length
 * and first bytes). */
#include "wire/packet.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "report/out.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#define DLT_IPV6 229
#endif

/* Big-endian reads; callers have checked the bounds. */
static unsigned get16(const unsigned char *b) { return (unsigned)b[0] << 8 | b[1]; }
static uint32_t get32(const unsigned char *b) { return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]; }

void packet_table_reset(packet_table *t)
{
    memset(t, 0, sizeof *t);
}

/* The socket-address fields are written and read through memcpy at their offsets: a
 * sockaddr_storage accessed as a sockaddr_in breaks C's aliasing rules, and gcc -O2 then
 * reorders the accesses (it did: a lookup read a port before it was written). */
static size_t addr_off(int family)
{
    return family == AF_INET ? offsetof(struct sockaddr_in, sin_addr) : offsetof(struct sockaddr_in6, sin6_addr);
}

/* Fills an address (v4: 4 bytes, v6: 16) and port into ss. */
static void set_addr(struct sockaddr_storage *ss, int family, const unsigned char *a, unsigned port)
{
    uint16_t nport = htons((uint16_t)port);
    memset(ss, 0, sizeof *ss);
    ss->ss_family = (sa_family_t)family;
    memcpy((unsigned char *)ss + addr_off(family), a, family == AF_INET ? 4 : 16);
    memcpy((unsigned char *)ss + offsetof(struct sockaddr_in, sin_port), &nport, 2);
}

_Static_assert(offsetof(struct sockaddr_in, sin_port) == offsetof(struct sockaddr_in6, sin6_port), "ports at one place");

static void set_port(struct sockaddr_storage *ss, unsigned port)
{
    uint16_t nport = htons((uint16_t)port);
    memcpy((unsigned char *)ss + offsetof(struct sockaddr_in, sin_port), &nport, 2);   /* sin6_port: the same place */
}

/* The raw address bytes of ss and their length. */
static const unsigned char *addr_bytes(const struct sockaddr_storage *ss, size_t *len)
{
    *len = ss->ss_family == AF_INET ? 4 : 16;
    return (const unsigned char *)ss + addr_off(ss->ss_family == AF_INET ? AF_INET : AF_INET6);
}

static unsigned port_of(const struct sockaddr_storage *ss)
{
    uint16_t nport;
    memcpy(&nport, (const unsigned char *)ss + offsetof(struct sockaddr_in, sin_port), 2);
    return ntohs(nport);
}

/* An IP header at b (avail bytes): family, protocol, addresses, where the transport header
 * starts (*off) and how long the transport part is by the header (*plen). 0, or -1 when
 * not IP or cut before the addresses end. sets TRUNC/BAD in *have. */
static int ip_header(const unsigned char *b, size_t avail, size_t wirelen, int *family, int *proto,
                     struct sockaddr_storage *src, struct sockaddr_storage *dst, size_t *off, size_t *plen,
                     int *fragment, unsigned *have)
{
    *fragment = 0;
    if (avail < 1) { *have |= PACKET_TRUNC; return -1; }
    if (b[0] >> 4 == 4) {
        size_t ihl = (size_t)(b[0] & 15) * 4, tot;
        if (avail < 20) { *have |= PACKET_TRUNC; return -1; }
        *family = AF_INET;
        *proto = b[9];
        set_addr(src, AF_INET, b + 12, 0);
        set_addr(dst, AF_INET, b + 16, 0);
        tot = get16(b + 2);
        if (tot == 0) tot = wirelen;          /* TSO/BIG TCP: the length is the frame's */
        if (ihl < 20 || tot < ihl) { *have |= PACKET_BAD; if (ihl < 20) ihl = 20; if (tot < ihl) tot = ihl; }
        if (ihl > avail) *have |= PACKET_TRUNC;
        *fragment = (get16(b + 6) & 0x1fff) != 0;
        *off = ihl;
        *plen = tot - ihl;
        return 0;
    }
    if (b[0] >> 4 == 6) {
        size_t o = 40, plen6;
        int nh;
        if (avail < 40) { *have |= PACKET_TRUNC; return -1; }
        *family = AF_INET6;
        set_addr(src, AF_INET6, b + 8, 0);
        set_addr(dst, AF_INET6, b + 24, 0);
        plen6 = get16(b + 4);
        if (plen6 == 0 && wirelen > 40) plen6 = wirelen - 40;   /* a jumbogram */
        nh = b[6];
        /* Extension headers: hop-by-hop, routing, destination options, fragment, AH. */
        for (int hops = 0; hops < 8; hops++) {
            size_t len;
            if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51) break;
            if (o + 2 > avail) { *have |= PACKET_TRUNC; break; }
            if (nh == 44) {
                len = 8;
                if (o + 4 <= avail && (get16(b + o + 2) & 0xfff8) != 0) *fragment = 1;
            } else if (nh == 51) {
                len = ((size_t)b[o + 1] + 2) * 4;
            } else {
                len = ((size_t)b[o + 1] + 1) * 8;
            }
            nh = b[o];
            o += len;
        }
        *proto = nh;
        if (o - 40 > plen6) { *have |= PACKET_BAD; plen6 = o - 40; }
        *off = o;
        *plen = plen6 - (o - 40);
        return 0;
    }
    *have |= PACKET_BAD;
    return -1;
}

/* The flow of proto between src and dst in t (found or made), and which way they go (0:
 * a→b). A new flow's a is src. */
static struct packet_conn *conn_of(packet_table *t, int proto, int family, const struct sockaddr_storage *src,
                                   const struct sockaddr_storage *dst, int *dir)
{
    size_t alen;
    const unsigned char *s = addr_bytes(src, &alen), *d = addr_bytes(dst, &alen);
    unsigned sp = port_of(src), dp = port_of(dst);
    struct packet_conn *c, *old = &t->conn[0];
    for (int i = 0; i < PACKET_CONNS; i++) {
        c = &t->conn[i];
        if (c->used && c->family == family && c->proto == proto) {
            if (c->pa == sp && c->pb == dp && !memcmp(c->a, s, alen) && !memcmp(c->b, d, alen)) { *dir = 0; goto found; }
            if (c->pa == dp && c->pb == sp && !memcmp(c->a, d, alen) && !memcmp(c->b, s, alen)) { *dir = 1; goto found; }
        }
        if (c->used < old->used) old = c;
    }
    c = old;                             /* a new flow replaces the one unused longest */
    memset(c, 0, sizeof *c);
    c->family = family;
    c->proto = proto;
    memcpy(c->a, s, alen);
    memcpy(c->b, d, alen);
    c->pa = (uint16_t)sp;
    c->pb = (uint16_t)dp;
    c->scale[0] = c->scale[1] = -1;
    *dir = 0;
found:
    c->used = ++t->clock;
    return c;
}

/* Whether sequence number a comes after b (modulo 2^32). */
static int seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

/* The states the packet moves its ends to (RFC 793's diagram): the sender's by what it
 * sends (SYN, SYN+ACK, FIN), the receiver's by what it receives (SYN+ACK, the ACK of a
 * SYN+ACK or of its FIN, a FIN, an RST). x is the sender's side of c. */
static void states(struct packet_conn *c, packet *p, int x)
{
    int *sx = &c->state[x], *sy = &c->state[!x], y = !x, was_x = *sx, was_y = *sy;
    unsigned f = p->flags;
    if (f & PACKET_RST) {
        if (*sx && *sx != PACKET_ST_CLOSED) *sx = PACKET_ST_CLOSED;
        if (*sy && *sy != PACKET_ST_CLOSED) *sy = PACKET_ST_CLOSED;
    } else if ((f & (PACKET_SYN | PACKET_ACK)) == PACKET_SYN) {
        *sx = PACKET_ST_SYN_SENT;
    } else if (f & PACKET_SYN) {
        *sx = PACKET_ST_SYN_RECV;
        if (*sy == PACKET_ST_SYN_SENT) *sy = PACKET_ST_ESTABLISHED;
    } else {
        /* A flow first seen after its handshake: both ends were talking. */
        if (!*sx) *sx = PACKET_ST_ESTABLISHED;
        if (!*sy) *sy = PACKET_ST_ESTABLISHED;
        was_x = was_x ? was_x : *sx;
        was_y = was_y ? was_y : *sy;
        if (f & PACKET_FIN) {
            if (*sx == PACKET_ST_ESTABLISHED || *sx == PACKET_ST_SYN_RECV) *sx = PACKET_ST_FIN_WAIT1;
            else if (*sx == PACKET_ST_CLOSE_WAIT) *sx = PACKET_ST_LAST_ACK;
        }
        if (f & PACKET_ACK) {
            if (*sy == PACKET_ST_SYN_RECV) *sy = PACKET_ST_ESTABLISHED;
            if (c->fin[y] && !seq_after(c->finack[y], p->rack)) {   /* it acknowledges y's FIN */
                if (*sy == PACKET_ST_FIN_WAIT1) *sy = PACKET_ST_FIN_WAIT2;
                else if (*sy == PACKET_ST_CLOSING) *sy = PACKET_ST_TIME_WAIT;
                else if (*sy == PACKET_ST_LAST_ACK) *sy = PACKET_ST_CLOSED;
            }
        }
        if (f & PACKET_FIN) {
            if (*sy == PACKET_ST_ESTABLISHED) *sy = PACKET_ST_CLOSE_WAIT;
            else if (*sy == PACKET_ST_FIN_WAIT2) *sy = PACKET_ST_TIME_WAIT;
            else if (*sy == PACKET_ST_FIN_WAIT1) *sy = PACKET_ST_CLOSING;
        }
    }
    p->sstate = *sx != was_x ? *sx : 0;
    p->rstate = *sy != was_y ? *sy : 0;
}

/* Relative sequence numbers, the window in bytes, retransmissions and states, from (and
 * into) the table. */
static void track(packet_table *t, packet *p)
{
    int dir;
    struct packet_conn *c = conn_of(t, IPPROTO_TCP, p->family, &p->src, &p->dst, &dir);
    uint32_t end;
    if ((p->flags & (PACKET_SYN | PACKET_ACK)) == PACKET_SYN && !(dir == 0 && c->known[0] && c->base[0] == p->seq)) {
        /* A new connection on these ports (not the same SYN sent again). */
        size_t alen;
        const unsigned char *s = addr_bytes(&p->src, &alen), *d = addr_bytes(&p->dst, &alen);
        unsigned long used = c->used;
        memset(c, 0, sizeof *c);
        c->used = used;
        c->family = p->family;
        c->proto = IPPROTO_TCP;
        memcpy(c->a, s, alen);
        memcpy(c->b, d, alen);
        c->pa = (uint16_t)port_of(&p->src);
        c->pb = (uint16_t)port_of(&p->dst);
        dir = 0;
        c->scale[1] = -1;
        c->base[0] = p->seq;
        c->known[0] = 1;
        c->scale[0] = p->wscale;
    } else if (p->flags & PACKET_SYN) {
        if (!c->known[dir] || c->base[dir] != p->seq) {   /* not the same SYN sent again */
            c->base[dir] = p->seq;
            c->known[dir] = 1;
            c->next[dir] = 0;
        }
        c->scale[dir] = p->wscale;
    } else if (!c->known[dir]) {
        c->base[dir] = p->seq;
        c->known[dir] = 1;
    }
    p->rseq = p->seq - c->base[dir];
    if (p->flags & PACKET_ACK) {
        if (!c->known[!dir]) { c->base[!dir] = p->ack; c->known[!dir] = 1; }
        p->rack = p->ack - c->base[!dir];
    }
    p->have |= PACKET_HAVE_REL | PACKET_HAVE_FLOW;
    p->dir = dir;
    if (!(p->flags & PACKET_SYN) && c->scale[0] >= 0 && c->scale[1] >= 0)
        p->winbytes = (unsigned long)p->window << (c->scale[dir] > 14 ? 14 : c->scale[dir]);
    /* What it carries: its data, and one each for SYN and FIN. Nothing new: sent before. */
    end = p->rseq + (uint32_t)p->len + !!(p->flags & PACKET_SYN) + !!(p->flags & PACKET_FIN);
    if (end != p->rseq && !(p->flags & PACKET_RST)) {
        if (c->next[dir] && !seq_after(end, c->next[dir])) p->retrans = 1;
        else c->next[dir] = end;
    }
    if (p->flags & PACKET_FIN) {
        c->fin[dir] = 1;
        c->finack[dir] = end;
    }
    states(c, p, dir);
}

/* Which way a UDP datagram goes; an ICMP error goes back along the datagram it quotes. */
static void flow(packet_table *t, packet *p)
{
    int dir;
    if (p->proto == IPPROTO_UDP && (p->have & PACKET_HAVE_PORTS)) {
        conn_of(t, IPPROTO_UDP, p->family, &p->src, &p->dst, &dir);
        p->dir = dir;
        p->have |= PACKET_HAVE_FLOW;
    } else if ((p->have & PACKET_HAVE_QUOTE) && p->qports && (p->qproto == IPPROTO_UDP || p->qproto == IPPROTO_TCP)) {
        conn_of(t, p->qproto, p->qsrc.ss_family, &p->qsrc, &p->qdst, &dir);
        p->dir = !dir;
        p->have |= PACKET_HAVE_FLOW;
    }
}

/* The TCP header at b (avail bytes captured, plen by the IP header). */
static void tcp(packet *p, const unsigned char *b, size_t avail, size_t plen, packet_table *t)
{
    size_t doff;
    if (avail < 4) { p->have |= PACKET_TRUNC; return; }
    set_port(&p->src, get16(b));
    set_port(&p->dst, get16(b + 2));
    p->have |= PACKET_HAVE_PORTS;
    if (avail < 20) { p->have |= PACKET_TRUNC; return; }
    p->seq = get32(b + 4);
    p->ack = get32(b + 8);
    doff = (size_t)(b[12] >> 4) * 4;
    p->flags = b[13];
    p->window = get16(b + 14);
    p->winbytes = p->window;
    p->have |= PACKET_HAVE_TCP;
    if (doff < 20) { p->have |= PACKET_BAD; doff = 20; }
    if (doff > plen) { p->have |= PACKET_BAD; plen = doff; }
    /* Options: MSS (2) and window scale (3) matter to a learner; stop at the end (0) or a bad length. */
    for (size_t o = 20; o < doff && o < avail;) {
        unsigned kind = b[o], len;
        if (kind == 0) break;
        if (kind == 1) { o++; continue; }
        if (o + 1 >= avail || o + 1 >= doff) break;
        len = b[o + 1];
        if (len < 2 || o + len > doff || o + len > avail) break;
        if (kind == 2 && len == 4) p->mss = (int)get16(b + o + 2);
        if (kind == 3 && len == 3) p->wscale = b[o + 2];
        o += len;
    }
    if (doff > avail) p->have |= PACKET_TRUNC;
    p->len = plen - doff;
    if (avail > doff) {
        p->ndata = avail - doff < p->len ? avail - doff : p->len;
        if (p->ndata > PACKET_DATA) p->ndata = PACKET_DATA;
        memcpy(p->data, b + doff, p->ndata);
    }
    if (t) track(t, p);
}

static void udp(packet *p, const unsigned char *b, size_t avail, size_t plen)
{
    size_t ulen;
    if (avail < 4) { p->have |= PACKET_TRUNC; return; }
    set_port(&p->src, get16(b));
    set_port(&p->dst, get16(b + 2));
    p->have |= PACKET_HAVE_PORTS;
    if (avail < 8) { p->have |= PACKET_TRUNC; return; }
    ulen = get16(b + 4);
    if (ulen == 0 && plen > 65535) ulen = plen;    /* an IPv6 jumbogram */
    if (ulen < 8 || ulen > plen) { p->have |= PACKET_BAD; ulen = plen < 8 ? 8 : plen; }
    p->len = ulen - 8;
    p->ndata = avail - 8 < p->len ? avail - 8 : p->len;
    if (p->ndata > PACKET_DATA) p->ndata = PACKET_DATA;
    memcpy(p->data, b + 8, p->ndata);
}

/* Whether an ICMP (v6: ICMPv6) type is an error that quotes the datagram that caused it. */
static int icmp_error(int v6, int type)
{
    return v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static void icmp(packet *p, const unsigned char *b, size_t avail, size_t plen, size_t wirelen)
{
    int v6 = p->proto == IPPROTO_ICMPV6;
    if (avail < 2) { p->have |= PACKET_TRUNC; return; }
    p->icmp_type = b[0];
    p->icmp_code = b[1];
    p->have |= PACKET_HAVE_ICMP;
    if (plen < 8) { p->have |= PACKET_BAD; plen = 8; }
    p->len = plen - 8;
    if (avail > 8) {
        p->ndata = avail - 8 < p->len ? avail - 8 : p->len;
        if (p->ndata > PACKET_DATA) p->ndata = PACKET_DATA;
        memcpy(p->data, b + 8, p->ndata);
    }
    if (avail < 8) { p->have |= PACKET_TRUNC; return; }
    if (icmp_error(v6, p->icmp_type) && avail > 8) {
        size_t off, qplen;
        int fam, proto, frag;
        unsigned qhave = 0;
        if (ip_header(b + 8, avail - 8, wirelen, &fam, &proto, &p->qsrc, &p->qdst, &off, &qplen, &frag, &qhave) < 0) return;
        p->qproto = proto;
        p->have |= PACKET_HAVE_QUOTE;
        if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && !frag && 8 + off + 4 <= avail) {
            set_port(&p->qsrc, get16(b + 8 + off));
            set_port(&p->qdst, get16(b + 8 + off + 2));
            p->qports = 1;
        }
    }
}

/* Where the IP header starts in a frame of link type dlt; -1 when not IP or unknown. */
static long link_header(int dlt, const unsigned char *f, size_t caplen, unsigned *have)
{
    size_t off;
    unsigned type;
    switch (dlt) {
    case DLT_EN10MB:
        if (caplen < 14) { *have |= PACKET_TRUNC; return -1; }
        off = 12;
        type = get16(f + 12);
        for (int tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 2; tags++) {   /* VLAN tags */
            off += 4;
            if (caplen < off + 2) { *have |= PACKET_TRUNC; return -1; }
            type = get16(f + off);
        }
        off += 2;
        break;
    case DLT_LINUX_SLL:
        if (caplen < 16) { *have |= PACKET_TRUNC; return -1; }
        type = get16(f + 14);
        off = 16;
        break;
    case DLT_LINUX_SLL2:
        if (caplen < 20) { *have |= PACKET_TRUNC; return -1; }
        type = get16(f);
        off = 20;
        break;
    case DLT_NULL:
    case DLT_LOOP:
        if (caplen < 4) { *have |= PACKET_TRUNC; return -1; }
        return 4;                          /* the family word's byte order varies: the IP version says */
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
#if defined(DLT_RAW) && DLT_RAW != 12
    case 12:
#endif
    case 101:                              /* LINKTYPE_RAW as a file stores it */
        return 0;
    default:
        return -1;
    }
    return type == 0x0800 || type == 0x86dd ? (long)off : -1;
}

/* An ARP packet (Ethernet/IPv4): 0, or -1 when it is cut or not that kind. */
static int arp(packet *p, const unsigned char *a, size_t n)
{
    if (n < 28) {
        p->have |= PACKET_TRUNC;
        return -1;
    }
    if (get16(a) != 1 || get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4) return -1;
    p->arp_op = get16(a + 6);
    memcpy(p->arp_sha, a + 8, 6);
    memcpy(p->arp_spa.b, a + 14, 4);
    memcpy(p->arp_tha, a + 18, 6);
    memcpy(p->arp_tpa.b, a + 24, 4);
    p->have |= PACKET_HAVE_ARP;
    return 0;
}

int packet_decode(packet *p, int dlt, const struct timespec *ts, const unsigned char *frame, size_t caplen,
                  size_t wirelen, packet_table *t)
{
    long link;
    size_t off, plen, avail;
    int frag;
    memset(p, 0, sizeof *p);
    if (ts) p->ts = *ts;
    p->wirelen = wirelen;
    p->proto = -1;
    p->mss = p->wscale = -1;
    if (caplen > wirelen) wirelen = caplen;
    if (dlt == DLT_EN10MB && caplen >= 14) {
        memcpy(p->dmac, frame, 6);
        memcpy(p->smac, frame + 6, 6);
        p->have |= PACKET_HAVE_MAC;
        if (get16(frame + 12) == 0x0806) return arp(p, frame + 14, caplen - 14);
    }
    if ((link = link_header(dlt, frame, caplen, &p->have)) < 0) return -1;
    if (ip_header(frame + link, caplen - (size_t)link, wirelen - (size_t)link, &p->family, &p->proto, &p->src, &p->dst,
                  &off, &plen, &frag, &p->have) < 0)
        return -1;
    p->have |= PACKET_HAVE_IP;
    off += (size_t)link;
    avail = off < caplen ? caplen - off : 0;
    if (frag) { p->len = plen; return 0; }       /* a later fragment: no transport header */
    if (p->proto == IPPROTO_TCP) tcp(p, frame + off, avail, plen, t);
    else if (p->proto == IPPROTO_UDP) udp(p, frame + off, avail, plen);
    else if ((p->proto == IPPROTO_ICMP && p->family == AF_INET) || (p->proto == IPPROTO_ICMPV6 && p->family == AF_INET6))
        icmp(p, frame + off, avail, plen, wirelen);
    else p->len = plen;
    if (t && p->proto != IPPROTO_TCP) flow(t, p);
    return 0;
}

const char *packet_mac(const unsigned char *m, char *buf, size_t n)
{
    snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

const char *packet_action_text(const packet *p, char *buf, size_t n)
{
    switch (p->action) {
    case PACKET_SW_HELD: snprintf(buf, n, "%s", TR("held: `next` sends it on", "扣住：`next` 放行")); break;
    case PACKET_SW_RELEASED: snprintf(buf, n, "%s", TR("sent on", "已放行")); break;
    case PACKET_SW_DROPPED: snprintf(buf, n, "%s", TR("dropped by the switch", "被交换机丢弃")); break;
    case PACKET_SW_LOST: snprintf(buf, n, "%s", TR("lost", "丢失")); break;
    case PACKET_SW_DELAYED: snprintf(buf, n, TR("delayed %d ms", "延迟 %d 毫秒"), p->delay_ms); break;
    case PACKET_SW_SENT_LATE: snprintf(buf, n, "%s", TR("sent late", "延迟后发出")); break;
    case PACKET_SW_DUPLICATED: snprintf(buf, n, "%s", TR("a duplicate", "重复的一份")); break;
    case PACKET_SW_REORDERED: snprintf(buf, n, "%s", TR("kept back", "被留后")); break;
    default: buf[0] = 0;
    }
    return buf;
}

const char *packet_state_name(int st)
{
    static const char *const names[] = {"", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2",
                                        "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT", "CLOSED"};
    return st > 0 && st < (int)(sizeof names / sizeof names[0]) ? names[st] : "";
}

/* ---- the line ---- */

/* Appends to buf like snprintf, keeping *at at most n-1 (what did not fit is dropped). */
static void put(char *buf, size_t n, size_t *at, const char *fmt, ...)
{
    va_list ap;
    int w;
    if (*at + 1 >= n) return;
    va_start(ap, fmt);
    w = vsnprintf(buf + *at, n - *at, fmt, ap);
    va_end(ap);
    if (w < 0) return;
    *at = (size_t)w < n - *at ? *at + (size_t)w : n - 1;
}

const char *packet_flags(unsigned flags, char *buf, size_t n)
{
    static const struct { unsigned bit; const char *name; } order[] = {
        {PACKET_SYN, "SYN"}, {PACKET_FIN, "FIN"}, {PACKET_RST, "RST"}, {PACKET_PSH, "PSH"},
        {PACKET_URG, "URG"}, {PACKET_ACK, "ACK"}, {PACKET_ECE, "ECE"}, {PACKET_CWR, "CWR"}};
    size_t at = 0;
    if (n) buf[0] = '\0';
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (flags & order[i].bit) put(buf, n, &at, "%s%s", at ? "+" : "", order[i].name);
    if (!at) put(buf, n, &at, "none");
    return buf;
}

const char *packet_end(const struct sockaddr_storage *ss, int ports, char *buf, size_t n)
{
    char a[INET6_ADDRSTRLEN] = "?";
    size_t len;
    const unsigned char *b = addr_bytes(ss, &len);
    inet_ntop(ss->ss_family == AF_INET ? AF_INET : AF_INET6, b, a, sizeof a);
    if (!ports) snprintf(buf, n, "%s", a);
    else if (ss->ss_family == AF_INET6) snprintf(buf, n, "[%s]:%u", a, port_of(ss));
    else snprintf(buf, n, "%s:%u", a, port_of(ss));
    return buf;
}

size_t packet_preview(const packet *p, size_t max, char *buf, size_t n)
{
    size_t at = 0, i = 0, shown = p->ndata < max ? p->ndata : max;
    if (n) buf[0] = '\0';
    put(buf, n, &at, "\"");
    while (i < shown) {
        unsigned char c = p->data[i];
        size_t u = c >= 0x80 ? out_utf8_len(p->data + i, shown - i) : 1;
        if (c >= 0x80 && u > 1) {                 /* text in UTF-8 (你好) stays text */
            put(buf, n, &at, "%.*s", (int)u, (const char *)p->data + i);
            i += u;
            continue;
        }
        if (c == '"' || c == '\\') put(buf, n, &at, "\\%c", c);
        else if (c == '\n') put(buf, n, &at, "\\n");
        else if (c == '\r') put(buf, n, &at, "\\r");
        else if (c == '\t') put(buf, n, &at, "\\t");
        else if (c >= 0x20 && c < 0x7f) put(buf, n, &at, "%c", c);
        else put(buf, n, &at, "\\x%02x", c);
        i++;
    }
    put(buf, n, &at, "\"%s", i < p->len ? "…" : "");
    return at;
}

/* An end: the session's name for it, a space, its address. */
static void put_end(char *buf, size_t n, size_t *at, const struct sockaddr_storage *ss, int ports, int proto,
                    packet_namefn name, void *ud)
{
    char a[64];
    const char *nm = name ? name((const struct sockaddr *)ss, proto, ud) : NULL;
    put(buf, n, at, "%s%s%s", nm && *nm ? nm : "", nm && *nm ? " " : "", packet_end(ss, ports, a, sizeof a));
}

static const char *proto_name(int proto, int family)
{
    switch (proto) {
    case IPPROTO_TCP: return "TCP";
    case IPPROTO_UDP: return "UDP";
    case IPPROTO_ICMP: return "ICMP";
    case IPPROTO_ICMPV6: return "ICMPv6";
    default: return family == AF_INET6 ? "IPv6" : "IP";
    }
}

/* What an ICMP type/code means, in words ("port unreachable"), or NULL. */
static const char *icmp_words(int v6, int type, int code)
{
    if (!v6 && type == 3) {
        switch (code) {
        case 0: return TR("network unreachable", "网络不可达");
        case 1: return TR("host unreachable", "主机不可达");
        case 2: return TR("protocol unreachable", "协议不可达");
        case 3: return TR("port unreachable", "端口不可达");
        case 4: return TR("fragmentation needed", "需要分片");
        case 9: case 10: case 13: return TR("administratively prohibited", "被管理策略禁止");
        default: return TR("destination unreachable", "目的不可达");
        }
    }
    if (v6 && type == 1) {
        switch (code) {
        case 0: return TR("no route to destination", "没有到目的地的路由");
        case 1: return TR("administratively prohibited", "被管理策略禁止");
        case 3: return TR("address unreachable", "地址不可达");
        case 4: return TR("port unreachable", "端口不可达");
        default: return TR("destination unreachable", "目的不可达");
        }
    }
    if (v6 && type == 2) return TR("packet too big", "数据包过大");
    if ((!v6 && type == 11) || (v6 && type == 3)) return TR("time exceeded", "超时");
    if ((!v6 && type == 8) || (v6 && type == 128)) return TR("echo request", "回显请求");
    if ((!v6 && type == 0) || (v6 && type == 129)) return TR("echo reply", "回显应答");
    if (!v6 && type == 4) return TR("source quench", "源抑制");
    if (!v6 && type == 5) return TR("redirect", "重定向");
    if (!v6 && type == 12) return TR("parameter problem", "参数问题");
    if (v6 && type == 4) return TR("parameter problem", "参数问题");
    if (v6 && type == 135) return TR("neighbor solicitation", "邻居请求");
    if (v6 && type == 136) return TR("neighbor advertisement", "邻居通告");
    return NULL;
}

/* The TCP part: "FLAGS seq=… ack=… win=… len=N "preview"". */
static void put_tcp(const packet *p, char *buf, size_t n, size_t *at)
{
    char fl[48];
    int rel = (p->have & PACKET_HAVE_REL) != 0;
    uint32_t seq = rel ? p->rseq : p->seq, ack = rel ? p->rack : p->ack;
    put(buf, n, at, "  %s", packet_flags(p->flags, fl, sizeof fl));
    if (p->len > 0) put(buf, n, at, " seq=%u:%u", (unsigned)seq, (unsigned)(seq + (uint32_t)p->len));
    else if (p->flags & (PACKET_SYN | PACKET_FIN | PACKET_RST)) put(buf, n, at, " seq=%u", (unsigned)seq);
    if (p->flags & PACKET_ACK) put(buf, n, at, " ack=%u", (unsigned)ack);
    if (p->flags & PACKET_SYN) put(buf, n, at, " win=%u", p->window);
    else if (p->window == 0 && !(p->flags & PACKET_RST)) put(buf, n, at, " win=0");
    if (p->len > 0) {
        put(buf, n, at, " len=%zu", p->len);
        if (p->ndata) {
            char pv[200];
            packet_preview(p, 24, pv, sizeof pv);
            put(buf, n, at, " %s", pv);
        }
    }
}

size_t packet_label(const packet *p, char *buf, size_t n)
{
    size_t at = 0;
    if (n) buf[0] = '\0';
    if (p->have & PACKET_HAVE_TCP) {
        char fl[48];
        int rel = (p->have & PACKET_HAVE_REL) != 0;
        uint32_t seq = rel ? p->rseq : p->seq, ack = rel ? p->rack : p->ack;
        put(buf, n, &at, "%s", packet_flags(p->flags, fl, sizeof fl));
        if (p->len > 0) put(buf, n, &at, " seq=%u:%u", (unsigned)seq, (unsigned)(seq + (uint32_t)p->len));
        else if (p->flags & (PACKET_SYN | PACKET_FIN | PACKET_RST)) put(buf, n, &at, " seq=%u", (unsigned)seq);
        if (p->flags & PACKET_ACK) put(buf, n, &at, " ack=%u", (unsigned)ack);
        if (p->window == 0 && !(p->flags & PACKET_RST)) put(buf, n, &at, " win=0");
        if (p->len > 0) put(buf, n, &at, " len=%zu", p->len);
    } else if (p->have & PACKET_HAVE_ICMP) {
        const char *w = icmp_words(p->proto == IPPROTO_ICMPV6, p->icmp_type, p->icmp_code);
        put(buf, n, &at, "%s ", proto_name(p->proto, p->family));
        if (w) put(buf, n, &at, "%s", w);
        else put(buf, n, &at, "type=%d code=%d", p->icmp_type, p->icmp_code);
    } else {
        put(buf, n, &at, "%s", proto_name(p->proto, p->family));
        if (p->have & PACKET_HAVE_PORTS) put(buf, n, &at, " len=%zu", p->len);
    }
    return at;
}

size_t packet_format(const packet *p, char *buf, size_t n, packet_namefn name, void *ud)
{
    size_t at = 0;
    int ports = (p->have & PACKET_HAVE_PORTS) != 0;
    if (!n) return 0;
    buf[0] = '\0';
    if (p->have & PACKET_HAVE_ARP) {
        char m[24];
        const unsigned char *s4 = p->arp_spa.b, *t4 = p->arp_tpa.b;
        if (p->arp_op == 1)
            put(buf, n, &at, TR("ARP who has %u.%u.%u.%u? tell %u.%u.%u.%u", "ARP 谁是 %u.%u.%u.%u？请告诉 %u.%u.%u.%u"), t4[0], t4[1],
                t4[2], t4[3], s4[0], s4[1], s4[2], s4[3]);
        else if (p->arp_op == 2)
            put(buf, n, &at, TR("ARP %u.%u.%u.%u is at %s", "ARP %u.%u.%u.%u 在 %s"), s4[0], s4[1], s4[2], s4[3],
                packet_mac(p->arp_sha, m, sizeof m));
        else put(buf, n, &at, "ARP op=%d", p->arp_op);
    } else if (!(p->have & PACKET_HAVE_IP)) {
        put(buf, n, &at, TR("frame of %zu bytes, not IP", "%zu 字节的帧，不是 IP"), p->wirelen);
    } else if (p->have & PACKET_HAVE_ICMP) {
        int v6 = p->proto == IPPROTO_ICMPV6;
        const char *w = icmp_words(v6, p->icmp_type, p->icmp_code);
        put(buf, n, &at, "%s ", proto_name(p->proto, p->family));
        if (w) put(buf, n, &at, "%s", w);
        else put(buf, n, &at, "type=%d code=%d", p->icmp_type, p->icmp_code);
        if (p->have & PACKET_HAVE_QUOTE) {
            put(buf, n, &at, TR(" for %s ", " 针对 %s "), proto_name(p->qproto, p->qsrc.ss_family));
            put_end(buf, n, &at, &p->qsrc, p->qports, p->qproto, name, ud);
            put(buf, n, &at, " → ");
            put_end(buf, n, &at, &p->qdst, p->qports, p->qproto, name, ud);
        } else {
            put(buf, n, &at, " ");
            put_end(buf, n, &at, &p->src, 0, p->proto, name, ud);
            put(buf, n, &at, " → ");
            put_end(buf, n, &at, &p->dst, 0, p->proto, name, ud);
            if (p->len) put(buf, n, &at, " len=%zu", p->len);
        }
    } else {
        if (p->proto != IPPROTO_TCP) put(buf, n, &at, "%s ", proto_name(p->proto, p->family));
        if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP && p->proto != IPPROTO_ICMP && p->proto != IPPROTO_ICMPV6)
            put(buf, n, &at, "proto %d ", p->proto);
        put_end(buf, n, &at, &p->src, ports, p->proto, name, ud);
        put(buf, n, &at, " → ");
        put_end(buf, n, &at, &p->dst, ports, p->proto, name, ud);
        if (p->have & PACKET_HAVE_TCP) {
            put_tcp(p, buf, n, &at);
        } else if (p->proto == IPPROTO_UDP && (p->have & PACKET_HAVE_PORTS) && !(p->have & PACKET_TRUNC)) {
            put(buf, n, &at, " len=%zu", p->len);
            if (p->ndata) {
                char pv[200];
                packet_preview(p, 24, pv, sizeof pv);
                put(buf, n, &at, " %s", pv);
            }
        } else if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP) {
            put(buf, n, &at, " len=%zu", p->len);
        }
    }
    if (p->have & PACKET_TRUNC) put(buf, n, &at, "%s", TR("  (cut short)", "  （不完整）"));
    if (p->have & PACKET_BAD) put(buf, n, &at, "%s", TR("  (malformed)", "  （格式错误）"));
    if (at + 1 >= n && n > 4) {                 /* did not fit: say so (a UTF-8 character may have been cut: back up) */
        size_t k = n - 4;
        while (k > 0 && ((unsigned char)buf[k] & 0xc0) == 0x80) k--;
        memcpy(buf + k, "…", 4);
        at = k + 3;
    }
    return at;
}
