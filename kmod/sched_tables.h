/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: the pure table builders behind the mh, sh and wrr schedulers.
 *
 * No kernel dependencies beyond fixed-width types and no allocation: the
 * caller passes every buffer. userspace/tests/test_maglev.c includes this
 * header as is and checks the tables' properties on the host.
 *
 * Maglev (Eisenbud et al., "Maglev: A Fast and Reliable Software Network
 * Load Balancer", NSDI'16, section 3.4): every dest i has a permutation of
 * the table's slots, offset_i + j * skip_i (mod M), from two hashes of its
 * address; dests take turns claiming their next preferred free slot until
 * the table is full. M is prime, so every skip in 1..M-1 walks all slots.
 * Weights are honoured by turns: in each round dest i claims w_i / gcd(w)
 * slots, so its share of the table is proportional to its weight. Because
 * a dest's preferences depend only on its address and the seed, removing
 * one of N dests moves little more than the 1/N of slots it owned. Dests
 * are passed sorted by key, so directors with the same seed, table size
 * and dests build the same table whatever order the dests were added in.
 *
 * WRR: the schedule is an interleaved sequence in which dest i appears
 * w_i / gcd(w) times, evenly spread ("stride" order: the k-th turn of dest
 * i sits at virtual time (2k + 1) / (2 w_i), ties to the lower index).
 * Built with a binary heap in O(L log N) for a sequence of length L.
 */
#ifndef _DRLB_SCHED_TABLES_H
#define _DRLB_SCHED_TABLES_H

#include <linux/types.h>
#ifndef __KERNEL__
/* The host build (test_maglev): the uapi header has only the __u types. */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#endif

/* A Maglev table slot holds a dest index; this marks a free slot. */
#define DRLB_MH_EMPTY		0xffffU
/* Most dests a table can index (u16 slots, one value reserved). */
#define DRLB_MH_MAX_DESTS	0xfffeU
/* Longest WRR sequence built; larger weight sums are scaled down. */
#define DRLB_WRR_SEQ_MAX	65536U

/* murmur3's 32-bit finaliser: a cheap, well-mixing bijection. */
static inline u32 drlb_mix32(u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h;
}

/* Hash of two words with a seed; deterministic on every host. */
static inline u32 drlb_hash2(u32 a, u32 b, u32 seed)
{
	u32 h = drlb_mix32(a ^ drlb_mix32(seed ^ 0x9e3779b9U));

	return drlb_mix32(h ^ (b * 0xcc9e2d51U) ^ 0x1b873593U);
}

static inline u32 drlb_gcd(u32 a, u32 b)
{
	while (b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * drlb_overhead - a dest's load as IPVS's lc and wlc count it: an active
 * (established TCP) flow weighs 256 inactive ones. In 64 bits: conn-max
 * allows 2^26 flows, all on one dest, and 2^26 << 8 does not fit 32 bits
 * (a 32-bit sum wraps at 2^24 active flows and the busiest dest would look
 * idle). The largest value, 2^26 * 257, times a weight (< 2^16) still fits
 * 64 bits, as wlc's cross-multiplied comparison needs.
 */
static inline u64 drlb_overhead(u32 active, u32 inactive)
{
	return ((u64)active << 8) + inactive;
}

/* Maglev slot for a flow key, e.g. (client address, client port). */
static inline u32 drlb_mh_slot(u32 key_a, u32 key_b, u32 seed, u32 size)
{
	return drlb_hash2(key_a, key_b, seed ^ 0x5bd1e995U) % size;
}

/*
 * drlb_mh_fill - build a Maglev table.
 * @table:   @size slots, written: dest index per slot
 * @size:    a prime
 * @keys:    per dest, its identity (the address, as a host-order u32),
 *           strictly ascending
 * @weights: per dest, > 0
 * @n:       number of dests, 1..DRLB_MH_MAX_DESTS
 * @seed:    hash seed
 * @scratch: 3 * @n words
 *
 * Returns 0, or -1 if the arguments are unusable (a zero weight, keys not
 * strictly ascending, ...); the table is then left all empty.
 */
static inline int drlb_mh_fill(u16 *table, u32 size, const u32 *keys,
			       const u32 *weights, u32 n, u32 seed,
			       u32 *scratch)
{
	u32 *pos = scratch, *skip = scratch + n, *turns = scratch + 2 * n;
	u32 filled = 0, g = 0, i, t;

	for (i = 0; i < size; i++)
		table[i] = DRLB_MH_EMPTY;
	if (!n || n > DRLB_MH_MAX_DESTS || size < 2)
		return -1;
	for (i = 0; i < n; i++) {
		if (!weights[i] || (i && keys[i] <= keys[i - 1]))
			return -1;
		g = drlb_gcd(weights[i], g);
	}
	for (i = 0; i < n; i++) {
		pos[i] = drlb_hash2(keys[i], 0x2545f491U, seed) % size;
		skip[i] = drlb_hash2(keys[i], 0x4f1bbcddU, seed) % (size - 1) + 1;
		turns[i] = weights[i] / g;
	}
	for (;;) {
		for (i = 0; i < n; i++) {
			for (t = 0; t < turns[i]; t++) {
				u32 c = pos[i];

				/* Next free slot in dest i's permutation. */
				while (table[c] != DRLB_MH_EMPTY) {
					c += skip[i];
					if (c >= size)
						c -= size;
				}
				table[c] = (u16)i;
				c += skip[i];
				pos[i] = c >= size ? c - size : c;
				if (++filled == size)
					return 0;
			}
		}
	}
}

/*
 * drlb_wrr_scale - the per-dest turns of a WRR sequence: @weights divided
 * by their gcd and, if they sum beyond DRLB_WRR_SEQ_MAX, scaled down
 * proportionally (each at least 1). Writes @turns[n]; returns the sequence
 * length (their sum), 0 if @n is 0 or a weight is 0.
 */
static inline u32 drlb_wrr_scale(const u32 *weights, u32 n, u32 *turns)
{
	u64 sum = 0;
	u32 g = 0, i, len = 0;

	for (i = 0; i < n; i++) {
		if (!weights[i])
			return 0;
		g = drlb_gcd(weights[i], g);
	}
	for (i = 0; i < n; i++)
		sum += weights[i] / g;
	for (i = 0; i < n; i++) {
		u64 w = weights[i] / g;

		if (sum > DRLB_WRR_SEQ_MAX) {
			w = w * DRLB_WRR_SEQ_MAX / sum;
			if (!w)
				w = 1;
		}
		turns[i] = (u32)w;
		len += (u32)w;
	}
	return len;
}

/* Is dest a's next turn due before dest b's? (heap order) */
static inline int drlb_wrr_before(const u32 *turns, const u32 *done, u32 a,
				  u32 b)
{
	/* (2 done_a + 1) / turns_a < (2 done_b + 1) / turns_b */
	u64 ta = (2 * (u64)done[a] + 1) * turns[b];
	u64 tb = (2 * (u64)done[b] + 1) * turns[a];

	return ta < tb || (ta == tb && a < b);
}

static inline void drlb_wrr_sift_down(u32 *heap, u32 n, u32 i,
				      const u32 *turns, const u32 *done)
{
	for (;;) {
		u32 l = 2 * i + 1, r = l + 1, m = i, t;

		if (l < n && drlb_wrr_before(turns, done, heap[l], heap[m]))
			m = l;
		if (r < n && drlb_wrr_before(turns, done, heap[r], heap[m]))
			m = r;
		if (m == i)
			return;
		t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

/*
 * drlb_wrr_fill - the interleaved WRR sequence.
 * @seq:     @len slots (the value drlb_wrr_scale() returned), written
 * @turns:   per dest, from drlb_wrr_scale()
 * @n:       number of dests, 1..DRLB_MH_MAX_DESTS
 * @scratch: 2 * @n words
 */
static inline void drlb_wrr_fill(u16 *seq, u32 len, const u32 *turns, u32 n,
				 u32 *scratch)
{
	u32 *heap = scratch, *done = scratch + n;
	u32 i, hn = n;

	for (i = 0; i < n; i++) {
		heap[i] = i;
		done[i] = 0;
	}
	for (i = n / 2; i-- > 0;)
		drlb_wrr_sift_down(heap, hn, i, turns, done);
	for (i = 0; i < len && hn; i++) {
		u32 d = heap[0];

		seq[i] = (u16)d;
		if (++done[d] == turns[d])
			heap[0] = heap[--hn];
		drlb_wrr_sift_down(heap, hn, 0, turns, done);
	}
}

#endif /* _DRLB_SCHED_TABLES_H */
