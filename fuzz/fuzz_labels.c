/*
 * libFuzzer target for the ground-truth parser (src/lib/labels.c): any bytes
 * must either parse, or be refused with a message; a parsed file must answer
 * bin queries with GT in {0, 1} and IMI in [0, 1].
 */
#include "migad/labels.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_labels *l = NULL;
    migad_status st = migad_labels_parse((const char *)data, size, "fuzz.gt", &l, err);
    if (st != MIGAD_OK) {
        if (l != NULL || err[0] == '\0')
            abort();
        return 0;
    }
    for (size_t i = 0; i < migad_labels_count(l); i++) {
        const struct migad_interval *iv = migad_labels_get(l, i);
        if (iv->end <= iv->start)
            abort();
        int gt;
        double imi;
        migad_labels_bin(l, iv->start, iv->end - iv->start, &gt, &imi);
        if ((gt != 0 && gt != 1) || !(imi >= 0.0 && imi <= 1.0))
            abort();
    }
    migad_labels_free(l);
    return 0;
}
