// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: wlc - weighted least connections (the default): the usable dest
 * with the lowest overhead / weight, compared as overhead_a * weight_b <
 * overhead_b * weight_a in 64 bits. O(dests) per new flow; counts read
 * without synchronisation (see sched_lc.c).
 */

#include "sched.h"

static struct drlb_dest *drlb_wlc_schedule(struct drlb_sched_state *st,
					   const struct drlb_flow *f)
{
	const struct drlb_sched_dest *best = NULL;
	u64 best_oh = 0;
	u32 i;

	for (i = 0; i < st->n; i++) {
		const struct drlb_sched_dest *sd = &st->d[i];
		u64 oh;

		if (drlb_dest_overloaded(sd->dest))
			continue;
		oh = drlb_dest_overhead(sd->dest);
		if (!best || oh * best->weight < best_oh * sd->weight) {
			best = sd;
			best_oh = oh;
		}
	}
	return best ? best->dest : NULL;
}

const struct drlb_sched_ops drlb_sched_wlc = {
	.name = "wlc",
	.schedule = drlb_wlc_schedule,
};
