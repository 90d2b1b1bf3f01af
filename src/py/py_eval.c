/* py_eval.c — evaluating the course's Python: names (the session's sockets first, then
 * the line's variables, then the builtins), operators with Python's rules and messages,
 * print/input/int/str/len/bytes…, str and bytes methods, %-formatting and str.format. */
#include "py/py_eval.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/jobs.h"
#include "core/registry.h"
#include "lang/encoding.h"
#include "py/py_sock.h"
#include "report/out.h"

char *(*py_read_line)(const char *prompt);
int py_quit;

/* --- the variables -------------------------------------------------------------------- */

typedef struct {
    char *name;
    py_val *v;
} var;

static var *vars;
static size_t nvars, capvars;

/* Every name a Python line bound, deleted or is waiting to bind (a '&' line): typed alone
 * and undefined, such a name is Python's NameError, any other word an unknown command. */
static char **known;
static size_t nknown;

void py_mark_known(const char *name)
{
    char **n;
    if (py_known(name) || !(n = realloc(known, (nknown + 1) * sizeof *n))) return;
    known = n;
    if ((known[nknown] = strdup(name))) nknown++;
}

int py_known(const char *name)
{
    for (size_t i = 0; i < nknown; i++)
        if (!strcmp(known[i], name)) return 1;
    return 0;
}

static var *find_var(const char *name)
{
    for (size_t i = 0; i < nvars; i++)
        if (!strcmp(vars[i].name, name)) return &vars[i];
    return NULL;
}

static int set_var(const char *name, py_val *v)
{
    var *x = find_var(name);
    if (x) {
        pv_unref(x->v);
        x->v = pv_ref(v);
        return 0;
    }
    if (nvars == capvars) {
        var *n = realloc(vars, (capvars + 16) * sizeof *n);
        if (!n) { py_raise("MemoryError", "out of memory"); return -1; }
        vars = n;
        capvars += 16;
    }
    if (!(vars[nvars].name = strdup(name))) { py_raise("MemoryError", "out of memory"); return -1; }
    vars[nvars++].v = pv_ref(v);
    return 0;
}

static void del_var(const char *name)
{
    var *x = find_var(name);
    if (!x) return;
    free(x->name);
    pv_unref(x->v);
    *x = vars[--nvars];
}

void py_names_free(void)
{
    for (size_t i = 0; i < nknown; i++) free(known[i]);
    free(known);
    known = NULL;
    nknown = 0;
    for (size_t i = 0; i < nvars; i++) {
        free(vars[i].name);
        pv_unref(vars[i].v);
    }
    free(vars);
    vars = NULL;
    nvars = capvars = 0;
}

void py_remember_closed(const char *name, int fd, unsigned long serial, int family, int type)
{
    py_val *v;
    if (!name[0] || registry_by_name(name) || find_var(name)) return;
    if ((v = pv_sock(fd, serial, family, type))) {
        set_var(name, v);
        pv_unref(v);
    }
    py_clear();
}

/* --- the builtins ------------------------------------------------------------------------ */

static int no_kw(const char *fn, char **kw, int n)
{
    for (int i = 0; i < n; i++)
        if (kw[i]) {
            py_raise("TypeError", "%s() takes no keyword arguments", fn);
            return -1;
        }
    return 0;
}

static int nargs(const char *fn, int lo, int hi, int n)
{
    if (n >= lo && n <= hi) return 0;
    if (lo == hi) py_raise("TypeError", "%s() takes exactly %s argument%s (%d given)", fn, lo == 1 ? "one" : "two", lo == 1 ? "" : "s", n);
    else if (n < lo) py_raise("TypeError", "%s expected at least %d argument%s, got %d", fn, lo, lo == 1 ? "" : "s", n);
    else py_raise("TypeError", "%s expected at most %d argument%s, got %d", fn, hi, hi == 1 ? "" : "s", n);
    return -1;
}

/* Writes text as print() does, but a control byte other than \n and \t (an escape
 * sequence a peer sent) as \xHH: the terminal shows it, never obeys it. */
static void put_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) printf("\\x%02x", c);
        else putchar(c);
    }
}

static py_val *b_print(py_val *self, py_val **a, char **kw, int n)
{
    const char *sep = " ", *end = "\n";
    int first = 1;
    (void)self;
    for (int i = 0; i < n; i++) {
        if (!kw[i]) continue;
        if (strcmp(kw[i], "sep") && strcmp(kw[i], "end") && strcmp(kw[i], "flush") && strcmp(kw[i], "file"))
            return py_raise("TypeError", "'%s' is an invalid keyword argument for print()", kw[i]);
        if (!strcmp(kw[i], "file")) return py_raise("OSError", "%s", TR("sockplay prints to the screen only", "sockplay 只打印到屏幕"));
        if (!strcmp(kw[i], "flush")) continue;
        if (a[i]->t != PV_STR && a[i]->t != PV_NONE)
            return py_raise("TypeError", "%s must be None or a string, not %s", kw[i], pv_type_name(a[i]));
        if (a[i]->t == PV_STR) *(!strcmp(kw[i], "sep") ? &sep : &end) = a[i]->s;
    }
    for (int i = 0; i < n; i++) {
        char *t;
        if (kw[i]) continue;
        if (!(t = pv_str_of(a[i]))) return py_raise("MemoryError", "out of memory");
        if (!first) put_text(sep, strlen(sep));
        put_text(t, strlen(t));
        free(t);
        first = 0;
    }
    put_text(end, strlen(end));
    fflush(stdout);
    return pv_none();
}

static py_val *b_input(py_val *self, py_val **a, char **kw, int n)
{
    char *p = NULL, *line;
    py_val *r;
    (void)self;
    if (no_kw("input", kw, n) < 0 || nargs("input", 0, 1, n) < 0) return NULL;
    if (n && !(p = pv_str_of(a[0]))) return py_raise("MemoryError", "out of memory");
    line = py_read_line ? py_read_line(p ? p : "") : NULL;
    free(p);
    if (!line) return py_raise("EOFError", "EOF when reading a line");
    r = pv_cstr(line);
    free(line);
    return r;
}

/* int("42"), int(b" 42 "), int(3.9), int("ff", 16). */
static py_val *b_int(py_val *self, py_val **a, char **kw, int n)
{
    long long base = 10;
    (void)self;
    if (no_kw("int", kw, n) < 0 || nargs("int", 0, 2, n) < 0) return NULL;
    if (!n) return pv_int(0);
    if (n == 2) {
        if (a[1]->t != PV_INT) return py_raise("TypeError", "'%s' object cannot be interpreted as an integer", pv_type_name(a[1]));
        base = a[1]->i;
        if (base != 0 && (base < 2 || base > 36)) return py_raise("ValueError", "int() base must be >= 2 and <= 36, or 0");
        if (a[0]->t != PV_STR && a[0]->t != PV_BYTES) return py_raise("TypeError", "int() can't convert non-string with explicit base");
    }
    switch (a[0]->t) {
    case PV_INT: case PV_BOOL: return pv_int(a[0]->i);
    case PV_FLOAT:
        if (a[0]->f != a[0]->f) return py_raise("ValueError", "cannot convert float NaN to integer");
        if (fabs(a[0]->f) > 9.2e18) return py_raise("OverflowError", "cannot convert float infinity to integer");
        return pv_int((long long)a[0]->f);
    case PV_STR: case PV_BYTES: {
        char buf[80], *e;
        size_t k = 0;
        const char *s = a[0]->s, *t = a[0]->s + a[0]->n;
        long long v;
        char *r;
        while (s < t && strchr(" \t\n\r\f\v", *s)) s++;
        while (t > s && strchr(" \t\n\r\f\v", t[-1])) t--;
        for (const char *p = s; p < t && k + 1 < sizeof buf; p++)
            if (*p != '_' || (p > s && p + 1 < t && p[-1] != '_' && p[1] != '_')) buf[k++] = *p;
        buf[k] = 0;
        errno = 0;
        v = strtoll(buf, &e, (int)base);
        if (k == 0 || *e || e == buf || (size_t)(t - s) >= sizeof buf - 1 || strchr(buf, ' ')) {
            if (!(r = pv_repr(a[0]))) return py_raise("MemoryError", "out of memory");
            py_raise("ValueError", "invalid literal for int() with base %lld: %s", base, r);
            free(r);
            return NULL;
        }
        if (errno == ERANGE) return py_raise("OverflowError", "int too large for sockplay");
        return pv_int(v);
    }
    default: return py_raise("TypeError", "int() argument must be a string, a bytes-like object or a real number, not '%s'", pv_type_name(a[0]));
    }
}

