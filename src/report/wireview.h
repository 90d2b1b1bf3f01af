/* wireview.h — the wire in the session: the capture switched on and off, its port set
 * following the session's sockets, each call's packets printed under its result line,
 * packets that arrive while the prompt waits printed above it, the last WIREVIEW_RING
 * packets kept. Used by main.c (init, --wire, shutdown), cmd/cmd_session.c (`wire`),
 * cli/repl.c (the prompt's async fd), lua/lsock.c (socket.wire, socket.packets,
 * socket.wirestats) and report/render.c (the note naming the packet that changed a state). */
#ifndef SP_WIREVIEW_H
#define SP_WIREVIEW_H
#include <stddef.h>
#include <sys/socket.h>
#include "wire/packet.h"

#define WIREVIEW_RING 10000

/* Registers the listener (switched off until wireview_set(1)); after report_init and log_init. */
void wireview_init(void);
/* wire on (1) or off (0): 0, or -1 with err saying why and what to type. Off closes the
 * capture: no capture socket exists while it is off. */
int wireview_set(int on, char *err, size_t n);
/* The fd the prompt polls (-1 while off), and what it calls when it is readable: the
 * waiting packets printed. */
int wireview_fd(void);
void wireview_async(void);
/* Reads what waits into the ring (printed when the trace is on): before listing. */
void wireview_collect(void);
/* The ring: how many it holds, how many were seen since `wire on`, the i-th oldest. */
size_t wireview_count(void);
unsigned long wireview_total(void);
const packet *wireview_at(size_t i);
/* Prints the last n packets kept. */
void wireview_list(size_t n);
/* The name of a session socket at end (a packet_namefn; ud: the packet). */
const char *wireview_name(const struct sockaddr *end, int proto, void *ud);
/* The table's note for a TCP end in state (addresses as "127.0.0.1:7788"): which packet
 * put it there ("ESTABLISHED ← SYN+ACK from s"). 1 with buf filled, 0 when the wire did
 * not see it (or is off). */
int wireview_state_note(const char *local, const char *peer, const char *state, char *buf, size_t n);
void wireview_shutdown(void);
#endif
