/* parse.c — a single pass over the line with a tiny state machine, like a shell's
 * word splitter but with C string escapes instead of shell expansions. */
#include "lang/parse.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/encoding.h"
#include "report/out.h"
#include "core/registry.h"

#define MAX_FILE (64u << 20)   /* @path larger than this is refused, not loaded */

int parse_files = 1;

typedef struct {
    char *b;
    size_t n, cap;
} strbuf;

static int sb_put(strbuf *s, const void *p, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        size_t nc = s->cap ? s->cap : 32;
        char *nb;
        while (nc < s->n + n + 1) nc *= 2;
        nb = realloc(s->b, nc);
        if (!nb) return -1;
        s->b = nb;
        s->cap = nc;
    }
    memcpy(s->b + s->n, p, n);
    s->n += n;
    s->b[s->n] = '\0';
    return 0;
}

static int put_utf8(strbuf *s, unsigned long cp)
{
    unsigned char u[4];
    return sb_put(s, u, encoding_utf8_put(cp, u));
}

/* One backslash escape at p (after the '\'); returns bytes consumed or -1. */
static int escape(const char *p, strbuf *s, char *err, size_t errlen)
{
    unsigned long v = 0;
    int i;
    char c;
    switch (*p) {
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'a': c = '\a'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'v': c = '\v'; break;
    case 'e': c = '\033'; break;
    case '\\': case '"': case '\'': c = *p; break;
    default: c = 0;
    }
    if (c) return sb_put(s, &c, 1) < 0 ? -1 : 1;
    if (*p == 'x') {
        int a = encoding_hexval((unsigned char)p[1]), b = a < 0 ? -1 : encoding_hexval((unsigned char)p[2]);
        if (a < 0 || b < 0) {
            snprintf(err, errlen, "%s", TR("\\x needs two hex digits, as in \\x41", "\\x 后面需要两位十六进制数字，例如 \\x41"));
            return -1;
        }
        c = (char)(a * 16 + b);
        return sb_put(s, &c, 1) < 0 ? -1 : 3;
    }
    if (*p >= '0' && *p <= '7') {   /* \0 is NUL; \101 is 'A' */
        for (i = 0; i < 3 && p[i] >= '0' && p[i] <= '7'; i++) v = v * 8 + (unsigned long)(p[i] - '0');
        if (v > 255) {
            snprintf(err, errlen, "%s", TR("octal escape is larger than \\377", "八进制转义超过了 \\377"));
            return -1;
        }
        c = (char)v;
        return sb_put(s, &c, 1) < 0 ? -1 : i;
    }
    if (*p == 'u') {
        for (i = 1; i <= 4; i++) {
            int h = encoding_hexval((unsigned char)p[i]);
            if (h < 0) {
                snprintf(err, errlen, "%s", TR("\\u needs four hex digits, as in \\u4f60", "\\u 后面需要四位十六进制数字，例如 \\u4f60"));
                return -1;
            }
            v = v * 16 + (unsigned long)h;
        }
        if (v >= 0xd800 && v <= 0xdfff) {
            snprintf(err, errlen, "%s", TR("\\u escape names a surrogate, not a character", "\\u 转义是代理码点，不是字符"));
            return -1;
        }
        return put_utf8(s, v) < 0 ? -1 : 5;
    }
    if (*p == '\0') snprintf(err, errlen, "%s", TR("a string ends with a lone backslash", "字符串以单独的反斜杠结尾"));
    else if ((unsigned char)*p < 0x80 && isprint((unsigned char)*p))
        snprintf(err, errlen, TR("unknown escape \\%c in a string (known: \\n \\r \\t \\0 \\\\ \\\" \\xHH \\uHHHH)",
                                 "字符串里有未知的转义 \\%c（可用：\\n \\r \\t \\0 \\\\ \\\" \\xHH \\uHHHH）"), *p);
    else snprintf(err, errlen, "%s", TR("unknown escape in a string", "字符串里有未知的转义"));
    return -1;
}

/* Arrays grow to 8, then double at each power of two: a line of 20 000 words must not
 * cost 20 000 reallocations (under ASan each is an mmap). */
