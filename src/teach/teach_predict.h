/* teach_predict.h — predict, then run: the learner states what the next call will do
 * (`predict blocks`, `predict returns 0`, `predict error ECONNREFUSED`, `predict state c
 * ESTABLISHED`, `predict packets SYN SYN+ACK ACK`), and the call is marked ✓ or ✗ against
 * what happened, with why. `predict on` asks before each call that may block. A listener
 * (core/call.h) judges; the parser of a prediction has no I/O. */
#ifndef SP_TEACH_PREDICT_H
#define SP_TEACH_PREDICT_H
#include <stddef.h>
#include "core/registry.h"
#include "lang/parse.h"
#include "lang/words.h"

enum { PREDICT_BLOCKS = 1, PREDICT_RETURNS, PREDICT_ERROR, PREDICT_STATE, PREDICT_PACKETS, PREDICT_ON, PREDICT_OFF,
       PREDICT_NOT_BLOCKS };
#define PREDICT_MAX_PACKETS 16

typedef struct {
    int kind;                      /* PREDICT_* */
    long n;                        /* returns N (b'' is 0) */
    char error[32];                /* error NAME: ECONNREFUSED, or Python's ConnectionRefusedError */
    char sock[SP_NAME_MAX];        /* state S STATE */
    char state[24];
    char packets[PREDICT_MAX_PACKETS][12];   /* packets SYN SYN+ACK ACK */
    int npackets;
} prediction;

/* The words after `predict`: blocks, returns, error, state, packets, on, off. */
extern const sp_word predict_words[];
/* Reads the words after `predict` (tok[0] is the form) into *p: 0, or -1 with the mistake
 * named in err. */
int predict_parse(const sp_token *tok, int n, prediction *p, char *err, size_t errlen);
/* A prediction written as a line ("blocks", "returns b''", "error EPIPE"): a lesson's key, a
 * learner's answer to a lesson's question. 0, or -1 with the mistake in err. */
int predict_text(const char *text, prediction *p, char *err, size_t errlen);
/* The forms a prediction takes, in one line of the session's language (for a question). */
const char *predict_forms(void);
/* Judges p against the ended call c: 1 right, 0 wrong, -1 not judged; what happened, in
 * words, into what. */
struct sp_call;
int predict_judge(const prediction *p, const struct sp_call *c, char *what, size_t n);
/* p in words ("it blocks"), for a verdict line. */
const char *predict_said(const prediction *p, char *buf, size_t n);
/* Registers the judging listener (after the report's, so ✓/✗ comes under the result). */
void predict_init(void);
/* Arms p for the next call. */
void predict_arm(const prediction *p);
/* `predict on`: ask before each call that may block; `predict off`. */
void predict_asking(int on);
/* Reads the learner's y/n (set by the prompt; NULL: not asked). */
extern char *(*predict_read_line)(const char *prompt);
/* The session's score: predictions judged, and how many were right. */
void predict_score(int *right, int *judged);
/* What is armed, in words ("blocks"), or NULL. */
const char *predict_armed(char *buf, size_t n);
#endif
