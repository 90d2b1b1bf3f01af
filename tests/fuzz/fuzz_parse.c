/* fuzz_parse.c — libFuzzer target: any bytes as a command line. parse_line must either
 * split it into commands or say what is wrong, and never read or write out of bounds; so
 * must py_parse, which the REPL asks first (is it a line of Python?), and pyline_form. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lang/parse.h"
#include "lang/pyline.h"
#include "py/py_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1), err[300], *form;
    sp_line *cmds;
    int n, kind;
    if (!line) return 0;
    memcpy(line, data, size);
    line[size] = '\0';                 /* the REPL refuses a line with a NUL before this */
    {
        py_prog g;
        py_parse_err e;
        py_parse_rc rc = py_parse(line, &g, &e);
        if (rc == PY_OK) py_prog_free(&g);
        else if ((rc == PY_SYNTAX || rc == PY_OUTSIDE) && !e.msg[0]) abort();   /* a refusal says why */
        else if (rc != PY_MORE && rc != PY_SYNTAX && rc != PY_OUTSIDE) abort();
    }
    form = pyline_form(line, &kind);
    if (form ? kind == PYLINE_NONE || strlen(form) > 4 * size + 64 : kind != PYLINE_NONE) abort();
    free(form);
    n = parse_line(line, &cmds, err, sizeof err);
    if (n < 0 && !err[0]) abort();     /* a refusal always says why */
    for (int i = 0; i < n; i++) {
        if (cmds[i].ntok < 1) abort(); /* an empty command is never returned */
        for (int j = 0; j < cmds[i].ntok; j++)
            if (cmds[i].tok[j].text[cmds[i].tok[j].len] != '\0') abort();
    }
    parse_free(cmds, n > 0 ? n : 0);
    free(line);
    return 0;
}
