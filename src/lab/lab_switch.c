/* lab_switch.c — the switch thread: one poll over every port's capture and an eventfd
 * (how the main thread wakes it), timed by the next delayed frame; each ready port's frames
 * come through pcap_dispatch. A frame's source MAC is learned for its LAN; the rules decide
 * whether it goes on now, waits (hold, delay, reorder) or is dropped (drop next, loss); a
 * frame that goes on leaves (pcap_inject) on the port its destination was learned on, or on
 * every other port of its LAN when it is a broadcast, a multicast or not learned yet.
 * Captures see only frames coming in (PCAP_D_IN): what the switch sends is never read back.
 * The rules, the held frames and the tap's ring are shared with the main thread under one
 * lock; only this thread ever sends. */
#include "lab/lab_switch.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "lab/lab_net.h"
#include "report/out.h"
#include "wire/wire.h"
#include "wire/wire_pcap.h"

#define MACS 256              /* learned addresses, all LANs together */
#define HELD_MAX 4096         /* frames held or delayed at most; more are dropped (and counted) */
#define TAP_RING 2048         /* tap events waiting for the main thread */
#define REORDER_WAIT_MS 200   /* a frame kept back for reordering goes on alone after this */

/* A frame the switch keeps: held, delayed or kept back for reordering. */
typedef struct frame {
    struct frame *next;
    size_t in;                /* the port it came in on */
    unsigned long id;
    struct timespec due;      /* delayed / reordered: when it goes on */
    size_t len;
    unsigned char data[];
} frame;

static struct {
    pcap_t *cap[LAB_PORTS];
    const lab_port *port;
    size_t nports;
    int wake;                 /* eventfd: the main thread changed something (stop, release) */
    pthread_t thread;
    int running, stopping;
    struct { unsigned char mac[6]; int lan, port; } fdb[MACS];
    int nfdb;
    unsigned rng;
    pthread_mutex_t lock;     /* guards everything below */
    lab_switch_stats stats;
    int hold, loss, delay_ms, dup, reorder, drop_on, release;
    lab_filter drop;
    frame *held, **held_end;  /* FIFO */
    int nheld;
    frame *late;              /* delayed frames, by due time */
    frame *back;              /* the frame kept back for reordering */
    int tap, tapfd;
    wire_tap_event *ring;
    size_t ring_at, ring_len;
    unsigned long ids;
} sw = {.wake = -1, .tapfd = -1, .lock = PTHREAD_MUTEX_INITIALIZER, .rng = 2463534242u};

static void wake(void);

/* --- learning and sending (the thread) ----------------------------------------------- */

/* The port mac was learned on in lan, or -1. */
static int fdb_find(const unsigned char *mac, int lan)
{
    for (int i = 0; i < sw.nfdb; i++)
        if (sw.fdb[i].lan == lan && !memcmp(sw.fdb[i].mac, mac, 6)) return sw.fdb[i].port;
    return -1;
}

/* Remembers that mac is behind port (in lan); the oldest entry goes when the table is full. */
static void fdb_learn(const unsigned char *mac, int lan, int port)
{
    int i;
    if (mac[0] & 1) return;                       /* a group address is never a source */
    for (i = 0; i < sw.nfdb; i++)
        if (sw.fdb[i].lan == lan && !memcmp(sw.fdb[i].mac, mac, 6)) break;
    if (i == sw.nfdb) {
        if (sw.nfdb == MACS) memmove(sw.fdb, sw.fdb + 1, --sw.nfdb * sizeof sw.fdb[0]);
        i = sw.nfdb++;
        memcpy(sw.fdb[i].mac, mac, 6);
        sw.fdb[i].lan = lan;
    }
    sw.fdb[i].port = port;
}

/* Hands the tap one event (the lock held). */
static void tap_event(int action, size_t in, unsigned long id, const unsigned char *f, size_t len)
{
    wire_tap_event *e;
    uint64_t one = 1;
    if (!sw.tap || !sw.ring) return;
    if (sw.ring_len == TAP_RING) {
        sw.stats.untapped++;
        return;
    }
    e = &sw.ring[(sw.ring_at + sw.ring_len++) % TAP_RING];
    clock_gettime(CLOCK_REALTIME, &e->ts);
    e->action = action;
    e->lan = sw.port[in].lan;
    e->id = id;
    e->delay_ms = sw.delay_ms;
    e->len = len;
    e->caplen = len < WIRE_TAP_SNAP ? len : WIRE_TAP_SNAP;
    memcpy(e->data, f, e->caplen);
    if (write(sw.tapfd, &one, sizeof one) < 0) { /* the counter is full: the main thread is reading */ }
}

