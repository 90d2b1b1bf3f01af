/* unit_tests.c — the command language's lexer and DATA decoder, in the style of Lua's
 * testes: one check per line, a count at the end. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/addr.h"
#include "core/keymap.h"
#include "kernel/kernel_match.h"
#include "kernel/kernel_proc.h"
#include "report/out.h"
#include "lang/parse.h"
#include "lang/pyline.h"
#include "lang/sockopt.h"
#include <poll.h>
#include "cmd/cmd_args.h"
#include "core/core.h"
#include "lang/words.h"
#include "teach/teach_predict.h"

static int passed, failed;

#define CHECK(cond, ...) do { \
        if (cond) passed++; \
        else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
    } while (0)

#include "unit_wire.c"
#include "unit_lab.c"
#include "unit_py.c"

/* Parses line and compares with the expected commands, written "tok|tok;tok" (assign as "NAME=>"). */
static void lex(const char *line, const char *want)
{
    sp_line *c;
    char err[300], got[1024] = "";
    int n = parse_line(line, &c, err, sizeof err);
    if (n < 0) { CHECK(0, "'%s' failed: %s", line, err); return; }
    for (int i = 0; i < n; i++) {
        if (i) strcat(got, ";");
        if (c[i].assign[0]) { strcat(got, c[i].assign); strcat(got, "=>"); }
        for (int j = 0; j < c[i].ntok; j++) {
            if (j) strcat(got, "|");
            strncat(got, c[i].tok[j].text, sizeof got - strlen(got) - 1);
        }
    }
    CHECK(strcmp(got, want) == 0, "'%s' lexed as '%s', want '%s'", line, got, want);
    parse_free(c, n);
}

static void lex_err(const char *line, const char *want_in_msg)
{
    sp_line *c;
    char err[300] = "";
    int n = parse_line(line, &c, err, sizeof err);
    CHECK(n < 0 && strstr(err, want_in_msg), "'%s': want an error with '%s', got %d '%s'", line, want_in_msg, n, err);
    if (n >= 0) parse_free(c, n);
}

/* DATA from the tokens after the first of line. */
static void data(const char *line, const char *want, size_t wantlen)
{
    sp_line *c;
    sp_buf b;
    char err[300];
    int n = parse_line(line, &c, err, sizeof err);
    if (n != 1) { CHECK(0, "'%s' did not lex to one command", line); if (n > 0) parse_free(c, n); return; }
    if (parse_data(c[0].tok + 1, c[0].ntok - 1, &b, err, sizeof err) < 0) {
        CHECK(0, "'%s': %s", line, err);
    } else {
        CHECK(b.len == wantlen && memcmp(b.data, want, wantlen) == 0, "'%s' decoded to %zu bytes '%.*s'", line, b.len,
              (int)b.len, b.data);
        free(b.data);
    }
    parse_free(c, n);
}

static void data_err(const char *line, const char *want_in_msg)
{
    sp_line *c;
    sp_buf b;
    char err[300] = "";
    int n = parse_line(line, &c, err, sizeof err);
    int rc = n == 1 ? parse_data(c[0].tok + 1, c[0].ntok - 1, &b, err, sizeof err) : 0;
    CHECK(rc < 0 && strstr(err, want_in_msg), "'%s': want error '%s', got '%s'", line, want_in_msg, err);
    if (rc == 0 && n == 1) free(b.data);
    if (n > 0) parse_free(c, n);
}

static void ports(void)
{
    char err[200];
    CHECK(addr_parse_port("0", err, sizeof err) == 0, "port 0");
    CHECK(addr_parse_port("65535", err, sizeof err) == 65535, "port 65535");
    CHECK(addr_parse_port("65536", err, sizeof err) == -1 && strstr(err, "out of range"), "65536: %s", err);
    CHECK(addr_parse_port("70000", err, sizeof err) == -1 && strstr(err, "70000"), "70000: %s", err);
    CHECK(addr_parse_port("12ab", err, sizeof err) == -1 && strstr(err, "not a number"), "12ab: %s", err);
    CHECK(addr_parse_port("", err, sizeof err) == -1 && strstr(err, "missing PORT"), "empty: %s", err);
    CHECK(addr_parse_port("99999999999999999999", err, sizeof err) == -1, "huge port");
}

