/* exercise.c — exercises: a lesson without steps. The file (lua_lessons/exercises/) gives a
 * task and checks, and the learner does the task at the prompt, in commands, the course's
 * Python or Lua; the checks read the session's log and the kernel's table (calls{},
 * sockets{}, lua/lsession.c), each marked ✓ as it is met and all listed by `check`. When
 * all are met the exercise is done; --report then keeps which were met and when.
 *
 *   exercise{task = {en, zh}, peer = {en, zh},
 *            checks = {{"id", {en, zh}, function() return met [, why not, or a note] end}, …},
 *            solution = {"line as typed", …}}       -- what --auto types */
#include "lua/exercise.h"
#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/blocking.h"
#include "lua/lesson.h"
#include "lua/luahost.h"
#include "lua/lsession.h"
#include "core/log.h"
#include "report/out.h"
#include "teach/teach_ask.h"
#include "teach/teach_report.h"

#define MAX_CHECKS 16
#define EX_KEY "sockplay.exercise"    /* the registry's field holding the exercise's table */

typedef struct {
    char id[48];
    int met;                  /* as last evaluated */
    double first_met;         /* seconds from the start to when it was first met; -1 never */
} check_state;

static char name[128];        /* "": no exercise */
static check_state checks[MAX_CHECKS];
static int nchecks, done, reported;
static unsigned long seen_calls;  /* log_total() when the checks were last evaluated after a line */
static double started;

const char *exercise_current(void) { return name[0] ? name : NULL; }

/* Replaces the text {en, zh} at the top (the exercise's own copy: always that shape) by
 * its string in lang (LANG_EN, LANG_ZH). */
static void in_language(lua_State *L, int lang)
{
    lua_rawgeti(L, -1, lang == LANG_ZH ? 2 : 1);
    lua_remove(L, -2);
}

/* Pushes field k of the exercise's table at t in the session's language; nil when absent. */
static void push_text(lua_State *L, int t, const char *k)
{
    if (lua_getfield(L, t, k) == LUA_TTABLE) in_language(L, out_lang);
}

/* Pushes the exercise's table; 0 when none. */
static int push_exercise(lua_State *L)
{
    if (!name[0] || lua_getfield(L, LUA_REGISTRYINDEX, EX_KEY) != LUA_TTABLE) {
        if (name[0]) lua_pop(L, 1);
        return 0;
    }
    return 1;
}

/* Copies the value at index v ("text" or {"English", "中文"}, lesson_text) as {en, zh} into
 * the table at index dst, field k; 0, or -1 when it has neither shape. */
static int copy_text(lua_State *L, int v, int dst, const char *k)
{
    const char *en, *zh;
    dst = lua_absindex(L, dst);
    if (lesson_text(L, v, &en, &zh) < 0) return -1;
    lua_createtable(L, 2, 0);
    lua_pushstring(L, en);
    lua_rawseti(L, -2, 1);
    lua_pushstring(L, zh);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, dst, k);
    return 0;
}

/* exercise{task, peer, checks, solution}: checked whole, and kept as a copy of its own
 * ({en, zh} texts, {id, text, function} checks, the solution's strings), which nothing the
 * file keeps can change later. */
static int l_exercise(lua_State *L)
{
    lua_Integer n;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (name[0]) return luaL_error(L, "exercise{}: the exercise %s is going on (`exercise off` ends it)", name);
    lua_settop(L, 1);
    lua_newtable(L);                                                   /* 2: the copy */
    lua_getfield(L, 1, "task");
    if (copy_text(L, -1, 2, "task") < 0) return luaL_error(L, "exercise{}: task = {\"English\", \"中文\"} is needed");
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "peer") != LUA_TNIL && copy_text(L, -1, 2, "peer") < 0)
        return luaL_error(L, "exercise{}: peer must be {\"English\", \"中文\"}");
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "checks") != LUA_TTABLE) return luaL_error(L, "exercise{}: checks = {{id, {en, zh}, function}, …} is needed");
    n = luaL_len(L, -1);                                               /* 3: the file's checks */
    if (n < 1 || n > MAX_CHECKS) return luaL_error(L, "exercise{}: 1 to %d checks", MAX_CHECKS);
    lua_createtable(L, (int)n, 0);                                     /* 4: the copy's */
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_geti(L, 3, i) != LUA_TTABLE || lua_geti(L, -1, 1) != LUA_TSTRING || lua_rawlen(L, -1) >= sizeof checks[0].id ||
            lua_geti(L, -2, 3) != LUA_TFUNCTION)
            return luaL_error(L, "exercise{}: check %d must be {\"id\", {\"English\", \"中文\"}, function() … end}", (int)i);
        /* 5: the file's check, 6: its id, 7: its function */
        lua_createtable(L, 3, 0);                                      /* 8: {id, text, function} */
        lua_pushvalue(L, 6);
        lua_rawseti(L, 8, 1);
        lua_pushvalue(L, 7);
        lua_rawseti(L, 8, 3);
        lua_geti(L, 5, 2);                                             /* 9: its text */
        if (copy_text(L, 9, 8, "text") < 0) return luaL_error(L, "exercise{}: check %d's text must be {\"English\", \"中文\"}", (int)i);
        lua_pop(L, 1);
        lua_getfield(L, 8, "text");
        lua_rawseti(L, 8, 2);
        lua_pushnil(L);
        lua_setfield(L, 8, "text");
        lua_rawseti(L, 4, i);
        lua_pop(L, 3);
    }
    lua_setfield(L, 2, "checks");
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "solution") == LUA_TTABLE) {
        lua_Integer k = luaL_len(L, -1);
        lua_newtable(L);
        for (lua_Integer i = 1; i <= k && i <= 64; i++) {
            if (lua_geti(L, -2, i) != LUA_TSTRING) return luaL_error(L, "exercise{}: solution line %d is no string", (int)i);
            lua_rawseti(L, -2, i);
        }
        lua_setfield(L, 2, "solution");
    }
    lua_pop(L, 1);
    lua_pushvalue(L, 2);
    lua_setfield(L, LUA_REGISTRYINDEX, EX_KEY);
    return 0;
}

