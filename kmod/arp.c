// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the ARP problem, real-server side.
 *
 * A real server holds the VIP (usually on lo) so that it accepts the
 * packets the director forwards to it. Left alone, Linux then answers ARP
 * requests for the VIP on every interface (arp_ignore=0) and uses the VIP
 * as the sender address of its own ARP requests when a packet from the VIP
 * triggers them (arp_announce=0). Either teaches the router that the VIP
 * lives at this server's MAC, and the traffic for the whole service
 * bypasses the director: "ARP flux". An ARP rule for the VIP makes the host
 * silent about it, whatever the sysctls say, without touching any other
 * address.
 *
 * Rules live in drlb_net.arp.rules. Writers hold drlb_net.lock; the hooks
 * read the list under RCU; a rule is freed with kfree_rcu(). The hooks are
 * registered for a namespace only while it has at least one rule, so a
 * host without rules pays nothing.
 *
 * Hook points and calling rules (all run with RCU held, in softirq or in
 * process context with BHs off; never sleep):
 *
 *   NF_ARP_IN (drlb_arp_in), priority NF_IP_PRI_FIRST: from arp_rcv(),
 *     skb->data at the ARP header, header length already checked against
 *     the device, state->in the receiving device. A request whose target
 *     is a VIP with a rule for that device is dropped: arp_process() never
 *     sees it, so no reply, whatever arp_ignore says. First, so that no
 *     later hook spends work on a packet we refuse and the count is exact.
 *     Gratuitous requests (sender == target) pass: Linux never answers
 *     them, and they are the director's announcements.
 *
 *   NF_ARP_OUT (drlb_arp_out), priority NF_IP_PRI_LAST: from arp_xmit(),
 *     for every ARP packet the kernel builds (neighbour solicitations,
 *     replies, gratuitous ARP on address and link changes); skb->data at
 *     the link-layer header, the network header at the ARP header,
 *     state->out the device. Last, so that what we check is what leaves
 *     even if arptables/nft mangled the sender address before us.
 *
 *   NF_NETDEV_EGRESS (drlb_arp_egress), priority NF_IP_PRI_LAST, on each
 *     Ethernet device a rule with DRLB_ARP_F_PACKET_SOCKETS covers (every
 *     one while such a rule names no device; else just the devices they
 *     name): from __dev_queue_xmit() with
 *     rcu_read_lock_bh() and rcu_read_lock() held, skb->data at the
 *     Ethernet header. ARP that user space builds itself on an AF_PACKET
 *     socket (arping, keepalived, DHCP clients...) never passes arp_xmit();
 *     this catches it. Only frames owned by an AF_PACKET socket are looked
 *     at: bridged and forwarded frames belong to other hosts. Not covered:
 *     PACKET_QDISC_BYPASS sockets on kernels without
 *     nf_hook_direct_egress() (6.1), and VLAN-tagged frames written onto
 *     the lower device (the VLAN device's own hook sees untagged ones).
 *     This hook runs for every packet the device sends (a real server's
 *     replies are most of them): 1.8-2.3 % of a small-packet rate even
 *     though it returns at its first test for anything not from a packet
 *     socket (make bench-egress). So it is the rule's option, off by
 *     default, as in the tools drlb replaces (arptables' OUTPUT chain and
 *     arp_announce see only arp_xmit()), and stays off devices no such
 *     rule covers (drlb_arp.sh egress_where_needed).
 *
 * On the way out, an ARP packet whose sender address is a VIP with a rule
 * for the outgoing device is
 *   - a request for another address: its sender address is rewritten to
 *     the device's best own address, as arp_announce=2 would choose: the
 *     first primary address of the device in the target's subnet, else the
 *     device's first primary address; host-scope addresses and VIPs with a
 *     rule never qualify. Unlike inet_select_addr() we never borrow an
 *     address of another device (with the VIP on lo, that would be the
 *     VIP). No such address: dropped.
 *   - anything else (a gratuitous request or reply for the VIP, a reply
 *     from the VIP): dropped. Rewriting the sender of a reply would answer
 *     for another address.
 *
 * A rule does not act on a device that holds its VIP as one of its own
 * addresses while the namespace has a service on that VIP: the host is
 * then the VIP's director on that LAN (a node that switched from real
 * server to director, e.g. keepalived moved the VIP onto eth0, with its
 * rule still in place). It answers requests for the VIP there and its
 * gratuitous ARP (vip announce, the kernel's own on address changes)
 * leaves unchanged. A real server that keeps the VIP on eth0 with a rule
 * (the arptables recipe) has no service on it: its rule acts as ever.
 *
 * Lock order (see struct drlb_net): RTNL, then drlb_net.lock, then
 * netfilter's hook mutex. The netdevice notifiers (this file's and
 * xmit.c's) run under RTNL and take drlb_net.lock, so whatever adds or
 * removes ARP hooks takes RTNL first (the debug kernel's lockdep caught
 * the reverse order, which a rule added while a device of the namespace
 * went away could deadlock on).
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "arp.h"
#include "drlb.h"

/*
 * struct drlb_arp_egress - our egress hook on one device.
 * @list: in drlb_arp_net.egress, under RTNL and drlb_net.lock.
 * @dev:  the device; not referenced: the entry goes at NETDEV_UNREGISTER.
 * @ops:  the registration (netfilter keeps a pointer to it: RCU-freed).
 * @rcu:  deferred free (kfree_rcu()): the hook may still be running.
 */
struct drlb_arp_egress {
	struct list_head list;
	struct net_device *dev;
	struct nf_hook_ops ops;
	struct rcu_head rcu;
};

/* The fields of an IPv4 ARP packet we act on. */
struct drlb_arp_pkt {
	__be16 op;
	unsigned int sip_off;	/* sender IP, bytes from skb->data */
	__be32 sip;
	__be32 tip;
};

/*
 * The rule for @vip that applies on device @ifindex: a rule for that very
 * device wins over an every-device rule. RCU or drlb_net.lock held.
 */
static struct drlb_arp_rule *drlb_arp_match(struct drlb_net *dn, __be32 vip,
					    int ifindex)
{
	struct drlb_arp_rule *r, *any = NULL;

	list_for_each_entry_rcu(r, &dn->arp.rules, list,
				lockdep_is_held(&dn->lock)) {
		if (r->vip != vip)
			continue;
		if (r->ifindex == ifindex)
			return r;
		if (!r->ifindex)
			any = r;
	}
	return any;
}

/*
 * The rule for @vip on @dev, unless this host directs @vip there (see the
 * top of the file): @dev holds it and a service uses it. RCU held.
 */
static struct drlb_arp_rule *drlb_arp_rule_for(struct drlb_net *dn,
					       __be32 vip,
					       struct net_device *dev)
{
	struct drlb_arp_rule *r = drlb_arp_match(dn, vip, dev->ifindex);
	const struct in_device *in_dev;
	const struct in_ifaddr *ifa;

	if (!r)
		return NULL;
	in_dev = __in_dev_get_rcu(dev);
	if (!in_dev)
		return r;
	in_dev_for_each_ifa_rcu(ifa, in_dev)
		if (ifa->ifa_local == vip)
			return drlb_svc_addr_used(dn, vip) ? NULL : r;
	return r;
}

/* An ARP packet at @off bytes from skb->data, for IPv4 over @dev's link. */
static bool drlb_arp_parse(const struct sk_buff *skb, unsigned int off,
			   const struct net_device *dev, struct drlb_arp_pkt *p)
{
	const struct arphdr *ah;
	struct arphdr _ah;
	unsigned int hln;

	ah = skb_header_pointer(skb, off, sizeof(_ah), &_ah);
	if (!ah || ah->ar_pro != htons(ETH_P_IP) || ah->ar_pln != 4 ||
	    ah->ar_hln != dev->addr_len)
		return false;
	hln = ah->ar_hln;
	p->op = ah->ar_op;
	p->sip_off = off + sizeof(*ah) + hln;
	return !skb_copy_bits(skb, p->sip_off, &p->sip, 4) &&
	       !skb_copy_bits(skb, p->sip_off + 4 + hln, &p->tip, 4);
}

/*
 * The address an ARP request to @tip from @dev should carry instead of a
 * VIP (see the top of the file), or 0 if there is none. RCU held.
 */
static __be32 drlb_arp_select_src(struct drlb_net *dn, struct net_device *dev,
				  __be32 tip)
{
	const struct in_device *in_dev = __in_dev_get_rcu(dev);
	const struct in_ifaddr *ifa;
	__be32 first = 0;

	if (!in_dev)
		return 0;
	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		if (ifa->ifa_flags & IFA_F_SECONDARY ||
		    ifa->ifa_scope > RT_SCOPE_LINK ||
		    drlb_arp_match(dn, ifa->ifa_local, dev->ifindex))
			continue;
		if (inet_ifa_match(tip, ifa))
			return ifa->ifa_local;
		if (!first)
			first = ifa->ifa_local;
	}
	return first;
}

