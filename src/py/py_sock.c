/* py_sock.c — the socket module of the course's Python, each method one core call made
 * the way lua/lsock.c makes it: its arguments checked with Python's messages, the core
 * called (which tells the report, the log and the wire), its result made Python's. */
#include "py/py_sock.h"
#include "py/py_eval.h"
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "core/core.h"
#include "core/jobs.h"
#include "lang/addr.h"
#include "lang/words.h"
#include "report/out.h"

const char *py_sock_naming;
int py_sock_background, py_sock_job;

#define RECV_MAX (16L << 20)

sp_sock *py_sock_of(const py_val *v)
{
    sp_sock *s = v->fd >= 0 ? registry_by_fd(v->fd) : NULL;
    return s && s->serial == v->serial ? s : NULL;
}

py_val *py_sock_value(const sp_sock *s) { return pv_sock(s->fd, s->serial, s->family, s->type); }

/* --- arguments, as CPython checks them ----------------------------------------------- */

/* An int argument (bool is one); -1 with Python's TypeError otherwise. */
static int as_int(const py_val *v, long long *out)
{
    if (v->t == PV_INT || v->t == PV_BOOL) { *out = v->i; return 0; }
    py_raise("TypeError", "'%s' object cannot be interpreted as an integer", pv_type_name(v));
    return -1;
}

/* self's socket; OSError EBADF when it was closed, as Python says of a closed socket. */
static sp_sock *open_sock(py_val *self)
{
    sp_sock *s = py_sock_of(self);
    if (!s) py_raise_errno(EBADF);
    return s;
}

/* Python's message for a call given the wrong number of arguments. form: 'O' exactly one,
 * 'N' none (C), 'P' none (Python method), 'V' between lo and hi. 0 when n fits. */
static int arity(const char *name, char form, int lo, int hi, int n, char **kw)
{
    for (int i = 0; i < n; i++)
        if (kw && kw[i]) {
            py_raise("TypeError", "%s() takes no keyword arguments", name);
            return -1;
        }
    if (n >= lo && n <= hi) return 0;
    switch (form) {
    case 'O': py_raise("TypeError", "socket.%s() takes exactly one argument (%d given)", name, n); break;
    case 'N': py_raise("TypeError", "socket.%s() takes no arguments (%d given)", name, n); break;
    case 'P': py_raise("TypeError", "socket.%s() takes 1 positional argument but %d were given", name, n + 1); break;
    default:
        if (lo == hi) py_raise("TypeError", "%s() takes exactly %d argument%s (%d given)", name, lo, lo == 1 ? "" : "s", n);
        else if (hi == lo + 1 && lo > 1) py_raise("TypeError", "%s() takes %d or %d arguments (%d given)", name, lo, hi, n);
        else if (n < lo) py_raise("TypeError", "%s() takes at least %d argument%s (%d given)", name, lo, lo == 1 ? "" : "s", n);
        else py_raise("TypeError", "%s() takes at most %d argument%s (%d given)", name, hi, hi == 1 ? "" : "s", n);
    }
    return -1;
}

/* Bytes to send: bytes only, as Python 3 says. */
static int as_bytes(const py_val *v)
{
    if (v->t == PV_BYTES) return 0;
    py_raise("TypeError", "a bytes-like object is required, not '%s'", pv_type_name(v));
    return -1;
}

/* The address argument for this socket's family, as text for words_address: (host, port)
 * for AF_INET/AF_INET6, a path for AF_UNIX. what: "bind", "connect", "sendto". */
