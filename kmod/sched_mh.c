// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: mh - Maglev hashing (NSDI'16, section 3.4; the table builder is in
 * sched_tables.h). A flow (client address and port) hashes to a slot of a
 * table of mh_table_size entries (a prime) that maps slots to dests by
 * weight; the table depends only on the dests, their weights, the table
 * size and mh_seed, so directors configured alike pick the same dest for a
 * flow, and a dest change moves about 1/N of the flows. O(1) per new
 * flow; the table is rebuilt under drlb_net.lock and published by RCU.
 */

#include <linux/export.h>

#include "sched.h"
#include "sched_tables.h"

static struct drlb_dest *drlb_mh_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	u32 slot = drlb_mh_slot(ntohl(f->caddr), ntohs(f->cport), st->seed,
				st->table_len);

	return st->d[st->table[slot]].dest;
}

const struct drlb_sched_ops drlb_sched_mh = {
	.name = "mh",
	.uses_mh = true,
	.stable = true,
	.init = drlb_sched_mh_init,
	.schedule = drlb_mh_schedule,
};
EXPORT_SYMBOL_GPL(drlb_sched_mh);
