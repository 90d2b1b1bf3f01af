/* lab_filter.h — which frames a switch rule applies to: `syn`, `syn+ack`, `fin`, `rst`,
 * `ack`, `data`, `tcp`, `udp`, `icmp`, `arp`, and `from HOST`, `to HOST`, in any order
 * (`wire drop next syn+ack from B`). The words are defined once here, beside their parser;
 * matching reads a raw Ethernet frame. No I/O: the unit tests read it whole. */
#ifndef SP_LAB_FILTER_H
#define SP_LAB_FILTER_H
#include <stddef.h>
#include "lab/lab_topo.h"
#include "lang/words.h"

enum { LAB_F_ANY, LAB_F_SYN, LAB_F_SYNACK, LAB_F_FIN, LAB_F_RST, LAB_F_ACK, LAB_F_DATA, LAB_F_TCP, LAB_F_UDP,
       LAB_F_ICMP, LAB_F_ARP };

typedef struct {
    int what;                 /* LAB_F_* */
    int from, to;             /* a host's index in the topology, or -1 for any */
} lab_filter;

/* The kinds a filter names, for Tab and the usage line. */
extern const sp_word lab_filter_words[];
/* Reads words[0..n) into *f. 0, or -1 with err naming the word that is wrong. */
int lab_filter_parse(const lab_topo *t, char **words, int n, lab_filter *f, char *err, size_t errn);
/* Whether the Ethernet frame (len bytes) is one f selects. */
int lab_filter_match(const lab_topo *t, const lab_filter *f, const unsigned char *frame, size_t len);
/* The filter as words again ("syn+ack from B"; "every frame" for none). */
void lab_filter_text(const lab_topo *t, const lab_filter *f, char *buf, size_t n);
#endif
