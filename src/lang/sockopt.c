/* sockopt.c — option names and value conversions; the call itself is core.c's. */
#include "lang/sockopt.h"
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "report/out.h"

const sp_optdef sockopt_defs[] = {
    {"SO_REUSEADDR", "SOL_SOCKET", SOL_SOCKET, SO_REUSEADDR, OPT_BOOL, "bind a port still in TIME_WAIT (a server restarted at once)", 0},
    {"SO_REUSEPORT", "SOL_SOCKET", SOL_SOCKET, SO_REUSEPORT, OPT_BOOL, "several sockets bind the same port; the kernel spreads connections", 0},
    {"SO_BROADCAST", "SOL_SOCKET", SOL_SOCKET, SO_BROADCAST, OPT_BOOL, "allow UDP sends to a broadcast address", 0},
    {"SO_KEEPALIVE", "SOL_SOCKET", SOL_SOCKET, SO_KEEPALIVE, OPT_BOOL, "probe an idle TCP connection to find a dead peer", 0},
    {"SO_RCVBUF", "SOL_SOCKET", SOL_SOCKET, SO_RCVBUF, OPT_INT, "receive buffer size in bytes (Linux doubles it)", 0},
    {"SO_SNDBUF", "SOL_SOCKET", SOL_SOCKET, SO_SNDBUF, OPT_INT, "send buffer size in bytes (Linux doubles it)", 0},
    {"SO_RCVTIMEO", "SOL_SOCKET", SOL_SOCKET, SO_RCVTIMEO, OPT_TIMEVAL, "recv/accept give up after this many seconds (0 = never)", 0},
    {"SO_SNDTIMEO", "SOL_SOCKET", SOL_SOCKET, SO_SNDTIMEO, OPT_TIMEVAL, "send/connect give up after this many seconds (0 = never)", 0},
    {"SO_LINGER", "SOL_SOCKET", SOL_SOCKET, SO_LINGER, OPT_LINGER, "close waits N s for unsent data; 0 resets the connection (RST)", 0},
    {"SO_RCVLOWAT", "SOL_SOCKET", SOL_SOCKET, SO_RCVLOWAT, OPT_INT, "recv waits until at least this many bytes are there", 0},
    {"SO_TYPE", "SOL_SOCKET", SOL_SOCKET, SO_TYPE, OPT_INT, "the socket type (read only: 1 = SOCK_STREAM, 2 = SOCK_DGRAM)", 1},
    {"SO_ERROR", "SOL_SOCKET", SOL_SOCKET, SO_ERROR, OPT_INT, "the pending error, cleared on read (read only)", 1},
    {"SO_ACCEPTCONN", "SOL_SOCKET", SOL_SOCKET, SO_ACCEPTCONN, OPT_BOOL, "1 once listen() was called (read only)", 1},
    {"TCP_NODELAY", "IPPROTO_TCP", IPPROTO_TCP, TCP_NODELAY, OPT_BOOL, "send small segments at once (turn Nagle's algorithm off)", 0},
    {"TCP_MAXSEG", "IPPROTO_TCP", IPPROTO_TCP, TCP_MAXSEG, OPT_INT, "the largest TCP segment, in bytes", 0},
    {"TCP_QUICKACK", "IPPROTO_TCP", IPPROTO_TCP, TCP_QUICKACK, OPT_BOOL, "acknowledge at once instead of delaying ACKs", 0},
    {"IPV6_V6ONLY", "IPPROTO_IPV6", IPPROTO_IPV6, IPV6_V6ONLY, OPT_BOOL, "an IPv6 socket refuses IPv4 clients (set before bind)", 0},
    {"IP_TTL", "IPPROTO_IP", IPPROTO_IP, IP_TTL, OPT_INT, "time to live of outgoing IPv4 packets (hops)", 0},
};
const size_t sockopt_ndefs = sizeof sockopt_defs / sizeof sockopt_defs[0];

const sp_optdef *sockopt_find(const char *name)
{
    for (size_t i = 0; i < sockopt_ndefs; i++) {
        const char *full = sockopt_defs[i].name;
        const char *bare = strchr(full, '_') + 1;
        if (strcasecmp(name, full) == 0 || strcasecmp(name, bare) == 0) return &sockopt_defs[i];
    }
    return NULL;
}

