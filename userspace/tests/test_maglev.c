// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the kernel module's pure table builders
 * (kmod/sched_tables.h): the Maglev table behind the mh and sh schedulers,
 * the interleaved wrr sequence and the lc/wlc overhead. The header is the
 * module's own, built here against the uapi <linux/types.h>.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kmod/sched_tables.h"
#include "tap.h"

#define MAXN 64

static u16 *mh_table(u32 size, const u32 *keys, const u32 *w, u32 n,
		     u32 seed)
{
	u16 *t = malloc(size * sizeof(*t));
	u32 scratch[3 * MAXN];

	if (!t || drlb_mh_fill(t, size, keys, w, n, seed, scratch)) {
		free(t);
		return NULL;
	}
	return t;
}

static u32 count_empty(const u16 *t, u32 size)
{
	u32 i, e = 0;

	for (i = 0; i < size; i++)
		e += t[i] == DRLB_MH_EMPTY;
	return e;
}

/* Largest |share - ideal| over dests, in slots. */
static double worst_share(const u16 *t, u32 size, const u32 *w, u32 n)
{
	u32 cnt[MAXN] = { 0 }, i;
	double sum = 0, worst = 0;

	for (i = 0; i < size; i++)
		if (t[i] < n)
			cnt[t[i]]++;
	for (i = 0; i < n; i++)
		sum += w[i];
	for (i = 0; i < n; i++) {
		double d = cnt[i] - size * w[i] / sum;

		if (d < 0)
			d = -d;
		if (d > worst)
			worst = d;
	}
	return worst;
}

static void test_mh_full_and_balanced(void)
{
	static const u32 sizes[] = { 251, 65537 };
	u32 keys[MAXN], w[MAXN], i, s, n;

	for (i = 0; i < MAXN; i++) {
		keys[i] = 0x0a000000U + 10 + i;	/* 10.0.0.10 ... */
		w[i] = 1;
	}
	for (s = 0; s < 2; s++) {
		for (n = 1; n <= 16; n *= 2) {
			u16 *t = mh_table(sizes[s], keys, w, n, 0);

			ok(t && !count_empty(t, sizes[s]),
			   "mh: %u slots, %u dests: every slot filled",
			   sizes[s], n);
			/* Equal weights: one slot per dest per round. */
			ok(t && worst_share(t, sizes[s], w, n) <= 1.0,
			   "mh: %u slots, %u dests: each gets size/N (+-1)",
			   sizes[s], n);
			free(t);
		}
	}
}

static void test_mh_weights(void)
{
	u32 keys[4] = { 1, 2, 3, 4 }, w[4] = { 1, 2, 3, 4 };
	u32 big[2] = { 65535, 1 }, size = 65537;
	u16 *t = mh_table(size, keys, w, 4, 7);
	u32 cnt[4] = { 0 }, i;

	ok(t, "mh: weighted table builds");
	if (!t)
		return;
	for (i = 0; i < size; i++)
		cnt[t[i]]++;
	/* Turns 1,2,3,4 per round of 10: share exact within one round. */
	ok(worst_share(t, size, w, 4) <= 4.0,
	   "mh: weights 1:2:3:4 give %u:%u:%u:%u slots (proportional)",
	   cnt[0], cnt[1], cnt[2], cnt[3]);
	free(t);

	t = mh_table(size, keys, big, 2, 7);
	for (i = 0, cnt[0] = cnt[1] = 0; t && i < size; i++)
		cnt[t[i]]++;
	ok(t && cnt[1] >= 1 && cnt[1] <= 2 && !count_empty(t, size),
	   "mh: weights 65535:1 give the small dest %u slot(s)", cnt[1]);
	free(t);

	w[2] = 0;
	t = malloc(size * sizeof(*t));
	{
		u32 scratch[12];

		ok(drlb_mh_fill(t, size, keys, w, 4, 0, scratch) == -1 &&
		   count_empty(t, size) == size,
		   "mh: a zero weight is refused, table left empty");
	}
	free(t);
}