static int address(const sp_sock *s, const py_val *a, const char *what, const char **host, const char **port, char *pbuf, size_t pn)
{
    long long p;
    char err[300];
    if (s->family == AF_UNIX) {
        if (a->t != PV_STR && a->t != PV_BYTES) {
            py_raise("TypeError", "%s(): AF_UNIX address must be str or bytes, not %s", what, pv_type_name(a));
            return -1;
        }
        *host = a->s;
        *port = NULL;
        return 0;
    }
    if (a->t != PV_TUPLE) {
        py_raise("TypeError", "%s(): %s address must be tuple, not %s", what, s->family == AF_INET6 ? "AF_INET6" : "AF_INET", pv_type_name(a));
        return -1;
    }
    if (s->family == AF_INET ? a->n != 2 : a->n < 2 || a->n > 4) {
        if (s->family == AF_INET) py_raise("TypeError", "AF_INET address must be a pair (host, port)");
        else py_raise("TypeError", "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])");
        return -1;
    }
    if (a->items[0]->t != PV_STR && a->items[0]->t != PV_BYTES) {
        py_raise("TypeError", "str, bytes or bytearray expected, not %s", pv_type_name(a->items[0]));
        return -1;
    }
    if (as_int(a->items[1], &p) < 0) return -1;
    if (p < 0 || p > 65535) {
        py_raise("OverflowError", "%s(): port must be 0-65535.", what);
        return -1;
    }
    snprintf(pbuf, pn, "%lld", p);
    if (words_address(s->family, a->items[0]->s, pbuf, 0, host, port, err, sizeof err) < 0) {
        py_raise("OSError", "%s", err);
        return -1;
    }
    return 0;
}

/* (host, port) of an address, as Python gives it; a path for AF_UNIX. */
static py_val *addr_value(const sp_addr *a)
{
    char host[256];
    int port = 0;
    py_val *t;
    const struct sockaddr *sa = (const struct sockaddr *)&a->ss;
    if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
        size_t n = a->len > offsetof(struct sockaddr_un, sun_path) ? a->len - offsetof(struct sockaddr_un, sun_path) : 0;
        if (n && un->sun_path[0] == 0) return pv_bytes(un->sun_path, n);   /* abstract: bytes, as Python */
        return pv_str(un->sun_path, strnlen(un->sun_path, n));
    }
    if (addr_split(sa, a->len, host, sizeof host, &port) < 0) { host[0] = 0; port = 0; }
    if (!(t = pv_tuple(sa->sa_family == AF_INET6 ? 4 : 2))) return NULL;
    t->items[0] = pv_cstr(host);
    t->items[1] = pv_int(port);
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        t->items[2] = pv_int(ntohl(s6->sin6_flowinfo));
        t->items[3] = pv_int(s6->sin6_scope_id);
    }
    for (size_t i = 0; i < t->n; i++)
        if (!t->items[i]) { pv_unref(t); return NULL; }
    return t;
}

/* A refused or failed call's exception, from its record. */
static py_val *failure(const sp_call *c)
{
    if (c->why) {
        if (addr_last_gai && (c->kind == CALL_CONNECT || c->kind == CALL_SENDTO || c->kind == CALL_BIND)) {
            py_raise("socket.gaierror", "[Errno %d] %s", addr_last_gai, gai_strerror(addr_last_gai));
            py_error.oserror = 1;
            return NULL;
        }
        py_raise("OSError", "%s", c->why);
        py_error.oserror = 1;
        return NULL;
    }
    if (c->facts & FACT_TIMEDOUT) {
        py_raise("TimeoutError", "timed out");
        py_error.oserror = 1;
        return NULL;
    }
    if (c->err == EINTR && c->cancel_by == CANCEL_NONE && !c->job) return py_raise("KeyboardInterrupt", "%s", "");
    return py_raise_errno(c->err);
}

py_val *py_sock_result(const sp_call *c)
{
    py_val *t, *data;
    if (c->rc < 0) return failure(c);
    switch (c->kind) {
    case CALL_ACCEPT:
        if (!c->made || !(t = pv_tuple(2))) return c->made ? NULL : py_raise_errno(EBADF);
        t->items[0] = py_sock_value(c->made);
        t->items[1] = addr_value(&c->addr);
        if (!t->items[0] || !t->items[1]) { pv_unref(t); return NULL; }
        return t;
    case CALL_RECV: return pv_bytes(c->buf, (size_t)c->rc);
    case CALL_RECVFROM:
        if (!(data = pv_bytes(c->buf, (size_t)c->rc < c->len ? (size_t)c->rc : c->len))) return NULL;
        if (!(t = pv_tuple(2))) { pv_unref(data); return NULL; }
        t->items[0] = data;
        if (!(t->items[1] = addr_value(&c->addr))) { pv_unref(t); return NULL; }
        return t;
    case CALL_SEND: case CALL_SENDTO: return pv_int(c->rc);
    default: return pv_none();
    }
}

