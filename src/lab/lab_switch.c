/* lab_switch.c — the switch thread: one poll over every port's capture and an eventfd
 * (how the main thread wakes it), then each ready port's frames with pcap_dispatch; a frame's
 * source MAC is learned for its LAN, and the frame goes out (pcap_inject) on the port its
 * destination was learned on, or on every other port of its LAN when it is a broadcast, a
 * multicast or not learned yet. Captures see only frames coming in (PCAP_D_IN): what the
 * switch sends is never read back. */
#include "lab/lab_switch.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "lab/lab_net.h"
#include "report/out.h"
#include "wire/wire.h"
#include "wire/wire_pcap.h"

#define MACS 256              /* learned addresses, all LANs together */

static struct {
    pcap_t *cap[LAB_PORTS];
    const lab_port *port;
    size_t nports;
    int wake;                 /* eventfd: written to stop the thread */
    pthread_t thread;
    int running;
    struct { unsigned char mac[6]; int lan, port; } fdb[MACS];
    int nfdb;
    pthread_mutex_t lock;     /* guards stats */
    lab_switch_stats stats;
} sw = {.wake = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

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

/* Sends a frame out of port p; counts a failure. */
static void send_on(size_t p, const unsigned char *f, size_t len)
{
    if (pcap_inject(sw.cap[p], f, len) < 0) {
        pthread_mutex_lock(&sw.lock);
        sw.stats.errors++;
        pthread_mutex_unlock(&sw.lock);
    }
}

/* One frame that came in on port `in` (user: the port's index). */
static void on_frame(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *f)
{
    size_t in = (size_t)(uintptr_t)user;
    int lan = sw.port[in].lan, out;
    unsigned long flooded = 0, forwarded = 0, dropped = 0;
    if (h->caplen < 14 || h->caplen != h->len) {
        dropped = 1;                              /* a runt, or cut by the capture */
    } else {
        fdb_learn(f + 6, lan, (int)in);
        out = (f[0] & 1) ? -1 : fdb_find(f, lan);
        if (out == (int)in) dropped = 1;          /* it is already where it goes */
        else if (out >= 0) {
            send_on((size_t)out, f, h->caplen);
            forwarded = 1;
        } else {
            for (size_t p = 0; p < sw.nports; p++)
                if (p != in && sw.port[p].lan == lan) send_on(p, f, h->caplen);
            flooded = 1;
        }
    }
    pthread_mutex_lock(&sw.lock);
    sw.stats.frames++;
    sw.stats.forwarded += forwarded;
    sw.stats.flooded += flooded;
    sw.stats.dropped += dropped;
    pthread_mutex_unlock(&sw.lock);
}

static void *switch_main(void *arg)
{
    struct pollfd pf[LAB_PORTS + 1];
    (void)arg;
    for (size_t p = 0; p < sw.nports; p++) pf[p] = (struct pollfd){pcap_get_selectable_fd(sw.cap[p]), POLLIN, 0};
    pf[sw.nports] = (struct pollfd){sw.wake, POLLIN, 0};
    for (;;) {
        if (poll(pf, sw.nports + 1, -1) < 0 && errno != EINTR) break;
        if (pf[sw.nports].revents) break;        /* stop */
        for (size_t p = 0; p < sw.nports; p++)
            if (pf[p].revents & POLLIN) pcap_dispatch(sw.cap[p], -1, on_frame, (unsigned char *)(uintptr_t)p);
    }
    return NULL;
}

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

int lab_switch_start(char *err, size_t n)
{
    int held[WIRE_FDS_ABOVE], k, rc = 0, cpu;
    if (sw.running) return 0;
    if (wire_pcap_load(err, n) < 0) return -1;
    sw.port = lab_net_ports(&sw.nports);
    k = wire_fds_hold(held);                      /* the captures' fds above the learner's sockets' */
    for (size_t p = 0; rc == 0 && p < sw.nports; p++) rc = open_port(p, err, n);
    if (rc == 0 && (sw.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        snprintf(err, n, "eventfd: %s", strerror(errno));
        rc = -1;
    }
    wire_fds_free(held, k);
    if (rc == 0) {
        /* Every signal blocked in the thread: Ctrl-C must reach the main thread's call. */
        sigset_t all, was;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &was);
        if ((errno = pthread_create(&sw.thread, NULL, switch_main, NULL)) != 0) {
            snprintf(err, n, "pthread_create: %s", strerror(errno));
            rc = -1;
        }
        pthread_sigmask(SIG_SETMASK, &was, NULL);
    }
    if (rc < 0) {
        lab_switch_stop();
        return -1;
    }
    sw.running = 1;
    if ((cpu = sched_getcpu()) >= 0) {
        pin(pthread_self(), cpu);
        pin(sw.thread, cpu);
    }
    return 0;
}

void lab_switch_stop(void)
{
    if (sw.running) {
        uint64_t one = 1;
        if (write(sw.wake, &one, sizeof one) == sizeof one) pthread_join(sw.thread, NULL);
        sw.running = 0;
    }
    for (size_t p = 0; p < LAB_PORTS; p++)
        if (sw.cap[p]) {
            pcap_close(sw.cap[p]);
            sw.cap[p] = NULL;
        }
    if (sw.wake >= 0) close(sw.wake);
    sw.wake = -1;
}

void lab_switch_stats_get(lab_switch_stats *s)
{
    pthread_mutex_lock(&sw.lock);
    *s = sw.stats;
    pthread_mutex_unlock(&sw.lock);
}
