/*
 * A tiny unit-test harness: each test file is one executable registered with
 * CTest.  CHECK* macros record a failure with file:line and carry on, so one
 * run reports every broken expectation; main() returns check_finish().
 */
#ifndef MIGAD_TEST_CHECK_H
#define MIGAD_TEST_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

extern int check_failures;
extern int check_count;

#define CHECK(cond)                                                             \
    do {                                                                        \
        check_count++;                                                          \
        if (!(cond)) {                                                          \
            check_failures++;                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,    \
                    #cond);                                                     \
        }                                                                       \
    } while (0)

#define CHECK_INT(got, want)                                                    \
    do {                                                                        \
        long long check_g_ = (long long)(got), check_w_ = (long long)(want);    \
        check_count++;                                                          \
        if (check_g_ != check_w_) {                                             \
            check_failures++;                                                   \
            fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__,         \
                    __LINE__, #got, check_g_, check_w_);                        \
        }                                                                       \
    } while (0)

#define CHECK_NEAR(got, want, tol)                                              \
    do {                                                                        \
        double check_g_ = (double)(got), check_w_ = (double)(want);             \
        check_count++;                                                          \
        if (!(fabs(check_g_ - check_w_) <= (tol))) {                            \
            check_failures++;                                                   \
            fprintf(stderr, "%s:%d: %s == %.12g, want %.12g (tol %g)\n",        \
                    __FILE__, __LINE__, #got, check_g_, check_w_, (double)(tol)); \
        }                                                                       \
    } while (0)

#define CHECK_STR(got, want)                                                    \
    do {                                                                        \
        const char *check_g_ = (got), *check_w_ = (want);                       \
        check_count++;                                                          \
        if (!check_g_ || strcmp(check_g_, check_w_) != 0) {                     \
            check_failures++;                                                   \
            fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__,     \
                    __LINE__, #got, check_g_ ? check_g_ : "(null)", check_w_);  \
        }                                                                       \
    } while (0)

/* Run one test function, naming it in the output. */
#define RUN(fn)                                                                 \
    do {                                                                        \
        int check_before_ = check_failures;                                     \
        fn();                                                                   \
        printf("%s %s\n", check_failures == check_before_ ? "ok  " : "FAIL", #fn); \
    } while (0)

int check_finish(void);

#endif
