/* lesson.c — finding, listing and stepping through lessons, and the functions lessons use
 * (say, expect, wire_on, packets, lab_on, wait_for, pause). A lesson is an ordinary
 * script: the stepping is a listener on each call's BEGIN (core/call.h), so a lesson pauses
 * before exactly the calls a typed session would make — and where it calls pause(), before
 * a step that is no call (a held frame sent on, as the learner would type `next`). */
#include "lua/lesson.h"
#include <dirent.h>
#include <lauxlib.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/blocking.h"
#include "core/call.h"
#include "core/place.h"
#include "cli/lineedit.h"
#include "lab/lab_net.h"
#include "lab/lab_switch.h"
#include "lab/lab_topo.h"
#include "lua/luahost.h"
#include "report/out.h"
#include "report/report.h"
#include "report/wireview.h"
#include "teach/teach_ask.h"
#include "teach/teach_predict.h"
#include "teach/teach_report.h"
#include "wire/wire.h"

#include "config.h"   /* SP_LESSONS_DIR, from the Makefile's PREFIX */
#ifndef SP_LESSONS_DIR
#define SP_LESSONS_DIR "/usr/local/share/sockplay/lua_lessons"
#endif

static int checks, failures, stepping;
static int lab_used, lab_missing;   /* the lesson called lab_on(): in the course's lab, or not */
static char running[256];   /* the lesson running (its short name), for wire_on's hint */

/* A paragraph of the lesson, after a blank line, wrapped at the terminal's width. */
static void announce(const char *en, const char *zh)
{
    printf("\n");
    out_wrap(stdout, out_col(C_BOLD ";" C_GREEN), 0, TR(en, zh), out_col(C_RESET));
    fflush(stdout);
}

static int l_say(lua_State *L)
{
    const char *en = luaL_checkstring(L, 1);
    announce(en, luaL_optstring(L, 2, en));
    return 0;
}

static int l_expect(lua_State *L)
{
    const char *en = luaL_checkstring(L, 2), *zh = luaL_optstring(L, 3, en);
    checks++;
    char lead[64], line[2000];
    if (lua_toboolean(L, 1)) {
        snprintf(lead, sizeof lead, "%s✓ ", out_col(C_GREEN));
        out_wrap(stdout, lead, 2, TR(en, zh), out_col(C_RESET));
        return 0;
    }
    failures++;
    snprintf(lead, sizeof lead, "%s✗ ", out_col(C_BOLD ";" C_RED));
    snprintf(line, sizeof line, "%s %s", TR("the lesson expected:", "课程预期："), TR(en, zh));
    out_wrap(stdout, lead, 2, line, out_col(C_RESET));
    return luaL_error(L, "%s", TR("a step did not behave as the lesson says", "有一步的结果与课程所讲不符"));
}

/* wire_on(): the capture on for a lesson's packets part. true (and says so); or false,
 * after saying that the packets part is skipped, why, and what to type to see it. */
static int l_wire_on(lua_State *L)
{
    char err[600], cmd[300];
    if (wireview_set(1, err, sizeof err) == 0) {
        announce("The wire is on: the packets each call sends are shown under it, and the lesson checks them (✓ on the wire: …).",
                 "抓包已开启：每次调用发出的数据包显示在它下面，课程会检查它们（✓ 线路上：……）。");
        lua_pushboolean(L, 1);
        return 1;
    }
    snprintf(cmd, sizeof cmd, "sockplay --lab --lesson %s", running[0] ? running : "NAME");
    printf("\n%s", out_col(C_BOLD ";" C_YELLOW));
    printf(TR("The packets part of this lesson is skipped: this session may not capture packets. To see them under each call, and have them checked, run: %s",
              "本课的数据包部分已跳过：这个会话不能抓包。要在每次调用下面看到数据包并检查它们，请运行：%s"), cmd);
    printf("%s\n", out_col(C_RESET));
    printf("%s", out_col(C_DIM));
    out_wrap(stdout, "  ", 2, err, out_col(C_RESET));
    fflush(stdout);
    lua_pushboolean(L, 0);
    return 1;
}

/* Whether the lab is the course's network (sockplay --lab without a file): hosts A, B,
 * router R and D with their addresses, sockplay's switch between them. */
