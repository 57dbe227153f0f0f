// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: events - DRLB_CMD_EVENT messages to the "monitor" multicast group
 * (uapi drlb.h), for `drlbctl monitor`.
 *
 * Changes made by requests (services, dests, ARP rules, flush) are sent by
 * their handlers, under drlb_net.lock right where the change is made, so
 * listeners see them in the order they happened, each with the port of
 * the request. What the kernel does on its own is noticed where it
 * happens - a neighbour entry changing state (netevent notifier, atomic
 * context), the connection table filling up (packet path), the GC finding
 * it below the bound again - and only flagged there (drlb_event_kick());
 * a work item sends the events, in process context.
 *
 * Nothing is built when nobody listens (genl_has_listeners()): the
 * packet path pays one test_bit() per refused new flow, nothing else.
 */

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/arp.h>
#include <net/genetlink.h>
#include <net/netevent.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"

/* The family's multicast groups; DRLB_MCGRP_MONITOR is index 0. */
const struct genl_multicast_group drlb_mcgrps[DRLB_N_MCGRPS] = {
	{ .name = DRLB_MCGRP_MONITOR, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

#define DRLB_MCGRP_MONITOR_IDX	0

/*
 * The work items of every namespace run on drlb_ev_wq. drlb_ev_lock
 * orders drlb_event_kick() (any context, rare: transitions only) against
 * a namespace's exit (drlb_net.ev_dead) and the module's (drlb_ev_off):
 * once either is set under it, nothing queues the work again.
 */
static DEFINE_SPINLOCK(drlb_ev_lock);
static bool drlb_ev_off;
static struct workqueue_struct *drlb_ev_wq;

static bool drlb_event_listened(struct drlb_net *dn)
{
	return genl_has_listeners(&drlb_genl_family, dn->net,
				  DRLB_MCGRP_MONITOR_IDX);
}

/*
 * A DRLB_CMD_EVENT message of type @ev (@info: the request that caused
 * it); NULL if nobody listens or out of memory.
 */
static struct sk_buff *drlb_event_new(struct drlb_net *dn, u32 ev,
				      const struct genl_info *info, void **hdr)
{
	struct sk_buff *msg;

	if (!drlb_event_listened(dn))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = drlb_nl_put_hdr(msg, 0, 0, 0, DRLB_CMD_EVENT);
	if (!*hdr || nla_put_u32(msg, DRLB_A_EVENT, ev) ||
	    (info && nla_put_u32(msg, DRLB_A_PORTID, info->snd_portid))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send what drlb_event_new() began, or drop it if filling it failed. */
static void drlb_event_send(struct drlb_net *dn, struct sk_buff *msg,
			    void *hdr, int err)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&drlb_genl_family, dn->net, msg, 0,
				DRLB_MCGRP_MONITOR_IDX, GFP_KERNEL);
}

void drlb_event_svc(struct drlb_net *dn, u32 ev, struct drlb_service *svc,
		    struct drlb_dest *dest, const struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&dn->lock);
	msg = drlb_event_new(dn, ev, info, &hdr);
	if (msg)
		drlb_event_send(dn, msg, hdr,
				drlb_nl_put_svc(msg, svc, !dest, true) ||
				(dest && drlb_nl_put_dest(msg, dest, true)));
}

void drlb_event_arp(struct drlb_net *dn, u32 ev, __be32 vip, int ifindex,
		    u32 flags, const struct genl_info *info)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	lockdep_assert_held(&dn->lock);
	msg = drlb_event_new(dn, ev, info, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, DRLB_A_ARP);
	if (nest &&
	    !nla_put_u16(msg, DRLB_ARP_A_AF, AF_INET) &&
	    !nla_put_in_addr(msg, DRLB_ARP_A_ADDR, vip) &&
	    !nla_put_u32(msg, DRLB_ARP_A_IFINDEX, ifindex) &&
	    !nla_put_u32(msg, DRLB_ARP_A_FLAGS, flags)) {
		nla_nest_end(msg, nest);
		drlb_event_send(dn, msg, hdr, 0);
		return;
	}
	drlb_event_send(dn, msg, hdr, -EMSGSIZE);
}

void drlb_event_flush(struct drlb_net *dn, bool arp,
		      const struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&dn->lock);
	msg = drlb_event_new(dn, DRLB_EV_FLUSH, info, &hdr);
	if (msg)
		drlb_event_send(dn, msg, hdr,
				arp && nla_put_flag(msg, DRLB_A_FLUSH_ARP));
}

/* ---- what the kernel does on its own ------------------------------------ */

/* TABLE_FULL, TABLE_OK, STATELESS: the bound and the entries now. */
static void drlb_event_table(struct drlb_net *dn, u32 ev)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = drlb_event_new(dn, ev, NULL, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, DRLB_A_CONFIG);
	if (nest &&
	    !nla_put_u32(msg, DRLB_CFG_A_CONN_MAX, READ_ONCE(dn->cfg.conn_max)) &&
	    !nla_put_u32(msg, DRLB_CFG_A_CONN_COUNT,
			 drlb_conn_entries(dn))) {
		nla_nest_end(msg, nest);
		drlb_event_send(dn, msg, hdr, 0);
		return;
	}
	drlb_event_send(dn, msg, hdr, -EMSGSIZE);
}

/*
 * NEIGH for every dest whose neighbour state differs from the one last
 * reported (drlb_dest.neigh_ev). A neighbour entry may serve the dests of
 * many services: each gets its event.
 */
