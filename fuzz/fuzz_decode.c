/*
 * libFuzzer target for migad_decode() (src/lib/decode.c).
 *
 * Input layout: byte 0 chooses how the rest is decoded, the remaining bytes
 * are the frame (caplen = size - 1, so the frame ends exactly where the
 * fuzzer's buffer does and AddressSanitizer sees any over-read):
 *   bits 0-3  link type, an index into links[] below
 *   bit  4    MIGAD_DECODE_INNER
 *   bits 5-7  wirelen - caplen in units of 1000 bytes (a snapshot length
 *             effect; exercises the zero-length IP inference)
 * Besides "does not crash", a few invariants of the result are checked, and
 * migad_decode() (with its fast path) must equal the general path exactly.
 * fuzz/replay_main.c runs the same function over a corpus without libFuzzer.
 */
#include "migad/packet.h"

#include "decode_internal.h"

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int links[16] = {
    DLT_EN10MB, DLT_RAW,        101 /* LINKTYPE_RAW */, DLT_LINUX_SLL,
    DLT_LINUX_SLL2, DLT_NULL,   DLT_LOOP,   DLT_IPV4,
    DLT_IPV6,   DLT_EN10MB,     DLT_EN10MB, DLT_EN10MB,
    DLT_EN10MB, DLT_LINUX_SLL,  DLT_RAW,    147 /* DLT_USER0: unsupported */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > UINT32_MAX - 7000)
        return 0;
    int dlt = links[data[0] & 0x0f];
    unsigned flags = (data[0] & 0x10) ? MIGAD_DECODE_INNER : 0;
    uint32_t caplen = (uint32_t)(size - 1);
    uint32_t wirelen = caplen + (uint32_t)(data[0] >> 5) * 1000;
    const uint8_t *frame = caplen ? data + 1 : NULL;

    struct migad_pkt p, q;
    memset(&p, 0xa5, sizeof p);
    memset(&q, 0x5a, sizeof q);
    p.ts = 1;
    q.ts = 1;
    enum migad_decode_result r = migad_decode(dlt, frame, caplen, wirelen, flags, &p);

    /* the fast path and the general path agree, field for field */
    enum migad_decode_result r2 = migad_decode_general(dlt, frame, caplen, wirelen, flags, &q);
    if (r != r2 || memcmp(&p, &q, sizeof p) != 0)
        abort();

    /* invariants every result must satisfy */
    if ((unsigned)r > MIGAD_DECODE_UNSUPPORTED_LINK || p.ts != 1 || p.caplen != caplen ||
        p.wirelen != wirelen)
        abort();
    if ((r == MIGAD_DECODE_UNSUPPORTED_LINK) != !migad_decode_dlt_supported(dlt))
        abort();
    if (p.has_ports && p.l3 != MIGAD_L3_IPV4 && p.l3 != MIGAD_L3_IPV6)
        abort();
    if (p.has_ports && p.frag == MIGAD_FRAG_LATER)
        abort();
    if (p.l3 > MIGAD_L3_OTHER || p.frag > MIGAD_FRAG_LATER || p.tunnel > MIGAD_TUNNEL_GENEVE)
        abort();
    if (p.tunnel != MIGAD_TUNNEL_NONE && !(flags & MIGAD_DECODE_INNER))
        abort();
    if (p.l4_payload > p.ip_len)
        abort();

    char text[64];
    migad_addr_format(&p.src, text, sizeof text);
    migad_addr_format(&p.dst, text, (size_t)(data[0] & 0x0f) + 1);
    return 0;
}
