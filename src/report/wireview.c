/* wireview.c — the wire in the session: `wire on` opens the capture (wire/wire.c) and
 * switches on a listener on the call record that keeps the capture's port set following
 * the session's sockets (their local ports, a connect's or sendto's destination from BEGIN,
 * each kept a while after close for the FIN/ACK exchange), prints the packets a call caused
 * under its result line (END, after report's lines) with the session's names at both ends,
 * prints the packets that arrive while the prompt waits (wireview_async, polled by the line
 * editor), and keeps the last WIREVIEW_RING packets for `wire N` and socket.packets(). */
#include "report/wireview.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include "core/blocking.h"
#include "core/registry.h"
#include "report/out.h"
#include "report/report.h"
#include "report/wiredraw.h"
#include "wire/wire.h"

#define KEEP_SECS 30.0      /* a port stays in the filter this long after its socket is gone */
#define MAX_ENDS 256        /* sockets (and destinations) remembered */
#define SHOW_DATA 8         /* data segments shown one by one per call; the rest are summed */
#define SETTLE_MS 4         /* after a call, how long to wait for one more packet (the kernel's replies) */
#define SETTLE_MAX_MS 60    /* and at most this long in all */

/* A session socket as the wire names it: its addresses when last seen; or (dest) only a
 * destination a connect or sendto was about to reach. */
typedef struct {
    char name[SP_NAME_MAX + 8];
    int type, listening, dest, has_local, has_peer;
    struct sockaddr_storage local, peer;
    double seen;
} wv_end;

static wv_end ends[MAX_ENDS];
static int nends;
static unsigned short applied[MAX_ENDS * 2];
static size_t napplied;
static packet *ring;
static unsigned long *ring_cause;   /* each kept packet's cause (a serial in causes[]) */
static size_t ring_at, ring_len;
static unsigned long ring_total;
/* What the packets being read came with: the call that began last ("connect(c, …)"), or ""
 * when they arrived while the prompt waited; `wire N` heads each group with it. */
#define CAUSES 256
static struct { unsigned long serial; char text[120]; } causes[CAUSES];
static unsigned long cause_now;
/* The packet that last changed each connection end's TCP state, for the table's note
 * ("ESTABLISHED ← SYN+ACK from s"): the end's addresses as the table writes them. */
#define STATE_WHY 64
static struct {
    char local[64], peer[64], flags[40], other[64];
    int state, sent;
} why[STATE_WHY];
static size_t why_next;

/* Per batch (one call's packets, or one burst above the prompt): its rows, how many it
 * printed and counted, and the summary's counts. */
#define BATCH_ROWS 48
static struct {
    wiredraw_row rows[BATCH_ROWS];
    size_t nrows, printed;
    int under_call;             /* the packets of the call being reported (else above the prompt) */
    int shown_data;
    unsigned long count, more, more_acks;
    unsigned long long more_bytes;
    double last;                /* the last packet, seconds after the call began */
    char way[200];
} batch;
/* When the last call began (the wall clock packets carry); when the wire was turned on. */
static struct timespec call_base, on_base;

static unsigned short port_of(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) return ntohs(((const struct sockaddr_in *)ss)->sin_port);
    if (ss->ss_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
    return 0;
}

/* Whether the address parts are equal (any: a wildcard a matches every address of b's family). */
static int same_addr(const struct sockaddr_storage *a, const struct sockaddr *b, int any)
{
    if (a->ss_family != b->sa_family) return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return (any && x->sin_addr.s_addr == htonl(INADDR_ANY)) || x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
    return (any && IN6_IS_ADDR_UNSPECIFIED(&x->sin6_addr)) || !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr);
}

static int same_end(const struct sockaddr_storage *a, const struct sockaddr *b, int any)
{
    return same_addr(a, b, any) && port_of(a) == port_of((const struct sockaddr_storage *)(const void *)b);
}

/* The remembered end for this socket's addresses (a new one if none); NULL when full. */
static wv_end *end_for(const char *name, int type, const struct sockaddr_storage *local, int has_peer,
                       const struct sockaddr_storage *peer)
{
    for (int i = 0; i < nends; i++) {
        wv_end *e = &ends[i];
        if (!e->dest && e->type == type && !strcmp(e->name, name) && same_end(&e->local, (const void *)local, 0) &&
            e->has_peer == has_peer && (!has_peer || same_end(&e->peer, (const void *)peer, 0)))
            return e;
    }
    if (nends == MAX_ENDS) return NULL;
    memset(&ends[nends], 0, sizeof ends[0]);
    return &ends[nends++];
}

