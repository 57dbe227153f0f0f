// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the control API's service and real-server changes (ctl.h), which
 * drlb's family (nl_service.c, nl_dest.c) and the IPVS family
 * (kmod/ipvs/) make alike. Every change is checked completely before
 * anything is changed: a refused change changes nothing, and says why
 * through extack, blaming the attribute the caller named in the conf.
 */

#include <linux/inetdevice.h>
#include <linux/module.h>

#include "ctl.h"
#include "sched.h"

/*
 * The scheduler flags @c leaves a service of protocol @proto with, whose
 * scheduler is @cur (NULL: a new service) with flags @cur_flags: those
 * given, else the defaults of a scheduler it names (other than @cur),
 * else @cur_flags. Refuses flags its scheduler has not, one-packet
 * scheduling but for UDP, and a persistence prefix longer than the
 * family's addresses (@af).
 */
static int drlb_ctl_svc_check(const struct drlb_svc_conf *c, u16 af,
			      u8 proto, const struct drlb_sched_ops *cur,
			      u32 cur_flags, u32 *flags,
			      struct netlink_ext_ack *extack)
{
	const struct drlb_sched_ops *ops = c->ops ?: cur ?: drlb_sched_default;

	if (c->has_persist_plen && af == AF_INET && c->persist_plen > 32) {
		NL_SET_ERR_MSG_MOD(extack,
				   "an IPv4 persistence netmask is a prefix length of 0 to 32");
		NL_SET_BAD_ATTR(extack, c->a_netmask);
		return -ERANGE;
	}

	if (c->has_sched_flags)
		*flags = c->sched_flags;
	else if (ops != cur)
		*flags = ops->default_flags;
	else
		*flags = cur_flags;
	if (*flags & ~ops->flags) {
		drlb_nl_err_fmt(extack,
				"scheduler flags are for the sh and mh schedulers only",
				"scheduler flags are for sh and mh only, not %s",
				ops->name);
		NL_SET_BAD_ATTR(extack, c->a_flags ?: c->a_sched);
		return -EINVAL;
	}
	if (c->onepacket && proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_MOD(extack,
				   "one-packet scheduling is for UDP services only");
		NL_SET_BAD_ATTR(extack, c->a_onepacket);
		return -EINVAL;
	}
	return 0;
}

/* Apply the plain settings of @c to @svc (packet path reads them racily). */
static void drlb_ctl_svc_apply(struct drlb_service *svc,
			       const struct drlb_svc_conf *c)
{
	if (c->has_persist_timeout)
		WRITE_ONCE(svc->persist_timeout, c->persist_timeout);
	if (c->has_persist_plen) {
		WRITE_ONCE(svc->persist_plen, c->persist_plen);
		if (svc->af == AF_INET)
			WRITE_ONCE(svc->persist_mask,
				   inet_make_mask(c->persist_plen));
	}
	if (c->has_expire_nodest)
		WRITE_ONCE(svc->expire_nodest, c->expire_nodest);
	if (c->has_midstream)
		WRITE_ONCE(svc->midstream, c->midstream);
	if (c->has_onepacket)
		WRITE_ONCE(svc->onepacket, c->onepacket);
}

int drlb_ctl_svc_new(struct drlb_net *dn, const struct drlb_svc_key *k,
		     const struct drlb_svc_conf *c,
		     const struct genl_info *info,
		     struct netlink_ext_ack *extack)
{
	struct drlb_sched_state *st;
	struct drlb_service *svc;
	u32 flags;
	int err;

	err = drlb_ctl_svc_check(c, k->af, k->proto, NULL, 0, &flags, extack);
	if (err)
		return err;
	svc = drlb_svc_alloc();
	if (!svc)
		return -ENOMEM;
	svc->af = k->af;
	svc->addr = k->addr;
	svc->port = k->port;
	svc->proto = k->proto;
	svc->fwmark = k->fwmark;
	svc->sched_ops = c->ops ?: drlb_sched_default;
	svc->sched_flags = flags;
	svc->expire_nodest = 1;
	svc->persist_plen = k->af == AF_INET6 ? 128 : 32;
	svc->persist_mask = inet_make_mask(32);
	drlb_ctl_svc_apply(svc, c);

