/* py_run.c — a typed line of the course's Python, from deciding that it is Python to the
 * exception line: checked whole before anything runs (a loop, another module, open() are
 * refused with one sentence), then each statement run, its value echoed as Python's REPL
 * echoes it, its exception printed under sockplay's own report of the failed call. */
#include "py/py_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd_table.h"
#include "core/call.h"
#include "core/log.h"
#include "core/registry.h"
#include "py/py_eval.h"
#include "py/py_lex.h"
#include "py/py_parse.h"
#include "py/py_sock.h"
#include "report/out.h"

static char *pending;            /* lines gathered while a bracket is open */
static int in_block;             /* a refused block's indented body is being skipped */
static int block_lines;          /* how many of its lines were skipped */
static int after_block;          /* it paused at a blank line: indented lines are still its body */

/* A line ended with '&': its statement waits for its background call to end. */
typedef struct {
    int job;
    py_prog prog;
    char *text;
} waiting;
static waiting waits[64];

/* --- what is Python --------------------------------------------------------------------- */

/* The line is a sockplay command: its first word is one (`close s`, `wire on`), or it is
 * NAME = COMMAND … (`s = socket tcp`) with COMMAND not a Python name the session has. */
static int command_shaped(const char *line)
{
    char w[40];
    const char *p = line + strspn(line, " \t"), *after, *q, *rest;
    size_t k = strcspn(p, " \t=(.[,:");
    int assign;
    after = p + k + strspn(p + k, " \t");
    assign = after[0] == '=' && after[1] != '=';
    if (k && k < sizeof w && (p[k] == ' ' || p[k] == '\t') && *after && !assign) {
        memcpy(w, p, k);
        w[k] = 0;
        if (cmd_find(w)) return 1;        /* close s, wire on; a lone word is decided below */
    }
    if (!k || !assign) return 0;
    q = after + 1 + strspn(after + 1, " \t");
    k = strcspn(q, " \t=(.[,:");
    if (!k || k >= sizeof w || (q[k] != ' ' && q[k] != '\t' && q[k])) return 0;
    memcpy(w, q, k);
    w[k] = 0;
    if (!cmd_find(w)) return 0;
    rest = q + k + strspn(q + k, " \t");
    if (*rest && !strchr("+-*/%<>=!&|^@.,)]}#;", *rest)) return 1;   /* u = socket udp: a command's words follow */
    {
        py_val *v = py_lookup(w);              /* s = socket alone: the module, once imported */
        pv_unref(v);
        return v == NULL;
    }
}

/* A line Python would read as one (a keyword first, a call, an attribute, an assignment,
 * a literal) — so a mistake in it is told as Python's SyntaxError, not "unknown command". */
static int python_shaped(const char *line)
{
    py_toks t;
    char err[200];
    size_t col;
    int yes = 0;
    const char *p = line + strspn(line, " \t");
    if (py_lex(line, &t, err, sizeof err, &col) < 0) {
        /* Cut short by a character Python cannot read: shaped by what came before it. */
        size_t k = strcspn(p, " \t(.=[,");
        const char *after = p + k + strspn(p + k, " \t");
        int name = *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (unsigned char)*p >= 0x80;
        yes = name && k && *after && strchr("(.=[,", *after);
        return yes || py_keyword(p, k);
    }
    if (t.n >= 1 && t.v[0].kind == T_NAME && py_keyword(t.v[0].at, t.v[0].len)) yes = 1;
    else if (t.n >= 2 && t.v[0].kind == T_NAME && t.v[1].kind == T_OP && strchr("(.=,[", t.v[1].op[0]))
        yes = !(t.n == 3 && !strcmp(t.v[1].op, "="));   /* "x =" alone: the command parser's "nothing after" */
    else if (t.n >= 2 && (t.v[0].kind == T_STR || t.v[0].kind == T_BYTES || t.v[0].kind == T_INT || t.v[0].kind == T_FLOAT ||
                          (t.v[0].kind == T_OP && strchr("([", t.v[0].op[0]))))
        yes = t.v[1].kind != T_NAME;        /* "socket" tcp is a command with a quoted name */
    py_lex_free(&t);
    return yes;
}

/* --- what is said --------------------------------------------------------------------------- */

/* The one sentence for a construct outside what sockplay runs: what it is, what sockplay
 * runs, and how to run the whole program. */
