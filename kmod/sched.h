/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: the scheduler interface. One file per scheduler (sched_*.c), each
 * providing a struct drlb_sched_ops; sched.c holds the registry and builds
 * the per-service state they work on.
 *
 * A service's scheduler state is immutable once published, except for the
 * rr/wrr cursor: on every change of dests, weights, scheduler or Maglev
 * settings the writer (under drlb_net.lock) builds a new state and
 * publishes it with rcu_assign_pointer(); the old one is freed after a
 * grace period. schedule() runs under RCU in softirq context and is called
 * only for a flow's first packet, never per packet.
 */
#ifndef _DRLB_SCHED_H
#define _DRLB_SCHED_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "drlb.h"
#include "sched_tables.h"

/* A usable dest as the scheduler sees it (weight > 0, snapshot). */
struct drlb_sched_dest {
	struct drlb_dest *dest;
	u32 weight;
};

/*
 * struct drlb_sched_state - a scheduler's view of one service's dests.
 *
 * @rcu:       deferred free
 * @ops:       the scheduler this state belongs to
 * @cursor:    rr/wrr position, advanced with atomic_inc_return() by
 *             concurrent CPUs. Benign race: at the 2^32 wrap the modulo
 *             jumps once; no dest can be skipped forever.
 * @n:         usable dests in @d (0: every new flow is dropped, no_dest)
 * @seed:      cfg mh_seed when built (mh, sh: hashes flows with it)
 * @table_len: entries in @table
 * @table:     indexes into @d: the Maglev lookup table (mh, sh) or the
 *             interleaved sequence (wrr); kvmalloc'ed, or NULL
 * @d:         usable dests, sorted by address
 */
struct drlb_sched_state {
	struct rcu_head rcu;
	const struct drlb_sched_ops *ops;
	atomic_t cursor;
	unsigned int n;
	u32 seed;
	u32 table_len;
	u16 *table;
	struct drlb_sched_dest d[];
};

/*
 * struct drlb_sched_ops - one scheduler.
 * @name:     as in DRLB_SVC_A_SCHED_NAME
 * @uses_mh:  the state depends on cfg mh_table_size / mh_seed
 * @stable:   the choice depends only on the flow, the usable dests and
 *            the Maglev settings: directors with the same configuration
 *            pick the same dest, so a packet of no known flow may be
 *            forwarded without an entry (hook.c, flow admission)
 * @init:     optional: fill @st->table from @st->d; under drlb_net.lock,
 *            may sleep; called only with @st->n > 0
 * @schedule: pick a dest for a new flow; RCU read side, softirq, must not
 *            sleep; called only with @st->n > 0
 */
struct drlb_sched_ops {
	const char *name;
	bool uses_mh;
	bool stable;
	int (*init)(struct drlb_sched_state *st, const struct drlb_config *cfg);
	struct drlb_dest *(*schedule)(struct drlb_sched_state *st,
				      const struct drlb_flow *f);
};

extern const struct drlb_sched_ops drlb_sched_rr;
extern const struct drlb_sched_ops drlb_sched_wrr;
extern const struct drlb_sched_ops drlb_sched_lc;
extern const struct drlb_sched_ops drlb_sched_wlc;
extern const struct drlb_sched_ops drlb_sched_sed;
extern const struct drlb_sched_ops drlb_sched_nq;
extern const struct drlb_sched_ops drlb_sched_sh;
extern const struct drlb_sched_ops drlb_sched_mh;

/* The default scheduler (uapi: "wlc"). */
#define drlb_sched_default	(&drlb_sched_wlc)

const struct drlb_sched_ops *drlb_sched_find(const char *name);
int drlb_sched_put_names(struct sk_buff *msg, int attr);

/*
 * Build a state for @svc's dests with scheduler @ops and settings @cfg.
 * @change, if not NULL, is one of the dests counted with weight
 * @change_weight instead of its own (0 leaves it out: a dest being deleted
 * or drained). Under drlb_net.lock. Returns the state or an ERR_PTR.
 */
struct drlb_sched_state *drlb_sched_build(struct drlb_service *svc,
					  const struct drlb_sched_ops *ops,
					  const struct drlb_config *cfg,
					  const struct drlb_dest *change,
					  u32 change_weight);
/* Free a state that was never published. */
void drlb_sched_state_free(struct drlb_sched_state *st);
/* Free a state after a grace period (it was published). */
void drlb_sched_state_free_rcu(struct drlb_sched_state *st);

/* The Maglev table of @st: shared by mh and sh. */
int drlb_sched_mh_init(struct drlb_sched_state *st,
		       const struct drlb_config *cfg);

/*
 * A Maglev table (mh, sh) must have more slots than the service has dests
 * (all of them, drained ones too: a weight change must never need a
 * bigger table); IPVS refuses it too. Does @n dests with scheduler @ops
 * fit a table of @size slots?
 */
static inline bool drlb_sched_fits(const struct drlb_sched_ops *ops,
				   unsigned int n, u32 size)
{
	return !ops->uses_mh || n < size;
}

/* sed's choice, shared with nq. */
struct drlb_dest *drlb_sed_pick(struct drlb_sched_state *st);

/* Overhead of a dest as IPVS counts it (sched_tables.h: drlb_overhead). */
static inline u64 drlb_dest_overhead(const struct drlb_dest *dest)
{
	return drlb_overhead(atomic_read(&dest->active),
			     atomic_read(&dest->inactive));
}

#endif /* _DRLB_SCHED_H */
