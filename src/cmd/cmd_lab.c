/* cmd_lab.c — the lab's commands: `lab` prints its network (each LAN, each host's
 * interfaces with address, MAC and gateway, the switch's counts); `on HOST` makes the
 * sockets that follow on that host. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "cmd/cmd_args.h"
#include "cmd/cmd_table.h"
#include "core/place.h"
#include "lab/lab.h"
#include "lab/lab_net.h"
#include "lab/lab_switch.h"
#include "report/out.h"

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

int cmd_lab(const sp_line *c)
{
    const lab_topo *t = lab_net_topo();
    lab_switch_stats st;
    char a[INET_ADDRSTRLEN], lan[40], mac[24], cell[40];
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
