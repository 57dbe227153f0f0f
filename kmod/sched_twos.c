// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: twos - the power of two random choices (IPVS's ip_vs_twos, after
 * Mitzenmacher): two dests drawn at random, each with probability in
 * proportion to its weight (the same one may come twice), and the one
 * with the lower overhead / weight (active * 256 + inactive flows, as
 * wlc counts) takes the flow; the first drawn on a tie. Overloaded dests
 * are left out of the draw. IPVS draws from 0..sum of weights, both ends
 * included, which gives the first dest one extra chance; this draws from
 * 0..sum - 1. O(dests) per new flow: two walks, one to sum the weights of
 * the dests not overloaded, one to find the two drawn.
 */

#include <linux/random.h>

#include "sched.h"

static struct drlb_dest *drlb_twos_schedule(struct drlb_sched_state *st,
					    const struct drlb_flow *f)
{
	const struct drlb_sched_dest *c1 = NULL, *c2 = NULL, *sd;
	u32 total = 0, r1, r2, i;
	u64 oh1, oh2;

	/* At most 65534 weights below 65536 each: the sum fits. */
	for (i = 0; i < st->n; i++)
		if (!drlb_dest_overloaded(st->d[i].dest))
			total += st->d[i].weight;
	if (!total)
		return NULL;
	r1 = get_random_u32_below(total);
	r2 = get_random_u32_below(total);
	for (i = 0; i < st->n && (!c1 || !c2); i++) {
		sd = &st->d[i];
		/* Overloaded since the sum: skipped (the draw may miss). */
		if (drlb_dest_overloaded(sd->dest))
			continue;
		if (!c1 && r1 < sd->weight)
			c1 = sd;
		else if (!c1)
			r1 -= sd->weight;
		if (!c2 && r2 < sd->weight)
			c2 = sd;
		else if (!c2)
			r2 -= sd->weight;
	}
	if (unlikely(!c1 || !c2)) {
		/* Overloads changed between the walks: take what there is. */
		if (c1 || c2)
			return (c1 ?: c2)->dest;
		for (i = 0; i < st->n; i++)
			if (!drlb_dest_overloaded(st->d[i].dest))
				return st->d[i].dest;
		return NULL;
	}
	oh1 = drlb_dest_overhead(c1->dest);
	oh2 = drlb_dest_overhead(c2->dest);
	return oh2 * c1->weight < oh1 * c2->weight ? c2->dest : c1->dest;
}

const struct drlb_sched_ops drlb_sched_twos = {
	.name = "twos",
	.schedule = drlb_twos_schedule,
};