/* What checks ask again and again (in Lua: they read calls{} and sockets{} as tables). A
 * socket is told by its id, not its name: a name moves, and a name or fd is used again.
 * bound(port, kind): the socket of kind ("tcp", "udp"; either family) bound to port — the
 * last bind since the exercise began, else one the kernel shows bound there now (made
 * before it began) — its id, and the bind call (nil for the kernel's). listening(port):
 * the id of the last TCP socket bound to port that then listened, or of one the kernel
 * shows listening there. accepted(l): the accept calls on listener l (id) that made a
 * socket (c.made_id). life(id, from): the calls on that socket after place from, up to its
 * close. */
static const char helpers_lua[] =
    "local function kind_ok(t, kind) return not kind or t == kind or t == kind .. '6' end\n"
    "function bound(port, kind)\n"
    "  local found, call\n"
    "  for _, c in ipairs(calls{kind = 'bind', ok = true, port = port}) do\n"
    "    if kind_ok(c.type, kind) then found, call = c.id, c end\n"
    "  end\n"
    "  if found then return found, call end\n"
    "  for _, r in ipairs(sockets{port = port}) do\n"
    "    if r.id and kind_ok(r.type, kind) then return r.id end\n"
    "  end\n"
    "end\n"
    "function listening(port)\n"
    "  local found\n"
    "  for _, b in ipairs(calls{kind = 'bind', ok = true, port = port}) do\n"
    "    for _, l in ipairs(calls{kind = 'listen', ok = true, id = b.id}) do\n"
    "      if l.seq > b.seq and kind_ok(b.type, 'tcp') then found = b.id end\n"
    "    end\n"
    "  end\n"
    "  if found then return found end\n"
    "  for _, r in ipairs(sockets{port = port, state = 'LISTEN'}) do\n"
    "    if r.id then return r.id end\n"
    "  end\n"
    "end\n"
    "function accepted(l)\n"
    "  return l and calls{kind = 'accept', ok = true, id = l} or {}\n"
    "end\n"
    "function life(id, from)\n"
    "  local out = {}\n"
    "  for _, c in ipairs(calls{id = id}) do\n"
    "    if c.seq > from then\n"
    "      out[#out + 1] = c\n"
    "      if c.kind == 'close' and c.ok then break end\n"
    "    end\n"
    "  end\n"
    "  return out\n"
    "end\n";

void exercise_open(lua_State *L) { lua_register(L, "exercise", l_exercise); }

/* The helpers, for the file about to run (once a session: only exercises use them). */
static void helpers(lua_State *L)
{
    static int loaded;
    if (loaded) return;
    if (luaL_dostring(L, helpers_lua) != LUA_OK) lua_pop(L, 1);   /* only memory can fail it: checks then say bound is nil */
    else loaded = 1;
}

/* Evaluates check i (1-based) of the exercise's table at index t: 1 met, 0 not; the reason
 * it is not (a check's second value, or its error), or a note on one met, into why. */
