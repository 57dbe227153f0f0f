/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DRLB_FUZZ_NL_STUB_H
#define DRLB_FUZZ_NL_STUB_H

#include <stddef.h>
#include <stdint.h>

/* Replies for the next transactions, and the error they end with. */
void fuzz_nl_reset(const uint8_t *replies, size_t n, int err);

#endif
