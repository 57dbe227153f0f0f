// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: DRLB_CMD_GET_CONN - dump of the connection table, or the count of
 * its entries (do) - and DRLB_CMD_DEL_CONN, which removes entries. All
 * three take the same filter: a service, and DRLB_A_CONN's criteria
 * (struct drlb_conn_filter).
 *
 * The dump walks the table with the core's drlb_conn_walk() (conn.c),
 * one skb at a time under RCU, its place kept in cb->args between skbs:
 * a table that changes between two skbs may show an entry twice or miss
 * one, like any netlink dump. While a resize moves entries, the old
 * table is walked, then the new one (an entry may show twice, none is
 * missed); a dump that spans a resize goes on in the new table (or
 * starts over in it) and is flagged NLM_F_DUMP_INTR. Client addresses
 * are sensitive: the command needs CAP_NET_ADMIN (netlink.c).
 */

#include <linux/jiffies.h>
#include <net/sock.h>
#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"

/* The criteria of a filter (DRLB_A_CONN in a request). */
const struct nla_policy drlb_conn_filter_policy[DRLB_CONN_A_MAX + 1] = {
	[DRLB_CONN_A_AF]	= { .type = NLA_U16 },
	[DRLB_CONN_A_PROTOCOL]	= { .type = NLA_U8 },
	[DRLB_CONN_A_CADDR]	= { .type = NLA_BINARY, .len = 16 },
	[DRLB_CONN_A_CPREFIX]	= NLA_POLICY_MAX(NLA_U8, 128),
	[DRLB_CONN_A_CPORT]	= { .type = NLA_U16 },
	[DRLB_CONN_A_DADDR]	= { .type = NLA_BINARY, .len = 16 },
	[DRLB_CONN_A_STATE]	= NLA_POLICY_MAX(NLA_U8, __DRLB_CONN_S_MAX - 1),
	[DRLB_CONN_A_PERSIST]	= { .type = NLA_FLAG },
	[DRLB_CONN_A_VADDR]	= { .type = NLA_REJECT },
	[DRLB_CONN_A_VPORT]	= { .type = NLA_REJECT },
	[DRLB_CONN_A_EXPIRES_MS] = { .type = NLA_REJECT },
};

/*
 * An address criterion of @f's family: 4 bytes for IPv4, 16 for IPv6.
 */
static int drlb_conn_filter_addr(struct nlattr *a, bool v6,
				 union drlb_addr *out,
				 struct netlink_ext_ack *extack)
{
	memset(out, 0, sizeof(*out));
	if (nla_len(a) != (v6 ? 16 : 4)) {
		if (v6)
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "an AF_INET6 address is 16 bytes");
		else
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "an AF_INET address is 4 bytes");
		return -EINVAL;
	}
	nla_memcpy(out, a, nla_len(a));
	return 0;
}

/*
 * @attrs' DRLB_A_CONN into @f (the service is the caller's). Criteria
 * only. The addresses' family is DRLB_CONN_A_AF's, else their length's;
 * a family other than AF_INET and AF_INET6 is refused.
 */
