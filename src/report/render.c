/* render.c — like `ss`, aligned columns; unlike ss, it remembers the last table it showed
 * so that a learner sees which cell one call changed: + new row, * changed, - closed.
 * Under the session's own sockets come the kernel's sockets of the session that no fd
 * holds (kernel/): queued connections, TIME_WAIT, orphans; or, when the kernel's table could
 * not be read, a line that says so (and no kernel row is called gone for it). */
#include "report/render.h"
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "report/errtext.h"
#include "core/keymap.h"
#include "kernel/kernel.h"
#include "report/out.h"
#include "report/wireview.h"
#include "core/place.h"
#include "core/registry.h"

enum { COL_FD, COL_NAME, COL_KIND, COL_HOST, COL_LOCAL, COL_PEER, COL_STATE, COL_RECVQ, COL_SENDQ, NCOLS };

typedef struct {
    unsigned long key;        /* the socket's serial; kernel rows: a hash of their addresses */
    int kernel;
    char cell[NCOLS][128];
    unsigned short len[NCOLS];   /* each cell's length: compared and copied without strlen */
    char note[160];           /* kernel rows: why it is there; not compared (it counts down) */
    int wid[NCOLS];           /* each cell's width on screen, measured once per table */
} row;

static row *last;
static size_t nlast;
static int show_host;         /* a lab with hosts: the HOST column (which host a socket lives on) */
static int shown_legend;
static int kernel_err;        /* why the kernel's table could not be read for this table; 0: it was */

static const char *kind_name(int family, int type)
{
    int v6 = family == AF_INET6;
    if (family == AF_UNIX) return type == SOCK_STREAM ? "UNIX" : "UNIX-DG";
    if (type == SOCK_STREAM) return v6 ? "TCPv6" : "TCPv4";
    return v6 ? "UDPv6" : "UDPv4";
}

/* Every cell is written by one of these three, which keep its length. */
static void cellf(row *r, int c, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(r->cell[c], sizeof r->cell[c], fmt, ap);
    va_end(ap);
    r->len[c] = (unsigned short)(n < 0 ? 0 : n >= (int)sizeof r->cell[c] ? (int)sizeof r->cell[c] - 1 : n);
}

/* A cell from a string: the common case, done without printf (a table can have 8000). */
static void put(row *r, int c, const char *v)
{
    size_t n = strlen(v);
    if (n >= sizeof r->cell[c]) n = sizeof r->cell[c] - 1;
    memcpy(r->cell[c], v, n);
    r->cell[c][n] = '\0';
    r->len[c] = (unsigned short)n;
}

/* A count, or "-" when not known; without printf (a table has thousands of them). */
static void qfmt(row *r, int c, long v)
{
    char *e = v < 0 ? r->cell[c] : out_decimal(r->cell[c], (unsigned long long)v);
    if (v < 0) *e++ = '-';
    *e = '\0';
    r->len[c] = (unsigned short)(e - r->cell[c]);
}

/* The cells of a session socket's row that do not come from the kernel. */
static void own_cells(const sp_sock *s, row *r)
{
    r->kernel = 0;
    r->note[0] = '\0';
    r->key = s->serial;
    qfmt(r, COL_FD, s->fd);
    put(r, COL_NAME, s->name[0] ? s->name : "-");
    put(r, COL_KIND, kind_name(s->family, s->type));
    put(r, COL_HOST, show_host ? place_name(s->place) : "");
}

