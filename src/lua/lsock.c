/* lsock.c — socket userdata in the manner of liolib.c's files: __gc, __close,
 * __tostring and a clear closed state. The userdata holds an fd and the registry's serial
 * number, never a pointer, so a socket closed by a typed `close` reads as closed here. */
#include "lua/lsock.h"
#include <errno.h>
#include <lauxlib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "lang/addr.h"
#include "core/blocking.h"
#include "core/place.h"
#include "lab/lab_filter.h"
#include "lab/lab_net.h"
#include "lab/lab_switch.h"
#include "core/core.h"
#include "core/log.h"
#include "lang/encoding.h"
#include "lang/words.h"
#include "report/errtext.h"
#include "kernel/kernel.h"
#include "report/out.h"
#include "report/report.h"
#include "report/wireview.h"
#include "core/registry.h"
#include "lang/sockopt.h"
#include "wire/wire.h"

typedef struct {
    int fd;
    unsigned long serial;   /* 0 once closed through this userdata */
    int owned;              /* made by Lua: closed when collected */
} lsock;

/* mt: the metatable's stack index, or 0 to look it up by name (callers outside the methods). */
static void push_sock(lua_State *L, const sp_sock *s, int owned, int mt)
{
    lsock *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->fd = s->fd;
    u->serial = s->serial;
    u->owned = owned;
    if (mt) {
        lua_pushvalue(L, mt);
        lua_setmetatable(L, -2);
    } else {
        luaL_setmetatable(L, SP_SOCKET_MT);
    }
}

void lsock_push(lua_State *L, const sp_sock *s, int owned) { push_sock(L, s, owned, 0); }

static sp_sock *lookup(const lsock *u)
{
    sp_sock *s = u->serial ? registry_by_fd(u->fd) : NULL;
    return s && s->serial == u->serial ? s : NULL;
}

sp_sock *lsock_peek(lua_State *L, int idx)
{
    lsock *u = luaL_testudata(L, idx, SP_SOCKET_MT);
    return u ? lookup(u) : NULL;
}

/* self: every function here carries the metatable as its upvalue, so telling a socket is
 * one comparison — luaL_checkudata would look its name up in the registry on every call. */
static lsock *self(lua_State *L)
{
    lsock *u = lua_touserdata(L, 1);
    if (u && lua_getmetatable(L, 1)) {
        int same = lua_rawequal(L, -1, lua_upvalueindex(1));
        lua_pop(L, 1);
        if (same) return u;
    }
    return luaL_checkudata(L, 1, SP_SOCKET_MT);   /* not a socket: raises the usual message */
}

/* Misuse raises: a closed socket is a programming error, as in Python. */
static sp_sock *check(lua_State *L)
{
    lsock *u = self(L);
    sp_sock *s = lookup(u);
    if (!s) luaL_error(L, "attempt to use a closed socket");
    return s;
}

/* OS failures return nil, message, errno (Lua's io convention). */
static int fail(lua_State *L)
{
    const sp_call *c = core_failed();
    char msg[600];
    luaL_pushfail(L);
    lua_pushstring(L, report_error(c, msg, sizeof msg));
    if (c->err) lua_pushinteger(L, c->err);
    else lua_pushnil(L);
    return 3;
}

static int push_addr(lua_State *L, const struct sockaddr *sa, socklen_t len)
{
    char host[256];
    int port;
    addr_split(sa, len, host, sizeof host, &port);
    lua_createtable(L, 2, 0);
    lua_pushstring(L, host);
    lua_rawseti(L, -2, 1);
    if (sa->sa_family != AF_UNIX) {
        lua_pushinteger(L, port);
        lua_rawseti(L, -2, 2);
    }
    return 1;
}

/* (host, port), ({host, port}) or (path), and for bind (lone) a lone port: the address
 * arguments starting at i, read by words_address as the prompt reads them. */
static void where_args(lua_State *L, const sp_sock *s, int i, int lone, const char **host, const char **port, char *pbuf,
                       size_t pn)
{
    const char *a, *b = NULL;
    char err[300];
    if (lua_istable(L, i)) {   /* {host, port} becomes host, port in place */
        lua_settop(L, i);
        lua_rawgeti(L, i, 1);
        lua_rawgeti(L, i, 2);
        lua_remove(L, i);
    }
    a = luaL_checkstring(L, i);
    if (s->family == AF_UNIX || lua_isnoneornil(L, i + 1)) b = NULL;
    else if (lua_type(L, i + 1) == LUA_TSTRING) b = lua_tostring(L, i + 1);
    else {
        /* The number as text for the core, without printf (it is on every connect). */
        lua_Integer p = luaL_checkinteger(L, i + 1);
        char *e = pbuf;
        if (pn < 24) luaL_error(L, "port buffer too small");
        if (p < 0) *e++ = '-';
        *out_decimal(e, p < 0 ? 0ULL - (unsigned long long)p : (unsigned long long)p) = '\0';
        b = pbuf;
    }
    if (words_address(s->family, a, b, lone, host, port, err, sizeof err) < 0) luaL_argerror(L, i + 1, err);
}