/* A unix path reaches the terminal escaped: no control byte, C1 control or stray byte raw. */
static void unix_paths(void)
{
    struct { const char *path, *want; } t[] = {
        {"/tmp/s.sock", "/tmp/s.sock"}, {"a\x1b[2Jb", "a\\x1b[2Jb"}, {"a\nb", "a\\nb"}, {"a\\b", "a\\\\b"},
        {"\xff\xfe", "\\xff\\xfe"}, {"\xc2\x9b" "1m", "\\xc2\\x9b1m"}, {"路径", "路径"}, {"@abs", "@abs"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        sp_addr a;
        char err[200], got[200];
        CHECK(addr_unix(t[i].path, &a, err, sizeof err) == 0, "addr_unix %s: %s", t[i].want, err);
        addr_format((struct sockaddr *)&a.ss, a.len, got, sizeof got);
        CHECK(!strcmp(got, t[i].want), "unix path shown as %s, want %s", got, t[i].want);
    }
}

static void options(void)
{
    sp_optval v;
    char err[200], buf[64];
    const sp_optdef *d = sockopt_find("reuseaddr");
    CHECK(d && strcmp(d->name, "SO_REUSEADDR") == 0, "reuseaddr finds SO_REUSEADDR");
    CHECK(sockopt_find("so_linger") != NULL, "case-insensitive");
    CHECK(sockopt_find("SO_NOPE") == NULL, "unknown option");
    CHECK(sockopt_level("SOL_SOCKET") == SOL_SOCKET && sockopt_level("tcp") == IPPROTO_TCP, "levels");
    CHECK(sockopt_parse(d, "on", &v, err, sizeof err) == 0 && v.u.i == 1, "on");
    CHECK(sockopt_parse(d, "maybe", &v, err, sizeof err) == -1, "maybe rejected");
    d = sockopt_find("SO_RCVTIMEO");
    CHECK(sockopt_parse(d, "2.5", &v, err, sizeof err) == 0 && v.u.tv.tv_sec == 2 && v.u.tv.tv_usec == 500000, "2.5 s");
    sockopt_format(d, &v, buf, sizeof buf);
    CHECK(strcmp(buf, "2.5 s") == 0, "timeval format '%s'", buf);
    d = sockopt_find("SO_LINGER");
    CHECK(sockopt_parse(d, "5", &v, err, sizeof err) == 0 && v.u.lg.l_onoff == 1 && v.u.lg.l_linger == 5, "linger 5");
    CHECK(sockopt_parse(d, "off", &v, err, sizeof err) == 0 && v.u.lg.l_onoff == 0, "linger off");
    d = sockopt_find("SO_RCVBUF");
    CHECK(sockopt_parse(d, "-4", &v, err, sizeof err) == -1 && strstr(err, "out of range"), "negative rcvbuf");
    CHECK(sockopt_parse(d, "1.5", &v, err, sizeof err) == -1, "fractional rcvbuf");
}

/* The table's lookups: every key found, absent keys and key 0 not, collisions probed past. */
static void keymaps(void)
{
    keymap m;
    static int vals[3000];
    int ok = 1;
    CHECK(keymap_init(&m, 3000) == 0, "keymap_init");
    for (unsigned long k = 1; k <= 3000; k++) keymap_put(&m, k * 4096, &vals[k - 1]);   /* keys alike in their low bits */
    for (unsigned long k = 1; k <= 3000; k++) ok &= keymap_get(&m, k * 4096) == &vals[k - 1];
    CHECK(ok, "every key found");
    CHECK(keymap_get(&m, 4096 * 3001UL) == NULL && keymap_get(&m, 4097) == NULL, "absent keys");
    keymap_put(&m, 0, &vals[0]);
    CHECK(keymap_get(&m, 0) == NULL, "key 0 is never stored");
    keymap_put(&m, 4096, &vals[5]);
    CHECK(keymap_get(&m, 4096) == &vals[5], "put again replaces");
    keymap_free(&m);
    CHECK(keymap_get(&m, 4096) == NULL, "a freed map finds nothing");
}

static void decimals(void)
{
    static const struct { unsigned long long v; const char *s; } t[] = {
        {0, "0"}, {9, "9"}, {10, "10"}, {255, "255"}, {65535, "65535"}, {1000000, "1000000"},
        {18446744073709551615ULL, "18446744073709551615"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char b[32];
        *out_decimal(b, t[i].v) = '\0';
        CHECK(strcmp(b, t[i].s) == 0, "out_decimal(%llu) = '%s'", t[i].v, b);
    }
}

/* The command pyline_form answers a tuple-given command with (want NULL: the line is left alone). */
static void py(const char *line, const char *want, int want_kind)
{
    int kind;
    char *got = pyline_form(line, &kind);
    if (!want) CHECK(!got && kind == PYLINE_NONE, "'%s' became '%s', want it left alone", line, got ? got : "");
    else CHECK(got && !strcmp(got, want) && kind == want_kind, "'%s' became '%s' (%d), want '%s' (%d)", line,
               got ? got : "(null)", kind, want, want_kind);
    free(got);
}

static void pylines(void)
{
    const int T = PYLINE_TUPLE;
    /* A line of Python itself is src/py's: pyline leaves it alone. */
    py("tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", NULL, 0);
    py("s.bind((\"\", 7788))", NULL, 0);
    py("bind s ('', 7788)", "bind s \"\" 7788", T);
    py("connect s (\"127.0.0.1\", 7788)", "connect s 127.0.0.1 7788", T);
    py("sendto u (\"127.0.0.1\", 8080) \"x\"", "sendto u 127.0.0.1 8080 \"x\"", T);
    py("s = socket tcp; bind s ('', 7788)", "s = socket tcp; bind s \"\" 7788", T);
    py("s = socket.socket(); bind s ('', 1); listen s", "s = socket.socket(); bind s \"\" 1; listen s", T);
    /* left to the parser: sockplay lines, other Python, broken Python */
    py("bind s \"\" 7788", NULL, 0);
    py("bind x (a,1)", NULL, 0);                        /* a unix path, not a tuple of literals */
    py("bind x \"('', 1)\"", NULL, 0);
    py("send s \"s.close()\"", NULL, 0);
    py("send s s.bind((x,1))", NULL, 0);
    py("lua s.close()", NULL, 0);
    py("lua x = 1; s.close()", NULL, 0);
    py("# s.close()", NULL, 0);
    py("close v # ; s.close()", NULL, 0);
    py("print(s)", NULL, 0);
    py("os.system('touch PWN')", NULL, 0);
    py("s.frobnicate()", NULL, 0);
    py("s.send('open", NULL, 0);
    py("s.recv(", NULL, 0);
    py("s.recv(1) x", NULL, 0);
    py("self.sock.send(b'x')", NULL, 0);
    py("x == s.close()", NULL, 0);
    py("s.send(1, 2, 3, 4, 5)", NULL, 0);
    py("", NULL, 0);
    py("socket tcp", NULL, 0);
}

/* An address as the kernel prints it in /proc/net/tcp{,6}: each 32-bit word as a
 * native-endian hex number. */
static void proc_hex(const unsigned char *a, int nwords, char *out)
{
    for (int w = 0; w < nwords; w++) {
        unsigned int v;
        memcpy(&v, a + 4 * w, 4);
        sprintf(out + 8 * w, "%08X", v);
    }
}

/* Lines of /proc/net/tcp and tcp6 into entries: addresses, ports, state, queues, timer, inode. */
static void proc_lines(void)
{
    unsigned char lo[16], any[16], v6lo[16];
    char l[40], r[40], line[300];
    kernel_entry e;
    inet_pton(AF_INET, "127.0.0.1", lo);
    inet_pton(AF_INET, "0.0.0.0", any);
    inet_pton(AF_INET6, "::1", v6lo);
    CHECK(!kernel_proc_parse("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                             AF_INET, 100, &e), "the header is not a socket");
    proc_hex(lo, 1, l);
    proc_hex(any, 1, r);
    snprintf(line, sizeof line, "   0: %s:1E6C %s:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0",
             l, r);
    CHECK(kernel_proc_parse(line, AF_INET, 100, &e) == 1 && e.family == AF_INET && !memcmp(e.src, lo, 4) && e.sport == 7788 &&
              e.dport == 0 && e.state == TCP_LISTEN && e.rq == -1 && e.wq == -1 && e.ino == 4242 && e.expires == -1,
          "a listener: port %u state %d rq %ld ino %lu", e.sport, e.state, e.rq, e.ino);
    snprintf(line, sizeof line, "   1: %s:1E6C %s:C350 08 00000002:00000006 01:0000012C 00000000  1000        0 0 1 0000000000000000 20 4 30 10 -1",
             l, l);
    CHECK(kernel_proc_parse(line, AF_INET, 100, &e) == 1 && e.state == TCP_CLOSE_WAIT && e.dport == 50000 && !memcmp(e.dst, lo, 4) &&
              e.rq == 6 && e.wq == 2 && e.ino == 0 && e.expires == 3.0,
          "CLOSE_WAIT: rq %ld wq %ld expires %g (the FIN still counted here)", e.rq, e.wq, e.expires);
    CHECK(!kernel_proc_parse("   2: 0100007F:1E6C 0000", AF_INET, 100, &e), "a cut line");
    proc_hex(v6lo, 4, l);
    snprintf(line, sizeof line, "   0: %s:1F90 %s:D431 06 00000000:00000000 03:00000BB8 00000000     0        0 0 3 0000000000000000",
             l, l);
    CHECK(kernel_proc_parse(line, AF_INET6, 100, &e) == 1 && e.family == AF_INET6 && !memcmp(e.src, v6lo, 16) && e.sport == 8080 &&
              e.dport == 54321 && e.state == TCP_TIME_WAIT && e.expires == 30.0,
          "an IPv6 TIME_WAIT: port %u state %d expires %g", e.sport, e.state, e.expires);
    CHECK(!kernel_proc_parse(line, AF_INET, 100, &e), "an IPv6 line read as IPv4");
}

static sp_addr ip(int family, const char *host, unsigned short port)
{
    sp_addr a;
    memset(&a, 0, sizeof a);
    if (family == AF_INET) {
        struct sockaddr_in *v = (struct sockaddr_in *)&a.ss;
        v->sin_family = AF_INET;
        v->sin_port = htons(port);
        inet_pton(AF_INET, host, &v->sin_addr);
        a.len = sizeof *v;
    } else {
        struct sockaddr_in6 *v = (struct sockaddr_in6 *)&a.ss;
        v->sin6_family = AF_INET6;
        v->sin6_port = htons(port);
        inet_pton(AF_INET6, host, &v->sin6_addr);
        a.len = sizeof *v;
    }
    return a;
}

/* A row of the kernel's table with no fd, or the inode's. */
static kernel_entry row(unsigned long ino, int family, const char *src, unsigned short sport, const char *dst,
                        unsigned short dport, int state)
{
    kernel_entry e;
    memset(&e, 0, sizeof e);
    e.ino = ino;
    e.family = family;
    inet_pton(family, src, e.src);
    inet_pton(family, dst, e.dst);
    e.sport = sport;
    e.dport = dport;
    e.state = state;
    return e;
}

/* Which rows of the kernel's table are the session's: its own by inode, a queued
 * connection only to a listener's address, a closed connection only by its 4-tuple. */
static void matching(void)
{
    sp_sock l = {.fd = 3, .family = AF_INET, .type = SOCK_STREAM, .backlog = 5},
            c = {.fd = 4, .family = AF_INET, .type = SOCK_STREAM, .backlog = -1},
            w = {.fd = 5, .family = AF_INET, .type = SOCK_STREAM, .backlog = 5};
    sp_addr la = ip(AF_INET, "127.0.0.1", 7788), wa = ip(AF_INET, "0.0.0.0", 9000);
    sp_addr cl = ip(AF_INET, "127.0.0.1", 40000), cp = ip(AF_INET, "127.0.0.1", 8080);
    const unsigned short *ports;
    const sp_sock *q = NULL;
    size_t at = 99, np;
    kernel_entry e;
    int seen[3] = {0, 0, 0};

    kernel_match_remember(&cl, &cp, -1);
    kernel_match_remember(&cl, &cp, -1);
    CHECK(kernel_match_closed(-1) == 1, "a tuple is remembered once");
    CHECK(kernel_match_begin(3, -1) == 0, "begin");
    kernel_match_socket(&l, 0, 100, 7788, &la);
    kernel_match_socket(&c, 1, 111, 7788, NULL);
    kernel_match_socket(&w, 2, 300, 9000, &wa);
    np = kernel_match_ports(&ports);
    for (size_t i = 0; i < np; i++) seen[ports[i] == 7788 ? 0 : ports[i] == 9000 ? 1 : ports[i] == 40000 ? 2 : 0] += 1;
    CHECK(np == 3 && seen[0] == 1 && seen[1] == 1 && seen[2] == 1, "the filter's ports: each once (%zu)", np);
    CHECK(!kernel_match_want6(), "no IPv6 port");

    e = row(111, AF_INET, "127.0.0.1", 7788, "127.0.0.1", 50000, TCP_ESTABLISHED);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_OWN && at == 1, "a session socket by its inode");
    e = row(999, AF_INET, "127.0.0.1", 7788, "127.0.0.1", 50001, TCP_ESTABLISHED);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_NONE, "another program's socket on the session's port");
    e = row(0, AF_INET, "127.0.0.1", 7788, "127.0.0.1", 50002, TCP_ESTABLISHED);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_QUEUED && q == &l, "in the listener's accept queue");
    e = row(0, AF_INET, "127.0.0.2", 7788, "127.0.0.1", 50003, TCP_ESTABLISHED);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_NONE, "to another address on the listener's port: not its queue");
    e = row(0, AF_INET, "127.0.0.1", 7788, "127.0.0.1", 50004, TCP_TIME_WAIT);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_NONE, "a TIME_WAIT on the session's port, not its tuple");
    e = row(0, AF_INET, "127.0.0.1", 40000, "127.0.0.1", 8080, TCP_TIME_WAIT);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_CLOSED, "a closed session connection by its 4-tuple");
    e = row(0, AF_INET, "127.0.0.1", 40000, "127.0.0.1", 8081, TCP_TIME_WAIT);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_NONE, "the closed connection's port, another peer");
    e = row(0, AF_INET6, "::ffff:127.0.0.1", 40000, "::ffff:127.0.0.1", 8080, TCP_FIN_WAIT2);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_CLOSED, "the same tuple v4-mapped");
    e = row(0, AF_INET, "10.1.2.3", 9000, "10.9.9.9", 1234, TCP_SYN_RECV);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_QUEUED && q == &w, "a listener on 0.0.0.0 queues any IPv4 address");
    e = row(0, AF_INET6, "::1", 9000, "::1", 1234, TCP_ESTABLISHED);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_NONE, "but not an IPv6 one");
    e = row(0, AF_INET, "127.0.0.1", 1234, "127.0.0.1", 7788, TCP_ESTABLISHED);
    CHECK(kernel_match_entry(&e, &at, &q) == KERNEL_MATCH_NONE, "a port that is not the session's");
    kernel_match_end();
    CHECK(kernel_match_closed(-1) == 1, "a closed connection the table still holds is kept");
    CHECK(kernel_match_begin(0, -1) == 0, "begin again");
    kernel_match_end();
    CHECK(kernel_match_closed(-1) == 0, "one the table no longer holds is forgotten");
    kernel_match_free();
}