static void refuse(const char *what)
{
    char msg[700], shown[200];
    out_sanitize(shown, sizeof shown, what);
    snprintf(msg, sizeof msg,
             TR("sockplay runs the course's socket lines one statement at a time (socket calls, assignments, print, input), not %s: "
                "nothing was run. Run a whole program with python3 FILE.py (in the lab: sockplay --join B -- python3 FILE.py).",
                "sockplay 一次执行课程里的一条套接字语句（套接字调用、赋值、print、input），不执行 %s：什么都没有运行。"
                "完整的程序请用 python3 FILE.py 运行（在实验室里：sockplay --join B -- python3 FILE.py）。"),
             shown);
    printf("%s", out_col(C_RED));
    out_wrap(stdout, "", 0, msg, out_col(C_RESET));
    if (!strcmp(what, "open()") || !strcmp(what, "with"))   /* the downloader reads a file to send it */
        out_hint(TR("to send a file's bytes as they are: send S @FILE (S the socket's name)",
                    "要原样发送一个文件的字节：send S @文件（S 是套接字的名字）"));
}

/* Python's SyntaxError, as its REPL shows it: the line, a caret under the column. */
static void syntax_error(const char *line, const py_parse_err *e)
{
    char shown[1200], msg[300];
    const char *start = line, *nl;
    size_t col = e->col;
    /* The caret's line of a statement gathered over several lines. */
    while ((nl = strchr(start, '\n')) && (size_t)(nl - line) < e->col) start = nl + 1;
    col = e->col - (size_t)(start - line);
    snprintf(shown, sizeof shown, "%.*s", (int)strcspn(start, "\n"), start);
    {
        char safe[sizeof shown * 4];
        out_sanitize(safe, sizeof safe, shown);
        printf("    %s\n    %*s^\n", safe, out_width_n(start, col), "");
    }
    out_sanitize(msg, sizeof msg, e->msg);
    printf("%sSyntaxError: %s%s\n", out_col(C_RED), msg, out_col(C_RESET));
}

static void exception_line(void)
{
    char msg[sizeof py_error.msg * 4];
    out_sanitize(msg, sizeof msg, py_error.msg);
    printf("%s%s%s%s%s\n", out_col(C_RED), py_error.type, msg[0] ? ": " : "", msg, out_col(C_RESET));
    /* The course's most common slip (002: sock.send('data')): what Python 3 wants instead. */
    if (!strcmp(py_error.type, "TypeError") && !strcmp(py_error.msg, "a bytes-like object is required, not 'str'"))
        out_hint(TR("sockets carry bytes: encode the text first, 'hello'.encode('utf-8') (or b'hello')",
                    "套接字传输的是字节：先把文字编码，'hello'.encode('utf-8')（或 b'hello'）"));
}

static void echo(py_val *v)
{
    char *r = pv_repr(v), *safe;
    size_t n;
    if (!r) return;
    n = strlen(r) * 4 + 16;
    if ((safe = malloc(n))) {
        out_sanitize(safe, n, r);          /* repr escapes already; this is the second lock */
        printf("%s\n", safe);
        free(safe);
    }
    free(r);
}

/* --- before anything runs ----------------------------------------------------------------- */

/* The first call in x to a builtin sockplay does not run (open, range …), or NULL. */
static const char *outside_call(const py_node *x)
{
    const char *w;
    if (x->kind == N_CALL && x->kids[0]->kind == N_NAME && py_outside_call(x->kids[0]->name)) return x->kids[0]->name;
    for (int i = 0; i < x->nkids; i++)
        if (x->kids[i] && (w = outside_call(x->kids[i]))) return w;
    return NULL;
}

static const char *const blocking_methods[] = {"accept", "connect", "recv", "recvfrom", "send", "sendto", NULL};

/* NULL when the line may run; else what to refuse it for (into buf). */
static const char *check(const py_prog *g, char *buf, size_t n)
{
    for (int i = 0; i < g->n; i++) {
        const py_stmt *s = &g->v[i];
        const char *w;
        if ((s->kind == S_IMPORT || s->kind == S_FROM) && strcmp(s->module, "socket")) {
            snprintf(buf, n, "import %s", s->module);
            return buf;
        }
        if (s->value && (w = outside_call(s->value))) {
            snprintf(buf, n, "%s()", w);
            return buf;
        }
    }
    return NULL;
}