static int course_lab(void)
{
    const lab_topo *t = lab_net_topo();
    static lab_topo course;
    if (!t || !place_count() || !lab_switch_running()) return 0;
    lab_topo_default(&course);
    for (int i = 0; i < course.nhosts; i++) {
        const lab_host *want = &course.hosts[i], *h = lab_topo_host(t, want->name);
        if (!h || h->nifs != want->nifs) return 0;
        for (int k = 0; k < h->nifs; k++)
            if (h->ifs[k].addr.s_addr != want->ifs[k].addr.s_addr) return 0;
    }
    return 1;
}

/* No rule in the switch: every frame passes at once. */
static void switch_plain(void)
{
    lab_switch_hold(0);          /* releases whatever is held */
    lab_switch_loss(0);
    lab_switch_delay(0);
    lab_switch_dup(0);
    lab_switch_reorder(0);
}

/* lab_on(): for a lesson on the lab's hosts. In the course's lab (sockplay --lab): clears
 * the switch's rules (and again when the lesson ends), turns the wire on, says so, returns
 * true. Elsewhere: says that the lesson needs the lab and what to type, returns false (the
 * lesson then ends, and passes: it showed nothing it could check). */
static int l_lab_on(lua_State *L)
{
    char err[600];
    if (!course_lab()) {
        lab_missing = 1;
        printf("\n%s", out_col(C_BOLD ";" C_YELLOW));
        printf(TR("This lesson needs the course's network — hosts A and B, router R, host D, with sockplay as the switch between them. Run: sockplay --lab --lesson %s",
                  "本课需要课程里的网络 —— 主机 A、B，路由器 R，主机 D，由 sockplay 充当它们之间的交换机。请运行：sockplay --lab --lesson %s"),
               running[0] ? running : "NAME");
        printf("%s\n", out_col(C_RESET));
        fflush(stdout);
        lua_pushboolean(L, 0);
        return 1;
    }
    lab_used = 1;
    lab_switch_rules_text(err, sizeof err);
    if (err[0]) {
        char note[700];
        snprintf(note, sizeof note, TR("The switch's rules (%s) are off for this lesson.", "交换机的规则（%s）在本课中关闭。"), err);
        printf("%s", out_col(C_DIM));
        out_wrap(stdout, "", 0, note, out_col(C_RESET));
    }
    switch_plain();
    if (wireview_set(1, err, sizeof err) < 0) return luaL_error(L, "%s", err);
    announce("The lab: A 192.168.1.103 and B 192.168.1.104 on 192.168.1.0/24, router R (192.168.1.1 / 10.0.0.1), D 10.0.0.2 on 10.0.0.0/24. Every frame passes through sockplay's switch: it is shown under each call, and the lesson checks it (✓ on the wire: …).",
             "实验网络：A 192.168.1.103 和 B 192.168.1.104 在 192.168.1.0/24 上，路由器 R（192.168.1.1 / 10.0.0.1），D 10.0.0.2 在 10.0.0.0/24 上。每一帧都经过 sockplay 的交换机：显示在每次调用下面，课程会检查它（✓ 线路上：……）。");
    lua_pushboolean(L, 1);
    return 1;
}

/* wait_for(fn [, seconds]): calls fn until it returns a true value, for at most seconds
 * (default 3, at most 60); between tries it sleeps a few ms, waking for a frame, and shows
 * the frames that came (as the prompt does). Returns fn's value, or false when the time ran
 * out — for a lesson that waits on the network's timing, bounded. */
static int l_wait_for(lua_State *L)
{
    double limit = luaL_optnumber(L, 2, 3), until;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_argcheck(L, limit >= 0 && limit <= 60, 2, "seconds from 0 to 60");
    until = blocking_now() + limit;
    for (;;) {
        wireview_collect();          /* the frames that came show before what fn finds */
        lua_settop(L, 2);
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_toboolean(L, -1)) return 1;
        if (blocking_now() >= until || blocking_sigint) break;
        {
            struct pollfd pf = {wireview_fd(), POLLIN, 0};   /* fd -1: poll only sleeps */
            poll(&pf, 1, 5);
        }
    }
    lua_pushboolean(L, 0);
    return 1;
}

/* pause([en [, zh]]): when the lesson is stepping, waits for Enter as before a call,
 * saying what comes ("next: the SYN goes on to B"); otherwise does nothing. For a step
 * that is no socket call: sending a held frame on (socket.next). */