static py_val *b_float(py_val *self, py_val **a, char **kw, int n)
{
    (void)self;
    if (no_kw("float", kw, n) < 0 || nargs("float", 0, 1, n) < 0) return NULL;
    if (!n) return pv_float(0);
    if (a[0]->t == PV_INT || a[0]->t == PV_BOOL) return pv_float((double)a[0]->i);
    if (a[0]->t == PV_FLOAT) return pv_ref(a[0]);
    if (a[0]->t == PV_STR || a[0]->t == PV_BYTES) {
        char *e;
        double f = strtod(a[0]->s, &e);
        while (*e == ' ' || *e == '\n' || *e == '\t') e++;
        if (e == a[0]->s || *e) {
            char *r = pv_repr(a[0]);
            py_raise("ValueError", "could not convert string to float: %s", r ? r : "");
            free(r);
            return NULL;
        }
        return pv_float(f);
    }
    return py_raise("TypeError", "float() argument must be a string or a real number, not '%s'", pv_type_name(a[0]));
}

static py_val *b_str(py_val *self, py_val **a, char **kw, int n)
{
    char *t;
    py_val *r;
    (void)self;
    if (no_kw("str", kw, n) < 0 || nargs("str", 0, 2, n) < 0) return NULL;
    if (!n) return pv_str("", 0);
    if (n == 2) {
        if (a[0]->t != PV_BYTES) return py_raise("TypeError", "decoding str is not supported");
        if (a[1]->t != PV_STR) return py_raise("TypeError", "str() argument 'encoding' must be str, not %s", pv_type_name(a[1]));
        return pv_convert(a[0], a[1]->s, 0);
    }
    if (!(t = pv_str_of(a[0]))) return py_raise("MemoryError", "out of memory");
    r = pv_cstr(t);
    free(t);
    return r;
}

static py_val *b_repr(py_val *self, py_val **a, char **kw, int n)
{
    char *t;
    py_val *r;
    (void)self;
    if (no_kw("repr", kw, n) < 0 || nargs("repr", 1, 1, n) < 0) return NULL;
    if (!(t = pv_repr(a[0]))) return py_raise("MemoryError", "out of memory");
    r = pv_cstr(t);
    free(t);
    return r;
}

static py_val *b_len(py_val *self, py_val **a, char **kw, int n)
{
    (void)self;
    if (no_kw("len", kw, n) < 0 || nargs("len", 1, 1, n) < 0) return NULL;
    switch (a[0]->t) {
    case PV_STR: return pv_int((long long)encoding_utf8_count(a[0]->s, a[0]->n));
    case PV_BYTES: case PV_TUPLE: case PV_LIST: return pv_int((long long)a[0]->n);
    default: return py_raise("TypeError", "object of type '%s' has no len()", pv_type_name(a[0]));
    }
}

static py_val *b_bytes(py_val *self, py_val **a, char **kw, int n)
{
    (void)self;
    if (no_kw("bytes", kw, n) < 0 || nargs("bytes", 0, 2, n) < 0) return NULL;
    if (!n) return pv_bytes("", 0);
    if (a[0]->t == PV_STR) {
        if (n < 2) return py_raise("TypeError", "string argument without an encoding");
        if (a[1]->t != PV_STR) return py_raise("TypeError", "bytes() argument 'encoding' must be str, not %s", pv_type_name(a[1]));
        return pv_convert(a[0], a[1]->s, 1);
    }
    if (a[0]->t == PV_BYTES) return pv_ref(a[0]);
    if (a[0]->t == PV_INT) {
        py_val *r;
        char *z;
        if (a[0]->i < 0) return py_raise("ValueError", "negative count");
        if (a[0]->i > (16 << 20)) return py_raise("MemoryError", "%s", TR("sockplay makes bytes of at most 16 MiB", "sockplay 最多生成 16 MiB 的字节"));
        if (!(z = calloc(1, (size_t)a[0]->i + 1))) return py_raise("MemoryError", "out of memory");
        r = pv_bytes(z, (size_t)a[0]->i);
        free(z);
        return r;
    }
    return py_raise("TypeError", "cannot convert '%s' object to bytes", pv_type_name(a[0]));
}

static py_val *b_bool(py_val *self, py_val **a, char **kw, int n)
{
    (void)self;
    if (no_kw("bool", kw, n) < 0 || nargs("bool", 0, 1, n) < 0) return NULL;
    return pv_bool(n ? pv_truth(a[0]) : 0);
}

static py_val *b_hex(py_val *self, py_val **a, char **kw, int n)
{
    char b[32];
    (void)self;
    if (no_kw("hex", kw, n) < 0 || nargs("hex", 1, 1, n) < 0) return NULL;
    if (a[0]->t != PV_INT && a[0]->t != PV_BOOL) return py_raise("TypeError", "'%s' object cannot be interpreted as an integer", pv_type_name(a[0]));
    snprintf(b, sizeof b, "%s0x%llx", a[0]->i < 0 ? "-" : "", a[0]->i < 0 ? 0ULL - (unsigned long long)a[0]->i : (unsigned long long)a[0]->i);
    return pv_cstr(b);
}

static py_val *b_ord(py_val *self, py_val **a, char **kw, int n)
{
    const unsigned char *p;
    (void)self;
    if (no_kw("ord", kw, n) < 0 || nargs("ord", 1, 1, n) < 0) return NULL;
    p = (const unsigned char *)a[0]->s;
    if (a[0]->t == PV_BYTES) {
        if (a[0]->n != 1) return py_raise("TypeError", "ord() expected a character, but string of length %zu found", a[0]->n);
        return pv_int(p[0]);
    }
    if (a[0]->t != PV_STR) return py_raise("TypeError", "ord() expected string of length 1, but %s found", pv_type_name(a[0]));
    if (encoding_utf8_count(a[0]->s, a[0]->n) != 1) return py_raise("TypeError", "ord() expected a character, but string of length %zu found", encoding_utf8_count(a[0]->s, a[0]->n));
    {
        int k;
        long c = encoding_utf8_get(p, a[0]->n, &k);
        return pv_int(c < 0 ? p[0] : c);
    }
}

static py_val *b_chr(py_val *self, py_val **a, char **kw, int n)
{
    char b[5];
    long long c;
    size_t k = 0;
    (void)self;
    if (no_kw("chr", kw, n) < 0 || nargs("chr", 1, 1, n) < 0) return NULL;
    if (a[0]->t != PV_INT) return py_raise("TypeError", "'%s' object cannot be interpreted as an integer", pv_type_name(a[0]));
    c = a[0]->i;
    if (c < 0 || c > 0x10ffff) return py_raise("ValueError", "chr() arg not in range(0x110000)");
    if (c >= 0xd800 && c <= 0xdfff) return py_raise("ValueError", "%s", TR("sockplay keeps text as UTF-8: no lone surrogates", "sockplay 以 UTF-8 保存文本：不支持单独的代理码点"));
    k = encoding_utf8_put((unsigned long)c, (unsigned char *)b);
    return pv_str(b, k);
}

static py_val *b_exit(py_val *self, py_val **a, char **kw, int n)
{
    (void)self; (void)a; (void)kw; (void)n;
    py_quit = 1;
    return pv_none();
}