/* Looks at every session socket now: its addresses are remembered; ends gone for
 * KEEP_SECS are forgotten. */
static void refresh(void)
{
    double now = blocking_now();
    int k = 0;
    for (size_t i = 0; i < registry_count(); i++) {
        const sp_sock *s = registry_at(i);
        struct sockaddr_storage local, peer;
        socklen_t ll = sizeof local, pl = sizeof peer;
        wv_end *e;
        int has_peer;
        if (s->family != AF_INET && s->family != AF_INET6) continue;
        if (getsockname(s->fd, (struct sockaddr *)&local, &ll) < 0 || !port_of(&local)) continue;
        has_peer = getpeername(s->fd, (struct sockaddr *)&peer, &pl) == 0;
        if (!(e = end_for(registry_label(s), s->type, &local, has_peer, &peer))) continue;
        snprintf(e->name, sizeof e->name, "%s", registry_label(s));
        e->type = s->type;
        e->listening = s->backlog >= 0 && s->type == SOCK_STREAM;
        e->has_local = 1;
        e->local = local;
        e->has_peer = has_peer;
        if (has_peer) e->peer = peer;
        e->seen = now;
    }
    for (int i = 0; i < nends; i++)
        if (now - ends[i].seen <= KEEP_SECS) ends[k++] = ends[i];
    nends = k;
}

static int cmp_port(const void *a, const void *b)
{
    return (int)*(const unsigned short *)a - (int)*(const unsigned short *)b;
}

/* Sets the capture's filter to the remembered ends' ports when they changed. */
static void apply_ports(void)
{
    unsigned short p[MAX_ENDS * 2];
    size_t n = 0, k = 0;
    char err[300];
    for (int i = 0; i < nends; i++) {
        if (ends[i].has_local && port_of(&ends[i].local)) p[n++] = port_of(&ends[i].local);
        if (ends[i].has_peer && port_of(&ends[i].peer)) p[n++] = port_of(&ends[i].peer);
    }
    qsort(p, n, sizeof p[0], cmp_port);
    for (size_t i = 0; i < n; i++)
        if (!k || p[k - 1] != p[i]) p[k++] = p[i];
    if (k == napplied && !memcmp(p, applied, k * sizeof p[0])) return;
    if (wire_ports(p, k, err, sizeof err) < 0) {
        out_wrap(stdout, "   ", 3, err, "");
        return;
    }
    memcpy(applied, p, k * sizeof p[0]);
    napplied = k;
}

/* A destination a call is about to reach: its port joins the filter before the call. */
static void add_dest(const struct sockaddr_storage *to)
{
    wv_end *e;
    if ((to->ss_family != AF_INET && to->ss_family != AF_INET6) || !port_of(to)) return;
    for (int i = 0; i < nends; i++)
        if (ends[i].dest && same_end(&ends[i].peer, (const void *)to, 0)) {
            ends[i].seen = blocking_now();
            return;
        }
    if (nends == MAX_ENDS) return;
    e = &ends[nends++];
    memset(e, 0, sizeof *e);
    e->dest = e->has_peer = 1;
    e->peer = *to;
    e->seen = blocking_now();
}

const char *wireview_name(const struct sockaddr *end, int proto, void *ud)
{
    const packet *p = ud;
    const struct sockaddr_storage *other = NULL;
    int type = proto == IPPROTO_TCP ? SOCK_STREAM : proto == IPPROTO_UDP ? SOCK_DGRAM : 0;
    const wv_end *best = NULL;
    int best_rank = 0;
    if (p) {
        if (end == (const struct sockaddr *)&p->src) other = &p->dst;
        else if (end == (const struct sockaddr *)&p->dst) other = &p->src;
        else if (end == (const struct sockaddr *)&p->qsrc) other = &p->qdst;
        else if (end == (const struct sockaddr *)&p->qdst) other = &p->qsrc;
    }
    /* Rank: the connected socket of this very pair 3, a listener on the port 2, a socket bound there 1. */
    for (int i = 0; i < nends; i++) {
        const wv_end *e = &ends[i];
        int rank = 0;
        if (e->dest || !e->has_local || (type && e->type != type) || !same_end(&e->local, end, 1)) continue;
        if (e->has_peer) rank = other && same_end(&e->peer, (const struct sockaddr *)other, 0) ? 3 : 0;
        else rank = e->listening ? 2 : 1;
        if (rank > best_rank || (rank == best_rank && rank && e->seen > best->seen)) best = e, best_rank = rank;
    }
    return best ? best->name : NULL;
}

