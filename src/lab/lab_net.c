/* lab_net.c — the lab's topology made real, in the order that works: for each host a new
 * network namespace (unshare(CLONE_NEWNET) from the lab's own, its fd kept, its sysctls
 * written while inside, its routing-netlink and ioctl sockets opened there — sockets keep
 * the namespace they were made in), then back to the lab's own; then each interface as a
 * veth pair whose host end is born inside the host under its final name, offloads off on
 * both ends (a frame re-sent by the switch must be whole: at most the MTU, its checksum
 * complete), links up, addresses, and the default routes last (a gateway is reachable only
 * once its link has an address). libnl-route-3 speaks to the kernel (lab_nl.h). */
#include "lab/lab_net.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "core/place.h"
#include "lab/lab_nl.h"
#include "report/out.h"
#include "wire/wire.h"

static lab_topo topo;
static int built, bridged;
static int own_ns = -1;                  /* the lab's own namespace */
static int host_ns[LAB_HOSTS];
static lab_port ports[LAB_PORTS];
static size_t nports;

/* Where the build is, for the message when a step fails. */
static char *berr;
static size_t bn;

/* Says that step failed (why: an errno text or libnl's), and returns -1. */
static int failed(const char *step, const char *why)
{
    snprintf(berr, bn, TR("the lab could not be built: %s: %s", "实验室建不起来：%s：%s"), step, why);
    return -1;
}

static int nl_failed(const char *step, int nlerr)
{
    return failed(step, nl_geterror(nlerr));
}

/* Writes s to a /proc/sys file of the namespace this thread is in. */
static int sysctl_set(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), ok;
    if (fd < 0) return failed(path, strerror(errno));
    ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
    close(fd);
    return ok ? 0 : failed(path, strerror(errno));
}

