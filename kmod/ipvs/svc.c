// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_ipvs: IPVS's NEW/SET/DEL_SERVICE and NEW/SET/DEL_DEST, translated
 * into the core's control API (ctl.h) - the same calls drlb's own family
 * makes, under drlb_net.lock.
 *
 * As IPVS: NEW and SET need the full entry (a service's scheduler, flags,
 * timeout and netmask; a dest's forwarding method, weight and both
 * thresholds), IPVS_SVC_ATTR_FLAGS is a (flags, mask) pair applied over
 * the service's current flags, an unknown scheduler is ENOENT, a weight
 * or threshold out of range ERANGE, an unknown service ESRCH, and a dest's
 * port is the service's (IPVS ignores it for every method but NAT).
 *
 * What drlb cannot do is refused with EOPNOTSUPP and a message naming it,
 * never accepted and ignored: forwarding other than direct routing
 * (masquerading, tunnelling, local), persistence engines, IPv6.
 */

#include <linux/inetdevice.h>
#include <net/genetlink.h>

#include "../netlink.h"
#include "../sched.h"
#include "ipvs.h"

/* The IPVS schedulers drlb does not provide, named in the refusal. */
static const char *const drlb_ipvs_sched_absent[] = { "lblc", "lblcr" };

/*
 * The settings of a full service entry @tb into @c; @svc is the service
 * it changes (NULL: a new one), whose flags the entry's mask applies to.
 */
static int drlb_ipvs_svc_conf(struct nlattr **tb, struct nlattr *nest,
			      const struct drlb_service *svc,
			      struct drlb_svc_conf *c,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *sa = tb[IPVS_SVC_ATTR_SCHED_NAME];
	struct ip_vs_flags f;
	u32 flags, timeout;
	__be32 mask;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	if (!sa || !tb[IPVS_SVC_ATTR_FLAGS] || !tb[IPVS_SVC_ATTR_TIMEOUT] ||
	    !tb[IPVS_SVC_ATTR_NETMASK]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a service entry needs a scheduler, flags, a timeout and a netmask");
		NL_SET_BAD_ATTR(extack, nest);
		return -EINVAL;
	}
	if (tb[IPVS_SVC_ATTR_PE_NAME] && nla_len(tb[IPVS_SVC_ATTR_PE_NAME]) > 1) {
		drlb_nl_err_fmt(extack,
				"persistence engines are not supported by drlb",
				"persistence engine %s: not supported by drlb",
				(char *)nla_data(tb[IPVS_SVC_ATTR_PE_NAME]));
		NL_SET_BAD_ATTR(extack, tb[IPVS_SVC_ATTR_PE_NAME]);
		return -EOPNOTSUPP;
	}
	c->a_key = nest;
	c->a_sched = sa;
	c->a_flags = tb[IPVS_SVC_ATTR_FLAGS];
	c->a_onepacket = tb[IPVS_SVC_ATTR_FLAGS];
	c->ops = drlb_sched_find(nla_data(sa));
	if (!c->ops) {
		for (i = 0; i < ARRAY_SIZE(drlb_ipvs_sched_absent); i++)
			if (!strcmp(nla_data(sa), drlb_ipvs_sched_absent[i]))
				break;
		if (i < ARRAY_SIZE(drlb_ipvs_sched_absent))
			drlb_nl_err_fmt(extack,
					"the lblc and lblcr schedulers are not provided by drlb",
					"scheduler %s is not provided by drlb (lblc and lblcr are not)",
					(char *)nla_data(sa));
		else
			NL_SET_ERR_MSG_MOD(extack, "unknown scheduler");
		NL_SET_BAD_ATTR(extack, sa);
		return -ENOENT;
	}

	nla_memcpy(&f, tb[IPVS_SVC_ATTR_FLAGS], sizeof(f));
	flags = svc ? drlb_ipvs_svc_flags(svc) : 0;
	flags = (flags & ~f.mask) | (f.flags & f.mask);
	if (flags & IP_VS_SVC_F_SCHED3) {
		NL_SET_ERR_MSG_MOD(extack, "scheduler flag 3 means nothing to drlb");
		NL_SET_BAD_ATTR(extack, tb[IPVS_SVC_ATTR_FLAGS]);
		return -EINVAL;
	}
	/* IPVS's mh and sh hash the address alone unless told: explicit. */
	c->has_sched_flags = true;
	c->sched_flags = (flags & IP_VS_SVC_F_SCHED1 ? DRLB_SCHED_F_FALLBACK : 0) |
			 (flags & IP_VS_SVC_F_SCHED2 ? DRLB_SCHED_F_PORT : 0);
	c->has_onepacket = true;
	c->onepacket = !!(flags & IP_VS_SVC_F_ONEPACKET);

	timeout = nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	c->has_persist_timeout = true;
	c->persist_timeout = flags & IP_VS_SVC_F_PERSISTENT ? timeout : 0;
	if (flags & IP_VS_SVC_F_PERSISTENT &&
	    (!timeout || timeout > DRLB_TIMEOUT_MAX)) {
		drlb_nl_err_fmt(extack,
				"the persistence timeout must be 1 to 2000000 s",
				"persistence timeout %u: must be 1 to %u s",
				timeout, DRLB_TIMEOUT_MAX);
		NL_SET_BAD_ATTR(extack, tb[IPVS_SVC_ATTR_TIMEOUT]);
		return -EINVAL;
	}
	mask = nla_get_be32(tb[IPVS_SVC_ATTR_NETMASK]);
	if (!mask || bad_mask(mask, 0)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the persistence netmask must be a prefix of 1 to 32 bits");
		NL_SET_BAD_ATTR(extack, tb[IPVS_SVC_ATTR_NETMASK]);
		return -EINVAL;
	}
	c->has_persist_plen = true;
	c->persist_plen = inet_mask_len(mask);
	return 0;
}

