/* blocking.c — a call that blocks must be interruptible: SIGINT without SA_RESTART, so
 * the blocked call returns EINTR; SIGPIPE and SIGXFSZ ignored, so they become errnos. And
 * the monotonic clock calls are timed with. (The status line is report/status.c's.) */
#include "core/blocking.h"
#include <string.h>
#include <time.h>

volatile sig_atomic_t blocking_sigint;
void (*volatile blocking_on_interrupt)(void);

static void on_sigint(int sig)
{
    (void)sig;
    blocking_sigint = 1;
    if (blocking_on_interrupt) blocking_on_interrupt();
}

double blocking_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void blocking_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;              /* no SA_RESTART: accept()/recv() must return EINTR */
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);     /* a send to a closed peer reports EPIPE instead of killing us */
    signal(SIGXFSZ, SIG_IGN);     /* a write past ulimit -f reports EFBIG (safefile.c says so) instead of killing us */
}