/* Remove dest @gone of @n: fraction of the other dests' slots that move. */
static double disruption(u32 size, u32 n, u32 gone, u32 seed)
{
	u32 keys[MAXN], keys2[MAXN], w[MAXN], map[MAXN], i, j, moved = 0;
	u16 *a, *b;

	for (i = 0, j = 0; i < n; i++) {
		keys[i] = 0xc0a80000U + 1 + i * 7;
		w[i] = 1;
		if (i != gone) {
			map[j] = i;
			keys2[j++] = keys[i];
		}
	}
	a = mh_table(size, keys, w, n, seed);
	b = mh_table(size, keys2, w, n - 1, seed);
	if (!a || !b)
		return 1.0;
	for (i = 0; i < size; i++)
		if (a[i] != gone && map[b[i]] != a[i])
			moved++;
	free(a);
	free(b);
	return (double)moved / size;
}

static void test_mh_disruption(void)
{
	static const u32 ns[] = { 4, 10, 32 };
	u32 k;

	for (k = 0; k < 3; k++) {
		u32 n = ns[k];
		double worst = 0, d;
		u32 g;

		for (g = 0; g < n; g += n / 4) {
			d = disruption(65537, n, g, 1234);
			if (d > worst)
				worst = d;
		}
		/*
		 * Only the removed dest's 1/N must move; Maglev moves a
		 * few percent of the others' slots on top (paper, fig. 12).
		 */
		ok(worst < 0.5 / n + 0.02,
		   "mh: removing 1 of %u dests moves %.2f%% of the others' slots (1/N = %.2f%%)",
		   n, 100 * worst, 100.0 / n);
	}
}

static void test_mh_seed(void)
{
	u32 keys[8], w[8], rkeys[8], i, same = 1, diff = 0;
	u32 scratch[24];
	u16 *a, *b, *c;

	for (i = 0; i < 8; i++) {
		keys[i] = 0x0a000100U + i;
		w[i] = 1 + i % 3;
		rkeys[7 - i] = keys[i];
	}
	a = mh_table(65537, keys, w, 8, 42);
	b = mh_table(65537, keys, w, 8, 42);
	c = mh_table(65537, keys, w, 8, 43);
	if (!a || !b || !c) {
		ok(0, "mh: tables build");
		return;
	}
	for (i = 0; i < 65537; i++) {
		same &= a[i] == b[i];
		diff += a[i] != c[i];
	}
	ok(same, "mh: same seed, same dests: same table");
	ok(diff > 65537 / 2,
	   "mh: another seed gives another table (%u slots differ)", diff);
	/* Order independence comes from sorted keys: unsorted is refused. */
	ok(drlb_mh_fill(c, 65537, rkeys, w, 8, 42, scratch) == -1 &&
	   count_empty(c, 65537) == 65537,
	   "mh: keys not in ascending order are refused");
	keys[3] = keys[2];
	ok(drlb_mh_fill(c, 65537, keys, w, 8, 42, scratch) == -1,
	   "mh: duplicate keys are refused");
	free(a);
	free(b);
	free(c);
}

static void test_mh_slot(void)
{
	u32 hist[16] = { 0 }, i, worst = 0;

	for (i = 0; i < 160000; i++)
		hist[drlb_mh_slot(0x0a000102U + (i >> 8), 1024 + (i & 255), 9,
				  65537) % 16]++;
	for (i = 0; i < 16; i++) {
		u32 d = hist[i] > 10000 ? hist[i] - 10000 : 10000 - hist[i];

		if (d > worst)
			worst = d;
	}
	ok(worst < 600,
	   "mh: flow hash spreads sequential clients evenly (worst bucket off by %u of 10000)",
	   worst);
	ok(drlb_mh_slot(1, 2, 3, 251) == drlb_mh_slot(1, 2, 3, 251) &&
	   drlb_mh_slot(1, 2, 3, 251) != drlb_mh_slot(1, 2, 4, 251),
	   "mh: flow hash is deterministic and seeded");
}

