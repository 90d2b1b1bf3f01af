/* main.c — sockplay's command line: the REPL, -c, and (later) scripts and lessons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/blocking.h"
#include "core/core.h"
#include "core/log.h"
#include "core/jobs.h"
#include "lab/lab.h"
#include "lab/lab_topo.h"
#include "lua/luahost.h"
#include "lua/lesson.h"
#include "lua/exercise.h"
#include "report/out.h"
#include "report/wireview.h"
#include "py/py_run.h"
#include "teach/teach_ask.h"
#include "teach/teach_report.h"
#include "core/registry.h"
#include "report/render.h"
#include "cli/repl.h"
#include "report/report.h"

#ifndef SP_VERSION
#define SP_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
    fprintf(f, "%s",
            TR("usage: sockplay [options]            the interactive REPL (commands from stdin when it is not a terminal)\n"
               "       sockplay -c 'CMD; CMD'       run commands, then exit\n"
               "       sockplay FILE.lua [ARGS]     run a Lua script (arg as in lua)\n"
               "       sockplay --lessons           list the lessons\n"
               "       sockplay --lesson NAME       step through a lesson (Enter before each call)\n"
               "       sockplay --exercises         list the exercises\n"
               "       sockplay --exercise NAME     the prompt, with an exercise's task checked as you go\n"
               "       sockplay --lab [FILE.lab] [options]  any of these in a lab: hosts A, B, D and a router\n"
               "                                    (or FILE's network), without root\n"
               "       sockplay --join [-- PROG ARGS]  a prompt (or PROG) in the running lab's network\n"
               "options:\n"
               "  --auto         run a lesson straight through (also when stdin is not a terminal);\n"
               "                 its checkpoints are answered from the lesson's key;\n"
               "                 with --exercise: type the exercise's model solution, then check\n"
               "  --answers FILE replay a learner's answers to the checkpoints (lines: ID N, or ID PREDICTION)\n"
               "  --report FILE.json  add the lesson's checkpoints and answers (or the\n"
               "                 exercise's checks) to FILE.json\n"
               "  --grade DIR [--csv] the class's table from a folder of such reports\n"
               "  --wire         start with `wire on`: each call's packets under it (needs --lab or root)\n"
               "  --lang zh|en   language of messages (default: from LANG/LC_ALL)\n"
               "  --help         this text\n"
               "  --version      the version\n"
               "Environment: NO_COLOR turns colour off.\n",
               "用法：sockplay [选项]                交互式 REPL（标准输入不是终端时从中读取命令）\n"
               "      sockplay -c '命令; 命令'      执行命令后退出\n"
               "      sockplay 文件.lua [参数]      运行 Lua 脚本（arg 同 lua）\n"
               "      sockplay --lessons            列出课程\n"
               "      sockplay --lesson 名称        逐步运行一个课程（每次调用前按回车）\n"
               "      sockplay --exercises          列出练习\n"
               "      sockplay --exercise 名称      带着一个练习的任务进入提示符，边做边检查\n"
               "      sockplay --lab [文件.lab] [选项]  在实验室里运行：主机 A、B、D 和一台路由器（或文件描述的网络），不需要 root\n"
               "      sockplay --join [-- 程序 参数]  在正在运行的实验室的网络里开一个提示符（或运行程序）\n"
               "选项：\n"
               "  --auto         一口气运行完课程（标准输入不是终端时也是）；检查点用课程给出的答案；\n"
               "                 与 --exercise 一起：输入练习的参考答案，然后检查\n"
               "  --answers 文件 重放学生对检查点的回答（每行：ID 序号，或 ID 预测）\n"
               "  --report 文件.json  把课程的检查点和回答（或练习的检查项）追加到该文件\n"
               "  --grade 目录 [--csv] 根据一个目录里的报告打印全班的表格\n"
               "  --wire         启动时执行 `wire on`：每次调用的包显示在它下面（需要 --lab 或 root）\n"
               "  --lang zh|en   消息语言（默认取自 LANG/LC_ALL）\n"
               "  --help         显示本帮助\n"
               "  --version      显示版本\n"
               "环境变量：设置 NO_COLOR 关闭颜色。\n"));
}

/* "closing 2 socket(s): s (fd 3), fd 4": what leaving closes, by name. */
static void say_closing(void)
{
    size_t n = registry_count(), used = 0;
    char *list;
    if (!n || !(list = malloc(n * (SP_NAME_MAX + 24) + 64))) return;
    used = (size_t)sprintf(list, TR("closing %zu socket(s)", "关闭 %zu 个套接字"), n);
    for (size_t i = 0; i < n; i++) {
        const sp_sock *s = registry_at(i);
        if (s->name[0]) used += (size_t)sprintf(list + used, "%s%s (fd %d)", i ? ", " : ": ", s->name, s->fd);
        else used += (size_t)sprintf(list + used, "%sfd %d", i ? ", " : ": ", s->fd);
    }
    out_wrap(stdout, "", 2, list, "");   /* the terminal's width, as everything else */
    free(list);
}

