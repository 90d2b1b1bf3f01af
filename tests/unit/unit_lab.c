/* unit_lab.c — the lab's topology (src/lab/lab_topo.c) and its switch's filters (lab_filter.c): the course's default network, the
 * lines of a topology file and every mistake they can hold. Included by unit_tests.c. */
#include "lab/lab_filter.h"
#include "lab/lab_topo.h"

/* One line that must be refused with a message containing want; the topology unchanged. */
static void topo_refuses(lab_topo *t, const char *line, const char *want)
{
    char err[300] = "";
    int before = t->nhosts, lans = t->nlans;
    int rc = lab_topo_line(t, line, err, sizeof err);
    CHECK(rc == -1 && strstr(err, want) && t->nhosts == before && t->nlans == lans, "'%s' → rc %d, '%s' (want '%s')", line, rc,
          err, want);
}

static void lab_topology(void)
{
    lab_topo t;
    char err[300], buf[64];
    const lab_host *h;
    int ifx;
    out_lang = LANG_EN;

    /* The course's network. */
    lab_topo_default(&t);
    CHECK(t.nhosts == 4 && t.nlans == 2, "default: %d hosts, %d LANs", t.nhosts, t.nlans);
    h = lab_topo_host(&t, "a");
    CHECK(h && !strcmp(h->name, "A") && h->nifs == 1 && !h->router, "host A");
    inet_ntop(AF_INET, &h->gateway, buf, sizeof buf);
    CHECK(!strcmp(buf, "192.168.1.1"), "A's gateway: %s", buf);
    h = lab_topo_host(&t, "D");
    inet_ntop(AF_INET, &h->gateway, buf, sizeof buf);
    CHECK(h && !strcmp(buf, "10.0.0.1") && h->ifs[0].lan == 1, "D's gateway %s, LAN %d", buf, h ? h->ifs[0].lan : -1);
    h = lab_topo_host(&t, "R");
    CHECK(h && h->router && h->nifs == 2 && !strcmp(h->ifs[1].name, "eth1") && h->gateway.s_addr == 0, "router R");
    lab_topo_lan_text(&t, 0, buf, sizeof buf);
    CHECK(!strcmp(buf, "192.168.1.0/24"), "LAN 0: %s", buf);
    {
        struct in_addr a;
        inet_pton(AF_INET, "10.0.0.1", &a);
        h = lab_topo_owner(&t, a, &ifx);
        CHECK(h && !strcmp(h->name, "R") && ifx == 1, "10.0.0.1 is R's eth1");
    }
    /* Every interface has its own MAC, locally administered and unicast. */
    {
        int same = 0, bad = 0;
        for (int i = 0; i < t.nhosts; i++)
            for (int k = 0; k < t.hosts[i].nifs; k++) {
                const unsigned char *m = t.hosts[i].ifs[k].mac;
                bad += (m[0] & 3) != 2;
                for (int j = 0; j < t.nhosts; j++)
                    for (int l = 0; l < t.hosts[j].nifs; l++)
                        same += (i != j || k != l) && !memcmp(m, t.hosts[j].ifs[l].mac, 6);
            }
        lab_topo_mac_text(t.hosts[0].ifs[0].mac, buf, sizeof buf);
        CHECK(!same && !bad && !strcmp(buf, "02:00:00:00:01:01"), "MACs: %d shared, %d not local unicast, A's %s", same, bad, buf);
    }

    /* A file's lines: comments, a gateway given, a LAN without a router. */
    lab_topo_init(&t);
    CHECK(lab_topo_line(&t, "  # the classroom", err, sizeof err) == 0 && lab_topo_line(&t, "", err, sizeof err) == 0 && !t.nhosts,
          "comments and blank lines");
    CHECK(lab_topo_line(&t, "router gw 172.16.0.1/16 10.1.0.1/24", err, sizeof err) == 0, "%s", err);
    CHECK(lab_topo_line(&t, "host pc1 172.16.5.9/16 gateway 172.16.0.1  # a comment", err, sizeof err) == 0, "%s", err);
    CHECK(lab_topo_line(&t, "host lone 192.168.7.2/24", err, sizeof err) == 0, "%s", err);
    CHECK(lab_topo_finish(&t, err, sizeof err) == 0 && lab_topo_host(&t, "lone")->gateway.s_addr == 0 &&
          lab_topo_host(&t, "PC1")->gateway_set, "finish: %s", err);

    /* Mistakes, each named. */
    topo_refuses(&t, "switch S 192.168.1.2/24", "a line says `host NAME");
    topo_refuses(&t, "host", "a host needs a name and one ADDR/N");
    topo_refuses(&t, "host X", "a host needs a name and one ADDR/N");
    topo_refuses(&t, "host 1x 192.168.7.3/24", "'1x' cannot name a host");
    topo_refuses(&t, "host lab 192.168.7.3/24", "'lab' is the lab's own network");
    topo_refuses(&t, "host LONE 192.168.7.3/24", "there is a host LONE already");
    topo_refuses(&t, "host X 192.168.7.3", "is not an address with its prefix");
    topo_refuses(&t, "host X 192.168.7.300/24", "'192.168.7.300' is not an IPv4 address");
    topo_refuses(&t, "host X 192.168.7.3/33", "must be a number from 8 to 30");
    topo_refuses(&t, "host X 192.168.7.3/", "must be a number from 8 to 30");
    topo_refuses(&t, "host X 8.8.8.8/24", "8.8.8.8 is not a private address");
    topo_refuses(&t, "host X 192.168.7.0/24", "the network's own address or its broadcast");
    topo_refuses(&t, "host X 192.168.7.255/24", "the network's own address or its broadcast");
    topo_refuses(&t, "host X 192.168.7.2/24", "192.168.7.2/24 is taken already");
    topo_refuses(&t, "host X 192.168.7.3/16", "overlaps the LAN 192.168.7.0/24");
    topo_refuses(&t, "host X 192.168.7.3/24 192.168.7.4/24", "a host has one address");
    topo_refuses(&t, "host X 192.168.7.3/24 gateway", "`gateway` takes one IPv4 address");
    topo_refuses(&t, "host X 192.168.7.3/24 gateway nowhere", "`gateway` takes one IPv4 address");
    topo_refuses(&t, "router Y 10.9.0.1/24", "router Y needs addresses on two LANs");
    topo_refuses(&t, "router Y 10.9.0.1/24 10.9.0.2/24", "router Y has an address on that LAN already");
    topo_refuses(&t, "router Y 10.9.0.1/24 10.9.0.1/24", "is taken already");
    CHECK(lab_topo_line(&t, "host X 192.168.7.3/24 gateway 192.168.7.2", err, sizeof err) == 0, "%s", err);
    CHECK(lab_topo_finish(&t, err, sizeof err) == -1 && strstr(err, "its gateway 192.168.7.2 must be a router's address"), "%s", err);
    lab_topo_init(&t);
    CHECK(lab_topo_finish(&t, err, sizeof err) == -1 && strstr(err, "no host"), "empty: %s", err);
    for (int i = 0; i < LAB_HOSTS; i++) {
        char line[64];
        snprintf(line, sizeof line, "host h%d 10.2.0.%d/24", i, i + 1);
        lab_topo_line(&t, line, err, sizeof err);
    }
    topo_refuses(&t, "host more 10.2.0.99/24", "at most 16 hosts");
    out_lang = LANG_ZH;
    topo_refuses(&t, "host", "主机要有名字");
    out_lang = LANG_EN;
}

