// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: sh - source hashing: a client address always maps to the same dest
 * while the dests do not change. The map is a Maglev table (sched_tables.h,
 * built with the namespace's mh_table_size and mh_seed) looked up by the
 * client address alone (DRLB_SCHED_F_PORT adds the port, as IPVS's
 * sh-port), so unlike IPVS's sh it honours weights and moves few clients
 * when a dest comes or goes. It is mh with other default flags; the
 * overload rules (drop, or DRLB_SCHED_F_FALLBACK) are mh's. O(1) per new
 * flow.
 */

#include "sched.h"
#include "sched_tables.h"

static struct drlb_dest *drlb_sh_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	return drlb_sched_mh_pick(st, drlb_addr_key(&f->caddr, f->v6),
				  drlb_sched_hash_port(st, f));
}

static struct drlb_dest *drlb_sh_lookup(struct drlb_sched_state *st,
					const struct drlb_flow *f)
{
	return drlb_sched_mh_dest(st, drlb_addr_key(&f->caddr, f->v6),
				  drlb_sched_hash_port(st, f));
}

const struct drlb_sched_ops drlb_sched_sh = {
	.name = "sh",
	.uses_mh = true,
	.stable = true,
	.flags = DRLB_SCHED_F_ALL,
	.init = drlb_sched_mh_init,
	.schedule = drlb_sh_schedule,
	.lookup = drlb_sh_lookup,
};
