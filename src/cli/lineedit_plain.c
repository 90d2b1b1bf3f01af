/* lineedit_plain.c — the fallback reader: read(2) on fd 0 with our own buffer (no stdio,
 * so nothing is read ahead behind a poll), the terminal's own line editing, Ctrl-C clears. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/blocking.h"
#include "cli/lineedit.h"
#include "report/out.h"

#define LINE_MAX_BYTES (8u << 20)   /* a longer line is dropped with a message, not kept */

static char *buf;
static size_t have, cap;
static int at_eof;

void lineedit_plain_discard(void)
{
    free(buf);
    buf = NULL;
    have = cap = 0;
}

static char *take(size_t n, size_t skip, size_t *len)
{
    char *line = malloc(n + 1);
    if (!line) return NULL;
    memcpy(line, buf, n);
    line[n] = '\0';
    if (n > 0 && line[n - 1] == '\r') line[--n] = '\0';
    memmove(buf, buf + n + skip, have - n - skip);
    have -= n + skip;
    *len = n;
    return line;
}

/* Ctrl-L at a terminal: the tty hands it over inside the line (canonical mode), so each one
 * clears the screen now and leaves the line; the rest of the line is kept. */
static char *ctrl_l(char *line, size_t *len)
{
    size_t k = 0;
    if (!line || !memchr(line, '\f', *len)) return line;
    lineedit_clear_screen();
    for (size_t i = 0; i < *len; i++)
        if (line[i] != '\f') line[k++] = line[i];
    line[k] = '\0';
    *len = k;
    return line;
}

char *lineedit_plain_read(const char *prompt, size_t *len)
{
    int dropping = 0;
    if (prompt) { fputs(prompt, stdout); fflush(stdout); }
    for (;;) {
        char *nl = have ? memchr(buf, '\n', have) : NULL;
        ssize_t got;
        if (nl) {
            size_t n = (size_t)(nl - buf);
            if (dropping) { memmove(buf, nl + 1, have - n - 1); have -= n + 1; *len = 0; return strdup(""); }
            return prompt ? ctrl_l(take(n, 1, len), len) : take(n, 1, len);
        }
        if (at_eof) {
            if (have && !dropping) return take(have, 0, len);
            have = 0;
            return NULL;
        }
        if (have >= LINE_MAX_BYTES) {
            if (!dropping)
                printf(TR("\nsockplay: line longer than %u MiB: ignored\n", "\nsockplay：这一行超过 %u MiB，已忽略\n"),
                       LINE_MAX_BYTES >> 20);
            dropping = 1;
            have = 0;
        }
        if (cap - have < 4096) {
            size_t nc = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, nc);
            if (!nb) { have = 0; continue; }
            buf = nb;
            cap = nc;
        }
        fflush(stdout);           /* everything said so far is out before we wait */
        {
            struct pollfd p[1 + LINEEDIT_ASYNC] = {{STDIN_FILENO, POLLIN, 0}};
            int na = lineedit_async_fds(p + 1), ready = 0;
            if (na > 0) {
                if (poll(p, 1 + (nfds_t)na, -1) < 0) {
                    if (errno == EINTR && blocking_sigint) { blocking_sigint = 0; have = 0; fputs("^C\n", stdout); *len = 0; return strdup(""); }
                    continue;
                }
                for (int i = 1; i <= na; i++) ready |= p[i].revents & POLLIN;
            }
            if (ready) {
                /* The terminal keeps what was typed; the prompt is drawn again below. */
                if (prompt) fputs("\n", stdout);
                lineedit_async_run(p + 1, na);
                if (prompt) fputs(prompt, stdout);
                continue;
            }
        }
        got = read(STDIN_FILENO, buf + have, cap - have);
        if (got < 0 && errno == EINTR) {
            if (blocking_sigint) {
                blocking_sigint = 0;
                have = 0;                 /* Ctrl-C: forget the half-typed line */
                fputs("^C\n", stdout);
                *len = 0;
                return strdup("");
            }
            continue;
        }
        if (got <= 0) at_eof = 1;
        else have += (size_t)got;
    }
}
