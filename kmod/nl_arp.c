// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: DRLB_CMD_NEW_ARP, DRLB_CMD_SET_ARP, DRLB_CMD_DEL_ARP and
 * DRLB_CMD_GET_ARP (dump).
 *
 * All four need CAP_NET_ADMIN (GENL_ADMIN_PERM, see netlink.c), as every
 * IPVS operation does. A request is validated completely before anything
 * changes.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/drlb.h>

#include "arp.h"
#include "drlb.h"
#include "netlink.h"

/* NEW_ARP / DEL_ARP: one DRLB_A_ARP nest, nothing else. */
const struct nla_policy drlb_arp_req_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_ARP]		= NLA_POLICY_NESTED(drlb_arp_policy),
};

/* GET_ARP dump: no attributes (strict validation rejects any). */
const struct nla_policy drlb_arp_dump_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_ARP]		= { .type = NLA_REJECT },
};

/*
 * The rule a request names. With @need_dev, a non-zero ifindex must be a
 * device of the namespace (NEW); DEL may name a device that has gone.
 */
static int drlb_arp_parse_req(struct genl_info *info, bool need_dev,
			      __be32 *vip, int *ifindex, u32 *flags)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[DRLB_ARP_A_MAX + 1];
	struct nlattr *nest;
	u32 idx = 0;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, DRLB_A_ARP)) {
		NL_SET_ERR_MSG_MOD(extack, "ARP rule (DRLB_A_ARP) missing");
		return -EINVAL;
	}
	nest = info->attrs[DRLB_A_ARP];
	err = nla_parse_nested(tb, DRLB_ARP_A_MAX, nest, drlb_arp_policy,
			       extack);
	if (err)
		return err;
	err = drlb_nl_get_addr4(nest, tb, DRLB_ARP_A_AF, DRLB_ARP_A_ADDR, vip,
				extack);
	if (err)
		return err;
	if (!drlb_nl_addr_unicast(*vip)) {
		NL_SET_ERR_MSG_MOD(extack, "the VIP must be a unicast address");
		NL_SET_BAD_ATTR(extack, tb[DRLB_ARP_A_ADDR]);
		return -EINVAL;
	}

	if (tb[DRLB_ARP_A_IFINDEX])
		idx = nla_get_u32(tb[DRLB_ARP_A_IFINDEX]);
	if (idx > INT_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "ifindex out of range");
		NL_SET_BAD_ATTR(extack, tb[DRLB_ARP_A_IFINDEX]);
		return -EINVAL;
	}
	if (idx && need_dev) {
		bool found;

		rcu_read_lock();
		found = dev_get_by_index_rcu(genl_info_net(info), idx);
		rcu_read_unlock();
		if (!found) {
			NL_SET_ERR_MSG_MOD(extack,
					   "no device with this ifindex in the namespace");
			NL_SET_BAD_ATTR(extack, tb[DRLB_ARP_A_IFINDEX]);
			return -ENODEV;
		}
	}
	*ifindex = idx;
	*flags = tb[DRLB_ARP_A_FLAGS] ? nla_get_u32(tb[DRLB_ARP_A_FLAGS]) : 0;
	return 0;
}

/* NEW_ARP (@set false) or SET_ARP. */
static int drlb_nl_add_or_set_arp(struct genl_info *info, bool set)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	int ifindex, err;
	__be32 vip;
	u32 flags;

	err = drlb_arp_parse_req(info, !set, &vip, &ifindex, &flags);
	if (err)
		return err;
	/* RTNL first: see the lock order in arp.c. */
	rtnl_lock();
	mutex_lock(&dn->lock);
	if (set)
		err = drlb_arp_rule_set(dn, vip, ifindex, flags, info->extack);
	else
		err = drlb_arp_rule_add(dn, vip, ifindex, flags, info->extack);
	if (!err)
		drlb_event_arp(dn, set ? DRLB_EV_ARP_SET : DRLB_EV_ARP_NEW,
			       vip, ifindex, flags, info);
	mutex_unlock(&dn->lock);
	rtnl_unlock();
	return err;
}

int drlb_nl_new_arp(struct sk_buff *skb, struct genl_info *info)
{
	return drlb_nl_add_or_set_arp(info, false);
}

int drlb_nl_set_arp(struct sk_buff *skb, struct genl_info *info)
{
	return drlb_nl_add_or_set_arp(info, true);
}

int drlb_nl_del_arp(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	int ifindex, err;
	__be32 vip;
	u32 flags;

	err = drlb_arp_parse_req(info, false, &vip, &ifindex, &flags);
	if (err)
		return err;
	rtnl_lock();
	mutex_lock(&dn->lock);
	err = drlb_arp_rule_del(dn, vip, ifindex, &flags, info->extack);
	if (!err)
		drlb_event_arp(dn, DRLB_EV_ARP_DEL, vip, ifindex, flags, info);
	mutex_unlock(&dn->lock);
	rtnl_unlock();
	return err;
}

static int drlb_arp_fill(struct sk_buff *skb, const struct drlb_arp_rule *r,
			 u32 portid, u32 seq, int flags)
{
	struct nlattr *nest, *stats;
	void *hdr;

	hdr = drlb_nl_put_hdr(skb, portid, seq, flags, DRLB_CMD_GET_ARP);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, DRLB_A_ARP);
	if (!nest ||
	    nla_put_u16(skb, DRLB_ARP_A_AF, AF_INET) ||
	    nla_put_in_addr(skb, DRLB_ARP_A_ADDR, r->vip) ||
	    nla_put_u32(skb, DRLB_ARP_A_IFINDEX, r->ifindex) ||
	    nla_put_u32(skb, DRLB_ARP_A_FLAGS, r->flags))
		goto err;
	stats = nla_nest_start(skb, DRLB_ARP_A_STATS);
	if (!stats ||
	    nla_put_u64_64bit(skb, DRLB_ARP_STATS_A_REQ_DROPPED,
			      atomic64_read(&r->req_dropped),
			      DRLB_ARP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, DRLB_ARP_STATS_A_SRC_REWRITTEN,
			      atomic64_read(&r->src_rewritten),
			      DRLB_ARP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, DRLB_ARP_STATS_A_SRC_DROPPED,
			      atomic64_read(&r->src_dropped),
			      DRLB_ARP_STATS_A_PAD))
		goto err;
	nla_nest_end(skb, stats);
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * One rule per message, in the order they were added; cb->args[0] is the
 * number of rules already sent. Rules added or deleted between two parts
 * of a dump may be missed or repeated, as with any netlink dump.
 */
int drlb_nl_get_arp_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(skb->sk));
	unsigned long idx = 0, start = cb->args[0];
	struct drlb_arp_rule *r;

	rcu_read_lock();
	list_for_each_entry_rcu(r, &dn->arp.rules, list) {
		if (idx < start) {
			idx++;
			continue;
		}
		if (drlb_arp_fill(skb, r, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
		idx++;
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}
