// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: sed - shortest expected delay: the usable dest with the lowest
 * (active + 1) / weight. O(dests) per new flow; counts read without
 * synchronisation (see sched_lc.c).
 */

#include "sched.h"

struct drlb_dest *drlb_sed_pick(struct drlb_sched_state *st)
{
	const struct drlb_sched_dest *best = NULL;
	u64 best_oh = 0;
	u32 i;

	for (i = 0; i < st->n; i++) {
		const struct drlb_sched_dest *sd = &st->d[i];
		u64 oh;

		if (drlb_dest_overloaded(sd->dest))
			continue;
		oh = (u64)atomic_read(&sd->dest->active) + 1;
		if (!best || oh * best->weight < best_oh * sd->weight) {
			best = sd;
			best_oh = oh;
		}
	}
	return best ? best->dest : NULL;
}

static struct drlb_dest *drlb_sed_schedule(struct drlb_sched_state *st,
					   const struct drlb_flow *f)
{
	return drlb_sed_pick(st);
}

const struct drlb_sched_ops drlb_sched_sed = {
	.name = "sed",
	.schedule = drlb_sed_schedule,
};
