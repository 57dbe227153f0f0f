// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the control API both netlink families call (see ctl.h).
 */

#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "ctl.h"

struct drlb_service *drlb_ctl_svc_lookup(struct drlb_net *dn,
					 const struct drlb_svc_key *k)
{
	lockdep_assert_held(&dn->lock);
	return k->fwmark ? drlb_svc_find_fwm(dn, k->af, k->fwmark) :
	       drlb_svc_find(dn, k->af, k->proto, &k->addr, k->port);
}
EXPORT_SYMBOL_GPL(drlb_ctl_svc_lookup);

void drlb_ctl_flush(struct drlb_net *dn, bool arp,
		    const struct genl_info *info)
{
	/* Unhooking the ARP rules needs RTNL, taken first (see arp.c). */
	if (arp)
		rtnl_lock();
	mutex_lock(&dn->lock);
	drlb_svc_flush(dn);
	/* The real-server role's ARP rules only when asked for. */
	if (arp)
		drlb_arp_flush(dn);
	drlb_event_flush(dn, arp, info);
	mutex_unlock(&dn->lock);
	if (arp)
		rtnl_unlock();
}
EXPORT_SYMBOL_GPL(drlb_ctl_flush);

void drlb_ctl_zero_svc(struct drlb_net *dn, struct drlb_service *svc)
{
	struct drlb_dest *dest;

	lockdep_assert_held(&dn->lock);
	drlb_stats_zero(&svc->stats);
	list_for_each_entry(dest, &svc->dests, list)
		drlb_stats_zero(&dest->stats);
}
EXPORT_SYMBOL_GPL(drlb_ctl_zero_svc);

void drlb_ctl_zero_all(struct drlb_net *dn)
{
	struct drlb_service *svc;
	unsigned int b;

	lockdep_assert_held(&dn->lock);
	for (b = 0; b < DRLB_SVC_BUCKETS; b++)
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode)
			drlb_ctl_zero_svc(dn, svc);
	drlb_stats_zero(&dn->stats);
}
EXPORT_SYMBOL_GPL(drlb_ctl_zero_all);

void drlb_ctl_set_timeouts(struct drlb_net *dn, const u32 *to)
{
	int i;

	lockdep_assert_held(&dn->lock);
	for (i = 0; i < DRLB_TO_MAX; i++)
		if (to[i])
			WRITE_ONCE(dn->cfg.timeout[i], to[i]);
}
EXPORT_SYMBOL_GPL(drlb_ctl_set_timeouts);

int drlb_ctl_dump_services(struct drlb_net *dn, struct sk_buff *skb,
			   struct netlink_callback *cb,
			   int (*one)(struct sk_buff *skb,
				      struct netlink_callback *cb,
				      struct drlb_service *svc))
{
	unsigned long b = cb->args[0], skip = cb->args[1];
	struct drlb_service *svc;

	mutex_lock(&dn->lock);
	cb->seq = dn->gen;
	for (; b < DRLB_SVC_BUCKETS; b++, skip = 0) {
		unsigned long i = 0;

		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode) {
			if (i++ < skip)
				continue;
			if (one(skb, cb, svc)) {
				cb->args[0] = b;
				cb->args[1] = i - 1;
				goto out;
			}
		}
	}
	cb->args[0] = b;
	cb->args[1] = 0;
out:
	mutex_unlock(&dn->lock);
	return skb->len;
}
EXPORT_SYMBOL_GPL(drlb_ctl_dump_services);
