/* trace.h — the session's log of calls, for the `trace` command: when each began, what
 * it was, how long it blocked, what it returned. */
#ifndef SP_TRACE_H
#define SP_TRACE_H

/* t0 is blocking_now() at the call's start; job is its background number or 0. */
void trace_add(double t0, const char *call, const char *result, double took, int job);
/* Prints the last n entries (n <= 0: all that are kept). */
void trace_print(int n);
void trace_free(void);
#endif
