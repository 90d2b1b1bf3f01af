/* table_bench.c — what one state table costs at 10, 100 and 1000 sockets, as in a class's
 * load test: a typed server (a listener and the connections it accepted) whose clients are
 * another program's (here: plain sockets of this process, not in the session). The table
 * is rendered R times to /dev/null, every row read from the kernel each time, in 9 rounds.
 * Prints: sockets, best round's ms per table, median round's ms per table. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "core/blocking.h"
#include "core/core.h"
#include "kernel/kernel.h"
#include "report/out.h"
#include "report/render.h"

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100, reps = argc > 2 ? atoi(argv[2]) : 200;
    struct rlimit rl = {4096, 4096};
    FILE *null = fopen("/dev/null", "w");
    sp_sock *l;
    sp_addr a;
    char port[16];
    double t0, ms[9];
    setrlimit(RLIMIT_NOFILE, &rl);
    /* no listener is registered here: the calls are quiet, as socket.trace(false) */
    out_color = 1;                                          /* as at a terminal: the table in colour */
    if (!null || !(l = core_socket(AF_INET, SOCK_STREAM, "server")) || core_bind(l, "127.0.0.1", "0") < 0 ||
        core_listen(l, 4096) < 0 || kernel_addr(l, 0, &a) < 0)
        return 1;
    snprintf(port, sizeof port, "%d", ntohs(((struct sockaddr_in *)&a.ss)->sin_port));
    for (int i = 1; i < n; i++) {                           /* the listener plus n-1 connections */
        struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = ((struct sockaddr_in *)&a.ss)->sin_port,
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int c = socket(AF_INET, SOCK_STREAM, 0);               /* the client: not the session's */
        if (c < 0 || connect(c, (struct sockaddr *)&to, sizeof to) < 0 || !core_accept(l, NULL, &a)) return 1;
        kernel_addr(l, 0, &a);
    }
    for (int round = 0; round < 9; round++) {               /* 9 rounds of reps tables */
        t0 = blocking_now();
        for (int r = 0; r < reps; r++) render_table_to(null, 1, 1);
        ms[round] = (blocking_now() - t0) / reps * 1000;
    }
    qsort(ms, 9, sizeof ms[0], by_value);
    printf("%zu %.3f %.3f\n", registry_count(), ms[0], ms[4]);
    /* Reset rather than close: a thousand TIME_WAITs would slow the next run's dump. */
    for (int fd = 3; fd < 4096; fd++) {
        struct linger lg = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    core_close_all();
    return 0;
}