/* w appears in text as a whole word (between spaces, brackets, '|' or the ends). */
static int names_word(const char *text, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = text; (p = strstr(p, w)); p++)
        if ((p == text || strchr(" [|(", p[-1])) && (!p[n] || strchr(" ]|),", p[n]))) return 1;
    return 0;
}

/* The word tables parse what they list, and each command's usage line names the words Tab
 * offers for it — and offers nothing it does not accept: they cannot drift apart. */
static void word_tables(void)
{
    int f, t, ms;
    double sec;
    const char *host, *port;
    char err[300], buf[200];
    CHECK(words_kind("TCP6", &f, &t) == 0 && f == AF_INET6 && t == SOCK_STREAM, "tcp6");
    CHECK(words_kind("unix-dgram", &f, &t) == 0 && f == AF_UNIX && t == SOCK_DGRAM, "unix-dgram");
    CHECK(words_kind("sctp", &f, &t) == -1, "sctp");
    CHECK(!strcmp(words_join(words_kinds, ", ", " or ", buf, sizeof buf), "tcp, udp, tcp6, udp6, unix or unix-dgram"), "%s", buf);
    CHECK(words_shutdown_how("rd") == SHUT_RD && words_shutdown_how("SHUT_WR") == SHUT_WR && words_shutdown_how("RDWR") == SHUT_RDWR,
          "shutdown names");
    CHECK(words_shutdown_how("both") == -1, "shutdown both");
    CHECK(words_on_off_value("on") == 1 && words_on_off_value("false") == 0 && words_on_off_value("maybe") == -1, "on/off");
    CHECK(words_timeout(NULL, &sec) == 1 && sec == WORDS_NO_TIMEOUT && WORDS_NO_TIMEOUT == CORE_NO_TIMEOUT, "nil");
    CHECK(words_timeout("None", &sec) == 1 && words_timeout("0", &sec) == 0 && sec == 0, "none, 0");
    CHECK(words_timeout("2.5", &sec) == 0 && sec == 2.5, "2.5");
    CHECK(words_timeout("-1", &sec) == 0 && sec == -1 && sockopt_timeout_bad(sec), "-1 is a number the core refuses, not none");
    CHECK(words_timeout("soon", &sec) == -1 && words_timeout("", &sec) == -1, "not a number");
    CHECK(words_poll_timeout("2", &ms) == 0 && ms == 2000 && words_poll_timeout("500ms", &ms) == 0 && ms == 500, "2, 500ms");
    CHECK(words_poll_timeout("1.5s", &ms) == 0 && ms == 1500 && words_poll_ms(0, &ms) == 0 && ms == 0, "1.5s, 0");
    CHECK(words_poll_timeout("-1", &ms) == -1 && words_poll_timeout("86401", &ms) == -1 && words_poll_timeout("x", &ms) == -1,
          "bad poll timeouts");
    CHECK(!strcmp(words_event_names(POLLIN | POLLOUT, buf, sizeof buf), "POLLIN|POLLOUT"), "%s", buf);
    CHECK(!strcmp(words_event_names(0, buf, sizeof buf), ""), "no events");
    CHECK(words_address(AF_INET, "7788", NULL, 1, &host, &port, err, sizeof err) == 0 && !strcmp(host, "") && !strcmp(port, "7788"),
          "bind's lone port");
    CHECK(words_address(AF_INET, "127.0.0.1", NULL, 0, &host, &port, err, sizeof err) == -1 && strstr(err, "missing PORT after HOST"),
          "%s", err);
    CHECK(words_address(AF_INET, NULL, NULL, 1, &host, &port, err, sizeof err) == -1 && strstr(err, "missing HOST and PORT"), "%s", err);
    CHECK(words_address(AF_UNIX, "/tmp/s", "x", 0, &host, &port, err, sizeof err) == 0 && !strcmp(host, "/tmp/s") && !port, "path");
    for (const sp_command *k = cmd_table; k->name; k++)
        for (const char *l = k->complete; *l; l++) {
            const sp_word *const *tables = cmd_words(*l);
            if (!tables || strchr(k->complete, *l) != l) continue;
            /* The first table is the usage line's list; the others (socket's AF_… SOCK_…,
             * export's --force) are shown by one word at least, in the usage or the help. */
            for (const sp_word *w = tables[0]; w->word; w++)
                CHECK(w->alias || names_word(k->args, w->word), "%s: Tab offers '%s', the usage '%s' does not name it", k->name,
                      w->word, k->args);
            for (int i = 1; tables[i]; i++) {
                int named = 0;
                for (const sp_word *w = tables[i]; w->word; w++) named |= names_word(k->args, w->word) || names_word(k->help_en, w->word);
                CHECK(named, "%s: no word of its table %d ('%s' …) in its usage or help", k->name, i, tables[i][0].word);
            }
            /* Every word of a|b|c in the usage is one a table accepts (recv's "as" is the keyword before a view). */
            for (const char *p = k->args; *p;) {
                size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
                char word[40];
                int known = 0;
                if (!n) { p++; continue; }
                snprintf(word, sizeof word, "%.*s", (int)n, p);
                for (int i = 0; tables[i]; i++) known |= words_find(tables[i], word) != NULL;
                CHECK(known || !strcmp(word, cmd_as_word), "%s: the usage '%s' names '%s', which no table accepts", k->name, k->args, word);
                p += n;
            }
        }
}

