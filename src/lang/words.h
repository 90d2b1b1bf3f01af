/* words.h — the words a socket call accepts, each list once with the function that reads
 * it: socket kinds, shutdown's how, on/off, settimeout's none, poll's events and timeout,
 * the address forms. The prompt's commands (cmd/), the Lua module (lua/lsock.c), Tab
 * completion and hints (through cmd_words) and the unit tests read them here. */
#ifndef SP_WORDS_H
#define SP_WORDS_H
#include <stddef.h>

/* One accepted word: {word, value, value2, alias}. An alias is accepted but neither offered
 * by Tab nor named in usage lines ("tcp4", "SHUT_WR", "utf8"). A table ends with word NULL. */
typedef struct {
    const char *word;
    int value, value2;
    int alias;
} sp_word;

/* The entry for w (any case) in table, or NULL. */
const sp_word *words_find(const sp_word *table, const char *w);
/* The table's words that are not aliases, "a, b or c" with the separators given. */
const char *words_join(const sp_word *table, const char *comma, const char *or, char *buf, size_t n);

/* socket's kinds: value the family, value2 the type ("tcp" → AF_INET, SOCK_STREAM). */
extern const sp_word words_kinds[];
/* socket AF_… SOCK_…: the families and the types, for the two-word form. */
extern const sp_word words_families[], words_types[];
/* kind → family and type; -1 if unknown. */
int words_kind(const char *w, int *family, int *type);
/* family and type → the kind's word ("tcp", "unix-dgram"); "?" if none. */
const char *words_kind_name(int family, int type);

/* shutdown's how: rd|wr|rdwr, and Python's SHUT_RD|SHUT_WR|SHUT_RDWR → SHUT_*. */
extern const sp_word words_shutdown[];
/* SHUT_RD, SHUT_WR or SHUT_RDWR; -1 if w is none of them. */
int words_shutdown_how(const char *w);

/* on|off (also true/false, 1/0) for setblocking and explain. */
extern const sp_word words_on_off[];
/* 1 on, 0 off, -1 neither. */
int words_on_off_value(const char *w);

/* settimeout's value, Python's settimeout(None | 0 | seconds) as the prompt types it and
 * as Lua gives it: no value (text NULL: Lua's nil) or the word none (or off) is no timeout,
 * 1 with *seconds WORDS_NO_TIMEOUT; else 0 with the number of seconds the text says, which
 * may still be out of range (sockopt_timeout_bad says so, for both); -1 when not a number. */
#define WORDS_NO_TIMEOUT (-1.0)
extern const sp_word words_timeout_none[];
int words_timeout(const char *text, double *seconds);

/* poll's timeout: seconds from 0 to 86400 into milliseconds (rounded); -1 outside. */
int words_poll_ms(double seconds, int *ms);
/* The same typed: "2", "1.5", "2s", "500ms"; -1 when w is not such a number. */
int words_poll_timeout(const char *w, int *ms);
/* poll's events, value the bit: POLLIN, POLLOUT, POLLHUP, POLLRDHUP, POLLERR, POLLNVAL
 * (read by the prompt's and Lua's poll, and by the report's lines under a poll). */
extern const sp_word words_events[];
/* The bits of re by name, "POLLIN|POLLOUT"; "" when none. Returns b. */
const char *words_event_names(short re, char *b, size_t n);

/* The address arguments of bind, connect and sendto, Python's address forms: HOST PORT
 * (HOST "" or "*" is every local address, PORT a number or a service name: the core
 * resolves both), a PATH for a unix socket, and — when lone is set (bind) and b is absent —
 * a lone PORT, Python's ("", PORT). a and b: the first two words given (NULL if absent).
 * 0 with *host and *port set (*port NULL for a PATH); -1 with the mistake in err. */
int words_address(int family, const char *a, const char *b, int lone, const char **host, const char **port, char *err,
                  size_t n);
#endif
