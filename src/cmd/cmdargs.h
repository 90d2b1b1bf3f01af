/* cmdargs.h — what every command handler uses to read its arguments and to name a
 * mistake in them ("missing PORT after HOST '127.0.0.1'", then the usage line). */
#ifndef SP_CMDARGS_H
#define SP_CMDARGS_H
#include "cmd/commands.h"
#include "core/registry.h"

/* The command being run, for usage lines (set by command_run). */
extern const sp_command *cmd_current;

/* Prints the mistake in red and the command's usage; returns CMD_FAIL. */
int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Argument i (0 is the command's name), or NULL. */
const char *arg(const sp_cmd *c, int i);
/* Arguments after the name: at least lo, at most hi (-1: any); -1 after usage() if not. */
int nargs(const sp_cmd *c, int lo, int hi, const char *missing);
/* Argument i as one of the session's sockets, or NULL after usage(). */
sp_sock *sock_arg(const sp_cmd *c, int i);
/* on/true/1 or off/false/0 into *on; -1 after usage() if v is neither. */
int on_off_arg(const char *v, int *on);
/* NAME in "NAME = …", or NULL. */
const char *assigned(const sp_cmd *c);

/* The handlers the table points at. */
int c_socket(const sp_cmd *c), c_bind(const sp_cmd *c), c_listen(const sp_cmd *c), c_accept(const sp_cmd *c);
int c_connect(const sp_cmd *c), c_send(const sp_cmd *c), c_recv(const sp_cmd *c), c_sendto(const sp_cmd *c);
int c_recvfrom(const sp_cmd *c), c_setsockopt(const sp_cmd *c), c_getsockopt(const sp_cmd *c);
int c_shutdown(const sp_cmd *c), c_setblocking(const sp_cmd *c), c_settimeout(const sp_cmd *c);
int c_getsockname(const sp_cmd *c), c_getpeername(const sp_cmd *c), c_close(const sp_cmd *c), c_poll(const sp_cmd *c);
int c_state(const sp_cmd *c), c_jobs(const sp_cmd *c), c_wait(const sp_cmd *c), c_cancel(const sp_cmd *c);
int c_trace(const sp_cmd *c), c_help(const sp_cmd *c), c_lua(const sp_cmd *c), c_run(const sp_cmd *c);
int c_lesson(const sp_cmd *c), c_quit(const sp_cmd *c), c_explain(const sp_cmd *c), c_lang(const sp_cmd *c);
int c_export(const sp_cmd *c), c_save(const sp_cmd *c), c_ipinfo(const sp_cmd *c), c_resolve(const sp_cmd *c);
int c_port(const sp_cmd *c), c_clear(const sp_cmd *c);
#endif
