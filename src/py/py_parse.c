/* py_parse.c — recursive descent over py_lex's tokens, in Python's grammar order
 * (or, and, not, comparison, + -, * / // %, unary, **, calls/attributes/items, atoms),
 * for the statements the course's socket lines use. Everything else is named, not run. */
#include "py/py_parse.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "py/py_lex.h"

typedef struct {
    py_toks t;
    int i;
    py_parse_err *e;
    jmp_buf out;
    py_prog *g;            /* owns every node made */
    int depth;             /* nested unary, not, ** and expressions: bounded, as Python's compiler is */
} parser;

static py_tok *cur(parser *p) { return &p->t.v[p->i]; }
static int is_op(parser *p, const char *op) { return cur(p)->kind == T_OP && !strcmp(cur(p)->op, op); }
static int is_name(parser *p, const char *w)
{
    py_tok *k = cur(p);
    return k->kind == T_NAME && k->len == strlen(w) && !memcmp(k->at, w, k->len);
}

static void fail(parser *p, py_parse_rc rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->e->msg, sizeof p->e->msg, fmt, ap);
    va_end(ap);
    p->e->col = (size_t)(cur(p)->at - p->t.v[0].at);
    longjmp(p->out, rc);
}

/* Outside what sockplay runs: what it is, as a word the message quotes. */
static void outside(parser *p, const char *what) { fail(p, PY_OUTSIDE, "%s", what); }

/* Hands x to the line's arena: 0, or -1 when out of memory (x freed). */
static int own(py_prog *g, py_node *x)
{
    if (g->nnodes == g->capnodes) {
        py_node **v = realloc(g->nodes, (size_t)(g->capnodes + 32) * sizeof *v);
        if (!v) { free(x); return -1; }
        g->nodes = v;
        g->capnodes += 32;
    }
    g->nodes[g->nnodes++] = x;
    return 0;
}

static py_node *node(parser *p, py_node_kind kind)
{
    py_node *x = calloc(1, sizeof *x);
    if (!x || own(p->g, x) < 0) fail(p, PY_SYNTAX, "out of memory");
    x->kind = kind;
    x->col = (size_t)(cur(p)->at - p->t.v[0].at);
    return x;
}

static void add_kid(parser *p, py_node *x, py_node *kid, const char *kw)
{
    py_node **v = realloc(x->kids, (size_t)(x->nkids + 1) * sizeof *v);
    char **k;
    if (!v) fail(p, PY_SYNTAX, "out of memory");
    x->kids = v;
    if (x->kind == N_CALL) {
        if (!(k = realloc(x->kw, (size_t)(x->nkids + 1) * sizeof *k))) fail(p, PY_SYNTAX, "out of memory");
        x->kw = k;
        x->kw[x->nkids] = NULL;
        if (kw && !(x->kw[x->nkids] = strdup(kw))) fail(p, PY_SYNTAX, "out of memory");
    }
    x->kids[x->nkids++] = kid;
}

static char *dup_n(parser *p, const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) fail(p, PY_SYNTAX, "out of memory");
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static void expect(parser *p, const char *op)
{
    if (!is_op(p, op)) {
        if (cur(p)->kind == T_END && strchr(")]}", *op)) fail(p, PY_SYNTAX, "'%c' was never closed", *op == ')' ? '(' : *op == ']' ? '[' : '{');
        fail(p, PY_SYNTAX, "invalid syntax");
    }
    p->i++;
}

static py_node *expr(parser *p);
static py_node *expr_list(parser *p, int *tuple);

