/* cmd_lab.c — the lab's commands: `lab` prints its network (each LAN, each host's
 * interfaces with address, MAC and gateway, the switch's counts); `on HOST` makes the
 * sockets that follow on that host; `wire hold|go|next|drop|loss|delay|dup|reorder|mac`
 * and `next` set the switch's rules. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "cmd/cmd_args.h"
#include "cmd/cmd_table.h"
#include "core/place.h"
#include "lab/lab.h"
#include "lab/lab_net.h"
#include "lab/lab_switch.h"
#include "lang/parse.h"
#include "report/out.h"
#include "report/wiredraw.h"
#include "report/wireview.h"
#include "wire/wire.h"

/* Says that there is no lab network here, and how to get one. */
static int no_lab(void)
{
    if (lab_in())
        return cmd_usage("%s", TR("this session joined the lab: its hosts are in the lab's own terminal (`lab` there); "
                                  "`sockplay --join B` opens a prompt on host B",
                                  "本会话是加入实验室的：主机列表在实验室自己的终端里（在那里输入 `lab`）；"
                                  "`sockplay --join B` 在主机 B 上打开提示符"));
    return cmd_usage("%s", TR("no lab here: `sockplay --lab` starts a session with hosts A, B, D and a router R, without root",
                              "这里没有实验室：`sockplay --lab` 启动一个带主机 A、B、D 和路由器 R 的会话，不需要 root"));
}

/* `lab add host NAME ADDR/N [gateway ADDR]`: one more host, on the switch at once. */
static int lab_add(const sp_line *c)
{
    char line[300] = "", err[600];
    size_t at = 0;
    for (int i = 2; i < c->ntok && at < sizeof line; i++)
        at += (size_t)snprintf(line + at, sizeof line - at, "%s%s", i > 2 ? " " : "", cmd_arg(c, i));
    if (c->ntok < 3 || strcmp(cmd_arg(c, 2), "host"))
        return cmd_usage("%s", TR("lab add host NAME ADDR/N [gateway ADDR], e.g. lab add host E 192.168.1.105/24",
                                  "lab add host 名字 地址/前缀 [gateway 地址]，例如 lab add host E 192.168.1.105/24"));
    if (lab_net_add(line, err, sizeof err) < 0 || lab_switch_add_ports(err, sizeof err) < 0) return cmd_usage("%s", err);
    lab_hosts_changed();
    printf(TR("lab: host %s added; `lab` shows it, `on %s` makes sockets there\n", "实验室：已添加主机 %s；`lab` 可以看到它，`on %s` 在它上面创建套接字\n"),
           cmd_arg(c, 3), cmd_arg(c, 3));
    return CMD_OK;
}

