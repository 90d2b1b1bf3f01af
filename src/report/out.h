/* out.h — where everything sockplay prints goes: colour, language, the status line. */
#ifndef SP_OUT_H
#define SP_OUT_H
#include <stdio.h>
#include <termios.h>
#include "lang/words.h"

enum { LANG_EN, LANG_ZH };

extern int out_color;   /* ANSI colour on stdout (a terminal, NO_COLOR unset) */
extern int out_tty;     /* stdout is a terminal: status lines may be drawn */
extern int out_lang;    /* LANG_EN or LANG_ZH */

void out_init(void);
int out_lang_from_env(void);
int out_set_lang(const char *name);       /* "zh"/"en" (or zh_…, en_…); 0 ok, -1 unknown */
/* The languages out_set_lang takes: zh, en. */
extern const sp_word out_langs[];

/* An ANSI sequence, or "" when colour is off. */
const char *out_col(const char *code);
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
size_t out_utf8_len(const unsigned char *p, size_t avail);
/* Writes v in decimal at p and returns the end (no NUL): for the counts, ports and fds a
 * table or a loop of quiet calls writes thousands of, where printf would dominate. */
char *out_decimal(char *p, unsigned long long v);
/* How many terminal columns s takes, as wcwidth(3) counts them in a UTF-8 locale: CJK two,
 * `…` one, a combining mark none; colour codes none. The _n form: the first n bytes. */
int out_width(const char *s);
int out_width_n(const char *s, size_t n);
/* The width everything printed must fit: COLUMNS as set when sockplay started (like
 * Python's shutil.get_terminal_size), else the terminal's (asked each time, so a resize
 * counts at once), else OUT_DEFAULT_COLS (a pipe or a file); never below OUT_MIN_COLS. */
int out_cols(void);
#define OUT_DEFAULT_COLS 80
#define OUT_MIN_COLS 20
#define OUT_MIN_PROSE 20   /* fewer columns left after an indent: the indent gives way */
/* Prints lead, then text wrapped at spaces to out_cols() (CJK text may also break between
 * characters; a '\n' in text breaks too), continuation lines indented by indent columns
 * (-1: under the text's first character), then tail (a colour reset) and a newline. */
void out_wrap(FILE *f, const char *lead, int indent, const char *text, const char *tail);
/* The dim "   ↳ text" line under a result, wrapped to the terminal, continued under the text. */
void out_hint(const char *text);
/* The terminal on stdin without the local flags off (ECHO; ICANON too for keys one by one,
 * read at once: VMIN 0), while sockplay draws over it; only in the terminal's foreground
 * (from the background tcsetattr would stop sockplay: SIGTTOU). 1 with *saved to give back
 * to out_term_restore, 0 when nothing was changed. */
int out_term_quiet(tcflag_t off, struct termios *saved);
void out_term_restore(const struct termios *saved);
/* The same for text that continues a line already at column x: no newline at the end;
 * returns the column where it ended. */
int out_wrap_at(FILE *f, int x, int indent, const char *text);
/* src with every control byte (and C1 control) written as \\xHH, into dst: text a learner
 * typed or a peer sent never reaches the terminal as an escape sequence. */
void out_sanitize(char *dst, size_t cap, const char *src);
/* The same for a line of code, which must stay code when pasted: it breaks only at spaces
 * outside string literals (never cutting one), continuation lines under the code's first
 * character; python 1: only inside brackets or before a # comment, where Python allows it. */
void out_wrap_code(FILE *f, const char *lead, const char *text, int python, const char *tail);
/* s padded with spaces to width display columns, in dst; returns dst. */
char *out_pad(char *dst, size_t cap, const char *s, int width);
/* The len bytes of s shortened to width columns by a `…` in the middle, keeping its last
 * keep bytes whole when they fit (an address's ":port"); into dst (NUL-terminated).
 * Returns the bytes written and the columns shown in *shown. */
size_t out_elide(char *dst, size_t cap, const char *s, size_t len, int width, size_t keep, int *shown);
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