/* A call that may block: here, or in the background when the line ended with '&'. */
static py_val *blocking(sp_sock *s, call_kind kind, sp_call *k, const char *host, const char *port)
{
    py_val *r;
    if (!k) return py_raise("MemoryError", "out of memory");
    if (kind == CALL_ACCEPT && py_sock_naming) {
        py_let_go(py_sock_naming);           /* conn = s.accept() again: the old conn goes when it returns */
        call_copy(k->newvar, sizeof k->newvar, py_sock_naming);
    }
    py_sock_naming = NULL;
    if (core_start(k, kind, s, host, port) < 0) {
        core_call_free(k);
        return failure(core_failed());
    }
    if (py_sock_background) {
        int n;
        py_sock_background = 0;
        if ((n = jobs_start(k)) >= 0) {
            py_sock_job = n;
            return pv_none();
        }
        core_call_free(k);
        return py_raise("OSError", "[Errno %d] %s", EAGAIN, TR("sockplay runs at most 64 calls in the background", "sockplay 最多在后台运行 64 个调用"));
    }
    core_call_run(k);
    r = py_sock_result(k);
    core_call_free(k);
    return r;
}

/* None, or the exception of the call that just failed. */
static py_val *done(int rc) { return rc < 0 ? failure(core_failed()) : pv_none(); }

/* --- the methods ------------------------------------------------------------------------ */

static py_val *m_bind(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    const char *host, *port;
    char pb[24];
    if (arity("bind", 'O', 1, 1, n, kw) < 0 || !(s = open_sock(self))) return NULL;
    if (address(s, a[0], "bind", &host, &port, pb, sizeof pb) < 0) return NULL;
    return done(core_bind(s, host, port));
}

static py_val *m_connect(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    const char *host, *port;
    char pb[24];
    if (arity("connect", 'O', 1, 1, n, kw) < 0 || !(s = open_sock(self))) return NULL;
    if (address(s, a[0], "connect", &host, &port, pb, sizeof pb) < 0) return NULL;
    return blocking(s, CALL_CONNECT, core_call_new(NULL, 0, 0, NULL), host, port);
}

static py_val *m_listen(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    long long b = 128;       /* Python's default: min(SOMAXCONN, 128) */
    if (arity("listen", 'V', 0, 1, n, kw) < 0 || !(s = open_sock(self))) return NULL;
    if (n && as_int(a[0], &b) < 0) return NULL;
    if (b < 0) b = 0;         /* Python raises a negative backlog to 0 */
    if (b > 65535) b = 65535;
    return done(core_listen(s, (int)b));
}

static py_val *m_accept(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    (void)a;
    if (arity("accept", 'P', 0, 0, n, kw) < 0 || !(s = open_sock(self))) return NULL;
    return blocking(s, CALL_ACCEPT, core_call_new(NULL, 0, 0, NULL), NULL, NULL);
}

/* send(data[, flags]) and sendto(data[, flags], address): flags must be 0 here. */
static int flags_zero(const py_val *v)
{
    long long f;
    if (as_int(v, &f) < 0) return -1;
    if (f != 0) { py_raise("OSError", "%s", TR("sockplay sends with flags 0 only", "sockplay 只支持 flags 为 0 的发送")); return -1; }
    return 0;
}

static unsigned char *copy_bytes(const py_val *v)
{
    unsigned char *d = malloc(v->n ? v->n : 1);
    if (d) memcpy(d, v->s, v->n);
    return d;
}

static py_val *m_send(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    unsigned char *d;
    if (arity("send", 'V', 1, 2, n, kw) < 0 || !(s = open_sock(self)) || as_bytes(a[0]) < 0) return NULL;
    if (n == 2 && flags_zero(a[1]) < 0) return NULL;
    if (!(d = copy_bytes(a[0]))) return py_raise("MemoryError", "out of memory");
    return blocking(s, CALL_SEND, core_call_new(d, a[0]->n, 0, NULL), NULL, NULL);
}

static py_val *m_sendall(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    size_t sent = 0;
    if (arity("sendall", 'V', 1, 2, n, kw) < 0 || !(s = open_sock(self)) || as_bytes(a[0]) < 0) return NULL;
    if (n == 2 && flags_zero(a[1]) < 0) return NULL;
    if (py_sock_background) {
        return py_raise("OSError", "%s", TR("sendall may make several send calls; & runs one: use send(…) &",
                                           "sendall 可能调用多次 send；& 只在后台运行一次调用：请用 send(…) &"));
    }
    /* Python's sendall: send until every byte went (each send is one call, one report). */
    do {
        ssize_t r = core_send(s, a[0]->s + sent, a[0]->n - sent);
        if (r < 0) return failure(core_failed());
        sent += (size_t)r;
    } while (sent < a[0]->n);
    return pv_none();
}

