/* wiredraw.c — packets drawn as a sequence diagram, one line each: the time since the call
 * began, the state the left end entered, the end that opened the flow on the left, an arrow
 * carrying what the packet is (flags, relative numbers, length) pointing the way it went,
 * the other end, the state it entered, then the payload's start. The rows of one batch line
 * up. When the terminal is narrow the ends lose their repeated address, then their port;
 * then the states move after the right end; then the payload moves to its own line. A
 * packet outside any flow (not TCP, UDP or an ICMP error quoting one) keeps tcpdump's
 * dense line. */
#include "report/wiredraw.h"
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "report/out.h"

int wiredraw_macs;

/* Seconds as 7 columns: "  0.03ms", " 41.2ms", " 1.234s", " 73.51s". */
static void when(double t, char *b, size_t n)
{
    if (t < 0) t = 0;
    if (t < 0.09995) snprintf(b, n, "%5.2fms", t * 1e3);
    else if (t < 0.9995) snprintf(b, n, "%5.1fms", t * 1e3);
    else if (t < 9.9995) snprintf(b, n, "%6.3fs", t);
    else if (t < 99.995) snprintf(b, n, "%6.2fs", t);
    else if (t < 9999.5) snprintf(b, n, "%6.0fs", t);
    else snprintf(b, n, "%s", "  long");
}

/* An end: "c 127.0.0.1:7788" (full), "c :7788" (brief: named, the address dropped), or
 * "127.0.0.1:7788" when the session has no name for it. */
static void end_text(const struct sockaddr_storage *ss, int ports, const char *name, int brief, char *b, size_t n)
{
    char a[80];
    packet_end(ss, ports, a, sizeof a);
    if (!name || !*name) snprintf(b, n, "%s", a);
    else if (brief && ports) {
        const char *colon = strrchr(a, ':');
        snprintf(b, n, "%s %s", name, colon ? colon : a);
    } else snprintf(b, n, "%s %s", name, a);
}

void wiredraw_row_make(const packet *p, double t, packet_namefn name, void *ud, wiredraw_row *r)
{
    const struct sockaddr_storage *from, *to, *left, *right;
    int ports, proto;
    memset(r, 0, sizeof *r);
    when(t, r->time, sizeof r->time);
    if (!(p->have & PACKET_HAVE_FLOW)) {
        char act[120];
        size_t at = packet_format(p, r->plain, sizeof r->plain, name, ud);
        char a[24], b[24];
        if (packet_action_text(p, act, sizeof act)[0] && at < sizeof r->plain)
            at += (size_t)snprintf(r->plain + at, sizeof r->plain - at, "  (%s)", act);
        if (wiredraw_macs && (p->have & PACKET_HAVE_MAC) && at < sizeof r->plain)
            snprintf(r->plain + at, sizeof r->plain - at, "  [%s → %s]", packet_mac(p->smac, a, sizeof a), packet_mac(p->dmac, b, sizeof b));
        r->flat = 1;
        return;
    }
    if (p->have & PACKET_HAVE_ICMP) {        /* an error goes back to the datagram's sender */
        from = &p->qdst;
        to = &p->qsrc;
        ports = p->qports;
        proto = p->qproto;
    } else {
        from = &p->src;
        to = &p->dst;
        ports = (p->have & PACKET_HAVE_PORTS) != 0;
        proto = p->proto;
    }
    r->rightward = p->dir == 0;
    left = r->rightward ? from : to;
    right = r->rightward ? to : from;
    const char *ln = name ? name((const struct sockaddr *)left, proto, ud) : NULL;
    const char *rn = name ? name((const struct sockaddr *)right, proto, ud) : NULL;
    snprintf(r->lname, sizeof r->lname, "%s", ln ? ln : "");
    snprintf(r->rname, sizeof r->rname, "%s", rn ? rn : "");
    end_text(left, ports, ln, 0, r->left, sizeof r->left);
    end_text(right, ports, rn, 0, r->right, sizeof r->right);
    end_text(left, ports, ln, 1, r->lbrief, sizeof r->lbrief);
    end_text(right, ports, rn, 1, r->rbrief, sizeof r->rbrief);
    snprintf(r->lstate, sizeof r->lstate, "%s", packet_state_name(r->rightward ? p->sstate : p->rstate));
    snprintf(r->rstate, sizeof r->rstate, "%s", packet_state_name(r->rightward ? p->rstate : p->sstate));
    packet_label(p, r->label, sizeof r->label);
    size_t at = 0;
    if ((p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) && p->ndata)
        at = packet_preview(p, 24, r->tail, sizeof r->tail);
    if (p->retrans && at < sizeof r->tail)
        at += (size_t)snprintf(r->tail + at, sizeof r->tail - at, "%s%s", at ? " " : "", TR("(retransmission)", "（重传）"));
    {
        char act[120], a[24], b[24];
        if (packet_action_text(p, act, sizeof act)[0] && at < sizeof r->tail)
            at += (size_t)snprintf(r->tail + at, sizeof r->tail - at, "%s(%s)", at ? " " : "", act);
        if (wiredraw_macs && (p->have & PACKET_HAVE_MAC) && at < sizeof r->tail)
            at += (size_t)snprintf(r->tail + at, sizeof r->tail - at, "%s[%s → %s]", at ? " " : "", packet_mac(p->smac, a, sizeof a),
                                   packet_mac(p->dmac, b, sizeof b));
    }
    if ((p->have & PACKET_TRUNC) && at < sizeof r->tail)
        at += (size_t)snprintf(r->tail + at, sizeof r->tail - at, "%s", TR("  (cut short)", "  （不完整）"));
    if ((p->have & PACKET_BAD) && at < sizeof r->tail)
        snprintf(r->tail + at, sizeof r->tail - at, "%s", TR("  (malformed)", "  （格式错误）"));
}

