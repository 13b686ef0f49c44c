/*
 * Reading a whole stream into memory, for the readers that parse a file in
 * one piece (feature tables, model files).  Internal to libmigad.
 */
#ifndef MIGAD_READALL_H
#define MIGAD_READALL_H

#include <stddef.h>
#include <stdio.h>

#include "migad/migad.h"

/*
 * Read fp to its end into a malloc'ed buffer (*out, *outlen; the caller
 * frees it).  A stream longer than `max` bytes is refused (MIGAD_ENOMEM),
 * as is one memory cannot hold; a read error gives MIGAD_EIO.  Messages
 * name the stream `name`.  fp is not closed.
 */
migad_status migad_read_all(FILE *fp, const char *name, size_t max, char **out, size_t *outlen,
                            char *err);

#endif
