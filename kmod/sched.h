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
 *
 * Dests are listed with the weight they had when the state was built, but
 * their load moves all the time: every scheduler skips overloaded dests
 * (drlb_dest_overloaded(), connection thresholds), read as it goes, and
 * returns NULL when they all are.
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
 * @flags:     DRLB_SCHED_F_* of the service when built (sh, mh)
 * @seed:      cfg mh_seed when built (mh, sh, dh: hashes flows with it)
 * @table_len: entries in @table
 * @table:     indexes into @d: the Maglev lookup table (mh, sh, dh), the
 *             interleaved sequence (wrr) or the dests by weight (fo);
 *             kvmalloc'ed, or NULL
 * @d:         usable dests, sorted by address
 */
struct drlb_sched_state {
	struct rcu_head rcu;
	const struct drlb_sched_ops *ops;
	atomic_t cursor;
	unsigned int n;
	u32 flags;
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
 *            the Maglev settings (and the dests' overload, which
 *            @lookup ignores): directors with the same configuration
 *            pick the same dest, so a packet of no known flow may be
 *            forwarded without an entry (hook.c, flow admission)
 * @flags:    the DRLB_SCHED_F_* it understands (others are refused)
 * @default_flags: its DRLB_SCHED_F_* when the service names none
 * @init:     optional: fill @st->table from @st->d; under drlb_net.lock,
 *            may sleep; called only with @st->n > 0
 * @schedule: pick a dest for a new flow, skipping overloaded ones; NULL if
 *            there is none; RCU read side, softirq, must not sleep;
 *            called only with @st->n > 0
 * @lookup:   @stable schedulers: the dest @f maps to whatever the dests'
 *            load, for a packet of a flow that exists (on another
 *            director) but has no entry here; as @schedule otherwise
 */
struct drlb_sched_ops {
	const char *name;
	bool uses_mh;
	bool stable;
	u32 flags;
	u32 default_flags;
	int (*init)(struct drlb_sched_state *st, const struct drlb_config *cfg);
	struct drlb_dest *(*schedule)(struct drlb_sched_state *st,
				      const struct drlb_flow *f);
	struct drlb_dest *(*lookup)(struct drlb_sched_state *st,
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
extern const struct drlb_sched_ops drlb_sched_dh;
extern const struct drlb_sched_ops drlb_sched_fo;
extern const struct drlb_sched_ops drlb_sched_ovf;
extern const struct drlb_sched_ops drlb_sched_twos;

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

/* The Maglev table of @st: shared by mh, sh and dh. */
int drlb_sched_mh_init(struct drlb_sched_state *st,
		       const struct drlb_config *cfg);
/*
 * The dest of @st's Maglev table for the key (@a, @b): the slot's, if it
 * is not overloaded; else, with DRLB_SCHED_F_FALLBACK in @st->flags, the
 * next slot's that is not, or NULL (sched_mh.c).
 */
struct drlb_dest *drlb_sched_mh_pick(struct drlb_sched_state *st, u32 a,
				     u32 b);

/* The slot's dest whatever its load (the stable schedulers' @lookup). */
static inline struct drlb_dest *drlb_sched_mh_dest(struct drlb_sched_state *st,
						   u32 a, u32 b)
{
	return st->d[st->table[drlb_mh_slot(a, b, st->seed,
					    st->table_len)]].dest;
}

/* The second word of an mh or sh key: the client port, if hashed. */
static inline u32 drlb_sched_hash_port(const struct drlb_sched_state *st,
				       const struct drlb_flow *f)
{
	return st->flags & DRLB_SCHED_F_PORT ? ntohs(f->cport) : 0;
}

/*
 * A Maglev table (mh, sh, dh) must have more slots than the service has dests
 * (all of them, drained ones too: a weight change must never need a
 * bigger table); IPVS refuses it too. Does @n dests with scheduler @ops
 * fit a table of @size slots?
 */
static inline bool drlb_sched_fits(const struct drlb_sched_ops *ops,
				   unsigned int n, u32 size)
{
	return !ops->uses_mh || n < size;
}

/* Is any dest of @st not overloaded? O(n), for the rare slow paths. */
bool drlb_sched_any_free(const struct drlb_sched_state *st);

/* fo's order of the dests (by weight), shared with ovf. */
int drlb_sched_fo_init(struct drlb_sched_state *st,
		       const struct drlb_config *cfg);

/* sed's choice, shared with nq. */
struct drlb_dest *drlb_sed_pick(struct drlb_sched_state *st);

/* Overhead of a dest as IPVS counts it (sched_tables.h: drlb_overhead). */
static inline u64 drlb_dest_overhead(const struct drlb_dest *dest)
{
	return drlb_overhead(atomic_read(&dest->active),
			     atomic_read(&dest->inactive));
}

#endif /* _DRLB_SCHED_H */
