/* export.c — a program from the session. Calls are written in the order they returned,
 * so a call that ran in the background comes after what unblocked it and the program
 * runs straight through. A port the kernel picked (bind to port 0) is read back from the
 * socket at run time, not copied. A failed call is kept, and reported by the program. */
#include "export/export.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report/explain.h"
#include "report/errtext.h"
#include "report/out.h"
#include "export/safefile.h"
#include "lang/sockopt.h"

export_entry *export_log;
size_t export_n;
static size_t cap, kept_bytes;
static int overflow;            /* the session outgrew the limits: no program can be written */

#define KEEP_CALLS 200000
#define KEEP_BYTES (64u << 20)
#define log export_log
#define nlog export_n

void export_record(const sp_op *o, int job)
{
    export_entry *e;
    if (overflow || nlog >= KEEP_CALLS || ((o->kind == OP_SEND || o->kind == OP_SENDTO) && kept_bytes + (size_t)o->n > KEEP_BYTES)) {
        overflow = 1;
        return;
    }
    if (nlog == cap) {
        size_t nc = cap ? cap * 2 : 64;
        export_entry *n = realloc(log, nc * sizeof *n);
        if (!n) return;
        log = n;
        cap = nc;
    }
    e = &log[nlog];
    e->op = *o;
    e->job = job;
    e->op.data = NULL;
    if ((o->kind == OP_SEND || o->kind == OP_SENDTO) && o->n > 0) {
        unsigned char *copy = malloc((size_t)o->n);
        if (!copy) return;
        memcpy(copy, o->data, (size_t)o->n);
        e->op.data = copy;
        kept_bytes += (size_t)o->n;
    }
    nlog++;
}

size_t export_count(void) { return nlog; }

void export_free(void)
{
    for (size_t i = 0; i < nlog; i++) free((void *)log[i].op.data);
    free(log);
    log = NULL;
    nlog = cap = kept_bytes = 0;
    overflow = 0;
}

/* The bind that got this port from the kernel (port 0), if any, before entry i. */
const sp_op *export_picked_by(size_t i, int port)
{
    while (i-- > 0)
        if (log[i].op.kind == OP_BIND && log[i].op.rc == 0 && log[i].op.port == 0 && log[i].op.picked == port) return &log[i].op;
    return NULL;
}

int export_start(FILE *f, size_t i, int lang, export_names *nm)
{
    static const char *lead[] = {"    /* ", "# ", "-- "}, *tail[] = {" */", "", ""};
    static const char *port_fmt[] = {"port_of(%s)", "%s.getsockname()[1]", "%s:getsockname()[2]"};
    const sp_op *o = &log[i].op, *b;
    explain_follow(o);
    explain_var(o->var, o->fd, lang, nm->v, sizeof nm->v);
    explain_new_var(o, lang, nm->nv, sizeof nm->nv);
    nm->port = NULL;
    if ((o->kind == OP_CONNECT || o->kind == OP_SENDTO) && (b = export_picked_by(i, o->port))) {
        char bv[SP_NAME_MAX + 8];
        explain_var(b->var, b->fd, lang, bv, sizeof bv);
        snprintf(nm->port_expr, sizeof nm->port_expr, port_fmt[lang], bv);
        nm->port = nm->port_expr;
    }
    /* A call cancelled in sockplay would wait for ever in a program that runs alone. */
    if (o->rc < 0 && o->err == EINTR) {
        fprintf(f, "%s%s%s\n", lead[lang], TR("(a call interrupted in sockplay is left out here)",
                                              "（在 sockplay 中被中断的调用这里省略）"), tail[lang]);
        return 0;
    }
    if (log[i].job)
        fprintf(f, TR("%s[%d] ran in the background in sockplay; here it comes where it returned%s\n",
                      "%s[%d] 在 sockplay 中是后台调用；这里放在它返回的位置%s\n"), lead[lang], log[i].job, tail[lang]);
    return 1;
}

/* --- Python ------------------------------------------------------------------------ */

