/* unit_wire.c — the packet decoder and its line (src/wire/packet.c) on frames built by
 * hand: a whole TCP connection with relative sequence numbers, UDP, ICMP port unreachable,
 * IPv6, the link types, and every cut and broken header. Included by unit_tests.c (its
 * CHECK and counters). */
#include <pcap/dlt.h>
#include "wire/packet.h"
#include "wire/wire.h"
#include "report/out.h"
#include "report/wiredraw.h"

/* A frame under construction. */
typedef struct {
    unsigned char b[2048];
    size_t n;
} frame;

static void put8(frame *f, unsigned v) { f->b[f->n++] = (unsigned char)v; }
static void put16(frame *f, unsigned v) { put8(f, v >> 8); put8(f, v & 255); }
static void put32(frame *f, uint32_t v) { put16(f, v >> 16); put16(f, v & 0xffff); }
static void putn(frame *f, const void *p, size_t n) { memcpy(f->b + f->n, p, n); f->n += n; }

/* Ethernet (or nothing for DLT_RAW) then an IPv4 or IPv6 header for a transport part of tlen bytes. */
static void ip_hdr(frame *f, int dlt, int v6, int proto, size_t tlen)
{
    static const unsigned char lo4[4] = {127, 0, 0, 1}, lo6[16] = {[15] = 1};
    if (dlt == DLT_EN10MB) { for (int i = 0; i < 12; i++) put8(f, 0); put16(f, v6 ? 0x86dd : 0x0800); }
    if (dlt == DLT_LINUX_SLL) { for (int i = 0; i < 14; i++) put8(f, 0); put16(f, v6 ? 0x86dd : 0x0800); }
    if (!v6) {
        put8(f, 0x45); put8(f, 0); put16(f, (unsigned)(20 + tlen)); put32(f, 0x40000000 /* DF */);
        put8(f, 64); put8(f, (unsigned)proto); put16(f, 0); putn(f, lo4, 4); putn(f, lo4, 4);
    } else {
        put32(f, 0x60000000); put16(f, (unsigned)tlen); put8(f, (unsigned)proto); put8(f, 64); putn(f, lo6, 16); putn(f, lo6, 16);
    }
}

/* A TCP segment from port sp to dp, MSS 65495 and window scale 7 on a SYN. */
static frame tcp_frame(int dlt, int v6, unsigned sp, unsigned dp, uint32_t seq, uint32_t ack, unsigned flags, unsigned win,
                       const char *data, size_t dlen)
{
    frame f = {.n = 0};
    size_t hl = (flags & PACKET_SYN) ? 28 : 20;
    ip_hdr(&f, dlt, v6, IPPROTO_TCP, hl + dlen);
    put16(&f, sp); put16(&f, dp); put32(&f, seq); put32(&f, ack);
    put8(&f, (unsigned)(hl / 4) << 4); put8(&f, flags); put16(&f, win); put32(&f, 0);
    if (flags & PACKET_SYN) { put8(&f, 2); put8(&f, 4); put16(&f, 65495); put8(&f, 1); put8(&f, 3); put8(&f, 3); put8(&f, 7); }
    putn(&f, data, dlen);
    return f;
}

static frame udp_frame(int v6, unsigned sp, unsigned dp, const char *data, size_t dlen)
{
    frame f = {.n = 0};
    ip_hdr(&f, DLT_EN10MB, v6, IPPROTO_UDP, 8 + dlen);
    put16(&f, sp); put16(&f, dp); put16(&f, (unsigned)(8 + dlen)); put16(&f, 0);
    putn(&f, data, dlen);
    return f;
}

/* ICMP (v6: ICMPv6) port unreachable quoting a UDP datagram sp → dp carrying "hi". */
static frame unreach_frame(int v6)
{
    frame q = udp_frame(v6, 5000, 9, "hi", 2), f = {.n = 0};
    size_t qlen = q.n - 14;
    ip_hdr(&f, DLT_EN10MB, v6, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, 8 + qlen);
    put8(&f, v6 ? 1 : 3); put8(&f, v6 ? 4 : 3); put16(&f, 0); put32(&f, 0);
    putn(&f, q.b + 14, qlen);
    return f;
}

