/* fuzz_parse.c — libFuzzer target: any bytes as a command line. parse_line must either
 * split it into commands or say what is wrong, and never read or write out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1), err[300];
    sp_cmd *cmds;
    int n;
    if (!line) return 0;
    memcpy(line, data, size);
    line[size] = '\0';                 /* the REPL refuses a line with a NUL before this */
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