/* Sends a frame that came in on port in towards its destination (the lock held). */
static void forward(size_t in, const unsigned char *f, size_t len)
{
    int lan = sw.port[in].lan, out = (f[0] & 1) ? -1 : fdb_find(f, lan);
    if (out == (int)in) return;                   /* it is already where it goes */
    if (out >= 0) {
        if (pcap_inject(sw.cap[out], f, len) < 0) sw.stats.errors++;
        sw.stats.forwarded++;
        return;
    }
    for (size_t p = 0; p < sw.nports; p++)
        if (p != in && sw.port[p].lan == lan && pcap_inject(sw.cap[p], f, len) < 0) sw.stats.errors++;
    sw.stats.flooded++;
}

/* A copy of the frame to keep, or NULL (then it is dropped, and counted). */
static frame *keep(size_t in, unsigned long id, const unsigned char *f, size_t len)
{
    frame *k;
    if (sw.nheld >= HELD_MAX || !(k = malloc(sizeof *k + len))) {
        sw.stats.dropped++;
        return NULL;
    }
    k->next = NULL;
    k->in = in;
    k->id = id;
    k->len = len;
    memcpy(k->data, f, len);
    sw.nheld++;
    return k;
}

static void ms_from_now(struct timespec *t, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_sec += ms / 1000;
    t->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) { t->tv_sec++; t->tv_nsec -= 1000000000L; }
}

static int before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* xorshift32: the loss rule's dice. */
static unsigned dice(void)
{
    sw.rng ^= sw.rng << 13;
    sw.rng ^= sw.rng >> 17;
    sw.rng ^= sw.rng << 5;
    return sw.rng;
}

/* Sends a frame on now (the lock held): a kept-back frame goes after it; dup sends it twice. */
static void pass(size_t in, unsigned long id, const unsigned char *f, size_t len, int action)
{
    tap_event(action, in, id, f, len);
    forward(in, f, len);
    if (sw.dup) {
        tap_event(PACKET_SW_DUPLICATED, in, id, f, len);
        forward(in, f, len);
        sw.stats.duplicated++;
    }
    if (sw.back && sw.port[sw.back->in].lan == sw.port[in].lan) {
        frame *b = sw.back;
        sw.back = NULL;
        sw.nheld--;
        tap_event(PACKET_SW_RELEASED, b->in, b->id, b->data, b->len);
        forward(b->in, b->data, b->len);
        free(b);
    }
}

/* One frame that came in on port `in` (user: the port's index). */
static void on_frame(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *f)
{
    size_t in = (size_t)(uintptr_t)user, len = h->caplen;
    const lab_topo *t = lab_net_topo();
    unsigned long id;
    frame *k;
    pthread_mutex_lock(&sw.lock);
    sw.stats.frames++;
    id = ++sw.ids;
    if (len < 14 || h->caplen != h->len) {        /* a runt, or cut by the capture */
        sw.stats.dropped++;
        goto out;
    }
    fdb_learn(f + 6, sw.port[in].lan, (int)in);
    if (sw.drop_on && lab_filter_match(t, &sw.drop, f, len)) {
        sw.drop_on = 0;
        sw.stats.dropped++;
        tap_event(PACKET_SW_DROPPED, in, id, f, len);
    } else if (sw.loss && dice() % 100 < (unsigned)sw.loss) {
        sw.stats.dropped++;
        tap_event(PACKET_SW_LOST, in, id, f, len);
    } else if (sw.hold) {
        if ((k = keep(in, id, f, len))) {
            *sw.held_end = k;
            sw.held_end = &k->next;
            sw.stats.held++;
            tap_event(PACKET_SW_HELD, in, id, f, len);
        }
    } else if (sw.delay_ms) {
        if ((k = keep(in, id, f, len))) {
            frame **at = &sw.late;
            ms_from_now(&k->due, sw.delay_ms);
            while (*at && !before(&k->due, &(*at)->due)) at = &(*at)->next;
            k->next = *at;
            *at = k;
            sw.stats.delayed++;
            tap_event(PACKET_SW_DELAYED, in, id, f, len);
        }
    } else if (sw.reorder && !sw.back) {
        if ((k = keep(in, id, f, len))) {
            ms_from_now(&k->due, REORDER_WAIT_MS);
            sw.back = k;
            tap_event(PACKET_SW_REORDERED, in, id, f, len);
        }
    } else {
        pass(in, id, f, len, PACKET_SW_PASSED);
    }
out:
    pthread_mutex_unlock(&sw.lock);
}

