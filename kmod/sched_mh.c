// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: mh - Maglev hashing (NSDI'16, section 3.4; the table builder is in
 * sched_tables.h). A flow (client address and, with DRLB_SCHED_F_PORT, its
 * default here, port) hashes to a slot of a table of mh_table_size entries
 * (a prime) that maps slots to dests by weight; the table depends only on
 * the dests, their weights, the table size and mh_seed, so directors
 * configured alike pick the same dest for a flow, and a dest change moves
 * about 1/N of the flows. O(1) per new flow; the table is rebuilt under
 * drlb_net.lock and published by RCU.
 *
 * The table lookup with its overload rules is shared with sh and dh: a
 * flow whose slot's dest is overloaded is dropped, as IPVS does, unless
 * DRLB_SCHED_F_FALLBACK sends it to the next slot whose dest is not. The
 * slots that follow a dest's are other dests' roughly by weight (the
 * builder interleaves them), so an overloaded dest's new flows spread over
 * the rest, and directors alike still agree.
 */

#include "sched.h"
#include "sched_tables.h"

struct drlb_dest *drlb_sched_mh_pick(struct drlb_sched_state *st, u32 a,
				     u32 b)
{
	u32 slot = drlb_mh_slot(a, b, st->seed, st->table_len), i;
	struct drlb_dest *dest = st->d[st->table[slot]].dest;

	if (likely(!drlb_dest_overloaded(dest)))
		return dest;
	/*
	 * Every dest has a slot (the table has more slots than dests):
	 * unless all are overloaded the walk ends soon, after about
	 * n / (dests not overloaded) slots; it is bounded by the table
	 * anyway, as overloads come and go meanwhile.
	 */
	if (!(st->flags & DRLB_SCHED_F_FALLBACK) || !drlb_sched_any_free(st))
		return NULL;
	for (i = 1; i < st->table_len; i++) {
		if (++slot == st->table_len)
			slot = 0;
		dest = st->d[st->table[slot]].dest;
		if (!drlb_dest_overloaded(dest))
			return dest;
	}
	return NULL;
}

static struct drlb_dest *drlb_mh_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	return drlb_sched_mh_pick(st, drlb_addr_key(&f->caddr, f->v6),
				  drlb_sched_hash_port(st, f));
}

static struct drlb_dest *drlb_mh_lookup(struct drlb_sched_state *st,
					const struct drlb_flow *f)
{
	return drlb_sched_mh_dest(st, drlb_addr_key(&f->caddr, f->v6),
				  drlb_sched_hash_port(st, f));
}

const struct drlb_sched_ops drlb_sched_mh = {
	.name = "mh",
	.uses_mh = true,
	.stable = true,
	.flags = DRLB_SCHED_F_ALL,
	.default_flags = DRLB_SCHED_F_PORT,
	.init = drlb_sched_mh_init,
	.schedule = drlb_mh_schedule,
	.lookup = drlb_mh_lookup,
};
