/* encoding.c — iconv in a loop over a growing buffer. */
#include "lang/encoding.h"
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

int encoding_convert(const char *from, const char *to, const void *in, size_t n, char **out, size_t *outn, long *bad)
{
    iconv_t cd = iconv_open(to, from);
    char *src = (char *)in, *buf, *dst;
    size_t left = n, cap = n * 2 + 16, room;
    *out = NULL;
    *bad = -1;
    if (cd == (iconv_t)-1) return -1;
    if (!(buf = malloc(cap))) { iconv_close(cd); return -1; }
    dst = buf;
    room = cap - 1;
    while (left > 0) {
        if (iconv(cd, &src, &left, &dst, &room) != (size_t)-1) break;
        if (errno == E2BIG) {
            size_t used = (size_t)(dst - buf);
            char *nb = realloc(buf, cap * 2);
            if (!nb) break;
            buf = nb;
            cap *= 2;
            dst = buf + used;
            room = cap - 1 - used;
            continue;
        }
        *bad = (long)(src - (char *)in);    /* EILSEQ or EINVAL (cut short) */
        free(buf);
        iconv_close(cd);
        return -1;
    }
    iconv_close(cd);
    *dst = '\0';
    *out = buf;
    *outn = (size_t)(dst - buf);
    return 0;
}

size_t encoding_split_tail(const unsigned char *p, size_t n, int gbk)
{
    if (gbk) {
        /* GBK: a lead byte 0x81–0xFE wants one more byte; count pairs from the start. */
        size_t i = 0;
        while (i < n) i += (p[i] >= 0x81 && p[i] <= 0xfe) ? 2 : 1;
        return i > n ? 1 : 0;
    }
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char c = p[n - back];
        size_t need;
        if ((c & 0xc0) == 0x80) continue;             /* a continuation byte: look further back */
        need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
        return need > back ? back : 0;
    }
    return 0;
}

size_t encoding_split_head(const unsigned char *p, size_t n)
{
    size_t k = 0;
    while (k < n && k < 3 && (p[k] & 0xc0) == 0x80) k++;
    return k;
}

long encoding_utf8_get(const unsigned char *p, size_t n, int *len)
{
    int k = !n ? 0 : p[0] < 0x80 ? 1 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
    long c;
    *len = 1;
    if (!k || (size_t)k > n) return -1;
    c = k == 1 ? p[0] : k == 2 ? p[0] & 0x1f : k == 3 ? p[0] & 0x0f : p[0] & 0x07;
    for (int i = 1; i < k; i++) {
        if ((p[i] & 0xc0) != 0x80) return -1;
        c = c << 6 | (p[i] & 0x3f);
    }
    *len = k;
    return c;
}

size_t encoding_utf8_put(unsigned long cp, unsigned char *u)
{
    if (cp < 0x80) { u[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) { u[0] = (unsigned char)(0xc0 | cp >> 6); u[1] = (unsigned char)(0x80 | (cp & 0x3f)); return 2; }
    if (cp < 0x10000) {
        u[0] = (unsigned char)(0xe0 | cp >> 12); u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    u[0] = (unsigned char)(0xf0 | cp >> 18); u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)); u[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

int encoding_hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t encoding_utf8_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}
