// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: fo - weighted failover (IPVS's ip_vs_fo): every new flow goes to
 * the usable dest with the highest weight (ties: the lowest address, the
 * first in the state's order), or, while that one is overloaded, the next
 * by weight. The dests are put in that order when the state is built, so a
 * new flow usually costs one look at one dest.
 *
 * Not stable across directors, though two directors alike would agree
 * while no dest is overloaded: a packet of no known flow is dropped, as
 * for the other load-driven schedulers (see hook.c, flow admission).
 */

#include <linux/mm.h>
#include <linux/sort.h>

#include "sched.h"

/* Higher weight first; equal weights in the state's (address) order. */
static int drlb_fo_cmp(const void *a, const void *b, const void *priv)
{
	const struct drlb_sched_state *st = priv;
	u16 x = *(const u16 *)a, y = *(const u16 *)b;
	u32 wx = st->d[x].weight, wy = st->d[y].weight;

	if (wx != wy)
		return wx > wy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* @st->table: the indexes of @st->d by weight, highest first (fo, ovf). */
int drlb_sched_fo_init(struct drlb_sched_state *st,
		       const struct drlb_config *cfg)
{
	u32 i;

	if (st->n > DRLB_MH_MAX_DESTS)
		return -E2BIG;
	st->table = kvmalloc_array(st->n, sizeof(*st->table),
				   GFP_KERNEL_ACCOUNT);
	if (!st->table)
		return -ENOMEM;
	for (i = 0; i < st->n; i++)
		st->table[i] = (u16)i;
	sort_r(st->table, st->n, sizeof(*st->table), drlb_fo_cmp, NULL, st);
	st->table_len = st->n;
	return 0;
}

static struct drlb_dest *drlb_fo_schedule(struct drlb_sched_state *st,
					  const struct drlb_flow *f)
{
	struct drlb_dest *dest;
	u32 i;

	for (i = 0; i < st->table_len; i++) {
		dest = st->d[st->table[i]].dest;
		if (likely(!drlb_dest_overloaded(dest)))
			return dest;
	}
	return NULL;
}

const struct drlb_sched_ops drlb_sched_fo = {
	.name = "fo",
	.init = drlb_sched_fo_init,
	.schedule = drlb_fo_schedule,
};
