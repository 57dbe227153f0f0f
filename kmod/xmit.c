// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: sending a packet to its real server by rewriting the Ethernet
 * header (direct routing).
 *
 * Calling rules: drlb_xmit() is called from the NF_INET_PRE_ROUTING hooks
 * (hook.c, hook6.c), in softirq context or with BHs disabled, under
 * rcu_read_lock(). skb->data points at the IPv4 or IPv6 header (of the
 * dest's service's family, validated by ip_rcv() or ipv6_rcv()), skb->dev
 * is the ingress device and the skb has no dst; it is
 * not shared (ip_rcv() unshared it) but may be cloned, nonlinear, a GRO
 * super-packet or a reassembled datagram (frag_list). drlb_xmit() always
 * takes the skb: it returns NF_STOLEN when it sent (or freed) it and
 * NF_DROP when netfilter is to free it; counters are updated here.
 *
 * The IP packet is not changed at all, not even its TTL: in direct routing
 * the director is an L2 hop for the flow (as with IPVS's DR method), and
 * the real server, which has the VIP on a loopback, sees the client's
 * packet as the last router sent it (IPv6: its hop limit unchanged too).
 * Only the Ethernet header is replaced:
 * destination = the real server's MAC, source = the egress device's MAC.
 *
 * Each dest caches its egress device and neighbour entry, both referenced
 * (struct drlb_dest_cache), found by a route lookup to the real server and
 * a neighbour lookup (or creation) on that device. The cache is replaced
 * when routes may have changed (the namespace's route generation of the
 * dest's family moved), when the neighbour entry left the table (n->dead),
 * and dropped
 * when the device goes down or away (netdevice notifier: no references
 * are kept on a device being unregistered) or the dest is deleted. The
 * MAC is read per packet under the neighbour's seqlock
 * (neigh_ha_snapshot()), so ARP updates apply at once. A packet for an
 * unresolved neighbour is not lost: as on the kernel's own output path
 * (neigh_resolve_output()), it waits in the neighbour's queue while ARP
 * (IPv6: neighbour discovery) resolves it (bounded by the table's unres_qlen_bytes; counted as
 * neigh_queued besides forwarded) and goes out with the MAC ARP found; if
 * resolution fails the neighbour layer drops what waited. Fragments made
 * here take the same way. STALE entries are used and reconfirmed, as the
 * kernel does. A dest's neighbour is created and resolution started when
 * the dest is added (drlb_dest_resolve()), before its first flow.
 *
 * A real server must be on a directly connected Ethernet network. When the
 * route to it has a gateway, is not unicast or leaves through a
 * non-Ethernet device, or that device is down, packets are dropped as
 * drop_no_neigh (GET_DEST shows IFINDEX 0): the dest is not refused when
 * configured, since its network may come up later.
 *
 * MTU (the egress device's): a packet larger than it with DF set gets an
 * ICMP "fragmentation needed" to the client and is dropped (drop_mtu);
 * without DF, or reassembled from fragments that each fit, it is
 * fragmented again (ip_do_fragment(), which honours
 * IPCB(skb)->frag_max_size). GRO super-packets are checked per segment
 * (skb_gso_validate_network_len()). IPv6 is never fragmented on the way
 * (RFC 8200): a packet larger than the MTU gets an ICMPv6 Packet Too Big
 * to the client and is dropped (drop_mtu), unless it was reassembled
 * here (nf_defrag_ipv6) from fragments that each fit, which are made
 * again no larger than the largest of them (ip6_fragment() honours
 * IP6CB(skb)->frag_max_size).
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/arp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/ndisc.h>
#include <net/neighbour.h>
#include <net/netlink.h>
#include <net/route.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"

/*
 * struct drlb_dest_cache - where a dest's packets go.
 * @dev:   egress device, referenced (@dev_tracker)
 * @neigh: the real server's neighbour entry on @dev, referenced
 * @genid: rt_genid_ipv4() (@v6: rt_genid_ipv6()) when the route was
 *         looked up
 * @v6:    an IPv6 dest's
 * @rcu:   references dropped after a grace period
 */
struct drlb_dest_cache {
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct neighbour *neigh;
	int genid;
	bool v6;
	struct rcu_head rcu;
};

static void drlb_dest_cache_free(struct drlb_dest_cache *c)
{
	neigh_release(c->neigh);
	netdev_put(c->dev, &c->dev_tracker);
	kfree(c);
}

static void drlb_dest_cache_free_rcu(struct rcu_head *rcu)
{
	drlb_dest_cache_free(container_of(rcu, struct drlb_dest_cache, rcu));
}

/* Replace @dest's cache by @c (may be NULL); caller holds cache_lock. */
static void drlb_dest_cache_set(struct drlb_dest *dest,
				struct drlb_dest_cache *c)
{
	struct drlb_dest_cache *old;

	old = rcu_replace_pointer(dest->cache, c,
				  lockdep_is_held(&dest->cache_lock));
	if (old)
		call_rcu(&old->rcu, drlb_dest_cache_free_rcu);
}

/* The dest is DEAD: drop the cache for good (nothing refills it). */
void drlb_dest_cache_release(struct drlb_dest *dest)
{
	spin_lock_bh(&dest->cache_lock);
	drlb_dest_cache_set(dest, NULL);
	spin_unlock_bh(&dest->cache_lock);
}

static bool drlb_dest_cache_fresh(struct net *net,
				  const struct drlb_dest_cache *c)
{
	return c && c->genid == (c->v6 ? rt_genid_ipv6(net) : rt_genid_ipv4(net)) &&
	       !READ_ONCE(c->neigh->dead);
}

/* A cache for @dest on @dev (the route's, held by the caller), or NULL. */
static struct drlb_dest_cache *drlb_dest_cache_new(struct drlb_dest *dest,
						   struct net_device *dev,
						   int genid, bool v6)
{
	struct drlb_dest_cache *c;
	struct neighbour *n;

	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    (dev->flags & IFF_LOOPBACK))
		return NULL;
	c = kzalloc(sizeof(*c), GFP_ATOMIC);
	if (!c)
		return NULL;
	n = __neigh_lookup(v6 ? &nd_tbl : &arp_tbl, &dest->addr, dev, 1);
	if (!n) {
		kfree(c);
		return NULL;
	}
	c->dev = dev;
	netdev_hold(dev, &c->dev_tracker, GFP_ATOMIC);
	c->neigh = n;
	c->genid = genid;
	c->v6 = v6;
	return c;
}

/* The IPv6 route to @dest: on-link unicast only. */
static struct drlb_dest_cache *drlb_dest_cache_lookup6(struct net *net,
						       struct drlb_dest *dest)
{
	struct flowi6 fl6 = { .daddr = dest->addr.in6 };
	struct drlb_dest_cache *c = NULL;
	struct dst_entry *dst;
	struct rt6_info *rt;
	int genid;

	genid = rt_genid_ipv6(net);
	dst = ip6_route_output(net, NULL, &fl6);
	rt = dst_rt6_info(dst);
	if (!dst->error &&
	    !(rt->rt6i_flags & (RTF_GATEWAY | RTF_LOCAL | RTF_ANYCAST |
				RTF_REJECT)))
		c = drlb_dest_cache_new(dest, dst->dev, genid, true);
	dst_release(dst);
	return c;
}

/* Route and neighbour lookup for @dest; NULL if it is not reachable. */
static struct drlb_dest_cache *drlb_dest_cache_lookup(struct net *net,
						      struct drlb_dest *dest)
{
	struct flowi4 fl4 = { .daddr = dest->addr.ip };
	struct drlb_dest_cache *c;
	struct rtable *rt;
	int genid;

	if (drlb_svc_v6(dest->svc))
		return drlb_dest_cache_lookup6(net, dest);
	/* Read before the lookup: a change during it forces another. */
	genid = rt_genid_ipv4(net);
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	c = NULL;
	if (rt->rt_type == RTN_UNICAST && !rt->rt_gw_family)
		c = drlb_dest_cache_new(dest, rt->dst.dev, genid, false);
	ip_rt_put(rt);
	return c;
}

static noinline struct drlb_dest_cache *
drlb_dest_cache_refresh(struct net *net, struct drlb_dest *dest)
{
	struct drlb_dest_cache *c, *cur;

	c = drlb_dest_cache_lookup(net, dest);
	spin_lock_bh(&dest->cache_lock);
	cur = rcu_dereference_protected(dest->cache,
					lockdep_is_held(&dest->cache_lock));
	if (drlb_dest_cache_fresh(net, cur)) {
		/* Another CPU refreshed it meanwhile. */
		spin_unlock_bh(&dest->cache_lock);
		if (c)
			drlb_dest_cache_free(c);
		return cur;
	}
	/*
	 * Never install a device that is going away: the notifier's
	 * NETDEV_UNREGISTER pass runs after reg_state changed and after a
	 * grace period, so it sees (and drops) whatever we install here.
	 */
	if (test_bit(DRLB_DEST_DEAD, &dest->flags) ||
	    (c && (READ_ONCE(c->dev->reg_state) != NETREG_REGISTERED ||
		   !netif_running(c->dev)))) {
		spin_unlock_bh(&dest->cache_lock);
		if (c)
			drlb_dest_cache_free(c);
		return NULL;
	}
	drlb_dest_cache_set(dest, c);
	spin_unlock_bh(&dest->cache_lock);
	return c;
}

static struct drlb_dest_cache *drlb_dest_cache_get(struct net *net,
						   struct drlb_dest *dest)
{
	struct drlb_dest_cache *c = rcu_dereference(dest->cache);

	if (likely(drlb_dest_cache_fresh(net, c)))
		return c;
	return drlb_dest_cache_refresh(net, dest);
}

/* The uapi's view (enum drlb_neigh_state) of a neighbour entry's state. */
static u8 drlb_neigh_state(const struct neighbour *n)
{
	u8 nud = READ_ONCE(n->nud_state);

	if (nud & (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP))
		return DRLB_NEIGH_RESOLVED;
	if (nud & (NUD_STALE | NUD_DELAY | NUD_PROBE))
		return DRLB_NEIGH_STALE;
	if (nud & NUD_INCOMPLETE)
		return DRLB_NEIGH_INCOMPLETE;
	if (nud & NUD_FAILED)
		return DRLB_NEIGH_FAILED;
	return DRLB_NEIGH_NONE;
}

/* The state of @dest's neighbour entry (NONE while it has none). */
u8 drlb_dest_neigh_state(struct drlb_dest *dest)
{
	struct drlb_dest_cache *c;
	u8 state = DRLB_NEIGH_NONE;

	rcu_read_lock();
	c = rcu_dereference(dest->cache);
	if (c)
		state = drlb_neigh_state(c->neigh);
	rcu_read_unlock();
	return state;
}

/*
 * GET_DEST: egress ifindex (0 if unresolved), the neighbour's state and
 * the MAC if resolved.
 */
int drlb_dest_cache_fill(struct sk_buff *msg, struct drlb_dest *dest)
{
	u8 state = DRLB_NEIGH_NONE;
	char ha[MAX_ADDR_LEN];
	struct drlb_dest_cache *c;
	bool mac = false;
	u32 ifindex = 0;

	rcu_read_lock();
	c = rcu_dereference(dest->cache);
	if (c) {
		ifindex = c->dev->ifindex;
		state = drlb_neigh_state(c->neigh);
		if (READ_ONCE(c->neigh->nud_state) & NUD_VALID) {
			neigh_ha_snapshot(ha, c->neigh, c->dev);
			mac = true;
		}
	}
	rcu_read_unlock();
	if (nla_put_u32(msg, DRLB_DEST_A_IFINDEX, ifindex) ||
	    nla_put_u8(msg, DRLB_DEST_A_NEIGH, state) ||
	    (mac && nla_put(msg, DRLB_DEST_A_LLADDR, ETH_ALEN, ha)))
		return -EMSGSIZE;
	return 0;
}

/* ---- the device going down or away -------------------------------------- */

/* Drop @dest's cache if its packets leave through @dev. */
static void drlb_dest_cache_drop_dev(struct drlb_dest *dest,
				     const struct net_device *dev)
{
	struct drlb_dest_cache *c;

	spin_lock_bh(&dest->cache_lock);
	c = rcu_dereference_protected(dest->cache,
				      lockdep_is_held(&dest->cache_lock));
	if (c && c->dev == dev)
		drlb_dest_cache_set(dest, NULL);
	spin_unlock_bh(&dest->cache_lock);
}

static int drlb_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct drlb_net *dn;
	struct drlb_service *svc;
	struct drlb_dest *dest;
	unsigned int b;

	if (event != NETDEV_DOWN && event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	dn = drlb_pernet(dev_net(dev));
	mutex_lock(&dn->lock);
	for (b = 0; dn->num_services && b < DRLB_SVC_BUCKETS; b++) {
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode) {
			list_for_each_entry(dest, &svc->dests, list)
				drlb_dest_cache_drop_dev(dest, dev);
		}
	}
	mutex_unlock(&dn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block drlb_netdev_notifier = {
	.notifier_call = drlb_netdev_event,
};

/* ---- sending -------------------------------------------------------- */

/*
 * struct drlb_nexthop - where one packet goes.
 * @dev:   egress device
 * @n:     the real server's neighbour entry on @dev
 * @ha:    its MAC when resolved; NULL: the packet waits in @n's queue
 * @proto: ETH_P_IP or ETH_P_IPV6, network order
 */
struct drlb_nexthop {
	struct net_device *dev;
	struct neighbour *n;
	const u8 *ha;
	__be16 proto;
};

/* Make @skb ready to leave through @dev. Frees @skb on failure. */
static int drlb_prepare(struct sk_buff *skb, struct net_device *dev,
			__be16 proto)
{
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dev))) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	skb_dst_drop(skb);
	/* As ip_forward(): a receive checksum means nothing on the way out. */
	skb_forward_csum(skb);
	skb_clear_tstamp(skb);
	skb->protocol = proto;
	skb->dev = dev;
	return 0;
}

