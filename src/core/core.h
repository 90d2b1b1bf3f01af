/* core.h — every socket operation sockplay performs. The REPL commands and the Lua
 * bindings both call these, so a typed call and a scripted call print the same trace
 * line and the same state table. Each returns -1 (or NULL) on failure, with core_err set. */
#ifndef SP_CORE_H
#define SP_CORE_H
#include <sys/types.h>
#include "lang/addr.h"
#include "core/core_int.h"
#include "core/registry.h"
#include "lang/sockopt.h"

typedef struct {
    int err;            /* errno, or 0 when the failure was not the system's (a bad address) */
    char msg[600];      /* one line: what failed and why, for Lua's nil, msg, errno */
} sp_error;

extern sp_error core_err;
extern int core_trace;       /* print a trace line per call */
extern int core_show_table;  /* print the state table after a call that changed something */
extern int core_explain;     /* `explain on`: each call also as C and as the course's Python */
extern int core_record;      /* keep each call for `trace` and `export` */
/* Quiet: no trace line, no table, nothing kept — a loop of calls at full speed (Lua's
 * socket.trace(false), the benchmarks). Errors are still explained in core_err. */
#define CORE_QUIET (!core_trace && !core_record)

/* Called before each socket call with its description (lessons pause here). */
extern void (*core_before_call)(const char *call);

sp_sock *core_socket(int family, int type, const char *name);
int core_bind(sp_sock *s, const char *host, const char *port);      /* port NULL: unix path */
int core_listen(sp_sock *s, int backlog);
int core_setsockopt(sp_sock *s, const sp_optdef *d, const sp_optval *v);
int core_getsockopt(sp_sock *s, const sp_optdef *d, sp_optval *v);
int core_shutdown(sp_sock *s, int how);
int core_setblocking(sp_sock *s, int blocking);
int core_settimeout(sp_sock *s, double seconds);                  /* CORE_NO_TIMEOUT: none */
#define CORE_NO_TIMEOUT (-1.0)
#define CORE_TIMEOUT_MAX 1e6
#define CORE_TIMEOUT_MIN 1e-6      /* a struct timeval's smallest step */
/* NULL when settimeout takes these seconds; else why not (for a usage line or a Lua error). */
const char *core_timeout_bad(double seconds);
int core_sockname(sp_sock *s, int peer, sp_addr *a);               /* getsockname / getpeername */
int core_close(sp_sock *s);
void core_close_all(void);
/* "fd 3 (the old s) keeps running but is no longer called s": a name given to a new socket
 * was taken from the open socket oldfd (registry.c's registry_set_name returns it). */
void core_name_moved(int oldfd, const char *name);

/* The calls that may block. Each is a start (checks, describes), the system call, and a
 * finish (prints, updates the session), so that jobs.c can run the middle in a thread. */
typedef enum { CALL_ACCEPT, CALL_CONNECT, CALL_SEND, CALL_RECV, CALL_SENDTO, CALL_RECVFROM } sp_call_kind;
typedef struct {
    sp_call_kind kind;
    sp_sock *s;
    int fd;
    char name[SP_NAME_MAX];      /* accept: the new socket's name, or "" */
    sp_addr addr;                /* connect/sendto: where to; accept/recvfrom: who */
    char where[160];             /* addr as text (connect, sendto) */
    unsigned char *buf;          /* send: the bytes; recv: room for len bytes */
    size_t len;
    int owns_buf;                /* buf is freed with the call (background calls) */
    int view;                    /* recv: how to show the bytes (dataview.h VIEW_*) */
    const char *enc;             /* send: "gbk" when the bytes were made from gbk:"…" */
    core_rec rec;                /* its trace line */
    volatile int cancel;         /* set by jobs.c: EINTR ends the call instead of retrying */
    const char *cancel_why;      /* who cancelled it: "cancel 2", "close server", "quit" */
    ssize_t rc;                  /* the system call's result, errno in err */
    int err;
    sp_sock *made;               /* accept: the new socket */
} sp_call;

/* Start: 0, or -1 after printing what was wrong (bad address). Nothing is printed else. */
int core_start(sp_call *c, sp_call_kind kind, sp_sock *s, const char *host, const char *port);
/* The system call alone: safe in any thread, prints nothing. */
void core_call_block(sp_call *c);
/* Prints the result and updates the session; returns c->rc. */
ssize_t core_call_finish(sp_call *c);
/* All three in the foreground, with the status line and Ctrl-C. */
ssize_t core_call_run(sp_call *c);

sp_sock *core_accept(sp_sock *s, const char *name, sp_addr *peer);
int core_connect(sp_sock *s, const char *host, const char *port);  /* port NULL: unix path */
ssize_t core_send(sp_sock *s, const void *buf, size_t len);
ssize_t core_recv(sp_sock *s, void *buf, size_t max);
ssize_t core_sendto(sp_sock *s, const char *host, const char *port, const void *buf, size_t len);
ssize_t core_recvfrom(sp_sock *s, void *buf, size_t max, sp_addr *from);
/* poll(2) on n sockets for reading and writing; revents[i] per socket. Returns how many
 * are ready (0 on timeout). timeout_ms < 0 waits for ever (Ctrl-C ends it). */
#define CORE_POLL_MAX 64
int core_poll(sp_sock **v, int n, int timeout_ms, short *revents);

/* A failure found before any system call (bad address, closed socket): traced like the rest. */
void core_fail_usage(const char *call, const sp_sock *s, const char *msg);
/* The label a trace line uses for s, e.g. "conn" or "5". */
#define SOCK_LABEL(s) registry_label(s)
#endif