/* A handle on this thread's network namespace. */
static int ns_here(void)
{
    return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

/* A routing-netlink socket of this thread's namespace, or NULL (err set). */
static struct nl_sock *nl_here(void)
{
    struct nl_sock *sk = nl_socket_alloc();
    int rc;
    if (!sk) {
        failed("nl_socket_alloc", strerror(ENOMEM));
        return NULL;
    }
    if ((rc = nl_connect(sk, NETLINK_ROUTE)) < 0) {
        nl_failed("nl_connect", rc);
        nl_socket_free(sk);
        return NULL;
    }
    return sk;
}

/* Sets IFF_UP on the interface name, through sk. */
static int link_up(struct nl_sock *sk, const char *name)
{
    struct rtnl_link *l, *c;
    int rc = rtnl_link_get_kernel(sk, 0, name, &l);
    if (rc < 0) return nl_failed(name, rc);
    if (!(c = rtnl_link_alloc())) {
        rtnl_link_put(l);
        return failed(name, strerror(ENOMEM));
    }
    rtnl_link_set_flags(c, IFF_UP);
    rc = rtnl_link_change(sk, l, c, 0);
    rtnl_link_put(c);
    rtnl_link_put(l);
    return rc < 0 ? nl_failed(name, rc) : 0;
}

/* Adds addr/prefix to the interface name, through sk. */
static int addr_add(struct nl_sock *sk, const char *name, struct in_addr addr, int prefix)
{
    char text[40], ip[INET_ADDRSTRLEN];
    struct rtnl_link *l;
    struct rtnl_addr *a;
    struct nl_addr *local;
    int rc;
    inet_ntop(AF_INET, &addr, ip, sizeof ip);
    snprintf(text, sizeof text, "%s/%d", ip, prefix);
    if ((rc = rtnl_link_get_kernel(sk, 0, name, &l)) < 0) return nl_failed(name, rc);
    if ((rc = nl_addr_parse(text, AF_INET, &local)) < 0) {
        rtnl_link_put(l);
        return nl_failed(text, rc);
    }
    a = rtnl_addr_alloc();
    if (a) {
        rtnl_addr_set_ifindex(a, rtnl_link_get_ifindex(l));
        if ((rc = rtnl_addr_set_local(a, local)) == 0) rc = rtnl_addr_add(sk, a, 0);
        rtnl_addr_put(a);
    } else rc = -NLE_NOMEM;
    nl_addr_put(local);
    rtnl_link_put(l);
    return rc < 0 ? nl_failed(text, rc) : 0;
}

/* The default route via gw, through sk. */
static int route_default(struct nl_sock *sk, struct in_addr gw)
{
    char ip[INET_ADDRSTRLEN];
    struct rtnl_route *r = rtnl_route_alloc();
    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    struct nl_addr *dst = NULL, *via = NULL;
    int rc;
    inet_ntop(AF_INET, &gw, ip, sizeof ip);
    if (!r || !nh) rc = -NLE_NOMEM;
    else if ((rc = nl_addr_parse("0.0.0.0/0", AF_INET, &dst)) == 0 && (rc = nl_addr_parse(ip, AF_INET, &via)) == 0) {
        rtnl_route_set_family(r, AF_INET);
        if ((rc = rtnl_route_set_dst(r, dst)) == 0) {
            rtnl_route_nh_set_gateway(nh, via);
            rtnl_route_add_nexthop(r, nh);   /* the route owns it now */
            nh = NULL;
            rc = rtnl_route_add(sk, r, NLM_F_CREATE | NLM_F_EXCL);
        }
    }
    if (dst) nl_addr_put(dst);
    if (via) nl_addr_put(via);
    if (r) rtnl_route_put(r);
    if (nh) rtnl_route_nh_free(nh);   /* only when it was not handed to the route */
    return rc < 0 ? nl_failed(TR("default route", "默认路由"), rc) : 0;
}

/* A veth pair: sw in the lab's namespace, its peer born in namespace hostns as hif with mac. */
static int veth_add(struct nl_sock *sk, const char *sw, const char *hif, int hostns, const unsigned char *mac)
{
    struct rtnl_link *l = rtnl_link_veth_alloc(), *peer;
    struct nl_addr *ll;
    int rc;
    if (!l) return failed(sw, strerror(ENOMEM));
    rtnl_link_set_name(l, sw);
    peer = rtnl_link_veth_get_peer(l);           /* a reference of its own */
    rtnl_link_set_name(peer, hif);
    rtnl_link_set_ns_fd(peer, hostns);
    if ((ll = nl_addr_build(AF_LLC, mac, 6))) {
        rtnl_link_set_addr(peer, ll);
        nl_addr_put(ll);
    }
    rc = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(peer);
    rtnl_link_veth_release(l);
    return rc < 0 ? nl_failed(sw, rc) : 0;
}

/* Whether a feature (ethtool's name) is one that must be off: checksum offload, segmentation
 * offloads, GRO. Matched by name, so that a newer kernel's new ones go too. */
static int offload(const char *name)
{
    return !strncmp(name, "tx-checksum", 11) || strstr(name, "segmentation") || !strncmp(name, "tx-gso", 6) ||
           !strncmp(name, "rx-gro", 6);
}

/* SIOCETHTOOL on the interface name (ctl: an ioctl socket of its namespace). */
static int ethtool(int ctl, const char *name, void *cmd)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    ifr.ifr_data = cmd;
    return ioctl(ctl, SIOCETHTOOL, &ifr);
}

/* Turns every offload off on the interface name (ETHTOOL_SFEATURES by the features' names). */
static int offloads_off(int ctl, const char *name)
{
    /* struct ethtool_sset_info and the one count that follows it (its data[]) */
    union { struct ethtool_sset_info h; unsigned char b[sizeof(struct ethtool_sset_info) + sizeof(uint32_t)]; } si;
    struct ethtool_gstrings *gs = NULL;
    struct ethtool_sfeatures *sf = NULL;
    uint32_t count, words;
    int rc = -1;
    memset(&si, 0, sizeof si);
    si.h.cmd = ETHTOOL_GSSET_INFO;
    si.h.sset_mask = 1ULL << ETH_SS_FEATURES;
    if (ethtool(ctl, name, &si) < 0) return failed(name, strerror(errno));
    memcpy(&count, si.b + sizeof si.h, sizeof count);
    words = (count + 31) / 32;
    gs = calloc(1, sizeof *gs + (size_t)count * ETH_GSTRING_LEN);
    sf = calloc(1, sizeof *sf + words * sizeof sf->features[0]);
    if (gs && sf) {
        gs->cmd = ETHTOOL_GSTRINGS;
        gs->string_set = ETH_SS_FEATURES;
        gs->len = count;
        if (ethtool(ctl, name, gs) == 0) {
            sf->cmd = ETHTOOL_SFEATURES;
            sf->size = words;
            for (uint32_t i = 0; i < count; i++)
                if (offload((const char *)gs->data + (size_t)i * ETH_GSTRING_LEN))
                    sf->features[i / 32].valid |= 1u << (i % 32);   /* requested 0: off */
            rc = ethtool(ctl, name, sf) < 0 ? -1 : 0;   /* > 0: some were fixed; that is fine */
        }
    } else errno = ENOMEM;
    if (rc < 0) failed(name, strerror(errno));
    free(gs);
    free(sf);
    return rc;
}