static void drlb_event_neigh_scan(struct drlb_net *dn)
{
	struct drlb_service *svc;
	struct drlb_dest *dest;
	unsigned int b;
	u8 state;

	lockdep_assert_held(&dn->lock);
	for (b = 0; dn->num_services && b < DRLB_SVC_BUCKETS; b++) {
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode) {
			list_for_each_entry(dest, &svc->dests, list) {
				state = drlb_dest_neigh_state(dest);
				if (state == dest->neigh_ev)
					continue;
				dest->neigh_ev = state;
				drlb_event_svc(dn, DRLB_EV_NEIGH, svc, dest,
					       NULL);
			}
		}
	}
}

static void drlb_event_work(struct work_struct *work)
{
	struct drlb_net *dn = container_of(work, struct drlb_net, ev_work);

	/* In the order they happen: full, the first flow without entry, ok. */
	if (test_and_clear_bit(DRLB_EVP_FULL, &dn->ev_flags))
		drlb_event_table(dn, DRLB_EV_TABLE_FULL);
	if (test_and_clear_bit(DRLB_EVP_STATELESS, &dn->ev_flags))
		drlb_event_table(dn, DRLB_EV_STATELESS);
	if (test_and_clear_bit(DRLB_EVP_OK, &dn->ev_flags))
		drlb_event_table(dn, DRLB_EV_TABLE_OK);
	if (test_and_clear_bit(DRLB_EVP_NEIGH, &dn->ev_flags)) {
		mutex_lock(&dn->lock);
		drlb_event_neigh_scan(dn);
		mutex_unlock(&dn->lock);
	}
}

/* Flag @bit (DRLB_EVP_*) and have the work send it. Any context. */
void drlb_event_kick(struct drlb_net *dn, unsigned int bit)
{
	unsigned long flags;

	spin_lock_irqsave(&drlb_ev_lock, flags);
	if (!dn->ev_dead && !drlb_ev_off) {
		set_bit(bit, &dn->ev_flags);
		queue_work(drlb_ev_wq, &dn->ev_work);
	}
	spin_unlock_irqrestore(&drlb_ev_lock, flags);
}

/* The table refused an entry: flag TABLE_FULL once until it recovers. */
void drlb_event_table_full(struct drlb_net *dn, bool stateless)
{
	if (!test_bit(DRLB_EVS_FULL, &dn->ev_flags) &&
	    !test_and_set_bit(DRLB_EVS_FULL, &dn->ev_flags))
		drlb_event_kick(dn, DRLB_EVP_FULL);
	if (stateless && !test_bit(DRLB_EVS_STATELESS, &dn->ev_flags) &&
	    !test_and_set_bit(DRLB_EVS_STATELESS, &dn->ev_flags))
		drlb_event_kick(dn, DRLB_EVP_STATELESS);
}

/* From the GC: is a full table back below 9/10 of its bound? */
void drlb_event_table_check(struct drlb_net *dn)
{
	u64 max = READ_ONCE(dn->cfg.conn_max);

	if (!test_bit(DRLB_EVS_FULL, &dn->ev_flags) ||
	    (u64)drlb_conn_entries(dn) * 10 > max * 9)
		return;
	clear_bit(DRLB_EVS_STATELESS, &dn->ev_flags);
	if (test_and_clear_bit(DRLB_EVS_FULL, &dn->ev_flags))
		drlb_event_kick(dn, DRLB_EVP_OK);
}

/* A neighbour entry changed: maybe a real server's (atomic context). */
static int drlb_netevent(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	struct neighbour *n = ptr;
	struct drlb_net *dn;

	if (event != NETEVENT_NEIGH_UPDATE || n->tbl != &arp_tbl)
		return NOTIFY_DONE;
	dn = drlb_pernet(dev_net(n->dev));
	if (READ_ONCE(dn->num_services) && drlb_event_listened(dn))
		drlb_event_kick(dn, DRLB_EVP_NEIGH);
	return NOTIFY_DONE;
}

static struct notifier_block drlb_netevent_nb = {
	.notifier_call = drlb_netevent,
};

void drlb_event_net_init(struct drlb_net *dn)
{
	INIT_WORK(&dn->ev_work, drlb_event_work);
}

/* Nothing is queued after this, and the work has finished. */
void drlb_event_net_exit(struct drlb_net *dn)
{
	spin_lock_irq(&drlb_ev_lock);
	dn->ev_dead = true;
	spin_unlock_irq(&drlb_ev_lock);
	cancel_work_sync(&dn->ev_work);
}

int __init drlb_event_module_init(void)
{
	int err;

	drlb_ev_wq = alloc_workqueue("drlb_events", 0, 0);
	if (!drlb_ev_wq)
		return -ENOMEM;
	err = register_netevent_notifier(&drlb_netevent_nb);
	if (err)
		destroy_workqueue(drlb_ev_wq);
	return err;
}

/*
 * Before the family goes: no work is queued from here on, and those
 * queued have sent their events.
 */
void drlb_event_stop(void)
{
	spin_lock_irq(&drlb_ev_lock);
	drlb_ev_off = true;
	spin_unlock_irq(&drlb_ev_lock);
	flush_workqueue(drlb_ev_wq);
}

void drlb_event_module_exit(void)
{
	unregister_netevent_notifier(&drlb_netevent_nb);
	destroy_workqueue(drlb_ev_wq);
}