/* Decodes f and compares its line with want. */
static void line_is(frame f, int dlt, packet_table *t, packet_namefn name, const char *want)
{
    packet p;
    char got[400];
    packet_decode(&p, dlt, NULL, f.b, f.n, f.n, t);
    packet_format(&p, got, sizeof got, name, NULL);
    CHECK(!strcmp(got, want), "packet line\n   got  '%s'\n   want '%s'", got, want);
}

/* Names the session's ends: port 7788 is s, 53312 is c. */
static const char *session_names(const struct sockaddr *end, int proto, void *ud)
{
    uint16_t port;
    (void)ud;
    memcpy(&port, (const char *)end + offsetof(struct sockaddr_in, sin_port), 2);
    if (proto == IPPROTO_TCP && ntohs(port) == 7788) return "s";
    if (proto == IPPROTO_TCP && ntohs(port) == 53312) return "c";
    return NULL;
}

static void wire_packets(void)
{
    packet_table t;
    packet p;
    char buf[400];
    const uint32_t C = 3000000000u, S = 4294967000u;   /* the server's wraps past 2^32 */
    packet_table_reset(&t);
    out_lang = LANG_EN;

    /* A whole connection, as a learner's session makes it. */
    line_is(tcp_frame(DLT_EN10MB, 0, 53312, 7788, C, 0, PACKET_SYN, 65495, "", 0), DLT_EN10MB, &t, session_names,
            "c 127.0.0.1:53312 → s 127.0.0.1:7788  SYN seq=0 win=65495");
    line_is(tcp_frame(DLT_EN10MB, 0, 7788, 53312, S, C + 1, PACKET_SYN | PACKET_ACK, 65483, "", 0), DLT_EN10MB, &t, NULL,
            "127.0.0.1:7788 → 127.0.0.1:53312  SYN+ACK seq=0 ack=1 win=65483");
    line_is(tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 1, S + 1, PACKET_ACK, 512, "", 0), DLT_EN10MB, &t, NULL,
            "127.0.0.1:53312 → 127.0.0.1:7788  ACK ack=1");
    line_is(tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 1, S + 1, PACKET_PSH | PACKET_ACK, 512, "hello", 5), DLT_EN10MB, &t,
            session_names, "c 127.0.0.1:53312 → s 127.0.0.1:7788  PSH+ACK seq=1:6 ack=1 len=5 \"hello\"");
    {
        frame f = tcp_frame(DLT_EN10MB, 0, 7788, 53312, S + 1, C + 6, PACKET_ACK, 512, "", 0);
        packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n, f.n, &t);
        CHECK(p.rseq == 1 && p.rack == 6 && p.seq == S + 1 && p.ack == C + 6, "absolute and relative kept: %u %u", p.rseq, p.rack);
        CHECK(p.window == 512 && p.winbytes == 512u << 7, "window scaled by the SYNs' 7: %lu", p.winbytes);
        CHECK(p.len == 0 && p.ndata == 0 && (p.have & PACKET_HAVE_REL), "pure ACK");
    }
    line_is(tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 6, S + 1, PACKET_FIN | PACKET_ACK, 512, "", 0), DLT_EN10MB, &t, NULL,
            "127.0.0.1:53312 → 127.0.0.1:7788  FIN+ACK seq=6 ack=1");
    line_is(tcp_frame(DLT_EN10MB, 0, 7788, 53312, S + 1, C + 7, PACKET_FIN | PACKET_ACK, 512, "", 0), DLT_EN10MB, &t, NULL,
            "127.0.0.1:7788 → 127.0.0.1:53312  FIN+ACK seq=1 ack=7");
    line_is(tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 7, S + 2, PACKET_ACK, 0, "", 0), DLT_EN10MB, &t, NULL,
            "127.0.0.1:53312 → 127.0.0.1:7788  ACK ack=2 win=0");
    /* The same ports again (after TIME_WAIT): a new SYN starts from 0 again. */
    line_is(tcp_frame(DLT_EN10MB, 0, 53312, 7788, 77, 0, PACKET_SYN, 65495, "", 0), DLT_EN10MB, &t, NULL,
            "127.0.0.1:53312 → 127.0.0.1:7788  SYN seq=0 win=65495");
    /* A closed port answers RST+ACK. */
    line_is(tcp_frame(DLT_EN10MB, 0, 7788, 53312, 0, 78, PACKET_RST | PACKET_ACK, 0, "", 0), DLT_EN10MB, &t, NULL,
            "127.0.0.1:7788 → 127.0.0.1:53312  RST+ACK seq=0 ack=1");
    /* Mid-connection (the wire turned on late): the first numbers seen count from 0. */
    line_is(tcp_frame(DLT_EN10MB, 0, 40000, 80, 123456, 654321, PACKET_PSH | PACKET_ACK, 512, "x", 1), DLT_EN10MB, &t, NULL,
            "127.0.0.1:40000 → 127.0.0.1:80  PSH+ACK seq=0:1 ack=0 len=1 \"x\"");
    /* Without a table: absolute numbers. */
    line_is(tcp_frame(DLT_EN10MB, 0, 40000, 80, 123456, 654321, PACKET_ACK, 512, "", 0), DLT_EN10MB, NULL, NULL,
            "127.0.0.1:40000 → 127.0.0.1:80  ACK ack=654321");

    /* UDP and the ICMP that answers a datagram to a closed port. */
    line_is(udp_frame(0, 5000, 8080, "hi", 2), DLT_EN10MB, &t, NULL, "UDP 127.0.0.1:5000 → 127.0.0.1:8080 len=2 \"hi\"");
    line_is(udp_frame(0, 5000, 8080, "", 0), DLT_EN10MB, &t, NULL, "UDP 127.0.0.1:5000 → 127.0.0.1:8080 len=0");
    line_is(unreach_frame(0), DLT_EN10MB, &t, NULL, "ICMP port unreachable for UDP 127.0.0.1:5000 → 127.0.0.1:9");
    line_is(unreach_frame(1), DLT_EN10MB, &t, NULL, "ICMPv6 port unreachable for UDP [::1]:5000 → [::1]:9");
    {
        frame f = unreach_frame(0);
        packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n, f.n, NULL);
        CHECK(p.icmp_type == 3 && p.icmp_code == 3 && p.qproto == IPPROTO_UDP && p.qports, "quoted datagram");
        CHECK(ntohs(((struct sockaddr_in *)&p.qsrc)->sin_port) == 5000, "quoted source port");
    }

    /* IPv6, and the other link types. */
    line_is(tcp_frame(DLT_EN10MB, 1, 5000, 7788, 9, 0, PACKET_SYN, 65476, "", 0), DLT_EN10MB, &t, NULL,
            "[::1]:5000 → [::1]:7788  SYN seq=0 win=65476");
    line_is(tcp_frame(DLT_LINUX_SLL, 1, 5001, 7788, 9, 0, PACKET_SYN, 65476, "", 0), DLT_LINUX_SLL, &t, NULL,
            "[::1]:5001 → [::1]:7788  SYN seq=0 win=65476");
    line_is(tcp_frame(DLT_RAW, 0, 5002, 7788, 9, 0, PACKET_SYN, 100, "", 0), DLT_RAW, &t, NULL,
            "127.0.0.1:5002 → 127.0.0.1:7788  SYN seq=0 win=100");
    {
        frame f = tcp_frame(DLT_EN10MB, 0, 5003, 7788, 9, 0, PACKET_SYN, 100, "", 0);
        f.b[12] = 0x08; f.b[13] = 0x06;      /* ARP: not IP */
        CHECK(packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n, f.n, &t) == -1, "ARP is not IP");
        packet_format(&p, buf, sizeof buf, NULL, NULL);
        CHECK(strstr(buf, "not IP") != NULL, "not IP: %s", buf);
        CHECK(packet_decode(&p, 9999, NULL, f.b, f.n, f.n, &t) == -1, "unknown link type");
    }

    /* The preview: escapes, UTF-8 text kept, long payloads cut with …. */
    line_is(tcp_frame(DLT_EN10MB, 0, 1, 2, 0, 0, PACKET_PSH, 9, "a\r\n\"\\\x01你好", 12), DLT_EN10MB, NULL, NULL,
            "127.0.0.1:1 → 127.0.0.1:2  PSH seq=0:12 len=12 \"a\\r\\n\\\"\\\\\\x01你好\"");
    line_is(udp_frame(0, 1, 2, "0123456789abcdefghijklmnopqrstuvwxyz", 36), DLT_EN10MB, NULL, NULL,
            "UDP 127.0.0.1:1 → 127.0.0.1:2 len=36 \"0123456789abcdefghijklmn\"…");
    {
        frame f = udp_frame(0, 1, 2, "0123456789", 10);
        packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n - 6, f.n, NULL);   /* captured 4 of 10 bytes (snaplen) */
        packet_format(&p, buf, sizeof buf, NULL, NULL);
        CHECK(!strcmp(buf, "UDP 127.0.0.1:1 → 127.0.0.1:2 len=10 \"0123\"…"), "snaplen cut: %s", buf);
        CHECK(packet_format(&p, buf, 20, NULL, NULL) < 20 && strlen(buf) < 20 && strstr(buf, "…"), "small buffer: %s", buf);
        out_lang = LANG_ZH;
        f = unreach_frame(0);
        packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n, f.n, NULL);
        packet_format(&p, buf, sizeof buf, NULL, NULL);
        CHECK(strstr(buf, "端口不可达") != NULL, "zh: %s", buf);
        out_lang = LANG_EN;
    }

    /* Every cut of every frame decodes without reading past the cut; header cuts say so. */
    {
        frame all[] = {tcp_frame(DLT_EN10MB, 0, 53312, 7788, C, 0, PACKET_SYN, 65495, "", 0),
                       tcp_frame(DLT_EN10MB, 1, 53312, 7788, C, 0, PACKET_PSH | PACKET_ACK, 1, "data", 4),
                       udp_frame(0, 1, 2, "hi", 2), unreach_frame(0), unreach_frame(1)};
        int bad = 0;
        for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
            for (size_t cut = 0; cut < all[k].n; cut++) {
                unsigned char *copy = malloc(cut ? cut : 1);
                memcpy(copy, all[k].b, cut);
                packet_decode(&p, DLT_EN10MB, NULL, copy, cut, all[k].n, &t);
                packet_format(&p, buf, sizeof buf, NULL, NULL);
                if (cut < 14 + (k == 1 ? 40 : 20) + 8 && !(p.have & PACKET_TRUNC) && k < 3) bad++;
                free(copy);
            }
        CHECK(bad == 0, "%d header cuts not marked cut short", bad);
    }
    /* Broken headers: an IP header length under 20, a UDP length past the packet, a TCP offset under 5. */
    {
        frame f = udp_frame(0, 1, 2, "hi", 2);
        f.b[14] = 0x43;
        packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n, f.n, NULL);
        CHECK(p.have & PACKET_BAD, "ihl 3 is malformed");
        f = udp_frame(0, 1, 2, "hi", 2);
        f.b[14 + 20 + 4] = 0xff;
        packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n, f.n, NULL);
        packet_format(&p, buf, sizeof buf, NULL, NULL);
        CHECK((p.have & PACKET_BAD) && p.len == 2 && strstr(buf, "(malformed)"), "udp length past the packet: %s", buf);
        f = tcp_frame(DLT_EN10MB, 0, 1, 2, 0, 0, PACKET_ACK, 5, "", 0);
        f.b[14 + 20 + 12] = 0x10;
        packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n, f.n, NULL);
        CHECK((p.have & PACKET_BAD) && p.len == 0, "tcp offset 1 is malformed");
        f = tcp_frame(DLT_EN10MB, 0, 1, 2, 0, 0, PACKET_ACK, 5, "", 0);
        f.b[14 + 6] = 0x00; f.b[14 + 7] = 0x10;   /* a later fragment */
        CHECK(packet_decode(&p, DLT_EN10MB, NULL, f.b, f.n, f.n, NULL) == 0 && !(p.have & PACKET_HAVE_PORTS), "fragment: no ports");
    }

    /* The filter wire_ports sets: TCP/UDP on the ports, and ICMP errors quoting them. */
    {
        unsigned short ports[] = {7788, 5000};
        wire_filter_text(ports, 2, buf, sizeof buf);
        CHECK(strstr(buf, "(tcp or udp) and (port 7788 or port 5000)") && strstr(buf, "icmp[0] = 3")
              && strstr(buf, "icmp6[48:2] = 5000"), "filter: %s", buf);
        wire_filter_text(ports, 0, buf, sizeof buf);
        CHECK(!strcmp(buf, "less 1"), "no port: nothing: %s", buf);
        CHECK(packet_flags(0, buf, sizeof buf) && !strcmp(buf, "none"), "no flags");
        packet_flags(0xff, buf, sizeof buf);
        CHECK(!strcmp(buf, "SYN+FIN+RST+PSH+URG+ACK+ECE+CWR"), "all flags: %s", buf);
    }
}

