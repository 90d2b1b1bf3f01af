/* render.c — like `ss`, aligned columns; unlike ss, it remembers the last table it showed
 * so that a learner sees which cell one call changed: + new row, * changed, - closed. */
#include "render.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "kstate.h"
#include "output.h"
#include "registry.h"

enum { COL_FD, COL_NAME, COL_KIND, COL_LOCAL, COL_PEER, COL_STATE, COL_RECVQ, COL_SENDQ, NCOLS };

typedef struct {
    unsigned long serial;
    char cell[NCOLS][128];
} row;

static row *last;
static size_t nlast;
static int shown_legend;

static const char *kind_name(const sp_sock *s)
{
    int v6 = s->family == AF_INET6;
    if (s->family == AF_UNIX) return s->type == SOCK_STREAM ? "UNIX" : "UNIX-DG";
    if (s->type == SOCK_STREAM) return v6 ? "TCPv6" : "TCPv4";
    return v6 ? "UDPv6" : "UDPv4";
}

static void qfmt(char *buf, size_t n, long v)
{
    if (v < 0) snprintf(buf, n, "-");
    else snprintf(buf, n, "%ld", v);
}

static void make_row(const sp_sock *s, row *r)
{
    sp_kstate k;
    kstate_read(s, &k);
    r->serial = s->serial;
    snprintf(r->cell[COL_FD], sizeof r->cell[0], "%d", s->fd);
    snprintf(r->cell[COL_NAME], sizeof r->cell[0], "%s", s->name[0] ? s->name : "-");
    snprintf(r->cell[COL_KIND], sizeof r->cell[0], "%s", kind_name(s));
    snprintf(r->cell[COL_LOCAL], sizeof r->cell[0], "%s", k.local);
    snprintf(r->cell[COL_PEER], sizeof r->cell[0], "%s", k.peer);
    snprintf(r->cell[COL_STATE], sizeof r->cell[0], "%s", k.state);
    if (k.backlog >= 0) {
        if (k.accq >= 0) snprintf(r->cell[COL_RECVQ], sizeof r->cell[0], "%ld/%ld", k.accq, k.backlog);
        else snprintf(r->cell[COL_RECVQ], sizeof r->cell[0], "-/%ld", k.backlog);
        snprintf(r->cell[COL_SENDQ], sizeof r->cell[0], "-");
    } else {
        qfmt(r->cell[COL_RECVQ], sizeof r->cell[0], k.recvq);
        qfmt(r->cell[COL_SENDQ], sizeof r->cell[0], k.sendq);
    }
}

static const row *find_last(unsigned long serial)
{
    for (size_t i = 0; i < nlast; i++)
        if (last[i].serial == serial) return &last[i];
    return NULL;
}

static int still_open(unsigned long serial, const row *now, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (now[i].serial == serial) return 1;
    return 0;
}

static void print_row(const row *r, const row *before, char mark, const int *w, const char *rowcol)
{
    printf("%s%c%s", col(rowcol), mark, col(C_RESET));
    for (int c = 0; c < NCOLS; c++) {
        int changed = mark == '*' && before && strcmp(before->cell[c], r->cell[c]) != 0;
        const char *on = changed ? col(C_BOLD ";" C_YELLOW) : col(rowcol);
        /* Numbers right-aligned, text left-aligned, as ss does. */
        if (c == COL_FD) printf(" %s%*s%s", on, w[c], r->cell[c], col(C_RESET));
        else printf("  %s%-*s%s", on, c == NCOLS - 1 ? 0 : w[c], r->cell[c], col(C_RESET));
    }
    putchar('\n');
}

int render_table(int force)
{
    static const char *heads[NCOLS] = {"FD", "NAME", "KIND", "LOCAL", "PEER", "STATE", "RECV-Q", "SEND-Q"};
    size_t n = reg_count(), i;
    row *now = calloc(n ? n : 1, sizeof *now);
    int w[NCOLS], differs = (n != nlast);

    if (!now) return 0;
    for (i = 0; i < n; i++) {
        const row *b;
        make_row(reg_at(i), &now[i]);
        b = find_last(now[i].serial);
        if (!b || memcmp(b->cell, now[i].cell, sizeof b->cell) != 0) differs = 1;
    }
    if (!differs && !force) { free(now); return 0; }

    for (int c = 0; c < NCOLS; c++) w[c] = (int)strlen(heads[c]);
    for (i = 0; i < n; i++)
        for (int c = 0; c < NCOLS; c++)
            if ((int)strlen(now[i].cell[c]) > w[c]) w[c] = (int)strlen(now[i].cell[c]);
    for (i = 0; i < nlast; i++)
        for (int c = 0; c < NCOLS; c++)
            if ((int)strlen(last[i].cell[c]) > w[c]) w[c] = (int)strlen(last[i].cell[c]);

    printf("%s ", col(C_DIM));
    for (int c = 0; c < NCOLS; c++) {
        if (c == COL_FD) printf(" %*s", w[c], heads[c]);
        else printf("  %-*s", c == NCOLS - 1 ? 0 : w[c], heads[c]);
    }
    printf("%s\n", col(C_RESET));

    if (n == 0 && nlast == 0) printf("  %s\n", TR("(no sockets)", "（没有套接字）"));
    for (i = 0; i < n; i++) {
        const row *b = find_last(now[i].serial);
        char mark = !b ? '+' : memcmp(b->cell, now[i].cell, sizeof b->cell) ? '*' : ' ';
        print_row(&now[i], b, mark, w, mark == '+' ? C_GREEN : C_RESET);
    }
    /* A socket closed since the last table is shown once more, so the learner sees it go. */
    for (i = 0; i < nlast; i++) {
        if (still_open(last[i].serial, now, n)) continue;
        snprintf(last[i].cell[COL_STATE], sizeof last[i].cell[0], "%s", TR("(closed)", "（已关闭）"));
        snprintf(last[i].cell[COL_RECVQ], sizeof last[i].cell[0], "-");
        snprintf(last[i].cell[COL_SENDQ], sizeof last[i].cell[0], "-");
        print_row(&last[i], NULL, '-', w, C_RED);
    }
    if (!shown_legend || force) {
        printf("%s  %s%s\n", col(C_DIM),
               TR("RECV-Q: bytes received, not yet read (listener: connections waiting for accept/backlog) · "
                  "SEND-Q: bytes sent, not yet acknowledged · + new  * changed  - closed",
                  "RECV-Q：已收到未读取的字节（监听套接字：等待 accept 的连接数/backlog）· "
                  "SEND-Q：已发送未确认的字节 · + 新建  * 有变化  - 已关闭"),
               col(C_RESET));
        shown_legend = 1;
    }
    free(last);
    last = now;
    nlast = n;
    fflush(stdout);
    return 1;
}

void render_free(void)
{
    free(last);
    last = NULL;
    nlast = 0;
}
