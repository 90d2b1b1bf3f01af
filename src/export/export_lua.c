/* export_lua.c — the session log as a Lua script for sockplay (`save`): one method call
 * per call, replayed by `sockplay FILE.lua` or `run FILE.lua`. */
#include "export/export.h"
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "core/log.h"
#include "lang/literal.h"
#include "lang/sockopt.h"
#include "lang/words.h"
#include "report/errtext.h"
#include "report/explain.h"
#include "report/out.h"

static void lua_addr(FILE *f, const sp_call *o, const char *port)
{
    literal_str(f, o->host, strlen(o->host), LANG_LUA_SRC, 1);
    if (port) fprintf(f, ", %s", port);
    else if (o->port >= 0) fprintf(f, ", %d", o->port);
}

void export_lua(FILE *f)
{
    static const char *how[] = {"rd", "wr", "rdwr"};
    for (size_t i = 0; i < log_count(); i++) {
        const sp_call *o = log_at(i);
        const sp_optdef *d = o->opt;
        export_names nm;
        char *v = nm.v, *nv = nm.nv;
        if (!export_start(f, i, LANG_LUA_SRC, &nm)) continue;
        switch (o->kind) {
        case CALL_SOCKET:
            fprintf(f, "%s = socket.socket(\"%s\")\n", nv, words_kind_name(o->family, o->type));
            break;
        case CALL_BIND: fprintf(f, "%s:bind(", v); lua_addr(f, o, NULL); fprintf(f, ")\n"); break;
        case CALL_LISTEN: fprintf(f, "%s:listen(%ld)\n", v, o->n); break;
        case CALL_ACCEPT: fprintf(f, "%s = %s:accept()\n", nv, v); break;
        case CALL_CONNECT: fprintf(f, "%s:connect(", v); lua_addr(f, o, nm.port); fprintf(f, ")\n"); break;
        case CALL_SEND:
        case CALL_SENDTO:
            fprintf(f, "%s:%s(", v, o->kind == CALL_SEND ? "send" : "sendto");
            literal_bytes(f, o->buf, (size_t)o->n, LANG_LUA_SRC, (size_t)-1, o->enc);
            if (o->kind == CALL_SENDTO) fprintf(f, ", "), lua_addr(f, o, nm.port);
            fprintf(f, ")\n");
            break;
        case CALL_RECV: fprintf(f, "%s:recv(%ld)\n", v, o->n); break;
        case CALL_RECVFROM: fprintf(f, "%s:recvfrom(%ld)\n", v, o->n); break;
        case CALL_SETSOCKOPT:
            if (o->secs == -2 || o->secs >= 0) {
                if (d->optname != SO_RCVTIMEO) break;
                if (o->secs == -2) fprintf(f, "%s:settimeout(nil)\n", v);
                else fprintf(f, "%s:settimeout(%g)\n", v, o->secs);
            } else if (d->kind == OPT_TIMEVAL) {
                fprintf(f, "%s:setsockopt(\"%s\", %g)\n", v, d->name, o->val.u.tv.tv_sec + o->val.u.tv.tv_usec / 1e6);
            } else if (d->kind == OPT_LINGER) {
                if (o->val.u.lg.l_onoff) fprintf(f, "%s:setsockopt(\"%s\", %d)\n", v, d->name, o->val.u.lg.l_linger);
                else fprintf(f, "%s:setsockopt(\"%s\", false)\n", v, d->name);
            } else {
                fprintf(f, "%s:setsockopt(\"%s\", %d)\n", v, d->name, o->val.u.i);
            }
            break;
        case CALL_GETSOCKOPT: fprintf(f, "%s:getsockopt(\"%s\")\n", v, d->name); break;
        case CALL_SHUTDOWN: fprintf(f, "%s:shutdown(\"%s\")\n", v, how[o->n]); break;
        case CALL_SETBLOCKING: fprintf(f, "%s:setblocking(%s)\n", v, o->n ? "true" : "false"); break;
        case CALL_SETTIMEOUT: break;
        case CALL_GETSOCKNAME: fprintf(f, "%s:getsockname()\n", v); break;
        case CALL_GETPEERNAME: fprintf(f, "%s:getpeername()\n", v); break;
        case CALL_CLOSE: fprintf(f, "%s:close()\n", v); break;
        case CALL_POLL:
            explain_vars(o, LANG_LUA_SRC, nv, sizeof nm.nv);
            fprintf(f, "socket.poll({%s}", nv);
            if (o->n >= 0) fprintf(f, ", %g", o->n / 1000.0);
            fprintf(f, ")\n");
            break;
        }
    }
}

