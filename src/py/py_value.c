/* py_value.c — Python's values as sockplay keeps them: made, counted, compared, and
 * written by repr() and str() byte for byte as python3 writes them; Python's exceptions;
 * str.encode and bytes.decode through iconv with Python's codec names and messages. */
#include "py/py_value.h"
#include "report/errtext.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lang/encoding.h"
#include "py/py_lex.h"
#include "py/py_sock.h"

py_exc py_error;

static py_val *make(pv_type t)
{
    py_val *v = calloc(1, sizeof *v);
    if (!v) return py_raise("MemoryError", "out of memory");
    v->t = t;
    v->refs = 1;
    v->fd = -1;
    return v;
}

py_val *pv_none(void) { return make(PV_NONE); }
py_val *pv_bool(int b) { py_val *v = make(PV_BOOL); if (v) v->i = !!b; return v; }
py_val *pv_int(long long i) { py_val *v = make(PV_INT); if (v) v->i = i; return v; }
py_val *pv_float(double f) { py_val *v = make(PV_FLOAT); if (v) v->f = f; return v; }

static py_val *text(pv_type t, const void *s, size_t n)
{
    py_val *v = make(t);
    if (!v) return NULL;
    if (!(v->s = malloc(n + 1))) { free(v); return py_raise("MemoryError", "out of memory"); }
    if (n) memcpy(v->s, s, n);
    v->s[n] = 0;
    v->n = n;
    return v;
}

py_val *pv_str(const char *s, size_t n) { return text(PV_STR, s, n); }
py_val *pv_cstr(const char *s) { return text(PV_STR, s, strlen(s)); }
py_val *pv_bytes(const void *s, size_t n) { return text(PV_BYTES, s, n); }

static py_val *seq(pv_type t, size_t n)
{
    py_val *v = make(t);
    if (!v) return NULL;
    if (n && !(v->items = calloc(n, sizeof *v->items))) { free(v); return py_raise("MemoryError", "out of memory"); }
    v->n = n;
    return v;
}

py_val *pv_tuple(size_t n) { return seq(PV_TUPLE, n); }
py_val *pv_list(size_t n) { return seq(PV_LIST, n); }
py_val *pv_func(const py_fn *fn) { py_val *v = make(PV_FUNC); if (v) v->fn = fn; return v; }

py_val *pv_method(const py_fn *fn, py_val *self)
{
    py_val *v = make(PV_METHOD);
    if (!v) { pv_unref(self); return NULL; }
    v->fn = fn;
    v->self = self;
    return v;
}

py_val *pv_sock(int fd, unsigned long serial, int family, int type)
{
    py_val *v = make(PV_SOCK);
    if (!v) return NULL;
    v->fd = fd;
    v->serial = serial;
    v->family = family;
    v->type = type;
    return v;
}

py_val *pv_ref(py_val *v)
{
    if (v) v->refs++;
    return v;
}

void pv_unref(py_val *v)
{
    if (!v || --v->refs > 0) return;
    for (size_t i = 0; v->items && i < v->n; i++) pv_unref(v->items[i]);
    free(v->items);
    free(v->s);
    pv_unref(v->self);
    free(v);
}

const char *pv_type_name(const py_val *v)
{
    static const char *const names[] = {"NoneType", "bool", "int", "float", "str", "bytes", "tuple", "list", "socket",
                                        "module", "builtin_function_or_method", "builtin_function_or_method"};
    return names[v->t];
}

int pv_truth(const py_val *v)
{
    switch (v->t) {
    case PV_NONE: return 0;
    case PV_BOOL: case PV_INT: return v->i != 0;
    case PV_FLOAT: return v->f != 0;
    case PV_STR: case PV_BYTES: case PV_TUPLE: case PV_LIST: return v->n != 0;
    default: return 1;
    }
}

