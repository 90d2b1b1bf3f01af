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
