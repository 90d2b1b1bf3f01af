/* core_int.h — what the core's own files (core.c, core_io.c, jobs.c, export*.c, report/explain.c)
 * share: the pieces of a trace line and the structured record of a call. core.h includes
 * it only because a call (sp_call) carries its record; the commands and Lua use none of it. */
#ifndef SP_CORE_INT_H
#define SP_CORE_INT_H
#include <sys/time.h>
#include <sys/socket.h>
#include "lang/addr.h"
#include "core/registry.h"

/* One call in structured form: what `explain` turns into C and Python lines and what
 * `export`/`save` turn into programs. */
typedef enum {
    OP_SOCKET, OP_BIND, OP_LISTEN, OP_ACCEPT, OP_CONNECT, OP_SEND, OP_RECV, OP_SENDTO, OP_RECVFROM,
    OP_SETSOCKOPT, OP_GETSOCKOPT, OP_SHUTDOWN, OP_SETBLOCKING, OP_SETTIMEOUT, OP_GETSOCKNAME, OP_GETPEERNAME,
    OP_CLOSE, OP_POLL,
} sp_opkind;

typedef struct {
    sp_opkind kind;
    int fd;                      /* the socket's fd then */
    char var[SP_NAME_MAX];       /* its name then, or "" */
    int family, type;
    char host[128];              /* as typed ("" for any); a unix path */
    int port;                    /* -1: none (unix) */
    int picked;                  /* bind to port 0: the port the kernel picked */
    long n;                      /* backlog, MAX, shutdown how, blocking on/off, poll timeout ms */
    double secs;                 /* settimeout: seconds, < 0 none */
    const void *opt;             /* setsockopt/getsockopt: the sp_optdef */
    union { int i; struct timeval tv; struct linger lg; } val;
    const unsigned char *data;   /* send/sendto: the bytes (not owned); recv: what came */
    const char *enc;             /* send/sendto: "gbk" for gbk:"…" data */
    size_t len;
    char list[400];              /* poll: the sockets' names or fds, ", " between */
    int newfd;                   /* socket, accept: the new fd */
    char newvar[SP_NAME_MAX];
    char peer[160];              /* accept, recvfrom, getsockname: the address */
    long rc;                     /* the result; -1 with err */
    int err;
} sp_op;

typedef struct {
    sp_op op;
    char head[600];     /* "call(args)" in the trace's colours */
    char plain[400];    /* the same without colour, for `trace` */
    char result[160];   /* "= 5", "= -1 ECONNREFUSED": what `trace` shows */
    double t0, took;    /* when the call began (now_seconds); seconds it blocked */
    int job;            /* background job number; 0 in the foreground */
} core_rec;

extern core_rec core_cur;   /* the call being reported now */

/* Starts reporting a call: resets core_err, runs the lesson hook, describes it in core_cur. */
void core_begin(const char *call, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Starts core_cur.op for a call on s (NULL for socket()). */
void core_op(sp_opkind kind, const sp_sock *s);
/* Records host (as typed) and a's port in core_cur.op. */
void op_where(const sp_sock *s, const char *host, const sp_addr *a);
/* Prints core_cur.head (with "[N] " for a background call). */
void core_print_head(void);
/* " = VALUE" in green, and VALUE recorded for `trace`. */
void core_ret(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The dim "↳ why" line under a trace line. */
void core_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "(blocked 2.3 s)" after a result, when the call waited long enough to notice. */
void core_blocked_note(void);
/* The failure line for err, explained; ends the call (core_end). */
void core_fail_on(const sp_sock *s, const char *call, const char *addr, int err);
/* host/port (port NULL: a unix path) to an address for s; prints the mistake, if any. */
int core_resolve(const sp_sock *s, const char *call, const char *host, const char *port, int passive, sp_addr *a);
/* A new session socket for fd (socket, accept); NULL when out of memory. */
sp_sock *core_new_sock(int fd, int family, int type, const char *name);
/* After the result line of the call that made s: when s took its name from an open socket,
 * says so (core_name_moved). */
void core_name_note(const sp_sock *s);
/* Ends the call: the `trace` entry, then the table if something changed. */
void core_end(void);
#endif
