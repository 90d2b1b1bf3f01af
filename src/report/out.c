/* out.c — colour and language decisions are made once, here. */
#include "report/out.h"
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

int out_color;
int out_tty;
int out_lang = LANG_EN;

static void cols_init(void);

int out_lang_from_env(void)
{
    /* LC_ALL overrides LANG, as setlocale would; no zh locale needs to be installed. */
    const char *v = getenv("LC_ALL");
    if (!v || !*v) v = getenv("LC_MESSAGES");
    if (!v || !*v) v = getenv("LANG");
    return (v && strncmp(v, "zh", 2) == 0) ? LANG_ZH : LANG_EN;
}

const sp_word out_langs[] = {{"zh", LANG_ZH, 0, 0}, {"en", LANG_EN, 0, 0}, {NULL, 0, 0, 0}};

int out_set_lang(const char *name)
{
    const sp_word *w = words_find(out_langs, name);
    if (w) out_lang = w->value;
    else if (strncmp(name, "zh_", 3) == 0) out_lang = LANG_ZH;   /* a locale's name: zh_CN.UTF-8 */
    else if (strncmp(name, "en_", 3) == 0) out_lang = LANG_EN;
    else return -1;
    return 0;
}

void out_init(void)
{
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    out_tty = isatty(STDOUT_FILENO);
    out_color = out_tty && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);
    out_lang = out_lang_from_env();
    cols_init();
}

const char *out_col(const char *code)
{
    static char buf[4][16];
    static int i;
    if (!out_color) return "";
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "\033[%sm", code);
    return buf[i];
}

size_t out_utf8_len(const unsigned char *p, size_t avail)
{
    size_t k;
    unsigned cp;
    if (p[0] < 0x80) return 1;
    if ((p[0] & 0xe0) == 0xc0) { k = 2; cp = p[0] & 0x1f; }
    else if ((p[0] & 0xf0) == 0xe0) { k = 3; cp = p[0] & 0x0f; }
    else if ((p[0] & 0xf8) == 0xf0) { k = 4; cp = p[0] & 0x07; }
    else return 0;
    if (k > avail) return 0;
    for (size_t j = 1; j < k; j++) {
        if ((p[j] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (p[j] & 0x3f);
    }
    /* Reject overlong forms, surrogates and values past U+10FFFF. */
    if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000)) return 0;
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return 0;
    return k;
}

/* The n bytes at p are the start of one UTF-8 character that was cut short. */
static int utf8_cut(const unsigned char *p, size_t n)
{
    size_t need = (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (need <= n) return 0;
    for (size_t j = 1; j < n; j++)
        if ((p[j] & 0xc0) != 0x80) return 0;
    return 1;
}

int out_utf8_text(const void *buf, size_t len, size_t head)
{
    const unsigned char *p = buf;
    for (size_t i = head; i < len;) {
        size_t k = out_utf8_len(p + i, len - i);
        if (!k) return utf8_cut(p + i, len - i);     /* only a character the next bytes finish may end it */
        i += k;
    }
    return 1;
}

void out_quoted(FILE *f, const void *buf, size_t len, size_t max) { out_quoted_cut(f, buf, len, max, 0); }

void out_quoted_cut(FILE *f, const void *buf, size_t len, size_t max, size_t head)
{
    const unsigned char *p = buf;
    size_t n = len < max ? len : max;
    /* Bytes that are not UTF-8 text (GBK, binary) may still hold a valid sequence by chance
     * ("\xca\xd5\xb5\xbd" holds 'յ'): then no byte passes as a letter — all are escaped. */
    int text = out_utf8_text(p, len, head);
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        switch (c) {
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\0': fputs("\\0", f); break;
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                fprintf(f, "\\x%02x", c);
            } else if (c < 0x80) {
                fputc(c, f);
            } else {
                /* Valid UTF-8 passes through so 中文 stays readable; stray bytes are escaped. */
                size_t k = text ? out_utf8_len(p + i, n - i) : 0;
                if (k == 0) fprintf(f, "\\x%02x", c);
                else { fwrite(p + i, 1, k, f); i += k - 1; }
            }
        }
    }
    fputc('"', f);
    if (n < len) fputs("…", f);
}

char *out_decimal(char *p, unsigned long long v)
{
    char *end = p + 1;
    for (unsigned long long x = v; x >= 10; x /= 10) end++;   /* count the digits, then write them backwards */
    p = end;
    do *--p = (char)('0' + v % 10); while ((v /= 10) > 0);
    return end;
}

