/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: per-network-namespace state and the module's internal interfaces.
 */
#ifndef _DRLB_H
#define _DRLB_H

#include <linux/atomic.h>
#include <linux/percpu_counter.h>
#include <linux/bits.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/drlb.h>

/* Per-state timeouts, indexes into drlb_config.timeout[]. */
enum drlb_timeout {
	DRLB_TO_TCP_EST,
	DRLB_TO_TCP_SYN,
	DRLB_TO_TCP_FIN,
	DRLB_TO_TCP_CLOSE,
	DRLB_TO_UDP,
	DRLB_TO_SCTP,
	DRLB_TO_OTHER,
	DRLB_TO_MAX
};

/*
 * struct drlb_config - the namespace's settings (DRLB_CMD_{GET,SET}_CONFIG).
 * Written under drlb_net.lock with WRITE_ONCE(); the packet path reads
 * single fields with READ_ONCE() and needs no lock.
 *
 * @timeout:       seconds, per enum drlb_timeout
 * @conn_max:      bound on the connection table's entries
 * @mh_table_size: Maglev lookup table size (a prime)
 * @mh_seed:       Maglev hash seed
 * @bypass_mark:   packets with any of these mark bits are left alone
 * @cluster:       1: one of several directors (kept for drlbctl only)
 */
struct drlb_config {
	u32 timeout[DRLB_TO_MAX];
	u32 conn_max;
	u32 mh_table_size;
	u32 mh_seed;
	u32 bypass_mark;
	u32 cluster;
};

/*
 * union drlb_addr - an address of either family: IPv4 in @ip with the
 * other words zero (so that a whole union may be compared and hashed),
 * IPv6 in @in6. Which family is known from where it is kept (a
 * service's @af, a flow's @v6, an entry's DRLB_CONN_F_V6).
 */
union drlb_addr {
	__be32 ip;
	__be32 all[4];
	struct in6_addr in6;
};

static inline bool drlb_addr_eq(const union drlb_addr *a,
				const union drlb_addr *b, bool v6)
{
	if (!v6)
		return a->ip == b->ip;
	return ((a->all[0] ^ b->all[0]) | (a->all[1] ^ b->all[1]) |
		(a->all[2] ^ b->all[2]) | (a->all[3] ^ b->all[3])) == 0;
}

/*
 * A 32-bit key of an address for the hashing schedulers (host order): the
 * IPv4 address itself; an IPv6 one folded (its words XORed, as IPVS's sh
 * and mh fold it), so that every director derives the same key.
 */
static inline u32 drlb_addr_key(const union drlb_addr *a, bool v6)
{
	if (!v6)
		return ntohl(a->ip);
	return ntohl(a->all[0] ^ a->all[1] ^ a->all[2] ^ a->all[3]);
}

/* @a masked to its first @plen bits (the family's width at most). */
void drlb_addr_prefix(union drlb_addr *out, const union drlb_addr *a,
		      unsigned int plen, bool v6);

/* ---- counters ------------------------------------------------------------ */

/* Counters kept per service, per dest and per namespace (DRLB_STATS_A_*). */
enum drlb_stat {
	DRLB_ST_CONNS,
	DRLB_ST_PKTS,
	DRLB_ST_BYTES,
	DRLB_ST_DROP_NO_DEST,
	DRLB_ST_DROP_NO_NEIGH,
	DRLB_ST_DROP_MTU,
	DRLB_ST_DROP_TABLE_FULL,
	DRLB_ST_DROP_OTHER,
	DRLB_ST_DROP_NO_FLOW,
	DRLB_ST_DROP_MARTIAN,
	DRLB_ST_STATELESS,
	DRLB_ST_NEIGH_QUEUED,
	DRLB_ST_MAX
};

/* The first counters, all IPVS and the estimator read: conns, pkts, bytes. */
#define DRLB_ST_TRAFFIC		(DRLB_ST_BYTES + 1)

struct drlb_pcpu_stats {
	u64_stats_t cnt[DRLB_ST_MAX];
	struct u64_stats_sync syncp;
};

/* The rates the estimator keeps (est.c): conns, packets, bytes per second. */
enum drlb_rate {
	DRLB_RATE_CPS,
	DRLB_RATE_PPS,
	DRLB_RATE_BPS,
	DRLB_RATE_MAX
};

