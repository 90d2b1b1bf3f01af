/* repl.h — read a line, run its commands, repeat. */
#ifndef SP_REPL_H
#define SP_REPL_H
#include <stddef.h>

/* The status `quit CODE` or Lua's os.exit(CODE) asked to leave with; -1: none asked. */
extern int repl_exit_code;
/* Runs every command on one line; returns 1 when one of them was quit. */
int repl_line(const char *line, size_t len);
/* Reads from stdin until quit or end of input; echoes lines when stdin is not a terminal. */
void repl_loop(void);
#endif
