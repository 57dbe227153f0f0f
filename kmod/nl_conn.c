// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: DRLB_CMD_GET_CONN - dump of the connection table, optionally only
 * the flows (and templates) of one service.
 *
 * The dump walks the buckets under RCU, one skb at a time, and resumes at
 * (cb->args[0] bucket, cb->args[1] entries of it already passed) of the
 * table of generation cb->args[3]; a table that changes between two skbs
 * may show an entry twice or miss one, like any netlink dump. While a
 * resize moves entries, the old table is walked, then the new one (an
 * entry may show twice, none is missed within one skb); a dump that
 * spans a resize starts over on the new table and is flagged
 * NLM_F_DUMP_INTR. Client addresses are sensitive: the command
 * needs CAP_NET_ADMIN (netlink.c).
 */

#include <linux/jiffies.h>
#include <net/sock.h>
#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"

/* cb->args[2]: the service filtered on (held), or 0. */
int drlb_nl_dump_conn_start(struct netlink_callback *cb)
{
	struct drlb_service *svc;

	if (!drlb_dump_attrs(cb)[DRLB_A_SERVICE])
		return 0;
	svc = drlb_nl_dump_svc_get(cb);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	cb->args[2] = (unsigned long)svc;
	return 0;
}

int drlb_nl_dump_conn_done(struct netlink_callback *cb)
{
	struct drlb_service *svc = (struct drlb_service *)cb->args[2];

	if (svc)
		drlb_svc_put(svc);
	return 0;
}

static int drlb_nl_put_conn(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct drlb_conn *c)
{
	long left = (long)(READ_ONCE(c->expires) - jiffies);
	bool tmpl = c->flags & DRLB_CONN_F_TEMPLATE;
	u8 state = READ_ONCE(c->state);
	struct nlattr *nest;
	void *hdr;

	hdr = drlb_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
			      cb->nlh->nlmsg_seq, NLM_F_MULTI,
			      DRLB_CMD_GET_CONN);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, DRLB_A_CONN);
	if (!nest ||
	    nla_put_u16(skb, DRLB_CONN_A_AF, AF_INET) ||
	    nla_put_u8(skb, DRLB_CONN_A_PROTOCOL, c->proto) ||
	    nla_put_in_addr(skb, DRLB_CONN_A_CADDR, c->caddr) ||
	    nla_put_u16(skb, DRLB_CONN_A_CPORT, ntohs(c->cport)) ||
	    nla_put_in_addr(skb, DRLB_CONN_A_VADDR, c->vaddr) ||
	    nla_put_u16(skb, DRLB_CONN_A_VPORT, ntohs(c->vport)) ||
	    nla_put_in_addr(skb, DRLB_CONN_A_DADDR, c->dest->addr) ||
	    nla_put_u8(skb, DRLB_CONN_A_STATE,
		       state < __DRLB_CONN_S_MAX ? state : DRLB_CONN_S_CLOSE) ||
	    nla_put_u32(skb, DRLB_CONN_A_EXPIRES_MS,
			left > 0 ? jiffies_to_msecs(left) : 0) ||
	    (tmpl && nla_put_flag(skb, DRLB_CONN_A_PERSIST))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Entries of @t from bucket cb->args[0], cb->args[1] of them passed, into
 * @skb; false when it is full (the position saved).
 */
static bool drlb_nl_dump_conn_tab(struct sk_buff *skb,
				  struct netlink_callback *cb,
				  const struct drlb_conn_tab *t,
				  const struct drlb_service *svc)
{
	unsigned long b = cb->args[0], skip = cb->args[1];
	unsigned long size = 1UL << t->bits;
	struct hlist_nulls_node *n;
	struct drlb_conn *c;

	for (; b < size; b++, skip = 0) {
		unsigned long i = 0;

		hlist_nulls_for_each_entry_rcu(c, n, &t->buckets[b], node) {
			if (i++ < skip)
				continue;
			if (READ_ONCE(c->state) == DRLB_CONN_S_DEAD ||
			    (svc && c->dest->svc != svc))
				continue;
			if (drlb_nl_put_conn(skb, cb, c)) {
				cb->args[0] = b;
				cb->args[1] = i - 1;
				return false;
			}
		}
	}
	cb->args[0] = 0;
	cb->args[1] = 0;
	return true;
}

/*
 * cb->args: [0] bucket, [1] entries of it passed, [2] the service (see
 * start), [3] generation of the table walked, [4] 0 in it, 1 in its
 * @next, 2 done.
 */
int drlb_nl_dump_conn(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(skb->sk));
	struct drlb_service *svc = (struct drlb_service *)cb->args[2];
	const struct drlb_conn_tab *t, *nt;

	rcu_read_lock();
	t = rcu_dereference(dn->conn);
	if (!t)
		goto out;
	/* Flags the dump if the table changes between two of its skbs. */
	cb->seq = t->gen;
	if (cb->args[3] && cb->args[3] != t->gen) {
		/* Replaced (resized) since the last skb: start over. */
		cb->args[0] = 0;
		cb->args[1] = 0;
		cb->args[4] = 0;
	}
	cb->args[3] = t->gen;
	if (cb->args[4] == 0) {
		if (!drlb_nl_dump_conn_tab(skb, cb, t, svc))
			goto out;
		cb->args[4] = 1;
	}
	if (cb->args[4] == 1) {
		nt = rcu_dereference(t->next);
		if (nt && !drlb_nl_dump_conn_tab(skb, cb, nt, svc))
			goto out;
		cb->args[4] = 2;	/* done */
	}
out:
	rcu_read_unlock();
	return skb->len;
}