/*
 * Send @skb (data at its IP header) to @nh: with the Ethernet header
 * replaced when the MAC is known, else through the neighbour's output,
 * which queues it while ARP resolves and adds the header when it is sent.
 * Takes @skb in every case (no memory for a writable header: freed, and as
 * good as sent).
 */
static void drlb_send(struct sk_buff *skb, const struct drlb_nexthop *nh)
{
	struct ethhdr *eth;

	if (drlb_prepare(skb, nh->dev, nh->proto))
		return;
	if (unlikely(!nh->ha)) {
		/* Changed under the neighbour's lock as its state moves. */
		int (*output)(struct neighbour *n, struct sk_buff *skb) =
			READ_ONCE(nh->n->output);

		skb_reset_network_header(skb);
		output(nh->n, skb);
		return;
	}
	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	memcpy(eth->h_dest, nh->ha, ETH_ALEN);
	memcpy(eth->h_source, nh->dev->dev_addr, ETH_ALEN);
	eth->h_proto = nh->proto;
	dev_queue_xmit(skb);
}

/*
 * ip_do_fragment() (ip6_fragment()) calls its output function once per
 * fragment, on this
 * CPU before it returns; the fragment carries no room for our context, so
 * it is passed per CPU. BHs are disabled throughout; a nested drlb_xmit()
 * on the same CPU (from inside dev_queue_xmit()) saves and restores it.
 */
