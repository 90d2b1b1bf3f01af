/* py_run.h — the prompt's Python: which typed lines are the course's Python (the rest go
 * to the command parser), running them one statement at a time with what Python prints
 * (a value's repr, the exception line), lines continued while a bracket is open, a block
 * (while True: …) refused whole, '&' for the background, and each line kept for export. */
#ifndef SP_PY_RUN_H
#define SP_PY_RUN_H
#include <stddef.h>

enum { PYRUN_NOT = 0, PYRUN_DONE = 1, PYRUN_MORE = 2, PYRUN_QUIT = 3 };

/* Registers the listener that ends background lines and remembers closed names. */
void py_run_init(void);
/* Takes one typed line: PYRUN_NOT when it is not Python (the caller runs it as a command),
 * PYRUN_DONE when it ran or was refused, PYRUN_MORE when the statement goes on (a bracket
 * is open, or a refused block's body follows), PYRUN_QUIT after exit(). */
int py_run_line(const char *line);
/* 1 while lines are being gathered (the prompt shows "...> "). */
int py_run_pending(void);
/* Completion of "NAME." or "socket.": the attributes after the dot. 1 when it offered. */
int py_run_complete(const char *line, int start, const char *text, void (*add)(const char *));
/* The grey hint after "NAME.METHOD(" when NAME is a socket: what goes in the brackets. */
void py_run_hint(const char *line, char *out, size_t n);
/* `help python`: what runs here, every socket method with what it does, what does not run. */
void py_run_help(void);
void py_run_free(void);
#endif
