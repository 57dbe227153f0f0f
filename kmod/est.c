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
 * like a dump.
 */

#include <linux/module.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/workqueue.h>

#include "drlb.h"

#define DRLB_EST_INTERVAL	(2 * HZ)
/* est_avg holds per-second rates << DRLB_EST_SHIFT. */
#define DRLB_EST_SHIFT		10

static const enum drlb_stat drlb_est_stat[DRLB_RATE_MAX] = {
	[DRLB_RATE_CPS]	= DRLB_ST_CONNS,
	[DRLB_RATE_PPS]	= DRLB_ST_PKTS,
	[DRLB_RATE_BPS]	= DRLB_ST_BYTES,
};

/* One sample of @st, @elapsed jiffies after the last. */
static void drlb_est_sample(struct drlb_stats *st, unsigned long elapsed)
{
	u64 sum[DRLB_ST_MAX], now, rate;
	int r;

	drlb_stats_sum(st, sum);
	for (r = 0; r < DRLB_RATE_MAX; r++) {
		now = sum[drlb_est_stat[r]];
		/*
		 * Per second, scaled: bytes of a 2 s sample at 100 Gb/s
		 * times HZ << 10 stay far below 2^64.
		 */
		rate = div64_ul((now - st->est_last[r]) * HZ <<
				DRLB_EST_SHIFT, elapsed);
		st->est_last[r] = now;
		/* avg += (rate - avg) / 2 */
		WRITE_ONCE(st->est_avg[r], st->est_avg[r] / 2 + rate / 2);
	}
}

static void drlb_est_work(struct work_struct *work)
{
	struct drlb_net *dn = container_of(to_delayed_work(work),
					   struct drlb_net, est_work);
	struct drlb_service *svc;
	struct drlb_dest *dest;
	unsigned long elapsed;
	unsigned int b;

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
	drlb_est_sample(&dn->stats, elapsed);
	for (b = 0; dn->num_services && b < DRLB_SVC_BUCKETS; b++) {
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode) {
			drlb_est_sample(&svc->stats, elapsed);
			list_for_each_entry(dest, &svc->dests, list)
				drlb_est_sample(&dest->stats, elapsed);
		}
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
	u64 sum[DRLB_ST_MAX];
	int r;

	lockdep_assert_held(&dn->lock);
	drlb_stats_sum(&dn->stats, sum);
	for (r = 0; r < DRLB_RATE_MAX; r++) {
		dn->stats.est_last[r] = sum[drlb_est_stat[r]];
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
