/* wire.c — one libpcap capture on loopback for the whole session: opened by wire_open
 * (immediate mode, nanosecond times, only the inbound copy of each loopback packet),
 * filtered in the kernel to the session's ports by wire_ports, read without blocking by
 * wire_next, every frame copied as it is read into a spool (an unlinked pcap file) that
 * wire_save copies out atomically. */
#include "wire/wire.h"
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>
#include "export/safefile.h"
#include "report/out.h"
#include "wire/wire_pcap.h"

/* The one capture: libpcap's handle, the spool, decoded packets read ahead (by wire_ports
 * and wire_save, which must empty the ring first), the files wire_save wrote. */
static struct wire_state {
    pcap_t *p;
    int dlt, fd;
    FILE *spool;
    pcap_dumper_t *dump;
    long spooled_bytes;
    unsigned long spooled, seen, unsaved;
    packet_table table;
    packet *q;
    size_t qhead, qlen, qcap;
    struct { dev_t dev; ino_t ino; } saved[32];
    int nsaved;
    int poll_fd;                     /* epoll over the capture and the tap, when there is a tap */
    packet_table *lans;              /* the tap's connection tables, one per LAN */
    packet *pending;                 /* held or delayed frames, by id % PENDING, until their release */
} w = {.fd = -1, .dlt = -1, .poll_fd = -1};

#define TAP_LANS 16
#define PENDING 1024
static wire_tap_ops tap;

void wire_tap_register(const wire_tap_ops *ops)
{
    tap = *ops;
}

int wire_is_open(void)
{
    return w.p != NULL;
}

int wire_fd(void)
{
    return !w.p ? -1 : w.poll_fd >= 0 ? w.poll_fd : w.fd;
}

int wire_dlt(void)
{
    return w.p ? w.dlt : -1;
}

/* The sentence for a failed pcap_activate on dev. */
static void activate_error(pcap_t *p, int rc, const char *dev, char *err, size_t n)
{
    if (rc == PCAP_ERROR_PERM_DENIED || (rc == PCAP_ERROR && strstr(pcap_geterr(p), "Operation not permitted"))) {
        if (geteuid() == 0)
            snprintf(err, n, TR("cannot capture packets on %s: capturing needs the CAP_NET_RAW capability, and this root process "
                                "does not have it (a container that drops it?). `sockplay --lab` gives the session a network "
                                "namespace of its own where capture is allowed",
                                "无法在 %s 上抓包：抓包需要 CAP_NET_RAW 权限，而这个 root 进程没有（容器去掉了它？）。"
                                "`sockplay --lab` 让会话运行在自己的网络命名空间里，那里允许抓包"), dev);
        else
            snprintf(err, n, TR("cannot capture packets on %s: capturing needs the CAP_NET_RAW capability, which only root has "
                                "here. Type `sockplay --lab` (no root needed: the session gets a network namespace of its own, "
                                "where it may capture) or run `sudo sockplay`",
                                "无法在 %s 上抓包：抓包需要 CAP_NET_RAW 权限，这里只有 root 才有。输入 `sockplay --lab`"
                                "（不需要 root：会话拥有自己的网络命名空间，可以在里面抓包），或运行 `sudo sockplay`"), dev);
    } else if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
        snprintf(err, n, TR("cannot capture packets: there is no interface %s (%s)", "无法抓包：没有网络接口 %s（%s）"),
                 dev, pcap_geterr(p));
    } else if (rc == PCAP_ERROR_IFACE_NOT_UP) {
        snprintf(err, n, TR("cannot capture packets: %s is down (a new network namespace starts with it down): "
                            "ip link set %s up", "无法抓包：%s 没有启用（新的网络命名空间里它默认是关闭的）：ip link set %s up"),
                 dev, dev);
    } else {
        snprintf(err, n, TR("cannot capture packets on %s: %s", "无法在 %s 上抓包：%s"), dev, pcap_geterr(p));
    }
}

/* An unlinked temporary file for the spool (close-on-exec), or NULL with errno. */
static FILE *spool_file(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    int fd;
    FILE *f;
    if (!dir || !*dir) dir = "/tmp";
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(path, sizeof path, "%s/sockplay-wire.XXXXXX", dir);
        if ((fd = mkostemp(path, O_CLOEXEC)) < 0) return NULL;
        unlink(path);
    }
    if (!(f = fdopen(fd, "w+"))) close(fd);
    return f;
}