static DEFINE_PER_CPU(const struct drlb_nexthop *, drlb_frag_nh);

static int drlb_frag_output(struct net *net, struct sock *sk,
			    struct sk_buff *skb)
{
	drlb_send(skb, this_cpu_read(drlb_frag_nh));
	return 0;
}

/* The route ip6_fragment() takes the MTU and headroom from. */
static struct dst_entry *drlb_frag_route6(struct drlb_dest *dest,
					  const struct drlb_nexthop *nh)
{
	struct flowi6 fl6 = { .daddr = dest->addr.in6,
			      .flowi6_oif = nh->dev->ifindex };
	struct dst_entry *dst;

	dst = ip6_route_output(dev_net(nh->dev), NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return NULL;
	}
	return dst;
}

/*
 * Fragment @skb (not GSO) for @nh->dev and send the fragments to @nh; an
 * IPv6 datagram (reassembled here) into fragments no larger than those
 * it came in.
 */
static void drlb_fragment(struct drlb_dest *dest, struct sk_buff *skb,
			  const struct drlb_nexthop *nh)
{
	struct flowi4 fl4 = { .daddr = dest->addr.ip,
			      .flowi4_oif = nh->dev->ifindex };
	struct net *net = dev_net(nh->dev);
	const struct drlb_nexthop *prev;
	struct dst_entry *dst;
	struct rtable *rt;

	/* ip_do_fragment() takes the MTU and headroom from a route. */
	if (nh->proto == htons(ETH_P_IPV6)) {
		dst = drlb_frag_route6(dest, nh);
	} else {
		rt = ip_route_output_key(net, &fl4);
		dst = IS_ERR(rt) ? NULL : &rt->dst;
	}
	if (!dst) {
		kfree_skb(skb);
		return;
	}
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	prev = this_cpu_read(drlb_frag_nh);
	this_cpu_write(drlb_frag_nh, nh);
	if (nh->proto == htons(ETH_P_IPV6))
		ipv6_stub->ipv6_fragment(net, NULL, skb, drlb_frag_output);
	else
		ip_do_fragment(net, NULL, skb, drlb_frag_output);
	this_cpu_write(drlb_frag_nh, prev);
}

