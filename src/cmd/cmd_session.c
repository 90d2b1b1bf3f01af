/* cmd_session.c — the commands about the session rather than one socket: the table,
 * background calls, the trace, help, Lua and lessons, quitting. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "cmd/cmd_args.h"
#include "teach/teach_predict.h"
#include "core/blocking.h"
#include "core/core.h"
#include "report/explain.h"
#include "export/export.h"
#include "core/log.h"
#include "core/jobs.h"
#include "cli/lineedit.h"
#include "lua/luahost.h"
#include "report/netinfo.h"
#include "lua/lesson.h"
#include "lua/exercise.h"
#include "report/out.h"
#include "py/py_run.h"
#include "report/render.h"
#include "report/report.h"
#include "report/status.h"
#include "cli/repl.h"
#include "lang/sockopt.h"
#include "report/trace.h"
#include "report/watch.h"
#include "report/wireview.h"
#include "wire/wire.h"

const sp_word cmd_state_words[] = {
    {"--watch", CMD_STATE_WATCH, 0, 0}, {"on", CMD_STATE_ON, 0, 0}, {"off", CMD_STATE_OFF, 0, 0}, {"-w", CMD_STATE_WATCH, 0, 1},
    {NULL, 0, 0, 0},
};

int cmd_state(const sp_line *c)
{
    double limit = isatty(0) ? 3600 : 5;   /* without a keyboard to stop it, a short watch */
    const sp_word *w;
    char *end;
    if (cmd_nargs(c, 0, 2, "") < 0) return CMD_FAIL;
    if (c->ntok == 1) {
        render_table(1);
        return CMD_OK;
    }
    w = words_find(cmd_state_words, cmd_arg(c, 1));
    if (c->ntok == 2 && w && w->value != CMD_STATE_WATCH) {
        int on = w->value == CMD_STATE_ON;
        report_set(REPORT_TABLE, on);
        printf("%s\n", on ? TR("the table is printed after each call that changes it", "每次有变化的调用之后打印状态表")
                                        : TR("the table is printed only on `state`", "只在输入 `state` 时打印状态表"));
        return CMD_OK;
    }
    if (!w || w->value != CMD_STATE_WATCH)
        return cmd_usage(TR("'%s' is not an option of state: --watch [SECONDS], on or off", "'%s' 不是 state 的选项：--watch [SECONDS]、on 或 off"),
                     cmd_arg(c, 1));
    if (cmd_arg(c, 2)) {
        limit = strtod(cmd_arg(c, 2), &end);
        if (*end || !(limit > 0 && limit <= 86400))
            return cmd_usage(TR("'%s' is not a number of seconds (up to 86400)", "'%s' 不是秒数（最多 86400）"), cmd_arg(c, 2));
    }
    watch_table(0.5, limit);
    return CMD_OK;
}

/* A job number: 2, %2 or [2]. */
static int job_arg(const sp_line *c, int i)
{
    const char *a = cmd_arg(c, i);
    char digits[16], err[200];
    long n;
    size_t k;
    if (*a == '%' || *a == '[') a++;
    k = strcspn(a, "]");
    snprintf(digits, sizeof digits, "%.*s", (int)(k < 15 ? k : 15), a);
    if (parse_int(digits, 1, 1000000, TR("job number", "作业编号"), &n, err, sizeof err) < 0) return cmd_usage("%s", err), -1;
    if (!jobs_exists((int)n))
        return cmd_usage(TR("no background call [%ld] (see `jobs`)", "没有后台调用 [%ld]（见 `jobs`）"), n), -1;
    return (int)n;
}

int cmd_jobs(const sp_line *c)
{
    double now = blocking_now();
    if (cmd_nargs(c, 0, 0, "") < 0) return CMD_FAIL;
    jobs_report();
    if (!jobs_pending()) {
        printf("%s\n", TR("(no background calls)", "（没有后台调用）"));
        return CMD_OK;
    }
    for (int n = jobs_next(0); n; n = jobs_next(n)) {
        int done;
        const sp_call *k = jobs_call(n, &done);
        char plain[600];
        report_call_text(k, 0, plain, sizeof plain);
        printf("%s[%d]%s %-32s %s %s%.1f s%s", out_col(C_BOLD), n, out_col(C_RESET), plain,
               done ? TR("returned after", "返回，用时") : TR("blocked for", "已阻塞"), out_col(C_YELLOW), done ? k->took : now - k->t0,
               out_col(C_RESET));
        if (k->newvar[0]) printf("  → %s", k->newvar);
        printf("\n");
    }
    return CMD_OK;
}

