/* pyline.c — a sockplay command given the course's Python tuple (bind s ('', 7788)),
 * read just far enough to answer with the words to type (bind s "" 7788). A line splits
 * into statements on ';' outside strings (a '#' outside strings ends it). Lines of Python
 * themselves run (src/py); only this mix of the two is answered here. */
#include "lang/pyline.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *p; size_t n; } span;
typedef struct { char *b; size_t n, cap; int oom; } obuf;

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
    int tuple = 0, r;
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
        if (tuple_command(st, &o)) { tuple = 1; continue; }
        cut(&o, mark);
        put_span(&o, st);
    }
    if (r < 0 || o.oom || !tuple) {
        free(o.b);
        return NULL;
    }
    *kind = PYLINE_TUPLE;
    return o.b;
}
