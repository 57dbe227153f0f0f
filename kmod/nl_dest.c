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

/* DRLB_A_DEST: the settings, flow counts, egress (xmit.c) and counters. */
int drlb_nl_put_dest(struct sk_buff *msg, struct drlb_dest *dest)
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
	    nla_put_u32(msg, DRLB_DEST_A_U_THRESH, READ_ONCE(dest->u_thresh)) ||
	    nla_put_u32(msg, DRLB_DEST_A_L_THRESH, READ_ONCE(dest->l_thresh)) ||
	    nla_put_u32(msg, DRLB_DEST_A_PERSIST_CONNS,
			atomic_read(&dest->persist)) ||
	    nla_put_u8(msg, DRLB_DEST_A_OVERLOADED,
		       drlb_dest_overloaded(dest)) ||
	    drlb_dest_cache_fill(msg, dest) ||
	    drlb_stats_put(msg, DRLB_DEST_A_STATS, &dest->stats))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

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
	if (!drlb_nl_addr_unicast(*addr)) {
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
	__be32 addr;
};

/*
 * The connection thresholds a NEW/SET_DEST request leaves @dest with
 * (@dest NULL: a new one, none): those it gives, else the current ones.
 * ERANGE, said via extack, for a lower threshold above the upper one.
 */
static int drlb_nl_dest_thresh(struct genl_info *info,
			       const struct drlb_dest_req *r,
			       const struct drlb_dest *dest, u32 *u, u32 *l)
{
	struct nlattr *ua = r->dtb[DRLB_DEST_A_U_THRESH];
	struct nlattr *la = r->dtb[DRLB_DEST_A_L_THRESH];

	*u = ua ? nla_get_u32(ua) : dest ? dest->u_thresh : 0;
	*l = la ? nla_get_u32(la) : dest ? dest->l_thresh : 0;
	if (*l > *u) {
		drlb_nl_err_fmt(info->extack,
				"the lower threshold must not exceed the upper threshold",
				"lower threshold %u above the upper threshold %u",
				*l, *u);
		NL_SET_BAD_ATTR(info->extack, la ?: ua);
		return -ERANGE;
	}
	return 0;
}

static int drlb_nl_dest_parse(struct genl_info *info, struct drlb_dest_req *r)
{
	int err;

	r->dn = drlb_pernet(genl_info_net(info));
	err = drlb_nl_svc_key(info->attrs, r->stb, &r->k, info->extack);
	if (err)
		return err;
	return drlb_nl_dest_key(info, r->dtb, &r->addr);
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
	dest = drlb_dest_find(svc, r->addr);
	if (!dest) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such real server");
		NL_SET_BAD_ATTR(info->extack, info->attrs[DRLB_A_DEST]);
	}
	return dest;
}

int drlb_nl_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct drlb_sched_state *st;
	struct drlb_service *svc;
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	u32 weight = 1, u, l;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;
	if (r.dtb[DRLB_DEST_A_WEIGHT])
		weight = nla_get_u32(r.dtb[DRLB_DEST_A_WEIGHT]);
	err = drlb_nl_dest_thresh(info, &r, NULL, &u, &l);
	if (err)
		return err;

	mutex_lock(&r.dn->lock);
	svc = drlb_nl_svc_find(r.dn, &r.k, info->attrs[DRLB_A_SERVICE], extack);
	if (!svc) {
		err = -ENOENT;
		goto out;
	}
	if (r.addr == svc->addr) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the real server address is the virtual address");
		NL_SET_BAD_ATTR(extack, r.dtb[DRLB_DEST_A_ADDR]);
		err = -EINVAL;
		goto out;
	}
	if (drlb_dest_find(svc, r.addr)) {
		NL_SET_ERR_MSG_MOD(extack, "the real server exists");
		NL_SET_BAD_ATTR(extack, info->attrs[DRLB_A_DEST]);
		err = -EEXIST;
		goto out;
	}
	if (svc->num_dests >= DRLB_DEST_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the service has too many real servers");
		NL_SET_BAD_ATTR(extack, info->attrs[DRLB_A_DEST]);
		err = -ENOSPC;
		goto out;
	}
	if (!drlb_sched_fits(svc->sched_ops, svc->num_dests + 1,
			     r.dn->cfg.mh_table_size)) {
		drlb_nl_err_fmt(extack,
				"the Maglev table size must exceed the number of real servers",
				"mh-table-size %u too small for %u real servers",
				r.dn->cfg.mh_table_size, svc->num_dests + 1);
		NL_SET_BAD_ATTR(extack, info->attrs[DRLB_A_DEST]);
		err = -ENOSPC;
		goto out;
	}
	dest = drlb_dest_alloc(svc, r.addr, weight);
	if (!dest) {
		err = -ENOMEM;
		goto out;
	}
	drlb_dest_set_thresh(dest, u, l);
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
	drlb_dest_resolve(r.dn->net, dest);
	/* Neighbour events report changes from here on (event.c). */
	dest->neigh_ev = drlb_dest_neigh_state(dest);
	drlb_event_svc(r.dn, DRLB_EV_DEST_NEW, svc, dest, info);
