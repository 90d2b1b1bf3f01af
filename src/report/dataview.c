/* dataview.c — the bytes as a learner needs to see them. Text stays on the trace line;
 * anything binary also gets a dump in the classic offset / hex / ASCII layout. */
#include "report/dataview.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "lang/encoding.h"
#include "lang/words.h"
#include "report/out.h"

#define SHOW_BYTES 512    /* text longer than this is cut on the trace line */
#define DUMP_BYTES 256    /* an automatic dump; `as hex` shows every byte */

const sp_word dataview_views[] = {
    {"gbk", VIEW_GBK, 0, 0}, {"utf-8", VIEW_UTF8, 0, 0}, {"hex", VIEW_HEX, 0, 0}, {"utf8", VIEW_UTF8, 0, 1}, {NULL, 0, 0, 0},
};

int dataview_parse(const char *name)
{
    const sp_word *w = words_find(dataview_views, name);
    return w ? w->value : -1;
}

/* Binary: not UTF-8 (a character cut at the end still counts as text), or control bytes
 * other than tab, CR and LF. */
static int binary(const unsigned char *p, size_t n)
{
    size_t tail = encoding_split_tail(p, n, 0);
    for (size_t i = encoding_split_head(p, n); i < n - tail;) {
        size_t k = out_utf8_len(p + i, n - tail - i);
        if (!k || (p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') || p[i] == 0x7f) return 1;
        i += k;
    }
    return 0;
}

/* The bytes at the start of a recv's data that finish the character its last recv cut. */
static size_t cut_head(const sp_sock *s, const unsigned char *p, size_t n)
{
    return s && s->type == SOCK_STREAM && s->split ? encoding_split_head(p, n) : 0;
}

void dataview_inline(FILE *f, const sp_sock *s, const unsigned char *p, size_t n, int view, const char *enc)
{
    if (n == 0 || view == VIEW_HEX) return;
    if (view == VIEW_GBK || (enc && !strcmp(enc, "gbk"))) {
        char *text;
        size_t tl, whole = n - encoding_split_tail(p, n, 1);
        long bad;
        if (encoding_convert("GBK", "UTF-8", p, whole, &text, &tl, &bad) == 0) {
            fputs("  ", f);
            out_quoted(f, text, tl, SHOW_BYTES);
            fprintf(f, " %s(GBK)%s", out_col(C_DIM), out_col(C_RESET));
            free(text);
            return;
        }
        /* bad -1: iconv itself could not start (its modules not loaded: EMFILE …), the bytes are not at fault. */
        if (bad < 0) fprintf(f, TR("  (GBK could not be decoded here: %s)", "  （这里无法解码 GBK：%s）"), strerror(errno));
        else fprintf(f, TR("  (not valid GBK at byte %ld)", "  （第 %ld 字节不是有效的 GBK）"), bad + 1);
        return;
    }
    fputs("  ", f);
    out_quoted_cut(f, p, n, SHOW_BYTES, cut_head(s, p, n));
    if (n > SHOW_BYTES) fprintf(f, TR(" (%zu more bytes)", "（还有 %zu 字节）"), n - SHOW_BYTES);
}

void dataview_hexdump(const unsigned char *p, size_t n, size_t max)
{
    size_t shown = n < max ? n : max;
    size_t per = out_cols() >= 75 ? 16 : 8;    /* 16 bytes a row take 75 columns */
    for (size_t off = 0; off < shown; off += per) {
        printf("   %s%04zx%s ", out_col(C_DIM), off, out_col(C_RESET));
        for (size_t i = 0; i < per; i++) {
            if (i == 8) putchar(' ');
            if (off + i < shown) printf(" %02x", p[off + i]);
            else printf("   ");
        }
        printf("  %s", out_col(C_DIM));
        for (size_t i = 0; i < per && off + i < shown; i++) putchar(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.');
        printf("%s\n", out_col(C_RESET));
    }
    if (shown < n) printf(TR("   … %zu more bytes\n", "   …… 还有 %zu 字节\n"), n - shown);
}

static void note(const char *fmt, size_t k)
{
    char text[400];
    snprintf(text, sizeof text, fmt, k);
    out_hint(text);
}

/* Received bytes that are not UTF-8 text but are GBK (the course's programs send it). */
static int gbk_not_utf8(const sp_sock *s, const unsigned char *p, size_t n, int view)
{
    char *text;
    size_t tl;
    long bad;
    if (!s || !n || (view != VIEW_AUTO && view != VIEW_UTF8) || out_utf8_text(p, n, cut_head(s, p, n))) return 0;
    if (encoding_convert("GBK", "UTF-8", p, n - encoding_split_tail(p, n, 1), &text, &tl, &bad) < 0) return 0;
    free(text);
    return 1;
}

void dataview_below(sp_sock *s, const unsigned char *p, size_t n, int view)
{
    int gbk = view == VIEW_GBK;
    size_t head, tail;
    if (view == VIEW_HEX) dataview_hexdump(p, n, n);
    else if (n && view == VIEW_AUTO && binary(p, n)) dataview_hexdump(p, n, DUMP_BYTES);
    if (gbk_not_utf8(s, p, n, view))
        out_hint(TR("not UTF-8 text, so every byte above is escaped; as GBK it is text: add `as gbk` to the call "
                "(Python: data.decode('gbk'))",
                "不是 UTF-8 文本，所以上面每个字节都转义了；按 GBK 它是文本：在调用后加上 `as gbk`"
                "（Python：data.decode('gbk')）"));
    /* Only a byte stream cuts characters between recvs; a datagram is whole or truncated. */
    if (!s || view == VIEW_HEX || s->type != SOCK_STREAM) return;
    head = gbk ? (s->split && n ? 1 : 0) : (s->split ? encoding_split_head(p, n) : 0);
    if (head)
        note(TR("the first %zu byte(s) finish the character the last recv cut in two: join both pieces before decoding",
                "开头 %zu 个字节是上一次 recv 截断的那个字符的后半部分：要把两段拼起来再解码"), head);
    tail = n ? encoding_split_tail(p, n, gbk) : 0;
    if (tail)
        note(TR("the last %zu byte(s) are only the start of a character: the rest is still to come (next recv). "
                "Decoding this piece alone fails — Python: UnicodeDecodeError",
                "最后 %zu 个字节只是一个字符的开头：其余部分还没到（下一次 recv）。"
                "单独解码这一段会失败 —— Python：UnicodeDecodeError"), tail);
    s->split = (int)tail;
}
