/* call.h — one socket call as one record (sp_call), from its arguments to its result and
 * the facts only the core knows, and the listeners the core hands it to as it goes (the
 * report prints it, the session log keeps it, lessons pause on it). Used by the core, which
 * fills records and emits events, and by everything that reads a call: report/, export/,
 * core/log.c, cmd/ and lua/. The core emits on the main thread only. */
#ifndef SP_CALL_H
#define SP_CALL_H
#include <stddef.h>
#include <sys/types.h>
#include "core/registry.h"
#include "lang/addr.h"
#include "lang/sockopt.h"

/* Every call sockplay makes; call_kinds[] has a row for each, in this order. */
typedef enum {
    CALL_SOCKET, CALL_BIND, CALL_LISTEN, CALL_ACCEPT, CALL_CONNECT, CALL_SEND, CALL_RECV, CALL_SENDTO, CALL_RECVFROM,
    CALL_SETSOCKOPT, CALL_GETSOCKOPT, CALL_SHUTDOWN, CALL_SETBLOCKING, CALL_SETTIMEOUT, CALL_GETSOCKNAME, CALL_GETPEERNAME,
    CALL_CLOSE, CALL_POLL,
} call_kind;
#define CALL_NKINDS (CALL_POLL + 1)

/* What a kind is: its name on a trace line, and its properties. */
typedef struct {
    const char *name;     /* "accept"; setblocking is "fcntl", the call the kernel sees */
    unsigned flags;       /* CALLK_* */
} call_kindinfo;
#define CALLK_BLOCKS 1u   /* may block: start, system call, finish (jobs.c may thread it) */
#define CALLK_SOCK 2u     /* made on one socket (all but socket and poll) */
#define CALLK_ADDR 4u     /* takes an address (bind, connect, sendto) */
#define CALLK_SENDS 8u    /* carries bytes out (send, sendto): the log copies them */
#define CALLK_RECVS 16u   /* brings bytes in (recv, recvfrom) */
#define CALLK_MAKES 32u   /* makes a socket (socket, accept) */
extern const call_kindinfo call_kinds[CALL_NKINDS];

/* A facts bit: what happened that only the core knows, for the report's notes. */
#define FACT_PICKED 1u          /* bind to port 0: the kernel picked `picked` */
#define FACT_AUTOBOUND 2u       /* listen on an unbound socket: the kernel bound it to addr */
#define FACT_RAISED 4u          /* settimeout(asked) below 1 µs became 1 µs */
#define FACT_CUT 8u             /* recvfrom: the datagram had `full` bytes, more than MAX */
#define FACT_TIMEDOUT 16u       /* EAGAIN from a socket with a timeout (secs) */
#define FACT_LISTENER 32u       /* the failed call was on a listening socket */
#define FACT_NEVER_CONNECTED 64u /* EPIPE on a socket that never connected */
#define FACT_READONLY 128u      /* refused: the option can only be read */
#define FACT_BAD_TIMEOUT 256u   /* refused: secs is no timeout */
#define FACT_UNREAD 512u        /* close of a TCP connection with n bytes unread: it sent RST, not FIN */

/* Who cancelled a background call. */
enum { CANCEL_NONE, CANCEL_JOB, CANCEL_CLOSE, CANCEL_QUIT };

/* One socket of a poll, as it was. */
typedef struct {
    int fd;
    char name[SP_NAME_MAX];
    short revents;              /* what it could do after the poll */
} call_pollent;

typedef struct sp_call {
    call_kind kind;
    /* The socket, as it was when the call began. */
    sp_sock *s;                 /* the session's socket; valid only while its events run */
    int fd;
    unsigned long serial;       /* which socket it is (registry serial: a name or fd used again is another) */
    char var[SP_NAME_MAX];      /* its name then, or "" */
    int family, type;
    /* The arguments. */
    char host[128];             /* as typed ("" for any); a unix path */
    int port;                   /* -1: none (unix) */
    sp_addr addr;               /* connect, sendto, bind: where to; accept, recvfrom: who;
                                 * getsockname, getpeername: the answer; listen: where it auto-bound */
    long n;                     /* backlog, MAX or the bytes' length, shutdown how, blocking on/off, poll ms */
    double secs;                /* setsockopt made by settimeout: its seconds (-2 none); -1 otherwise */
    const sp_optdef *opt;       /* setsockopt, getsockopt */
    sp_optval val;              /* setsockopt's value, getsockopt's answer */
    unsigned char *buf;         /* send: the bytes; recv: room for len bytes */
    size_t len;
    const char *enc;            /* send: "gbk" when the bytes were made from gbk:"…" */
    int view;                   /* recv: how to show the bytes (dataview.h VIEW_*) */
    int owns_buf;               /* buf is freed with the call (background calls, the log) */
    call_pollent *polls;        /* poll: its sockets */
    int npolls;
    /* The result. */
    long rc;                    /* -1 with err */
    int err;
    int newfd;                  /* socket, accept: the new fd, or -1 */
    char newvar[SP_NAME_MAX];   /* and the name asked for it, or "" */
    sp_sock *made;              /* the new socket (valid while its events run) */
    unsigned long made_serial;  /* and its serial, kept */
    /* Times: when it began (blocking_now), seconds it blocked; background job number or 0. */
    double t0, took;
    int job;
    /* Cancelling a background call (jobs.c): EINTR ends the call instead of retrying. */
    volatile int cancel;
    int cancel_by, cancel_job;  /* CANCEL_*, and the job number for CANCEL_JOB */
    /* The facts (FACT_*) and their values. */
    unsigned facts;
    int picked;                 /* FACT_PICKED: the port */
    int moved_fd;               /* the new socket's name was taken from this open fd, or -1 */
    size_t full;                /* FACT_CUT: the datagram's length */
    double asked;               /* FACT_RAISED, FACT_BAD_TIMEOUT: the seconds asked */
    const char *why;            /* REFUSED: the mistake found before any system call, or NULL */
} sp_call;

/* What the core tells its listeners, in this order for one call: BEGIN, then for a
 * foreground call that may block BLOCKED … UNBLOCKED, or for a background one BACKGROUND
 * (END comes later, when the job is reported), then END. REFUSED alone: a mistake found
 * before any system call. */
typedef enum { CALL_BEGIN, CALL_BLOCKED, CALL_UNBLOCKED, CALL_BACKGROUND, CALL_END, CALL_REFUSED } call_event;
typedef void (*call_listener)(call_event ev, const sp_call *c);

/* Registers fn (switched on). Listeners are called in the order registered, or before
 * all others with first (a lesson pauses before the head is printed). */
void call_listen(call_listener fn, int first);
/* Switches fn on or off: the core describes calls only while one is on. */
void call_listener_on(call_listener fn, int on);
/* How many listeners are on: 0 means quiet — no record is filled past what the call needs. */
extern int call_listening;
/* Hands c to every listener that is on. */
void call_emit(call_event ev, const sp_call *c);
/* The fields every call starts with (kind, the socket and its name, no result yet). */
void call_init(sp_call *c, call_kind kind, const sp_sock *s);
/* Copies the string src into dst of n bytes, cut to fit (the names, hosts a record keeps). */
void call_copy(char *dst, size_t n, const char *src);
#endif