/*
 * An outgoing ARP packet at @off bytes from skb->data, leaving by @dev:
 * never with a VIP as sender address.
 */
static unsigned int drlb_arp_sanitize_out(struct drlb_net *dn,
					  struct sk_buff *skb,
					  unsigned int off,
					  struct net_device *dev)
{
	struct drlb_arp_rule *r;
	struct drlb_arp_pkt p;
	__be32 saddr;

	if (!drlb_arp_parse(skb, off, dev, &p))
		return NF_ACCEPT;
	r = drlb_arp_rule_for(dn, p.sip, dev);
	if (!r)
		return NF_ACCEPT;

	if (p.op == htons(ARPOP_REQUEST) && p.tip != p.sip) {
		saddr = drlb_arp_select_src(dn, dev, p.tip);
		if (saddr && !skb_ensure_writable(skb, p.sip_off + 4)) {
			memcpy(skb->data + p.sip_off, &saddr, 4);
			atomic64_inc(&r->src_rewritten);
			return NF_ACCEPT;
		}
	}
	atomic64_inc(&r->src_dropped);
	return NF_DROP;
}

static unsigned int drlb_arp_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct drlb_net *dn = drlb_pernet(state->net);
	struct drlb_arp_rule *r;
	struct drlb_arp_pkt p;

	if (!drlb_arp_parse(skb, skb_network_offset(skb), state->in, &p) ||
	    p.op != htons(ARPOP_REQUEST) || p.sip == p.tip)
		return NF_ACCEPT;
	r = drlb_arp_rule_for(dn, p.tip, state->in);
	if (!r)
		return NF_ACCEPT;
	atomic64_inc(&r->req_dropped);
	return NF_DROP;
}

