/* peer.c — the other side for every benchmark, in plain C so it costs the same whichever
 * client talks to it. `peer echo|sink|churn [ADDR]`: listens on ADDR (127.0.0.1 unless
 * given: the lab's bench runs it on host B with `sockplay --join B --`), prints the port.
 * It dies with the process that started it (PR_SET_PDEATHSIG): a lab's peer must not keep
 * the lab's namespaces alive after the lab is gone. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    static char buf[1 << 16];
    if (argc < 2 || argc > 3 || l < 0) return 2;
    if (argc == 3 && inet_pton(AF_INET, argv[2], &a.sin_addr) != 1) return 2;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1024) < 0) return perror("peer"), 1;
    getsockname(l, (struct sockaddr *)&a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    if (!strcmp(argv[1], "churn")) {
        for (;;) {                                 /* accept and close, until killed */
            int c = accept(l, NULL, NULL);
            if (c >= 0) close(c);
        }
    }
    for (;;) {
        int c = accept(l, NULL, NULL);
        ssize_t n;
        if (c < 0) continue;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (!strcmp(argv[1], "echo")) {
            while ((n = recv(c, buf, sizeof buf, 0)) > 0)
                if (send(c, buf, (size_t)n, MSG_NOSIGNAL) != n) break;
        } else {                                   /* sink: count, then say how much came */
            unsigned long long total = 0;
            char reply[32];
            while ((n = recv(c, buf, sizeof buf, 0)) > 0) total += (unsigned long long)n;
            n = snprintf(reply, sizeof reply, "%llu", total);
            send(c, reply, (size_t)n, MSG_NOSIGNAL);
        }
        close(c);
    }
}
