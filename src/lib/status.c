#include "migad/migad.h"

const char *migad_status_str(migad_status st)
{
    switch (st) {
    case MIGAD_OK: return "ok";
    case MIGAD_EOF: return "end of input";
    case MIGAD_ENOMEM: return "out of memory";
    case MIGAD_EINVAL: return "invalid argument";
    case MIGAD_EIO: return "i/o error";
    case MIGAD_EFORMAT: return "bad format";
    case MIGAD_ETRUNC: return "truncated input";
    case MIGAD_EPCAP: return "libpcap error";
    case MIGAD_EUNSUP: return "not supported";
    case MIGAD_EAGAIN: return "try again";
    }
    return "unknown status";
}

const char *migad_version(void)
{
    return MIGAD_VERSION;
}
