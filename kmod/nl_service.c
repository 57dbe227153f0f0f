// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: netlink handlers for services, dests, flush, stats and zero
 * (DRLB_CMD_{NEW,SET,DEL,GET}_{SERVICE,DEST}, FLUSH, GET_STATS, ZERO).
 *
 * Every request is validated completely before anything changes: a
 * rejected request changes nothing, and says why in its extack message
 * with the attribute to blame. Errors: a service or dest that exists
 * EEXIST, one that does not ENOENT, AF other than AF_INET EAFNOSUPPORT, a
 * protocol other than TCP/UDP/SCTP EPROTONOSUPPORT, an unknown scheduler
 * or a bad address EINVAL, out-of-range values ERANGE (policy).
 */

#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/sock.h>
#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"
#include "sched.h"

static bool drlb_addr_unicast(__be32 addr)
{
	return !ipv4_is_zeronet(addr) && !ipv4_is_multicast(addr) &&
	       !ipv4_is_lbcast(addr) && !ipv4_is_loopback(addr);
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
	err = drlb_nl_get_addr4(nest, tb, DRLB_SVC_A_AF, DRLB_SVC_A_ADDR,
				&k->addr, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, DRLB_SVC_A_PROTOCOL)) {
		NL_SET_ERR_MSG_MOD(extack, "service protocol missing");
		return -EINVAL;
	}
	k->proto = nla_get_u8(tb[DRLB_SVC_A_PROTOCOL]);
	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP &&
	    k->proto != IPPROTO_SCTP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[DRLB_SVC_A_PROTOCOL],
				    "drlb: the protocol must be TCP, UDP or SCTP");
		return -EPROTONOSUPPORT;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, DRLB_SVC_A_PORT)) {
		NL_SET_ERR_MSG_MOD(extack, "service port missing");
		return -EINVAL;
	}
	k->port = htons(nla_get_u16(tb[DRLB_SVC_A_PORT]));
	if (!drlb_addr_unicast(k->addr)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[DRLB_SVC_A_ADDR],
				    "drlb: the virtual address must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

struct drlb_service *drlb_nl_svc_find(struct drlb_net *dn,
				      const struct drlb_svc_key *k,
				      struct nlattr *nest,
				      struct netlink_ext_ack *extack)
{
	struct drlb_service *svc = drlb_svc_find(dn, k->proto, k->addr,
						 k->port);

	if (!svc)
		NL_SET_ERR_MSG_ATTR(extack, nest, "drlb: no such service");
	return svc;
}

/* The settings of a NEW/SET_SERVICE request (has_*: present). */
struct drlb_svc_conf {
	const struct drlb_sched_ops *ops;
	u32 persist_timeout;
	u8 persist_plen;
	u8 expire_nodest;
	bool has_persist_timeout, has_persist_plen, has_expire_nodest;
};

static int drlb_nl_svc_conf(struct nlattr **tb, struct drlb_svc_conf *c,
			    struct netlink_ext_ack *extack)
{
	memset(c, 0, sizeof(*c));
	if (tb[DRLB_SVC_A_SCHED_NAME]) {
		c->ops = drlb_sched_find(nla_data(tb[DRLB_SVC_A_SCHED_NAME]));
		if (!c->ops) {
			NL_SET_ERR_MSG_ATTR(extack, tb[DRLB_SVC_A_SCHED_NAME],
					    "drlb: unknown scheduler");
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
	return 0;
}

/* Apply the plain settings of @c to @svc (packet path reads them racily). */
static void drlb_svc_apply(struct drlb_service *svc,
			   const struct drlb_svc_conf *c)
{
	if (c->has_persist_timeout)
		WRITE_ONCE(svc->persist_timeout, c->persist_timeout);
	if (c->has_persist_plen) {
		WRITE_ONCE(svc->persist_plen, c->persist_plen);
		WRITE_ONCE(svc->persist_mask, inet_make_mask(c->persist_plen));
	}
	if (c->has_expire_nodest)
		WRITE_ONCE(svc->expire_nodest, c->expire_nodest);
}

/* ---- replies -------------------------------------------------------- */

static int drlb_nl_put_svc_keys(struct sk_buff *msg,
				const struct drlb_service *svc)
{
	if (nla_put_u16(msg, DRLB_SVC_A_AF, AF_INET) ||
	    nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, svc->proto) ||
	    nla_put_in_addr(msg, DRLB_SVC_A_ADDR, svc->addr) ||
	    nla_put_u16(msg, DRLB_SVC_A_PORT, ntohs(svc->port)))
		return -EMSGSIZE;
	return 0;
}

/* DRLB_A_SERVICE: the keys, and with @full the settings and counters. */
static int drlb_nl_put_svc(struct sk_buff *msg, struct drlb_service *svc,
			   bool full)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	if (!nest || drlb_nl_put_svc_keys(msg, svc))
		return -EMSGSIZE;
	if (full &&
	    (nla_put_string(msg, DRLB_SVC_A_SCHED_NAME, svc->sched_ops->name) ||
	     nla_put_u32(msg, DRLB_SVC_A_PERSIST_TIMEOUT, svc->persist_timeout) ||
	     nla_put_u8(msg, DRLB_SVC_A_PERSIST_NETMASK, svc->persist_plen) ||
	     nla_put_u8(msg, DRLB_SVC_A_EXPIRE_NODEST, svc->expire_nodest) ||
	     nla_put_u32(msg, DRLB_SVC_A_NUM_DESTS, svc->num_dests) ||
	     drlb_stats_put(msg, DRLB_SVC_A_STATS, &svc->stats)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int drlb_nl_put_dest(struct sk_buff *msg, struct drlb_dest *dest)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_DEST);

	if (!nest ||
	    nla_put_u16(msg, DRLB_DEST_A_AF, AF_INET) ||
	    nla_put_in_addr(msg, DRLB_DEST_A_ADDR, dest->addr) ||
	    nla_put_u32(msg, DRLB_DEST_A_WEIGHT, dest->weight) ||
	    nla_put_u32(msg, DRLB_DEST_A_ACTIVE_CONNS,
			atomic_read(&dest->active)) ||
	    nla_put_u32(msg, DRLB_DEST_A_INACTIVE_CONNS,
			atomic_read(&dest->inactive)) ||
	    drlb_dest_cache_fill(msg, dest) ||
	    drlb_stats_put(msg, DRLB_DEST_A_STATS, &dest->stats))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* One reply message for a do request: @svc (full), or keys + @dest. */
static int drlb_nl_reply(struct genl_info *info, u8 cmd,
			 struct drlb_service *svc, struct drlb_dest *dest)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = drlb_nl_put_hdr(msg, info->snd_portid, info->snd_seq, 0, cmd);
	if (!hdr || drlb_nl_put_svc(msg, svc, !dest) ||
	    (dest && drlb_nl_put_dest(msg, dest))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- services ------------------------------------------------------- */

int drlb_nl_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_sched_state *st;
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

	svc = drlb_svc_alloc();
	if (!svc)
		return -ENOMEM;
	svc->addr = k.addr;
	svc->port = k.port;
	svc->proto = k.proto;
	svc->sched_ops = conf.ops ?: drlb_sched_default;
	svc->expire_nodest = 1;
	svc->persist_plen = 32;
	svc->persist_mask = inet_make_mask(32);
	drlb_svc_apply(svc, &conf);

	mutex_lock(&dn->lock);
	if (drlb_svc_find(dn, k.proto, k.addr, k.port)) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[DRLB_A_SERVICE],
				    "drlb: the service exists");
		err = -EEXIST;
		goto out_put;
	}
	st = drlb_sched_build(svc, svc->sched_ops, &dn->cfg, NULL, 0);
	if (IS_ERR(st)) {
		err = PTR_ERR(st);
		goto out_put;
	}
	RCU_INIT_POINTER(svc->sched, st);
	err = drlb_svc_add(dn, svc);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot register the netfilter hook");
		RCU_INIT_POINTER(svc->sched, NULL);
		drlb_sched_state_free(st);
		goto out_put;
	}
	mutex_unlock(&dn->lock);
	return 0;

out_put:
	mutex_unlock(&dn->lock);
	drlb_svc_put(svc);
	return err;
}

