/* lineedit_readline.c — GNU readline in callback mode, so that our poll() loop, not
 * readline, owns the wait: Ctrl-C arrives as EINTR and simply clears the line. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <readline/history.h>
#include <readline/readline.h>
#include "core/blocking.h"
#include "cli/lineedit.h"
#include "report/out.h"
#include "export/safefile.h"

static lineedit_complete_fn completer;
static lineedit_hint_fn hinter;
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
    if (strchr(text, '.') && ncands && strchr(cands[0], '.'))
        rl_completion_append_character = '\0';     /* s.bind completed: the '(' comes next, not a space */
    m = rl_completion_matches(text, next_cand);
    return m;
}

/* After readline draws the line: the hint in grey after the cursor, then the cursor back.
 * A hint drawn before is wiped when it no longer applies (readline does not know of it). */
static int hint_drawn, hint_off;

static void redisplay_with_hint(void)
{
    char hint[160] = "";
    int at_end = rl_point == rl_end, sp;
    rl_redisplay();
    if (hinter && at_end && rl_end > 0 && !hint_off) hinter(rl_line_buffer, hint, sizeof hint);
    if (hint[0]) {
        sp = rl_line_buffer[rl_end - 1] != ' ' && rl_line_buffer[rl_end - 1] != '(';
        printf("\033[2m%s%s\033[0m\033[K\033[%dD", sp ? " " : "", hint, (int)strlen(hint) + sp);
        hint_drawn = 1;
    } else if (hint_drawn) {
        int after = out_width(rl_line_buffer + rl_point);
        if (after) printf("\0337\033[%dC\033[K\0338", after);
        else printf("\033[K");
        hint_drawn = 0;
    }
    fflush(stdout);
}

/* Enter: the line stays on screen as typed, without its hint. */
static int accept_line(int count, int key)
{
    rl_point = rl_end;
    hint_off = 1;
    redisplay_with_hint();
    hint_off = 0;
    return rl_newline(count, key);
}

/* Ctrl-L: readline's own clear-screen left the screen as it was once our redisplay (the
 * grey hint) was installed; clear it as the `clear` command does, then draw the line again. */
static int clear_key(int count, int key)
{
    (void)count, (void)key;
    lineedit_clear_screen();
    rl_forced_update_display();
    return 0;
}

/* Where the history lives, as the XDG base directories say: $XDG_STATE_HOME/sockplay/history
 * (an absolute XDG_STATE_HOME only), else ~/.local/state/sockplay/history. 0, or -1 with
 * no home to put it in (no history then). */
static int history_path(const char *home)
{
    const char *state = getenv("XDG_STATE_HOME");
    int n;
    if (state && state[0] == '/') n = snprintf(histfile, sizeof histfile, "%s/sockplay/history", state);
    else if (home && *home) n = snprintf(histfile, sizeof histfile, "%s/.local/state/sockplay/history", home);
    else n = -1;
    if (n < 0 || (size_t)n >= sizeof histfile) histfile[0] = '\0';
    return histfile[0] ? 0 : -1;
}

/* The history of an earlier session: the file above, or — read once, the first time, when
 * that file does not exist yet — the old ~/.sockplay_history; from then on the new file is
 * written. The old file is left as it is, and nothing is said. */
static void history_read(const char *home)
{
    char old[1100];
    if (read_history(histfile) != ENOENT || !home || !*home) return;
    if ((size_t)snprintf(old, sizeof old, "%s/.sockplay_history", home) < sizeof old) read_history(old);
}

/* The history's folders, each made 0700 (private, as the XDG spec asks) when missing. */
static void history_folders(void)
{
    char dir[sizeof histfile];
    snprintf(dir, sizeof dir, "%s", histfile);
    for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(dir, 0700);           /* EEXIST for most; a real failure shows at safefile_open */
        *p = '/';
    }
}

void lineedit_rl_init(lineedit_complete_fn fn, lineedit_hint_fn hint)
{
    const char *home = getenv("HOME");
    completer = fn;
    hinter = hint;
    if (hint && getenv("NO_COLOR") == NULL) {
        rl_redisplay_function = redisplay_with_hint;
        rl_bind_key('\r', accept_line);
        rl_bind_key('\n', accept_line);
    }
    rl_bind_key('\f', clear_key);
    rl_readline_name = "sockplay";
    rl_catch_signals = 0;               /* our SIGINT handler stays in charge */
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = " \t;=(,[";   /* "(" too: print(s.re completes s.re */
    using_history();
    if (history_path(home) == 0) history_read(home);
}

static void on_line(char *line)
{
    got = line;
    done = 1;
    rl_callback_handler_remove();
}

char *lineedit_rl_read(const char *prompt, size_t *len)
{
    got = NULL;
    done = 0;
    rl_callback_handler_install(prompt, on_line);
    while (!done) {
        struct pollfd p[1 + LINEEDIT_ASYNC] = {{STDIN_FILENO, POLLIN, 0}};
        int na = lineedit_async_fds(p + 1);
        if (poll(p, 1 + (nfds_t)na, -1) < 0) {
            if (errno == EINTR && blocking_sigint) {
                blocking_sigint = 0;
                /* Ctrl-C at the prompt: drop what was typed, start a fresh line. */
                rl_replace_line("", 0);
                fputs("^C\n", stdout);
                rl_on_new_line();
                rl_redisplay();
            }
            continue;
        }
        for (int i = 1; i <= na; i++)
            if (p[i].revents & POLLIN) {
                /* Output above the prompt: erase prompt and line, print, draw them again. */
                rl_clear_visible_line();
                lineedit_async_run(p + 1, na);
                fflush(stdout);
                rl_on_new_line();
                rl_redisplay();
                break;
            }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) rl_callback_read_char();
    }
    if (!got) { fputs("\n", stdout); return NULL; }
    *len = strlen(got);
    return got;
}

void lineedit_rl_history_add(const char *line)
{
    HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
    if (!*line || (last && strcmp(last->line, line) == 0)) return;
    add_history(line);
}

/* The history (its last 1000 lines) written as every file sockplay writes (safefile.h):
 * into a temporary file beside it, renamed into place; never through a symlink. Written
 * here, not by readline's write_history, which takes a short write (ulimit -f) for success. */
static void save_history(void)
{
    char err[1200];
    safefile_file w;
    HIST_ENTRY **list = history_list();
    int n = history_length;
    history_folders();
    if (safefile_check(histfile, 1, "", err, sizeof err) == 0 && safefile_open(&w, histfile, err, sizeof err) == 0) {
        for (int i = n > 1000 ? n - 1000 : 0; list && i < n; i++) fprintf(w.f, "%s\n", list[i]->line);
        if (safefile_commit(&w, err, sizeof err) == 0) return;
    }
    out_wrap(stderr, TR("sockplay: history not saved: ", "sockplay：历史没有保存："), 2, err, "");
}

void lineedit_rl_shutdown(void)
{
    if (histfile[0]) save_history();
    for (size_t i = 0; i < ncands; i++) free(cands[i]);
    free(cands);
    cands = NULL;
    ncands = 0;
    clear_history();
    rl_callback_handler_remove();
}
