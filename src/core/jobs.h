/* jobs.h — calls running in the background (`conn = accept server &`). A thread per call
 * makes the system call and nothing else; printing and the session's sockets stay on the
 * main thread, which reports a finished call when it next can (above the prompt). */
#ifndef SP_JOBS_H
#define SP_JOBS_H
#include "core/core.h"

/* Takes c (malloc'd, buffers owned, core_start done): prints "[N] call(…) …", starts
 * the thread. Returns N, or -1 (c freed) if no thread could be made. */
int jobs_start(sp_call *c);
/* Readable when a call has finished: the line editor polls it. */
int jobs_fd(void);
/* Reports every finished call (result, table); returns how many. */
int jobs_report(void);
int jobs_pending(void);
/* 1 if a pending accept will give its socket this name. */
int jobs_name_pending(const char *name);
int jobs_exists(int n);
void jobs_list(void);
/* Waits in the foreground for call n (0: all). Ctrl-C stops the wait, not the call. */
int jobs_wait(int n);
/* Interrupts call n and reports it. */
int jobs_cancel(int n);
void jobs_cancel_on(const sp_sock *s);
void jobs_cancel_all(void);
#endif