static void leave(void)
{
    exercise_end();                /* its results into --report, if not yet */
    report_set(REPORT_TABLE, 0);   /* leaving: no more tables */
    if (jobs_pending())
        printf(TR("%d background call(s) still waiting: cancelling them\n", "还有 %d 个后台调用在等待：正在取消\n"), jobs_pending());
    jobs_cancel_all();
    say_closing();
    luahost_close();
    core_close_all();
    py_run_free();
    wireview_shutdown();
    lab_leave();
    render_free();
    log_free();
    report_shutdown();
    fflush(stdout);
}

/* --exercise NAME: the task, then the prompt; with --auto, the model solution typed and
 * checked instead (exit status 0 when every check is met). */
static int run_exercise(const char *name, int autorun)
{
    char **lines;
    size_t n;
    int rc;
    if (exercise_start(name) < 0) return 1;
    if (!autorun) {
        repl_loop();
        return 0;
    }
    lines = exercise_solution(&n);
    if (!n) {
        printf(TR("sockplay: exercise %s has no solution to type\n", "sockplay：练习 %s 没有可输入的参考答案\n"), name);
        free(lines);
        return 1;
    }
    printf("\n%s\n", TR("--auto: the model solution, typed:", "--auto：输入参考答案："));
    for (size_t i = 0; i < n && repl_exit_code < 0; i++) {
        unsigned long before = log_total();
        int failed = 0;
        printf("sockplay> %s%s%s\n", out_col(C_BOLD), lines[i], out_col(C_RESET));
        fflush(stdout);
        if (repl_line(lines[i], strlen(lines[i]))) break;
        /* A call of the solution failed (its port still held by a TIME_WAIT of a run a
         * minute ago …): what follows would wait on it, so the solution stops here. */
        for (unsigned long k = before; k < log_total(); k++)
            failed |= log_call(k) && log_call(k)->rc < 0;
        if (failed) {
            printf(TR("--auto: that call failed, so the solution stops here (`state` shows what holds a port)\n",
                      "--auto：这次调用失败了，参考答案到此为止（`state` 显示端口被谁占用）\n"));
            break;
        }
    }
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);
    rc = exercise_check() != 0;
    return rc;
}

