/* core.h — every socket operation sockplay performs. The REPL commands and the Lua
 * bindings both call these, so a typed call and a scripted call print the same trace
 * line and the same state table. Each returns -1 (or NULL) on failure, with core_err set. */
#ifndef SP_CORE_H
#define SP_CORE_H
#include <sys/types.h>
#include "addr.h"
#include "registry.h"
#include "sockopt.h"

typedef struct {
    int err;            /* errno, or 0 when the failure was not the system's (a bad address) */
    char msg[600];      /* one line: what failed and why, for Lua's nil, msg, errno */
} sp_error;

extern sp_error core_err;
extern int core_trace;       /* print a trace line per call */
extern int core_show_table;  /* print the state table after a call that changed something */

/* Called before each socket call with its description (lessons pause here). */
extern void (*core_before_call)(const char *call);

sp_sock *core_socket(int family, int type, const char *name);
int core_bind(sp_sock *s, const char *host, const char *port);      /* port NULL: unix path */
int core_listen(sp_sock *s, int backlog);
sp_sock *core_accept(sp_sock *s, const char *name, sp_addr *peer);
int core_connect(sp_sock *s, const char *host, const char *port);  /* port NULL: unix path */
ssize_t core_send(sp_sock *s, const void *buf, size_t len);
ssize_t core_recv(sp_sock *s, void *buf, size_t max);
ssize_t core_sendto(sp_sock *s, const char *host, const char *port, const void *buf, size_t len);
ssize_t core_recvfrom(sp_sock *s, void *buf, size_t max, sp_addr *from);
int core_setsockopt(sp_sock *s, const sp_optdef *d, const sp_optval *v);
int core_getsockopt(sp_sock *s, const sp_optdef *d, sp_optval *v);
int core_shutdown(sp_sock *s, int how);
int core_setblocking(sp_sock *s, int blocking);
int core_settimeout(sp_sock *s, double seconds);                  /* < 0: none */
int core_close(sp_sock *s);
void core_close_all(void);

/* A failure found before any system call (bad address, closed socket): traced like the rest. */
void core_fail_usage(const char *call, const sp_sock *s, const char *msg);
/* The label a trace line uses for s, e.g. "conn" or "5". */
#define SOCK_LABEL(s) reg_label(s)
#endif
