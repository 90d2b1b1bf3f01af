/* call.c — the call record's one table of kinds, and its listeners: who is told about each
 * call, in the order they registered. The core asks call_listening before describing a
 * call, so that with every listener off a call costs only its system call. */
#include "core/call.h"
#include <string.h>

const call_kindinfo call_kinds[CALL_NKINDS] = {
    [CALL_SOCKET] = {"socket", CALLK_MAKES},
    [CALL_BIND] = {"bind", CALLK_SOCK | CALLK_ADDR},
    [CALL_LISTEN] = {"listen", CALLK_SOCK},
    [CALL_ACCEPT] = {"accept", CALLK_SOCK | CALLK_BLOCKS | CALLK_MAKES},
    [CALL_CONNECT] = {"connect", CALLK_SOCK | CALLK_BLOCKS | CALLK_ADDR},
    [CALL_SEND] = {"send", CALLK_SOCK | CALLK_BLOCKS | CALLK_SENDS},
    [CALL_RECV] = {"recv", CALLK_SOCK | CALLK_BLOCKS | CALLK_RECVS},
    [CALL_SENDTO] = {"sendto", CALLK_SOCK | CALLK_BLOCKS | CALLK_ADDR | CALLK_SENDS},
    [CALL_RECVFROM] = {"recvfrom", CALLK_SOCK | CALLK_BLOCKS | CALLK_RECVS},
    [CALL_SETSOCKOPT] = {"setsockopt", CALLK_SOCK},
    [CALL_GETSOCKOPT] = {"getsockopt", CALLK_SOCK},
    [CALL_SHUTDOWN] = {"shutdown", CALLK_SOCK},
    [CALL_SETBLOCKING] = {"fcntl", CALLK_SOCK},
    [CALL_SETTIMEOUT] = {"settimeout", CALLK_SOCK},
    [CALL_GETSOCKNAME] = {"getsockname", CALLK_SOCK},
    [CALL_GETPEERNAME] = {"getpeername", CALLK_SOCK},
    [CALL_CLOSE] = {"close", CALLK_SOCK},
    [CALL_POLL] = {"poll", 0},
};

#define MAX_LISTENERS 8

static struct {
    call_listener fn;
    int on;
} listeners[MAX_LISTENERS];
static int nlisteners;
int call_listening;

void call_listen(call_listener fn, int first)
{
    if (nlisteners == MAX_LISTENERS) return;
    if (first) {
        memmove(listeners + 1, listeners, (size_t)nlisteners * sizeof listeners[0]);
        nlisteners++;
        listeners[0].fn = fn;
        listeners[0].on = 1;
    } else {
        listeners[nlisteners].fn = fn;
        listeners[nlisteners++].on = 1;
    }
    call_listening++;
}

void call_listener_on(call_listener fn, int on)
{
    for (int i = 0; i < nlisteners; i++)
        if (listeners[i].fn == fn && listeners[i].on != !!on) {
            listeners[i].on = !!on;
            call_listening += on ? 1 : -1;
        }
}

void call_emit(call_event ev, const sp_call *c)
{
    for (int i = 0; i < nlisteners; i++)
        if (listeners[i].on) listeners[i].fn(ev, c);
}

void call_copy(char *dst, size_t n, const char *src)
{
    size_t k = src ? strnlen(src, n - 1) : 0;
    memcpy(dst, src ? src : "", k);
    dst[k] = '\0';
}

void call_init(sp_call *c, call_kind kind, const sp_sock *s)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->port = c->newfd = c->moved_fd = c->fd = -1;
    c->secs = -1;
    c->rc = -1;
    if (!s) return;
    c->s = (sp_sock *)s;
    c->fd = s->fd;
    c->serial = s->serial;
    call_copy(c->var, sizeof c->var, s->name);
    c->family = s->family;
    c->type = s->type;
}
