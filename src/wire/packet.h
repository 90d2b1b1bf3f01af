/* packet.h — one captured frame as one record (addresses, ports, TCP flags, sequence
 * numbers absolute and relative, payload length and its first bytes, ICMP and the
 * datagram it quotes), and that record as one dense line. Used by wire/wire.c (which
 * decodes what it captures), by the lead's call reports and by tests/unit and
 * tests/fuzz/fuzz_packet.c. No I/O, no libpcap call: only its DLT numbers. */
#ifndef SP_PACKET_H
#define SP_PACKET_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/* How many payload bytes a record keeps (the preview shows fewer). */
#define PACKET_DATA 64

/* TCP flags as in the header's byte 13. */
enum {
    PACKET_FIN = 0x01, PACKET_SYN = 0x02, PACKET_RST = 0x04, PACKET_PSH = 0x08,
    PACKET_ACK = 0x10, PACKET_URG = 0x20, PACKET_ECE = 0x40, PACKET_CWR = 0x80
};

/* What was decoded: bits of packet.have. */
enum {
    PACKET_HAVE_IP = 1,       /* family, src/dst addresses, proto */
    PACKET_HAVE_PORTS = 2,    /* TCP or UDP ports (sport/dport in src/dst) */
    PACKET_HAVE_TCP = 4,      /* flags, seq, ack, window */
    PACKET_HAVE_REL = 8,      /* rseq/rack: relative to the connection's first sequence numbers */
    PACKET_HAVE_ICMP = 16,    /* icmp_type/icmp_code */
    PACKET_HAVE_QUOTE = 32,   /* an ICMP error's quoted datagram: qproto, qsrc, qdst (ports when qports) */
    PACKET_TRUNC = 64,        /* the frame was cut before the headers ended (snaplen, or malformed) */
    PACKET_BAD = 128,         /* a header contradicts itself (a length too small, a bad version) */
    PACKET_HAVE_FLOW = 256,   /* dir (and for TCP sstate/rstate/retrans) from the connection table */
    PACKET_HAVE_MAC = 512,    /* an Ethernet frame: smac, dmac */
    PACKET_HAVE_ARP = 1024    /* an ARP request or reply: arp_op, arp_sha/spa, arp_tha/tpa */
};

/* What the lab's switch did with the frame (packet.action), when it came from the switch. */
enum {
    PACKET_SW_NONE,           /* not through the switch (captured on a loopback) */
    PACKET_SW_PASSED, PACKET_SW_HELD, PACKET_SW_RELEASED, PACKET_SW_DROPPED, PACKET_SW_LOST,
    PACKET_SW_DELAYED, PACKET_SW_SENT_LATE, PACKET_SW_DUPLICATED, PACKET_SW_REORDERED
};

typedef struct {
    struct timespec ts;       /* capture time, wall clock (CLOCK_REALTIME, as pcap records it) */
    unsigned have;            /* PACKET_HAVE_* and PACKET_TRUNC/BAD bits */
    size_t wirelen;           /* the frame's length on the wire */
    int family;               /* AF_INET or AF_INET6 (0: not IP) */
    int proto;                /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, another number, or -1 */
    struct sockaddr_storage src, dst;   /* sockaddr_in/_in6, with the ports when PACKET_HAVE_PORTS */
    /* TCP */
    unsigned flags;           /* PACKET_SYN | PACKET_ACK … */
    uint32_t seq, ack;        /* absolute, as on the wire */
    uint32_t rseq, rack;      /* relative (as Wireshark shows them) when PACKET_HAVE_REL */
    unsigned window;          /* the header's field; a SYN's is the real window */
    unsigned long winbytes;   /* the window in bytes: the field shifted by the scale the SYNs agreed (= window when unknown) */
    int mss, wscale;          /* options of a SYN: MSS and window scale, -1 when absent */
    /* payload (TCP, UDP, or what follows an ICMP header) */
    size_t len;               /* its length as the headers say it */
    size_t ndata;             /* how many of its first bytes were captured, at most PACKET_DATA */
    unsigned char data[PACKET_DATA];
    /* ICMP / ICMPv6 */
    int icmp_type, icmp_code;
    int qproto;               /* an error's quoted datagram: its protocol, and its addresses (ports when qports) */
    int qports;
    struct sockaddr_storage qsrc, qdst;
    /* What the connection table tells (PACKET_HAVE_FLOW): which way the packet goes — 0
     * from the end that opened the flow (its first SYN, or its first packet seen) to the
     * other, 1 back; for an ICMP error, the way opposite to the datagram it quotes — and,
     * for TCP, the state each end is in after this packet (PACKET_ST_*, 0: unchanged):
     * the sender's after sending it, the receiver's after receiving it. */
    int dir;
    int sstate, rstate;
    int retrans;              /* TCP: it carries nothing new (a retransmission) */
    /* Ethernet and ARP */
    unsigned char smac[6], dmac[6];
    int arp_op;               /* 1 request, 2 reply */
    unsigned char arp_sha[6], arp_tha[6];
    struct in_addr_bytes { unsigned char b[4]; } arp_spa, arp_tpa;
    /* The lab's switch: what it did (PACKET_SW_*), the frame's id there (a held frame and its
     * release share it), the delay it was given, the LAN it was on. */
    int action;
    unsigned long frame_id;
    int delay_ms, lan;
} packet;

