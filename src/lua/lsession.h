/* lsession.h — socket.log() and socket.sockets(): the session's calls and the kernel's
 * table as Lua tables (lsession.c). */
#ifndef SP_LSESSION_H
#define SP_LSESSION_H
#include <lua.h>

/* socket.log() gives the calls after the first lsession_since of the session (an exercise
 * sets it as it begins: what was done before does not count). */
extern unsigned long lsession_since;
/* Adds log and sockets to the global socket table. */
void lsession_open(lua_State *L);
#endif
