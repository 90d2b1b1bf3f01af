/* core_int.h — what the core's own files (core.c, core_io.c, jobs.c) share to fill a call
 * record and hand it on; nothing outside core/ includes it. */
#ifndef SP_CORE_INT_H
#define SP_CORE_INT_H
#include "core/call.h"

/* Starts c for a call of kind on s (NULL for socket, poll): the whole record while a
 * listener is on, else only what the system call and a failure's message need. */
void core_rec_start(sp_call *c, call_kind kind, sp_sock *s);
/* BEGIN (lessons pause, the report prints the head); starts the clock. */
void core_begin(sp_call *c);
/* Ends c: a failure is kept for core_failed, then END. Returns c->rc. */
long core_end(sp_call *c);
/* c failed with errno err: ends it; returns -1. */
int core_fail(sp_call *c, int err);
/* A mistake found before any system call (why: a sentence, or NULL when c->facts says
 * it): kept for core_failed, then REFUSED. Returns -1. */
int core_refuse(sp_call *c, const char *why);
/* host/port (port NULL: a unix path) into c->addr (and c->host, c->port); refuses c when
 * they do not resolve. 0 or -1. */
int core_resolve(sp_call *c, const char *host, const char *port, int passive);
/* A new session socket for fd (socket, accept), named name; records in c a name taken
 * from an open socket. NULL when out of memory. */
sp_sock *core_new_sock(sp_call *c, int fd, const char *name);
#endif