/* Line `want` of a chunk's source: a file ("@path") or the chunk's own text; 0 if unknown. */
static int source_line(const char *src, int want, char *out, size_t n)
{
    int line = 1;
    if (src[0] == '=') return 0;
    if (src[0] == '@') {
        FILE *f = fopen(src + 1, "r");
        int ok = 0;
        if (!f) return 0;
        while (fgets(out, (int)n, f))
            if (strchr(out, '\n') || feof(f)) { if (line++ == want) { ok = 1; break; } }
        fclose(f);
        return ok;
    }
    for (; *src && line < want; src++) line += *src == '\n';
    snprintf(out, n, "%.*s", (int)strcspn(src, "\n"), src);
    return line == want;
}

/* NAME when the Lua line calling us is "NAME = …" or "NAME, X = …" and NAME is a global
 * (not a local in scope): the socket gets its name at once, as `NAME = socket tcp` gives
 * it at the prompt, so explain's Python line says NAME (the global's __newindex would
 * name it only after the call). NULL otherwise. */
static const char *assigned_global(lua_State *L, char *name, size_t n)
{
    lua_Debug ar;
    char line[512];
    const char *p = line, *local;
    size_t k;
    /* Only a listener shows the name at once; quiet (socket.trace(false)), the global's
     * __newindex names it as before, and no source file is read per socket. */
    if (!call_listening) return NULL;
    if (!lua_getstack(L, 1, &ar) || !lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) return NULL;
    if (!source_line(ar.source, ar.currentline, line, sizeof line)) return NULL;
    p += strspn(p, " \t");
    k = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
    if (k == 0 || k >= n) return NULL;
    snprintf(name, n, "%.*s", (int)k, p);
    p += k + strspn(p + k, " \t");
    if (!((p[0] == '=' && p[1] != '=') || p[0] == ',') || !registry_valid_name(name)) return NULL;
    for (int i = 1; (local = lua_getlocal(L, &ar, i)); i++) {
        lua_pop(L, 1);
        if (!strcmp(local, name)) return NULL;
    }
    return name;
}

static int l_socket(lua_State *L)
{
    int family = AF_INET, type = SOCK_STREAM;
    sp_sock *s;
    char name[SP_NAME_MAX];
    if (lua_type(L, 1) == LUA_TSTRING) {
        char list[160];
        if (words_kind(lua_tostring(L, 1), &family, &type) < 0)
            return luaL_argerror(L, 1, lua_pushfstring(L, "expected %s", words_join(words_kinds, ", ", " or ", list, sizeof list)));
    } else {
        family = (int)luaL_optinteger(L, 1, AF_INET);
        type = (int)luaL_optinteger(L, 2, SOCK_STREAM);
        if (family != AF_INET && family != AF_INET6 && family != AF_UNIX)
            return luaL_argerror(L, 1, "expected socket.AF_INET, AF_INET6 or AF_UNIX");
        if (type != SOCK_STREAM && type != SOCK_DGRAM)
            return luaL_argerror(L, 2, "expected socket.SOCK_STREAM or SOCK_DGRAM");
    }
    if (!(s = core_socket(family, type, assigned_global(L, name, sizeof name)))) return fail(L);
    push_sock(L, s, 1, lua_upvalueindex(1));
    return 1;
}

/* bind and connect take the same address arguments (bind also a lone port) and return true. */
static int address_call(lua_State *L, int (*op)(sp_sock *, const char *, const char *), int lone)
{
    sp_sock *s = check(L);
    const char *host, *port;
    char pb[32];
    where_args(L, s, 2, lone, &host, &port, pb, sizeof pb);
    if (op(s, host, port) < 0) return fail(L);
    lua_pushboolean(L, 1);
    return 1;
}
static int l_bind(lua_State *L) { return address_call(L, core_bind, 1); }
static int l_connect(lua_State *L) { return address_call(L, core_connect, 0); }