static void drlb_count(struct drlb_net *dn, struct drlb_service *svc,
		       struct drlb_dest *dest, enum drlb_stat why)
{
	drlb_stats_add(&dest->stats, why, 1);
	drlb_stats_add(&svc->stats, why, 1);
	drlb_stats_add(&dn->stats, why, 1);
}

/*
 * Count @skb as forwarded: packets (GRO segments) and IP bytes; and as
 * queued if it waits for the real server's MAC.
 */
static void drlb_count_fwd(struct drlb_net *dn, struct drlb_service *svc,
			   struct drlb_dest *dest, const struct sk_buff *skb,
			   const struct drlb_nexthop *nh)
{
	unsigned int segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	unsigned int len = skb->len;

	drlb_stats_fwd(&dest->stats, segs, len);
	drlb_stats_fwd(&svc->stats, segs, len);
	drlb_stats_fwd(&dn->stats, segs, len);
	if (unlikely(!nh->ha))
		drlb_count(dn, svc, dest, DRLB_ST_NEIGH_QUEUED);
}

/* "Fragmentation needed" to the client: icmp_send() needs a route. */
static void drlb_frag_needed(struct sk_buff *skb, unsigned int mtu)
{
	struct flowi4 fl4 = { .daddr = ip_hdr(skb)->saddr };
	struct rtable *rt;

	rt = ip_route_output_key(dev_net(skb->dev), &fl4);
	if (IS_ERR(rt))
		return;
	skb_dst_set(skb, &rt->dst);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
}

