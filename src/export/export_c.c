/* export_c.c — the session as a C program that `cc -Wall -Werror` compiles: one
 * statement per call, each checked, variables declared where first set. */
#include <stdio.h>
#include <string.h>
#include "report/explain.h"
#include "report/errtext.h"
#include "export/export.h"
#include "core/log.h"
#include "report/out.h"
#include "lang/sockopt.h"

static const char prelude[] =
    "#define _GNU_SOURCE\n"
    "#include <arpa/inet.h>\n#include <fcntl.h>\n#include <netinet/in.h>\n#include <netinet/tcp.h>\n#include <poll.h>\n"
    "#include <stdio.h>\n#include <string.h>\n#include <sys/socket.h>\n#include <sys/time.h>\n#include <sys/un.h>\n"
    "#include <unistd.h>\n\n"
    "/* A failed call is reported, as sockplay reported it, and the program goes on. */\n"
    "static long check(long rc, const char *what)\n{\n    if (rc < 0) perror(what);\n    return rc;\n}\n\n"
    "/* HOST PORT, or a unix PATH, as a socket address; \"\" is every local address. */\n"
    "__attribute__((unused)) static socklen_t where(struct sockaddr_storage *ss, int family, const char *host, int port)\n{\n"
    "    memset(ss, 0, sizeof *ss);\n"
    "    if (family == AF_UNIX) {\n        struct sockaddr_un *u = (struct sockaddr_un *)ss;\n"
    "        u->sun_family = AF_UNIX;\n        snprintf(u->sun_path, sizeof u->sun_path, \"%s\", host);\n"
    "        return sizeof *u;\n    }\n"
    "    if (family == AF_INET6) {\n        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;\n"
    "        a->sin6_family = AF_INET6;\n        a->sin6_port = htons((unsigned short)port);\n"
    "        if (*host && inet_pton(AF_INET6, host, &a->sin6_addr) != 1) fprintf(stderr, \"bad address %s\\n\", host);\n"
    "        return sizeof *a;\n    }\n"
    "    struct sockaddr_in *a = (struct sockaddr_in *)ss;\n    a->sin_family = AF_INET;\n"
    "    a->sin_port = htons((unsigned short)port);\n"
    "    if (*host && inet_pton(AF_INET, host, &a->sin_addr) != 1) fprintf(stderr, \"bad address %s\\n\", host);\n"
    "    return sizeof *a;\n}\n\n"
    "/* The port the kernel gave fd when it was bound to port 0. */\n"
    "__attribute__((unused)) static int port_of(int fd)\n{\n    struct sockaddr_storage ss;\n"
    "    socklen_t len = sizeof ss;\n    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return 0;\n"
    "    return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);\n}\n\n"
    "/* What a recv brought: its size, and the bytes as text. */\n"
    "__attribute__((unused)) static void show(const char *what, const char *buf, long n)\n{\n"
    "    printf(\"%s: %ld bytes\\n\", what, n);\n    if (n > 0) fwrite(buf, 1, (size_t)n, stdout), printf(\"\\n\");\n}\n\n";

static char declared[512][SP_NAME_MAX + 8];
static size_t ndeclared;

/* "int " the first time a variable is set, "" after. */
static const char *decl(const char *v)
{
    for (size_t i = 0; i < ndeclared; i++)
        if (!strcmp(declared[i], v)) return "";
    if (ndeclared < sizeof declared / sizeof declared[0]) snprintf(declared[ndeclared++], sizeof declared[0], "%s", v);
    return "int ";
}

static void addr_args(FILE *f, const sp_call *o, const char *port)
{
    fprintf(f, "(struct sockaddr *)&addr, where(&addr, %s, ", addr_family_name(o->family));
    literal_str(f, o->host, strlen(o->host), LANG_C_SRC, 1);
    fputs(", ", f);
    if (port) fprintf(f, "%s)", port);
    else fprintf(f, "%d)", o->port < 0 ? 0 : o->port);
}

