/* kernel_diag.h — the kernel's TCP table through netlink sock_diag, as ss reads it. Used by
 * kernel.c. */
#ifndef SP_KERNEL_DIAG_H
#define SP_KERNEL_DIAG_H
#include <stddef.h>
#include "kernel/kernel_match.h"

/* Every TCP socket of family (AF_INET, AF_INET6) whose local port is one of ports (all of
 * them when there are none, or too many for a filter), each handed to take; 0, or -1 with
 * errno when the table could not be read. */
int kernel_diag_dump(int family, const unsigned short *ports, size_t nports, kernel_take *take, void *ctx);
#endif
