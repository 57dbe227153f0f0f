// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: wrr - weighted round robin. The interleaved sequence (each dest
 * weight/gcd times, evenly spread; see sched_tables.h) is precomputed when
 * the dests change, so a new flow costs one atomic increment and two
 * array reads. Weight sums beyond DRLB_WRR_SEQ_MAX are scaled down.
 *
 * An overloaded dest's turn goes to the next dest of the sequence that is
 * not, looked for in at most DRLB_WRR_SCAN + n entries (the sequence may
 * be 65536 long, and a light dest far apart), then in the dests in order:
 * O(n) at worst, like wlc, and only while a dest is overloaded.
 */

#include <linux/mm.h>
#include <linux/slab.h>

#include "sched.h"
#include "sched_tables.h"

/* Sequence entries looked at past an overloaded dest's, beyond n. */
#define DRLB_WRR_SCAN	64

static int drlb_wrr_init(struct drlb_sched_state *st,
			 const struct drlb_config *cfg)
{
	u32 *w, *turns, *scratch, len, i;
	int err = -ENOMEM;

	if (st->n > DRLB_MH_MAX_DESTS)
		return -E2BIG;
	w = kvmalloc_array(4 * st->n, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	turns = w + st->n;
	scratch = turns + st->n;
	for (i = 0; i < st->n; i++)
		w[i] = st->d[i].weight;
	len = drlb_wrr_scale(w, st->n, turns);
	st->table = kvmalloc_array(len, sizeof(*st->table), GFP_KERNEL_ACCOUNT);
	if (st->table) {
		drlb_wrr_fill(st->table, len, turns, st->n, scratch);
		st->table_len = len;
		err = 0;
	}
	kvfree(w);
	return err;
}

static struct drlb_dest *drlb_wrr_schedule(struct drlb_sched_state *st,
					   const struct drlb_flow *f)
{
	u32 i = (u32)atomic_inc_return(&st->cursor) - 1, k, scan;
	struct drlb_dest *dest;

	i %= st->table_len;
	dest = st->d[st->table[i]].dest;
	if (likely(!drlb_dest_overloaded(dest)))
		return dest;
	scan = min(st->table_len, DRLB_WRR_SCAN + st->n);
	for (k = 1; k < scan; k++) {
		if (++i == st->table_len)
			i = 0;
		dest = st->d[st->table[i]].dest;
		if (!drlb_dest_overloaded(dest))
			return dest;
	}
	for (k = 0; k < st->n; k++)
		if (!drlb_dest_overloaded(st->d[k].dest))
			return st->d[k].dest;
	return NULL;
}

const struct drlb_sched_ops drlb_sched_wrr = {
	.name = "wrr",
	.init = drlb_wrr_init,
	.schedule = drlb_wrr_schedule,
};
