// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the connection table - one per namespace, flows and persistence
 * templates keyed by (proto, client addr, client port, VIP, vport, flags).
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
 * Expiry without timers: each entry stores its expiry time in jiffies. The
 * packet path rewrites it (WRITE_ONCE) only when it moves by more than a
 * second, so busy flows do not dirty the line per packet. A per-namespace
 * delayed work runs every second and scans a quarter of the buckets, so an
 * entry goes at most about five seconds after it expired; it also removes
 * entries whose dest was deleted with expire_nodest. Deleting a dest or a
 * service purges its flows synchronously (drlb_conn_purge()).
 *
 * The table is bounded by cfg.conn_max (an atomic count of entries, flows
 * and templates alike): when full, new flows are dropped and counted as
 * drop_table_full; established flows are not affected.
 */

#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"

/*
 * The hash is sized once per namespace, when its first service is added:
 * one bucket per two entries of cfg.conn_max at that moment (so a full
 * table has chains of two on average, and the heads cost 4 bytes per
 * entry), between 2^8 and 2^22 buckets; conn_hash_bits fixes it instead.
 */
static unsigned int conn_hash_bits;
module_param(conn_hash_bits, uint, 0444);
MODULE_PARM_DESC(conn_hash_bits,
		 "log2 of the connection hash buckets per namespace (8..22); 0 (default): from conn-max, one bucket per two entries");

#define DRLB_CONN_HASH_MIN_BITS	8
#define DRLB_CONN_HASH_MAX_BITS	22

static struct kmem_cache *drlb_conn_cachep __read_mostly;

/* Fraction of the buckets the GC scans per run (one run per second). */
#define DRLB_GC_PARTS		4

int __init drlb_conn_module_init(void)
{
	/* The entry must stay one cache line (see struct drlb_conn). */
	BUILD_BUG_ON(sizeof(struct drlb_conn) > 64);

	if (conn_hash_bits)
		conn_hash_bits = clamp(conn_hash_bits, DRLB_CONN_HASH_MIN_BITS,
				       DRLB_CONN_HASH_MAX_BITS);
	drlb_conn_cachep = kmem_cache_create("drlb_conn",
					     sizeof(struct drlb_conn), 0,
					     SLAB_HWCACHE_ALIGN, NULL);
	return drlb_conn_cachep ? 0 : -ENOMEM;
}

/* After every RCU callback freeing entries has run (rcu_barrier()). */
void drlb_conn_module_exit(void)
{
	kmem_cache_destroy(drlb_conn_cachep);
}

static u32 drlb_conn_hash(const struct drlb_conn_tab *t,
			  const struct drlb_flow *f, u8 flags)
{
	u32 ports = ((u32)(__force u16)f->cport << 16) | (__force u16)f->vport;

	return jhash_3words((__force u32)f->caddr, (__force u32)f->vaddr,
			    ports, t->seed ^ f->proto ^ ((u32)flags << 8)) &
	       ((1U << t->bits) - 1);
}

static spinlock_t *drlb_conn_lock(const struct drlb_conn_tab *t, u32 hash)
{
	return &t->locks[hash % DRLB_CONN_LOCKS];
}

static bool drlb_conn_match(const struct drlb_conn *c,
			    const struct drlb_flow *f, u8 flags)
{
	return c->caddr == f->caddr && c->vaddr == f->vaddr &&
	       c->cport == f->cport && c->vport == f->vport &&
	       c->proto == f->proto && c->flags == flags;
}

/* Under RCU; the table exists whenever the hook is registered. */
struct drlb_conn *drlb_conn_lookup(struct drlb_net *dn,
				   const struct drlb_flow *f, u8 flags)
{
	const struct drlb_conn_tab *t = &dn->conn;
	struct drlb_conn *c;

	hlist_for_each_entry_rcu(c, &t->buckets[drlb_conn_hash(t, f, flags)],
				 node)
		if (drlb_conn_match(c, f, flags))
			return c;
	return NULL;
}

