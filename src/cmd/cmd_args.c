/* cmd_args.c — reading a command's arguments, and naming what is wrong with them. */
#include "cmd/cmd_args.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "lang/words.h"
#include "report/out.h"

const sp_command *cmd_current;

int cmd_usage(const char *fmt, ...)
{
    va_list ap;
    char raw[1024], msg[4096], lead[96], use[300];
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    out_sanitize(msg, sizeof msg, raw);     /* the mistake quotes what was typed: no escape reaches the terminal */
    /* Wrapped to the terminal's width, as all prose: a long mistake names itself on a projector too. */
    snprintf(lead, sizeof lead, "%s%s: ", out_col(C_RED), cmd_current ? cmd_current->name : "sockplay");
    out_wrap(stdout, lead, -1, msg, out_col(C_RESET));
    if (cmd_current) {
        snprintf(use, sizeof use, "%s %s", cmd_current->name, cmd_current->args);
        snprintf(lead, sizeof lead, "   %s%s: ", out_col(C_RED), TR("usage", "用法"));
        out_wrap(stdout, lead, -1, use, out_col(C_RESET));
    }
    return CMD_FAIL;
}

int cmd_on_off(const char *v, int *on)
{
    char list[80];
    if ((*on = words_on_off_value(v)) < 0)
        return cmd_usage(TR("'%s' is not %s", "'%s' 不是 %s"), v, words_join(words_on_off, TR(", ", "、"), TR(" or ", " 或 "), list, sizeof list)), -1;
    return 0;
}

const char *cmd_arg(const sp_line *c, int i) { return i < c->ntok ? c->tok[i].text : NULL; }

/* Arguments after the command name: at least lo, at most hi (-1: any). */
int cmd_nargs(const sp_line *c, int lo, int hi, const char *missing)
{
    int n = c->ntok - 1;
    if (n < lo) return cmd_usage(TR("missing %s", "缺少 %s"), missing), -1;
    if (hi >= 0 && n > hi)
        return cmd_usage(TR("too many arguments: '%s' is one too many", "参数太多：'%s' 是多余的"), c->tok[hi + 1].text), -1;
    return 0;
}

sp_sock *cmd_sock(const sp_line *c, int i)
{
    const char *ref = cmd_arg(c, i);
    sp_sock *s;
    if (!ref) { cmd_usage("%s", TR("missing S: a socket's name or fd number", "缺少 S：套接字的名字或 fd 编号")); return NULL; }
    s = registry_lookup(ref);
    if (s) return s;
    if (ref[0] >= '0' && ref[0] <= '9')
        cmd_usage(TR("fd %s is not one of this session's sockets (see `state`): only sockets made here can be used",
                 "fd %s 不是本会话的套接字（见 `state`）：只能使用在这里创建的套接字"), ref);
    else
        cmd_usage(TR("unknown socket '%s': no socket of this session has that name (see `state`)",
                 "未知的套接字 '%s'：本会话没有叫这个名字的套接字（见 `state`）"), ref);
    return NULL;
}

const char *cmd_assigned(const sp_line *c) { return c->assign[0] ? c->assign : NULL; }
