/* commands.c — each handler checks its arguments, names the mistake if any, and calls
 * the core. Nothing here touches a socket directly. */
#include "commands.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core.h"
#include "kstate.h"
#include "lua_host.h"
#include "lua_lesson.h"
#include "output.h"
#include "registry.h"
#include "render.h"
#include "sockopt.h"

#define RECV_MAX (16L << 20)

static const sp_command *current;

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    va_list ap;
    printf("%s%s: ", col(C_RED), current ? current->name : "sockplay");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (current) printf("%s\n   %s: %s %s", col(C_RESET), TR("usage", "用法"), current->name, current->args);
    printf("%s\n", col(C_RESET));
    return CMD_FAIL;
}

static const char *arg(const sp_cmd *c, int i) { return i < c->ntok ? c->tok[i].text : NULL; }

/* Arguments after the command name: at least lo, at most hi (-1: any). */
static int nargs(const sp_cmd *c, int lo, int hi, const char *missing)
{
    int n = c->ntok - 1;
    if (n < lo) return usage(TR("missing %s", "缺少 %s"), missing), -1;
    if (hi >= 0 && n > hi)
        return usage(TR("too many arguments: '%s' is one too many", "参数太多：'%s' 是多余的"), c->tok[hi + 1].text), -1;
    return 0;
}

static sp_sock *sock_arg(const sp_cmd *c, int i)
{
    const char *ref = arg(c, i);
    sp_sock *s;
    if (!ref) { usage("%s", TR("missing S: a socket's name or fd number", "缺少 S：套接字的名字或 fd 编号")); return NULL; }
    s = reg_lookup(ref);
    if (s) return s;
    if (ref[0] >= '0' && ref[0] <= '9')
        usage(TR("fd %s is not one of this session's sockets (see `state`): only sockets made here can be used",
                 "fd %s 不是本会话的套接字（见 `state`）：只能使用在这里创建的套接字"), ref);
    else
        usage(TR("unknown socket '%s': no socket of this session has that name (see `state`)",
                 "未知的套接字 '%s'：本会话没有叫这个名字的套接字（见 `state`）"), ref);
    return NULL;
}

static const char *assigned(const sp_cmd *c) { return c->assign[0] ? c->assign : NULL; }

/* --- socket ------------------------------------------------------------------ */

static int c_socket(const sp_cmd *c)
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

static int c_bind(const sp_cmd *c)
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

static int c_connect(const sp_cmd *c)
{
    sp_sock *s = sock_arg(c, 1);
    const char *host, *port;
    if (!s || where_args(c, s, 2, &host, &port) < 0) return CMD_FAIL;
    if (nargs(c, 0, s->family == AF_UNIX ? 2 : 3, "") < 0) return CMD_FAIL;
    return core_connect(s, host, port) < 0 ? CMD_FAIL : CMD_OK;
}

