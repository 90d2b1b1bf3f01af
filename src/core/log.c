/* log.c — the session log: a listener that keeps a copy of each ended call (the bytes it
 * sent or received and its poll list copied too, no pointer into the session left), in a
 * ring that grows to LOG_KEEP_CALLS. Past the limits the oldest calls make room and the
 * session is marked too long for a program; `trace` still shows the latest. */
#include "core/log.h"
#include <stdlib.h>
#include <string.h>

static sp_call *ring;
static size_t cap, first, count, bytes, rbytes;   /* bytes sent, received, kept */
static unsigned long total;
static int too_long, keeping = 1;

static void listener(call_event ev, const sp_call *c);

void log_init(void) { call_listen(listener, 0); }

int log_keep(int on)
{
    int was = keeping;
    keeping = !!on;
    call_listener_on(listener, keeping);
    return was;
}

size_t log_count(void) { return count; }
const sp_call *log_at(size_t i) { return i < count ? &ring[(first + i) % cap] : NULL; }
unsigned long log_total(void) { return total; }
const sp_call *log_call(unsigned long k) { return k < total && k >= total - count ? log_at((size_t)(k - (total - count))) : NULL; }
int log_too_long(void) { return too_long; }

/* The bytes a call carried: a send's, or what a recv brought (a cut datagram: what fit). */
static size_t carried(const sp_call *c)
{
    unsigned f = call_kinds[c->kind].flags;
    if (f & CALLK_SENDS) return c->len;
    if ((f & CALLK_RECVS) && c->rc > 0) return (size_t)c->rc < c->len ? (size_t)c->rc : c->len;
    return 0;
}

/* Frees what a kept call owns. */
static void drop(sp_call *e)
{
    if (e->buf) {
        if (call_kinds[e->kind].flags & CALLK_SENDS) bytes -= carried(e);
        else rbytes -= carried(e);
    }
    free(e->buf);
    free(e->polls);
}

static void drop_oldest(void)
{
    drop(&ring[first]);
    first = (first + 1) % cap;
    count--;
}

/* Room for one more call: the ring doubles (its calls moved to the front) up to the limit. */
static int room(void)
{
    sp_call *n;
    size_t nc;
    if (count < cap) return 0;
    if (cap >= LOG_KEEP_CALLS) {
        too_long = 1;
        drop_oldest();
        return 0;
    }
    nc = cap ? cap * 2 : 64;
    if (nc > LOG_KEEP_CALLS) nc = LOG_KEEP_CALLS;
    if (!(n = malloc(nc * sizeof *n))) return -1;
    for (size_t i = 0; i < count; i++) n[i] = ring[(first + i) % cap];
    free(ring);
    ring = n;
    cap = nc;
    first = 0;
    return 0;
}

static void keep(const sp_call *c)
{
    sp_call *e;
    size_t len = c->buf ? carried(c) : 0;
    int sends = (call_kinds[c->kind].flags & CALLK_SENDS) != 0;
    /* What came is kept for an exercise's checks while it fits; past that a recv is kept
     * without its bytes (no program needs them). */
    if (!sends && rbytes + len > LOG_KEEP_BYTES) len = 0;
    /* The bytes a program must send again: past their limit the oldest calls make room. */
    while (sends && len && bytes + len > LOG_KEEP_BYTES && count > 0) {
        too_long = 1;
        drop_oldest();
    }
    if (room() < 0) return;
    e = &ring[(first + count) % cap];
    *e = *c;
    e->s = e->made = NULL;
    e->buf = NULL;
    e->polls = NULL;
    e->why = NULL;
    e->owns_buf = 1;
    if (c->npolls && (e->polls = malloc((size_t)c->npolls * sizeof *e->polls)))
        memcpy(e->polls, c->polls, (size_t)c->npolls * sizeof *e->polls);
    else e->npolls = 0;
    if (len && len <= LOG_KEEP_BYTES && (e->buf = malloc(len))) {
        memcpy(e->buf, c->buf, len);
        if (sends) bytes += len;
        else rbytes += len;
    } else if (len && sends) {
        too_long = 1;              /* no program without its bytes; `trace` still has the call */
    }
    count++;
    total++;
}

static void listener(call_event ev, const sp_call *c)
{
    if (ev == CALL_END) keep(c);
}

static log_src *srcs;
static size_t nsrcs, capsrcs;

void log_source(const char *text, unsigned long first_call, unsigned long end_call, int job, int raised)
{
    char *t;
    if (!keeping) return;
    if (nsrcs == capsrcs) {
        log_src *n = realloc(srcs, (capsrcs ? capsrcs * 2 : 16) * sizeof *n);
        if (!n) { too_long = 1; return; }      /* a program without one typed line would lie */
        srcs = n;
        capsrcs = capsrcs ? capsrcs * 2 : 16;
    }
    if (!(t = strdup(text))) { too_long = 1; return; }
    srcs[nsrcs++] = (log_src){t, first_call, end_call, job, raised};
}

size_t log_source_count(void) { return nsrcs; }
const log_src *log_source_at(size_t i) { return i < nsrcs ? &srcs[i] : NULL; }

void log_free(void)
{
    for (size_t i = 0; i < nsrcs; i++) free(srcs[i].text);
    free(srcs);
    srcs = NULL;
    nsrcs = capsrcs = 0;
    while (count) drop_oldest();
    free(ring);
    ring = NULL;
    cap = first = count = bytes = rbytes = 0;
    too_long = 0;
}
