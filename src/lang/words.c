/* words.c — each word list that socket calls accept, defined once beside the function that
 * reads it, and Python's forms of settimeout, shutdown, poll and addresses: the prompt and
 * Lua both parse through here, Tab offers these tables. No I/O. */
#include "lang/words.h"
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "report/out.h"

const sp_word *words_find(const sp_word *table, const char *w)
{
    for (; table->word; table++)
        if (!strcasecmp(table->word, w)) return table;
    return NULL;
}

const char *words_join(const sp_word *table, const char *comma, const char *or, char *buf, size_t n)
{
    size_t used = 0, count = 0, k = 0;
    for (const sp_word *t = table; t->word; t++) count += !t->alias;
    buf[0] = '\0';
    for (const sp_word *t = table; t->word && used < n; t++) {
        if (t->alias) continue;
        used += (size_t)snprintf(buf + used, n - used, "%s%s", k == 0 ? "" : k + 1 == count ? or : comma, t->word);
        k++;
    }
    return buf;
}

/* --- socket kinds ------------------------------------------------------------------ */

const sp_word words_kinds[] = {
    {"tcp", AF_INET, SOCK_STREAM, 0}, {"udp", AF_INET, SOCK_DGRAM, 0}, {"tcp6", AF_INET6, SOCK_STREAM, 0},
    {"udp6", AF_INET6, SOCK_DGRAM, 0}, {"unix", AF_UNIX, SOCK_STREAM, 0}, {"unix-dgram", AF_UNIX, SOCK_DGRAM, 0},
    {"tcp4", AF_INET, SOCK_STREAM, 1}, {"udp4", AF_INET, SOCK_DGRAM, 1}, {NULL, 0, 0, 0},
};
const sp_word words_families[] = {
    {"AF_INET", AF_INET, 0, 0}, {"AF_INET6", AF_INET6, 0, 0}, {"AF_UNIX", AF_UNIX, 0, 0}, {"AF_LOCAL", AF_UNIX, 0, 1},
    {NULL, 0, 0, 0},
};
const sp_word words_types[] = {
    {"SOCK_STREAM", SOCK_STREAM, 0, 0}, {"SOCK_DGRAM", SOCK_DGRAM, 0, 0}, {NULL, 0, 0, 0},
};

int words_kind(const char *w, int *family, int *type)
{
    const sp_word *k = words_find(words_kinds, w);
    if (!k) return -1;
    *family = k->value;
    *type = k->value2;
    return 0;
}

const char *words_kind_name(int family, int type)
{
    for (const sp_word *k = words_kinds; k->word; k++)
        if (!k->alias && k->value == family && k->value2 == type) return k->word;
    return "?";
}

/* --- shutdown, on/off, settimeout ---------------------------------------------------- */

const sp_word words_shutdown[] = {
    {"rd", SHUT_RD, 0, 0}, {"wr", SHUT_WR, 0, 0}, {"rdwr", SHUT_RDWR, 0, 0},
    {"SHUT_RD", SHUT_RD, 0, 1}, {"SHUT_WR", SHUT_WR, 0, 1}, {"SHUT_RDWR", SHUT_RDWR, 0, 1}, {NULL, 0, 0, 0},
};

int words_shutdown_how(const char *w)
{
    const sp_word *k = words_find(words_shutdown, w);
    return k ? k->value : -1;
}

const sp_word words_on_off[] = {
    {"on", 1, 0, 0}, {"off", 0, 0, 0}, {"true", 1, 0, 1}, {"false", 0, 0, 1}, {"1", 1, 0, 1}, {"0", 0, 0, 1},
    {NULL, 0, 0, 0},
};

int words_on_off_value(const char *w)
{
    const sp_word *k = words_find(words_on_off, w);
    return k ? k->value : -1;
}

const sp_word words_timeout_none[] = {{"none", 0, 0, 0}, {"off", 0, 0, 1}, {NULL, 0, 0, 0}};

int words_timeout(const char *text, double *seconds)
{
    char *end;
    double t;
    if (!text || words_find(words_timeout_none, text)) {
        *seconds = WORDS_NO_TIMEOUT;
        return 1;
    }
    t = strtod(text, &end);
    if (!*text || *end) return -1;
    *seconds = t;
    return 0;
}

/* --- poll ------------------------------------------------------------------------- */

int words_poll_ms(double seconds, int *ms)
{
    if (!(seconds >= 0 && seconds <= 86400)) return -1;   /* also NaN */
    *ms = (int)(seconds * 1000 + 0.5);
    return 0;
}

int words_poll_timeout(const char *w, int *ms)
{
    char *end;
    double v = strtod(w, &end);
    if (end == w) return -1;
    if (!strcmp(end, "ms")) v /= 1000;
    else if (*end && strcmp(end, "s") != 0) return -1;
    return words_poll_ms(v, ms);
}

const sp_word words_events[] = {
    {"POLLIN", POLLIN, 0, 0}, {"POLLOUT", POLLOUT, 0, 0}, {"POLLHUP", POLLHUP, 0, 0}, {"POLLRDHUP", POLLRDHUP, 0, 0},
    {"POLLERR", POLLERR, 0, 0}, {"POLLNVAL", POLLNVAL, 0, 0}, {NULL, 0, 0, 0},
};

const char *words_event_names(short re, char *b, size_t n)
{
    size_t used = 0;
    b[0] = '\0';
    for (const sp_word *e = words_events; e->word && used < n; e++)
        if (re & e->value) used += (size_t)snprintf(b + used, n - used, "%s%s", used ? "|" : "", e->word);
    return b;
}

/* --- addresses --------------------------------------------------------------------- */

int words_address(int family, const char *a, const char *b, int lone, const char **host, const char **port, char *err,
                  size_t n)
{
    if (family == AF_UNIX) {
        if (!a) return snprintf(err, n, "%s", TR("missing PATH of the unix socket", "缺少 unix 套接字的路径 PATH")), -1;
        *host = a;
        *port = NULL;
        return 0;
    }
    if (!a) return snprintf(err, n, "%s", TR("missing HOST and PORT", "缺少 HOST 和 PORT")), -1;
    if (!b && lone) {                     /* bind S PORT: every local address, as Python's ("", PORT) */
        *host = "";
        *port = a;
        return 0;
    }
    if (!b) return snprintf(err, n, TR("missing PORT after HOST '%s'", "HOST '%s' 后面缺少 PORT"), a), -1;
    *host = a;
    *port = b;
    return 0;
}
