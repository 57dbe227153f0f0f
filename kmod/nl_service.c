// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: netlink handlers for services and the flush
 * (DRLB_CMD_{NEW,SET,DEL,GET}_SERVICE, DRLB_CMD_FLUSH), and the service
 * key and attributes every service-related command shares (nl_dest.c,
 * nl_conn.c, nl_stats.c).
 *
 * Every request is validated completely before anything changes: a
 * rejected request changes nothing, and says why in its extack message
 * with the attribute to blame. Errors: a service that exists EEXIST, one
 * that does not ENOENT, AF other than AF_INET or AF_INET6 EAFNOSUPPORT, a
 * protocol
 * other than TCP/UDP/SCTP EPROTONOSUPPORT, an unknown scheduler, a bad
 * address or a fwmark with a protocol, address or port EINVAL,
 * out-of-range values ERANGE (policy).
 */

#include <linux/inetdevice.h>
#include <net/sock.h>
#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "ctl.h"
#include "drlb.h"
#include "netlink.h"
#include "sched.h"

/*
 * A fwmark service's key: AF and FWMARK, and none of the tuple keys (uapi
 * drlb.h: a service is keyed by one or the other).
 */
static int drlb_nl_svc_fwm_key(struct nlattr *nest, struct nlattr **tb,
			       struct drlb_svc_key *k,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *extra = tb[DRLB_SVC_A_PROTOCOL] ?: tb[DRLB_SVC_A_ADDR] ?:
			       tb[DRLB_SVC_A_PORT];
	int err;

	if (extra) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a fwmark service has no protocol, address or port");
		NL_SET_BAD_ATTR(extack, extra);
		return -EINVAL;
	}
	memset(k, 0, sizeof(*k));
	err = drlb_nl_get_af(nest, tb, DRLB_SVC_A_AF, &k->af, extack);
	if (err)
		return err;
	k->fwmark = nla_get_u32(tb[DRLB_SVC_A_FWMARK]);
	return 0;
}

/*
 * Parse DRLB_A_SERVICE from @attrs into @tb and its key into @k. Used by
 * requests and by dump starts (hence attrs and extack, not genl_info).
 */
int drlb_nl_svc_key(struct nlattr **attrs, struct nlattr **tb,
		    struct drlb_svc_key *k, struct netlink_ext_ack *extack)
{
	struct nlattr *nest = attrs[DRLB_A_SERVICE];
	int err;

	if (NL_REQ_ATTR_CHECK(extack, NULL, attrs, DRLB_A_SERVICE)) {
		NL_SET_ERR_MSG_MOD(extack, "service (DRLB_A_SERVICE) missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, DRLB_SVC_A_MAX, nest, drlb_svc_policy,
			       extack);
	if (err)
		return err;
	if (tb[DRLB_SVC_A_FWMARK])
		return drlb_nl_svc_fwm_key(nest, tb, k, extack);
	k->fwmark = 0;
	err = drlb_nl_get_addr(nest, tb, DRLB_SVC_A_AF, DRLB_SVC_A_ADDR,
			       &k->af, &k->addr, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, DRLB_SVC_A_PROTOCOL)) {
		NL_SET_ERR_MSG_MOD(extack, "service protocol missing");
		return -EINVAL;
	}
	k->proto = nla_get_u8(tb[DRLB_SVC_A_PROTOCOL]);
	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP &&
	    k->proto != IPPROTO_SCTP) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the protocol must be TCP, UDP or SCTP");
		NL_SET_BAD_ATTR(extack, tb[DRLB_SVC_A_PROTOCOL]);
		return -EPROTONOSUPPORT;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, DRLB_SVC_A_PORT)) {
		NL_SET_ERR_MSG_MOD(extack, "service port missing");
		return -EINVAL;
	}
	k->port = htons(nla_get_u16(tb[DRLB_SVC_A_PORT]));
	if (!drlb_nl_addr_ok(k->af, &k->addr)) {
		if (k->af == AF_INET6)
			NL_SET_ERR_MSG_MOD(extack,
					   "the virtual address must be a global unicast address");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "the virtual address must be a unicast address");
		NL_SET_BAD_ATTR(extack, tb[DRLB_SVC_A_ADDR]);
		return -EINVAL;
	}
	return 0;
}

struct drlb_service *drlb_nl_svc_find(struct drlb_net *dn,
				      const struct drlb_svc_key *k,
				      struct nlattr *nest,
				      struct netlink_ext_ack *extack)
{
	struct drlb_service *svc = drlb_ctl_svc_lookup(dn, k);