/* A UTF-8 LC_CTYPE for wcwidth(), made once and used only by this thread while measuring:
 * the process's own locale may be "C" (LANG unset, as in the tests), where wcwidth knows no
 * character past ASCII, and readline may set it again at any time. */
static locale_t utf8_locale(void)
{
    static int tried;
    static locale_t loc;
    if (!tried) {
        tried = 1;
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        if (!loc) loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
    }
    return loc;
}

/* Columns one code point takes when no UTF-8 locale exists: CJK and Hangul wide, the
 * common combining marks and zero-width characters none. */
static int cp_width_table(unsigned long cp)
{
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x483 && cp <= 0x489) || (cp >= 0x591 && cp <= 0x5bd) ||
        (cp >= 0x610 && cp <= 0x61a) || (cp >= 0x64b && cp <= 0x65f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
        (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x20d0 && cp <= 0x20ff) ||
        (cp >= 0x302a && cp <= 0x302d) || cp == 0x3099 || cp == 0x309a || (cp >= 0xfe00 && cp <= 0xfe0f) ||
        (cp >= 0xfe20 && cp <= 0xfe2f) || cp == 0xfeff || (cp >= 0xe0100 && cp <= 0xe01ef))
        return 0;
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
           (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
           (cp >= 0x20000 && cp <= 0x3fffd) ? 2 : 1;
}

/* Columns one code point takes: wcwidth(3) in a UTF-8 locale (`…` 1, 中 2, a combining
 * accent 0); a control character none. */
static int cp_width(unsigned long cp)
{
    locale_t loc = utf8_locale(), old;
    int w;
    if (cp < 0x20 || cp == 0x7f) return 0;
    if (!loc) return cp_width_table(cp);
    old = uselocale(loc);
    w = wcwidth((wchar_t)cp);
    uselocale(old);
    return w < 0 ? ((cp >= 0x80 && cp < 0xa0) ? 0 : 1) : w;
}

/* The code point of the k-byte UTF-8 sequence at p (utf8_len checked it). */
static unsigned long cp_at(const unsigned char *p, size_t k)
{
    return k == 1 ? p[0] : k == 2 ? (p[0] & 0x1fUL) << 6 | (p[1] & 0x3f)
         : k == 3 ? (p[0] & 0x0fUL) << 12 | (p[1] & 0x3fUL) << 6 | (p[2] & 0x3f)
                  : (p[0] & 0x07UL) << 18 | (p[1] & 0x3fUL) << 12 | (p[2] & 0x3fUL) << 6 | (p[3] & 0x3f);
}

/* The character at p (n bytes left): its length in bytes (a colour code is one unit of
 * width 0; an invalid byte one of width 1), its width in *w and code point in *cp. */
static size_t char_at(const unsigned char *p, size_t n, int *w, unsigned long *cp)
{
    size_t k;
    *cp = 0;
    if (p[0] == 0x1b && n > 1 && p[1] == '[') {
        k = 2;
        while (k < n && !(p[k] >= 0x40 && p[k] <= 0x7e)) k++;
        *w = 0;
        return k < n ? k + 1 : k;
    }
    if (p[0] < 0x80) {
        *cp = p[0];
        *w = p[0] < 0x20 || p[0] == 0x7f ? 0 : 1;
        return 1;
    }
    k = out_utf8_len(p, n);
    if (k == 0) { *w = 1; return 1; }
    *cp = cp_at(p, k);
    *w = cp_width(*cp);
    return k;
}

/* Columns on a terminal, as wcwidth counts them; colour codes take none. */
int out_width_n(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;
    size_t i;
    for (i = 0; i < n; i++)                         /* plain ASCII, the usual cell: its length */
        if (p[i] >= 0x80 || p[i] < 0x20 || p[i] == 0x7f) break;
    if (i == n) return (int)n;
    for (i = 0; i < n;) {
        int cw;
        unsigned long cp;
        i += char_at(p + i, n - i, &cw, &cp);
        w += cw;
    }
    return w;
}

int out_width(const char *s) { return out_width_n(s, strlen(s)); }

/* COLUMNS as it was when sockplay started (readline rewrites it later); 0: not given. */
static int cols_env;

/* Reads COLUMNS once, at start. */
static void cols_init(void)
{
    const char *v = getenv("COLUMNS");
    char *end;
    long n = v && *v ? strtol(v, &end, 10) : 0;
    cols_env = n > 0 && n <= 10000 && !*end ? (int)n : 0;
}

