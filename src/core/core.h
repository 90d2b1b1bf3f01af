/* core.h — every socket operation sockplay performs. The REPL commands and the Lua
 * bindings both call these, so a typed call and a scripted call make the same record and
 * tell the same listeners (core/call.h): the core prints nothing. Each returns -1 (or
 * NULL) on failure; core_failed() is then the failed call's record. */
#ifndef SP_CORE_H
#define SP_CORE_H
#include <sys/types.h>
#include "core/call.h"
#include "core/registry.h"
#include "lang/addr.h"
#include "lang/sockopt.h"

/* The last call that failed or was refused (for Lua's nil, msg, errno: report_error). */
const sp_call *core_failed(void);

sp_sock *core_socket(int family, int type, const char *name);
int core_bind(sp_sock *s, const char *host, const char *port);      /* port NULL: unix path */
int core_listen(sp_sock *s, int backlog);
int core_setsockopt(sp_sock *s, const sp_optdef *d, const sp_optval *v);
int core_getsockopt(sp_sock *s, const sp_optdef *d, sp_optval *v);
int core_shutdown(sp_sock *s, int how);
int core_setblocking(sp_sock *s, int blocking);
int core_settimeout(sp_sock *s, double seconds);                  /* CORE_NO_TIMEOUT: none */
#define CORE_NO_TIMEOUT (-1.0)
#define CORE_TIMEOUT_MAX SOCKOPT_TIMEOUT_MAX
#define CORE_TIMEOUT_MIN 1e-6      /* a struct timeval's smallest step */
int core_sockname(sp_sock *s, int peer, sp_addr *a);               /* getsockname / getpeername */
int core_close(sp_sock *s);
void core_close_all(void);

/* The calls that may block. Each is a start (checks, describes), the system call, and a
 * finish (ends the record, updates the session), so that jobs.c can run the middle in a
 * thread. The caller sets c->buf, len, owns_buf, enc, view and (accept) newvar first. */
/* A call that may block, owning its bytes (data to send, taken; or room for len to
 * receive), so that it can outlive the line that made it in the background. NULL (data
 * freed) when out of memory. core_call_free frees it and its bytes. */
sp_call *core_call_new(unsigned char *data, size_t len, int receive, const char *enc);
void core_call_free(sp_call *c);
/* Start: 0, or -1 after refusing the call (an address that does not resolve). */
int core_start(sp_call *c, call_kind kind, sp_sock *s, const char *host, const char *port);
/* The system call alone: safe in any thread, tells no one. */
void core_call_block(sp_call *c);
/* Ends the call (END) and updates the session; returns c->rc. */
ssize_t core_call_finish(sp_call *c);
/* All three in the foreground: BEGIN, BLOCKED, the call, UNBLOCKED, END. */
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

/* The label a trace line uses for s, e.g. "conn" or "5". */
#define SOCK_LABEL(s) registry_label(s)
#endif