static int grown(void **v, int n, size_t size)
{
    void *nv;
    if (n != 0 && (n < 8 || (n & (n - 1)) != 0)) return 0;
    nv = realloc(*v, (size_t)(n ? n * 2 : 8) * size);
    if (!nv) return -1;
    *v = nv;
    return 0;
}

static int push_token(sp_line *c, strbuf *w, int quoted, size_t bare)
{
    sp_token *nt;
    if (grown((void **)&c->tok, c->ntok, sizeof *nt) < 0) return -1;
    nt = c->tok;
    if (!w->b && sb_put(w, "", 0) < 0) return -1;
    nt[c->ntok].text = w->b;
    nt[c->ntok].len = w->n;
    nt[c->ntok].quoted = quoted;
    nt[c->ntok].bare = bare;
    c->ntok++;
    memset(w, 0, sizeof *w);
    return 0;
}

static int push_cmd(sp_line **cmds, int *n, sp_line *c)
{
    sp_line *nc;
    if (c->ntok == 0) return 0;
    if (grown((void **)cmds, *n, sizeof *nc) < 0) return -1;
    nc = *cmds;
    nc[*n] = *c;
    (*n)++;
    memset(c, 0, sizeof *c);
    return 0;
}

static void drop_first(sp_line *c, int k)
{
    for (int i = 0; i < k; i++) free(c->tok[i].text);
    memmove(c->tok, c->tok + k, (size_t)(c->ntok - k) * sizeof *c->tok);
    c->ntok -= k;
}

/* A trailing unquoted '&' (alone, or stuck to the last word as in "accept s&") asks for
 * the background; anywhere else a lone '&' is a mistake worth naming. */
static int take_background(sp_line *c, char *err, size_t errlen)
{
    sp_token *t;
    for (int i = 0; i + 1 < c->ntok; i++)
        if (!c->tok[i].quoted && !strcmp(c->tok[i].text, "&")) {
            snprintf(err, errlen, "%s", TR("'&' goes at the end of a command (put ';' after it to type another; quote it in data: \"&\")",
                                           "'&' 要写在命令末尾（后面可以用 ';' 接下一条命令；数据里的 & 请加引号：\"&\"）"));
            return -1;
        }
    if (c->ntok < 1) return 0;
    t = &c->tok[c->ntok - 1];
    if (t->quoted || t->len == 0 || t->text[t->len - 1] != '&') return 0;
    c->background = 1;
    if (t->len == 1) {
        free(t->text);
        c->ntok--;
    } else {
        t->text[--t->len] = '\0';
        t->bare = t->len;
    }
    if (c->ntok == 0) {
        snprintf(err, errlen, "%s", TR("'&' alone: write a call before it, as in  conn = accept server &",
                                       "只有 '&'：前面要写一个调用，例如  conn = accept server &"));
        return -1;
    }
    return 0;
}

/* NAME = cmd, NAME= cmd, NAME=cmd: the three ways a learner types an assignment. */
static int take_assign(sp_line *c, char *err, size_t errlen)
{
    sp_token *t = c->tok;
    char *eq;
    if (c->ntok == 0 || t[0].quoted) return 0;
    if (c->ntok >= 2 && !t[1].quoted && strcmp(t[1].text, "=") == 0) {
        if (!registry_valid_name(t[0].text)) goto bad;
        snprintf(c->assign, sizeof c->assign, "%s", t[0].text);
        drop_first(c, 2);
    } else if ((eq = memchr(t[0].text, '=', t[0].len)) != NULL && eq > t[0].text) {
        size_t k = (size_t)(eq - t[0].text);
        if (k >= sizeof c->assign) goto bad;
        memcpy(c->assign, t[0].text, k);
        c->assign[k] = '\0';
        if (!registry_valid_name(c->assign)) goto bad;
        if (eq[1]) {
            memmove(t[0].text, eq + 1, t[0].len - k);
            t[0].len -= k + 1;
        } else {
            drop_first(c, 1);
        }
    } else {
        return 0;
    }
    if (c->ntok == 0) {
        snprintf(err, errlen, TR("nothing after '%s =': write NAME = COMMAND, as in  s = socket tcp",
                                 "'%s =' 后面缺少命令：写成 名字 = 命令，例如  s = socket tcp"), c->assign);
        return -1;
    }
    return 0;
bad:
    snprintf(err, errlen, "%s", TR("a name before '=' starts with a letter and holds only letters, digits and _ (at most 31)",
                                   "'=' 前的名字要以字母开头，只含字母、数字和 _（最多 31 个）"));
    return -1;
}

