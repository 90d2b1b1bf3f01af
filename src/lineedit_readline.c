/* lineedit_readline.c — GNU readline in callback mode, so that our poll() loop, not
 * readline, owns the wait: Ctrl-C arrives as EINTR and simply clears the line. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>
#include "blocking.h"
#include "lineedit.h"

static le_complete_fn completer;
static char histfile[1024];
static char *got;
static int done;

static char **cands;
static size_t ncands;

static void add_cand(const char *c)
{
    char **n = realloc(cands, (ncands + 1) * sizeof *n);
    if (!n) return;
    cands = n;
    cands[ncands++] = strdup(c);
}

static char *next_cand(const char *text, int state)
{
    static size_t i;
    (void)text;
    if (!state) i = 0;
    return i < ncands ? strdup(cands[i++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
    char **m;
    (void)end;
    rl_attempted_completion_over = 1;   /* never fall back to file names */
    for (size_t i = 0; i < ncands; i++) free(cands[i]);
    ncands = 0;
    if (completer) completer(rl_line_buffer, start, text, add_cand);
    m = rl_completion_matches(text, next_cand);
    return m;
}

void le_rl_init(le_complete_fn fn)
{
    const char *home = getenv("HOME");
    completer = fn;
    rl_readline_name = "sockplay";
    rl_catch_signals = 0;               /* our SIGINT handler stays in charge */
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = " \t;=";
    using_history();
    if (home && *home) {
        snprintf(histfile, sizeof histfile, "%s/.sockplay_history", home);
        read_history(histfile);
    }
}

static void on_line(char *line)
{
    got = line;
    done = 1;
    rl_callback_handler_remove();
}

char *le_rl_read(const char *prompt, size_t *len)
{
    got = NULL;
    done = 0;
    rl_callback_handler_install(prompt, on_line);
    while (!done) {
        struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {le_async_fd, POLLIN, 0}};
        if (poll(p, le_async_fd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR && sp_sigint) {
                sp_sigint = 0;
                /* Ctrl-C at the prompt: drop what was typed, start a fresh line. */
                rl_replace_line("", 0);
                fputs("^C\n", stdout);
                rl_on_new_line();
                rl_redisplay();
            }
            continue;
        }
        if (p[1].revents & POLLIN) {
            /* Output above the prompt: erase prompt and line, print, draw them again. */
            rl_clear_visible_line();
            le_async_fn();
            fflush(stdout);
            rl_on_new_line();
            rl_redisplay();
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) rl_callback_read_char();
    }
    if (!got) { fputs("\n", stdout); return NULL; }
    *len = strlen(got);
    return got;
}

void le_rl_history_add(const char *line)
{
    HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
    if (!*line || (last && strcmp(last->line, line) == 0)) return;
    add_history(line);
}

void le_rl_shutdown(void)
{
    if (histfile[0]) {
        write_history(histfile);
        history_truncate_file(histfile, 1000);
    }
    for (size_t i = 0; i < ncands; i++) free(cands[i]);
    free(cands);
    cands = NULL;
    ncands = 0;
    clear_history();
    rl_callback_handler_remove();
}