static py_val *recv_any(const char *name, call_kind kind, py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    long long max;
    if (arity(name, 'V', 1, 2, n, kw) < 0 || !(s = open_sock(self)) || as_int(a[0], &max) < 0) return NULL;
    if (n == 2 && flags_zero(a[1]) < 0) return NULL;
    if (max < 0) return py_raise("ValueError", "negative buffersize in %s", name);
    if (max > RECV_MAX) return py_raise("ValueError", TR("sockplay receives at most %ld bytes a call", "sockplay 每次调用最多接收 %ld 字节"), RECV_MAX);
    if (max == 0 && kind == CALL_RECV) return pv_bytes("", 0);   /* Python returns b'' without a call */
    return blocking(s, kind, core_call_new(NULL, (size_t)max, 1, NULL), NULL, NULL);
}

static py_val *m_recv(py_val *self, py_val **a, char **kw, int n) { return recv_any("recv", CALL_RECV, self, a, kw, n); }
static py_val *m_recvfrom(py_val *self, py_val **a, char **kw, int n) { return recv_any("recvfrom", CALL_RECVFROM, self, a, kw, n); }

static py_val *m_sendto(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    const char *host, *port;
    char pb[24];
    unsigned char *d;
    if (arity("sendto", 'V', 2, 3, n, kw) < 0 || !(s = open_sock(self)) || as_bytes(a[0]) < 0) return NULL;
    if (n == 3 && flags_zero(a[1]) < 0) return NULL;
    if (address(s, a[n - 1], "sendto", &host, &port, pb, sizeof pb) < 0) return NULL;
    if (!(d = copy_bytes(a[0]))) return py_raise("MemoryError", "out of memory");
    return blocking(s, CALL_SENDTO, core_call_new(d, a[0]->n, 0, NULL), host, port);
}

/* (level, optname) as numbers, to the option sockplay knows; OSError ENOPROTOOPT else. */
static const sp_optdef *option(const py_val *lv, const py_val *ov)
{
    long long level, opt;
    if (as_int(lv, &level) < 0 || as_int(ov, &opt) < 0) return NULL;
    for (size_t i = 0; i < sockopt_ndefs; i++)
        if (sockopt_defs[i].level == level && sockopt_defs[i].optname == opt) return &sockopt_defs[i];
    py_raise_errno(ENOPROTOOPT);
    return NULL;
}

static py_val *m_setsockopt(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    const sp_optdef *d;
    sp_optval v;
    long long x;
    if (arity("setsockopt", 'V', 3, 3, n, kw) < 0 || !(s = open_sock(self)) || !(d = option(a[0], a[1]))) return NULL;
    if (a[2]->t == PV_STR) return py_raise("TypeError", "a bytes-like object is required, not 'str'");
    if (a[2]->t == PV_BYTES)
        return py_raise("OSError", "%s", TR("sockplay sets an option from a number (struct-packed bytes: use the command setsockopt)",
                                           "sockplay 只接受数字形式的选项值（打包的字节请用 setsockopt 命令）"));
    if (as_int(a[2], &x) < 0) return NULL;
    if (x < 0 || x > 2147483647LL) return py_raise("OverflowError", "signed integer is greater than maximum");
    sockopt_from_number(d, (double)x, 0, &v);
    return done(core_setsockopt(s, d, &v));
}

static py_val *m_getsockopt(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    const sp_optdef *d;
    sp_optval v;
    double x;
    if (arity("getsockopt", 'V', 2, 2, n, kw) < 0 || !(s = open_sock(self)) || !(d = option(a[0], a[1]))) return NULL;
    if (core_getsockopt(s, d, &v) < 0) return failure(core_failed());
    x = sockopt_number(d, &v);
    return x == (long long)x ? pv_int((long long)x) : pv_float(x);
}

static py_val *m_shutdown(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    long long how;
    if (arity("shutdown", 'O', 1, 1, n, kw) < 0 || !(s = open_sock(self)) || as_int(a[0], &how) < 0) return NULL;
    if (how < SHUT_RD || how > SHUT_RDWR) return py_raise_errno(EINVAL);   /* the kernel's answer, before it is asked */
    return done(core_shutdown(s, (int)how));
}

