/* export.h — the session's calls kept in order, and written out as a program that makes
 * the same calls: Python (`export python`), C (`export c`) or a Lua script (`save`). */
#ifndef SP_EXPORT_H
#define SP_EXPORT_H
#include <stddef.h>
#include <stdio.h>
#include "core_int.h"

/* Keeps a copy of o (its bytes too); job is its background number or 0. */
void export_record(const sp_op *o, int job);
/* lang: LANG_PY_SRC, LANG_C_SRC or LANG_LUA_SRC (equiv.h). Returns the number of calls
 * written, or -1 with err set. */
int export_write(int lang, const char *path, char *err, size_t errlen);
size_t export_count(void);
void export_free(void);

/* For the writers (export.c, export_c.c): the calls in the order they returned. */
typedef struct {
    sp_op op;
    int job;
} export_entry;
extern export_entry *export_log;
extern size_t export_n;
/* The bind before entry i that got this port from the kernel (bind to port 0), or NULL. */
const sp_op *export_picked_by(size_t i, int port);
/* A call interrupted in sockplay is left out (alone it would wait for ever): says so. */
int export_skipped(FILE *f, const sp_op *o, const char *comment);
void export_c(FILE *f, const char *path, const char *when);
/* The comment over a call that ran in the background: its number follows in %d. */
#define BG_NOTE(open, close) \
    TR(open "[%d] ran in the background in sockplay; here it comes where it returned" close "\n", \
       open "[%d] 在 sockplay 中是后台调用；这里放在它返回的位置" close "\n")
#endif
