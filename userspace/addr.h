/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: an IPv4 or IPv6 address with its family - what services,
 * servers and flows are keyed by. Pure, header only; parsing and
 * formatting are in parse.c.
 */
#ifndef DRLBCTL_ADDR_H
#define DRLBCTL_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/*
 * The bytes are in network order, as on the wire and in the DRLB_*_A_ADDR
 * attributes: 4 for AF_INET (the rest zero), 16 for AF_INET6. Zeroed
 * bytes past the family's length make memcmp() an order and an equality.
 */
struct drlb_addr {
	uint16_t af;			/* AF_INET, AF_INET6 (0: none) */
	union {
		uint32_t v4;		/* AF_INET */
		uint8_t b[16];		/* either, AF_INET6 all 16 */
	};
};

/* Text sizes: an address, and "[address]:port" with its NUL. */
#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define ENDPOINT_STRLEN	56

/* The bytes of an address of family @af: 4, 16, or 0 for another. */
static inline size_t addr_len(uint16_t af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

/* Its bits: the longest prefix (and default persistence netmask). */
static inline uint8_t addr_bits(uint16_t af)
{
	return af == AF_INET6 ? 128 : 32;
}

/* An IPv4 address (network order) as a struct drlb_addr. */
static inline struct drlb_addr addr_v4(uint32_t be)
{
	struct drlb_addr a = { .af = AF_INET };

	a.v4 = be;
	return a;
}

/* Family first (IPv4 before IPv6), then the address: -1, 0 or 1. */
static inline int addr_cmp(const struct drlb_addr *a,
			   const struct drlb_addr *b)
{
	int c;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	c = memcmp(a->b, b->b, sizeof(a->b));
	return c < 0 ? -1 : c > 0;
}

static inline bool addr_eq(const struct drlb_addr *a,
			   const struct drlb_addr *b)
{
	return !addr_cmp(a, b);
}

#endif /* DRLBCTL_ADDR_H */