static py_val *m_settimeout(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    double t;
    const char *bad;
    if (arity("settimeout", 'O', 1, 1, n, kw) < 0 || !(s = open_sock(self))) return NULL;
    if (a[0]->t == PV_NONE) words_timeout(NULL, &t);        /* None: no timeout */
    else if (a[0]->t == PV_FLOAT) t = a[0]->f;
    else {
        long long i;
        if (as_int(a[0], &i) < 0) return NULL;
        t = (double)i;
    }
    if (a[0]->t != PV_NONE) {
        if (t < 0) return py_raise("ValueError", "Timeout value out of range");
        if ((bad = sockopt_timeout_bad(t))) return py_raise("OverflowError", "%s", bad);
    }
    return done(core_settimeout(s, t));    /* the core has Python's rule for 0 and None */
}

static py_val *m_gettimeout(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    (void)a;
    if (arity("gettimeout", 'N', 0, 0, n, kw) < 0 || !(s = open_sock(self))) return NULL;
    if (s->nonblocking) return pv_float(0.0);
    return s->timeout < 0 ? pv_none() : pv_float(s->timeout);
}

static py_val *m_setblocking(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    if (arity("setblocking", 'O', 1, 1, n, kw) < 0 || !(s = open_sock(self))) return NULL;
    return done(core_setblocking(s, pv_truth(a[0])));
}

static py_val *sockname(const char *name, int peer, py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    sp_addr ad;
    (void)a;
    if (arity(name, 'N', 0, 0, n, kw) < 0 || !(s = open_sock(self))) return NULL;
    if (core_sockname(s, peer, &ad) < 0) return failure(core_failed());
    return addr_value(&ad);
}

static py_val *m_getsockname(py_val *self, py_val **a, char **kw, int n) { return sockname("getsockname", 0, self, a, kw, n); }
static py_val *m_getpeername(py_val *self, py_val **a, char **kw, int n) { return sockname("getpeername", 1, self, a, kw, n); }

static py_val *m_fileno(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    (void)a;
    if (arity("fileno", 'N', 0, 0, n, kw) < 0) return NULL;
    s = py_sock_of(self);
    return pv_int(s ? s->fd : -1);
}

static py_val *m_close(py_val *self, py_val **a, char **kw, int n)
{
    sp_sock *s;
    (void)a;
    if (arity("close", 'P', 0, 0, n, kw) < 0) return NULL;
    if (!(s = py_sock_of(self))) return pv_none();      /* closing a closed socket does nothing, as in Python */
    return done(core_close(s));
}

const py_fn py_sock_methods[] = {
    {"accept", m_accept, "wait for a client: (socket, (host, port))", "等待客户端连接：返回 (新套接字, (地址, 端口))", ""},
    {"bind", m_bind, "bind((host, port)): give the socket its address", "bind((地址, 端口))：绑定地址", "(host, port)"},
    {"close", m_close, "close the socket", "关闭套接字", ""},
    {"connect", m_connect, "connect((host, port)): the three-way handshake", "connect((地址, 端口))：三次握手", "(host, port)"},
    {"fileno", m_fileno, "the socket's fd", "套接字的文件描述符", ""},
    {"getpeername", m_getpeername, "the peer's (host, port)", "对方的 (地址, 端口)", ""},
    {"getsockname", m_getsockname, "this socket's (host, port)", "本端的 (地址, 端口)", ""},
    {"getsockopt", m_getsockopt, "getsockopt(level, option)", "getsockopt(层, 选项)", "level, option"},
    {"gettimeout", m_gettimeout, "the timeout in seconds, or None", "超时秒数，或 None", ""},
    {"listen", m_listen, "listen(backlog): become a listening socket", "listen(backlog)：变为监听套接字", "backlog"},
    {"recv", m_recv, "recv(bufsize): at most bufsize bytes; b'' when the peer closed", "recv(bufsize)：最多接收 bufsize 字节；对方关闭时返回 b''", "bufsize"},
    {"recvfrom", m_recvfrom, "recvfrom(bufsize): (bytes, (host, port))", "recvfrom(bufsize)：返回 (数据, (地址, 端口))", "bufsize"},
    {"send", m_send, "send(bytes): how many bytes went", "send(bytes)：返回发送的字节数", "bytes"},
    {"sendall", m_sendall, "sendall(bytes): send until all went", "sendall(bytes)：全部发送完", "bytes"},
    {"sendto", m_sendto, "sendto(bytes, (host, port)): one datagram", "sendto(bytes, (地址, 端口))：发送一个数据报", "bytes, (host, port)"},
    {"setblocking", m_setblocking, "setblocking(False): calls return at once", "setblocking(False)：调用立即返回", "flag"},
    {"setsockopt", m_setsockopt, "setsockopt(level, option, value)", "setsockopt(层, 选项, 值)", "level, option, value"},
    {"settimeout", m_settimeout, "settimeout(seconds or None)", "settimeout(秒数 或 None)", "seconds"},
    {"shutdown", m_shutdown, "shutdown(socket.SHUT_WR): close one direction", "shutdown(socket.SHUT_WR)：关闭一个方向", "how"},
    {NULL, NULL, NULL, NULL, NULL},
};