/* f"…{expr!r}…": its text pieces and expressions. */
static py_node *fstring(parser *p, const char *s, size_t n)
{
    py_node *x = node(p, N_FSTR);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        py_node *piece;
        char err[160];
        while (j < n && s[j] != '{' && s[j] != '}') j++;
        if (j > i || (j + 1 < n && s[j] == s[j + 1])) {
            /* Text, with {{ and }} as one brace each. */
            size_t on;
            int brace = j + 1 < n && s[j] == s[j + 1];
            piece = node(p, N_STR);
            if (!(piece->name = malloc(j - i + 2))) fail(p, PY_SYNTAX, "out of memory");
            if (py_unescape(s + i, j - i, 0, piece->name, &on, err, sizeof err) < 0) fail(p, PY_SYNTAX, "%s", err);
            if (brace) piece->name[on++] = s[j];
            piece->name[on] = 0;
            piece->n = on;
            add_kid(p, x, piece, NULL);
            i = brace ? j + 2 : j;
            continue;
        }
        if (s[j] == '}') fail(p, PY_SYNTAX, "f-string: single '}' is not allowed");
        {
            /* {expr[!r|!s|!a]}: the expression is parsed as a line of its own. */
            size_t k = j + 1, depth = 0, start = k;
            char conv = 0, *sub;
            py_parse_err e2;
            py_prog sp;
            for (; k < n; k++) {
                if (strchr("([{", s[k])) depth++;
                else if (depth && strchr(")]}", s[k])) depth--;
                else if (!depth && (s[k] == '}' || s[k] == '!' || s[k] == ':')) break;
            }
            if (k >= n) fail(p, PY_SYNTAX, "f-string: expecting '}'");
            sub = dup_n(p, s + start, k - start);
            if (s[k] == '!') {
                conv = k + 1 < n ? s[k + 1] : 0;
                if (conv != 'r' && conv != 's' && conv != 'a') { free(sub); fail(p, PY_SYNTAX, "f-string: invalid conversion character: expected 's', 'r', or 'a'"); }
                k += 2;
            }
            if (k < n && s[k] == ':') { free(sub); outside(p, "f-string format specs"); }
            if (k >= n || s[k] != '}') { free(sub); fail(p, PY_SYNTAX, "f-string: expecting '}'"); }
            if (py_parse(sub, &sp, &e2) != PY_OK) { free(sub); fail(p, PY_SYNTAX, "f-string: %s", e2.msg[0] ? e2.msg : "invalid syntax"); }
            free(sub);
            /* Its nodes join this line's arena before anything can fail. */
            for (int q = 0; q < sp.nnodes; q++) {
                py_node *y = sp.nodes[q];
                sp.nodes[q] = NULL;
                if (own(p->g, y) < 0) { py_prog_free(&sp); fail(p, PY_SYNTAX, "out of memory"); }
            }
            sp.nnodes = 0;
            piece = sp.n == 1 && sp.v[0].kind == S_EXPR && !sp.background ? sp.v[0].value : NULL;
            py_prog_free(&sp);
            if (!piece) fail(p, PY_SYNTAX, "f-string: invalid syntax");
            piece->conv = conv;
            add_kid(p, x, piece, NULL);
            i = k + 1;
        }
    }
    return x;
}

/* Adjacent literals are one: "abc" "def", b"a" b"b", f"{x}" "y". */
static py_node *literals(parser *p)
{
    int bytes = cur(p)->kind == T_BYTES;
    py_node *x = NULL;
    while (cur(p)->kind == T_STR || cur(p)->kind == T_BYTES || cur(p)->kind == T_FSTR) {
        py_tok *t = cur(p);
        py_node *piece;
        if ((t->kind == T_BYTES) != bytes) fail(p, PY_SYNTAX, "cannot mix bytes and nonbytes literals");
        if (t->kind == T_FSTR) piece = fstring(p, t->text, t->n);
        else {
            piece = node(p, bytes ? N_BYTES : N_STR);
            piece->name = dup_n(p, t->text, t->n);
            piece->n = t->n;
        }
        p->i++;
        if (!x) { x = piece; continue; }
        if (x->kind == N_BYTES || (x->kind == N_STR && piece->kind == N_STR)) {
            char *m = realloc(x->name, x->n + piece->n + 1);
            if (!m) fail(p, PY_SYNTAX, "out of memory");
            memcpy(m + x->n, piece->name, piece->n + 1);
            x->name = m;
            x->n += piece->n;
            continue;
        }
        if (x->kind != N_FSTR) {
            py_node *f = node(p, N_FSTR);
            add_kid(p, f, x, NULL);
            x = f;
        }
        if (piece->kind == N_FSTR)
            for (int j = 0; j < piece->nkids; j++) add_kid(p, x, piece->kids[j], NULL);
        else add_kid(p, x, piece, NULL);
    }
    return x;
}

