/* place.h — where a socket lives: the session's own network (PLACE_HERE), or one of the
 * lab's hosts (a network namespace; lab/lab_net.c). The lab registers its hosts here; the
 * core makes each socket in the current place (`on B`, socket.host("B")) and the kernel's
 * table is read in each place its sockets live in. Outside a lab there is one place. */
#ifndef SP_PLACE_H
#define SP_PLACE_H

#define PLACE_HERE (-1)

typedef struct {
    int (*enter)(int place);            /* moves this thread there: 0, or -1 with errno */
    int (*count)(void);                 /* how many hosts: places 0 … count-1 */
    const char *(*name)(int place);     /* "A"; "lab" for PLACE_HERE */
    int (*find)(const char *name);      /* a place by name (any case), -2 when none */
} place_ops;

/* The lab's hosts become places (called once, when its network is built). */
void place_register(const place_ops *ops);
/* How many hosts there are (0: no lab network, one place only). */
int place_count(void);
const char *place_name(int place);
/* A place by name: PLACE_HERE for "lab", a host's index, or -2 when there is none. */
int place_find(const char *name);
/* Moves this thread into place (a socket made there stays there); 0, or -1 with errno. */
int place_enter(int place);
/* Where new sockets are made: `on NAME` sets it. */
extern int place_current;
#endif