	if (!svc) {
		NL_SET_ERR_MSG_MOD(extack, "no such service");
		NL_SET_BAD_ATTR(extack, nest);
	}
	return svc;
}

/*
 * The start of a dump filtered on one service (GET_DEST, GET_CONN): the
 * service DRLB_A_SERVICE names, held for the dump (the done callback puts
 * it). A missing or bad key or an unknown service fails the dump with an
 * extack message. Returns the service or an ERR_PTR.
 */
struct drlb_service *drlb_nl_svc_get(struct drlb_net *dn,
				     struct nlattr **attrs,
				     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_service *svc;
	struct drlb_svc_key k;
	int err;

	err = drlb_nl_svc_key(attrs, tb, &k, extack);
	if (err)
		return ERR_PTR(err);
	mutex_lock(&dn->lock);
	svc = drlb_nl_svc_find(dn, &k, attrs[DRLB_A_SERVICE], extack);
	if (svc)
		refcount_inc(&svc->refcnt);
	mutex_unlock(&dn->lock);
	return svc ?: ERR_PTR(-ENOENT);
}

struct drlb_service *drlb_nl_dump_svc_get(struct netlink_callback *cb)
{
	return drlb_nl_svc_get(drlb_pernet(sock_net(cb->skb->sk)),
			       drlb_dump_attrs(cb), cb->extack);
}

static int drlb_nl_svc_conf(struct nlattr **tb, struct drlb_svc_conf *c,
			    struct netlink_ext_ack *extack)
{
	memset(c, 0, sizeof(*c));
	c->a_sched = tb[DRLB_SVC_A_SCHED_NAME];
	c->a_flags = tb[DRLB_SVC_A_SCHED_FLAGS];
	c->a_onepacket = tb[DRLB_SVC_A_ONEPACKET];
	c->a_netmask = tb[DRLB_SVC_A_PERSIST_NETMASK];
	if (tb[DRLB_SVC_A_SCHED_NAME]) {
		c->ops = drlb_sched_find(nla_data(tb[DRLB_SVC_A_SCHED_NAME]));
		if (!c->ops) {
			NL_SET_ERR_MSG_MOD(extack, "unknown scheduler");
			NL_SET_BAD_ATTR(extack, tb[DRLB_SVC_A_SCHED_NAME]);
			return -EINVAL;
		}
	}
	if (tb[DRLB_SVC_A_PERSIST_TIMEOUT]) {
		c->persist_timeout = nla_get_u32(tb[DRLB_SVC_A_PERSIST_TIMEOUT]);
		c->has_persist_timeout = true;
	}
	if (tb[DRLB_SVC_A_PERSIST_NETMASK]) {
		c->persist_plen = nla_get_u8(tb[DRLB_SVC_A_PERSIST_NETMASK]);
		c->has_persist_plen = true;
	}
	if (tb[DRLB_SVC_A_EXPIRE_NODEST]) {
		c->expire_nodest = nla_get_u8(tb[DRLB_SVC_A_EXPIRE_NODEST]);
		c->has_expire_nodest = true;
	}
	if (tb[DRLB_SVC_A_MIDSTREAM]) {
		c->midstream = nla_get_u8(tb[DRLB_SVC_A_MIDSTREAM]);
		c->has_midstream = true;
	}
	if (tb[DRLB_SVC_A_SCHED_FLAGS]) {
		c->sched_flags = nla_get_u32(tb[DRLB_SVC_A_SCHED_FLAGS]);
		c->has_sched_flags = true;
	}
	if (tb[DRLB_SVC_A_ONEPACKET]) {
		c->onepacket = nla_get_u8(tb[DRLB_SVC_A_ONEPACKET]);
		c->has_onepacket = true;
	}
	return 0;
}

/* ---- replies -------------------------------------------------------- */

/* AF and FWMARK for a fwmark service, else AF, PROTOCOL, ADDR, PORT. */
static int drlb_nl_put_svc_keys(struct sk_buff *msg,
				const struct drlb_service *svc)
{
	if (nla_put_u16(msg, DRLB_SVC_A_AF, svc->af))
		return -EMSGSIZE;
	if (svc->fwmark)
		return nla_put_u32(msg, DRLB_SVC_A_FWMARK, svc->fwmark) ?
		       -EMSGSIZE : 0;
	if (nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, svc->proto) ||
	    drlb_nl_put_addr(msg, DRLB_SVC_A_ADDR, svc->af, &svc->addr) ||
	    nla_put_u16(msg, DRLB_SVC_A_PORT, ntohs(svc->port)))
		return -EMSGSIZE;
	return 0;
}

