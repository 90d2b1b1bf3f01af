/* export.c — a program from the session log (core/log.h). Calls are written in the order
 * they returned, so a call that ran in the background comes after what unblocked it and
 * the program runs straight through. A port the kernel picked (bind to port 0) is read back from the
 * socket at run time, not copied. A failed call is kept, and reported by the program. */
#include "export/export.h"
#include "core/log.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report/explain.h"
#include "report/out.h"
#include "export/safefile.h"

/* The bind that got this port from the kernel (port 0), if any, before entry i. */
const sp_call *export_picked_by(size_t i, int port)
{
    while (i-- > 0) {
        const sp_call *o = log_at(i);
        if (o->kind == CALL_BIND && o->rc == 0 && o->port == 0 && (o->facts & FACT_PICKED) && o->picked == port) return o;
    }
    return NULL;
}

int export_start(FILE *f, size_t i, int lang, export_names *nm)
{
    static const char *lead[] = {"    /* ", "# ", "-- "}, *tail[] = {" */", "", ""};
    static const char *port_fmt[] = {"port_of(%s)", "%s.getsockname()[1]", "%s:getsockname()[2]"};
    const sp_call *o = log_at(i), *b;
    explain_follow(o);
    explain_var(o->var, o->fd, lang, nm->v, sizeof nm->v);
    explain_new_var(o, lang, nm->nv, sizeof nm->nv);
    nm->port = NULL;
    if ((o->kind == CALL_CONNECT || o->kind == CALL_SENDTO) && (b = export_picked_by(i, o->port))) {
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
    if (o->job)
        fprintf(f, TR("%s[%d] ran in the background in sockplay; here it comes where it returned%s\n",
                      "%s[%d] 在 sockplay 中是后台调用；这里放在它返回的位置%s\n"), lead[lang], o->job, tail[lang]);
    return 1;
}

/* The first lines of every program: SAFEFILE_MARKER (sockplay may replace the file), its name
 * and how to run it; the name goes through the language's escaper, even in a comment. */
static void write_header(FILE *f, int lang, const char *path)
{
    static const char *lead[] = {" * ", "# ", "-- "};
    static const char *run[] = {"cc -Wall -Werror -o session ", "python3 ", "sockplay "};
    const char *l = lead[lang];
    char when[32], *word = literal_shell_word(path);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    fprintf(f, "%s%s (%s): %s\n%s", lang == LANG_C_SRC ? "/* " : l, SAFEFILE_MARKER, when,
            TR("sockplay replaces this file only while this line is here", "仅当这一行还在时 sockplay 才会替换本文件"), l);
    literal_str(f, path, strlen(path), lang, 0);
    fprintf(f, TR(" — %s from a sockplay session: the same socket calls, in the same order.\n%sRun it: %s",
                  " —— 从 sockplay 会话%s：同样的套接字调用，同样的顺序。\n%s运行：%s"),
            lang == LANG_LUA_SRC ? TR("saved", "保存") : TR("exported", "导出"), l, run[lang]);
    if (word) literal_str(f, word, strlen(word), lang, 0);
    if (lang == LANG_C_SRC) fputs(" && ./session */", f);
    if (lang == LANG_LUA_SRC) fputs(TR("   (or `run FILE` at the prompt)", "   （或在提示符下 `run 文件名`）"), f);
    fputc('\n', f);
    free(word);
}

int export_write(int lang, const char *path, int force, char *err, size_t errlen)
{
    safefile_file w;
    if (log_too_long()) {
        snprintf(err, errlen, TR("this session is too long to write as a program (over %d calls or %u MiB of data sent)",
                                 "这个会话太长，无法写成程序（超过 %d 次调用或发送了超过 %u MiB 数据）"), LOG_KEEP_CALLS, LOG_KEEP_BYTES >> 20);
        return -1;
    }
    if (safefile_check(path, force, "--force", err, errlen) < 0 || safefile_open(&w, path, err, errlen) < 0) return -1;
    write_header(w.f, lang, path);
    explain_names_use(1, 1);           /* the course's names, given as the program goes */
    if (lang == LANG_PY_SRC) export_python(w.f);
    else if (lang == LANG_LUA_SRC) export_lua(w.f);
    else export_c(w.f);
    explain_names_use(0, 0);
    if (safefile_commit(&w, err, errlen) < 0) return -1;
    return (int)log_count();
}