/* Columns of a batch. */
typedef struct { int lstate, left, arrow, right, rstate; } widths;

static int maxi(int a, int b) { return a > b ? a : b; }

/* An end's text at a level of brevity: 0 full ("c 127.0.0.1:41428"), 1 brief ("c :41428"),
 * 2 its name alone ("c"; an end without a name keeps its address). */
static const char *end_at(const wiredraw_row *r, int right, int level)
{
    const char *name = right ? r->rname : r->lname;
    if (level >= 2 && name[0]) return name;
    if (level >= 1) return right ? r->rbrief : r->lbrief;
    return right ? r->right : r->left;
}

static widths measure(const wiredraw_row *rows, size_t n, int brief)
{
    widths w = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const wiredraw_row *r = &rows[i];
        if (r->flat) continue;
        w.lstate = maxi(w.lstate, out_width(r->lstate));
        w.left = maxi(w.left, out_width(end_at(r, 0, brief)));
        w.arrow = maxi(w.arrow, out_width(r->label) + 6);   /* "── " label " ─▶" */
        w.right = maxi(w.right, out_width(end_at(r, 1, brief)));
        w.rstate = maxi(w.rstate, out_width(r->rstate));
    }
    return w;
}

/* The line's width without its tail. */
static int span(const widths *w)
{
    return 2 + 7 + 2 + (w->lstate ? w->lstate + 2 : 0) + w->left + 1 + w->arrow + 1 + w->right + (w->rstate ? 2 + w->rstate : 0);
}

/* n box-drawing dashes. */
static void dashes(FILE *f, int n)
{
    while (n-- > 0) fputs("─", f);
}

/* s padded with spaces to width columns. */
static void padded(FILE *f, const char *s, int width)
{
    fputs(s, f);
    for (int k = out_width(s); k < width; k++) fputc(' ', f);
}

