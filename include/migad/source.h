/*
 * Packet sources: capture files and live interfaces, read through libpcap.
 *
 * A source hands out raw frames with nanosecond timestamps.  Files may be
 * classic pcap (either byte order, micro- or nanosecond), pcapng, or either
 * compressed with gzip; the format is found from the file's first bytes,
 * never from its name.  "-" reads standard input.  Live sources capture from
 * one interface with a chosen kernel buffer size.
 *
 * Lifetime: the frame returned by migad_source_next() stays valid until the
 * next call on the same source or its free.
 */
#ifndef MIGAD_SOURCE_H
#define MIGAD_SOURCE_H

#include "migad/migad.h"
#include "migad/packet.h"

#ifdef __cplusplus
extern "C" {
#endif

struct migad_source;

struct migad_source_opts {
    const char *filter;   /* BPF expression (tcpdump syntax), NULL for none */
    int snaplen;          /* live: bytes to capture per packet, 0 = 262144 */
    int buffer_kib;       /* live: kernel buffer in KiB, 0 = libpcap default */
    int promisc;          /* live: promiscuous mode */
    int timeout_ms;       /* live: read timeout, 0 = 100 ms */
};

/* One frame as captured. */
struct migad_frame {
    migad_ns ts;
    uint32_t caplen;
    uint32_t wirelen;
    int dlt;              /* link-layer type (libpcap DLT_* value) */
    const uint8_t *data;
};

/* Open a capture file ("-" = standard input).  On failure *out is NULL and
 * err names the file and the reason. */
migad_status migad_source_open_file(struct migad_source **out, const char *path,
                                    const struct migad_source_opts *opts,
                                    char err[MIGAD_ERRBUF_SIZE]);

/* Open a live capture on interface `ifname`. */
migad_status migad_source_open_live(struct migad_source **out, const char *ifname,
                                    const struct migad_source_opts *opts,
                                    char err[MIGAD_ERRBUF_SIZE]);

/*
 * Next frame.  Returns MIGAD_OK with *f filled; MIGAD_EOF at the end of a
 * file; MIGAD_EAGAIN when a live source has nothing waiting (live sources are
 * non-blocking: wait on migad_source_fd() with poll()).  A file that ends
 * inside a record returns MIGAD_ETRUNC after its last whole frame; other read
 * errors MIGAD_EPCAP.  The message is then in migad_source_error().
 */
migad_status migad_source_next(struct migad_source *s, struct migad_frame *f);

/*
 * Up to `max` frames (at least 1), in order, decoded with migad_decode(flags)
 * into pkts[0..*n), each with its capture time in ts; counts[r] is
 * incremented for each packet's enum migad_decode_result r.  The fast way
 * through a file: libpcap's pcap_dispatch, no call per packet.  Returns
 * what migad_source_next would after the last frame: MIGAD_OK (max frames
 * read, or a live source has nothing more now: then *n may be 0),
 * MIGAD_EOF, or an error (the frames before it are in pkts).
 */
migad_status migad_source_decode(struct migad_source *s, unsigned flags, struct migad_pkt *pkts,
                                 unsigned max, unsigned *n, uint64_t counts[4]);

/* File descriptor to wait on for a live source (-1 for files). */
int migad_source_fd(const struct migad_source *s);

/* Name given at open: the path ("-" for stdin) or interface. */
const char *migad_source_name(const struct migad_source *s);
/* Link-layer type of the source. */
int migad_source_dlt(const struct migad_source *s);
/* Last error message. */
const char *migad_source_error(const struct migad_source *s);
/* Frames received and dropped by the kernel (live); for files drops = 0. */
void migad_source_stats(const struct migad_source *s, uint64_t *received, uint64_t *dropped);

void migad_source_free(struct migad_source *s);

#ifdef __cplusplus
}
#endif

#endif /* MIGAD_SOURCE_H */