/* From now on the packets read came with text (a call; "" while the prompt waits). */
static void cause_begin(const char *text)
{
    cause_now++;
    causes[cause_now % CAUSES].serial = cause_now;
    snprintf(causes[cause_now % CAUSES].text, sizeof causes[0].text, "%s", text);
}

/* The text of a cause, NULL when it is too old to be remembered. */
static const char *cause_text(unsigned long serial)
{
    return causes[serial % CAUSES].serial == serial ? causes[serial % CAUSES].text : NULL;
}

/* Remembers that p moved the end at local (talking to peer) into state. */
static void why_set(const packet *p, const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
                    int state, int sent)
{
    char l[64], r[64];
    size_t i;
    const char *other = wireview_name((const struct sockaddr *)peer, p->proto, (void *)p);
    packet_end(local, 1, l, sizeof l);
    packet_end(peer, 1, r, sizeof r);
    for (i = 0; i < STATE_WHY; i++)
        if (!strcmp(why[i].local, l) && !strcmp(why[i].peer, r)) break;
    if (i == STATE_WHY) i = why_next++ % STATE_WHY;
    snprintf(why[i].local, sizeof why[i].local, "%s", l);
    snprintf(why[i].peer, sizeof why[i].peer, "%s", r);
    packet_flags(p->flags, why[i].flags, sizeof why[i].flags);
    if (other) snprintf(why[i].other, sizeof why[i].other, "%s", other);
    else snprintf(why[i].other, sizeof why[i].other, "%s", r);
    why[i].state = state;
    why[i].sent = sent;
}

int wireview_state_note(const char *local, const char *peer, const char *state, char *buf, size_t n)
{
    if (!wire_is_open()) return 0;
    for (size_t i = 0; i < STATE_WHY; i++) {
        if (!why[i].local[0] || strcmp(why[i].local, local) || strcmp(why[i].peer, peer) ||
            strcmp(packet_state_name(why[i].state), state))
            continue;
        const char *flags = why[i].flags, *other = why[i].other;
        if (out_lang == LANG_ZH)
            snprintf(buf, n, why[i].sent ? "%s ← 向 %s 发出 %s" : "%s ← 收到 %s 的 %s", state, other, flags);
        else snprintf(buf, n, why[i].sent ? "%s ← %s sent to %s" : "%s ← %s from %s", state, flags, other);
        return 1;
    }
    return 0;
}

/* Keeps p in the ring. */
static void keep(const packet *p)
{
    if (p->proto == IPPROTO_TCP && (p->have & PACKET_HAVE_FLOW)) {
        if (p->sstate) why_set(p, &p->src, &p->dst, p->sstate, 1);
        if (p->rstate) why_set(p, &p->dst, &p->src, p->rstate, 0);
    }
    if (!ring && !(ring = malloc(WIREVIEW_RING * sizeof *ring))) return;
    if (!ring_cause && !(ring_cause = malloc(WIREVIEW_RING * sizeof *ring_cause))) return;
    ring_cause[(ring_at + ring_len) % WIREVIEW_RING] = cause_now;
    ring[(ring_at + ring_len) % WIREVIEW_RING] = *p;
    if (ring_len < WIREVIEW_RING) ring_len++;
    else ring_at = (ring_at + 1) % WIREVIEW_RING;
    ring_total++;
}

/* Seconds from the wall-clock time base to p's capture. */
static double since(const packet *p, const struct timespec *base)
{
    return (double)(p->ts.tv_sec - base->tv_sec) + (p->ts.tv_nsec - base->tv_nsec) / 1e9;
}

/* The rows waiting to be printed together (lined up), flushed when full. */
static void flush(void)
{
    if (!batch.nrows) return;
    if (batch.under_call && !batch.printed) report_aside();
    wiredraw_print(stdout, batch.rows, batch.nrows);
    batch.printed += batch.nrows;
    batch.nrows = 0;
}

