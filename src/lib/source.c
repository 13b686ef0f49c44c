/*
 * Packet sources over libpcap.
 *
 * Files: libpcap itself tells classic pcap from pcapng by the magic number
 * and handles both byte orders; we ask for nanosecond timestamps so that
 * nanosecond files keep their precision and microsecond ones are scaled.
 * libpcap cannot read gzip, so a file whose first two bytes are the gzip
 * magic (1f 8b, RFC 1952) is decompressed by zlib behind a stdio stream
 * (fopencookie) that libpcap reads as if it were the plain file.  Standard
 * input cannot be rewound after peeking, so it always goes through zlib,
 * whose gzread passes uncompressed data through unchanged; so does a named
 * pipe or a device given by name.  A regular file is peeked at with pread.
 *
 * Live: the create / set / activate life cycle, non-blocking, nanosecond
 * timestamps when the platform offers them.
 */
#include "migad/source.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "errbuf.h"

/* Bytes of the stdio buffer a capture file is read through (see
 * migad_source_open_file). */
#define SOURCE_STREAM_BUFFER ((size_t)64 << 10)

struct migad_source {
    pcap_t *pcap;
    char *name;
    char *iobuf; /* the file stream's buffer (files), freed after pcap_close */
    int dlt;
    int live;
    int64_t ts_scale;   /* nanoseconds per unit of tv_usec (1 or 1000) */
    char err[MIGAD_ERRBUF_SIZE];
};


/* --- gzip behind a FILE* ------------------------------------------------ */

static ssize_t gz_cookie_read(void *cookie, char *buf, size_t size)
{
    gzFile gz = cookie;
    if (size > (size_t)INT32_MAX)
        size = (size_t)INT32_MAX;
    int n = gzread(gz, buf, (unsigned)size);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    return n;
}

static int gz_cookie_close(void *cookie)
{
    return gzclose((gzFile)cookie) == Z_OK ? 0 : -1;
}

/* A stream over fd (taken over, also on failure), or NULL with errno set. */
static FILE *gz_stream(int fd)
{
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
        int e = errno;
        close(fd);
        errno = e ? e : ENOMEM;
        return NULL;
    }
    gzbuffer(gz, 1 << 17);
    cookie_io_functions_t io = { .read = gz_cookie_read, .close = gz_cookie_close };
    FILE *fp = fopencookie(gz, "rb", io);
    if (!fp)
        gzclose(gz);
    return fp;
}

/* --- common -------------------------------------------------------------- */