int out_cols(void)
{
    struct winsize ws;
    int n = cols_env;
    /* Asked each time rather than on SIGWINCH: a handler on the main thread would make a
     * blocking accept() or recv() with a timeout return EINTR at every resize. */
    if (!n && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) n = ws.ws_col;
    if (!n) n = OUT_DEFAULT_COLS;
    return n < OUT_MIN_COLS ? OUT_MIN_COLS : n;
}

char *out_pad(char *dst, size_t cap, const char *s, int width)
{
    int k = snprintf(dst, cap, "%s", s), w = out_width(dst);
    size_t n = k < 0 ? 0 : (size_t)k >= cap ? cap - 1 : (size_t)k;
    while (w++ < width && n + 1 < cap) dst[n++] = ' ';
    dst[n] = '\0';
    return dst;
}

size_t out_elide(char *dst, size_t cap, const char *s, size_t len, int width, size_t keep, int *shown)
{
    const unsigned char *p = (const unsigned char *)s;
    int budget = width - 1, tailw = budget / 3, headw, hw = 0, tw = 0, cw;
    size_t h = 0, t = len, n = 0, k;
    unsigned long cp;
    if (keep > len) keep = len;
    if (out_width_n(s + len - keep, keep) > tailw) tailw = out_width_n(s + len - keep, keep);
    if (tailw > budget - 1) tailw = budget - 1 > 0 ? budget - 1 : 0;
    headw = budget - tailw;
    while (h < len && (k = char_at(p + h, len - h, &cw, &cp)) && hw + cw <= headw) { h += k; hw += cw; }
    while (t > h) {                                   /* back to the start of the last character */
        size_t b = t - 1;
        while (b > h && (p[b] & 0xc0) == 0x80) b--;
        k = char_at(p + b, t - b, &cw, &cp);
        if (b + k != t || tw + cw > tailw) break;
        t = b;
        tw += cw;
    }
    if (h + 3 + (len - t) >= cap) { if (cap) dst[0] = '\0'; *shown = 0; return 0; }
    memcpy(dst, s, h);
    n = h;
    memcpy(dst + n, "…", 3);
    n += 3;
    memcpy(dst + n, s + t, len - t);
    n += len - t;
    dst[n] = '\0';
    *shown = hw + 1 + tw;
    return n;
}

/* A wide character that may not start a line (、。，：；！？ and closing brackets). */
static int no_break_before(unsigned long cp)
{
    return cp == 0x3001 || cp == 0x3002 || cp == 0xff0c || cp == 0xff1a || cp == 0xff1b || cp == 0xff01 ||
           cp == 0xff1f || cp == 0xff09 || cp == 0x300d || cp == 0x300f || cp == 0x3011 || cp == 0x300b || cp == 0x201d;
}

/* An opening bracket that may not end a line. */
static int no_break_after(unsigned long cp)
{
    return cp == 0xff08 || cp == 0x300c || cp == 0x300e || cp == 0x3010 || cp == 0x300a || cp == 0x201c;
}

/* The unit wrapping keeps whole, starting at p: a word (up to a space, a newline or a wide
 * character), or one wide character with the punctuation that must stay with it. Returns
 * its length in bytes; its width in *w. */
static size_t unit_at(const unsigned char *p, int *w)
{
    size_t n = 0, k, rest = strlen((const char *)p);
    int cw, wide = 0, glue = 0;
    unsigned long cp;
    *w = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\n') {
        k = char_at(p + n, rest - n, &cw, &cp);
        if (n > 0 && !glue && cw == 2 && !no_break_before(cp)) break;   /* a break may come before it */
        if (wide && !glue && cw != 0 && !no_break_before(cp)) break;      /* … and after a wide one */
        glue = no_break_after(cp);
        wide = wide || cw == 2;
        n += k;
        *w += cw;
    }
    return n;
}

/* Ends a line and indents the next. */
static void wrap_break(FILE *f, int indent)
{
    fputc('\n', f);
    for (int i = 0; i < indent; i++) fputc(' ', f);
}

void out_hint(const char *text)
{
    char lead[32];
    snprintf(lead, sizeof lead, "   %s↳ ", out_col(C_DIM));
    out_wrap(stdout, lead, -1, text, out_col(C_RESET));
}

