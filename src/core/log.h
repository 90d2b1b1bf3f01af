/* log.h — the session's one log: every call that ended, in the order it ended (a
 * background call where it returned), with the bytes each send carried. Read by `trace`
 * (report/trace.c), `export python|c` and `save` (export/). Kept by a listener
 * (core/call.h) that main.c registers; socket.trace(false) switches it off. */
#ifndef SP_LOG_H
#define SP_LOG_H
#include <stddef.h>
#include "core/call.h"

/* Past either limit the session is too long to write as a program (log_too_long): the log
 * then keeps only its last LOG_KEEP_CALLS calls, for `trace`. */
#define LOG_KEEP_CALLS 200000
#define LOG_KEEP_BYTES (64u << 20)

/* Registers the listener (on). */
void log_init(void);
/* Keeps calls (1) or not (0); returns what it did. */
int log_keep(int on);
/* How many calls are kept, and call i of them (0: the oldest kept). */
size_t log_count(void);
const sp_call *log_at(size_t i);
/* How many calls ended this session, kept or not (more than log_count once too long). */
unsigned long log_total(void);
/* 1 once the session outgrew LOG_KEEP_CALLS or LOG_KEEP_BYTES. */
int log_too_long(void);
void log_free(void);
#endif