void export_c(FILE *f)
{
    static const char *how[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    long maxrecv = 1;
    ndeclared = 0;
    for (size_t i = 0; i < log_count(); i++)
        if ((log_at(i)->kind == CALL_RECV || log_at(i)->kind == CALL_RECVFROM) && log_at(i)->n > maxrecv) maxrecv = log_at(i)->n;
    fputs(prelude, f);
    fprintf(f, "int main(void)\n{\n    static char buf[%ld];\n    struct sockaddr_storage addr, peer;\n"
               "    socklen_t len;\n    long n;\n\n    (void)buf, (void)addr, (void)peer, (void)len, (void)n;\n",
            maxrecv);
    for (size_t i = 0; i < log_count(); i++) {
        const sp_call *o = log_at(i);
        const sp_optdef *d = o->opt;
        export_names nm;
        char *v = nm.v, *nv = nm.nv;
        if (!export_start(f, i, LANG_C_SRC, &nm)) continue;
        if (o->rc < 0) fprintf(f, TR("    /* in sockplay this failed: %s */\n", "    /* 在 sockplay 中这次调用失败了：%s */\n"), errtext_name(o->err));
        switch (o->kind) {
        case CALL_SOCKET:
            fprintf(f, "    %s%s = (int)check(socket(%s, %s, 0), \"socket\");\n", decl(nv), nv, addr_family_name(o->family),
                    o->type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM");
            break;
        case CALL_BIND: fprintf(f, "    check(bind(%s, ", v); addr_args(f, o, NULL); fprintf(f, "), \"bind\");\n"); break;
        case CALL_LISTEN: fprintf(f, "    check(listen(%s, %ld), \"listen\");\n", v, o->n); break;
        case CALL_ACCEPT:
            fprintf(f, "    len = sizeof peer;\n    %s%s = (int)check(accept(%s, (struct sockaddr *)&peer, &len), \"accept\");\n",
                    decl(nv), nv, v);
            break;
        case CALL_CONNECT:
            fprintf(f, "    check(connect(%s, ", v);
            addr_args(f, o, nm.port);
            fprintf(f, "), \"connect\");\n");
            break;
        case CALL_SEND:
        case CALL_SENDTO:
            fprintf(f, "    check(%s(%s, ", o->kind == CALL_SEND ? "send" : "sendto", v);
            literal_bytes(f, o->buf, (size_t)o->n, LANG_C_SRC, (size_t)-1, NULL);
            fprintf(f, ", %ld, MSG_NOSIGNAL", o->n);
            if (o->kind == CALL_SENDTO) fprintf(f, ", "), addr_args(f, o, nm.port);
            fprintf(f, "), \"%s\");\n", o->kind == CALL_SEND ? "send" : "sendto");
            break;
        case CALL_RECV:
            fprintf(f, "    n = check(recv(%s, buf, %ld, 0), \"recv\");\n    show(\"recv\", buf, n);\n", v, o->n);
            break;
        case CALL_RECVFROM:
            fprintf(f, "    len = sizeof peer;\n    n = check(recvfrom(%s, buf, %ld, 0, (struct sockaddr *)&peer, &len), \"recvfrom\");\n"
                       "    show(\"recvfrom\", buf, n);\n", v, o->n);
            break;
        case CALL_SETSOCKOPT:
            if (d->kind == OPT_TIMEVAL)
                fprintf(f, "    check(setsockopt(%s, %s, %s, &(struct timeval){%ld, %ld}, sizeof(struct timeval)), \"setsockopt\");\n",
                        v, d->level_name, d->name, (long)o->val.u.tv.tv_sec, (long)o->val.u.tv.tv_usec);
            else if (d->kind == OPT_LINGER)
                fprintf(f, "    check(setsockopt(%s, %s, %s, &(struct linger){%d, %d}, sizeof(struct linger)), \"setsockopt\");\n",
                        v, d->level_name, d->name, o->val.u.lg.l_onoff, o->val.u.lg.l_linger);
            else
                fprintf(f, "    check(setsockopt(%s, %s, %s, &(int){%d}, sizeof(int)), \"setsockopt\");\n", v, d->level_name,
                        d->name, o->val.u.i);
            break;
        case CALL_GETSOCKOPT:
            fprintf(f, "    len = sizeof buf;\n    check(getsockopt(%s, %s, %s, buf, &len), \"getsockopt\");\n", v, d->level_name,
                    d->name);
            break;
        case CALL_SHUTDOWN: fprintf(f, "    check(shutdown(%s, %s), \"shutdown\");\n", v, how[o->n]); break;
        case CALL_SETBLOCKING:
            fprintf(f, "    check(fcntl(%s, F_SETFL, fcntl(%s, F_GETFL) %s), \"fcntl\");\n", v, v, o->n ? "& ~O_NONBLOCK" : "| O_NONBLOCK");
            break;
        case CALL_SETTIMEOUT: break;
        case CALL_GETSOCKNAME:
        case CALL_GETPEERNAME:
            fprintf(f, "    len = sizeof peer;\n    check(%s(%s, (struct sockaddr *)&peer, &len), \"%s\");\n",
                    o->kind == CALL_GETSOCKNAME ? "getsockname" : "getpeername", v,
                    o->kind == CALL_GETSOCKNAME ? "getsockname" : "getpeername");
            break;
        case CALL_CLOSE: fprintf(f, "    check(close(%s), \"close\");\n", v); break;
        case CALL_POLL: {
            char list[sizeof nm.nv], *save = NULL;
            int k = 0;
            explain_vars(o, LANG_C_SRC, nv, sizeof nm.nv);
            fprintf(f, "    {\n        struct pollfd p[] = {");
            snprintf(list, sizeof list, "%s", nv);
            for (char *w = strtok_r(list, ", ", &save); w; w = strtok_r(NULL, ", ", &save), k++)
                fprintf(f, "%s{%s, POLLIN, 0}", k ? ", " : "", w);
            fprintf(f, "};\n        check(poll(p, %d, %ld), \"poll\");\n    }\n", k, o->n);
            break;
        }
        }
    }
    /* A socket the session made and never used again must not fail -Wall -Werror. */
    if (ndeclared) {
        fprintf(f, "   ");
        for (size_t i = 0; i < ndeclared; i++) fprintf(f, "%s(void)%s", i ? ", " : " ", declared[i]);
        fprintf(f, ";\n");
    }
    fprintf(f, "    return 0;\n}\n");
}