/* Waits in the foreground for call n (0: all), ending each call that returns. Ctrl-C stops
 * the wait, not the call: 1 then. */
static int wait_for(int n)
{
    char what[600], plain[560];
    int done;
    const sp_call *k = n ? jobs_call(n, &done) : NULL;
    if (n && !k) return -1;
    if (k) {
        report_call_text(k, 0, plain, sizeof plain);
        snprintf(what, sizeof what, "wait [%d] %s", n, plain);
    } else snprintf(what, sizeof what, "wait: %d %s", jobs_pending(), TR("background calls", "个后台调用"));
    for (;;) {
        struct pollfd p = {jobs_fd(), POLLIN, 0};
        int drawn, rc;
        jobs_report();
        if (n ? !jobs_exists(n) : !jobs_pending()) return 0;
        fflush(stdout);
        /* Ctrl-C here ends the waiting, not the call: the status line says only that. */
        status_begin_as(what, TR("Ctrl-C stops waiting (the call goes on)", "Ctrl-C 停止等待（调用继续）"));
        rc = poll(&p, 1, -1);
        status_end(&drawn);
        if (rc < 0 && errno == EINTR && blocking_sigint) {
            blocking_sigint = 0;
            printf("%s\n", TR("stopped waiting: the call is still in the background (`jobs`)",
                              "停止等待：调用仍在后台（`jobs`）"));
            return 1;
        }
    }
}

int cmd_wait(const sp_line *c)
{
    int n = 0;
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    jobs_report();
    if (c->ntok == 2 && (n = job_arg(c, 1)) < 0) return CMD_FAIL;
    if (!n && !jobs_pending()) {
        printf("%s\n", TR("(no background calls to wait for)", "（没有要等待的后台调用）"));
        return CMD_OK;
    }
    return wait_for(n) == 0 ? CMD_OK : CMD_FAIL;
}

int cmd_cancel(const sp_line *c)
{
    int n;
    if (cmd_nargs(c, 1, 1, TR("N: the number `jobs` shows", "N：`jobs` 显示的编号")) < 0) return CMD_FAIL;
    jobs_report();
    if ((n = job_arg(c, 1)) < 0) return CMD_FAIL;
    return jobs_cancel(n) == 0 ? CMD_OK : CMD_FAIL;
}

int cmd_trace(const sp_line *c)
{
    long n = 0;
    char err[200];
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (cmd_arg(c, 1) && parse_int(cmd_arg(c, 1), 1, 1000000, "N", &n, err, sizeof err) < 0) return cmd_usage("%s", err);
    trace_print((int)n);
    return CMD_OK;
}

/* One line of help's list: name and arguments in columns (by display width: `S…` is one
 * column shorter than its bytes), then the description when it fits on the line, else on
 * the next lines, wrapped under the arguments. Arguments wider than their column (wire's)
 * are wrapped themselves, the description on the lines after them. */
static void help_row(const sp_command *k)
{
    char name[64], args[128], lead[256], text[512];
    const char *desc = TR(k->help_en, k->help_zh);
    int below = 2 + 11 + 1 + 34 + 1 + out_width(desc) > out_cols() && out_width(k->args) <= 34;
    if (out_width(k->args) > 34) {
        snprintf(lead, sizeof lead, "  %s%s%s ", out_col(C_BOLD), out_pad(name, sizeof name, k->name, 11), out_col(C_RESET));
        out_wrap(stdout, lead, 14, k->args, "");
        out_wrap(stdout, "              ", 14, desc, "");
        return;
    }
    snprintf(lead, sizeof lead, "  %s%s%s %s", out_col(C_BOLD), out_pad(name, sizeof name, k->name, 11), out_col(C_RESET),
             below ? k->args : out_pad(args, sizeof args, k->args, 34));
    snprintf(text, sizeof text, "%s%s", below ? "\n" : " ", desc);
    out_wrap(stdout, lead, below ? 14 : -1, text, "");
}

