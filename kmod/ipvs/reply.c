// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_ipvs: what IPVS's GET_SERVICE and GET_DEST answer - drlb's services
 * and dests in IPVS's attributes, as ip_vs_ctl.c fills them (16-byte
 * addresses, ports in network order, 32- and 64-bit statistics), and the
 * dumps. Everything is read under drlb_net.lock, as drlb's own dumps do.
 *
 * drlb forwards by direct routing only: every dest's forwarding method is
 * IP_VS_CONN_F_DROUTE and its port the service's (IPVS does the same for
 * non-NAT dests). The packets and bytes "out" are 0: in DR the replies do
 * not cross the director (IPVS's DR mode reports 0 too).
 */

#include <net/genetlink.h>
#include <net/sock.h>

#include "../ctl.h"
#include "../sched.h"
#include "ipvs.h"

/*
 * IPVS_SVC_ATTR_FLAGS of @svc: IPVS's flags for what drlb does. The
 * scheduler flags are IPVS's sh-/mh-fallback (SCHED1) and -port (SCHED2).
 */
u32 drlb_ipvs_svc_flags(const struct drlb_service *svc)
{
	u32 flags = IP_VS_SVC_F_HASHED;

	if (svc->persist_timeout)
		flags |= IP_VS_SVC_F_PERSISTENT;
	if (svc->onepacket)
		flags |= IP_VS_SVC_F_ONEPACKET;
	if (svc->sched_flags & DRLB_SCHED_F_FALLBACK)
		flags |= IP_VS_SVC_F_SCHED1;
	if (svc->sched_flags & DRLB_SCHED_F_PORT)
		flags |= IP_VS_SVC_F_SCHED2;
	return flags;
}

/* One snapshot of a service's or server's counters and rates. */
struct drlb_ipvs_stats {
	u64 v[DRLB_ST_TRAFFIC];
	u64 rate[DRLB_RATE_MAX];
};

/* @attr (IPVS's 32-bit stats, or with @wide its 64-bit ones) of @s. */
static int drlb_ipvs_put_stats(struct sk_buff *msg, int attr,
			       const struct drlb_ipvs_stats *s, bool wide)
{
	static const int rate_attr[DRLB_RATE_MAX] = {
		[DRLB_RATE_CPS] = IPVS_STATS_ATTR_CPS,
		[DRLB_RATE_PPS] = IPVS_STATS_ATTR_INPPS,
		[DRLB_RATE_BPS] = IPVS_STATS_ATTR_INBPS,
	};
	struct nlattr *nest = nla_nest_start_noflag(msg, attr);
	const u64 *v = s->v;
	int r;

	if (!nest)
		return -EMSGSIZE;
	if (wide) {
		if (nla_put_u64_64bit(msg, IPVS_STATS_ATTR_CONNS,
				      v[DRLB_ST_CONNS], IPVS_STATS_ATTR_PAD) ||
		    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_INPKTS,
				      v[DRLB_ST_PKTS], IPVS_STATS_ATTR_PAD) ||
		    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTPKTS, 0,
				      IPVS_STATS_ATTR_PAD))
			goto err;
	} else {
		if (nla_put_u32(msg, IPVS_STATS_ATTR_CONNS,
				(u32)v[DRLB_ST_CONNS]) ||
		    nla_put_u32(msg, IPVS_STATS_ATTR_INPKTS,
				(u32)v[DRLB_ST_PKTS]) ||
		    nla_put_u32(msg, IPVS_STATS_ATTR_OUTPKTS, 0))
			goto err;
	}
	/* Bytes are 64-bit in both. */
	if (nla_put_u64_64bit(msg, IPVS_STATS_ATTR_INBYTES, v[DRLB_ST_BYTES],
			      IPVS_STATS_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTBYTES, 0,
			      IPVS_STATS_ATTR_PAD))
		goto err;
	for (r = 0; r < DRLB_RATE_MAX; r++) {
		if (wide ? nla_put_u64_64bit(msg, rate_attr[r], s->rate[r],
					     IPVS_STATS_ATTR_PAD) :
			   nla_put_u32(msg, rate_attr[r], (u32)s->rate[r]))
			goto err;
	}
	if (wide ? nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTPPS, 0,
				     IPVS_STATS_ATTR_PAD) ||
		   nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTBPS, 0,
				     IPVS_STATS_ATTR_PAD) :
		   nla_put_u32(msg, IPVS_STATS_ATTR_OUTPPS, 0) ||
		   nla_put_u32(msg, IPVS_STATS_ATTR_OUTBPS, 0))
		goto err;
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/*
 * IPVS's two stats attributes, @attr32 and @attr64, from one read of @st
 * (the per-CPU counters summed once; the two agree, as IPVS's do).
 */
