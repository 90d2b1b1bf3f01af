/* output.h — where everything sockplay prints goes: colour, language, the status line. */
#ifndef SP_OUTPUT_H
#define SP_OUTPUT_H
#include <stdio.h>

enum { LANG_EN, LANG_ZH };

extern int out_color;   /* ANSI colour on stdout (a terminal, NO_COLOR unset) */
extern int out_tty;     /* stdout is a terminal: status lines may be drawn */
extern int out_lang;    /* LANG_EN or LANG_ZH */

void out_init(void);
int out_lang_from_env(void);
int out_set_lang(const char *name);       /* "zh"/"en"; 0 ok, -1 unknown */

/* An ANSI sequence, or "" when colour is off. */
const char *col(const char *code);
#define C_RESET "0"
#define C_BOLD "1"
#define C_DIM "2"
#define C_RED "31"
#define C_GREEN "32"
#define C_YELLOW "33"
#define C_CYAN "36"

/* Pick the message for the current language. */
#define TR(en, zh) (out_lang == LANG_ZH ? (zh) : (en))

/* Length of the valid UTF-8 sequence at p (1 for ASCII), 0 if invalid or cut short. */
size_t utf8_len(const unsigned char *p, size_t avail);
/* Writes v in decimal at p and returns the end (no NUL): for the counts, ports and fds a
 * table or a loop of quiet calls writes thousands of, where printf would dominate. */
char *out_decimal(char *p, unsigned long long v);
/* How many terminal columns s takes (CJK characters two). */
int out_width(const char *s);
/* Writes bytes as a C-escaped, double-quoted literal (at most max bytes, then "…"). UTF-8
 * characters pass as they are when the bytes are UTF-8 text (out_utf8_text); otherwise every
 * non-ASCII byte is escaped. */
void out_quoted(FILE *f, const void *buf, size_t len, size_t max);
/* The same, when the first head bytes finish a character that the previous recv cut. */
void out_quoted_cut(FILE *f, const void *buf, size_t len, size_t max, size_t head);
/* 1 when the len bytes are UTF-8 text but for a cut character at either end: the first head
 * bytes (the end of one that came before) and a start of one at the end; 0 otherwise. */
int out_utf8_text(const void *buf, size_t len, size_t head);
#endif
