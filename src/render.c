/* render.c — like `ss`, aligned columns; unlike ss, it remembers the last table it showed
 * so that a learner sees which cell one call changed: + new row, * changed, - closed.
 * Under the session's own sockets come the kernel's sockets on its ports that no fd
 * holds (kview.c): queued connections, TIME_WAIT, orphans. */
#include "render.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "kstate.h"
#include "kview.h"
#include "output.h"
#include "registry.h"

enum { COL_FD, COL_NAME, COL_KIND, COL_LOCAL, COL_PEER, COL_STATE, COL_RECVQ, COL_SENDQ, NCOLS };

typedef struct {
    unsigned long key;        /* the socket's serial; kernel rows: a hash of their addresses */
    int kernel;
    char cell[NCOLS][128];
    char note[160];           /* kernel rows: why it is there; not compared (it counts down) */
} row;

static row *last;
static size_t nlast;
static int shown_legend;

static const char *kind_name(int family, int type)
{
    int v6 = family == AF_INET6;
    if (family == AF_UNIX) return type == SOCK_STREAM ? "UNIX" : "UNIX-DG";
    if (type == SOCK_STREAM) return v6 ? "TCPv6" : "TCPv4";
    return v6 ? "UDPv6" : "UDPv4";
}

static void qfmt(char *buf, size_t n, long v)
{
    if (v < 0) snprintf(buf, n, "-");
    else snprintf(buf, n, "%ld", v);
}

#define CELL(r, c, ...) snprintf((r)->cell[c], sizeof (r)->cell[c], __VA_ARGS__)

static void sock_row(const sp_sock *s, row *r)
{
    sp_kstate k;
    kstate_read(s, &k);
    memset(r, 0, sizeof *r);
    r->key = s->serial;
    CELL(r, COL_FD, "%d", s->fd);
    CELL(r, COL_NAME, "%s", s->name[0] ? s->name : "-");
    CELL(r, COL_KIND, "%s", kind_name(s->family, s->type));
    CELL(r, COL_LOCAL, "%s", k.local);
    CELL(r, COL_PEER, "%s", k.peer);
    CELL(r, COL_STATE, "%s", k.state);
    if (k.backlog >= 0) {
        if (k.accq >= 0) CELL(r, COL_RECVQ, "%ld/%ld", k.accq, k.backlog);
        else CELL(r, COL_RECVQ, "-/%ld", k.backlog);
        CELL(r, COL_SENDQ, "-");
    } else {
        qfmt(r->cell[COL_RECVQ], sizeof r->cell[0], k.recvq);
        qfmt(r->cell[COL_SENDQ], sizeof r->cell[0], k.sendq);
    }
}

static unsigned long hash_place(const char *a, const char *b)
{
    uint64_t h = 1469598103934665603ull;               /* FNV-1a */
    for (const char *p = a; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ '|') * 1099511628211ull;
    for (const char *p = b; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (unsigned long)(h | 1ull << 63);             /* never a serial */
}

static void kernel_row(const kv_row *k, row *r)
{
    memset(r, 0, sizeof *r);
    r->key = hash_place(k->local, k->peer);
    r->kernel = 1;
    CELL(r, COL_FD, "-");
    CELL(r, COL_NAME, "-");
    CELL(r, COL_KIND, "%s", kind_name(k->family, SOCK_STREAM));
    CELL(r, COL_LOCAL, "%s", k->local);
    CELL(r, COL_PEER, "%s", k->peer);
    CELL(r, COL_STATE, "%s", tcp_state_name(k->state));
    qfmt(r->cell[COL_RECVQ], sizeof r->cell[0], k->recvq);
    qfmt(r->cell[COL_SENDQ], sizeof r->cell[0], k->sendq);
    if (k->queue)
        snprintf(r->note, sizeof r->note, TR("no fd yet: in %s's accept queue — accept() returns it",
                                             "还没有 fd：在 %s 的 accept 队列中 —— accept() 会返回它"), reg_label(k->queue));
    else if (!strcmp(r->cell[COL_STATE], "TIME_WAIT") && k->expires >= 0)
        snprintf(r->note, sizeof r->note, TR("no fd: the kernel keeps it %.0f s more (this side closed first)",
                                             "没有 fd：内核还会保留它 %.0f 秒（这一端先关闭）"), k->expires);
    else
        snprintf(r->note, sizeof r->note, "%s", TR("no fd: closed here; the kernel finishes the goodbye",
                                                   "没有 fd：这里已关闭；内核在完成挥手"));
}

static const row *find(const row *v, size_t n, unsigned long key)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].key == key) return &v[i];
    return NULL;
}

/* A queued connection that accept() took is now an fd row: it did not vanish. */
static int became_fd(const row *gone, const row *now, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!now[i].kernel && !strcmp(now[i].cell[COL_LOCAL], gone->cell[COL_LOCAL]) &&
            !strcmp(now[i].cell[COL_PEER], gone->cell[COL_PEER]))
            return 1;
    return 0;
}

