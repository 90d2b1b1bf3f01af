/* py_sock.h — Python's socket module over sockplay's core: socket.socket() and every
 * method the course calls, with Python's argument shapes, results and exceptions. Each
 * call is the core's, so it tells the same listeners (the report, the log, the wire) as
 * the command that makes it. Prints nothing. */
#ifndef SP_PY_SOCK_H
#define SP_PY_SOCK_H
#include "core/call.h"
#include "py/py_value.h"

/* The module's attribute (AF_INET, socket, SOL_SOCKET …), a new reference; NULL with
 * AttributeError. */
py_val *py_sock_attr(const char *name);
/* Every attribute name, for `from socket import *` and completion; NULL-ended. */
const char *py_sock_attr_name(size_t i);
/* A socket's method bound to v; NULL (no exception) when it has none called name. */
py_val *py_sock_method(py_val *v, const char *name);
/* The methods' table, for completion and help; name NULL ends it. */
extern const py_fn py_sock_methods[];
/* repr() of a socket value, as python3 writes it (malloc'd). */
char *py_sock_repr(const py_val *v);
/* The session's socket v refers to, or NULL when closed. */
sp_sock *py_sock_of(const py_val *v);
/* A session socket as a value. */
py_val *py_sock_value(const sp_sock *s);

/* The name the next socket made (socket(), accept()) is given: the statement's target. */
extern const char *py_sock_naming;
/* Set by the runner for a line ending with '&': the next blocking call starts in the
 * background instead; py_sock_job is then its job number (the call returns None). */
extern int py_sock_background, py_sock_job;
/* A finished blocking call's result as Python has it (accept's (socket, address),
 * recvfrom's (bytes, address)), or NULL with its exception (OSError, timeout …). */
py_val *py_sock_result(const sp_call *c);
#endif
