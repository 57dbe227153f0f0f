// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: lc - least connections: the usable dest with the lowest overhead
 * (active * 256 + inactive flows, as IPVS counts). O(dests) per new flow.
 * The counts are read without synchronisation: concurrent new flows may
 * pick the same dest, as in IPVS.
 */

#include "sched.h"

static struct drlb_dest *drlb_lc_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	struct drlb_dest *best = NULL;
	u64 best_oh = 0;
	u32 i;

	for (i = 0; i < st->n; i++) {
		struct drlb_dest *dest = st->d[i].dest;
		u64 oh;

		if (drlb_dest_overloaded(dest))
			continue;
		oh = drlb_dest_overhead(dest);
		if (!best || oh < best_oh) {
			best = dest;
			best_oh = oh;
		}
	}
	return best;
}

const struct drlb_sched_ops drlb_sched_lc = {
	.name = "lc",
	.schedule = drlb_lc_schedule,
};
