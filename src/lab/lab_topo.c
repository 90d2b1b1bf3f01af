/* lab_topo.c — the lab's network as data, and the two lines that describe a node:
 * `host NAME ADDR/N [gateway ADDR]` and `router NAME ADDR/N ADDR/N …`. A LAN is the network
 * an address lies in: hosts whose addresses share one are on the same switch. Addresses
 * are private (RFC 1918) only, so a lab's address can never be mistaken for a real one. */
#include "lab/lab_topo.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "report/out.h"

void lab_topo_init(lab_topo *t)
{
    memset(t, 0, sizeof *t);
}

void lab_topo_default(lab_topo *t)
{
    static const char *lines[] = {"host A 192.168.1.103/24", "host B 192.168.1.104/24",
                                  "router R 192.168.1.1/24 10.0.0.1/24", "host D 10.0.0.2/24"};
    char err[200];
    lab_topo_init(t);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) lab_topo_line(t, lines[i], err, sizeof err);
    lab_topo_finish(t, err, sizeof err);
}

static uint32_t mask_of(int prefix)
{
    return prefix ? htonl(0xffffffffu << (32 - prefix)) : 0;
}

/* Whether a (network byte order) is in 10/8, 172.16/12 or 192.168/16. */
static int private_addr(struct in_addr a)
{
    uint32_t h = ntohl(a.s_addr);
    return (h >> 24) == 10 || (h >> 20) == (172u << 4 | 1) || (h >> 16) == (192u << 8 | 168);
}

/* "192.168.1.103/24" into a and prefix; -1 with err naming what is wrong. */
static int parse_cidr(const char *w, struct in_addr *a, int *prefix, char *err, size_t n)
{
    char ip[32];
    const char *slash = strchr(w, '/');
    char *end;
    long p;
    if (!slash || slash - w >= (long)sizeof ip) {
        snprintf(err, n, TR("'%s' is not an address with its prefix, such as 192.168.1.103/24",
                            "'%s' 不是带前缀长度的地址，应当像 192.168.1.103/24 这样"), w);
        return -1;
    }
    memcpy(ip, w, (size_t)(slash - w));
    ip[slash - w] = 0;
    p = strtol(slash + 1, &end, 10);
    if (inet_pton(AF_INET, ip, a) != 1) {
        snprintf(err, n, TR("'%s' is not an IPv4 address", "'%s' 不是 IPv4 地址"), ip);
        return -1;
    }
    if (!slash[1] || *end || p < 8 || p > 30) {
        snprintf(err, n, TR("the prefix in '%s' must be a number from 8 to 30", "'%s' 的前缀长度必须是 8 到 30 之间的数"), w);
        return -1;
    }
    *prefix = (int)p;
    if (!private_addr(*a)) {
        snprintf(err, n, TR("%s is not a private address: a lab uses 10.x, 172.16–31.x or 192.168.x only",
                            "%s 不是私有地址：实验室只用 10.x、172.16–31.x 或 192.168.x"), ip);
        return -1;
    }
    uint32_t host = a->s_addr & ~mask_of(*prefix);
    if (!host || host == ~mask_of(*prefix)) {
        snprintf(err, n, TR("%s is the network's own address or its broadcast address in %s: a host needs another",
                            "%s 是 %s 网络本身的地址或广播地址：主机要用别的地址"), ip, w);
        return -1;
    }
    return 0;
}

/* The LAN of addr/prefix (a new one if none): its index, or -1 with err when it overlaps
 * another LAN or there are too many. */
static int lan_of(lab_topo *t, struct in_addr addr, int prefix, char *err, size_t n)
{
    struct in_addr net = {addr.s_addr & mask_of(prefix)};
    char a[INET_ADDRSTRLEN], b[40];
    for (int i = 0; i < t->nlans; i++) {
        const lab_lan *l = &t->lans[i];
        int shorter = prefix < l->prefix ? prefix : l->prefix;
        if (l->net.s_addr == net.s_addr && l->prefix == prefix) return i;
        if ((l->net.s_addr & mask_of(shorter)) == (net.s_addr & mask_of(shorter))) {
            inet_ntop(AF_INET, &net, a, sizeof a);
            lab_topo_lan_text(t, i, b, sizeof b);
            snprintf(err, n, TR("%s/%d overlaps the LAN %s: give its addresses the same prefix",
                                "%s/%d 与局域网 %s 重叠：它们的前缀长度应当相同"), a, prefix, b);
            return -1;
        }
    }
    if (t->nlans == LAB_LANS) {
        snprintf(err, n, TR("a lab has at most %d LANs", "一个实验室最多 %d 个局域网"), LAB_LANS);
        return -1;
    }
    t->lans[t->nlans].net = net;
    t->lans[t->nlans].prefix = prefix;
    return t->nlans++;
}

