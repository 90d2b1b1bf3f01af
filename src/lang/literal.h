/* literal.h — the one escaper of each language a generated program is written in: bytes
 * and text as a C, Python or Lua literal (export's programs, explain's lines), and a name as
 * one shell word (the "run it:" hints). Nothing a peer sends or a user names becomes code. */
#ifndef SP_LITERAL_H
#define SP_LITERAL_H
#include <stddef.h>
#include <stdio.h>

enum { LANG_C_SRC, LANG_PY_SRC, LANG_LUA_SRC };

/* Writes bytes as a Python bytes expression (b"…", "…".encode("utf-8"), bytes.fromhex),
 * a C string literal or a Lua string; at most max bytes (then "…"). enc "gbk": the bytes
 * were gbk:"…", written as the text and .encode("gbk") (Python, Lua). */
void literal_bytes(FILE *f, const unsigned char *p, size_t len, int lang, size_t max, const char *enc);
/* The one escaper of each language, for everything a generated program holds (data, unix
 * paths, hosts, file names in comments): p[0..len) as a string literal of lang ("…"; b"…"
 * in Python for bytes that are not UTF-8), or with quoted 0 as the same text without the
 * quotes, for a comment. It never writes a line break, a NUL, a comment's end, a trigraph
 * or bytes that are not UTF-8. */
void literal_str(FILE *f, const void *p, size_t len, int lang, int quoted);
/* s as one shell word that a shell gives back whole (plain, '…', or $'…' when it holds
 * control bytes or is not UTF-8), on one line; malloc'd, NULL without memory. */
char *literal_shell_word(const char *s);
#endif