static int l_pause(lua_State *L)
{
    const char *en = luaL_optstring(L, 1, "next"), *zh = luaL_optstring(L, 2, en);
    size_t len;
    char *line;
    if (!stepping) return 0;
    wireview_collect();
    printf("%s   ⏎ %s — %s%s", out_col(C_DIM), TR(en, zh), TR("press Enter", "按回车继续"), out_col(C_RESET));
    fflush(stdout);
    line = lineedit_plain_read(NULL, &len);
    if (!line) { stepping = 0; printf("\n"); return 0; }   /* input ended: run straight through */
    free(line);
    return 0;
}

/* Whether the packet field pv matches the wanted value v (at stack indexes): a number for
 * from/to is a port ("127.0.0.1:7788" matches 7788); a table matches any of its values. */
static int field_ok(lua_State *L, const char *key, int v, int pv)
{
    if (lua_type(L, v) == LUA_TTABLE) {
        int ok = 0;
        for (lua_Integer i = 1, n = luaL_len(L, v); i <= n && !ok; i++) {
            lua_geti(L, v, i);
            ok = field_ok(L, key, lua_gettop(L), pv);
            lua_pop(L, 1);
        }
        return ok;
    }
    if (lua_type(L, v) == LUA_TNUMBER && lua_type(L, pv) == LUA_TSTRING && key && (!strcmp(key, "from") || !strcmp(key, "to"))) {
        const char *end = strrchr(lua_tostring(L, pv), ':');
        return end && lua_isinteger(L, v) && strtoll(end + 1, NULL, 10) == lua_tointeger(L, v);
    }
    return lua_compare(L, v, pv, LUA_OPEQ);
}

/* The entries of socket.FN() (oldest first) that match every field of the table at index
 * 1 (field_ok). */
static int select_from(lua_State *L, const char *fn)
{
    lua_Integer n, found = 0;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_getglobal(L, "socket");
    if (lua_getfield(L, 2, fn) != LUA_TFUNCTION) return luaL_error(L, "socket.%s is missing", fn);
    lua_call(L, 0, 1);                  /* 3: every entry */
    if (!lua_istable(L, 3)) return luaL_error(L, "socket.%s() gave no table", fn);
    lua_newtable(L);                    /* 4: the ones that match */
    n = luaL_len(L, 3);
    for (lua_Integer i = 1; i <= n; i++) {
        int ok = 1;
        lua_geti(L, 3, i);              /* 5: the entry */
        lua_pushnil(L);
        while (ok && lua_next(L, 1)) {  /* 6: key, 7: wanted value */
            lua_pushvalue(L, 6);
            lua_gettable(L, 5);         /* 8: the entry's value */
            ok = field_ok(L, lua_type(L, 6) == LUA_TSTRING ? lua_tostring(L, 6) : NULL, 7, 8);
            lua_pop(L, ok ? 2 : 3);
        }
        if (ok) lua_seti(L, 4, ++found);
        else lua_pop(L, 1);
    }
    return 1;
}

/* packets{field = value, …}: the packets captured so far (socket.packets()) that match:
 * #packets{flags = "SYN", to = port}. */
static int l_packets(lua_State *L) { return select_from(L, "packets"); }
/* calls{kind = "bind", port = 8080, ok = true}: the session's calls (socket.log()). */
static int l_calls(lua_State *L) { return select_from(L, "log"); }
/* sockets{type = "udp", port = 8080}: the kernel's rows of the session (socket.sockets()). */
static int l_sockets(lua_State *L) { return select_from(L, "sockets"); }

/* tr(en, zh): the text in the session's language. */
static int l_tr(lua_State *L)
{
    const char *en = luaL_checkstring(L, 1), *zh = luaL_optstring(L, 2, en);
    lua_pushstring(L, TR(en, zh));
    return 1;
}

int lesson_text(lua_State *L, int v, const char **en, const char **zh)
{
    v = lua_absindex(L, v);
    *en = *zh = NULL;
    if (lua_type(L, v) == LUA_TSTRING) *en = *zh = lua_tostring(L, v);
    else if (lua_type(L, v) == LUA_TTABLE) {
        /* The strings stay alive in the table: the pointers hold while it does. */
        if (lua_rawgeti(L, v, 1) == LUA_TSTRING) *en = lua_tostring(L, -1);
        *zh = lua_rawgeti(L, v, 2) == LUA_TSTRING ? lua_tostring(L, -1) : *en;
        lua_pop(L, 2);
    }
    return *en ? 0 : -1;
}

/* t[field] as {en, zh} (or a string for both): into *en, *zh (pointers into Lua's strings,
 * valid while t is on the stack: teach_ask copies them). */