int pv_equal(const py_val *a, const py_val *b)
{
    int an = a->t == PV_BOOL || a->t == PV_INT, bn = b->t == PV_BOOL || b->t == PV_INT;
    if (an && bn) return a->i == b->i;
    if ((an || a->t == PV_FLOAT) && (bn || b->t == PV_FLOAT)) return (an ? (double)a->i : a->f) == (bn ? (double)b->i : b->f);
    if (a->t != b->t) return 0;
    switch (a->t) {
    case PV_NONE: return 1;
    case PV_STR: case PV_BYTES: return a->n == b->n && !memcmp(a->s, b->s, a->n);
    case PV_TUPLE: case PV_LIST:
        if (a->n != b->n) return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!pv_equal(a->items[i], b->items[i])) return 0;
        return 1;
    case PV_SOCK: return a->fd == b->fd && a->serial == b->serial;
    default: return a == b;
    }
}

/* --- repr and str ------------------------------------------------------------------- */

void py_buf_put(py_buf *o, const char *s, size_t n)
{
    if (o->oom) return;
    if (o->n + n + 1 > o->cap) {
        size_t c = (o->cap ? o->cap * 2 : 64) + n;
        char *b = realloc(o->b, c);
        if (!b) { o->oom = 1; return; }
        o->b = b;
        o->cap = c;
    }
    memcpy(o->b + o->n, s, n);
    o->n += n;
    o->b[o->n] = 0;
}

static void puts_(py_buf *o, const char *s) { py_buf_put(o, s, strlen(s)); }

