/* trace.c — a ring of the last TRACE_KEEP calls. Times are shown as wall-clock time, so
 * a class can match them with what another terminal printed. */
#include "report/trace.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/blocking.h"
#include "report/out.h"

#define TRACE_KEEP 10000

typedef struct {
    double wall, took;
    int job;
    char *call, *result;
} entry;

static entry *ring;
static size_t first, count;
static unsigned long total;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void trace_add(double t0, const char *call, const char *result, double took, int job)
{
    entry *e;
    if (!ring && !(ring = calloc(TRACE_KEEP, sizeof *ring))) return;
    if (count == TRACE_KEEP) {          /* full: the oldest entry makes room */
        e = &ring[first];
        free(e->call);
        free(e->result);
        first = (first + 1) % TRACE_KEEP;
        count--;
    }
    e = &ring[(first + count) % TRACE_KEEP];
    e->wall = wall_now() - (blocking_now() - t0);
    e->took = took;
    e->job = job;
    e->call = strdup(call);
    e->result = strdup(result);
    count++;
    total++;
}

void trace_print(int n)
{
    size_t from = n > 0 && (size_t)n < count ? count - (size_t)n : 0;
    if (count == 0) {
        printf("%s\n", TR("(no calls yet this session)", "（本会话还没有调用）"));
        return;
    }
    printf("%s  %-12s  %-8s  %s%s\n", out_col(C_DIM), TR("TIME", "时间"), TR("BLOCKED", "阻塞"), TR("CALL = RESULT", "调用 = 结果"),
           out_col(C_RESET));
    if (total > count && from == 0)
        printf(TR("  (%lu earlier calls are not kept)\n", "  （更早的 %lu 次调用没有保留）\n"), total - count);
    for (size_t i = from; i < count; i++) {
        const entry *e = &ring[(first + i) % TRACE_KEEP];
        time_t secs = (time_t)e->wall;
        struct tm tm;
        char when[16], blocked[16], job[16] = "";
        localtime_r(&secs, &tm);
        snprintf(when, sizeof when, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)((e->wall - (double)secs) * 1000) % 1000);
        if (e->took >= 0.001) snprintf(blocked, sizeof blocked, "%.3f s", e->took);
        else snprintf(blocked, sizeof blocked, "-");
        if (e->job) snprintf(job, sizeof job, "[%d] ", e->job);
        printf("  %s  %s%-8s%s  %s%s %s\n", when, e->took >= 0.2 ? out_col(C_YELLOW) : "", blocked, out_col(C_RESET), job, e->call,
               e->result);
    }
}

void trace_free(void)
{
    for (size_t i = 0; i < count; i++) {
        entry *e = &ring[(first + i) % TRACE_KEEP];
        free(e->call);
        free(e->result);
    }
    free(ring);
    ring = NULL;
    first = count = 0;
}
