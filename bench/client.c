/* client.c — the three workloads in plain C, the yardstick the others are measured by.
 * client pingpong|bulk|churn PORT N: prints the seconds the loop took. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    long n = argc == 4 ? atol(argv[3]) : 0;
    static char buf[1 << 16];
    double t0;
    int one = 1;
    if (n <= 0) return 2;
    a.sin_port = htons((unsigned short)atoi(argv[2]));
    t0 = now();
    if (!strcmp(argv[1], "churn")) {
        for (long i = 0; i < n; i++) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) return perror("connect"), 1;
            close(s);
        }
    } else {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) return perror("connect"), 1;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        t0 = now();
        if (!strcmp(argv[1], "pingpong")) {
            for (long i = 0; i < n; i++)
                if (send(s, "x", 1, 0) != 1 || recv(s, buf, sizeof buf, 0) != 1) return perror("pingpong"), 1;
        } else {                                   /* bulk: n blocks of 64 KiB */
            memset(buf, 'b', sizeof buf);
            for (long i = 0; i < n; i++) {
                size_t done = 0;
                while (done < sizeof buf) {
                    ssize_t k = send(s, buf + done, sizeof buf - done, 0);
                    if (k <= 0) return perror("bulk"), 1;
                    done += (size_t)k;
                }
            }
            shutdown(s, SHUT_WR);
            if (recv(s, buf, sizeof buf, 0) <= 0) return 1;    /* the sink's count: all arrived */
        }
        close(s);
    }
    printf("%.6f\n", now() - t0);
    return 0;
}
