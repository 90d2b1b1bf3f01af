/* py_lex.h — a line of Python cut into tokens, as Python's tokenizer cuts it: names,
 * numbers, string and bytes literals (escapes decoded), operators, brackets. Only text in,
 * tokens out: no I/O, so the fuzzer and the unit tests drive it alone. */
#ifndef SP_PY_LEX_H
#define SP_PY_LEX_H
#include <stddef.h>

typedef enum { T_END, T_NAME, T_INT, T_FLOAT, T_STR, T_BYTES, T_FSTR, T_OP } py_tok_kind;

typedef struct {
    py_tok_kind kind;
    const char *at;      /* where it starts in the line */
    size_t len;          /* its length there */
    char *text;          /* T_STR/T_BYTES/T_FSTR: the decoded value (T_FSTR: the raw body); malloc'd */
    size_t n;            /* its length */
    long long i;         /* T_INT */
    double f;            /* T_FLOAT */
    char op[4];          /* T_OP: "(", "==", "**" … */
} py_tok;

typedef struct {
    py_tok *v;
    int n;
    int depth;           /* brackets still open at the end: the statement goes on next line */
    char stack[201];     /* the open brackets, innermost last (Python allows 200) */
    int open_string;     /* a triple-quoted string is not closed: it goes on too */
} py_toks;

/* Cuts src into tokens (a '#' comment ends it; newlines inside brackets are blanks). 0, or
 * -1 with Python's SyntaxError text in err ("invalid character '，' (U+FF0C)") and the byte
 * offset in *col (and nothing to free). An unclosed bracket is not an error: t->depth says it. */
int py_lex(const char *src, py_toks *t, char *err, size_t errlen, size_t *col);
void py_lex_free(py_toks *t);
/* Decodes the escapes of a literal's body [p, p+n) into o (room for n + 1 bytes): 0, or -1
 * with Python's message in err. */
int py_unescape(const char *p, size_t n, int bytes, char *o, size_t *on, char *err, size_t errlen);
/* 0 for a character Python's repr escapes and a line may not hold: invisible spaces and
 * marks (U+3000, U+200B, U+202E, U+FEFF …) and C1 controls. */
int py_printable(long c);
/* 1 when w is one of Python's keywords ("while", "def", …). */
int py_keyword(const char *w, size_t n);
#endif
