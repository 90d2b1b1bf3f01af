/* keymap.c — open addressing with linear probing, at most half full. */
#include "core/keymap.h"
#include <stdint.h>
#include <stdlib.h>

static size_t slot(const keymap *m, unsigned long key)
{
    return (size_t)(((uint64_t)key * 0x9e3779b97f4a7c15ull) >> m->shift);   /* Fibonacci hashing: the top bits */
}

int keymap_init(keymap *m, size_t n)
{
    size_t cap = 16;
    m->shift = 60;
    while (cap < 2 * n) cap *= 2, m->shift--;
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = malloc(cap * sizeof *m->vals);
    m->mask = cap - 1;
    if (m->keys && m->vals) return 0;
    keymap_free(m);
    return -1;
}

void keymap_put(keymap *m, unsigned long key, const void *val)
{
    size_t i;
    if (!key || !m->keys) return;
    for (i = slot(m, key); m->keys[i] && m->keys[i] != key; i = (i + 1) & m->mask) {}
    m->keys[i] = key;
    m->vals[i] = val;
}

const void *keymap_get(const keymap *m, unsigned long key)
{
    if (!key || !m->keys) return NULL;
    for (size_t i = slot(m, key); m->keys[i]; i = (i + 1) & m->mask)
        if (m->keys[i] == key) return m->vals[i];
    return NULL;
}

void keymap_free(keymap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->mask = 0;
}