/*
 * struct drlb_stats - per-CPU counters, written by the packet path on the
 * local CPU only. ZERO never writes them (another CPU's counters cannot be
 * reset without racing their owner): it records the current sums in @base,
 * which reads subtract.
 *
 * @pcpu: the counters
 * @base: sums at the last ZERO; written and read under drlb_net.lock
 * @est_last: the sums (conns, pkts, bytes) at the estimator's last sample
 * @est_avg: the rates, per second << DRLB_EST_SHIFT, averaged; both
 *        written by the estimator and read under drlb_net.lock (est.c)
 * @est_busy: a service's: some rate of it or its dests is non-zero;
 *        the estimator's, under drlb_net.lock
 */
struct drlb_stats {
	struct drlb_pcpu_stats __percpu *pcpu;
	u64 base[DRLB_ST_MAX];
	u64 est_last[DRLB_RATE_MAX];
	u64 est_avg[DRLB_RATE_MAX];
	bool est_busy;
};

/* ---- services and dests ---------------------------------------------------- */

struct drlb_sched_ops;
struct drlb_sched_state;
struct drlb_dest_cache;

/* drlb_dest.flags bits */
enum {
	DRLB_DEST_DEAD,		/* deleted: no new flows, hits reschedule */
	DRLB_DEST_EXPIRE,	/* deleted with expire_nodest: flows go now */
	DRLB_DEST_OVERLOAD,	/* at u_thresh: no new flows (see @conns) */
};

/*
 * struct drlb_dest - a real server of one service.
 *
 * Lifetime: @refcnt counts the service's dest list (one reference until
 * the dest is deleted) and every connection entry pointing here. The last
 * put frees the dest after an RCU grace period, so the packet path may use
 * a dest it found under RCU (in the scheduler state or a connection) even
 * while it is being deleted; it checks DRLB_DEST_DEAD before creating flows.
 *
 * @list:     in drlb_service.dests; under drlb_net.lock
 * @svc:      owner; the dest holds a reference on it
 * @addr:     the real server's address, of its service's family
 * @weight:   0..65535; written under drlb_net.lock (WRITE_ONCE), read
 *            locklessly (READ_ONCE). 0 = drain: no new flows. Made 0
 *            only after a scheduler state without the dest is published
 *            (smp_store_release), made non-zero before one listing it is
 *            (see drlb_schedule()).
 * @flags:    DRLB_DEST_* bits, atomic bitops; DEAD is set after a state
 *            without the dest is published (see drlb_dest_kill())
 * @refcnt:   see above
 * @active:   connection entries in TCP EST state
 * @inactive: other connection entries (templates not counted)
 * @conns:    @active + @inactive, kept apart so that one atomic op says
 *            whether a threshold was crossed (drlb_dest_conns_inc/dec)
 * @persist:  persistence templates naming this dest
 * @u_thresh: upper threshold, 0 = none; @l_val: the lower threshold in
 *            effect (@l_thresh, or 3/4 of @u_thresh when that is 0).
 *            Written under drlb_net.lock (WRITE_ONCE), read locklessly.
 *            DRLB_DEST_OVERLOAD is set when @conns reaches @u_thresh and
 *            cleared when it falls below @l_val, by whoever moved it
 *            (conn.c), with atomic bitops and no lock: racing moves may
 *            leave it a few flows off for a moment, but every set is
 *            followed by the decrement of the flow that set it, which
 *            looks again, so it never stays set on an idle dest
 * @l_thresh: the lower threshold as configured (0: the 3/4 default)
 * @cache_lock: serialises replacing @cache (packet path and notifiers)
 * @cache:    egress device and neighbour of the real server, see xmit.c;
 *            RCU-protected, replaced under @cache_lock
 * @neigh_ev: the neighbour state (enum drlb_neigh_state) last reported
 *            in an event; under drlb_net.lock (event.c)
 * @stats:    counters
 * @rcu:      deferred free
 */
struct drlb_dest {
	struct list_head list;
	struct drlb_service *svc;
	union drlb_addr addr;
	u32 weight;
	unsigned long flags;
	refcount_t refcnt;
	atomic_t active;
	atomic_t inactive;
	atomic_t conns;
	atomic_t persist;
	u32 u_thresh;
	u32 l_thresh;
	u32 l_val;
	spinlock_t cache_lock;	/* replacing @cache */
	struct drlb_dest_cache __rcu *cache;
	u8 neigh_ev;
	struct drlb_stats stats;
	struct rcu_head rcu;
};