/* A prediction written as a lesson's answer: the forms, the Chinese words, the names checked. */
static void predictions(void)
{
    static const struct { const char *text; int kind; const char *err; } v[] = {
        {"blocks", PREDICT_BLOCKS, NULL}, {"阻塞", PREDICT_BLOCKS, NULL}, {"returns b''", PREDICT_RETURNS, NULL},
        {"返回 3", PREDICT_RETURNS, NULL}, {"error econnrefused", PREDICT_ERROR, NULL}, {"失败 TimeoutError", PREDICT_ERROR, NULL},
        {"error BrokenPipeError", PREDICT_ERROR, NULL}, {"state c TIME_WAIT", PREDICT_STATE, NULL},
        {"error EFLIES", 0, "no such error"}, {"error E?", 0, "no such error"}, {"maybe", 0, "one of: blocks"},
        {"on", 0, "one of: blocks"}, {"returns x", 0, "returns 'x'"}, {"", 0, "one of: blocks"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        prediction p;
        char err[300] = "";
        int rc = predict_text(v[i].text, &p, err, sizeof err);
        if (v[i].err) CHECK(rc < 0 && strstr(err, v[i].err), "predict_text('%s'): want an error with '%s', got %d '%s'", v[i].text, v[i].err, rc, err);
        else CHECK(rc == 0 && p.kind == v[i].kind, "predict_text('%s'): got %d kind %d (%s), want kind %d", v[i].text, rc, p.kind, err, v[i].kind);
    }
}

int main(void)
{
    keymaps();
    decimals();
    unix_paths();
    out_lang = LANG_EN;
    predictions();
    lex("socket tcp", "socket|tcp");
    lex("  bind   s  \"\"  7788 ", "bind|s||7788");
    lex("s = socket tcp", "s=>socket|tcp");
    lex("s=socket tcp", "s=>socket|tcp");
    lex("s= socket", "s=>socket");
    lex("conn = accept s; recv conn 10", "conn=>accept|s;recv|conn|10");
    lex("a;;b", "a;b");
    lex("# only a comment", "");
    lex("send c hi # trailing comment", "send|c|hi");
    lex("send c \"a # not a comment\"", "send|c|a # not a comment");
    lex("send c \"semi;colon\"", "send|c|semi;colon");
    lex("send c 'single \\n stays'", "send|c|single \\n stays");
    lex("send c \"it's\" 'say \"hi\"'", "send|c|it's|say \"hi\"");
    lex("send c \"\\x41\\102\\u4f60\"", "send|c|AB你");
    lex("send c hex:\"41\"", "send|c|hex:41");
    lex("send c a=b", "send|c|a=b");
    lex("", "");
    lex("\t ;  ; ", "");
    lex_err("send c \"open", "unbalanced quote");
    lex_err("send c 'open", "column 8");
    lex_err("send c \"\\q\"", "unknown escape \\q");
    lex_err("send c \"\\x4\"", "two hex digits");
    lex_err("send c \"\\u12\"", "four hex digits");
    lex_err("send c \"\\ud800\"", "surrogate");
    lex_err("send c \"\\777\"", "larger than \\377");
    lex_err("1a = socket", "a name before '='");
    lex_err("x =", "nothing after 'x ='");

    data("send \"GET / HTTP/1.0\\r\\n\\r\\n\"", "GET / HTTP/1.0\r\n\r\n", 18);
    data("send hello   world", "hello world", 11);
    data("send hex:48656c6c6f", "Hello", 5);
    data("send hex:00ff", "\0\xff", 2);
    data("send \"a\\0b\"", "a\0b", 3);
    data("send \"\"", "", 0);
    data("send \"hex:41\"", "hex:41", 6);       /* quoted: taken literally */
    data("send \"@notafile\"", "@notafile", 9);
    data("send 你好", "你好", 6);
    data_err("send", "missing DATA");
    data_err("send hex:abc", "even number");
    data_err("send hex:zz", "not a hex byte");
    data_err("send @/no/such/file/here", "cannot read @/no/such/file/here");

    {
        long v;
        char err[200];
        CHECK(parse_int("128", 0, 65535, "BACKLOG", &v, err, sizeof err) == 0 && v == 128, "128");
        CHECK(parse_int("x", 0, 9, "BACKLOG", &v, err, sizeof err) == -1 && strstr(err, "BACKLOG 'x' is not a whole number"), "%s", err);
        CHECK(parse_int("10", 0, 9, "MAX", &v, err, sizeof err) == -1 && strstr(err, "out of range"), "%s", err);
        CHECK(parse_int(" 5", 0, 9, "MAX", &v, err, sizeof err) == -1, "leading space");
    }
    ports();
    options();
    pylines();
    proc_lines();
    matching();
    word_tables();
    wire_packets();
    wire_states();
    lab_topology();
    lab_filters();
    python_lines();
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