/* Makes host h's namespace (this thread inside it meanwhile): lo up, no IPv6 chatter,
 * forwarding on a router; its netlink (*sk) and ioctl (*ctl) sockets. Back in the lab's own. */
static int host_make(int h, struct nl_sock **sk, int *ctl)
{
    int rc = -1;
    if (unshare(CLONE_NEWNET) < 0) return failed("unshare(CLONE_NEWNET)", strerror(errno));
    if ((host_ns[h] = ns_here()) < 0) failed("/proc/thread-self/ns/net", strerror(errno));
    else if (sysctl_set("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1") == 0 &&
             sysctl_set("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1") == 0 &&
             (!topo.hosts[h].router || sysctl_set("/proc/sys/net/ipv4/ip_forward", "1") == 0) && (*sk = nl_here())) {
        if ((*ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) failed("socket", strerror(errno));
        else rc = 0;
    }
    if (setns(own_ns, CLONE_NEWNET) < 0) return failed("setns", strerror(errno));
    return rc == 0 ? link_up(*sk, "lo") : -1;
}

/* The name of the switch port for host h's interface i: "sw-A", "sw-R0" (a router's). */
static void port_name(int h, int i, char *b, size_t n)
{
    const lab_host *x = &topo.hosts[h];
    if ((x->nifs == 1 ? strlen(x->name) + 3 : strlen(x->name) + 4) < IFNAMSIZ)
        snprintf(b, n, x->nifs == 1 ? "sw-%s" : "sw-%s%d", x->name, i);
    else snprintf(b, n, "sw-h%d.%d", h % LAB_HOSTS, i % LAB_IFS);
}

static int build(const lab_topo *t);
static int host_count(void);

/* SOCKPLAY_LAB_SWITCH=bridge: the kernel's bridge joins each LAN's ports instead of
 * sockplay's switch — the anchor `make bench` measures the switch against. */
int lab_net_bridge_wanted(void)
{
    const char *v = getenv("SOCKPLAY_LAB_SWITCH");
    return v && !strcmp(v, "bridge");
}

int lab_net_bridged(void)
{
    return bridged;
}

/* One kernel bridge per LAN ("br-lan0"), its ports enslaved, up. */
static int bridge_ports(struct nl_sock *own)
{
    for (int l = 0; l < topo.nlans; l++) {
        char name[24];
        struct rtnl_link *br;
        int rc;
        snprintf(name, sizeof name, "br-lan%d", l % LAB_LANS);
        if ((rc = rtnl_link_bridge_add(own, name)) < 0) return nl_failed(name, rc);
        if ((rc = rtnl_link_get_kernel(own, 0, name, &br)) < 0) return nl_failed(name, rc);
        for (size_t p = 0; p < nports; p++) {
            struct rtnl_link *port;
            if (ports[p].lan != l) continue;
            if ((rc = rtnl_link_get_kernel(own, 0, ports[p].name, &port)) == 0) {
                rc = rtnl_link_enslave(own, br, port);
                rtnl_link_put(port);
            }
            if (rc < 0) {
                rtnl_link_put(br);
                return nl_failed(ports[p].name, rc);
            }
        }
        rtnl_link_put(br);
        if (link_up(own, name) < 0) return -1;
    }
    return 0;
}

int lab_net_build(const lab_topo *t, char *err, size_t n)
{
    int held[WIRE_FDS_ABOVE], k, rc;
    berr = err;
    bn = n;
    if (lab_nl_load(err, n) < 0) return -1;
    k = wire_fds_hold(held);     /* the namespaces' fds above the learner's sockets' */
    rc = build(t);
    wire_fds_free(held, k);
    return rc;
}

/* Makes hosts first … topo.nhosts-1 real: their namespaces, their interfaces and switch
 * ports, their routes (own_ns is the lab's own namespace, this thread in it). */
static int hosts_from(int first)
{
    struct nl_sock *own = NULL, *sk[LAB_HOSTS] = {NULL};
    int ctl[LAB_HOSTS], own_ctl = -1, rc = -1;
    for (int h = 0; h < LAB_HOSTS; h++) ctl[h] = -1;
    if (!(own = nl_here())) goto out;
    if ((own_ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
        failed("socket", strerror(errno));
        goto out;
    }
    for (int h = first; h < topo.nhosts; h++)
        if (host_make(h, &sk[h], &ctl[h]) < 0) goto out;
    for (int h = first; h < topo.nhosts; h++)
        for (int i = 0; i < topo.hosts[h].nifs; i++) {
            const lab_if *f = &topo.hosts[h].ifs[i];
            lab_port *p = &ports[nports];
            port_name(h, i, p->name, sizeof p->name);
            p->host = h;
            p->ifx = i;
            p->lan = f->lan;
            if (veth_add(own, p->name, f->name, host_ns[h], f->mac) < 0 || offloads_off(own_ctl, p->name) < 0 ||
                offloads_off(ctl[h], f->name) < 0 || link_up(own, p->name) < 0 || link_up(sk[h], f->name) < 0 ||
                addr_add(sk[h], f->name, f->addr, f->prefix) < 0)
                goto out;
            nports++;
        }
    for (int h = first; h < topo.nhosts; h++)
        if (topo.hosts[h].gateway.s_addr && route_default(sk[h], topo.hosts[h].gateway) < 0) goto out;
    if (first == 0 && (bridged = lab_net_bridge_wanted()) && bridge_ports(own) < 0) goto out;
    rc = 0;
out:
    for (int h = 0; h < LAB_HOSTS; h++) {
        if (sk[h]) nl_socket_free(sk[h]);
        if (ctl[h] >= 0) close(ctl[h]);
    }
    if (own) nl_socket_free(own);
    if (own_ctl >= 0) close(own_ctl);
    return rc;
}

static int build(const lab_topo *t)
{
    topo = *t;
    nports = 0;
    for (int h = 0; h < LAB_HOSTS; h++) host_ns[h] = -1;
    if ((own_ns = ns_here()) < 0) return failed("/proc/thread-self/ns/net", strerror(errno));
    if (sysctl_set("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1") < 0 || hosts_from(0) < 0) return -1;
    built = 1;
    {
        static const place_ops ops = {lab_net_enter, host_count, lab_net_name, lab_net_find};
        place_register(&ops);
    }
    return 0;
}

int lab_net_add(const char *line, char *err, size_t n)
{
    lab_topo t = topo;
    int first = topo.nhosts, held[WIRE_FDS_ABOVE], k, rc;
    char why[400];
    berr = err;
    bn = n;
    if (!built) return failed("lab add", TR("this session has no lab network", "本会话没有实验室网络"));
    if (bridged) return failed("lab add", TR("the kernel's bridge joins this lab: hosts cannot be added", "这个实验室由内核网桥连接：不能添加主机"));
    if (lab_topo_line(&t, line, why, sizeof why) < 0 || lab_topo_finish(&t, why, sizeof why) < 0) {
        snprintf(err, n, "%s", why);
        return -1;
    }
    if (t.nhosts != first + 1 || t.hosts[first].router) {
        snprintf(err, n, "%s", TR("lab add takes one host: lab add host NAME ADDR/N", "lab add 一次添加一台主机：lab add host 名字 地址/前缀"));
        return -1;
    }
    topo = t;
    k = wire_fds_hold(held);
    rc = hosts_from(first);
    wire_fds_free(held, k);
    if (rc < 0) {                                  /* what was made of it stays unused */
        topo.nhosts = first;
        return -1;
    }
    return 0;
}
static int host_count(void)
{
    return built ? topo.nhosts : 0;
}

const lab_topo *lab_net_topo(void)
{
    return built ? &topo : NULL;
}

const lab_port *lab_net_ports(size_t *n)
{
    *n = built ? nports : 0;
    return ports;
}

int lab_net_find(const char *name)
{
    if (!strcasecmp(name, "lab")) return LAB_OWN;
    for (int h = 0; built && h < topo.nhosts; h++)
        if (!strcasecmp(topo.hosts[h].name, name)) return h;
    return -2;
}

const char *lab_net_name(int h)
{
    return h >= 0 && built && h < topo.nhosts ? topo.hosts[h].name : "lab";
}

int lab_net_enter(int h)
{
    int fd = h == LAB_OWN ? own_ns : h >= 0 && h < LAB_HOSTS ? host_ns[h] : -1;
    if (fd < 0) {
        errno = EINVAL;
        return -1;
    }
    return setns(fd, CLONE_NEWNET);
}

int lab_net_fd(int h)
{
    return h == LAB_OWN ? own_ns : h >= 0 && h < LAB_HOSTS ? host_ns[h] : -1;
}