/* Decodes f into p with the table t. */
static void decode(frame f, packet_table *t, packet *p)
{
    packet_decode(p, DLT_EN10MB, NULL, f.b, f.n, f.n, t);
}

/* The drawing of the frames fs, at cols columns, without colour, into buf. */
static void draw(frame *fs, size_t n, int cols, char *buf, size_t cap)
{
    packet_table t;
    wiredraw_row rows[16];
    char c[16];
    FILE *f = fmemopen(buf, cap, "w");
    packet_table_reset(&t);
    snprintf(c, sizeof c, "%d", cols);
    setenv("COLUMNS", c, 1);
    out_init();
    out_color = 0;
    out_lang = LANG_EN;
    for (size_t i = 0; i < n; i++) {
        packet p;
        decode(fs[i], &t, &p);
        wiredraw_row_make(&p, (double)i / 1e4, session_names, NULL, &rows[i]);
    }
    wiredraw_print(f, rows, n);
    fclose(f);
}

/* The widest line of text, in columns. */
static int widest(const char *text)
{
    int w = 0;
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) : strlen(text);
        int k = out_width_n(text, len);
        if (k > w) w = k;
        text += len + (nl != NULL);
    }
    return w;
}

/* Each end's state, which way each packet went, retransmissions; and the drawing. */
static void wire_states(void)
{
    packet_table t;
    packet p;
    const uint32_t C = 1000, S = 5000;
    packet_table_reset(&t);
    out_lang = LANG_EN;
    frame hs[] = {tcp_frame(DLT_EN10MB, 0, 53312, 7788, C, 0, PACKET_SYN, 65495, "", 0),
                  tcp_frame(DLT_EN10MB, 0, 7788, 53312, S, C + 1, PACKET_SYN | PACKET_ACK, 65483, "", 0),
                  tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 1, S + 1, PACKET_ACK, 512, "", 0),
                  tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 1, S + 1, PACKET_PSH | PACKET_ACK, 512, "hello", 5),
                  tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 1, S + 1, PACKET_PSH | PACKET_ACK, 512, "hello", 5),
                  tcp_frame(DLT_EN10MB, 0, 7788, 53312, S + 1, C + 6, PACKET_ACK, 512, "", 0),
                  tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 6, S + 1, PACKET_FIN | PACKET_ACK, 512, "", 0),
                  tcp_frame(DLT_EN10MB, 0, 7788, 53312, S + 1, C + 7, PACKET_ACK, 512, "", 0),
                  tcp_frame(DLT_EN10MB, 0, 7788, 53312, S + 1, C + 7, PACKET_FIN | PACKET_ACK, 512, "", 0),
                  tcp_frame(DLT_EN10MB, 0, 53312, 7788, C + 7, S + 2, PACKET_ACK, 512, "", 0)};
    /* {dir, the sender's new state, the receiver's, retransmission, label} */
    struct { int dir, sst, rst, re; const char *label; } want[] = {
        {0, PACKET_ST_SYN_SENT, 0, 0, "SYN seq=0"},
        {1, PACKET_ST_SYN_RECV, PACKET_ST_ESTABLISHED, 0, "SYN+ACK seq=0 ack=1"},
        {0, 0, PACKET_ST_ESTABLISHED, 0, "ACK ack=1"},
        {0, 0, 0, 0, "PSH+ACK seq=1:6 ack=1 len=5"},
        {0, 0, 0, 1, "PSH+ACK seq=1:6 ack=1 len=5"},
        {1, 0, 0, 0, "ACK ack=6"},
        {0, PACKET_ST_FIN_WAIT1, PACKET_ST_CLOSE_WAIT, 0, "FIN+ACK seq=6 ack=1"},
        {1, 0, PACKET_ST_FIN_WAIT2, 0, "ACK ack=7"},
        {1, PACKET_ST_LAST_ACK, PACKET_ST_TIME_WAIT, 0, "FIN+ACK seq=1 ack=7"},
        {0, 0, PACKET_ST_CLOSED, 0, "ACK ack=2"},
    };
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        char label[120];
        decode(hs[i], &t, &p);
        packet_label(&p, label, sizeof label);
        CHECK(p.dir == want[i].dir && p.sstate == want[i].sst && p.rstate == want[i].rst && p.retrans == want[i].re &&
              !strcmp(label, want[i].label), "packet %zu: dir %d, states %s/%s, retrans %d, '%s'", i, p.dir,
              packet_state_name(p.sstate), packet_state_name(p.rstate), p.retrans, label);
    }
    /* A SYN sent again (the first was lost) is the same flow, marked, not a new one. */
    packet_table_reset(&t);
    decode(hs[0], &t, &p);
    decode(hs[0], &t, &p);
    CHECK(p.retrans && p.dir == 0 && p.rseq == 0, "SYN again: retrans %d seq %u", p.retrans, p.rseq);
    /* A closed port answers RST: the connecting end is CLOSED. */
    decode(tcp_frame(DLT_EN10MB, 0, 7788, 53312, 0, C + 1, PACKET_RST | PACKET_ACK, 0, "", 0), &t, &p);
    CHECK(p.dir == 1 && p.rstate == PACKET_ST_CLOSED, "RST: dir %d, %s", p.dir, packet_state_name(p.rstate));
    /* UDP: the datagram goes right, the ICMP error that answers it comes back left. */
    packet_table_reset(&t);
    decode(udp_frame(0, 5000, 9, "hi", 2), &t, &p);
    CHECK(p.dir == 0 && (p.have & PACKET_HAVE_FLOW), "datagram: dir %d", p.dir);
    decode(unreach_frame(0), &t, &p);
    CHECK(p.dir == 1 && (p.have & PACKET_HAVE_FLOW), "ICMP error: dir %d", p.dir);

    /* The drawing: the handshake lined up, states at both sides, the session's names. */
    {
        char buf[4096];
        draw(hs, 3, 200, buf, sizeof buf);
        const char *hand =
            "   0.00ms  SYN_SENT     c 127.0.0.1:53312 ── SYN seq=0 ───────────▶ s 127.0.0.1:7788\n"
            "   0.10ms  ESTABLISHED  c 127.0.0.1:53312 ◀── SYN+ACK seq=0 ack=1 ─ s 127.0.0.1:7788  SYN_RECV\n"
            "   0.20ms               c 127.0.0.1:53312 ── ACK ack=1 ───────────▶ s 127.0.0.1:7788  ESTABLISHED\n";
        CHECK(!strcmp(buf, hand), "handshake drawn:\n%s", buf);
        /* At 80 columns the ends drop their repeated address. */
        draw(hs, 3, 80, buf, sizeof buf);
        CHECK(strstr(buf, "  SYN_SENT     c :53312 ── SYN seq=0 ───────────▶ s :7788\n") && widest(buf) <= 80,
              "handshake at 80 columns:\n%s", buf);
        /* The whole connection at 80 and at 50 columns: every line fits; every packet is on a line. */
        for (int cols = 80; cols >= 50; cols -= 30) {
            draw(hs, sizeof hs / sizeof hs[0], cols, buf, sizeof buf);
            int lines = 0;
            for (const char *q = buf; (q = strstr(q, "ms  ")); q++) lines++;
            CHECK(widest(buf) <= cols && lines == (int)(sizeof hs / sizeof hs[0]) && strstr(buf, "CLOSE_WAIT") &&
                  strstr(buf, "(retransmission)") && strstr(buf, "\"hello\""), "connection at %d columns:\n%s", cols, buf);
        }
    }
    unsetenv("COLUMNS");
    out_init();
}
