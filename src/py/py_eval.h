/* py_eval.h — running a parsed line of Python: its names (shared with the session's
 * sockets: a name the registry holds is that socket), its operators, the builtins the
 * course calls (print, input, int, str, len …) and the methods of str and bytes. */
#ifndef SP_PY_EVAL_H
#define SP_PY_EVAL_H
#include <stddef.h>
#include "py/py_parse.h"
#include "py/py_value.h"

/* Runs s. 0, or -1 with py_error raised. An expression statement's value is put in *echo
 * (a new reference, NULL for None) for the prompt to show, as Python's REPL does. */
int py_exec(const py_stmt *s, py_val **echo);
py_val *py_eval(const py_node *x);
/* Binds v to target (a name, or a tuple/list of names to unpack into): 0 or -1 raised. */
int py_assign(const py_node *target, py_val *v);
/* The value name has now (a new reference), or NULL when it has none. */
py_val *py_lookup(const char *name);
/* The names defined (variables, then builtins), for completion; NULL past the end. */
const char *py_name_at(size_t i);
/* The builtins (print, input, int …), for help; NULL past the end. */
const py_fn *py_builtin_at(size_t i);
/* The attribute names of v (methods of a socket, str, bytes; the module's), for completion. */
const char *py_attr_at(const py_val *v, size_t i);
/* A name a call may not be made to: a builtin sockplay does not run (open, eval, range …)
 * and that the session has not defined. */
int py_outside_call(const char *name);
/* Reads a line for input(prompt): malloc'd, without its newline; NULL at end of input. */
extern char *(*py_read_line)(const char *prompt);
/* Set by exit() and quit(). */
extern int py_quit;
/* A statement binds name again: its socket, if nothing else refers to it, loses the name
 * now, and py_let_go_end closes it once the statement ran (ran 1) or gives the name back
 * (ran 0), as CPython releases the old object only when the binding happened. */
void py_let_go(const char *name);
void py_let_go_end(int ran);
/* Names a Python line bound, deleted, or waits to bind: py_known says so. */
void py_mark_known(const char *name);
int py_known(const char *name);
/* Forgets every variable (the session ends). */
void py_names_free(void);
/* A closed socket's name keeps the closed socket, as Python's variable does. */
void py_remember_closed(const char *name, int fd, unsigned long serial, int family, int type);
#endif
