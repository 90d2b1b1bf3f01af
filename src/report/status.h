/* status.h — the status line a blocked call shows while it waits, redrawn every 0.1 s by
 * a helper thread (only at a terminal). Used by report.c (BLOCKED, UNBLOCKED) and by
 * cmd_session.c (`wait`). */
#ifndef SP_STATUS_H
#define SP_STATUS_H

/* Starts the helper thread when stdout is a terminal (after blocking_init). */
void status_init(void);
void status_shutdown(void);
/* Around one wait. what: "accept(s): waiting for a client to connect". */
void status_begin(const char *what);
/* The same, for a wait Ctrl-C ends in another way: on_ctrl_c (a string literal) says how. */
void status_begin_as(const char *what, const char *on_ctrl_c);
/* Returns the seconds since status_begin; *drawn tells whether a status line was shown
 * (and erased again: the caller reprints what the line held before). */
double status_end(int *drawn);
#endif