/*
 * An IPv6 packet larger than @mtu: made into fragments again if it was
 * reassembled from fragments that each fit, else Packet Too Big to the
 * client.
 */
static unsigned int drlb_xmit_big6(struct drlb_net *dn,
				   struct drlb_service *svc,
				   struct drlb_dest *dest, struct sk_buff *skb,
				   const struct drlb_nexthop *nh,
				   unsigned int mtu)
{
	u16 fmax = IP6CB(skb)->frag_max_size;

	if (skb_is_gso(skb) || !fmax || fmax > mtu) {
		/* icmp6_send() picks the source by a route: no dst needed. */
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		drlb_count(dn, svc, dest, DRLB_ST_DROP_MTU);
		return NF_DROP;
	}
	drlb_count_fwd(dn, svc, dest, skb, nh);
	drlb_fragment(dest, skb, nh);
	return NF_STOLEN;
}

/* @skb is larger than @mtu. */
static unsigned int drlb_xmit_big(struct drlb_net *dn,
				  struct drlb_service *svc,
				  struct drlb_dest *dest, struct sk_buff *skb,
				  const struct drlb_nexthop *nh,
				  unsigned int mtu)
{
	const struct iphdr *iph = ip_hdr(skb);
	u16 fmax = IPCB(skb)->frag_max_size;
	struct sk_buff *segs, *seg, *next;

	if (nh->proto == htons(ETH_P_IPV6))
		return drlb_xmit_big6(dn, svc, dest, skb, nh, mtu);
	if (iph->frag_off & htons(IP_DF) && !(fmax && fmax <= mtu)) {
		drlb_frag_needed(skb, mtu);
		drlb_count(dn, svc, dest, DRLB_ST_DROP_MTU);
		return NF_DROP;
	}
	if (!skb_is_gso(skb)) {
		drlb_count_fwd(dn, svc, dest, skb, nh);
		drlb_fragment(dest, skb, nh);
		return NF_STOLEN;
	}
	/* A GRO packet without DF: segment, then fragment what is too big. */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		drlb_count(dn, svc, dest, DRLB_ST_DROP_OTHER);
		return NF_DROP;
	}
	/* Forwarded or dropped, never both: counted once it is segmented. */
	drlb_count_fwd(dn, svc, dest, skb, nh);
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		if (seg->len > mtu)
			drlb_fragment(dest, seg, nh);
		else
			drlb_send(seg, nh);
	}
	return NF_STOLEN;
}

