/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: the control API - the configuration changes both netlink
 * families make (drlb's own in netlink.c and nl_*.c, and IPVS's in
 * drlb_ipvs.ko, kmod/ipvs/), in one place, so that a change made through
 * either is the same change: same locking, same checks, same events.
 *
 * The caller holds drlb_net.lock (lookups, checks and the change under
 * one hold), except where a comment says the function takes it. Events
 * carry the requester's port id when @info is given (drlb's family) and
 * none otherwise (drlb_ipvs: the monitor still sees the change, from no
 * drlb socket).
 */
#ifndef _DRLB_CTL_H
#define _DRLB_CTL_H

#include <net/genetlink.h>

#include "drlb.h"

/*
 * A service's key, as either family names it: (@proto, @addr, @port)
 * with @fwmark 0, or @fwmark alone (the others 0).
 */
struct drlb_svc_key {
	__be32 addr;
	__be16 port;
	u8 proto;
	u32 fwmark;
};

/* The service of key @k, or NULL. */
struct drlb_service *drlb_ctl_svc_lookup(struct drlb_net *dn,
					 const struct drlb_svc_key *k);

/*
 * Delete every service; with @arp also the real-server role's ARP rules.
 * Takes RTNL (with @arp) and drlb_net.lock itself.
 */
void drlb_ctl_flush(struct drlb_net *dn, bool arp,
		    const struct genl_info *info);

/* Zero the counters of @svc and its dests. */
void drlb_ctl_zero_svc(struct drlb_net *dn, struct drlb_service *svc);
/* Zero every service's, dest's and the namespace's counters. */
void drlb_ctl_zero_all(struct drlb_net *dn);

/*
 * Set the timeouts of @to (seconds, per enum drlb_timeout) whose entry
 * is not 0; the others stay. The caller checked the ranges (1 to
 * DRLB_TIMEOUT_MAX).
 */
void drlb_ctl_set_timeouts(struct drlb_net *dn, const u32 *to);

/*
 * A dump of every service (fwmark ones included): @one fills @skb with
 * one service's message, 0 or -EMSGSIZE when @skb is full; the walk
 * resumes there in the next part (cb->args[0]: hash bucket, [1]: the
 * bucket's services already sent). Takes drlb_net.lock; flags the dump
 * inconsistent if the services change between parts. Returns skb->len.
 */
int drlb_ctl_dump_services(struct drlb_net *dn, struct sk_buff *skb,
			   struct netlink_callback *cb,
			   int (*one)(struct sk_buff *skb,
				      struct netlink_callback *cb,
				      struct drlb_service *svc));

#endif /* _DRLB_CTL_H */