/* A '&' line: one statement, a blocking method call (or an assignment of one). */
static int background_shape(const py_prog *g)
{
    const py_node *v;
    if (g->n != 1 || (g->v[0].kind != S_EXPR && g->v[0].kind != S_ASSIGN)) return 0;
    v = g->v[0].value;
    if (v->kind != N_CALL || v->kids[0]->kind != N_ATTR) return 0;
    for (int i = 0; blocking_methods[i]; i++)
        if (!strcmp(v->kids[0]->name, blocking_methods[i])) return 1;
    return 0;
}

/* --- running ---------------------------------------------------------------------------------- */

/* The name a socket made by s gets: its first target's, when its value is a call. */
static const char *naming(const py_stmt *s)
{
    const py_node *t;
    if (s->kind != S_ASSIGN || s->value->kind != N_CALL) return NULL;
    t = s->targets[0];
    /* conn = s.accept() makes conn a tuple: the socket in it stays unnamed, as in Python. */
    if (t->kind == N_NAME && s->value->kids[0]->kind == N_ATTR && !strcmp(s->value->kids[0]->name, "accept")) return NULL;
    if ((t->kind == N_TUPLE || t->kind == N_LIST) && t->nkids) t = t->kids[0];
    return t->kind == N_NAME && registry_valid_name(t->name) ? t->name : NULL;
}

/* The text export writes: the line as typed, without its '&'. */
static char *export_text(const char *line, int background)
{
    char *t = strdup(line);
    if (t && background) {
        char *amp = strrchr(t, '&');
        if (amp) *amp = ' ';
        for (size_t k = strlen(t); k && (t[k - 1] == ' ' || t[k - 1] == '\t'); k--) t[k - 1] = 0;
    }
    return t;
}

/* A '&' line: its call starts in the background; the statement (the assignment, the echo)
 * ends in the listener, when the call does. */
/* The names a target binds, marked known now: typed before the call returns, each is
 * Python's NameError, not an unknown command. */
static void mark_targets(const py_node *t)
{
    if (t->kind == N_NAME) py_mark_known(t->name);
    for (int i = 0; (t->kind == N_TUPLE || t->kind == N_LIST) && i < t->nkids; i++) mark_targets(t->kids[i]);
}

static int start_background(const char *line, py_prog *g)
{
    py_val *v;
    for (int i = 0; g->v[0].kind == S_ASSIGN && i < g->v[0].ntargets; i++) mark_targets(g->v[0].targets[i]);
    py_clear();
    py_sock_naming = naming(&g->v[0]);
    py_sock_background = 1;
    py_sock_job = 0;
    v = py_eval(g->v[0].value);
    py_sock_background = 0;
    py_sock_naming = NULL;
    if (!v) {
        exception_line();
        return PYRUN_DONE;
    }
    pv_unref(v);
    for (size_t k = 0; py_sock_job && k < sizeof waits / sizeof waits[0]; k++)
        if (!waits[k].job) {
            waits[k].job = py_sock_job;
            waits[k].prog = *g;
            memset(g, 0, sizeof *g);
            waits[k].text = export_text(line, 1);
            break;
        }
    return PYRUN_DONE;
}

static int run(const char *line, py_prog *g)
{
    char why[120];
    const char *w;
    unsigned long first = log_total();
    int raised = 0, quit;
    if ((w = check(g, why, sizeof why))) {
        refuse(w);
        return PYRUN_DONE;
    }
    if (g->background && !background_shape(g)) {
        out_wrap(stdout, out_col(C_RED), 0,
                 TR("'&' runs one blocking call in the background: accept, connect, recv, recvfrom, send or sendto, as in "
                    "`data = conn.recv(1024) &`: nothing was run.",
                    "'&' 在后台运行一个可能阻塞的调用：accept、connect、recv、recvfrom、send 或 sendto，例如 "
                    "`data = conn.recv(1024) &`：什么都没有运行。"),
                 out_col(C_RESET));
        return PYRUN_DONE;
    }
    py_quit = 0;
    if (g->background) return start_background(line, g);
    for (int i = 0; i < g->n && !raised; i++) {
        py_val *shown = NULL;
        py_clear();
        py_sock_naming = naming(&g->v[i]);
        if (py_exec(&g->v[i], &shown) < 0) {
            raised = py_error.oserror ? 1 : 2;
            py_let_go_end(0);
            exception_line();
            if (!strcmp(py_error.type, "NameError") && g->v[i].value && g->v[i].value->kind == N_CALL &&
                g->v[i].value->kids[0]->kind == N_NAME && strstr(py_error.msg, g->v[i].value->kids[0]->name))
                out_hint(TR("a function defined with def runs in python3 FILE.py, not at this prompt",
                            "用 def 定义的函数要用 python3 FILE.py 运行，不能在这个提示符下运行"));
        } else {
            py_let_go_end(1);               /* the sockets the statement let go of close now */
            if (shown) echo(shown);
        }
        pv_unref(shown);
        py_sock_naming = NULL;
    }
    quit = py_quit;
    if (raised != 2 || log_total() != first) {
        char *t = export_text(line, 0);
        if (t) log_source(t, first, log_total(), 0, raised);
        free(t);
    }
    fflush(stdout);
    return quit ? PYRUN_QUIT : PYRUN_DONE;
}