/* f with IPv4 source and destination addresses a and b (dotted). */
static frame between(frame f, const char *a, const char *b)
{
    inet_pton(AF_INET, a, f.b + 14 + 12);
    inet_pton(AF_INET, b, f.b + 14 + 16);
    return f;
}

/* An ARP request from spa for tpa. */
static frame arp_frame(const char *spa, const char *tpa)
{
    frame f = {.n = 0};
    for (int i = 0; i < 6; i++) put8(&f, 0xff);
    for (int i = 0; i < 6; i++) put8(&f, 2);
    put16(&f, 0x0806); put16(&f, 1); put16(&f, 0x0800); put8(&f, 6); put8(&f, 4); put16(&f, 1);
    for (int i = 0; i < 6; i++) put8(&f, 2);
    inet_pton(AF_INET, spa, f.b + f.n); f.n += 4;
    for (int i = 0; i < 6; i++) put8(&f, 0);
    inet_pton(AF_INET, tpa, f.b + f.n); f.n += 4;
    return f;
}

/* Whether the words select the frame (the default topology's host names). */
static int selects(const lab_topo *t, const char *words, frame f)
{
    char buf[200], err[300], *w[8];
    int n = 0;
    lab_filter flt;
    snprintf(buf, sizeof buf, "%s", words);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok && n < 8; tok = strtok_r(NULL, " ", &save)) w[n++] = tok;
    if (lab_filter_parse(t, w, n, &flt, err, sizeof err) < 0) return -1;
    return lab_filter_match(t, &flt, f.b, f.n);
}

