/* dataview.h — how the bytes a call moved are shown: text with escapes, or a hex dump
 * (offset, hex, ASCII) for binary data; `recv … as gbk|utf-8|hex`; and a note when a
 * multibyte character is split across two recvs. */
#ifndef SP_DATAVIEW_H
#define SP_DATAVIEW_H
#include <stddef.h>
#include <stdio.h>
#include "core/registry.h"
#include "lang/words.h"

enum { VIEW_AUTO, VIEW_UTF8, VIEW_GBK, VIEW_HEX };

/* The views `recv … as` takes, value VIEW_*: gbk, utf-8 (also utf8), hex. */
extern const sp_word dataview_views[];
/* "gbk", "utf-8"/"utf8", "hex" → VIEW_*; -1 if none of them. */
int dataview_parse(const char *name);
/* After " = N" on the trace line: the data as text (nothing for `as hex`); s: the socket
 * a recv read it from (a character its last recv cut may end it), NULL for a send. */
void dataview_inline(FILE *f, const sp_sock *s, const unsigned char *p, size_t n, int view, const char *enc);
/* Under the trace line: a hex dump when the data is binary (or `as hex`), and for a recv
 * (s not NULL) the notes on characters split across recvs, remembered per socket. */
void dataview_below(sp_sock *s, const unsigned char *p, size_t n, int view);
/* The hex dump alone, at most max bytes. */
void dataview_hexdump(const unsigned char *p, size_t n, size_t max);
#endif
