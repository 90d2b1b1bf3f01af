/* registry.c — a small fd-ordered array: a class never has more than a few thousand sockets. */
#include "core/registry.h"
#include "report/out.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sp_sock **socks;
static size_t nsocks, cap;
static unsigned long next_serial = 1;

void registry_add(sp_sock *s)
{
    size_t i;
    s->serial = next_serial++;
    *out_decimal(s->fdtext, s->fd < 0 ? 0 : (unsigned)s->fd) = '\0';   /* once: labels are on every call */
    if (nsocks == cap) {
        size_t ncap = cap ? cap * 2 : 16;
        sp_sock **n = realloc(socks, ncap * sizeof *n);
        if (!n) { perror("sockplay: out of memory"); exit(1); }
        socks = n;
        cap = ncap;
    }
    for (i = nsocks; i > 0 && socks[i - 1]->fd > s->fd; i--) socks[i] = socks[i - 1];
    socks[i] = s;
    nsocks++;
}

void registry_remove(sp_sock *s)
{
    for (size_t i = 0; i < nsocks; i++) {
        if (socks[i] == s) {
            memmove(&socks[i], &socks[i + 1], (nsocks - i - 1) * sizeof *socks);
            nsocks--;
            free(s);
            return;
        }
    }
}

sp_sock *registry_by_fd(int fd)
{
    size_t lo = 0, hi = nsocks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (socks[mid]->fd == fd) return socks[mid];
        if (socks[mid]->fd < fd) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

sp_sock *registry_by_name(const char *name)
{
    if (!*name) return NULL;
    for (size_t i = 0; i < nsocks; i++)
        if (strcmp(socks[i]->name, name) == 0) return socks[i];
    return NULL;
}

sp_sock *registry_lookup(const char *ref)
{
    char *end;
    long fd;
    if (!ref || !*ref) return NULL;
    if (isdigit((unsigned char)ref[0])) {
        fd = strtol(ref, &end, 10);
        if (*end || fd < 0 || fd > 1 << 30) return NULL;
        return registry_by_fd((int)fd);
    }
    return registry_by_name(ref);
}

sp_sock *registry_set_name(sp_sock *s, const char *name)
{
    sp_sock *old = registry_by_name(name);
    size_t k = strnlen(name, sizeof s->name - 1);
    if (old == s) return NULL;
    if (old) old->name[0] = '\0';
    memcpy(s->name, name, k);            /* cut to fit, as every name sockplay keeps */
    s->name[k] = '\0';
    return old;
}

size_t registry_count(void) { return nsocks; }
sp_sock *registry_at(size_t i) { return i < nsocks ? socks[i] : NULL; }

const char *registry_label(const sp_sock *s)
{
    return s->name[0] ? s->name : s->fdtext;
}

int registry_valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= SP_NAME_MAX) return 0;
    if (!isalpha((unsigned char)name[0]) && name[0] != '_') return 0;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_') return 0;
    return 1;
}
