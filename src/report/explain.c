/* explain.c — the same call in C and in Python. The C line shows what the kernel was given
 * (fds, lengths, flags); the Python line is what the course's programs write. */
#include "report/explain.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/encoding.h"
#include "report/errtext.h"
#include "report/out.h"
#include "report/report.h"
#include "lang/sockopt.h"

#define ADD(...) fprintf(f, __VA_ARGS__)

static int reserved(const char *w, int lang)
{
    static const char *py[] = {"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
                               "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
                               "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
                               "try", "while", "with", "yield", "socket", "select", "struct", "print", "data", "addr", "clientAddr", NULL};
    static const char *c[] = {"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
                              "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
                              "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
                              "union", "unsigned", "void", "volatile", "while", "main", "buf", "rc", "n", "len", "peer",
                              "where", "ip", "unix_path", "check", "show", "port_of", "printf", "errno", "poll", NULL};
    static const char *lua[] = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
                                "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
                                "socket", "print", "data", "addr", "sockplay", NULL};
    const char **list = lang == LANG_PY_SRC ? py : lang == LANG_C_SRC ? c : lua;
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], w)) return 1;
    return 0;
}

/* The course's names for sockets no name was given: what socket() or accept() returned
 * is called, per fd, as the course's programs call it (tcp_client_socket, udp_socket,
 * client_socket …), with the fd after it while an open one already has that name. Table 0
 * follows the session (explain), table 1 an export as it goes through the calls. */
#define COURSE_FDS 1024
static struct { char name[SP_NAME_MAX + 8]; int open; } course[2][COURSE_FDS];
static int course_tab;

/* The course's name for the socket o makes (socket, accept). */
static const char *course_base(const sp_call *o)
{
    if (o->kind == CALL_ACCEPT) return "client_socket";
    if (o->family == AF_UNIX) return o->type == SOCK_STREAM ? "unix_socket" : "unix_dgram_socket";
    return o->type == SOCK_STREAM ? "tcp_client_socket" : "udp_socket";
}

void explain_names_use(int table, int reset)
{
    course_tab = table;
    if (reset) memset(course[table], 0, sizeof course[table]);
}

void explain_follow(const sp_call *o)
{
    int fd = o->newfd, taken = 0;
    const char *base = course_base(o);
    if (o->kind == CALL_CLOSE && o->rc == 0 && o->fd >= 0 && o->fd < COURSE_FDS) course[course_tab][o->fd].open = 0;
    if ((o->kind != CALL_SOCKET && o->kind != CALL_ACCEPT) || o->rc < 0 || fd < 0 || fd >= COURSE_FDS) return;
    if (o->newvar[0]) {              /* it has a name of its own */
        course[course_tab][fd].name[0] = '\0';
        course[course_tab][fd].open = 0;
        return;
    }
    for (int i = 0; i < COURSE_FDS; i++)
        taken |= i != fd && course[course_tab][i].open && !strcmp(course[course_tab][i].name, base);
    snprintf(course[course_tab][fd].name, sizeof course[0][0].name, taken ? "%s%d" : "%s", base, fd);
    course[course_tab][fd].open = 1;
}

void explain_var(const char *name, int fd, int lang, char *out, size_t n)
{
    if (name && *name) snprintf(out, n, "%s%s", name, reserved(name, lang) ? "_" : "");
    else if (fd >= 0 && fd < COURSE_FDS && course[course_tab][fd].name[0]) snprintf(out, n, "%s", course[course_tab][fd].name);
    else snprintf(out, n, "socket_fd%d", fd);
}

void explain_new_var(const sp_call *o, int lang, char *out, size_t n)
{
    if (o->newvar[0] || (o->rc >= 0 && o->newfd >= 0)) explain_var(o->newvar, o->newfd, lang, out, n);
    else snprintf(out, n, "%s", course_base(o));
}

void explain_vars(const sp_call *o, int lang, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < o->npolls && used < n; i++) {
        char v[SP_NAME_MAX + 8];
        explain_var(o->polls[i].name, o->polls[i].fd, lang, v, sizeof v);
        used += (size_t)snprintf(out + used, n - used, "%s%s", used ? ", " : "", v);
    }
}