static void row(FILE *f, const wiredraw_row *r, const widths *w, int brief)
{
    int lw = out_width(r->label), cols = out_cols();

    fprintf(f, "%s  %s  ", out_col(C_DIM), r->time);
    if (r->flat) {
        /* No flow to draw: the dense line, continued from column 11, wrapped under itself. */
        out_wrap_at(f, 2 + 7 + 2, 13, r->plain);
        fprintf(f, "%s\n", out_col(C_RESET));
        return;
    }
    if (w->lstate) {
        fprintf(f, "%s", out_col(C_RESET));
        fprintf(f, "%s", out_col(C_YELLOW));
        padded(f, r->lstate, w->lstate);
        fprintf(f, "%s%s  ", out_col(C_RESET), out_col(C_DIM));
    }
    padded(f, end_at(r, 0, brief), w->left);
    fputc(' ', f);
    fprintf(f, "%s", out_col(C_RESET));
    if (r->rightward) {
        fprintf(f, "── %s ", r->label);
        dashes(f, w->arrow - 3 - lw - 1 - 1);
        fputs("▶", f);
    } else {
        fprintf(f, "◀── %s ", r->label);
        dashes(f, w->arrow - 4 - lw - 1);
    }
    fprintf(f, "%s ", out_col(C_DIM));
    int here = r->tail[0] && span(w) + 2 + out_width(r->tail) <= cols;   /* the payload fits on this line */
    int after = (w->rstate && r->rstate[0]) || here;                     /* something follows the right end */
    if (after) padded(f, end_at(r, 1, brief), w->right);
    else fputs(end_at(r, 1, brief), f);
    if (w->rstate && after) {
        fprintf(f, "  %s%s", out_col(C_RESET), out_col(C_YELLOW));
        if (here) padded(f, r->rstate, w->rstate);
        else fputs(r->rstate, f);
        fprintf(f, "%s%s", out_col(C_RESET), out_col(C_DIM));
    }
    if (here) fprintf(f, "  %s", r->tail);
    fprintf(f, "%s\n", out_col(C_RESET));
    if (r->tail[0] && !here) {
        /* The payload under the arrow's start. */
        char lead[64];
        int at = 2 + 7 + 2 + (w->lstate ? w->lstate + 2 : 0) + w->left + 1;
        snprintf(lead, sizeof lead, "%*s%s", at, "", out_col(C_DIM));
        out_wrap(f, lead, at, r->tail, out_col(C_RESET));
    }
}

/* r with its states moved into its tail ("c SYN_SENT, s SYN_RECV  "hello""), for a batch too
 * wide for the state columns. */
static void states_in_tail(wiredraw_row *r)
{
    char t[sizeof r->tail];
    size_t at = 0;
    const char *ends[2][2] = {{r->lname[0] ? r->lname : r->lbrief, r->lstate}, {r->rname[0] ? r->rname : r->rbrief, r->rstate}};
    for (int k = 0; k < 2; k++)
        if (ends[k][1][0] && at < sizeof t)
            at += (size_t)snprintf(t + at, sizeof t - at, "%s%s %s", at ? ", " : "[", ends[k][0], ends[k][1]);
    if (!at) return;
    snprintf(t + at, sizeof t - at, "]%s%s", r->tail[0] ? "  " : "", r->tail);
    memcpy(r->tail, t, sizeof t);
    r->lstate[0] = r->rstate[0] = 0;
}

void wiredraw_print(FILE *f, const wiredraw_row *rows, size_t n)
{
    int cols = out_cols(), brief = 0, moved = 0;
    widths w = measure(rows, n, 0);
    while (span(&w) > cols && brief < 2)         /* shorter ends: "c :41428", then "c" */
        w = measure(rows, n, ++brief);
    if (span(&w) > cols && (w.lstate || w.rstate)) {
        /* No room for the state columns: each row names its states after the right end. */
        moved = 1;
        w.lstate = w.rstate = 0;
    }
    for (size_t i = 0; i < n; i++) {
        wiredraw_row r = rows[i];
        if (moved) states_in_tail(&r);
        if (!r.flat && span(&w) > cols) {
            /* Narrower than one drawn row: the dense line. */
            snprintf(r.plain, sizeof r.plain, "%s %s %s  %s%s%s", r.lbrief, r.rightward ? "→" : "←", r.rbrief,
                     r.label, r.tail[0] ? "  " : "", r.tail);
            r.flat = 1;
        }
        row(f, &r, &w, brief);
    }
}