static int l_listen(lua_State *L)
{
    sp_sock *s = check(L);
    lua_Integer backlog = luaL_optinteger(L, 2, 128);
    luaL_argcheck(L, backlog >= 0 && backlog <= 65535, 2, "backlog out of range 0..65535");
    if (core_listen(s, (int)backlog) < 0) return fail(L);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_accept(lua_State *L)
{
    sp_sock *s = check(L), *c;
    sp_addr peer;
    char name[SP_NAME_MAX];
    if (!(c = core_accept(s, assigned_global(L, name, sizeof name), &peer))) return fail(L);
    push_sock(L, c, 1, lua_upvalueindex(1));
    push_addr(L, (struct sockaddr *)&peer.ss, peer.len);
    return 2;
}

static int l_send(lua_State *L)
{
    sp_sock *s = check(L);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len);
    ssize_t n = core_send(s, data, len);
    if (n < 0) return fail(L);
    lua_pushinteger(L, n);
    return 1;
}

static int l_sendall(lua_State *L)
{
    sp_sock *s = check(L);
    size_t len, done = 0;
    const char *data = luaL_checklstring(L, 2, &len);
    while (done < len) {
        ssize_t n = core_send(s, data + done, len - done);
        if (n < 0) return fail(L);
        done += (size_t)n;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int l_recv(lua_State *L)
{
    static char small[64 << 10];
    sp_sock *s = check(L);
    lua_Integer max = luaL_optinteger(L, 2, 1024);
    luaL_Buffer b;
    char *p;
    ssize_t n;
    luaL_argcheck(L, max > 0 && max <= (16 << 20), 2, "size out of range 1..16777216");
    if (max <= (lua_Integer)sizeof small) {
        /* The usual size: into a fixed buffer, then only what came is copied to Lua. */
        n = core_recv(s, small, (size_t)max);
        if (n < 0) return fail(L);
        lua_pushlstring(L, small, (size_t)n);
        return 1;
    }
    p = luaL_buffinitsize(L, &b, (size_t)max);
    n = core_recv(s, p, (size_t)max);
    if (n < 0) return fail(L);
    luaL_pushresultsize(&b, (size_t)n);
    return 1;
}

static int l_sendto(lua_State *L)
{
    sp_sock *s = check(L);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len), *host, *port;
    char pb[32];
    ssize_t n;
    where_args(L, s, 3, 0, &host, &port, pb, sizeof pb);
    n = core_sendto(s, host, port, data, len);
    if (n < 0) return fail(L);
    lua_pushinteger(L, n);
    return 1;
}

static int l_recvfrom(lua_State *L)
{
    sp_sock *s = check(L);
    lua_Integer max = luaL_optinteger(L, 2, 1024);
    luaL_Buffer b;
    sp_addr from;
    char *p;
    ssize_t n;
    luaL_argcheck(L, max > 0 && max <= (16 << 20), 2, "size out of range 1..16777216");
    p = luaL_buffinitsize(L, &b, (size_t)max);
    n = core_recvfrom(s, p, (size_t)max, &from);
    if (n < 0) return fail(L);
    luaL_pushresultsize(&b, (size_t)n);
    push_addr(L, (struct sockaddr *)&from.ss, from.len);
    return 2;
}

/* (level, option[, value]) with numbers as in Python, or an option's name. */
static const sp_optdef *opt_arg(lua_State *L, int *next)
{
    if (lua_type(L, 2) == LUA_TSTRING) {
        const sp_optdef *d = sockopt_find(lua_tostring(L, 2));
        if (!d) luaL_argerror(L, 2, "unknown socket option");
        *next = 3;
        return d;
    }
    {
        int level = (int)luaL_checkinteger(L, 2), opt = (int)luaL_checkinteger(L, 3);
        for (size_t i = 0; i < sockopt_ndefs; i++)
            if (sockopt_defs[i].level == level && sockopt_defs[i].optname == opt) { *next = 4; return &sockopt_defs[i]; }
        luaL_argerror(L, 3, "unknown socket option for that level");
        return NULL;
    }
}

static int l_setsockopt(lua_State *L)
{
    sp_sock *s = check(L);
    int i;
    const sp_optdef *d = opt_arg(L, &i);
    sp_optval v;
    if (lua_isboolean(L, i)) sockopt_from_number(d, lua_toboolean(L, i), !lua_toboolean(L, i) && d->kind != OPT_BOOL, &v);
    else if (lua_isnoneornil(L, i)) sockopt_from_number(d, 0, 1, &v);
    else {
        lua_Number n = luaL_checknumber(L, i);
        luaL_argcheck(L, n >= 0 && n <= 2147483647.0, i, "value out of range");
        sockopt_from_number(d, n, 0, &v);
    }
    if (core_setsockopt(s, d, &v) < 0) return fail(L);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_getsockopt(lua_State *L)
{
    sp_sock *s = check(L);
    int i;
    const sp_optdef *d = opt_arg(L, &i);
    sp_optval v;
    double n;
    if (core_getsockopt(s, d, &v) < 0) return fail(L);
    n = sockopt_number(d, &v);
    if (n == (lua_Integer)n) lua_pushinteger(L, (lua_Integer)n);
    else lua_pushnumber(L, n);
    return 1;
}

static int l_shutdown(lua_State *L)
{
    sp_sock *s = check(L);
    int how;
    if (lua_type(L, 2) == LUA_TSTRING) {
        char list[80];
        if ((how = words_shutdown_how(lua_tostring(L, 2))) < 0)
            return luaL_argerror(L, 2, lua_pushfstring(L, "expected %s, not '%s'", words_join(words_shutdown, ", ", " or ", list, sizeof list),
                                                       lua_tostring(L, 2)));
    } else {
        how = (int)luaL_checkinteger(L, 2);
        luaL_argcheck(L, how >= SHUT_RD && how <= SHUT_RDWR, 2, "expected socket.SHUT_RD, SHUT_WR or SHUT_RDWR");
    }
    if (core_shutdown(s, how) < 0) return fail(L);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_settimeout(lua_State *L)
{
    sp_sock *s = check(L);
    double t;
    if (lua_isnoneornil(L, 2)) words_timeout(NULL, &t);   /* nil is Python's None */
    else if (sockopt_timeout_bad(t = luaL_checknumber(L, 2))) luaL_argerror(L, 2, sockopt_timeout_bad(t));
    if (core_settimeout(s, t) < 0) return fail(L);   /* the core has Python's rule for 0 and nil */
    lua_pushboolean(L, 1);
    return 1;
}

static int l_setblocking(lua_State *L)
{
    sp_sock *s = check(L);
    luaL_checkany(L, 2);
    if (core_setblocking(s, lua_toboolean(L, 2)) < 0) return fail(L);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_name(lua_State *L, int peer)
{
    sp_sock *s = check(L);
    sp_addr a;
    if (core_sockname(s, peer, &a) < 0) return fail(L);
    return push_addr(L, (struct sockaddr *)&a.ss, a.len);
}
static int l_getsockname(lua_State *L) { return l_name(L, 0); }
static int l_getpeername(lua_State *L) { return l_name(L, 1); }

/* The table row as Lua values, so lessons can assert what the kernel says. */
static int l_state(lua_State *L)
{
    kernel_row k;
    kernel_read(check(L), &k);
    {
        const struct { const char *key, *str; long num; } f[] = {
            {"state", k.state, 0}, {"local", k.local, 0}, {"peer", k.peer, 0}, {"recvq", NULL, k.recvq},
            {"sendq", NULL, k.sendq}, {"accept_queue", NULL, k.accq}, {"backlog", NULL, k.backlog},
        };
        lua_createtable(L, 0, (int)(sizeof f / sizeof f[0]));
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
            if (f[i].str) lua_pushstring(L, f[i].str);
            else lua_pushinteger(L, f[i].num);
            lua_setfield(L, -2, f[i].key);
        }
    }
    return 1;
}

static int l_fileno(lua_State *L)
{
    lua_pushinteger(L, check(L)->fd);
    return 1;
}

static int l_close(lua_State *L)
{
    sp_sock *s = check(L);
    lsock *u = lua_touserdata(L, 1);
    u->serial = 0;
    if (core_close(s) < 0) return fail(L);
    lua_pushboolean(L, 1);
    return 1;
}

/* __gc and __close: an owned socket still open is closed, quietly failing if it cannot. */
static int l_gc(lua_State *L)
{
    lsock *u = self(L);
    sp_sock *s = lookup(u);
    if (s && u->owned) core_close(s);
    u->serial = 0;
    return 0;
}

static int l_tostring(lua_State *L)
{
    lsock *u = self(L);
    sp_sock *s = lookup(u);
    kernel_row k;
    if (!s) { lua_pushliteral(L, "socket (closed)"); return 1; }
    kernel_read(s, &k);
    lua_pushfstring(L, "socket fd=%d %s %s %s", s->fd,
                    s->family == AF_UNIX ? "UNIX" : s->type == SOCK_STREAM ? "TCP" : "UDP", k.local, k.state);
    return 1;
}

static int l_eq(lua_State *L)
{
    lsock *a = luaL_checkudata(L, 1, SP_SOCKET_MT), *b = luaL_checkudata(L, 2, SP_SOCKET_MT);
    lua_pushboolean(L, a->fd == b->fd && a->serial == b->serial && a->serial);
    return 1;
}

static int l_gethostbyname(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    struct addrinfo hints, *res;
    char host[64];
    int port, rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    errno = 0;
    if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
        char why[400];
        int e = errno;
        luaL_pushfail(L);
        /* No fd for /etc/hosts is not "no such name". */
        lua_pushfstring(L, "cannot resolve '%s': %s", name,
                        addr_unread(e) ? errtext_unread("/etc/hosts", e, why, sizeof why) : gai_strerror(rc));
        return 2;
    }
    addr_split(res->ai_addr, res->ai_addrlen, host, sizeof host, &port);
    freeaddrinfo(res);
    lua_pushstring(L, host);
    return 1;
}

/* socket.encode(text, "gbk") / socket.decode(bytes, "gbk"): iconv, as Python's str.encode. */
static int convert(lua_State *L, const char *from, const char *to)
{
    size_t inlen, outlen;
    const char *in = luaL_checklstring(L, 1, &inlen);
    char *out;
    long bad;
    if (encoding_convert(from, to, in, inlen, &out, &outlen, &bad) < 0) {
        if (bad < 0) return luaL_error(L, "unknown encoding (%s to %s)", from, to);
        luaL_pushfail(L);
        lua_pushfstring(L, "bytes that are not valid %s (at byte %d)", from, (int)bad + 1);
        return 2;
    }
    lua_pushlstring(L, out, outlen);
    free(out);
    return 1;
}
static int l_encode(lua_State *L) { return convert(L, "UTF-8", luaL_optstring(L, 2, "UTF-8")); }
static int l_decode(lua_State *L) { return convert(L, luaL_optstring(L, 2, "UTF-8"), "UTF-8"); }

/* socket.poll({a, b, …} [, timeout]) → n, {events of a, events of b, …}: like the
 * `poll` command (and Python's select), e.g. 1, {"POLLIN", ""}. timeout in seconds. */
static int l_poll(lua_State *L)
{
    sp_sock *v[CORE_POLL_MAX];
    short re[CORE_POLL_MAX];
    int n, rc, ms = -1;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = (int)luaL_len(L, 1);
    luaL_argcheck(L, n >= 1 && n <= CORE_POLL_MAX, 1, "a list of 1 to 64 sockets");
    if (!lua_isnoneornil(L, 2)) luaL_argcheck(L, words_poll_ms(luaL_checknumber(L, 2), &ms) == 0, 2, "seconds from 0 to 86400");
    for (int i = 0; i < n; i++) {
        lua_geti(L, 1, i + 1);
        if (!(v[i] = lsock_peek(L, -1))) luaL_error(L, "bad item #%d in the list (an open socket expected)", i + 1);
        lua_pop(L, 1);
    }
    if ((rc = core_poll(v, n, ms, re)) < 0) return fail(L);
    lua_pushinteger(L, rc);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        char ev[80];
        lua_pushstring(L, words_event_names(re[i], ev, sizeof ev));
        lua_seti(L, -2, i + 1);
    }
    return 2;
}

/* socket.trace(false): no trace lines, no tables, nothing kept for `trace`/`export` — for
 * loops that make thousands of calls (and the benchmarks). Returns the previous setting. */
static int l_trace(lua_State *L)
{
    int was = report_set(REPORT_TRACE, -1);
    if (!lua_isnone(L, 1)) {
        int on = lua_toboolean(L, 1);
        report_set(REPORT_TRACE, on);
        report_set(REPORT_TABLE, on);
        log_keep(on);
    }
    lua_pushboolean(L, was);
    return 1;
}

/* socket.host([name]): in the lab, the sockets made next live on host name ("B"; "lab":
 * sockplay's own network), as `on B`. Returns the host it was on; nil, message when there
 * is no lab or no such host. */
static int l_host(lua_State *L)
{
    const char *name = luaL_optstring(L, 1, NULL);
    int was = place_current, p;
    if (!place_count()) {
        luaL_pushfail(L);
        lua_pushstring(L, TR("no lab here: run the script with sockplay --lab", "这里没有实验室：用 sockplay --lab 运行脚本"));
        return 2;
    }
    if (name) {
        if ((p = place_find(name)) == -2) {
            luaL_pushfail(L);
            lua_pushfstring(L, TR("no host '%s' in the lab", "实验室里没有主机 '%s'"), name);
            return 2;
        }
        place_current = p;
    }
    lua_pushstring(L, place_name(was));
    return 1;
}

/* socket.wire(true|false): the capture on or off, as `wire on|off`. true, or nil, the
 * message saying why and what to type. */
static int l_wire(lua_State *L)
{
    char err[600];
    if (wireview_set(lua_toboolean(L, 1), err, sizeof err) < 0) {
        lua_pushnil(L);
        lua_pushstring(L, err);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* Sets t[k] = the end as "127.0.0.1:7788". */
static void set_end(lua_State *L, const char *k, const struct sockaddr_storage *ss, int ports)
{
    char buf[80];
    lua_pushstring(L, packet_end(ss, ports, buf, sizeof buf));
    lua_setfield(L, -2, k);
}

/* The lab's fields of a packet: what the switch did (action), the LAN, the MACs; an ARP's
 * addresses (from/to are its sender's and target's) and kind. */
static void lab_fields(lua_State *L, const packet *p)
{
    static const char *const actions[] = {"", "passed", "held", "released", "dropped", "lost", "delayed", "sent_late",
                                          "duplicate", "kept_back"};
    char buf[64];
    if (p->action > 0 && p->action < (int)(sizeof actions / sizeof actions[0])) {
        const lab_topo *t = lab_net_topo();
        lua_pushstring(L, actions[p->action]);
        lua_setfield(L, -2, "action");
        if (t && p->lan >= 0 && p->lan < t->nlans) {
            lab_topo_lan_text(t, p->lan, buf, sizeof buf);
            lua_pushstring(L, buf);
            lua_setfield(L, -2, "lan");
        }
    }
    if (p->have & PACKET_HAVE_MAC) {
        lua_pushstring(L, packet_mac(p->smac, buf, sizeof buf));
        lua_setfield(L, -2, "smac");
        lua_pushstring(L, packet_mac(p->dmac, buf, sizeof buf));
        lua_setfield(L, -2, "dmac");
    }
    if (p->have & PACKET_HAVE_ARP) {
        const unsigned char *a = p->arp_spa.b, *b = p->arp_tpa.b;
        lua_pushstring(L, p->arp_op == 1 ? "request" : p->arp_op == 2 ? "reply" : "other");
        lua_setfield(L, -2, "arp");
        lua_pushfstring(L, "%d.%d.%d.%d", a[0], a[1], a[2], a[3]);
        lua_setfield(L, -2, "from");
        lua_pushfstring(L, "%d.%d.%d.%d", b[0], b[1], b[2], b[3]);
        lua_setfield(L, -2, "to");
        lua_pushstring(L, packet_mac(p->arp_sha, buf, sizeof buf));
        lua_setfield(L, -2, "arp_mac");
    }
}

/* socket.switch{hold=, drop=, loss=, delay=, dup=, reorder=}: the lab switch's rules, as
 * `wire hold`, `wire drop next FILTER`, `wire loss P`, `wire delay MS`, `wire dup`,
 * `wire reorder` (the capture is turned on, so that socket.packets() sees what happened).
 * true, or nil and why. */
static int l_switch(lua_State *L)
{
    const lab_topo *t = lab_net_topo();
    char err[300];
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!t || !lab_switch_running()) {
        luaL_pushfail(L);
        lua_pushstring(L, TR("no lab switch here: run the script with sockplay --lab", "这里没有实验室交换机：用 sockplay --lab 运行脚本"));
        return 2;
    }
    if (!wire_is_open() && wireview_set(1, err, sizeof err) < 0) {
        luaL_pushfail(L);
        lua_pushstring(L, err);
        return 2;
    }
    if (lua_getfield(L, 1, "drop") == LUA_TSTRING) {
        char buf[200], *w[8];
        int n = 0;
        lab_filter f;
        snprintf(buf, sizeof buf, "%s", lua_tostring(L, -1));
        for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok && n < 8; tok = strtok_r(NULL, " ", &save)) w[n++] = tok;
        if (lab_filter_parse(t, w, n, &f, err, sizeof err) < 0) {
            luaL_pushfail(L);
            lua_pushstring(L, err);
            return 2;
        }
        lab_switch_drop_next(&f);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "loss") == LUA_TNUMBER) lab_switch_loss((int)lua_tointeger(L, -1));
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "delay") == LUA_TNUMBER) lab_switch_delay((int)lua_tointeger(L, -1));
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "dup") != LUA_TNIL) lab_switch_dup(lua_toboolean(L, -1));
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "reorder") != LUA_TNIL) lab_switch_reorder(lua_toboolean(L, -1));
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "hold") != LUA_TNIL) lab_switch_hold(lua_toboolean(L, -1));
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    return 1;
}

