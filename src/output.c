/* output.c — colour and language decisions are made once, here. */
#include "output.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int out_color;
int out_tty;
int out_lang = LANG_EN;

int out_lang_from_env(void)
{
    /* LC_ALL overrides LANG, as setlocale would; no zh locale needs to be installed. */
    const char *v = getenv("LC_ALL");
    if (!v || !*v) v = getenv("LC_MESSAGES");
    if (!v || !*v) v = getenv("LANG");
    return (v && strncmp(v, "zh", 2) == 0) ? LANG_ZH : LANG_EN;
}

int out_set_lang(const char *name)
{
    if (strcmp(name, "zh") == 0 || strncmp(name, "zh_", 3) == 0) out_lang = LANG_ZH;
    else if (strcmp(name, "en") == 0 || strncmp(name, "en_", 3) == 0) out_lang = LANG_EN;
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
}

const char *col(const char *code)
{
    static char buf[4][16];
    static int i;
    if (!out_color) return "";
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "\033[%sm", code);
    return buf[i];
}

size_t utf8_len(const unsigned char *p, size_t avail)
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
        size_t k = utf8_len(p + i, len - i);
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
                size_t k = text ? utf8_len(p + i, n - i) : 0;
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

/* Columns on a terminal: East Asian wide characters take two. Done here rather than with
 * wcwidth(), which needs a UTF-8 locale the machine may not have. */
int out_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;
    for (const unsigned char *q = p;; q++) {       /* plain ASCII, the usual cell: its length */
        if (!*q) return (int)(q - p);
        if (*q >= 0x80 || *q == 0x1b) break;
    }
    while (*p) {
        size_t k;
        unsigned long cp;
        if (p[0] == 0x1b && p[1] == '[') {         /* a colour code takes no room */
            p += 2;
            while (*p && !(*p >= 0x40 && *p <= 0x7e)) p++;
            if (*p) p++;
            continue;
        }
        k = utf8_len(p, strlen((const char *)p));
        if (k == 0) { w++; p++; continue; }
        cp = k == 1 ? p[0] : k == 2 ? (p[0] & 0x1fUL) << 6 | (p[1] & 0x3f)
           : k == 3 ? (p[0] & 0x0fUL) << 12 | (p[1] & 0x3fUL) << 6 | (p[2] & 0x3f)
                    : (p[0] & 0x07UL) << 18 | (p[1] & 0x3fUL) << 12 | (p[2] & 0x3fUL) << 6 | (p[3] & 0x3f);
        w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
             (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
             (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000 ? 2 : 1;
        p += k;
    }
    return w;
}
