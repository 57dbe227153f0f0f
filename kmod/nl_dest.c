// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: netlink handlers for the real servers (dests) of a service
 * (DRLB_CMD_{NEW,SET,DEL,GET}_DEST, and the GET_DEST dump).
 *
 * Every request is validated completely before anything changes: a
 * rejected request changes nothing, and says why in its extack message
 * with the attribute to blame. Errors: a dest that exists EEXIST, a
 * service or dest that does not ENOENT, too many dests ENOSPC, AF other
 * than AF_INET EAFNOSUPPORT, a bad address EINVAL, out-of-range values
 * ERANGE (policy, and a lower connection threshold above the upper, as
 * IPVS). Too many dests is also as many as the slots of the Maglev table
 * of an mh, sh or dh service (sched.h: drlb_sched_fits()).
 */

#include <net/sock.h>
#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"
#include "sched.h"

/*
 * DRLB_A_DEST: the settings, flow counts, egress (xmit.c) and, with
 * @stats, the counters.
 */
int drlb_nl_put_dest(struct sk_buff *msg, struct drlb_dest *dest, bool stats)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_DEST);

	if (!nest ||
	    nla_put_u16(msg, DRLB_DEST_A_AF, dest->svc->af) ||
	    drlb_nl_put_addr(msg, DRLB_DEST_A_ADDR, dest->svc->af,
			     &dest->addr) ||
	    nla_put_u32(msg, DRLB_DEST_A_WEIGHT, dest->weight) ||
	    nla_put_u32(msg, DRLB_DEST_A_ACTIVE_CONNS,
			atomic_read(&dest->active)) ||
	    nla_put_u32(msg, DRLB_DEST_A_INACTIVE_CONNS,
			atomic_read(&dest->inactive)) ||
	    nla_put_u32(msg, DRLB_DEST_A_U_THRESH, READ_ONCE(dest->u_thresh)) ||
	    nla_put_u32(msg, DRLB_DEST_A_L_THRESH, READ_ONCE(dest->l_thresh)) ||
	    nla_put_u32(msg, DRLB_DEST_A_PERSIST_CONNS,
			atomic_read(&dest->persist)) ||
	    nla_put_u8(msg, DRLB_DEST_A_OVERLOADED,
		       drlb_dest_overloaded(dest)) ||
	    drlb_dest_cache_fill(msg, dest) ||
	    (stats && drlb_stats_put(msg, DRLB_DEST_A_STATS, &dest->stats)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Parse DRLB_A_DEST's key into @tb, @af and @addr. */
static int drlb_nl_dest_key(struct genl_info *info, struct nlattr **tb,
			    u16 *af, union drlb_addr *addr)
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
	err = drlb_nl_get_addr(nest, tb, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR,
			       af, addr, extack);
	if (err)
		return err;
	if (!drlb_nl_addr_ok(*af, addr)) {
		if (*af == AF_INET6)
			NL_SET_ERR_MSG_MOD(extack,
					   "the real server address must be a global unicast address");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "the real server address must be a unicast address");
		NL_SET_BAD_ATTR(extack, tb[DRLB_DEST_A_ADDR]);
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
	union drlb_addr addr;
	u16 af;
};

/* The settings of a NEW/SET_DEST request. */
static void drlb_nl_dest_conf(struct genl_info *info,
			      const struct drlb_dest_req *r,
			      struct drlb_dest_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->a_dest = info->attrs[DRLB_A_DEST];
	c->a_addr = r->dtb[DRLB_DEST_A_ADDR];
	c->a_u_thresh = r->dtb[DRLB_DEST_A_U_THRESH];
	c->a_l_thresh = r->dtb[DRLB_DEST_A_L_THRESH];
	if (r->dtb[DRLB_DEST_A_WEIGHT]) {
		c->weight = nla_get_u32(r->dtb[DRLB_DEST_A_WEIGHT]);
		c->has_weight = true;
	}
	if (c->a_u_thresh) {
		c->u_thresh = nla_get_u32(c->a_u_thresh);
		c->has_u_thresh = true;
	}
	if (c->a_l_thresh) {
		c->l_thresh = nla_get_u32(c->a_l_thresh);
		c->has_l_thresh = true;
	}
}

static int drlb_nl_dest_parse(struct genl_info *info, struct drlb_dest_req *r)
{
	int err;

	r->dn = drlb_pernet(genl_info_net(info));
	err = drlb_nl_svc_key(info->attrs, r->stb, &r->k, info->extack);
	if (err)
		return err;
	err = drlb_nl_dest_key(info, r->dtb, &r->af, &r->addr);
	if (err)
		return err;
	if (r->af != r->k.af) {
		if (r->k.af == AF_INET6)
			NL_SET_ERR_MSG_MOD(info->extack,
					   "an IPv6 service takes IPv6 real servers only");
		else
			NL_SET_ERR_MSG_MOD(info->extack,
					   "an IPv4 service takes IPv4 real servers only");
		NL_SET_BAD_ATTR(info->extack, r->dtb[DRLB_DEST_A_AF]);
		return -EINVAL;
	}
	return 0;
}

/*
 * The dest a SET/DEL/GET_DEST request names (dest->svc is its service);
 * under drlb_net.lock. NULL, said via extack, if the service or the dest
 * does not exist.
 */
static struct drlb_dest *drlb_nl_dest_find(struct genl_info *info,
					   const struct drlb_dest_req *r)
{
	struct drlb_service *svc;
	struct drlb_dest *dest;

	svc = drlb_nl_svc_find(r->dn, &r->k, info->attrs[DRLB_A_SERVICE],
			       info->extack);
	if (!svc)
		return NULL;
	dest = drlb_dest_find(svc, &r->addr);
	if (!dest) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such real server");
		NL_SET_BAD_ATTR(info->extack, info->attrs[DRLB_A_DEST]);
	}
	return dest;
}

