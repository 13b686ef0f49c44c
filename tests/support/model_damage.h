/*
 * Model helpers of the detector tests: damaged model files (every
 * single-byte flip of an encoded model, four bit patterns per byte, and
 * every truncation of it) and a model's description as text.
 */
#ifndef MIGAD_TEST_MODEL_DAMAGE_H
#define MIGAD_TEST_MODEL_DAMAGE_H

#include <stddef.h>

#include "migad/migad.h"

/* How many of the damaged versions of buf[0..len) migad_model_decode()
 * accepts (should be 0); err keeps the last refusal's message, decoded
 * under the name `name`. */
int model_damage_accepted(const char *buf, size_t len, const char *name,
                          char err[MIGAD_ERRBUF_SIZE]);

struct migad_model;

/* migad_model_describe(m) as one malloc'ed string (NULL when out of memory). */
char *model_describe_text(const struct migad_model *m);

#endif
