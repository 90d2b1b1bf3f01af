/* lineedit.c — picks the backend, as lua.c does with lua_readline: a few lines of
 * switching so that nothing else in sockplay knows which editor is in use. */
#include "cli/lineedit.h"
#include <stdio.h>
#include <unistd.h>

#ifdef SP_READLINE
static int use_rl;
#endif
static struct { int (*fd)(void); void (*fn)(void); } async[LINEEDIT_ASYNC];

void lineedit_set_async(int slot, int (*fd)(void), void (*fn)(void))
{
    async[slot].fd = fd;
    async[slot].fn = fn;
}

int lineedit_async_fds(struct pollfd *p)
{
    int n = 0;
    for (int i = 0; i < LINEEDIT_ASYNC; i++) {
        int fd = async[i].fd ? async[i].fd() : -1;
        if (fd < 0) continue;
        p[n].fd = fd;
        p[n].events = POLLIN;
        p[n].revents = 0;
        n++;
    }
    return n;
}

void lineedit_async_run(const struct pollfd *p, int n)
{
    for (int k = 0; k < n; k++)
        for (int i = 0; i < LINEEDIT_ASYNC; i++)
            if ((p[k].revents & POLLIN) && async[i].fd && async[i].fd() == p[k].fd) async[i].fn();
}

void lineedit_init(int interactive, lineedit_complete_fn fn, lineedit_hint_fn hint)
{
#ifdef SP_READLINE
    use_rl = interactive;
    if (use_rl) lineedit_rl_init(fn, hint);
#else
    (void)interactive;
    (void)fn;
    (void)hint;
#endif
}

const char *(*lineedit_on_ctrl_c)(void);

char *lineedit_read(const char *prompt, size_t *len)
{
#ifdef SP_READLINE
    if (use_rl) return lineedit_rl_read(prompt, len);
#endif
    return lineedit_plain_read(prompt, len);
}

void lineedit_clear_screen(void)
{
    if (!isatty(STDOUT_FILENO)) return;
    fputs("\033[H\033[2J", stdout);      /* cursor home, erase the screen: what Ctrl-L does in a shell */
    fflush(stdout);
}

void lineedit_history_add(const char *line)
{
#ifdef SP_READLINE
    if (use_rl) lineedit_rl_history_add(line);
#else
    (void)line;
#endif
}

void lineedit_shutdown(void)
{
#ifdef SP_READLINE
    if (use_rl) lineedit_rl_shutdown();
#endif
    lineedit_plain_discard();
}