static void write_python(FILE *f)
{
    int sel = 0, pack = 0;
    for (size_t i = 0; i < nlog; i++) {
        const sp_optdef *d = log[i].op.opt;
        sel |= log[i].op.kind == OP_POLL;
        pack |= log[i].op.kind == OP_SETSOCKOPT && log[i].op.secs == -1 && d && d->kind != OPT_INT && d->kind != OPT_BOOL;
    }
    fprintf(f, "import socket\n%s%s\n", sel ? "import select\n" : "", pack ? "import struct\n" : "");
    for (size_t i = 0; i < nlog; i++) {
        const sp_op *o = &log[i].op;
        const char *ind = o->rc < 0 ? "    " : "";
        export_names nm;
        if (!export_start(f, i, LANG_PY_SRC, &nm)) continue;
        if (o->rc >= 0 && o->kind == OP_SETSOCKOPT && o->secs != -1 && ((const sp_optdef *)o->opt)->optname != SO_RCVTIMEO)
            continue;    /* settimeout's second setsockopt: Python has one line for both */
        if (o->rc < 0) fprintf(f, "try:\n");
        if (o->kind == OP_GETSOCKNAME || o->kind == OP_GETPEERNAME || o->kind == OP_GETSOCKOPT || o->kind == OP_POLL) {
            fprintf(f, "%sprint(\"%s:\", ", ind, o->kind == OP_POLL ? "select" : o->kind == OP_GETSOCKOPT ? "getsockopt"
                                                : o->kind == OP_GETSOCKNAME ? "getsockname" : "getpeername");
            explain_python(f, o, NULL, (size_t)-1);
            fprintf(f, ")\n");
        } else {
            fputs(ind, f);
            if (!explain_python(f, o, nm.port, (size_t)-1)) fprintf(f, "pass");
            fputc('\n', f);
            if (o->kind == OP_ACCEPT) fprintf(f, "%sprint(\"accept:\", clientAddr)\n", ind);
            if (o->kind == OP_RECV) fprintf(f, "%sprint(\"recv:\", data)\n", ind);
            if (o->kind == OP_RECVFROM) fprintf(f, "%sprint(\"recvfrom:\", data, addr)\n", ind);
        }
        if (o->rc < 0) {
            fprintf(f, "except OSError as e:\n    print(\"%s\", e)   # sockplay: %s\n",
                    o->kind == OP_SOCKET ? "socket:" : "failed:", errtext_name(o->err));
        }
    }
}

/* --- Lua ----------------------------------------------------------------------------- */

static void lua_addr(FILE *f, const sp_op *o, const char *port)
{
    explain_str(f, o->host, strlen(o->host), LANG_LUA_SRC, 1);
    if (port) fprintf(f, ", %s", port);
    else if (o->port >= 0) fprintf(f, ", %d", o->port);
}

static void write_lua(FILE *f)
{
    static const char *how[] = {"rd", "wr", "rdwr"};
    static const char *kinds[2][3] = {{"tcp", "tcp6", "unix"}, {"udp", "udp6", "unix-dgram"}};
    for (size_t i = 0; i < nlog; i++) {
        const sp_op *o = &log[i].op;
        const sp_optdef *d = o->opt;
        export_names nm;
        char *v = nm.v, *nv = nm.nv;
        if (!export_start(f, i, LANG_LUA_SRC, &nm)) continue;
        switch (o->kind) {
        case OP_SOCKET:
            fprintf(f, "%s = socket.socket(\"%s\")\n", nv,
                    kinds[o->type != SOCK_STREAM][o->family == AF_INET6 ? 1 : o->family == AF_UNIX ? 2 : 0]);
            break;
        case OP_BIND: fprintf(f, "%s:bind(", v); lua_addr(f, o, NULL); fprintf(f, ")\n"); break;
        case OP_LISTEN: fprintf(f, "%s:listen(%ld)\n", v, o->n); break;
        case OP_ACCEPT: fprintf(f, "%s = %s:accept()\n", nv, v); break;
        case OP_CONNECT: fprintf(f, "%s:connect(", v); lua_addr(f, o, nm.port); fprintf(f, ")\n"); break;
        case OP_SEND:
        case OP_SENDTO:
            fprintf(f, "%s:%s(", v, o->kind == OP_SEND ? "send" : "sendto");
            explain_bytes(f, o->data, (size_t)o->n, LANG_LUA_SRC, (size_t)-1, o->enc);
            if (o->kind == OP_SENDTO) fprintf(f, ", "), lua_addr(f, o, nm.port);
            fprintf(f, ")\n");
            break;
        case OP_RECV: fprintf(f, "%s:recv(%ld)\n", v, o->n); break;
        case OP_RECVFROM: fprintf(f, "%s:recvfrom(%ld)\n", v, o->n); break;
        case OP_SETSOCKOPT:
            if (o->secs == -2 || o->secs >= 0) {
                if (d->optname != SO_RCVTIMEO) break;
                if (o->secs == -2) fprintf(f, "%s:settimeout(nil)\n", v);
                else fprintf(f, "%s:settimeout(%g)\n", v, o->secs);
            } else if (d->kind == OPT_TIMEVAL) {
                fprintf(f, "%s:setsockopt(\"%s\", %g)\n", v, d->name, o->val.tv.tv_sec + o->val.tv.tv_usec / 1e6);
            } else if (d->kind == OPT_LINGER) {
                if (o->val.lg.l_onoff) fprintf(f, "%s:setsockopt(\"%s\", %d)\n", v, d->name, o->val.lg.l_linger);
                else fprintf(f, "%s:setsockopt(\"%s\", false)\n", v, d->name);
            } else {
                fprintf(f, "%s:setsockopt(\"%s\", %d)\n", v, d->name, o->val.i);
            }
            break;
        case OP_GETSOCKOPT: fprintf(f, "%s:getsockopt(\"%s\")\n", v, d->name); break;
        case OP_SHUTDOWN: fprintf(f, "%s:shutdown(\"%s\")\n", v, how[o->n]); break;
        case OP_SETBLOCKING: fprintf(f, "%s:setblocking(%s)\n", v, o->n ? "true" : "false"); break;
        case OP_SETTIMEOUT: break;
        case OP_GETSOCKNAME: fprintf(f, "%s:getsockname()\n", v); break;
        case OP_GETPEERNAME: fprintf(f, "%s:getpeername()\n", v); break;
        case OP_CLOSE: fprintf(f, "%s:close()\n", v); break;
        case OP_POLL:
            explain_vars(o->list, LANG_LUA_SRC, nv, sizeof nm.nv);
            fprintf(f, "socket.poll({%s}", nv);
            if (o->n >= 0) fprintf(f, ", %g", o->n / 1000.0);
            fprintf(f, ")\n");
            break;
        }
    }
}