/* TCP states as the packets show them (RFC 793's diagram, Linux's names). */
enum {
    PACKET_ST_NONE, PACKET_ST_SYN_SENT, PACKET_ST_SYN_RECV, PACKET_ST_ESTABLISHED, PACKET_ST_FIN_WAIT1,
    PACKET_ST_FIN_WAIT2, PACKET_ST_CLOSE_WAIT, PACKET_ST_CLOSING, PACKET_ST_LAST_ACK, PACKET_ST_TIME_WAIT,
    PACKET_ST_CLOSED
};
/* A state's name ("SYN_SENT"), "" for PACKET_ST_NONE. */
const char *packet_state_name(int st);

/* Which relative sequence numbers belong to which connection: a small table of flows (TCP
 * connections: both directions' first sequence number, window scale, highest sequence
 * number sent, FIN and state; UDP: which end spoke first), oldest forgotten first. Zeroed
 * (or packet_table_reset) before use. */
#define PACKET_CONNS 64
typedef struct {
    struct packet_conn {
        int family, proto;
        unsigned char a[16], b[16];   /* the ends, a being the one that sent the first packet seen */
        uint16_t pa, pb;
        uint32_t base[2];             /* first sequence number seen, per direction (0: a→b, 1: b→a) */
        int known[2];
        int scale[2];                 /* the window scale each direction's SYN announced, -1 unknown */
        uint32_t next[2];             /* the relative sequence number after the highest sent, per direction */
        uint32_t finack[2];           /* the ack number that acknowledges that direction's FIN */
        int fin[2];                   /* that direction sent its FIN */
        int state[2];                 /* each end's state (PACKET_ST_*), end a first */
        unsigned long used;           /* when last used (for replacement) */
    } conn[PACKET_CONNS];
    unsigned long clock;
} packet_table;

void packet_table_reset(packet_table *t);

/* Decodes one frame of link type dlt (DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
 * DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP) of which caplen bytes were captured, wirelen on the
 * wire, into *p. t (may be NULL) tracks connections for the relative sequence numbers.
 * Never reads outside frame[0..caplen). Returns 0 when an IP packet was recognised, -1 if not
 * (p then holds what could be read). */
int packet_decode(packet *p, int dlt, const struct timespec *ts, const unsigned char *frame, size_t caplen,
                  size_t wirelen, packet_table *t);

/* The name to show before an end's address ("c", "s"), or NULL for none; proto is the
 * packet's (or the quoted datagram's) protocol. */
typedef const char *(*packet_namefn)(const struct sockaddr *end, int proto, void *ud);

/* One line for p into buf (NUL-terminated, cut with "…" if n is too small), e.g.
 *   127.0.0.1:53312 → 127.0.0.1:7788  SYN seq=0 win=65495
 *   c 127.0.0.1:53312 → s 127.0.0.1:7788  PSH+ACK seq=1:6 ack=1 len=5 "hello"
 *   UDP 127.0.0.1:5000 → 127.0.0.1:8080 len=2 "hi"
 *   ICMP port unreachable for UDP 127.0.0.1:5000 → 127.0.0.1:9
 * name (may be NULL) names the ends. Returns the length written. */
size_t packet_format(const packet *p, char *buf, size_t n, packet_namefn name, void *ud);
/* What the packet is, without its ends, into buf: "SYN seq=0", "PSH+ACK seq=1:6 ack=1
 * len=5", "FIN+ACK seq=6 ack=1", "UDP len=2", "ICMP port unreachable" (relative numbers;
 * win=0 when the window is shut). Returns the length written. */
size_t packet_label(const packet *p, char *buf, size_t n);
/* The TCP flags as "SYN+ACK" ("none" for none) into buf. */
const char *packet_flags(unsigned flags, char *buf, size_t n);
/* An end as "127.0.0.1:7788" or "[::1]:7788" (port only when ports) into buf. */
const char *packet_end(const struct sockaddr_storage *ss, int ports, char *buf, size_t n);
/* "02:00:00:00:01:01" into buf. */
const char *packet_mac(const unsigned char *mac, char *buf, size_t n);
/* What the switch did, as the wire view says it ("held", "dropped by the switch"); "" for
 * PACKET_SW_NONE and PASSED. */
const char *packet_action_text(const packet *p, char *buf, size_t n);
/* The payload preview: up to max bytes of p's data, quoted and escaped ("hello\r\n"…). */
size_t packet_preview(const packet *p, size_t max, char *buf, size_t n);
#endif
