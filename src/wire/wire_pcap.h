/* wire_pcap.h — libpcap, loaded when the wire is first turned on (dlopen of Debian's
 * libpcap0.8), not linked at start: libpcap brings libdbus, libsystemd and libgcrypt, whose
 * loading doubled sockplay's start-up for every session, wire or not. wire.c includes this
 * instead of <pcap/pcap.h> and calls pcap_… as usual: the names below point into the table
 * wire_pcap_load fills. */
#ifndef SP_WIRE_PCAP_H
#define SP_WIRE_PCAP_H
#include <stddef.h>
#include <pcap/pcap.h>

#define WIRE_PCAP_FUNCS(X) \
    X(pcap_activate) X(pcap_close) X(pcap_compile) X(pcap_create) X(pcap_datalink) X(pcap_dispatch) X(pcap_dump) \
    X(pcap_dump_close) X(pcap_dump_flush) X(pcap_dump_fopen) X(pcap_freecode) X(pcap_get_selectable_fd) \
    X(pcap_get_tstamp_precision) X(pcap_geterr) X(pcap_inject) X(pcap_next_ex) X(pcap_set_buffer_size) \
    X(pcap_set_immediate_mode) X(pcap_set_promisc) X(pcap_set_snaplen) X(pcap_set_tstamp_precision) \
    X(pcap_setdirection) X(pcap_setfilter) X(pcap_setnonblock) X(pcap_stats)

#define WIRE_PCAP_MEMBER(f) __typeof__(f) *f##_p;
typedef struct { WIRE_PCAP_FUNCS(WIRE_PCAP_MEMBER) } wire_pcap_api;
extern wire_pcap_api wire_pcap;

/* Loads libpcap once: 0, or -1 with why in err (not installed: the package to install). */
int wire_pcap_load(char *err, size_t n);

#ifndef WIRE_PCAP_SELF
#define pcap_activate (wire_pcap.pcap_activate_p)
#define pcap_close (wire_pcap.pcap_close_p)
#define pcap_compile (wire_pcap.pcap_compile_p)
#define pcap_create (wire_pcap.pcap_create_p)
#define pcap_datalink (wire_pcap.pcap_datalink_p)
#define pcap_dispatch (wire_pcap.pcap_dispatch_p)
#define pcap_dump (wire_pcap.pcap_dump_p)
#define pcap_dump_close (wire_pcap.pcap_dump_close_p)
#define pcap_dump_flush (wire_pcap.pcap_dump_flush_p)
#define pcap_dump_fopen (wire_pcap.pcap_dump_fopen_p)
#define pcap_freecode (wire_pcap.pcap_freecode_p)
#define pcap_get_selectable_fd (wire_pcap.pcap_get_selectable_fd_p)
#define pcap_get_tstamp_precision (wire_pcap.pcap_get_tstamp_precision_p)
#define pcap_geterr (wire_pcap.pcap_geterr_p)
#define pcap_inject (wire_pcap.pcap_inject_p)
#define pcap_next_ex (wire_pcap.pcap_next_ex_p)
#define pcap_set_buffer_size (wire_pcap.pcap_set_buffer_size_p)
#define pcap_set_immediate_mode (wire_pcap.pcap_set_immediate_mode_p)
#define pcap_set_promisc (wire_pcap.pcap_set_promisc_p)
#define pcap_set_snaplen (wire_pcap.pcap_set_snaplen_p)
#define pcap_set_tstamp_precision (wire_pcap.pcap_set_tstamp_precision_p)
#define pcap_setdirection (wire_pcap.pcap_setdirection_p)
#define pcap_setfilter (wire_pcap.pcap_setfilter_p)
#define pcap_setnonblock (wire_pcap.pcap_setnonblock_p)
#define pcap_stats (wire_pcap.pcap_stats_p)
#endif
#endif
