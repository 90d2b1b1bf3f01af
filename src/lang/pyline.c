/* pyline.c — the course's Python, read just far enough to answer with sockplay's words:
 * a line splits into statements on ';' outside strings (a '#' outside strings ends it), and
 * each statement is matched as [NAME[, NAME…] =] OBJ.METHOD(ARGS), or as a sockplay command
 * given a (HOST, PORT) tuple. Literals are copied across; Python names become placeholders. */
#include "lang/pyline.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "core/registry.h"

typedef struct { const char *p; size_t n; } span;
typedef struct { char *b; size_t n, cap; int oom; } obuf;

#define MAX_ARGS 4

/* One call: the first assignment target (if any), the object, its arguments. */
typedef struct {
    span target, obj, arg[MAX_ARGS];
    int nargs;
} pycall;

/* Appends n bytes; on out of memory remembers it and drops the rest. */
static void put(obuf *o, const char *p, size_t n)
{
    if (o->oom) return;
    if (o->n + n + 1 > o->cap) {
        size_t nc = o->cap ? o->cap : 64;
        char *nb;
        while (nc < o->n + n + 1) nc *= 2;
        if (!(nb = realloc(o->b, nc))) { o->oom = 1; return; }
        o->b = nb;
        o->cap = nc;
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
    o->b[o->n] = '\0';
}

static void puts_(obuf *o, const char *s) { put(o, s, strlen(s)); }
static void put_span(obuf *o, span s) { put(o, s.p, s.n); }

/* Forgets what was appended after mark (a statement that did not match after all). */
static void cut(obuf *o, size_t mark)
{
    o->n = mark;
    if (o->b) o->b[mark] = '\0';
}

static void adv(span *s, size_t k) { s->p += k; s->n -= k; }

static void skip_ws(span *s)
{
    while (s->n && (*s->p == ' ' || *s->p == '\t')) adv(s, 1);
}

static span trim(span s)
{
    skip_ws(&s);
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r')) s.n--;
    return s;
}

/* s is exactly the word w. */
static int is(span s, const char *w) { return s.n == strlen(w) && memcmp(s.p, w, s.n) == 0; }

/* A Python identifier at the start of s (ASCII), taken off s into *name. */
static int eat_name(span *s, span *name)
{
    size_t k = 0;
    if (!s->n || !(isalpha((unsigned char)s->p[0]) || s->p[0] == '_')) return 0;
    while (k < s->n && (isalnum((unsigned char)s->p[k]) || s->p[k] == '_')) k++;
    name->p = s->p;
    name->n = k;
    adv(s, k);
    return 1;
}

/* s is a name sockplay accepts for a socket (registry.c's rule). */
static int sock_name(span s)
{
    char b[SP_NAME_MAX];
    if (s.n >= sizeof b) return 0;
    memcpy(b, s.p, s.n);
    b[s.n] = '\0';
    return registry_valid_name(b);
}

/* The length of the string literal opening at p[0] (a quote), through its closing quote;
 * 0 when it is not closed. A backslash escapes the next byte, as in Python. */
static size_t string_len(const char *p, size_t n)
{
    for (size_t k = 1; k < n; k++) {
        if (p[k] == '\\') k++;
        else if (p[k] == p[0]) return k + 1;
    }
    return 0;
}

/* The index of the bracket closing the one at s.p[0], outside strings; 0 when none. */
static size_t closing(span s)
{
    int depth = 0;
    for (size_t k = 0; k < s.n; k++) {
        char c = s.p[k];
        if (c == '"' || c == '\'') {
            size_t l = string_len(s.p + k, s.n - k);
            if (!l) return 0;
            k += l - 1;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if ((c == ')' || c == ']' || c == '}') && --depth == 0) {
            return k;
        }
    }
    return 0;
}

/* Splits a on commas outside strings and brackets into v; the count, or -1 when there are
 * more than max or a string is not closed. A trailing comma adds nothing, as in Python. */
static int split_args(span a, span *v, int max)
{
    int n = 0, depth = 0;
    size_t from = 0;
    a = trim(a);
    if (!a.n) return 0;
    for (size_t k = 0; k <= a.n; k++) {
        char c = k < a.n ? a.p[k] : ',';
        if (k < a.n && (c == '"' || c == '\'')) {
            size_t l = string_len(a.p + k, a.n - k);
            if (!l) return -1;
            k += l - 1;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if (c == ')' || c == ']' || c == '}') {
            depth--;
        } else if (c == ',' && depth == 0) {
            span part = trim((span){a.p + from, k - from});
            if (part.n || k < a.n) {
                if (n == max) return -1;
                v[n++] = part;
            }
            from = k + 1;
        }
    }
    return n;
}

/* a is one string literal ('…', "…", b"…", u"…"): its body between the quotes in *body. */
static int py_string(span a, span *body)
{
    size_t l;
    a = trim(a);
    if (a.n && strchr("bBuU", a.p[0])) adv(&a, 1);
    if (!a.n || (a.p[0] != '"' && a.p[0] != '\'')) return 0;
    if ((l = string_len(a.p, a.n)) != a.n || l < 2) return 0;
    body->p = a.p + 1;
    body->n = l - 2;
    return 1;
}

/* A Python string body as a sockplay "…" string: escapes are the same, a bare " gets one. */
static void put_quoted(obuf *o, span body)
{
    puts_(o, "\"");
    for (size_t k = 0; k < body.n; k++) {
        if (body.p[k] == '\\' && k + 1 < body.n) { put(o, body.p + k, 2); k++; }
        else if (body.p[k] == '"') puts_(o, "\\\"");
        else put(o, body.p + k, 1);
    }
    puts_(o, "\"");
}

/* A host or a path: a bare word when it is one, else quoted ("" for every address). */
static void put_word(obuf *o, span body)
{
    int bare = body.n > 0;
    for (size_t k = 0; k < body.n && bare; k++)
        bare = isalnum((unsigned char)body.p[k]) || strchr("._:-/", body.p[k]);
    if (bare) put_span(o, body);
    else put_quoted(o, body);
}

/* a is a whole number: 7788, 1024. */
static int py_int(span a)
{
    a = trim(a);
    if (!a.n) return 0;
    for (size_t k = 0; k < a.n; k++)
        if (!isdigit((unsigned char)a.p[k])) return 0;
    return 1;
}

/* a is a number as Python writes it (2, 0.5, 1e-9). */
static int py_number(span a)
{
    a = trim(a);
    if (!a.n || !(isdigit((unsigned char)a.p[0]) || a.p[0] == '.')) return 0;
    for (size_t k = 0; k < a.n; k++)
        if (!isdigit((unsigned char)a.p[k]) && !strchr(".eE+-_", a.p[k])) return 0;
    return 1;
}

/* A constant of the socket module, with or without "socket.": its bare name in *name. */
static int py_const(span a, span *name)
{
    span t = trim(a);
    if (t.n > 7 && memcmp(t.p, "socket.", 7) == 0) adv(&t, 7);
    if (!eat_name(&t, name) || t.n) return 0;
    return 1;
}

/* DATA: a literal ("hi", b"hi", "hi".encode("gbk")) as sockplay writes it, else DATA. */
static void put_data(obuf *o, span a)
{
    span t = trim(a), body, enc = {"", 0};
    size_t l = 0, pre = t.n && strchr("bBuU", t.p[0]) ? 1 : 0;
    if (t.n > pre && (t.p[pre] == '"' || t.p[pre] == '\'')) l = string_len(t.p + pre, t.n - pre);
    if (l && py_string((span){t.p, pre + l}, &body)) {
        span rest = trim((span){t.p + pre + l, t.n - pre - l}), meth;
        size_t close;
        int ok = rest.n == 0;
        if (!ok && rest.p[0] == '.') {
            adv(&rest, 1);
            if (eat_name(&rest, &meth) && is(meth, "encode") && rest.n && rest.p[0] == '(' &&
                (close = closing(rest)) == rest.n - 1) {
                span inner = trim((span){rest.p + 1, close - 1});
                ok = inner.n == 0 || py_string(inner, &enc);
            }
        }
        if (ok && (enc.n == 0 || is(enc, "utf-8") || is(enc, "utf8") || is(enc, "UTF-8"))) { put_quoted(o, body); return; }
        if (ok && (is(enc, "gbk") || is(enc, "GBK"))) { puts_(o, "gbk:"); put_quoted(o, body); return; }
    }
    puts_(o, "DATA");
}

/* An address: ("host", port) → host port, "path" → path, a Python name → HOST PORT. */
static void put_addr(obuf *o, span a)
{
    span v[2], body;
    a = trim(a);
    if (a.n && a.p[0] == '(' && closing(a) == a.n - 1 && split_args((span){a.p + 1, a.n - 2}, v, 2) == 2) {
        if (py_string(v[0], &body)) put_word(o, body);
        else puts_(o, "HOST");
        puts_(o, " ");
        if (py_int(v[1])) put_span(o, trim(v[1]));
        else puts_(o, "PORT");
    } else if (py_string(a, &body)) {
        put_word(o, body);
    } else {
        puts_(o, "HOST PORT");
    }
}

/* "CMD S" with the socket's name. */
static void head(obuf *o, const char *cmd, const pycall *c)
{
    puts_(o, cmd);
    puts_(o, " ");
    put_span(o, c->obj);
}

/* socket.socket(FAMILY, TYPE) → socket tcp (udp, tcp6, udp6, unix, unix-dgram). */
static int m_socket(const pycall *c, obuf *o)
{
    span fam = {"AF_INET", 7}, typ = {"SOCK_STREAM", 11};
    const char *kind = NULL;
    if (!is(c->obj, "socket")) return 0;
    if (c->nargs >= 1 && !py_const(c->arg[0], &fam)) fam.n = 0;
    if (c->nargs >= 2 && !py_const(c->arg[1], &typ)) typ.n = 0;
    if (is(typ, "SOCK_STREAM") || is(typ, "SOCK_DGRAM")) {
        int dgram = is(typ, "SOCK_DGRAM");
        if (is(fam, "AF_INET")) kind = dgram ? "udp" : "tcp";
        else if (is(fam, "AF_INET6")) kind = dgram ? "udp6" : "tcp6";
        else if (is(fam, "AF_UNIX")) kind = dgram ? "unix-dgram" : "unix";
    }
    if (c->target.n) { put_span(o, c->target); puts_(o, " = "); }
    puts_(o, "socket ");
    puts_(o, kind ? kind : "tcp|udp");
    return 1;
}

static int m_bind(const pycall *c, obuf *o)
{
    head(o, "bind", c);
    puts_(o, " ");
    if (c->nargs) put_addr(o, c->arg[0]);
    else puts_(o, "HOST PORT");
    return 1;
}

static int m_connect(const pycall *c, obuf *o)
{
    head(o, "connect", c);
    puts_(o, " ");
    if (c->nargs) put_addr(o, c->arg[0]);
    else puts_(o, "HOST PORT");
    return 1;
}

/* listen(N) and recv(N): the number when it is one; else sockplay's default. */
static int with_number(const char *cmd, const pycall *c, obuf *o)
{
    head(o, cmd, c);
    if (c->nargs && py_int(c->arg[0])) { puts_(o, " "); put_span(o, trim(c->arg[0])); }
    return 1;
}

static int m_listen(const pycall *c, obuf *o) { return with_number("listen", c, o); }
static int m_recv(const pycall *c, obuf *o) { return with_number("recv", c, o); }
static int m_recvfrom(const pycall *c, obuf *o) { return with_number("recvfrom", c, o); }

/* conn, addr = s.accept() → conn = accept s */
static int m_accept(const pycall *c, obuf *o)
{
    if (c->target.n && sock_name(c->target)) { put_span(o, c->target); puts_(o, " = "); }
    head(o, "accept", c);
    return 1;
}

static int m_send(const pycall *c, obuf *o)
{
    head(o, "send", c);
    puts_(o, " ");
    if (c->nargs) put_data(o, c->arg[0]);
    else puts_(o, "DATA");
    return 1;
}

static int m_sendto(const pycall *c, obuf *o)
{
    head(o, "sendto", c);
    puts_(o, " ");
    if (c->nargs >= 2) put_addr(o, c->arg[c->nargs - 1]);
    else puts_(o, "HOST PORT");
    puts_(o, " ");
    if (c->nargs >= 1) put_data(o, c->arg[0]);
    else puts_(o, "DATA");
    return 1;
}

static int m_close(const pycall *c, obuf *o) { head(o, "close", c); return 1; }
static int m_getsockname(const pycall *c, obuf *o) { head(o, "getsockname", c); return 1; }
static int m_getpeername(const pycall *c, obuf *o) { head(o, "getpeername", c); return 1; }

/* setsockopt(LEVEL, OPTION, VALUE) and getsockopt(LEVEL, OPTION): the constants' names. */
static int sockopt_call(const char *cmd, int with_value, const pycall *c, obuf *o)
{
    span level, opt;
    head(o, cmd, c);
    if (c->nargs >= 2 && py_const(c->arg[0], &level) && py_const(c->arg[1], &opt)) {
        puts_(o, " ");
        put_span(o, level);
        puts_(o, " ");
        put_span(o, opt);
    } else {
        puts_(o, " OPTION");
    }
    if (!with_value) return 1;
    puts_(o, " ");
    if (c->nargs >= 3 && py_int(c->arg[2])) put_span(o, trim(c->arg[2]));
    else if (c->nargs >= 3 && is(trim(c->arg[2]), "True")) puts_(o, "1");
    else if (c->nargs >= 3 && is(trim(c->arg[2]), "False")) puts_(o, "0");
    else puts_(o, "VALUE");
    return 1;
}

static int m_setsockopt(const pycall *c, obuf *o) { return sockopt_call("setsockopt", 1, c, o); }
static int m_getsockopt(const pycall *c, obuf *o) { return sockopt_call("getsockopt", 0, c, o); }

static int m_setblocking(const pycall *c, obuf *o)
{
    span v = c->nargs ? trim(c->arg[0]) : (span){"", 0};
    head(o, "setblocking", c);
    if (is(v, "False") || is(v, "0")) puts_(o, " off");
    else if (is(v, "True") || is(v, "1")) puts_(o, " on");
    else puts_(o, " on|off");
    return 1;
}

static int m_settimeout(const pycall *c, obuf *o)
{
    span v = c->nargs ? trim(c->arg[0]) : (span){"", 0};
    head(o, "settimeout", c);
    puts_(o, " ");
    if (is(v, "None")) puts_(o, "none");
    else if (py_number(v)) put_span(o, v);
    else puts_(o, "SECONDS");
    return 1;
}

static int m_shutdown(const pycall *c, obuf *o)
{
    span v = {"", 0};
    if (c->nargs && !py_const(c->arg[0], &v)) v = trim(c->arg[0]);
    head(o, "shutdown", c);
    if (is(v, "SHUT_RD") || is(v, "0")) puts_(o, " rd");
    else if (is(v, "SHUT_WR") || is(v, "1")) puts_(o, " wr");
    else if (is(v, "SHUT_RDWR") || is(v, "2")) puts_(o, " rdwr");
    else puts_(o, " rd|wr|rdwr");
    return 1;
}

static const struct {
    const char *name;
    int (*write)(const pycall *c, obuf *o);
} methods[] = {
    {"socket", m_socket}, {"bind", m_bind}, {"listen", m_listen}, {"accept", m_accept}, {"connect", m_connect},
    {"send", m_send}, {"sendall", m_send}, {"recv", m_recv}, {"sendto", m_sendto}, {"recvfrom", m_recvfrom},
    {"close", m_close}, {"setsockopt", m_setsockopt}, {"getsockopt", m_getsockopt}, {"setblocking", m_setblocking},
    {"settimeout", m_settimeout}, {"shutdown", m_shutdown}, {"getsockname", m_getsockname},
    {"getpeername", m_getpeername},
};

/* "NAME =" or "NAME, NAME =" at the start of s: taken off s, the first NAME in *first. */
static int take_targets(span *s, span *first)
{
    span t = *s, name;
    if (!eat_name(&t, first)) return 0;
    skip_ws(&t);
    while (t.n && t.p[0] == ',') {
        adv(&t, 1);
        skip_ws(&t);
        if (!eat_name(&t, &name)) return 0;
        skip_ws(&t);
    }
    if (!t.n || t.p[0] != '=' || (t.n > 1 && t.p[1] == '=')) return 0;
    adv(&t, 1);
    skip_ws(&t);
    *s = t;
    return 1;
}

/* [TARGETS =] OBJ.METHOD(ARGS), with METHOD a socket call: its sockplay form into o. */
static int py_statement(span s, obuf *o)
{
    pycall c;
    span meth;
    size_t close;
    memset(&c, 0, sizeof c);
    if (!take_targets(&s, &c.target)) c.target.n = 0;
    if (!eat_name(&s, &c.obj)) return 0;
    skip_ws(&s);
    if (!s.n || s.p[0] != '.') return 0;
    adv(&s, 1);
    skip_ws(&s);
    if (!eat_name(&s, &meth)) return 0;
    skip_ws(&s);
    if (!s.n || s.p[0] != '(' || !(close = closing(s)) || trim((span){s.p + close + 1, s.n - close - 1}).n) return 0;
    if ((c.nargs = split_args((span){s.p + 1, close - 1}, c.arg, MAX_ARGS)) < 0) return 0;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (is(meth, methods[i].name)) return methods[i].write(&c, o);
    return 0;
}

/* bind S ('', 7788), connect S ("127.0.0.1", 7788), sendto S ("127.0.0.1", 8080) DATA:
 * sockplay's command with Python's tuple, written with HOST PORT as two words. */
static int tuple_command(span s, obuf *o)
{
    span cmd, sock, v[2], body;
    size_t close, k = 0;
    if (!eat_name(&s, &cmd) || !(is(cmd, "bind") || is(cmd, "connect") || is(cmd, "sendto"))) return 0;
    if (!s.n || (s.p[0] != ' ' && s.p[0] != '\t')) return 0;
    skip_ws(&s);
    while (k < s.n && s.p[k] != ' ' && s.p[k] != '\t') k++;
    sock = (span){s.p, k};
    adv(&s, k);
    skip_ws(&s);
    if (!sock.n || !s.n || s.p[0] != '(' || !(close = closing(s))) return 0;
    if (split_args((span){s.p + 1, close - 1}, v, 2) != 2 || !py_string(v[0], &body) || !py_int(v[1])) return 0;
    put_span(o, cmd);
    puts_(o, " ");
    put_span(o, sock);
    puts_(o, " ");
    put_word(o, body);
    puts_(o, " ");
    put_span(o, trim(v[1]));
    adv(&s, close + 1);
    if ((s = trim(s)).n) { puts_(o, " "); put_span(o, s); }
    return 1;
}

/* The next statement of the line at *p (up to ';', a newline, or a '#' outside strings,
 * which ends the line); 0 at the end, -1 when a string is not closed. */
static int next_statement(const char **p, span *st)
{
    const char *q = *p;
    if (!*q) return 0;
    while (*q && *q != ';' && *q != '\n' && *q != '#') {
        if (*q == '"' || *q == '\'') {
            size_t l = string_len(q, strlen(q));
            if (!l) return -1;
            q += l;
        } else {
            q++;
        }
    }
    *st = (span){*p, (size_t)(q - *p)};
    if (*q == '#') q += strlen(q);
    else if (*q) q++;
    *p = q;
    return 1;
}

/* s starts with the word w (then a blank or its end). */
static int first_word(span s, const char *w)
{
    size_t l = strlen(w);
    return s.n >= l && memcmp(s.p, w, l) == 0 && (s.n == l || s.p[l] == ' ' || s.p[l] == '\t');
}

char *pyline_form(const char *line, int *kind)
{
    obuf o = {NULL, 0, 0, 0};
    const char *p = line;
    int code = 0, tuple = 0, r;
    span st;
    *kind = PYLINE_NONE;
    while ((r = next_statement(&p, &st)) > 0) {
        size_t mark;
        st = trim(st);
        if (!st.n) continue;
        if (o.n) puts_(&o, "; ");
        mark = o.n;
        if (first_word(st, "lua")) {            /* the rest of the line is Lua's, as parse.c says */
            put(&o, st.p, strlen(st.p));
            break;
        }
        if (py_statement(st, &o)) { code = 1; continue; }
        cut(&o, mark);
        if (tuple_command(st, &o)) { tuple = 1; continue; }
        cut(&o, mark);
        put_span(&o, st);
    }
    if (r < 0 || o.oom || !(code || tuple)) {
        free(o.b);
        return NULL;
    }
    *kind = code ? PYLINE_CODE : PYLINE_TUPLE;
    return o.b;
}
