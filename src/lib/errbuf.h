/*
 * The library's error buffers (MIGAD_ERRBUF_SIZE bytes, see migad.h):
 * one formatted line, truncated to fit.  Internal to libmigad.
 */
#ifndef MIGAD_ERRBUF_H
#define MIGAD_ERRBUF_H

#include "migad/migad.h"

/* printf into err; a NULL err is allowed and ignored. */
void migad_seterr(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
