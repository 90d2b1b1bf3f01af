/* lab.h — `sockplay --lab` and `sockplay --join`: a session in a network of its own, made
 * without root (a user namespace holding a network namespace), and a second terminal (or a
 * program) entering it. Used by main.c (the options) and cli/repl.c (the prompt). */
#ifndef SP_LAB_H
#define SP_LAB_H

/* --lab [FILE.lab]: moves this (still single-threaded) process into a new user + network
 * namespace where it is root, brings lo up, builds the lab's hosts (the course's network,
 * or FILE's: lab_topo.h), notes the lab's pid for --join and says it is a lab. 0, or the
 * exit status (2) after saying why it cannot and what to do. */
int lab_enter(const char *topo_file);
/* --join [HOST]: enters the running lab's user namespace and its own network namespace, or
 * host HOST's. prog NULL: 0, and the session goes on there; else execvp(prog) and only
 * returns on failure. Returns the exit status after saying why (2: no lab, no such host or
 * cannot enter — nothing then runs; 127/126: prog not found/runnable). */
int lab_join(const char *host, char **prog);
/* After `lab add host`: the hosts --join finds are written again. */
void lab_hosts_changed(void);
/* At the session's end: the switch stops (the namespaces go with the process). */
void lab_leave(void);
/* Where new sockets are made, for the prompt: a host's name ("B"), or "lab" (the lab's own
 * network). */
const char *lab_where(void);
/* 1 when this session runs in a lab (--lab or --join). */
int lab_in(void);
#endif
