/* luahost.h — the one Lua state of a session: scripts, `lua` chunks and lessons run here. */
#ifndef SP_LUAHOST_H
#define SP_LUAHOST_H

/* Runs a script with arg = {[0]=path, ...}; 0 ok, -1 after printing the error. */
int luahost_run_file(const char *path, int argc, char **argv);
/* Runs a chunk typed in the REPL; an expression's values are printed, as lua.c does. */
int luahost_run_chunk(const char *src);
/* The session's state, made on first use (lessons add their helpers to it). */
struct lua_State *luahost_state(void);
void luahost_close(void);
#endif
