// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the rate estimator - flows, packets and bytes per second of every
 * service, dest and namespace (DRLB_STATS_A_CPS, _INPPS, _INBPS).
 *
 * The packet path does nothing for it: a namespace's delayed work samples
 * the per-CPU counters (their sums, not the ZERO baselines, so ZERO leaves
 * the rates alone) every DRLB_EST_INTERVAL while the namespace's hook is
 * registered, as IPVS's estimator does, and folds each sample's rate into
 * an average where it weighs 1/2 (IPVS: 1/4 every 2 s; ours settles in
 * half the time, which an operator watching a drain wants). The work
 * walks the services under drlb_net.lock (a few microseconds a service),
 * like a dump, and skips those that are idle (drlb_est_service()).
 */

#include <linux/module.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/workqueue.h>

#include "drlb.h"

#define DRLB_EST_INTERVAL	(2 * HZ)
/* est_avg holds per-second rates << DRLB_EST_SHIFT. */
#define DRLB_EST_SHIFT		10

/* The rates are of the first counters, in their order: one array for both. */
static_assert((int)DRLB_RATE_CPS == (int)DRLB_ST_CONNS &&
	      (int)DRLB_RATE_PPS == (int)DRLB_ST_PKTS &&
	      (int)DRLB_RATE_BPS == (int)DRLB_ST_BYTES &&
	      (int)DRLB_RATE_MAX == (int)DRLB_ST_TRAFFIC);

/*
 * One sample of @st, whose sums are @sum: @scale is (HZ << DRLB_EST_SHIFT
 * << 16) / the jiffies since the last, so that a count times @scale >> 16
 * is per second, scaled: a multiplication, not a division per rate
 * (mul_u64_u32_shr keeps the 96-bit product; @scale is at most 2^26,
 * elapsed being at least HZ). Returns whether a rate is still non-zero.
 */
static bool drlb_est_sample(struct drlb_stats *st, const u64 *sum, u32 scale)
{
	u64 rate, avg;
	bool busy = false;
	int r;

	for (r = 0; r < DRLB_RATE_MAX; r++) {
		rate = mul_u64_u32_shr(sum[r] - st->est_last[r], scale, 16);
		st->est_last[r] = sum[r];
		/* avg += (rate - avg) / 2 */
		avg = st->est_avg[r] / 2 + rate / 2;
		WRITE_ONCE(st->est_avg[r], avg);
		busy |= avg != 0;
	}
	return busy;
}

/* A sample of @st whose counts did not move: the rates halve. */
static bool drlb_est_decay(struct drlb_stats *st)
{
	bool busy = false;
	int r;

	for (r = 0; r < DRLB_RATE_MAX; r++) {
		WRITE_ONCE(st->est_avg[r], st->est_avg[r] / 2);
		busy |= st->est_avg[r] != 0;
	}
	return busy;
}

static bool drlb_est_read_sample(struct drlb_stats *st, u32 scale)
{
	u64 sum[DRLB_RATE_MAX];

	drlb_stats_sum(st, sum, DRLB_ST_TRAFFIC);
	return drlb_est_sample(st, sum, scale);
}

/*
 * A service and its dests. Every flow and packet a dest counts, its
 * service counts too (hook.c, xmit.c), so when the service's sums have
 * not moved, neither have its dests': their rates only decay, without
 * reading their per-CPU counters, and once every rate is 0 (@est_busy
 * false) the service costs one read of its own counters. An idle
 * configuration of 10 000 services x 10 dests is read 10 000 times, not
 * 110 000 (IPVS reads every estimator).
 */
static void drlb_est_service(struct drlb_service *svc, u32 scale)
{
	struct drlb_stats *st = &svc->stats;
	struct drlb_dest *dest;
	u64 sum[DRLB_RATE_MAX];
	bool moved, busy;

	drlb_stats_sum(st, sum, DRLB_ST_TRAFFIC);
	moved = memcmp(sum, st->est_last, sizeof(sum));
	if (!moved && !st->est_busy)
		return;
	busy = drlb_est_sample(st, sum, scale);
	list_for_each_entry(dest, &svc->dests, list)
		busy |= moved ? drlb_est_read_sample(&dest->stats, scale) :
				drlb_est_decay(&dest->stats);
	st->est_busy = busy;
}

static void drlb_est_work(struct work_struct *work)
{
	struct drlb_net *dn = container_of(to_delayed_work(work),
					   struct drlb_net, est_work);
	struct drlb_service *svc;
	unsigned long elapsed;
	unsigned int b;
	u32 scale;

	mutex_lock(&dn->lock);
	if (!dn->hooked) {
		/* No services any more: the totals' rates are 0, and stay. */
		for (b = 0; b < DRLB_RATE_MAX; b++)
			WRITE_ONCE(dn->stats.est_avg[b], 0);
		mutex_unlock(&dn->lock);
		return;
	}
	elapsed = jiffies - dn->est_time;
	/* Too soon after drlb_est_start(): a short sample would be noise. */
	if (elapsed < DRLB_EST_INTERVAL / 2)
		goto out;
	dn->est_time = jiffies;
	scale = div64_ul((u64)HZ << (DRLB_EST_SHIFT + 16), elapsed);
	drlb_est_read_sample(&dn->stats, scale);
	for (b = 0; dn->num_services && b < DRLB_SVC_BUCKETS; b++) {
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode)
			drlb_est_service(svc, scale);
		if (!(b & 255))
			cond_resched();
	}
out:
	mutex_unlock(&dn->lock);
	queue_delayed_work(system_power_efficient_wq, &dn->est_work,
			   DRLB_EST_INTERVAL);
}

/*
 * The hook was registered (drlb_net.lock held): sample from now on. The
 * namespace's totals start afresh, so that the traffic of an earlier
 * period of services is not counted as this one's first sample.
 */
void drlb_est_start(struct drlb_net *dn)
{
	u64 sum[DRLB_RATE_MAX];
	int r;

	lockdep_assert_held(&dn->lock);
	drlb_stats_sum(&dn->stats, sum, DRLB_ST_TRAFFIC);
	for (r = 0; r < DRLB_RATE_MAX; r++) {
		dn->stats.est_last[r] = sum[r];
		WRITE_ONCE(dn->stats.est_avg[r], 0);
	}
	dn->est_time = jiffies;
	queue_delayed_work(system_power_efficient_wq, &dn->est_work,
			   DRLB_EST_INTERVAL);
}

/* Per second; under drlb_net.lock (or racing a sample: one rate or the next). */
u64 drlb_est_rate(const struct drlb_stats *st, enum drlb_rate r)
{
	return (READ_ONCE(st->est_avg[r]) + (1 << (DRLB_EST_SHIFT - 1))) >>
	       DRLB_EST_SHIFT;
}
EXPORT_SYMBOL_GPL(drlb_est_rate);

void drlb_est_net_init(struct drlb_net *dn)
{
	INIT_DELAYED_WORK(&dn->est_work, drlb_est_work);
}

/* After the services are gone (the hook is, so the work does not rearm). */
void drlb_est_net_exit(struct drlb_net *dn)
{
	cancel_delayed_work_sync(&dn->est_work);
}