	mutex_lock(&dn->lock);
	if (drlb_ctl_svc_lookup(dn, k)) {
		NL_SET_ERR_MSG_MOD(extack, "the service exists");
		NL_SET_BAD_ATTR(extack, c->a_key);
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
	drlb_event_svc(dn, DRLB_EV_SERVICE_NEW, svc, NULL, info);
	mutex_unlock(&dn->lock);
	return 0;

out_put:
	mutex_unlock(&dn->lock);
	drlb_svc_put(svc);
	return err;
}
EXPORT_SYMBOL_GPL(drlb_ctl_svc_new);

int drlb_ctl_svc_set(struct drlb_net *dn, struct drlb_service *svc,
		     const struct drlb_svc_conf *c,
		     const struct genl_info *info,
		     struct netlink_ext_ack *extack)
{
	const struct drlb_sched_ops *ops;
	struct drlb_sched_state *st;
	u32 flags;
	int err;

	lockdep_assert_held(&dn->lock);
	err = drlb_ctl_svc_check(c, svc->af, svc->proto, svc->sched_ops,
				 svc->sched_flags, &flags, extack);
	if (err)
		return err;
	ops = c->ops ?: svc->sched_ops;
	if (ops != svc->sched_ops || flags != svc->sched_flags) {
		if (!drlb_sched_fits(ops, svc->num_dests,
				     dn->cfg.mh_table_size)) {
			drlb_nl_err_fmt(extack,
					"the Maglev table size must exceed the number of real servers",
					"mh-table-size %u too small for %u real servers",
					dn->cfg.mh_table_size, svc->num_dests);
			NL_SET_BAD_ATTR(extack, c->a_sched);
			return -EINVAL;
		}
		st = drlb_sched_build(svc, ops, &dn->cfg, NULL, 0);
		if (IS_ERR(st))
			return PTR_ERR(st);
		/* Not published yet: the flags it is built for. */
		st->flags = flags;
		svc->sched_ops = ops;
		svc->sched_flags = flags;
		drlb_svc_set_sched(dn, svc, st);
	}
	drlb_ctl_svc_apply(svc, c);
	dn->gen++;
	drlb_event_svc(dn, DRLB_EV_SERVICE_SET, svc, NULL, info);
	return 0;
}
EXPORT_SYMBOL_GPL(drlb_ctl_svc_set);

void drlb_ctl_svc_del(struct drlb_net *dn, struct drlb_service *svc,
		      const struct genl_info *info)
{
	lockdep_assert_held(&dn->lock);
	/* As it was: after the deletion @svc may be gone. */
	drlb_event_svc(dn, DRLB_EV_SERVICE_DEL, svc, NULL, info);
	drlb_svc_del(dn, svc);
}
EXPORT_SYMBOL_GPL(drlb_ctl_svc_del);

/*
 * The thresholds @c leaves @dest with (NULL: a new one, none): those it
 * gives, else the current ones. ERANGE for a lower above the upper.
 */
static int drlb_ctl_dest_thresh(const struct drlb_dest_conf *c,
				const struct drlb_dest *dest, u32 *u, u32 *l,
				struct netlink_ext_ack *extack)
{
	*u = c->has_u_thresh ? c->u_thresh : dest ? dest->u_thresh : 0;
	*l = c->has_l_thresh ? c->l_thresh : dest ? dest->l_thresh : 0;
	if (*l > *u) {
		drlb_nl_err_fmt(extack,
				"the lower threshold must not exceed the upper threshold",
				"lower threshold %u above the upper threshold %u",
				*l, *u);
		NL_SET_BAD_ATTR(extack, c->a_l_thresh ?: c->a_u_thresh);
		return -ERANGE;
	}
	return 0;
}

int drlb_ctl_dest_new(struct drlb_net *dn, struct drlb_service *svc,
		      const union drlb_addr *addr,
		      const struct drlb_dest_conf *c,
		      const struct genl_info *info,
		      struct netlink_ext_ack *extack)
{
	struct drlb_sched_state *st;
	struct drlb_dest *dest;
	u32 u, l;
	int err;

