/* sockopt.h — the socket options sockplay knows, one table for set, get, help and completion. */
#ifndef SP_SOCKOPT_H
#define SP_SOCKOPT_H
#include <stddef.h>
#include <sys/socket.h>

typedef enum { OPT_BOOL, OPT_INT, OPT_TIMEVAL, OPT_LINGER } sp_optkind;

typedef struct {
    const char *name;        /* "SO_REUSEADDR" */
    const char *level_name;  /* "SOL_SOCKET" */
    int level, optname;
    sp_optkind kind;
    const char *help;
    int readonly;            /* only getsockopt reads it (SO_TYPE, SO_ERROR, SO_ACCEPTCONN) */
} sp_optdef;

typedef struct {
    union { int i; struct timeval tv; struct linger lg; } u;
    socklen_t len;
} sp_optval;

extern const sp_optdef sockopt_defs[];
extern const size_t sockopt_ndefs;

/* "SO_REUSEADDR", "so_reuseaddr" or "reuseaddr". */
const sp_optdef *sockopt_find(const char *name);
/* "SOL_SOCKET"/"socket", "IPPROTO_TCP"/"tcp", "IPPROTO_IPV6"/"ipv6"; -1 if unknown. */
int sockopt_level(const char *name);
/* A typed value: 1/0/on/off/true/false, a number, seconds, "off"/"none". */
int sockopt_parse(const sp_optdef *d, const char *text, sp_optval *out, char *err, size_t n);
/* The same from a number (Lua); off selects "none"/"off" for timeouts and linger. */
void sockopt_from_number(const sp_optdef *d, double v, int off, sp_optval *out);
/* The value as the learner would type it: "1", "2.5 s", "on, 5 s". */
void sockopt_format(const sp_optdef *d, const sp_optval *v, char *buf, size_t n);
/* As a number for Lua and getsockopt: the int, the seconds, or linger seconds (-1 when off). */
double sockopt_number(const sp_optdef *d, const sp_optval *v);
/* Python's settimeout takes 0 to SOCKOPT_TIMEOUT_MAX seconds: NULL when it takes these,
 * else why not (for a usage line, a Lua error or the report of a refused settimeout). */
#define SOCKOPT_TIMEOUT_MAX 1e6
const char *sockopt_timeout_bad(double seconds);
#endif