/* `help CMD`: the command, its description, the options of set/getsockopt, an example. */
static void help_one(const sp_command *k)
{
    char lead[128], name[32], level[32];
    printf("%s%s %s%s\n", out_col(C_BOLD), k->name, k->args, out_col(C_RESET));
    out_wrap(stdout, "  ", -1, TR(k->help_en, k->help_zh), "");
    if (k->flags & CMD_NAMES) out_wrap(stdout, "  ", -1, TR("NAME = … gives the new socket a name.", "NAME = … 给新套接字起个名字。"), "");
    if (k->flags & CMD_BG)
        out_wrap(stdout, "  ", -1, TR("… & runs it in the background: `jobs`, `wait N`, `cancel N`.",
                                      "… & 让它在后台运行：`jobs`、`wait N`、`cancel N`。"), "");
    if (!strcmp(k->name, "setsockopt") || !strcmp(k->name, "getsockopt"))
        for (size_t i = 0; i < sockopt_ndefs; i++) {
            snprintf(lead, sizeof lead, "    %s %s ", out_pad(name, sizeof name, sockopt_defs[i].name, 14),
                     out_pad(level, sizeof level, sockopt_defs[i].level_name, 13));
            out_wrap(stdout, lead, -1, sockopt_defs[i].help, "");
        }
    if (k->example) {
        snprintf(lead, sizeof lead, "  %s: %s", TR("example", "示例"), out_col(C_CYAN));
        out_wrap(stdout, lead, -1, k->example, out_col(C_RESET));
    }
}

int cmd_help(const sp_line *c)
{
    const sp_command *k;
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (c->ntok == 2 && !strcmp(cmd_arg(c, 1), "python")) {
        py_run_help();          /* the course's Python lines: what runs at this prompt */
        return CMD_OK;
    }
    if (c->ntok == 2) {
        if (!(k = cmd_find(cmd_arg(c, 1))))
            return cmd_usage(TR("no command '%s' (type `help` for the list)", "没有命令 '%s'（输入 `help` 查看列表）"), cmd_arg(c, 1));
        help_one(k);
        return CMD_OK;
    }
    out_wrap(stdout, "", 0, TR("One command = one socket call. S is a socket's name or fd. Commands:",
                               "一条命令 = 一次套接字调用。S 是套接字的名字或 fd。命令列表："), "");
    for (k = cmd_table; k->name; k++) help_row(k);
    out_wrap(stdout, "", 0, TR("NAME = socket …  names a socket.  DATA: \"text\\r\\n\", words, hex:48656c6c6f, @file.  "
                               "';' separates commands, '#' starts a comment, a final '&' runs a call in the background.  help CMD shows an example.  "
                               "The course's Python lines run too: help python.",
                               "NAME = socket … 给套接字命名。DATA：\"文本\\r\\n\"、单词、hex:48656c6c6f、@文件。"
                               "';' 分隔多条命令，'#' 开始注释，末尾的 '&' 让调用在后台运行。help 命令名 查看示例。"
                               "课程里的 Python 语句也能直接运行：help python。"), "");
    return CMD_OK;
}