static int evaluate(lua_State *L, int t, int i, char *why, size_t n)
{
    int met;
    why[0] = '\0';
    lua_getfield(L, t, "checks");
    lua_rawgeti(L, -1, i);
    lua_rawgeti(L, -1, 3);
    if (lua_pcall(L, 0, 2, 0) != LUA_OK) {
        snprintf(why, n, TR("the check failed: %s", "检查本身出错：%s"), luaL_tolstring(L, -1, NULL));
        lua_pop(L, 4);
        return 0;
    }
    met = lua_toboolean(L, -2);
    if (lua_type(L, -1) == LUA_TSTRING) snprintf(why, n, "%s", lua_tostring(L, -1));
    lua_pop(L, 4);
    return met;
}

/* The text of check i of the exercise's table at t, in lang. */
static void check_text(lua_State *L, int t, int i, int lang, char *buf, size_t n)
{
    lua_getfield(L, t, "checks");
    lua_rawgeti(L, -1, i);
    lua_rawgeti(L, -1, 2);
    in_language(L, lang);
    snprintf(buf, n, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "?");
    lua_pop(L, 3);
}

/* The results as a report keeps them (its texts in English: the same in every language),
 * and the report added to (--report), once. */
static void report(void)
{
    lua_State *L = luahost_state();
    int t = push_exercise(L) ? lua_gettop(L) : 0;
    teach_lesson_begin(name);
    for (int i = 0; i < nchecks; i++) {
        teach_result r;
        memset(&r, 0, sizeof r);
        snprintf(r.id, sizeof r.id, "%.47s", checks[i].id);
        if (t) check_text(L, t, i + 1, LANG_EN, r.concept, sizeof r.concept);
        snprintf(r.answer_text, sizeof r.answer_text, "%s", checks[i].met ? "met" : "not met");
        snprintf(r.key_text, sizeof r.key_text, "met");
        r.correct = checks[i].met;
        r.seconds = checks[i].first_met >= 0 ? checks[i].first_met : blocking_now() - started;
        teach_result_add(&r);
    }
    if (t) lua_pop(L, 1);
    reported = 1;
    teach_report_save(name, done);
}

/* Evaluates every check; all: print each (`check`), else only those met since the last time.
 * Returns how many are met. */
static int evaluate_all(int all)
{
    lua_State *L = luahost_state();
    int t, met = 0;
    char text[600], why[600], line[1300];
    if (!push_exercise(L)) return 0;
    t = lua_gettop(L);
    for (int i = 0; i < nchecks; i++) {
        int was = checks[i].met;
        checks[i].met = evaluate(L, t, i + 1, why, sizeof why);
        met += checks[i].met;
        if (checks[i].met && checks[i].first_met < 0) checks[i].first_met = blocking_now() - started;
        if (!all && (!checks[i].met || was)) continue;
        check_text(L, t, i + 1, out_lang, text, sizeof text);
        if (all) snprintf(line, sizeof line, "%s %s", checks[i].met ? "✓" : "✗", text);
        else snprintf(line, sizeof line, TR("✓ met: %s", "✓ 已完成：%s"), text);
        out_wrap(stdout, out_col(checks[i].met ? C_GREEN : C_RED), 2, line, out_col(C_RESET));
        if (all && why[0]) {
            char shown[700], lead[32];
            out_sanitize(shown, sizeof shown, why);      /* a reason may quote what a peer sent */
            snprintf(lead, sizeof lead, "%s    ", out_col(C_DIM));
            out_wrap(stdout, lead, 4, shown, out_col(C_RESET));
        }
    }
    lua_pop(L, 1);
    return met;
}

/* All met: said once, and reported. */
static void maybe_done(int met)
{
    if (done || met < nchecks) return;
    done = 1;
    printf("%s", out_col(C_BOLD ";" C_GREEN));
    printf(TR("exercise %s: %d/%d checks met — done", "练习 %s：%d/%d 项检查全部完成"), name, met, nchecks);
    printf("%s\n", out_col(C_RESET));
    report();
    fflush(stdout);
}

int exercise_check(void)
{
    int met;
    if (!name[0]) {
        printf("%s\n", TR("no exercise: `exercise` lists them, `exercise NAME` starts one",
                          "没有进行中的练习：`exercise` 列出练习，`exercise 名称` 开始一个"));
        return -1;
    }
    printf("%s%s %s%s\n", out_col(C_BOLD), TR("exercise", "练习"), name, out_col(C_RESET));
    met = evaluate_all(1);
    if (met < nchecks) printf(TR("%d of %d checks met\n", "已完成 %d/%d 项检查\n"), met, nchecks);
    else if (done) printf(TR("all %d checks met — done\n", "%d 项检查全部完成\n"), nchecks);
    maybe_done(met);
    fflush(stdout);
    return met == nchecks ? 0 : 1;
}

void exercise_after_line(void)
{
    /* The checks read calls: a line that made none (help, state …) changed nothing they see. */
    if (!name[0] || done || log_total() == seen_calls) return;
    seen_calls = log_total();
    maybe_done(evaluate_all(0));
    fflush(stdout);
}