static int drlb_ipvs_put_both_stats(struct sk_buff *msg, int attr32,
				    int attr64, const struct drlb_stats *st)
{
	struct drlb_ipvs_stats s;
	int r;

	drlb_stats_read(st, s.v, DRLB_ST_TRAFFIC);
	for (r = 0; r < DRLB_RATE_MAX; r++)
		s.rate[r] = drlb_est_rate(st, r);
	return drlb_ipvs_put_stats(msg, attr32, &s, false) ?:
	       drlb_ipvs_put_stats(msg, attr64, &s, true);
}

/*
 * An address as IPVS sends it: a union nf_inet_addr. IPv6 services (made
 * with drlbctl: this family refuses them) are listed as IPVS lists them.
 */
static int drlb_ipvs_put_addr(struct sk_buff *msg, int attr,
			      const union drlb_addr *addr)
{
	union nf_inet_addr a;

	memcpy(&a, addr, sizeof(a));
	return nla_put(msg, attr, sizeof(a), &a);
}

/* IPVS_CMD_ATTR_SERVICE of @svc. */
static int drlb_ipvs_put_svc(struct sk_buff *msg, struct drlb_service *svc)
{
	struct ip_vs_flags flags = {
		.flags = drlb_ipvs_svc_flags(svc),
		.mask = ~0U,
	};
	struct nlattr *nest = nla_nest_start_noflag(msg, IPVS_CMD_ATTR_SERVICE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(msg, IPVS_SVC_ATTR_AF, svc->af) ||
	    (svc->fwmark ?
	     nla_put_u32(msg, IPVS_SVC_ATTR_FWMARK, svc->fwmark) :
	     nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, svc->proto) ||
	     drlb_ipvs_put_addr(msg, IPVS_SVC_ATTR_ADDR, &svc->addr) ||
	     nla_put_be16(msg, IPVS_SVC_ATTR_PORT, svc->port)) ||
	    nla_put_string(msg, IPVS_SVC_ATTR_SCHED_NAME,
			   svc->sched_ops->name) ||
	    nla_put(msg, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags) ||
	    nla_put_u32(msg, IPVS_SVC_ATTR_TIMEOUT, svc->persist_timeout) ||
	    nla_put_be32(msg, IPVS_SVC_ATTR_NETMASK,
			 drlb_svc_v6(svc) ? (__force __be32)(u32)svc->persist_plen :
					    svc->persist_mask) ||
	    drlb_ipvs_put_both_stats(msg, IPVS_SVC_ATTR_STATS,
				     IPVS_SVC_ATTR_STATS64, &svc->stats)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* IPVS_CMD_ATTR_DEST of @dest. */
static int drlb_ipvs_put_dest(struct sk_buff *msg, struct drlb_dest *dest)
{
	struct nlattr *nest = nla_nest_start_noflag(msg, IPVS_CMD_ATTR_DEST);

	if (!nest)
		return -EMSGSIZE;
	if (drlb_ipvs_put_addr(msg, IPVS_DEST_ATTR_ADDR, &dest->addr) ||
	    nla_put_be16(msg, IPVS_DEST_ATTR_PORT, dest->svc->port) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_DROUTE) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_WEIGHT, READ_ONCE(dest->weight)) ||
	    nla_put_u8(msg, IPVS_DEST_ATTR_TUN_TYPE, 0) ||
	    nla_put_be16(msg, IPVS_DEST_ATTR_TUN_PORT, 0) ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_TUN_FLAGS, 0) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_U_THRESH, READ_ONCE(dest->u_thresh)) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_L_THRESH, READ_ONCE(dest->l_thresh)) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_ACTIVE_CONNS,
			atomic_read(&dest->active)) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_INACT_CONNS,
			atomic_read(&dest->inactive)) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_PERSIST_CONNS,
			atomic_read(&dest->persist)) ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, dest->svc->af) ||
	    drlb_ipvs_put_both_stats(msg, IPVS_DEST_ATTR_STATS,
				     IPVS_DEST_ATTR_STATS64, &dest->stats)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* GET_SERVICE of one service: the reply is a NEW_SERVICE, as IPVS's. */