static void lab_filters(void)
{
    lab_topo t;
    lab_filter f;
    char err[300], text[100], *w[4];
    const char *A = "192.168.1.103", *B = "192.168.1.104", *D = "10.0.0.2";
    frame syn = between(tcp_frame(DLT_EN10MB, 0, 5000, 7788, 1, 0, PACKET_SYN, 100, "", 0), A, B);
    frame synack = between(tcp_frame(DLT_EN10MB, 0, 7788, 5000, 9, 2, PACKET_SYN | PACKET_ACK, 100, "", 0), B, A);
    frame ack = between(tcp_frame(DLT_EN10MB, 0, 5000, 7788, 2, 10, PACKET_ACK, 100, "", 0), A, B);
    frame data = between(tcp_frame(DLT_EN10MB, 0, 5000, 7788, 2, 10, PACKET_ACK | PACKET_PSH, 100, "hi", 2), A, B);
    frame fin = between(tcp_frame(DLT_EN10MB, 0, 5000, 7788, 4, 10, PACKET_ACK | PACKET_FIN, 100, "", 0), A, B);
    frame udp = between(udp_frame(0, 5000, 9, "x", 1), A, D);
    frame arp = arp_frame(A, "192.168.1.1");
    lab_topo_default(&t);
    out_lang = LANG_EN;
    CHECK(selects(&t, "syn", syn) == 1 && selects(&t, "syn", synack) == 0, "syn is a SYN without ACK");
    CHECK(selects(&t, "syn+ack", synack) == 1 && selects(&t, "syn+ack", syn) == 0, "syn+ack");
    CHECK(selects(&t, "ack", ack) == 1 && selects(&t, "ack", data) == 0 && selects(&t, "data", data) == 1 && selects(&t, "data", ack) == 0,
          "a pure ACK is not data");
    CHECK(selects(&t, "fin", fin) == 1 && selects(&t, "fin", ack) == 0 && selects(&t, "tcp", fin) == 1 && selects(&t, "tcp", udp) == 0, "fin, tcp");
    CHECK(selects(&t, "udp", udp) == 1 && selects(&t, "udp to D", udp) == 1 && selects(&t, "udp to B", udp) == 0, "udp to D");
    CHECK(selects(&t, "from A", syn) == 1 && selects(&t, "from B", syn) == 0 && selects(&t, "from B to A", synack) == 1, "from, to");
    CHECK(selects(&t, "arp", arp) == 1 && selects(&t, "arp from A to R", arp) == 1 && selects(&t, "arp", syn) == 0, "arp by its addresses");
    CHECK(selects(&t, "", arp) == 1 && selects(&t, "", udp) == 1, "no words: every frame");
    w[0] = "syn+ack"; w[1] = "from"; w[2] = "b";
    CHECK(lab_filter_parse(&t, w, 3, &f, err, sizeof err) == 0, "%s", err);
    lab_filter_text(&t, &f, text, sizeof text);
    CHECK(!strcmp(text, "syn+ack from B"), "text: %s", text);
    w[0] = "bogus";
    CHECK(lab_filter_parse(&t, w, 1, &f, err, sizeof err) == -1 && strstr(err, "'bogus' is not a kind of frame"), "%s", err);
    w[0] = "from";
    CHECK(lab_filter_parse(&t, w, 1, &f, err, sizeof err) == -1 && strstr(err, "`from` takes one of the lab's hosts"), "%s", err);
    w[1] = "Z";
    CHECK(lab_filter_parse(&t, w, 2, &f, err, sizeof err) == -1 && strstr(err, "`from` takes one of the lab's hosts"), "%s", err);
    w[0] = "syn"; w[1] = "fin";
    CHECK(lab_filter_parse(&t, w, 2, &f, err, sizeof err) == -1 && strstr(err, "one kind of frame"), "%s", err);
    CHECK(selects(&t, "syn", (frame){.n = 10}) == 0, "a runt matches nothing");
}