static int c_listen(const sp_cmd *c)
{
    sp_sock *s;
    long backlog = 128;
    char err[200];
    if (nargs(c, 1, 2, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    if (arg(c, 2) && parse_int(arg(c, 2), 0, 65535, "BACKLOG", &backlog, err, sizeof err) < 0) return usage("%s", err);
    return core_listen(s, (int)backlog) < 0 ? CMD_FAIL : CMD_OK;
}

static int c_accept(const sp_cmd *c)
{
    sp_sock *s;
    sp_addr peer;
    if (nargs(c, 1, 1, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    return core_accept(s, assigned(c), &peer) ? CMD_OK : CMD_FAIL;
}

/* --- data --------------------------------------------------------------------- */

static int c_send(const sp_cmd *c)
{
    sp_sock *s;
    sp_buf b;
    char err[300];
    ssize_t n;
    if (nargs(c, 1, -1, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    if (parse_data(c->tok + 2, c->ntok - 2, &b, err, sizeof err) < 0) return usage("%s", err);
    n = core_send(s, b.data, b.len);
    free(b.data);
    return n < 0 ? CMD_FAIL : CMD_OK;
}

static int recv_max(const sp_cmd *c, int i, long *max)
{
    char err[200];
    *max = 1024;
    if (arg(c, i) && parse_int(arg(c, i), 1, RECV_MAX, "MAX", max, err, sizeof err) < 0) return usage("%s", err);
    return 0;
}

static int c_recv(const sp_cmd *c)
{
    sp_sock *s;
    long max;
    char *buf;
    ssize_t n;
    if (nargs(c, 1, 2, "S") < 0 || !(s = sock_arg(c, 1)) || recv_max(c, 2, &max) < 0) return CMD_FAIL;
    if (!(buf = malloc((size_t)max))) return usage("%s", TR("out of memory", "内存不足"));
    n = core_recv(s, buf, (size_t)max);
    free(buf);
    return n < 0 ? CMD_FAIL : CMD_OK;
}

static int c_sendto(const sp_cmd *c)
{
    sp_sock *s = sock_arg(c, 1);
    const char *host, *port;
    int first;
    sp_buf b;
    char err[300];
    ssize_t n;
    if (!s || where_args(c, s, 2, &host, &port) < 0) return CMD_FAIL;
    first = s->family == AF_UNIX ? 3 : 4;
    if (parse_data(c->tok + first, c->ntok - first, &b, err, sizeof err) < 0) return usage("%s", err);
    n = core_sendto(s, host, port, b.data, b.len);
    free(b.data);
    return n < 0 ? CMD_FAIL : CMD_OK;
}

static int c_recvfrom(const sp_cmd *c)
{
    sp_sock *s;
    long max;
    char *buf;
    sp_addr from;
    ssize_t n;
    if (nargs(c, 1, 2, "S") < 0 || !(s = sock_arg(c, 1)) || recv_max(c, 2, &max) < 0) return CMD_FAIL;
    if (!(buf = malloc((size_t)max))) return usage("%s", TR("out of memory", "内存不足"));
    n = core_recvfrom(s, buf, (size_t)max, &from);
    free(buf);
    return n < 0 ? CMD_FAIL : CMD_OK;
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

static int c_setsockopt(const sp_cmd *c)
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

static int c_getsockopt(const sp_cmd *c)
{
    sp_sock *s = sock_arg(c, 1);
    const sp_optdef *d;
    sp_optval v;
    int i;
    if (!s || !(d = opt_args(c, 2, &i))) return CMD_FAIL;
    if (arg(c, i)) return nargs(c, 0, i - 1, ""), CMD_FAIL;
    return core_getsockopt(s, d, &v) < 0 ? CMD_FAIL : CMD_OK;
}

static int c_shutdown(const sp_cmd *c)
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

static int c_setblocking(const sp_cmd *c)
{
    sp_sock *s;
    const char *v;
    int on;
    if (nargs(c, 2, 2, "S and on|off") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    v = arg(c, 2);
    if (!strcasecmp(v, "on") || !strcasecmp(v, "true") || !strcmp(v, "1")) on = 1;
    else if (!strcasecmp(v, "off") || !strcasecmp(v, "false") || !strcmp(v, "0")) on = 0;
    else return usage(TR("'%s' is not on or off", "'%s' 不是 on 或 off"), v);
    return core_setblocking(s, on) < 0 ? CMD_FAIL : CMD_OK;
}

static int c_settimeout(const sp_cmd *c)
{
    sp_sock *s;
    const char *v;
    char *end;
    double t;
    if (nargs(c, 2, 2, "S and SECONDS|none") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    v = arg(c, 2);
    if (!strcasecmp(v, "none") || !strcasecmp(v, "off")) t = -1;
    else {
        t = strtod(v, &end);
        if (!*v || *end || !(t >= 0 && t <= 1e6))
            return usage(TR("'%s' is not a number of seconds (0 to 1000000) or none", "'%s' 不是秒数（0 到 1000000）或 none"), v);
        if (t == 0) return core_setblocking(s, 0) < 0 ? CMD_FAIL : CMD_OK;   /* Python: settimeout(0) = non-blocking */
    }
    return core_settimeout(s, t) < 0 ? CMD_FAIL : CMD_OK;
}

static int c_sockname(const sp_cmd *c, int peer)
{
    sp_sock *s;
    sp_addr a;
    char buf[160];
    int rc;
    if (nargs(c, 1, 1, "S") < 0 || !(s = sock_arg(c, 1))) return CMD_FAIL;
    rc = kstate_addr(s, peer, &a);
    printf("%s%s%s(%s)", col(C_BOLD ";" C_CYAN), peer ? "getpeername" : "getsockname", col(C_RESET), reg_label(s));
    if (rc < 0) {
        printf(" = -1 %s\n", peer ? TR("ENOTCONN: not connected, so there is no peer", "ENOTCONN：没有连接，所以没有对方地址")
                                  : TR("failed", "失败"));
        return CMD_FAIL;
    }
    addr_format((struct sockaddr *)&a.ss, a.len, buf, sizeof buf);
    printf(" = %s%s%s\n", col(C_GREEN), buf, col(C_RESET));
    return CMD_OK;
}
static int c_getsockname(const sp_cmd *c) { return c_sockname(c, 0); }
static int c_getpeername(const sp_cmd *c) { return c_sockname(c, 1); }

static int c_close(const sp_cmd *c)
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

/* --- session ---------------------------------------------------------------------- */

static int c_state(const sp_cmd *c)
{
    if (nargs(c, 0, 0, "") < 0) return CMD_FAIL;
    render_table(1);
    return CMD_OK;
}

static int c_help(const sp_cmd *c)
{
    const sp_command *k;
    if (nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (c->ntok == 2) {
        if (!(k = command_find(arg(c, 1))))
            return usage(TR("no command '%s' (type `help` for the list)", "没有命令 '%s'（输入 `help` 查看列表）"), arg(c, 1));
        printf("%s%s %s%s\n  %s\n", col(C_BOLD), k->name, k->args, col(C_RESET), TR(k->help_en, k->help_zh));
        if (k->returns_socket) printf("  %s\n", TR("NAME = … gives the new socket a name.", "NAME = … 给新套接字起个名字。"));
        if (!strcmp(k->name, "setsockopt") || !strcmp(k->name, "getsockopt"))
            for (size_t i = 0; i < sockopt_ndefs; i++)
                printf("    %-14s %-13s %s\n", sockopt_defs[i].name, sockopt_defs[i].level_name, sockopt_defs[i].help);
        if (k->example) printf("  %s: %s%s%s\n", TR("example", "示例"), col(C_CYAN), k->example, col(C_RESET));
        return CMD_OK;
    }
    printf("%s\n", TR("One command = one socket call. S is a socket's name or fd. Commands:",
                      "一条命令 = 一次套接字调用。S 是套接字的名字或 fd。命令列表："));
    for (k = commands; k->name; k++)
        printf("  %s%-11s%s %-34s %s\n", col(C_BOLD), k->name, col(C_RESET), k->args, TR(k->help_en, k->help_zh));
    printf("%s\n", TR("NAME = socket …  names a socket.  DATA: \"text\\r\\n\", words, hex:48656c6c6f, @file.  "
                      "';' separates commands, '#' starts a comment.  help CMD shows an example.",
                      "NAME = socket … 给套接字命名。DATA：\"文本\\r\\n\"、单词、hex:48656c6c6f、@文件。"
                      "';' 分隔多条命令，'#' 开始注释。help 命令名 查看示例。"));
    return CMD_OK;
}

static int c_lua(const sp_cmd *c)
{
    if (c->ntok < 2 || !*arg(c, 1)) return usage("%s", TR("missing CHUNK: Lua code, as in  lua print(socket.AF_INET)",
                                                         "缺少 CHUNK：Lua 代码，例如  lua print(socket.AF_INET)"));
    return luahost_run_chunk(arg(c, 1)) < 0 ? CMD_FAIL : CMD_OK;
}

static int c_run(const sp_cmd *c)
{
    char *argv[64];
    int n = 0;
    if (nargs(c, 1, 64, "FILE.lua") < 0) return CMD_FAIL;
    for (int i = 2; i < c->ntok; i++) argv[n++] = c->tok[i].text;
    return luahost_run_file(arg(c, 1), n, argv) < 0 ? CMD_FAIL : CMD_OK;
}

static int c_lesson(const sp_cmd *c)
{
    if (nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (c->ntok == 1) return lesson_list() < 0 ? CMD_FAIL : CMD_OK;
    return lesson_run(arg(c, 1), isatty(0)) < 0 ? CMD_FAIL : CMD_OK;
}

static int c_quit(const sp_cmd *c)
{
    (void)c;
    return CMD_QUIT;
}

const sp_command commands[] = {
    {"socket", "[tcp|udp|tcp6|udp6|unix|unix-dgram]", "create a socket (also: socket AF_INET SOCK_STREAM)",
     "创建套接字（也可写 socket AF_INET SOCK_STREAM）", "s = socket tcp", c_socket, "K", 1},
    {"bind", "S HOST PORT | S PATH", "give the socket a local address; PORT 0 lets the kernel pick",
     "给套接字绑定本地地址；PORT 为 0 时由内核挑选", "bind s \"\" 7788", c_bind, "S-", 0},
    {"listen", "S [BACKLOG]", "make S a passive socket that accepts connections (BACKLOG 128)",
     "把 S 变成接受连接的被动套接字（BACKLOG 默认 128）", "listen s 128", c_listen, "S-", 0},
    {"accept", "S", "wait for a client; returns a new socket for it", "等待客户端连接；返回为它服务的新套接字",
     "conn = accept s", c_accept, "S", 1},
    {"connect", "S HOST PORT | S PATH", "connect to a server (TCP: the three-way handshake)", "连接服务器（TCP：三次握手）",
     "connect c 127.0.0.1 7788", c_connect, "S-", 0},
    {"send", "S DATA", "send bytes on a connected socket", "在已连接的套接字上发送字节", "send c \"hello\\n\"", c_send, "S-", 0},
    {"recv", "S [MAX]", "receive at most MAX bytes (1024); 0 bytes means the peer closed", "最多接收 MAX 字节（默认 1024）；0 字节表示对方已关闭",
     "recv conn 1024", c_recv, "S-", 0},
    {"sendto", "S HOST PORT DATA | S PATH DATA", "send one datagram to an address (UDP)", "向一个地址发送一个数据报（UDP）",
     "sendto u 127.0.0.1 8080 \"hi\"", c_sendto, "S-", 0},
    {"recvfrom", "S [MAX]", "receive one datagram and show who sent it", "接收一个数据报并显示发送方",
     "recvfrom u 1024", c_recvfrom, "S-", 0},
    {"setsockopt", "S [LEVEL] OPTION VALUE", "set a socket option", "设置套接字选项",
     "setsockopt s SOL_SOCKET SO_REUSEADDR 1", c_setsockopt, "SO-", 0},
    {"getsockopt", "S [LEVEL] OPTION", "read a socket option", "读取套接字选项", "getsockopt s SO_RCVBUF", c_getsockopt, "SO", 0},
    {"shutdown", "S rd|wr|rdwr", "close one direction (wr sends FIN, the socket still receives)",
     "关闭一个方向（wr 发送 FIN，仍可接收）", "shutdown c wr", c_shutdown, "SH", 0},
    {"setblocking", "S on|off", "off: calls return EAGAIN instead of waiting", "off：调用不再等待，而是返回 EAGAIN",
     "setblocking s off", c_setblocking, "SB", 0},
    {"settimeout", "S SECONDS|none", "calls wait at most SECONDS (as Python's settimeout)", "调用最多等待 SECONDS 秒（同 Python 的 settimeout）",
     "settimeout conn 2.5", c_settimeout, "S-", 0},
    {"getsockname", "S", "the socket's own address", "套接字自己的地址", "getsockname s", c_getsockname, "S", 0},
    {"getpeername", "S", "the address of the other side", "对方的地址", "getpeername conn", c_getpeername, "S", 0},
    {"close", "S [S…]", "close sockets (TCP: sends FIN)", "关闭套接字（TCP：发送 FIN）", "close conn", c_close, "S", 0},
    {"state", "", "print the table of every socket", "打印所有套接字的状态表", "state", c_state, "-", 0},
    {"lua", "CHUNK", "run Lua code (the rest of the line); REPL sockets are Lua globals by name",
     "运行 Lua 代码（本行剩余部分）；REPL 中的套接字在 Lua 里按名字可用", "lua print(s:getsockname()[2])", c_lua, "-", 0},
    {"run", "FILE.lua [ARGS]", "run a Lua script in this session", "在本会话中运行 Lua 脚本", "run server.lua 7788", c_run, "F-", 0},
    {"lesson", "[NAME]", "list the lessons, or step through one", "列出课程，或逐步运行一个课程", "lesson tcp_server", c_lesson, "-", 0},
    {"help", "[CMD]", "list commands, or explain one", "列出命令，或解释某个命令", "help bind", c_help, "C", 0},
    {"quit", "", "close every socket and leave (also exit, Ctrl-D)", "关闭所有套接字并退出（也可 exit、Ctrl-D）", "quit", c_quit, "-", 0},
    {"exit", "", "same as quit", "同 quit", "exit", c_quit, "-", 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

const sp_command *command_find(const char *name)
{
    for (const sp_command *k = commands; k->name; k++)
        if (strcmp(k->name, name) == 0) return k;
    return NULL;
}

int command_run(const sp_cmd *c)
{
    const sp_command *k;
    int rc;
    current = NULL;
    if (c->tok[0].quoted || !(k = command_find(c->tok[0].text))) {
        char shown[64];
        snprintf(shown, sizeof shown, "%.*s", 40, c->tok[0].text);
        return usage(TR("unknown command '%s' (type `help` for the list)", "未知命令 '%s'（输入 `help` 查看列表）"), shown);
    }
    current = k;
    if (c->assign[0]) {
        if (!k->returns_socket)
            return usage(TR("'%s' returns no socket, so '%s =' has nothing to name (socket and accept do)",
                            "'%s' 不返回套接字，'%s =' 无从命名（socket 和 accept 才返回）"), k->name, c->assign);
        if (command_find(c->assign))
            return usage(TR("'%s' cannot be a socket name (it is a command)", "'%s' 不能用作套接字名（它是命令）"), c->assign);
    }
    rc = k->run(c);
    current = NULL;
    return rc;
}