int drlb_nl_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_service *svc;
	struct drlb_dest_conf c;
	struct drlb_dest_req r;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;
	drlb_nl_dest_conf(info, &r, &c);
	mutex_lock(&r.dn->lock);
	svc = drlb_nl_svc_find(r.dn, &r.k, info->attrs[DRLB_A_SERVICE],
			       info->extack);
	err = svc ? drlb_ctl_dest_new(r.dn, svc, &r.addr, &c, info,
				      info->extack) : -ENOENT;
	mutex_unlock(&r.dn->lock);
	return err;
}

int drlb_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_dest_conf c;
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;
	drlb_nl_dest_conf(info, &r, &c);
	mutex_lock(&r.dn->lock);
	dest = drlb_nl_dest_find(info, &r);
	err = dest ? drlb_ctl_dest_set(r.dn, dest, &c, info, info->extack) :
		     -ENOENT;
	mutex_unlock(&r.dn->lock);
	return err;
}

int drlb_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;
	mutex_lock(&r.dn->lock);
	dest = drlb_nl_dest_find(info, &r);
	err = dest ? drlb_ctl_dest_del(r.dn, dest, info) : -ENOENT;
	mutex_unlock(&r.dn->lock);
	return err;
}

int drlb_nl_get_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;
	mutex_lock(&r.dn->lock);
	dest = drlb_nl_dest_find(info, &r);
	err = dest ? drlb_nl_svc_reply(info, DRLB_CMD_GET_DEST, dest->svc,
				       dest) : -ENOENT;
	mutex_unlock(&r.dn->lock);
	return err;
}

/*
 * Dest dump. With service keys, the dests of that service: the service is
 * found (and held) when the dump starts, so a missing or bad key is an
 * error reply with extack; cb->args[0]: dests already sent, [1]: the held
 * service. Without DRLB_A_SERVICE, the dests of every service, each
 * message naming its service: one request where a listing of every
 * service's servers took one per service (drlbctl service show, save,
 * restore at 10 000 services); [1] is then 0, [2] and [3] the bucket and
 * the position in it of the service being sent, [0] its dests sent.
 */
int drlb_nl_dump_dest_start(struct netlink_callback *cb)
{
	struct drlb_service *svc;

	if (!drlb_dump_attrs(cb)[DRLB_A_SERVICE])
		return 0;
	svc = drlb_nl_dump_svc_get(cb);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
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

static int drlb_nl_dump_dest_all(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(skb->sk));
	unsigned long b = cb->args[2], pos = cb->args[3], sent = cb->args[0];
	struct drlb_service *svc;
	struct drlb_dest *dest;

	mutex_lock(&dn->lock);
	cb->seq = dn->gen;
	for (; b < DRLB_SVC_BUCKETS; b++, pos = 0) {
		unsigned long i = 0;

		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode) {
			unsigned long d = 0;

			if (i++ < pos)
				continue;
			list_for_each_entry(dest, &svc->dests, list) {
				if (d++ < sent)
					continue;
				if (drlb_nl_svc_dump_one(skb, cb,
							 DRLB_CMD_GET_DEST,
							 svc, dest)) {
					cb->args[2] = b;
					cb->args[3] = i - 1;
					cb->args[0] = d - 1;
					goto out;
				}
			}
			sent = 0;
		}
	}
	cb->args[2] = b;
	cb->args[3] = 0;
	cb->args[0] = 0;
out:
	mutex_unlock(&dn->lock);
	return skb->len;
}

int drlb_nl_dump_dest(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(skb->sk));
	struct drlb_service *svc = (struct drlb_service *)cb->args[1];
	unsigned long i = 0;
	struct drlb_dest *dest;

	if (!svc)
		return drlb_nl_dump_dest_all(skb, cb);
	mutex_lock(&dn->lock);
	cb->seq = dn->gen;
	/* A service deleted meanwhile has no dests left: the dump ends. */
	list_for_each_entry(dest, &svc->dests, list) {
		if (i++ < cb->args[0])
			continue;
		if (drlb_nl_svc_dump_one(skb, cb, DRLB_CMD_GET_DEST, svc,
					 dest)) {
			i--;
			break;
		}
	}
	cb->args[0] = i;
	mutex_unlock(&dn->lock);
	return skb->len;
}
