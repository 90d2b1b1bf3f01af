/* cmd_socket.c — the commands that are socket calls. Each handler checks its arguments,
 * names the mistake if any, and calls the core; nothing here touches a socket itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "cmd/cmd_args.h"
#include "core/core.h"
#include "report/dataview.h"
#include "lang/words.h"
#include "core/jobs.h"
#include "report/out.h"
#include "report/report.h"
#include "lang/sockopt.h"

#define RECV_MAX (16L << 20)

/* core_call_new, or NULL after saying the memory ran out. */
static sp_call *new_call(unsigned char *data, size_t len, int receive, const char *enc)
{
    sp_call *k = core_call_new(data, len, receive, enc);
    if (!k) cmd_usage("%s", TR("out of memory", "内存不足"));
    return k;
}

/* Runs k here, or in the background when the line ended with '&'. */
static int go(const sp_line *c, sp_call *k, call_kind kind, sp_sock *s, const char *host, const char *port)
{
    ssize_t rc;
    if (!k) return CMD_FAIL;
    if (core_start(k, kind, s, host, port) < 0) { core_call_free(k); return CMD_FAIL; }
    if (c->background) {
        if (jobs_start(k) >= 0) return CMD_OK;
        report_job_refused(k, errno);
        core_call_free(k);
        return CMD_FAIL;
    }
    rc = core_call_run(k);
    core_call_free(k);
    return rc < 0 ? CMD_FAIL : CMD_OK;
}

/* --- socket ------------------------------------------------------------------ */

/* "a, b or c" of a table's words, in the session's language. */
static const char *listed(const sp_word *table, char *buf, size_t n)
{
    return words_join(table, TR(", ", "、"), TR(" or ", " 或 "), buf, n);
}

int cmd_socket(const sp_line *c)
{
    int family = AF_INET, type = SOCK_STREAM;
    const sp_word *w;
    char list[160];
    if (cmd_nargs(c, 0, 2, "") < 0) return CMD_FAIL;
    if (c->ntok == 2 && words_kind(cmd_arg(c, 1), &family, &type) < 0)
        return cmd_usage(TR("unknown kind '%s': use %s", "未知类型 '%s'：请用 %s"), cmd_arg(c, 1), listed(words_kinds, list, sizeof list));
    if (c->ntok == 3) {
        const char *f = cmd_arg(c, 1), *t = cmd_arg(c, 2);
        if (!(w = words_find(words_families, f)))
            return cmd_usage(TR("unknown address family '%s': %s", "未知地址族 '%s'：%s"), f, listed(words_families, list, sizeof list));
        family = w->value;
        if (!(w = words_find(words_types, t))) return cmd_usage(TR("unknown socket type '%s': SOCK_STREAM (TCP) or SOCK_DGRAM (UDP)",
                             "未知套接字类型 '%s'：SOCK_STREAM（TCP）或 SOCK_DGRAM（UDP）"), t);
        type = w->value;
    }
    return core_socket(family, type, cmd_assigned(c)) ? CMD_OK : CMD_FAIL;
}

/* --- addresses ------------------------------------------------------------------ */

/* HOST PORT, or PATH for a unix socket, starting at argument i (words_address's forms;
 * lone: bind's lone PORT). */
static int where_args(const sp_line *c, const sp_sock *s, int i, int lone, const char **host, const char **port)
{
    char err[300];
    if (words_address(s->family, cmd_arg(c, i), cmd_arg(c, i + 1), lone, host, port, err, sizeof err) < 0)
        return cmd_usage("%s", err);
    return 0;
}