int drlb_ipvs_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_SERVICE];
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct drlb_svc_key k;
	struct drlb_service *svc;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = drlb_ipvs_parse_svc_key(nest, tb, &k, info->extack);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &drlb_ipvs_family, 0,
				IPVS_CMD_NEW_SERVICE);
	mutex_lock(&dn->lock);
	svc = drlb_ipvs_svc_find(dn, &k, nest, info->extack);
	err = !svc ? -ESRCH :
	      !hdr || drlb_ipvs_put_svc(msg, svc) ? -EMSGSIZE : 0;
	mutex_unlock(&dn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* One NEW_SERVICE or NEW_DEST message of a dump; 0 or -EMSGSIZE. */
static int drlb_ipvs_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			      struct drlb_service *svc, struct drlb_dest *dest)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &drlb_ipvs_family, NLM_F_MULTI,
			  dest ? IPVS_CMD_NEW_DEST : IPVS_CMD_NEW_SERVICE);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (dest ? drlb_ipvs_put_dest(skb, dest) : drlb_ipvs_put_svc(skb, svc)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int drlb_ipvs_dump_service_one(struct sk_buff *skb,
				      struct netlink_callback *cb,
				      struct drlb_service *svc)
{
	return drlb_ipvs_dump_one(skb, cb, svc, NULL);
}

/* Every service, fwmark ones included. */
int drlb_ipvs_dump_services(struct sk_buff *skb, struct netlink_callback *cb)
{
	return drlb_ctl_dump_services(drlb_pernet(sock_net(skb->sk)), skb, cb,
				      drlb_ipvs_dump_service_one);
}

/*
 * The dests of the service IPVS_CMD_ATTR_SERVICE names; cb->args[0]: the
 * dests already sent. The service is looked up again for every part of
 * the dump (IPVS does too): if it went meanwhile, the dump ends with
 * ESRCH, as a dump of an unknown service does at once.
 */
int drlb_ipvs_dump_dests(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(skb->sk));
	struct nlattr *nest = drlb_dump_attrs(cb)[IPVS_CMD_ATTR_SERVICE];
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	unsigned long skip = cb->args[0], i = 0;
	struct drlb_svc_key k;
	struct drlb_service *svc;
	struct drlb_dest *dest;
	int err;

	err = drlb_ipvs_parse_svc_key(nest, tb, &k, cb->extack);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	cb->seq = dn->gen;
	svc = drlb_ipvs_svc_find(dn, &k, nest, cb->extack);
	if (!svc) {
		mutex_unlock(&dn->lock);
		return -ESRCH;
	}
	list_for_each_entry(dest, &svc->dests, list) {
		if (i++ < skip)
			continue;
		if (drlb_ipvs_dump_one(skb, cb, svc, dest)) {
			i--;
			break;
		}
	}
	cb->args[0] = i;
	mutex_unlock(&dn->lock);
	return skb->len;
}
