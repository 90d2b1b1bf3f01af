/* render.h — the live table of every socket, with what changed since the last one marked. */
#ifndef SP_RENDER_H
#define SP_RENDER_H
#include <stdio.h>

/* Prints the table to stdout when it differs from the last one printed, or always with
 * force. Returns 1 when it printed. */
int render_table(int force);
/* The same into f. keep 0: compare with the last table but do not replace it, so that
 * `state --watch` marks everything that changed since the watch began. */
int render_table_to(FILE *f, int force, int keep);
/* Frees the remembered table (at exit). */
void render_free(void);
#endif
