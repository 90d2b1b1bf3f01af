/* lsock.h — the `socket` module for Lua: Python-shaped, a thin client of core.c. */
#ifndef SP_LSOCK_H
#define SP_LSOCK_H
#include <lua.h>
#include "core/registry.h"

#define SP_SOCKET_MT "sockplay.socket"

int luaopen_socket(lua_State *L);
/* A socket userdata for s; owned ones are closed by __gc and __close. */
void lsock_push(lua_State *L, const sp_sock *s, int owned);
/* The registry socket behind a userdata at idx, or NULL if idx holds none. */
sp_sock *lsock_peek(lua_State *L, int idx);
#endif
