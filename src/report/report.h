/* report.h — the listener that tells the learner about each call (core/call.h): the head
 * `accept(s)` before it, the status line while it blocks, the result line with its hints
 * and data, explain's C and Python lines, the table. Its switches are its own. Used by
 * main.c (report_init), cmd/ (state on|off, explain, jobs, wait), lua/ (socket.trace,
 * lessons, Lua's error messages), report/trace.c and status lines (the call as text). */
#ifndef SP_REPORT_H
#define SP_REPORT_H
#include <stddef.h>
#include "core/call.h"

/* Registers the listener and starts the status line's helper (after blocking_init). */
void report_init(void);
void report_shutdown(void);

/* The switches: a trace line per call, the table after a call that changed it, each
 * call also in C and in the course's Python (shown only with the trace). */
enum { REPORT_TRACE, REPORT_TABLE, REPORT_EXPLAIN };
/* Sets one (on 0 or 1) and returns what it was; on -1 only asks. */
int report_set(int what, int on);

/* "accept(s)": the call with its arguments as its trace line begins, in colour or plain
 * (plain is cut to about 400 bytes, as `trace` shows it). */
void report_call_text(const sp_call *c, int colour, char *buf, size_t n);
/* "= 5", "= -1 ECONNREFUSED", "= -1 EAGAIN (timeout)": the result as `trace` shows it. */
void report_result_text(const sp_call *c, char *buf, size_t n);
/* The one line Lua returns for a failed or refused call: what failed and why. */
const char *report_error(const sp_call *c, char *buf, size_t n);
/* What a call got back, as shown: accept's and recvfrom's peer, getsockname's address
 * ("(unnamed)" for a unix socket without one), getsockopt's value. "" for the rest. */
void report_got_text(const sp_call *c, char *buf, size_t n);

/* poll's sockets as a trace line lists them: "s, 5". */
void report_poll_list(const sp_call *c, char *buf, size_t n);
/* "fd 3 (the old s) keeps running but is no longer called s": a name given to a socket
 * (a Lua global) was taken from the open socket oldfd. */
void report_name_moved(int oldfd, const char *name);
/* Lines are about to be printed under the head of the call being reported (its packets):
 * the head's line ends here, and the result line draws the head again. Used by wireview.c
 * before the report's END, which it precedes. */
void report_aside(void);
/* A note for the result line of the call being reported ("(3 packets, 0.11 ms)"). */
void report_note(const char *text);
/* A background call that could not start: err EAGAIN (64 already run) or pthread's. */
void report_job_refused(const sp_call *c, int err);
#endif
