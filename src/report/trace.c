/* trace.c — `trace`: the session log's calls as rows. Times are shown as wall-clock time,
 * so a class can match them with what another terminal printed. */
#include "report/trace.h"
#include <stdio.h>
#include <time.h>
#include "core/blocking.h"
#include "core/log.h"
#include "report/out.h"
#include "report/report.h"

/* Seconds to add to a blocking_now() time to make it wall-clock time. */
static double wall_offset(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9 - blocking_now();
}

void trace_print(int n)
{
    size_t count = log_count(), from = n > 0 && (size_t)n < count ? count - (size_t)n : 0;
    double offset = wall_offset();
    if (count == 0) {
        printf("%s\n", TR("(no calls yet this session)", "（本会话还没有调用）"));
        return;
    }
    printf("%s  %-12s  %-8s  %s%s\n", out_col(C_DIM), TR("TIME", "时间"), TR("BLOCKED", "阻塞"), TR("CALL = RESULT", "调用 = 结果"),
           out_col(C_RESET));
    if (log_total() > count && from == 0)
        printf(TR("  (%lu earlier calls are not kept)\n", "  （更早的 %lu 次调用没有保留）\n"), log_total() - count);
    for (size_t i = from; i < count; i++) {
        const sp_call *e = log_at(i);
        double wall = e->t0 + offset;
        time_t secs = (time_t)wall;
        struct tm tm;
        char when[16], blocked[16], job[16] = "", call[600], result[160];
        localtime_r(&secs, &tm);
        snprintf(when, sizeof when, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)((wall - (double)secs) * 1000) % 1000);
        if (e->took >= 0.001) snprintf(blocked, sizeof blocked, "%.3f s", e->took);
        else snprintf(blocked, sizeof blocked, "-");
        if (e->job) snprintf(job, sizeof job, "[%d] ", e->job);
        report_call_text(e, 0, call, sizeof call);
        report_result_text(e, result, sizeof result);
        printf("  %s  %s%-8s%s  %s%s %s\n", when, e->took >= 0.2 ? out_col(C_YELLOW) : "", blocked, out_col(C_RESET), job, call,
               result);
    }
}