static const py_fn builtins[] = {
    {"print", b_print, "print(values…): show them, separated by spaces", "print(值…)：用空格隔开打印", NULL},
    {"input", b_input, "input(prompt): read a line typed", "input(提示)：读入一行输入", NULL},
    {"int", b_int, "int(text): a whole number", "int(文本)：整数", NULL},
    {"str", b_str, "str(value): as text", "str(值)：转为文本", NULL},
    {"len", b_len, "len(value): how many bytes, characters or items", "len(值)：字节数、字符数或元素个数", NULL},
    {"bytes", b_bytes, "bytes(text, encoding)", "bytes(文本, 编码)", NULL},
    {"repr", b_repr, "repr(value): as Python writes it", "repr(值)：Python 的写法", NULL},
    {"float", b_float, "float(value)", "float(值)", NULL},
    {"bool", b_bool, "bool(value)", "bool(值)", NULL},
    {"hex", b_hex, "hex(number)", "hex(数字)", NULL},
    {"ord", b_ord, "ord(character): its code", "ord(字符)：字符的编码", NULL},
    {"chr", b_chr, "chr(code): its character", "chr(编码)：对应的字符", NULL},
    {"exit", b_exit, "leave sockplay", "退出 sockplay", NULL},
    {"quit", b_exit, "leave sockplay", "退出 sockplay", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* Builtins Python has and sockplay does not run: a call to one is refused before the line runs. */
static const char *const outside_builtins[] = {
    "open", "eval", "exec", "compile", "__import__", "globals", "locals", "vars", "dir", "getattr", "setattr", "delattr",
    "range", "dict", "set", "frozenset", "map", "filter", "sorted", "reversed", "sum", "min", "max", "enumerate", "zip", "iter",
    "next", "abs", "round", "divmod", "pow", "format", "id", "hash", "type", "isinstance", "issubclass", "super", "object",
    "callable", "breakpoint", "memoryview", "bytearray", "list", "tuple", "any", "all", "oct", "bin", "ascii", "help",
    "classmethod", "staticmethod", "property", "slice", "complex", "aiter", "anext", NULL};

int py_outside_call(const char *name)
{
    if (registry_by_name(name) || find_var(name)) return 0;
    for (int i = 0; outside_builtins[i]; i++)
        if (!strcmp(outside_builtins[i], name)) return 1;
    return 0;
}

py_val *py_lookup(const char *name)
{
    sp_sock *s = registry_by_name(name);
    var *x;
    if (s) return py_sock_value(s);
    if ((x = find_var(name))) return pv_ref(x->v);
    for (const py_fn *f = builtins; f->name; f++)
        if (!strcmp(f->name, name)) return pv_func(f);
    return NULL;
}

const py_fn *py_builtin_at(size_t i) { return i < sizeof builtins / sizeof builtins[0] - 1 ? &builtins[i] : NULL; }

const char *py_name_at(size_t i)
{
    if (i < nvars) return vars[i].name;
    i -= nvars;
    for (const py_fn *f = builtins; f->name; f++, i--)
        if (!i) return f->name;
    return NULL;
}

/* --- str and bytes methods -------------------------------------------------------------- */

static py_val *format_braces(const py_val *fmt, py_val **a, char **kw, int n);

static py_val *s_encode(py_val *self, py_val **a, char **kw, int n)
{
    const char *enc = "utf-8";
    for (int i = 0; i < n; i++) {
        if (kw[i] && strcmp(kw[i], "encoding") && strcmp(kw[i], "errors"))
            return py_raise("TypeError", "encode() got an unexpected keyword argument '%s'", kw[i]);
        if (a[i]->t != PV_STR) return py_raise("TypeError", "encode() argument '%s' must be str, not %s", kw[i] ? kw[i] : i ? "errors" : "encoding", pv_type_name(a[i]));
        if ((kw[i] && !strcmp(kw[i], "errors")) || (!kw[i] && i == 1)) {
            if (strcmp(a[i]->s, "strict")) return py_raise("LookupError", "%s", TR("sockplay encodes with errors='strict' only", "sockplay 只支持 errors='strict'"));
            continue;
        }
        enc = a[i]->s;
    }
    if (n > 2) return py_raise("TypeError", "encode() takes at most 2 arguments (%d given)", n);
    return pv_convert(self, enc, self->t == PV_STR);
}

static py_val *s_format(py_val *self, py_val **a, char **kw, int n) { return format_braces(self, a, kw, n); }

/* strip/lstrip/rstrip: whitespace, or the characters given (ASCII ones). */
static py_val *strip_any(py_val *self, py_val **a, int n, int left, int right)
{
    const char *chars = " \t\n\r\f\v", *s = self->s, *e = self->s + self->n;
    if (n && a[0]->t != PV_NONE) {
        if (a[0]->t != self->t) return py_raise("TypeError", "strip arg must be None or %s", self->t == PV_STR ? "str" : "bytes");
        chars = a[0]->s;
    }
    while (left && s < e && *s && strchr(chars, *s)) s++;
    while (right && e > s && e[-1] && strchr(chars, e[-1])) e--;
    return self->t == PV_STR ? pv_str(s, (size_t)(e - s)) : pv_bytes(s, (size_t)(e - s));
}
static py_val *s_strip(py_val *self, py_val **a, char **kw, int n) { (void)kw; return nargs("strip", 0, 1, n) < 0 ? NULL : strip_any(self, a, n, 1, 1); }
static py_val *s_lstrip(py_val *self, py_val **a, char **kw, int n) { (void)kw; return nargs("lstrip", 0, 1, n) < 0 ? NULL : strip_any(self, a, n, 1, 0); }
static py_val *s_rstrip(py_val *self, py_val **a, char **kw, int n) { (void)kw; return nargs("rstrip", 0, 1, n) < 0 ? NULL : strip_any(self, a, n, 0, 1); }

static py_val *change_case(py_val *self, int upper)
{
    py_val *r = self->t == PV_STR ? pv_str(self->s, self->n) : pv_bytes(self->s, self->n);
    if (r)
        for (size_t i = 0; i < r->n; i++)
            if (upper ? (r->s[i] >= 'a' && r->s[i] <= 'z') : (r->s[i] >= 'A' && r->s[i] <= 'Z')) r->s[i] ^= 0x20;
    return r;
}
static py_val *s_upper(py_val *self, py_val **a, char **kw, int n) { (void)a; (void)kw; return nargs("upper", 0, 0, n) < 0 ? NULL : change_case(self, 1); }
static py_val *s_lower(py_val *self, py_val **a, char **kw, int n) { (void)a; (void)kw; return nargs("lower", 0, 0, n) < 0 ? NULL : change_case(self, 0); }

static int same_kind(const py_val *self, const py_val *arg, const char *fn)
{
    if (arg->t == self->t) return 0;
    if (self->t == PV_STR) py_raise("TypeError", "must be str, not %s", pv_type_name(arg));
    else py_raise("TypeError", "a bytes-like object is required, not '%s'", pv_type_name(arg));
    (void)fn;
    return -1;
}

static py_val *ends(py_val *self, py_val **a, int n, int start, const char *fn)
{
    if (nargs(fn, 1, 1, n) < 0 || same_kind(self, a[0], fn) < 0) return NULL;
    if (a[0]->n > self->n) return pv_bool(0);
    return pv_bool(!memcmp(start ? self->s : self->s + self->n - a[0]->n, a[0]->s, a[0]->n));
}
static py_val *s_startswith(py_val *self, py_val **a, char **kw, int n) { (void)kw; return ends(self, a, n, 1, "startswith"); }
static py_val *s_endswith(py_val *self, py_val **a, char **kw, int n) { (void)kw; return ends(self, a, n, 0, "endswith"); }

static py_val *s_replace(py_val *self, py_val **a, char **kw, int n)
{
    char *out, *o;
    size_t cnt = 0;
    py_val *r;
    (void)kw;
    if (nargs("replace", 2, 2, n) < 0 || same_kind(self, a[0], "replace") < 0 || same_kind(self, a[1], "replace") < 0) return NULL;
    if (!a[0]->n) return pv_ref(self);
    for (const char *p = self->s; (p = memmem(p, self->n - (size_t)(p - self->s), a[0]->s, a[0]->n)); p += a[0]->n) cnt++;
    if (!(out = malloc(self->n + cnt * a[1]->n + 1))) return py_raise("MemoryError", "out of memory");
    o = out;
    for (const char *p = self->s, *q; p < self->s + self->n; p = q + a[0]->n) {
        q = memmem(p, self->n - (size_t)(p - self->s), a[0]->s, a[0]->n);
        if (!q) { memcpy(o, p, self->n - (size_t)(p - self->s)); o += self->n - (size_t)(p - self->s); break; }
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, a[1]->s, a[1]->n);
        o += a[1]->n;
    }
    r = self->t == PV_STR ? pv_str(out, (size_t)(o - out)) : pv_bytes(out, (size_t)(o - out));
    free(out);
    return r;
}

static py_val *s_split(py_val *self, py_val **a, char **kw, int n)
{
    py_val **parts = NULL, *r;
    size_t np = 0;
    const char *p = self->s, *e = self->s + self->n;
    (void)kw;
    if (nargs("split", 0, 1, n) < 0) return NULL;
    if (n && a[0]->t != PV_NONE && same_kind(self, a[0], "split") < 0) return NULL;
    if (n && a[0]->t != PV_NONE && !a[0]->n) return py_raise("ValueError", "empty separator");
    while (p <= e) {
        const char *q;
        if (!n || a[0]->t == PV_NONE) {
            while (p < e && *p && strchr(" \t\n\r\f\v", *p)) p++;
            if (p >= e) break;
            for (q = p; q < e && !(*q && strchr(" \t\n\r\f\v", *q)); q++) {}
        } else {
            q = memmem(p, (size_t)(e - p), a[0]->s, a[0]->n);
            if (!q) q = e;
        }
        if (!(np & 63)) {
            py_val **g = realloc(parts, (np + 64) * sizeof *g);
            if (!g) { while (np) pv_unref(parts[--np]); free(parts); return py_raise("MemoryError", "out of memory"); }
            parts = g;
        }
        parts[np] = self->t == PV_STR ? pv_str(p, (size_t)(q - p)) : pv_bytes(p, (size_t)(q - p));
        if (!parts[np]) { while (np) pv_unref(parts[--np]); free(parts); return NULL; }
        np++;
        p = q + (n && a[0]->t != PV_NONE ? a[0]->n : 0);
        if (q == e) break;
    }
    if (!(r = pv_list(np))) { while (np) pv_unref(parts[--np]); free(parts); return NULL; }
    for (size_t i = 0; i < np; i++) r->items[i] = parts[i];
    free(parts);
    return r;
}

static py_val *s_join(py_val *self, py_val **a, char **kw, int n)
{
    size_t len = 0;
    char *out, *o;
    py_val *r;
    (void)kw;
    if (nargs("join", 1, 1, n) < 0) return NULL;
    if (a[0]->t != PV_TUPLE && a[0]->t != PV_LIST) return py_raise("TypeError", "can only join an iterable");
    for (size_t i = 0; i < a[0]->n; i++) {
        if (a[0]->items[i]->t != self->t)
            return py_raise("TypeError", "sequence item %zu: expected %s instance, %s found", i, self->t == PV_STR ? "str" : "a bytes-like object", pv_type_name(a[0]->items[i]));
        len += a[0]->items[i]->n + self->n;
    }
    if (!(out = malloc(len + 1))) return py_raise("MemoryError", "out of memory");
    o = out;
    for (size_t i = 0; i < a[0]->n; i++) {
        if (i) { memcpy(o, self->s, self->n); o += self->n; }
        memcpy(o, a[0]->items[i]->s, a[0]->items[i]->n);
        o += a[0]->items[i]->n;
    }
    r = self->t == PV_STR ? pv_str(out, (size_t)(o - out)) : pv_bytes(out, (size_t)(o - out));
    free(out);
    return r;
}

static const py_fn str_methods[] = {
    {"encode", s_encode, "encode(encoding): the text as bytes", "encode(编码)：把文本变成字节", NULL},
    {"format", s_format, "format(values…): fill the {}", "format(值…)：填入 {}", NULL},
    {"strip", s_strip, "without the blanks around", "去掉两端空白", NULL}, {"lstrip", s_lstrip, "", "", NULL}, {"rstrip", s_rstrip, "", "", NULL},
    {"upper", s_upper, "", "", NULL}, {"lower", s_lower, "", "", NULL}, {"split", s_split, "", "", NULL}, {"join", s_join, "", "", NULL},
    {"startswith", s_startswith, "", "", NULL}, {"endswith", s_endswith, "", "", NULL}, {"replace", s_replace, "", "", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static const py_fn bytes_methods[] = {
    {"decode", s_encode, "decode(encoding): the bytes as text", "decode(编码)：把字节变成文本", NULL},
    {"strip", s_strip, "", "", NULL}, {"lstrip", s_lstrip, "", "", NULL}, {"rstrip", s_rstrip, "", "", NULL}, {"upper", s_upper, "", "", NULL},
    {"lower", s_lower, "", "", NULL}, {"split", s_split, "", "", NULL}, {"join", s_join, "", "", NULL}, {"startswith", s_startswith, "", "", NULL},
    {"endswith", s_endswith, "", "", NULL}, {"replace", s_replace, "", "", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

const char *py_attr_at(const py_val *v, size_t i)
{
    const py_fn *t = v->t == PV_SOCK ? py_sock_methods : v->t == PV_STR ? str_methods : v->t == PV_BYTES ? bytes_methods : NULL;
    if (v->t == PV_MODULE) return py_sock_attr_name(i);
    for (; t && t->name; t++, i--)
        if (!i) return t->name;
    return NULL;
}

static py_val *attribute(py_val *v, const char *name)
{
    const py_fn *t = v->t == PV_STR ? str_methods : v->t == PV_BYTES ? bytes_methods : NULL;
    py_val *m;
    if (v->t == PV_MODULE) return py_sock_attr(name);
    if (v->t == PV_SOCK) {
        if ((m = py_sock_method(v, name))) return m;
        if (!strcmp(name, "family") || !strcmp(name, "type")) {
            py_val *r = py_sock_attr(!strcmp(name, "type") ? (v->type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM")
                                                          : (v->family == AF_INET ? "AF_INET" : v->family == AF_INET6 ? "AF_INET6" : "AF_UNIX"));
            return r;
        }
    }
    for (; t && t->name; t++)
        if (!strcmp(t->name, name)) return pv_method(t, pv_ref(v));
    return py_raise("AttributeError", "'%s' object has no attribute '%s'", pv_type_name(v), name);
}

/* --- formatting ------------------------------------------------------------------------------ */

static py_val *obuf_str(py_buf *o, int bytes)
{
    py_val *r;
    if (o->oom) { free(o->b); return py_raise("MemoryError", "out of memory"); }
    r = bytes ? pv_bytes(o->b ? o->b : "", o->n) : pv_str(o->b ? o->b : "", o->n);
    free(o->b);
    return r;
}

/* One value as str() or repr() into o. */
static int put_value(py_buf *o, const py_val *v, int repr)
{
    char *t = repr ? pv_repr(v) : pv_str_of(v);
    if (!t) { py_raise("MemoryError", "out of memory"); return -1; }
    py_buf_put(o, t, strlen(t));
    free(t);
    return 0;
}

/* "%s:%d" % (a, b): s r d i x X o f e g c and %%, with flags, width and precision. */
static py_val *format_percent(const py_val *fmt, const py_val *args)
{
    py_buf o = {0};
    size_t ai = 0, nargs_ = args->t == PV_TUPLE ? args->n : 1;
    const char *p = fmt->s, *e = fmt->s + fmt->n;
    while (p < e) {
        const char *q = memchr(p, '%', (size_t)(e - p));
        char spec[32], conv, tmp[128];
        size_t k = 0;
        const py_val *v;
        if (!q) { py_buf_put(&o, p, (size_t)(e - p)); break; }
        py_buf_put(&o, p, (size_t)(q - p));
        p = q + 1;
        spec[k++] = '%';
        while (p < e && strchr("-+ #0", *p) && k < 8) spec[k++] = *p++;
        while (p < e && *p >= '0' && *p <= '9' && k < 16) spec[k++] = *p++;
        if (p < e && *p == '.') { spec[k++] = *p++; while (p < e && *p >= '0' && *p <= '9' && k < 24) spec[k++] = *p++; }
        if (p >= e) { free(o.b); return py_raise("ValueError", "incomplete format"); }
        conv = *p++;
        if (conv == '%') { py_buf_put(&o, "%", 1); continue; }
        if (!strchr("srdixXofeEgGca", conv)) { free(o.b); return py_raise("ValueError", "unsupported format character '%c' (0x%x) at index %zu", conv, conv, (size_t)(p - fmt->s - 1)); }
        if (ai >= nargs_) { free(o.b); return py_raise("TypeError", "not enough arguments for format string"); }
        v = args->t == PV_TUPLE ? args->items[ai++] : (ai++, args);
        spec[k] = 0;
        if (conv == 's' || conv == 'r' || conv == 'a') {
            char *t = conv == 's' ? pv_str_of(v) : pv_repr(v);
            if (!t) { free(o.b); return py_raise("MemoryError", "out of memory"); }
            if (k > 1) {
                /* Width counts characters, as Python does. */
                int width = atoi(spec + 1 + (spec[1] == '-')), left = spec[1] == '-';
                int chars = (int)encoding_utf8_count(t, strlen(t));
                if (!left) for (int i = chars; i < width; i++) py_buf_put(&o, " ", 1);
                py_buf_put(&o, t, strlen(t));
                if (left) for (int i = chars; i < width; i++) py_buf_put(&o, " ", 1);
            } else {
                py_buf_put(&o, t, strlen(t));
            }
            free(t);
            continue;
        }
        if (conv == 'c') {
            if (v->t == PV_STR) py_buf_put(&o, v->s, v->n);
            else if (v->t == PV_INT && v->i >= 0 && v->i < 128) { char c = (char)v->i; py_buf_put(&o, &c, 1); }
            else { free(o.b); return py_raise("TypeError", "%%c requires int or char"); }
            continue;
        }
        if (v->t != PV_INT && v->t != PV_BOOL && v->t != PV_FLOAT) {
            free(o.b);
            return py_raise("TypeError", "%%%c format: %s is required, not %s", conv,
                            strchr("xXo", conv) ? "an integer" : "a real number", pv_type_name(v));
        }
        if (strchr("dixXo", conv)) {
            long long i = v->t == PV_FLOAT ? (long long)v->f : v->i;
            if (v->t == PV_FLOAT && strchr("xXo", conv)) { free(o.b); return py_raise("TypeError", "%%%c format: an integer is required, not float", conv); }
            spec[k++] = 'l'; spec[k++] = 'l'; spec[k++] = conv == 'i' ? 'd' : conv; spec[k] = 0;
            snprintf(tmp, sizeof tmp, spec, i);
        } else {
            double f = v->t == PV_FLOAT ? v->f : (double)v->i;
            spec[k++] = conv; spec[k] = 0;
            snprintf(tmp, sizeof tmp, spec, f);
        }
        py_buf_put(&o, tmp, strlen(tmp));
    }
    if (ai < nargs_ && args->t == PV_TUPLE) { free(o.b); return py_raise("TypeError", "not all arguments converted during string formatting"); }
    return obuf_str(&o, fmt->t == PV_BYTES);
}

/* "{} {0} {name!r}".format(…): fields without a format spec. */
static py_val *format_braces(const py_val *fmt, py_val **a, char **kw, int n)
{
    py_buf o = {0};
    int auto_i = 0, npos = 0;
    const char *p = fmt->s, *e = fmt->s + fmt->n;
    if (fmt->t != PV_STR) return py_raise("AttributeError", "'bytes' object has no attribute 'format'");
    for (int i = 0; i < n; i++) npos += !kw[i];
    while (p < e) {
        const char *q = p;
        char field[64];
        size_t k = 0;
        int repr = 0;
        const py_val *v = NULL;
        while (q < e && *q != '{' && *q != '}') q++;
        py_buf_put(&o, p, (size_t)(q - p));
        if (q >= e) break;
        if (q + 1 < e && q[1] == *q) { py_buf_put(&o, q, 1); p = q + 2; continue; }
        if (*q == '}') { free(o.b); return py_raise("ValueError", "Single '}' encountered in format string"); }
        p = q + 1;
        while (p < e && *p != '}' && *p != '!' && *p != ':' && k + 1 < sizeof field) field[k++] = *p++;
        field[k] = 0;
        if (p < e && *p == '!') {
            repr = p + 1 < e && p[1] == 'r';
            p += 2;
        }
        if (p < e && *p == ':') { free(o.b); return py_raise("ValueError", "%s", TR("sockplay's format() takes no format spec ({:…})", "sockplay 的 format() 不支持格式说明（{:…}）")); }
        if (p >= e || *p != '}') { free(o.b); return py_raise("ValueError", "expected '}' before end of string"); }
        p++;
        if (!k) {
            if (auto_i >= npos) { free(o.b); return py_raise("IndexError", "Replacement index %d out of range for positional args tuple", auto_i); }
            for (int i = 0, j = 0; i < n; i++) if (!kw[i] && j++ == auto_i) v = a[i];
            auto_i++;
        } else if (field[0] >= '0' && field[0] <= '9') {
            int want = atoi(field);
            if (want >= npos) { free(o.b); return py_raise("IndexError", "Replacement index %d out of range for positional args tuple", want); }
            for (int i = 0, j = 0; i < n; i++) if (!kw[i] && j++ == want) v = a[i];
        } else {
            for (int i = 0; i < n; i++) if (kw[i] && !strcmp(kw[i], field)) v = a[i];
            if (!v) { free(o.b); return py_raise("KeyError", "'%s'", field); }
        }
        if (put_value(&o, v, repr) < 0) { free(o.b); return NULL; }
    }
    return obuf_str(&o, 0);
}

/* --- operators ---------------------------------------------------------------------------- */

static int is_num(const py_val *v) { return v->t == PV_INT || v->t == PV_BOOL || v->t == PV_FLOAT; }
static double num(const py_val *v) { return v->t == PV_FLOAT ? v->f : (double)v->i; }

static py_val *concat(const py_val *x, const py_val *y)
{
    py_val *r;
    if (x->t == PV_TUPLE || x->t == PV_LIST) {
        if (!(r = x->t == PV_TUPLE ? pv_tuple(x->n + y->n) : pv_list(x->n + y->n))) return NULL;
        for (size_t i = 0; i < x->n; i++) r->items[i] = pv_ref(x->items[i]);
        for (size_t i = 0; i < y->n; i++) r->items[x->n + i] = pv_ref(y->items[i]);
        return r;
    }
    if (!(r = x->t == PV_STR ? pv_str("", 0) : pv_bytes("", 0))) return NULL;
    free(r->s);
    if (!(r->s = malloc(x->n + y->n + 1))) { r->s = NULL; pv_unref(r); return py_raise("MemoryError", "out of memory"); }
    memcpy(r->s, x->s, x->n);
    memcpy(r->s + x->n, y->s, y->n);
    r->n = x->n + y->n;
    r->s[r->n] = 0;
    return r;
}

static py_val *repeat(const py_val *x, long long times)
{
    py_val *r;
    size_t n = times > 0 ? (size_t)times : 0;
    if (n && x->n > (16u << 20) / n) return py_raise("MemoryError", "%s", TR("sockplay makes values of at most 16 MiB", "sockplay 生成的值最多 16 MiB"));
    if (x->t == PV_TUPLE || x->t == PV_LIST) {
        if (!(r = x->t == PV_TUPLE ? pv_tuple(x->n * n) : pv_list(x->n * n))) return NULL;
        for (size_t i = 0; i < x->n * n; i++) r->items[i] = pv_ref(x->items[i % x->n]);
        return r;
    }
    {
        char *b = malloc(x->n * n + 1);
        if (!b) return py_raise("MemoryError", "out of memory");
        for (size_t i = 0; i < n; i++) memcpy(b + i * x->n, x->s, x->n);
        r = x->t == PV_STR ? pv_str(b, x->n * n) : pv_bytes(b, x->n * n);
        free(b);
        return r;
    }
}

static py_val *unsupported(const char *op, const py_val *x, const py_val *y)
{
    return py_raise("TypeError", "unsupported operand type(s) for %s: '%s' and '%s'", op, pv_type_name(x), pv_type_name(y));
}

static py_val *binop(const char *op, const py_val *x, const py_val *y)
{
    int seqx = x->t == PV_STR || x->t == PV_BYTES || x->t == PV_TUPLE || x->t == PV_LIST;
    if (!strcmp(op, "%") && (x->t == PV_STR || x->t == PV_BYTES)) return format_percent(x, y);
    if (!strcmp(op, "+") && seqx) {
        if (y->t == x->t) return concat(x, y);
        if (x->t == PV_STR) return py_raise("TypeError", "can only concatenate str (not \"%s\") to str", pv_type_name(y));
        if (x->t == PV_BYTES) return py_raise("TypeError", "can't concat %s to bytes", pv_type_name(y));
        return py_raise("TypeError", "can only concatenate %s (not \"%s\") to %s", pv_type_name(x), pv_type_name(y), pv_type_name(x));
    }
    if (!strcmp(op, "*") && seqx && (y->t == PV_INT || y->t == PV_BOOL)) return repeat(x, y->i);
    if (!strcmp(op, "*") && (x->t == PV_INT || x->t == PV_BOOL) && (y->t == PV_STR || y->t == PV_BYTES || y->t == PV_TUPLE || y->t == PV_LIST))
        return repeat(y, x->i);
    if (!is_num(x) || !is_num(y)) return unsupported(op, x, y);
    if (x->t != PV_FLOAT && y->t != PV_FLOAT && strcmp(op, "/")) {
        long long a = x->i, b = y->i, r;
        switch (op[0]) {
        case '+': if (__builtin_add_overflow(a, b, &r)) goto big; return pv_int(r);
        case '-': if (__builtin_sub_overflow(a, b, &r)) goto big; return pv_int(r);
        case '*':
            if (op[1] == '*') {
                long long base = a;
                if (b < 0) return pv_float(pow((double)a, (double)b));
                /* By squaring: at most 63 steps, whatever b is (1 ** 9e18 is 1 at once). */
                r = 1;
                while (b > 0) {
                    if ((b & 1) && __builtin_mul_overflow(r, base, &r)) goto big;
                    b >>= 1;
                    if (b && __builtin_mul_overflow(base, base, &base)) goto big;
                }
                return pv_int(r);
            }
            if (__builtin_mul_overflow(a, b, &r)) goto big;
            return pv_int(r);
        case '/': case '%':
            if (!b) return py_raise("ZeroDivisionError", op[0] == '%' ? "integer modulo by zero" : "integer division or modulo by zero");
            if (a == LLONG_MIN && b == -1) goto big;            /* the one quotient 64 bits cannot hold */
            r = a / b;
            if ((a % b != 0) && ((a < 0) != (b < 0))) r--;     /* Python floors */
            return pv_int(op[0] == '%' ? a - r * b : r);
        }
    big:
        return py_raise("OverflowError", "%s", TR("the number is too large for sockplay (64 bits)", "数字超出 sockplay 的范围（64 位）"));
    }
    {
        double a = num(x), b = num(y);
        switch (op[0]) {
        case '+': return pv_float(a + b);
        case '-': return pv_float(a - b);
        case '*': return op[1] == '*' ? pv_float(pow(a, b)) : pv_float(a * b);
        case '/':
            if (b == 0) return py_raise("ZeroDivisionError", op[1] == '/' ? "float floor division by zero" : "division by zero");
            return pv_float(op[1] == '/' ? floor(a / b) : a / b);
        case '%':
            if (b == 0) return py_raise("ZeroDivisionError", "float modulo");
            return pv_float(a - floor(a / b) * b);
        }
    }
    return unsupported(op, x, y);
}

/* -1, 0, 1 as a < b; -2 with TypeError when they cannot be ordered. */
static int order(const char *op, const py_val *a, const py_val *b)
{
    if (is_num(a) && is_num(b)) return num(a) < num(b) ? -1 : num(a) > num(b);
    if (a->t == b->t && (a->t == PV_STR || a->t == PV_BYTES)) {
        int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
        return c ? (c < 0 ? -1 : 1) : a->n < b->n ? -1 : a->n > b->n;
    }
    py_raise("TypeError", "'%s' not supported between instances of '%s' and '%s'", op, pv_type_name(a), pv_type_name(b));
    return -2;
}

static py_val *compare(const char *op, const py_val *a, const py_val *b)
{
    int c;
    if (!strcmp(op, "==")) return pv_bool(pv_equal(a, b));
    if (!strcmp(op, "!=")) return pv_bool(!pv_equal(a, b));
    if (!strcmp(op, "is") || !strcmp(op, "!is")) {
        int same = a == b || (a->t == b->t && (a->t == PV_NONE || (a->t == PV_BOOL && a->i == b->i)));
        return pv_bool(op[0] == '!' ? !same : same);
    }
    if (!strcmp(op, "in") || !strcmp(op, "!in")) {
        int in = 0;
        if (b->t == PV_TUPLE || b->t == PV_LIST) {
            for (size_t i = 0; i < b->n && !in; i++) in = pv_equal(a, b->items[i]);
        } else if ((b->t == PV_STR || b->t == PV_BYTES) && a->t == b->t) {
            in = !a->n || memmem(b->s, b->n, a->s, a->n) != NULL;
        } else if (b->t == PV_STR) {
            return py_raise("TypeError", "'in <string>' requires string as left operand, not %s", pv_type_name(a));
        } else {
            return py_raise("TypeError", "argument of type '%s' is not iterable", pv_type_name(b));
        }
        return pv_bool(op[0] == '!' ? !in : in);
    }
    if ((c = order(op, a, b)) == -2) return NULL;
    if (!strcmp(op, "<")) return pv_bool(c < 0);
    if (!strcmp(op, ">")) return pv_bool(c > 0);
    if (!strcmp(op, "<=")) return pv_bool(c <= 0);
    return pv_bool(c >= 0);
}

/* The byte offset of character i of UTF-8 text (n bytes), i in 0..chars. */
static size_t char_at(const char *s, size_t n, size_t i)
{
    size_t k = 0;
    for (size_t c = 0; k < n && c < i; c++)
        for (k++; k < n && ((unsigned char)s[k] & 0xc0) == 0x80; k++) {}
    return k;
}

static py_val *item(const py_val *v, const py_val *ix)
{
    long long i, len;
    const char *what = v->t == PV_TUPLE ? "tuple" : v->t == PV_LIST ? "list" : v->t == PV_STR ? "string" : "index";
    if (v->t != PV_TUPLE && v->t != PV_LIST && v->t != PV_STR && v->t != PV_BYTES)
        return py_raise("TypeError", "'%s' object is not subscriptable", pv_type_name(v));
    if (ix->t != PV_INT && ix->t != PV_BOOL)
        return py_raise("TypeError", "%s indices must be integers or slices, not %s", v->t == PV_STR ? "string" : v->t == PV_BYTES ? "byte" : pv_type_name(v),
                        pv_type_name(ix));
    len = v->t == PV_STR ? (long long)encoding_utf8_count(v->s, v->n) : (long long)v->n;
    i = ix->i < 0 ? ix->i + len : ix->i;
    if (i < 0 || i >= len) return py_raise("IndexError", "%s index out of range", what);
    if (v->t == PV_BYTES) return pv_int((unsigned char)v->s[i]);
    if (v->t == PV_STR) {
        size_t a = char_at(v->s, v->n, (size_t)i), b = char_at(v->s, v->n, (size_t)i + 1);
        return pv_str(v->s + a, b - a);
    }
    return pv_ref(v->items[i]);
}

static py_val *slice(const py_val *v, const py_val *lo, const py_val *hi)
{
    long long len, a, b;
    py_val *r;
    if (v->t != PV_TUPLE && v->t != PV_LIST && v->t != PV_STR && v->t != PV_BYTES)
        return py_raise("TypeError", "'%s' object is not subscriptable", pv_type_name(v));
    if ((lo->t != PV_NONE && lo->t != PV_INT) || (hi->t != PV_NONE && hi->t != PV_INT))
        return py_raise("TypeError", "slice indices must be integers or None or have an __index__ method");
    len = v->t == PV_STR ? (long long)encoding_utf8_count(v->s, v->n) : (long long)v->n;
    a = lo->t == PV_NONE ? 0 : lo->i < 0 ? lo->i + len : lo->i;
    b = hi->t == PV_NONE ? len : hi->i < 0 ? hi->i + len : hi->i;
    if (a < 0) a = 0;
    if (b > len) b = len;
    if (b < a) b = a;
    if (v->t == PV_STR) {
        size_t x = char_at(v->s, v->n, (size_t)a), y = char_at(v->s, v->n, (size_t)b);
        return pv_str(v->s + x, y - x);
    }
    if (v->t == PV_BYTES) return pv_bytes(v->s + a, (size_t)(b - a));
    if (!(r = v->t == PV_TUPLE ? pv_tuple((size_t)(b - a)) : pv_list((size_t)(b - a)))) return NULL;
    for (long long i = a; i < b; i++) r->items[i - a] = pv_ref(v->items[i]);
    return r;
}

/* --- evaluation --------------------------------------------------------------------------------- */

static py_val *call(const py_node *x)
{
    py_val *f, *args[32], *r;
    int n = x->nkids - 1;
    if (n > 32) return py_raise("SyntaxError", "%s", TR("sockplay takes at most 32 arguments", "sockplay 最多接受 32 个参数"));
    if (!(f = py_eval(x->kids[0]))) return NULL;
    if (f->t != PV_FUNC && f->t != PV_METHOD) {
        r = py_raise("TypeError", "'%s' object is not callable", pv_type_name(f));
        pv_unref(f);
        return r;
    }
    for (int i = 0; i < n; i++)
        if (!(args[i] = py_eval(x->kids[i + 1]))) {
            while (i--) pv_unref(args[i]);
            pv_unref(f);
            return NULL;
        }
    r = f->fn->call(f->self, args, x->kw + 1, n);
    for (int i = 0; i < n; i++) pv_unref(args[i]);
    pv_unref(f);
    return r;
}

static py_val *seq_literal(const py_node *x)
{
    py_val *r = x->kind == N_TUPLE ? pv_tuple((size_t)x->nkids) : pv_list((size_t)x->nkids);
    if (!r) return NULL;
    for (int i = 0; i < x->nkids; i++)
        if (!(r->items[i] = py_eval(x->kids[i]))) { pv_unref(r); return NULL; }
    return r;
}

static py_val *fstring(const py_node *x)
{
    py_buf o = {0};
    for (int i = 0; i < x->nkids; i++) {
        const py_node *k = x->kids[i];
        py_val *v;
        if (k->kind == N_STR && !k->conv) { py_buf_put(&o, k->name, k->n); continue; }
        if (!(v = py_eval(k))) { free(o.b); return NULL; }
        if (put_value(&o, v, k->conv == 'r' || k->conv == 'a') < 0) { pv_unref(v); free(o.b); return NULL; }
        pv_unref(v);
    }
    return obuf_str(&o, 0);
}

py_val *py_eval(const py_node *x)
{
    py_val *a, *b, *r;
    switch (x->kind) {
    case N_NAME:
        if (!(r = py_lookup(x->name))) return py_raise("NameError", "name '%s' is not defined", x->name);
        return r;
    case N_INT: return pv_int(x->i);
    case N_FLOAT: return pv_float(x->f);
    case N_STR: return pv_str(x->name, x->n);
    case N_BYTES: return pv_bytes(x->name, x->n);
    case N_NONE: return pv_none();
    case N_TRUE: return pv_bool(1);
    case N_FALSE: return pv_bool(0);
    case N_TUPLE: case N_LIST: return seq_literal(x);
    case N_FSTR: return fstring(x);
    case N_CALL: return call(x);
    case N_ATTR:
        if (!(a = py_eval(x->kids[0]))) return NULL;
        r = attribute(a, x->name);
        pv_unref(a);
        return r;
    case N_INDEX: case N_SLICE:
        if (!(a = py_eval(x->kids[0]))) return NULL;
        if (!(b = py_eval(x->kids[1]))) { pv_unref(a); return NULL; }
        if (x->kind == N_INDEX) r = item(a, b);
        else {
            py_val *c = py_eval(x->kids[2]);
            r = c ? slice(a, b, c) : NULL;
            pv_unref(c);
        }
        pv_unref(a);
        pv_unref(b);
        return r;
    case N_BINOP: case N_CMP:
        if (!(a = py_eval(x->kids[0]))) return NULL;
        if (!(b = py_eval(x->kids[1]))) { pv_unref(a); return NULL; }
        r = x->kind == N_BINOP ? binop(x->op, a, b) : compare(x->op, a, b);
        pv_unref(a);
        pv_unref(b);
        return r;
    case N_UNARY:
        if (!(a = py_eval(x->kids[0]))) return NULL;
        if (x->op[0] == '~' && (a->t == PV_INT || a->t == PV_BOOL)) r = pv_int(~a->i);
        else if (x->op[0] == '-' && a->t == PV_INT && a->i == LLONG_MIN)
            r = py_raise("OverflowError", "%s", TR("the number is too large for sockplay (64 bits)", "数字超出 sockplay 的范围（64 位）"));
        else if (a->t == PV_INT || a->t == PV_BOOL) r = x->op[0] == '-' ? pv_int(-a->i) : pv_int(a->i);
        else if (a->t == PV_FLOAT && x->op[0] != '~') r = pv_float(x->op[0] == '-' ? -a->f : a->f);
        else r = py_raise("TypeError", "bad operand type for unary %s: '%s'", x->op, pv_type_name(a));
        pv_unref(a);
        return r;
    case N_NOT:
        if (!(a = py_eval(x->kids[0]))) return NULL;
        r = pv_bool(!pv_truth(a));
        pv_unref(a);
        return r;
    case N_AND: case N_OR:
        /* The operand that decided, as Python gives it. */
        if (!(a = py_eval(x->kids[0]))) return NULL;
        if (pv_truth(a) == (x->kind == N_OR)) return a;
        pv_unref(a);
        return py_eval(x->kids[1]);
    }
    return py_raise("SystemError", "unknown node");
}

/* --- statements ------------------------------------------------------------------------------ */

/* v is the socket s, or holds it (a tuple from accept()). */
static int refers(const py_val *v, const sp_sock *s)
{
    if (v->t == PV_SOCK) return v->fd == s->fd && v->serial == s->serial;
    for (size_t i = 0; (v->t == PV_TUPLE || v->t == PV_LIST) && i < v->n; i++)
        if (refers(v->items[i], s)) return 1;
    return 0;
}

/* The Python variable that refers to s (beside the name the registry gives it), or NULL. */
static const char *referrer(const sp_sock *s)
{
    for (size_t i = 0; i < nvars; i++)
        if (refers(vars[i].v, s)) return vars[i].name;
    return NULL;
}
static int referenced(const sp_sock *s) { return referrer(s) != NULL; }

/* Why the socket that was called name stays open after the name went elsewhere. */
static void stays_open(const sp_sock *other, const char *name)
{
    char note[300];
    const char *by = referrer(other);
    if (by) snprintf(note, sizeof note, TR("fd %d, called %s before, stays open: %s still refers to it", "fd %d（原来叫 %s）仍然打开：%s 还引用着它"),
                     other->fd, name, by);
    else snprintf(note, sizeof note, TR("fd %d, called %s before, stays open (Python would close it once nothing refers to it)",
                                        "fd %d（原来叫 %s）仍然打开（Python 会在没有变量引用它时关闭它）"), other->fd, name);
    out_hint(note);
}

/* Sockets a statement lets go of by binding their name again: unnamed at once, closed when
 * the statement has run (py_let_go_end), as CPython closes an object whose last reference
 * went — `s = socket.socket()` typed again closes the old s. */
typedef struct {
    int fd;
    unsigned long serial;
    char name[SP_NAME_MAX];
} letgo;
static letgo drops[16];
static int ndrops;

void py_let_go(const char *name)
{
    sp_sock *x = registry_by_name(name);
    /* A background call on it refers to it too (`data = s.recv(1024) &`). */
    if (!x || referenced(x) || jobs_on(x) || ndrops == (int)(sizeof drops / sizeof drops[0]) || py_sock_background) return;
    drops[ndrops].fd = x->fd;
    drops[ndrops].serial = x->serial;
    snprintf(drops[ndrops].name, sizeof drops[ndrops].name, "%s", name);
    ndrops++;
    registry_set_name(x, "");
}

/* s by its fd and serial, if still open. */
static sp_sock *still_open(int fd, unsigned long serial)
{
    sp_sock *x = registry_by_fd(fd);
    return x && x->serial == serial ? x : NULL;
}

void py_let_go_end(int ran)
{
    letgo mine[sizeof drops / sizeof drops[0]];
    int n = ndrops;
    /* Closing may report a background call that ended, whose assignment lets go of sockets
     * too: this list is taken first. */
    memcpy(mine, drops, (size_t)n * sizeof *mine);
    ndrops = 0;
    for (int i = 0; i < n; i++) {
        sp_sock *x = still_open(mine[i].fd, mine[i].serial), *made;
        if (!x) continue;                                               /* closed already */
        if (!ran) {
            /* The statement failed: nothing was bound. A socket it made under the name
             * (`s = socket.socket().connect(…)` refused) is referred to by nothing. */
            made = registry_by_name(mine[i].name);
            registry_set_name(x, mine[i].name);
            if (made && made != x && made->serial > mine[i].serial && !referenced(made) && !jobs_on(made) && core_close(made) == 0)
                out_hint(TR("the line failed, so nothing refers to the socket it made: CPython closes it then, and so did sockplay",
                            "这一行失败了，没有变量引用它新建的套接字：CPython 此时会关闭它，sockplay 也关闭了它"));
            continue;
        }
        if (x->name[0] || referenced(x) || jobs_on(x)) continue;        /* something took it back */
        if (core_close(x) == 0)
            out_hint(TR("the name now refers to something else and nothing refers to the old socket: CPython closes it then, and so did sockplay",
                        "这个名字现在指向别的对象，已没有变量引用旧的套接字：CPython 此时会关闭它，sockplay 也关闭了它"));
    }
}

/* Binds a name: a socket gets it in the session's registry (so `recv NAME` finds it); any
 * other value takes it from a socket that had it — closed when the statement has run if
 * nothing else refers to it (py_let_go), else open under its fd. */
static int bind_name(const char *name, py_val *v)
{
    py_mark_known(name);
    sp_sock *s = v->t == PV_SOCK ? py_sock_of(v) : NULL, *other;
    if (registry_by_name(name) != s) py_let_go(name);   /* the old socket, when nothing else holds it */
    other = registry_by_name(name);
    if (s && registry_valid_name(name) && (!s->name[0] || !strcmp(s->name, name))) {
        registry_set_name(s, name);
        del_var(name);
        if (other && other != s) stays_open(other, name);
        return 0;
    }
    if (other && other != s) {
        registry_set_name(other, "");
        stays_open(other, name);
    }
    return set_var(name, v);
}

int py_assign(const py_node *t, py_val *v)
{
    if (t->kind == N_NAME) return bind_name(t->name, v);
    if (v->t != PV_TUPLE && v->t != PV_LIST && v->t != PV_STR && v->t != PV_BYTES) {
        py_raise("TypeError", "cannot unpack non-iterable %s object", pv_type_name(v));
        return -1;
    }
    if (v->t == PV_STR || v->t == PV_BYTES) {
        py_raise("TypeError", "%s", TR("sockplay unpacks tuples and lists only", "sockplay 只解包元组和列表"));
        return -1;
    }
    if ((size_t)t->nkids != v->n) {
        if ((size_t)t->nkids > v->n) py_raise("ValueError", "not enough values to unpack (expected %d, got %zu)", t->nkids, v->n);
        else py_raise("ValueError", "too many values to unpack (expected %d)", t->nkids);
        return -1;
    }
    for (int i = 0; i < t->nkids; i++)
        if (py_assign(t->kids[i], v->items[i]) < 0) return -1;
    return 0;
}

/* del NAME: the name goes; a socket nothing refers to any more is closed, as CPython closes
 * it when its last reference goes. */
static int del_name(const char *name)
{
    py_mark_known(name);
    sp_sock *s = registry_by_name(name);
    var *x = find_var(name);
    const char *by;
    if (!s && !x) { py_raise("NameError", "name '%s' is not defined", name); return -1; }
    if (!s && x && x->v->t == PV_SOCK) s = py_sock_of(x->v);
    del_var(name);
    if (!s) return 0;
    if ((by = referrer(s))) {
        char note[200];
        if (!strcmp(s->name, name)) registry_set_name(s, "");
        snprintf(note, sizeof note, TR("fd %d stays open: %s still refers to it", "fd %d 仍然打开：%s 还引用着它"), s->fd, by);
        out_hint(note);
        if (find_var(by)->v->t == PV_SOCK && !s->name[0] && registry_valid_name(by)) {
            /* t = s; del s: the socket is called t now, at the commands too. */
            registry_set_name(s, by);
            del_var(by);                 /* last: by is the variable's own name */
        }
        return 0;
    }
    if (core_close(s) < 0) return -1;
    del_var(name);                     /* not even a closed socket: del'd names are gone, as in Python */
    out_hint(TR("nothing referred to the socket any more: CPython closes it then, and so did sockplay",
                "已没有变量引用这个套接字：CPython 此时会关闭它，sockplay 也关闭了它"));
    return 0;
}

static int import(const py_stmt *s)
{
    py_val *m;
    if (strcmp(s->module, "socket")) {
        py_raise("ModuleNotFoundError", "No module named '%s'", s->module);
        return -1;
    }
    if (s->kind == S_IMPORT) {
        int rc;
        if (!(m = calloc(1, sizeof *m))) { py_raise("MemoryError", "out of memory"); return -1; }
        m->t = PV_MODULE;
        m->refs = 1;
        m->fd = -1;
        rc = bind_name(s->as[0] ? s->as : "socket", m);
        pv_unref(m);
        return rc;
    }
    for (size_t i = 0;; i++) {
        const char *name = s->star ? py_sock_attr_name(i) : i < (size_t)s->nnames ? s->names[i] : NULL;
        int rc;
        if (!name) return 0;
        if (!(m = py_sock_attr(name))) {
            py_clear();
            py_raise("ImportError", "cannot import name '%s' from 'socket'", name);
            return -1;
        }
        rc = bind_name(name, m);
        pv_unref(m);
        if (rc < 0) return -1;
    }
}

int py_exec(const py_stmt *s, py_val **echo)
{
    py_val *v;
    *echo = NULL;
    switch (s->kind) {
    case S_PASS: return 0;
    case S_IMPORT: case S_FROM: return import(s);
    case S_DEL:
        if (s->targets[0]->kind == N_NAME) return del_name(s->targets[0]->name);
        for (int i = 0; i < s->targets[0]->nkids; i++)
            if (del_name(s->targets[0]->kids[i]->name) < 0) return -1;
        return 0;
    case S_EXPR:
        if (!(v = py_eval(s->value))) return -1;
        if (v->t == PV_NONE) pv_unref(v);
        else *echo = v;
        return 0;
    case S_ASSIGN:
        if (!(v = py_eval(s->value))) return -1;
        for (int i = 0; i < s->ntargets; i++)
            if (py_assign(s->targets[i], v) < 0) { pv_unref(v); return -1; }
        pv_unref(v);
        return 0;
    }
    return 0;
}
