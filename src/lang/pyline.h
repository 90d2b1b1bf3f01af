/* pyline.h — a sockplay command given a Python address tuple (bind s ('', 7788)) read as
 * the command to type instead (bind s "" 7788). Only text in, text out: no I/O, nothing
 * runs, so the unit tests drive it alone. (A line of Python itself runs: src/py.) */
#ifndef SP_PYLINE_H
#define SP_PYLINE_H

enum {
    PYLINE_NONE = 0,    /* not such a command: the line goes to the command parser as it is */
    PYLINE_TUPLE = 2,   /* a sockplay command given a Python address tuple: bind s ('', 7788) */
};

/* The sockplay form of line (malloc'd; statements joined by "; "), or NULL when no
 * statement of it is a command given a tuple; *kind is then PYLINE_TUPLE. */
char *pyline_form(const char *line, int *kind);
#endif
