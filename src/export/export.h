/* export.h — the session log (core/log.h) written out as a program that makes the same
 * calls: Python (`export python`), C (`export c`) or a Lua script (`save`). */
#ifndef SP_EXPORT_H
#define SP_EXPORT_H
#include <stddef.h>
#include <stdio.h>
#include "core/call.h"

/* lang: LANG_PY_SRC, LANG_C_SRC or LANG_LUA_SRC (lang/literal.h). An existing file is replaced
 * only when sockplay wrote it, or with force; never through a symlink (safefile.h).
 * Returns the number of calls written, or -1 with err set (an old file is unchanged). */
int export_write(int lang, const char *path, int force, char *err, size_t errlen);

/* For the writers (export_c.c, export_python.c, export_lua.c), over the log's calls in the order they returned: */
/* The bind before entry i that got this port from the kernel (bind to port 0), or NULL. */
const sp_call *export_picked_by(size_t i, int port);
/* Entry i's variables in lang, and the port expression that reads a kernel-picked port
 * back (NULL: use the number). */
typedef struct {
    char v[SP_NAME_MAX + 8], nv[400], port_expr[80];
    const char *port;
} export_names;
/* Fills nm and writes the comment a background call gets. Returns 0 (after a comment)
 * for a call interrupted in sockplay: alone it would wait for ever, so it is left out. */
int export_start(FILE *f, size_t i, int lang, export_names *nm);
/* Each program's body, after the header export_write writes: one writer per language
 * (export_c.c, export_python.c, export_lua.c). */
void export_c(FILE *f);
void export_python(FILE *f);
void export_lua(FILE *f);

#endif