/* socket.next([n]): sends on n held frames (1; "all" for every one); returns how many were
 * held before. */
static int l_next(lua_State *L)
{
    int held = lab_switch_running() ? lab_switch_held() : 0;
    int n = lua_type(L, 1) == LUA_TSTRING && !strcmp(lua_tostring(L, 1), "all") ? -1 : (int)luaL_optinteger(L, 1, 1);
    if (held) lab_switch_release(n);
    lua_pushinteger(L, held);
    return 1;
}

/* socket.held(): how many frames the lab's switch holds now. */
static int l_held(lua_State *L)
{
    lua_pushinteger(L, lab_switch_running() ? lab_switch_held() : 0);
    return 1;
}

/* socket.packets(): every packet kept since socket.wire(true) (the last 10 000), oldest
 * first, each {time, from, to, fromname, toname, proto, flags, seq, ack, len, data}: seq and
 * ack relative as Wireshark shows them, data the payload's first bytes. */
static int l_packets(lua_State *L)
{
    size_t n;
    wireview_collect();
    n = wireview_count();
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const packet *p = wireview_at(i);
        char flags[64];
        const char *proto = (p->have & PACKET_HAVE_ARP) ? "ARP" : p->proto == IPPROTO_TCP ? "TCP" : p->proto == IPPROTO_UDP ? "UDP"
                          : p->proto == IPPROTO_ICMP ? "ICMP" : p->proto == IPPROTO_ICMPV6 ? "ICMPv6" : "IP";
        int ports = (p->have & PACKET_HAVE_PORTS) != 0, rel = (p->have & PACKET_HAVE_REL) != 0;
        const char *name;
        lua_createtable(L, 0, 11);
        lua_pushnumber(L, (double)p->ts.tv_sec + p->ts.tv_nsec / 1e9);
        lua_setfield(L, -2, "time");
        set_end(L, "from", &p->src, ports);
        set_end(L, "to", &p->dst, ports);
        if ((name = wireview_name((const struct sockaddr *)&p->src, p->proto, (void *)p))) {
            lua_pushstring(L, name);
            lua_setfield(L, -2, "fromname");
        }
        if ((name = wireview_name((const struct sockaddr *)&p->dst, p->proto, (void *)p))) {
            lua_pushstring(L, name);
            lua_setfield(L, -2, "toname");
        }
        lua_pushstring(L, proto);
        lua_setfield(L, -2, "proto");
        lab_fields(L, p);
        lua_pushstring(L, p->have & PACKET_HAVE_TCP ? packet_flags(p->flags, flags, sizeof flags) : "");
        lua_setfield(L, -2, "flags");
        lua_pushinteger(L, p->have & PACKET_HAVE_TCP ? (lua_Integer)(rel ? p->rseq : p->seq) : 0);
        lua_setfield(L, -2, "seq");
        lua_pushinteger(L, p->have & PACKET_HAVE_TCP ? (lua_Integer)(rel ? p->rack : p->ack) : 0);
        lua_setfield(L, -2, "ack");
        lua_pushinteger(L, (lua_Integer)p->len);
        lua_setfield(L, -2, "len");
        lua_pushlstring(L, (const char *)p->data, p->ndata);
        lua_setfield(L, -2, "data");
        if (p->sstate) {      /* the TCP state each end entered with this packet */
            lua_pushstring(L, packet_state_name(p->sstate));
            lua_setfield(L, -2, "fromstate");
        }
        if (p->rstate) {
            lua_pushstring(L, packet_state_name(p->rstate));
            lua_setfield(L, -2, "tostate");
        }
        if (p->retrans) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "retrans");
        }
        if (p->have & PACKET_HAVE_ICMP) {
            lua_pushinteger(L, p->icmp_type);
            lua_setfield(L, -2, "icmp_type");
            lua_pushinteger(L, p->icmp_code);
            lua_setfield(L, -2, "icmp_code");
        }
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* socket.wirestats(): what the capture counted since socket.wire(true), after reading what
 * waits: {packets = seen, drops = the kernel dropped (pcap_stats ps_drop), ifdrops = the
 * interface dropped, unsaved = seen but not kept for `wire save`}; nil, message while off. */