/* Sets a BPF filter on the capture. */
static int set_filter(const char *expr, char *err, size_t n)
{
    struct bpf_program prog;
    if (pcap_compile(w.p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        snprintf(err, n, TR("the capture filter '%s' does not compile: %s", "抓包过滤器 '%s' 无法编译：%s"), expr, pcap_geterr(w.p));
        return -1;
    }
    if (pcap_setfilter(w.p, &prog) < 0) {
        snprintf(err, n, TR("cannot set the capture filter: %s", "无法设置抓包过滤器：%s"), pcap_geterr(w.p));
        pcap_freecode(&prog);
        return -1;
    }
    pcap_freecode(&prog);
    return 0;
}

/* The capture's fds (its socket, libpcap's eventfd, the spool) are made while every fd
 * below WIRE_FDS_ABOVE is held open, so they land above it: the learner's next socket is
 * fd 3 as in Python, not 6. */
int wire_fds_hold(int held[WIRE_FDS_ABOVE])
{
    int k = 0, fd, first = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (first < 0) return 0;
    if (first >= WIRE_FDS_ABOVE) { close(first); return 0; }
    held[k++] = first;
    while (k < WIRE_FDS_ABOVE && (fd = fcntl(first, F_DUPFD_CLOEXEC, 0)) >= 0) {
        if (fd >= WIRE_FDS_ABOVE) { close(fd); break; }
        held[k++] = fd;
    }
    return k;
}

void wire_fds_free(const int *held, int k)
{
    while (k-- > 0) close(held[k]);
}

static int open_capture(const char *dev, char *err, size_t n);

int wire_open(const char *dev, char *err, size_t n)
{
    int held[WIRE_FDS_ABOVE], k, rc, e;
    if (n) err[0] = '\0';
    if (w.p) return 0;
    k = wire_fds_hold(held);
    rc = open_capture(dev, err, n);
    e = errno;
    wire_fds_free(held, k);
    errno = e;
    return rc;
}

/* The lab's switch as a second source: its events turned on, one epoll fd for both. */
static int open_tap(char *err, size_t n)
{
    struct epoll_event ev = {.events = EPOLLIN};
    if (!(w.lans = calloc(TAP_LANS, sizeof *w.lans)) || !(w.pending = calloc(PENDING, sizeof *w.pending))) {
        snprintf(err, n, "%s", strerror(ENOMEM));
        return -1;
    }
    tap.on(1);
    if ((w.poll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0 || epoll_ctl(w.poll_fd, EPOLL_CTL_ADD, w.fd, &ev) < 0 ||
        epoll_ctl(w.poll_fd, EPOLL_CTL_ADD, tap.fd(), &ev) < 0) {
        snprintf(err, n, "epoll: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int open_capture(const char *dev, char *err, size_t n)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    int rc;
    if (wire_pcap_load(err, n) < 0) return -1;
    if (!dev) dev = "lo";
    if (!(w.p = pcap_create(dev, ebuf))) {
        snprintf(err, n, TR("cannot capture packets on %s: %s", "无法在 %s 上抓包：%s"), dev, ebuf);
        return -1;
    }
    pcap_set_snaplen(w.p, WIRE_SNAPLEN);
    pcap_set_promisc(w.p, 0);
    pcap_set_immediate_mode(w.p, 1);       /* each packet as it comes, not a buffer's worth later */
    pcap_set_buffer_size(w.p, WIRE_BUFFER);
    pcap_set_tstamp_precision(w.p, PCAP_TSTAMP_PRECISION_NANO);   /* micro when refused */
    if ((rc = pcap_activate(w.p)) < 0) {
        activate_error(w.p, rc, dev, err, n);
        pcap_close(w.p);
        w.p = NULL;
        return -1;
    }
    w.dlt = pcap_datalink(w.p);
    /* On loopback each packet passes twice (out and in): keep the inbound copy only. */
    pcap_setdirection(w.p, PCAP_D_IN);
    if (set_filter("less 1", err, n) < 0 || pcap_setnonblock(w.p, 1, ebuf) < 0 || (w.fd = pcap_get_selectable_fd(w.p)) < 0) {
        if (!err[0] || ebuf[0]) snprintf(err, n, TR("cannot capture packets on %s: %s", "无法在 %s 上抓包：%s"), dev,
                                         ebuf[0] ? ebuf : "no selectable fd");
        wire_close();
        return -1;
    }
    if (!(w.spool = spool_file()) || !(w.dump = pcap_dump_fopen(w.p, w.spool))) {
        snprintf(err, n, TR("cannot keep the captured packets in a temporary file: %s", "无法把抓到的包存进临时文件：%s"),
                 w.spool ? pcap_geterr(w.p) : strerror(errno));
        wire_close();
        return -1;
    }
    w.spooled_bytes = ftell(w.spool);
    packet_table_reset(&w.table);
    if (tap.on && open_tap(err, n) < 0) {
        wire_close();
        return -1;
    }
    return 0;
}

void wire_close(void)
{
    if (w.lans && tap.on) tap.on(0);
    if (w.poll_fd >= 0) close(w.poll_fd);
    free(w.lans);
    free(w.pending);
    if (w.dump) pcap_dump_close(w.dump);   /* closes the spool's FILE too */
    else if (w.spool) fclose(w.spool);
    if (w.p) pcap_close(w.p);
    free(w.q);
    memset(&w, 0, offsetof(struct wire_state, saved));   /* the files written stay known */
    w.fd = w.dlt = w.poll_fd = -1;
    w.lans = NULL;
    w.pending = NULL;
}

static void spool(const struct pcap_pkthdr *h, const unsigned char *data);

/* Reads one frame from libpcap, spools it and decodes it into *p: 1, 0 none waiting, -1 error. */
static int pull(packet *p, char *err, size_t n)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    struct timespec ts;
    int rc = pcap_next_ex(w.p, &h, &data);
    if (rc == 0 || rc == PCAP_ERROR_BREAK) return 0;
    if (rc < 0) {
        snprintf(err, n, TR("the capture failed: %s", "抓包失败：%s"), pcap_geterr(w.p));
        return -1;
    }
    w.seen++;
    spool(h, data);
    ts.tv_sec = h->ts.tv_sec;
    ts.tv_nsec = (long)h->ts.tv_usec * (pcap_get_tstamp_precision(w.p) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000);
    packet_decode(p, w.dlt, &ts, data, h->caplen, h->len, &w.table);
    return 1;
}

/* Keeps a frame for wire_save (or counts it as not kept). */
static void spool(const struct pcap_pkthdr *h, const unsigned char *data)
{
    if (w.dump && w.spooled_bytes + 16 + (long)h->caplen <= WIRE_SPOOL_MAX) {
        pcap_dump((u_char *)w.dump, h, data);
        w.spooled_bytes += 16 + (long)h->caplen;
        w.spooled++;
    } else {
        w.unsaved++;
    }
}

/* Takes one event from the lab's switch and decodes it into *p: 1, or 0 none waiting. A
 * frame is decoded (and tracked in its LAN's connection table) once, when the switch first
 * has it; its release (held, delayed) repeats that record: the sender's state changed when
 * it was sent, the receiver's changes when it arrives. */
static int pull_tap(packet *p)
{
    static wire_tap_event e;
    struct pcap_pkthdr h;
    packet *keep;
    if (!tap.take || !w.lans || !tap.take(&e)) return 0;
    w.seen++;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = e.ts.tv_sec;
    h.ts.tv_usec = e.ts.tv_nsec / 1000;        /* the spool's precision is libpcap's default */
    h.caplen = (bpf_u_int32)e.caplen;
    h.len = (bpf_u_int32)e.len;
    spool(&h, e.data);
    keep = &w.pending[e.id % PENDING];
    if ((e.action == PACKET_SW_RELEASED || e.action == PACKET_SW_SENT_LATE) && keep->frame_id == e.id) {
        *p = *keep;                            /* with the receiver's new state it kept */
        p->sstate = 0;
        p->retrans = 0;
    } else {
        packet_decode(p, DLT_EN10MB, &e.ts, e.data, e.caplen, e.len, e.action == PACKET_SW_DUPLICATED ? NULL : &w.lans[e.lan % TAP_LANS]);
        if (e.action == PACKET_SW_HELD || e.action == PACKET_SW_DELAYED || e.action == PACKET_SW_REORDERED) {
            *keep = *p;                        /* the receiver's state waits for the release */
            keep->frame_id = e.id;
            p->rstate = 0;
        } else if (e.action == PACKET_SW_DROPPED || e.action == PACKET_SW_LOST) {
            p->rstate = 0;                     /* it never arrives */
        }
    }
    p->ts = e.ts;
    p->action = e.action;
    p->frame_id = e.id;
    p->delay_ms = e.delay_ms;
    p->lan = e.lan;
    return 1;
}

/* Reads every frame waiting in the ring into the queue. */
static int drain(char *err, size_t n)
{
    for (;;) {
        packet p;
        int rc = pull(&p, err, n);
        if (rc <= 0) return rc;
        if (w.qhead + w.qlen == w.qcap) {
            if (w.qhead > 0) {
                memmove(w.q, w.q + w.qhead, w.qlen * sizeof *w.q);
                w.qhead = 0;
            } else {
                size_t cap = w.qcap ? w.qcap * 2 : 64;
                packet *q = realloc(w.q, cap * sizeof *q);
                if (!q) { snprintf(err, n, "%s", strerror(ENOMEM)); return -1; }
                w.q = q;
                w.qcap = cap;
            }
        }
        w.q[w.qhead + w.qlen++] = p;
    }
}

int wire_next(packet *p, char *err, size_t n)
{
    int rc;
    if (!w.p) return 0;
    if (w.qlen) {
        *p = w.q[w.qhead++];
        if (--w.qlen == 0) w.qhead = 0;
        return 1;
    }
    if ((rc = pull(p, err, n)) != 0) return rc;
    return pull_tap(p);
}

const char *wire_filter_text(const unsigned short *ports, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    int w1;
#define ADD(...) do { w1 = snprintf(buf + at, len > at ? len - at : 0, __VA_ARGS__); if (w1 > 0) at += (size_t)w1; } while (0)
    if (len) buf[0] = '\0';
    if (n == 0) {
        ADD("less 1");                      /* no port: nothing matches */
        return buf;
    }
    ADD("((tcp or udp) and (");
    for (size_t i = 0; i < n; i++) ADD("%sport %u", i ? " or " : "", ports[i]);
    /* An ICMP "unreachable" quotes the IP header and the first 8 bytes (the ports) of what
     * it refuses: match the quoted ports. */
    ADD(")) or (icmp[0] = 3 and (");
    for (size_t i = 0; i < n; i++)
        ADD("%sicmp[8 + ((icmp[8] & 15) << 2) : 2] = %u or icmp[10 + ((icmp[8] & 15) << 2) : 2] = %u", i ? " or " : "",
            ports[i], ports[i]);
    ADD(")) or (icmp6[0] = 1 and (");
    for (size_t i = 0; i < n; i++) ADD("%sicmp6[48:2] = %u or icmp6[50:2] = %u", i ? " or " : "", ports[i], ports[i]);
    ADD("))");
#undef ADD
    if (at >= len && len) buf[0] = '\0';    /* cut: no half filter */
    return buf;
}

int wire_ports(const unsigned short *ports, size_t n, char *err, size_t errn)
{
    size_t len = 64 + n * 160;
    char *expr;
    int rc;
    if (!w.p) {
        snprintf(err, errn, "%s", TR("the wire is off", "抓包没有打开"));
        return -1;
    }
    if (drain(err, errn) < 0) return -1;    /* what the old filter let in is kept */
    if (!(expr = malloc(len))) {
        snprintf(err, errn, "%s", strerror(ENOMEM));
        return -1;
    }
    wire_filter_text(ports, n, expr, len);
    rc = set_filter(expr, err, errn);
    free(expr);
    return rc;
}

int wire_stats(wire_counts *c)
{
    struct pcap_stat st;
    memset(c, 0, sizeof *c);
    if (!w.p) return -1;
    c->seen = w.seen;
    c->unsaved = w.unsaved;
    if (pcap_stats(w.p, &st) == 0) {
        c->dropped = st.ps_drop;
        c->ifdropped = st.ps_ifdrop;
    }
    return 0;
}

/* Whether path is a file this process's wire_save wrote (it may replace it without force). */
static int saved_here(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) return 0;
    for (int i = 0; i < w.nsaved; i++)
        if (w.saved[i].dev == st.st_dev && w.saved[i].ino == st.st_ino) return 1;
    return 0;
}

long wire_save(const char *path, int force, char *err, size_t n)
{
    safefile_file f;
    char buf[65536];
    off_t at = 0;
    ssize_t got;
    struct stat st;
    if (!w.p) {
        snprintf(err, n, "%s", TR("the wire is off: nothing was captured", "抓包没有打开：没有抓到任何包"));
        return -1;
    }
    if (drain(err, n) < 0) return -1;
    if (safefile_check(path, force || saved_here(path), "--force", err, n) < 0) return -1;
    if (pcap_dump_flush(w.dump) < 0) {
        safefile_why(errno, path, err, n);
        return -1;
    }
    if (safefile_open(&f, path, err, n) < 0) return -1;
    while ((got = pread(fileno(w.spool), buf, sizeof buf, at)) > 0) {
        if (fwrite(buf, 1, (size_t)got, f.f) != (size_t)got) break;
        at += got;
    }
    if (got != 0 || at != w.spooled_bytes) {
        safefile_why(got < 0 ? errno : ferror(f.f) ? errno : EIO, path, err, n);
        safefile_abort(&f);
        return -1;
    }
    if (safefile_commit(&f, err, n) < 0) return -1;
    if (stat(path, &st) == 0 && !saved_here(path)) {
        int i = w.nsaved < (int)(sizeof w.saved / sizeof w.saved[0]) ? w.nsaved++ : 0;
        w.saved[i].dev = st.st_dev;
        w.saved[i].ino = st.st_ino;
    }
    return (long)w.spooled;
}