int cmd_lab(const sp_line *c)
{
    const lab_topo *t = lab_net_topo();
    lab_switch_stats st;
    char a[INET_ADDRSTRLEN], lan[40], mac[24], cell[40];
    if (c->ntok > 1 && !strcmp(cmd_arg(c, 1), "add")) {
        if (!t) return no_lab();
        return lab_add(c);
    }
    if (cmd_nargs(c, 0, 0, "") < 0) return CMD_FAIL;
    if (!t) return no_lab();
    int nw = 0;
    for (int h = 0; h < t->nhosts; h++)
        if ((int)strlen(t->hosts[h].name) > nw) nw = (int)strlen(t->hosts[h].name);
    lab_switch_stats_get(&st);
    if (lab_net_bridged())
        printf(TR("lab: %d hosts on %d LANs; the kernel's bridge joins them (SOCKPLAY_LAB_SWITCH=bridge)\n",
                  "实验室：%d 台主机，%d 个局域网；由内核的网桥连接（SOCKPLAY_LAB_SWITCH=bridge）\n"), t->nhosts, t->nlans);
    else
        printf(TR("lab: %d hosts on %d LANs; sockplay is the switch (%lu frames: %lu forwarded, %lu flooded)\n",
                  "实验室：%d 台主机，%d 个局域网；sockplay 就是交换机（%lu 帧：转发 %lu，泛洪 %lu）\n"),
               t->nhosts, t->nlans, st.frames, st.forwarded, st.flooded);
    for (int l = 0; l < t->nlans; l++) {
        lab_topo_lan_text(t, l, lan, sizeof lan);
        printf("  %s%s %s%s\n", out_col(C_BOLD), TR("LAN", "局域网"), lan, out_col(C_RESET));
        for (int h = 0; h < t->nhosts; h++)
            for (int i = 0; i < t->hosts[h].nifs; i++) {
                const lab_host *x = &t->hosts[h];
                const lab_if *f = &x->ifs[i];
                if (f->lan != l) continue;
                inet_ntop(AF_INET, &f->addr, a, sizeof a);
                snprintf(cell, sizeof cell, "%s/%d", a, f->prefix);
                lab_topo_mac_text(f->mac, mac, sizeof mac);
                printf("    %-*s  %-4s  %-18s  %s  ", nw, x->name, f->name, cell, mac);
                if (x->router) printf("%s", TR("router (forwards between its LANs)", "路由器（在它的局域网之间转发）"));
                else if (x->gateway.s_addr) {
                    inet_ntop(AF_INET, &x->gateway, a, sizeof a);
                    printf(TR("gateway %s", "网关 %s"), a);
                } else printf("%s", TR("no gateway", "没有网关"));
                printf("\n");
            }
    }
    printf("%s", out_col(C_DIM));
    out_wrap(stdout, "  ", 2,
             TR("`on A` makes the next sockets on host A (the prompt shows where); `B: CMD` runs one line on B; "
                "`on lab` is sockplay's own network (127.0.0.1 only). Another terminal: `sockplay --join B`.",
                "`on A` 之后创建的套接字都在主机 A 上（提示符显示当前主机）；`B: 命令` 在 B 上执行一行；"
                "`on lab` 是 sockplay 自己的网络（只有 127.0.0.1）。另一个终端：`sockplay --join B`。"),
             out_col(C_RESET));
    return CMD_OK;
}

