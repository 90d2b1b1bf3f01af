/* lab_switch.h — sockplay is the lab's switch: a thread reads every frame from the switch
 * ports (lab_net.h; libpcap on each veth end in the lab's namespace), learns which MAC is
 * behind which port, and writes the frame to the port its destination is behind (flooded
 * to the LAN's other ports when it is a broadcast or not yet learned). The thread never
 * prints; it counts. Used by lab/lab.c (start, stop) and the `lab` command (counts). */
#ifndef SP_LAB_SWITCH_H
#define SP_LAB_SWITCH_H
#include <stddef.h>

/* What the switch did since it started. */
typedef struct {
    unsigned long frames, forwarded, flooded, dropped, errors;
} lab_switch_stats;

/* Opens a capture on every port and starts the switch thread, pinned with the calling
 * (main) thread to one CPU (a frame then crosses no CPU: tens of µs less per hop). 0, or
 * -1 with err saying why. */
int lab_switch_start(char *err, size_t n);
/* Stops the thread and closes the captures (at exit). */
void lab_switch_stop(void);
/* Its counts so far. */
void lab_switch_stats_get(lab_switch_stats *s);
#endif
