/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: real-server ARP rules - what arp.c (rules and hooks) shares with
 * nl_arp.c (their netlink interface). The rest of the module only sees
 * the functions declared in drlb.h.
 */
#ifndef _DRLB_ARP_H
#define _DRLB_ARP_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "drlb.h"

/* Bound on the rules of one namespace: the hooks walk them linearly. */
#define DRLB_ARP_RULES_MAX	1024

/*
 * struct drlb_arp_rule - "this host must not speak ARP for @vip".
 *
 * @list:          in drlb_arp_net.rules (RCU list, writers hold
 *                 drlb_net.lock).
 * @vip:           the VIP, network byte order.
 * @ifindex:       the device the rule applies to, 0 for every device. An
 *                 index, never a device pointer: a rule pins nothing, and
 *                 a rule whose device went away simply never matches.
 * @flags:         DRLB_ARP_F_*; written under drlb_net.lock (NEW_ARP with
 *                 NLM_F_REPLACE), read only under it (the hooks do not).
 * @req_dropped:   ARP requests for @vip dropped on the way in.
 * @src_rewritten: outgoing requests whose sender @vip was replaced.
 * @src_dropped:   outgoing ARP with sender @vip dropped (announcements,
 *                 replies, no other address on the device).
 * @rcu:           freed with kfree_rcu(): the hooks may still hold it.
 *
 * The counters are atomic64_t: ARP is rare, a per-CPU copy is not worth
 * its memory.
 */
struct drlb_arp_rule {
	struct list_head list;
	__be32 vip;
	int ifindex;
	u32 flags;
	atomic64_t req_dropped;
	atomic64_t src_rewritten;
	atomic64_t src_dropped;
	struct rcu_head rcu;
};

/* arp.c; drlb_net.lock held by the caller. */
int drlb_arp_rule_add(struct drlb_net *dn, __be32 vip, int ifindex,
		      u32 flags, struct netlink_ext_ack *extack);
/* An existing rule gets @flags, in place. */
int drlb_arp_rule_set(struct drlb_net *dn, __be32 vip, int ifindex,
		      u32 flags, struct netlink_ext_ack *extack);
/* @flags: the deleted rule's. */
int drlb_arp_rule_del(struct drlb_net *dn, __be32 vip, int ifindex,
		      u32 *flags, struct netlink_ext_ack *extack);

#endif /* _DRLB_ARP_H */
