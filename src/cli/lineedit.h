/* lineedit.h — reading a command line. GNU readline when built with it (READLINE=yes)
 * and stdin is a terminal; otherwise a small reader of our own. */
#ifndef SP_LINEEDIT_H
#define SP_LINEEDIT_H
#include <poll.h>
#include <stddef.h>

/* Offers completions for text (the word being typed, starting at byte start of line). */
typedef void (*lineedit_complete_fn)(const char *line, int start, const char *text, void (*add)(const char *cand));

/* The grey hint after the cursor: what is left to type. */
typedef void (*lineedit_hint_fn)(const char *line, char *out, size_t n);

void lineedit_init(int interactive, lineedit_complete_fn fn, lineedit_hint_fn hint);
/* A malloc'd line without its newline, its length in *len; NULL at end of input.
 * Ctrl-C while typing discards the line and returns "" (length 0). */
char *lineedit_read(const char *prompt, size_t *len);
/* Ctrl-C at a readline prompt (the typed text is dropped): called then, it may give a new
 * prompt (a Python statement given up: "...> " becomes the prompt again), or NULL. */
extern const char *(*lineedit_on_ctrl_c)(void);
void lineedit_history_add(const char *line);
/* Clears the terminal (`clear`, Ctrl-L); writes nothing when stdout is not a terminal. */
void lineedit_clear_screen(void);
void lineedit_shutdown(void);
/* While waiting for a line, when the fd that fd() returns (asked at each wait; -1: none)
 * is readable call fn to print something (a background call's result, packets) above the
 * prompt; the line being typed is kept and redrawn. One per slot (0 to LINEEDIT_ASYNC-1). */
#define LINEEDIT_ASYNC 2
void lineedit_set_async(int slot, int (*fd)(void), void (*fn)(void));

/* Shared by the backends: fills p[0..] with the async fds (events POLLIN) and returns how
 * many; then lineedit_async_run calls the fn of each that was readable. */
int lineedit_async_fds(struct pollfd *p);
void lineedit_async_run(const struct pollfd *p, int n);

/* The two backends behind it. */
char *lineedit_plain_read(const char *prompt, size_t *len);
void lineedit_plain_discard(void);
#ifdef SP_READLINE
void lineedit_rl_init(lineedit_complete_fn fn, lineedit_hint_fn hint);
char *lineedit_rl_read(const char *prompt, size_t *len);
void lineedit_rl_history_add(const char *line);
void lineedit_rl_shutdown(void);
#endif
#endif
