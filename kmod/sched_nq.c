// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: nq - never queue: an idle usable dest (no active flows) if there
 * is one, else as sed. O(dests) per new flow.
 */

#include "sched.h"

static struct drlb_dest *drlb_nq_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	u32 i;

	for (i = 0; i < st->n; i++)
		if (!atomic_read(&st->d[i].dest->active) &&
		    !drlb_dest_overloaded(st->d[i].dest))
			return st->d[i].dest;
	return drlb_sed_pick(st);
}

const struct drlb_sched_ops drlb_sched_nq = {
	.name = "nq",
	.schedule = drlb_nq_schedule,
};