static int drlb_conn_filter_parse(struct nlattr **attrs,
				  struct drlb_conn_filter *f,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[DRLB_CONN_A_MAX + 1];
	struct nlattr *a;
	u8 plen;
	int err;

	if (!attrs[DRLB_A_CONN])
		return 0;
	err = nla_parse_nested(tb, DRLB_CONN_A_MAX, attrs[DRLB_A_CONN],
			       drlb_conn_filter_policy, extack);
	if (err)
		return err;
	if (tb[DRLB_CONN_A_AF]) {
		u16 af = nla_get_u16(tb[DRLB_CONN_A_AF]);

		if (af != AF_INET && af != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, tb[DRLB_CONN_A_AF],
					    "only AF_INET and AF_INET6 flows exist");
			return -EAFNOSUPPORT;
		}
		f->v6 = af == AF_INET6;
	} else {
		a = tb[DRLB_CONN_A_CADDR] ?: tb[DRLB_CONN_A_DADDR];
		f->v6 = a && nla_len(a) == 16;
	}
	if (tb[DRLB_CONN_A_CPREFIX] && !tb[DRLB_CONN_A_CADDR]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[DRLB_CONN_A_CPREFIX],
				    "a client prefix length needs a client address");
		return -EINVAL;
	}
	if (tb[DRLB_CONN_A_PROTOCOL]) {
		f->has_proto = true;
		f->proto = nla_get_u8(tb[DRLB_CONN_A_PROTOCOL]);
	}
	if (tb[DRLB_CONN_A_CADDR]) {
		plen = f->v6 ? 128 : 32;
		if (tb[DRLB_CONN_A_CPREFIX]) {
			if (nla_get_u8(tb[DRLB_CONN_A_CPREFIX]) > plen) {
				NL_SET_ERR_MSG_ATTR(extack,
						    tb[DRLB_CONN_A_CPREFIX],
						    "an IPv4 client prefix is 0 to 32 bits");
				return -ERANGE;
			}
			plen = nla_get_u8(tb[DRLB_CONN_A_CPREFIX]);
		}
		err = drlb_conn_filter_addr(tb[DRLB_CONN_A_CADDR], f->v6,
					    &f->caddr, extack);
		if (err)
			return err;
		f->has_caddr = true;
		f->cplen = plen;
		drlb_addr_prefix(&f->caddr, &f->caddr, plen, f->v6);
	}
	if (tb[DRLB_CONN_A_CPORT]) {
		f->has_cport = true;
		f->cport = htons(nla_get_u16(tb[DRLB_CONN_A_CPORT]));
	}
	if (tb[DRLB_CONN_A_DADDR]) {
		err = drlb_conn_filter_addr(tb[DRLB_CONN_A_DADDR], f->v6,
					    &f->daddr, extack);
		if (err)
			return err;
		f->has_daddr = true;
	}
	if (tb[DRLB_CONN_A_STATE]) {
		f->has_state = true;
		f->state = nla_get_u8(tb[DRLB_CONN_A_STATE]);
	}
	f->templates = nla_get_flag(tb[DRLB_CONN_A_PERSIST]);
	return 0;
}

/* cb->args[5]: the filter (its service held), made here, freed at done. */
int drlb_nl_dump_conn_start(struct netlink_callback *cb)
{
	struct drlb_conn_filter *f;
	struct drlb_service *svc;
	int err;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	err = drlb_conn_filter_parse(drlb_dump_attrs(cb), f, cb->extack);
	if (!err && drlb_dump_attrs(cb)[DRLB_A_SERVICE]) {
		svc = drlb_nl_dump_svc_get(cb);
		if (IS_ERR(svc))
			err = PTR_ERR(svc);
		else
			f->svc = svc;
	}
	if (err) {
		kfree(f);
		return err;
	}
	cb->args[5] = (unsigned long)f;
	return 0;
}

static void drlb_conn_filter_free(struct drlb_conn_filter *f)
{
	if (f && f->svc)
		drlb_svc_put((struct drlb_service *)f->svc);
	kfree(f);
}

int drlb_nl_dump_conn_done(struct netlink_callback *cb)
{
	drlb_conn_filter_free((struct drlb_conn_filter *)cb->args[5]);
	return 0;
}

