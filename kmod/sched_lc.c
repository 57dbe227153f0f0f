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
	struct drlb_dest *best = st->d[0].dest;
	u64 best_oh = drlb_dest_overhead(best);
	u32 i;

	for (i = 1; i < st->n; i++) {
		u64 oh = drlb_dest_overhead(st->d[i].dest);

		if (oh < best_oh) {
			best = st->d[i].dest;
			best_oh = oh;
		}
	}
	return best;
}

const struct drlb_sched_ops drlb_sched_lc = {
	.name = "lc",
	.schedule = drlb_lc_schedule,
};