/* What a Lua run means for the REPL: os.exit in it quits the session, as `quit` does. */
static int lua_outcome(int rc)
{
    if (repl_exit_code >= 0) return CMD_QUIT;
    return rc < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_lua(const sp_line *c)
{
    if (c->ntok < 2 || !*cmd_arg(c, 1)) return cmd_usage("%s", TR("missing CHUNK: Lua code, as in  lua print(socket.AF_INET)",
                                                         "缺少 CHUNK：Lua 代码，例如  lua print(socket.AF_INET)"));
    return lua_outcome(luahost_run_chunk(cmd_arg(c, 1)));
}

int cmd_run(const sp_line *c)
{
    char *argv[64];
    int n = 0;
    if (cmd_nargs(c, 1, 64, "FILE.lua") < 0) return CMD_FAIL;
    for (int i = 2; i < c->ntok; i++) argv[n++] = c->tok[i].text;
    return lua_outcome(luahost_run_file(cmd_arg(c, 1), n, argv));
}

int cmd_lesson(const sp_line *c)
{
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (c->ntok == 1) return lesson_list() < 0 ? CMD_FAIL : CMD_OK;
    return lua_outcome(lesson_run(cmd_arg(c, 1), isatty(0)));
}

/* exercise [NAME | off]: the list, an exercise begun, or ended. */
int cmd_exercise(const sp_line *c)
{
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (c->ntok == 1) return exercise_list() < 0 ? CMD_FAIL : CMD_OK;
    if (!strcmp(cmd_arg(c, 1), "off")) {
        if (!exercise_current()) printf("%s\n", TR("no exercise is going on", "没有进行中的练习"));
        exercise_stop();
        return CMD_OK;
    }
    return lua_outcome(exercise_start(cmd_arg(c, 1)));
}

/* check: the exercise's checks. */
int cmd_check(const sp_line *c)
{
    if (cmd_nargs(c, 0, 0, "") < 0) return CMD_FAIL;
    return exercise_check() < 0 ? CMD_FAIL : CMD_OK;
}

/* quit [CODE]: CODE, a whole number 0 to 255, is the exit status (default 0). */
int cmd_quit(const sp_line *c)
{
    long code = 0;
    char err[200];
    if (cmd_arg(c, 1) && parse_int(cmd_arg(c, 1), 0, 255, TR("exit status CODE", "退出状态 CODE"), &code, err, sizeof err) < 0)
        return cmd_usage("%s", err);
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    repl_exit_code = (int)code;
    return CMD_QUIT;
}

int cmd_explain(const sp_line *c)
{
    int on = !report_set(REPORT_EXPLAIN, -1);
    if (cmd_nargs(c, 0, 1, "") < 0 || (c->ntok == 2 && cmd_on_off(cmd_arg(c, 1), &on) < 0)) return CMD_FAIL;
    report_set(REPORT_EXPLAIN, on);
    out_wrap(stdout, "", 2, on ? TR("explain on: each call is also shown as the C system call and as the course's Python line",
                                    "explain 已打开：每次调用还会显示对应的 C 系统调用和课程中的 Python 语句")
                               : TR("explain off", "explain 已关闭"), "");
    return CMD_OK;
}

int cmd_predict(const sp_line *c)
{
    prediction p;
    char err[300], shown[300];
    int r, j;
    if (c->ntok == 1) {
        /* What is armed, and the score so far. */
        predict_score(&r, &j);
        if (predict_armed(shown, sizeof shown)) printf(TR("predicted for the next call: %s\n", "对下一个调用的预测：%s\n"), shown);
        else printf("%s\n", TR("nothing predicted for the next call", "没有对下一个调用的预测"));
        printf(TR("%d of %d predictions right this session\n", "本次会话 %d/%d 个预测正确\n"), r, j);
        return CMD_OK;
    }
    if (predict_parse(c->tok + 1, c->ntok - 1, &p, err, sizeof err) < 0) return cmd_usage("%s", err);
    if (p.kind == PREDICT_ON || p.kind == PREDICT_OFF) {
        predict_asking(p.kind == PREDICT_ON);
        out_wrap(stdout, "", 2, p.kind == PREDICT_ON ? TR("predict on: before each call that may block you are asked whether it will",
                                                          "predict 已打开：每个可能阻塞的调用之前都会问你它会不会阻塞")
                                                       : TR("predict off", "predict 已关闭"), "");
        return CMD_OK;
    }
    predict_arm(&p);
    out_wrap(stdout, "", 2, TR("noted: the next call will tell", "已记下：看下一个调用"), "");
    return CMD_OK;
}

int cmd_lang(const sp_line *c)
{
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (c->ntok == 2 && out_set_lang(cmd_arg(c, 1)) < 0)
        return cmd_usage(TR("'%s' is not a language here: zh (中文) or en (English)", "'%s' 不是可用的语言：zh（中文）或 en（English）"),
                     cmd_arg(c, 1));
    printf("%s\n", TR("messages in English (lang zh: 中文)", "消息使用中文（lang en: English）"));
    return CMD_OK;
}

/* export python FILE.py / export c FILE.c / save FILE.lua */
static int write_program(int lang, const char *path, int force)
{
    char err[PATH_MAX + 300], *word;
    int n;
    if (!log_count()) {
        printf("%s\n", TR("nothing to write yet: no socket call has been made this session", "还没有可写的内容：本会话还没有套接字调用"));
        return CMD_FAIL;
    }
    if ((n = export_write(lang, path, force, err, sizeof err)) < 0) return cmd_usage("%s", err);
    /* One line, the name quoted for a shell: it can be pasted as it is. */
    word = literal_shell_word(path);
    printf(TR(n == 1 ? "wrote %d call to %s — run it: %s%s%s\n" : "wrote %d calls to %s — run it: %s%s%s\n", "已把 %d 次调用写入 %s —— 运行：%s%s%s\n"), n, word ? word : "?",
           lang == LANG_PY_SRC ? "python3 " : lang == LANG_LUA_SRC ? "sockplay " : "cc -Wall -Werror -o session ",
           word ? word : "?", lang == LANG_C_SRC ? " && ./session" : "");
    free(word);
    return CMD_OK;
}

const sp_word cmd_force_words[] = {{"--force", 1, 0, 0}, {NULL, 0, 0, 0}};

/* The arguments of export and save, --force (unquoted, anywhere) taken out: want of them
 * into rest, *force set. -1 after cmd_usage() when there are too few, too many or a --typo. */
static int force_args(const sp_line *c, const char **rest, int want, int *force, const char *missing)
{
    int k = 0;
    *force = 0;
    for (int i = 1; i < c->ntok; i++) {
        const char *a = c->tok[i].text;
        if (!c->tok[i].quoted && !strncmp(a, "--", 2)) {
            if (!words_find(cmd_force_words, a))
                return cmd_usage(TR("'%s' is not an option of %s (--force replaces a file sockplay did not write)",
                                "'%s' 不是 %s 的选项（--force 会替换不是 sockplay 写的文件）"), a, c->tok[0].text);
            *force = 1;
        } else if (k == want) {
            return cmd_usage(TR("too many arguments: '%s' is one too many", "参数太多：'%s' 是多余的"), a);
        } else {
            rest[k++] = a;
        }
    }
    if (k < want) return cmd_usage(TR("missing %s", "缺少 %s"), missing);
    return 0;
}

/* export's languages; lua is save's (FILE.lua), taken here too. */
const sp_word cmd_export_words[] = {
    {"python", LANG_PY_SRC, 0, 0}, {"c", LANG_C_SRC, 0, 0}, {"py", LANG_PY_SRC, 0, 1}, {"lua", LANG_LUA_SRC, 0, 1}, {NULL, 0, 0, 0},
};

int cmd_export(const sp_line *c)
{
    const char *a[2];
    const sp_word *w;
    int force;
    if (force_args(c, a, 2, &force, TR("python|c and FILE", "python|c 和 FILE")) < 0) return CMD_FAIL;
    if ((w = words_find(cmd_export_words, a[0]))) return write_program(w->value, a[1], force);
    return cmd_usage(TR("'%s' is not python or c (save FILE.lua writes Lua)", "'%s' 不是 python 或 c（save FILE.lua 写 Lua）"), a[0]);
}

int cmd_save(const sp_line *c)
{
    const char *a[1];
    int force;
    if (force_args(c, a, 1, &force, "FILE.lua") < 0) return CMD_FAIL;
    return write_program(LANG_LUA_SRC, a[0], force);
}

/* wire's words: on|off (words_on_off) and save. */
const sp_word cmd_wire_words[] = {{"save", 1, 0, 0}, {NULL, 0, 0, 0}};

/* `wire`: the counts and the last packets; on|off; N; save FILE.pcap [--force]. */
int cmd_wire(const sp_line *c)
{
    char err[PATH_MAX + 600];
    const char *a = cmd_arg(c, 1);
    long n = 20;
    int on;
    if (a && words_find(cmd_wire_words, a)) {
        const char *rest[2];
        int force;
        long got;
        if (force_args(c, rest, 2, &force, "FILE.pcap") < 0) return CMD_FAIL;
        wireview_collect();
        if ((got = wire_save(rest[1], force, err, sizeof err)) < 0) {
            out_wrap(stdout, "", 2, err, "");
            return CMD_FAIL;
        }
        snprintf(err, sizeof err, TR("%ld packets written to %s (tcpdump -r %s, or Wireshark)", "已把 %ld 个包写入 %s（tcpdump -r %s，或用 Wireshark 打开）"),
                 got, rest[1], rest[1]);
        out_wrap(stdout, "", 2, err, "");
        return CMD_OK;
    }
    if (a && words_find(cmd_wire_rule_words, a)) return cmd_wire_rule(c);
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (a && words_on_off_value(a) >= 0) {
        cmd_on_off(a, &on);
        if (wireview_set(on, err, sizeof err) < 0) {
            printf("%s", out_col(C_RED));
            out_wrap(stdout, "", 2, err, out_col(C_RESET));
            return CMD_FAIL;
        }
        out_wrap(stdout, "", 2, on ? TR("wire on: the packets each call causes are shown under it, and those that arrive while the prompt waits above it",
                                        "wire 已打开：每次调用引起的包显示在它下面，提示符等待时到达的包显示在提示符上方")
                                   : TR("wire off: no capture", "wire 已关闭：不再抓包"), "");
        return CMD_OK;
    }
    if (a && parse_int(a, 1, WIREVIEW_RING, "N", &n, err, sizeof err) < 0)
        return cmd_usage(TR("'%s' is not on, off, save, a number of packets, or a rule of the lab's switch (hold, go, next, drop, loss, delay, dup, reorder, mac)",
                            "'%s' 不是 on、off、save、包的数量，也不是实验室交换机的规则（hold、go、next、drop、loss、delay、dup、reorder、mac）"), a);
    if (!wire_is_open()) {
        out_wrap(stdout, "", 2, TR("the wire is off: `wire on` captures the session's packets", "wire 没有打开：`wire on` 抓取本会话的包"), "");
        return CMD_OK;
    }
    wireview_collect();
    {
        wire_counts k;
        wire_stats(&k);
        printf(TR("wire on: %lu packets seen, %lu dropped by the kernel\n", "wire 已打开：看到 %lu 个包，内核丢弃 %lu 个\n"), k.seen,
               k.dropped);
        cmd_lab_rules(err, sizeof err);
        if (err[0]) printf(TR("the switch's rules: %s\n", "交换机的规则：%s\n"), err);
    }
    wireview_list((size_t)n);
    return CMD_OK;
}

int cmd_ipinfo(const sp_line *c)
{
    if (cmd_nargs(c, 1, 2, TR("ADDR: an IPv4 address, as 192.168.1.10/24", "ADDR：IPv4 地址，例如 192.168.1.10/24")) < 0) return CMD_FAIL;
    return netinfo_ip(cmd_arg(c, 1), cmd_arg(c, 2)) < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_resolve(const sp_line *c)
{
    if (cmd_nargs(c, 1, 1, TR("NAME: a host name, as localhost", "NAME：主机名，例如 localhost")) < 0) return CMD_FAIL;
    return netinfo_resolve(cmd_arg(c, 1)) < 0 ? CMD_FAIL : CMD_OK;
}

int cmd_port(const sp_line *c)
{
    if (cmd_nargs(c, 1, 1, TR("N: a port number or service name", "N：端口号或服务名")) < 0) return CMD_FAIL;
    return netinfo_port(cmd_arg(c, 1)) < 0 ? CMD_FAIL : CMD_OK;
}

/* clear: as in every shell; on a pipe or a file there is no screen, so nothing is written. */
int cmd_clear(const sp_line *c)
{
    if (cmd_nargs(c, 0, 0, "") < 0) return CMD_FAIL;
    lineedit_clear_screen();
    return CMD_OK;
}