int cmd_bind(const sp_line *c)
{
    sp_sock *s = cmd_sock(c, 1);
    const char *host, *port;
    if (!s || where_args(c, s, 2, 1, &host, &port) < 0) return CMD_FAIL;
    if (c->ntok > (s->family == AF_UNIX ? 3 : 4)) return cmd_nargs(c, 0, s->family == AF_UNIX ? 2 : 3, ""), CMD_FAIL;
    return core_bind(s, host, port) < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_connect(const sp_line *c)
{
    sp_sock *s = cmd_sock(c, 1);
    const char *host, *port;
    if (!s || where_args(c, s, 2, 0, &host, &port) < 0) return CMD_FAIL;
    if (cmd_nargs(c, 0, s->family == AF_UNIX ? 2 : 3, "") < 0) return CMD_FAIL;
    return go(c, new_call(NULL, 0, 0, NULL), CALL_CONNECT, s, host, port);
}

int cmd_listen(const sp_line *c)
{
    sp_sock *s;
    long backlog = 128;
    char err[200];
    if (cmd_nargs(c, 1, 2, "S") < 0 || !(s = cmd_sock(c, 1))) return CMD_FAIL;
    if (cmd_arg(c, 2) && parse_int(cmd_arg(c, 2), 0, 65535, "BACKLOG", &backlog, err, sizeof err) < 0) return cmd_usage("%s", err);
    return core_listen(s, (int)backlog) < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_accept(const sp_line *c)
{
    sp_sock *s;
    sp_call *k;
    if (cmd_nargs(c, 1, 1, "S") < 0 || !(s = cmd_sock(c, 1))) return CMD_FAIL;
    if (!(k = new_call(NULL, 0, 0, NULL))) return CMD_FAIL;
    if (cmd_assigned(c)) call_copy(k->newvar, sizeof k->newvar, cmd_assigned(c));
    return go(c, k, CALL_ACCEPT, s, NULL, NULL);
}

/* --- data --------------------------------------------------------------------- */

int cmd_send(const sp_line *c)
{
    sp_sock *s;
    sp_buf b;
    char err[300];
    if (cmd_nargs(c, 1, -1, "S") < 0 || !(s = cmd_sock(c, 1))) return CMD_FAIL;
    if (parse_data(c->tok + 2, c->ntok - 2, &b, err, sizeof err) < 0) return cmd_usage("%s", err);
    return go(c, new_call(b.data, b.len, 0, b.enc), CALL_SEND, s, NULL, NULL);
}

const char cmd_as_word[] = "as";

/* S [MAX] [as gbk|utf-8|hex] */
static int recv_any(const sp_line *c, call_kind kind)
{
    sp_sock *s;
    sp_call *k;
    long max = 1024;
    int view = VIEW_AUTO, i = 2;
    char err[200];
    if (cmd_nargs(c, 1, 4, "S") < 0 || !(s = cmd_sock(c, 1))) return CMD_FAIL;
    if (cmd_arg(c, i) && strcasecmp(cmd_arg(c, i), cmd_as_word) != 0) {
        if (parse_int(cmd_arg(c, i), 1, RECV_MAX, "MAX", &max, err, sizeof err) < 0) return cmd_usage("%s", err);
        i++;
    }
    if (cmd_arg(c, i)) {
        if (strcasecmp(cmd_arg(c, i), cmd_as_word) != 0)
            return cmd_usage(TR("'%s': after MAX comes `as gbk|utf-8|hex` or nothing", "'%s'：MAX 之后只能是 `as gbk|utf-8|hex`"), cmd_arg(c, i));
        if (!cmd_arg(c, i + 1)) return cmd_usage("%s", TR("missing how to show the bytes after 'as': gbk, utf-8 or hex",
                                                  "'as' 后面缺少显示方式：gbk、utf-8 或 hex"));
        if ((view = dataview_parse(cmd_arg(c, i + 1))) < 0)
            return cmd_usage(TR("'%s' is not %s", "'%s' 不是 %s"), cmd_arg(c, i + 1), listed(dataview_views, err, sizeof err));
        if (cmd_arg(c, i + 2)) return cmd_usage(TR("too many arguments: '%s' is one too many", "参数太多：'%s' 是多余的"), cmd_arg(c, i + 2));
    }
    if ((k = new_call(NULL, (size_t)max, 1, NULL))) k->view = view;
    return go(c, k, kind, s, NULL, NULL);
}

int cmd_recv(const sp_line *c) { return recv_any(c, CALL_RECV); }
int cmd_recvfrom(const sp_line *c) { return recv_any(c, CALL_RECVFROM); }

int cmd_sendto(const sp_line *c)
{
    sp_sock *s = cmd_sock(c, 1);
    const char *host, *port;
    int first;
    sp_buf b;
    char err[300];
    if (!s || where_args(c, s, 2, 0, &host, &port) < 0) return CMD_FAIL;
    first = s->family == AF_UNIX ? 3 : 4;
    if (parse_data(c->tok + first, c->ntok - first, &b, err, sizeof err) < 0) return cmd_usage("%s", err);
    return go(c, new_call(b.data, b.len, 0, b.enc), CALL_SENDTO, s, host, port);
}

/* --- options and modes ---------------------------------------------------------- */

/* [LEVEL] OPTION starting at argument i; *next is the argument after OPTION. */
static const sp_optdef *opt_args(const sp_line *c, int i, int *next)
{
    const sp_optdef *d;
    int level = -1;
    if (cmd_arg(c, i) && !sockopt_find(cmd_arg(c, i)) && sockopt_level(cmd_arg(c, i)) >= 0) level = sockopt_level(cmd_arg(c, i++));
    if (!cmd_arg(c, i)) { cmd_usage("%s", TR("missing OPTION, such as SO_REUSEADDR", "缺少 OPTION，例如 SO_REUSEADDR")); return NULL; }
    if (!(d = sockopt_find(cmd_arg(c, i)))) {
        cmd_usage(TR("unknown option '%s' (Tab lists them; `help setsockopt` too)", "未知选项 '%s'（按 Tab 或 `help setsockopt` 查看）"),
              cmd_arg(c, i));
        return NULL;
    }
    if (level >= 0 && level != d->level) {
        cmd_usage(TR("%s belongs to level %s, not %s", "%s 属于 %s 层，而不是 %s"), d->name, d->level_name, cmd_arg(c, i - 1));
        return NULL;
    }
    *next = i + 1;
    return d;
}

int cmd_setsockopt(const sp_line *c)
{
    sp_sock *s = cmd_sock(c, 1);
    const sp_optdef *d;
    sp_optval v;
    int i;
    char err[200];
    if (!s || !(d = opt_args(c, 2, &i))) return CMD_FAIL;
    if (!cmd_arg(c, i)) return cmd_usage(TR("missing VALUE for %s", "%s 缺少 VALUE"), d->name);
    if (cmd_arg(c, i + 1)) return cmd_nargs(c, 0, i, ""), CMD_FAIL;
    if (sockopt_parse(d, cmd_arg(c, i), &v, err, sizeof err) < 0) return cmd_usage("%s", err);
    return core_setsockopt(s, d, &v) < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_getsockopt(const sp_line *c)
{
    sp_sock *s = cmd_sock(c, 1);
    const sp_optdef *d;
    sp_optval v;
    int i;
    if (!s || !(d = opt_args(c, 2, &i))) return CMD_FAIL;
    if (cmd_arg(c, i)) return cmd_nargs(c, 0, i - 1, ""), CMD_FAIL;
    return core_getsockopt(s, d, &v) < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_shutdown(const sp_line *c)
{
    sp_sock *s;
    char list[80];
    int how;
    if (cmd_nargs(c, 2, 2, "S and rd|wr|rdwr") < 0 || !(s = cmd_sock(c, 1))) return CMD_FAIL;
    if ((how = words_shutdown_how(cmd_arg(c, 2))) < 0)
        return cmd_usage(TR("'%s' is not %s", "'%s' 不是 %s"), cmd_arg(c, 2), listed(words_shutdown, list, sizeof list));
    return core_shutdown(s, how) < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_setblocking(const sp_line *c)
{
    sp_sock *s;
    int on;
    if (cmd_nargs(c, 2, 2, "S and on|off") < 0 || !(s = cmd_sock(c, 1))) return CMD_FAIL;
    if (cmd_on_off(cmd_arg(c, 2), &on) < 0) return CMD_FAIL;
    return core_setblocking(s, on) < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_settimeout(const sp_line *c)
{
    sp_sock *s;
    const char *v;
    double t;
    int none;
    if (cmd_nargs(c, 2, 2, "S and SECONDS|none") < 0 || !(s = cmd_sock(c, 1))) return CMD_FAIL;
    v = cmd_arg(c, 2);
    if ((none = words_timeout(v, &t)) < 0) return cmd_usage(TR("'%s' is not a number of seconds or none", "'%s' 不是秒数或 none"), v);
    if (!none && sockopt_timeout_bad(t)) return cmd_usage("%s", sockopt_timeout_bad(t));
    return core_settimeout(s, t) < 0 ? CMD_FAIL : CMD_OK;   /* the core has Python's rule for 0 and none */
}

static int sockname_of(const sp_line *c, int peer)
{
    sp_sock *s;
    sp_addr a;
    if (cmd_nargs(c, 1, 1, "S") < 0 || !(s = cmd_sock(c, 1))) return CMD_FAIL;
    return core_sockname(s, peer, &a) < 0 ? CMD_FAIL : CMD_OK;
}
int cmd_getsockname(const sp_line *c) { return sockname_of(c, 0); }
int cmd_getpeername(const sp_line *c) { return sockname_of(c, 1); }

int cmd_close(const sp_line *c)
{
    int rc = CMD_OK;
    if (cmd_nargs(c, 1, -1, "S") < 0) return CMD_FAIL;
    /* Check every name first so that one typo closes nothing. */
    for (int i = 1; i < c->ntok; i++)
        if (!cmd_sock(c, i)) return CMD_FAIL;
    for (int i = 1; i < c->ntok; i++) {
        sp_sock *s = registry_lookup(cmd_arg(c, i));
        if (s && core_close(s) < 0) rc = CMD_FAIL;
    }
    return rc;
}

/* poll S… [TIMEOUT]: the last word is a timeout when it is a number (2, 1.5, 2s, 500ms)
 * that is not also one of the session's fd numbers. */
static int timeout_word(const char *w, int *ms)
{
    if (registry_lookup(w)) return 0;
    return words_poll_timeout(w, ms) == 0;
}

int cmd_poll(const sp_line *c)
{
    sp_sock *v[CORE_POLL_MAX];
    short re[CORE_POLL_MAX];
    int n = 0, ms = -1, last = c->ntok - 1;
    if (cmd_nargs(c, 1, CORE_POLL_MAX + 1, "S") < 0) return CMD_FAIL;
    if (last >= 2 && timeout_word(cmd_arg(c, last), &ms)) last--;
    else if (last == 1 && timeout_word(cmd_arg(c, 1), &ms))
        return cmd_usage("%s", TR("missing S: which sockets to watch", "缺少 S：要观察哪些套接字"));
    for (int i = 1; i <= last; i++) {
        if (!(v[n] = cmd_sock(c, i))) return CMD_FAIL;
        for (int k = 0; k < n; k++)
            if (v[k] == v[n]) return cmd_usage(TR("'%s' is listed twice", "'%s' 出现了两次"), cmd_arg(c, i));
        n++;
    }
    if (n > CORE_POLL_MAX) return cmd_usage(TR("at most %d sockets", "最多 %d 个套接字"), CORE_POLL_MAX);
    return core_poll(v, n, ms, re) < 0 ? CMD_FAIL : CMD_OK;
}
