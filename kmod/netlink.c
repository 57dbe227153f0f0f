// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: generic netlink family "drlb" - the family, its attribute policies
 * and its operations table. The protocol is documented in
 * include/uapi/linux/drlb.h; handlers for each kind of object live in their
 * own files and are listed here.
 *
 * Every operation has its own top-level policy and is validated strictly
 * (resv_start_op covers all commands). Every operation but GET_INFO
 * (version, API, features, schedulers) carries GENL_ADMIN_PERM:
 * CAP_NET_ADMIN in the initial user namespace, as IPVS does for all of
 * its operations. Changes need it because the tables are not charged to
 * the caller's memory cgroup; reads because they show real servers'
 * addresses and MACs, the counters and the flows, and take drlb_net.lock.
 * Not GENL_UNS_ADMIN_PERM (CAP_NET_ADMIN over the netns's user namespace):
 * the root of a user namespace can never create drlb state, so there is
 * nothing for it to read, and one rule for every operation is easier to
 * get right than two.
 *
 * The "monitor" multicast group (events, event.c) can be joined only with
 * CAP_NET_ADMIN (GENL_MCAST_CAP_NET_ADMIN, checked by genetlink over the
 * namespace's user namespace): events of a namespace reach only its own
 * sockets, and a namespace whose admin is not the initial namespace's
 * has no drlb state to report.
 *
 * A rejected request says why in its extack: NL_SET_ERR_MSG_MOD (the
 * "drlb: " prefix, which drlbctl strips) and, for the attribute to blame,
 * NL_SET_BAD_ATTR or NL_REQ_ATTR_CHECK. The messages are constant strings:
 * 6.1 has no formatted ones (NL_SET_ERR_MSG_FMT_MOD is 6.2's).
 */

#include <linux/in.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"
#include "sched.h"

/* ---- attribute policies ------------------------------------------------ */

/*
 * nla_policy.min/max are s16: u32 ranges need a netlink_range_validation
 * (not const: 6.1 declares the policy pointer without const).
 */
static struct netlink_range_validation drlb_timeout_range = {
	.min = 1, .max = DRLB_TIMEOUT_MAX,
};

static struct netlink_range_validation drlb_persist_range = {
	.min = 0, .max = DRLB_TIMEOUT_MAX,
};

static struct netlink_range_validation drlb_weight_range = {
	.min = 0, .max = 65535,
};

static struct netlink_range_validation drlb_thresh_range = {
	.min = 0, .max = INT_MAX,
};

static struct netlink_range_validation drlb_conn_max_range = {
	.min = 1, .max = 1U << 26,
};

static struct netlink_range_validation drlb_mh_size_range = {
	.min = 251, .max = 1048573,
};

const struct nla_policy drlb_svc_policy[DRLB_SVC_A_MAX + 1] = {
	[DRLB_SVC_A_AF]			= { .type = NLA_U16 },
	[DRLB_SVC_A_PROTOCOL]		= { .type = NLA_U8 },
	[DRLB_SVC_A_ADDR]		= { .type = NLA_BINARY, .len = 16 },
	[DRLB_SVC_A_PORT]		= { .type = NLA_U16 },
	[DRLB_SVC_A_SCHED_NAME]		= { .type = NLA_NUL_STRING,
					    .len = DRLB_SCHED_NAME_MAX - 1 },
	[DRLB_SVC_A_PERSIST_TIMEOUT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_persist_range),
	[DRLB_SVC_A_PERSIST_NETMASK]	= NLA_POLICY_MAX(NLA_U8, 128),
	[DRLB_SVC_A_EXPIRE_NODEST]	= NLA_POLICY_MAX(NLA_U8, 1),
	[DRLB_SVC_A_NUM_DESTS]		= { .type = NLA_REJECT },
	[DRLB_SVC_A_STATS]		= { .type = NLA_REJECT },
	[DRLB_SVC_A_MIDSTREAM]		= NLA_POLICY_MAX(NLA_U8, 1),
	[DRLB_SVC_A_FWMARK]		= NLA_POLICY_MIN(NLA_U32, 1),
	[DRLB_SVC_A_SCHED_FLAGS]	= NLA_POLICY_MASK(NLA_U32, DRLB_SCHED_F_ALL),
	[DRLB_SVC_A_ONEPACKET]		= NLA_POLICY_MAX(NLA_U8, 1),
};

const struct nla_policy drlb_dest_policy[DRLB_DEST_A_MAX + 1] = {
	[DRLB_DEST_A_AF]		= { .type = NLA_U16 },
	[DRLB_DEST_A_ADDR]		= { .type = NLA_BINARY, .len = 16 },
	[DRLB_DEST_A_WEIGHT]		= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_weight_range),
	[DRLB_DEST_A_ACTIVE_CONNS]	= { .type = NLA_REJECT },
	[DRLB_DEST_A_INACTIVE_CONNS]	= { .type = NLA_REJECT },
	[DRLB_DEST_A_IFINDEX]		= { .type = NLA_REJECT },
	[DRLB_DEST_A_LLADDR]		= { .type = NLA_REJECT },
	[DRLB_DEST_A_STATS]		= { .type = NLA_REJECT },
	[DRLB_DEST_A_NEIGH]		= { .type = NLA_REJECT },
	[DRLB_DEST_A_U_THRESH]		= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_thresh_range),
	[DRLB_DEST_A_L_THRESH]		= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_thresh_range),
	[DRLB_DEST_A_PERSIST_CONNS]	= { .type = NLA_REJECT },
	[DRLB_DEST_A_OVERLOADED]	= { .type = NLA_REJECT },
};

