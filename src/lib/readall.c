#include "readall.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"

migad_status migad_read_all(FILE *fp, const char *name, size_t max, char **out, size_t *outlen,
                            char *err)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        migad_seterr(err, "%s: out of memory", name);
        return MIGAD_ENOMEM;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                free(buf);
                migad_seterr(err, "%s: file larger than %zu bytes", name, max);
                return MIGAD_ENOMEM;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                migad_seterr(err, "%s: out of memory", name);
                return MIGAD_ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        free(buf);
        migad_seterr(err, "%s: read error: %s", name, strerror(errno));
        return MIGAD_EIO;
    }
    *out = buf;
    *outlen = n;
    return MIGAD_OK;
}