static const char *py_family(int f) { return f == AF_INET6 ? "socket.AF_INET6" : f == AF_UNIX ? "socket.AF_UNIX" : "socket.AF_INET"; }

/* ("host", port) or "path" */
static void py_addr(FILE *f, const sp_call *o, const char *port_expr)
{
    if (o->port < 0) { literal_str(f, o->host, strlen(o->host), LANG_PY_SRC, 1); return; }
    ADD("(");
    literal_str(f, o->host, strlen(o->host), LANG_PY_SRC, 1);
    if (port_expr) ADD(", %s)", port_expr);
    else ADD(", %d)", o->port);
}

int explain_python(FILE *f, const sp_call *o, const char *port_expr, size_t max)
{
    static const char *how[] = {"socket.SHUT_RD", "socket.SHUT_WR", "socket.SHUT_RDWR"};
    const sp_optdef *d = o->opt;
    char v[SP_NAME_MAX + 8], nv[300];
    explain_var(o->var, o->fd, LANG_PY_SRC, v, sizeof v);
    explain_new_var(o, LANG_PY_SRC, nv, sizeof nv);
    if (o->kind == CALL_SETTIMEOUT || (o->kind == CALL_SETSOCKOPT && o->secs != -1 && o->opt && o->opt->optname != SO_RCVTIMEO))
        return 0;
    switch (o->kind) {
    case CALL_SOCKET:
        ADD("%s = socket.socket(%s, socket.%s)", nv, py_family(o->family), o->type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM");
        break;
    case CALL_BIND: ADD("%s.bind(", v); py_addr(f, o, NULL); ADD(")"); break;
    case CALL_LISTEN: ADD("%s.listen(%ld)", v, o->n); break;
    case CALL_ACCEPT: ADD("%s, clientAddr = %s.accept()", nv, v); break;
    case CALL_CONNECT: ADD("%s.connect(", v); py_addr(f, o, port_expr); ADD(")"); break;
    case CALL_SEND:
    case CALL_SENDTO:
        ADD("%s.%s(", v, o->kind == CALL_SEND ? "send" : "sendto");
        literal_bytes(f, o->buf, (size_t)o->n, LANG_PY_SRC, max, o->enc);
        if (o->kind == CALL_SENDTO) ADD(", "), py_addr(f, o, port_expr);
        ADD(")");
        break;
    case CALL_RECV: ADD("data = %s.recv(%ld)", v, o->n); break;
    case CALL_RECVFROM: ADD("data, addr = %s.recvfrom(%ld)", v, o->n); break;
    case CALL_SETSOCKOPT:
        if (o->secs == -2 || o->secs >= 0) {
            /* settimeout's two setsockopt calls are one Python call: said on the first. */
            if (o->secs == -2) ADD("%s.settimeout(None)", v);
            else ADD("%s.settimeout(%g)", v, o->secs);
        } else if (d->kind == OPT_TIMEVAL) {
            ADD("%s.setsockopt(socket.%s, socket.%s, struct.pack(\"ll\", %ld, %ld))", v, d->level_name, d->name,
                (long)o->val.u.tv.tv_sec, (long)o->val.u.tv.tv_usec);
        } else if (d->kind == OPT_LINGER) {
            ADD("%s.setsockopt(socket.%s, socket.%s, struct.pack(\"ii\", %d, %d))", v, d->level_name, d->name,
                o->val.u.lg.l_onoff, o->val.u.lg.l_linger);
        } else {
            ADD("%s.setsockopt(socket.%s, socket.%s, %d)", v, d->level_name, d->name, o->val.u.i);
        }
        break;
    case CALL_GETSOCKOPT: ADD("%s.getsockopt(socket.%s, socket.%s)", v, d->level_name, d->name); break;
    case CALL_SHUTDOWN: ADD("%s.shutdown(%s)", v, how[o->n]); break;
    case CALL_SETBLOCKING: ADD("%s.setblocking(%s)", v, o->n ? "True" : "False"); break;
    case CALL_SETTIMEOUT: break;
    case CALL_GETSOCKNAME: ADD("%s.getsockname()", v); break;
    case CALL_GETPEERNAME: ADD("%s.getpeername()", v); break;
    case CALL_CLOSE: ADD("%s.close()", v); break;
    case CALL_POLL:
        explain_vars(o, LANG_PY_SRC, nv, sizeof nv);
        ADD("select.select([%s], [], []", nv);
        if (o->n >= 0) ADD(", %g)", o->n / 1000.0);
        else ADD(")");
        break;
    }
    return 1;
}

static int addr_len(const sp_call *o)
{
    if (o->family == AF_INET6) return 28;
    if (o->family == AF_UNIX) return (int)(2 + strlen(o->host) + 1);
    return 16;
}

static void where(const sp_call *o, char *buf, size_t n)
{
    if (o->port < 0) snprintf(buf, n, "%s", o->host);
    else if (o->family == AF_INET6) snprintf(buf, n, "[%s]:%d", *o->host ? o->host : "::", o->port);
    else snprintf(buf, n, "%s:%d", *o->host ? o->host : "0.0.0.0", o->port);
}

void explain_c(FILE *f, const sp_call *o)
{
    static const char *how[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    const sp_optdef *d = o->opt;
    char w[200], note[300] = "", got[160], list[400];
    int fd = o->fd;
    where(o, w, sizeof w);
    report_got_text(o, got, sizeof got);
    switch (o->kind) {
    case CALL_SOCKET:
        ADD("socket(%s, %s, 0)", addr_family_name(o->family), o->type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM");
        break;
    case CALL_BIND: ADD("bind(%d, &addr, %d)", fd, addr_len(o)); snprintf(note, sizeof note, "addr = %s", w); break;
    case CALL_LISTEN: ADD("listen(%d, %ld)", fd, o->n); break;
    case CALL_ACCEPT:
        ADD("accept(%d, &peer, &len)", fd);
        if (o->rc >= 0) snprintf(note, sizeof note, "peer = %s", got);
        break;
    case CALL_CONNECT: ADD("connect(%d, &addr, %d)", fd, addr_len(o)); snprintf(note, sizeof note, "addr = %s", w); break;
    case CALL_SEND:
    case CALL_SENDTO:
        ADD("%s(%d, ", o->kind == CALL_SEND ? "send" : "sendto", fd);
        literal_bytes(f, o->buf, (size_t)o->n, LANG_C_SRC, 40, NULL);
        ADD(", %ld, 0", o->n);
        if (o->kind == CALL_SENDTO) {
            ADD(", &addr, %d", addr_len(o));
            snprintf(note, sizeof note, "addr = %s", w);
        }
        ADD(")");
        break;
    case CALL_RECV: ADD("recv(%d, buf, %ld, 0)", fd, o->n); break;
    case CALL_RECVFROM:
        ADD("recvfrom(%d, buf, %ld, MSG_TRUNC, &from, &len)", fd, o->n);
        if (o->rc >= 0) snprintf(note, sizeof note, "from = %s", got);
        break;
    case CALL_SETSOCKOPT:
        if (d->kind == OPT_TIMEVAL)
            ADD("setsockopt(%d, %s, %s, &(struct timeval){%ld, %ld}, sizeof(struct timeval))", fd, d->level_name, d->name,
                (long)o->val.u.tv.tv_sec, (long)o->val.u.tv.tv_usec);
        else if (d->kind == OPT_LINGER)
            ADD("setsockopt(%d, %s, %s, &(struct linger){%d, %d}, sizeof(struct linger))", fd, d->level_name, d->name,
                o->val.u.lg.l_onoff, o->val.u.lg.l_linger);
        else ADD("setsockopt(%d, %s, %s, &(int){%d}, sizeof(int))", fd, d->level_name, d->name, o->val.u.i);
        break;
    case CALL_GETSOCKOPT:
        ADD("getsockopt(%d, %s, %s, &val, &len)", fd, d->level_name, d->name);
        if (o->rc >= 0) snprintf(note, sizeof note, "val = %s", got);
        break;
    case CALL_SHUTDOWN: ADD("shutdown(%d, %s)", fd, how[o->n]); break;
    case CALL_SETBLOCKING:
        ADD("fcntl(%d, F_SETFL, fcntl(%d, F_GETFL) %s)", fd, fd, o->n ? "& ~O_NONBLOCK" : "| O_NONBLOCK");
        break;
    case CALL_SETTIMEOUT: break;
    case CALL_GETSOCKNAME:
    case CALL_GETPEERNAME:
        ADD("%s(%d, &addr, &len)", o->kind == CALL_GETSOCKNAME ? "getsockname" : "getpeername", fd);
        if (o->rc >= 0) snprintf(note, sizeof note, "addr = %s", got);
        break;
    case CALL_CLOSE: ADD("close(%d)", fd); break;
    case CALL_POLL:
        report_poll_list(o, list, sizeof list);
        ADD("poll(fds /* %s */, %d, %ld)", list, o->npolls, o->n);
        break;
    }
    if (o->rc < 0) ADD(" = -1, errno = %s", errtext_name(o->err));
    else ADD(" = %ld", o->rc);
    if (note[0]) ADD("   /* %s */", note);
}

/* One explain line: made in memory, then wrapped under its code to the terminal's width. */
/* One explain line made in memory, data cut at max bytes. NULL without memory. */
static char *line_text(const sp_call *o, int python, size_t max)
{
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (!m) return NULL;
    if (!python) explain_c(m, o);
    else if (explain_python(m, o, NULL, max)) {
        if (o->rc < 0)    /* the class Python raises (TimeoutError after a settimeout's wait) */
            fprintf(m, TR("   # raises %s", "   # 抛出 %s"), o->facts & FACT_TIMEDOUT ? "TimeoutError" : errtext_python(o->err));
    } else {
        fputs(TR("# (no line of its own)", "#（没有对应的单独一行）"), m);
    }
    if (fclose(m) != 0) { free(text); return NULL; }
    return text;
}

/* 1 when every line of s fits the terminal. */
static int fits(const char *s)
{
    int cols = out_cols();
    for (const char *l = s; l && *l; ) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (out_width_n(l, n) > cols) return 0;
        l = e ? e + 1 : NULL;
    }
    return 1;
}

/* The code after its label, wrapped where the language allows; when even that does not fit
 * (Python breaks only inside brackets), the label stands alone and the code starts below it,
 * five columns in. */
static void print_code(const char *lead, const char *label, const char *text, int python)
{
    char *out = NULL, alone[48];
    size_t n = 0;
    FILE *m = open_memstream(&out, &n);
    if (m) {
        out_wrap_code(m, lead, text, python, out_col(C_RESET));
        if (fclose(m) == 0 && fits(out)) {
            fputs(out, stdout);
            free(out);
            return;
        }
        free(out);
    }
    snprintf(alone, sizeof alone, "   %s%s%s\n", out_col(C_DIM), label, out_col(C_RESET));
    fputs(alone, stdout);
    snprintf(alone, sizeof alone, "     %s", out_col(C_DIM));
    out_wrap_code(stdout, alone, text, python, out_col(C_RESET));
}

/* One explain line under its label. A line of code must stay code when it is copied from
 * the screen: its data is shown shorter until it fits, and it wraps only where C or Python
 * allow a line break (never inside a string literal). */
static void explain_line(const char *label, const sp_call *o, int python)
{
    static const size_t maxes[] = {60, 32, 16, 8};
    char *text = NULL, lead[48];
    int room;
    snprintf(lead, sizeof lead, "   %s%-8s", out_col(C_DIM), label);
    room = out_cols() - out_width(lead);
    for (size_t i = 0; i < sizeof maxes / sizeof maxes[0]; i++) {
        free(text);
        if (!(text = line_text(o, python, maxes[i])) || out_width(text) <= room) break;
    }
    if (text) print_code(lead, label, text, python);
    free(text);
}

void explain_call(const sp_call *o)
{
    explain_follow(o);
    explain_line("C", o, 0);
    explain_line("Python", o, 1);
}
