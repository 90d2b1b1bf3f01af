/* lab_nl.c — finds Debian's libnl-3 and libnl-route-3 when a lab is first built (see lab_nl.h). */
#define LAB_NL_SELF
#include "lab/lab_nl.h"
#include <dlfcn.h>
#include <stdio.h>
#include "report/out.h"

lab_nl_api lab_nl;
static void *core, *route;

int lab_nl_load(char *err, size_t n)
{
    const char *missing = NULL;
    if (route) return 0;
    if (!(core = dlopen("libnl-3.so.200", RTLD_NOW | RTLD_GLOBAL)) || !(route = dlopen("libnl-route-3.so.200", RTLD_NOW | RTLD_LOCAL))) {
        snprintf(err, n, TR("libnl is not installed (%s): sudo apt-get install libnl-route-3-200",
                            "没有安装 libnl（%s）：sudo apt-get install libnl-route-3-200"), dlerror());
        if (core) dlclose(core);
        core = NULL;
        return -1;
    }
#define LAB_NL_FIND_CORE(f) if (!missing && !(*(void **)&lab_nl.f##_p = dlsym(core, #f))) missing = #f;
#define LAB_NL_FIND_ROUTE(f) if (!missing && !(*(void **)&lab_nl.f##_p = dlsym(route, #f))) missing = #f;
    LAB_NL_CORE(LAB_NL_FIND_CORE)
    LAB_NL_ROUTE(LAB_NL_FIND_ROUTE)
    if (missing) {
        snprintf(err, n, TR("this libnl has no %s: it is too old for sockplay", "这个 libnl 没有 %s：版本太旧"), missing);
        dlclose(route);
        dlclose(core);
        route = core = NULL;
        return -1;
    }
    return 0;
}
