/* keymap.h — nonzero unsigned long keys to pointers, for the table's lookups (a thousand
 * rows matched by inode and by key on every table): built in one pass, no sorting. */
#ifndef SP_KEYMAP_H
#define SP_KEYMAP_H
#include <stddef.h>

typedef struct {
    unsigned long *keys;   /* 0: an empty slot */
    const void **vals;
    size_t mask;
    int shift;             /* 64 - log2(slots) */
} keymap;

/* Room for n keys; 0, or -1 when out of memory (the map then finds nothing). */
int keymap_init(keymap *m, size_t n);
void keymap_put(keymap *m, unsigned long key, const void *val);   /* key 0 is ignored */
const void *keymap_get(const keymap *m, unsigned long key);        /* NULL: not there */
void keymap_free(keymap *m);

#endif
