/* repl.c — the loop of lua.c's doREPL in sockplay's terms: prompt, read, run, until EOF. */
#include "cli/repl.h"
#include "lua/exercise.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/cmd_table.h"
#include "cli/complete.h"
#include "core/jobs.h"
#include "core/place.h"
#include "cli/lineedit.h"
#include "lab/lab.h"
#include "lab/lab_switch.h"
#include "lab/lab_topo.h"
#include "report/out.h"
#include "report/wireview.h"
#include "lang/parse.h"
#include "lang/pyline.h"
#include "py/py_eval.h"
#include "py/py_run.h"
#include "teach/teach_predict.h"

/* A sockplay command given a Python tuple is answered with the line to type instead;
 * nothing of it runs. 1 when it was answered. */
static int python_hint(const char *line)
{
    int kind;
    char *form = pyline_form(line, &kind);
    if (!form) return 0;
    printf("%s%s%s\n", out_col(C_RED), TR("sockplay: an address is written HOST PORT here, not as a Python tuple: nothing was run",
                                     "sockplay：这里的地址写成 HOST PORT 两个词，不用 Python 的元组：没有执行"), out_col(C_RESET));
    printf("   %s↳ %s  %s%s\n", out_col(C_DIM), TR("did you mean:", "你是想输入："), form, out_col(C_RESET));
    free(form);
    return 1;
}

/* The lab host a line begins with ("B: connect c …"): its place, or -2 when the line does not
 * begin with a host's name and a colon. */
static int host_prefix(const char *line)
{
    char name[LAB_NAME_MAX + 1];
    size_t k;
    if (!place_count()) return -2;
    line += strspn(line, " \t");
    k = strcspn(line, ": \t");
    if (line[k] != ':' || !lab_topo_name_ok(line, k)) return -2;
    memcpy(name, line, k);
    name[k] = 0;
    return place_find(name);
}

int repl_exit_code = -1;

static int repl_tty = -1;    /* -1: not in repl_loop (sockplay -c): input() reads stdin plainly */

/* input(prompt) of a Python line: the next line typed, or on a pipe the next line of
 * stdin, shown after its prompt so that the output reads as a transcript. */
static char *read_input(const char *prompt)
{
    char shown[1024], *line = NULL;
    size_t len = 0;
    out_sanitize(shown, sizeof shown, prompt);     /* a prompt is the learner's text: no escape reaches the terminal */
    if (repl_tty == 1) return lineedit_read(shown, &len);
    fputs(shown, stdout);
    fflush(stdout);
    if (repl_tty == 0) line = lineedit_read(NULL, &len);
    else {
        ssize_t n = getline(&line, &len, stdin);
        if (n < 0) { free(line); return NULL; }
        if (n && line[n - 1] == '\n') line[n - 1] = 0;
    }
    if (line) printf("%s\n", line);
    return line;
}

/* A Python line's outcome as repl_line's: 1 to leave. */
static int python_done(int r)
{
    fflush(stdout);
    return r == PYRUN_QUIT;
}

/* One line: a Python statement, a command line, "B: CMD". 1 to leave. */
static int one_line(const char *line, size_t len)
{
    sp_line *cmds;
    char err[300];
    int n, quit = 0;
    if (memchr(line, '\0', len)) {
        printf("%s%s%s\n", out_col(C_RED), TR("sockplay: the line holds a NUL byte: ignored (write \\0 inside quotes)",
                                         "sockplay：这一行包含 NUL 字节，已忽略（在引号里写 \\0）"), out_col(C_RESET));
        return 0;
    }
    py_read_line = read_input;
    predict_read_line = read_input;
    if (py_run_pending()) return python_done(py_run_line(line));
    if (line[strspn(line, " \t")] == '\0' && lab_switch_running() && lab_switch_held() > 0) {
        /* Enter on an empty line while the switch holds frames: the next one goes on. */
        lab_switch_release(1);
        printf(TR("next: 1 frame sent on, %d still held\n", "next：放行 1 帧，还扣着 %d 帧\n"), lab_switch_held() - 1 > 0 ? lab_switch_held() - 1 : 0);
        fflush(stdout);
        return 0;
    }
    if ((n = host_prefix(line)) != -2) {
        /* "B: CMD": the one line as if on B. */
        int was = place_current;
        const char *rest = strchr(line, ':') + 1;
        place_current = n;
        quit = one_line(rest, len - (size_t)(rest - line));
        place_current = was;
        return quit;
    }
    if ((n = py_run_line(line)) != PYRUN_NOT) return python_done(n);
    if (python_hint(line)) return 0;
    n = parse_line(line, &cmds, err, sizeof err);
    if (n < 0) {
        char shown[sizeof err * 4];
        out_sanitize(shown, sizeof shown, err);     /* it may quote what was typed */
        printf("%s%s%s\n", out_col(C_RED), shown, out_col(C_RESET));
        return 0;
    }
    for (int i = 0; i < n && !quit; i++)
        quit = cmd_dispatch(&cmds[i]) == CMD_QUIT;
    parse_free(cmds, n);
    fflush(stdout);
    return quit;
}

int repl_line(const char *line, size_t len)
{
    int quit = one_line(line, len);
    exercise_after_line();        /* the exercise's checks met by this line */
    return quit;
}

static void report_jobs(void) { jobs_report(); }

static char prompt[64];

/* Ctrl-C at "...> ": the Python statement is given up, the usual prompt comes back. */
static const char *ctrl_c_at_prompt(void)
{
    if (!py_run_cancel()) return NULL;
    if (lab_in()) snprintf(prompt, sizeof prompt, "sockplay[%s]> ", lab_where());
    else snprintf(prompt, sizeof prompt, "sockplay> ");
    return prompt;
}

void repl_loop(void)
{
    int tty = isatty(STDIN_FILENO);
    repl_tty = tty;
    lineedit_on_ctrl_c = ctrl_c_at_prompt;
    lineedit_init(tty, complete_line, complete_hint);
    lineedit_set_async(0, jobs_fd, report_jobs);
    lineedit_set_async(1, wireview_fd, wireview_async);
    if (tty)
        out_wrap(stdout, "", 0, TR("sockplay — one socket call per line, as a command or as the course's Python. `help` lists the commands; Tab completes; Ctrl-D leaves.",
                                   "sockplay —— 每行一次套接字调用，用命令或课程里的 Python 语句。`help` 列出命令；Tab 补全；Ctrl-D 退出。"), "");
    for (;;) {
        size_t len = 0;
        /* On a pipe the prompt and the line are both printed, so the output reads as a transcript. */
        char *line;
        int quit;
        /* A background call that finished while the last command ran is told first. */
        if (jobs_pending()) jobs_report();
        /* In a lab the prompt says where new sockets are made: sockplay[lab]>, sockplay[B]>. */
        if (py_run_pending()) snprintf(prompt, sizeof prompt, "...> ");    /* a Python statement goes on */
        else if (lab_in()) snprintf(prompt, sizeof prompt, "sockplay[%s]> ", lab_where());
        else snprintf(prompt, sizeof prompt, "sockplay> ");
        line = lineedit_read(tty ? prompt : NULL, &len);
        if (!line) break;
        if (!tty) {
            printf("%s%s%s%s\n", prompt, out_col(C_BOLD), line, out_col(C_RESET));
            fflush(stdout);
        }
        if (tty && len) lineedit_history_add(line);
        quit = repl_line(line, len);
        free(line);
        if (quit) break;
    }
    lineedit_shutdown();
}