int parse_line(const char *line, sp_line **cmds, char *err, size_t errlen)
{
    sp_line cur;
    strbuf w;
    int n = 0, in_word = 0, quoted = 0;
    size_t bare = 0;
    const char *p = line;

    memset(&cur, 0, sizeof cur);
    memset(&w, 0, sizeof w);
    *cmds = NULL;
    for (;;) {
        char c = *p;
        if (c == '\0' || c == ';' || c == '\n' || c == ' ' || c == '\t' || c == '\r' || (c == '#' && !in_word)) {
            if (in_word) {
                if (push_token(&cur, &w, quoted, quoted ? bare : w.n) < 0) goto oom;
                in_word = quoted = 0;
                /* `lua CHUNK`: Lua has its own quotes, ';' and '#', so the rest of the
                 * line goes to it untouched, as one quoted token. */
                if (cur.ntok == 1 && !cur.tok[0].quoted && strcmp(cur.tok[0].text, "lua") == 0 && c != '\0' && c != '\n') {
                    size_t rest = strcspn(p, "\n");
                    if (sb_put(&w, p + 1, rest ? rest - 1 : 0) < 0 || push_token(&cur, &w, 1, 0) < 0) goto oom;
                    p += rest;
                    continue;
                }
            }
            if (c == '#') while (*p && *p != '\n') p++;
            c = *p;
            if (c == '\0' || c == ';' || c == '\n') {
                if (take_background(&cur, err, errlen) < 0 || take_assign(&cur, err, errlen) < 0) goto fail;
                if (push_cmd(cmds, &n, &cur) < 0) goto oom;
                if (c == '\0') break;
            }
            p++;
            continue;
        }
        if (c == '"' || c == '\'') {
            const char *start = p++;
            if (!quoted) bare = w.n;
            if (sb_put(&w, "", 0) < 0) goto oom;
            in_word = quoted = 1;
            while (*p && *p != c) {
                if (c == '"' && *p == '\\') {
                    int k = escape(p + 1, &w, err, errlen);
                    if (k < 0) goto fail;
                    p += 1 + k;
                } else {
                    if (sb_put(&w, p, 1) < 0) goto oom;
                    p++;
                }
            }
            if (!*p) {
                snprintf(err, errlen, TR("unbalanced quote: the %1$c at column %2$d has no closing %1$c",
                                         "引号不配对：第 %2$d 列的 %1$c 没有对应的结束引号"),
                         c, (int)(start - line) + 1);
                goto fail;
            }
            p++;
            continue;
        }
        if (sb_put(&w, p, 1) < 0) goto oom;
        in_word = 1;
        p++;
    }
    free(w.b);
    return n;
oom:
    snprintf(err, errlen, "%s", TR("out of memory", "内存不足"));
fail:
    free(w.b);
    for (int i = 0; i < cur.ntok; i++) free(cur.tok[i].text);
    free(cur.tok);
    parse_free(*cmds, n);
    *cmds = NULL;
    return -1;
}

void parse_free(sp_line *cmds, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < cmds[i].ntok; j++) free(cmds[i].tok[j].text);
        free(cmds[i].tok);
    }
    free(cmds);
}

