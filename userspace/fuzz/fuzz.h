/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functions the fuzz targets define for others to call, declared for
 * -Wmissing-prototypes.
 */
#ifndef DRLB_FUZZ_H
#define DRLB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point: one input, 0 when it was handled. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_cli: drlbctl's main(), renamed (-Dmain=drlbctl_main). */
int drlbctl_main(int argc, char **argv);

#endif /* DRLB_FUZZ_H */