static void add_row(const packet *p)
{
    if (batch.nrows == BATCH_ROWS) flush();
    wiredraw_row_make(p, since(p, &call_base), wireview_name, (void *)p, &batch.rows[batch.nrows++]);
}

/* An end of p as the summary names it: the session's name, else its address. */
static void end_name(const struct sockaddr_storage *end, const packet *p, char *buf, size_t n)
{
    const char *name = wireview_name((const struct sockaddr *)end, p->proto, (void *)p);
    if (name) snprintf(buf, n, "%s", name);
    else packet_end(end, 1, buf, n);
}

/* Prints p, or counts it in the batch's summary once SHOW_DATA data segments were shown. */
static void show(const packet *p)
{
    int tcp = p->proto == IPPROTO_TCP && (p->have & PACKET_HAVE_TCP);
    int data = (tcp || p->proto == IPPROTO_UDP) && p->len > 0;
    int plain_ack = tcp && p->len == 0 && (p->flags & ~(unsigned)(PACKET_ACK | PACKET_PSH)) == 0;
    batch.count++;
    batch.last = since(p, &call_base);
    if (batch.shown_data >= SHOW_DATA && (data || plain_ack)) {
        if (data) {
            char way[sizeof batch.way], from[64], to[64];
            end_name(&p->src, p, from, sizeof from);
            end_name(&p->dst, p, to, sizeof to);
            snprintf(way, sizeof way, "%s → %s", from, to);
            if (!batch.more) snprintf(batch.way, sizeof batch.way, "%s", way);
            else if (strcmp(batch.way, way)) snprintf(batch.way, sizeof batch.way, "%s", TR("both ways", "双向"));
            batch.more++, batch.more_bytes += p->len;
        } else batch.more_acks++;
        return;
    }
    if (data) batch.shown_data++;
    add_row(p);
}

/* A byte count as "812 bytes", "41.0 kB", "1.1 MB", "1.07 GB". */
static void bytes_text(unsigned long long b, char *buf, size_t n)
{
    if (b < 10000) snprintf(buf, n, "%llu %s", b, TR("bytes", "字节"));
    else if (b < 1000000ULL) snprintf(buf, n, "%.1f kB", b / 1e3);
    else if (b < 1000000000ULL) snprintf(buf, n, "%.1f MB", b / 1e6);
    else snprintf(buf, n, "%.2f GB", b / 1e9);
}

/* Seconds as "0.11 ms", "41.2 ms", "1.234 s". */
static void secs_text(double t, char *buf, size_t n)
{
    if (t < 0) t = 0;
    if (t < 0.1) snprintf(buf, n, "%.2f ms", t * 1e3);
    else if (t < 1) snprintf(buf, n, "%.1f ms", t * 1e3);
    else snprintf(buf, n, "%.3f s", t);
}

/* The batch's rows, its summary line when it hid segments; under a call, the result line's
 * note "(3 packets, 0.11 ms)". Then a new batch. */
static void batch_end(void)
{
    flush();
    if (batch.more || batch.more_acks) {
        char line[300], size[32];
        bytes_text(batch.more_bytes, size, sizeof size);
        snprintf(line, sizeof line, TR("… %lu more segments, %s, %s (and %lu ACKs)", "… 另有 %lu 个数据段，%s，%s（以及 %lu 个 ACK）"),
                 batch.more, size, batch.way, batch.more_acks);
        if (batch.under_call && !batch.printed++) report_aside();
        printf("%s", out_col(C_DIM));
        out_wrap(stdout, "  ", 4, line, out_col(C_RESET));
    }
    if (batch.under_call && batch.count) {
        char note[120], t[32];
        secs_text(batch.last, t, sizeof t);
        if (batch.count == 1) snprintf(note, sizeof note, TR("(1 packet, %s)", "（1 个数据包，%s）"), t);
        else snprintf(note, sizeof note, TR("(%lu packets, %s)", "（%lu 个数据包，%s）"), batch.count, t);
        report_note(note);
    }
    memset(&batch, 0, sizeof batch);
}

/* Reads every packet waiting (print: and shows it); settle: waits a few ms for more first
 * (a connect's ACK, a close's FIN/ACK), bounded. */