static int read_file(const char *path, strbuf *s, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t got, total = 0;
    if (!f) {
        snprintf(err, errlen, TR("cannot read @%s: %s", "无法读取 @%s：%s"), path, strerror(errno));
        return -1;
    }
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        total += got;
        if (total > MAX_FILE || sb_put(s, chunk, got) < 0) {
            snprintf(err, errlen, TR("@%s is larger than %u MiB", "@%s 超过了 %u MiB"), path, MAX_FILE >> 20);
            fclose(f);
            return -1;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, TR("cannot read @%s: %s", "无法读取 @%s：%s"), path, strerror(errno));
        fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

static int starts_bare(const sp_token *t, const char *prefix)
{
    size_t k = strlen(prefix);
    return t->bare >= k && t->len >= k && strncmp(t->text, prefix, k) == 0;
}

int parse_data(const sp_token *tok, int n, sp_buf *out, char *err, size_t errlen)
{
    strbuf s;
    memset(&s, 0, sizeof s);
    out->data = NULL;
    out->len = 0;
    out->enc = NULL;
    if (n == 0) {
        snprintf(err, errlen, "%s", TR("missing DATA: a \"quoted string\", words, hex:48656c6c6f, gbk:\"你好\" or @file",
                                       "缺少数据：\"带引号的字符串\"、单词、hex:48656c6c6f、gbk:\"你好\" 或 @文件"));
        return -1;
    }
    if (sb_put(&s, "", 0) < 0) goto oom;
    for (int i = 0; i < n; i++) {
        const sp_token *t = &tok[i];
        if (i > 0 && sb_put(&s, " ", 1) < 0) goto oom;
        if (starts_bare(t, "hex:")) {
            const char *h = t->text + 4;
            size_t hl = t->len - 4;
            if (hl % 2) {
                snprintf(err, errlen, TR("hex: needs an even number of hex digits (got %zu)",
                                         "hex: 需要偶数个十六进制数字（现在是 %zu 个）"), hl);
                goto fail;
            }
            for (size_t j = 0; j < hl; j += 2) {
                int a = encoding_hexval((unsigned char)h[j]), b = encoding_hexval((unsigned char)h[j + 1]);
                char c;
                if (a < 0 || b < 0) {
                    snprintf(err, errlen, TR("hex: '%c%c' is not a hex byte (digits 0-9 a-f)",
                                             "hex: '%c%c' 不是十六进制字节（数字 0-9 a-f）"),
                             isprint((unsigned char)h[j]) ? h[j] : '?', isprint((unsigned char)h[j + 1]) ? h[j + 1] : '?');
                    goto fail;
                }
                c = (char)(a * 16 + b);
                if (sb_put(&s, &c, 1) < 0) goto oom;
            }
        } else if (starts_bare(t, "gbk:") || starts_bare(t, "utf-8:") || starts_bare(t, "utf8:")) {
            /* Text typed in UTF-8, sent in the encoding named before the colon. */
            size_t skip = (size_t)(strchr(t->text, ':') - t->text) + 1;
            int gbk = t->text[0] == 'g';
            char *conv;
            size_t cl;
            long bad;
            if (!gbk) {
                if (sb_put(&s, t->text + skip, t->len - skip) < 0) goto oom;
            } else if (encoding_convert("UTF-8", "GBK", t->text + skip, t->len - skip, &conv, &cl, &bad) < 0) {
                snprintf(err, errlen, TR("gbk: cannot encode the text in GBK (at byte %ld): is it Chinese or ASCII text?",
                                         "gbk: 无法把这段文字编码为 GBK（第 %ld 字节）：它是中文或 ASCII 文本吗？"), bad + 1);
                goto fail;
            } else {
                int rc = sb_put(&s, conv, cl);
                free(conv);
                if (rc < 0) goto oom;
                out->enc = "gbk";
            }
        } else if (starts_bare(t, "@") && t->len > 1) {
            if (!parse_files) {
                snprintf(err, errlen, "%s", TR("@file is turned off here", "这里不能使用 @文件"));
                goto fail;
            }
            if (memchr(t->text, '\0', t->len)) {
                snprintf(err, errlen, "%s", TR("a file name cannot hold a NUL byte", "文件名不能包含 NUL 字节"));
                goto fail;
            }
            if (read_file(t->text + 1, &s, err, errlen) < 0) goto fail;
        } else if (sb_put(&s, t->text, t->len) < 0) {
            goto oom;
        }
    }
    out->data = (unsigned char *)s.b;
    out->len = s.n;
    return 0;
oom:
    snprintf(err, errlen, "%s", TR("out of memory", "内存不足"));
fail:
    free(s.b);
    return -1;
}

int parse_int(const char *s, long lo, long hi, const char *what, long *out, char *err, size_t errlen)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || *end || isspace((unsigned char)*s)) {
        snprintf(err, errlen, TR("%s '%s' is not a whole number", "%s '%s' 不是整数"), what, s);
        return -1;
    }
    if (errno == ERANGE || v < lo || v > hi) {
        snprintf(err, errlen, TR("%s %s is out of range (%ld to %ld)", "%s %s 超出范围（%ld 到 %ld）"), what, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}