/*
 * struct drlb_service - a virtual service: (proto, VIP, port), or a
 * firewall mark (a fwmark service, uapi drlb.h).
 *
 * Lifetime: @refcnt counts the service table's reference and one per
 * dest (alive or deleted but still referenced by flows); the last put
 * frees it after an RCU grace period.
 *
 * @hnode:    in drlb_net.svc_hash (a fwmark service in its mark buckets);
 *            RCU readers, changed under drlb_net.lock
 * @dests:    every dest; under drlb_net.lock
 * @num_dests: length of @dests; under drlb_net.lock
 * @sched:    the scheduler and its view of the usable dests, replaced as a
 *            whole (rcu_assign_pointer) under drlb_net.lock whenever the
 *            dests, their weights, the scheduler or the Maglev settings
 *            change; the packet path reads it under RCU
 * @sched_ops: the scheduler in use; under drlb_net.lock
 * @af:       AF_INET or AF_INET6, part of the key; immutable. An IPv6
 *            service has IPv6 dests only, and sees only IPv6 packets
 * @addr, @port, @proto: the key (port 0 = every port); immutable; all 0
 *            for a fwmark service
 * @fwmark:   a fwmark service's key (non-zero) with @af, 0 for the
 *            others; immutable
 * @expire_nodest: expire (1) or reschedule (0) a deleted dest's flows
 * @persist_plen: persistence netmask as a prefix length (0..32, IPv6
 *            0..128)
 * @persist_mask: the same as an IPv4 mask (IPv4 services)
 * @persist_timeout: seconds, 0 = not persistent
 * @midstream: a TCP/SCTP packet of no flow that cannot open one creates an
 *            entry (1) instead of being refused (hook.c)
 * @onepacket: UDP only: every datagram is scheduled alone, no entry
 *            (the persist, expire, midstream and onepacket fields are
 *            written under drlb_net.lock with WRITE_ONCE and read with
 *            READ_ONCE)
 * @sched_flags: DRLB_SCHED_F_*; under drlb_net.lock. The packet path
 *            reads the copy in @sched (drlb_sched_state.flags)
 * @refcnt:   see above
 * @stats:    counters
 * @rcu:      deferred free
 */
struct drlb_service {
	struct hlist_node hnode;
	struct list_head dests;
	unsigned int num_dests;
	struct drlb_sched_state __rcu *sched;
	const struct drlb_sched_ops *sched_ops;
	union drlb_addr addr;
	u16 af;
	__be16 port;
	u8 proto;
	u8 expire_nodest;
	u8 persist_plen;
	u8 midstream;
	u8 onepacket;
	u32 sched_flags;
	__be32 persist_mask;
	u32 persist_timeout;
	u32 fwmark;
	refcount_t refcnt;
	struct drlb_stats stats;
	struct rcu_head rcu;
};

/*
 * A packet's flow key, client to virtual service: IPv4 addresses in the
 * unions' @ip (the rest zero), or IPv6 ones with @v6 set.
 */
struct drlb_flow {
	union drlb_addr caddr;
	union drlb_addr vaddr;
	__be16 cport;
	__be16 vport;
	u8 proto;
	bool v6;
};

static inline bool drlb_svc_v6(const struct drlb_service *svc)
{
	return svc->af == AF_INET6;
}

/* ---- connection table ------------------------------------------------------ */

/* drlb_conn.flags */
#define DRLB_CONN_F_TEMPLATE	0x01	/* persistence template */
#define DRLB_CONN_F_V6		0x02	/* IPv6: the longer entry, see below */

/*
 * struct drlb_conn_filter - which entries GET_CONN and DEL_CONN act on
 * (nl_conn.c fills it; a field is a criterion when its has_ flag is set).
 * @svc is held by the request (or dump) that made the filter.
 */
struct drlb_conn_filter {
	const struct drlb_service *svc;
	union drlb_addr caddr, daddr;
	__be16 cport;
	u8 cplen;
	u8 proto, state;
	bool v6;	/* the family of @caddr and @daddr, when given */
	bool has_proto, has_caddr, has_cport, has_daddr, has_state;
	bool templates;
};

/* drlb_conn.state: enum drlb_conn_state, or this once unlinked. */
#define DRLB_CONN_S_DEAD	0xff