static void drain(int print, int settle)
{
    packet p;
    char err[300];
    double until = blocking_now() + SETTLE_MAX_MS / 1000.0;
    for (;;) {
        int rc;
        while ((rc = wire_next(&p, err, sizeof err)) == 1) {
            keep(&p);
            if (print) show(&p);
        }
        if (rc < 0) {
            flush();
            out_wrap(stdout, "   ", 3, err, "");
            break;
        }
        if (!settle || blocking_now() >= until) break;
        struct pollfd pf = {wire_fd(), POLLIN, 0};
        if (poll(&pf, 1, SETTLE_MS) <= 0) break;
    }
    if (print) batch_end();
}

static int printing(void)
{
    return report_set(REPORT_TRACE, -1);
}

static void listener(call_event ev, const sp_call *c)
{
    if (!wire_is_open()) return;
    if (ev == CALL_BEGIN) {
        refresh();
        if (c->kind == CALL_CONNECT || c->kind == CALL_SENDTO) add_dest(&c->addr.ss);
        apply_ports();
        drain(printing(), 0);                         /* what came before: above the call, the wait's */
        char text[sizeof causes[0].text];
        report_call_text(c, 0, text, sizeof text);
        cause_begin(text);
        clock_gettime(CLOCK_REALTIME, &call_base);   /* the call begins now: the filter is set */
    } else if (ev == CALL_END) {
        int print = printing();
        refresh();
        apply_ports();
        /* The settle only serves the lines printed under the call: with the trace off
         * (socket.trace(false), loops of thousands of calls) the packets still go into the
         * ring, without a wait of SETTLE_MS after every call. */
        batch.under_call = print && !c->job;
        drain(print, print);
        cause_begin("");
        fflush(stdout);
    }
}

void wireview_init(void)
{
    call_listen(listener, 1);     /* before the report: a call's packets come before its result line */
    call_listener_on(listener, 0);
}

int wireview_set(int on, char *err, size_t n)
{
    if (!on) {
        if (wire_is_open()) drain(printing(), 0);
        wire_close();
        call_listener_on(listener, 0);
        nends = 0;
        napplied = 0;
        return 0;
    }
    if (wire_is_open()) return 0;
    if (wire_open(NULL, err, n) < 0) return -1;
    ring_at = ring_len = 0;
    ring_total = 0;
    nends = 0;
    napplied = 0;
    clock_gettime(CLOCK_REALTIME, &on_base);
    call_base = on_base;
    cause_begin("");
    refresh();
    apply_ports();
    call_listener_on(listener, 1);
    return 0;
}

int wireview_fd(void)
{
    return wire_fd();
}

void wireview_async(void)
{
    if (!wire_is_open()) return;
    drain(1, 0);
    fflush(stdout);
}

void wireview_collect(void)
{
    if (wire_is_open()) drain(printing(), 0);
}

size_t wireview_count(void)
{
    return ring_len;
}

unsigned long wireview_total(void)
{
    return ring_total;
}

const packet *wireview_at(size_t i)
{
    return i < ring_len ? &ring[(ring_at + i) % WIREVIEW_RING] : NULL;
}

void wireview_list(size_t n)
{
    wiredraw_row *rows;
    if (n > ring_len) n = ring_len;
    if (!n || !(rows = malloc(n * sizeof *rows))) return;
    for (size_t i = ring_len - n; i < ring_len;) {
        /* One group: the packets that came with one call, or while the prompt waited. */
        unsigned long serial = ring_cause[(ring_at + i) % WIREVIEW_RING];
        const char *head = cause_text(serial);
        size_t k = 0;
        for (; i < ring_len && ring_cause[(ring_at + i) % WIREVIEW_RING] == serial; i++) {
            const packet *p = wireview_at(i);
            wiredraw_row_make(p, since(p, &on_base), wireview_name, (void *)p, &rows[k++]);
        }
        printf("%s%s%s\n", out_col(C_DIM),
               !head ? TR("(earlier)", "（更早）") : *head ? head : TR("(while the prompt waited)", "（等待输入时）"),
               out_col(C_RESET));
        wiredraw_print(stdout, rows, k);
    }
    free(rows);
}

void wireview_shutdown(void)
{
    wire_close();
    free(ring);
    free(ring_cause);
    ring = NULL;
    ring_cause = NULL;
    ring_at = ring_len = 0;
}
