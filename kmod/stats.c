// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: per-CPU counters for services, dests and the namespace, and their
 * netlink form (nested DRLB_STATS_A_*).
 *
 * The packet path adds to the local CPU's counters inside a u64_stats
 * section (drlb.h); readers sum every CPU with the fetch/retry loop.
 * ZERO records the sums as a baseline instead of writing other CPUs'
 * counters; the baseline lives under drlb_net.lock.
 */

#include <linux/module.h>
#include <linux/percpu.h>
#include <net/netlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"

/* Attribute carrying each counter, in enum drlb_stat order. */
static const int drlb_stat_attr[DRLB_ST_MAX] = {
	[DRLB_ST_CONNS]			= DRLB_STATS_A_CONNS,
	[DRLB_ST_PKTS]			= DRLB_STATS_A_PKTS,
	[DRLB_ST_BYTES]			= DRLB_STATS_A_BYTES,
	[DRLB_ST_DROP_NO_DEST]		= DRLB_STATS_A_DROP_NO_DEST,
	[DRLB_ST_DROP_NO_NEIGH]		= DRLB_STATS_A_DROP_NO_NEIGH,
	[DRLB_ST_DROP_MTU]		= DRLB_STATS_A_DROP_MTU,
	[DRLB_ST_DROP_TABLE_FULL]	= DRLB_STATS_A_DROP_TABLE_FULL,
	[DRLB_ST_DROP_OTHER]		= DRLB_STATS_A_DROP_OTHER,
	[DRLB_ST_DROP_NO_FLOW]		= DRLB_STATS_A_DROP_NO_FLOW,
	[DRLB_ST_DROP_MARTIAN]		= DRLB_STATS_A_DROP_MARTIAN,
	[DRLB_ST_STATELESS]		= DRLB_STATS_A_STATELESS,
	[DRLB_ST_NEIGH_QUEUED]		= DRLB_STATS_A_NEIGH_QUEUED,
};

int drlb_stats_init(struct drlb_stats *st)
{
	memset(st->base, 0, sizeof(st->base));
	memset(st->est_last, 0, sizeof(st->est_last));
	memset(st->est_avg, 0, sizeof(st->est_avg));
	st->est_busy = false;
	st->pcpu = netdev_alloc_pcpu_stats(struct drlb_pcpu_stats);
	return st->pcpu ? 0 : -ENOMEM;
}

void drlb_stats_free(struct drlb_stats *st)
{
	free_percpu(st->pcpu);
	st->pcpu = NULL;
}

/*
 * One CPU's first @n counters (in enum drlb_stat's order: conns, packets
 * and bytes come first, for readers that want only those), as they are
 * (ZERO's baseline is of the sums, not of one CPU:
 * /proc/net/ip_vs_stats_percpu's rows, as IPVS's).
 */
void drlb_stats_cpu(const struct drlb_stats *st, int cpu, u64 *out, int n)
{
	const struct drlb_pcpu_stats *s = per_cpu_ptr(st->pcpu, cpu);
	unsigned int seq;
	int i;

	do {
		seq = u64_stats_fetch_begin(&s->syncp);
		for (i = 0; i < n; i++)
			out[i] = u64_stats_read(&s->cnt[i]);
	} while (u64_stats_fetch_retry(&s->syncp, seq));
}
EXPORT_SYMBOL_GPL(drlb_stats_cpu);

/* The first @n counters summed over every CPU, before the baseline. */
void drlb_stats_sum(const struct drlb_stats *st, u64 *out, int n)
{
	u64 v[DRLB_ST_MAX];
	int cpu, i;

	memset(out, 0, n * sizeof(*out));
	for_each_possible_cpu(cpu) {
		drlb_stats_cpu(st, cpu, v, n);
		for (i = 0; i < n; i++)
			out[i] += v[i];
	}
}

/* The first @n counters since the last ZERO; caller holds drlb_net.lock. */
void drlb_stats_read(const struct drlb_stats *st, u64 *out, int n)
{
	int i;

	drlb_stats_sum(st, out, n);
	for (i = 0; i < n; i++)
		out[i] -= st->base[i];
}
EXPORT_SYMBOL_GPL(drlb_stats_read);

/* Caller holds drlb_net.lock. */
void drlb_stats_zero(struct drlb_stats *st)
{
	drlb_stats_sum(st, st->base, DRLB_ST_MAX);
}

int drlb_stats_put(struct sk_buff *msg, int attr, const struct drlb_stats *st)
{
	u64 v[DRLB_ST_MAX];
	struct nlattr *nest;
	int i;

	drlb_stats_read(st, v, DRLB_ST_MAX);
	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < DRLB_ST_MAX; i++)
		if (nla_put_u64_64bit(msg, drlb_stat_attr[i], v[i],
				      DRLB_STATS_A_PAD))
			return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, DRLB_STATS_A_CPS,
			      drlb_est_rate(st, DRLB_RATE_CPS), DRLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, DRLB_STATS_A_INPPS,
			      drlb_est_rate(st, DRLB_RATE_PPS), DRLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, DRLB_STATS_A_INBPS,
			      drlb_est_rate(st, DRLB_RATE_BPS), DRLB_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}
