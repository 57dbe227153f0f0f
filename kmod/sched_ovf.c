// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: ovf - weighted overflow (IPVS's ip_vs_ovf): new flows go to the
 * dest with the highest weight (ties: the lowest address) until its
 * active flows exceed its weight, then to the next by weight, and so on;
 * overloaded dests are skipped. As in IPVS a dest takes flows while its
 * active count is at most its weight, so weight W holds W + 1 active
 * flows before the next one gets any. Active flows are established TCP
 * ones: UDP and SCTP flows never count, and all go to the first dest.
 * The dests are ordered by weight when the state is built (fo's order);
 * O(dests) at worst per new flow, counts read without synchronisation
 * (see sched_lc.c).
 */

#include "sched.h"

static struct drlb_dest *drlb_ovf_schedule(struct drlb_sched_state *st,
					   const struct drlb_flow *f)
{
	const struct drlb_sched_dest *sd;
	u32 i;

	for (i = 0; i < st->table_len; i++) {
		sd = &st->d[st->table[i]];
		if (!drlb_dest_overloaded(sd->dest) &&
		    (u32)atomic_read(&sd->dest->active) <= sd->weight)
			return sd->dest;
	}
	return NULL;
}

const struct drlb_sched_ops drlb_sched_ovf = {
	.name = "ovf",
	.init = drlb_sched_fo_init,
	.schedule = drlb_ovf_schedule,
};