/*
 * struct drlb_conn - one flow (or persistence template): 64 bytes for
 * IPv4, 88 for IPv6 (DRLB_CONN_F_V6; same fields, longer addresses at the
 * end, allocated from their own cache: drlb_conn_size()).
 *
 * Found by RCU lookups with no lock. Inserted and unlinked under the lock
 * of its bucket (and moved to a bigger table, under both buckets' locks,
 * by a resize); freed after a grace period. The key fields and @dest are
 * immutable; @state changes by cmpxchg (so exactly one CPU accounts each
 * transition in the dest's active/inactive counts, and none after
 * unlinking); @expires is written with WRITE_ONCE by any CPU hitting the
 * entry and read by the GC with READ_ONCE.
 *
 * @node:    in its bucket's chain (an hlist_nulls: see conn.c)
 * @expires: jiffies after which the GC removes the entry
 * @dest:    the real server; the entry holds a reference
 * @rcu:     deferred free
 * @cport, @vport, @proto, and the addresses (@a.v4 or @a.v6: @caddr,
 *           @vaddr): the key (a template: client network, port 0, VIP,
 *           service port, proto; a fwmark service's template: client
 *           network, port 0, the mark in @vaddr's first word (network
 *           order), port 0, proto 0 - IPVS's key)
 * @flags:   DRLB_CONN_F_*
 * @state:   enum drlb_conn_state, DRLB_CONN_S_DEAD once unlinked
 * @tab:     drlb_conn_tab.id of the table whose chain holds the entry;
 *           changed only by a resize, under the old bucket's lock
 */
struct drlb_conn {
	struct hlist_nulls_node node;
	unsigned long expires;
	struct drlb_dest *dest;
	struct rcu_head rcu;
	__be16 cport;
	__be16 vport;
	u8 proto;
	u8 flags;
	u8 state;
	u8 tab;
	union {
		struct {
			__be32 caddr;
			__be32 vaddr;
		} v4;
		struct {
			struct in6_addr caddr;
			struct in6_addr vaddr;
		} v6;
	} a;
};

/* Bytes of an entry: an IPv4 one ends after its addresses. */
#define DRLB_CONN4_SIZE		offsetofend(struct drlb_conn, a.v4)
#define DRLB_CONN6_SIZE		sizeof(struct drlb_conn)

static inline bool drlb_conn_v6(const struct drlb_conn *c)
{
	return c->flags & DRLB_CONN_F_V6;
}

/* @c's client and virtual addresses, as unions. */
static inline void drlb_conn_addrs(const struct drlb_conn *c,
				   union drlb_addr *caddr,
				   union drlb_addr *vaddr)
{
	if (drlb_conn_v6(c)) {
		caddr->in6 = c->a.v6.caddr;
		vaddr->in6 = c->a.v6.vaddr;
	} else {
		*caddr = (union drlb_addr){ .ip = c->a.v4.caddr };
		*vaddr = (union drlb_addr){ .ip = c->a.v4.vaddr };
	}
}

/*
 * struct drlb_conn_tab - the buckets, allocated when the namespace gets its
 * first service, replaced by a bigger one when conn_max grows past them
 * (drlb_conn_resize()), freed with the namespace.
 *
 * @buckets: 1 << @bits chains (hlist_nulls, whose end marker names @id
 *           and the bucket); RCU readers, writers hold the bucket's lock
 * @locks:   DRLB_CONN_LOCKS spinlocks striped over the buckets (bucket b
 *           uses locks[b % DRLB_CONN_LOCKS]); taken with BH disabled by
 *           inserts (packet path), unlinks (packet path, GC, purges) and
 *           a resize moving entries; with both tables' locks, the old
 *           table's is taken first
 * @next:    while a resize moves entries, the bigger table they go to;
 *           NULL otherwise. Set once, under drlb_net.lock; read under RCU
 *           (inserts read it with the old bucket's lock held)
 * @bits:    log2 of the bucket count
 * @seed:    hash seed (random: clients choose the keys)
 * @gen:     1 for the first table, one more for each bigger one
 * @id:      0 or 1, differs from the previous table's (drlb_conn.tab)
 */
struct drlb_conn_tab {
	struct hlist_nulls_head *buckets;
	spinlock_t *locks;	/* the chains' writers, striped, see above */
	struct drlb_conn_tab __rcu *next;
	unsigned int bits;
	u32 seed;
	u32 gen;
	u8 id;
};

/*
 * struct drlb_conn_pos - a place in the connection table that outlives
 * the RCU section it was found in, for walks that stop and resume (the
 * GET_CONN dump between skbs, /proc/net/ip_vs_conn between reads):
 * drlb_conn_walk() moves it. All zero: not started.
 *
 * @gen:    drlb_conn_tab.gen of the table walked
 * @bucket: the bucket
 * @skip:   entries of the bucket before the place
 * @half:   0: in that table, 1: in its @next (a resize is moving
 *          entries there), DRLB_CONN_POS_END: past the last entry
 */
