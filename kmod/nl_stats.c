// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: netlink handlers for the counters: DRLB_CMD_GET_STATS (the
 * namespace's) and DRLB_CMD_ZERO (one service's and its dests', or every
 * counter of the namespace). A service's and a dest's counters are shown
 * by GET_SERVICE and GET_DEST.
 */

#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"

int drlb_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = drlb_nl_put_hdr(msg, info->snd_portid, info->snd_seq, 0,
			      DRLB_CMD_GET_STATS);
	mutex_lock(&dn->lock);
	err = !hdr || drlb_stats_put(msg, DRLB_A_STATS, &dn->stats);
	mutex_unlock(&dn->lock);
	if (err) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static void drlb_svc_zero(struct drlb_service *svc)
{
	struct drlb_dest *dest;

	drlb_stats_zero(&svc->stats);
	list_for_each_entry(dest, &svc->dests, list)
		drlb_stats_zero(&dest->stats);
}

int drlb_nl_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_service *svc;
	struct drlb_svc_key k;
	unsigned int b;
	int err = 0;

	if (info->attrs[DRLB_A_SERVICE]) {
		err = drlb_nl_svc_key(info->attrs, tb, &k, info->extack);
		if (err)
			return err;
		mutex_lock(&dn->lock);
		svc = drlb_nl_svc_find(dn, &k, info->attrs[DRLB_A_SERVICE],
				       info->extack);
		if (svc)
			drlb_svc_zero(svc);
		mutex_unlock(&dn->lock);
		return svc ? 0 : -ENOENT;
	}
	mutex_lock(&dn->lock);
	for (b = 0; b < DRLB_SVC_BUCKETS; b++)
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode)
			drlb_svc_zero(svc);
	drlb_stats_zero(&dn->stats);
	mutex_unlock(&dn->lock);
	return err;
}