static py_node *atom(parser *p)
{
    py_tok *k = cur(p);
    py_node *x;
    int tuple;
    switch (k->kind) {
    case T_NAME:
        if (py_keyword(k->at, k->len)) {
            if (is_name(p, "None")) { x = node(p, N_NONE); p->i++; return x; }
            if (is_name(p, "True")) { x = node(p, N_TRUE); p->i++; return x; }
            if (is_name(p, "False")) { x = node(p, N_FALSE); p->i++; return x; }
            if (is_name(p, "lambda")) outside(p, "lambda");
            if (is_name(p, "yield") || is_name(p, "await")) outside(p, is_name(p, "yield") ? "yield" : "await");
            fail(p, PY_SYNTAX, "invalid syntax");
        }
        x = node(p, N_NAME);
        x->name = dup_n(p, k->at, k->len);
        p->i++;
        return x;
    case T_INT: x = node(p, N_INT); x->i = k->i; p->i++; return x;
    case T_FLOAT: x = node(p, N_FLOAT); x->f = k->f; p->i++; return x;
    case T_STR: case T_BYTES: case T_FSTR: return literals(p);
    case T_OP:
        if (is_op(p, "(")) {
            p->i++;
            if (is_op(p, ")")) { x = node(p, N_TUPLE); p->i++; return x; }
            x = expr_list(p, &tuple);
            if (is_name(p, "for")) outside(p, "for");
            expect(p, ")");
            return x;
        }
        if (is_op(p, "[")) {
            x = node(p, N_LIST);
            p->i++;
            while (!is_op(p, "]")) {
                add_kid(p, x, expr(p), NULL);
                if (is_name(p, "for")) outside(p, "for");
                if (!is_op(p, ",")) break;
                p->i++;
            }
            expect(p, "]");
            return x;
        }
        if (is_op(p, "{")) outside(p, "{…} (dict, set)");
        if (is_op(p, "...")) outside(p, "...");
        break;
    default:
        break;
    }
    fail(p, PY_SYNTAX, "invalid syntax");
    return NULL;
}

static py_node *call_args(parser *p, py_node *callee)
{
    py_node *x = node(p, N_CALL);
    int kwseen = 0;
    add_kid(p, x, callee, NULL);
    p->i++;
    while (!is_op(p, ")")) {
        const char *kw = NULL;
        if (is_op(p, "*") || is_op(p, "**")) outside(p, "*args");
        if (cur(p)->kind == T_NAME && p->t.v[p->i + 1].kind == T_OP && !strcmp(p->t.v[p->i + 1].op, "=")) {
            py_node *k = node(p, N_NAME);      /* the keyword's text, owned by the arena */
            kw = k->name = dup_n(p, cur(p)->at, cur(p)->len);
            p->i += 2;
            kwseen = 1;
        } else if (kwseen) {
            fail(p, PY_SYNTAX, "positional argument follows keyword argument");
        }
        {
            py_node *a = expr(p);
            add_kid(p, x, a, kw);
        }
        if (is_op(p, "=")) fail(p, PY_SYNTAX, "expression cannot contain assignment, perhaps you meant \"==\"?");
        if (is_name(p, "for")) outside(p, "for");
        if (!is_op(p, ",")) break;
        p->i++;
    }
    expect(p, ")");
    return x;
}

