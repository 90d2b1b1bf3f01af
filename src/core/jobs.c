/* jobs.c — background calls. The thread blocks every signal but SIGUSR1, so Ctrl-C still
 * reaches the foreground; `cancel` sends SIGUSR1 (installed without SA_RESTART) until the
 * call returns EINTR. A finished thread writes one byte to a pipe the prompt polls. The
 * listeners hear of a job on the main thread (BACKGROUND, then END); nothing is printed here. */
#include "core/jobs.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "core/blocking.h"
#include "core/core_int.h"

#define MAX_JOBS 64   /* jobs_start refuses more (EAGAIN) */

typedef struct {
    int n;                  /* 0: free slot */
    sp_call *c;
    pthread_t th;
    atomic_int done;
} job;

static job jobs[MAX_JOBS];
static int running;          /* jobs started and not yet finished */
static int wake[2] = {-1, -1};

static void on_usr1(int sig) { (void)sig; }

static int init(void)
{
    struct sigaction sa;
    if (wake[0] >= 0) return 0;
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0) return -1;
    /* Out of the way, so the learner's first socket is fd 3, as in their Python programs. */
    for (int i = 0; i < 2; i++) {
        int high = fcntl(wake[i], F_DUPFD_CLOEXEC, 200);
        if (high >= 0) {
            close(wake[i]);
            wake[i] = high;
        }
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;      /* no SA_RESTART: the blocked call returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    return 0;
}

int jobs_fd(void)
{
    init();
    return wake[0];
}

static void *worker(void *arg)
{
    job *j = arg;
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &only, NULL);
    core_call_block(j->c);
    atomic_store(&j->done, 1);
    if (write(wake[1], "", 1) < 0) { /* the pipe is full: the main thread will look anyway */ }
    return NULL;
}

/* The job with the smallest number above after, so that reports come in order. */
static job *next_job(int after)
{
    job *best = NULL;
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].n > after && (!best || jobs[i].n < best->n)) best = &jobs[i];
    return best;
}

static job *find(int n)
{
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].n == n && n) return &jobs[i];
    return NULL;
}

int jobs_exists(int n) { return find(n) != NULL; }

int jobs_pending(void) { return running; }

static void free_call(sp_call *c)
{
    if (c->owns_buf) free(c->buf);
    free(c);
}

int jobs_next(int after)
{
    job *j = next_job(after);
    return j ? j->n : 0;
}

const sp_call *jobs_call(int n, int *done)
{
    job *j = find(n);
    if (!j) return NULL;
    *done = atomic_load(&j->done);
    return j->c;
}

int jobs_start(sp_call *c)
{
    sigset_t all, old;
    job *j = NULL;
    int n = 0, rc;
    for (int i = 0; i < MAX_JOBS; i++) {
        if (jobs[i].n > n) n = jobs[i].n;
        if (!jobs[i].n && !j) j = &jobs[i];
    }
    if (init() < 0 || !j) {
        errno = EAGAIN;
        return -1;
    }
    j->n = c->job = n + 1;
    j->c = c;
    core_begin(c);                    /* lessons pause here, as before a call in the foreground */
    c->t0 = blocking_now();
    running++;
    atomic_store(&j->done, 0);
    /* The thread starts with every signal blocked, then lets SIGUSR1 in. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&j->th, NULL, worker, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        j->n = c->job = 0;
        running--;
        errno = rc;
        return -1;
    }
    if (call_listening) call_emit(CALL_BACKGROUND, c);
    return j->n;
}

static void finish(job *j)
{
    pthread_join(j->th, NULL);
    j->n = 0;
    running--;
    core_call_finish(j->c);
    free_call(j->c);
    j->c = NULL;
}

static void drain(void)
{
    char b[64];
    while (read(wake[0], b, sizeof b) > 0) {}
}

int jobs_report(void)
{
    int k = 0;
    if (wake[0] < 0) return 0;
    drain();
    /* In the order they were started, as a shell reports them. */
    for (job *j = next_job(0); j; ) {
        int n = j->n;
        if (atomic_load(&j->done)) { finish(j); k++; }
        j = next_job(n);
    }
    return k;
}

int jobs_name_pending(const char *name)
{
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].n && jobs[i].c->newvar[0] && !strcmp(jobs[i].c->newvar, name)) return 1;
    return 0;
}

int jobs_on(const sp_sock *s)
{
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].n && jobs[i].c->s == s) return 1;
    return 0;
}

static void stop(job *j, int by, int n)
{
    /* The signal may land just before the thread enters the call: send it again until
     * the call has returned (bounded: 500 × 10 ms). */
    j->c->cancel_by = by;
    j->c->cancel_job = n;
    j->c->cancel = 1;
    for (int i = 0; i < 500 && !atomic_load(&j->done); i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        pthread_kill(j->th, SIGUSR1);
        nanosleep(&ts, NULL);
    }
    /* Never seen, but a thread that ignores its signal must not hang us in join. */
    if (!atomic_load(&j->done)) shutdown(j->c->fd, SHUT_RDWR);
    finish(j);
}

int jobs_cancel(int n)
{
    job *j = find(n);
    if (!j) return -1;
    jobs_report();          /* anything already finished is told first */
    if ((j = find(n))) stop(j, CANCEL_JOB, n);
    return 0;
}

void jobs_cancel_on(const sp_sock *s)
{
    if (!running) return;            /* every close asks: the usual answer is "none" */
    for (job *j = next_job(0); j; ) {
        int n = j->n;
        if (j->c->s == s) stop(j, CANCEL_CLOSE, 0);
        j = next_job(n);
    }
}

void jobs_cancel_all(void)
{
    jobs_report();
    for (job *j = next_job(0); j; j = next_job(0)) stop(j, CANCEL_QUIT, 0);
    if (wake[0] >= 0) {
        close(wake[0]);
        close(wake[1]);
        wake[0] = wake[1] = -1;
    }
}
