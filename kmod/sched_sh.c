// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: sh - source hashing: a client address always maps to the same dest
 * while the dests do not change. The map is a Maglev table (sched_tables.h,
 * built with the namespace's mh_table_size and mh_seed) looked up by the
 * client address alone, so unlike IPVS's sh it honours weights and moves
 * few clients when a dest comes or goes. O(1) per new flow.
 */

#include "sched.h"
#include "sched_tables.h"

static struct drlb_dest *drlb_sh_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	u32 slot = drlb_mh_slot(ntohl(f->caddr), 0, st->seed, st->table_len);

	return st->d[st->table[slot]].dest;
}

const struct drlb_sched_ops drlb_sched_sh = {
	.name = "sh",
	.uses_mh = true,
	.stable = true,
	.init = drlb_sched_mh_init,
	.schedule = drlb_sh_schedule,
};
