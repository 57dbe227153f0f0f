// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the service table - virtual services and their real servers
 * ("dests") in one namespace.
 *
 * Writers (netlink handlers, notifiers, namespace exit) hold drlb_net.lock.
 * The packet path finds services in drlb_net.svc_hash under RCU (tuple
 * services in its first DRLB_SVC_HASH_SIZE buckets, fwmark services by
 * mark in the DRLB_FWM_HASH_SIZE after them) and reads
 * a service's scheduler state (svc->sched), which lists its usable dests;
 * it never walks svc->dests. Services and dests are refcounted (see
 * struct drlb_service / struct drlb_dest) and freed after a grace period,
 * so the packet path may keep using what it found under RCU.
 */

#include <linux/hash.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/jhash.h>
#include <linux/slab.h>

#include <net/ipv6.h>

#include "drlb.h"
#include "sched.h"

void drlb_addr_prefix(union drlb_addr *out, const union drlb_addr *a,
		      unsigned int plen, bool v6)
{
	if (!v6) {
		*out = (union drlb_addr){
			.ip = a->ip & inet_make_mask(min(plen, 32U)),
		};
		return;
	}
	ipv6_addr_prefix(&out->in6, &a->in6, min(plen, 128U));
}

/* An IPv4 key hashes as it always did; an IPv6 one over its 4 words. */
static u32 drlb_svc_hash(u16 af, u8 proto, const union drlb_addr *addr,
			 __be16 port)
{
	u32 h;

	if (af == AF_INET6)
		h = jhash2((__force const u32 *)addr->all, 4,
			   ((__force u32)port << 8) ^ proto);
	else
		h = jhash_3words((__force u32)addr->ip, (__force u32)port,
				 proto, 0);
	return h & ((1U << DRLB_SVC_HASH_BITS) - 1);
}

/* A fwmark service's bucket: after the tuple services' ones. */
static u32 drlb_fwm_hash(u32 mark)
{
	return DRLB_SVC_HASH_SIZE + hash_32(mark, DRLB_FWM_HASH_BITS);
}

static u32 drlb_svc_bucket(const struct drlb_service *svc)
{
	return svc->fwmark ? drlb_fwm_hash(svc->fwmark) :
	       drlb_svc_hash(svc->af, svc->proto, &svc->addr, svc->port);
}

/*
 * The tuple service (@af, @proto, @addr, @port); under RCU or
 * drlb_net.lock.
 */
struct drlb_service *drlb_svc_find(struct drlb_net *dn, u16 af, u8 proto,
				   const union drlb_addr *addr, __be16 port)
{
	struct hlist_head *head =
		&dn->svc_hash[drlb_svc_hash(af, proto, addr, port)];
	bool v6 = af == AF_INET6;
	struct drlb_service *svc;

	hlist_for_each_entry_rcu(svc, head, hnode, lockdep_is_held(&dn->lock))
		if (svc->port == port && svc->proto == proto &&
		    svc->af == af && drlb_addr_eq(&svc->addr, addr, v6))
			return svc;
	return NULL;
}
EXPORT_SYMBOL_GPL(drlb_svc_find);

/*
 * The fwmark service of (@af, @mark) (@mark non-zero); under RCU or
 * drlb_net.lock.
 */
struct drlb_service *drlb_svc_find_fwm(struct drlb_net *dn, u16 af, u32 mark)
{
	struct hlist_head *head = &dn->svc_hash[drlb_fwm_hash(mark)];
	struct drlb_service *svc;

	hlist_for_each_entry_rcu(svc, head, hnode, lockdep_is_held(&dn->lock))
		if (svc->fwmark == mark && svc->af == af)
			return svc;
	return NULL;
}

struct drlb_service *drlb_svc_alloc(void)
{
	struct drlb_service *svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);

	if (!svc)
		return NULL;
	if (drlb_stats_init(&svc->stats)) {
		kfree(svc);
		return NULL;
	}
	INIT_LIST_HEAD(&svc->dests);
	refcount_set(&svc->refcnt, 1);
	return svc;
}

static void drlb_svc_free_rcu(struct rcu_head *rcu)
{
	struct drlb_service *svc = container_of(rcu, struct drlb_service, rcu);

	drlb_stats_free(&svc->stats);
	kfree(svc);
}