int drlb_nl_set_service(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_sched_state *st;
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
	if (!svc) {
		err = -ENOENT;
		goto out;
	}
	if (conf.ops && conf.ops != svc->sched_ops) {
		st = drlb_sched_build(svc, conf.ops, &dn->cfg, NULL, 0);
		if (IS_ERR(st)) {
			err = PTR_ERR(st);
			goto out;
		}
		svc->sched_ops = conf.ops;
		drlb_svc_set_sched(dn, svc, st);
	}
	drlb_svc_apply(svc, &conf);
	dn->gen++;
out:
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
		drlb_svc_del(dn, svc);
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
	err = svc ? drlb_nl_reply(info, DRLB_CMD_GET_SERVICE, svc, NULL) :
		    -ENOENT;
	mutex_unlock(&dn->lock);
	return err;
}

/* One dump message; 0, or -EMSGSIZE when @skb is full. */
static int drlb_nl_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			    u8 cmd, struct drlb_service *svc,
			    struct drlb_dest *dest)
{
	void *hdr;

	hdr = drlb_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
			      cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (drlb_nl_put_svc(skb, svc, !dest) ||
	    (dest && drlb_nl_put_dest(skb, dest))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* cb->args[0]: hash bucket, [1]: services of it already sent. */
int drlb_nl_dump_service(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(skb->sk));
	unsigned long b = cb->args[0], skip = cb->args[1];
	struct drlb_service *svc;

	mutex_lock(&dn->lock);
	cb->seq = dn->gen;
	for (; b < DRLB_SVC_HASH_SIZE; b++, skip = 0) {
		unsigned long i = 0;

		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode) {
			if (i++ < skip)
				continue;
			if (drlb_nl_dump_one(skb, cb, DRLB_CMD_GET_SERVICE, svc,
					     NULL)) {
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

/* ---- dests ------------------------------------------------------------ */

/* Parse DRLB_A_DEST's key into @tb and @addr. */
static int drlb_nl_dest_key(struct genl_info *info, struct nlattr **tb,
			    __be32 *addr)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[DRLB_A_DEST];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, DRLB_A_DEST)) {
		NL_SET_ERR_MSG_MOD(extack, "real server (DRLB_A_DEST) missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, DRLB_DEST_A_MAX, nest, drlb_dest_policy,
			       extack);
	if (err)
		return err;
	err = drlb_nl_get_addr4(nest, tb, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR,
				addr, extack);
	if (err)
		return err;
	if (!drlb_addr_unicast(*addr)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[DRLB_DEST_A_ADDR],
				    "drlb: the real server address must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

/* Common start of the dest requests: parse both keys, find the service. */
struct drlb_dest_req {
	struct drlb_net *dn;
	struct nlattr *stb[DRLB_SVC_A_MAX + 1];
	struct nlattr *dtb[DRLB_DEST_A_MAX + 1];
	struct drlb_svc_key k;
	__be32 addr;
};

static int drlb_nl_dest_parse(struct genl_info *info, struct drlb_dest_req *r)
{
	int err;

	r->dn = drlb_pernet(genl_info_net(info));
	err = drlb_nl_svc_key(info->attrs, r->stb, &r->k, info->extack);
	if (err)
		return err;
	return drlb_nl_dest_key(info, r->dtb, &r->addr);
}

static struct drlb_dest *drlb_nl_dest_find(struct drlb_service *svc,
					   __be32 addr, struct nlattr *nest,
					   struct netlink_ext_ack *extack)
{
	struct drlb_dest *dest = drlb_dest_find(svc, addr);

	if (!dest)
		NL_SET_ERR_MSG_ATTR(extack, nest, "drlb: no such real server");
	return dest;
}

int drlb_nl_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct drlb_sched_state *st;
	struct drlb_service *svc;
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	u32 weight = 1;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;
	if (r.dtb[DRLB_DEST_A_WEIGHT])
		weight = nla_get_u32(r.dtb[DRLB_DEST_A_WEIGHT]);

	mutex_lock(&r.dn->lock);
	svc = drlb_nl_svc_find(r.dn, &r.k, info->attrs[DRLB_A_SERVICE], extack);
	if (!svc) {
		err = -ENOENT;
		goto out;
	}
	if (r.addr == svc->addr) {
		NL_SET_ERR_MSG_ATTR(extack, r.dtb[DRLB_DEST_A_ADDR],
				    "drlb: the real server address is the virtual address");
		err = -EINVAL;
		goto out;
	}
	if (drlb_dest_find(svc, r.addr)) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[DRLB_A_DEST],
				    "drlb: the real server exists");
		err = -EEXIST;
		goto out;
	}
	if (svc->num_dests >= DRLB_DEST_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[DRLB_A_DEST],
				    "drlb: the service has too many real servers");
		err = -ENOSPC;
		goto out;
	}
	dest = drlb_dest_alloc(svc, r.addr, weight);
	if (!dest) {
		err = -ENOMEM;
		goto out;
	}
	/* Writers only walk the list: the dest is invisible until @st. */
	list_add_tail(&dest->list, &svc->dests);
	st = drlb_sched_build(svc, svc->sched_ops, &r.dn->cfg, NULL, 0);
	if (IS_ERR(st)) {
		list_del(&dest->list);
		drlb_dest_free_unused(dest);
		err = PTR_ERR(st);
		goto out;
	}
	svc->num_dests++;
	drlb_svc_set_sched(r.dn, svc, st);
	r.dn->gen++;
out:
	mutex_unlock(&r.dn->lock);
	return err;
}

