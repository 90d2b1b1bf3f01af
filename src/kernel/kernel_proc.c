/* kernel_proc.c — reads the kernel's TCP table as text from /proc/net/tcp{,6}: each line
 * becomes a kernel_entry, as a sock_diag message does in kernel_diag.c. */
#include "kernel/kernel_proc.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The kernel prints each 32-bit word of an address as a native-endian number. */
static void words(const char *hex, int nwords, unsigned char *out)
{
    for (int w = 0; w < nwords; w++) {
        char h[9];
        unsigned int v;
        memcpy(h, hex + 8 * w, 8);
        h[8] = '\0';
        v = (unsigned)strtoul(h, NULL, 16);
        memcpy(out + 4 * w, &v, 4);
    }
}

int kernel_proc_parse(const char *line, int family, long hz, kernel_entry *e)
{
    char la[40], ra[40];
    unsigned lp, rp, st, tr;
    unsigned long tx, rx, when, inode;
    int nwords = family == AF_INET ? 1 : 4;
    if (sscanf(line, " %*d: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %lx:%lx %x:%lx %*x %*u %*d %lu", la, &lp, ra, &rp, &st,
               &tx, &rx, &tr, &when, &inode) != 10 ||
        strlen(la) != 8u * (unsigned)nwords || strlen(ra) != 8u * (unsigned)nwords)
        return 0;
    memset(e, 0, sizeof *e);
    words(la, nwords, e->src);
    words(ra, nwords, e->dst);
    e->ino = inode;
    e->family = family;
    e->sport = (unsigned short)lp;
    e->dport = (unsigned short)rp;
    e->state = (int)st;
    e->rq = st == TCP_LISTEN ? -1 : (long)rx;
    e->wq = st == TCP_LISTEN ? -1 : (long)tx;
    e->expires = tr && hz > 0 ? (double)when / (double)hz : -1;
    return 1;
}

int kernel_proc_read(const char *path, int family, kernel_take *take, void *ctx)
{
    FILE *f = fopen(path, "r");
    char line[512];
    long hz = sysconf(_SC_CLK_TCK);
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        kernel_entry e;
        if (kernel_proc_parse(line, family, hz, &e)) take(&e, ctx);
    }
    fclose(f);
    return 0;
}