static unsigned int drlb_arp_out(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return drlb_arp_sanitize_out(drlb_pernet(state->net), skb,
				     skb_network_offset(skb), state->out);
}

static unsigned int drlb_arp_egress(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	__be16 _proto;
	const __be16 *proto;

	if (!skb->sk || skb->sk->sk_family != AF_PACKET)
		return NF_ACCEPT;
	proto = skb_header_pointer(skb, offsetof(struct ethhdr, h_proto),
				   sizeof(_proto), &_proto);
	if (!proto || *proto != htons(ETH_P_ARP))
		return NF_ACCEPT;
	return drlb_arp_sanitize_out(drlb_pernet(state->net), skb, ETH_HLEN,
				     state->out);
}

/* Registered per namespace while it has rules; see the top of the file. */
static const struct nf_hook_ops drlb_arp_ops[] = {
	{
		.hook = drlb_arp_in,
		.pf = NFPROTO_ARP,
		.hooknum = NF_ARP_IN,
		.priority = NF_IP_PRI_FIRST,
	},
	{
		.hook = drlb_arp_out,
		.pf = NFPROTO_ARP,
		.hooknum = NF_ARP_OUT,
		.priority = NF_IP_PRI_LAST,
	},
};

/* ---- egress hooks, one per covered Ethernet device; RTNL held ---------- */

/* Does a rule that wants packet sockets apply on @dev? drlb_net.lock held. */
static bool drlb_arp_covers(struct drlb_net *dn, const struct net_device *dev)
{
	struct drlb_arp_rule *r;

	lockdep_assert_held(&dn->lock);
	list_for_each_entry(r, &dn->arp.rules, list)
		if (r->flags & DRLB_ARP_F_PACKET_SOCKETS &&
		    (!r->ifindex || r->ifindex == dev->ifindex))
			return true;
	return false;
}

static struct drlb_arp_egress *drlb_arp_egress_find(struct drlb_net *dn,
						    struct net_device *dev)
{
	struct drlb_arp_egress *e;

	list_for_each_entry(e, &dn->arp.egress, list)
		if (e->dev == dev)
			return e;
	return NULL;
}

