// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: dh - destination hashing: every flow to one destination (virtual)
 * address goes to the same dest while the dests do not change, the map of
 * a cache farm in front of many sites. The map is mh's Maglev table
 * (sched_tables.h, built with the namespace's mh_table_size and mh_seed)
 * looked up by the destination address. IPVS's dh spreads 256 buckets
 * over the dests round robin in the order they were added and ignores
 * weights; this honours weights, depends only on the dests' addresses
 * (directors configured alike agree whatever the order of their
 * commands: the scheduler is stable, see hook.c) and moves few addresses
 * when a dest comes or goes. As in IPVS, a flow whose dest is overloaded
 * is dropped (no fallback). A service has one VIP today, so all its flows
 * go to one dest; several services, or ones covering many addresses,
 * spread.
 */

#include "sched.h"
#include "sched_tables.h"

static struct drlb_dest *drlb_dh_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	return drlb_sched_mh_pick(st, drlb_addr_key(&f->vaddr, f->v6), 0);
}

static struct drlb_dest *drlb_dh_lookup(struct drlb_sched_state *st,
					const struct drlb_flow *f)
{
	return drlb_sched_mh_dest(st, drlb_addr_key(&f->vaddr, f->v6), 0);
}

const struct drlb_sched_ops drlb_sched_dh = {
	.name = "dh",
	.uses_mh = true,
	.stable = true,
	.init = drlb_sched_mh_init,
	.schedule = drlb_dh_schedule,
	.lookup = drlb_dh_lookup,
};
