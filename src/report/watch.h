/* watch.h — `state --watch`: the table redrawn in place until a key is pressed. */
#ifndef SP_WATCH_H
#define SP_WATCH_H
/* Refreshes every interval seconds for at most limit seconds; a key (on a terminal),
 * Ctrl-C or the limit ends it. Returns how many frames were drawn. */
int watch_table(double interval, double limit);
#endif