/* A key for a row no fd holds: its host and its two addresses. */
static unsigned long hash_place(const char *host, const char *a, const char *b)
{
    uint64_t h = 1469598103934665603ull;               /* FNV-1a */
    for (const char *p = host; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ '|') * 1099511628211ull;
    for (const char *p = a; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ '|') * 1099511628211ull;
    for (const char *p = b; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (unsigned long)(h | 1ull << 63);             /* never a serial */
}

/* The cells of a row no fd holds, and why it is there. */
static void fdless_cells(const kernel_row *k, row *r)
{
    const char *host = show_host ? place_name(k->place) : "";
    r->note[0] = '\0';
    r->key = hash_place(host, k->local, k->peer);
    r->kernel = 1;
    put(r, COL_FD, "-");
    put(r, COL_NAME, "-");
    put(r, COL_KIND, kind_name(k->family, SOCK_STREAM));
    put(r, COL_HOST, host);
    if (k->queue)
        snprintf(r->note, sizeof r->note, TR("no fd yet: in %s's accept queue — accept() returns it",
                                             "还没有 fd：在 %s 的 accept 队列中 —— accept() 会返回它"), registry_label(k->queue));
    else if (k->tcp_state == TCP_TIME_WAIT && k->expires >= 0)
        snprintf(r->note, sizeof r->note, TR("no fd: the kernel keeps it %.0f s more (this side closed first)",
                                             "没有 fd：内核还会保留它 %.0f 秒（这一端先关闭）"), k->expires);
    else
        snprintf(r->note, sizeof r->note, "%s", TR("no fd: closed here; the kernel finishes the goodbye",
                                                   "没有 fd：这里已关闭；内核在完成挥手"));
}

/* A table row from the kernel's: a session socket's (its fd, name, kind) or one no fd holds. */
static void row_from(const kernel_row *k, row *r)
{
    if (k->owner) own_cells(k->owner, r);
    else fdless_cells(k, r);
    put(r, COL_LOCAL, k->local);
    put(r, COL_PEER, k->peer);
    put(r, COL_STATE, k->state);
    if (k->backlog >= 0) {
        if (k->accq >= 0) cellf(r, COL_RECVQ, "%ld/%ld", k->accq, k->backlog);
        else cellf(r, COL_RECVQ, "-/%ld", k->backlog);
        put(r, COL_SENDQ, "-");
    } else {
        qfmt(r, COL_RECVQ, k->recvq);
        qfmt(r, COL_SENDQ, k->sendq);
    }
}

/* Rows by key, for the lookups that compare two tables (a thousand rows each). */
static void index_rows(keymap *m, const row *v, size_t n)
{
    keymap_init(m, n);
    for (size_t i = 0; i < n; i++) keymap_put(m, v[i].key, &v[i]);
}

static int same_cell(const row *a, const row *b, int c)
{
    return a->len[c] == b->len[c] && memcmp(a->cell[c], b->cell[c], a->len[c]) == 0;
}

static int same_cells(const row *a, const row *b)
{
    for (int c = 0; c < NCOLS; c++)
        if (!same_cell(a, b, c)) return 0;
    return 1;
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

/* A row is built in memory and written with one call: a table may have a thousand. */
typedef struct {
    char b[2048];
    size_t n;
} line;

static void addn(line *l, const char *s, size_t k)
{
    if (k > sizeof l->b - l->n) k = sizeof l->b - l->n;
    memcpy(l->b + l->n, s, k);
    l->n += k;
}

static void add(line *l, const char *s) { addn(l, s, strlen(s)); }

static void pad(line *l, int k)
{
    size_t room = sizeof l->b - l->n;
    if (k <= 0) return;
    if ((size_t)k > room) k = (int)room;
    memset(l->b + l->n, ' ', (size_t)k);
    l->n += (size_t)k;
}

/* A colour code as text, made once per table (out_col() formats it on every call). */
typedef struct {
    char s[16];
    size_t n;
} paint;

static paint paint_of(const char *code)
{
    paint p;
    snprintf(p.s, sizeof p.s, "%s", out_col(code));
    p.n = strlen(p.s);
    return p;
}

typedef struct {
    paint reset, dim, changed, green, red;
} palette;

/* Switches colour only when it changes: a plain row is written with no codes at all. */
static void put_paint(line *l, const paint **now, const paint *p)
{
    if (*now == p) return;
    addn(l, p->s, p->n);
    *now = p;
}

/* How the table fits the terminal: each column's width, the gap between columns, whether
 * KIND is written short (TCP4 for TCPv4). */
typedef struct {
    int w[NCOLS];
    int gap;
    int short_kind;
    int cols;
} layout;

/* Columns a row takes without its note. */
static int table_width(const layout *L)
{
    int t = 2 + L->w[COL_FD];                  /* the mark, a space, the fd right-aligned */
    for (int c = 1; c < NCOLS; c++)
        if (c != COL_HOST || show_host) t += L->gap + L->w[c];
    return t;
}

/* Takes columns from NAME, LOCAL and PEER, the widest first, none below its min, until the
 * table fits. Returns 1 when it fits. */
static int shrink(layout *L, const int *min)
{
    static const int order[] = {COL_LOCAL, COL_PEER, COL_NAME};
    for (int over = table_width(L) - L->cols; over > 0; over--) {
        int best = -1;
        for (int i = 0; i < 3; i++)
            if (L->w[order[i]] > min[order[i]] && (best < 0 || L->w[order[i]] > L->w[best])) best = order[i];
        if (best < 0) return 0;
        L->w[best]--;
    }
    return 1;
}

/* KIND written short: TCPv4 → TCP4 (the v dropped). Returns its width; the text in b. */
static int kind_short(const row *r, char *b, size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; i < r->len[COL_KIND] && n < 15; i++)
        if (r->cell[COL_KIND][i] != 'v') b[n++] = r->cell[COL_KIND][i];
    b[n] = '\0';
    *len = n;
    return (int)n;
}

/* Narrows the table to the terminal's width: KIND short first, then long names and
 * addresses elided in the middle (print_row) down to widths that still show an IPv4
 * address and port whole, then one space between columns, then down to the least that
 * still shows a port. A terminal narrower than that gets the narrowest table. */
static void fit(layout *L, const row *now, size_t n, const row *gone, size_t ngone)
{
    static const int soft[NCOLS] = {[COL_NAME] = 12, [COL_LOCAL] = 15, [COL_PEER] = 15};
    static const int hard[NCOLS] = {[COL_NAME] = 5, [COL_LOCAL] = 8, [COL_PEER] = 8};
    char b[16];
    size_t len;
    int full[NCOLS];
    if (table_width(L) <= L->cols) return;
    L->short_kind = 1;
    L->w[COL_KIND] = 4;                        /* the header's width */
    for (size_t i = 0; i < n + ngone; i++) {
        int k = kind_short(i < n ? &now[i] : &gone[i - n], b, &len);
        if (k > L->w[COL_KIND]) L->w[COL_KIND] = k;
    }
    memcpy(full, L->w, sizeof full);
    if (shrink(L, soft)) return;
    memcpy(L->w, full, sizeof full);            /* one space between columns: room given back */
    L->gap = 1;
    if (shrink(L, soft)) return;
    shrink(L, hard);
}

/* The part of an address cell elision must keep: from its last ':' (the port), or a
 * path's last '/'; for IPv4 from its third number. */
static size_t keep_of(int c, const char *s, size_t len)
{
    const char *k;
    int dots = 0;
    if (c != COL_LOCAL && c != COL_PEER) return 0;
    if (!(k = memrchr(s, ':', len)) && !(k = memrchr(s, '/', len))) return 0;
    /* An IPv4 address keeps its last two numbers too: 192.…1.104:7788 tells .103 from .104. */
    for (const char *p = s; p < k; p++) dots += *p == '.';
    if (dots == 3 && *k == ':' && s[0] != '[')
        for (const char *p = k; p > s; p--)
            if (p[-1] == '.' && --dots == 1) return len - (size_t)(p - s);
    return len - (size_t)(k - s);
}

/* Whether a row's note fits on its line; otherwise it goes on the next. */
static int note_inline(const row *r, const layout *L)
{
    return r->note[0] && table_width(L) + 2 + out_width(r->note) <= L->cols;
}

/* A note too long for its row's line: under the row, wrapped, from the NAME column. */
static void print_note_below(FILE *f, const row *r, const layout *L, const palette *pal)
{
    char lead[64];
    snprintf(lead, sizeof lead, "%*s%s↳ ", 2 + L->w[COL_FD] + L->gap, "", pal->dim.s);
    out_wrap(f, lead, -1, r->note, pal->reset.s);
}

static void print_row(FILE *f, const row *r, const row *before, char mark, const layout *L, const palette *pal)
{
    const int *w = L->w;
    int inl = note_inline(r, L);
    const paint *rowcol = mark == '+' ? &pal->green : mark == '-' ? &pal->red : &pal->reset;
    const paint *now = &pal->reset;       /* a line starts in the terminal's own colours */
    line l;
    l.n = 0;
    put_paint(&l, &now, rowcol);
    addn(&l, &mark, 1);
    put_paint(&l, &now, &pal->reset);
    for (int c = 0; c < NCOLS; c++) {
        if (c == COL_HOST && !show_host) continue;
        int changed = mark == '*' && before && !same_cell(before, r, c);
        const paint *on = changed ? &pal->changed : r->kernel && mark != '-' ? &pal->dim : rowcol;
        int lastcol = c == NCOLS - 1 && !inl, wid = r->wid[c];
        const char *text = r->cell[c];
        size_t len = r->len[c];
        char b[160];
        int room;
        if (c == COL_KIND && L->short_kind) { wid = kind_short(r, b, &len); text = b; }
        else if (wid > w[c]) { len = out_elide(b, sizeof b, text, len, w[c], keep_of(c, text, len), &wid); text = b; }
        room = (lastcol ? 0 : w[c]) - wid;
        /* Numbers right-aligned, text left-aligned, as ss does. */
        pad(&l, c == COL_FD ? 1 + room : L->gap);
        put_paint(&l, &now, on);
        addn(&l, text, len);
        put_paint(&l, &now, &pal->reset);
        if (c != COL_FD) pad(&l, room);
    }
    if (inl) {
        pad(&l, 2);
        put_paint(&l, &now, &pal->dim);
        add(&l, r->note);
        put_paint(&l, &now, &pal->reset);
    }
    if (l.n == sizeof l.b) l.n--;
    l.b[l.n++] = '\n';
    fwrite(l.b, 1, l.n, f);
    if (r->note[0] && !inl) print_note_below(f, r, L, pal);
}

/* The rows of the table: the session's sockets in fd order, then the kernel's that no fd
 * holds (kernel_dump reads them all in one round trip, as ss does). */
static row *current(size_t *n)
{
    const kernel_row *kr;
    size_t nk;
    row *now;
    kernel_err = kernel_dump(&kr, &nk) < 0 ? errno : 0;   /* the session's rows are then read per fd */
    if (!kr) return NULL;
    now = malloc((nk + 1) * sizeof *now);     /* every field is set: no need to clear 1 KiB a row */
    if (now) {
        for (size_t i = 0; i < nk; i++) row_from(&kr[i], &now[i]);
        *n = nk;
    }
    return now;
}

/* The rows of the last table this one can be compared with: without the kernel's table,
 * only the session's own (its kernel rows were not read, so none of them is gone). */
static size_t comparable(void)
{
    size_t k = 0;
    if (!kernel_err) return nlast;
    for (size_t i = 0; i < nlast; i++) k += !last[i].kernel;
    return k;
}

/* The kernel's table could not be read: the last table's kernel rows are kept as they were
 * last known, so that the next table that reads it compares with them. */
static row *with_old_kernel_rows(row *now, size_t *n)
{
    size_t k = nlast - comparable();
    row *v;
    if (!k || !(v = realloc(now, (*n + k) * sizeof *v))) return now;
    for (size_t i = 0; i < nlast; i++)
        if (last[i].kernel) v[(*n)++] = last[i];
    return v;
}

/* Under the rows: that the kernel's table could not be read, and what is not shown for it. */
static void print_unread(FILE *f)
{
    char b[512], lead[32];
    if (!kernel_err) return;
    snprintf(lead, sizeof lead, "  %s", out_col(C_YELLOW));
    out_wrap(f, lead, -1, errtext_unread(TR("the kernel's table", "内核的套接字表"), kernel_err, b, sizeof b), out_col(C_RESET));
    snprintf(lead, sizeof lead, "  %s", out_col(C_DIM));
    out_wrap(f, lead, -1, TR("so sockets with no fd (accept queue, TIME_WAIT) are not shown; the rows above were read from each fd",
                             "所以没有 fd 的套接字（accept 队列、TIME_WAIT）现在无法显示；上面各行是逐个 fd 读取的"), out_col(C_RESET));
}

int render_table_to(FILE *f, int force, int keep)
{
    static const char *heads[NCOLS] = {"FD", "NAME", "KIND", "HOST", "LOCAL", "PEER", "STATE", "RECV-Q", "SEND-Q"};
    size_t n = 0, i, ngone = 0;
    row *now, *gone;
    size_t nold;
    int differs;
    layout L = {.gap = 2, .short_kind = 0, .cols = out_cols()};
    int *w = L.w;
    line h;
    char lead[32];
    keymap was, is = {NULL, NULL, 0, 0};
    const row **before;
    char *mark;
    size_t found = 0;
    palette pal = {paint_of(C_RESET), paint_of(C_DIM), paint_of(C_BOLD ";" C_YELLOW), paint_of(C_GREEN), paint_of(C_RED)};

    show_host = place_count() > 0;
    now = current(&n);
    if (!now) return 0;
    nold = comparable();
    differs = n != nold;
    /* Each row against the last table, once: whether to print, and each row's mark. */
    index_rows(&was, last, nlast);
    before = malloc((n + 1) * sizeof *before);
    mark = malloc(n + 1);
    if (!before || !mark) { free(before); free(mark); free(now); keymap_free(&was); return 0; }
    for (i = 0; i < n; i++) {
        before[i] = keymap_get(&was, now[i].key);
        mark[i] = !before[i] ? '+' : !same_cells(before[i], &now[i]) ? '*' : ' ';
        found += before[i] != NULL;
        differs |= mark[i] != ' ';
    }
    if (!differs && !force) { free(before); free(mark); free(now); keymap_free(&was); return 0; }
    /* Keys are unique: when every old row was found again, none was closed. */
    if (found < nold) index_rows(&is, now, n);

    /* A socket closed since the last table is shown once more, so the learner sees it go. */
    /* Rows are copied in whole: no need to clear them. Only when a row went: a thousand rows
     * allocated and freed on every table would make malloc give memory back and ask again. */
    gone = found < nold ? malloc((nlast + 1) * sizeof *gone) : NULL;
    for (i = 0; gone && found < nold && i < nlast; i++) {
        row *g = &gone[ngone];
        if (keymap_get(&is, last[i].key) || (last[i].kernel && (kernel_err || became_fd(&last[i], now, n)))) continue;
        *g = last[i];
        put(g, COL_STATE, g->kernel ? TR("(gone)", "（已消失）") : TR("(closed)", "（已关闭）"));
        put(g, COL_RECVQ, "-");
        put(g, COL_SENDQ, "-");
        g->note[0] = '\0';
        ngone++;
    }
    for (int c = 0; c < NCOLS; c++) w[c] = (int)strlen(heads[c]);
    for (i = 0; i < n + ngone; i++) {
        row *r = i < n ? &now[i] : &gone[i - n];
        /* A row that did not change has the widths it had: most rows, most of the time. */
        if (i < n && mark[i] == ' ') memcpy(r->wid, before[i]->wid, sizeof r->wid);
        else
            for (int c = 0; c < NCOLS; c++) r->wid[c] = out_width(r->cell[c]);
        for (int c = 0; c < NCOLS; c++)
            if (r->wid[c] > w[c]) w[c] = r->wid[c];
    }

    fit(&L, now, n, gone, ngone);
    h.n = 0;
    add(&h, pal.dim.s);
    for (int c = 0; c < NCOLS; c++) {
        int k = (int)strlen(heads[c]);
        if (c == COL_HOST && !show_host) continue;
        pad(&h, c == COL_FD ? 2 + w[c] - k : L.gap);
        add(&h, heads[c]);
        if (c != COL_FD && c != NCOLS - 1) pad(&h, w[c] - k);
    }
    add(&h, pal.reset.s);
    fprintf(f, "%.*s\n", (int)h.n, h.b);

    if (n == 0 && nlast == 0) fprintf(f, "  %s\n", TR("(no sockets)", "（没有套接字）"));
    for (i = 0; i < n; i++) {
        row *r = &now[i];
        /* A state that changed with the wire on: the packet that changed it. */
        if (!r->kernel && (mark[i] == '+' || (mark[i] == '*' && !same_cell(before[i], r, COL_STATE))))
            wireview_state_note(r->cell[COL_LOCAL], r->cell[COL_PEER], r->cell[COL_STATE], r->note, sizeof r->note);
        print_row(f, r, before[i], mark[i], &L, &pal);
    }
    for (i = 0; i < ngone; i++) print_row(f, &gone[i], NULL, '-', &L, &pal);
    print_unread(f);
    free(gone);
    free(before);
    free(mark);
    if (!shown_legend || force) {
        snprintf(lead, sizeof lead, "%s  ", pal.dim.s);
        out_wrap(f, lead, -1,
                TR("RECV-Q: bytes received, not yet read (listener: connections waiting for accept/backlog) · "
                   "SEND-Q: bytes sent, not yet acknowledged · FD -: the kernel's, no fd · + new  * changed  - closed",
                   "RECV-Q：已收到未读取的字节（监听套接字：等待 accept 的连接数/backlog）· "
                   "SEND-Q：已发送未确认的字节 · FD 为 -：内核持有、没有 fd · + 新建  * 有变化  - 已关闭"),
                pal.reset.s);
        if (f == stdout) shown_legend = 1;
    }
    keymap_free(&was);
    keymap_free(&is);
    if (keep) {
        if (kernel_err) now = with_old_kernel_rows(now, &n);
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
    kernel_free();
}