/* Sends on what is due (the lock held): released held frames, delayed frames whose time
 * came, a kept-back frame that waited long enough. Returns the poll timeout in ms until the
 * next one is due (-1: none). */
static int send_due(void)
{
    struct timespec now;
    frame *k;
    while (sw.release != 0 && (k = sw.held)) {
        if (!(sw.held = k->next)) sw.held_end = &sw.held;
        sw.nheld--;
        if (sw.release > 0) sw.release--;
        pass(k->in, k->id, k->data, k->len, PACKET_SW_RELEASED);
        free(k);
    }
    if (!sw.held) sw.release = 0;
    clock_gettime(CLOCK_MONOTONIC, &now);
    while ((k = sw.late) && !before(&now, &k->due)) {
        sw.late = k->next;
        sw.nheld--;
        tap_event(PACKET_SW_SENT_LATE, k->in, k->id, k->data, k->len);
        forward(k->in, k->data, k->len);
        free(k);
    }
    if ((k = sw.back) && !before(&now, &k->due)) {
        sw.back = NULL;
        sw.nheld--;
        tap_event(PACKET_SW_RELEASED, k->in, k->id, k->data, k->len);
        forward(k->in, k->data, k->len);
        free(k);
    }
    k = sw.late && (!sw.back || before(&sw.late->due, &sw.back->due)) ? sw.late : sw.back;
    if (!k) return -1;
    long ms = (k->due.tv_sec - now.tv_sec) * 1000 + (k->due.tv_nsec - now.tv_nsec) / 1000000 + 1;
    return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

static void *switch_main(void *arg)
{
    struct pollfd pf[LAB_PORTS + 1];
    int timeout = -1;
    (void)arg;
    for (size_t p = 0; p < sw.nports; p++) pf[p] = (struct pollfd){pcap_get_selectable_fd(sw.cap[p]), POLLIN, 0};
    pf[sw.nports] = (struct pollfd){sw.wake, POLLIN, 0};
    for (;;) {
        if (poll(pf, sw.nports + 1, timeout) < 0 && errno != EINTR) break;
        if (pf[sw.nports].revents) {
            uint64_t v;
            if (read(sw.wake, &v, sizeof v) < 0) { /* nothing waited: a spurious wake */ }
            if (sw.stopping) break;
        }
        for (size_t p = 0; p < sw.nports; p++)
            if (pf[p].revents & POLLIN) pcap_dispatch(sw.cap[p], -1, on_frame, (unsigned char *)(uintptr_t)p);
        pthread_mutex_lock(&sw.lock);
        timeout = send_due();
        pthread_mutex_unlock(&sw.lock);
    }
    return NULL;
}

/* --- starting and stopping (the main thread) ----------------------------------------- */

/* Opens the capture on port p. 0, or -1 with err. */
static int open_port(size_t p, char *err, size_t n)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    const char *name = sw.port[p].name;
    pcap_t *c = pcap_create(name, ebuf);
    if (!c) {
        snprintf(err, n, TR("the switch cannot open port %s: %s", "交换机打不开端口 %s：%s"), name, ebuf);
        return -1;
    }
    pcap_set_snaplen(c, 65535);
    pcap_set_promisc(c, 1);                       /* a switch takes every frame, whoever it is for */
    pcap_set_immediate_mode(c, 1);                /* each frame at once: a held-back frame is a delay */
    if (pcap_activate(c) < 0 || pcap_setdirection(c, PCAP_D_IN) < 0 || pcap_setnonblock(c, 1, ebuf) < 0) {
        snprintf(err, n, TR("the switch cannot open port %s: %s", "交换机打不开端口 %s：%s"), name, ebuf[0] ? ebuf : pcap_geterr(c));
        pcap_close(c);
        return -1;
    }
    sw.cap[p] = c;
    return 0;
}