static py_node *postfix(parser *p)
{
    py_node *x = atom(p);
    for (;;) {
        if (is_op(p, "(")) x = call_args(p, x);
        else if (is_op(p, ".")) {
            py_node *a;
            p->i++;
            if (cur(p)->kind != T_NAME || py_keyword(cur(p)->at, cur(p)->len)) fail(p, PY_SYNTAX, "invalid syntax");
            a = node(p, N_ATTR);
            a->name = dup_n(p, cur(p)->at, cur(p)->len);
            add_kid(p, a, x, NULL);
            p->i++;
            x = a;
        } else if (is_op(p, "[")) {
            py_node *ix = node(p, N_INDEX);
            p->i++;
            add_kid(p, ix, x, NULL);
            if (!is_op(p, ":")) add_kid(p, ix, expr(p), NULL);
            if (is_op(p, ":")) {
                /* x[a:b]: a slice, its absent ends None. */
                ix->kind = N_SLICE;
                if (ix->nkids == 1) add_kid(p, ix, node(p, N_NONE), NULL);
                p->i++;
                add_kid(p, ix, is_op(p, "]") ? node(p, N_NONE) : expr(p), NULL);
                if (is_op(p, ":")) outside(p, "slice steps");
            }
            expect(p, "]");
            x = ix;
        } else {
            return x;
        }
    }
}

static py_node *unary(parser *p);

static py_node *power(parser *p)
{
    py_node *x = postfix(p);
    if (is_op(p, "**")) {
        py_node *b = node(p, N_BINOP);
        strcpy(b->op, "**");
        p->i++;
        add_kid(p, b, x, NULL);
        add_kid(p, b, unary(p), NULL);
        return b;
    }
    return x;
}

/* One level deeper: a paste of 20 000 '-' must not overflow the stack. */
static void deeper(parser *p)
{
    if (++p->depth > 400) fail(p, PY_SYNTAX, "too many nested expressions");
}

static py_node *unary(parser *p)
{
    deeper(p);
    if (is_op(p, "-") || is_op(p, "+") || is_op(p, "~")) {
        py_node *u = node(p, N_UNARY);
        strcpy(u->op, cur(p)->op);
        p->i++;
        add_kid(p, u, unary(p), NULL);
        p->depth--;
        return u;
    }
    {
        py_node *x = power(p);
        p->depth--;
        return x;
    }
}

/* Level 0: + -; level 1: * / // %. */
static py_node *binary(parser *p, int level)
{
    static const char *const lv[2][5] = {{"+", "-", NULL}, {"*", "/", "//", "%", NULL}};
    py_node *x = level ? unary(p) : binary(p, 1);
    for (;;) {
        int k;
        py_node *b;
        for (k = 0; lv[level][k] && !is_op(p, lv[level][k]); k++) {}
        if (!lv[level][k]) {
            if ((is_op(p, "&") || is_op(p, "|") || is_op(p, "^") || is_op(p, "<<") || is_op(p, ">>") || is_op(p, "@")) &&
                p->t.v[p->i + 1].kind != T_END)
                outside(p, "bitwise operators");
            return x;
        }
        b = node(p, N_BINOP);
        strcpy(b->op, lv[level][k]);
        p->i++;
        add_kid(p, b, x, NULL);
        add_kid(p, b, level ? unary(p) : binary(p, 1), NULL);
        x = b;
    }
}

static int next_is(parser *p, const char *w)
{
    py_tok *k = &p->t.v[p->i + 1];
    return k->kind == T_NAME && k->len == strlen(w) && !memcmp(k->at, w, k->len);
}