const struct nla_policy drlb_cfg_policy[DRLB_CFG_A_MAX + 1] = {
	[DRLB_CFG_A_TIMEOUT_TCP_EST]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_timeout_range),
	[DRLB_CFG_A_TIMEOUT_TCP_SYN]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_timeout_range),
	[DRLB_CFG_A_TIMEOUT_TCP_FIN]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_timeout_range),
	[DRLB_CFG_A_TIMEOUT_TCP_CLOSE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_timeout_range),
	[DRLB_CFG_A_TIMEOUT_UDP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_timeout_range),
	[DRLB_CFG_A_TIMEOUT_SCTP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_timeout_range),
	[DRLB_CFG_A_TIMEOUT_OTHER]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_timeout_range),
	[DRLB_CFG_A_CONN_MAX]		= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_conn_max_range),
	[DRLB_CFG_A_MH_TABLE_SIZE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &drlb_mh_size_range),
	[DRLB_CFG_A_MH_SEED]		= { .type = NLA_U32 },
	[DRLB_CFG_A_CONN_COUNT]		= { .type = NLA_REJECT },
	[DRLB_CFG_A_CONN_ENTRY_SIZE]	= { .type = NLA_REJECT },
	[DRLB_CFG_A_CONN_ENTRY_SIZE6]	= { .type = NLA_REJECT },
	[DRLB_CFG_A_CONN_BUCKETS]	= { .type = NLA_REJECT },
	[DRLB_CFG_A_CONN_CHAIN_MAX]	= { .type = NLA_REJECT },
	[DRLB_CFG_A_BYPASS_MARK]	= { .type = NLA_U32 },
	[DRLB_CFG_A_CLUSTER]		= NLA_POLICY_MAX(NLA_U32, 1),
};

const struct nla_policy drlb_arp_policy[DRLB_ARP_A_MAX + 1] = {
	[DRLB_ARP_A_AF]			= { .type = NLA_U16 },
	[DRLB_ARP_A_ADDR]		= { .type = NLA_BINARY, .len = 16 },
	[DRLB_ARP_A_IFINDEX]		= { .type = NLA_U32 },
	[DRLB_ARP_A_STATS]		= { .type = NLA_REJECT },
	[DRLB_ARP_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, DRLB_ARP_F_ALL),
};