int drlb_ipvs_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_SERVICE];
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct drlb_svc_conf c;
	struct drlb_svc_key k;
	int err;

	err = drlb_ipvs_parse_svc_key(nest, tb, &k, info->extack);
	if (err)
		return err;
	if (!k.fwmark && k.proto != IPPROTO_TCP && k.proto != IPPROTO_UDP &&
	    k.proto != IPPROTO_SCTP) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the protocol must be TCP, UDP or SCTP");
		NL_SET_BAD_ATTR(info->extack, tb[IPVS_SVC_ATTR_PROTOCOL]);
		return -EPROTONOSUPPORT;
	}
	if (!k.fwmark && !drlb_nl_addr_unicast(k.addr.ip)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the virtual address must be a unicast address");
		NL_SET_BAD_ATTR(info->extack, tb[IPVS_SVC_ATTR_ADDR]);
		return -EINVAL;
	}
	err = drlb_ipvs_svc_conf(tb, nest, NULL, &c, info->extack);
	if (err)
		return err;
	return drlb_ctl_svc_new(dn, &k, &c, info, info->extack);
}

int drlb_ipvs_set_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_SERVICE];
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct drlb_service *svc;
	struct drlb_svc_conf c;
	struct drlb_svc_key k;
	int err;

	err = drlb_ipvs_parse_svc_key(nest, tb, &k, info->extack);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	svc = drlb_ipvs_svc_find(dn, &k, nest, info->extack);
	err = !svc ? -ESRCH :
	      drlb_ipvs_svc_conf(tb, nest, svc, &c, info->extack) ?:
	      drlb_ctl_svc_set(dn, svc, &c, info, info->extack);
	mutex_unlock(&dn->lock);
	return err;
}

int drlb_ipvs_del_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_SERVICE];
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct drlb_service *svc;
	struct drlb_svc_key k;
	int err;

	err = drlb_ipvs_parse_svc_key(nest, tb, &k, info->extack);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	svc = drlb_ipvs_svc_find(dn, &k, nest, info->extack);
	if (svc)
		drlb_ctl_svc_del(dn, svc, info);
	mutex_unlock(&dn->lock);
	return svc ? 0 : -ESRCH;
}