int lab_topo_name_ok(const char *w, size_t len)
{
    int ok = len && len <= LAB_NAME_MAX && isalpha((unsigned char)w[0]);
    for (size_t i = 0; ok && i < len; i++) ok = isalnum((unsigned char)w[i]) || w[i] == '-' || w[i] == '_';
    return ok;
}

/* Whether w is a usable host name; else err says why. */
static int good_name(const lab_topo *t, const char *w, char *err, size_t n)
{
    if (!lab_topo_name_ok(w, strlen(w))) {
        snprintf(err, n, TR("'%s' cannot name a host: up to %d letters, digits, '-' or '_', starting with a letter",
                            "'%s' 不能作主机名：最多 %d 个字母、数字、'-' 或 '_'，以字母开头"), w, LAB_NAME_MAX);
        return 0;
    }
    if (!strcasecmp(w, "lab")) {
        snprintf(err, n, "%s", TR("'lab' is the lab's own network (sockplay's): choose another name",
                                  "'lab' 是实验室自己的网络（sockplay 所在的）：换一个名字"));
        return 0;
    }
    if (lab_topo_host(t, w)) {
        snprintf(err, n, TR("there is a host %s already", "已经有主机 %s 了"), w);
        return 0;
    }
    return 1;
}

/* Splits line into at most max words (in buf); returns how many. */
static int split(const char *line, char *buf, size_t n, char **w, int max)
{
    int k = 0;
    snprintf(buf, n, "%s", line);
    for (char *save = NULL, *tok = strtok_r(buf, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
        if (*tok == '#') break;
        if (k == max) return max + 1;
        w[k++] = tok;
    }
    return k;
}

int lab_topo_line(lab_topo *t, const char *line, char *err, size_t n)
{
    char buf[512], *w[LAB_IFS + 4];
    int k = split(line, buf, sizeof buf, w, LAB_IFS + 3), router, naddr = 0;
    lab_topo saved = *t;
    lab_host h;
    if (k == 0) return 0;
    router = !strcasecmp(w[0], "router");
    if (!router && strcasecmp(w[0], "host")) {
        snprintf(err, n, TR("'%s': a line says `host NAME ADDR/N [gateway ADDR]` or `router NAME ADDR/N ADDR/N …`",
                            "'%s'：每行写 `host 名字 地址/前缀 [gateway 地址]` 或 `router 名字 地址/前缀 地址/前缀 …`"), w[0]);
        return -1;
    }
    if (k < 3 || k > LAB_IFS + 2 + !router) {
        snprintf(err, n, "%s", router ? TR("a router needs a name and two to four ADDR/N, one per LAN: router R 192.168.1.1/24 10.0.0.1/24",
                                           "路由器要有名字和二到四个 地址/前缀，每个局域网一个：router R 192.168.1.1/24 10.0.0.1/24")
                                      : TR("a host needs a name and one ADDR/N: host A 192.168.1.103/24 [gateway 192.168.1.1]",
                                           "主机要有名字和一个 地址/前缀：host A 192.168.1.103/24 [gateway 192.168.1.1]"));
        return -1;
    }
    if (t->nhosts == LAB_HOSTS) {
        snprintf(err, n, TR("a lab has at most %d hosts", "一个实验室最多 %d 台主机"), LAB_HOSTS);
        return -1;
    }
    if (!good_name(t, w[1], err, n)) return -1;
    memset(&h, 0, sizeof h);
    snprintf(h.name, sizeof h.name, "%s", w[1]);
    h.router = router;
    for (int i = 2; i < k; i++) {
        lab_if *f = &h.ifs[h.nifs];
        int ifx;
        if (!router && !strcasecmp(w[i], "gateway")) {
            if (i + 2 != k || inet_pton(AF_INET, w[i + 1], &h.gateway) != 1) {
                snprintf(err, n, "%s", TR("`gateway` takes one IPv4 address, last on the line: gateway 192.168.1.1",
                                          "`gateway` 后面跟一个 IPv4 地址，放在行尾：gateway 192.168.1.1"));
                goto fail;
            }
            h.gateway_set = 1;
            break;
        }
        if ((!router && naddr == 1) || parse_cidr(w[i], &f->addr, &f->prefix, err, n) < 0) {
            if (!router && naddr == 1)
                snprintf(err, n, TR("'%s': a host has one address (a router has several)", "'%s'：主机只有一个地址（路由器才有多个）"), w[i]);
            goto fail;
        }
        int again = 0;
        for (int j = 0; j < h.nifs; j++) again |= h.ifs[j].addr.s_addr == f->addr.s_addr;
        if (again || lab_topo_owner(t, f->addr, &ifx)) {
            snprintf(err, n, TR("%s is taken already", "%s 已经被占用了"), w[i]);
            goto fail;
        }
        if ((f->lan = lan_of(t, f->addr, f->prefix, err, n)) < 0) goto fail;
        for (int j = 0; j < h.nifs; j++)
            if (h.ifs[j].lan == f->lan) {
                snprintf(err, n, TR("%s: router %s has an address on that LAN already", "%s：路由器 %s 在这个局域网里已经有地址了"),
                         w[i], h.name);
                goto fail;
            }
        snprintf(f->name, sizeof f->name, "eth%d", h.nifs);
        f->mac[0] = 0x02;                              /* locally administered, unicast */
        f->mac[4] = (unsigned char)(t->nhosts + 1);
        f->mac[5] = (unsigned char)(h.nifs + 1);
        h.nifs++;
        naddr++;
    }
    if (router && h.nifs < 2) {
        snprintf(err, n, TR("router %s needs addresses on two LANs at least", "路由器 %s 至少要在两个局域网里有地址"), h.name);
        goto fail;
    }
    if (!h.nifs) {
        snprintf(err, n, TR("host %s needs an address: host %s 192.168.1.105/24", "主机 %s 需要地址：host %s 192.168.1.105/24"), h.name,
                 h.name);
        goto fail;
    }
    t->hosts[t->nhosts++] = h;
    return 0;
fail:
    *t = saved;
    return -1;
}

int lab_topo_finish(lab_topo *t, char *err, size_t n)
{
    for (int i = 0; i < t->nhosts; i++) {
        lab_host *h = &t->hosts[i];
        const lab_host *g;
        int ifx;
        char a[INET_ADDRSTRLEN];
        if (h->router) continue;
        if (h->gateway_set) {
            inet_ntop(AF_INET, &h->gateway, a, sizeof a);
            g = lab_topo_owner(t, h->gateway, &ifx);
            if (!g || !g->router || g->ifs[ifx].lan != h->ifs[0].lan) {
                snprintf(err, n, TR("host %s: its gateway %s must be a router's address on its own LAN",
                                    "主机 %s：网关 %s 必须是它所在局域网里某个路由器的地址"), h->name, a);
                return -1;
            }
            continue;
        }
        h->gateway.s_addr = 0;
        for (int j = 0; j < t->nhosts && !h->gateway.s_addr; j++)
            for (int k = 0; t->hosts[j].router && k < t->hosts[j].nifs; k++)
                if (t->hosts[j].ifs[k].lan == h->ifs[0].lan) {
                    h->gateway = t->hosts[j].ifs[k].addr;
                    break;
                }
    }
    if (!t->nhosts) {
        snprintf(err, n, "%s", TR("the topology has no host", "拓扑里没有主机"));
        return -1;
    }
    return 0;
}

int lab_topo_file(const char *path, lab_topo *t, char *err, size_t n)
{
    FILE *f = fopen(path, "re");
    char line[512], why[400];
    int no = 0, rc = 0;
    if (!f) {
        snprintf(err, n, TR("cannot read the topology %s: %s", "读不了拓扑文件 %s：%s"), path, strerror(errno));
        return -1;
    }
    lab_topo_init(t);
    while (rc == 0 && fgets(line, sizeof line, f)) {
        no++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, n, TR("%s:%d: the line is too long", "%s:%d：这一行太长"), path, no);
            rc = -1;
        } else if (lab_topo_line(t, line, why, sizeof why) < 0) {
            snprintf(err, n, "%s:%d: %s", path, no, why);
            rc = -1;
        }
    }
    fclose(f);
    if (rc == 0 && lab_topo_finish(t, why, sizeof why) < 0) {
        snprintf(err, n, "%s: %s", path, why);
        rc = -1;
    }
    return rc;
}

const lab_host *lab_topo_host(const lab_topo *t, const char *name)
{
    for (int i = 0; i < t->nhosts; i++)
        if (!strcasecmp(t->hosts[i].name, name)) return &t->hosts[i];
    return NULL;
}

const lab_host *lab_topo_owner(const lab_topo *t, struct in_addr addr, int *ifindex)
{
    for (int i = 0; i < t->nhosts; i++)
        for (int k = 0; k < t->hosts[i].nifs; k++)
            if (t->hosts[i].ifs[k].addr.s_addr == addr.s_addr) {
                if (ifindex) *ifindex = k;
                return &t->hosts[i];
            }
    return NULL;
}

void lab_topo_lan_text(const lab_topo *t, int lan, char *buf, size_t n)
{
    char a[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &t->lans[lan].net, a, sizeof a);
    snprintf(buf, n, "%s/%d", a, t->lans[lan].prefix);
}

void lab_topo_mac_text(const unsigned char *mac, char *buf, size_t n)
{
    snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}