/*
 * DRLB_A_SERVICE: the keys, and with @full the settings and, with @stats,
 * the counters.
 */
int drlb_nl_put_svc(struct sk_buff *msg, struct drlb_service *svc,
		    bool full, bool stats)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	if (!nest || drlb_nl_put_svc_keys(msg, svc))
		return -EMSGSIZE;
	if (full &&
	    (nla_put_string(msg, DRLB_SVC_A_SCHED_NAME, svc->sched_ops->name) ||
	     nla_put_u32(msg, DRLB_SVC_A_PERSIST_TIMEOUT, svc->persist_timeout) ||
	     nla_put_u8(msg, DRLB_SVC_A_PERSIST_NETMASK, svc->persist_plen) ||
	     nla_put_u8(msg, DRLB_SVC_A_EXPIRE_NODEST, svc->expire_nodest) ||
	     nla_put_u8(msg, DRLB_SVC_A_MIDSTREAM, svc->midstream) ||
	     nla_put_u32(msg, DRLB_SVC_A_SCHED_FLAGS, svc->sched_flags) ||
	     nla_put_u8(msg, DRLB_SVC_A_ONEPACKET, svc->onepacket) ||
	     nla_put_u32(msg, DRLB_SVC_A_NUM_DESTS, svc->num_dests) ||
	     (stats && drlb_stats_put(msg, DRLB_SVC_A_STATS, &svc->stats))))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* ---- services ------------------------------------------------------- */

int drlb_nl_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_svc_conf conf;
	struct drlb_svc_key k;
	int err;

	err = drlb_nl_svc_key(info->attrs, tb, &k, info->extack);
	if (err)
		return err;
	err = drlb_nl_svc_conf(tb, &conf, info->extack);
	if (err)
		return err;
	conf.a_key = info->attrs[DRLB_A_SERVICE];
	return drlb_ctl_svc_new(dn, &k, &conf, info, info->extack);
}

int drlb_nl_set_service(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_service *svc;
	struct drlb_svc_conf conf;
	struct drlb_svc_key k;
	int err;

	err = drlb_nl_svc_key(info->attrs, tb, &k, extack);
	if (err)
		return err;
	err = drlb_nl_svc_conf(tb, &conf, extack);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	svc = drlb_nl_svc_find(dn, &k, info->attrs[DRLB_A_SERVICE], extack);
	err = svc ? drlb_ctl_svc_set(dn, svc, &conf, info, extack) : -ENOENT;
	mutex_unlock(&dn->lock);
	return err;
}

int drlb_nl_del_service(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_service *svc;
	struct drlb_svc_key k;
	int err;

	err = drlb_nl_svc_key(info->attrs, tb, &k, info->extack);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	svc = drlb_nl_svc_find(dn, &k, info->attrs[DRLB_A_SERVICE],
			       info->extack);
	if (svc)
		drlb_ctl_svc_del(dn, svc, info);
	mutex_unlock(&dn->lock);
	return svc ? 0 : -ENOENT;
}

int drlb_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_service *svc;
	struct drlb_svc_key k;
	int err;

	err = drlb_nl_svc_key(info->attrs, tb, &k, info->extack);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	svc = drlb_nl_svc_find(dn, &k, info->attrs[DRLB_A_SERVICE],
			       info->extack);
	err = svc ? drlb_nl_svc_reply(info, DRLB_CMD_GET_SERVICE, svc, NULL) :
		    -ENOENT;
	mutex_unlock(&dn->lock);
	return err;
}

static int drlb_nl_dump_service_one(struct sk_buff *skb,
				    struct netlink_callback *cb,
				    struct drlb_service *svc)
{
	return drlb_nl_svc_dump_one(skb, cb, DRLB_CMD_GET_SERVICE, svc, NULL);
}

int drlb_nl_dump_service(struct sk_buff *skb, struct netlink_callback *cb)
{
	return drlb_ctl_dump_services(drlb_pernet(sock_net(skb->sk)), skb, cb,
				      drlb_nl_dump_service_one);
}

/* ---- flush ----------------------------------------------------------- */

int drlb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	drlb_ctl_flush(drlb_pernet(genl_info_net(info)),
		       info->attrs[DRLB_A_FLUSH_ARP], info);
	return 0;
}