/* ---- dests ------------------------------------------------------------ */

/* A dest request: its service's key, its address and, full, its settings. */
struct drlb_ipvs_dest_req {
	struct nlattr *stb[IPVS_SVC_ATTR_MAX + 1];
	struct nlattr *dtb[IPVS_DEST_ATTR_MAX + 1];
	struct drlb_svc_key k;
	struct drlb_dest_conf c;
	union drlb_addr addr;
};

/* Used by the formatted message only (6.2 on, see compat.h). */
static const char *const drlb_ipvs_fwd_name[] __maybe_unused = {
	[IP_VS_CONN_F_MASQ]	 = "masquerading (NAT, ipvsadm -m)",
	[IP_VS_CONN_F_LOCALNODE] = "local delivery",
	[IP_VS_CONN_F_TUNNEL]	 = "tunnelling (ipvsadm -i)",
	[IP_VS_CONN_F_DROUTE]	 = "direct routing",
	[IP_VS_CONN_F_BYPASS]	 = "bypass",
};

static int drlb_ipvs_dest_parse(struct genl_info *info, bool full,
				struct drlb_ipvs_dest_req *r)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_DEST];
	struct nlattr **tb = r->dtb;
	u32 fwd, weight;
	int err;

	err = drlb_ipvs_parse_svc_key(info->attrs[IPVS_CMD_ATTR_SERVICE],
				      r->stb, &r->k, extack);
	if (err)
		return err;
	if (!nest) {
		NL_SET_ERR_MSG_MOD(extack, "real server (IPVS_CMD_ATTR_DEST) missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, IPVS_DEST_ATTR_MAX, nest,
			       drlb_ipvs_dest_policy, extack);
	if (err)
		return err;
	if (!tb[IPVS_DEST_ATTR_ADDR] || !tb[IPVS_DEST_ATTR_PORT]) {
		NL_SET_ERR_MSG_MOD(extack, "a real server needs an address and a port");
		NL_SET_BAD_ATTR(extack, nest);
		return -EINVAL;
	}
	if (tb[IPVS_DEST_ATTR_ADDR_FAMILY] &&
	    nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]) != AF_INET) {
		NL_SET_ERR_MSG_MOD(extack, "drlb serves IPv4 real servers only");
		NL_SET_BAD_ATTR(extack, tb[IPVS_DEST_ATTR_ADDR_FAMILY]);
		return -EAFNOSUPPORT;
	}
	if (nla_len(tb[IPVS_DEST_ATTR_ADDR]) < sizeof(__be32)) {
		NL_SET_ERR_MSG_MOD(extack, "real server address too short for IPv4");
		NL_SET_BAD_ATTR(extack, tb[IPVS_DEST_ATTR_ADDR]);
		return -EINVAL;
	}
	memset(&r->addr, 0, sizeof(r->addr));
	nla_memcpy(&r->addr.ip, tb[IPVS_DEST_ATTR_ADDR], sizeof(r->addr.ip));
	memset(&r->c, 0, sizeof(r->c));
	r->c.a_dest = nest;
	r->c.a_addr = tb[IPVS_DEST_ATTR_ADDR];
	if (!full)
		return 0;

	if (!tb[IPVS_DEST_ATTR_FWD_METHOD] || !tb[IPVS_DEST_ATTR_WEIGHT] ||
	    !tb[IPVS_DEST_ATTR_U_THRESH] || !tb[IPVS_DEST_ATTR_L_THRESH]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a real server entry needs a forwarding method, a weight and both thresholds");
		NL_SET_BAD_ATTR(extack, nest);
		return -EINVAL;
	}
	fwd = nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]) & IP_VS_CONN_F_FWD_MASK;
	if (fwd != IP_VS_CONN_F_DROUTE) {
		drlb_nl_err_fmt(extack,
				"drlb forwards by direct routing only (ipvsadm -g)",
				"%s: not supported, drlb forwards by direct routing only (-g)",
				fwd < ARRAY_SIZE(drlb_ipvs_fwd_name) ?
				drlb_ipvs_fwd_name[fwd] : "this method");
		NL_SET_BAD_ATTR(extack, tb[IPVS_DEST_ATTR_FWD_METHOD]);
		return -EOPNOTSUPP;
	}
	if (!drlb_nl_addr_unicast(r->addr.ip)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the real server address must be a unicast address");
		NL_SET_BAD_ATTR(extack, tb[IPVS_DEST_ATTR_ADDR]);
		return -EINVAL;
	}
	weight = nla_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
	if (weight > 65535) {
		drlb_nl_err_fmt(extack, "the weight must be 0 to 65535",
				"weight %d: must be 0 to 65535", (int)weight);
		NL_SET_BAD_ATTR(extack, tb[IPVS_DEST_ATTR_WEIGHT]);
		return -ERANGE;
	}
	r->c.has_weight = true;
	r->c.weight = weight;
	r->c.has_u_thresh = true;
	r->c.has_l_thresh = true;
	r->c.a_u_thresh = tb[IPVS_DEST_ATTR_U_THRESH];
	r->c.a_l_thresh = tb[IPVS_DEST_ATTR_L_THRESH];
	r->c.u_thresh = nla_get_u32(r->c.a_u_thresh);
	r->c.l_thresh = nla_get_u32(r->c.a_l_thresh);
	if (r->c.u_thresh > INT_MAX || r->c.l_thresh > INT_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "a threshold above 2147483647");
		NL_SET_BAD_ATTR(extack, r->c.u_thresh > INT_MAX ?
				r->c.a_u_thresh : r->c.a_l_thresh);
		return -ERANGE;
	}
	return 0;
}

