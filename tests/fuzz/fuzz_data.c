/* fuzz_data.c — libFuzzer target: the DATA literals of send/sendto ("text\x41\u4f60",
 * hex:…, gbk:"…", words). The line is split by parse_line, then every token after the
 * first is decoded as DATA, as `send S DATA` does. @file is off. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lang/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1), err[300];
    sp_line *cmds;
    int n;
    parse_files = 0;
    if (!line) return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    n = parse_line(line, &cmds, err, sizeof err);
    for (int i = 0; i < n; i++) {
        sp_buf b;
        if (cmds[i].ntok < 2) continue;
        if (parse_data(cmds[i].tok + 1, cmds[i].ntok - 1, &b, err, sizeof err) == 0) {
            volatile unsigned char sum = 0;
            for (size_t k = 0; k < b.len; k++) sum ^= b.data[k];   /* every byte is readable */
            free(b.data);
        } else if (!err[0]) {
            abort();
        }
    }
    parse_free(cmds, n > 0 ? n : 0);
    free(line);
    return 0;
}