struct drlb_conn_pos {
	u32 gen;
	u32 bucket;
	u32 skip;
	u8 half;
};

#define DRLB_CONN_POS_END	2

#define DRLB_CONN_LOCKS		1024
/* Most dests per service (Maglev tables index them with a u16). */
#define DRLB_DEST_MAX		0xfffe
/*
 * Service hash buckets per namespace: 4096 (32 KiB, allocated with the
 * namespace), so that 10 000 services make chains of two or three; then
 * 256 more for the fwmark services, keyed by the mark alone (a packet's
 * mark is looked up there without touching the others).
 */
#define DRLB_SVC_HASH_BITS	12
#define DRLB_SVC_HASH_SIZE	BIT(DRLB_SVC_HASH_BITS)
#define DRLB_FWM_HASH_BITS	8
#define DRLB_FWM_HASH_SIZE	BIT(DRLB_FWM_HASH_BITS)
/* Every bucket of drlb_net.svc_hash: walk these to see every service. */
#define DRLB_SVC_BUCKETS	(DRLB_SVC_HASH_SIZE + DRLB_FWM_HASH_SIZE)

/*
 * struct drlb_arp_net - the namespace's ARP rules (real-server role,
 * kmod/arp.c).
 *
 * @rules:   struct drlb_arp_rule list. Changed with list_*_rcu() under
 *           drlb_net.lock; the ARP hooks walk it under RCU.
 * @n_rules: length of @rules; under drlb_net.lock.
 * @hooks:   the NFPROTO_ARP hooks are registered, which is the case
 *           exactly while @n_rules > 0; under RTNL and drlb_net.lock.
 * @egress:  struct drlb_arp_egress list, one per Ethernet device carrying
 *           our netdev egress hook: exactly the devices a rule covers
 *           (all of them while a rule names no device); under RTNL and
 *           drlb_net.lock (rule changes and the module's netdevice
 *           notifier add and remove them).
 *
 * Lock order: RTNL, then drlb_net.lock (see struct drlb_net).
 */
struct drlb_arp_net {
	struct list_head rules;
	unsigned int n_rules;
	bool hooks;
	struct list_head egress;
};

/*
 * struct drlb_net - everything drlb keeps for one network namespace.
 *
 * @net:  the namespace (not referenced: it owns us).
 * @lock: serialises every configuration change in this namespace
 *        (services, dests, ARP rules, settings, hook registration, stats
 *        baselines). Netlink handlers and notifiers take it; the packet
 *        path never does, it reads the RCU-protected pointers below.
 *        Lock order, module-wide: RTNL, then @lock, then netfilter's
 *        hook mutex (nf_register_net_hook() under @lock). The netdevice
 *        notifiers run under RTNL and take @lock, so whatever needs both
 *        (ARP rule changes, FLUSH with DRLB_A_FLUSH_ARP, namespace exit)
 *        takes RTNL first; never rtnl_lock() with @lock held. The
 *        spinlocks (drlb_conn_tab.locks, drlb_dest.cache_lock) are
 *        innermost: taken under @lock or on their own, never nested.
 * @cfg:  settings, see struct drlb_config.
 * @svc_hash: DRLB_SVC_BUCKETS buckets, allocated with the namespace:
 *        DRLB_SVC_HASH_SIZE of services by (proto, addr, port), then
 *        DRLB_FWM_HASH_SIZE of fwmark services by mark; RCU readers,
 *        writers under @lock
 * @num_services: services in @svc_hash, fwmark ones included; under @lock
 * @num_af: of those, IPv4 ([0]) and IPv6 ([1]) ones (drlb_af_idx()): a
 *        family's hook is registered while it has services; under @lock
 * @num_fwm: the fwmark services among them; written under @lock with
 *        WRITE_ONCE, read by the packet path with READ_ONCE: while it is
 *        0, a packet's mark costs that one read and no lookup
 * @gen:  bumped under @lock on every service/dest change, so dumps can
 *        flag themselves inconsistent (NLM_F_DUMP_INTR)
 * @hooked: a netfilter hook (and defrag) is registered: @num_services >
 *        0; under @lock, read locklessly by the GC
 * @hook_ops: the hooks, IPv4 and IPv6 (drlb_af_idx()), each registered
 *        while its family has services (@num_af)
 * @conn: the connection table, NULL until the first service. Replaced
 *        (rcu_assign_pointer) with @lock and @conn_resize held; read
 *        under RCU (packet path, dumps) or with either lock held
 * @conn_resize: held by a resize from the moment it starts moving
 *        entries until the old table is freed, and by each GC run (the
 *        GC walks @conn outside RCU); after @lock
 * @conn_count: entries in @conn (flows and templates), bounded by
 *        cfg.conn_max: a per-CPU counter (no cache line shared by the
 *        CPUs is written per new flow), folded into its total every
 *        DRLB_CONN_COUNT_BATCH entries a CPU adds or removes; the bound
 *        check is exact within that slack of the bound (conn.c); read
 *        with drlb_conn_entries()
 * @conn_chain_max: the longest chain the GC's last whole pass over @conn
 *        found (0 until one is done); written by the GC and resizes
 *        under @conn_resize, read with READ_ONCE
 * @gc_work: the connection GC, every second while entries or services
 *        exist
 * @gc_pos: next bucket the GC scans; under @conn_resize
 * @gc_chain: the longest chain of the GC's pass so far; under
 *        @conn_resize
 * @stats: namespace-wide counters
 * @arp:  ARP rules, see struct drlb_arp_net.
 * @ev_dead: the namespace is going: nothing queues @ev_work any more;
 *        set under event.c's drlb_ev_lock, which queueing takes
 * @ev_flags: DRLB_EVS_* (the table's state as reported) and DRLB_EVP_*
 *        (events for @ev_work to send) bits, atomic bitops
 * @ev_work: sends the events of what the kernel did on its own (event.c)
 * @est_work: the rate estimator, every 2 s while the hook is registered
 * @est_time: jiffies of its last sample; under @lock
 */