void drlb_svc_put(struct drlb_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, drlb_svc_free_rcu);
}

/* Publish @st as @svc's scheduler state; the old one goes after a GP. */
void drlb_svc_set_sched(struct drlb_net *dn, struct drlb_service *svc,
			struct drlb_sched_state *st)
{
	struct drlb_sched_state *old;

	old = rcu_replace_pointer(svc->sched, st, lockdep_is_held(&dn->lock));
	drlb_sched_state_free_rcu(old);
}

/* Add a new service (its state already set); the first one hooks. */
int drlb_svc_add(struct drlb_net *dn, struct drlb_service *svc)
{
	int err;

	lockdep_assert_held(&dn->lock);
	if (!dn->num_af[drlb_af_idx(svc->af)]) {
		err = drlb_hook_register(dn, svc->af);
		if (err)
			return err;
	}
	hlist_add_head_rcu(&svc->hnode, &dn->svc_hash[drlb_svc_bucket(svc)]);
	dn->num_services++;
	dn->num_af[drlb_af_idx(svc->af)]++;
	/* Looked up by the packet path from the moment it counts. */
	if (svc->fwmark)
		WRITE_ONCE(dn->num_fwm, dn->num_fwm + 1);
	dn->gen++;
	return 0;
}

/* ---- dests ------------------------------------------------------------- */

struct drlb_dest *drlb_dest_find(struct drlb_service *svc,
				 const union drlb_addr *addr)
{
	struct drlb_dest *dest;

	list_for_each_entry(dest, &svc->dests, list)
		if (drlb_addr_eq(&dest->addr, addr, drlb_svc_v6(svc)))
			return dest;
	return NULL;
}
EXPORT_SYMBOL_GPL(drlb_dest_find);

/* A new dest of @svc, not yet on its list. */
struct drlb_dest *drlb_dest_alloc(struct drlb_service *svc,
				  const union drlb_addr *addr, u32 weight)
{
	struct drlb_dest *dest = kzalloc(sizeof(*dest), GFP_KERNEL_ACCOUNT);

	if (!dest)
		return NULL;
	if (drlb_stats_init(&dest->stats)) {
		kfree(dest);
		return NULL;
	}
	dest->addr = *addr;
	dest->weight = weight;
	refcount_set(&dest->refcnt, 1);
	spin_lock_init(&dest->cache_lock);
	refcount_inc(&svc->refcnt);
	dest->svc = svc;
	return dest;
}

static void drlb_dest_free(struct drlb_dest *dest)
{
	/* drlb_dest_del() released the cache; nothing can refill it. */
	WARN_ON_ONCE(rcu_access_pointer(dest->cache));
	drlb_stats_free(&dest->stats);
	drlb_svc_put(dest->svc);
	kfree(dest);
}

/* A dest from drlb_dest_alloc() that was never published. */
void drlb_dest_free_unused(struct drlb_dest *dest)
{
	drlb_dest_free(dest);
}

static void drlb_dest_free_rcu(struct rcu_head *rcu)
{
	drlb_dest_free(container_of(rcu, struct drlb_dest, rcu));
}

bool drlb_dest_get(struct drlb_dest *dest)
{
	return refcount_inc_not_zero(&dest->refcnt);
}

void drlb_dest_put(struct drlb_dest *dest)
{
	if (refcount_dec_and_test(&dest->refcnt))
		call_rcu(&dest->rcu, drlb_dest_free_rcu);
}

/*
 * Set @dest's connection thresholds (0 <= @l <= @u, or @u 0: none) and
 * its overload state for them: set at @u flows or more, cleared below the
 * lower threshold, kept in between (as IPVS). Under drlb_net.lock; the
 * packet path moves the flag too (drlb_dest_conns_inc/dec), locklessly.
 */
void drlb_dest_set_thresh(struct drlb_dest *dest, u32 u, u32 l)
{
	u32 lv = l ?: u - u / 4, n;

	WRITE_ONCE(dest->u_thresh, u);
	WRITE_ONCE(dest->l_thresh, l);
	WRITE_ONCE(dest->l_val, lv);
	n = (u32)atomic_read(&dest->conns);
	if (u && n >= u) {
		set_bit(DRLB_DEST_OVERLOAD, &dest->flags);
		/*
		 * Flows that went between the read and the set saw no flag
		 * to clear: look again. Pairs with the full barrier of
		 * atomic_dec_return() in drlb_dest_conns_dec(): either it
		 * sees the flag or this sees its decrement.
		 */
		smp_mb__after_atomic();
		if ((u32)atomic_read(&dest->conns) >= lv)
			return;
	} else if (u && n >= lv) {
		return;	/* between the thresholds: as it is */
	}
	clear_bit(DRLB_DEST_OVERLOAD, &dest->flags);
}