static int l_wirestats(lua_State *L)
{
    wire_counts k;
    wireview_collect();
    if (wire_stats(&k) < 0) {
        lua_pushnil(L);
        lua_pushstring(L, TR("the wire is off: socket.wire(true) captures the session's packets",
                             "wire 没有打开：socket.wire(true) 抓取本会话的包"));
        return 2;
    }
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)k.seen);
    lua_setfield(L, -2, "packets");
    lua_pushinteger(L, (lua_Integer)k.dropped);
    lua_setfield(L, -2, "drops");
    lua_pushinteger(L, (lua_Integer)k.ifdropped);
    lua_setfield(L, -2, "ifdrops");
    lua_pushinteger(L, (lua_Integer)k.unsaved);
    lua_setfield(L, -2, "unsaved");
    return 1;
}

/* socket.gettime(): seconds on a monotonic clock, with fractions — for timing a loop. */
static int l_gettime(lua_State *L)
{
    lua_pushnumber(L, blocking_now());
    return 1;
}

static const luaL_Reg methods[] = {
    {"bind", l_bind}, {"listen", l_listen}, {"accept", l_accept}, {"connect", l_connect},
    {"send", l_send}, {"sendall", l_sendall}, {"recv", l_recv}, {"sendto", l_sendto},
    {"recvfrom", l_recvfrom}, {"setsockopt", l_setsockopt}, {"getsockopt", l_getsockopt},
    {"shutdown", l_shutdown}, {"settimeout", l_settimeout}, {"setblocking", l_setblocking},
    {"getsockname", l_getsockname}, {"getpeername", l_getpeername}, {"fileno", l_fileno}, {"state", l_state},
    {"close", l_close}, {NULL, NULL},
};

