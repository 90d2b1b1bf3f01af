/* py_parse.h — one line of the course's Python as statements sockplay can run, or the
 * reason it cannot: Python's SyntaxError, more lines needed (a bracket left open), or a
 * construct outside what sockplay runs (a loop, a def, another module). Text in, a tree
 * out: no I/O, so the fuzzer and the unit tests drive it alone. */
#ifndef SP_PY_PARSE_H
#define SP_PY_PARSE_H
#include <stddef.h>

typedef enum {
    N_NAME, N_INT, N_FLOAT, N_STR, N_BYTES, N_NONE, N_TRUE, N_FALSE, N_TUPLE, N_LIST, N_ATTR, N_CALL, N_INDEX,
    N_SLICE, N_BINOP, N_UNARY, N_NOT, N_AND, N_OR, N_CMP, N_FSTR,
} py_node_kind;

typedef struct py_node py_node;
struct py_node {
    py_node_kind kind;
    char op[4];          /* N_BINOP, N_UNARY, N_CMP: the operator ("+", "==", "not in" is "!in") */
    char conv;           /* a piece of an f-string: 'r', 's' or 'a' after '!', else 0 */
    char *name;          /* N_NAME, N_ATTR: the name; N_STR, N_BYTES: the value (n bytes) */
    size_t n;
    long long i;
    double f;
    py_node **kids;      /* N_CALL: callee, then the arguments; N_ATTR, N_INDEX: the object first;
                          * N_FSTR: its pieces (N_STR text, or an expression with conv in op[0]) */
    char **kw;           /* N_CALL: per argument its keyword, or NULL */
    int nkids;
    size_t col;          /* where it starts in the line */
};

typedef enum { S_EXPR, S_ASSIGN, S_IMPORT, S_FROM, S_DEL, S_PASS } py_stmt_kind;

typedef struct {
    py_stmt_kind kind;
    py_node **targets;   /* S_ASSIGN: a = b = value has two; each N_NAME, N_TUPLE/N_LIST of them;
                          * S_DEL: the names */
    int ntargets;
    py_node *value;      /* S_EXPR, S_ASSIGN */
    char module[32];     /* S_IMPORT, S_FROM: "socket" */
    char as[32];         /* import socket as so */
    char **names;        /* S_FROM: the names (NULL with star) */
    int nnames, star;
} py_stmt;

typedef enum { PY_OK = 0, PY_SYNTAX = -1, PY_MORE = -2, PY_OUTSIDE = -3 } py_parse_rc;

typedef struct {
    char msg[200];       /* PY_SYNTAX: Python's text; PY_OUTSIDE: what is outside, e.g. "while" */
    size_t col;
    int block;           /* PY_OUTSIDE: the line opens a block (ends with ':'): its body follows */
} py_parse_err;

/* A parsed line: its statements, and every node they hold (freed together). */
typedef struct {
    py_stmt *v;
    int n;
    int background;      /* the line ended with '&' (cut before parsing: not Python's) */
    py_node **nodes;
    int nnodes, capnodes;
} py_prog;

/* Parses src (one line, or lines joined while a bracket was open). PY_OK with *g filled
 * (free it with py_prog_free); else the rc above with e filled and nothing to free. */
py_parse_rc py_parse(const char *src, py_prog *g, py_parse_err *e);
void py_prog_free(py_prog *g);
#endif
