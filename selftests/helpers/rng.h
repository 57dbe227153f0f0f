/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xorshift64*: a fast, seedable pseudo-random generator for the test
 * tools (drlb_nlfuzz, drlb_churn). Not for anything that needs secrecy.
 */
#ifndef DRLB_SELFTESTS_RNG_H
#define DRLB_SELFTESTS_RNG_H

#include <stdint.h>

static unsigned long long rng_state = 1;

/* A zero state would stay zero: it becomes 1. */
static inline void rng_seed(unsigned long long seed)
{
	rng_state = seed ? seed : 1;
}

static inline uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

/* Uniform enough in [0, n); 0 for n = 0. */
static inline uint32_t pick(uint32_t n)
{
	return n ? rnd() % n : 0;
}

#endif /* DRLB_SELFTESTS_RNG_H */
