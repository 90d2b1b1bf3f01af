/* lab_filter.c — the words of a switch rule's filter, and matching a raw Ethernet frame:
 * its EtherType, then for IPv4 the protocol, TCP's flags and payload length, the
 * addresses (a host matches by any of its interfaces' addresses); for ARP the sender's and
 * the target's protocol addresses. */
#include "lab/lab_filter.h"
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "report/out.h"

const sp_word lab_filter_words[] = {
    {"syn", LAB_F_SYN, 0, 0},   {"syn+ack", LAB_F_SYNACK, 0, 0}, {"fin", LAB_F_FIN, 0, 0},   {"rst", LAB_F_RST, 0, 0},
    {"ack", LAB_F_ACK, 0, 0},   {"data", LAB_F_DATA, 0, 0},      {"tcp", LAB_F_TCP, 0, 0},   {"udp", LAB_F_UDP, 0, 0},
    {"icmp", LAB_F_ICMP, 0, 0}, {"arp", LAB_F_ARP, 0, 0},        {"from", -1, 0, 0},         {"to", -2, 0, 0},
    {NULL, 0, 0, 0},
};

int lab_filter_parse(const lab_topo *t, char **w, int n, lab_filter *f, char *err, size_t errn)
{
    char kinds[200];
    f->what = LAB_F_ANY;
    f->from = f->to = -1;
    for (int i = 0; i < n; i++) {
        const sp_word *k = words_find(lab_filter_words, w[i]);
        if (k && k->value < 0) {                      /* from HOST, to HOST */
            const lab_host *h = i + 1 < n ? lab_topo_host(t, w[i + 1]) : NULL;
            if (!h) {
                snprintf(err, errn, TR("`%s` takes one of the lab's hosts: %s %s", "`%s` 后面要跟实验室里的一台主机：%s %s"), k->word,
                         k->word, t->nhosts ? t->hosts[0].name : "A");
                return -1;
            }
            *(k->value == -1 ? &f->from : &f->to) = (int)(h - t->hosts);
            i++;
        } else if (k && f->what == LAB_F_ANY) {
            f->what = k->value;
        } else {
            words_join(lab_filter_words, ", ", TR(" or ", " 或 "), kinds, sizeof kinds);
            snprintf(err, errn, k ? TR("'%s': a rule takes one kind of frame", "'%s'：一条规则只能选一种帧")
                                  : TR("'%s' is not a kind of frame: %s HOST", "'%s' 不是帧的种类：%s 主机"), w[i], kinds);
            return -1;
        }
    }
    return 0;
}

/* Whether the IPv4 address a (network order) is one of host h's. */
static int host_has(const lab_topo *t, int h, const unsigned char *a)
{
    struct in_addr x;
    memcpy(&x, a, 4);
    for (int i = 0; i < t->hosts[h].nifs; i++)
        if (t->hosts[h].ifs[i].addr.s_addr == x.s_addr) return 1;
    return 0;
}

int lab_filter_match(const lab_topo *t, const lab_filter *f, const unsigned char *fr, size_t len)
{
    const unsigned char *src = NULL, *dst = NULL;
    int what = -1;                                    /* what the frame is, as far as f asks */
    uint16_t type;
    if (len < 14) return 0;
    type = (uint16_t)(fr[12] << 8 | fr[13]);
    if (type == 0x0806 && len >= 14 + 28) {           /* ARP: sender at 14+14, target at 14+24 */
        src = fr + 14 + 14;
        dst = fr + 14 + 24;
        what = LAB_F_ARP;
    } else if (type == 0x0800 && len >= 14 + 20) {
        const unsigned char *ip = fr + 14;
        size_t ihl = (size_t)(ip[0] & 15) * 4, tot = (size_t)(ip[2] << 8 | ip[3]);
        int proto = ip[9];
        src = ip + 12;
        dst = ip + 16;
        if (proto == 17) what = LAB_F_UDP;
        else if (proto == 1) what = LAB_F_ICMP;
        else if (proto == 6 && ihl >= 20 && len >= 14 + ihl + 20) {
            const unsigned char *tcp = ip + ihl;
            unsigned flags = tcp[13];
            size_t doff = (size_t)(tcp[12] >> 4) * 4;
            long payload = (long)tot - (long)ihl - (long)doff;
            switch (f->what) {
            case LAB_F_SYN: what = (flags & 0x12) == 0x02 ? LAB_F_SYN : LAB_F_TCP; break;
            case LAB_F_SYNACK: what = (flags & 0x12) == 0x12 ? LAB_F_SYNACK : LAB_F_TCP; break;
            case LAB_F_FIN: what = flags & 0x01 ? LAB_F_FIN : LAB_F_TCP; break;
            case LAB_F_RST: what = flags & 0x04 ? LAB_F_RST : LAB_F_TCP; break;
            case LAB_F_ACK: what = flags == 0x10 && payload <= 0 ? LAB_F_ACK : LAB_F_TCP; break;
            case LAB_F_DATA: what = payload > 0 ? LAB_F_DATA : LAB_F_TCP; break;
            default: what = LAB_F_TCP;
            }
        }
    }
    if (f->what != LAB_F_ANY && what != f->what) return 0;
    if (f->from >= 0 && (!src || !host_has(t, f->from, src))) return 0;
    if (f->to >= 0 && (!dst || !host_has(t, f->to, dst))) return 0;
    return 1;
}

void lab_filter_text(const lab_topo *t, const lab_filter *f, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = 0;
    for (const sp_word *k = lab_filter_words; k->word && f->what != LAB_F_ANY; k++)
        if (k->value == f->what) at += (size_t)snprintf(buf + at, n - at, "%s", k->word);
    if (f->from >= 0 && at < n) at += (size_t)snprintf(buf + at, n - at, "%sfrom %s", at ? " " : "", t->hosts[f->from].name);
    if (f->to >= 0 && at < n) at += (size_t)snprintf(buf + at, n - at, "%sto %s", at ? " " : "", t->hosts[f->to].name);
    if (!at) snprintf(buf, n, "%s", TR("every frame", "所有帧"));
}