int cmd_on(const sp_line *c)
{
    int p;
    if (cmd_nargs(c, 0, 1, "") < 0) return CMD_FAIL;
    if (!place_count()) return no_lab();
    if (c->ntok == 1) {
        printf(TR("on %s: new sockets are made there\n", "在 %s 上：新的套接字建在那里\n"), place_name(place_current));
        return CMD_OK;
    }
    if ((p = place_find(cmd_arg(c, 1))) == -2) {
        char names[LAB_HOSTS * (LAB_NAME_MAX + 2) + 8] = "";
        for (int h = 0; h < place_count(); h++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s, ", place_name(h));
        return cmd_usage(TR("no host '%s' in the lab: %slab", "实验室里没有主机 '%s'：%slab"), cmd_arg(c, 1), names);
    }
    place_current = p;
    printf(TR("on %s: new sockets are made there\n", "在 %s 上：新的套接字建在那里\n"), place_name(p));
    return CMD_OK;
}

/* --- the switch's rules: `wire hold|go|next|drop|loss|delay|dup|reorder|mac` -------------- */

enum { R_HOLD, R_GO, R_NEXT, R_DROP, R_LOSS, R_DELAY, R_DUP, R_REORDER, R_MAC };
const sp_word cmd_wire_rule_words[] = {
    {"hold", R_HOLD, 0, 0}, {"go", R_GO, 0, 0},           {"next", R_NEXT, 0, 0},       {"drop", R_DROP, 0, 0},
    {"loss", R_LOSS, 0, 0}, {"delay", R_DELAY, 0, 0},     {"dup", R_DUP, 0, 0},         {"reorder", R_REORDER, 0, 0},
    {"mac", R_MAC, 0, 0},   {NULL, 0, 0, 0},
};

/* Turns the wire view on (the switch's doings are seen there); 0, or -1 after saying why. */
static int view_on(void)
{
    char err[600];
    if (wire_is_open()) return 0;
    if (wireview_set(1, err, sizeof err) < 0) {
        out_wrap(stdout, "", 2, err, "");
        return -1;
    }
    out_wrap(stdout, "", 2, TR("wire on: every frame the switch handles is shown, and what it did with it",
                               "wire 已打开：显示交换机处理的每一帧，以及它做了什么"), "");
    return 0;
}

/* Sends on n held frames (n < 0: all) and says so. */
static int release(int n)
{
    int held = lab_switch_held();
    if (!held) {
        out_wrap(stdout, "", 2, TR("nothing is held in the switch (`wire hold` holds every frame that comes)",
                                   "交换机里没有扣住的帧（`wire hold` 会扣住之后的每一帧）"), "");
        return CMD_OK;
    }
    lab_switch_release(n);
    if (n < 0 || n > held) n = held;
    printf(TR("next: %d frame(s) sent on, %d still held\n", "next：放行 %d 帧，还扣着 %d 帧\n"), n, held - n);
    return CMD_OK;
}

/* A number from lo to hi, with an optional suffix ("20%", "200ms"); -1 after cmd_usage. */
static int number(const char *w, const char *suffix, int lo, int hi, const char *what, int *v)
{
    char buf[32], err[200];
    long n;
    size_t len = w ? strlen(w) : 0, sl = strlen(suffix);
    if (!w) return cmd_usage(TR("%s: a number from %d to %d", "%s：%d 到 %d 之间的数"), what, lo, hi);
    snprintf(buf, sizeof buf, "%s", w);
    if (sl && len > sl && !strcmp(buf + len - sl, suffix)) buf[len - sl] = 0;
    if (parse_int(buf, lo, hi, what, &n, err, sizeof err) < 0) return cmd_usage("%s", err);
    *v = (int)n;
    return 0;
}

int cmd_wire_rule(const sp_line *c)
{
    const sp_word *r = words_find(cmd_wire_rule_words, cmd_arg(c, 1));
    const lab_topo *t = lab_net_topo();
    char text[200], err[300];
    int v = 0;
    if (r->value == R_MAC) {
        if (cmd_nargs(c, 1, 2, "") < 0 || (c->ntok == 3 && cmd_on_off(cmd_arg(c, 2), &v) < 0)) return CMD_FAIL;
        wiredraw_macs = c->ntok == 3 ? v : !wiredraw_macs;
        printf("%s\n", wiredraw_macs ? TR("wire mac on: each frame shows its MAC addresses (from → to)", "wire mac 已打开：每帧显示它的 MAC 地址（源 → 目的）")
                                     : TR("wire mac off", "wire mac 已关闭"));
        return CMD_OK;
    }
    if (!t || !lab_switch_running()) {
        if (t) return cmd_usage("%s", TR("the kernel's bridge joins this lab (SOCKPLAY_LAB_SWITCH=bridge): it has no rules",
                                         "这个实验室由内核网桥连接（SOCKPLAY_LAB_SWITCH=bridge）：没有规则可设"));
        return no_lab();
    }
    switch (r->value) {
    case R_HOLD:
        if (cmd_nargs(c, 1, 1, "") < 0 || view_on() < 0) return CMD_FAIL;
        lab_switch_hold(1);
        out_wrap(stdout, "", 2, TR("wire hold: every frame waits in the switch — `next` (or Enter) sends one on, `next N` N, "
                                   "`wire go` all. A call waits meanwhile: end it with & to keep the prompt (connect c … &)",
                                   "wire hold：每一帧都扣在交换机里 —— `next`（或回车）放行一帧，`next N` 放行 N 帧，`wire go` 全部放行。"
                                   "调用会一直等待：在命令后加 & 可以保留提示符（connect c … &）"), "");
        return CMD_OK;
    case R_GO:
        if (cmd_nargs(c, 1, 1, "") < 0) return CMD_FAIL;
        v = lab_switch_held();
        lab_switch_hold(0);
        printf(TR("wire go: %d held frame(s) sent on; frames pass again\n", "wire go：放行扣住的 %d 帧；之后的帧直接通过\n"), v);
        return CMD_OK;
    case R_NEXT:
        v = 1;
        if (cmd_nargs(c, 1, 2, "") < 0 || (c->ntok == 3 && number(cmd_arg(c, 2), "", 1, 100000, "N", &v) < 0)) return CMD_FAIL;
        return release(v);
    case R_DROP: {
        lab_filter f;
        char *words[8];
        int n = 0;
        if (c->ntok < 3 || strcmp(cmd_arg(c, 2), "next"))
            return cmd_usage("%s", TR("wire drop next [syn|syn+ack|fin|rst|ack|data|tcp|udp|icmp|arp] [from HOST] [to HOST]",
                                      "wire drop next [syn|syn+ack|fin|rst|ack|data|tcp|udp|icmp|arp] [from 主机] [to 主机]"));
        for (int i = 3; i < c->ntok && n < 8; i++) words[n++] = (char *)cmd_arg(c, i);
        if (lab_filter_parse(t, words, n, &f, err, sizeof err) < 0) return cmd_usage("%s", err);
        if (view_on() < 0) return CMD_FAIL;
        lab_switch_drop_next(&f);
        lab_filter_text(t, &f, text, sizeof text);
        printf(TR("wire drop next: the next frame matching \"%s\" will be dropped\n", "wire drop next：下一个符合“%s”的帧会被丢弃\n"), text);
        return CMD_OK;
    }
    case R_LOSS:
        if (cmd_nargs(c, 2, 2, "P%") < 0 || number(cmd_arg(c, 2), "%", 0, 100, "P", &v) < 0) return CMD_FAIL;
        if (v && view_on() < 0) return CMD_FAIL;
        lab_switch_loss(v);
        printf(TR("wire loss %d%%: each frame is lost with a chance of %d in 100\n", "wire loss %d%%：每一帧都有 %d%% 的机会丢失\n"), v, v);
        return CMD_OK;
    case R_DELAY:
        if (cmd_nargs(c, 2, 2, "MS") < 0 || number(cmd_arg(c, 2), "ms", 0, 10000, "MS", &v) < 0) return CMD_FAIL;
        if (v && view_on() < 0) return CMD_FAIL;
        lab_switch_delay(v);
        printf(TR("wire delay %d ms: each frame leaves the switch %d ms after it came\n", "wire delay %d ms：每一帧到达交换机 %d 毫秒后才发出\n"), v, v);
        return CMD_OK;
    case R_DUP:
    case R_REORDER:
        v = 1;
        if (cmd_nargs(c, 1, 2, "") < 0 || (c->ntok == 3 && cmd_on_off(cmd_arg(c, 2), &v) < 0)) return CMD_FAIL;
        if (v && view_on() < 0) return CMD_FAIL;
        if (r->value == R_DUP) lab_switch_dup(v);
        else lab_switch_reorder(v);
        printf("%s\n", r->value == R_DUP ? (v ? TR("wire dup: each frame is sent twice", "wire dup：每一帧都发送两次") : TR("wire dup off", "wire dup 已关闭"))
                                         : (v ? TR("wire reorder: each frame is kept back until the next one has passed it",
                                                   "wire reorder：每一帧都被留后，等下一帧先过去")
                                              : TR("wire reorder off", "wire reorder 已关闭")));
        return CMD_OK;
    }
    return CMD_FAIL;
}

int cmd_next(const sp_line *c)
{
    int v = 1;
    if (cmd_nargs(c, 0, 1, "") < 0 || (c->ntok == 2 && number(cmd_arg(c, 1), "", 1, 100000, "N", &v) < 0)) return CMD_FAIL;
    if (!lab_switch_running()) return no_lab();
    return release(v);
}

/* The rules in force, for `wire` and `lab` ("" none). */
void cmd_lab_rules(char *buf, size_t n)
{
    if (lab_switch_running()) lab_switch_rules_text(buf, n);
    else if (n) buf[0] = 0;
}