int drlb_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct drlb_sched_state *st;
	struct drlb_service *svc;
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	u32 weight;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;

	mutex_lock(&r.dn->lock);
	svc = drlb_nl_svc_find(r.dn, &r.k, info->attrs[DRLB_A_SERVICE], extack);
	dest = svc ? drlb_nl_dest_find(svc, r.addr, info->attrs[DRLB_A_DEST],
				       extack) : NULL;
	if (!dest) {
		err = -ENOENT;
		goto out;
	}
	if (r.dtb[DRLB_DEST_A_WEIGHT]) {
		weight = nla_get_u32(r.dtb[DRLB_DEST_A_WEIGHT]);
		if (weight != dest->weight) {
			st = drlb_sched_build(svc, svc->sched_ops, &r.dn->cfg,
					      dest, weight);
			if (IS_ERR(st)) {
				err = PTR_ERR(st);
				goto out;
			}
			WRITE_ONCE(dest->weight, weight);
			drlb_svc_set_sched(r.dn, svc, st);
		}
	}
	r.dn->gen++;
out:
	mutex_unlock(&r.dn->lock);
	return err;
}

int drlb_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct drlb_sched_state *st;
	struct drlb_service *svc;
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;

	mutex_lock(&r.dn->lock);
	svc = drlb_nl_svc_find(r.dn, &r.k, info->attrs[DRLB_A_SERVICE], extack);
	dest = svc ? drlb_nl_dest_find(svc, r.addr, info->attrs[DRLB_A_DEST],
				       extack) : NULL;
	if (!dest) {
		err = -ENOENT;
		goto out;
	}
	/* First a state without it, so no new flow can pick it... */
	st = drlb_sched_build(svc, svc->sched_ops, &r.dn->cfg, dest, 0);
	if (IS_ERR(st)) {
		err = PTR_ERR(st);
		goto out;
	}
	drlb_svc_set_sched(r.dn, svc, st);
	/* ...then the dest goes, with its flows or to be rescheduled. */
	drlb_dest_del(r.dn, dest);
