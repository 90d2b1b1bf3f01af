/* wire.h — the session's packet capture: libpcap on loopback, filtered in the kernel to
 * the session's ports, read without blocking (the REPL polls wire_fd), each packet decoded
 * once into a packet record, every packet kept for wire_save as a pcap file. One capture
 * per process. Used by the lead's `wire` command and call reports, and by
 * tests/wire/wire_probe.c; wire_stats by socket.wirestats() too. No capture socket exists
 * until wire_open. */
#ifndef SP_WIRE_H
#define SP_WIRE_H
#include <stddef.h>
#include <time.h>
#include "wire/packet.h"

/* Bytes of each frame captured (headers and the payload's start; every lesson's payload
 * fits), the kernel ring's size, and how much of the capture the spool for wire_save keeps
 * (packets beyond it are still shown, and counted in wire_counts.unsaved). */
#define WIRE_SNAPLEN 2048
#define WIRE_BUFFER (8 << 20)
#define WIRE_SPOOL_MAX (512L << 20)
/* The capture's own fds are numbered above this (the learner's sockets keep 3, 4, …). */
#define WIRE_FDS_ABOVE 200
/* Holds every free fd below WIRE_FDS_ABOVE open (returns how many, in held), so that what
 * is opened meanwhile lands above it; wire_fds_free lets them go. Also used by the lab's
 * switch for its captures. */
int wire_fds_hold(int held[WIRE_FDS_ABOVE]);
void wire_fds_free(const int *held, int k);

/* A second source of frames: the lab's switch (lab/lab_switch.c) hands over every frame it
 * handles, and what it did with it, as wire_tap_events; while the capture is open they come
 * out of wire_next like captured ones, decoded with a connection table per LAN, and are
 * spooled for wire_save. */
#define WIRE_TAP_SNAP 2048
typedef struct {
    struct timespec ts;
    int action;               /* PACKET_SW_* */
    int lan;
    unsigned long id;         /* a held (delayed) frame and its release share it */
    int delay_ms;
    size_t len, caplen;
    unsigned char data[WIRE_TAP_SNAP];   /* an Ethernet frame */
} wire_tap_event;
typedef struct {
    void (*on)(int on);       /* start/stop handing over */
    int (*fd)(void);          /* readable while events wait */
    int (*take)(wire_tap_event *e);   /* the oldest: 1, or 0 when none waits */
} wire_tap_ops;
void wire_tap_register(const wire_tap_ops *ops);

/* Opens the capture on dev (NULL: "lo"), with a filter that matches nothing until
 * wire_ports. 0, or -1 with err saying why in a sentence and what to do (no CAP_NET_RAW:
 * `sockplay --lab` or root). Opening an open capture does nothing. */
int wire_open(const char *dev, char *err, size_t n);
/* Whether a capture is open. */
int wire_is_open(void);
/* Stops capturing and forgets every packet (the spool too). */
void wire_close(void);
/* Captures TCP and UDP packets to or from any of the n ports, and the ICMP errors that
 * quote such a datagram (port unreachable). Packets already captured are read first, so
 * none is lost to the new filter. 0, or -1 with err. */
int wire_ports(const unsigned short *ports, size_t n, char *err, size_t errn);
/* The filter expression wire_ports sets for these ports, into buf (for tests and `wire`). */
const char *wire_filter_text(const unsigned short *ports, size_t n, char *buf, size_t len);
/* An fd that polls readable when packets wait (-1 when closed). */
int wire_fd(void);
/* The next packet, decoded, without blocking: 1 (in *p), 0 when none waits, -1 on a
 * capture error (err). Each packet once, in order. */
int wire_next(packet *p, char *err, size_t n);
/* The capture's link type (DLT_…), -1 when closed. */
int wire_dlt(void);

typedef struct {
    unsigned long seen;      /* packets read from the capture since wire_open */
    unsigned long dropped;   /* the kernel dropped them: the ring was full (pcap_stats ps_drop) */
    unsigned long ifdropped; /* the interface dropped them (ps_ifdrop) */
    unsigned long unsaved;   /* seen but not kept for wire_save (past WIRE_SPOOL_MAX) */
} wire_counts;
/* The counts; 0, or -1 when closed. */
int wire_stats(wire_counts *c);

/* Writes every packet seen since wire_open to path as a pcap file (tcpdump -r, Wireshark),
 * atomically by the rules of export/safefile.h: never through a symlink, never over a file
 * sockplay did not write unless force (a pcap file has no room for sockplay's marker, so
 * replacing any existing file needs force). Returns the number of packets written, or -1
 * with err. */
long wire_save(const char *path, int force, char *err, size_t n);
#endif
