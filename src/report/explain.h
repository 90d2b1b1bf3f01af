/* explain.h — a call as the C system call with its real arguments, and as the line of the
 * course's Python that makes it: for `explain on` and for `export`. */
#ifndef SP_EXPLAIN_H
#define SP_EXPLAIN_H
#include <stddef.h>
#include <stdio.h>
#include "lang/literal.h"
#include "core/call.h"


/* Prints "   C       bind(3, &addr, 16) = 0 …" and "   Python  s.bind(("", 7788))". */
void explain_call(const sp_call *o);
/* The variable a program uses for the socket: its name (safe in lang), else the course's
 * name explain_follow gave its fd (tcp_client_socket, client_socket …); always an identifier. */
void explain_var(const char *name, int fd, int lang, char *out, size_t n);
/* The variable for the socket o makes (socket, accept): its name, else the course's, also
 * when the call failed (client_socket, not sock-1). */
void explain_new_var(const sp_call *o, int lang, char *out, size_t n);
/* Keeps the course's names up to date with call o (a new fd named, a closed one freed):
 * called once per call, in order, before its lines are written. */
void explain_follow(const sp_call *o);
/* Which table of names explain_var reads and explain_follow fills: 0 the session's (explain),
 * 1 an export's; reset empties it. */
void explain_names_use(int table, int reset);
/* poll's sockets as variables: "s, sock5". */
void explain_vars(const sp_call *o, int lang, char *out, size_t n);
/* Writes the Python statement for o; port_expr (or NULL) replaces the port number of
 * connect and sendto (s.getsockname()[1]); data longer than max is cut with "…".
 * Returns 0 (writing nothing) when Python has no line of its own for it. */
int explain_python(FILE *f, const sp_call *o, const char *port_expr, size_t max);
/* Writes the C call with its real fds and result, for `explain`. */
void explain_c(FILE *f, const sp_call *o);
#endif
