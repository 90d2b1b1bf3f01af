/* unit_tests.c — the command language's lexer and DATA decoder, in the style of Lua's
 * testes: one check per line, a count at the end. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/addr.h"
#include "core/keymap.h"
#include "report/out.h"
#include "lang/parse.h"
#include "lang/pyline.h"
#include "lang/sockopt.h"

static int passed, failed;

#define CHECK(cond, ...) do { \
        if (cond) passed++; \
        else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
    } while (0)

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

/* The sockplay form pyline_form gives line (want NULL: the line is left to the parser). */
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
    const int C = PYLINE_CODE, T = PYLINE_TUPLE;
    py("tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", "tcp_server_socket = socket tcp", C);
    py("udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", "udp_socket = socket udp", C);
    py("s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)", "s = socket unix-dgram", C);
    py("s = socket.socket(AF_INET6,SOCK_STREAM)", "s = socket tcp6", C);
    py("s = socket.socket(AddressFamily, Type)", "s = socket tcp|udp", C);
    py("socket.socket()", "socket tcp", C);
    py("s.bind((\"\", 7788))", "bind s \"\" 7788", C);
    py("s.bind(('127.0.0.1',999))", "bind s 127.0.0.1 999", C);
    py("s.bind(('::1', 80))", "bind s ::1 80", C);
    py("s.bind(('my host', 80))", "bind s \"my host\" 80", C);
    py("s.bind('/tmp/x.sock')", "bind s /tmp/x.sock", C);
    py("s.bind(local_addr)", "bind s HOST PORT", C);
    py("s.bind((ip, port))", "bind s HOST PORT", C);
    py("s.listen(128)", "listen s 128", C);
    py("s.listen()", "listen s", C);
    py("s.listen(n)", "listen s", C);
    py("conn, addr = s.accept()", "conn = accept s", C);
    py("conn,addr=s.accept()", "conn = accept s", C);
    py("s.accept()", "accept s", C);
    py("s.connect((\"127.0.0.1\", 7788))", "connect s 127.0.0.1 7788", C);
    py("s.send(\"hi\".encode(\"gbk\"))", "send s gbk:\"hi\"", C);
    py("s.send('hi'.encode('utf-8'))", "send s \"hi\"", C);
    py("s.send('hi'.encode())", "send s \"hi\"", C);
    py("s.send(b\"hi\")", "send s \"hi\"", C);
    py("s.send(b'a\"b\\n')", "send s \"a\\\"b\\n\"", C);
    py("s.send('it\\'s')", "send s \"it\\'s\"", C);
    py("s.send(data)", "send s DATA", C);
    py("s.send(data.encode('gbk'))", "send s DATA", C);
    py("s.send('x'.encode('latin-1'))", "send s DATA", C);
    py("s.sendall(b'x')", "send s \"x\"", C);
    py("s.recv(1024)", "recv s 1024", C);
    py("data = s.recv(1024)  # 接收", "recv s 1024", C);
    py("data, addr = s.recvfrom(1024)", "recvfrom s 1024", C);
    py("s.sendto(b\"x\", (\"127.0.0.1\", 8080))", "sendto s 127.0.0.1 8080 \"x\"", C);
    py("s.sendto(msg.encode('utf-8'), dest_addr)", "sendto s HOST PORT DATA", C);
    py("s.close()", "close s", C);
    py("s.close() ;", "close s", C);
    py("s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)", "setsockopt s SOL_SOCKET SO_REUSEADDR 1", C);
    py("s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)", "setsockopt s SOL_SOCKET SO_REUSEADDR 1", C);
    py("s.setsockopt(1, 2, 1)", "setsockopt s OPTION 1", C);
    py("s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)", "getsockopt s SOL_SOCKET SO_RCVBUF", C);
    py("s.setblocking(False)", "setblocking s off", C);
    py("s.setblocking(0)", "setblocking s off", C);
    py("s.setblocking(True)", "setblocking s on", C);
    py("s.settimeout(2)", "settimeout s 2", C);
    py("s.settimeout(0.5)", "settimeout s 0.5", C);
    py("s.settimeout(None)", "settimeout s none", C);
    py("s.settimeout(t)", "settimeout s SECONDS", C);
    py("s.shutdown(socket.SHUT_WR)", "shutdown s wr", C);
    py("s.shutdown(SHUT_RDWR)", "shutdown s rdwr", C);
    py("s.shutdown(0)", "shutdown s rd", C);
    py("s.getpeername()", "getpeername s", C);
    py("bind s ('', 7788)", "bind s \"\" 7788", T);
    py("connect s (\"127.0.0.1\", 7788)", "connect s 127.0.0.1 7788", T);
    py("sendto u (\"127.0.0.1\", 8080) \"x\"", "sendto u 127.0.0.1 8080 \"x\"", T);
    py("s = socket tcp; bind s ('', 7788)", "s = socket tcp; bind s \"\" 7788", T);
    py("s = socket.socket(); s.bind(('', 1)); listen s", "s = socket tcp; bind s \"\" 1; listen s", C);
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

int main(void)
{
    keymaps();
    decimals();
    out_lang = LANG_EN;
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
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