/* A background line's call ended: its statement finishes (the assignment, the echo). */
static void listener(call_event ev, const sp_call *c)
{
    static unsigned long closing;     /* the serial of the socket a close began on */
    if (ev == CALL_BEGIN && c->kind == CALL_CLOSE && c->s) closing = c->s->serial;
    if (ev != CALL_END) return;
    if (c->kind == CALL_CLOSE && c->rc == 0 && c->var[0])
        py_remember_closed(c->var, c->fd, closing, c->family, c->type);   /* `c` stays a closed socket, as in Python */
    if (!c->job) return;
    for (size_t k = 0; k < sizeof waits / sizeof waits[0]; k++) {
        waiting *w = &waits[k];
        py_val *v;
        const py_stmt *s;
        int raised = 0;
        if (w->job != c->job) continue;
        s = &w->prog.v[0];
        py_clear();
        if (!(v = py_sock_result(c))) {
            raised = 1;
            if (c->cancel_by != CANCEL_QUIT) exception_line();   /* leaving: the report said it is cancelled */
        } else if (s->kind == S_ASSIGN) {
            for (int i = 0; i < s->ntargets && !raised; i++)
                if (py_assign(s->targets[i], v) < 0) { raised = 2; exception_line(); }
            py_let_go_end(!raised);
        } else if (v->t != PV_NONE) {
            echo(v);
        }
        pv_unref(v);
        if (w->text) log_source(w->text, log_total() - 1, log_total(), c->job, raised);
        free(w->text);
        py_prog_free(&w->prog);
        w->job = 0;
        w->text = NULL;
        fflush(stdout);
        return;
    }
}

void py_run_init(void) { call_listen(listener, 0); }

int py_run_pending(void) { return pending != NULL || in_block; }

int py_run_cancel(void)
{
    if (!py_run_pending()) return 0;
    free(pending);
    pending = NULL;
    in_block = after_block = 0;
    block_lines = 0;
    printf("%sKeyboardInterrupt%s\n", out_col(C_RED), out_col(C_RESET));
    return 1;
}

/* Leaves the block being skipped, saying how much of it was not run. */
static void end_block(void)
{
    char msg[200];
    if (block_lines) {
        snprintf(msg, sizeof msg, TR("the block's %d more line%s not run either", "这个代码块后面的 %d 行也没有运行"), block_lines,
                 block_lines == 1 ? " was" : "s were");
        out_hint(msg);
    }
    in_block = 0;
    block_lines = 0;
}

