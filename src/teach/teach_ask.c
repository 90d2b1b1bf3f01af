/* teach_ask.c — checkpoints: the question printed with its numbered choices, the answer
 * read (a terminal), taken from the key (--auto) or replayed (--answers FILE), held until
 * the call it is about has run, then judged in one line; the lesson's score at its end. */
#include "teach/teach_ask.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/lineedit.h"
#include "core/blocking.h"
#include "core/call.h"
#include "report/out.h"
#include "teach/teach_predict.h"

int teach_mode;

typedef struct {
    teach_question q;
    int answer;                 /* 1-based; 0: none given (a prediction: 1 given) */
    prediction said;            /* a prediction's answer, and as typed */
    char said_text[64];
    double asked_at, took;      /* when it was asked, seconds to answer */
} asked;

static asked pending;           /* q.id[0] == 0: none pending */
static int right, total, listening;
static char missed[8][160];     /* concepts missed, in the session's language */
static int nmissed;
static char lesson[128];
static teach_result results[64];
static size_t nresults;

size_t teach_results(const teach_result **v)
{
    *v = results;
    return nresults;
}

void teach_result_add(const teach_result *r)
{
    if (nresults < sizeof results / sizeof results[0]) results[nresults++] = *r;
    total++;
    right += r->correct;
}

/* --answers FILE */
static char **answers;
static size_t nanswers, next_answer;

static char *copy_text(const char *s) { return s ? strdup(s) : NULL; }

static void free_question(teach_question *q)
{
    free(q->q_en); free(q->q_zh); free(q->why_en); free(q->why_zh); free(q->concept_en); free(q->concept_zh);
    for (int i = 0; i < q->nchoices; i++) { free(q->choice_en[i]); free(q->choice_zh[i]); }
    memset(q, 0, sizeof *q);
}

int teach_answers_file(const char *path, char *err, size_t n)
{
    FILE *f = fopen(path, "r");
    char line[256];
    if (!f) {
        snprintf(err, n, TR("--answers %s: %s", "--answers %s：%s"), path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f) && nanswers < 1000) {
        char **a;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        if (!(a = realloc(answers, (nanswers + 1) * sizeof *a)) || !(a[nanswers] = strdup(line))) {
            if (a) answers = a;
            fclose(f);
            snprintf(err, n, "%s", TR("out of memory", "内存不足"));
            return -1;
        }
        answers = a;
        nanswers++;
    }
    fclose(f);
    teach_mode = 2;
    return 0;
}

/* The answer --answers gives q: the line "ID ANSWER" for its id (a number, or a prediction's
 * words), else the next bare number; NULL when none. */
static const char *replayed(const teach_question *q)
{
    size_t l = strlen(q->id);
    for (size_t i = 0; i < nanswers; i++)
        if (!strncmp(answers[i], q->id, l) && answers[i][l] == ' ') return answers[i] + l + 1;
    while (!q->predict[0] && next_answer < nanswers) {
        const char *a = answers[next_answer++];
        if (a[strspn(a, "0123456789")] == 0) return a;
    }
    return NULL;
}