out:
	mutex_unlock(&r.dn->lock);
	return err;
}

int drlb_nl_get_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_service *svc;
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;
	mutex_lock(&r.dn->lock);
	svc = drlb_nl_svc_find(r.dn, &r.k, info->attrs[DRLB_A_SERVICE],
			       info->extack);
	dest = svc ? drlb_nl_dest_find(svc, r.addr, info->attrs[DRLB_A_DEST],
				       info->extack) : NULL;
	err = dest ? drlb_nl_reply(info, DRLB_CMD_GET_DEST, svc, dest) :
		     -ENOENT;
	mutex_unlock(&r.dn->lock);
	return err;
}

/*
 * Dest dump: the service is found (and held) when the dump starts, so a
 * missing or bad key is an error reply with extack; cb->args[0]: dests
 * already sent, [1]: the held service.
 */
int drlb_nl_dump_dest_start(struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(cb->skb->sk));
	struct nlattr **attrs = drlb_dump_attrs(cb);
	struct nlattr *tb[DRLB_SVC_A_MAX + 1];
	struct drlb_service *svc;
	struct drlb_svc_key k;
	int err;

	err = drlb_nl_svc_key(attrs, tb, &k, cb->extack);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	svc = drlb_nl_svc_find(dn, &k, attrs[DRLB_A_SERVICE], cb->extack);
	if (svc)
		refcount_inc(&svc->refcnt);
	mutex_unlock(&dn->lock);
	if (!svc)
		return -ENOENT;
	cb->args[1] = (unsigned long)svc;
	return 0;
}

int drlb_nl_dump_dest_done(struct netlink_callback *cb)
{
	struct drlb_service *svc = (struct drlb_service *)cb->args[1];

	if (svc)
		drlb_svc_put(svc);
	return 0;
}

int drlb_nl_dump_dest(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(skb->sk));
	struct drlb_service *svc = (struct drlb_service *)cb->args[1];
	unsigned long i = 0;
	struct drlb_dest *dest;

	mutex_lock(&dn->lock);
	cb->seq = dn->gen;
	/* A service deleted meanwhile has no dests left: the dump ends. */
	list_for_each_entry(dest, &svc->dests, list) {
		if (i++ < cb->args[0])
			continue;
		if (drlb_nl_dump_one(skb, cb, DRLB_CMD_GET_DEST, svc, dest)) {
			i--;
			break;
		}
	}
	cb->args[0] = i;
	mutex_unlock(&dn->lock);
	return skb->len;
}

/* ---- flush, stats, zero ------------------------------------------------ */

int drlb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	bool arp = info->attrs[DRLB_A_FLUSH_ARP];

	/* Unhooking the ARP rules needs RTNL, taken first (see arp.c). */
	if (arp)
		rtnl_lock();
	mutex_lock(&dn->lock);
	drlb_svc_flush(dn);
	/* The real-server role's ARP rules only when asked for. */
	if (arp)
		drlb_arp_flush(dn);
	mutex_unlock(&dn->lock);
	if (arp)
		rtnl_unlock();
	return 0;
}

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
	for (b = 0; b < DRLB_SVC_HASH_SIZE; b++)
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode)
			drlb_svc_zero(svc);
	drlb_stats_zero(&dn->stats);
	mutex_unlock(&dn->lock);
	return err;
}
