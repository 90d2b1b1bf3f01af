/* table_bench.c — what one state table costs at 10, 100 and 1000 sockets: a listener and
 * connected pairs on loopback, registered as a session, the table rendered R times to
 * /dev/null (every row read from the kernel each time, as after a call). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "blocking.h"
#include "core.h"
#include "kstate.h"
#include "render.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100, reps = argc > 2 ? atoi(argv[2]) : 200;
    struct rlimit rl = {4096, 4096};
    FILE *null = fopen("/dev/null", "w");
    sp_sock *l;
    sp_addr a;
    char port[16];
    double t0, best = 1e9;
    setrlimit(RLIMIT_NOFILE, &rl);
    core_trace = core_show_table = core_record = 0;
    if (!null || !(l = core_socket(AF_INET, SOCK_STREAM, "server")) || core_bind(l, "127.0.0.1", "0") < 0 ||
        core_listen(l, 4096) < 0 || kstate_addr(l, 0, &a) < 0)
        return 1;
    snprintf(port, sizeof port, "%d", ntohs(((struct sockaddr_in *)&a.ss)->sin_port));
    for (int i = 1; i + 1 < n; i += 2) {                    /* the listener plus (n-1)/2 pairs */
        sp_sock *c = core_socket(AF_INET, SOCK_STREAM, NULL);
        if (!c || core_connect(c, "127.0.0.1", port) < 0 || !core_accept(l, NULL, &a)) return 1;
    }
    for (int round = 0; round < 5; round++) {               /* best of 5 rounds of reps tables */
        double t;
        t0 = now_seconds();
        for (int r = 0; r < reps; r++) render_table_to(null, 1, 1);
        t = (now_seconds() - t0) / reps;
        if (t < best) best = t;
    }
    printf("%zu %.3f\n", reg_count(), best * 1000);
    core_close_all();
    return 0;
}
