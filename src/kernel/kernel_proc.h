/* kernel_proc.h — the kernel's TCP table through /proc/net/tcp and /proc/net/tcp6, for when
 * netlink is not allowed, and for `port`. Used by kernel.c and the unit tests. */
#ifndef SP_KERNEL_PROC_H
#define SP_KERNEL_PROC_H
#include "kernel/kernel_match.h"

/* One line of /proc/net/tcp (family AF_INET) or tcp6 (AF_INET6) into e: 1, or 0 when it is
 * not a socket's line (the header). hz: clock ticks per second, for the timer. */
int kernel_proc_parse(const char *line, int family, long hz, kernel_entry *e);
/* Every socket of the file at path (a family's table), each handed to take; 0, or -1 with
 * errno when it could not be opened. */
int kernel_proc_read(const char *path, int family, kernel_take *take, void *ctx);
#endif
