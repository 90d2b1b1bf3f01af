/* parse.h — the command language's lexer: commands split on ';', '#' comments,
 * quoted strings with C escapes, NAME = COMMAND, and DATA literals. No I/O here
 * except @path, so the fuzzers and unit tests can drive it alone. */
#ifndef SP_PARSE_H
#define SP_PARSE_H
#include <stddef.h>

typedef struct {
    char *text;        /* decoded bytes, NUL-terminated (may hold NULs: use len) */
    size_t len;
    int quoted;        /* some part came from quotes: never a name, option or prefix */
    size_t bare;       /* bytes at the start that were outside quotes ("hex:" in hex:"41") */
} sp_token;

typedef struct {
    char assign[40];   /* NAME in "NAME = command …", or "" */
    int background;    /* ended with '&': run it in the background */
    sp_token *tok;
    int ntok;
} sp_line;

typedef struct {
    unsigned char *data;
    size_t len;
    const char *enc;   /* "gbk" when gbk:"…" made (all of) it, else NULL */
} sp_buf;

/* Splits one input line into commands. Returns the number of commands (0 for a blank or
 * comment line), or -1 with err set: the whole line is rejected, nothing runs. */
int parse_line(const char *line, sp_line **cmds, char *err, size_t errlen);
void parse_free(sp_line *cmds, int n);

/* 0: @path is refused (the fuzzers must not read /dev/stdin or /dev/zero). */
extern int parse_files;
/* DATA from tokens: each quoted token as its bytes, hex:…, gbk:"…" (iconv), @path (a file), bare words;
 * joined by single spaces. Returns 0, or -1 with err set. */
int parse_data(const sp_token *tok, int n, sp_buf *out, char *err, size_t errlen);
/* A whole number in [lo, hi]; -1 with err naming what: "BACKLOG 'x' is not a number". */
int parse_int(const char *s, long lo, long hi, const char *what, long *out, char *err, size_t errlen);
#endif
