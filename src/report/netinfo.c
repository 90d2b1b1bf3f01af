/* netinfo.c — answers computed here (bits, classes, masks) or asked of the system
 * (getaddrinfo, getservbyport, /proc/sys/net, the kernel's table through kernel/). */
#include "report/netinfo.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "lang/addr.h"
#include "kernel/kernel.h"
#include "report/errtext.h"
#include "report/out.h"

static void bits(uint32_t v, char *b)
{
    int k = 0;
    for (int i = 31; i >= 0; i--) {
        b[k++] = (char)('0' + ((v >> i) & 1));
        if (i % 8 == 0 && i) b[k++] = '.';
    }
    b[k] = '\0';
}

static const char *dotted(uint32_t v, char *b)
{
    snprintf(b, 16, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
    return b;
}

static int in_net(uint32_t a, uint32_t net, int prefix)
{
    uint32_t m = prefix ? 0xffffffffu << (32 - prefix) : 0;
    return (a & m) == net;
}

static const char *kind4(uint32_t a)
{
    if (a == 0) return TR("unspecified (0.0.0.0): in bind it means every local address", "未指定（0.0.0.0）：在 bind 中表示本机所有地址");
    if (a == 0xffffffffu) return TR("limited broadcast: every host on this network (needs SO_BROADCAST)", "受限广播：本网络所有主机（需要 SO_BROADCAST）");
    if (in_net(a, 0x7f000000u, 8)) return TR("loopback (127.0.0.0/8): this machine itself, never leaves it", "环回（127.0.0.0/8）：本机自己，不会离开本机");
    if (in_net(a, 0x0a000000u, 8) || in_net(a, 0xac100000u, 12) || in_net(a, 0xc0a80000u, 16))
        return TR("private (RFC 1918): used inside LANs, not routed on the Internet (NAT in between)",
                  "私有地址（RFC 1918）：用于局域网内部，不在互联网上路由（中间有 NAT）");
    if (in_net(a, 0xa9fe0000u, 16)) return TR("link-local (169.254.0.0/16): chosen by a host that found no DHCP", "链路本地（169.254.0.0/16）：主机找不到 DHCP 时自己选的");
    if (in_net(a, 0x64400000u, 10)) return TR("shared address space (100.64.0.0/10): carrier-grade NAT", "共享地址空间（100.64.0.0/10）：运营商级 NAT");
    if (in_net(a, 0xe0000000u, 4)) return TR("multicast (class D): one packet to a group of hosts", "组播（D 类）：一个数据包发给一组主机");
    if (in_net(a, 0xf0000000u, 4)) return TR("reserved (class E): not used", "保留（E 类）：不使用");
    return TR("public: routable on the Internet", "公网地址：可在互联网上路由");
}

/* One "label  value" line of ipinfo: the label padded to 10 display columns (二进制 is 6,
 * not 9), the value wrapped under itself. */
static void field(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void field(const char *label, const char *fmt, ...)
{
    char lead[64], pad[48], value[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    snprintf(lead, sizeof lead, "  %s ", out_pad(pad, sizeof pad, label, 10));
    out_wrap(stdout, lead, -1, value, "");
}

static int ipinfo6(const char *addr)
{
    struct in6_addr a;
    const unsigned char *b = a.s6_addr;
    const char *kind;
    if (inet_pton(AF_INET6, addr, &a) != 1) return -1;
    if (IN6_IS_ADDR_UNSPECIFIED(&a)) kind = TR("unspecified (::): in bind, every local address", "未指定（::）：在 bind 中表示本机所有地址");
    else if (IN6_IS_ADDR_LOOPBACK(&a)) kind = TR("loopback (::1): this machine itself", "环回（::1）：本机自己");
    else if (IN6_IS_ADDR_V4MAPPED(&a)) kind = TR("an IPv4 address mapped into IPv6 (::ffff:a.b.c.d)", "映射到 IPv6 的 IPv4 地址（::ffff:a.b.c.d）");
    else if (IN6_IS_ADDR_LINKLOCAL(&a)) kind = TR("link-local (fe80::/10): this link only; needs an interface (%eth0)", "链路本地（fe80::/10）：只在本链路有效；需要指定接口（%eth0）");
    else if (IN6_IS_ADDR_MULTICAST(&a)) kind = TR("multicast (ff00::/8)", "组播（ff00::/8）");
    else if ((b[0] & 0xfe) == 0xfc) kind = TR("unique local (fc00::/7): IPv6's private addresses", "唯一本地地址（fc00::/7）：IPv6 的私有地址");
    else kind = TR("global unicast: routable on the Internet", "全局单播：可在互联网上路由");
    printf("%s%s%s  IPv6, 128 bits\n", out_col(C_BOLD), addr, out_col(C_RESET));
    field(TR("full", "完整"), "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x", b[0], b[1], b[2], b[3],
          b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    field(TR("kind", "类型"), "%s", kind);
    return 0;
}

int netinfo_ip(const char *addr, const char *mask)
{
    char text[64], b1[40], b2[40], d1[16], d2[16], d3[16];
    const char *slash = strchr(addr, '/');
    struct in_addr in;
    uint32_t a, m = 0;
    int prefix = -1, classful = 0;
    char cls;
    snprintf(text, sizeof text, "%.*s", slash ? (int)(slash - addr) : (int)strlen(addr), addr);
    if (inet_pton(AF_INET, text, &in) != 1) {
        if (!slash && !mask && ipinfo6(text) == 0) return 0;
        printf("%s%s%s\n", out_col(C_RED),
               out_lang == LANG_ZH ? "ipinfo：这不是 IPv4 地址（写成 192.168.1.10、10.0.0.1/8 或 192.168.1.10 255.255.255.0）"
                                   : "ipinfo: not an IPv4 address (write 192.168.1.10, 10.0.0.1/8 or 192.168.1.10 255.255.255.0)",
               out_col(C_RESET));
        return -1;
    }
    a = ntohl(in.s_addr);
    if (slash || mask) {
        const char *pm = slash ? slash + 1 : mask;
        char *end;
        long p = strtol(pm, &end, 10);
        struct in_addr mi;
        if (*pm && !*end && p >= 0 && p <= 32 && !strchr(pm, '.')) prefix = (int)p;
        else if (inet_pton(AF_INET, pm, &mi) == 1) {
            uint32_t mm = ntohl(mi.s_addr);
            if (mm && (~mm & (~mm + 1))) {   /* the ones must come first: 255.0.255.0 is no mask */
                printf("%s%s%s\n", out_col(C_RED), TR("ipinfo: a mask is ones then zeros (255.255.255.0); this one is not",
                                                  "ipinfo：掩码必须是连续的 1 再接 0（如 255.255.255.0）；这个不是"), out_col(C_RESET));
                return -1;
            }
            prefix = 0;
            while (prefix < 32 && (mm & (0x80000000u >> prefix))) prefix++;
        } else {
            printf("%s%s '%s'%s\n", out_col(C_RED), TR("ipinfo: not a mask or prefix length (0–32):", "ipinfo：不是掩码或前缀长度（0–32）："),
                   pm, out_col(C_RESET));
            return -1;
        }
    }
    cls = a >> 31 == 0 ? 'A' : a >> 30 == 2 ? 'B' : a >> 29 == 6 ? 'C' : a >> 28 == 14 ? 'D' : 'E';
    if (prefix < 0 && cls <= 'C') {
        prefix = cls == 'A' ? 8 : cls == 'B' ? 16 : 24;
        classful = 1;
    }
    bits(a, b1);
    printf("%s%s%s\n", out_col(C_BOLD), text, out_col(C_RESET));
    field(TR("binary", "二进制"), "%s", b1);
    field(TR("class", "类别"), "%c  %s", cls,
           cls == 'A' ? TR("(first bit 0: 0–127, default mask /8)", "（首位 0：0–127，默认掩码 /8）")
           : cls == 'B' ? TR("(first bits 10: 128–191, default mask /16)", "（首位 10：128–191，默认掩码 /16）")
           : cls == 'C' ? TR("(first bits 110: 192–223, default mask /24)", "（首位 110：192–223，默认掩码 /24）")
           : cls == 'D' ? TR("(first bits 1110: 224–239, multicast)", "（首位 1110：224–239，组播）")
                        : TR("(first bits 1111: 240–255, reserved)", "（首位 1111：240–255，保留）"));
    field(TR("kind", "类型"), "%s", kind4(a));
    if (prefix < 0) return 0;
    m = prefix ? 0xffffffffu << (32 - prefix) : 0;
    bits(m, b2);
    field(TR("mask", "掩码"), "%s /%d  %s%s", dotted(m, d1), prefix, b2,
           classful ? TR("  (the class's default: give /N or a mask to choose)", "  （类别的默认值：可用 /N 或掩码指定）") : "");
    field(TR("network", "网络号"), "%-15s %s", dotted(a & m, d1),
           TR("(address AND mask: the part all hosts of the network share)", "（地址 AND 掩码：同一网络所有主机共有的部分）"));
    field(TR("host", "主机号"), "%-15s %s", dotted(a & ~m, d2), TR("(the rest: this host within it)", "（其余部分：本主机在网络中的编号）"));
    if (prefix <= 30) {
        field(TR("broadcast", "广播地址"), "%s", dotted((a & m) | ~m, d3));
        field(TR("hosts", "主机范围"), "%s – %s  (%lu %s)", dotted((a & m) + 1, d1), dotted(((a & m) | ~m) - 1, d2),
               (1ul << (32 - prefix)) - 2, TR("addresses", "个地址"));
    }
    return 0;
}

/* getaddrinfo's head, the name escaped as a C string (a typed name may hold any byte),
 * wrapped to the terminal; returns the column where it ended. */
static int call_head(const char *name)
{
    char *text = NULL;
    size_t n = 0;
    int col = 0;
    FILE *m = open_memstream(&text, &n);
    if (!m) return 0;
    fprintf(m, "%sgetaddrinfo%s(", out_col(C_BOLD ";" C_CYAN), out_col(C_RESET));
    out_quoted(m, name, strlen(name), 200);
    fputs(", NULL, {AF_UNSPEC, SOCK_STREAM})", m);
    if (fclose(m) == 0) col = out_wrap_at(stdout, 0, 4, text);
    free(text);
    fflush(stdout);
    return col;
}

/* " = result" after the head, wrapped when it does not fit beside it. */
static void call_result(int col, const char *r)
{
    if (col + out_width(r) <= out_cols()) fputs(r, stdout);
    else out_wrap_at(stdout, col, 4, r);
    fputc('\n', stdout);
}

int netinfo_resolve(const char *name)
{
    struct addrinfo hints, *res, *r;
    int rc, n = 0, col;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_CANONNAME;
    col = call_head(name);
    errno = 0;
    rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0) {
        int err = errno;
        char why[512], said[200];
        snprintf(said, sizeof said, " = %s%s%s", out_col(C_RED), gai_strerror(rc), out_col(C_RESET));
        call_result(col, said);
        /* Out of fds, the resolver could not open /etc/hosts: it says EAI_NONAME all the same. */
        out_hint(addr_unread(err) ? errtext_unread(TR("the resolver's files (/etc/hosts, /etc/nsswitch.conf)",
                                                  "解析器的文件（/etc/hosts、/etc/nsswitch.conf）"), err, why, sizeof why)
             : TR("the name is not in /etc/hosts and no DNS server answered for it (sockplay needs no network for localhost)",
                  "这个名字不在 /etc/hosts 中，也没有 DNS 服务器给出答案（localhost 不需要网络）"));
        return -1;
    }
    call_result(col, " = 0");
    if (res->ai_canonname && strcmp(res->ai_canonname, name) != 0) field(TR("canonical", "规范名"), "%s", res->ai_canonname);
    for (r = res; r; r = r->ai_next) {
        char host[128];
        int port;
        if (addr_split(r->ai_addr, r->ai_addrlen, host, sizeof host, &port) < 0) continue;
        field(r->ai_family == AF_INET6 ? "AF_INET6" : "AF_INET", "%s", host);
        n++;
    }
    freeaddrinfo(res);
    out_hint(TR("connect tries these in order; Python: socket.getaddrinfo(name, None), or gethostbyname for one IPv4",
            "connect 会按顺序尝试这些地址；Python：socket.getaddrinfo(name, None)，只要一个 IPv4 用 gethostbyname"));
    return n ? 0 : -1;
}

/* A number from a /proc/sys file; -1 when there is none, with *err set when the file was
 * there but could not be opened (EMFILE …): then nothing may be said from it. */
static long read_long(const char *path, int field, int *err)
{
    FILE *f = fopen(path, "r");
    long v[2] = {-1, -1};
    if (!f) {
        if (errno != ENOENT) *err = errno;
        return -1;
    }
    if (fscanf(f, "%ld %ld", &v[0], &v[1]) < 1) v[0] = -1;
    fclose(f);
    return v[field];
}

/* One line of `port`: "label  text". */
static void port_line(const char *label, const char *text)
{
    field(label, "%s", text);
}

/* One line of `port` for a read that failed: said as such, nothing claimed. */
static void port_unread(const char *label, const char *what, int err)
{
    char b[512];
    field(label, "%s%s%s", out_col(C_YELLOW), errtext_unread(what, err, b, sizeof b), out_col(C_RESET));
}

/* The "here" line: whether a TCP socket listens on p, from the kernel's table. */
static void port_here(int p)
{
    int here = kernel_listening((unsigned short)p);
    if (here == 1)
        port_line(TR("here", "本机"), TR("a TCP socket is listening on it now: bind would fail with EADDRINUSE",
                                         "现在有 TCP 套接字在监听它：bind 会失败（EADDRINUSE）"));
    else if (here < 0)
        port_unread(TR("here", "本机"), TR("the kernel's table", "内核的套接字表"), errno);
    else
        port_line(TR("here", "本机"), TR("no TCP socket listens on it now", "现在没有 TCP 套接字在监听它"));
}

int netinfo_port(const char *text)
{
    char err[200];
    int p = addr_parse_port(text, err, sizeof err), uerr = 0, rerr = 0, serr;
    long unpriv = read_long("/proc/sys/net/ipv4/ip_unprivileged_port_start", 0, &uerr);
    long lo = read_long("/proc/sys/net/ipv4/ip_local_port_range", 0, &rerr), hi = read_long("/proc/sys/net/ipv4/ip_local_port_range", 1, &rerr);
    struct servent *tcp, *udp;
    if (p < 0) {
        printf("%sport: %s%s\n", out_col(C_RED), err, out_col(C_RESET));
        return -1;
    }
    if (unpriv < 0) unpriv = 1024;
    errno = 0;
    tcp = getservbyport(htons((unsigned short)p), "tcp");
    serr = tcp ? 0 : errno;
    printf("%sport %d%s\n", out_col(C_BOLD), p, out_col(C_RESET));
    if (addr_unread(serr)) {
        port_unread(TR("service", "服务"), "/etc/services", serr);
    } else {
        char tname[64];   /* getservbyport's answer is overwritten by the next call */
        snprintf(tname, sizeof tname, "%s", tcp ? tcp->s_name : "");
        udp = getservbyport(htons((unsigned short)p), "udp");
        field(TR("service", "服务"), "%s%s%s%s%s", tcp ? tname : TR("(none in /etc/services)", "（/etc/services 中没有）"),
              tcp ? " (tcp)" : "", udp ? (tcp ? ", " : "") : "", udp ? udp->s_name : "", udp ? " (udp)" : "");
    }
    if (p == 0)
        port_line(TR("meaning", "含义"), TR("bind to port 0: the kernel picks a free port", "绑定端口 0：由内核挑一个空闲端口"));
    else if (uerr)
        port_unread(TR("bind", "绑定"), "/proc/sys/net/ipv4/ip_unprivileged_port_start", uerr);
    else if (p < unpriv)
        port_line(TR("bind", "绑定"),
                  TR(p < 1024 ? "privileged (below 1024 here): only root (or CAP_NET_BIND_SERVICE) may bind it — EACCES otherwise"
                              : "privileged on this machine: only root may bind it — EACCES otherwise",
                     "特权端口：只有 root（或拥有 CAP_NET_BIND_SERVICE）才能绑定 —— 否则 EACCES"));
    else
        port_line(TR("bind", "绑定"), TR("any user may bind it", "任何用户都可以绑定"));
    if (rerr)
        port_unread(TR("ephemeral", "临时端口"), "/proc/sys/net/ipv4/ip_local_port_range", rerr);
    else if (lo > 0 && p >= lo && p <= hi)
        field(TR("ephemeral", "临时端口"), "%s (%ld–%ld)",
              TR("in the range the kernel picks client ports from", "在内核为客户端挑选端口的范围内"), lo, hi);
    if (p > 0) port_here(p);
    return 0;
}
