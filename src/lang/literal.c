/* literal.c — bytes and text as literals of C, Python and Lua, and names as shell words:
 * every string that reaches a generated program or a pasted command passes through here. */
#include "lang/literal.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/encoding.h"
#include "report/out.h"

/* Whether p[0..len) is wholly valid UTF-8 (*ascii: and plain ASCII). */
static int valid_utf8(const unsigned char *p, size_t len, int *ascii)
{
    *ascii = 1;
    for (size_t i = 0; i < len;) {
        size_t k = out_utf8_len(p + i, len - i);
        if (!k) return 0;
        if (k > 1) *ascii = 0;
        i += k;
    }
    return 1;
}

/* Whether byte i is written escaped: a line break or other control byte, a byte that is
 * not UTF-8 text; in a literal the quote and backslash; in C also `?` (trigraphs) and a
 * `*` next to `/` (a comment's ends). A comment keeps quotes and backslashes as they are. */
static int needs_escape(const unsigned char *p, size_t i, size_t len, int lang, int utf8, int quoted)
{
    unsigned char c = p[i];
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) return 1;
    if (quoted && (c == '"' || c == '\\')) return 1;
    if (lang != LANG_C_SRC) return 0;
    return c == '?' || (c == '*' && ((i > 0 && p[i - 1] == '/') || (i + 1 < len && p[i + 1] == '/')));
}

void literal_str(FILE *f, const void *buf, size_t len, int lang, int quoted)
{
    const unsigned char *p = buf;
    int ascii, utf8 = valid_utf8(p, len, &ascii);
    if (quoted) fputs(lang == LANG_PY_SRC && !utf8 ? "b\"" : "\"", f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        if (!needs_escape(p, i, len, lang, utf8, quoted)) { fputc(c, f); continue; }
        if (c == '\n') fputs("\\n", f);
        else if (c == '\r') fputs("\\r", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c == '"' || c == '\\' || c == '?') fprintf(f, "\\%c", c);
        else {
            fprintf(f, "\\x%02x", c);
            /* C reads "\x41B" as one escape: end the literal before a hex digit. */
            if (lang == LANG_C_SRC && i + 1 < len && isxdigit(p[i + 1])) fputs(quoted ? "\" \"" : " ", f);
        }
    }
    if (quoted) fputc('"', f);
}

char *literal_shell_word(const char *s)
{
    size_t len = strlen(s), at = 0;
    int ascii, utf8 = valid_utf8((const unsigned char *)s, len, &ascii), plain = len > 0, ctl = !utf8;
    char *out = malloc(len * 4 + 4);
    if (!out) return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) ctl = 1;
        if (!isalnum(*p) && !strchr("_./+,:@%=-", *p)) plain = 0;
    }
    if (plain && s[0] != '-') return strcpy(out, s);
    out[at++] = ctl ? '$' : '\'';
    if (ctl) out[at++] = '\'';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (!ctl && *p == '\'') at += (size_t)sprintf(out + at, "'\\''");
        else if (ctl && (*p == '\'' || *p == '\\')) at += (size_t)sprintf(out + at, "\\%c", *p);
        else if (ctl && *p == '\n') at += (size_t)sprintf(out + at, "\\n");
        else if (ctl && (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8))) at += (size_t)sprintf(out + at, "\\x%02x", *p);
        else out[at++] = (char)*p;
    }
    out[at++] = '\'';
    out[at] = '\0';
    return out;
}

void literal_bytes(FILE *f, const unsigned char *p, size_t len, int lang, size_t max, const char *enc)
{
    size_t shown = len < max ? len : max;
    int ascii, utf8 = valid_utf8(p, len, &ascii);
    const char *more = lang == LANG_PY_SRC ? " + ..." : "…";     /* Python's line stays Python */
    if (enc && lang != LANG_C_SRC) {
        /* gbk:"你好" was typed: say it as the text and its encoding, as the course does. */
        char *text;
        size_t tl;
        long bad;
        if (encoding_convert("GBK", "UTF-8", p, len, &text, &tl, &bad) == 0) {
            if (lang == LANG_LUA_SRC) fputs("socket.encode(", f);
            literal_str(f, text, tl, lang, 1);
            fprintf(f, lang == LANG_PY_SRC ? ".encode(\"%s\")" : ", \"%s\")", enc);
            free(text);
            return;
        }
    }
    if (lang == LANG_PY_SRC && !utf8) {
        fputs("bytes.fromhex(\"", f);
        for (size_t i = 0; i < shown; i++) fprintf(f, "%02x", p[i]);
        fprintf(f, "\")%s", shown < len ? more : "");
        return;
    }
    while (utf8 && shown < len && shown > 0 && (p[shown] & 0xc0) == 0x80) shown--;   /* cut between characters */
    if (lang == LANG_PY_SRC && ascii) fputc('b', f);
    literal_str(f, p, shown, lang, 1);
    if (lang == LANG_PY_SRC && !ascii) fputs(".encode(\"utf-8\")", f);
    if (shown < len) fputs(more, f);
}