/* The dest @r names, under drlb_net.lock; NULL (and why) if none. */
static struct drlb_dest *drlb_ipvs_dest_find(struct drlb_net *dn,
					     struct genl_info *info,
					     const struct drlb_ipvs_dest_req *r,
					     int *err)
{
	struct drlb_service *svc;
	struct drlb_dest *dest;

	svc = drlb_ipvs_svc_find(dn, &r->k, info->attrs[IPVS_CMD_ATTR_SERVICE],
				 info->extack);
	if (!svc) {
		*err = -ESRCH;
		return NULL;
	}
	dest = drlb_dest_find(svc, &r->addr);
	if (!dest) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such real server");
		NL_SET_BAD_ATTR(info->extack, info->attrs[IPVS_CMD_ATTR_DEST]);
		*err = -ENOENT;
	}
	return dest;
}

int drlb_ipvs_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct drlb_ipvs_dest_req r;
	struct drlb_service *svc;
	int err;

	err = drlb_ipvs_dest_parse(info, true, &r);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	svc = drlb_ipvs_svc_find(dn, &r.k, info->attrs[IPVS_CMD_ATTR_SERVICE],
				 info->extack);
	err = svc ? drlb_ctl_dest_new(dn, svc, &r.addr, &r.c, info,
				      info->extack) : -ESRCH;
	mutex_unlock(&dn->lock);
	return err;
}

/* SET_DEST (@del false) or DEL_DEST of the dest the request names. */
static int drlb_ipvs_dest_change(struct genl_info *info, bool del)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct drlb_ipvs_dest_req r;
	struct drlb_dest *dest;
	int err;

	err = drlb_ipvs_dest_parse(info, !del, &r);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	dest = drlb_ipvs_dest_find(dn, info, &r, &err);
	if (dest)
		err = del ? drlb_ctl_dest_del(dn, dest, info) :
		      drlb_ctl_dest_set(dn, dest, &r.c, info, info->extack);
	mutex_unlock(&dn->lock);
	return err;
}

int drlb_ipvs_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	return drlb_ipvs_dest_change(info, false);
}

int drlb_ipvs_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	return drlb_ipvs_dest_change(info, true);
}