static void print_row(FILE *f, const row *r, const row *before, char mark, const int *w, const char *rowcol)
{
    fprintf(f, "%s%c%s", col(rowcol), mark, col(C_RESET));
    for (int c = 0; c < NCOLS; c++) {
        int changed = mark == '*' && before && strcmp(before->cell[c], r->cell[c]) != 0;
        const char *on = changed ? col(C_BOLD ";" C_YELLOW) : col(r->kernel && mark != '-' ? C_DIM : rowcol);
        int lastcol = c == NCOLS - 1 && !r->note[0];
        /* Numbers right-aligned, text left-aligned, as ss does. */
        int pad = (lastcol ? 0 : w[c]) - out_width(r->cell[c]);
        if (c == COL_FD) fprintf(f, " %s%*s%s", on, w[c], r->cell[c], col(C_RESET));
        else fprintf(f, "  %s%s%s%*s", on, r->cell[c], col(C_RESET), pad > 0 ? pad : 0, "");
    }
    if (r->note[0]) fprintf(f, "  %s%s%s", col(C_DIM), r->note, col(C_RESET));
    fputc('\n', f);
}

/* Every current row: the session's sockets by fd, then the kernel's. */
static row *current(size_t *n)
{
    kv_row *kv = NULL;
    size_t ns = reg_count();
    int nk = kview_read(&kv);
    row *now = calloc(ns + (size_t)nk + 1, sizeof *now);
    if (now) {
        for (size_t i = 0; i < ns; i++) sock_row(reg_at(i), &now[i]);
        for (int i = 0; i < nk; i++) kernel_row(&kv[i], &now[ns + (size_t)i]);
        *n = ns + (size_t)nk;
    }
    free(kv);
    return now;
}

int render_table_to(FILE *f, int force, int keep)
{
    static const char *heads[NCOLS] = {"FD", "NAME", "KIND", "LOCAL", "PEER", "STATE", "RECV-Q", "SEND-Q"};
    size_t n = 0, i, ngone = 0;
    row *now = current(&n), *gone;
    int w[NCOLS], differs = (n != nlast);

    if (!now) return 0;
    for (i = 0; i < n && !differs; i++) {
        const row *b = find(last, nlast, now[i].key);
        differs = !b || memcmp(b->cell, now[i].cell, sizeof b->cell) != 0;
    }
    if (!differs && !force) { free(now); return 0; }

    /* A socket closed since the last table is shown once more, so the learner sees it go. */
    gone = calloc(nlast + 1, sizeof *gone);
    for (i = 0; gone && i < nlast; i++) {
        row *g = &gone[ngone];
        if (find(now, n, last[i].key) || (last[i].kernel && became_fd(&last[i], now, n))) continue;
        *g = last[i];
        CELL(g, COL_STATE, "%s", g->kernel ? TR("(gone)", "（已消失）") : TR("(closed)", "（已关闭）"));
        CELL(g, COL_RECVQ, "-");
        CELL(g, COL_SENDQ, "-");
        g->note[0] = '\0';
        ngone++;
    }
    for (int c = 0; c < NCOLS; c++) w[c] = (int)strlen(heads[c]);
    for (i = 0; i < n + ngone; i++) {
        const row *r = i < n ? &now[i] : &gone[i - n];
        for (int c = 0; c < NCOLS; c++)
            if (out_width(r->cell[c]) > w[c]) w[c] = out_width(r->cell[c]);
    }

    fprintf(f, "%s ", col(C_DIM));
    for (int c = 0; c < NCOLS; c++) {
        if (c == COL_FD) fprintf(f, " %*s", w[c], heads[c]);
        else fprintf(f, "  %-*s", c == NCOLS - 1 ? 0 : w[c], heads[c]);
    }
    fprintf(f, "%s\n", col(C_RESET));

    if (n == 0 && nlast == 0) fprintf(f, "  %s\n", TR("(no sockets)", "（没有套接字）"));
    for (i = 0; i < n; i++) {
        const row *b = find(last, nlast, now[i].key);
        char mark = !b ? '+' : memcmp(b->cell, now[i].cell, sizeof b->cell) ? '*' : ' ';
        print_row(f, &now[i], b, mark, w, mark == '+' ? C_GREEN : C_RESET);
    }
    for (i = 0; i < ngone; i++) print_row(f, &gone[i], NULL, '-', w, C_RED);
    free(gone);
    if (!shown_legend || force) {
        fprintf(f, "%s  %s%s\n", col(C_DIM),
                TR("RECV-Q: bytes received, not yet read (listener: connections waiting for accept/backlog) · "
                   "SEND-Q: bytes sent, not yet acknowledged · FD -: the kernel's, no fd · + new  * changed  - closed",
                   "RECV-Q：已收到未读取的字节（监听套接字：等待 accept 的连接数/backlog）· "
                   "SEND-Q：已发送未确认的字节 · FD 为 -：内核持有、没有 fd · + 新建  * 有变化  - 已关闭"),
                col(C_RESET));
        if (f == stdout) shown_legend = 1;
    }
    if (keep) {
        free(last);
        last = now;
        nlast = n;
    } else {
        free(now);
    }
    fflush(f);
    return 1;
}

int render_table(int force) { return render_table_to(stdout, force, 1); }

void render_free(void)
{
    free(last);
    last = NULL;
    nlast = 0;
    kview_free();
}