py_val *py_sock_method(py_val *v, const char *name)
{
    for (const py_fn *f = py_sock_methods; f->name; f++)
        if (!strcmp(f->name, name)) return pv_method(f, pv_ref(v));
    return NULL;
}

char *py_sock_repr(const py_val *v)
{
    char b[400], host[128];
    int port, k;
    sp_sock *s = py_sock_of(v);
    sp_addr a;
    if (!s) {
        snprintf(b, sizeof b, "<socket.socket [closed] fd=-1, family=%d, type=%d, proto=0>", v->family, v->type);
        return strdup(b);
    }
    k = snprintf(b, sizeof b, "<socket.socket fd=%d, family=%d, type=%d, proto=0", s->fd, s->family, s->type);
    /* A plain read of the kernel's answer, not a call of the learner's: no record. */
    a.len = sizeof a.ss;
    if (s->family != AF_UNIX && getsockname(s->fd, (struct sockaddr *)&a.ss, &a.len) == 0 &&
        addr_split((struct sockaddr *)&a.ss, a.len, host, sizeof host, &port) == 0)
        k += snprintf(b + k, sizeof b - (size_t)k, ", laddr=('%s', %d)", host, port);
    a.len = sizeof a.ss;
    if (s->family != AF_UNIX && getpeername(s->fd, (struct sockaddr *)&a.ss, &a.len) == 0 &&
        addr_split((struct sockaddr *)&a.ss, a.len, host, sizeof host, &port) == 0 && k < (int)sizeof b)
        k += snprintf(b + k, sizeof b - (size_t)k, ", raddr=('%s', %d)", host, port);
    if (k < (int)sizeof b) snprintf(b + k, sizeof b - (size_t)k, ">");
    return strdup(b);
}

/* --- the module ---------------------------------------------------------------------------- */

static py_val *f_socket(py_val *self, py_val **a, char **kw, int n)
{
    long long family = AF_INET, type = SOCK_STREAM, proto = 0;
    long long *slot[3] = {&family, &type, &proto};
    static const char *const names[] = {"family", "type", "proto"};
    sp_sock *s;
    const char *name = py_sock_naming;
    (void)self;
    py_sock_naming = NULL;
    if (n > 4) return py_raise("TypeError", "socket.__init__() takes from 1 to 5 positional arguments but %d were given", n + 1);
    for (int i = 0; i < n; i++) {
        int k = i;
        if (kw[i]) {
            for (k = 0; k < 3 && strcmp(kw[i], names[k]); k++) {}
            if (k == 3) return py_raise("TypeError", "socket.__init__() got an unexpected keyword argument '%s'", kw[i]);
        } else if (i == 3) {
            return py_raise("OSError", "%s", TR("sockplay makes a new socket; fileno= is not supported", "sockplay 只新建套接字；不支持 fileno="));
        }
        if (a[i]->t != PV_NONE && as_int(a[i], slot[k]) < 0) return NULL;
    }
    if (proto != 0 && !(proto == IPPROTO_TCP && type == SOCK_STREAM) && !(proto == IPPROTO_UDP && type == SOCK_DGRAM))
        return py_raise("OSError", "%s", TR("sockplay makes sockets with proto 0 (the default)", "sockplay 只新建 proto 为 0（默认）的套接字"));
    if (name) py_let_go(name);               /* s = socket.socket() again: the old s goes (py_let_go_end) */
    if (!(s = core_socket((int)family, (int)type, name))) return failure(core_failed());
    return py_sock_value(s);
}

