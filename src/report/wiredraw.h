/* wiredraw.h — packets drawn as a sequence diagram, one line each, the rows of a batch
 * lined up and fitted to the terminal. Used by report/wireview.c (under a call, above the
 * prompt, `wire N`). */
#ifndef SP_WIREDRAW_H
#define SP_WIREDRAW_H
#include <stdio.h>
#include "wire/packet.h"

/* One packet, ready to draw. */
typedef struct {
    char time[16];                 /* since the call began, 7 columns */
    char left[96], right[96];      /* the ends: the one that opened the flow on the left */
    char lbrief[96], rbrief[96];   /* the same, a named end without its address ("c :7788") */
    char lstate[16], rstate[16];   /* the state each end entered with this packet, or "" */
    char lname[32], rname[32];     /* the session's names of the ends, or "" */
    char label[160];               /* what it is: "SYN+ACK seq=0 ack=1" */
    char tail[200];                /* the payload's start, "(retransmission)" */
    int rightward;                 /* the arrow points right (left → right) */
    int flat;                      /* no flow: plain holds tcpdump's dense line */
    char plain[600];
} wiredraw_row;

/* `wire mac on`: each row of an Ethernet frame shows its MAC addresses. */
extern int wiredraw_macs;
/* Makes p's row: t seconds after the call began; name (may be NULL) names the ends. */
void wiredraw_row_make(const packet *p, double t, packet_namefn name, void *ud, wiredraw_row *r);
/* Prints n rows lined up, fitted to the terminal's width. */
void wiredraw_print(FILE *f, const wiredraw_row *rows, size_t n);
#endif
