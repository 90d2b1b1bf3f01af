/* status.c — the status line under a call that blocks ("⏳ accept(s): waiting … 4.2 s"):
 * the call itself blocks in the kernel on the main thread; a helper thread, with every
 * signal blocked so Ctrl-C always reaches the call, only draws the line. The helper exists
 * only when stdout is a terminal. While the line is up, the terminal does not echo what is
 * typed (it would land inside the line being redrawn): the keys wait, and the prompt that
 * comes next shows them. */
#include "report/status.h"
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include "core/blocking.h"
#include "report/out.h"

static pthread_t ticker;
static int have_ticker;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static int active, quitting, drawn;
static unsigned long generation;
static double started;
static char what[256];
static const char *ctrl_c;   /* what Ctrl-C does to this wait: the status line's last words */
static struct termios echoing; /* the terminal as it was, while echo is off for a wait */
static int echo_off;

#define SHOW_AFTER 0.2   /* a call that returns sooner never shows a status line */
#define REDRAW 0.1

static struct timespec abs_after(double s)
{
    struct timespec ts;
    double t = blocking_now() + s;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    return ts;
}

/* The line in the terminal's width, less one column (a full line would wrap, and each
 * redraw would leave a line behind): the Ctrl-C words go first, then the end of the call's
 * description ("accept(tcp_server_socket): waiting for a cli…"), so the call stays whole. */
static void fit(char *line, size_t n, double secs)
{
    char tail[64], call[sizeof what + 4];
    int cols = out_cols() - 1, lead = out_width("⏳ ");
    int room;
    snprintf(tail, sizeof tail, " … %.1f s", secs);
    room = cols - lead - out_width(tail);
    if (out_width(what) + 3 + out_width(ctrl_c) <= room) {
        snprintf(line, n, "⏳ %s%s — %s", what, tail, ctrl_c);
        return;
    }
    if (room < 8) room = 8;
    /* The end goes ("accept(tcp_server_socket): waiting for a cli…"): the call stays whole. */
    {
        size_t k = 0, len = strlen(what);
        while (k < len) {
            size_t c = out_utf8_len((const unsigned char *)what + k, len - k);
            if (!c) c = 1;
            if (out_width_n(what, k + c) > room - 1) break;
            k += c;
        }
        snprintf(call, sizeof call, "%.*s%s", (int)k, what, k < len ? "…" : "");
    }
    snprintf(line, n, "⏳ %s%s", call, tail);
}

static void *tick(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!quitting) {
        unsigned long gen;
        struct timespec due;
        while (!active && !quitting) pthread_cond_wait(&cv, &mu);
        gen = generation;
        due = abs_after(SHOW_AFTER);
        while (active && !quitting && gen == generation) {
            if (pthread_cond_timedwait(&cv, &mu, &due) != ETIMEDOUT) continue;
            if (!active || gen != generation) break;
            {
                char line[600];
                fit(line, sizeof line, blocking_now() - started);
                fprintf(stdout, "\r\033[K%s%s%s", out_col(C_YELLOW), line, out_col(C_RESET));
            }
            fflush(stdout);
            drawn = 1;
            due = abs_after(REDRAW);
        }
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

void status_init(void)
{
    pthread_condattr_t ca;
    if (!out_tty || have_ticker) return;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cv, &ca);
    pthread_condattr_destroy(&ca);
    {
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        have_ticker = pthread_create(&ticker, NULL, tick, NULL) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
}

void status_shutdown(void)
{
    if (!have_ticker) return;
    pthread_mutex_lock(&mu);
    quitting = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(ticker, NULL);
    have_ticker = 0;
}

void status_begin(const char *w) { status_begin_as(w, TR("Ctrl-C to interrupt", "按 Ctrl-C 中断")); }

void status_begin_as(const char *w, const char *on_ctrl_c)
{
    started = blocking_now();
    if (!have_ticker) return;
    echo_off = out_term_quiet(ECHO, &echoing);
    pthread_mutex_lock(&mu);
    snprintf(what, sizeof what, "%s", w);
    ctrl_c = on_ctrl_c;
    active = 1;
    generation++;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

double status_end(int *was_drawn)
{
    double took = blocking_now() - started;
    *was_drawn = 0;
    if (echo_off) out_term_restore(&echoing);   /* the keys typed meanwhile are echoed by the prompt */
    echo_off = 0;
    if (!have_ticker) return took;
    pthread_mutex_lock(&mu);
    active = 0;
    *was_drawn = drawn;
    if (drawn) {
        fputs("\r\033[K", stdout);
        fflush(stdout);
        drawn = 0;
    }
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    return took;
}
