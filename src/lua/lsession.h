/* lsession.h — socket.log() and socket.sockets(): the session's calls and the kernel's
 * table as Lua tables (lsession.c). */
#ifndef SP_LSESSION_H
#define SP_LSESSION_H
#include <lua.h>

/* Adds log and sockets to the global socket table. */
void lsession_open(lua_State *L);
#endif