static migad_status finish_open(struct migad_source *s, const struct migad_source_opts *opts,
                                char *err)
{
    s->dlt = pcap_datalink(s->pcap);
    if (opts && opts->filter && *opts->filter) {
        struct bpf_program prog;
        if (pcap_compile(s->pcap, &prog, opts->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            migad_seterr(err, "%s: bad filter expression '%s': %s", s->name, opts->filter,
                    pcap_geterr(s->pcap));
            return MIGAD_EINVAL;
        }
        int rc = pcap_setfilter(s->pcap, &prog);
        pcap_freecode(&prog);
        if (rc != 0) {
            migad_seterr(err, "%s: cannot set filter: %s", s->name, pcap_geterr(s->pcap));
            return MIGAD_EPCAP;
        }
    }
    return MIGAD_OK;
}

static struct migad_source *source_new(const char *name, char *err)
{
    struct migad_source *s = calloc(1, sizeof *s);
    if (!s || !(s->name = strdup(name))) {
        free(s);
        migad_seterr(err, "out of memory");
        return NULL;
    }
    s->ts_scale = 1;
    return s;
}

/* Describe the first bytes of a file that libpcap refused. */
static void describe_magic(const unsigned char *m, size_t n, char *out, size_t len)
{
    if (n == 0) {
        snprintf(out, len, "the file is empty");
        return;
    }
    size_t o = (size_t)snprintf(out, len, "it starts with bytes");
    for (size_t i = 0; i < n && i < 4 && o < len; i++)
        o += (size_t)snprintf(out + o, len - o, " %02x", m[i]);
    if (o < len)
        snprintf(out + o, len - o, ", not a pcap or pcapng magic number");
}

migad_status migad_source_open_file(struct migad_source **out, const char *path,
                                    const struct migad_source_opts *opts,
                                    char err[MIGAD_ERRBUF_SIZE])
{
    *out = NULL;
    struct migad_source *s = source_new(path, err);
    if (!s)
        return MIGAD_ENOMEM;

    FILE *fp;
    unsigned char magic[4] = { 0 };
    size_t nmagic = 0;
    int peeked = 0; /* magic holds the file's first nmagic bytes */
    int is_stdin = strcmp(path, "-") == 0;
    if (is_stdin) {
        int fd = dup(STDIN_FILENO);
        fp = fd >= 0 ? gz_stream(fd) : NULL;
        if (!fp) {
            migad_seterr(err, "cannot read standard input: %s", strerror(errno));
            migad_source_free(s);
            return MIGAD_EIO;
        }
    } else {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        ssize_t got = 0;
        int e = fd < 0 || fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
        if (e) {
            migad_seterr(err, "cannot open %s: %s", path, strerror(e));
            if (fd >= 0)
                close(fd);
            migad_source_free(s);
            return MIGAD_EIO;
        }
        peeked = S_ISREG(st.st_mode);
        if (peeked && (got = pread(fd, magic, sizeof magic, 0)) < 0) {
            migad_seterr(err, "cannot read %s: %s", path, strerror(errno));
            close(fd);
            migad_source_free(s);
            return MIGAD_EIO;
        }
        nmagic = (size_t)got;
        /* a pipe or a device cannot be peeked at: read like standard input */
        if (!peeked || (nmagic >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)) {
            fp = gz_stream(fd);
        } else if (!(fp = fdopen(fd, "rb"))) {
            int e2 = errno;
            close(fd);
            errno = e2;
        }
        if (!fp) {
            migad_seterr(err, "cannot read %s: %s", path, strerror(errno));
            migad_source_free(s);
            return MIGAD_EIO;
        }
    }

    /* The stream is only ever used by one thread at a time (the source's
     * owner), so stdio need not lock it on each of libpcap's two freads per
     * packet.  It would, as soon as the process has a second thread (an
     * OpenBLAS thread pool is enough), at a cost measured at about a tenth
     * of migad extract's time (bench/README.md). */
    __fsetlocking(fp, FSETLOCKING_BYCALLER);
    /* libpcap freads each record header and packet from the stream; with
     * stdio's default buffer (st_blksize, 4 KiB) that is one read(2) per
     * 4 KiB, about a quarter of migad extract's time on a page-cached
     * file (bench/README.md).  A larger buffer takes the file in fewer
     * system calls.  glibc takes the size only with a buffer of the
     * caller's; setvbuf must come before the first read.  Without the
     * memory, the default buffer does.  Regular files only: from a pipe,
     * gzread would wait for a whole buffer before libpcap saw a packet. */
    if (peeked && (s->iobuf = malloc(SOURCE_STREAM_BUFFER)) != NULL)
        setvbuf(fp, s->iobuf, _IOFBF, SOURCE_STREAM_BUFFER);
    char perr[PCAP_ERRBUF_SIZE] = "";
    s->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!s->pcap) {
        fclose(fp);
        if (peeked && nmagic > 0 && strstr(perr, "unknown file format")) {
            char what[128];
            describe_magic(magic, nmagic, what, sizeof what);
            migad_seterr(err, "%s: not a capture file: %s", path, what);
        } else if (peeked && nmagic == 0) {
            migad_seterr(err, "%s: not a capture file: the file is empty", path);
        } else {
            migad_seterr(err, "%s: %s", is_stdin ? "standard input" : path, perr);
        }
        migad_source_free(s);
        return MIGAD_EFORMAT;
    }
    if (pcap_get_tstamp_precision(s->pcap) == PCAP_TSTAMP_PRECISION_MICRO)
        s->ts_scale = 1000;
    migad_status st = finish_open(s, opts, err);
    if (st != MIGAD_OK) {
        migad_source_free(s);
        return st;
    }
    *out = s;
    return MIGAD_OK;
}

