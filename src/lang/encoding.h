/* encoding.h — text encodings through iconv (glibc's: no locale needed), for gbk:"…"
 * data, `recv … as gbk`, and Lua's socket.encode/decode. */
#ifndef SP_ENCODING_H
#define SP_ENCODING_H
#include <stddef.h>

/* Converts n bytes from one encoding to another into a malloc'd *out (NUL-terminated,
 * length *outn). Returns 0; -1 when the input is not valid in `from` (*bad: the byte
 * offset) or an encoding is unknown (*bad = -1). */
int encoding_convert(const char *from, const char *to, const void *in, size_t n, char **out, size_t *outn, long *bad);
/* How many bytes at the end of p begin a character that is not complete yet (0 if none):
 * a UTF-8 lead byte without all its continuation bytes, or a GBK lead byte alone. */
size_t encoding_split_tail(const unsigned char *p, size_t n, int gbk);
/* How many bytes at the start of p are continuation bytes (UTF-8), the rest of a
 * character whose start came before. */
size_t encoding_split_head(const unsigned char *p, size_t n);
/* UTF-8 by hand where iconv is too much (one character): the code point at p (n bytes
 * there) with its length in *len, or -1 (len 1) when p does not start a well-formed one; and
 * cp's bytes into u (room for 4), returning how many. One copy for the command lexer, the
 * Python lexer and Python's values. */
long encoding_utf8_get(const unsigned char *p, size_t n, int *len);
size_t encoding_utf8_put(unsigned long cp, unsigned char *u);
/* The value of a hex digit, or -1. */
int encoding_hexval(int c);
/* How many characters (not bytes) the first n bytes of UTF-8 text hold. */
size_t encoding_utf8_count(const char *s, size_t n);
#endif