/* The one line under the call (c; NULL: no call came): ✓ or ✗, and why. */
static void verdict(const sp_call *c)
{
    char line[900], what[300], s1[200];
    const teach_question *q = &pending.q;
    const char *why;
    int ok;
    if (!q->id[0]) return;
    why = TR(q->why_en, q->why_zh ? q->why_zh : q->why_en);
    if (q->predict[0]) {
        int r = pending.answer && c ? predict_judge(&pending.said, c, what, sizeof what) : 0;
        if (r < 0) {                    /* nothing to judge it by (packets with the wire off): not counted */
            snprintf(line, sizeof line, TR("? you said %s — not judged: %s", "？你预测%s —— 无法判断：%s"), predict_said(&pending.said, s1, sizeof s1), what);
            out_wrap(stdout, out_col(C_YELLOW), 2, line, out_col(C_RESET));
            free_question(&pending.q);
            return;
        }
        ok = r == 1;
        if (!pending.answer) snprintf(line, sizeof line, TR("✗ no answer; it was: %s — %s", "✗ 没有回答；答案是：%s —— %s"), q->predict, why);
        else if (!c) snprintf(line, sizeof line, TR("✗ you said %s, but no call came — %s", "✗ 你预测 %s，但没有调用发生 —— %s"), predict_said(&pending.said, s1, sizeof s1), why);
        else snprintf(line, sizeof line, TR("%s you said %s: %s — %s", "%s 你预测%s：%s —— %s"), ok ? "✓" : "✗", predict_said(&pending.said, s1, sizeof s1), what, why);
    } else {
        ok = pending.answer == q->key;
        if (ok) snprintf(line, sizeof line, "✓ %s", why);
        else if (pending.answer) snprintf(line, sizeof line, TR("✗ the answer was %d — %s", "✗ 正确答案是 %d —— %s"), q->key, why);
        else snprintf(line, sizeof line, TR("✗ no answer; it was %d — %s", "✗ 没有回答；正确答案是 %d —— %s"), q->key, why);
    }
    {
        teach_result r;
        memset(&r, 0, sizeof r);
        snprintf(r.id, sizeof r.id, "%s", q->id);
        snprintf(r.concept, sizeof r.concept, "%s", q->concept_en ? q->concept_en : q->id);
        if (q->predict[0]) snprintf(r.answer_text, sizeof r.answer_text, "%s", pending.said_text);
        else snprintf(r.answer_text, sizeof r.answer_text, "%s",
                      pending.answer >= 1 && pending.answer <= q->nchoices && q->choice_en[pending.answer - 1] ? q->choice_en[pending.answer - 1] : "");
        snprintf(r.key_text, sizeof r.key_text, "%s", q->predict);
        r.answer = pending.answer;
        r.key = q->key;
        r.correct = ok;
        r.seconds = pending.took;
        teach_result_add(&r);           /* counted in the score too */
    }
    if (!ok && nmissed < (int)(sizeof missed / sizeof missed[0]))
        snprintf(missed[nmissed++], sizeof missed[0], "%s", TR(q->concept_en ? q->concept_en : q->id, q->concept_zh ? q->concept_zh : q->id));
    out_wrap(stdout, out_col(ok ? C_GREEN : C_RED), 2, line, out_col(C_RESET));
    fflush(stdout);
    free_question(&pending.q);
}

static void listener(call_event ev, const sp_call *c)
{
    if (ev != CALL_END || !pending.q.id[0]) return;
    if (pending.q.call[0] && strcmp(pending.q.call, call_kinds[c->kind].name)) return;   /* not the call it is about yet */
    verdict(c);
}

void teach_lesson_begin(const char *name)
{
    snprintf(lesson, sizeof lesson, "%s", name);
    right = total = nmissed = 0;
    nresults = 0;
    if (!listening) call_listen(listener, 0);
    listening = 1;
}

void teach_lesson_end(void)
{
    verdict(NULL);
    if (!total) return;
    printf("%s%s %d/%d%s\n", out_col(C_BOLD), TR("checkpoints right:", "答对的检查点："), right, total, out_col(C_RESET));
    for (int i = 0; i < nmissed; i++) printf("  %s %s\n", TR("to review:", "需要复习："), missed[i]);
    fflush(stdout);
}

void teach_score(int *r, int *t)
{
    *r = right;
    *t = total;
}

/* A prediction given as text into pending (1), or the mistake said (0). */
static int take_prediction(const char *text)
{
    char err[300];
    if (predict_text(text, &pending.said, err, sizeof err) < 0) {
        out_wrap(stdout, out_col(C_YELLOW), 3, err, out_col(C_RESET));
        return 0;
    }
    snprintf(pending.said_text, sizeof pending.said_text, "%s", text);
    return 1;
}

/* The learner's answer, typed: a number from 1 to n, or for a prediction its words (asked
 * again after an empty line or a mistake, ten times at most). */
