/* blocking.h — making a blocked system call visible: a status line that counts, and Ctrl-C. */
#ifndef SP_BLOCKING_H
#define SP_BLOCKING_H
#include <signal.h>

/* Set by the SIGINT handler; whoever acts on a Ctrl-C clears it. */
extern volatile sig_atomic_t blocking_sigint;
/* Also called from the handler (async-signal context): a running Lua script sets it. */
extern void (*volatile blocking_on_interrupt)(void);

/* SIGINT without SA_RESTART (so a blocked call returns EINTR); SIGPIPE and SIGXFSZ ignored. */
void blocking_init(void);
void blocking_shutdown(void);
/* Around one system call that may block. what: "accept(s): waiting for a client to connect". */
void blocking_begin(const char *what);
/* The same, for a wait Ctrl-C ends in another way: on_ctrl_c (a string literal) says how. */
void blocking_begin_as(const char *what, const char *on_ctrl_c);
/* Returns the seconds spent inside the call; *drawn tells whether a status line was shown
 * (and erased again: the caller reprints what the line held before). */
double blocking_end(int *drawn);
double blocking_now(void);
#endif