static void pair(lua_State *L, int t, const char *field, const char **en, const char **zh, int required)
{
    lua_getfield(L, t, field);
    if (lesson_text(L, -1, en, zh) < 0 && required) luaL_error(L, "ask{}: '%s' must be {\"English\", \"中文\"}", field);
    lua_pop(L, 1);
}

/* ask{id=, q={en, zh}, choices={{en, zh}, …}, answer=N, why={en, zh}, concept={en, zh}
 * [, call="bind"]}: a checkpoint before the next call (or the next call of that kind),
 * teach/teach_ask.h. With predict="returns b''" instead of choices and answer, the learner
 * answers in predict's words, and the call judges it. */
static int l_ask(lua_State *L)
{
    teach_question q;
    const char *id, *en = NULL, *zh = NULL;
    memset(&q, 0, sizeof q);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "id");
    id = luaL_checkstring(L, -1);
    snprintf(q.id, sizeof q.id, "%s", id);
    lua_pop(L, 1);
    pair(L, 1, "q", &en, &zh, 1);
    q.q_en = (char *)en; q.q_zh = (char *)zh;
    pair(L, 1, "why", &en, &zh, 1);
    q.why_en = (char *)en; q.why_zh = (char *)zh;
    en = zh = NULL;
    pair(L, 1, "concept", &en, &zh, 0);
    q.concept_en = (char *)en; q.concept_zh = (char *)zh;
    lua_getfield(L, 1, "call");
    if (lua_isstring(L, -1)) snprintf(q.call, sizeof q.call, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, 1, "predict");
    if (lua_isstring(L, -1)) {               /* answered in predict's words, judged by the call */
        prediction p;
        char err[300];
        snprintf(q.predict, sizeof q.predict, "%s", lua_tostring(L, -1));
        if (predict_text(q.predict, &p, err, sizeof err) < 0) return luaL_error(L, "ask{}: predict = \"%s\": %s", q.predict, err);
        teach_ask(&q);
        return 0;
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "choices");
    luaL_checktype(L, -1, LUA_TTABLE);
    q.nchoices = (int)luaL_len(L, -1);
    if (q.nchoices < 2 || q.nchoices > TEACH_CHOICES) return luaL_error(L, "ask{}: 2 to %d choices", TEACH_CHOICES);
    for (int i = 0; i < q.nchoices; i++) {
        lua_rawgeti(L, -1, i + 1);
        lua_pushvalue(L, -1);
        lua_setfield(L, 1, "_choice");       /* pair() reads a field of the table */
        lua_pop(L, 1);
        pair(L, 1, "_choice", &en, &zh, 1);
        q.choice_en[i] = (char *)en; q.choice_zh[i] = (char *)zh;
    }
    lua_getfield(L, 1, "answer");
    q.key = (int)luaL_checkinteger(L, -1);
    if (q.key < 1 || q.key > q.nchoices) return luaL_error(L, "ask{}: answer must be 1 to %d", q.nchoices);
    teach_ask(&q);
    return 0;
}

/* stepper(): the frames the switch holds from now on, stepped as a learner types `next` —
 * s.sent (how many went on), s.is(p, want) (p has every field of want), s.held(i) (the i-th
 * held, waiting up to 3 s), s.waiting(want) (the next held like want, not sent on),
 * s.send_on(want, en, zh) (after a pause saying en/zh, frames go on until one like want has:
 * a kernel's retransmission on a busy machine goes on too; 8 at most). In Lua: it is the
 * lessons' own language, and they read packets{} as tables. */
static const char stepper_lua[] =
    "return function()\n"
    "  local s = {sent = #packets{action = 'held'}}\n"
    "  function s.is(p, want) for k, v in pairs(want) do if p[k] ~= v then return false end end return true end\n"
    "  function s.held(i) return wait_for(function() return packets{action = 'held'}[i] end, 3) end\n"
    "  function s.waiting(want)\n"
    "    return wait_for(function()\n"
    "      local all = packets{action = 'held'}\n"
    "      for i = s.sent + 1, #all do if s.is(all[i], want) then return all[i] end end\n"
    "    end, 3)\n"
    "  end\n"
    "  function s.send_on(want, en, zh)\n"
    "    if en then pause(en, zh) end\n"
    "    for _ = 1, 8 do\n"
    "      local p = s.held(s.sent + 1)\n"
    "      if not p then return nil end\n"
    "      socket.next()\n"
    "      s.sent = s.sent + 1\n"
    "      if s.is(p, want) then return p end\n"
    "    end\n"
    "  end\n"
    "  return s\n"
    "end\n";

