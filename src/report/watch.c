/* watch.c — each frame is rendered into memory first, so that it can replace the last
 * frame in place (cursor up, clear to the end) on a terminal, or be printed only when it
 * changed when the output is a file or a pipe. Background calls that finish meanwhile
 * are reported under the frame, which then starts afresh below them. */
#include "report/watch.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "core/blocking.h"
#include "core/jobs.h"
#include "report/out.h"
#include "report/render.h"

/* Screen rows the text takes: a line wider than the terminal wraps onto more. */
static int count_rows(char *s)
{
    struct winsize ws;
    int cols = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 80, n = 0;
    for (char *line = s, *nl; *line; line = nl + 1) {
        int w;
        if (!(nl = strchr(line, '\n'))) break;
        *nl = '\0';
        w = out_width(line);
        *nl = '\n';
        n += w > 0 ? (w + cols - 1) / cols : 1;
    }
    return n;
}

int watch_table(double interval, double limit)
{
    struct termios old;
    int key = out_term_quiet(ICANON | ECHO, &old), frames = 0, shown = 0;   /* any key stops the watch */
    double end = blocking_now() + limit;
    char *prev = NULL;
    FILE *m;

    printf("%s%s%s\n", out_col(C_DIM),
           key ? TR("watching the table (refreshed every 0.5 s) — press any key to stop",
                    "正在观察状态表（每 0.5 秒刷新）—— 按任意键停止")
               : TR("watching the table (printed when it changes)", "正在观察状态表（有变化时打印）"),
           out_col(C_RESET));
    render_table(0);    /* the baseline: what the watch's marks compare against */
    for (;;) {
        struct pollfd p[2] = {{jobs_fd(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        char *frame = NULL;
        size_t len = 0;
        double left = end - blocking_now();
        int rc;
        if (!(m = open_memstream(&frame, &len))) break;
        render_table_to(m, 1, 0);
        fclose(m);
        if (out_tty || !prev || strcmp(prev, frame) != 0) {
            if (out_tty && shown) printf("\033[%dA\033[J", shown);
            fputs(frame, stdout);
            fflush(stdout);
            shown = count_rows(frame);
            frames++;
        }
        free(prev);
        prev = frame;
        if (left <= 0) break;
        rc = poll(p, key ? 2 : 1, (int)(1000 * (left < interval ? left : interval)));
        if (rc < 0 && errno == EINTR && blocking_sigint) { blocking_sigint = 0; break; }
        if (rc > 0 && key && (p[1].revents & POLLIN)) {
            char c;
            if (read(STDIN_FILENO, &c, 1) < 0) { /* the key is dropped either way */ }
            break;
        }
        if (rc > 0 && (p[0].revents & POLLIN) && jobs_report()) shown = 0;   /* keep the report on screen */
    }
    free(prev);
    if (key) out_term_restore(&old);
    /* The last frame is what is on screen: the next table compares with it. */
    if ((m = fopen("/dev/null", "w"))) {
        render_table_to(m, 1, 1);
        fclose(m);
    }
    return frames;
}
