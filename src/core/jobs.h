/* jobs.h — calls running in the background (`conn = accept server &`). A thread per call
 * makes the system call and nothing else; the listeners and the session's sockets stay on
 * the main thread, which ends a finished call when it next can (above the prompt). Used by
 * cmd/ (`&`, jobs, wait, cancel), cli/repl.c and report/watch.c (the pipe), core.c (close). */
#ifndef SP_JOBS_H
#define SP_JOBS_H
#include "core/core.h"

/* Takes c (malloc'd, buffers owned, core_start done): BEGIN, starts the thread, BACKGROUND.
 * Returns N, or -1 with errno (EAGAIN: 64 calls already run) and c still the caller's. */
int jobs_start(sp_call *c);
/* Readable when a call has finished: the line editor polls it. */
int jobs_fd(void);
/* Ends every finished call (END: the report prints it); returns how many. */
int jobs_report(void);
int jobs_pending(void);
/* 1 if a pending accept will give its socket this name. */
int jobs_name_pending(const char *name);
/* 1 if a background call (done or not, not yet reported) is on s. */
int jobs_on(const sp_sock *s);
int jobs_exists(int n);
/* The job numbers in order: the first above after, 0 when none. */
int jobs_next(int after);
/* Job n's call and whether its system call has returned (*done); NULL when no such job. */
const sp_call *jobs_call(int n, int *done);
/* Interrupts call n and ends it. */
int jobs_cancel(int n);
void jobs_cancel_on(const sp_sock *s);
void jobs_cancel_all(void);
#endif