static py_node *comparison(parser *p)
{
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">", NULL};
    py_node *x = binary(p, 0), *c;
    const char *op = NULL;
    for (int k = 0; ops[k] && !op; k++)
        if (is_op(p, ops[k])) op = ops[k];
    if (!op && is_name(p, "in")) op = "in";
    if (!op && is_name(p, "not") && next_is(p, "in")) { op = "!in"; p->i++; }
    if (!op && is_name(p, "is")) {
        op = "is";
        if (next_is(p, "not")) { op = "!is"; p->i++; }
    }
    if (!op) return x;
    c = node(p, N_CMP);
    strcpy(c->op, op);
    p->i++;
    add_kid(p, c, x, NULL);
    add_kid(p, c, binary(p, 0), NULL);
    for (int k = 0; ops[k]; k++)
        if (is_op(p, ops[k])) outside(p, "chained comparisons");
    return c;
}

static py_node *not_test(parser *p)
{
    if (is_name(p, "not")) {
        py_node *x = node(p, N_NOT);
        deeper(p);
        p->i++;
        add_kid(p, x, not_test(p), NULL);
        p->depth--;
        return x;
    }
    return comparison(p);
}

static py_node *bool_op(parser *p, int or)
{
    py_node *x = or ? bool_op(p, 0) : not_test(p);
    while (is_name(p, or ? "or" : "and")) {
        py_node *b = node(p, or ? N_OR : N_AND);
        p->i++;
        add_kid(p, b, x, NULL);
        add_kid(p, b, or ? bool_op(p, 0) : not_test(p), NULL);
        x = b;
    }
    return x;
}

static py_node *expr(parser *p)
{
    py_node *x;
    deeper(p);
    x = bool_op(p, 1);
    p->depth--;
    if (is_name(p, "if")) outside(p, "if … else");
    if (is_op(p, ":=")) outside(p, ":=");
    return x;
}

/* a, b, c (a tuple when a comma came) or one expression. */
static py_node *expr_list(parser *p, int *tuple)
{
    py_node *x = expr(p), *t;
    *tuple = 0;
    if (!is_op(p, ",")) return x;
    t = node(p, N_TUPLE);
    t->col = x->col;
    add_kid(p, t, x, NULL);
    *tuple = 1;
    while (is_op(p, ",")) {
        p->i++;
        if (cur(p)->kind == T_END || is_op(p, "=") || is_op(p, ")") || is_op(p, ";") || is_op(p, "]")) break;
        add_kid(p, t, expr(p), NULL);
    }
    return t;
}

/* An assignment's target: a name, or a tuple/list of names. */
static void check_target(parser *p, const py_node *x)
{
    if (x->kind == N_NAME) return;
    if (x->kind == N_TUPLE || x->kind == N_LIST) {
        for (int i = 0; i < x->nkids; i++) {
            if (x->kids[i]->kind == N_TUPLE || x->kids[i]->kind == N_LIST) outside(p, "nested unpacking");
            check_target(p, x->kids[i]);
        }
        return;
    }
    if (x->kind == N_ATTR || x->kind == N_INDEX || x->kind == N_SLICE) outside(p, "assigning to an attribute or an item");
    fail(p, PY_SYNTAX, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
         x->kind == N_CALL ? "function call" : x->kind == N_STR || x->kind == N_INT || x->kind == N_BYTES || x->kind == N_FLOAT ? "literal"
                                                                                                                              : "expression");
}

static void word(parser *p, char *out, size_t n, const char *what)
{
    if (cur(p)->kind != T_NAME || py_keyword(cur(p)->at, cur(p)->len)) fail(p, PY_SYNTAX, "invalid syntax");
    if (cur(p)->len >= n) fail(p, PY_SYNTAX, "%s name too long", what);
    memcpy(out, cur(p)->at, cur(p)->len);
    out[cur(p)->len] = 0;
    p->i++;
}