	lockdep_assert_held(&dn->lock);
	err = drlb_ctl_dest_thresh(c, NULL, &u, &l, extack);
	if (err)
		return err;
	if (!svc->fwmark && drlb_addr_eq(addr, &svc->addr, drlb_svc_v6(svc))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the real server address is the virtual address");
		NL_SET_BAD_ATTR(extack, c->a_addr);
		return -EINVAL;
	}
	if (drlb_dest_find(svc, addr)) {
		NL_SET_ERR_MSG_MOD(extack, "the real server exists");
		NL_SET_BAD_ATTR(extack, c->a_dest);
		return -EEXIST;
	}
	if (svc->num_dests >= DRLB_DEST_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the service has too many real servers");
		NL_SET_BAD_ATTR(extack, c->a_dest);
		return -ENOSPC;
	}
	if (!drlb_sched_fits(svc->sched_ops, svc->num_dests + 1,
			     dn->cfg.mh_table_size)) {
		drlb_nl_err_fmt(extack,
				"the Maglev table size must exceed the number of real servers",
				"mh-table-size %u too small for %u real servers",
				dn->cfg.mh_table_size, svc->num_dests + 1);
		NL_SET_BAD_ATTR(extack, c->a_dest);
		return -ENOSPC;
	}
	dest = drlb_dest_alloc(svc, addr, c->has_weight ? c->weight : 1);
	if (!dest)
		return -ENOMEM;
	drlb_dest_set_thresh(dest, u, l);
	/* Writers only walk the list: the dest is invisible until @st. */
	list_add_tail(&dest->list, &svc->dests);
	st = drlb_sched_build(svc, svc->sched_ops, &dn->cfg, NULL, 0);
	if (IS_ERR(st)) {
		list_del(&dest->list);
		drlb_dest_free_unused(dest);
		return PTR_ERR(st);
	}
	svc->num_dests++;
	drlb_svc_set_sched(dn, svc, st);
	dn->gen++;
	drlb_dest_resolve(dn->net, dest);
	/* Neighbour events report changes from here on (event.c). */
	dest->neigh_ev = drlb_dest_neigh_state(dest);
	drlb_event_svc(dn, DRLB_EV_DEST_NEW, svc, dest, info);
	return 0;
}
EXPORT_SYMBOL_GPL(drlb_ctl_dest_new);

int drlb_ctl_dest_set(struct drlb_net *dn, struct drlb_dest *dest,
		      const struct drlb_dest_conf *c,
		      const struct genl_info *info,
		      struct netlink_ext_ack *extack)
{
	struct drlb_service *svc = dest->svc;
	struct drlb_sched_state *st;
	u32 u, l;
	int err;

	lockdep_assert_held(&dn->lock);
	err = drlb_ctl_dest_thresh(c, dest, &u, &l, extack);
	if (err)
		return err;
	if (c->has_weight && c->weight != dest->weight) {
		st = drlb_sched_build(svc, svc->sched_ops, &dn->cfg, dest,
				      c->weight);
		if (IS_ERR(st))
			return PTR_ERR(st);
		/*
		 * Usable before a state lists it; drained only once the
		 * state without it is out (drlb_schedule()).
		 */
		if (c->weight) {
			WRITE_ONCE(dest->weight, c->weight);
			drlb_svc_set_sched(dn, svc, st);
		} else {
			drlb_svc_set_sched(dn, svc, st);
			/* Pairs with smp_rmb() in drlb_schedule(). */
			smp_store_release(&dest->weight, 0);
		}
	}
	if (u != dest->u_thresh || l != dest->l_thresh)
		drlb_dest_set_thresh(dest, u, l);
	dn->gen++;
	drlb_event_svc(dn, DRLB_EV_DEST_SET, svc, dest, info);
	return 0;
}
EXPORT_SYMBOL_GPL(drlb_ctl_dest_set);

int drlb_ctl_dest_del(struct drlb_net *dn, struct drlb_dest *dest,
		      const struct genl_info *info)
{
	struct drlb_service *svc = dest->svc;
	struct drlb_sched_state *st;

	lockdep_assert_held(&dn->lock);
	/* First a state without it, so no new flow can pick it... */
	st = drlb_sched_build(svc, svc->sched_ops, &dn->cfg, dest, 0);
	if (IS_ERR(st))
		return PTR_ERR(st);
	drlb_svc_set_sched(dn, svc, st);
	drlb_event_svc(dn, DRLB_EV_DEST_DEL, svc, dest, info);
	/* ...then the dest goes, with its flows or to be rescheduled. */
	drlb_dest_del(dn, dest);
	return 0;
}
EXPORT_SYMBOL_GPL(drlb_ctl_dest_del);
