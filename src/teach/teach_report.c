/* teach_report.c — a learner's results as JSON (json-c), written the one way sockplay
 * writes files (export/safefile.h), and a folder of them read back into the class's table. */
#include "teach/teach_report.h"
#include <dirent.h>
#include <errno.h>
#include <json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "export/safefile.h"
#include "report/out.h"
#include "teach/teach_ask.h"

#ifndef SP_VERSION
#define SP_VERSION "0"
#endif

const char *teach_report_path;

/* Who ran the lesson: $USER, else the account's name. */
static const char *learner(void)
{
    const char *u = getenv("USER");
    struct passwd *pw;
    if (u && *u) return u;
    pw = getpwuid(getuid());
    return pw ? pw->pw_name : "?";
}

static json_object *entry(const char *lesson, int checks_ok)
{
    json_object *e = json_object_new_object(), *cps = json_object_new_array();
    const teach_result *r;
    size_t n = teach_results(&r);
    char when[40];
    time_t t = time(NULL);
    int right = 0;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", localtime(&t));
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_new_object();
        json_object_object_add(c, "id", json_object_new_string(r[i].id));
        json_object_object_add(c, "concept", json_object_new_string(r[i].concept));
        json_object_object_add(c, "answer", json_object_new_int(r[i].answer));
        json_object_object_add(c, "answer_text", json_object_new_string(r[i].answer_text));
        json_object_object_add(c, "key", json_object_new_int(r[i].key));
        if (r[i].key_text[0]) json_object_object_add(c, "key_text", json_object_new_string(r[i].key_text));
        json_object_object_add(c, "correct", json_object_new_boolean(r[i].correct));
        {
            char sec[32];           /* one decimal, written as such (not 0.10000000000000001) */
            snprintf(sec, sizeof sec, "%.1f", r[i].seconds);
            json_object_object_add(c, "seconds", json_object_new_double_s(atof(sec), sec));
        }
        json_object_array_add(cps, c);
        right += r[i].correct;
    }
    json_object_object_add(e, "sockplay", json_object_new_string(SP_VERSION));
    json_object_object_add(e, "learner", json_object_new_string(learner()));
    json_object_object_add(e, "lesson", json_object_new_string(lesson));
    json_object_object_add(e, "lang", json_object_new_string(out_lang == LANG_ZH ? "zh" : "en"));
    json_object_object_add(e, "finished", json_object_new_string(when));
    json_object_object_add(e, "checks_passed", json_object_new_boolean(checks_ok));
    json_object_object_add(e, "right", json_object_new_int(right));
    json_object_object_add(e, "asked", json_object_new_int((int)n));
    json_object_object_add(e, "checkpoints", cps);
    return e;
}