/* GET_INFO, GET_CONFIG and GET_STATS take no attributes: this rejects any. */
static const struct nla_policy drlb_info_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_VERSION]		= { .type = NLA_REJECT },
};

/* ---- shared helpers ---------------------------------------------------- */

int drlb_nl_get_af4(struct nlattr *nest, struct nlattr **tb, int af_type,
		    struct netlink_ext_ack *extack)
{
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, af_type)) {
		NL_SET_ERR_MSG_MOD(extack, "address family missing");
		return -EINVAL;
	}
	if (nla_get_u16(tb[af_type]) != AF_INET) {
		NL_SET_ERR_MSG_MOD(extack, "only AF_INET is supported");
		NL_SET_BAD_ATTR(extack, tb[af_type]);
		return -EAFNOSUPPORT;
	}
	return 0;
}

int drlb_nl_get_af(struct nlattr *nest, struct nlattr **tb, int af_type,
		   u16 *af, struct netlink_ext_ack *extack)
{
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, af_type)) {
		NL_SET_ERR_MSG_MOD(extack, "address family missing");
		return -EINVAL;
	}
	*af = nla_get_u16(tb[af_type]);
	if (*af != AF_INET && *af != AF_INET6) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the address family must be AF_INET or AF_INET6");
		NL_SET_BAD_ATTR(extack, tb[af_type]);
		return -EAFNOSUPPORT;
	}
	return 0;
}

int drlb_nl_get_addr(struct nlattr *nest, struct nlattr **tb, int af_type,
		     int addr_type, u16 *af, union drlb_addr *addr,
		     struct netlink_ext_ack *extack)
{
	int err;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, af_type)) {
		NL_SET_ERR_MSG_MOD(extack, "address family missing");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, addr_type)) {
		NL_SET_ERR_MSG_MOD(extack, "address missing");
		return -EINVAL;
	}
	err = drlb_nl_get_af(nest, tb, af_type, af, extack);
	if (err)
		return err;
	memset(addr, 0, sizeof(*addr));
	if (*af == AF_INET6) {
		if (nla_len(tb[addr_type]) != sizeof(addr->in6)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an AF_INET6 address is 16 bytes");
			NL_SET_BAD_ATTR(extack, tb[addr_type]);
			return -EINVAL;
		}
		addr->in6 = nla_get_in6_addr(tb[addr_type]);
		return 0;
	}
	if (nla_len(tb[addr_type]) != sizeof(addr->ip)) {
		NL_SET_ERR_MSG_MOD(extack, "an AF_INET address is 4 bytes");
		NL_SET_BAD_ATTR(extack, tb[addr_type]);
		return -EINVAL;
	}
	addr->ip = nla_get_in_addr(tb[addr_type]);
	return 0;
}

bool drlb_nl_addr_ok(u16 af, const union drlb_addr *a)
{
	int t;

	if (af == AF_INET)
		return drlb_nl_addr_unicast(a->ip);
	t = ipv6_addr_type(&a->in6);
	return (t & IPV6_ADDR_UNICAST) &&
	       !(t & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_LINKLOCAL |
		      IPV6_ADDR_MAPPED));
}

int drlb_nl_put_addr(struct sk_buff *msg, int attr, u16 af,
		     const union drlb_addr *a)
{
	if (af == AF_INET6)
		return nla_put_in6_addr(msg, attr, &a->in6);
	return nla_put_in_addr(msg, attr, a->ip);
}

int drlb_nl_get_addr4(struct nlattr *nest, struct nlattr **tb,
		      int af_type, int addr_type, __be32 *addr,
		      struct netlink_ext_ack *extack)
{
	int err;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, af_type)) {
		NL_SET_ERR_MSG_MOD(extack, "address family missing");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, addr_type)) {
		NL_SET_ERR_MSG_MOD(extack, "address missing");
		return -EINVAL;
	}
	err = drlb_nl_get_af4(nest, tb, af_type, extack);
	if (err)
		return err;
	if (nla_len(tb[addr_type]) != sizeof(*addr)) {
		NL_SET_ERR_MSG_MOD(extack, "an AF_INET address is 4 bytes");
		NL_SET_BAD_ATTR(extack, tb[addr_type]);
		return -EINVAL;
	}
	*addr = nla_get_in_addr(tb[addr_type]);
	return 0;
}

