#include "model_damage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migad/detector.h"

int model_damage_accepted(const char *buf, size_t len, const char *name,
                          char err[MIGAD_ERRBUF_SIZE])
{
    static const unsigned char flips[] = { 0x01, 0x20, 0x80, 0xff };
    int accepted = 0;
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    for (size_t i = 0; i < len; i++) {
        for (size_t f = 0; f < sizeof flips; f++) {
            memcpy(copy, buf, len);
            copy[i] = (char)(copy[i] ^ flips[f]);
            struct migad_model *bad = NULL;
            if (migad_model_decode(copy, len, name, &bad, err) == MIGAD_OK)
                accepted++;
            migad_model_free(bad);
        }
    }
    for (size_t n = 0; n < len; n++) {
        struct migad_model *bad = NULL;
        if (migad_model_decode(buf, n, name, &bad, err) == MIGAD_OK)
            accepted++;
        migad_model_free(bad);
    }
    free(copy);
    return accepted;
}

char *model_describe_text(const struct migad_model *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return NULL;
    migad_model_describe(m, fp);
    fclose(fp);
    return buf;
}