static int typed(const teach_question *q)
{
    char prompt[80];
    if (q->predict[0]) snprintf(prompt, sizeof prompt, "%s", TR("you predict: ", "你的预测："));
    else snprintf(prompt, sizeof prompt, TR("your answer (1-%d): ", "你的答案（1-%d）："), q->nchoices);
    for (int tries = 0; tries < 10; tries++) {
        size_t len;
        char *a = lineedit_plain_read(prompt, &len);
        int v;
        if (!a) return 0;
        if (!isatty(STDIN_FILENO)) printf("%s\n", a);   /* a transcript shows the answer read */
        if (!a[strspn(a, " \t")]) {                      /* Enter alone: asked again */
            free(a);
            continue;
        }
        if (q->predict[0]) {
            v = take_prediction(a);
            free(a);
            if (v) return 1;
            continue;
        }
        v = atoi(a);
        free(a);
        if (v >= 1 && v <= q->nchoices) return v;
        printf(TR("a number from 1 to %d, please\n", "请输入 1 到 %d 的数字\n"), q->nchoices);
    }
    return 0;
}

void teach_ask(const teach_question *q)
{
    verdict(NULL);                      /* a question before it that no call answered */
    if (!listening) teach_lesson_begin(lesson[0] ? lesson : "-");
    if (q->predict[0]) predict_init();  /* it notes the wire's count as the call begins */
    memset(&pending, 0, sizeof pending);
    pending.q = *q;
    pending.q.q_en = copy_text(q->q_en); pending.q.q_zh = copy_text(q->q_zh);
    pending.q.why_en = copy_text(q->why_en); pending.q.why_zh = copy_text(q->why_zh);
    pending.q.concept_en = copy_text(q->concept_en); pending.q.concept_zh = copy_text(q->concept_zh);
    for (int i = 0; i < q->nchoices; i++) { pending.q.choice_en[i] = copy_text(q->choice_en[i]); pending.q.choice_zh[i] = copy_text(q->choice_zh[i]); }
    {
        char lead[64];
        printf("\n");
        snprintf(lead, sizeof lead, "%s? ", out_col(C_BOLD ";" C_YELLOW));
        out_wrap(stdout, lead, 2, TR(q->q_en, q->q_zh ? q->q_zh : q->q_en), out_col(C_RESET));
        for (int i = 0; i < q->nchoices; i++) {
            snprintf(lead, sizeof lead, "   %d) ", i + 1);
            out_wrap(stdout, lead, 6, TR(q->choice_en[i], q->choice_zh[i] ? q->choice_zh[i] : q->choice_en[i]), "");
        }
        if (q->predict[0]) {
            char forms[400];
            snprintf(forms, sizeof forms, TR("Answer as `predict` takes it: %s", "按 `predict` 的写法回答：%s"), predict_forms());
            out_wrap(stdout, "   ", 3, forms, "");
        }
    }
    fflush(stdout);
    pending.asked_at = blocking_now();
    if (teach_mode == 1) {
        pending.answer = q->predict[0] ? take_prediction(q->predict) : q->key;
        if (q->predict[0]) printf(TR("   answer: %s (--auto: the lesson's key)\n", "   答案：%s（--auto：课程给出的答案）\n"), q->predict);
        else printf(TR("   answer: %d (--auto: the lesson's key)\n", "   答案：%d（--auto：课程给出的答案）\n"), q->key);
    } else if (teach_mode == 2) {
        const char *a = replayed(q);
        char shown[200];
        if (q->predict[0]) pending.answer = a ? take_prediction(a) : 0;
        else pending.answer = a ? atoi(a) : 0;
        out_sanitize(shown, sizeof shown, a ? a : "-");
        printf(TR("   answer: %s (--answers)\n", "   答案：%s（--answers）\n"), shown);
    } else {
        pending.answer = typed(q);
    }
    pending.took = blocking_now() - pending.asked_at;
    fflush(stdout);
}
