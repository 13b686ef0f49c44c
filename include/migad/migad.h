/*
 * migad — network anomaly detection that stays reliable while VMs live-migrate.
 *
 * Umbrella header of libmigad.  The library never prints and never exits:
 * every fallible call returns a migad_status and, where a handle or an error
 * buffer is at hand, leaves a one-line human-readable message there (lower
 * case, no final period, naming the file or option concerned).
 */
#ifndef MIGAD_MIGAD_H
#define MIGAD_MIGAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One status enum for the whole library. */
typedef enum migad_status {
    MIGAD_OK = 0,
    MIGAD_EOF,        /* end of input: not an error */
    MIGAD_ENOMEM,     /* allocation failed or a size cap was reached */
    MIGAD_EINVAL,     /* invalid argument or option value */
    MIGAD_EIO,        /* operating-system I/O error */
    MIGAD_EFORMAT,    /* input file is not in the expected format */
    MIGAD_ETRUNC,     /* input file ends in the middle of a record */
    MIGAD_EPCAP,      /* libpcap reported an error */
    MIGAD_EUNSUP,     /* valid input that this build cannot handle */
    MIGAD_EAGAIN,     /* nothing available yet (live sources): try again */
} migad_status;

/* Size of the error buffers the library fills (one line, NUL-terminated). */
#define MIGAD_ERRBUF_SIZE 512

/* Short constant name of a status ("invalid argument", ...). */
const char *migad_status_str(migad_status st);

/* Library version as "MAJOR.MINOR.PATCH". */
const char *migad_version(void);

/* Time is kept as signed nanoseconds since the UNIX epoch everywhere. */
typedef int64_t migad_ns;
#define MIGAD_NS_PER_SEC INT64_C(1000000000)

#ifdef __cplusplus
}
#endif

#endif /* MIGAD_MIGAD_H */
