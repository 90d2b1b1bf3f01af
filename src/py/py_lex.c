/* py_lex.c — Python's tokenizer for one logical line: names (ASCII and the letters a
 * learner writes: CJK, Latin, Greek, Cyrillic), numbers, literals with every prefix and
 * escape Python has, operators; the error texts are Python's own. */
#include "py/py_lex.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/encoding.h"

static const char *const keywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", NULL};

int py_keyword(const char *w, size_t n)
{
    for (int i = 0; keywords[i]; i++)
        if (strlen(keywords[i]) == n && !memcmp(keywords[i], w, n)) return 1;
    return 0;
}

/* The code point at p, a NUL-terminated line (its length in *len); -1 when malformed. */
static long utf8_at(const unsigned char *p, int *len)
{
    return encoding_utf8_get(p, strnlen((const char *)p, 4), len);
}

/* A letter Python accepts in a name, of the scripts a class in China writes. */
static int name_char(long c, int first)
{
    if (c < 0x80) return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    return (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) || (c >= 0x370 && c <= 0x3ff) || (c >= 0x400 && c <= 0x4ff) ||
           (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);
}

/* Not a character Python prints (str.isprintable): the spaces and invisible marks an
 * input method slips in — U+3000 (the full-width space), no-break and zero-width spaces. */
int py_printable(long c)
{
    return !(c == 0xa0 || c == 0xad || (c >= 0x80 && c < 0xa0) || c == 0x1680 || (c >= 0x2000 && c <= 0x200f) ||
             (c >= 0x2028 && c <= 0x202f) || (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff);
}

static void put_utf8(char *o, size_t *n, long c)
{
    *n += encoding_utf8_put((unsigned long)c, (unsigned char *)o + *n);
}

int py_unescape(const char *p, size_t n, int bytes, char *o, size_t *on, char *err, size_t errlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x80 && bytes) { snprintf(err, errlen, "bytes can only contain ASCII literal characters"); return -1; }
        if (c != '\\' || i + 1 >= n) { o[k++] = (char)c; continue; }
        c = (unsigned char)p[++i];
        switch (c) {
        case 'n': o[k++] = '\n'; break;
        case 't': o[k++] = '\t'; break;
        case 'r': o[k++] = '\r'; break;
        case 'a': o[k++] = '\a'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'v': o[k++] = '\v'; break;
        case '\\': case '\'': case '"': o[k++] = (char)c; break;
        case '\n': break;
        case 'x': {
            int h1 = i + 1 < n ? encoding_hexval(p[i + 1]) : -1, h2 = i + 2 < n ? encoding_hexval(p[i + 2]) : -1;
            long v;
            if (h1 < 0 || h2 < 0) {
                snprintf(err, errlen, "(%s) can't decode bytes in position %zu-%zu: truncated \\xXX escape",
                         bytes ? "value error" : "unicode error", i - 1, i + (h1 >= 0));
                return -1;
            }
            v = h1 * 16 + h2;
            if (bytes) o[k++] = (char)v;
            else put_utf8(o, &k, v);   /* \xff in a str is U+00FF: two bytes, no more than its four */
            i += 2;
            break;
        }
        case 'u': case 'U':
            if (!bytes) {
                int want = c == 'u' ? 4 : 8;
                long v = 0;
                for (int d = 1; d <= want; d++) {
                    int h = i + (size_t)d < n ? encoding_hexval(p[i + (size_t)d]) : -1;
                    if (h < 0) {
                        snprintf(err, errlen, "(unicode error) 'unicodeescape' codec can't decode bytes in position %zu-%zu: truncated \\%cXXXX escape",
                                 i - 1, i + (size_t)d - 1, c);
                        return -1;
                    }
                    v = v * 16 + h;
                }
                if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
                    snprintf(err, errlen, "(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character");
                    return -1;
                }
                put_utf8(o, &k, v);     /* at most 4 bytes from 6 or 10 typed */
                i += (size_t)want;
                break;
            }
            o[k++] = '\\'; o[k++] = (char)c;
            break;
        default:
            if (c >= '0' && c <= '7') {
                long v = c - '0';
                for (int d = 0; d < 2 && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7'; d++) v = v * 8 + (p[++i] - '0');
                if (bytes) o[k++] = (char)(v & 0xff);
                else put_utf8(o, &k, v);
            } else {
                o[k++] = '\\';          /* an unknown escape stays as typed, as in Python */
                i--;
            }
        }
    }
    o[k] = 0;
    *on = k;
    return 0;
}

static int push(py_toks *t, py_tok *k)
{
    if (!(t->n & 15)) {
        py_tok *v = realloc(t->v, (size_t)(t->n + 16) * sizeof *v);
        if (!v) return -1;
        t->v = v;
    }
    t->v[t->n++] = *k;
    return 0;
}