/* The first lines of every program: SAFEFILE_MARKER (sockplay may replace the file), its name
 * and how to run it; the name goes through the language's escaper, even in a comment. */
static void write_header(FILE *f, int lang, const char *path)
{
    static const char *lead[] = {" * ", "# ", "-- "};
    static const char *run[] = {"cc -Wall -Werror -o session ", "python3 ", "sockplay "};
    const char *l = lead[lang];
    char when[32], *word = explain_shell_word(path);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    fprintf(f, "%s%s (%s): %s\n%s", lang == LANG_C_SRC ? "/* " : l, SAFEFILE_MARKER, when,
            TR("sockplay replaces this file only while this line is here", "仅当这一行还在时 sockplay 才会替换本文件"), l);
    explain_str(f, path, strlen(path), lang, 0);
    fprintf(f, TR(" — %s from a sockplay session: the same socket calls, in the same order.\n%sRun it: %s",
                  " —— 从 sockplay 会话%s：同样的套接字调用，同样的顺序。\n%s运行：%s"),
            lang == LANG_LUA_SRC ? TR("saved", "保存") : TR("exported", "导出"), l, run[lang]);
    if (word) explain_str(f, word, strlen(word), lang, 0);
    if (lang == LANG_C_SRC) fputs(" && ./session */", f);
    if (lang == LANG_LUA_SRC) fputs(TR("   (or `run FILE` at the prompt)", "   （或在提示符下 `run 文件名`）"), f);
    fputc('\n', f);
    free(word);
}

int export_write(int lang, const char *path, int force, char *err, size_t errlen)
{
    safefile_file w;
    if (overflow) {
        snprintf(err, errlen, TR("this session is too long to write as a program (over %d calls or %u MiB of data sent)",
                                 "这个会话太长，无法写成程序（超过 %d 次调用或发送了超过 %u MiB 数据）"), KEEP_CALLS, KEEP_BYTES >> 20);
        return -1;
    }
    if (safefile_check(path, force, "--force", err, errlen) < 0 || safefile_open(&w, path, err, errlen) < 0) return -1;
    write_header(w.f, lang, path);
    explain_names_use(1, 1);           /* the course's names, given as the program goes */
    if (lang == LANG_PY_SRC) write_python(w.f);
    else if (lang == LANG_LUA_SRC) write_lua(w.f);
    else export_c(w.f);
    explain_names_use(0, 0);
    if (safefile_commit(&w, err, errlen) < 0) return -1;
    return (int)nlog;
}