int teach_report_append(const char *path, const char *lesson, int checks_ok, char *err, size_t n)
{
    json_object *all;
    safefile_file w;
    struct stat st;
    if (safefile_check(path, 1, "", err, n) < 0) return -1;          /* never through a link */
    if (stat(path, &st) == 0 && st.st_size > 0) {
        all = json_object_from_file(path);
        if (!all || !json_object_is_type(all, json_type_array)) {
            json_object_put(all);
            snprintf(err, n, TR("--report %s: not a sockplay report (a JSON array): left as it is", "--report %s：不是 sockplay 的报告（JSON 数组）：保持原样"), path);
            return -1;
        }
    } else {
        all = json_object_new_array();
    }
    json_object_array_add(all, entry(lesson, checks_ok));
    if (safefile_open(&w, path, err, n) < 0) {
        json_object_put(all);
        return -1;
    }
    fprintf(w.f, "%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(all);
    return safefile_commit(&w, err, n);
}

void teach_report_save(const char *lesson, int checks_ok)
{
    char err[600];
    if (!teach_report_path) return;
    if (teach_report_append(teach_report_path, lesson, checks_ok, err, sizeof err) < 0)
        out_wrap(stdout, out_col(C_RED), 2, err, out_col(C_RESET));
    else printf(TR("results added to %s\n", "结果已写入 %s\n"), teach_report_path);
}

/* --- the class's table --------------------------------------------------------------------- */

#define MAX_CP 256
#define MAX_WRONG 8
#define MAX_LEARNERS 512

typedef struct {
    char key[120];                    /* lesson/id */
    int right, asked;
    char wrong[MAX_WRONG][100];
    int wrong_n[MAX_WRONG], nwrong;
} cp_row;

typedef struct {
    char name[64];
    int right, asked;
} learner_row;

static cp_row cps[MAX_CP];
static learner_row learners[MAX_LEARNERS];
static int ncps, nlearners;

static const char *str(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static int num(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : 0;
}

static cp_row *cp_find(const char *key)
{
    for (int i = 0; i < ncps; i++)
        if (!strcmp(cps[i].key, key)) return &cps[i];
    if (ncps == MAX_CP) return NULL;
    snprintf(cps[ncps].key, sizeof cps[ncps].key, "%s", key);
    return &cps[ncps++];
}

static learner_row *learner_find(const char *name)
{
    for (int i = 0; i < nlearners; i++)
        if (!strcmp(learners[i].name, name)) return &learners[i];
    if (nlearners == MAX_LEARNERS) return NULL;
    snprintf(learners[nlearners].name, sizeof learners[nlearners].name, "%s", name);
    return &learners[nlearners++];
}

/* A CSV field: quoted, its quotes doubled (a spreadsheet reads it as text, never a formula). */
static void csv(const char *s, int last)
{
    putchar('"');
    if (*s && strchr("=+-@", *s)) putchar('\'');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar((unsigned char)*s < 0x20 ? ' ' : *s);
    }
    printf("\"%s", last ? "\n" : ",");
}

/* One report file's entries into the table (and each answer as a CSV row). */
static int read_report(const char *path, const char *stem, int as_csv)
{
    json_object *all = json_object_from_file(path);
    size_t n;
    if (!all || !json_object_is_type(all, json_type_array)) {
        fprintf(stderr, TR("sockplay: %s is not a sockplay report: skipped\n", "sockplay：%s 不是 sockplay 的报告：已跳过\n"), path);
        json_object_put(all);
        return -1;
    }
    n = json_object_array_length(all);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(all, i), *list;
        const char *who = *str(e, "learner") ? str(e, "learner") : stem, *lesson = str(e, "lesson");
        learner_row *l = learner_find(who);
        if (!json_object_object_get_ex(e, "checkpoints", &list) || !json_object_is_type(list, json_type_array)) continue;
        for (size_t k = 0; k < json_object_array_length(list); k++) {
            json_object *c = json_object_array_get_idx(list, k), *ok;
            char key[120], ans[100];
            int correct = json_object_object_get_ex(c, "correct", &ok) && json_object_get_boolean(ok);
            cp_row *r;
            snprintf(key, sizeof key, "%s/%s", lesson, str(c, "id"));
            if (*str(c, "key_text") && *str(c, "answer_text")) snprintf(ans, sizeof ans, "%s", str(c, "answer_text"));   /* a prediction */
            else if (num(c, "answer") > 0) snprintf(ans, sizeof ans, "%d) %s", num(c, "answer"), str(c, "answer_text"));
            else snprintf(ans, sizeof ans, "%s", TR("no answer", "没有回答"));
            if (as_csv) {
                char sec[32], a[16];
                snprintf(sec, sizeof sec, "%.1f", json_object_object_get_ex(c, "seconds", &ok) ? json_object_get_double(ok) : 0.0);
                snprintf(a, sizeof a, "%d", num(c, "answer"));
                csv(who, 0); csv(lesson, 0); csv(str(c, "id"), 0); csv(a, 0); csv(str(c, "answer_text"), 0);
                csv(correct ? "1" : "0", 0); csv(sec, 1);
                continue;
            }
            if (l) { l->asked++; l->right += correct; }
            if (!(r = cp_find(key))) continue;
            r->asked++;
            r->right += correct;
            if (!correct) {
                int w;
                for (w = 0; w < r->nwrong && strcmp(r->wrong[w], ans); w++) {}
                if (w == r->nwrong && r->nwrong < MAX_WRONG) snprintf(r->wrong[r->nwrong++], sizeof r->wrong[0], "%s", ans);
                if (w < r->nwrong) r->wrong_n[w]++;
            }
        }
    }
    json_object_put(all);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

int teach_grade(const char *dir, int as_csv)
{
    struct dirent **list;
    int k = scandir(dir, &list, NULL, by_name), files = 0;
    char cell[200];
    if (k < 0) {
        fprintf(stderr, TR("sockplay: --grade %s: %s\n", "sockplay：--grade %s：%s\n"), dir, strerror(errno));
        return -1;
    }
    ncps = nlearners = 0;
    if (as_csv) printf("learner,lesson,checkpoint,answer,answer_text,correct,seconds\n");
    for (int i = 0; i < k; i++) {
        const char *nm = list[i]->d_name;
        size_t l = strlen(nm);
        char path[4096], stem[64];
        if (l > 5 && !strcmp(nm + l - 5, ".json") && nm[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, nm);
            snprintf(stem, sizeof stem, "%.*s", (int)(l - 5 < sizeof stem ? l - 5 : sizeof stem - 1), nm);
            files += read_report(path, stem, as_csv) == 0;
        }
        free(list[i]);
    }
    free(list);
    if (as_csv) return 0;
    if (!files) {
        printf(TR("no reports (*.json) in %s\n", "%s 里没有报告（*.json）\n"), dir);
        return 0;
    }
    printf("%s%s%s\n", out_col(C_BOLD), TR("checkpoint                                 right      most common wrong answer",
                                          "检查点                                     正确       最常见的错误答案"), out_col(C_RESET));
    for (int i = 0; i < ncps; i++) {
        cp_row *r = &cps[i];
        int top = -1;
        char pad[140], share[40], spad[60];
        for (int w = 0; w < r->nwrong; w++)
            if (top < 0 || r->wrong_n[w] > r->wrong_n[top]) top = w;
        snprintf(share, sizeof share, "%d/%d %3d%%", r->right, r->asked, r->asked ? r->right * 100 / r->asked : 0);
        if (top >= 0) snprintf(cell, sizeof cell, "%s (%d)", r->wrong[top], r->wrong_n[top]);
        else snprintf(cell, sizeof cell, "-");
        printf("%s %s %s\n", out_pad(pad, sizeof pad, r->key, 42), out_pad(spad, sizeof spad, share, 10), cell);
    }
    printf("\n%s%s%s\n", out_col(C_BOLD), TR("learner                    score", "学生                       得分"), out_col(C_RESET));
    for (int i = 0; i < nlearners; i++) {
        char pad[100];
        printf("%s %d/%d\n", out_pad(pad, sizeof pad, learners[i].name, 26), learners[i].right, learners[i].asked);
    }
    return 0;
}
