/* addr.c — getaddrinfo with the course's conventions: "" means any address, as in Python. */
#include "lang/addr.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include "report/errtext.h"
#include "report/out.h"

int addr_parse_port(const char *s, char *err, size_t errlen)
{
    long v;
    struct servent *se;
    if (!s || !*s) {
        snprintf(err, errlen, TR("missing PORT: give a number from 0 to 65535",
                                 "缺少端口：请给出 0 到 65535 之间的数字"));
        return -1;
    }
    if (isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+') {
        /* By hand rather than strtol: this runs on every connect and sendto. */
        const char *q = s + (s[0] == '-' || s[0] == '+'), *d;
        v = 0;
        for (d = q; *d >= '0' && *d <= '9'; d++)
            if (v < 1000000) v = v * 10 + (*d - '0');
        if (d == q || *d) {
            snprintf(err, errlen, TR("port '%s' is not a number", "端口 '%s' 不是数字"), s);
            return -1;
        }
        if (s[0] == '-' && v > 0) v = -v;
        if (v < 0 || v > 65535 || strlen(s) > 6) {
            snprintf(err, errlen, TR("port %s is out of range: a port is a number from 0 to 65535",
                                     "端口 %s 超出范围：端口号是 0 到 65535 之间的数字"), s);
            return -1;
        }
        return (int)v;
    }
    errno = 0;
    se = getservbyname(s, NULL);
    if (se) return ntohs((unsigned short)se->s_port);
    if (addr_unread(errno)) {
        char why[400];
        int e = errno;
        snprintf(err, errlen, TR("port '%s': %s", "端口 '%s'：%s"), s, errtext_unread("/etc/services", e, why, sizeof why));
        return -1;
    }
    snprintf(err, errlen, TR("unknown port '%s': give a number from 0 to 65535 or a service name such as http",
                             "未知端口 '%s'：请给出 0 到 65535 的数字，或 http 这样的服务名"), s);
    return -1;
}

int addr_unread(int err) { return err == EMFILE || err == ENFILE; }

int addr_last_gai;

int addr_resolve(int family, int socktype, const char *host, const char *port, int passive,
                 sp_addr *out, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    char pbuf[16];
    int p = addr_parse_port(port, err, errlen), rc;
    addr_last_gai = 0;
    if (p < 0) return -1;
    if (host && (strcmp(host, "") == 0 || strcmp(host, "*") == 0)) host = NULL;
    /* A numeric address needs no resolver (getaddrinfo costs microseconds per call). */
    memset(out, 0, sizeof *out);
    if (host && family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&out->ss;
        if (inet_pton(AF_INET, host, &a->sin_addr) == 1) {
            a->sin_family = AF_INET;
            a->sin_port = htons((unsigned short)p);
            out->len = sizeof *a;
            return 0;
        }
    }
    snprintf(pbuf, sizeof pbuf, "%d", p);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    errno = 0;
    rc = getaddrinfo(host, pbuf, &hints, &res);
    addr_last_gai = rc;
    if (rc != 0) {
        const char *why = rc == EAI_SYSTEM ? "system error" : gai_strerror(rc);
        char files[400];
        int e = errno;
        if (addr_unread(e))
            snprintf(err, errlen, TR("cannot resolve '%s': %s", "无法解析 '%s'：%s"), host ? host : "",
                     errtext_unread(TR("the resolver's files (/etc/hosts, /etc/nsswitch.conf)", "解析器的文件（/etc/hosts、/etc/nsswitch.conf）"),
                                    e, files, sizeof files));
        else if (rc == EAI_ADDRFAMILY || rc == EAI_FAMILY || rc == EAI_NONAME)
            snprintf(err, errlen, TR("cannot resolve '%s' as an %s address (%s)",
                                     "无法把 '%s' 解析为 %s 地址（%s）"),
                     host ? host : "", family == AF_INET6 ? "IPv6" : "IPv4", why);
        else
            snprintf(err, errlen, TR("cannot resolve '%s': %s", "无法解析 '%s'：%s"), host ? host : "", why);
        return -1;
    }
    memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
    out->len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

int addr_unix(const char *path, sp_addr *out, char *err, size_t errlen)
{
    struct sockaddr_un *un = (struct sockaddr_un *)&out->ss;
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof un->sun_path) {
        snprintf(err, errlen, TR("a unix socket path must be 1 to %zu bytes long",
                                 "unix 套接字路径长度必须是 1 到 %zu 字节"), sizeof un->sun_path - 1);
        return -1;
    }
    memset(un, 0, sizeof *un);
    un->sun_family = AF_UNIX;
    memcpy(un->sun_path, path, n);
    /* A leading '@' names Linux's abstract namespace, as ss prints it. */
    if (path[0] == '@') un->sun_path[0] = '\0';
    out->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
    return 0;
}

