/* lab_net.h — the lab's topology (lab_topo.h) made real without root: each host a network
 * namespace in the lab's user namespace, each of its interfaces one end of a veth pair whose
 * other end (a switch port) stays in the lab's own namespace, offloads off on both ends,
 * addresses, default routes, forwarding on routers. Everything lives in namespaces only this
 * process holds: it vanishes with the session. Used by lab/lab.c (build), lab/lab_switch.c
 * (its ports), core/ (sockets made on a host) and the `lab`/`on` commands. */
#ifndef SP_LAB_NET_H
#define SP_LAB_NET_H
#include <stddef.h>
#include "lab/lab_topo.h"

#define LAB_PORTS (LAB_HOSTS * LAB_IFS)
#define LAB_OWN (-1)          /* the lab's own namespace (sockplay's, 127.0.0.1 only) */

/* A switch port: the veth end in the lab's namespace, which host interface it leads to. */
typedef struct {
    char name[16];            /* "sw-A", "sw-R1" */
    int host, ifx, lan;
} lab_port;

/* Builds t: must run in the lab's own namespace, before any second thread exists. Fails
 * closed: 0, or -1 with err naming the step that failed (the session must then not start). */
int lab_net_build(const lab_topo *t, char *err, size_t n);
/* `lab add host NAME ADDR/N`: one more host, built like the others (its switch port is
 * ports[] last; the switch must then open it: lab_switch_start again). 0, or -1 with err. */
int lab_net_add(const char *line, char *err, size_t n);
/* The topology built, or NULL when the lab has none (a --join'ed session, or no lab). */
const lab_topo *lab_net_topo(void);
/* The switch ports, and how many. */
const lab_port *lab_net_ports(size_t *n);
/* The host named name (any case): its index, LAB_OWN for "lab", or -2 when none. */
int lab_net_find(const char *name);
/* The name of host h ("lab" for LAB_OWN). */
const char *lab_net_name(int h);
/* Moves this thread into host h's network namespace (LAB_OWN: the lab's own); 0, or -1
 * with errno. A socket made there stays there. */
int lab_net_enter(int h);
/* Whether SOCKPLAY_LAB_SWITCH=bridge asks for the kernel's bridge instead of sockplay's
 * switch (the anchor of `make bench`), and whether the lab was built so. */
int lab_net_bridge_wanted(void);
int lab_net_bridged(void);
/* The fd that holds host h's network namespace (for --join HOST), or -1. */
int lab_net_fd(int h);
#endif