static void drlb_arp_egress_attach(struct drlb_net *dn, struct net_device *dev)
{
	struct drlb_arp_egress *e;
	int err;

	ASSERT_RTNL();
	if (!IS_ENABLED(CONFIG_NETFILTER_EGRESS) || dev->type != ARPHRD_ETHER ||
	    dev->addr_len != ETH_ALEN || drlb_arp_egress_find(dn, dev))
		return;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e) {
		err = -ENOMEM;
		goto err;
	}
	e->dev = dev;
	e->ops.hook = drlb_arp_egress;
	e->ops.pf = NFPROTO_NETDEV;
	e->ops.hooknum = NF_NETDEV_EGRESS;
	e->ops.priority = NF_IP_PRI_LAST;
	e->ops.dev = dev;
	err = nf_register_net_hook(dn->net, &e->ops);
	if (err) {
		kfree(e);
		goto err;
	}
	list_add(&e->list, &dn->arp.egress);
	return;
err:
	/* The rules still hold for ARP the kernel sends on this device. */
	net_warn_ratelimited("%s: no egress hook (%d): ARP from packet sockets not filtered\n",
			     dev->name, err);
}

static void drlb_arp_egress_detach(struct drlb_net *dn, struct net_device *dev)
{
	struct drlb_arp_egress *e;

	ASSERT_RTNL();
	e = drlb_arp_egress_find(dn, dev);
	if (!e)
		return;
	nf_unregister_net_hook(dn->net, &e->ops);
	list_del(&e->list);
	kfree_rcu(e, rcu);
}

/*
 * Devices coming and going while a namespace has ARP rules: one notifier
 * for all namespaces, registered with the module (a notifier per
 * namespace would have to be registered with drlb_net.lock held, and its
 * registration takes RTNL: the reverse of the order here). RTNL held.
 */
static int drlb_arp_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct drlb_net *dn;

	if (event != NETDEV_REGISTER && event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	dn = drlb_pernet(dev_net(dev));
	mutex_lock(&dn->lock);
	if (dn->arp.hooks) {
		if (event == NETDEV_REGISTER && drlb_arp_covers(dn, dev))
			drlb_arp_egress_attach(dn, dev);
		else if (event == NETDEV_UNREGISTER)
			drlb_arp_egress_detach(dn, dev);
	}
	mutex_unlock(&dn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block drlb_arp_netdev_notifier = {
	.notifier_call = drlb_arp_netdev_event,
};

int __init drlb_arp_module_init(void)
{
	return register_netdevice_notifier(&drlb_arp_netdev_notifier);
}

void drlb_arp_module_exit(void)
{
	unregister_netdevice_notifier(&drlb_arp_netdev_notifier);
}

/*
 * ---- hook registration; RTNL, then drlb_net.lock held --------------------
 *
 * Lock order, everywhere in drlb: RTNL before drlb_net.lock (netdevice
 * notifiers run under RTNL and take drlb_net.lock), never the reverse.
 */

/* Egress hooks on exactly the devices the rules cover. */
static void drlb_arp_egress_sync(struct drlb_net *dn)
{
	struct net_device *dev;

	ASSERT_RTNL();
	lockdep_assert_held(&dn->lock);
	for_each_netdev(dn->net, dev) {
		if (drlb_arp_covers(dn, dev))
			drlb_arp_egress_attach(dn, dev);
		else
			drlb_arp_egress_detach(dn, dev);
	}
}

static int drlb_arp_hooks_register(struct drlb_net *dn)
{
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&dn->lock);
	err = nf_register_net_hooks(dn->net, drlb_arp_ops,
				    ARRAY_SIZE(drlb_arp_ops));
	if (err)
		return err;
	dn->arp.hooks = true;
	return 0;
}

static void drlb_arp_hooks_unregister(struct drlb_net *dn)
{
	struct drlb_arp_egress *e, *tmp;

	ASSERT_RTNL();
	lockdep_assert_held(&dn->lock);
	if (!dn->arp.hooks)
		return;
	list_for_each_entry_safe(e, tmp, &dn->arp.egress, list)
		drlb_arp_egress_detach(dn, e->dev);
	nf_unregister_net_hooks(dn->net, drlb_arp_ops,
				ARRAY_SIZE(drlb_arp_ops));
	dn->arp.hooks = false;
}

/* ---- rules --------------------------------------------------------------- */

static struct drlb_arp_rule *drlb_arp_rule_find(struct drlb_net *dn,
						__be32 vip, int ifindex)
{
	struct drlb_arp_rule *r;

	list_for_each_entry(r, &dn->arp.rules, list)
		if (r->vip == vip && r->ifindex == ifindex)
			return r;
	return NULL;
}

int drlb_arp_rule_set(struct drlb_net *dn, __be32 vip, int ifindex,
		      u32 flags, struct netlink_ext_ack *extack)
{
	struct drlb_arp_rule *r;

	lockdep_assert_held(&dn->lock);
	r = drlb_arp_rule_find(dn, vip, ifindex);
	if (!r) {
		NL_SET_ERR_MSG_MOD(extack, "no such ARP rule");
		return -ENOENT;
	}
	/* In place: the rule never stops acting. */
	r->flags = flags;
	drlb_arp_egress_sync(dn);
	return 0;
}

int drlb_arp_rule_add(struct drlb_net *dn, __be32 vip, int ifindex,
		      u32 flags, struct netlink_ext_ack *extack)
{
	struct drlb_arp_rule *r;
	int err;

	lockdep_assert_held(&dn->lock);
	if (drlb_arp_rule_find(dn, vip, ifindex)) {
		NL_SET_ERR_MSG_MOD(extack, "this ARP rule exists");
		return -EEXIST;
	}
	if (dn->arp.n_rules >= DRLB_ARP_RULES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "too many ARP rules in this namespace");
		return -ENOSPC;
	}

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->vip = vip;
	r->ifindex = ifindex;
	r->flags = flags;

	if (!dn->arp.hooks) {
		err = drlb_arp_hooks_register(dn);
		if (err) {
			kfree(r);
			NL_SET_ERR_MSG_MOD(extack, "cannot register the ARP hooks");
			return err;
		}
	}
	list_add_tail_rcu(&r->list, &dn->arp.rules);
	dn->arp.n_rules++;
	drlb_arp_egress_sync(dn);
	return 0;
}

