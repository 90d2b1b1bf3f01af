/* blocking.h — a call that blocks must stay interruptible: Ctrl-C, SIGPIPE, the clock.
 * (The status line a blocked call shows is report/status.h's.) */
#ifndef SP_BLOCKING_H
#define SP_BLOCKING_H
#include <signal.h>

/* Set by the SIGINT handler; whoever acts on a Ctrl-C clears it. */
extern volatile sig_atomic_t blocking_sigint;
/* Also called from the handler (async-signal context): a running Lua script sets it. */
extern void (*volatile blocking_on_interrupt)(void);

/* SIGINT without SA_RESTART (so a blocked call returns EINTR); SIGPIPE and SIGXFSZ ignored. */
void blocking_init(void);
/* Seconds on a monotonic clock. */
double blocking_now(void);
#endif