static void drlb_conn_free_rcu(struct rcu_head *rcu)
{
	struct drlb_conn *c = container_of(rcu, struct drlb_conn, rcu);

	drlb_dest_put(c->dest);
	kmem_cache_free(drlb_conn_cachep, c);
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
 * drlb_conn_insert - add a flow or template for @dest, or find the one
 * another CPU added first. Takes its own reference on @dest (the caller
 * found @dest under RCU). Sets *@created when the entry is new.
 * Returns the entry, or ERR_PTR: -ENOSPC table full, -ENOENT dest going
 * away, -ENOMEM.
 */
struct drlb_conn *drlb_conn_insert(struct drlb_net *dn,
				   const struct drlb_flow *f, u8 flags,
				   u8 state, struct drlb_dest *dest,
				   unsigned long timeout, bool *created)
{
	const struct drlb_conn_tab *t = &dn->conn;
	struct drlb_conn *c, *old;
	spinlock_t *lock;	/* the bucket's */
	atomic_t *cnt;
	u32 h;

	*created = false;
	if (atomic_inc_return(&dn->conn_count) > READ_ONCE(dn->cfg.conn_max)) {
		atomic_dec(&dn->conn_count);
		return ERR_PTR(-ENOSPC);
	}
	c = kmem_cache_alloc(drlb_conn_cachep, GFP_ATOMIC);
	if (!c) {
		atomic_dec(&dn->conn_count);
		return ERR_PTR(-ENOMEM);
	}
	c->caddr = f->caddr;
	c->vaddr = f->vaddr;
	c->cport = f->cport;
	c->vport = f->vport;
	c->proto = f->proto;
	c->flags = flags;
	c->state = state;
	c->dest = dest;
	c->expires = jiffies + timeout;

	h = drlb_conn_hash(t, f, flags);
	lock = drlb_conn_lock(t, h);
	spin_lock_bh(lock);
	hlist_for_each_entry(old, &t->buckets[h], node) {
		if (drlb_conn_match(old, f, flags)) {
			spin_unlock_bh(lock);
			kmem_cache_free(drlb_conn_cachep, c);
			atomic_dec(&dn->conn_count);
			return old;
		}
	}
	if (!drlb_dest_get(dest)) {
		spin_unlock_bh(lock);
		kmem_cache_free(drlb_conn_cachep, c);
		atomic_dec(&dn->conn_count);
		return ERR_PTR(-ENOENT);
	}
	cnt = drlb_conn_counter(c, state);
	if (cnt)
		atomic_inc(cnt);
	hlist_add_head_rcu(&c->node, &t->buckets[h]);
	spin_unlock_bh(lock);
	*created = true;
	return c;
}

/* Caller holds the entry's bucket lock; the entry is hashed. */
static void __drlb_conn_unlink(struct drlb_net *dn, struct drlb_conn *c)
{
	/* From now on no state transition is accounted (see set_state). */
	u8 old = xchg(&c->state, DRLB_CONN_S_DEAD);
	atomic_t *cnt = drlb_conn_counter(c, old);

	hlist_del_init_rcu(&c->node);
	if (cnt)
		atomic_dec(cnt);
	atomic_dec(&dn->conn_count);
	call_rcu(&c->rcu, drlb_conn_free_rcu);
}

/* Unlink @c now (packet path: its dest is gone, or a stale template). */
void drlb_conn_unlink(struct drlb_net *dn, struct drlb_conn *c)
{
	const struct drlb_conn_tab *t = &dn->conn;
	struct drlb_flow f = {
		.caddr = c->caddr, .vaddr = c->vaddr, .cport = c->cport,
		.vport = c->vport, .proto = c->proto,
	};
	spinlock_t *lock = drlb_conn_lock(t, drlb_conn_hash(t, &f, c->flags));

	spin_lock_bh(lock);
	/* Another CPU or the GC may have unlinked it already. */
	if (!hlist_unhashed(&c->node))
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
 * Unlink @b's entries that are due: expired, belonging to a dest deleted
 * with expire_nodest, or every entry if @all.
 */
static void drlb_conn_scan_bucket(struct drlb_net *dn, u32 b, bool all)
{
	const struct drlb_conn_tab *t = &dn->conn;
	struct hlist_head *head = &t->buckets[b];
	spinlock_t *lock = drlb_conn_lock(t, b);
	struct hlist_node *tmp;
	struct drlb_conn *c;

	if (hlist_empty(head))
		return;
	/*
	 * Look without the lock first: most buckets have nothing to remove,
	 * and taking a lock per bucket made the GC of a million entries a
	 * noticeable share of a CPU.
	 */
	if (!all) {
		bool stale = false;

		rcu_read_lock();
		hlist_for_each_entry_rcu(c, head, node) {
			if (time_after_eq(jiffies, READ_ONCE(c->expires)) ||
			    test_bit(DRLB_DEST_EXPIRE, &c->dest->flags)) {
				stale = true;
				break;
			}
		}
		rcu_read_unlock();
		if (!stale)
			return;
	}
	spin_lock_bh(lock);
	hlist_for_each_entry_safe(c, tmp, head, node)
		if (all || time_after_eq(jiffies, READ_ONCE(c->expires)) ||
		    test_bit(DRLB_DEST_EXPIRE, &c->dest->flags))
			__drlb_conn_unlink(dn, c);
	spin_unlock_bh(lock);
}

/*
 * Remove every entry (@all) or those of dests deleted with expire_nodest,
 * at once. Process context; under drlb_net.lock or at namespace exit.
 */
void drlb_conn_purge(struct drlb_net *dn, bool all)
{
	u32 b, size;

	if (!drlb_conn_tab(dn))
		return;
	size = 1U << dn->conn.bits;
	for (b = 0; b < size; b++) {
		drlb_conn_scan_bucket(dn, b, all);
		if (!(b & 1023))
			cond_resched();
	}
}

static void drlb_conn_gc(struct work_struct *work)
{
	struct drlb_net *dn = container_of(to_delayed_work(work),
					   struct drlb_net, gc_work);
	u32 size, n, i;

	if (!drlb_conn_tab(dn))
		return;
	size = 1U << dn->conn.bits;
	n = size / DRLB_GC_PARTS;
	for (i = 0; i < n; i++) {
		drlb_conn_scan_bucket(dn, dn->gc_pos, false);
		dn->gc_pos = (dn->gc_pos + 1) & (size - 1);
		if (!(i & 1023))
			cond_resched();
	}
	/* Stop when there is nothing left to expire and no hook adds any. */
	if (READ_ONCE(dn->hooked) || atomic_read(&dn->conn_count))
		queue_delayed_work(system_power_efficient_wq, &dn->gc_work, HZ);
}

void drlb_conn_gc_start(struct drlb_net *dn)
{
	queue_delayed_work(system_power_efficient_wq, &dn->gc_work, HZ);
}

void drlb_conn_net_init(struct drlb_net *dn)
{
	atomic_set(&dn->conn_count, 0);
	INIT_DELAYED_WORK(&dn->gc_work, drlb_conn_gc);
}

/* Under drlb_net.lock, before the first hook registration. */
int drlb_conn_tab_alloc(struct drlb_net *dn)
{
	struct hlist_head *buckets;
	unsigned int i, bits;
	spinlock_t *locks;	/* the new drlb_conn_tab.locks */

	lockdep_assert_held(&dn->lock);
	if (dn->conn.buckets)
		return 0;
	bits = conn_hash_bits;
	if (!bits) {
		/* log2 of conn_max rounded up, less one: two entries a bucket */
		int order = fls(max(READ_ONCE(dn->cfg.conn_max), 2U) - 1);

		bits = clamp(order - 1, DRLB_CONN_HASH_MIN_BITS,
			     DRLB_CONN_HASH_MAX_BITS);
	}
	/* Zeroed hlist_heads are empty lists. */
	buckets = kvcalloc(1U << bits, sizeof(*buckets), GFP_KERNEL_ACCOUNT);
	locks = kvmalloc_array(DRLB_CONN_LOCKS, sizeof(*locks), GFP_KERNEL);
	if (!buckets || !locks) {
		kvfree(buckets);
		kvfree(locks);
		return -ENOMEM;
	}
	for (i = 0; i < DRLB_CONN_LOCKS; i++)
		spin_lock_init(&locks[i]);
	dn->conn.locks = locks;
	dn->conn.bits = bits;
	dn->conn.seed = get_random_u32();
	/*
	 * Publish the table: pairs with smp_load_acquire() in
	 * drlb_conn_tab(), so a reader (dump, GC, purge) that sees the
	 * buckets also sees the locks, size and seed set above.
	 */
	smp_store_release(&dn->conn.buckets, buckets);
	return 0;
}

/*
 * Namespace exit, after the hook is gone (drlb_hook_unregister() waited
 * for packets in flight) and netlink can no longer reach us: nothing reads
 * the buckets any more.
 */
void drlb_conn_net_exit(struct drlb_net *dn)
{
	cancel_delayed_work_sync(&dn->gc_work);
	if (!drlb_conn_tab(dn))
		return;
	drlb_conn_purge(dn, true);
	WARN_ON_ONCE(atomic_read(&dn->conn_count));
	kvfree(dn->conn.buckets);
	kvfree(dn->conn.locks);
	dn->conn.buckets = NULL;
}
