/* wire_probe.c — drives src/wire for tests/test_wire_module.py: opens the capture on lo,
 * reads commands on stdin ("ports A B …", "name PORT NAME", "save PATH [force]", "stop")
 * and prints every packet as one line ("pkt …") while waiting on the capture's fd and
 * stdin with poll, as the REPL will. Prints "error …" and exits 2 when the capture cannot
 * open. Every wait is bounded (30 s in all). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include "report/out.h"
#include "wire/wire.h"

static struct { unsigned short port; char name[16]; } names[16];
static int nnames;

/* The name given for an end's port (TCP and UDP alike), or NULL. */
static const char *name_of(const struct sockaddr *end, int proto, void *ud)
{
    unsigned port = end->sa_family == AF_INET ? ntohs(((const struct sockaddr_in *)end)->sin_port)
                                              : ntohs(((const struct sockaddr_in6 *)end)->sin6_port);
    (void)proto; (void)ud;
    for (int i = 0; i < nnames; i++)
        if (names[i].port == port) return names[i].name;
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Prints every packet waiting; returns how many. */
static int show(void)
{
    packet p;
    char line[512], err[300];
    int k = 0, rc;
    while ((rc = wire_next(&p, err, sizeof err)) == 1) {
        packet_format(&p, line, sizeof line, name_of, NULL);
        printf("pkt %s\n", line);
        k++;
    }
    if (rc < 0) printf("error %s\n", err);
    fflush(stdout);
    return k;
}

/* Runs one command line; 1 after "stop". */
static int command(char *line)
{
    char err[600], *tok = strtok(line, " \n");
    if (!tok) return 0;
    if (!strcmp(tok, "ports")) {
        unsigned short ports[64];
        size_t n = 0;
        char *t;
        while ((t = strtok(NULL, " \n")) && n < 64) ports[n++] = (unsigned short)atoi(t);
        show();
        if (wire_ports(ports, n, err, sizeof err) < 0) printf("error %s\n", err);
        else printf("ok ports %zu\n", n);
    } else if (!strcmp(tok, "name") && nnames < 16) {
        char *port = strtok(NULL, " \n"), *name = strtok(NULL, " \n");
        if (port && name) {
            names[nnames].port = (unsigned short)atoi(port);
            snprintf(names[nnames++].name, sizeof names[0].name, "%s", name);
        }
        printf("ok name\n");
    } else if (!strcmp(tok, "save")) {
        char *path = strtok(NULL, " \n"), *force = strtok(NULL, " \n");
        long k;
        show();
        k = path ? wire_save(path, force != NULL, err, sizeof err) : -1;
        if (k < 0) printf("save-error %s\n", path ? err : "no path");
        else printf("saved %ld\n", k);
    } else if (!strcmp(tok, "stop")) {
        return 1;
    } else {
        printf("error unknown command %s\n", tok);
    }
    fflush(stdout);
    return 0;
}

int main(void)
{
    char err[600], line[4096];
    double end = now() + 30, quiet;
    wire_counts c;
    int stop = 0;
    out_lang = LANG_EN;
    setvbuf(stdin, NULL, _IONBF, 0);
    if (wire_open(NULL, err, sizeof err) < 0) {
        printf("error %s\n", err);
        return 2;
    }
    printf("ready dlt=%d\n", wire_dlt());
    fflush(stdout);
    while (!stop && now() < end) {
        struct pollfd pf[2] = {{.fd = wire_fd(), .events = POLLIN}, {.fd = 0, .events = POLLIN}};
        if (poll(pf, 2, 200) < 0) break;
        if (pf[0].revents) show();
        if (pf[1].revents) {
            if (!fgets(line, sizeof line, stdin)) break;
            stop = command(line);
        }
    }
    /* After stop: what is still arriving (a last ACK), until 300 ms pass without a packet. */
    quiet = now() + 0.3;
    while (now() < quiet && now() < end) {
        struct pollfd pf = {.fd = wire_fd(), .events = POLLIN};
        poll(&pf, 1, 50);
        if (show() > 0) quiet = now() + 0.3;
    }
    wire_stats(&c);
    printf("stats seen=%lu dropped=%lu ifdropped=%lu unsaved=%lu\n", c.seen, c.dropped, c.ifdropped, c.unsaved);
    fflush(stdout);
    /* Commands after stop (save) still run, without the capture's fd. */
    while (fgets(line, sizeof line, stdin)) command(line);
    wire_close();
    return 0;
}