void *drlb_nl_put_hdr(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		      u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &drlb_genl_family, flags, cmd);
}

/*
 * The reply to a service or dest do request: @svc (full), or @svc's keys
 * and @dest.
 */
int drlb_nl_svc_reply(struct genl_info *info, u8 cmd,
		      struct drlb_service *svc, struct drlb_dest *dest)
{
	bool stats = !info->attrs[DRLB_A_NO_STATS];
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = drlb_nl_put_hdr(msg, info->snd_portid, info->snd_seq, 0, cmd);
	if (!hdr || drlb_nl_put_svc(msg, svc, !dest, stats) ||
	    (dest && drlb_nl_put_dest(msg, dest, stats))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * One message of a service or dest dump, as drlb_nl_svc_reply() builds
 * it; 0, or -EMSGSIZE when @skb is full.
 */
int drlb_nl_svc_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd, struct drlb_service *svc,
			 struct drlb_dest *dest)
{
	bool stats = !drlb_dump_attrs(cb)[DRLB_A_NO_STATS];
	void *hdr;

	hdr = drlb_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
			      cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (drlb_nl_put_svc(skb, svc, !dest, stats) ||
	    (dest && drlb_nl_put_dest(skb, dest, stats))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* ---- DRLB_CMD_GET_INFO ------------------------------------------------- */

static int drlb_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = drlb_nl_put_hdr(msg, info->snd_portid, info->snd_seq, 0,
			      DRLB_CMD_GET_INFO);
	if (!hdr)
		goto err_size;

	if (nla_put_string(msg, DRLB_A_VERSION, DRLB_VERSION) ||
	    nla_put_u32(msg, DRLB_A_API_VERSION, DRLB_API_VERSION) ||
	    nla_put_u64_64bit(msg, DRLB_A_FEATURES, DRLB_FEATURES,
			      DRLB_A_PAD) ||
	    drlb_sched_put_names(msg, DRLB_A_SCHEDULERS))
		goto err_size;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_size:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- the family -------------------------------------------------------- */

/* Per-command top-level policies: each accepts only what its command reads. */
static const struct nla_policy drlb_config_set_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_CONFIG]		= NLA_POLICY_NESTED(drlb_cfg_policy),
};

/* Service commands, ZERO and GET_CONN (its filter): one service. */
static const struct nla_policy drlb_svc_req_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_SERVICE]	= NLA_POLICY_NESTED(drlb_svc_policy),
};

/* GET_CONN and DEL_CONN: a service and DRLB_A_CONN's criteria. */
static const struct nla_policy drlb_conn_req_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_SERVICE]	= NLA_POLICY_NESTED(drlb_svc_policy),
	[DRLB_A_CONN]		= NLA_POLICY_NESTED(drlb_conn_filter_policy),
};

/* Dest commands: a service and one of its dests. */
static const struct nla_policy drlb_dest_req_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_SERVICE]	= NLA_POLICY_NESTED(drlb_svc_policy),
	[DRLB_A_DEST]		= NLA_POLICY_NESTED(drlb_dest_policy),
};

/* GET_SERVICE: a service, or none (a dump); the counters or not. */
static const struct nla_policy drlb_svc_get_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_SERVICE]	= NLA_POLICY_NESTED(drlb_svc_policy),
	[DRLB_A_NO_STATS]	= { .type = NLA_FLAG },
};

/* GET_DEST: a service and a dest, a service (a dump) or none (all). */
static const struct nla_policy drlb_dest_get_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_SERVICE]	= NLA_POLICY_NESTED(drlb_svc_policy),
	[DRLB_A_DEST]		= NLA_POLICY_NESTED(drlb_dest_policy),
	[DRLB_A_NO_STATS]	= { .type = NLA_FLAG },
};

