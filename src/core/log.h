/* log.h — the session's one log: every call that ended, in the order it ended (a
 * background call where it returned), with the bytes each send carried and each recv
 * brought. Read by `trace` (report/trace.c), `export python|c` and `save` (export/), and
 * an exercise's checks (socket.log(), lua/lsession.c). Kept by a listener
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
/* The call with place k (0-based) in that count, or NULL when it is not kept. */
const sp_call *log_call(unsigned long k);
/* 1 once the session outgrew LOG_KEEP_CALLS or LOG_KEEP_BYTES. */
int log_too_long(void);
void log_free(void);

/* A line the learner typed in Python, kept so that `export python` writes it as typed:
 * the calls it made are those whose place in log_total's count is in [first, end), and
 * job its background call's number (0: none). raised: 0 it ran, 1 an OSError ended it (a
 * socket call failed), 2 another exception (nothing of it ran past the mistake). */
typedef struct {
    char *text;
    unsigned long first, end;
    int job, raised;
} log_src;
void log_source(const char *text, unsigned long first, unsigned long end, int job, int raised);
size_t log_source_count(void);
const log_src *log_source_at(size_t i);
#endif