struct drlb_net {
	struct net *net;
	struct mutex lock;	/* the configuration; after RTNL, see above */
	struct drlb_config cfg;
	struct hlist_head *svc_hash;
	unsigned int num_services;
	unsigned int num_af[2];
	unsigned int num_fwm;
	unsigned int gen;
	bool hooked;
	struct nf_hook_ops hook_ops[2];
	struct drlb_conn_tab __rcu *conn;
	struct mutex conn_resize;	/* see above: resize vs GC */
	struct percpu_counter conn_count;
	unsigned int conn_chain_max;
	struct delayed_work gc_work;
	unsigned int gc_pos;
	unsigned int gc_chain;
	struct drlb_stats stats;
	struct drlb_arp_net arp;
	bool ev_dead;
	unsigned long ev_flags;
	struct work_struct ev_work;
	struct delayed_work est_work;
	unsigned long est_time;
};

/* drlb_net.ev_flags bits */
enum {
	DRLB_EVS_FULL,		/* the table is full (TABLE_FULL sent) */
	DRLB_EVS_STATELESS,	/* ... and STATELESS sent */
	DRLB_EVP_FULL,		/* to send: TABLE_FULL */
	DRLB_EVP_STATELESS,	/* STATELESS */
	DRLB_EVP_OK,		/* TABLE_OK */
	DRLB_EVP_NEIGH,		/* NEIGH for dests whose state changed */
};

/* DRLB_F_* bits this build supports (reported by DRLB_CMD_GET_INFO). */
#define DRLB_FEATURES		(DRLB_F_DIRECTOR_IPV4 | DRLB_F_ARP_SUPPRESS | \
				 DRLB_F_DEST_DUMP_ALL | DRLB_F_NO_STATS | \
				 DRLB_F_DIRECTOR_IPV6)

extern unsigned int drlb_net_id;

/* Index of a family in drlb_net.num_af and .hook_ops: IPv4 0, IPv6 1. */
static inline unsigned int drlb_af_idx(u16 af)
{
	return af == AF_INET6;
}

static inline struct drlb_net *drlb_pernet(const struct net *net)
{
	return net_generic(net, drlb_net_id);
}

/* config.c */
void drlb_config_init(struct drlb_config *cfg);

/* stats.c */
int drlb_stats_init(struct drlb_stats *st);
void drlb_stats_free(struct drlb_stats *st);
void drlb_stats_read(const struct drlb_stats *st, u64 *out, int n);
void drlb_stats_zero(struct drlb_stats *st);
int drlb_stats_put(struct sk_buff *msg, int attr, const struct drlb_stats *st);
void drlb_stats_sum(const struct drlb_stats *st, u64 *out, int n);
void drlb_stats_cpu(const struct drlb_stats *st, int cpu, u64 *out, int n);

/* est.c: the rate estimator */
void drlb_est_net_init(struct drlb_net *dn);
void drlb_est_start(struct drlb_net *dn);
void drlb_est_net_exit(struct drlb_net *dn);
u64 drlb_est_rate(const struct drlb_stats *st, enum drlb_rate r);

