// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the connection table - one per namespace, flows and persistence
 * templates keyed by (proto, client addr, client port, VIP, vport, flags).
 * The table does not interpret the key: a template (DRLB_CONN_F_TEMPLATE)
 * holds the client's network with port 0, and the VIP and service port,
 * or for a fwmark service the mark in place of the VIP with port and
 * proto 0 (hook.c, drlb_persist_key()). IPv4 and IPv6 entries share the
 * table and its bound; an IPv6 entry (DRLB_CONN_F_V6, part of the key)
 * is longer and comes from its own cache (struct drlb_conn).
 *
 * Locking:
 *  - Lookups (the packet path, dumps) walk a bucket under RCU and take no
 *    lock at all.
 *  - Inserting and unlinking take the bucket's spinlock (striped: 1024
 *    locks over all buckets), with BHs disabled since both the packet path
 *    and process context (GC, purges) write. An insert looks the key up
 *    again under the lock, so two CPUs creating the same flow end with one
 *    entry (the loser returns the winner's).
 *  - Unlinked entries are freed after a grace period (call_rcu); the free
 *    drops the entry's dest reference.
 *
 * Growing (drlb_conn_resize(), when conn_max is raised): the chains are
 * hlist_nulls lists whose end marker names the table and the bucket. A
 * bigger table is hung off the current one (its @next); from then on new
 * entries go into it, and the resize moves the old table's entries over
 * one at a time under both buckets' locks. A lookup searches the current
 * table, then its @next: an entry is in one of them at every moment, and
 * only moves old to new, so it is found - unless the lookup was standing
 * on it in an old chain as it moved, in which case the walk ends on
 * another chain's end marker and the lookup starts again. When the old
 * table is empty, the new one becomes current and the old one is freed
 * after a grace period. Each entry records which of the two tables it is
 * in (@tab), so that an unlink takes the right lock.
 *
 * Expiry without timers: each entry stores its expiry time in jiffies. The
 * packet path rewrites it (WRITE_ONCE) only when it moves by more than a
 * second, so busy flows do not dirty the line per packet. A per-namespace
 * delayed work runs every second and scans a quarter of the buckets, but
 * stops once it has read DRLB_GC_BUDGET entries unless the table is
 * full: an entry goes at most about five seconds after it expired while
 * the table holds up to 256 Ki entries, about 17 s with 1 Mi of them,
 * where a quarter a second was a fifth of a CPU reading entries that had
 * not expired. It also removes entries whose dest was deleted with
 * expire_nodest. The work is unbound, so that the scheduler runs it
 * on a CPU with time to spare rather than on the one that queued it
 * first. Deleting a dest or a service purges its flows synchronously
 * (drlb_conn_purge()).
 *
 * The table is bounded by cfg.conn_max (a count of entries, flows and
 * templates alike): when full, new flows are dropped and counted as
 * drop_table_full; established flows are not affected. The count is a
 * per-CPU counter: a CPU adds to its own share and folds it into the
 * total only every DRLB_CONN_COUNT_BATCH entries, so new flows on
 * different CPUs write no common cache line. The bound check reads the
 * total while it is further than the CPUs' shares could be from the
 * bound, and sums the shares exactly when closer
 * (__percpu_counter_compare()); CPUs that pass the check at the same
 * moment may each add their entry, so a full table holds at most one
 * entry per CPU more than conn_max.
 */

#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rculist_nulls.h>
/* cond_resched_rcu(): 6.12's home, and 6.1's (sched.h) */
#include <linux/rcupdate_wait.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"

/*
 * The hash gets one bucket per two entries of cfg.conn_max (so a full
 * table has chains of two on average, and the heads cost 4 bytes per
 * entry), between 2^8 and 2^22 buckets (32 MiB: at the largest conn_max,
 * 2^26, chains of 16 on average): sized when the namespace gets its
 * first service and grown, online, whenever conn_max is raised past what
 * it was sized for (drlb_conn_resize()); conn_hash_bits fixes it instead.
 */
static unsigned int conn_hash_bits;
module_param(conn_hash_bits, uint, 0444);
MODULE_PARM_DESC(conn_hash_bits,
		 "log2 of the connection hash buckets per namespace (8..22); 0 (default): from conn-max, one bucket per two entries, grown when conn-max is raised");

#define DRLB_CONN_HASH_MIN_BITS	8
#define DRLB_CONN_HASH_MAX_BITS	22

/* IPv4 entries (64 bytes, a cache line) and IPv6 ones (88 bytes). */
static struct kmem_cache *drlb_conn_cachep __read_mostly;
static struct kmem_cache *drlb_conn6_cachep __read_mostly;

/* Entries a CPU adds or removes before they reach the total (see above). */
#define DRLB_CONN_COUNT_BATCH	64

static inline void drlb_conn_count_add(struct drlb_net *dn, s32 n)
{
	percpu_counter_add_batch(&dn->conn_count, n, DRLB_CONN_COUNT_BATCH);
}

/* Fraction of the buckets the GC scans per run (one run per second). */
#define DRLB_GC_PARTS		4
/* ... until it has read this many entries, while the table is not full. */
#define DRLB_GC_BUDGET		BIT(16)

int __init drlb_conn_module_init(void)
{
	/*
	 * An IPv4 entry must stay one cache line, an IPv6 one within 96
	 * bytes (see struct drlb_conn).
	 */
	BUILD_BUG_ON(DRLB_CONN4_SIZE > 64);
	BUILD_BUG_ON(DRLB_CONN6_SIZE > 96);

	if (conn_hash_bits)
		conn_hash_bits = clamp(conn_hash_bits, DRLB_CONN_HASH_MIN_BITS,
				       DRLB_CONN_HASH_MAX_BITS);
	drlb_conn_cachep = kmem_cache_create("drlb_conn", DRLB_CONN4_SIZE, 0,
					     SLAB_HWCACHE_ALIGN, NULL);
	/* Not cache-aligned: that would make it 128 bytes. */
	drlb_conn6_cachep = kmem_cache_create("drlb_conn6", DRLB_CONN6_SIZE,
					      0, 0, NULL);
	if (!drlb_conn_cachep || !drlb_conn6_cachep) {
		kmem_cache_destroy(drlb_conn6_cachep);
		kmem_cache_destroy(drlb_conn_cachep);
		return -ENOMEM;
	}
	return 0;
}

/* After every RCU callback freeing entries has run (rcu_barrier()). */
void drlb_conn_module_exit(void)
{
	kmem_cache_destroy(drlb_conn6_cachep);
	kmem_cache_destroy(drlb_conn_cachep);
}

static struct kmem_cache *drlb_conn_cache(bool v6)
{
	return v6 ? drlb_conn6_cachep : drlb_conn_cachep;
}

/*
 * An IPv4 key: its two addresses and ports in one jhash_3words(); an
 * IPv6 one: its eight address words, then the ports. @flags (with
 * DRLB_CONN_F_V6 for IPv6) is in the seed.
 */
static u32 drlb_conn_hash(const struct drlb_conn_tab *t,
			  const struct drlb_flow *f, u8 flags)
{
	u32 ports = ((u32)(__force u16)f->cport << 16) | (__force u16)f->vport;
	u32 seed = t->seed ^ f->proto ^ ((u32)flags << 8);

	if (unlikely(f->v6))
		return jhash_1word(ports,
				   jhash2((__force const u32 *)f->caddr.all, 4,
					  jhash2((__force const u32 *)f->vaddr.all,
						 4, seed))) &
		       ((1U << t->bits) - 1);
	return jhash_3words((__force u32)f->caddr.ip, (__force u32)f->vaddr.ip,
			    ports, seed) & ((1U << t->bits) - 1);
}

/* The flow key of @c. */
static void drlb_conn_flow(const struct drlb_conn *c, struct drlb_flow *f)
{
	drlb_conn_addrs(c, &f->caddr, &f->vaddr);
	f->cport = c->cport;
	f->vport = c->vport;
	f->proto = c->proto;
	f->v6 = drlb_conn_v6(c);
}

static u32 drlb_conn_hash_of(const struct drlb_conn_tab *t,
			     const struct drlb_conn *c)
{
	struct drlb_flow f;

	drlb_conn_flow(c, &f);
	return drlb_conn_hash(t, &f, c->flags);
}

/* The end marker of bucket @b of @t: which table, which bucket. */
static unsigned long drlb_conn_nulls(const struct drlb_conn_tab *t, u32 b)
{
	return ((unsigned long)t->id << DRLB_CONN_HASH_MAX_BITS) | b;
}

static spinlock_t *drlb_conn_lock(const struct drlb_conn_tab *t, u32 hash)
{
	return &t->locks[hash % DRLB_CONN_LOCKS];
}

/* @flags has DRLB_CONN_F_V6 exactly when @f->v6. */
static bool drlb_conn_match(const struct drlb_conn *c,
			    const struct drlb_flow *f, u8 flags)
{
	if (c->cport != f->cport || c->vport != f->vport ||
	    c->proto != f->proto || c->flags != flags)
		return false;
	if (likely(!f->v6))
		return c->a.v4.caddr == f->caddr.ip &&
		       c->a.v4.vaddr == f->vaddr.ip;
	return ipv6_addr_equal(&c->a.v6.caddr, &f->caddr.in6) &&
	       ipv6_addr_equal(&c->a.v6.vaddr, &f->vaddr.in6);
}

/* The entry flags of a key of @f with @flags (DRLB_CONN_F_TEMPLATE). */
static u8 drlb_conn_flags(const struct drlb_flow *f, u8 flags)
{
	return f->v6 ? flags | DRLB_CONN_F_V6 : flags;
}

/* Under RCU; the table exists whenever the hook is registered. */
struct drlb_conn *drlb_conn_lookup(struct drlb_net *dn,
				   const struct drlb_flow *f, u8 flags)
{
	const struct drlb_conn_tab *t;
	struct hlist_nulls_node *n;
	struct drlb_conn *c;
	u32 h;

	flags = drlb_conn_flags(f, flags);
restart:
	t = rcu_dereference(dn->conn);
	do {
		h = drlb_conn_hash(t, f, flags);
		hlist_nulls_for_each_entry_rcu(c, n, &t->buckets[h], node)
			if (drlb_conn_match(c, f, flags))
				return c;
		/* Carried into another chain by an entry that moved. */
		if (get_nulls_value(n) != drlb_conn_nulls(t, h))
			goto restart;
		t = rcu_dereference(t->next);
	} while (t);
	return NULL;
}

static void drlb_conn_free_rcu(struct rcu_head *rcu)
{
	struct drlb_conn *c = container_of(rcu, struct drlb_conn, rcu);

	drlb_dest_put(c->dest);
	kmem_cache_free(drlb_conn_cache(drlb_conn_v6(c)), c);
}

/* Which dest counter an entry in @state is in (NULL: none, a template). */
static atomic_t *drlb_conn_counter(const struct drlb_conn *c, u8 state)
{
	if (c->flags & DRLB_CONN_F_TEMPLATE)
		return NULL;
	return state == DRLB_CONN_S_EST ? &c->dest->active :
					  &c->dest->inactive;
}

/*
 * @c enters (@add) or leaves its table: count it on its dest, a template
 * in the dest's templates, a flow in its state's counter and in the
 * dest's flows (which may overload it or end the overload).
 */
static void drlb_conn_account(struct drlb_conn *c, u8 state, bool add)
{
	struct drlb_dest *dest = c->dest;
	atomic_t *cnt = drlb_conn_counter(c, state);

	if (!cnt) {
		if (add)
			atomic_inc(&dest->persist);
		else
			atomic_dec(&dest->persist);
	} else if (add) {
		atomic_inc(cnt);
		drlb_dest_conns_inc(dest);
	} else {
		atomic_dec(cnt);
		drlb_dest_conns_dec(dest);
	}
}

/* Under the bucket's lock: the entry of @f in chain @h of @t, or NULL. */
static struct drlb_conn *drlb_conn_find_locked(const struct drlb_conn_tab *t,
					       u32 h, const struct drlb_flow *f,
					       u8 flags)
{
	struct hlist_nulls_node *n;
	struct drlb_conn *c;

	hlist_nulls_for_each_entry(c, n, &t->buckets[h], node)
		if (drlb_conn_match(c, f, flags))
			return c;
	return NULL;
}

/*
 * Under the lock of bucket @h of @t: link @c there, taking a reference on
 * its dest and counting it, unless the chain has its key already. Returns
 * @c, the entry found, or ERR_PTR(-ENOENT) if the dest is going away.
 */
static struct drlb_conn *drlb_conn_link_locked(const struct drlb_conn_tab *t,
					       u32 h, struct drlb_conn *c,
					       const struct drlb_flow *f)
{
	struct drlb_conn *old = drlb_conn_find_locked(t, h, f, c->flags);

	if (old)
		return old;
	if (!drlb_dest_get(c->dest))
		return ERR_PTR(-ENOENT);
	/*
	 * Before the entry is visible: its unlink, which looks at the
	 * overload flag again, comes after whatever this sets.
	 */
	drlb_conn_account(c, c->state, true);
	c->tab = t->id;
	hlist_nulls_add_head_rcu(&c->node, &t->buckets[h]);
	return c;
}

/*
 * drlb_conn_insert - add a flow or template for @dest, or find the one
 * another CPU added first. Takes its own reference on @dest (the caller
 * found @dest under RCU). Sets *@created when the entry is new.
 * Returns the entry, or ERR_PTR: -ENOSPC table full, -ENOENT dest going
 * away, -ENOMEM. Under RCU.
 */
struct drlb_conn *drlb_conn_insert(struct drlb_net *dn,
				   const struct drlb_flow *f, u8 flags,
				   u8 state, struct drlb_dest *dest,
				   unsigned long timeout, bool *created)
{
	const struct drlb_conn_tab *t, *nt;
	spinlock_t *lock, *nlock;	/* the buckets' */
	struct drlb_conn *c, *ret;
	u32 h, nh;

	*created = false;
	flags = drlb_conn_flags(f, flags);
	if (__percpu_counter_compare(&dn->conn_count,
				     READ_ONCE(dn->cfg.conn_max),
				     DRLB_CONN_COUNT_BATCH) >= 0)
		return ERR_PTR(-ENOSPC);
	drlb_conn_count_add(dn, 1);
	c = kmem_cache_alloc(drlb_conn_cache(f->v6), GFP_ATOMIC);
	if (!c) {
		drlb_conn_count_add(dn, -1);
		return ERR_PTR(-ENOMEM);
	}
	if (f->v6) {
		c->a.v6.caddr = f->caddr.in6;
		c->a.v6.vaddr = f->vaddr.in6;
	} else {
		c->a.v4.caddr = f->caddr.ip;
		c->a.v4.vaddr = f->vaddr.ip;
	}
	c->cport = f->cport;
	c->vport = f->vport;
	c->proto = f->proto;
	c->flags = flags;
	c->state = state;
	c->dest = dest;
	c->expires = jiffies + timeout;

	t = rcu_dereference(dn->conn);
	h = drlb_conn_hash(t, f, flags);
	lock = drlb_conn_lock(t, h);
	spin_lock_bh(lock);
	ret = drlb_conn_find_locked(t, h, f, flags);
	if (!ret) {
		/*
		 * A resize hangs the new table off @t before it moves
		 * anything; read under @t's bucket lock, which the resize
		 * takes to move this bucket. Once there is one, new
		 * entries go there, after this chain was looked at.
		 */
		nt = rcu_dereference(t->next);
		if (nt) {
			nh = drlb_conn_hash(nt, f, flags);
			nlock = drlb_conn_lock(nt, nh);
			/* Old table's lock, then the new one's: as resizes. */
			spin_lock_nested(nlock, SINGLE_DEPTH_NESTING);
			ret = drlb_conn_link_locked(nt, nh, c, f);
			spin_unlock(nlock);
		} else {
			ret = drlb_conn_link_locked(t, h, c, f);
		}
	}
	spin_unlock_bh(lock);
	if (ret == c) {
		*created = true;
		return c;
	}
	/* another CPU's entry, or an error: ours goes */
	kmem_cache_free(drlb_conn_cache(f->v6), c);
	drlb_conn_count_add(dn, -1);
	return ret;
}

/* Caller holds the entry's bucket lock; the entry is hashed. */
static void __drlb_conn_unlink(struct drlb_net *dn, struct drlb_conn *c)
{
	/* From now on no state transition is accounted (see set_state). */
	u8 old = xchg(&c->state, DRLB_CONN_S_DEAD);

	hlist_nulls_del_init_rcu(&c->node);
	drlb_conn_account(c, old, false);
	drlb_conn_count_add(dn, -1);
	call_rcu(&c->rcu, drlb_conn_free_rcu);
}

/*
 * Unlink @c now (packet path: its dest is gone, or a stale template).
 * Under RCU. The table @c is in is the current one or, while a resize
 * moves entries, its @next; only the resize changes @c->tab, with the
 * old bucket's lock held.
 */
void drlb_conn_unlink(struct drlb_net *dn, struct drlb_conn *c)
{
	const struct drlb_conn_tab *t;
	spinlock_t *lock;	/* the bucket's */

again:
	t = rcu_dereference(dn->conn);
	/* @c->tab as the resize left it before it made @t current. */
	smp_rmb();
	if (READ_ONCE(c->tab) != t->id) {
		/*
		 * Not in @t. A table's @next, once set, stays until the
		 * table is freed, and nothing hashes an unlinked entry
		 * again: with no @next, @c is in no table any more.
		 */
		t = rcu_dereference(t->next);
		if (!t)
			return;
	}
	lock = drlb_conn_lock(t, drlb_conn_hash_of(t, c));
	spin_lock_bh(lock);
	if (c->tab != t->id) {	/* moved meanwhile */
		spin_unlock_bh(lock);
		goto again;
	}
	/* Another CPU or the GC may have unlinked it already. */
	if (!hlist_nulls_unhashed(&c->node))
		__drlb_conn_unlink(dn, c);
	spin_unlock_bh(lock);
}

/* Move @c to @state, accounting the dest's active/inactive counts once. */
void drlb_conn_set_state(struct drlb_net *dn, struct drlb_conn *c, u8 state)
{
	u8 old = READ_ONCE(c->state);
	atomic_t *from, *to;

	do {
		if (old == state || old == DRLB_CONN_S_DEAD)
			return;
	} while (!try_cmpxchg(&c->state, &old, state));

	from = drlb_conn_counter(c, old);
	to = drlb_conn_counter(c, state);
	if (from != to) {
		atomic_dec(from);
		atomic_inc(to);
	}
}

/*
 * Push @c's expiry to now + @timeout, if that moves it by over a second.
 * Returns whether it did.
 */
bool drlb_conn_touch(struct drlb_conn *c, unsigned long timeout)
{
	unsigned long exp = jiffies + timeout;
	long delta = (long)(exp - READ_ONCE(c->expires));

	if (delta > HZ || delta < -HZ) {
		WRITE_ONCE(c->expires, exp);
		return true;
	}
	return false;
}

/* Push @c's expiry to @until if that is later by over a second. */
void drlb_conn_extend(struct drlb_conn *c, unsigned long until)
{
	if (time_after(until, READ_ONCE(c->expires) + HZ))
		WRITE_ONCE(c->expires, until);
}

unsigned long drlb_conn_timeout(struct drlb_net *dn, u8 proto, u8 state)
{
	enum drlb_timeout i;

	switch (proto) {
	case IPPROTO_TCP:
		switch (state) {
		case DRLB_CONN_S_EST:
			i = DRLB_TO_TCP_EST;
			break;
		case DRLB_CONN_S_FIN:
			i = DRLB_TO_TCP_FIN;
			break;
		case DRLB_CONN_S_CLOSE:
			i = DRLB_TO_TCP_CLOSE;
			break;
		default:
			i = DRLB_TO_TCP_SYN;
			break;
		}
		break;
	case IPPROTO_UDP:
		i = DRLB_TO_UDP;
		break;
	case IPPROTO_SCTP:
		i = DRLB_TO_SCTP;
		break;
	default:
		i = DRLB_TO_OTHER;
		break;
	}
	return (unsigned long)READ_ONCE(dn->cfg.timeout[i]) * HZ;
}

/*
 * TCP state from the client's packets only (the director never sees the
 * server's): RST closes, FIN finishes (a closed flow stays closed), a SYN
 * without ACK (re)opens, an ACK establishes an opening flow. A flow first
 * seen mid-stream (no SYN: e.g. after a director failover) starts in the
 * state its first packet implies.
 */
u8 drlb_tcp_next_state(u8 state, bool syn, bool ack, bool fin, bool rst)
{
	if (rst)
		return DRLB_CONN_S_CLOSE;
	if (fin)
		return state == DRLB_CONN_S_CLOSE ? state : DRLB_CONN_S_FIN;
	if (syn && !ack)
		return DRLB_CONN_S_SYN;
	if (ack && (state == DRLB_CONN_S_NONE || state == DRLB_CONN_S_SYN))
		return DRLB_CONN_S_EST;
	return state == DRLB_CONN_S_NONE ? DRLB_CONN_S_SYN : state;
}

/*
 * The table as the GC, purges and resizes see it: it changes only under
 * drlb_net.lock and drlb_net.conn_resize both, so either suffices.
 */
static struct drlb_conn_tab *drlb_conn_tab_locked(struct drlb_net *dn)
{
	return rcu_dereference_protected(dn->conn,
					 lockdep_is_held(&dn->lock) ||
					 lockdep_is_held(&dn->conn_resize));
}

/*
 * Unlink the entries of bucket @b of @t that are due: expired, belonging
 * to a dest deleted with expire_nodest, or every entry if @all. Returns
 * the chain's length as found (for the GC's longest-chain figure).
 */
static unsigned int drlb_conn_scan_bucket(struct drlb_net *dn,
					  struct drlb_conn_tab *t, u32 b,
					  bool all)
{
	struct hlist_nulls_head *head = &t->buckets[b];
	spinlock_t *lock = drlb_conn_lock(t, b);
	struct hlist_nulls_node *n;
	unsigned int len = 0;
	bool stale = all;
	struct drlb_conn *c;

	if (hlist_nulls_empty(head))
		return 0;
	/*
	 * Look without the lock first: most buckets have nothing to remove,
	 * and taking a lock per bucket made the GC of a million entries a
	 * noticeable share of a CPU.
	 */
	rcu_read_lock();
	hlist_nulls_for_each_entry_rcu(c, n, head, node) {
		len++;
		if (time_after_eq(jiffies, READ_ONCE(c->expires)) ||
		    test_bit(DRLB_DEST_EXPIRE, &c->dest->flags))
			stale = true;
	}
	rcu_read_unlock();
	if (!stale)
		return len;
	spin_lock_bh(lock);
	hlist_nulls_for_each_entry_safe(c, n, head, node)
		if (all || time_after_eq(jiffies, READ_ONCE(c->expires)) ||
		    test_bit(DRLB_DEST_EXPIRE, &c->dest->flags))
			__drlb_conn_unlink(dn, c);
	spin_unlock_bh(lock);
	return len;
}

/*
 * Remove every entry (@all) or those of dests deleted with expire_nodest,
 * at once. Process context; under drlb_net.lock (so no resize runs) or
 * drlb_net.conn_resize.
 */
void drlb_conn_purge(struct drlb_net *dn, bool all)
{
	struct drlb_conn_tab *t = drlb_conn_tab_locked(dn);
	u32 b, size;

	if (!t)
		return;
	size = 1U << t->bits;
	for (b = 0; b < size; b++) {
		drlb_conn_scan_bucket(dn, t, b, all);
		if (!(b & 1023))
			cond_resched();
	}
}

/* @f->caddr is already masked to @f->cplen bits. */
static bool drlb_conn_filter_caddr(const struct drlb_conn_filter *f,
				   const struct drlb_conn *c)
{
	union drlb_addr ca, va;

	drlb_conn_addrs(c, &ca, &va);
	drlb_addr_prefix(&ca, &ca, f->cplen, f->v6);
	return drlb_addr_eq(&ca, &f->caddr, f->v6);
}

bool drlb_conn_filter_match(const struct drlb_conn_filter *f,
			    const struct drlb_conn *c)
{
	const struct drlb_dest *d = c->dest;

	if ((f->has_caddr || f->has_daddr) && drlb_conn_v6(c) != f->v6)
		return false;
	return (!f->svc || d->svc == f->svc) &&
	       (!f->has_proto || c->proto == f->proto) &&
	       (!f->has_caddr || drlb_conn_filter_caddr(f, c)) &&
	       (!f->has_cport || c->cport == f->cport) &&
	       (!f->has_daddr || drlb_addr_eq(&d->addr, &f->daddr, f->v6)) &&
	       (!f->has_state || READ_ONCE(c->state) == f->state) &&
	       (!f->templates || c->flags & DRLB_CONN_F_TEMPLATE);
}

/*
 * Unlink the entries @f matches, bucket by bucket under each bucket's
 * lock; conn_resize held, so the table is not replaced meanwhile (a
 * resize runs before or after). Entries inserted during the walk into
 * buckets already passed stay. Returns how many went.
 */
unsigned long drlb_conn_delete(struct drlb_net *dn,
			       const struct drlb_conn_filter *f)
{
	struct hlist_nulls_node *n;
	struct drlb_conn_tab *t;
	unsigned long done = 0;
	struct drlb_conn *c;
	spinlock_t *lock;	/* the bucket's */
	u32 b, size;

	mutex_lock(&dn->conn_resize);
	t = drlb_conn_tab_locked(dn);
	size = t ? 1U << t->bits : 0;
	for (b = 0; b < size; b++) {
		if (hlist_nulls_empty(&t->buckets[b]))
			continue;
		lock = drlb_conn_lock(t, b);
		spin_lock_bh(lock);
		hlist_nulls_for_each_entry_safe(c, n, &t->buckets[b], node)
			if (c->state != DRLB_CONN_S_DEAD &&
			    drlb_conn_filter_match(f, c)) {
				__drlb_conn_unlink(dn, c);
				done++;
			}
		spin_unlock_bh(lock);
		if (!(b & 1023))
			cond_resched();
	}
	mutex_unlock(&dn->conn_resize);
	return done;
}

/* Buckets a walk looks at between two chances to reschedule. */
#define DRLB_CONN_WALK_BATCH	1024

/*
 * drlb_conn_walk - the first live entry at or after @p, @p moved onto it;
 * NULL, with @p at DRLB_CONN_POS_END, past the last. @p->skip++ steps
 * past the entry returned. The one walk of the table for dumps (nl_conn.c,
 * drlb_ipvs's /proc/net/ip_vs_conn): the caller holds RCU, and keeps
 * nothing found under it across the call, for between buckets the walk
 * may leave RCU for a moment (cond_resched_rcu(): a table of millions of
 * buckets is not walked in one RCU section).
 *
 * The place is a position, not a pointer, so it survives the entries
 * around it coming and going (an entry may then show twice, or not at
 * all, like a netlink dump's) and a resize: while one moves entries, the
 * old table is walked, then its @next, so no entry is missed; an entry
 * moving under the walk may show twice. When the table was replaced
 * since @p was, the walk goes on in the new table where @p was in it
 * already (it was the old one's @next), and starts over in it otherwise.
 */
struct drlb_conn *drlb_conn_walk(struct drlb_net *dn, struct drlb_conn_pos *p)
{
	const struct drlb_conn_tab *t;
	struct hlist_nulls_node *n;
	unsigned int batch;
	struct drlb_conn *c;
	u32 i, size;

again:
	if (p->half == DRLB_CONN_POS_END)
		return NULL;
	t = rcu_dereference(dn->conn);
	if (!t)
		goto end;
	if (p->gen != t->gen) {
		if (!(p->half == 1 && p->gen + 1 == t->gen)) {
			p->bucket = 0;
			p->skip = 0;
		}
		p->half = 0;
		p->gen = t->gen;
	}
	/* A table's @next, once set, stays until the table is freed. */
	if (p->half == 1) {
		t = rcu_dereference(t->next);
		if (!t)
			goto end;
	}
	batch = 0;
	for (;;) {
		size = 1U << t->bits;
		for (; p->bucket < size; p->bucket++, p->skip = 0) {
			i = 0;
			hlist_nulls_for_each_entry_rcu(c, n, &t->buckets[p->bucket],
						       node) {
				if (i++ < p->skip ||
				    READ_ONCE(c->state) == DRLB_CONN_S_DEAD)
					continue;
				p->skip = i - 1;
				return c;
			}
			if (++batch == DRLB_CONN_WALK_BATCH) {
				p->bucket++;
				p->skip = 0;
				/* @t may go meanwhile: found again from @p. */
				cond_resched_rcu();
				goto again;
			}
		}
		if (p->half == 1)
			break;
		t = rcu_dereference(t->next);
		if (!t)
			break;
		p->half = 1;
		p->bucket = 0;
		p->skip = 0;
	}
end:
	p->half = DRLB_CONN_POS_END;
	return NULL;
}
EXPORT_SYMBOL_GPL(drlb_conn_walk);

static void drlb_conn_gc(struct work_struct *work)
{
	struct drlb_net *dn = container_of(to_delayed_work(work),
					   struct drlb_net, gc_work);
	struct drlb_conn_tab *t;
	u32 size, n, i, len, seen = 0, budget;

	/* A resize in progress: it holds the mutex until it is done. */
	mutex_lock(&dn->conn_resize);
	t = drlb_conn_tab_locked(dn);
	if (!t) {
		mutex_unlock(&dn->conn_resize);
		return;
	}
	size = 1U << t->bits;
	/*
	 * An empty table has nothing to expire and no chain: @conn_count
	 * is raised before an entry is linked and lowered after it is
	 * unlinked, so at 0 no bucket holds one. A director with services
	 * but no flows scans nothing (the hash of the default conn-max is
	 * 512 Ki buckets, a quarter of them a second).
	 */
	n = drlb_conn_entries(dn) ? size / DRLB_GC_PARTS : 0;
	budget = test_bit(DRLB_EVS_FULL, &dn->ev_flags) ? UINT_MAX :
							  DRLB_GC_BUDGET;
	if (!n) {
		dn->gc_chain = 0;
		WRITE_ONCE(dn->conn_chain_max, 0);
	}
	for (i = 0; i < n && seen < budget; i++) {
		len = drlb_conn_scan_bucket(dn, t, dn->gc_pos, false);
		dn->gc_chain = max(dn->gc_chain, len);
		seen += len;
		dn->gc_pos = (dn->gc_pos + 1) & (size - 1);
		if (!dn->gc_pos) {	/* a whole pass */
			WRITE_ONCE(dn->conn_chain_max, dn->gc_chain);
			dn->gc_chain = 0;
		}
		if (!(i & 1023))
			cond_resched();
	}
	mutex_unlock(&dn->conn_resize);
	/* A full table that has room again: TABLE_OK (event.c). */
	drlb_event_table_check(dn);
	/* Stop when there is nothing left to expire and no hook adds any. */
	if (READ_ONCE(dn->hooked) || drlb_conn_entries(dn))
		queue_delayed_work(system_unbound_wq, &dn->gc_work, HZ);
}

void drlb_conn_gc_start(struct drlb_net *dn)
{
	queue_delayed_work(system_unbound_wq, &dn->gc_work, HZ);
}

int drlb_conn_net_init(struct drlb_net *dn)
{
	mutex_init(&dn->conn_resize);
	INIT_DELAYED_WORK(&dn->gc_work, drlb_conn_gc);
	return percpu_counter_init(&dn->conn_count, 0, GFP_KERNEL);
}

/*
 * The table's entries, exactly (the CPUs' shares summed): for the
 * control plane, the events and the GC, never the packet path.
 */
unsigned int drlb_conn_entries(struct drlb_net *dn)
{
	return (unsigned int)percpu_counter_sum_positive(&dn->conn_count);
}

/* log2 of the buckets for @conn_max entries: two entries a bucket. */
static unsigned int drlb_conn_bits(u32 conn_max)
{
	int order;

	if (conn_hash_bits)
		return conn_hash_bits;
	/* log2 of conn_max rounded up, less one */
	order = fls(max(conn_max, 2U) - 1);
	return clamp(order - 1, DRLB_CONN_HASH_MIN_BITS,
		     DRLB_CONN_HASH_MAX_BITS);
}

static void drlb_conn_tab_free(struct drlb_conn_tab *t)
{
	if (!t)
		return;
	kvfree(t->buckets);
	kvfree(t->locks);
	kfree(t);
}

static struct drlb_conn_tab *drlb_conn_tab_new(unsigned int bits, u8 id,
					       u32 gen)
{
	struct drlb_conn_tab *t;
	u32 i;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->buckets = kvmalloc_array(1U << bits, sizeof(*t->buckets),
				    GFP_KERNEL_ACCOUNT);
	t->locks = kvmalloc_array(DRLB_CONN_LOCKS, sizeof(*t->locks),
				  GFP_KERNEL);
	if (!t->buckets || !t->locks) {
		drlb_conn_tab_free(t);
		return NULL;
	}
	t->bits = bits;
	t->id = id;
	t->gen = gen;
	t->seed = get_random_u32();
	for (i = 0; i < (1U << bits); i++)
		INIT_HLIST_NULLS_HEAD(&t->buckets[i], drlb_conn_nulls(t, i));
	for (i = 0; i < DRLB_CONN_LOCKS; i++)
		spin_lock_init(&t->locks[i]);
	return t;
}

/* Under drlb_net.lock, before the first hook registration. */
int drlb_conn_tab_alloc(struct drlb_net *dn)
{
	struct drlb_conn_tab *t;

	lockdep_assert_held(&dn->lock);
	if (rcu_access_pointer(dn->conn))
		return 0;
	t = drlb_conn_tab_new(drlb_conn_bits(READ_ONCE(dn->cfg.conn_max)),
			      0, 1);
	if (!t)
		return -ENOMEM;
	mutex_lock(&dn->conn_resize);
	rcu_assign_pointer(dn->conn, t);
	mutex_unlock(&dn->conn_resize);
	return 0;
}

/* Move bucket @b of @t into @nt, entry by entry; the resize. */
static void drlb_conn_move_bucket(struct drlb_conn_tab *t,
				  struct drlb_conn_tab *nt, u32 b)
{
	spinlock_t *lock = drlb_conn_lock(t, b), *nlock;
	struct hlist_nulls_node *first;
	struct drlb_conn *c;
	u32 h;

	spin_lock_bh(lock);
	while (!is_a_nulls(first = t->buckets[b].first)) {
		c = hlist_nulls_entry(first, struct drlb_conn, node);
		h = drlb_conn_hash_of(nt, c);
		nlock = drlb_conn_lock(nt, h);
		/* Old table's lock, then the new one's: as inserts. */
		spin_lock_nested(nlock, SINGLE_DEPTH_NESTING);
		hlist_nulls_del_rcu(&c->node);
		WRITE_ONCE(c->tab, nt->id);
		hlist_nulls_add_head_rcu(&c->node, &nt->buckets[h]);
		spin_unlock(nlock);
	}
	spin_unlock_bh(lock);
}

/*
 * drlb_conn_resize - grow the hash for @conn_max entries if it was sized
 * for fewer (see the top of this file). Under drlb_net.lock; sleeps.
 * Flows keep being found and added throughout. Returns 0, or -ENOMEM
 * with nothing changed.
 */
int drlb_conn_resize(struct drlb_net *dn, u32 conn_max)
{
	struct drlb_conn_tab *t, *nt;
	unsigned int bits;
	u32 b, size;

	lockdep_assert_held(&dn->lock);
	t = drlb_conn_tab_locked(dn);
	bits = drlb_conn_bits(conn_max);
	if (!t || bits <= t->bits)
		return 0;
	nt = drlb_conn_tab_new(bits, !t->id, t->gen + 1);
	if (!nt)
		return -ENOMEM;
	mutex_lock(&dn->conn_resize);
	rcu_assign_pointer(t->next, nt);
	/*
	 * Every lookup and insert from now on knows @nt: none that started
	 * without it is still running when the first entry moves.
	 */
	synchronize_rcu();
	size = 1U << t->bits;
	for (b = 0; b < size; b++) {
		drlb_conn_move_bucket(t, nt, b);
		if (!(b & 255))
			cond_resched();
	}
	rcu_assign_pointer(dn->conn, nt);
	/* Lookups still walking the (empty) old table go on into @nt. */
	synchronize_rcu();
	dn->gc_chain = 0;
	WRITE_ONCE(dn->conn_chain_max, 0);
	mutex_unlock(&dn->conn_resize);
	drlb_conn_tab_free(t);
	return 0;
}

/*
 * The hash's bucket count (0 before the first service) and the longest
 * chain the GC found in its last whole pass; under RCU.
 */
void drlb_conn_hash_info(struct drlb_net *dn, u32 *buckets, u32 *chain_max)
{
	const struct drlb_conn_tab *t = rcu_dereference(dn->conn);

	*buckets = t ? 1U << t->bits : 0;
	*chain_max = READ_ONCE(dn->conn_chain_max);
}

/*
 * Namespace exit, after the hook is gone (drlb_hook_unregister() waited
 * for packets in flight) and netlink can no longer reach us: nothing reads
 * the buckets any more.
 */
void drlb_conn_net_exit(struct drlb_net *dn)
{
	struct drlb_conn_tab *t;

	cancel_delayed_work_sync(&dn->gc_work);
	mutex_lock(&dn->conn_resize);
	t = drlb_conn_tab_locked(dn);
	drlb_conn_purge(dn, true);
	WARN_ON_ONCE(drlb_conn_entries(dn));
	RCU_INIT_POINTER(dn->conn, NULL);
	mutex_unlock(&dn->conn_resize);
	drlb_conn_tab_free(t);
	percpu_counter_destroy(&dn->conn_count);
}