static void test_wrr(void)
{
	u32 w[3] = { 5, 3, 2 }, turns[3], scratch[6], cnt[3] = { 0 }, len, i;
	u32 eq[4] = { 7, 7, 7, 7 }, eqt[4], s8[8], big[2] = { 65535, 65534 };
	u16 seq[16], *bigseq;
	int interleaved = 1;

	len = drlb_wrr_scale(w, 3, turns);
	ok(len == 10, "wrr: weights 5,3,2 give a sequence of 10 (got %u)", len);
	drlb_wrr_fill(seq, len, turns, 3, scratch);
	for (i = 0; i < len; i++)
		cnt[seq[i]]++;
	ok(cnt[0] == 5 && cnt[1] == 3 && cnt[2] == 2,
	   "wrr: each dest appears weight times (%u,%u,%u)", cnt[0], cnt[1],
	   cnt[2]);
	for (i = 1; i < len; i++)
		if (seq[i] == 1 && seq[i - 1] == 1)
			interleaved = 0;
	ok(interleaved && seq[0] == 0, "wrr: sequence is interleaved, heaviest first");

	len = drlb_wrr_scale(eq, 4, eqt);
	drlb_wrr_fill(seq, len, eqt, 4, s8);
	ok(len == 4 && seq[0] == 0 && seq[1] == 1 && seq[2] == 2 &&
	   seq[3] == 3, "wrr: equal weights reduce to plain round robin");

	len = drlb_wrr_scale(big, 2, turns);
	ok(len <= DRLB_WRR_SEQ_MAX + 2 && len > DRLB_WRR_SEQ_MAX - 4,
	   "wrr: weights 65535,65534 scaled to a sequence of %u", len);
	bigseq = malloc(len * sizeof(*bigseq));
	drlb_wrr_fill(bigseq, len, turns, 2, scratch);
	for (i = 0, cnt[0] = cnt[1] = 0; i < len; i++)
		cnt[bigseq[i]]++;
	ok(cnt[0] == turns[0] && cnt[1] == turns[1] &&
	   cnt[0] - cnt[1] <= 2, "wrr: scaled shares stay proportional (%u:%u)",
	   cnt[0], cnt[1]);
	free(bigseq);

	w[1] = 0;
	ok(drlb_wrr_scale(w, 3, turns) == 0, "wrr: a zero weight gives no sequence");
}

/*
 * lc/wlc overhead (active * 256 + inactive) where 32 bits wrap: conn-max
 * allows 2^26 flows, so a dest may have 2^24 active flows and more.
 */
static void test_overhead(void)
{
	const u32 big = 1U << 24, max = 1U << 26;
	u64 top = drlb_overhead(max, max);

	ok(drlb_overhead(3, 5) == 3 * 256 + 5, "overhead: active weigh 256");
	ok(drlb_overhead(big, 0) > drlb_overhead(0, 1000),
	   "overhead: 2^24 active flows weigh more than 1000 inactive (32 bits: 0)");
	ok(drlb_overhead(big + 1, 0) > drlb_overhead(big - 1, 255),
	   "overhead: ordered across 2^24 active flows");
	ok(top == ((u64)max << 8) + max,
	   "overhead: 2^26 active and 2^26 inactive flows: %llu",
	   (unsigned long long)top);
	/* wlc compares overhead_a * weight_b with overhead_b * weight_a. */
	ok(top * 65535 / 65535 == top,
	   "overhead: the largest times the largest weight fits 64 bits");
	ok(drlb_overhead(big, 0) * 1 > drlb_overhead(big - 1, 0) * 1 &&
	   drlb_overhead(big, 0) * 2 < drlb_overhead(big - 1, 0) * 3,
	   "overhead: wlc's comparison at 2^24 active flows");
}

int main(void)
{
	test_mh_full_and_balanced();
	test_mh_weights();
	test_mh_disruption();
	test_mh_seed();
	test_mh_slot();
	test_wrr();
	test_overhead();
	return tap_done();
}
