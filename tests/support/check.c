#include "check.h"

int check_failures;
int check_count;

int check_finish(void)
{
    printf("%d checks, %d failed\n", check_count, check_failures);
    return check_failures ? 1 : 0;
}
