/* teach_ask.h — a lesson's checkpoints: before a call, a question with choices (both
 * languages); the learner answers (or --auto answers from the lesson's key, or --answers
 * FILE replays a learner's); after the call, ✓ or ✗ with a one-line why; at the lesson's
 * end, the score and the concepts missed. A question may instead take its answer in
 * predict's words (teach_predict.h): "blocks", "returns b''", "error EPIPE", judged against
 * what the call did. */
#ifndef SP_TEACH_ASK_H
#define SP_TEACH_ASK_H
#include <stddef.h>

#define TEACH_CHOICES 6

typedef struct {
    char id[48];                                  /* stable, for reports and --answers */
    char *q_en, *q_zh;                            /* the question */
    char *choice_en[TEACH_CHOICES], *choice_zh[TEACH_CHOICES];
    int nchoices;
    int key;                                      /* the right choice, 1-based */
    char *why_en, *why_zh;                        /* one line: why the key is right */
    char *concept_en, *concept_zh;                /* what a wrong answer shows was missed */
    char call[16];                                /* judged after the next call of this kind ("bind"); "": the next call */
    char predict[64];                             /* "": choices; else the key in predict's words */
} teach_question;

/* How answers come: 0 asked (a terminal), 1 --auto (the key), 2 --answers FILE. */
extern int teach_mode;
/* --answers FILE: lines "ID ANSWER" (or just ANSWER, in order). 0, or -1 with err. */
int teach_answers_file(const char *path, char *err, size_t n);
/* A lesson begins (its name) and ends: the end prints the score and the concepts missed. */
void teach_lesson_begin(const char *lesson);
void teach_lesson_end(void);
/* Asks q (copied); its verdict comes after the next call ends (or at the next question, or
 * the lesson's end, when no call came). */
void teach_ask(const teach_question *q);
/* One answered checkpoint, as a report keeps it (English texts: the same across languages). */
typedef struct {
    char id[48];
    char concept[160];
    char answer_text[160];     /* the choice given (a prediction: as typed), "" when none */
    char key_text[64];         /* a prediction's key, "" for choices */
    int answer, key, correct;
    double seconds;            /* from the question to the answer */
} teach_result;
/* Adds one result (an exercise's check) to the lesson's, as if asked and answered. */
void teach_result_add(const teach_result *r);
/* The checkpoints of the lesson that ran last, in order. */
size_t teach_results(const teach_result **v);
/* The lesson's score so far. */
void teach_score(int *right, int *asked);
#endif
