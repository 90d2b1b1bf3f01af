/* export_python.c — the session log as a Python program in the course's style: one
 * statement per call, a failed call in try/except OSError, what a recv got printed. */
#include "export/export.h"
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "core/log.h"
#include "lang/literal.h"
#include "lang/sockopt.h"
#include "report/errtext.h"
#include "report/explain.h"
#include "report/out.h"

/* A line the learner typed in Python, written as typed: wrapped in try/except when a socket
 * call in it failed (the session went on, so does the program), a comment when Python
 * refused it (nothing of it ran). Its text passed sockplay's Python reader: one or more
 * lines of code with no control byte, so it stays the code it was. */
static void write_source(FILE *f, const log_src *src)
{
    const char *p = src->text;
    if (src->raised == 1) fprintf(f, "try:\n");
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(f, "%s%.*s\n", src->raised == 1 ? "    " : src->raised == 2 ? "# " : "", (int)n, p);
        p += n + (p[n] == '\n');
    }
    if (src->raised == 1) fprintf(f, "except OSError as err:\n    print(\"failed:\", err)\n");
}

/* The first typed line imports socket itself, before any call: the header need not. */
static int imports_itself(void)
{
    const log_src *s = log_source_at(0);
    unsigned long base = log_total() - log_count();
    return s && s->first <= base && !s->raised && (!strncmp(s->text, "import socket", 13) || !strncmp(s->text, "from socket import", 18));
}

void export_python(FILE *f)
{
    int sel = 0, pack = 0;
    size_t si = 0, ns = log_source_count();
    unsigned long base = log_total() - log_count(), covered = 0;
    for (size_t i = 0; i < log_count(); i++) {
        const sp_call *o = log_at(i);
        const sp_optdef *d = o->opt;
        sel |= o->kind == CALL_POLL;
        pack |= o->kind == CALL_SETSOCKOPT && o->secs == -1 && d && d->kind != OPT_INT && d->kind != OPT_BOOL;
    }
    fprintf(f, "%s%s%s\n", imports_itself() ? "" : "import socket\n", sel ? "import select\n" : "", pack ? "import struct\n" : "");
    for (size_t i = 0; i < log_count(); i++) {
        const sp_call *o = log_at(i);
        const char *ind = o->rc < 0 ? "    " : "";
        export_names nm;
        /* The typed Python lines that came before this call, and the calls they made. */
        while (si < ns && log_source_at(si)->first <= base + i) {
            const log_src *src = log_source_at(si++);
            write_source(f, src);
            if (src->end > covered) covered = src->end;
        }
        if (base + i < covered) {
            explain_follow(o);     /* written by its line: only the names it gave are followed */
            continue;
        }
        if (!export_start(f, i, LANG_PY_SRC, &nm)) continue;
        if (o->rc >= 0 && o->kind == CALL_SETSOCKOPT && o->secs != -1 && o->opt->optname != SO_RCVTIMEO)
            continue;    /* settimeout's second setsockopt: Python has one line for both */
        if (o->rc < 0) fprintf(f, "try:\n");
        if (o->kind == CALL_GETSOCKNAME || o->kind == CALL_GETPEERNAME || o->kind == CALL_GETSOCKOPT || o->kind == CALL_POLL) {
            fprintf(f, "%sprint(\"%s:\", ", ind, o->kind == CALL_POLL ? "select" : o->kind == CALL_GETSOCKOPT ? "getsockopt"
                                                : o->kind == CALL_GETSOCKNAME ? "getsockname" : "getpeername");
            explain_python(f, o, NULL, (size_t)-1);
            fprintf(f, ")\n");
        } else {
            fputs(ind, f);
            if (!explain_python(f, o, nm.port, (size_t)-1)) fprintf(f, "pass");
            fputc('\n', f);
            if (o->kind == CALL_ACCEPT) fprintf(f, "%sprint(\"accept:\", clientAddr)\n", ind);
            if (o->kind == CALL_RECV) fprintf(f, "%sprint(\"recv:\", data)\n", ind);
            if (o->kind == CALL_RECVFROM) fprintf(f, "%sprint(\"recvfrom:\", data, addr)\n", ind);
        }
        if (o->rc < 0) {
            fprintf(f, "except OSError as err:\n    print(\"%s\", err)   # sockplay: %s\n",
                    o->kind == CALL_SOCKET ? "socket:" : "failed:", errtext_name(o->err));
        }
    }
    while (si < ns) write_source(f, log_source_at(si++));
}
