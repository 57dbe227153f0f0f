/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP producer for drlbctl's unit tests (summed up by prove).
 */
#ifndef DRLBCTL_TAP_H
#define DRLBCTL_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define ok(cond, ...) do {						\
	int __ok = !!(cond);						\
									\
	printf("%sok %d - ", __ok ? "" : "not ", ++tap_n);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!__ok) {							\
		tap_failed++;						\
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__,	\
		       #cond);						\
	}								\
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* DRLBCTL_TAP_H */
