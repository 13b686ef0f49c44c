/*
 * Per-bin traffic features.
 *
 * Packets are cut into fixed-width time bins; each bin becomes one feature
 * vector.  Every feature is defined exactly in docs/features.md.  Paper 1
 * (seed 000, sec. III) uses the first eight: packets, bytes, active flows and
 * the Shannon entropy (bits) of source IP, destination IP, source port,
 * destination port and packet size.  The rest are migad's extended set.
 *
 * Feature sets are chosen by name: "paper", "extended" (everything), or any
 * comma-separated mix of set and column names.
 */
#ifndef MIGAD_FEATURES_H
#define MIGAD_FEATURES_H

#include "migad/migad.h"
#include "migad/packet.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Feature identifiers; the order is the default column order. */
enum migad_feature {
    /* paper 1 */
    MIGAD_F_PACKETS,
    MIGAD_F_BYTES,
    MIGAD_F_FLOWS,
    MIGAD_F_H_SRCIP,
    MIGAD_F_H_DSTIP,
    MIGAD_F_H_SPORT,
    MIGAD_F_H_DPORT,
    MIGAD_F_H_PKTSIZE,
    /* extended */
    MIGAD_F_SYN,
    MIGAD_F_SYNACK,
    MIGAD_F_RST,
    MIGAD_F_FIN,
    MIGAD_F_ICMP,
    MIGAD_F_ARP,
    MIGAD_F_RARP,
    MIGAD_F_N_SRCIP,
    MIGAD_F_N_DSTIP,
    MIGAD_F_N_SPORT,
    MIGAD_F_N_DPORT,
    MIGAD_F_NEW_FLOWS,
    MIGAD_F_RETRANS,
    MIGAD_F_PKTS_WELLKNOWN,
    MIGAD_F_BYTES_WELLKNOWN,
    MIGAD_F_PKTS_REGISTERED,
    MIGAD_F_BYTES_REGISTERED,
    MIGAD_F_PKTS_DYNAMIC,
    MIGAD_F_BYTES_DYNAMIC,
    MIGAD_F_PKTS_NOPORT,
    MIGAD_F_BYTES_NOPORT,
    MIGAD_F_COUNT
};

/* Column name of a feature ("packets", "h_srcip", ...). */
const char *migad_feature_name(enum migad_feature f);
/* The feature whose column name is `name` ("packets", "h_srcip", ...) into
 * *out; 0, or -1 when no feature has that name (set names are not
 * features). */
int migad_feature_by_name(const char *name, enum migad_feature *out);
/* One-line description of a feature. */
const char *migad_feature_help(enum migad_feature f);
/* Is the feature an integer count (1) or a real number (0)? */
int migad_feature_is_count(enum migad_feature f);

/* An ordered selection of features. */
struct migad_featset {
    unsigned n;
    enum migad_feature ids[MIGAD_F_COUNT];
};

/* Parse "paper", "extended", "all", column names, comma-separated, in the
 * order given, duplicates dropped.  err names the unknown word. */
migad_status migad_featset_parse(struct migad_featset *fs, const char *spec,
                                 char err[MIGAD_ERRBUF_SIZE]);

/* ---- binning ------------------------------------------------------------ */

struct migad_binner_opts {
    migad_ns width;        /* bin width, >= 1 ms; default 1 s */
    migad_ns max_gap;      /* a silence longer than this starts a new segment
                              instead of empty bins; default 600 s */
    migad_ns reorder;      /* packets up to this much older than the newest
                              one still land in their bin; default 2 s */
    int align_first;       /* 0: bins start at multiples of width since the
                              epoch; 1: at the first packet's time */
    migad_ns flow_timeout; /* idle time after which a flow counts as new
                              again (new_flows); default 60 s */
    uint32_t max_flows;    /* cap on the flow table; default 4,000,000 */
};

void migad_binner_opts_init(struct migad_binner_opts *o);

/* A finished bin.  values[] is indexed by enum migad_feature (all
 * MIGAD_F_COUNT entries; those not selected are 0). */
struct migad_bin {
    migad_ns start;
    migad_ns width;
    int64_t index;         /* (start - first bin's start) / width */
    uint32_t segment;      /* 0, 1, ...: a new segment after a long gap or a
                              jump back in time beyond the reorder window */
    const double *values;
};

/* Called for every finished bin, in order; non-zero stops the binner
 * (migad_binner_add then returns MIGAD_EIO). */
typedef int (*migad_bin_fn)(void *ctx, const struct migad_bin *bin);

struct migad_binner;

migad_status migad_binner_create(struct migad_binner **out, const struct migad_binner_opts *opts,
                                 const struct migad_featset *fs, migad_bin_fn fn, void *ctx,
                                 char err[MIGAD_ERRBUF_SIZE]);

/* Add one decoded packet (p->ts and p->wirelen must be set). */
migad_status migad_binner_add(struct migad_binner *b, const struct migad_pkt *p);

/* Add n packets in order: the same as n calls of migad_binner_add, faster
 * (the memory loads of later packets overlap the work on earlier ones). */
migad_status migad_binner_add_batch(struct migad_binner *b, const struct migad_pkt *pkts,
                                    size_t n);

/* Close every open bin up to and including the one holding time `now`
 * minus the reorder window (for live capture: emits quiet seconds). */
migad_status migad_binner_advance(struct migad_binner *b, migad_ns now);

/* Close all open bins (end of input). */
migad_status migad_binner_finish(struct migad_binner *b);

struct migad_binner_stats {
    uint64_t packets;      /* packets added */
    uint64_t bins;         /* bins emitted */
    uint32_t segments;     /* segments started */
    uint64_t late;         /* packets older than the reorder window */
    uint64_t flows_dropped;/* flows not tracked because the table was full */
};

void migad_binner_stats(const struct migad_binner *b, struct migad_binner_stats *st);

void migad_binner_free(struct migad_binner *b);

#ifdef __cplusplus
}
#endif

#endif /* MIGAD_FEATURES_H */