migad_status migad_source_open_live(struct migad_source **out, const char *ifname,
                                    const struct migad_source_opts *opts,
                                    char err[MIGAD_ERRBUF_SIZE])
{
    *out = NULL;
    struct migad_source *s = source_new(ifname, err);
    if (!s)
        return MIGAD_ENOMEM;
    s->live = 1;
    char perr[PCAP_ERRBUF_SIZE] = "";
    s->pcap = pcap_create(ifname, perr);
    if (!s->pcap) {
        migad_seterr(err, "%s: %s", ifname, perr);
        migad_source_free(s);
        return MIGAD_EPCAP;
    }
    int snaplen = opts && opts->snaplen > 0 ? opts->snaplen : 262144;
    int timeout = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 100;
    pcap_set_snaplen(s->pcap, snaplen);
    pcap_set_promisc(s->pcap, opts ? opts->promisc : 0);
    pcap_set_timeout(s->pcap, timeout);
    if (opts && opts->buffer_kib > 0)
        pcap_set_buffer_size(s->pcap, opts->buffer_kib * 1024);
    if (pcap_set_tstamp_precision(s->pcap, PCAP_TSTAMP_PRECISION_NANO) != 0)
        s->ts_scale = 1000;

    int rc = pcap_activate(s->pcap);
    if (rc < 0) {
        const char *why = pcap_geterr(s->pcap);
        if (rc == PCAP_ERROR_NO_SUCH_DEVICE && (!why || !*why))
            why = "no such interface";
        else if (rc == PCAP_ERROR_PERM_DENIED && (!why || !*why))
            why = "permission denied (capturing needs root or CAP_NET_RAW)";
        migad_seterr(err, "cannot capture on %s: %s", ifname, why && *why ? why : pcap_statustostr(rc));
        migad_source_free(s);
        return MIGAD_EPCAP;
    }
    if (pcap_get_tstamp_precision(s->pcap) == PCAP_TSTAMP_PRECISION_MICRO)
        s->ts_scale = 1000;
    if (pcap_setnonblock(s->pcap, 1, perr) != 0) {
        migad_seterr(err, "%s: %s", ifname, perr);
        migad_source_free(s);
        return MIGAD_EPCAP;
    }
    migad_status st = finish_open(s, opts, err);
    if (st != MIGAD_OK) {
        migad_source_free(s);
        return st;
    }
    *out = s;
    return MIGAD_OK;
}

/* The status of a pcap read that returned rc < 0 (not a break). */
static migad_status read_error(struct migad_source *s)
{
    const char *why = pcap_geterr(s->pcap);
    snprintf(s->err, sizeof s->err, "%s: %s", s->name, why);
    return strstr(why, "truncated") ? MIGAD_ETRUNC : MIGAD_EPCAP;
}

migad_status migad_source_next(struct migad_source *s, struct migad_frame *f)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(s->pcap, &h, &data);
    if (rc == 1) {
        f->ts = (migad_ns)h->ts.tv_sec * MIGAD_NS_PER_SEC + (migad_ns)h->ts.tv_usec * s->ts_scale;
        f->caplen = h->caplen;
        f->wirelen = h->len;
        f->dlt = s->dlt;
        f->data = data;
        return MIGAD_OK;
    }
    if (rc == 0)
        return MIGAD_EAGAIN;
    if (rc == PCAP_ERROR_BREAK)
        return MIGAD_EOF;
    return read_error(s);
}

struct decode_ctx {
    const struct migad_source *s;
    unsigned flags;
    struct migad_pkt *pkts;
    unsigned n;
    uint64_t *counts;
};

static void on_packet_decode(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct decode_ctx *c = (struct decode_ctx *)(void *)user;
    struct migad_pkt *p = &c->pkts[c->n++];
    p->ts = (migad_ns)h->ts.tv_sec * MIGAD_NS_PER_SEC + (migad_ns)h->ts.tv_usec * c->s->ts_scale;
    c->counts[migad_decode(c->s->dlt, data, h->caplen, h->len, c->flags, p) & 3]++;
}

migad_status migad_source_decode(struct migad_source *s, unsigned flags, struct migad_pkt *pkts,
                                 unsigned max, unsigned *n, uint64_t counts[4])
{
    struct decode_ctx c = { s, flags, pkts, 0, counts };
    int cnt = max == 0 || max > INT32_MAX ? 1 : (int)max, rc;
    do
        rc = pcap_dispatch(s->pcap, cnt, on_packet_decode, (u_char *)(void *)&c);
    while (rc == PCAP_ERROR_BREAK && c.n == 0);
    *n = c.n;
    if (rc == PCAP_ERROR_BREAK || rc > 0)
        return MIGAD_OK;
    if (rc == 0)
        return s->live ? MIGAD_OK : MIGAD_EOF;
    return read_error(s);
}

int migad_source_fd(const struct migad_source *s)
{
    return s->live ? pcap_get_selectable_fd(s->pcap) : -1;
}

const char *migad_source_name(const struct migad_source *s)
{
    return s->name;
}

int migad_source_dlt(const struct migad_source *s)
{
    return s->dlt;
}

const char *migad_source_error(const struct migad_source *s)
{
    return s->err;
}

void migad_source_stats(const struct migad_source *s, uint64_t *received, uint64_t *dropped)
{
    *received = 0;
    *dropped = 0;
    struct pcap_stat st;
    if (s->live && pcap_stats(s->pcap, &st) == 0) {
        *received = st.ps_recv;
        *dropped = (uint64_t)st.ps_drop + st.ps_ifdrop;
    }
}

void migad_source_free(struct migad_source *s)
{
    if (!s)
        return;
    if (s->pcap)
        pcap_close(s->pcap);
    free(s->iobuf);
    free(s->name);
    free(s);
}
