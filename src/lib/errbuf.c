#include "errbuf.h"

#include <stdarg.h>
#include <stdio.h>

void migad_seterr(char *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, MIGAD_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
}
