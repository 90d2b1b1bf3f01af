/* trace.h — the `trace` command: the session log's calls (core/log.h), when each began,
 * what it was, how long it blocked, what it returned. Used by cmd_session.c. */
#ifndef SP_TRACE_H
#define SP_TRACE_H

/* Prints the last n calls (n <= 0: all that are kept). */
void trace_print(int n);
#endif