static void putf(py_buf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(py_buf *o, const char *fmt, ...)
{
    char b[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    puts_(o, b);
}

/* 'text' or "text", escaped as Python's repr escapes it. */
static void quote(py_buf *o, const char *s, size_t n, int bytes)
{
    int sq = memchr(s, '\'', n) != NULL, dq = memchr(s, '"', n) != NULL;
    char q = sq && !dq ? '"' : '\'';
    if (bytes) py_buf_put(o, "b", 1);
    py_buf_put(o, &q, 1);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        int k;
        long cp;
        if (c == q || c == '\\') { py_buf_put(o, "\\", 1); py_buf_put(o, (const char *)&c, 1); i++; }
        else if (c == '\n') { puts_(o, "\\n"); i++; }
        else if (c == '\r') { puts_(o, "\\r"); i++; }
        else if (c == '\t') { puts_(o, "\\t"); i++; }
        else if (c < 0x20 || c == 0x7f) { putf(o, "\\x%02x", c); i++; }
        else if (c < 0x80) { py_buf_put(o, (const char *)&c, 1); i++; }
        else if (!bytes && (cp = encoding_utf8_get((const unsigned char *)s + i, n - i, &k)) >= 0) {
            /* What Python's repr escapes: C1 controls and the invisible characters (an input
             * method's U+3000, U+200B, U+202E that turns text around); the rest is printed. */
            if (!py_printable(cp)) putf(o, cp < 0x100 ? "\\x%02lx" : cp < 0x10000 ? "\\u%04lx" : "\\U%08lx", cp);
            else py_buf_put(o, s + i, (size_t)k);
            i += (size_t)k;
        } else { putf(o, "\\x%02x", c); i++; }
    }
    py_buf_put(o, &q, 1);
}

/* repr() of a float as Python writes it: the shortest digits that read back the same,
 * fixed notation for exponents -4 to 15 (100.0, 0.0001), else 1e+16, 1e-05. */
static void float_text(py_buf *o, double f)
{
    char e[48], digits[24], out[64];
    int prec, exp, nd = 0, neg = f < 0;
    if (f != f) { puts_(o, "nan"); return; }
    if (f == 1.0 / 0.0 || f == -1.0 / 0.0) { puts_(o, neg ? "-inf" : "inf"); return; }
    if (f == 0) { puts_(o, signbit(f) ? "-0.0" : "0.0"); return; }
    for (prec = 0; prec < 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, f);
        if (strtod(e, NULL) == f) break;
    }
    /* e is "-d.ddde+XX": its digits and its exponent. */
    for (const char *p = e + neg; *p && *p != 'e'; p++)
        if (*p != '.') digits[nd++] = *p;
    digits[nd] = 0;
    exp = atoi(strchr(e, 'e') + 1);
    if (exp >= -4 && exp < 16) {
        size_t k = 0;
        if (neg) out[k++] = '-';
        if (exp < 0) {
            out[k++] = '0'; out[k++] = '.';
            for (int i = -1; i > exp; i--) out[k++] = '0';
            for (int i = 0; i < nd; i++) out[k++] = digits[i];
        } else {
            for (int i = 0; i <= exp; i++) out[k++] = i < nd ? digits[i] : '0';
            out[k++] = '.';
            if (nd > exp + 1) for (int i = exp + 1; i < nd; i++) out[k++] = digits[i];
            else out[k++] = '0';
        }
        out[k] = 0;
    } else {
        snprintf(out, sizeof out, "%s%c%s%s%se%c%02d", neg ? "-" : "", digits[0], nd > 1 ? "." : "", nd > 1 ? digits + 1 : "", "",
                 exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
    puts_(o, out);
}

static void repr_into(py_buf *o, const py_val *v, int depth);

static void items_into(py_buf *o, const py_val *v, int depth)
{
    int tuple = v->t == PV_TUPLE;
    puts_(o, tuple ? "(" : "[");
    for (size_t i = 0; i < v->n; i++) {
        if (i) puts_(o, ", ");
        repr_into(o, v->items[i], depth + 1);
    }
    if (tuple && v->n == 1) puts_(o, ",");
    puts_(o, tuple ? ")" : "]");
}

static void repr_into(py_buf *o, const py_val *v, int depth)
{
    if (depth > 50) { puts_(o, "..."); return; }
    switch (v->t) {
    case PV_NONE: puts_(o, "None"); break;
    case PV_BOOL: puts_(o, v->i ? "True" : "False"); break;
    case PV_INT:
        if (v->ename) putf(o, "<%s: %lld>", v->ename, v->i);
        else putf(o, "%lld", v->i);
        break;
    case PV_FLOAT: float_text(o, v->f); break;
    case PV_STR: quote(o, v->s, v->n, 0); break;
    case PV_BYTES: quote(o, v->s, v->n, 1); break;
    case PV_TUPLE: case PV_LIST: items_into(o, v, depth); break;
    case PV_SOCK: {
        char *r = py_sock_repr(v);
        if (r) puts_(o, r);
        else o->oom = 1;
        free(r);
        break;
    }
    case PV_MODULE: puts_(o, "<module 'socket' (built-in)>"); break;
    case PV_FUNC: putf(o, "<built-in function %s>", v->fn->name); break;
    case PV_METHOD: putf(o, "<built-in method %s of %s object>", v->fn->name, pv_type_name(v->self)); break;
    }
}

char *pv_repr(const py_val *v)
{
    py_buf o = {0};
    repr_into(&o, v, 0);
    if (o.oom || !o.b) { free(o.b); return o.oom ? NULL : strdup(""); }
    return o.b;
}

char *pv_str_of(const py_val *v)
{
    py_buf o = {0};
    if (v->t == PV_STR) return strdup(v->s);
    if (v->t == PV_INT) {
        putf(&o, "%lld", v->i);    /* str() of socket.AF_INET is 2 */
        return o.b;
    }
    return pv_repr(v);
}

/* --- exceptions ----------------------------------------------------------------------- */

py_val *py_raise(const char *type, const char *fmt, ...)
{
    va_list ap;
    if (py_error.raised) return NULL;      /* the first one raised is the one told */
    snprintf(py_error.type, sizeof py_error.type, "%s", type);
    va_start(ap, fmt);
    vsnprintf(py_error.msg, sizeof py_error.msg, fmt, ap);
    va_end(ap);
    py_error.raised = 1;
    py_error.oserror = 0;
    return NULL;
}

py_val *py_raise_errno(int e)
{
    py_raise(errtext_python(e), "[Errno %d] %s", e, strerror(e));
    py_error.oserror = 1;
    return NULL;
}

void py_clear(void) { memset(&py_error, 0, sizeof py_error); }

/* --- encode and decode ------------------------------------------------------------------ */

/* Python's codec name (any case, _ or -) as iconv's, and as Python names it in messages. */
static const char *codec(const char *enc, const char **pyname)
{
    static const struct { const char *py, *alias1, *alias2, *iconv; } codecs[] = {
        {"utf-8", "utf8", "u8", "UTF-8"}, {"gbk", "cp936", "ms936", "GBK"}, {"gb2312", "euc-cn", "euc_cn", "GB2312"},
        {"gb18030", "gb18030-2000", NULL, "GB18030"}, {"ascii", "us-ascii", "646", "ASCII"},
        {"latin-1", "latin1", "iso-8859-1", "ISO-8859-1"}, {"big5", "big5-tw", NULL, "BIG5"},
        {"utf-16", "utf16", NULL, "UTF-16"}, {"utf-16-le", "utf-16le", NULL, "UTF-16LE"}, {"utf-16-be", "utf-16be", NULL, "UTF-16BE"},
    };
    char norm[32];
    size_t k = 0;
    for (const char *p = enc; *p && k + 1 < sizeof norm; p++) norm[k++] = *p == '_' || *p == ' ' ? '-' : (char)(*p | (*p >= 'A' && *p <= 'Z' ? 0x20 : 0));
    norm[k] = 0;
    for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
        if (!strcmp(norm, codecs[i].py) || (codecs[i].alias1 && !strcmp(norm, codecs[i].alias1)) ||
            (codecs[i].alias2 && !strcmp(norm, codecs[i].alias2))) {
            *pyname = codecs[i].py;
            return codecs[i].iconv;
        }
    return NULL;
}

/* Why a UTF-8 decoder stops at p: Python's words. */
static const char *utf8_why(const unsigned char *p, size_t n)
{
    size_t k;
    if ((p[0] & 0xc0) == 0x80 || p[0] >= 0xf5 || p[0] == 0xc0 || p[0] == 0xc1) return "invalid start byte";
    k = (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : 4;
    for (size_t i = 1; i < k; i++) {
        if (i >= n) return "unexpected end of data";
        if ((p[i] & 0xc0) != 0x80) return "invalid continuation byte";
    }
    return "invalid continuation byte";
}

py_val *pv_convert(const py_val *v, const char *enc, int encode)
{
    const char *name, *ic = codec(enc, &name);
    char *out;
    size_t outn;
    long bad;
    py_val *r;
    if (!ic) return py_raise("LookupError", "unknown encoding: %s", enc);
    if (encoding_convert(encode ? "UTF-8" : ic, encode ? ic : "UTF-8", v->s, v->n, &out, &outn, &bad) < 0) {
        const unsigned char *p = (const unsigned char *)v->s + (bad < 0 ? 0 : bad);
        if (bad < 0) return py_raise("LookupError", "unknown encoding: %s", enc);
        if (encode) {
            int k;
            long c = encoding_utf8_get(p, v->n - (size_t)bad, &k);
            if (c < 0) c = p[0];
            return py_raise("UnicodeEncodeError", "'%s' codec can't encode character '\\%s%0*lx' in position %zu: %s", name,
                            c > 0xffff ? "U" : c > 0xff ? "u" : "x", c > 0xffff ? 8 : c > 0xff ? 4 : 2, c,
                            encoding_utf8_count(v->s, (size_t)bad),
                            !strcmp(name, "ascii") ? "ordinal not in range(128)" : !strcmp(name, "latin-1") ? "ordinal not in range(256)"
                                                                                               : "illegal multibyte sequence");
        }
        return py_raise("UnicodeDecodeError", "'%s' codec can't decode byte 0x%02x in position %ld: %s", name, p[0], bad,
                        !strcmp(name, "utf-8") ? utf8_why(p, v->n - (size_t)bad)
                        : !strcmp(name, "ascii") ? "ordinal not in range(128)"
                        : (size_t)bad + 1 >= v->n ? "incomplete multibyte sequence" : "illegal multibyte sequence");
    }
    r = encode ? pv_bytes(out, outn) : pv_str(out, outn);
    free(out);
    return r;
}