static inline void drlb_stats_add(struct drlb_stats *st, enum drlb_stat i,
				  u64 val)
{
	struct drlb_pcpu_stats *s = this_cpu_ptr(st->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->cnt[i], val);
	u64_stats_update_end(&s->syncp);
}

/* One forwarded packet (or GSO super-packet of @segs segments). */
static inline void drlb_stats_fwd(struct drlb_stats *st, unsigned int segs,
				  unsigned int bytes)
{
	struct drlb_pcpu_stats *s = this_cpu_ptr(st->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->cnt[DRLB_ST_PKTS], segs);
	u64_stats_add(&s->cnt[DRLB_ST_BYTES], bytes);
	u64_stats_update_end(&s->syncp);
}

/* service.c */
int drlb_service_net_init(struct drlb_net *dn);
void drlb_service_net_exit(struct drlb_net *dn);
struct drlb_service *drlb_svc_find(struct drlb_net *dn, u16 af, u8 proto,
				   const union drlb_addr *addr, __be16 port);
struct drlb_service *drlb_svc_find_fwm(struct drlb_net *dn, u16 af,
				       u32 mark);
int drlb_svc_add(struct drlb_net *dn, struct drlb_service *svc);
void drlb_svc_del(struct drlb_net *dn, struct drlb_service *svc);
void drlb_svc_flush(struct drlb_net *dn);
struct drlb_service *drlb_svc_alloc(void);
void drlb_svc_put(struct drlb_service *svc);
struct drlb_dest *drlb_dest_find(struct drlb_service *svc,
				 const union drlb_addr *addr);
struct drlb_dest *drlb_dest_alloc(struct drlb_service *svc,
				  const union drlb_addr *addr,
				  u32 weight);
void drlb_dest_free_unused(struct drlb_dest *dest);
void drlb_dest_del(struct drlb_net *dn, struct drlb_dest *dest);
void drlb_dest_put(struct drlb_dest *dest);
bool drlb_dest_get(struct drlb_dest *dest);
void drlb_svc_set_sched(struct drlb_net *dn, struct drlb_service *svc,
			struct drlb_sched_state *st);
void drlb_dest_set_thresh(struct drlb_dest *dest, u32 u, u32 l);
int drlb_svc_rebuild_mh(struct drlb_net *dn, const struct drlb_config *cfg);
struct drlb_dest *drlb_schedule(struct drlb_service *svc,
				const struct drlb_flow *f);
struct drlb_dest *drlb_schedule_stateless(struct drlb_service *svc,
					  const struct drlb_flow *f);
bool drlb_svc_addr_used(struct drlb_net *dn, __be32 addr);

static inline bool drlb_dest_usable(const struct drlb_dest *dest)
{
	return !test_bit(DRLB_DEST_DEAD, &dest->flags) &&
	       READ_ONCE(dest->weight);
}

/* Overloaded (u_thresh): schedulers give it no new flows. */
static inline bool drlb_dest_overloaded(const struct drlb_dest *dest)
{
	return test_bit(DRLB_DEST_OVERLOAD, &dest->flags);
}

/*
 * A flow of @dest was added: overloaded once it has u_thresh. Atomic
 * bitops, and a test first so that a busy dest's line is not dirtied.
 */
static inline void drlb_dest_conns_inc(struct drlb_dest *dest)
{
	u32 u = READ_ONCE(dest->u_thresh);
	u32 n = (u32)atomic_inc_return(&dest->conns);

	if (unlikely(u) && n >= u && !drlb_dest_overloaded(dest))
		set_bit(DRLB_DEST_OVERLOAD, &dest->flags);
}

/* A flow of @dest went: no longer overloaded below l_thresh (or none). */
static inline void drlb_dest_conns_dec(struct drlb_dest *dest)
{
	/* A full barrier: pairs with drlb_dest_set_thresh(), see there. */
	u32 n = (u32)atomic_dec_return(&dest->conns);

	if (unlikely(drlb_dest_overloaded(dest)) &&
	    (!READ_ONCE(dest->u_thresh) || n < READ_ONCE(dest->l_val)))
		clear_bit(DRLB_DEST_OVERLOAD, &dest->flags);
}

/* srcval.c */
bool drlb_src_martian(const struct sk_buff *skb, const struct net_device *in);
bool drlb_src_valid(struct sk_buff *skb, struct net_device *in);
bool drlb_src6_martian(const struct sk_buff *skb);
bool drlb_src6_valid(struct sk_buff *skb, struct net_device *in);