void exercise_end(void)
{
    if (!name[0]) return;
    if (!reported) report();
    lsession_since = 0;
    name[0] = '\0';
    nchecks = done = reported = 0;
    lua_pushnil(luahost_state());
    lua_setfield(luahost_state(), LUA_REGISTRYINDEX, EX_KEY);
}

void exercise_stop(void)
{
    int met = 0;
    if (!name[0]) return;
    for (int i = 0; i < nchecks; i++) met += checks[i].met;
    printf(TR("exercise %s ended: %d of %d checks met\n", "练习 %s 已结束：已完成 %d/%d 项检查\n"), name, met, nchecks);
    exercise_end();
}

/* The task, the peer and the checks, as the exercise begins. */
static void show(lua_State *L, int t)
{
    char text[600], line[700];
    printf("\n%s%s %s%s\n", out_col(C_BOLD ";" C_GREEN), TR("Exercise", "练习"), name, out_col(C_RESET));
    push_text(L, t, "task");
    if (lua_isstring(L, -1)) out_wrap(stdout, "", 0, lua_tostring(L, -1), "");
    lua_pop(L, 1);
    push_text(L, t, "peer");
    if (lua_isstring(L, -1)) {
        printf("\n");
        out_wrap(stdout, "", 0, lua_tostring(L, -1), "");
    }
    lua_pop(L, 1);
    printf("\n%s\n", TR("Checks (each is marked ✓ as it is met; `check` lists them all):",
                        "检查项（每完成一项就标上 ✓；`check` 列出全部）："));
    for (int i = 0; i < nchecks; i++) {
        check_text(L, t, i + 1, out_lang, text, sizeof text);
        snprintf(line, sizeof line, "☐ %s", text);
        out_wrap(stdout, "  ", 4, line, "");
    }
    fflush(stdout);
}

int exercise_start(const char *ex)
{
    char path[PATH_MAX], *argv[1];
    lua_State *L = luahost_state();
    int t;
    if (lesson_find("exercises", ex, path, sizeof path) < 0) {   /* the one going on goes on */
        printf(TR("sockplay: no exercise '%s' (`exercise` lists them)\n", "sockplay：没有练习 '%s'（`exercise` 可列出全部）\n"), ex);
        return -1;
    }
    exercise_stop();
    argv[0] = (char *)ex;
    lua_pushnil(L);                          /* no exercise{} from an earlier script counts */
    lua_setfield(L, LUA_REGISTRYINDEX, EX_KEY);
    helpers(L);
    if (luahost_run_file(path, 0, argv) < 0) return -1;
    if (lua_getfield(L, LUA_REGISTRYINDEX, EX_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        printf(TR("sockplay: %s holds no exercise{…}\n", "sockplay：%s 里没有 exercise{…}\n"), path);
        return -1;
    }
    t = lua_gettop(L);
    lesson_short_name(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, name, sizeof name);
    lua_getfield(L, t, "checks");               /* the exercise's own copy: shapes checked, at most MAX_CHECKS */
    nchecks = (int)lua_rawlen(L, -1);
    for (int i = 0; i < nchecks; i++) {
        lua_rawgeti(L, -1, i + 1);
        lua_rawgeti(L, -1, 1);
        snprintf(checks[i].id, sizeof checks[i].id, "%s", lua_tostring(L, -1));
        checks[i].met = 0;
        checks[i].first_met = -1;
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    started = blocking_now();
    lsession_since = log_total();            /* the calls from now on count */
    seen_calls = (unsigned long)-1;          /* evaluated after this line: sockets made before may count */
    show(L, t);
    lua_pop(L, 1);
    return 0;
}

int exercise_list(void)
{
    return lesson_list_in("exercises", TR("Exercises (`exercise NAME` at the prompt, or sockplay --exercise NAME):",
                                          "练习列表（在提示符下输入 `exercise 名称`，或 sockplay --exercise 名称）："), name[0] ? name : NULL);
}

char **exercise_solution(size_t *n)
{
    char **v = NULL;
    lua_State *L = luahost_state();
    *n = 0;
    if (!push_exercise(L)) return NULL;
    if (lua_getfield(L, -1, "solution") == LUA_TTABLE) {
        size_t k = lua_rawlen(L, -1);
        if (k && (v = calloc(k, sizeof *v)))
            for (size_t i = 0; i < k; i++) {
                lua_rawgeti(L, -1, (lua_Integer)i + 1);
                if ((v[*n] = strdup(lua_tostring(L, -1)))) (*n)++;
                lua_pop(L, 1);
            }
    }
    lua_pop(L, 2);
    return v;
}