/* A literal starting at its prefix p (quote at q); its token, or -1 with err. */
static int literal(const char *p, const char *q, py_tok *k, const char **end, int *open, char *err, size_t errlen)
{
    int raw = 0, bytes = 0, fmt = 0, triple;
    char quote = *q;
    const char *b, *e;
    for (const char *x = p; x < q; x++) {
        char c = (char)(*x | 0x20);
        raw |= c == 'r';
        bytes |= c == 'b';
        fmt |= c == 'f';
    }
    triple = q[1] == quote && q[2] == quote;
    b = q + (triple ? 3 : 1);
    for (e = b; *e; e++) {
        if (*e == '\\' && e[1]) { e++; continue; }
        if (*e == quote && (!triple || (e[1] == quote && e[2] == quote))) break;
        if (*e == '\n' && !triple) break;
        if ((unsigned char)*e < 0x20 && *e != '\t' && *e != '\n') {
            /* A raw control byte (a carriage return, an escape): never kept in a line that
             * `export python` may write back. */
            snprintf(err, errlen, "invalid non-printable character U+%04X", (unsigned)(unsigned char)*e);
            return -1;
        }
    }
    if (*e != quote) {
        if (triple) { *open = 1; *end = e; return 1; }
        snprintf(err, errlen, "unterminated string literal (detected at line 1)");
        return -1;
    }
    k->kind = bytes ? T_BYTES : fmt ? T_FSTR : T_STR;
    if (!(k->text = malloc((size_t)(e - b) + 1))) { snprintf(err, errlen, "out of memory"); return -1; }
    if (raw || fmt) {   /* an f-string's escapes are decoded piece by piece by py_parse */
        if (bytes && raw)
            for (const char *x = b; x < e; x++)
                if ((unsigned char)*x >= 0x80) { snprintf(err, errlen, "bytes can only contain ASCII literal characters"); free(k->text); k->text = NULL; return -1; }
        memcpy(k->text, b, (size_t)(e - b));
        k->text[e - b] = 0;
        k->n = (size_t)(e - b);
    } else if (py_unescape(b, (size_t)(e - b), bytes, k->text, &k->n, err, errlen) < 0) {
        free(k->text);
        k->text = NULL;
        return -1;
    }
    *end = e + (triple ? 3 : 1);
    return 0;
}

static const char *const ops[] = {"**=", "//=", ">>=", "<<=", "...", "==", "!=", "<=", ">=", "**", "//", "->", "+=", "-=", "*=",
                                  "/=", "%=", "&=", "|=", "^=", ":=", "<<", ">>", "@=", NULL};