static void drlb_arp_rule_free(struct drlb_net *dn, struct drlb_arp_rule *r)
{
	list_del_rcu(&r->list);
	dn->arp.n_rules--;
	kfree_rcu(r, rcu);
}

int drlb_arp_rule_del(struct drlb_net *dn, __be32 vip, int ifindex,
		      u32 *flags, struct netlink_ext_ack *extack)
{
	struct drlb_arp_rule *r;

	lockdep_assert_held(&dn->lock);
	list_for_each_entry(r, &dn->arp.rules, list) {
		if (r->vip != vip || r->ifindex != ifindex)
			continue;
		*flags = r->flags;
		drlb_arp_rule_free(dn, r);
		if (!dn->arp.n_rules)
			drlb_arp_hooks_unregister(dn);
		else
			drlb_arp_egress_sync(dn);
		return 0;
	}
	NL_SET_ERR_MSG_MOD(extack, "no such ARP rule");
	return -ENOENT;
}

void drlb_arp_flush(struct drlb_net *dn)
{
	struct drlb_arp_rule *r, *tmp;

	lockdep_assert_held(&dn->lock);
	list_for_each_entry_safe(r, tmp, &dn->arp.rules, list)
		drlb_arp_rule_free(dn, r);
	drlb_arp_hooks_unregister(dn);
}

/* ---- namespace lifetime ------------------------------------------------- */

void drlb_arp_net_init(struct drlb_net *dn)
{
	INIT_LIST_HEAD(&dn->arp.rules);
	INIT_LIST_HEAD(&dn->arp.egress);
	dn->arp.n_rules = 0;
	dn->arp.hooks = false;
}

/*
 * Namespace going away, or module unload. Runs from .pre_exit, before
 * the synchronize_rcu() that precedes .exit and the freeing of struct
 * drlb_net, so no hook can still be reading it then; the namespace's
 * devices still exist, so the notifier detaches every egress hook.
 */
void drlb_arp_net_pre_exit(struct drlb_net *dn)
{
	rtnl_lock();
	mutex_lock(&dn->lock);
	drlb_arp_flush(dn);
	mutex_unlock(&dn->lock);
	rtnl_unlock();
}
