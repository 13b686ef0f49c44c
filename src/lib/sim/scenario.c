/*
 * Scenario files: `key = value` lines, `#` comments (docs/scenario.md).
 * One table lists every key with its type, its field and its range, so the
 * reader, the writer and the documentation cannot drift apart.
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migad/sim.h"

enum ktype { K_U64, K_INT, K_DBL, K_BOOL, K_ATTACK, K_INTENSITY };

struct key {
    const char *name;
    enum ktype type;
    size_t off;
    double min, max;
};

#define F(field) offsetof(struct migad_scenario, field)

static const struct key keys[] = {
    { "seed", K_U64, F(seed), 0, 0 },
    { "start_time", K_DBL, F(t0), 0, 4102444800.0 },
    { "duration", K_DBL, F(duration), 1, 86400 },
    { "vms_node_a", K_INT, F(vms_a), 1, 60 },
    { "vms_node_b", K_INT, F(vms_b), 1, 60 },
    { "clients_per_vm", K_INT, F(clients_per_vm), 0, 64 },
    { "think_time", K_DBL, F(think_mean), 0.001, 3600 },
    { "body_min_bytes", K_DBL, F(body_xm), 1, 1e9 },
    { "body_shape", K_DBL, F(body_alpha), 0.5, 10 },
    { "requests_per_connection", K_INT, F(keepalive), 1, 1000000 },
    { "snaplen", K_INT, F(snaplen), 64, 65535 },
    { "attack", K_ATTACK, F(attack), 0, 0 },
    { "intensity", K_INTENSITY, F(high), 0, 0 },
    { "attack_start", K_DBL, F(attack_start), 0, 86400 },
    { "scan_rate_high", K_DBL, F(scan_rate_high), 0.1, 1e6 },
    { "scan_rate_low", K_DBL, F(scan_rate_low), 0.1, 1e6 },
    { "scan_ports", K_INT, F(scan_ports), 1, 1000 },
    { "dos_rate_high", K_DBL, F(dos_rate_high), 0.1, 1e6 },
    { "dos_rate_low", K_DBL, F(dos_rate_low), 0.1, 1e6 },
    { "dos_rand_source", K_BOOL, F(dos_rand_source), 0, 0 },
    { "dos_victim", K_INT, F(dos_victim), 0, 119 },
    { "migrate", K_BOOL, F(migrate), 0, 0 },
    { "migration_start", K_DBL, F(migration_start), 0, 86400 },
    { "migrating_vm", K_INT, F(migrating_vm), 0, 59 },
    { "vm_ram_mib", K_DBL, F(vm_ram_mib), 1, 1048576 },
    { "zero_page_fraction", K_DBL, F(zero_fraction), 0, 0.99 },
    { "dirty_rate_mib_s", K_DBL, F(dirty_mib_s), 0, 100000 },
    { "bandwidth_mib_s", K_DBL, F(bandwidth_mib_s), 0.1, 100000 },
    { "downtime_limit_ms", K_DBL, F(downtime_ms), 1, 60000 },
};

#define NKEYS (sizeof keys / sizeof keys[0])

void migad_scenario_default(struct migad_scenario *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->seed = 1;
    sc->t0 = 1767225600.0; /* 2026-01-01T00:00:00Z */
    sc->duration = 600;
    sc->vms_a = 3;
    sc->vms_b = 2;
    sc->clients_per_vm = 2;
    sc->think_mean = 0.5;
    sc->body_xm = 2048;
    sc->body_alpha = 1.3;
    sc->keepalive = 1;
    sc->snaplen = 128;
    sc->attack = MIGAD_ATTACK_NETSCAN;
    sc->high = 1;
    sc->attack_start = 300;
    sc->scan_rate_high = 1000; /* nmap --min-rate 1000 */
    sc->scan_rate_low = 20;    /* nmap --max-rate 20 */
    sc->scan_ports = 1000;
    sc->dos_rate_high = 1000;  /* hping3 -i u1000 */
    sc->dos_rate_low = 100;    /* hping3 -i u10000 */
    sc->dos_rand_source = 0;
    sc->dos_victim = 1;        /* vm2: on node A, does not migrate */
    sc->migrate = 1;
    sc->migration_start = 150; /* NM */
    sc->migrating_vm = 0;
    sc->vm_ram_mib = 512;
    sc->zero_fraction = 0.4;
    sc->dirty_mib_s = 4;
    sc->bandwidth_mib_s = 32;
    sc->downtime_ms = 300;
}

