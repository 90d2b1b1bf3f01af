/* luahost.c — lua.c's docall/msghandler/laction, adapted: Ctrl-C sets a hook that stops
 * the script at its next instruction; errors print a traceback and the REPL goes on. */
#include "lua/luahost.h"
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/blocking.h"
#include "core/core.h"
#include "report/report.h"
#include "lua/lesson.h"
#include "lua/lsession.h"
#include "lua/exercise.h"
#include "lua/lsock.h"
#include "report/out.h"
#include "core/registry.h"
#include "cli/repl.h"

#define MEMORY_CAP ((size_t)512 << 20)   /* a runaway script fails with "not enough memory" */

static lua_State *L;
static size_t in_use;
static lua_State *volatile running;

static void *cap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    if (!ptr) osize = 0;
    if (nsize == 0) { free(ptr); in_use -= osize; return NULL; }
    if (nsize > osize && in_use + (nsize - osize) > MEMORY_CAP) return NULL;
    ptr = realloc(ptr, nsize);
    if (ptr) in_use += nsize - osize;
    return ptr;
}

static void lstop(lua_State *l, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(l, NULL, 0, 0);
    blocking_sigint = 0;
    luaL_error(l, "interrupted by Ctrl-C");
}

/* Called from the SIGINT handler: lua_sethook is safe there (lua.c does the same). */
static void on_interrupt(void)
{
    lua_State *l = running;
    if (l) lua_sethook(l, lstop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* os.exit's error value: it unwinds the script, and is not an error to report. */
static int exit_tag;

/* While leaving: every instruction raises again, so no pcall can keep the script going. */
static void lexit(lua_State *l, lua_Debug *ar)
{
    (void)ar;
    lua_pushlightuserdata(l, &exit_tag);
    lua_error(l);
}

/* os.exit([code [, close]]): the session's way out, as `quit CODE` — the script unwinds,
 * then the REPL closes the sockets, cancels background calls and says so. code: true 0,
 * false 1 (the default is true), or a whole number 0 to 255; close is always true here. */
static int l_exit(lua_State *l)
{
    lua_Integer code = 0;
    if (lua_isboolean(l, 1)) code = lua_toboolean(l, 1) ? 0 : 1;
    else if (!lua_isnoneornil(l, 1)) {
        code = luaL_checkinteger(l, 1);
        luaL_argcheck(l, code >= 0 && code <= 255, 1, "an exit status is 0 to 255");
    }
    repl_exit_code = (int)code;
    /* Counting Lua instructions only: the C error handler that reports it must still run. */
    lua_sethook(l, lexit, LUA_MASKCOUNT, 1);
    if (L && l != L) lua_sethook(L, lexit, LUA_MASKCOUNT, 1);   /* from a coroutine */
    lexit(l, NULL);
    return 0;
}

static int msghandler(lua_State *l)
{
    const char *msg = lua_tostring(l, 1);
    if (lua_touserdata(l, 1) == &exit_tag) return 1;   /* leaving: no traceback */
    if (!msg) {
        if (luaL_callmeta(l, 1, "__tostring") && lua_type(l, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(l, "(error object is a %s value)", luaL_typename(l, 1));
    }
    luaL_traceback(l, l, msg, 1);
    return 1;
}

static int docall(int narg, int nres)
{
    int base = lua_gettop(L) - narg, rc;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    running = L;
    rc = lua_pcall(L, narg, nres, base);
    running = NULL;
    lua_sethook(L, NULL, 0, 0);
    lua_remove(L, base);
    return rc;
}

static int report(int rc)
{
    if (rc != LUA_OK && lua_touserdata(L, -1) == &exit_tag) {
        lua_pop(L, 1);      /* os.exit: the caller leaves (repl_exit_code holds the status) */
        return -1;
    }
    if (rc != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        printf("%slua: %s%s\n", out_col(C_RED), msg ? msg : "(error)", out_col(C_RESET));
        lua_pop(L, 1);
        fflush(stdout);
        return -1;
    }
    return 0;
}

/* _G's __index: a REPL socket's name reads as that socket. */
static int g_index(lua_State *l)
{
    sp_sock *s = lua_type(l, 2) == LUA_TSTRING ? registry_by_name(lua_tostring(l, 2)) : NULL;
    if (!s) return 0;
    lsock_push(l, s, 0);
    return 1;
}

/* _G's __newindex: a socket stored in a global takes that name in the REPL's table. */
static int g_newindex(lua_State *l)
{
    sp_sock *s = lsock_peek(l, 3);
    sp_sock *old;
    if (s && lua_type(l, 2) == LUA_TSTRING && registry_valid_name(lua_tostring(l, 2)) && !s->name[0] &&
        (old = registry_set_name(s, lua_tostring(l, 2))))
        report_name_moved(old->fd, s->name);
    lua_rawset(l, 1);
    return 0;
}

lua_State *luahost_state(void)
{
    if (L) return L;
    L = lua_newstate(cap_alloc, NULL);
    if (!L) { fprintf(stderr, "sockplay: cannot create the Lua state\n"); exit(1); }
    luaL_openlibs(L);
    luaL_requiref(L, "socket", luaopen_socket, 1);
    lua_pop(L, 1);
    lsession_open(L);
    lua_getglobal(L, "os");
    lua_pushcfunction(L, l_exit);
    lua_setfield(L, -2, "exit");
    lua_pop(L, 1);
    lesson_open(L);
    exercise_open(L);
    lua_pushglobaltable(L);
    lua_newtable(L);
    lua_pushcfunction(L, g_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, g_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    blocking_on_interrupt = on_interrupt;
    return L;
}

int luahost_run_file(const char *path, int argc, char **argv)
{
    int rc;
    luahost_state();
    lua_createtable(L, argc, 1);
    lua_pushstring(L, path);
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setglobal(L, "arg");
    rc = luaL_loadfile(L, path);
    if (rc == LUA_OK) {
        for (int i = 0; i < argc; i++) lua_pushstring(L, argv[i]);
        rc = docall(argc, 0);
    }
    lua_gc(L, LUA_GCCOLLECT);      /* sockets the script dropped close now, not at random later */
    return report(rc);
}

int luahost_run_chunk(const char *src)
{
    int rc, base;
    luahost_state();
    base = lua_gettop(L);
    /* As lua.c: try "return CHUNK" first so that `lua 1+1` or `lua s` prints a value. */
    lua_pushfstring(L, "return %s;", src);
    rc = luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=lua");
    lua_remove(L, -2);
    if (rc != LUA_OK) {
        lua_pop(L, 1);
        rc = luaL_loadbuffer(L, src, strlen(src), "=lua");
    }
    if (rc == LUA_OK) rc = docall(0, LUA_MULTRET);
    if (rc == LUA_OK && lua_gettop(L) > base) {
        int n = lua_gettop(L) - base;
        for (int i = 1; i <= n; i++) {
            printf("%s%s", i > 1 ? "\t" : "", luaL_tolstring(L, base + i, NULL));
            lua_pop(L, 1);
        }
        printf("\n");
        lua_settop(L, base);
    }
    return report(rc);
}

void luahost_close(void)
{
    if (!L) return;
    blocking_on_interrupt = NULL;
    lua_close(L);
    L = NULL;
}
