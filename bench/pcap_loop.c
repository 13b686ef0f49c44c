/*
 * pcap_loop: the reference for the extract benchmark, a bare libpcap read
 * loop.
 *
 * It opens the file the way migad does (nanosecond precision), calls
 * pcap_next_ex() until the end and does the least work that still touches
 * every record: it counts the packets and sums their wire lengths, captured
 * lengths and first bytes, and prints the sums, so the compiler cannot drop
 * the loop.  That is the speed of reading a capture at all; `migad extract`
 * is judged against it, on the same file in the same run (bench/run.sh).
 *
 * With -b BYTES the file is opened with fopen() and read through a stdio
 * buffer of BYTES (setvbuf) instead of libpcap's fopen() and stdio's
 * default buffer (4 KiB here): migad extract reads files through a 64 KiB
 * buffer, and the benchmark shows both loops.
 *
 * Usage: pcap_loop [-b BYTES] FILE
 * Prints one line: packets, bytes on the wire, seconds in the loop
 * (open to close), million packets per second, and a checksum.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t buf = 0;
    if (argc == 4 && strcmp(argv[1], "-b") == 0) {
        char *end;
        unsigned long long b = strtoull(argv[2], &end, 10);
        if (*end != '\0' || b == 0 || b > ((size_t)1 << 30)) {
            fprintf(stderr, "pcap_loop: invalid -b '%s'\n", argv[2]);
            return 2;
        }
        buf = (size_t)b;
        argv += 2;
        argc -= 2;
    }
    if (argc != 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc == 2 ? stdout : stderr, "usage: pcap_loop [-b BYTES] FILE\n");
        return argc == 2 ? 0 : 2;
    }
    double t0 = now();
    char err[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = NULL;
    char *iobuf = NULL;
    if (buf) {
        FILE *fp = fopen(argv[1], "rb");
        iobuf = malloc(buf);
        if (!fp || !iobuf) {
            fprintf(stderr, "pcap_loop: %s: cannot open\n", argv[1]);
            return 1;
        }
        setvbuf(fp, iobuf, _IOFBF, buf);
        p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, err);
        if (!p)
            fclose(fp);
    } else {
        p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
    }
    if (!p) {
        fprintf(stderr, "pcap_loop: %s: %s\n", argv[1], err);
        free(iobuf);
        return 1;
    }
    uint64_t packets = 0, bytes = 0, captured = 0, check = 0;
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        packets++;
        bytes += h->len;
        captured += h->caplen;
        check += (uint64_t)h->ts.tv_usec ^ (h->caplen ? data[0] : 0);
    }
    if (rc != PCAP_ERROR_BREAK) {
        fprintf(stderr, "pcap_loop: %s: %s (after %llu packets)\n", argv[1], pcap_geterr(p),
                (unsigned long long)packets);
        pcap_close(p);
        free(iobuf);
        return 1;
    }
    pcap_close(p);
    free(iobuf);
    double secs = now() - t0;
    printf("packets=%llu bytes=%llu captured=%llu seconds=%.6f mpps=%.3f check=%llx lib=\"%s\"\n",
           (unsigned long long)packets, (unsigned long long)bytes,
           (unsigned long long)captured, secs, secs > 0 ? (double)packets / secs / 1e6 : 0.0,
           (unsigned long long)check, pcap_lib_version());
    return 0;
}
