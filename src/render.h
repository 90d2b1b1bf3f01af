/* render.h — the live table of every socket, with what changed since the last one marked. */
#ifndef SP_RENDER_H
#define SP_RENDER_H

/* Prints the table when it differs from the last one printed, or always with force.
 * Returns 1 when it printed. */
int render_table(int force);
/* Frees the remembered table (at exit). */
void render_free(void);
#endif
