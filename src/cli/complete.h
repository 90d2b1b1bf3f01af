/* complete.h — Tab completion from the command table, socket names and option names. */
#ifndef SP_COMPLETE_H
#define SP_COMPLETE_H
void complete_line(const char *line, int start, const char *text, void (*add)(const char *cand));
#include <stddef.h>
/* What is left to type, from the command's usage ("bind s " → "HOST PORT"), or "". */
void complete_hint(const char *line, char *out, size_t n);
#endif