int py_run_line(const char *line)
{
    py_prog g;
    py_parse_err e;
    py_parse_rc rc;
    char *text;
    int r;
    const char *body = line + strspn(line, " \t");
    if (in_block || after_block) {
        /* The refused block's body: its indented lines and comments, else/elif/except/finally;
         * after a blank line inside it (a pasted def), indented lines are still its body. */
        static const char *const more[] = {"elif", "else", "except", "finally", NULL};
        int part = line[0] == ' ' || line[0] == '\t' || (*body == '#' && in_block);
        for (int i = 0; more[i] && !part; i++)
            part = !strncmp(body, more[i], strlen(more[i])) && body[strlen(more[i])] && strchr(" :\t", body[strlen(more[i])]);
        if (*body && part) {
            in_block = 1;
            after_block = 0;
            if (*body != '#') block_lines++;
            return PYRUN_MORE;
        }
        if (in_block) end_block();
        after_block = !*body;          /* a blank line: the block may go on (indented) after it */
        if (!*body) return PYRUN_DONE;
    }
    if (!pending && (!*body || *body == '#')) return PYRUN_NOT;
    if (!pending && command_shaped(body)) return PYRUN_NOT;
    if (pending && (!*body || strlen(pending) > 65536)) {
        /* A blank line (or Ctrl-C at a terminal) gives up on what a bracket left open. */
        py_toks t;
        char err[200];
        size_t col;
        py_parse_err pe;
        memset(&pe, 0, sizeof pe);
        if (py_lex(pending, &t, err, sizeof err, &col) == 0 && t.depth) {
            /* The caret goes under the bracket that was never closed. */
            const char *at[201];
            int d = 0;
            for (int i = 0; i < t.n; i++)
                if (t.v[i].kind == T_OP && strchr("([{", t.v[i].op[0]) && d < 201) at[d++] = t.v[i].at;
                else if (t.v[i].kind == T_OP && strchr(")]}", t.v[i].op[0]) && d > 0) d--;
            snprintf(pe.msg, sizeof pe.msg, "'%c' was never closed", t.stack[t.depth - 1]);
            if (d > 0) pe.col = (size_t)(at[d - 1] - pending);
        } else {
            snprintf(pe.msg, sizeof pe.msg, "%s", t.open_string ? "unterminated triple-quoted string literal" : "invalid syntax");
        }
        py_lex_free(&t);
        syntax_error(pending, &pe);
        free(pending);
        pending = NULL;
        return PYRUN_DONE;
    }
    if (pending) {
        size_t a = strlen(pending), b = strlen(line);
        char *n = realloc(pending, a + b + 2);
        if (!n) { free(pending); pending = NULL; return PYRUN_DONE; }
        n[a] = '\n';
        memcpy(n + a + 1, line, b + 1);
        pending = n;
        text = pending;
    } else {
        text = (char *)body;        /* an indented line from inside a function runs as it stands */
    }
    rc = py_parse(text, &g, &e);
    if (rc == PY_MORE) {
        if (!pending && !(pending = strdup(body))) return PYRUN_DONE;
        return PYRUN_MORE;
    }
    if (rc == PY_SYNTAX && !pending && !python_shaped(text)) return PYRUN_NOT;
    if (rc == PY_OK && g.n == 0) {
        /* Nothing of Python's left ('&' alone): the command parser names the mistake. */
        py_prog_free(&g);
        free(pending);
        pending = NULL;
        return PYRUN_NOT;
    }
    if (rc == PY_OK && !pending && g.n == 1 && g.v[0].kind == S_EXPR && g.v[0].value->kind == N_NAME) {
        /* One word that names nothing: "unknown command", as before Python ran here. */
        py_val *v = py_lookup(g.v[0].value->name);
        pv_unref(v);
        if (!v && !py_known(g.v[0].value->name)) { py_prog_free(&g); return PYRUN_NOT; }
    }
    if (rc == PY_OK && !pending && g.n == 1 && g.v[0].kind == S_EXPR && g.v[0].value->kind == N_NAME && cmd_find(g.v[0].value->name)) {
        /* A lone word that is a command (help, state, quit) stays the command. */
        py_val *v = py_lookup(g.v[0].value->name);
        int defined = v && v->t != PV_FUNC;
        pv_unref(v);
        if (!defined) { py_prog_free(&g); return PYRUN_NOT; }
    }
    r = PYRUN_DONE;
    if (rc == PY_SYNTAX) syntax_error(text, &e);
    else if (rc == PY_OUTSIDE) {
        refuse(e.msg);
        if (e.block) { in_block = 1; block_lines = 0; after_block = 0; }
    } else {
        r = run(text, &g);
        py_prog_free(&g);
    }
    free(pending);
    pending = NULL;
    return r;
}