static void set_err(char *err, const char *what, const char *key, const char *value)
{
    snprintf(err, MIGAD_ERRBUF_SIZE, "%s for '%s': '%s'", what, key, value);
}

static migad_status set_one(struct migad_scenario *sc, const char *key, const char *value,
                            char err[MIGAD_ERRBUF_SIZE]);

migad_status migad_scenario_set(struct migad_scenario *sc, const char *key, const char *value,
                                char err[MIGAD_ERRBUF_SIZE])
{
    migad_status st = set_one(sc, key, value, err);
    if (st != MIGAD_OK)
        return st;
    /* the derived defaults: the attack in the second half, the migration
     * (of a single run) half way through the normal period */
    if (strcmp(key, "attack_start") == 0)
        sc->attack_start_given = 1;
    else if (strcmp(key, "migration_start") == 0)
        sc->migration_start_given = 1;
    else if (strcmp(key, "duration") == 0 && !sc->attack_start_given)
        sc->attack_start = sc->duration / 2;
    if (!sc->migration_start_given)
        sc->migration_start = sc->attack_start / 2;
    return MIGAD_OK;
}

static migad_status set_one(struct migad_scenario *sc, const char *key, const char *value,
                            char err[MIGAD_ERRBUF_SIZE])
{
    const struct key *k = NULL;
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, key) == 0)
            k = &keys[i];
    if (!k) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "unknown scenario key '%s' (see docs/scenario.md)", key);
        return MIGAD_EINVAL;
    }
    char *end;
    char *field = (char *)sc + k->off;
    errno = 0;
    switch (k->type) {
    case K_U64: {
        if (*value == '-' || !*value)
            goto bad;
        unsigned long long v = strtoull(value, &end, 10);
        if (*end || errno)
            goto bad;
        uint64_t u = v;
        memcpy(field, &u, sizeof u);
        return MIGAD_OK;
    }
    case K_INT: {
        long v = strtol(value, &end, 10);
        if (!*value || *end || errno)
            goto bad;
        if (v < k->min || v > k->max)
            goto range;
        int i = (int)v;
        memcpy(field, &i, sizeof i);
        return MIGAD_OK;
    }
    case K_DBL: {
        double v = strtod(value, &end);
        if (!*value || *end || errno || !isfinite(v))
            goto bad;
        if (v < k->min || v > k->max)
            goto range;
        memcpy(field, &v, sizeof v);
        return MIGAD_OK;
    }
    case K_BOOL: {
        int v;
        if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
            v = 1;
        else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
            v = 0;
        else
            goto bad;
        memcpy(field, &v, sizeof v);
        return MIGAD_OK;
    }
    case K_ATTACK:
        if (strcmp(value, "netscan") == 0 || strcmp(value, "ns") == 0)
            sc->attack = MIGAD_ATTACK_NETSCAN;
        else if (strcmp(value, "dos") == 0)
            sc->attack = MIGAD_ATTACK_DOS;
        else if (strcmp(value, "none") == 0)
            sc->attack = MIGAD_ATTACK_NONE;
        else
            goto bad;
        return MIGAD_OK;
    case K_INTENSITY:
        if (strcmp(value, "high") == 0)
            sc->high = 1;
        else if (strcmp(value, "low") == 0)
            sc->high = 0;
        else
            goto bad;
        return MIGAD_OK;
    }