void lesson_open(lua_State *L)
{
    if (luaL_loadstring(L, stepper_lua) == LUA_OK && lua_pcall(L, 0, 1, 0) == LUA_OK) lua_setglobal(L, "stepper");
    else lua_pop(L, 1);     /* cannot fail but for memory: lessons that step then say stepper is nil */
    lua_register(L, "ask", l_ask);
    lua_register(L, "say", l_say);
    lua_register(L, "expect", l_expect);
    lua_register(L, "wire_on", l_wire_on);
    lua_register(L, "packets", l_packets);
    lua_register(L, "calls", l_calls);
    lua_register(L, "sockets", l_sockets);
    lua_register(L, "tr", l_tr);
    lua_register(L, "lab_on", l_lab_on);
    lua_register(L, "wait_for", l_wait_for);
    lua_register(L, "pause", l_pause);
}

static void pause_before(call_event ev, const sp_call *c)
{
    size_t len;
    char *line;
    if (ev != CALL_BEGIN || !stepping) return;
    /* A call made with socket.trace(false) shows nothing: no pause before it either (the
     * quiet loops of nagle_delayed_ack would ask for Enter ~80 times, and time the wait). */
    if (!report_set(REPORT_TRACE, -1)) return;
    printf("%s   ⏎ %s() — %s%s", out_col(C_DIM), call_kinds[c->kind].name, TR("press Enter", "按回车继续"), out_col(C_RESET));
    fflush(stdout);
    line = lineedit_plain_read(NULL, &len);
    if (!line) { stepping = 0; printf("\n"); return; }   /* input ended: run straight through */
    free(line);
}

static const char *lessons_root(void)
{
    static char dir[PATH_MAX];
    const char *env = getenv("SOCKPLAY_LESSONS");
    ssize_t n;
    if (env && *env) return env;
    /* Next to the binary (a build tree), then BIN/../share/sockplay (an install, also one
     * staged with DESTDIR or moved), then where make install put them. */
    n = readlink("/proc/self/exe", dir, sizeof dir - 64);
    if (n > 0) {
        char *slash;
        dir[n] = '\0';
        if ((slash = strrchr(dir, '/')) != NULL) {
            strcpy(slash, "/lua_lessons");
            if (access(dir, R_OK) == 0) return dir;
            strcpy(slash, "/../share/sockplay/lua_lessons");
            if (access(dir, R_OK) == 0) return dir;
        }
    }
    return SP_LESSONS_DIR;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }
static int is_lesson(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".lua") == 0 && e->d_name[0] != '.';
}

void lesson_short_name(const char *file, char *out, size_t n)
{
    const char *p = file;
    while (*p >= '0' && *p <= '9') p++;
    p = (*p == '_' && p > file) ? p + 1 : file;
    snprintf(out, n, "%.*s", (int)(strlen(p) - 4), p);
}

static void summary(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    char line[512], key[32];
    snprintf(out, n, "%s", "");
    if (!f) return;
    snprintf(key, sizeof key, "-- summary.%s: ", out_lang == LANG_ZH ? "zh" : "en");
    while (fgets(line, sizeof line, f) && strncmp(line, "--", 2) == 0) {
        if (strncmp(line, key, strlen(key)) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, n, "%s", line + strlen(key));
            break;
        }
    }
    fclose(f);
}

/* The lessons' folder, or its subfolder sub ("exercises"; "" for the lessons). */
static const char *lessons_dir(const char *sub)
{
    static char dir[PATH_MAX + 64];
    if (strlen(sub) > 32) sub = "?";
    snprintf(dir, sizeof dir, "%.*s%s%s", PATH_MAX - 1, lessons_root(), *sub ? "/" : "", sub);
    return dir;
}

int lesson_each(const char *sub, int (*fn)(const char *path, const char *name, void *arg), void *arg)
{
    struct dirent **list;
    const char *dir = lessons_dir(sub);
    int k = scandir(dir, &list, is_lesson, by_name), rc = 0;
    if (k < 0) return -1;
    for (int i = 0; i < k; i++) {
        char path[PATH_MAX], name[256];
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        lesson_short_name(list[i]->d_name, name, sizeof name);
        if (!rc) rc = fn(path, name, arg);
        free(list[i]);
    }
    free(list);
    return rc;
}