static const struct nla_policy drlb_flush_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_FLUSH_ARP]	= { .type = NLA_FLAG },
};

static const struct genl_ops drlb_genl_ops[] = {
	{
		/* The one operation open to every user (drlbctl's API check). */
		.cmd = DRLB_CMD_GET_INFO,
		.doit = drlb_nl_get_info,
		.policy = drlb_info_policy,
		.maxattr = DRLB_A_MAX,
	},
	{
		.cmd = DRLB_CMD_GET_CONFIG,
		.doit = drlb_nl_get_config,
		.policy = drlb_info_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_SET_CONFIG,
		.doit = drlb_nl_set_config,
		.policy = drlb_config_set_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_NEW_SERVICE,
		.doit = drlb_nl_new_service,
		.policy = drlb_svc_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_SET_SERVICE,
		.doit = drlb_nl_set_service,
		.policy = drlb_svc_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_DEL_SERVICE,
		.doit = drlb_nl_del_service,
		.policy = drlb_svc_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		/* do: the service named; dump: every service (no filter). */
		.cmd = DRLB_CMD_GET_SERVICE,
		.doit = drlb_nl_get_service,
		.dumpit = drlb_nl_dump_service,
		.policy = drlb_svc_get_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_NEW_DEST,
		.doit = drlb_nl_new_dest,
		.policy = drlb_dest_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_SET_DEST,
		.doit = drlb_nl_set_dest,
		.policy = drlb_dest_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_DEL_DEST,
		.doit = drlb_nl_del_dest,
		.policy = drlb_dest_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		/* do: one dest; dump: the dests of the service named. */
		.cmd = DRLB_CMD_GET_DEST,
		.doit = drlb_nl_get_dest,
		.start = drlb_nl_dump_dest_start,
		.dumpit = drlb_nl_dump_dest,
		.done = drlb_nl_dump_dest_done,
		.policy = drlb_dest_get_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_FLUSH,
		.doit = drlb_nl_flush,
		.policy = drlb_flush_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		/* dump: the entries; do: their count. */
		.cmd = DRLB_CMD_GET_CONN,
		.doit = drlb_nl_get_conn,
		.start = drlb_nl_dump_conn_start,
		.dumpit = drlb_nl_dump_conn,
		.done = drlb_nl_dump_conn_done,
		.policy = drlb_conn_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_DEL_CONN,
		.doit = drlb_nl_del_conn,
		.policy = drlb_conn_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_GET_STATS,
		.doit = drlb_nl_get_stats,
		.policy = drlb_info_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_ZERO,
		.doit = drlb_nl_zero,
		.policy = drlb_svc_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	/* ARP rules (real-server role): nl_arp.c */
	{
		.cmd = DRLB_CMD_NEW_ARP,
		.doit = drlb_nl_new_arp,
		.policy = drlb_arp_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_SET_ARP,
		.doit = drlb_nl_set_arp,
		.policy = drlb_arp_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_DEL_ARP,
		.doit = drlb_nl_del_arp,
		.policy = drlb_arp_req_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRLB_CMD_GET_ARP,
		.dumpit = drlb_nl_get_arp_dump,
		.policy = drlb_arp_dump_policy,
		.maxattr = DRLB_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

struct genl_family drlb_genl_family __ro_after_init = {
	.name = DRLB_GENL_NAME,
	.version = DRLB_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = true,
	.ops = drlb_genl_ops,
	.n_ops = ARRAY_SIZE(drlb_genl_ops),
	/* Events (event.c): joined only with CAP_NET_ADMIN. */
	.mcgrps = drlb_mcgrps,
	.n_mcgrps = DRLB_N_MCGRPS,
	/* Every command is new: strict validation, reserved header checked. */
	.resv_start_op = DRLB_CMD_GET_INFO,
};

int __init drlb_genl_init(void)
{
	return genl_register_family(&drlb_genl_family);
}

void drlb_genl_exit(void)
{
	genl_unregister_family(&drlb_genl_family);
}