bad:
    set_err(err, "invalid value", key, value);
    return MIGAD_EINVAL;
range:
    snprintf(err, MIGAD_ERRBUF_SIZE, "value for '%s' out of range [%g, %g]: '%s'", key, k->min,
             k->max, value);
    return MIGAD_EINVAL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

migad_status migad_scenario_load(struct migad_scenario *sc, const char *path,
                                 char err[MIGAD_ERRBUF_SIZE])
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "cannot open %s: %s", path, strerror(errno));
        return MIGAD_EIO;
    }
    char line[1024];
    int lineno = 0;
    migad_status st = MIGAD_OK;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            snprintf(err, MIGAD_ERRBUF_SIZE, "%s:%d: line longer than %zu bytes", path, lineno,
                     sizeof line - 2);
            st = MIGAD_EFORMAT;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *t = trim(line);
        if (!*t)
            continue;
        char *eq = strchr(t, '=');
        if (!eq) {
            snprintf(err, MIGAD_ERRBUF_SIZE, "%s:%d: expected 'key = value': '%.80s'", path,
                     lineno, t);
            st = MIGAD_EFORMAT;
            break;
        }
        *eq = '\0';
        char *key = trim(t), *value = trim(eq + 1);
        char e2[MIGAD_ERRBUF_SIZE];
        if (migad_scenario_set(sc, key, value, e2) != MIGAD_OK) {
            snprintf(err, MIGAD_ERRBUF_SIZE, "%s:%d: %.400s", path, lineno, e2);
            st = MIGAD_EFORMAT;
            break;
        }
    }
    if (st == MIGAD_OK && ferror(fp)) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "cannot read %s: %s", path, strerror(errno));
        st = MIGAD_EIO;
    }
    fclose(fp);
    return st;
}

migad_status migad_scenario_write(const struct migad_scenario *sc, const char *path,
                                  char err[MIGAD_ERRBUF_SIZE])
{
    FILE *fp = fopen(path, "w");
    if (!fp) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "cannot create %s: %s", path, strerror(errno));
        return MIGAD_EIO;
    }
    fprintf(fp, "# migad scenario (docs/scenario.md): 'migad sim -s THIS_FILE' regenerates the run\n");
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        const char *field = (const char *)sc + k->off;
        fprintf(fp, "%s = ", k->name);
        switch (k->type) {
        case K_U64: {
            uint64_t v;
            memcpy(&v, field, sizeof v);
            fprintf(fp, "%" PRIu64 "\n", v);
            break;
        }
        case K_INT: {
            int v;
            memcpy(&v, field, sizeof v);
            fprintf(fp, "%d\n", v);
            break;
        }
        case K_DBL: {
            double v;
            memcpy(&v, field, sizeof v);
            /* whole numbers as such (600, not 6e+02); others in the
             * shortest form that reads back as the same double */
            char num[40];
            if (v == floor(v) && fabs(v) < 1e15) {
                snprintf(num, sizeof num, "%.0f", v);
            } else {
                for (int prec = 1; prec <= 17; prec++) {
                    snprintf(num, sizeof num, "%.*g", prec, v);
                    if (strtod(num, NULL) == v)
                        break;
                }
            }
            fprintf(fp, "%s\n", num);
            break;
        }
        case K_BOOL: {
            int v;
            memcpy(&v, field, sizeof v);
            fprintf(fp, "%s\n", v ? "yes" : "no");
            break;
        }
        case K_ATTACK:
            fprintf(fp, "%s\n", sc->attack == MIGAD_ATTACK_NETSCAN ? "netscan"
                                : sc->attack == MIGAD_ATTACK_DOS   ? "dos"
                                                                   : "none");
            break;
        case K_INTENSITY:
            fprintf(fp, "%s\n", sc->high ? "high" : "low");
            break;
        }
    }
    if (fclose(fp) != 0) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "cannot write %s: %s", path, strerror(errno));
        return MIGAD_EIO;
    }
    return MIGAD_OK;
}
