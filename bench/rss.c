/*
 * rss: run a command and report its wall time, CPU time and peak resident
 * memory (what /usr/bin/time -f %M prints, without needing that package).
 *
 * The command is started with fork/execvp and reaped with wait4(), whose
 * struct rusage gives ru_maxrss (KiB on Linux) and the user and system CPU
 * time of that child alone; the wall time is measured around fork..wait4 on
 * CLOCK_MONOTONIC.  The command's standard streams are left alone.
 *
 * Usage: rss [-o FILE] COMMAND [ARG...]
 * Writes one line to FILE (default standard error):
 *     wall=SECONDS user=SECONDS sys=SECONDS maxrss_kib=KIB status=CODE
 * and exits with the command's exit status (128 + signal if it was killed,
 * 127 if it could not be run).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    const char *outpath = NULL;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-o") == 0) {
        outpath = argv[2];
        first = 3;
    }
    if (first < argc && strcmp(argv[first], "--") == 0)
        first++;
    if (first >= argc) {
        fprintf(stderr, "usage: rss [-o FILE] COMMAND [ARG...]\n");
        return 2;
    }
    FILE *out = stderr;
    if (outpath && !(out = fopen(outpath, "w"))) {
        fprintf(stderr, "rss: cannot create %s: %s\n", outpath, strerror(errno));
        return 2;
    }

    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "rss: fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        execvp(argv[first], argv + first);
        fprintf(stderr, "rss: cannot run %s: %s\n", argv[first], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    pid_t w;
    while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    double wall = now() - t0;
    if (w < 0) {
        fprintf(stderr, "rss: wait4: %s\n", strerror(errno));
        return 127;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status)
               : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
    fprintf(out, "wall=%.6f user=%.6f sys=%.6f maxrss_kib=%ld status=%d\n", wall,
            tv(ru.ru_utime), tv(ru.ru_stime), ru.ru_maxrss, code);
    if (out != stderr && fclose(out) != 0) {
        fprintf(stderr, "rss: cannot write %s: %s\n", outpath, strerror(errno));
        return 127;
    }
    return code;
}