/* import socket [as s] | from socket import * | from socket import a, b */
static void import_stmt(parser *p, py_stmt *s)
{
    int from = is_name(p, "from");
    p->i++;
    word(p, s->module, sizeof s->module, "module");
    if (is_op(p, ".")) outside(p, "import of a package");
    if (!from) {
        s->kind = S_IMPORT;
        if (is_name(p, "as")) { p->i++; word(p, s->as, sizeof s->as, "alias"); }
        if (is_op(p, ",")) outside(p, "import of several modules");
        return;
    }
    if (!is_name(p, "import")) fail(p, PY_SYNTAX, "invalid syntax");
    p->i++;
    s->kind = S_FROM;
    if (is_op(p, "*")) { s->star = 1; p->i++; return; }
    {
        int paren = is_op(p, "(");
        if (paren) p->i++;
        for (;;) {
            char nm[64], **v;
            word(p, nm, sizeof nm, "imported");
            if (is_name(p, "as")) outside(p, "import … as");
            if (!(v = realloc(s->names, (size_t)(s->nnames + 1) * sizeof *v))) fail(p, PY_SYNTAX, "out of memory");
            s->names = v;
            s->names[s->nnames++] = dup_n(p, nm, strlen(nm));
            if (!is_op(p, ",")) break;
            p->i++;
            if (paren && is_op(p, ")")) break;
        }
        if (paren) expect(p, ")");
    }
}

/* One target list into s->targets. */
static void add_target(parser *p, py_stmt *s, py_node *x)
{
    py_node **v = realloc(s->targets, (size_t)(s->ntargets + 1) * sizeof *v);
    if (!v) fail(p, PY_SYNTAX, "out of memory");
    s->targets = v;
    s->targets[s->ntargets++] = x;
}

static void statement(parser *p, py_stmt *s)
{
    static const char *const blocks[] = {"while", "for", "if", "elif", "else", "def", "class", "with", "try", "except",
                                         "finally", "async", NULL};
    static const char *const others[] = {"return", "break", "continue", "global", "nonlocal", "raise", "assert", "yield",
                                         "await", "lambda", NULL};
    py_tok *k = cur(p);
    int tuple;
    py_node *x;
    for (int i = 0; blocks[i]; i++)
        if (is_name(p, blocks[i])) {
            p->e->block = 1;
            outside(p, blocks[i]);
        }
    for (int i = 0; others[i]; i++)
        if (is_name(p, others[i])) outside(p, others[i]);
    if (is_name(p, "import") || is_name(p, "from")) { import_stmt(p, s); return; }
    if (is_name(p, "pass")) { p->i++; s->kind = S_PASS; return; }
    if (is_name(p, "del")) {
        p->i++;
        s->kind = S_DEL;
        x = expr_list(p, &tuple);
        check_target(p, x);
        add_target(p, s, x);
        return;
    }
    if (k->kind == T_NAME && k->len == 5 && !memcmp(k->at, "print", 5) &&
        (p->t.v[p->i + 1].kind == T_STR || p->t.v[p->i + 1].kind == T_NAME || p->t.v[p->i + 1].kind == T_INT))
        fail(p, PY_SYNTAX, "Missing parentheses in call to 'print'. Did you mean print(...)?");
    x = expr_list(p, &tuple);
    if (cur(p)->kind == T_OP && strlen(cur(p)->op) >= 2 && cur(p)->op[strlen(cur(p)->op) - 1] == '=' && strcmp(cur(p)->op, "==") &&
        strcmp(cur(p)->op, "!=") && strcmp(cur(p)->op, "<=") && strcmp(cur(p)->op, ">=")) {
        /* x += 1: x = x + 1, for a name. */
        py_node *b = node(p, N_BINOP), *t;
        size_t l = strlen(cur(p)->op) - 1;
        if (x->kind != N_NAME) outside(p, "augmented assignment to this target");
        memcpy(b->op, cur(p)->op, l);
        b->op[l] = 0;
        if (strcmp(b->op, "+") && strcmp(b->op, "-") && strcmp(b->op, "*") && strcmp(b->op, "/") && strcmp(b->op, "//") && strcmp(b->op, "%"))
            outside(p, "this operator");
        p->i++;
        t = node(p, N_NAME);
        t->name = dup_n(p, x->name, strlen(x->name));
        add_kid(p, b, x, NULL);
        add_kid(p, b, expr_list(p, &tuple), NULL);
        s->kind = S_ASSIGN;
        add_target(p, s, t);
        s->value = b;
        return;
    }
    if (!is_op(p, "=")) {
        if (is_op(p, ":") && p->t.v[p->i + 1].kind != T_END) outside(p, "annotations");
        s->kind = S_EXPR;
        s->value = x;
        return;
    }
    s->kind = S_ASSIGN;
    while (is_op(p, "=")) {
        check_target(p, x);
        add_target(p, s, x);
        p->i++;
        if (cur(p)->kind == T_END) fail(p, PY_SYNTAX, "invalid syntax");
        x = expr_list(p, &tuple);
    }
    s->value = x;
}

