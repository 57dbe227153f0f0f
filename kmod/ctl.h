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
 * A service's key, as either netlink family names it: @af and (@proto,
 * @addr, @port) with @fwmark 0, or @af and @fwmark (the others 0). @addr
 * is zero past an IPv4 address.
 */
struct drlb_svc_key {
	union drlb_addr addr;
	u16 af;
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

/*
 * The settings of a new or changed service (has_*: given) and the
 * request's attributes to blame for a refused one (each may be NULL).
 */
struct drlb_svc_conf {
	const struct drlb_sched_ops *ops;
	u32 persist_timeout;
	u32 sched_flags;
	u8 persist_plen;
	u8 expire_nodest;
	u8 midstream;
	u8 onepacket;
	bool has_persist_timeout, has_persist_plen, has_expire_nodest;
	bool has_midstream, has_sched_flags, has_onepacket;
	struct nlattr *a_key, *a_sched, *a_flags, *a_onepacket, *a_netmask;
};

/* A new service of key @k: EEXIST if there is one. Takes drlb_net.lock. */
int drlb_ctl_svc_new(struct drlb_net *dn, const struct drlb_svc_key *k,
		     const struct drlb_svc_conf *c,
		     const struct genl_info *info,
		     struct netlink_ext_ack *extack);
/* Change what @c gives of @svc. */
int drlb_ctl_svc_set(struct drlb_net *dn, struct drlb_service *svc,
		     const struct drlb_svc_conf *c,
		     const struct genl_info *info,
		     struct netlink_ext_ack *extack);
/* Delete @svc with its dests and flows; @svc may be gone after. */
void drlb_ctl_svc_del(struct drlb_net *dn, struct drlb_service *svc,
		      const struct genl_info *info);

/* A real server's settings, as struct drlb_svc_conf. */
struct drlb_dest_conf {
	u32 weight;
	u32 u_thresh;
	u32 l_thresh;
	bool has_weight, has_u_thresh, has_l_thresh;
	struct nlattr *a_dest, *a_addr, *a_u_thresh, *a_l_thresh;
};

/* A new dest of @svc at @addr (weight 1 unless @c gives one). */
int drlb_ctl_dest_new(struct drlb_net *dn, struct drlb_service *svc,
		      const union drlb_addr *addr,
		      const struct drlb_dest_conf *c,
		      const struct genl_info *info,
		      struct netlink_ext_ack *extack);
/* Change what @c gives of @dest. */
int drlb_ctl_dest_set(struct drlb_net *dn, struct drlb_dest *dest,
		      const struct drlb_dest_conf *c,
		      const struct genl_info *info,
		      struct netlink_ext_ack *extack);
/* Delete @dest (its flows expire or are rescheduled, per its service). */
int drlb_ctl_dest_del(struct drlb_net *dn, struct drlb_dest *dest,
		      const struct genl_info *info);

#endif /* _DRLB_CTL_H */
