/* place.c — the places sockets live in: the lab's registration, and the current one. */
#include "core/place.h"
#include <errno.h>
#include <string.h>
#include <strings.h>

static place_ops ops;
static int registered;
int place_current = PLACE_HERE;

void place_register(const place_ops *o)
{
    ops = *o;
    registered = 1;
}

int place_count(void)
{
    return registered ? ops.count() : 0;
}

const char *place_name(int place)
{
    return registered ? ops.name(place) : "";
}

int place_find(const char *name)
{
    if (!registered) return -2;
    return ops.find(name);
}

int place_enter(int place)
{
    if (!registered) {
        if (place == PLACE_HERE) return 0;
        errno = EINVAL;
        return -1;
    }
    return ops.enter(place);
}