int main(int argc, char **argv)
{
    const char *commands = NULL, *lesson = NULL, *exercise = NULL, *script = NULL, *topo = NULL, *join_host = NULL, *answers = NULL;
    int list = 0, list_ex = 0, autorun = 0, rc = 0, first_arg = argc, lab = 0, wire = 0, csv = 0;   /* lab: 1 --lab, 2 --join */
    const char *grade = NULL;
    char **prog = NULL;                                               /* --join -- PROGRAM ARGS */
    out_init();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-c") && i + 1 < argc) commands = argv[++i];
        else if (!strcmp(a, "--lessons")) list = 1;
        else if (!strcmp(a, "--lesson") && i + 1 < argc) lesson = argv[++i];
        else if (!strcmp(a, "--exercises")) list_ex = 1;
        else if (!strcmp(a, "--exercise") && i + 1 < argc) exercise = argv[++i];
        else if (!strcmp(a, "--auto")) autorun = 1;
        else if (!strcmp(a, "--answers") && i + 1 < argc) answers = argv[++i];
        else if (!strcmp(a, "--report") && i + 1 < argc) teach_report_path = argv[++i];
        else if (!strcmp(a, "--grade") && i + 1 < argc) grade = argv[++i];
        else if (!strcmp(a, "--csv")) csv = 1;
        else if (!strcmp(a, "--wire")) wire = 1;
        else if (!strcmp(a, "--lab") || !strcmp(a, "--join")) {
            lab = a[2] == 'l' ? 1 : 2;
            /* --lab FILE.lab: the lab's network from a file */
            if (lab == 1 && i + 1 < argc && strlen(argv[i + 1]) > 4 && !strcmp(argv[i + 1] + strlen(argv[i + 1]) - 4, ".lab"))
                topo = argv[++i];
            /* --join B: a prompt (or a program) on host B */
            if (lab == 2 && i + 1 < argc && lab_topo_name_ok(argv[i + 1], strlen(argv[i + 1]))) join_host = argv[++i];
        }
        else if (!strcmp(a, "--") && lab == 2) { prog = argv + i + 1; break; }
        else if (a[0] != '-') { script = a; first_arg = i + 1; break; }   /* the rest is the script's */
        else if (!strcmp(a, "--lang") && i + 1 < argc) {
            if (out_set_lang(argv[++i]) < 0) {
                fprintf(stderr, "sockplay: --lang takes zh or en, not '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strncmp(a, "--lang=", 7)) {
            if (out_set_lang(a + 7) < 0) { fprintf(stderr, "sockplay: --lang takes zh or en, not '%s'\n", a + 7); return 2; }
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 0; }
        else if (!strcmp(a, "--version")) { printf("sockplay %s\n", SP_VERSION); return 0; }
        else {
            fprintf(stderr, TR("sockplay: unknown argument '%s'\n", "sockplay：未知参数 '%s'\n"), a);
            usage(stderr);
            return 2;
        }
    }
    if (grade) return teach_grade(grade, csv) < 0 ? 2 : 0;   /* the teacher's table: no session */
    if (answers) {
        char err[300];
        if (teach_answers_file(answers, err, sizeof err) < 0) {
            fprintf(stderr, "sockplay: %s\n", err);
            return 2;
        }
    } else if (autorun) {
        teach_mode = 1;          /* a lesson's checkpoints are answered from its key */
    }
    if (lab && (rc = lab == 1 ? lab_enter(topo) : lab_join(join_host, prog))) return rc;   /* still one thread */
    blocking_init();
    report_init();               /* the listeners: what is printed, then what is kept */
    log_init();
    wireview_init();             /* before the report: a call's packets, then its result line */
    py_run_init();               /* after the report: a Python line's exception under its call */
    if (wire) {
        char err[600];
        if (wireview_set(1, err, sizeof err) < 0) out_wrap(stdout, "", 2, err, "");
    }
    if (list) rc = lesson_list() < 0;
    else if (list_ex) rc = exercise_list() < 0;
    else if (exercise) rc = run_exercise(exercise, autorun);
    else if (lesson) rc = lesson_run(lesson, !autorun && isatty(STDIN_FILENO)) < 0;
    else if (script) rc = luahost_run_file(script, argc - first_arg, argv + first_arg) < 0;
    else if (commands) repl_line(commands, strlen(commands));
    else repl_loop();
    if (repl_exit_code >= 0) rc = repl_exit_code;   /* quit CODE, os.exit(CODE) */
    leave();
    return rc;
}