int out_wrap_at(FILE *f, int x, int indent, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    int width = out_cols(), pend = 0;
    if (indent > width - OUT_MIN_PROSE) indent = width - OUT_MIN_PROSE > 0 ? width - OUT_MIN_PROSE : 0;
    if (x > width - OUT_MIN_PROSE && x > indent && *p) {      /* no room left on this line */
        wrap_break(f, indent);
        x = indent;
    }
    while (*p) {
        int w;
        size_t n;
        if (*p == ' ') { pend++; p++; continue; }
        if (*p == '\n') { wrap_break(f, indent); x = indent; pend = 0; p++; continue; }
        n = unit_at(p, &w);
        if (x > indent && x + pend + w > width) {
            wrap_break(f, indent);
            x = indent;
        } else {
            for (; pend > 0; pend--, x++) fputc(' ', f);
        }
        pend = 0;
        while (x + w > width && n > 0) {                   /* a word longer than a line: cut */
            int cw;
            unsigned long cp;
            size_t k = char_at(p, n, &cw, &cp);
            if (x + cw > width && x > indent) { wrap_break(f, indent); x = indent; continue; }
            fwrite(p, 1, k, f);
            p += k; n -= k; x += cw; w -= cw;
        }
        fwrite(p, 1, n, f);
        p += n;
        x += w;
    }
    return x;
}

void out_wrap(FILE *f, const char *lead, int indent, const char *text, const char *tail)
{
    int x = out_width(lead);
    fputs(lead, f);
    out_wrap_at(f, x, indent < 0 ? x : indent, text);
    fputs(tail, f);
    fputc('\n', f);
}

/* The code unit at p: up to a space outside quotes (a string literal is never cut); *w its
 * width, *depth the bracket depth after it. */
static size_t code_unit(const unsigned char *p, int *w, int *depth)
{
    size_t n = 0, rest = strlen((const char *)p), k;
    int cw;
    unsigned long cp;
    unsigned char q = 0;
    *w = 0;
    while (p[n] && (q || (p[n] != ' ' && p[n] != '\n'))) {
        if (q && p[n] == '\\' && p[n + 1] > 0x20 && p[n + 1] < 0x7f) { n += 2, *w += 2; continue; }
        if (p[n] == '"' || p[n] == '\'') q = !q ? p[n] : q == p[n] ? 0 : q;
        else if (!q && (p[n] == '(' || p[n] == '[' || p[n] == '{')) (*depth)++;
        else if (!q && (p[n] == ')' || p[n] == ']' || p[n] == '}') && *depth > 0) (*depth)--;
        k = char_at(p + n, rest - n, &cw, &cp);
        n += k, *w += cw;
    }
    return n;
}

void out_wrap_code(FILE *f, const char *lead, const char *text, int python, const char *tail)
{
    const unsigned char *p = (const unsigned char *)text;
    int width = out_cols(), indent = out_width(lead), x = indent, pend = 0, depth = 0;
    fputs(lead, f);
    while (*p) {
        int w, before = depth;
        size_t n;
        if (*p == ' ' || *p == '\n') { pend++; p++; continue; }
        n = code_unit(p, &w, &depth);
        /* Python continues a line only inside brackets (or starts a comment anew); C anywhere. */
        if (x > indent && x + pend + w > width && (!python || before > 0 || *p == '#')) {
            wrap_break(f, indent);
            x = indent;
        } else {
            for (; pend > 0; pend--, x++) fputc(' ', f);
        }
        pend = 0;
        fwrite(p, 1, n, f);
        p += n;
        x += w;
    }
    fputs(tail, f);
    fputc('\n', f);
}

void out_sanitize(char *dst, size_t cap, const char *src)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)src;
    size_t o = 0;
    if (!cap) return;
    while (*p && o + 5 < cap) {
        int c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0;      /* U+0080-009F: CSI and friends */
        if (*p < 0x20 || *p == 0x7f || c1) {
            dst[o++] = '\\', dst[o++] = 'x', dst[o++] = hex[*p >> 4], dst[o++] = hex[*p & 15];
            if (c1) { p++; dst[o++] = '\\', dst[o++] = 'x', dst[o++] = hex[*p >> 4], dst[o++] = hex[*p & 15]; }
            p++;
            continue;
        }
        dst[o++] = (char)*p++;
    }
    dst[o] = '\0';
}

int out_term_quiet(tcflag_t off, struct termios *saved)
{
    struct termios quiet;
    if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp() || tcgetattr(STDIN_FILENO, saved) < 0) return 0;
    if (!(saved->c_lflag & off)) return 0;
    quiet = *saved;
    quiet.c_lflag &= ~off;
    quiet.c_cc[VMIN] = 0;
    quiet.c_cc[VTIME] = 0;
    return tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
}

void out_term_restore(const struct termios *saved)
{
    tcsetattr(STDIN_FILENO, TCSANOW, saved);
}
