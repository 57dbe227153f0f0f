// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: wrr - weighted round robin. The interleaved sequence (each dest
 * weight/gcd times, evenly spread; see sched_tables.h) is precomputed when
 * the dests change, so a new flow costs one atomic increment and two
 * array reads. Weight sums beyond DRLB_WRR_SEQ_MAX are scaled down.
 */

#include <linux/mm.h>
#include <linux/slab.h>

#include "sched.h"
#include "sched_tables.h"

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
	u32 i = (u32)atomic_inc_return(&st->cursor) - 1;

	return st->d[st->table[i % st->table_len]].dest;
}

const struct drlb_sched_ops drlb_sched_wrr = {
	.name = "wrr",
	.init = drlb_wrr_init,
	.schedule = drlb_wrr_schedule,
};