int addr_split(const struct sockaddr *sa, socklen_t len, char *host, size_t hn, int *port)
{
    *port = 0;
    if (len == 0 || !sa) { snprintf(host, hn, "%s", ""); return -1; }
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, (socklen_t)hn);
        *port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, (socklen_t)hn);
        *port = ntohs(in6->sin6_port);
    } else if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *un = (const void *)sa;
        size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
        if (n == 0) snprintf(host, hn, "%s", "");
        else if (un->sun_path[0] == '\0') snprintf(host, hn, "@%.*s", (int)(n - 1), un->sun_path + 1);
        else snprintf(host, hn, "%.*s", (int)strnlen(un->sun_path, n), un->sun_path);
    } else {
        snprintf(host, hn, "?");
        return -1;
    }
    return 0;
}

/* A unix path as it may be shown at a terminal: a peer (or a typed name) chooses its bytes,
 * so control bytes, backslashes and bytes that are not UTF-8 are written as C escapes and
 * never reach the terminal raw (an ESC could clear the screen, a newline fake a line). */
static void shown_path(char *buf, size_t n, const char *path)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)path;
    size_t o = 0, avail = strlen(path);
    while (*p && o + 5 < n) {
        size_t k = out_utf8_len(p, avail);
        if (*p >= 0x20 && *p < 0x7f && *p != '\\') k = 1;
        else if (*p < 0x80 || k <= 1) k = 0;            /* a control byte, \\, or not UTF-8 */
        else if (k == 2 && p[0] == 0xc2 && p[1] < 0xa0) k = 0;   /* C1 controls (U+0080-009F, CSI) */
        if (k && o + k < n) {
            memcpy(buf + o, p, k);
            o += k, p += k, avail -= k;
            continue;
        }
        if (!k && *p == '\\') buf[o++] = '\\', buf[o++] = '\\';
        else if (!k && *p == '\n') buf[o++] = '\\', buf[o++] = 'n';
        else if (!k) buf[o++] = '\\', buf[o++] = 'x', buf[o++] = hex[*p >> 4], buf[o++] = hex[*p & 15];
        else break;
        p++, avail--;
    }
    buf[o < n ? o : n - 1] = '\0';
}

void addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t n)
{
    char host[INET6_ADDRSTRLEN + 110];
    int port;
    if (sa && len >= sizeof(struct sockaddr_in) && sa->sa_family == AF_INET && n >= 22) {
        /* The table formats thousands of these: no printf for the common case. */
        const struct sockaddr_in *in = (const void *)sa;
        const unsigned char *b = (const unsigned char *)&in->sin_addr;
        char *p = buf;
        for (int i = 0; i < 4; i++) {
            p = out_decimal(p, b[i]);
            *p++ = i < 3 ? '.' : ':';
        }
        *out_decimal(p, ntohs(in->sin_port)) = '\0';
        return;
    }
    if (addr_split(sa, len, host, sizeof host, &port) < 0 || !host[0]) {
        snprintf(buf, n, "*");
        return;
    }
    if (sa->sa_family == AF_UNIX) shown_path(buf, n, host);
    else if (sa->sa_family == AF_INET6) snprintf(buf, n, "[%s]:%d", host, port);
    else snprintf(buf, n, "%s:%d", host, port);
}

const char *addr_family_name(int family)
{
    switch (family) {
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_UNIX: return "AF_UNIX";
    default: return "AF_?";
    }
}

int addr_family_of(const char *name)
{
    if (!strcasecmp(name, "AF_INET")) return AF_INET;
    if (!strcasecmp(name, "AF_INET6")) return AF_INET6;
    if (!strcasecmp(name, "AF_UNIX") || !strcasecmp(name, "AF_LOCAL")) return AF_UNIX;
    return -1;
}

int addr_kind(const char *k, int *family, int *type)
{
    static const struct { const char *name; int family, type; } kinds[] = {
        {"tcp", AF_INET, SOCK_STREAM}, {"udp", AF_INET, SOCK_DGRAM}, {"tcp6", AF_INET6, SOCK_STREAM},
        {"udp6", AF_INET6, SOCK_DGRAM}, {"unix", AF_UNIX, SOCK_STREAM}, {"unix-dgram", AF_UNIX, SOCK_DGRAM},
        {"tcp4", AF_INET, SOCK_STREAM}, {"udp4", AF_INET, SOCK_DGRAM},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcasecmp(k, kinds[i].name) == 0) { *family = kinds[i].family; *type = kinds[i].type; return 0; }
    return -1;
}
