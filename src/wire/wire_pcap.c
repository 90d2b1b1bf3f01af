/* wire_pcap.c — finds Debian's libpcap when the wire is first turned on (see wire_pcap.h). */
#define WIRE_PCAP_SELF
#include "wire/wire_pcap.h"
#include <dlfcn.h>
#include <stdio.h>
#include "report/out.h"

wire_pcap_api wire_pcap;
static void *lib;

int wire_pcap_load(char *err, size_t n)
{
    const char *missing = NULL;
    if (lib) return 0;
    if (!(lib = dlopen("libpcap.so.0.8", RTLD_NOW | RTLD_LOCAL)) && !(lib = dlopen("libpcap.so.1", RTLD_NOW | RTLD_LOCAL))) {
        snprintf(err, n, TR("libpcap is not installed (%s): sudo apt-get install libpcap0.8",
                            "没有安装 libpcap（%s）：sudo apt-get install libpcap0.8"), dlerror());
        return -1;
    }
#define WIRE_PCAP_FIND(f) if (!missing && !(*(void **)&wire_pcap.f##_p = dlsym(lib, #f))) missing = #f;
    WIRE_PCAP_FUNCS(WIRE_PCAP_FIND)
    if (missing) {
        snprintf(err, n, TR("this libpcap has no %s: it is too old for sockplay", "这个 libpcap 没有 %s：版本太旧"), missing);
        dlclose(lib);
        lib = NULL;
        return -1;
    }
    return 0;
}