/*
 * Take @dest off its service (whose scheduler state no longer lists it).
 * Its flows are expired by the caller's drlb_conn_purge() if @expire, else
 * rescheduled when their next packet finds the dest dead.
 */
static void drlb_dest_kill(struct drlb_net *dn, struct drlb_dest *dest,
			   bool expire)
{
	lockdep_assert_held(&dn->lock);
	list_del(&dest->list);
	dest->svc->num_dests--;
	if (expire)
		set_bit(DRLB_DEST_EXPIRE, &dest->flags);
	/*
	 * Dead only after the state without it is published: a pick that
	 * sees it dead then sees that state (drlb_schedule()'s smp_rmb()).
	 */
	smp_mb__before_atomic();
	set_bit(DRLB_DEST_DEAD, &dest->flags);
	drlb_dest_cache_release(dest);
	drlb_dest_put(dest);
}

void drlb_dest_del(struct drlb_net *dn, struct drlb_dest *dest)
{
	bool expire = dest->svc->expire_nodest;

	drlb_dest_kill(dn, dest, expire);
	dn->gen++;
	if (expire)
		drlb_conn_purge(dn, false);
}

/* ---- deleting services ------------------------------------------------- */

/* Unhash @svc and kill its dests; the caller purges flows and puts it. */
static void __drlb_svc_del(struct drlb_net *dn, struct drlb_service *svc)
{
	struct drlb_dest *dest, *tmp;

	lockdep_assert_held(&dn->lock);
	hlist_del_init_rcu(&svc->hnode);
	drlb_svc_set_sched(dn, svc, NULL);
	list_for_each_entry_safe(dest, tmp, &svc->dests, list)
		drlb_dest_kill(dn, dest, true);
	dn->num_services--;
	if (svc->fwmark)
		WRITE_ONCE(dn->num_fwm, dn->num_fwm - 1);
	dn->gen++;
	if (!--dn->num_af[drlb_af_idx(svc->af)])
		drlb_hook_unregister(dn, svc->af);
}

void drlb_svc_del(struct drlb_net *dn, struct drlb_service *svc)
{
	__drlb_svc_del(dn, svc);
	drlb_conn_purge(dn, false);
	drlb_svc_put(svc);
}

/* Delete every service, dest and flow. */
void drlb_svc_flush(struct drlb_net *dn)
{
	struct drlb_service *svc;
	struct hlist_node *tmp;
	unsigned int b;

	lockdep_assert_held(&dn->lock);
	for (b = 0; b < DRLB_SVC_BUCKETS; b++) {
		hlist_for_each_entry_safe(svc, tmp, &dn->svc_hash[b], hnode) {
			__drlb_svc_del(dn, svc);
			drlb_svc_put(svc);
		}
	}
	drlb_conn_purge(dn, true);
}

/*
 * Does the namespace have a service on @addr (any protocol, any port)?
 * RCU or drlb_net.lock held. It walks the whole table, so it is for rare
 * callers only: the ARP hooks ask it about a VIP that a device of the
 * director holds (arp.c). Fwmark services name no address: not asked;
 * nor do IPv6 services (ARP is IPv4's).
 */
bool drlb_svc_addr_used(struct drlb_net *dn, __be32 addr)
{
	struct drlb_service *svc;
	unsigned int b;

	if (!READ_ONCE(dn->num_services))
		return false;
	for (b = 0; b < DRLB_SVC_HASH_SIZE; b++)
		hlist_for_each_entry_rcu(svc, &dn->svc_hash[b], hnode,
					 lockdep_is_held(&dn->lock))
			if (svc->af == AF_INET && svc->addr.ip == addr)
				return true;
	return false;
}

/* ---- scheduling ------------------------------------------------------ */

/*
 * Picks made again because the state changed under them, at most: every
 * one needs a configuration change (a new state) meanwhile.
 */
#define DRLB_SCHED_TRIES	4

