/* registry.h — the sockets this session owns. Only these may be used or closed. */
#ifndef SP_REGISTRY_H
#define SP_REGISTRY_H
#include <stddef.h>

#define SP_NAME_MAX 32

typedef struct sp_sock {
    int fd;
    char name[SP_NAME_MAX];   /* "" when unnamed */
    int family;               /* AF_INET, AF_INET6, AF_UNIX */
    int type;                 /* SOCK_STREAM, SOCK_DGRAM */
    int backlog;              /* the backlog given to listen(), -1 before */
    int nonblocking;          /* O_NONBLOCK set through sockplay */
    double timeout;           /* Python-style settimeout seconds; < 0 means none */
    unsigned long ino;        /* the socket's inode: how sock_diag's rows are matched to it */
    unsigned short lport;     /* its local port once it has one (kernel/kernel.c caches it), else 0 */
    int split;                /* bytes at the end of the last recv that began a cut character */
    char fdtext[12];          /* the fd as text, for labels (set by registry_add: an fd never changes) */
    unsigned long serial;     /* set by registry_add: tells a reused fd number from the old socket */
    int place;                /* the lab host it lives on (core/place.h), PLACE_HERE (-1) else */
} sp_sock;

void registry_add(sp_sock *s);               /* takes ownership */
void registry_remove(sp_sock *s);            /* frees s */
sp_sock *registry_by_fd(int fd);
sp_sock *registry_by_name(const char *name);
/* A name or a decimal fd; NULL if the session owns no such socket. */
sp_sock *registry_lookup(const char *ref);
/* Gives s the name; a socket already called that loses it. Returns that socket or NULL. */
sp_sock *registry_set_name(sp_sock *s, const char *name);
size_t registry_count(void);
sp_sock *registry_at(size_t i);              /* ordered by fd */
/* "name" or "fd 5": how a trace line refers to the socket. */
const char *registry_label(const sp_sock *s);
int registry_valid_name(const char *name);
#endif