int sockopt_level(const char *name)
{
    static const struct { const char *a, *b; int level; } levels[] = {
        {"SOL_SOCKET", "socket", SOL_SOCKET}, {"IPPROTO_TCP", "tcp", IPPROTO_TCP},
        {"IPPROTO_IPV6", "ipv6", IPPROTO_IPV6}, {"IPPROTO_IP", "ip", IPPROTO_IP},
    };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcasecmp(name, levels[i].a) == 0 || strcasecmp(name, levels[i].b) == 0) return levels[i].level;
    return -1;
}

void sockopt_from_number(const sp_optdef *d, double v, int off, sp_optval *out)
{
    memset(out, 0, sizeof *out);
    switch (d->kind) {
    case OPT_BOOL: out->u.i = off ? 0 : (v != 0); out->len = sizeof(int); break;
    case OPT_INT: out->u.i = (int)v; out->len = sizeof(int); break;
    case OPT_TIMEVAL:
        if (!off && v > 0) {
            /* To the nearest µs (0.29 is 290000 µs, not 289999), and at least 1 µs: a
             * positive timeout never becomes 0, which the kernel reads as "no timeout". */
            double us = fmax(1, round((v - floor(v)) * 1e6));
            out->u.tv.tv_sec = (time_t)v + (us >= 1e6);
            out->u.tv.tv_usec = (suseconds_t)(us >= 1e6 ? 0 : us);
        }
        out->len = sizeof(struct timeval);
        break;
    case OPT_LINGER:
        out->u.lg.l_onoff = !off;
        out->u.lg.l_linger = off ? 0 : (int)v;
        out->len = sizeof(struct linger);
        break;
    }
}

int sockopt_parse(const sp_optdef *d, const char *t, sp_optval *out, char *err, size_t n)
{
    char *end;
    double v;
    int off = strcasecmp(t, "off") == 0 || strcasecmp(t, "false") == 0 || strcasecmp(t, "no") == 0 ||
              strcasecmp(t, "none") == 0;
    int on = strcasecmp(t, "on") == 0 || strcasecmp(t, "true") == 0 || strcasecmp(t, "yes") == 0;
    if (off || on) {
        if (d->kind == OPT_INT || (on && d->kind != OPT_BOOL)) {
            snprintf(err, n, TR("%s takes a number, not '%s'", "%s 需要一个数字，而不是 '%s'"), d->name, t);
            return -1;
        }
        sockopt_from_number(d, on ? 1 : 0, off, out);
        return 0;
    }
    v = strtod(t, &end);
    if (!*t || *end || !isfinite(v)) {
        snprintf(err, n, TR("%s: '%s' is not a value (use 1/0, on/off or a number)",
                            "%s：'%s' 不是合法的值（请用 1/0、on/off 或数字）"), d->name, t);
        return -1;
    }
    if (v < 0 || v > 2147483647.0 || (d->kind != OPT_TIMEVAL && v != floor(v))) {
        snprintf(err, n, TR("%s: %s is out of range (a whole number from 0 to 2147483647)",
                            "%s：%s 超出范围（应为 0 到 2147483647 的整数）"), d->name, t);
        return -1;
    }
    sockopt_from_number(d, v, 0, out);
    return 0;
}

double sockopt_number(const sp_optdef *d, const sp_optval *v)
{
    switch (d->kind) {
    case OPT_TIMEVAL: return (double)v->u.tv.tv_sec + v->u.tv.tv_usec / 1e6;
    case OPT_LINGER: return v->u.lg.l_onoff ? v->u.lg.l_linger : -1;
    default: return v->u.i;
    }
}

void sockopt_format(const sp_optdef *d, const sp_optval *v, char *buf, size_t n)
{
    switch (d->kind) {
    case OPT_TIMEVAL:
        if (sockopt_number(d, v) == 0) snprintf(buf, n, "%s", TR("0 (no timeout)", "0（不超时）"));
        else snprintf(buf, n, "%g s", sockopt_number(d, v));
        break;
    case OPT_LINGER:
        if (!v->u.lg.l_onoff) snprintf(buf, n, "off");
        else snprintf(buf, n, "on, %d s", v->u.lg.l_linger);
        break;
    default: snprintf(buf, n, "%d", v->u.i);
    }
}

const char *sockopt_timeout_bad(double seconds)
{
    static char why[160];
    if (seconds >= 0 && seconds <= SOCKOPT_TIMEOUT_MAX) return NULL;   /* also false for NaN */
    if (isnan(seconds)) seconds = NAN;                                 /* "nan", never "-nan" */
    snprintf(why, sizeof why, TR("a timeout is 0 to %.0f seconds (or none), not %g", "超时应为 0 到 %.0f 秒（或 none），而不是 %g"),
             SOCKOPT_TIMEOUT_MAX, seconds);
    return why;
}