static void node_free(py_node *x)
{
    if (x->kw)
        for (int j = 0; j < x->nkids; j++) free(x->kw[j]);
    free(x->kw);
    free(x->kids);
    free(x->name);
    free(x);
}

void py_prog_free(py_prog *g)
{
    for (int i = 0; i < g->n; i++) {
        free(g->v[i].targets);
        for (int j = 0; j < g->v[i].nnames; j++) free(g->v[i].names[j]);
        free(g->v[i].names);
    }
    free(g->v);
    for (int i = 0; i < g->nnodes; i++)
        if (g->nodes[i]) node_free(g->nodes[i]);
    free(g->nodes);
    memset(g, 0, sizeof *g);
}

static py_parse_rc parse_tokens(parser *p)
{
    py_prog *g = p->g;
    int rc;
    if ((rc = setjmp(p->out)) != 0) {
        py_prog_free(g);
        return (py_parse_rc)rc;
    }
    while (cur(p)->kind != T_END) {
        if (!(g->n & 3)) {
            py_stmt *w = realloc(g->v, (size_t)(g->n + 4) * sizeof *w);
            if (!w) fail(p, PY_SYNTAX, "out of memory");
            g->v = w;
            memset(&g->v[g->n], 0, 4 * sizeof *w);
        }
        g->n++;
        statement(p, &g->v[g->n - 1]);
        if (is_op(p, ";")) { p->i++; continue; }
        if (cur(p)->kind != T_END) {
            if (is_op(p, ":") && p->t.v[p->i + 1].kind == T_END) outside(p, "a block");
            fail(p, PY_SYNTAX, "invalid syntax");
        }
    }
    return PY_OK;
}

py_parse_rc py_parse(const char *src, py_prog *g, py_parse_err *e)
{
    parser p;
    char *line;
    size_t len = strlen(src), col;
    py_parse_rc rc;
    memset(&p, 0, sizeof p);
    memset(e, 0, sizeof *e);
    memset(g, 0, sizeof *g);
    if (!(line = malloc(len + 1))) { snprintf(e->msg, sizeof e->msg, "out of memory"); return PY_SYNTAX; }
    memcpy(line, src, len + 1);
    /* A trailing '&' (after any comment is cut) asks for the background, as for commands. */
    {
        py_toks t;
        char err[200];
        if (py_lex(line, &t, err, sizeof err, &col) == 0 && t.n >= 2 && t.v[t.n - 2].kind == T_OP && !strcmp(t.v[t.n - 2].op, "&") &&
            !t.depth && !t.open_string) {
            line[t.v[t.n - 2].at - line] = ' ';
            g->background = 1;
        }
        py_lex_free(&t);
    }
    p.e = e;
    p.g = g;
    if (py_lex(line, &p.t, e->msg, sizeof e->msg, &col) < 0) {
        e->col = col;
        py_lex_free(&p.t);
        free(line);
        return PY_SYNTAX;
    }
    rc = p.t.depth || p.t.open_string ? PY_MORE : parse_tokens(&p);
    py_lex_free(&p.t);
    free(line);
    return rc;
}
