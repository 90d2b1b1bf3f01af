/* lsession.c — the session as Lua tables, for an exercise's checks (and any script that
 * asks what happened): socket.log(), every call that ended, as the session log keeps it
 * (core/log.h); socket.sockets(), the kernel's table as the prompt's table shows it
 * (kernel/kernel.h). Read only: nothing here makes a call. */
#include "lua/lsession.h"
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>
#include "core/call.h"
#include "core/log.h"
#include "core/registry.h"
#include "kernel/kernel.h"
#include "lang/words.h"
#include "report/errtext.h"

static void set_str(lua_State *L, const char *k, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

/* t.addr = "127.0.0.1:8080" and t.port = 8080 (an address the call took or learned). */
static void set_addr(lua_State *L, const sp_addr *a)
{
    char buf[160], host[128];
    int port = -1;
    if (!a->len) return;
    addr_format((const struct sockaddr *)&a->ss, a->len, buf, sizeof buf);
    set_str(L, "addr", buf);
    if (addr_split((const struct sockaddr *)&a->ss, a->len, host, sizeof host, &port) == 0 && port >= 0) {
        set_str(L, "host", host);
        set_int(L, "port", port);
    }
}

/* One call as a table (socket.log() adds seq, its place in the log): kind; sock (its name
 * then, or its fd as text), fd, id (which socket: a name moves, names and fds are used
 * again), type; ok, ret, err ("EADDRINUSE"); addr/host/port; data (the bytes sent or
 * received); made and made_id (the socket an accept or socket made); option/value
 * (setsockopt); n (MAX, backlog …); unread (a close with bytes never read: it sent RST);
 * t (when it began, seconds on a monotonic clock); took (seconds it blocked); job. */
static void push_call(lua_State *L, const sp_call *c)
{
    char buf[64];
    lua_createtable(L, 0, 12);
    set_str(L, "kind", call_kinds[c->kind].name);
    if (c->fd >= 0) {
        snprintf(buf, sizeof buf, "%d", c->fd);
        set_str(L, "sock", c->var[0] ? c->var : buf);
        set_int(L, "fd", c->fd);
        set_int(L, "id", (lua_Integer)c->serial);
        set_str(L, "type", words_kind_name(c->family, c->type));
    }
    lua_pushboolean(L, c->rc >= 0 && !c->why);
    lua_setfield(L, -2, "ok");
    set_int(L, "ret", c->rc);
    if (c->rc < 0 && c->err) set_str(L, "err", errtext_name(c->err));
    if (c->facts & FACT_TIMEDOUT) set_str(L, "err", "timeout");
    if (call_kinds[c->kind].flags & (CALLK_ADDR | CALLK_MAKES | CALLK_RECVS) || c->kind == CALL_GETSOCKNAME || c->kind == CALL_GETPEERNAME)
        if (c->rc >= 0 || (call_kinds[c->kind].flags & CALLK_ADDR)) set_addr(L, &c->addr);
    if (c->kind != CALL_BIND && c->kind != CALL_CONNECT && c->kind != CALL_SENDTO && c->port >= 0 && !c->addr.len && c->host[0])
        set_int(L, "port", c->port);
    if (c->buf && (call_kinds[c->kind].flags & (CALLK_SENDS | CALLK_RECVS))) {
        size_t n = call_kinds[c->kind].flags & CALLK_SENDS ? c->len : c->rc > 0 ? (size_t)c->rc : 0;
        if (n > c->len) n = c->len;
        lua_pushlstring(L, (const char *)c->buf, n);
        lua_setfield(L, -2, "data");
    }
    if ((call_kinds[c->kind].flags & CALLK_MAKES) && c->newfd >= 0) {
        snprintf(buf, sizeof buf, "%d", c->newfd);
        set_str(L, "made", c->newvar[0] ? c->newvar : buf);
        set_int(L, "made_id", (lua_Integer)c->made_serial);
    }
    if (c->opt) {
        set_str(L, "option", c->opt->name);
        set_int(L, "value", (lua_Integer)sockopt_number(c->opt, &c->val));
    }
    set_int(L, "n", c->n);
    if (c->facts & FACT_UNREAD) set_int(L, "unread", c->n);   /* a close that sent RST */
    lua_pushnumber(L, c->took);
    lua_setfield(L, -2, "took");
    lua_pushnumber(L, c->t0);
    lua_setfield(L, -2, "t");
    if (c->job) set_int(L, "job", c->job);
}

unsigned long lsession_since;

/* socket.log(): the calls of this session that ended, oldest first (the log keeps its last
 * LOG_KEEP_CALLS; none while socket.trace(false) has it off) — during an exercise, those
 * since it began. seq counts every call of the session, kept or not. */
static int l_log(lua_State *L)
{
    size_t n = log_count(), from = 0;
    unsigned long first = log_total() - n;          /* calls before the oldest kept */
    if (lsession_since > first) from = lsession_since - first < n ? (size_t)(lsession_since - first) : n;
    lua_createtable(L, (int)(n - from < 100000 ? n - from : 100000), 0);
    for (size_t i = from; i < n; i++) {
        push_call(L, log_at(i));
        set_int(L, "seq", (lua_Integer)(first + i + 1));     /* its place: which came first */
        lua_seti(L, -2, (lua_Integer)(i - from + 1));
    }
    return 1;
}

/* The port of "127.0.0.1:8080" / "[::1]:8080", or -1. */
static int port_of(const char *a)
{
    const char *colon = strrchr(a, ':');
    int p = -1;
    if (colon && sscanf(colon + 1, "%d", &p) != 1) p = -1;
    return p;
}

/* socket.sockets(): the session's rows of the kernel's table, as the prompt's table: sock
 * (the session's name or fd; nil for a row no fd holds, as TIME_WAIT), type, state, local,
 * peer, port (the local port), peer_port, recvq, sendq, accept_queue, backlog. nil and the
 * reason when the kernel's table could not be read. */
static int l_sockets(lua_State *L)
{
    const kernel_row *rows;
    size_t n;
    if (kernel_dump(&rows, &n) < 0 && !rows) {
        luaL_pushfail(L);
        lua_pushstring(L, "the kernel's table could not be read");
        return 2;
    }
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const kernel_row *k = &rows[i];
        lua_createtable(L, 0, 12);
        if (k->owner) {
            char buf[32];
            snprintf(buf, sizeof buf, "%d", k->owner->fd);
            set_str(L, "sock", k->owner->name[0] ? k->owner->name : buf);
            set_int(L, "fd", k->owner->fd);
            set_int(L, "id", (lua_Integer)k->owner->serial);
        }
        set_str(L, "type", words_kind_name(k->family, k->type));
        set_str(L, "state", k->state);
        set_str(L, "local", k->local);
        set_str(L, "peer", k->peer);
        set_int(L, "port", port_of(k->local));
        set_int(L, "peer_port", port_of(k->peer));
        set_int(L, "recvq", k->recvq);
        set_int(L, "sendq", k->sendq);
        set_int(L, "accept_queue", k->accq);
        set_int(L, "backlog", k->backlog);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

void lsession_open(lua_State *L)
{
    static const luaL_Reg f[] = {{"log", l_log}, {"sockets", l_sockets}, {NULL, NULL}};
    if (lua_getglobal(L, "socket") == LUA_TTABLE) luaL_setfuncs(L, f, 0);
    lua_pop(L, 1);
}