unsigned int drlb_xmit(struct drlb_net *dn, struct drlb_service *svc,
		       struct drlb_dest *dest, struct sk_buff *skb)
{
	struct drlb_dest_cache *c;
	struct drlb_nexthop nh;
	char ha[MAX_ADDR_LEN];
	unsigned int mtu;

	c = drlb_dest_cache_get(dn->net, dest);
	if (unlikely(!c))
		goto no_neigh;
	nh.dev = c->dev;
	nh.n = c->neigh;
	nh.ha = ha;
	nh.proto = c->v6 ? htons(ETH_P_IPV6) : htons(ETH_P_IP);
	if (unlikely(!(READ_ONCE(nh.dev->flags) & IFF_UP)))
		goto no_neigh;
	/* Starts resolution if needed; non-zero: not resolved (yet). */
	if (likely(!neigh_event_send(nh.n, NULL))) {
		neigh_ha_snapshot(ha, nh.n, nh.dev);
		if (unlikely(is_zero_ether_addr(ha)))
			goto no_neigh;
	} else {
		nh.ha = NULL;
	}

	mtu = READ_ONCE(nh.dev->mtu);
	if (unlikely(skb_is_gso(skb) ?
		     !skb_gso_validate_network_len(skb, mtu) : skb->len > mtu))
		return drlb_xmit_big(dn, svc, dest, skb, &nh, mtu);

	drlb_count_fwd(dn, svc, dest, skb, &nh);
	drlb_send(skb, &nh);
	return NF_STOLEN;

no_neigh:
	drlb_count(dn, svc, dest, DRLB_ST_DROP_NO_NEIGH);
	return NF_DROP;
}

/*
 * A dest was added: find its device and neighbour now and start ARP, so
 * that its first flow finds the MAC known (or being resolved). Process
 * context, under drlb_net.lock.
 */
void drlb_dest_resolve(struct net *net, struct drlb_dest *dest)
{
	struct drlb_dest_cache *c;

	rcu_read_lock();
	c = drlb_dest_cache_get(net, dest);
	if (c && (READ_ONCE(c->dev->flags) & IFF_UP))
		neigh_event_send(c->neigh, NULL);
	rcu_read_unlock();
}

int __init drlb_xmit_module_init(void)
{
	return register_netdevice_notifier(&drlb_netdev_notifier);
}

void drlb_xmit_module_exit(void)
{
	unregister_netdevice_notifier(&drlb_netdev_notifier);
}