static const luaL_Reg metamethods[] = {
    {"__gc", l_gc}, {"__close", l_gc}, {"__tostring", l_tostring}, {"__eq", l_eq}, {"__index", NULL}, {NULL, NULL},
};

static const luaL_Reg functions[] = {
    {"socket", l_socket}, {"host", l_host}, {"switch", l_switch}, {"next", l_next}, {"held", l_held}, {"poll", l_poll}, {"trace", l_trace}, {"wire", l_wire}, {"packets", l_packets}, {"wirestats", l_wirestats}, {"gettime", l_gettime}, {"gethostbyname", l_gethostbyname}, {"encode", l_encode}, {"decode", l_decode}, {NULL, NULL},
};

int luaopen_socket(lua_State *L)
{
    static const struct { const char *name; int value; } consts[] = {
        {"AF_INET", AF_INET}, {"AF_INET6", AF_INET6}, {"AF_UNIX", AF_UNIX},
        {"SOCK_STREAM", SOCK_STREAM}, {"SOCK_DGRAM", SOCK_DGRAM},
        {"SOL_SOCKET", SOL_SOCKET}, {"IPPROTO_TCP", IPPROTO_TCP}, {"IPPROTO_UDP", IPPROTO_UDP},
        {"IPPROTO_IP", IPPROTO_IP}, {"IPPROTO_IPV6", IPPROTO_IPV6},
        {"SHUT_RD", SHUT_RD}, {"SHUT_WR", SHUT_WR}, {"SHUT_RDWR", SHUT_RDWR},
        {"EAGAIN", EAGAIN}, {"EWOULDBLOCK", EWOULDBLOCK}, {"ECONNREFUSED", ECONNREFUSED}, {"EADDRINUSE", EADDRINUSE},
        {"EACCES", EACCES}, {"ENOTCONN", ENOTCONN}, {"EPIPE", EPIPE}, {"ECONNRESET", ECONNRESET},
        {"EINTR", EINTR}, {"EINPROGRESS", EINPROGRESS}, {"EISCONN", EISCONN}, {"EINVAL", EINVAL},
    };
    /* The metatable first: every function gets it as its upvalue (see self). */
    luaL_newmetatable(L, SP_SOCKET_MT);
    luaL_newlibtable(L, functions);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, functions, 1);
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        lua_pushinteger(L, consts[i].value);
        lua_setfield(L, -2, consts[i].name);
    }
    for (size_t i = 0; i < sockopt_ndefs; i++) {
        lua_pushinteger(L, sockopt_defs[i].optname);
        lua_setfield(L, -2, sockopt_defs[i].name);
    }
    lua_pushvalue(L, -2);                 /* stack: metatable, library, metatable */
    lua_pushvalue(L, -1);                 /* the upvalue */
    luaL_setfuncs(L, metamethods, 1);
    luaL_newlibtable(L, methods);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, methods, 1);
    lua_setfield(L, -2, "__index");
    /* getmetatable(s) gives this string, so no script can take every socket's methods away. */
    lua_pushliteral(L, "socket");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    lua_remove(L, -2);                    /* leaves the library */
    return 1;
}
