/* cmd_socket.c — the commands that are socket calls. Each handler checks its arguments,
 * names the mistake if any, and calls the core; nothing here touches a socket itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "cmd/cmdargs.h"
#include "core/core.h"
#include "report/dataview.h"
#include "core/jobs.h"
#include "report/output.h"
#include "core/sockopt.h"

#define RECV_MAX (16L << 20)

/* A call that may block, owning its bytes (data to send, or room for len to receive), so
 * that it can outlive this line in the background. NULL when out of memory. */
static sp_call *new_call(unsigned char *data, size_t len, int receive, const char *enc)
{
    sp_call *k = calloc(1, sizeof *k);
    if (!k || (receive && !(data = malloc(len)))) {
        free(k);
        free(data);
        usage("%s", TR("out of memory", "内存不足"));
        return NULL;
    }
    k->buf = data;
    k->len = len;
    k->owns_buf = 1;
    k->enc = enc;
    return k;
}

static void free_call(sp_call *k)
{
    free(k->buf);
    free(k);
}

/* Runs k here, or in the background when the line ended with '&'. */
static int go(const sp_cmd *c, sp_call *k, sp_call_kind kind, sp_sock *s, const char *host, const char *port)
{
    ssize_t rc;
    if (!k) return CMD_FAIL;
    if (core_start(k, kind, s, host, port) < 0) { free_call(k); return CMD_FAIL; }
    if (c->background) return jobs_start(k) < 0 ? CMD_FAIL : CMD_OK;
    rc = core_call_run(k);
    free_call(k);
    return rc < 0 ? CMD_FAIL : CMD_OK;
}

/* --- socket ------------------------------------------------------------------ */

int c_socket(const sp_cmd *c)
{
    int family = AF_INET, type = SOCK_STREAM;
    if (nargs(c, 0, 2, "") < 0) return CMD_FAIL;
    if (c->ntok == 2 && addr_kind(arg(c, 1), &family, &type) < 0)
        return usage(TR("unknown kind '%s': use tcp, udp, tcp6, udp6, unix or unix-dgram",
                        "未知类型 '%s'：请用 tcp、udp、tcp6、udp6、unix 或 unix-dgram"), arg(c, 1));
    if (c->ntok == 3) {
        const char *f = arg(c, 1), *t = arg(c, 2);
        if ((family = addr_family_of(f)) < 0) return usage(TR("unknown address family '%s': AF_INET, AF_INET6 or AF_UNIX",
                             "未知地址族 '%s'：AF_INET、AF_INET6 或 AF_UNIX"), f);
        if (!strcasecmp(t, "SOCK_STREAM")) type = SOCK_STREAM;
        else if (!strcasecmp(t, "SOCK_DGRAM")) type = SOCK_DGRAM;
        else return usage(TR("unknown socket type '%s': SOCK_STREAM (TCP) or SOCK_DGRAM (UDP)",
                             "未知套接字类型 '%s'：SOCK_STREAM（TCP）或 SOCK_DGRAM（UDP）"), t);
    }
    return core_socket(family, type, assigned(c)) ? CMD_OK : CMD_FAIL;
}

/* --- addresses ------------------------------------------------------------------ */

/* HOST PORT, or PATH for a unix socket, starting at argument i. */
static int where_args(const sp_cmd *c, const sp_sock *s, int i, const char **host, const char **port)
{
    if (s->family == AF_UNIX) {
        if (!arg(c, i)) return usage("%s", TR("missing PATH of the unix socket", "缺少 unix 套接字的路径 PATH"));
        *host = arg(c, i);
        *port = NULL;
        return 0;
    }
    if (!arg(c, i)) return usage("%s", TR("missing HOST and PORT", "缺少 HOST 和 PORT"));
    if (!arg(c, i + 1)) return usage(TR("missing PORT after HOST '%s'", "HOST '%s' 后面缺少 PORT"), arg(c, i));
    *host = arg(c, i);
    *port = arg(c, i + 1);
    return 0;
}

