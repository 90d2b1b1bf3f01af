/* errtext.h — one sentence per errno that a learner can act on. */
#ifndef SP_ERRTEXT_H
#define SP_ERRTEXT_H
#include <stddef.h>

/* The symbolic name: "ECONNREFUSED". */
const char *errtext_name(int err);
/* The class Python raises for err (PEP 3151: ECONNREFUSED → ConnectionRefusedError),
 * OSError for the others. */
const char *errtext_python(int err);
/* What err means for this call ("connect", "bind" …) on addr (may be NULL); NULL if nothing to add. */
const char *errtext_errno(int err, const char *call, const char *addr, char *buf, size_t n);
/* The same for a call made on a listening socket, where some errnos mean "wrong socket". */
const char *errtext_on_listener(int err, const char *call, const char *addr, char *buf, size_t n);
/* The same for a call made on a TCP socket that never connected, where Linux says EPIPE. */
const char *errtext_never_connected(int err, const char *call, const char *addr, char *buf, size_t n);
/* "WHAT could not be read: EMFILE (…) — why": a read that failed (the kernel's table, a
 * system file) said as such, so that nothing is claimed from data that was never read. */
const char *errtext_unread(const char *what, int err, char *buf, size_t n);
#endif
