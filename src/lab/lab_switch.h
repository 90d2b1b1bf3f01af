/* lab_switch.h — sockplay is the lab's switch: a thread reads every frame from the switch
 * ports (lab_net.h; libpcap on each veth end in the lab's namespace), learns which MAC is
 * behind which port, and writes the frame to the port its destination is behind (flooded
 * to the LAN's other ports when it is a broadcast or not yet learned). Rules the learner
 * sets hold, drop, delay, duplicate or reorder frames on the way. With the tap on, every
 * frame and what the switch did with it is handed to the wire view (lab_switch_take).
 * The thread never prints. Used by lab/lab.c (start, stop), cmd/ (`lab`, `wire hold` …,
 * `next`) and wire/ (the tap, through wire_tap_register). */
#ifndef SP_LAB_SWITCH_H
#define SP_LAB_SWITCH_H
#include <stddef.h>
#include <time.h>
#include "lab/lab_filter.h"
#include "wire/wire.h"

/* What the switch counted since it started. */
typedef struct {
    unsigned long frames, forwarded, flooded, dropped, held, delayed, duplicated, errors;
    unsigned long untapped;   /* frames the tap could not hand over (its ring was full) */
} lab_switch_stats;

/* What the switch did with each frame is a PACKET_SW_* (wire/packet.h); the tap hands each
 * frame over as a wire_tap_event (wire/wire.h). */
/* Opens a capture on every port and starts the switch thread, pinned with the calling
 * (main) thread to one CPU (a frame then crosses no CPU: tens of µs less per hop). 0, or
 * -1 with err saying why. */
int lab_switch_start(char *err, size_t n);
/* After lab_net_add: opens the new ports (the thread stops and starts again, keeping what it
 * holds). 0, or -1 with err. */
int lab_switch_add_ports(char *err, size_t n);
/* Stops the thread and closes the captures (at exit). */
void lab_switch_stop(void);
/* Whether the switch runs (a lab with hosts, not the kernel's bridge). */
int lab_switch_running(void);
/* Its counts so far. */
void lab_switch_stats_get(lab_switch_stats *s);

/* The tap: on, every frame becomes an event; lab_switch_tap_fd() polls readable while
 * events wait; lab_switch_take takes the oldest (1), or says none waits (0). */
void lab_switch_tap(int on);
int lab_switch_tap_fd(void);
int lab_switch_take(wire_tap_event *e);

/* The rules. Each returns at once; the thread applies them to the frames that follow. */
void lab_switch_hold(int on);                 /* hold every frame until released */
int lab_switch_held(void);                    /* how many frames are held now */
void lab_switch_release(int n);               /* send on n held frames (n < 0: all) */
void lab_switch_drop_next(const lab_filter *f);   /* drop the next frame f selects */
int lab_switch_drop_pending(lab_filter *f);   /* 1 (and the filter) while a drop waits */
void lab_switch_loss(int percent);            /* drop each frame with this chance */
void lab_switch_delay(int ms);                /* send each frame ms late */
void lab_switch_dup(int on);                  /* send each frame twice */
void lab_switch_reorder(int on);              /* swap each frame with the one after it */
/* The rules in force, as the learner would type them ("hold, loss 20%, delay 200 ms"); "" none. */
void lab_switch_rules_text(char *buf, size_t n);
#endif
