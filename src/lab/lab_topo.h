/* lab_topo.h — the lab's network as data: hosts and routers, each interface's address,
 * prefix and MAC, the LANs their addresses make, each host's default gateway. Built from
 * the course's default (A 192.168.1.103 and B 192.168.1.104 on 192.168.1.0/24, router R
 * 192.168.1.1 / 10.0.0.1, D 10.0.0.2 on 10.0.0.0/24) or from a topology file's lines (no
 * I/O but lab_topo_file's read): lab/lab_net.c makes it real, `lab` prints it, the unit
 * tests read it. */
#ifndef SP_LAB_TOPO_H
#define SP_LAB_TOPO_H
#include <netinet/in.h>
#include <stddef.h>

#define LAB_NAME_MAX 12      /* a host's name: letters, digits, '-', '_', starting with a letter */
#define LAB_HOSTS 16
#define LAB_IFS 4            /* interfaces per host (a router has one per LAN) */
#define LAB_LANS 8

typedef struct {
    struct in_addr addr;
    int prefix;
    int lan;                 /* index into lab_topo.lans */
    unsigned char mac[6];
    char name[8];            /* inside the host: "eth0" */
} lab_if;

typedef struct {
    char name[LAB_NAME_MAX + 1];
    int router;              /* forwards between its LANs */
    lab_if ifs[LAB_IFS];
    int nifs;
    struct in_addr gateway;  /* 0: none (a router, or a LAN without one) */
    int gateway_set;         /* given in the file ("gateway ADDR"), not found */
} lab_host;

typedef struct {
    struct in_addr net;      /* the network's address (host bits 0) */
    int prefix;
} lab_lan;

typedef struct {
    lab_host hosts[LAB_HOSTS];
    int nhosts;
    lab_lan lans[LAB_LANS];
    int nlans;
} lab_topo;

/* Whether the len bytes at w can name a host: up to LAB_NAME_MAX letters, digits, '-' or
 * '_', starting with a letter (the one rule: files, `lab add`, --join B, "B: CMD"). */
int lab_topo_name_ok(const char *w, size_t len);
/* An empty topology. */
void lab_topo_init(lab_topo *t);
/* The course's network (the default of `sockplay --lab`). */
void lab_topo_default(lab_topo *t);
/* Reads one line of a topology file, or of `lab add`:
 *   host NAME ADDR/N [gateway ADDR]
 *   router NAME ADDR/N ADDR/N …
 * a blank line or a # comment does nothing. 0, or -1 with the mistake in err (the
 * topology unchanged). */
int lab_topo_line(lab_topo *t, const char *line, char *err, size_t n);
/* After the last line: each host's gateway (the router's address on its LAN, when one
 * router has one there), and the checks no line can make alone. 0, or -1 with err. */
int lab_topo_finish(lab_topo *t, char *err, size_t n);
/* Reads a topology file (lab_topo_line for each line, then lab_topo_finish): 0, or -1 with
 * err naming the file, the line and its mistake. The only I/O of this module. */
int lab_topo_file(const char *path, lab_topo *t, char *err, size_t n);
/* The host named name (any case), or NULL. */
const lab_host *lab_topo_host(const lab_topo *t, const char *name);
/* The host and interface that hold addr, or NULL. */
const lab_host *lab_topo_owner(const lab_topo *t, struct in_addr addr, int *ifindex);
/* "192.168.1.0/24" */
void lab_topo_lan_text(const lab_topo *t, int lan, char *buf, size_t n);
/* "02:00:00:00:01:01" */
void lab_topo_mac_text(const unsigned char *mac, char *buf, size_t n);
#endif
