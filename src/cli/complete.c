/* complete.c — which word is being typed decides what to offer: the command table's
 * A_* letters say what each argument position holds, and the words behind a letter are
 * the tables their parsers read (cmd_words): no word list lives here. */
#include "cli/complete.h"
#include <stdio.h>
#include <dirent.h>
#include <string.h>
#include <strings.h>
#include "cmd/cmd_args.h"
#include "cmd/cmd_table.h"
#include "core/registry.h"
#include "lang/sockopt.h"
#include "lua/lesson.h"
#include "py/py_run.h"

static void offer(const char *cand, const char *text, void (*add)(const char *))
{
    if (strncasecmp(cand, text, strlen(text)) == 0) add(cand);
}

/* offer() through lesson_each's callback. */
struct offer_to {
    const char *text;
    void (*add)(const char *);
};
static int offer_name(const char *path, const char *name, void *arg)
{
    const struct offer_to *to = arg;
    (void)path;
    offer(name, to->text, to->add);
    return 0;
}

/* Names in the directory of text that start with its last part; folders end in '/'. */
static void offer_files(const char *text, void (*add)(const char *))
{
    const char *slash = strrchr(text, '/');
    char dir[1024], cand[1300];
    size_t plen;
    DIR *d;
    struct dirent *e;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - text + 1) : 1, slash ? text : ".");
    plen = strlen(slash ? slash + 1 : text);
    if (!(d = opendir(dir))) return;
    for (int n = 0; (e = readdir(d)) && n < 500; n++) {
        if (e->d_name[0] == '.' && (slash ? slash[1] : text[0]) != '.') continue;
        if (strncmp(e->d_name, slash ? slash + 1 : text, plen) != 0) continue;
        snprintf(cand, sizeof cand, "%s%s%s", slash ? dir : "", e->d_name, e->d_type == DT_DIR ? "/" : "");
        add(cand);
    }
    closedir(d);
}

/* Option names (only those setsockopt can set when settable), of one level after a level
 * name; when no level was typed (level < 0), also the levels the option table names, each
 * once. */
static void offer_opts(const char *text, void (*add)(const char *), int settable, int level)
{
    for (size_t i = 0; i < sockopt_ndefs; i++)
        if (!(settable && sockopt_defs[i].readonly) && (level < 0 || sockopt_defs[i].level == level))
            offer(sockopt_defs[i].name, text, add);
    if (level >= 0) return;
    for (size_t i = 0; i < sockopt_ndefs; i++) {
        size_t j = 0;
        while (j < i && strcmp(sockopt_defs[j].level_name, sockopt_defs[i].level_name) != 0) j++;
        if (j == i) offer(sockopt_defs[i].level_name, text, add);
    }
}

/* The words of a completion letter's tables (cmd_words), aliases left out; 0 if the letter
 * is not a word list. */
static int offer_words(char letter, const char *text, void (*add)(const char *))
{
    const sp_word *const *tables = cmd_words(letter);
    if (!tables) return 0;
    for (; *tables; tables++)
        for (const sp_word *w = *tables; w->word; w++)
            if (!w->alias) offer(w->word, text, add);
    return 1;
}

/* What the word after prev holds whatever its position: the view after "as", an option
 * after a level name; else the table's letter. */
static char kind_after(const sp_command *k, const char *prev, char kind)
{
    if (!strcasecmp(prev, cmd_as_word) && strchr(k->complete, A_VIEW)) return A_VIEW;
    if (sockopt_level(prev) >= 0 && strchr(k->complete, A_SETOPT)) return A_SETOPT;
    if (sockopt_level(prev) >= 0 && strchr(k->complete, A_OPT)) return A_OPT;
    return kind;
}