/* Pins thread t to cpu (best effort: a refusal only costs speed). */
static void pin(pthread_t t, int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(t, sizeof set, &set);
}

/* Starts the switch thread (every signal blocked in it: Ctrl-C must reach the main
 * thread's call), pinned with the main thread to one CPU. 0, or -1 with err. */
static int start_thread(char *err, size_t n)
{
    sigset_t all, was;
    int cpu;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &was);
    errno = pthread_create(&sw.thread, NULL, switch_main, NULL);
    pthread_sigmask(SIG_SETMASK, &was, NULL);
    if (errno) {
        snprintf(err, n, "pthread_create: %s", strerror(errno));
        return -1;
    }
    sw.running = 1;
    if ((cpu = sched_getcpu()) >= 0) {
        pin(pthread_self(), cpu);
        pin(sw.thread, cpu);
    }
    return 0;
}

/* Opens the captures of ports from … sw.nports-1, their fds above the learner's sockets'. */
static int open_ports(size_t from, char *err, size_t n)
{
    int held[WIRE_FDS_ABOVE], k, rc = 0;
    k = wire_fds_hold(held);
    for (size_t p = from; rc == 0 && p < sw.nports; p++) rc = open_port(p, err, n);
    if (rc == 0 && sw.wake < 0 && ((sw.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
                                   (sw.tapfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)) {
        snprintf(err, n, "eventfd: %s", strerror(errno));
        rc = -1;
    }
    wire_fds_free(held, k);
    return rc;
}

int lab_switch_start(char *err, size_t n)
{
    static const wire_tap_ops ops = {lab_switch_tap, lab_switch_tap_fd, lab_switch_take};
    if (sw.running) return 0;
    if (wire_pcap_load(err, n) < 0) return -1;
    sw.port = lab_net_ports(&sw.nports);
    sw.held_end = &sw.held;
    if (open_ports(0, err, n) < 0 || start_thread(err, n) < 0) {
        lab_switch_stop();
        return -1;
    }
    wire_tap_register(&ops);                      /* `wire on` shows every frame the switch handles */
    return 0;
}

int lab_switch_add_ports(char *err, size_t n)
{
    size_t had = sw.nports;
    if (!sw.running) return 0;
    sw.stopping = 1;                              /* the thread's poll set is fixed: it starts again */
    wake();
    pthread_join(sw.thread, NULL);
    sw.stopping = sw.running = 0;
    sw.port = lab_net_ports(&sw.nports);
    if (open_ports(had, err, n) < 0) sw.nports = had;   /* the new host stays off the switch */
    if (start_thread(err, n) < 0) return -1;
    return sw.nports > had ? 0 : -1;
}

/* Wakes the thread: it looks at what changed. */
static void wake(void)
{
    uint64_t one = 1;
    if (sw.wake >= 0 && write(sw.wake, &one, sizeof one) < 0) { /* the counter is full: it is awake */ }
}

static void free_list(frame *k)
{
    while (k) {
        frame *next = k->next;
        free(k);
        k = next;
    }
}

void lab_switch_stop(void)
{
    if (sw.running) {
        sw.stopping = 1;
        wake();
        pthread_join(sw.thread, NULL);
        sw.running = 0;
    }
    for (size_t p = 0; p < LAB_PORTS; p++)
        if (sw.cap[p]) {
            pcap_close(sw.cap[p]);
            sw.cap[p] = NULL;
        }
    if (sw.wake >= 0) close(sw.wake);
    if (sw.tapfd >= 0) close(sw.tapfd);
    sw.wake = sw.tapfd = -1;
    free_list(sw.held);
    free_list(sw.late);
    free_list(sw.back);
    sw.held = sw.late = sw.back = NULL;
    free(sw.ring);
    sw.ring = NULL;
}

int lab_switch_running(void)
{
    return sw.running;
}

void lab_switch_stats_get(lab_switch_stats *s)
{
    pthread_mutex_lock(&sw.lock);
    *s = sw.stats;
    pthread_mutex_unlock(&sw.lock);
}

/* --- the tap and the rules (the main thread) ----------------------------------------- */

void lab_switch_tap(int on)
{
    pthread_mutex_lock(&sw.lock);
    if (on && !sw.ring) sw.ring = malloc(TAP_RING * sizeof *sw.ring);
    sw.tap = on && sw.ring;
    sw.ring_at = sw.ring_len = 0;
    pthread_mutex_unlock(&sw.lock);
}

int lab_switch_tap_fd(void)
{
    return sw.tap ? sw.tapfd : -1;
}

int lab_switch_take(wire_tap_event *e)
{
    int got = 0;
    pthread_mutex_lock(&sw.lock);
    if (sw.ring_len) {
        *e = sw.ring[sw.ring_at];
        sw.ring_at = (sw.ring_at + 1) % TAP_RING;
        sw.ring_len--;
        got = 1;
    }
    if (!sw.ring_len && sw.tapfd >= 0) {
        uint64_t v;
        if (read(sw.tapfd, &v, sizeof v) < 0) { /* already empty */ }
    }
    pthread_mutex_unlock(&sw.lock);
    return got;
}

void lab_switch_hold(int on)
{
    pthread_mutex_lock(&sw.lock);
    sw.hold = on;
    if (!on) sw.release = -1;                     /* `wire go`: everything held goes on */
    pthread_mutex_unlock(&sw.lock);
    wake();
}

int lab_switch_held(void)
{
    int n;
    pthread_mutex_lock(&sw.lock);
    n = 0;
    for (frame *k = sw.held; k; k = k->next) n++;
    pthread_mutex_unlock(&sw.lock);
    return n;
}

void lab_switch_release(int n)
{
    pthread_mutex_lock(&sw.lock);
    if (n < 0 || sw.release < 0) sw.release = -1;
    else sw.release += n;
    pthread_mutex_unlock(&sw.lock);
    wake();
}

void lab_switch_drop_next(const lab_filter *f)
{
    pthread_mutex_lock(&sw.lock);
    sw.drop = *f;
    sw.drop_on = 1;
    pthread_mutex_unlock(&sw.lock);
}

int lab_switch_drop_pending(lab_filter *f)
{
    int on;
    pthread_mutex_lock(&sw.lock);
    on = sw.drop_on;
    if (on && f) *f = sw.drop;
    pthread_mutex_unlock(&sw.lock);
    return on;
}

void lab_switch_loss(int percent)
{
    pthread_mutex_lock(&sw.lock);
    sw.loss = percent < 0 ? 0 : percent > 100 ? 100 : percent;
    pthread_mutex_unlock(&sw.lock);
}

void lab_switch_delay(int ms)
{
    pthread_mutex_lock(&sw.lock);
    sw.delay_ms = ms < 0 ? 0 : ms;
    pthread_mutex_unlock(&sw.lock);
    wake();
}

void lab_switch_dup(int on)
{
    pthread_mutex_lock(&sw.lock);
    sw.dup = on;
    pthread_mutex_unlock(&sw.lock);
}

void lab_switch_reorder(int on)
{
    pthread_mutex_lock(&sw.lock);
    sw.reorder = on;
    pthread_mutex_unlock(&sw.lock);
    wake();
}

void lab_switch_rules_text(char *buf, size_t n)
{
    size_t at = 0;
    char f[80];
    buf[0] = 0;
#define ADD(...) do { if (at < n) at += (size_t)snprintf(buf + at, n - at, __VA_ARGS__); } while (0)
    pthread_mutex_lock(&sw.lock);
    if (sw.hold) ADD("%s%s", at ? ", " : "", TR("hold", "扣住"));
    if (sw.drop_on) {
        lab_filter_text(lab_net_topo(), &sw.drop, f, sizeof f);
        ADD("%s%s %s", at ? ", " : "", TR("drop next", "丢弃下一个"), f);
    }
    if (sw.loss) ADD("%s%s %d%%", at ? ", " : "", TR("loss", "丢包"), sw.loss);
    if (sw.delay_ms) ADD("%s%s %d ms", at ? ", " : "", TR("delay", "延迟"), sw.delay_ms);
    if (sw.dup) ADD("%s%s", at ? ", " : "", TR("dup", "重复"));
    if (sw.reorder) ADD("%s%s", at ? ", " : "", TR("reorder", "乱序"));
    pthread_mutex_unlock(&sw.lock);
#undef ADD
}