/*
 * Pick a usable dest for a new flow of @svc (@stateless: the dest a
 * packet of an existing flow with no entry maps to, from a stable
 * scheduler's lookup); RCU read side.
 *
 * A state being replaced may still list a dest just drained or deleted.
 * Writers publish the state without a dest before they make it unusable
 * (smp_store_release() of its zero weight in nl_dest.c, a full barrier
 * before DRLB_DEST_DEAD in drlb_dest_kill()), and make a dest usable
 * before they publish a state listing it. So a pick that finds its dest
 * unusable reads the state again after an smp_rmb() and, if it is a newer
 * one, picks from that: draining or deleting a server never drops a new
 * flow that another server could take. A scheduler that finds every dest
 * overloaded returns NULL: the flow is dropped.
 */
static struct drlb_dest *__drlb_schedule(struct drlb_service *svc,
					 const struct drlb_flow *f,
					 bool stateless)
{
	struct drlb_sched_state *st = rcu_dereference(svc->sched), *now;
	unsigned int tries = DRLB_SCHED_TRIES;
	struct drlb_dest *dest;

	while (st && st->n) {
		if (stateless && st->ops->lookup)
			dest = st->ops->lookup(st, f);
		else
			dest = st->ops->schedule(st, f);
		if (!dest)
			return NULL;
		if (drlb_dest_usable(dest))
			return dest;
		/* Pairs with the writers' barriers, see above. */
		smp_rmb();
		now = rcu_dereference(svc->sched);
		if (now == st || !--tries)
			break;
		st = now;
	}
	return NULL;
}

struct drlb_dest *drlb_schedule(struct drlb_service *svc,
				const struct drlb_flow *f)
{
	return __drlb_schedule(svc, f, false);
}

struct drlb_dest *drlb_schedule_stateless(struct drlb_service *svc,
					  const struct drlb_flow *f)
{
	return __drlb_schedule(svc, f, true);
}

/*
 * The Maglev settings changed to @cfg: rebuild the state of every service
 * whose scheduler uses them. All or nothing: on failure nothing changed.
 * A table of M slots takes tens of milliseconds to build (M = 1048573:
 * 27-40 ms), and there may be thousands of services: the CPU is offered
 * to others between two services (drlb_net.lock stays held; RTNL is not).
 */
int drlb_svc_rebuild_mh(struct drlb_net *dn, const struct drlb_config *cfg)
{
	struct drlb_sched_state **st;
	struct drlb_service *svc;
	unsigned int b, n = 0, i;
	int err = 0;

	lockdep_assert_held(&dn->lock);
	if (!dn->num_services)
		return 0;
	st = kvcalloc(dn->num_services, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	for (b = 0; b < DRLB_SVC_BUCKETS && !err; b++) {
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode) {
			if (!svc->sched_ops->uses_mh)
				continue;
			st[n] = drlb_sched_build(svc, svc->sched_ops, cfg,
						 NULL, 0);
			if (IS_ERR(st[n])) {
				err = PTR_ERR(st[n]);
				st[n] = NULL;
				break;
			}
			n++;
			cond_resched();
		}
	}
	for (i = 0, b = 0; b < DRLB_SVC_BUCKETS; b++) {
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode) {
			if (!svc->sched_ops->uses_mh || i >= n)
				continue;
			if (err)
				drlb_sched_state_free(st[i]);
			else
				drlb_svc_set_sched(dn, svc, st[i]);
			i++;
		}
	}
	kvfree(st);
	return err;
}

/* ---- namespace lifetime ------------------------------------------------ */

int drlb_service_net_init(struct drlb_net *dn)
{
	/* Zeroed hlist_heads are empty lists. */
	dn->svc_hash = kvcalloc(DRLB_SVC_BUCKETS, sizeof(*dn->svc_hash),
				GFP_KERNEL_ACCOUNT);
	if (!dn->svc_hash)
		return -ENOMEM;
	dn->gen = 1;
	return 0;
}

void drlb_service_net_exit(struct drlb_net *dn)
{
	mutex_lock(&dn->lock);
	drlb_svc_flush(dn);
	mutex_unlock(&dn->lock);
	/* The flush unregistered the hook and waited for packets in flight. */
	kvfree(dn->svc_hash);
	dn->svc_hash = NULL;
}
