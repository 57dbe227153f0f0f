// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: rr - round robin over the usable dests (weight > 0), weights
 * otherwise ignored. O(1): one atomic increment per new flow. An
 * overloaded dest's turn goes to the next one, and the cursor moves past
 * the dest chosen, so that the others still take turns evenly.
 */

#include "sched.h"

static struct drlb_dest *drlb_rr_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	u32 i = (u32)atomic_inc_return(&st->cursor) - 1, k;
	struct drlb_dest *dest;

	for (k = 0; k < st->n; k++) {
		dest = st->d[(i + k) % st->n].dest;
		if (likely(!drlb_dest_overloaded(dest))) {
			if (k)
				atomic_add(k, &st->cursor);
			return dest;
		}
	}
	return NULL;
}

const struct drlb_sched_ops drlb_sched_rr = {
	.name = "rr",
	.schedule = drlb_rr_schedule,
};
