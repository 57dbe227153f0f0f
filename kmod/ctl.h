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

#endif /* _DRLB_CTL_H */
