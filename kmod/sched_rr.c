// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: rr - round robin over the usable dests (weight > 0), weights
 * otherwise ignored. O(1): one atomic increment per new flow.
 */

#include "sched.h"

static struct drlb_dest *drlb_rr_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	u32 i = (u32)atomic_inc_return(&st->cursor) - 1;

	return st->d[i % st->n].dest;
}

const struct drlb_sched_ops drlb_sched_rr = {
	.name = "rr",
	.schedule = drlb_rr_schedule,
};