static int drlb_nl_put_conn(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct drlb_conn *c)
{
	long left = (long)(READ_ONCE(c->expires) - jiffies);
	bool tmpl = c->flags & DRLB_CONN_F_TEMPLATE;
	u8 state = READ_ONCE(c->state);
	u16 af = drlb_conn_v6(c) ? AF_INET6 : AF_INET;
	union drlb_addr caddr, vaddr;
	struct nlattr *nest;
	void *hdr;

	hdr = drlb_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
			      cb->nlh->nlmsg_seq, NLM_F_MULTI,
			      DRLB_CMD_GET_CONN);
	if (!hdr)
		return -EMSGSIZE;
	drlb_conn_addrs(c, &caddr, &vaddr);
	nest = nla_nest_start(skb, DRLB_A_CONN);
	if (!nest ||
	    nla_put_u16(skb, DRLB_CONN_A_AF, af) ||
	    nla_put_u8(skb, DRLB_CONN_A_PROTOCOL, c->proto) ||
	    drlb_nl_put_addr(skb, DRLB_CONN_A_CADDR, af, &caddr) ||
	    nla_put_u16(skb, DRLB_CONN_A_CPORT, ntohs(c->cport)) ||
	    drlb_nl_put_addr(skb, DRLB_CONN_A_VADDR, af, &vaddr) ||
	    nla_put_u16(skb, DRLB_CONN_A_VPORT, ntohs(c->vport)) ||
	    drlb_nl_put_addr(skb, DRLB_CONN_A_DADDR, af, &c->dest->addr) ||
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
 * cb->args: [0] bucket, [1] entries of it passed, [3] generation of the
 * table walked, [4] 0 in it, 1 in its @next, 2 done (struct
 * drlb_conn_pos, the walk's place between skbs), [5] the filter (see
 * start).
 */
int drlb_nl_dump_conn(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct drlb_net *dn = drlb_pernet(sock_net(skb->sk));
	const struct drlb_conn_filter *f = (void *)cb->args[5];
	struct drlb_conn_pos p = {
		.bucket = cb->args[0], .skip = cb->args[1],
		.gen = cb->args[3], .half = cb->args[4],
	};
	struct drlb_conn *c;

	rcu_read_lock();
	while ((c = drlb_conn_walk(dn, &p))) {
		/* Full: the next skb starts with @c. */
		if (drlb_conn_filter_match(f, c) && drlb_nl_put_conn(skb, cb, c))
			break;
		p.skip++;
	}
	rcu_read_unlock();
	/* Flags the dump if the table changes between two of its skbs. */
	cb->seq = p.gen;
	cb->args[0] = p.bucket;
	cb->args[1] = p.skip;
	cb->args[3] = p.gen;
	cb->args[4] = p.half;
	return skb->len;
}

/* The filter of a GET_CONN or DEL_CONN do, its service held. */
static int drlb_nl_conn_filter(struct genl_info *info,
			       struct drlb_conn_filter *f)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct drlb_service *svc;
	int err;

	memset(f, 0, sizeof(*f));
	err = drlb_conn_filter_parse(info->attrs, f, info->extack);
	if (err || !info->attrs[DRLB_A_SERVICE])
		return err;
	svc = drlb_nl_svc_get(dn, info->attrs, info->extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	f->svc = svc;
	return 0;
}

/* Matching entries. */
static unsigned long drlb_conn_count(struct drlb_net *dn,
				     const struct drlb_conn_filter *f)
{
	struct drlb_conn_pos p = {};
	unsigned long n = 0;
	struct drlb_conn *c;

	rcu_read_lock();
	for (; (c = drlb_conn_walk(dn, &p)); p.skip++)
		if (drlb_conn_filter_match(f, c))
			n++;
	rcu_read_unlock();
	return n;
}

static int drlb_nl_conn_reply(struct genl_info *info, u8 cmd, u64 count)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = drlb_nl_put_hdr(msg, info->snd_portid, info->snd_seq, 0, cmd);
	if (!hdr || nla_put_u64_64bit(msg, DRLB_A_COUNT, count, DRLB_A_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * GET_CONN do: how many entries match, without sending them (a million
 * entries are counted in one request). The walk is under RCU, like the
 * dump: a table resized meanwhile is counted in both its halves.
 */
int drlb_nl_get_conn(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct drlb_conn_filter f;
	unsigned long n;
	int err;

	err = drlb_nl_conn_filter(info, &f);
	if (err)
		return err;
	n = drlb_conn_count(dn, &f);
	if (f.svc)
		drlb_svc_put((struct drlb_service *)f.svc);
	return drlb_nl_conn_reply(info, DRLB_CMD_GET_CONN, n);
}

/* DEL_CONN: remove the matching entries; replies with their number. */
int drlb_nl_del_conn(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct drlb_conn_filter f;
	unsigned long n;
	int err;

	err = drlb_nl_conn_filter(info, &f);
	if (err)
		return err;
	n = drlb_conn_delete(dn, &f);
	if (f.svc)
		drlb_svc_put((struct drlb_service *)f.svc);
	return drlb_nl_conn_reply(info, DRLB_CMD_DEL_CONN, n);
}
