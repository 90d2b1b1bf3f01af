/* pyline.h — a line of the course's Python (s.bind(("", 7788))) read as the sockplay
 * command that makes the same call (bind s "" 7788), so that the REPL can answer a learner
 * who typed Python with the line to type instead. Only text in, text out: no I/O, nothing
 * runs, so the unit tests drive it alone. */
#ifndef SP_PYLINE_H
#define SP_PYLINE_H

enum {
    PYLINE_NONE = 0,    /* neither: the line goes to the command parser as it is */
    PYLINE_CODE = 1,    /* Python socket code: s.bind(("", 7788)), s = socket.socket(…) */
    PYLINE_TUPLE = 2,   /* a sockplay command given a Python address tuple: bind s ('', 7788) */
};

/* The sockplay form of line (malloc'd; statements joined by "; "), or NULL when no
 * statement of it is Python-shaped. *kind is PYLINE_CODE when any statement was Python code,
 * else PYLINE_TUPLE. Arguments that are Python names, not literals, become the usage's
 * placeholders (HOST PORT, DATA). */
char *pyline_form(const char *line, int *kind);
#endif