/* hook.c */
int drlb_hook_register(struct drlb_net *dn, u16 af);
void drlb_hook_unregister(struct drlb_net *dn, u16 af);

/* conn.c */
int __init drlb_conn_module_init(void);
void drlb_conn_module_exit(void);
int drlb_conn_net_init(struct drlb_net *dn);
unsigned int drlb_conn_entries(struct drlb_net *dn);
int drlb_conn_tab_alloc(struct drlb_net *dn);
int drlb_conn_resize(struct drlb_net *dn, u32 conn_max);
void drlb_conn_hash_info(struct drlb_net *dn, u32 *buckets, u32 *chain_max);
void drlb_conn_net_exit(struct drlb_net *dn);
void drlb_conn_gc_start(struct drlb_net *dn);
struct drlb_conn *drlb_conn_lookup(struct drlb_net *dn,
				   const struct drlb_flow *f, u8 flags);
struct drlb_conn *drlb_conn_insert(struct drlb_net *dn,
				   const struct drlb_flow *f, u8 flags,
				   u8 state, struct drlb_dest *dest,
				   unsigned long timeout, bool *created);
void drlb_conn_unlink(struct drlb_net *dn, struct drlb_conn *c);
void drlb_conn_set_state(struct drlb_net *dn, struct drlb_conn *c,
			 u8 state);
bool drlb_conn_touch(struct drlb_conn *c, unsigned long timeout);
void drlb_conn_extend(struct drlb_conn *c, unsigned long until);
/* Remove the entries @f matches; returns how many. Process context. */
unsigned long drlb_conn_delete(struct drlb_net *dn,
			       const struct drlb_conn_filter *f);
/* Does @f match @c? */
bool drlb_conn_filter_match(const struct drlb_conn_filter *f,
			    const struct drlb_conn *c);
void drlb_conn_purge(struct drlb_net *dn, bool all);
struct drlb_conn *drlb_conn_walk(struct drlb_net *dn, struct drlb_conn_pos *p);
unsigned long drlb_conn_timeout(struct drlb_net *dn, u8 proto, u8 state);
u8 drlb_tcp_next_state(u8 state, bool syn, bool ack, bool fin, bool rst);

/* xmit.c */
int __init drlb_xmit_module_init(void);
void drlb_xmit_module_exit(void);
unsigned int drlb_xmit(struct drlb_net *dn, struct drlb_service *svc,
		       struct drlb_dest *dest, struct sk_buff *skb);
void drlb_dest_cache_release(struct drlb_dest *dest);
void drlb_dest_resolve(struct net *net, struct drlb_dest *dest);
int drlb_dest_cache_fill(struct sk_buff *msg, struct drlb_dest *dest);
u8 drlb_dest_neigh_state(struct drlb_dest *dest);

/* event.c: DRLB_CMD_EVENT messages (see there) */
struct genl_info;
int __init drlb_event_module_init(void);
void drlb_event_module_exit(void);
void drlb_event_stop(void);
void drlb_event_net_init(struct drlb_net *dn);
void drlb_event_net_exit(struct drlb_net *dn);
/* A request's change (@dest NULL: a service event); drlb_net.lock held. */
void drlb_event_svc(struct drlb_net *dn, u32 ev, struct drlb_service *svc,
		    struct drlb_dest *dest, const struct genl_info *info);
void drlb_event_arp(struct drlb_net *dn, u32 ev, __be32 vip, int ifindex,
		    u32 flags, const struct genl_info *info);
void drlb_event_flush(struct drlb_net *dn, bool arp,
		      const struct genl_info *info);
/* What the kernel does on its own: any context. */
void drlb_event_kick(struct drlb_net *dn, unsigned int bit);
void drlb_event_table_full(struct drlb_net *dn, bool stateless);
void drlb_event_table_check(struct drlb_net *dn);

/* arp.c: real-server ARP rules (their netlink side: nl_arp.c) */
int __init drlb_arp_module_init(void);
void drlb_arp_module_exit(void);
void drlb_arp_net_init(struct drlb_net *dn);
void drlb_arp_net_pre_exit(struct drlb_net *dn);
/*
 * Delete every ARP rule (DRLB_CMD_FLUSH with DRLB_A_FLUSH_ARP); RTNL and
 * drlb_net.lock held.
 */
void drlb_arp_flush(struct drlb_net *dn);

#endif /* _DRLB_H */