static int lex(const char *src, py_toks *t, char *err, size_t errlen, size_t *col)
{
    const char *p = src;
    memset(t, 0, sizeof *t);
    *col = 0;
    for (;;) {
        py_tok k;
        int len, r;
        long c;
        while (*p == ' ' || *p == '\t' || *p == '\f' || (*p == '\\' && p[1] == '\n') || (*p == '\n' && t->depth > 0) ||
               (*p == '\r' && p[1] == '\n' && t->depth > 0))
            p += *p == '\\' || *p == '\r' ? 2 : 1;
        memset(&k, 0, sizeof k);
        k.at = p;
        *col = (size_t)(p - src);
        if (*p == '#') {
            p += strcspn(p, "\n");            /* a comment ends the line; inside brackets, only itself */
            if (*p == '\n' && t->depth > 0) continue;
        }
        if (!*p || *p == '\n') {
            if (*p == '\n' && p[1]) {
                /* A second line with nothing open: Python's REPL would say so too. */
                const char *q = p + 1 + strspn(p + 1, " \t\r\n");
                if (*q && *q != '#') { snprintf(err, errlen, "multiple statements found while compiling a single statement"); *col = (size_t)(q - src); return -1; }
            }
            k.kind = T_END;
            return push(t, &k) < 0 ? (snprintf(err, errlen, "out of memory"), -1) : 0;
        }
        c = utf8_at((const unsigned char *)p, &len);
        if (c < 0) { snprintf(err, errlen, "(unicode error) 'utf-8' codec can't decode byte 0x%02x", (unsigned char)*p); return -1; }
        if (name_char(c, 1)) {
            const char *q = p, *quote;
            while ((c = utf8_at((const unsigned char *)q, &len)) >= 0 && name_char(c, q == p)) q += len;
            /* A string prefix: r, b, f, u, rb, br, fr, rf in any case, right before a quote. */
            quote = (*q == '"' || *q == '\'') && q - p <= 2 ? q : NULL;
            if (quote) {
                int ok = 1;
                for (const char *x = p; x < q; x++) ok &= strchr("rRbBfFuU", *x) != NULL;
                if (ok && q - p == 2 && (strchr("uU", p[0]) || strchr("uU", p[1]) || (strchr("bB", p[0]) && strchr("fF", p[1])) ||
                                         (strchr("fF", p[0]) && strchr("bB", p[1]))))
                    ok = 0;
                if (ok) {
                    if ((r = literal(p, q, &k, &p, &t->open_string, err, errlen)) < 0) return -1;
                    if (r > 0) return 0;
                    k.len = (size_t)(p - k.at);
                    if (push(t, &k) < 0) { free(k.text); snprintf(err, errlen, "out of memory"); return -1; }
                    continue;
                }
            }
            k.kind = T_NAME;
            k.len = (size_t)(q - p);
            p = q;
        } else if (*p == '"' || *p == '\'') {
            if ((r = literal(p, p, &k, &p, &t->open_string, err, errlen)) < 0) return -1;
            if (r > 0) return 0;
            k.len = (size_t)(p - k.at);
            if (push(t, &k) < 0) { free(k.text); snprintf(err, errlen, "out of memory"); return -1; }
            continue;
        } else if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) {
            char *e, digits[64];
            size_t m = 0;
            const char *q = p;
            int isf = 0;
            if (*p == '0' && strchr("xXoObB", p[1]) && p[1]) {
                int base = strchr("xX", p[1]) ? 16 : strchr("oO", p[1]) ? 8 : 2;
                k.kind = T_INT;
                errno = 0;
                k.i = strtoll(p + 2, &e, base);
                if (errno == ERANGE) { snprintf(err, errlen, "integer too large for sockplay (64 bits)"); return -1; }
                if (e == p + 2) { snprintf(err, errlen, "invalid %s literal", base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary"); return -1; }
                q = e;
            } else {
                while ((*q >= '0' && *q <= '9') || *q == '_' || *q == '.' || ((*q == 'e' || *q == 'E') && q > p) ||
                       ((*q == '+' || *q == '-') && (q[-1] == 'e' || q[-1] == 'E'))) {
                    isf |= *q == '.' || *q == 'e' || *q == 'E';
                    if (*q != '_' && m + 1 < sizeof digits) digits[m++] = *q;
                    q++;
                }
                digits[m] = 0;
                if (isf) { k.kind = T_FLOAT; k.f = strtod(digits, &e); }
                else {
                    if (m > 19) { snprintf(err, errlen, "integer too large for sockplay (%zu digits)", m); return -1; }
                    if (m > 1 && digits[0] == '0' && strspn(digits, "0") != m) {
                        snprintf(err, errlen, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
                        return -1;
                    }
                    k.kind = T_INT;
                    errno = 0;
                    k.i = strtoll(digits, &e, 10);
                    if (errno == ERANGE) { snprintf(err, errlen, "integer too large for sockplay (64 bits)"); return -1; }
                }
                if (*e) { snprintf(err, errlen, "invalid decimal literal"); return -1; }
            }
            if (name_char(utf8_at((const unsigned char *)q, &len), 1)) { *col = (size_t)(q - src); snprintf(err, errlen, "invalid decimal literal"); return -1; }
            k.len = (size_t)(q - p);
            p = q;
        } else if (c < 0x80 && strchr("()[]{},:.;@=+-*/%<>!&|^~", (int)c)) {
            int i;
            for (i = 0; ops[i]; i++)
                if (!strncmp(p, ops[i], strlen(ops[i]))) break;
            k.kind = T_OP;
            k.len = ops[i] ? strlen(ops[i]) : 1;
            memcpy(k.op, p, k.len);
            if (!strcmp(k.op, "!")) { snprintf(err, errlen, "invalid syntax"); return -1; }
            if (strchr("([{", *p)) {
                if (t->depth >= 200) { snprintf(err, errlen, "too many nested parentheses"); return -1; }
                t->stack[t->depth++] = *p;
            }
            if (strchr(")]}", *p)) {
                if (t->depth == 0) { snprintf(err, errlen, "unmatched '%c'", *p); return -1; }
                if (t->stack[t->depth - 1] != (*p == ')' ? '(' : *p == ']' ? '[' : '{')) {
                    snprintf(err, errlen, "closing parenthesis '%c' does not match opening parenthesis '%c'", *p, t->stack[t->depth - 1]);
                    return -1;
                }
                t->depth--;
            }
            p += k.len;
        } else if (c == '\\') {
            snprintf(err, errlen, "unexpected character after line continuation character");
            return -1;
        } else {
            /* What Python says of a character no token may hold: the full-width comma of a
             * Chinese keyboard, a curly quote, a stray $. */
            if (c >= 0x80 && !py_printable(c)) snprintf(err, errlen, "invalid non-printable character U+%04lX", c);
            else if (c >= 0x80) snprintf(err, errlen, "invalid character '%.*s' (U+%04lX)", len, p, c);
            else if (c < 0x20 || c == 0x7f) snprintf(err, errlen, "invalid non-printable character U+%04lX", c);
            else snprintf(err, errlen, "invalid syntax");
            return -1;
        }
        if (push(t, &k) < 0) { snprintf(err, errlen, "out of memory"); return -1; }
    }
}

int py_lex(const char *src, py_toks *t, char *err, size_t errlen, size_t *col)
{
    int rc = lex(src, t, err, errlen, col);
    if (rc < 0) py_lex_free(t);     /* a failed line leaves nothing to free */
    return rc;
}

void py_lex_free(py_toks *t)
{
    for (int i = 0; i < t->n; i++) free(t->v[i].text);
    free(t->v);
    memset(t, 0, sizeof *t);
}
