/*
 * The decoder's general path, without the Ethernet/IPv4/TCP|UDP fast path of
 * migad_decode(): for tests and the fuzz target, which check that both give
 * the same result on every input.  Same contract as migad_decode().
 */
#ifndef MIGAD_DECODE_INTERNAL_H
#define MIGAD_DECODE_INTERNAL_H

#include "migad/packet.h"

enum migad_decode_result migad_decode_general(int dlt, const uint8_t *data, uint32_t caplen,
                                              uint32_t wirelen, unsigned flags,
                                              struct migad_pkt *p);

#endif
