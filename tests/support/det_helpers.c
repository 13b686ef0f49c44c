#include "det_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int det_parse(struct migad_table *t, const char *csv, char *err)
{
    char own[MIGAD_ERRBUF_SIZE];
    if (migad_table_parse(t, csv, strlen(csv), "mem.csv", NULL, 0, err ? err : own) == MIGAD_OK)
        return 1;
    if (!err)
        fprintf(stderr, "parse: %s\n", own);
    return 0;
}

struct migad_model *det_train(const struct migad_table *t, const struct migad_train_opts *o)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_model *m = NULL;
    if (migad_model_train(t, o, &m, err) != MIGAD_OK)
        fprintf(stderr, "train: %s\n", err);
    return m;
}

double *det_score_all(const struct migad_model *m, const struct migad_table *t)
{
    char err[MIGAD_ERRBUF_SIZE];
    double *s = calloc(t->nrows ? t->nrows : 1, sizeof *s);
    if (!m)
        fprintf(stderr, "score: no model\n");
    else if (s && migad_model_score(m, t, "mem.csv", s, NULL, err) != MIGAD_OK)
        fprintf(stderr, "score: %s\n", err);
    return s;
}

size_t det_described(const char *desc, const char *key, int nth, double *v, size_t max)
{
    size_t kl = strlen(key), n = 0;
    for (const char *line = desc; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, kl) != 0 || line[kl] != ' ' || nth-- > 0)
            continue;
        const char *p = line + kl;
        char *end;
        while (n < max && *p != '\n') {
            v[n] = strtod(p, &end);
            if (end == p)
                break;
            n++;
            p = end;
        }
        break;
    }
    return n;
}
