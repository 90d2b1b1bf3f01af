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

void export_python(FILE *f)
{
    int sel = 0, pack = 0;
    for (size_t i = 0; i < log_count(); i++) {
        const sp_call *o = log_at(i);
        const sp_optdef *d = o->opt;
        sel |= o->kind == CALL_POLL;
        pack |= o->kind == CALL_SETSOCKOPT && o->secs == -1 && d && d->kind != OPT_INT && d->kind != OPT_BOOL;
    }
    fprintf(f, "import socket\n%s%s\n", sel ? "import select\n" : "", pack ? "import struct\n" : "");
    for (size_t i = 0; i < log_count(); i++) {
        const sp_call *o = log_at(i);
        const char *ind = o->rc < 0 ? "    " : "";
        export_names nm;
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
            fprintf(f, "except OSError as e:\n    print(\"%s\", e)   # sockplay: %s\n",
                    o->kind == CALL_SOCKET ? "socket:" : "failed:", errtext_name(o->err));
        }
    }
}