static py_val *f_gethostname(py_val *self, py_val **a, char **kw, int n)
{
    char h[256];
    (void)self; (void)a;
    if (arity("gethostname", 'N', 0, 0, n, kw) < 0) return NULL;
    if (gethostname(h, sizeof h) < 0) return py_raise_errno(errno);
    h[sizeof h - 1] = 0;
    return pv_cstr(h);
}

static py_val *f_gethostbyname(py_val *self, py_val **a, char **kw, int n)
{
    struct addrinfo hints, *res;
    char host[64];
    int port, rc;
    (void)self;
    if (arity("gethostbyname", 'V', 1, 1, n, kw) < 0) return NULL;
    if (a[0]->t != PV_STR) return py_raise("TypeError", "gethostbyname() argument 1 must be str, not %s", pv_type_name(a[0]));
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    if ((rc = getaddrinfo(a[0]->s, NULL, &hints, &res)) != 0) {
        py_raise("socket.gaierror", "[Errno %d] %s", rc, gai_strerror(rc));
        py_error.oserror = 1;
        return NULL;
    }
    addr_split(res->ai_addr, res->ai_addrlen, host, sizeof host, &port);
    freeaddrinfo(res);
    return pv_cstr(host);
}

static const py_fn functions[] = {
    {"socket", f_socket, "socket.socket(family, type): a new socket", "socket.socket(地址族, 类型)：新建套接字", NULL},
    {"gethostname", f_gethostname, "this machine's name", "本机的主机名", NULL},
    {"gethostbyname", f_gethostbyname, "a name's IPv4 address", "主机名对应的 IPv4 地址", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* The module's numbers that are not socket options: name, value, enum for repr. */
static const struct { const char *name; int value; const char *ename; } numbers[] = {
    {"AF_INET", AF_INET, "AddressFamily.AF_INET"}, {"AF_INET6", AF_INET6, "AddressFamily.AF_INET6"},
    {"AF_UNIX", AF_UNIX, "AddressFamily.AF_UNIX"}, {"SOCK_STREAM", SOCK_STREAM, "SocketKind.SOCK_STREAM"},
    {"SOCK_DGRAM", SOCK_DGRAM, "SocketKind.SOCK_DGRAM"}, {"SOCK_RAW", SOCK_RAW, "SocketKind.SOCK_RAW"},
    {"SOL_SOCKET", SOL_SOCKET, NULL}, {"IPPROTO_IP", IPPROTO_IP, NULL}, {"IPPROTO_TCP", IPPROTO_TCP, NULL},
    {"IPPROTO_UDP", IPPROTO_UDP, NULL}, {"IPPROTO_IPV6", IPPROTO_IPV6, NULL}, {"SHUT_RD", SHUT_RD, NULL},
    {"SHUT_WR", SHUT_WR, NULL}, {"SHUT_RDWR", SHUT_RDWR, NULL}, {"SOMAXCONN", SOMAXCONN, NULL},
    {"INADDR_ANY", 0, NULL},
};
#define NNUMBERS (sizeof numbers / sizeof numbers[0])
#define NFUNCTIONS (sizeof functions / sizeof functions[0] - 1)

const char *py_sock_attr_name(size_t i)
{
    if (i < NFUNCTIONS) return functions[i].name;
    i -= NFUNCTIONS;
    if (i < NNUMBERS) return numbers[i].name;
    i -= NNUMBERS;
    return i < sockopt_ndefs ? sockopt_defs[i].name : NULL;
}

py_val *py_sock_attr(const char *name)
{
    py_val *v;
    for (size_t i = 0; i < NFUNCTIONS; i++)
        if (!strcmp(functions[i].name, name)) return pv_func(&functions[i]);
    for (size_t i = 0; i < NNUMBERS; i++)
        if (!strcmp(numbers[i].name, name)) {
            if ((v = pv_int(numbers[i].value))) v->ename = numbers[i].ename;
            return v;
        }
    for (size_t i = 0; i < sockopt_ndefs; i++)
        if (!strcmp(sockopt_defs[i].name, name)) return pv_int(sockopt_defs[i].optname);
    return py_raise("AttributeError", "module 'socket' has no attribute '%s'", name);
}