int c_bind(const sp_cmd *c)
{
    sp_sock *s = sock_arg(c, 1);
    const char *host = "", *port;
    if (!s) return CMD_FAIL;
    if (s->family != AF_UNIX && c->ntok == 3) {
        port = arg(c, 2);              /* bind S PORT: every local address, as Python's ("", PORT) */
    } else {
        if (where_args(c, s, 2, &host, &port) < 0) return CMD_FAIL;
        if (c->ntok > (s->family == AF_UNIX ? 3 : 4)) return nargs(c, 0, s->family == AF_UNIX ? 2 : 3, ""), CMD_FAIL;
    }
    return core_bind(s, host, port) < 0 ? CMD_FAIL : CMD_OK;
}

int c_connect(const sp_cmd *c)
{
    sp_sock *s = sock_arg(c, 1);
    const char *host, *port;
    if (!s || where_args(c, s, 2, &host, &port) < 0) return CMD_FAIL;
    if (nargs(c, 0, s->family == AF_UNIX ? 2 : 3, "") < 0) return CMD_FAIL;
    return go(c, new_call(NULL, 0, 0, NULL), CALL_CONNECT, s, host, port);
}

int c_listen(const sp_cmd *c)
{
    sp_sock *s;
    long backlog = 128;
    char err[200];
    if (nargs(c, 1, 2, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    if (arg(c, 2) && parse_int(arg(c, 2), 0, 65535, "BACKLOG", &backlog, err, sizeof err) < 0) return usage("%s", err);
    return core_listen(s, (int)backlog) < 0 ? CMD_FAIL : CMD_OK;
}

int c_accept(const sp_cmd *c)
{
    sp_sock *s;
    sp_call *k;
    if (nargs(c, 1, 1, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    if (!(k = new_call(NULL, 0, 0, NULL))) return CMD_FAIL;
    if (assigned(c)) snprintf(k->name, sizeof k->name, "%s", assigned(c));
    return go(c, k, CALL_ACCEPT, s, NULL, NULL);
}

/* --- data --------------------------------------------------------------------- */

int c_send(const sp_cmd *c)
{
    sp_sock *s;
    sp_buf b;
    char err[300];
    if (nargs(c, 1, -1, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    if (parse_data(c->tok + 2, c->ntok - 2, &b, err, sizeof err) < 0) return usage("%s", err);
    return go(c, new_call(b.data, b.len, 0, b.enc), CALL_SEND, s, NULL, NULL);
}

/* S [MAX] [as gbk|utf-8|hex] */
static int recv_any(const sp_cmd *c, sp_call_kind kind)
{
    sp_sock *s;
    sp_call *k;
    long max = 1024;
    int view = VIEW_AUTO, i = 2;
    char err[200];
    if (nargs(c, 1, 4, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    if (arg(c, i) && strcasecmp(arg(c, i), "as") != 0) {
        if (parse_int(arg(c, i), 1, RECV_MAX, "MAX", &max, err, sizeof err) < 0) return usage("%s", err);
        i++;
    }
    if (arg(c, i)) {
        if (strcasecmp(arg(c, i), "as") != 0)
            return usage(TR("'%s': after MAX comes `as gbk|utf-8|hex` or nothing", "'%s'：MAX 之后只能是 `as gbk|utf-8|hex`"), arg(c, i));
        if (!arg(c, i + 1)) return usage("%s", TR("missing how to show the bytes after 'as': gbk, utf-8 or hex",
                                                  "'as' 后面缺少显示方式：gbk、utf-8 或 hex"));
        if ((view = dataview_parse(arg(c, i + 1))) < 0)
            return usage(TR("'%s' is not gbk, utf-8 or hex", "'%s' 不是 gbk、utf-8 或 hex"), arg(c, i + 1));
        if (arg(c, i + 2)) return usage(TR("too many arguments: '%s' is one too many", "参数太多：'%s' 是多余的"), arg(c, i + 2));
    }
    if ((k = new_call(NULL, (size_t)max, 1, NULL))) k->view = view;
    return go(c, k, kind, s, NULL, NULL);
}

int c_recv(const sp_cmd *c) { return recv_any(c, CALL_RECV); }
int c_recvfrom(const sp_cmd *c) { return recv_any(c, CALL_RECVFROM); }

int c_sendto(const sp_cmd *c)
{
    sp_sock *s = sock_arg(c, 1);
    const char *host, *port;
    int first;
    sp_buf b;
    char err[300];
    if (!s || where_args(c, s, 2, &host, &port) < 0) return CMD_FAIL;
    first = s->family == AF_UNIX ? 3 : 4;
    if (parse_data(c->tok + first, c->ntok - first, &b, err, sizeof err) < 0) return usage("%s", err);
    return go(c, new_call(b.data, b.len, 0, b.enc), CALL_SENDTO, s, host, port);
}

/* --- options and modes ---------------------------------------------------------- */

/* [LEVEL] OPTION starting at argument i; *next is the argument after OPTION. */
static const sp_optdef *opt_args(const sp_cmd *c, int i, int *next)
{
    const sp_optdef *d;
    int level = -1;
    if (arg(c, i) && !sockopt_find(arg(c, i)) && sockopt_level(arg(c, i)) >= 0) level = sockopt_level(arg(c, i++));
    if (!arg(c, i)) { usage("%s", TR("missing OPTION, such as SO_REUSEADDR", "缺少 OPTION，例如 SO_REUSEADDR")); return NULL; }
    if (!(d = sockopt_find(arg(c, i)))) {
        usage(TR("unknown option '%s' (Tab lists them; `help setsockopt` too)", "未知选项 '%s'（按 Tab 或 `help setsockopt` 查看）"),
              arg(c, i));
        return NULL;
    }
    if (level >= 0 && level != d->level) {
        usage(TR("%s belongs to level %s, not %s", "%s 属于 %s 层，而不是 %s"), d->name, d->level_name, arg(c, i - 1));
        return NULL;
    }
    *next = i + 1;
    return d;
}

int c_setsockopt(const sp_cmd *c)
{
    sp_sock *s = sock_arg(c, 1);
    const sp_optdef *d;
    sp_optval v;
    int i;
    char err[200];
    if (!s || !(d = opt_args(c, 2, &i))) return CMD_FAIL;
    if (!arg(c, i)) return usage(TR("missing VALUE for %s", "%s 缺少 VALUE"), d->name);
    if (arg(c, i + 1)) return nargs(c, 0, i, ""), CMD_FAIL;
    if (sockopt_parse(d, arg(c, i), &v, err, sizeof err) < 0) return usage("%s", err);
    return core_setsockopt(s, d, &v) < 0 ? CMD_FAIL : CMD_OK;
}

int c_getsockopt(const sp_cmd *c)
{
    sp_sock *s = sock_arg(c, 1);
    const sp_optdef *d;
    sp_optval v;
    int i;
    if (!s || !(d = opt_args(c, 2, &i))) return CMD_FAIL;
    if (arg(c, i)) return nargs(c, 0, i - 1, ""), CMD_FAIL;
    return core_getsockopt(s, d, &v) < 0 ? CMD_FAIL : CMD_OK;
}

int c_shutdown(const sp_cmd *c)
{
    sp_sock *s;
    const char *h;
    int how;
    if (nargs(c, 2, 2, "S and rd|wr|rdwr") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    h = arg(c, 2);
    if (!strcasecmp(h, "rd") || !strcasecmp(h, "SHUT_RD")) how = SHUT_RD;
    else if (!strcasecmp(h, "wr") || !strcasecmp(h, "SHUT_WR")) how = SHUT_WR;
    else if (!strcasecmp(h, "rdwr") || !strcasecmp(h, "SHUT_RDWR")) how = SHUT_RDWR;
    else return usage(TR("'%s' is not rd, wr or rdwr", "'%s' 不是 rd、wr 或 rdwr"), h);
    return core_shutdown(s, how) < 0 ? CMD_FAIL : CMD_OK;
}

int c_setblocking(const sp_cmd *c)
{
    sp_sock *s;
    int on;
    if (nargs(c, 2, 2, "S and on|off") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    if (on_off_arg(arg(c, 2), &on) < 0) return CMD_FAIL;
    return core_setblocking(s, on) < 0 ? CMD_FAIL : CMD_OK;
}

int c_settimeout(const sp_cmd *c)
{
    sp_sock *s;
    const char *v;
    char *end;
    double t = CORE_NO_TIMEOUT;
    if (nargs(c, 2, 2, "S and SECONDS|none") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    v = arg(c, 2);
    if (strcasecmp(v, "none") != 0 && strcasecmp(v, "off") != 0) {
        t = strtod(v, &end);
        if (!*v || *end) return usage(TR("'%s' is not a number of seconds or none", "'%s' 不是秒数或 none"), v);
        if (core_timeout_bad(t)) return usage("%s", core_timeout_bad(t));
    }
    return core_settimeout(s, t) < 0 ? CMD_FAIL : CMD_OK;   /* the core has Python's rule for 0 and none */
}

static int sockname_of(const sp_cmd *c, int peer)
{
    sp_sock *s;
    sp_addr a;
    if (nargs(c, 1, 1, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    return core_sockname(s, peer, &a) < 0 ? CMD_FAIL : CMD_OK;
}
int c_getsockname(const sp_cmd *c) { return sockname_of(c, 0); }
int c_getpeername(const sp_cmd *c) { return sockname_of(c, 1); }

int c_close(const sp_cmd *c)
{
    int rc = CMD_OK;
    if (nargs(c, 1, -1, "S") < 0) return CMD_FAIL;
    /* Check every name first so that one typo closes nothing. */
    for (int i = 1; i < c->ntok; i++)
        if (!sock_arg(c, i)) return CMD_FAIL;
    for (int i = 1; i < c->ntok; i++) {
        sp_sock *s = reg_lookup(arg(c, i));
        if (s && core_close(s) < 0) rc = CMD_FAIL;
    }
    return rc;
}

/* poll S… [TIMEOUT]: the last word is a timeout when it is a number (2, 1.5, 2s, 500ms)
 * that is not also one of the session's fd numbers. */
static int timeout_word(const char *w, int *ms)
{
    char *end;
    double v = strtod(w, &end);
    double scale = 1000;
    if (end == w || !(v >= 0)) return 0;
    if (!strcmp(end, "ms")) scale = 1;
    else if (*end && strcmp(end, "s") != 0) return 0;
    if (!*end && reg_lookup(w)) return 0;
    if (v * scale > 86400000.0) return 0;
    *ms = (int)(v * scale + 0.5);
    return 1;
}

int c_poll(const sp_cmd *c)
{
    sp_sock *v[CORE_POLL_MAX];
    short re[CORE_POLL_MAX];
    int n = 0, ms = -1, last = c->ntok - 1;
    if (nargs(c, 1, CORE_POLL_MAX + 1, "S") < 0) return CMD_FAIL;
    if (last >= 2 && timeout_word(arg(c, last), &ms)) last--;
    else if (last == 1 && timeout_word(arg(c, 1), &ms))
        return usage("%s", TR("missing S: which sockets to watch", "缺少 S：要观察哪些套接字"));
    for (int i = 1; i <= last; i++) {
        if (!(v[n] = sock_arg(c, i))) return CMD_FAIL;
        for (int k = 0; k < n; k++)
            if (v[k] == v[n]) return usage(TR("'%s' is listed twice", "'%s' 出现了两次"), arg(c, i));
        n++;
    }
    if (n > CORE_POLL_MAX) return usage(TR("at most %d sockets", "最多 %d 个套接字"), CORE_POLL_MAX);
    return core_poll(v, n, ms, re) < 0 ? CMD_FAIL : CMD_OK;
}