/* One line of a list: the name (▶ the one going on) and the summary wrapped under itself. */
struct listing {
    const char *heading, *mark;
    int lines;
};
static int list_one(const char *path, const char *name, void *arg)
{
    struct listing *l = arg;
    char sum[400], lead[400];
    if (!l->lines++) printf("%s\n", l->heading);
    summary(path, sum, sizeof sum);
    snprintf(lead, sizeof lead, "%s %s%-24s%s ", l->mark && !strcmp(l->mark, name) ? "▶" : " ", out_col(C_BOLD), name, out_col(C_RESET));
    out_wrap(stdout, lead, 27, sum, "");
    return 0;
}

int lesson_list_in(const char *sub, const char *heading, const char *mark)
{
    struct listing l = {heading, mark, 0};
    if (lesson_each(sub, list_one, &l) < 0) {
        printf(TR("sockplay: nothing found in %s (set SOCKPLAY_LESSONS)\n", "sockplay：在 %s 中没有找到内容（可设置 SOCKPLAY_LESSONS）\n"), lessons_dir(sub));
        return -1;
    }
    return 0;
}

int lesson_list(void)
{
    return lesson_list_in("", TR("Lessons (sockplay --lesson NAME, or `lesson NAME` at the prompt):",
                                 "课程列表（sockplay --lesson 名称，或在提示符下输入 `lesson 名称`）："), NULL);
}

/* The file asked for: by its short name, or by its file name without ".lua". */
struct wanted {
    const char *name;
    char *path;
    size_t n;
};
static int find_one(const char *path, const char *name, void *arg)
{
    struct wanted *w = arg;
    const char *file = strrchr(path, '/') + 1;
    if (strcmp(w->name, name) && !(strlen(file) == strlen(w->name) + 4 && !strncmp(file, w->name, strlen(w->name)))) return 0;
    snprintf(w->path, w->n, "%s", path);
    return 1;
}

int lesson_find(const char *sub, const char *name, char *path, size_t n)
{
    struct wanted w = {name, path, n};
    return lesson_each(sub, find_one, &w) == 1 ? 0 : -1;
}

int lesson_run(const char *name, int step)
{
    char path[PATH_MAX];
    int rc;
    char *argv[1];
    int explained = report_set(REPORT_EXPLAIN, -1), wired = wire_is_open(), place = place_current;
    static int listening;
    if (lesson_find("", name, path, sizeof path) < 0) {
        printf(TR("sockplay: no lesson '%s' (sockplay --lessons lists them)\n", "sockplay：没有课程 '%s'（sockplay --lessons 可列出全部）\n"), name);
        return -1;
    }
    checks = failures = 0;
    lab_used = lab_missing = 0;
    stepping = step;
    lesson_short_name(strrchr(path, '/') + 1, running, sizeof running);
    if (!listening) call_listen(pause_before, 1);
    listening = 1;
    call_listener_on(pause_before, step);
    report_set(REPORT_EXPLAIN, 1);   /* a lesson shows each call in C and in the course's Python too */
    argv[0] = (char *)name;
    teach_lesson_begin(running);
    rc = luahost_run_file(path, 0, argv);
    teach_lesson_end();
    teach_report_save(running, rc == 0 && failures == 0);
    report_set(REPORT_EXPLAIN, explained);
    running[0] = '\0';
    if (lab_used && lab_switch_running()) switch_plain();   /* also after a failure: nothing stays held */
    place_current = place;                                  /* socket.host() moved it for the lesson only */
    if (!wired && wire_is_open()) {     /* the lesson turned the wire on (wire_on): off again */
        char err[600];
        wireview_set(0, err, sizeof err);
    }
    call_listener_on(pause_before, 0);
    stepping = 0;
    if (rc == 0 && failures == 0 && lab_missing && !lab_used && checks == 0)
        printf("\n%s%s %s: %s%s\n", out_col(C_BOLD ";" C_YELLOW), TR("lesson", "课程"), name,
               TR("not run here — it needs the lab (sockplay --lab)", "没有在这里运行 —— 它需要实验网络（sockplay --lab）"), out_col(C_RESET));
    else if (rc == 0 && failures == 0)
        printf("\n%s%s %s: %d %s%s\n", out_col(C_BOLD ";" C_GREEN), TR("lesson", "课程"), name, checks, TR("checks passed", "项检查全部通过"), out_col(C_RESET));
    else
        printf("\n%s%s %s %s%s\n", out_col(C_BOLD ";" C_RED), TR("lesson", "课程"), name, TR("did not finish as expected", "没有按预期完成"), out_col(C_RESET));
    fflush(stdout);
    return rc == 0 && failures == 0 ? 0 : -1;
}
