/* fuzz_packet.c — libFuzzer target: any bytes as a captured frame to packet_decode. The
 * first byte picks the link type (Ethernet, Linux cooked v1/v2, raw IP, BSD loopback), the
 * second how many bytes the frame claims on the wire beyond those captured; one table of
 * connections lives across inputs, as in a capture. Every record must format into a
 * NUL-terminated line that fits its buffer, and the small-buffer cut must too. */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "wire/packet.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_NULL, DLT_LOOP, 101, 228, 229};
    static packet_table t;
    packet p;
    char line[512], small[24];
    unsigned char *frame;
    size_t n, len;
    if (size < 2) return 0;
    n = size - 2;
    if (!(frame = malloc(n ? n : 1))) return 0;   /* an exact-size copy: ASan sees any read past it */
    memcpy(frame, data + 2, n);
    packet_decode(&p, dlts[data[0] % (sizeof dlts / sizeof dlts[0])], NULL, frame, n, n + data[1] * 64u, &t);
    if (p.ndata > PACKET_DATA || p.ndata > p.len) abort();
    len = packet_format(&p, line, sizeof line, NULL, NULL);
    if (len >= sizeof line || strlen(line) != len) abort();
    len = packet_format(&p, small, sizeof small, NULL, NULL);
    if (len >= sizeof small || strlen(small) != len) abort();
    free(frame);
    return 0;
}
