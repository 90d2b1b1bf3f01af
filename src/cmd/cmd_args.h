/* cmd_args.h — what every command handler uses to read its arguments and to name a
 * mistake in them ("missing PORT after HOST '127.0.0.1'", then the usage line). */
#ifndef SP_CMD_ARGS_H
#define SP_CMD_ARGS_H
#include "cmd/cmd_table.h"
#include "core/registry.h"
#include "lang/words.h"

/* The command being run, for usage lines (set by command_run). */
extern const sp_command *cmd_current;

/* Prints the mistake in red and the command's usage; returns CMD_FAIL. */
int cmd_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Argument i (0 is the command's name), or NULL. */
const char *cmd_arg(const sp_line *c, int i);
/* Arguments after the name: at least lo, at most hi (-1: any); -1 after cmd_usage() if not. */
int cmd_nargs(const sp_line *c, int lo, int hi, const char *missing);
/* Argument i as one of the session's sockets, or NULL after cmd_usage(). */
sp_sock *cmd_sock(const sp_line *c, int i);
/* on/true/1 or off/false/0 into *on; -1 after cmd_usage() if v is neither. */
int cmd_on_off(const char *v, int *on);
/* NAME in "NAME = …", or NULL. */
const char *cmd_assigned(const sp_line *c);

/* The words of the session commands, beside their parsers in cmd_session.c (Tab offers them
 * through cmd_words): state's --watch|on|off, export's python|c, export's and save's --force. */
enum { CMD_STATE_OFF, CMD_STATE_ON, CMD_STATE_WATCH };
extern const sp_word cmd_state_words[], cmd_export_words[], cmd_force_words[], cmd_wire_words[];
/* recv's and recvfrom's keyword before a view (`recv s 10 as hex`), in cmd_socket.c. */
extern const char cmd_as_word[];

/* The handlers the table points at. */
int cmd_socket(const sp_line *c), cmd_bind(const sp_line *c), cmd_listen(const sp_line *c), cmd_accept(const sp_line *c);
int cmd_connect(const sp_line *c), cmd_send(const sp_line *c), cmd_recv(const sp_line *c), cmd_sendto(const sp_line *c);
int cmd_recvfrom(const sp_line *c), cmd_setsockopt(const sp_line *c), cmd_getsockopt(const sp_line *c);
int cmd_shutdown(const sp_line *c), cmd_setblocking(const sp_line *c), cmd_settimeout(const sp_line *c);
int cmd_getsockname(const sp_line *c), cmd_getpeername(const sp_line *c), cmd_close(const sp_line *c), cmd_poll(const sp_line *c);
int cmd_state(const sp_line *c), cmd_jobs(const sp_line *c), cmd_wait(const sp_line *c), cmd_cancel(const sp_line *c);
int cmd_trace(const sp_line *c), cmd_help(const sp_line *c), cmd_lua(const sp_line *c), cmd_run(const sp_line *c);
int cmd_lesson(const sp_line *c), cmd_quit(const sp_line *c), cmd_explain(const sp_line *c), cmd_lang(const sp_line *c);
int cmd_wire(const sp_line *c), cmd_predict(const sp_line *c);
int cmd_export(const sp_line *c), cmd_save(const sp_line *c), cmd_ipinfo(const sp_line *c), cmd_resolve(const sp_line *c);
int cmd_port(const sp_line *c), cmd_clear(const sp_line *c), cmd_lab(const sp_line *c), cmd_on(const sp_line *c);
int cmd_next(const sp_line *c), cmd_exercise(const sp_line *c), cmd_check(const sp_line *c);
/* The switch's rules after `wire` (cmd_lab.c): hold, go, next, drop, loss, delay, dup, reorder, mac. */
extern const sp_word cmd_wire_rule_words[];
int cmd_wire_rule(const sp_line *c);
void cmd_lab_rules(char *buf, size_t n);
#endif
