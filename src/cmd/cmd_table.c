/* cmd_table.c — the one table of commands: dispatch, `help` and Tab completion all read
 * it. The handlers are in cmd_socket.c (socket calls) and cmd_session.c (the rest). */
#include "cmd/cmd_table.h"
#include "teach/teach_predict.h"
#include <stdio.h>
#include <string.h>
#include "cmd/cmd_args.h"
#include "lab/lab_filter.h"
#include "core/jobs.h"
#include "report/dataview.h"
#include "report/out.h"

const sp_command cmd_table[] = {
    {"socket", "[tcp|udp|tcp6|udp6|unix|unix-dgram]", "create a socket (also: socket AF_INET SOCK_STREAM)",
     "创建套接字（也可写 socket AF_INET SOCK_STREAM）", "s = socket tcp", cmd_socket, "K", CMD_NAMES},
    {"bind", "S HOST PORT | S PATH", "give the socket a local address; PORT 0 lets the kernel pick",
     "给套接字绑定本地地址；PORT 为 0 时由内核挑选", "bind s \"\" 7788", cmd_bind, "S-", 0},
    {"listen", "S [BACKLOG]", "make S a passive socket that accepts connections (BACKLOG 128)",
     "把 S 变成接受连接的被动套接字（BACKLOG 默认 128）", "listen s 128", cmd_listen, "S-", 0},
    {"accept", "S", "wait for a client; returns a new socket for it", "等待客户端连接；返回为它服务的新套接字",
     "conn = accept s", cmd_accept, "S", CMD_NAMES | CMD_BG},
    {"connect", "S HOST PORT | S PATH", "connect to a server (TCP: the three-way handshake)", "连接服务器（TCP：三次握手）",
     "connect c 127.0.0.1 7788", cmd_connect, "S-", CMD_BG},
    {"send", "S DATA", "send bytes on a connected socket; DATA: \"text\", gbk:\"文字\", hex:4142, or @FILE (a file's bytes)",
     "在已连接的套接字上发送字节；DATA：\"文字\"、gbk:\"文字\"、hex:4142，或 @文件（文件的字节）", "send c \"hello\\n\"", cmd_send, "S-", CMD_BG},
    {"recv", "S [MAX] [as gbk|utf-8|hex]", "receive at most MAX bytes (1024); 0 bytes means the peer closed",
     "最多接收 MAX 字节（默认 1024）；0 字节表示对方已关闭", "recv conn 1024 as gbk", cmd_recv, "S--V-", CMD_BG},
    {"sendto", "S HOST PORT DATA | S PATH DATA", "send one datagram to an address (UDP); DATA as for send",
     "向一个地址发送一个数据报（UDP）；DATA 的写法同 send",
     "sendto u 127.0.0.1 8080 \"hi\"", cmd_sendto, "S-", CMD_BG},
    {"recvfrom", "S [MAX] [as gbk|utf-8|hex]", "receive one datagram and show who sent it", "接收一个数据报并显示发送方",
     "recvfrom u 1024 as hex", cmd_recvfrom, "S--V-", CMD_BG},
    {"setsockopt", "S [LEVEL] OPTION VALUE", "set a socket option", "设置套接字选项",
     "setsockopt s SOL_SOCKET SO_REUSEADDR 1", cmd_setsockopt, "SP-", 0},
    {"getsockopt", "S [LEVEL] OPTION", "read a socket option", "读取套接字选项", "getsockopt s SO_RCVBUF", cmd_getsockopt, "SO", 0},
    {"shutdown", "S rd|wr|rdwr", "close one direction (wr sends FIN, the socket still receives)",
     "关闭一个方向（wr 发送 FIN，仍可接收）", "shutdown c wr", cmd_shutdown, "SH", 0},
    {"setblocking", "S on|off", "off: calls return EAGAIN instead of waiting", "off：调用不再等待，而是返回 EAGAIN",
     "setblocking s off", cmd_setblocking, "SB", 0},
    {"settimeout", "S SECONDS|none", "calls wait at most SECONDS (as Python's settimeout)", "调用最多等待 SECONDS 秒（同 Python 的 settimeout）",
     "settimeout conn 2.5", cmd_settimeout, "S-", 0},
    {"getsockname", "S", "the socket's own address", "套接字自己的地址", "getsockname s", cmd_getsockname, "S", 0},
    {"getpeername", "S", "the address of the other side", "对方的地址", "getpeername conn", cmd_getpeername, "S", 0},
    {"close", "S [S…]", "close sockets (TCP: sends FIN)", "关闭套接字（TCP：发送 FIN）", "close conn", cmd_close, "S", 0},
    {"poll", "S… [TIMEOUT]", "wait until one socket is readable (TIMEOUT seconds, 0 = just look); show what each can do",
     "等待直到某个套接字可读（TIMEOUT 秒，0 = 只看一眼）；显示每个套接字的就绪情况", "poll server conn 2", cmd_poll, "S", 0},
    {"state", "[--watch [SECONDS] | on | off]", "print the table of every socket; --watch redraws it live until a key; off: no table after each call",
     "打印所有套接字的状态表；--watch 实时刷新直到按键；off：调用后不再自动打印", "state --watch", cmd_state, "W-", 0},
    {"jobs", "", "list the calls running in the background (… &)", "列出在后台运行的调用（… &）", "jobs", cmd_jobs, "-", 0},
    {"wait", "[N]", "wait for background call N (or all) in the foreground", "在前台等待后台调用 N（或全部）", "wait 1",
     cmd_wait, "-", 0},
    {"cancel", "N", "interrupt background call N (it returns EINTR)", "中断后台调用 N（它返回 EINTR）", "cancel 1", cmd_cancel, "-", 0},
    {"trace", "[N]", "every call of this session (or the last N): time, how long it blocked, result",
     "本会话的每次调用（或最后 N 次）：时间、阻塞多久、结果", "trace 10", cmd_trace, "-", 0},
    {"ipinfo", "ADDR[/N] [MASK]", "an IPv4 address in binary: class, kind, network and host parts",
     "IPv4 地址的二进制、类别、类型、网络号和主机号", "ipinfo 192.168.1.10/24", cmd_ipinfo, "-", 0},
    {"resolve", "NAME", "a host name's addresses (getaddrinfo)", "主机名对应的地址（getaddrinfo）", "resolve localhost", cmd_resolve, "-", 0},
    {"port", "N", "what a port number is: service, privileged or not, in use here", "端口号的含义：服务名、是否特权端口、本机是否在用",
     "port 80", cmd_port, "-", 0},
    {"explain", "[on|off]", "also show each call as the C system call and the course's Python line",
     "同时显示每次调用对应的 C 系统调用和课程中的 Python 语句", "explain on", cmd_explain, "B", 0},
    {"wire", "[on|off | N | save [--force] FILE | RULE]",
     "show the packets each call causes (on); the last N packets; save them as a pcap FILE. RULE, in the lab: hold, go, "
     "next [N], drop next [FILTER], loss P%, delay MS, dup, reorder, mac (FILTER: syn, syn+ack, fin, data, udp, arp, from A, to B …)",
     "显示每次调用引起的包（on）；最后 N 个包；把它们存成 pcap 文件。RULE（实验室里）：hold、go、next [N]、drop next [FILTER]、"
     "loss P%、delay MS、dup、reorder、mac（FILTER：syn、syn+ack、fin、data、udp、arp、from A、to B …）", "wire on", cmd_wire, "RF", 0},
    {"predict", "blocks | returns N | error NAME | state S STATE | packets FLAGS… | on | off",
     "say what the next call will do, then see it marked ✓ or ✗ (on: asked before each call that may block)",
     "先预测下一个调用会怎样，再看它被标记为 ✓ 或 ✗（on：每个可能阻塞的调用之前都会问）", "predict blocks", cmd_predict, "Q-", 0},
    {"next", "[N]", "in the lab, with `wire hold`: send on the next held frame (or N); Enter on an empty line does it too",
     "实验室里，`wire hold` 之后：放行下一帧扣住的帧（或 N 帧）；在空行按回车也可以", "next", cmd_next, "-", 0},
    {"lab", "[add host NAME ADDR/N]", "the lab's network (sockplay --lab): each host's interfaces, addresses, MACs and gateway; the switch's counts; add a host",
     "实验室的网络（sockplay --lab）：每台主机的接口、地址、MAC 和网关；交换机的计数；添加主机", "lab add host E 192.168.1.105/24", cmd_lab, "-", 0},
    {"on", "[HOST|lab]", "make the next sockets on lab host HOST (the prompt shows it); `B: CMD` runs one line on B",
     "之后的套接字建在实验室主机 HOST 上（提示符会显示）；`B: 命令` 在 B 上执行一行", "on B", cmd_on, "-", 0},
    {"export", "[--force] python|c FILE", "write this session's calls as a Python or C program; --force replaces a file sockplay did not write",
     "把本会话的调用写成 Python 或 C 程序；--force 会替换不是 sockplay 写的文件", "export python server.py", cmd_export, "XF", 0},
    {"save", "[--force] FILE.lua", "write this session's calls as a Lua script (sockplay FILE.lua replays it); --force as for export",
     "把本会话的调用写成 Lua 脚本（sockplay FILE.lua 可重放）；--force 同 export", "save session.lua", cmd_save, "F", 0},
    {"clear", "", "clear the screen (also Ctrl-L)", "清屏（也可按 Ctrl-L）", "clear", cmd_clear, "-", 0},
    {"lang", "[zh|en]", "messages in Chinese or English", "消息语言：中文或英文", "lang zh", cmd_lang, "L", 0},
    {"lua", "CHUNK", "run Lua code (the rest of the line); REPL sockets are Lua globals by name",
     "运行 Lua 代码（本行剩余部分）；REPL 中的套接字在 Lua 里按名字可用", "lua print(s:getsockname()[2])", cmd_lua, "-", 0},
    {"run", "FILE.lua [ARGS]", "run a Lua script in this session", "在本会话中运行 Lua 脚本", "run server.lua 7788", cmd_run, "F-", 0},
    {"lesson", "[NAME]", "list the lessons, or step through one", "列出课程，或逐步运行一个课程", "lesson tcp_server", cmd_lesson, "N", 0},
    {"exercise", "[NAME | off]", "list the exercises, start one (a task, checked on what you do), or end it",
     "列出练习，开始一个（一个任务，按你的操作检查），或结束它", "exercise udp_gbk_echo", cmd_exercise, "E", 0},
    {"check", "", "the exercise's checks: which are met (✓) and which are not yet (✗, and why)",
     "练习的检查项：哪些已完成（✓），哪些还没有（✗，以及原因）", "check", cmd_check, "-", 0},
    {"help", "[CMD]", "list commands, or explain one", "列出命令，或解释某个命令", "help bind", cmd_help, "C", 0},
    {"quit", "[CODE]", "close every socket and leave, with exit status CODE (0 to 255, default 0; also exit, Ctrl-D)",
     "关闭所有套接字并退出，退出状态为 CODE（0 到 255，默认 0；也可 exit、Ctrl-D）", "quit", cmd_quit, "-", 0},
    {"exit", "[CODE]", "same as quit", "同 quit", "exit", cmd_quit, "-", 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

const sp_word *const *cmd_words(char letter)
{
    static const sp_word *const kind[] = {words_kinds, words_families, words_types, NULL};
    static const sp_word *const how[] = {words_shutdown, NULL}, *const on_off[] = {words_on_off, NULL};
    static const sp_word *const view[] = {dataview_views, NULL}, *const state[] = {cmd_state_words, NULL};
    static const sp_word *const lang[] = {out_langs, NULL}, *const export[] = {cmd_export_words, cmd_force_words, NULL};
    static const sp_word *const wire[] = {words_on_off, cmd_wire_words, cmd_wire_rule_words, cmd_force_words, lab_filter_words, NULL};
    static const sp_word *const predict[] = {predict_words, NULL};
    switch (letter) {
    case A_KIND: return kind;
    case A_HOW: return how;
    case A_BOOL: return on_off;
    case A_VIEW: return view;
    case A_STATE: return state;
    case A_LANG: return lang;
    case A_EXPORT: return export;
    case A_WIRE: return wire;
    case A_PREDICT: return predict;
    default: return NULL;
    }
}

const sp_command *cmd_find(const char *name)
{
    for (const sp_command *k = cmd_table; k->name; k++)
        if (strcmp(k->name, name) == 0) return k;
    return NULL;
}

int cmd_dispatch(const sp_line *c)
{
    const sp_command *k;
    int rc;
    cmd_current = NULL;
    if (c->tok[0].quoted && cmd_find(c->tok[0].text))
        return cmd_usage(TR("a command's name is written without quotes: %s", "命令名不要加引号：%s"), c->tok[0].text);
    if (!c->tok[0].quoted && (!strcmp(c->tok[0].text, "import") || !strcmp(c->tok[0].text, "from")))
        return cmd_usage("%s", TR("Python's import has no place here: sockplay is the socket module, and each command is one of its calls",
                                  "这里不需要 Python 的 import：sockplay 本身就是 socket 模块，每条命令是它的一次调用"));
    if (c->tok[0].quoted && c->tok[0].bare > 0 && c->tok[0].bare < 40 && memchr(c->tok[0].text, '(', c->tok[0].bare))
        /* os.system("x"): the quotes are gone from the token, so show only what stood before them. */
        return cmd_usage(TR("unknown command '%.*s…' — a line of Python? sockplay's commands are words (`help` lists them); nothing was run",
                            "未知命令 '%.*s…' —— 这是一行 Python 吗？sockplay 的命令是单词（`help` 列出）；没有执行"),
                         (int)c->tok[0].bare, c->tok[0].text);
    if (c->tok[0].quoted || !(k = cmd_find(c->tok[0].text))) {
        char shown[64];
        snprintf(shown, sizeof shown, "%.*s", 40, c->tok[0].text);
        return cmd_usage(TR("unknown command '%s' (type `help` for the list)", "未知命令 '%s'（输入 `help` 查看列表）"), shown);
    }
    cmd_current = k;
    if (c->assign[0]) {
        if (!(k->flags & CMD_NAMES))
            return cmd_usage(TR("'%s' returns no socket, so '%s =' has nothing to name (socket and accept do)",
                            "'%s' 不返回套接字，'%s =' 无从命名（socket 和 accept 才返回）"), k->name, c->assign);
        if (cmd_find(c->assign))
            return cmd_usage(TR("'%s' cannot be a socket name (it is a command)", "'%s' 不能用作套接字名（它是命令）"), c->assign);
        if (jobs_name_pending(c->assign))
            return cmd_usage(TR("'%s' is promised to a background accept (see `jobs`): pick another name",
                            "'%s' 已预留给一个后台 accept（见 `jobs`）：请换一个名字"), c->assign);
    }
    if (c->background && !(k->flags & CMD_BG))
        return cmd_usage(TR("'&' is for calls that may block (accept connect send recv sendto recvfrom); %s returns at once",
                        "'&' 只用于可能阻塞的调用（accept connect send recv sendto recvfrom）；%s 会立即返回"), k->name);
    rc = k->run(c);
    cmd_current = NULL;
    return rc;
}
