/* addr.h — turning HOST PORT into a sockaddr and back, with messages a learner can act on. */
#ifndef SP_ADDR_H
#define SP_ADDR_H
#include <stddef.h>
#include <sys/socket.h>

typedef struct {
    struct sockaddr_storage ss;
    socklen_t len;
} sp_addr;

/* 0..65535, or a service name ("http"); -1 with err filled otherwise. */
int addr_parse_port(const char *s, char *err, size_t errlen);
/* HOST PORT for the family. passive: "" and "*" mean every local address (bind). */
int addr_resolve(int family, int socktype, const char *host, const char *port, int passive,
                 sp_addr *out, char *err, size_t errlen);
/* getaddrinfo's code when addr_resolve last failed in it (EAI_NONAME …), else 0: Python's
 * socket.gaierror carries it. */
extern int addr_last_gai;
/* After a failed getaddrinfo or getservby*: err (errno) says the files they read (/etc/hosts,
 * /etc/services) could not be opened (EMFILE, ENFILE) — the name was not looked up at all. */
int addr_unread(int err);
int addr_unix(const char *path, sp_addr *out, char *err, size_t errlen);
/* "127.0.0.1:80", "[::1]:80", "/tmp/s.sock"; "*" for an unset address. */
void addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t n);
/* Host and port apart, for Lua's {host, port} and for Python lines. */
int addr_split(const struct sockaddr *sa, socklen_t len, char *host, size_t hn, int *port);
const char *addr_family_name(int family);
/* "AF_INET" → AF_INET; -1 if unknown. */
int addr_family_of(const char *name);
/* "tcp", "udp6", "unix-dgram" … → family and type; -1 if unknown. */
int addr_kind(const char *name, int *family, int *type);
#endif