void complete_line(const char *line, int start, const char *text, void (*add)(const char *))
{
    char word[64] = "", prev[64] = "";
    const char *p = line, *cmd_start;
    int argi = -1;
    const sp_command *k;
    char kind;

    /* "client_socket.re": a Python name's attributes (its methods; socket.'s constants). */
    if (strchr(text, '.') && py_run_complete(line, start, text, add)) return;
    /* Only the last command of the line matters: skip to after the last ';'. */
    for (const char *q = line; q < line + start; q++)
        if (*q == ';') p = q + 1;
    while (*p == ' ') p++;
    /* Skip "NAME =" */
    cmd_start = p;
    {
        const char *eq = strchr(p, '=');
        if (eq && eq < line + start) { p = eq + 1; while (*p == ' ') p++; cmd_start = p; }
    }
    /* Count the words before the one being completed. */
    for (const char *q = cmd_start; q < line + start;) {
        while (q < line + start && *q == ' ') q++;
        if (q >= line + start) break;
        {
            size_t n = strcspn(q, " ");
            snprintf(argi < 0 ? word : prev, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), q);
        }
        argi++;
        while (q < line + start && *q != ' ') q++;
    }
    if (argi < 0) {
        for (k = cmd_table; k->name; k++) offer(k->name, text, add);
        return;
    }
    if (!(k = cmd_find(word))) return;
    {
        size_t nk = strlen(k->complete), at = (size_t)argi;
        kind = nk ? k->complete[at < nk ? at : nk - 1] : A_NONE;
    }
    if (argi > 1) kind = kind_after(k, prev, kind);     /* argument 0 is S: a socket may be called "as" */
    if (offer_words(kind, text, add)) return;
    switch (kind) {
    case A_SOCK:
        for (size_t i = 0; i < registry_count(); i++) {
            char fd[16];
            const sp_sock *s = registry_at(i);
            if (s->name[0]) offer(s->name, text, add);
            snprintf(fd, sizeof fd, "%d", s->fd);
            offer(fd, text, add);
        }
        break;
    case A_OPT: case A_SETOPT:
        offer_opts(text, add, kind == A_SETOPT, argi > 1 ? sockopt_level(prev) : -1);
        break;
    case A_CMD:
        for (k = cmd_table; k->name; k++) offer(k->name, text, add);
        break;
    case A_FILE: offer_files(text, add); break;
    case A_LESSON: case A_EXERCISE: {
        struct offer_to to = {text, add};
        lesson_each(kind == A_LESSON ? "" : "exercises", offer_name, &to);
        if (kind == A_EXERCISE) offer("off", text, add);
        break;
    }
    default: break;
    }
}

/* The hint after what was typed, as redis-cli shows it: the command's usage minus the
 * words already typed ("bind s " → "HOST PORT"). Empty when there is nothing to say. */
void complete_hint(const char *line, char *out, size_t n)
{
    char cmd[40] = "";
    const char *p = line, *eq = strchr(line, '=');
    const sp_command *k;
    int words = 0, in = 0;
    out[0] = '\0';
    py_run_hint(line, out, n);                                /* s.bind( → (host, port)) */
    if (out[0]) return;
    if (strchr(line, '"') || strchr(line, '\'') || strchr(line, ';') || strchr(line, '#')) return;
    if (eq) p = eq + 1;                                       /* NAME = command … */
    while (*p == ' ') p++;
    {
        size_t l = strcspn(p, " ");
        if (!p[l] || l >= sizeof cmd) return;                 /* still typing the command's name */
        snprintf(cmd, sizeof cmd, "%.*s", (int)l, p);
        p += l;
    }
    if (!(k = cmd_find(cmd)) || !*k->args) return;
    for (; *p; p++) {                                         /* whole words typed after it */
        if (*p != ' ' && !in) in = 1;
        else if (*p == ' ' && in) { in = 0; words++; }
    }
    if (in) return;                                           /* mid-word: Tab's business */
    /* "S HOST PORT | S PATH": the words of the first form only. */
    for (p = k->args; *p && words > 0; words--) {
        p += strcspn(p, " ");
        while (*p == ' ') p++;
        if (p[0] == '|' && p[1] == ' ') return;
    }
    if (*p && !(p[0] == '|' && p[1] == ' ')) {
        const char *alt = strstr(p, " | ");
        int open = 0;
        snprintf(out, n, "%.*s", alt ? (int)(alt - p) : (int)strlen(p), p);
        for (const char *q = out; *q; q++) open += (*q == '[') - (*q == ']');
        while (alt && open-- > 0 && strlen(out) + 1 < n) strcat(out, "]");   /* "[NAME | off]": "[NAME]" */
    }
    for (size_t l = strlen(out); l && out[l - 1] == ' '; l--) out[l - 1] = '\0';
}