out:
	mutex_unlock(&r.dn->lock);
	return err;
}

int drlb_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_sched_state *st;
	struct drlb_service *svc;
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	u32 weight, u, l;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;

	mutex_lock(&r.dn->lock);
	dest = drlb_nl_dest_find(info, &r);
	if (!dest) {
		err = -ENOENT;
		goto out;
	}
	svc = dest->svc;
	err = drlb_nl_dest_thresh(info, &r, dest, &u, &l);
	if (err)
		goto out;
	if (r.dtb[DRLB_DEST_A_WEIGHT]) {
		weight = nla_get_u32(r.dtb[DRLB_DEST_A_WEIGHT]);
		if (weight != dest->weight) {
			st = drlb_sched_build(svc, svc->sched_ops, &r.dn->cfg,
					      dest, weight);
			if (IS_ERR(st)) {
				err = PTR_ERR(st);
				goto out;
			}
			/*
			 * Usable before a state lists it; drained only once
			 * the state without it is out (drlb_schedule()).
			 */
			if (weight) {
				WRITE_ONCE(dest->weight, weight);
				drlb_svc_set_sched(r.dn, svc, st);
			} else {
				drlb_svc_set_sched(r.dn, svc, st);
				/* Pairs with smp_rmb() in drlb_schedule(). */
				smp_store_release(&dest->weight, 0);
			}
		}
	}
	if (u != dest->u_thresh || l != dest->l_thresh)
		drlb_dest_set_thresh(dest, u, l);
	r.dn->gen++;
	drlb_event_svc(r.dn, DRLB_EV_DEST_SET, svc, dest, info);
out:
	mutex_unlock(&r.dn->lock);
	return err;
}

int drlb_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_sched_state *st;
	struct drlb_service *svc;
	struct drlb_dest *dest;
	struct drlb_dest_req r;
	int err;

	err = drlb_nl_dest_parse(info, &r);
	if (err)
		return err;

	mutex_lock(&r.dn->lock);
	dest = drlb_nl_dest_find(info, &r);
	if (!dest) {
		err = -ENOENT;
		goto out;
	}
	svc = dest->svc;
	/* First a state without it, so no new flow can pick it... */
	st = drlb_sched_build(svc, svc->sched_ops, &r.dn->cfg, dest, 0);
	if (IS_ERR(st)) {
		err = PTR_ERR(st);
		goto out;
	}
	drlb_svc_set_sched(r.dn, svc, st);
	drlb_event_svc(r.dn, DRLB_EV_DEST_DEL, svc, dest, info);
	/* ...then the dest goes, with its flows or to be rescheduled. */
	drlb_dest_del(r.dn, dest);
out:
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
 * Dest dump: the service is found (and held) when the dump starts, so a
 * missing or bad key is an error reply with extack; cb->args[0]: dests
 * already sent, [1]: the held service.
 */
int drlb_nl_dump_dest_start(struct netlink_callback *cb)
{
	struct drlb_service *svc = drlb_nl_dump_svc_get(cb);

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