int py_run_complete(const char *line, int start, const char *text, void (*add)(const char *))
{
    const char *dot = strrchr(text, '.');
    char name[64], cand[160];
    py_val *v;
    const char *a;
    (void)line;
    (void)start;
    if (!dot || (size_t)(dot - text) >= sizeof name || dot == text) return 0;
    memcpy(name, text, (size_t)(dot - text));
    name[dot - text] = 0;
    if (strchr(name, '.') || !(v = py_lookup(name))) return 0;
    for (size_t i = 0; (a = py_attr_at(v, i)); i++)
        if (!strncmp(a, dot + 1, strlen(dot + 1))) {
            snprintf(cand, sizeof cand, "%s.%s", name, a);
            add(cand);
        }
    pv_unref(v);
    return 1;
}

void py_run_hint(const char *line, char *out, size_t n)
{
    size_t len = strlen(line), k, m;
    char name[SP_NAME_MAX], meth[24];
    py_val *v;
    out[0] = 0;
    if (len < 4 || line[len - 1] != '(') return;
    /* NAME.METHOD( at the end of the line */
    for (m = len - 1; m > 0 && (line[m - 1] == '_' || (line[m - 1] >= 'a' && line[m - 1] <= 'z')); m--) {}
    if (m == 0 || line[m - 1] != '.' || len - 1 - m >= sizeof meth || len - 1 == m) return;
    for (k = m - 1; k > 0 && (line[k - 1] == '_' || (line[k - 1] >= 'a' && line[k - 1] <= 'z') || (line[k - 1] >= 'A' && line[k - 1] <= 'Z') ||
                              (line[k - 1] >= '0' && line[k - 1] <= '9'));
         k--) {}
    if (m - 1 - k == 0 || m - 1 - k >= sizeof name) return;
    memcpy(name, line + k, m - 1 - k);
    name[m - 1 - k] = 0;
    memcpy(meth, line + m, len - 1 - m);
    meth[len - 1 - m] = 0;
    if (!(v = py_lookup(name))) return;
    if (v->t == PV_SOCK)
        for (const py_fn *f = py_sock_methods; f->name; f++)
            if (!strcmp(f->name, meth) && f->args) snprintf(out, n, "%s)", f->args);
    pv_unref(v);
}

void py_run_help(void)
{
    char list[400] = "", lead[40];
    const py_fn *f;
    out_wrap(stdout, "", 0, TR("The course's Python runs here, one statement per line, on real sockets, with the same report as "
                               "the commands (docs/python.md):", "课程里的 Python 语句可以直接在这里运行，每行一条，用真实的套接字，"
                               "输出和命令相同（见 docs/python.md）："), "");
    printf("  import socket\n  s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n  s.bind(('', 7788)); s.listen(128)\n"
           "  conn, addr = s.accept()\n  data = conn.recv(1024); print(data.decode('gbk'))\n");
    out_wrap(stdout, "", 0, TR("Socket methods:", "套接字方法："), "");
    for (size_t i = 0; py_sock_methods[i].name; i++) {
        snprintf(lead, sizeof lead, "  %-13s ", py_sock_methods[i].name);
        out_wrap(stdout, lead, 16, TR(py_sock_methods[i].doc_en, py_sock_methods[i].doc_zh), "");
    }
    for (size_t i = 0; (f = py_builtin_at(i)); i++) {
        if (strlen(list) + strlen(f->name) + 3 >= sizeof list) break;
        if (i) strcat(list, " ");
        strcat(list, f->name);
    }
    snprintf(lead, sizeof lead, "%s", TR("Also: ", "还有："));
    {
        char msg[600];
        snprintf(msg, sizeof msg, TR("%s; str.encode(enc), bytes.decode(enc), %%, .format, f\"…{x}…\"; Tab after `name.` lists its methods.",
                                     "%s；str.encode(编码)、bytes.decode(编码)、%%、.format、f\"…{x}…\"；在 `名字.` 后按 Tab 列出方法。"), list);
        out_wrap(stdout, lead, 2, msg, "");
    }
    out_wrap(stdout, "", 0, TR("Not here: while, for, if, def, class, with, try, other modules, open() — run a whole program with python3 FILE.py.",
                               "这里不运行：while、for、if、def、class、with、try、其他模块、open() —— 完整的程序请用 python3 FILE.py 运行。"), "");
}

void py_run_free(void)
{
    for (size_t k = 0; k < sizeof waits / sizeof waits[0]; k++) {
        py_prog_free(&waits[k].prog);
        free(waits[k].text);
        waits[k].job = 0;
    }
    free(pending);
    pending = NULL;
    py_names_free();
}
