// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_ipvs: the IPVS generic netlink family - its policies (those of the
 * kernel's ip_vs_ctl.c, validated strictly: an attribute IPVS does not
 * define is refused, not ignored), its operations, and the commands that
 * concern the namespace as a whole (GET_INFO, GET/SET_CONFIG, FLUSH,
 * ZERO, and the sync daemon, which drlb has not).
 *
 * Like IPVS, every operation needs CAP_NET_ADMIN in the namespace's user
 * namespace, and every error is IPVS's errno for the same request (most
 * often EINVAL; an unknown service ESRCH) with an extack message naming
 * what is wrong.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "../ctl.h"
#include "../netlink.h"
#include "ipvs.h"

static const struct nla_policy drlb_ipvs_svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF]		= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL]	= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_ADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(union nf_inet_addr) },
	[IPVS_SVC_ATTR_PORT]		= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_FWMARK]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME]	= { .type = NLA_NUL_STRING,
					    .len = IP_VS_SCHEDNAME_MAXLEN - 1 },
	[IPVS_SVC_ATTR_PE_NAME]		= { .type = NLA_NUL_STRING,
					    .len = IP_VS_PENAME_MAXLEN },
	[IPVS_SVC_ATTR_FLAGS]		= { .type = NLA_BINARY,
					    .len = sizeof(struct ip_vs_flags) },
	[IPVS_SVC_ATTR_TIMEOUT]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_NETMASK]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_STATS]		= { .type = NLA_NESTED },
};

const struct nla_policy drlb_ipvs_dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(union nf_inet_addr) },
	[IPVS_DEST_ATTR_PORT]		= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_FWD_METHOD]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_WEIGHT]		= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_U_THRESH]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS]		= { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_ADDR_FAMILY]	= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_TYPE]	= { .type = NLA_U8 },
	[IPVS_DEST_ATTR_TUN_PORT]	= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_FLAGS]	= { .type = NLA_U16 },
};

static const struct nla_policy drlb_ipvs_daemon_policy[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_IFN]	= { .type = NLA_NUL_STRING,
					    .len = IP_VS_IFNAME_MAXLEN - 1 },
	[IPVS_DAEMON_ATTR_SYNC_ID]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN]	= { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6]	= { .len = sizeof(struct in6_addr) },
	[IPVS_DAEMON_ATTR_MCAST_PORT]	= { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_TTL]	= { .type = NLA_U8 },
};

static const struct nla_policy drlb_ipvs_cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE]		= NLA_POLICY_NESTED(drlb_ipvs_svc_policy),
	[IPVS_CMD_ATTR_DEST]		= NLA_POLICY_NESTED(drlb_ipvs_dest_policy),
	[IPVS_CMD_ATTR_DAEMON]		= NLA_POLICY_NESTED(drlb_ipvs_daemon_policy),
	[IPVS_CMD_ATTR_TIMEOUT_TCP]	= { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]	= { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP]	= { .type = NLA_U32 },
};

/* ---- service keys --------------------------------------------------- */

int drlb_ipvs_parse_svc_key(struct nlattr *nest, struct nlattr **tb,
			    struct drlb_svc_key *k,
			    struct netlink_ext_ack *extack)
{
	int err;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(extack, "service (IPVS_CMD_ATTR_SERVICE) missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, IPVS_SVC_ATTR_MAX, nest,
			       drlb_ipvs_svc_policy, extack);
	if (err)
		return err;
	memset(k, 0, sizeof(*k));
	if (!tb[IPVS_SVC_ATTR_AF]) {
		NL_SET_ERR_MSG_MOD(extack, "service address family missing");
		NL_SET_BAD_ATTR(extack, nest);
		return -EINVAL;
	}
	if (tb[IPVS_SVC_ATTR_FWMARK]) {
		k->fwmark = nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
		if (!k->fwmark) {
			NL_SET_ERR_MSG_MOD(extack, "fwmark 0 marks nothing");
			NL_SET_BAD_ATTR(extack, tb[IPVS_SVC_ATTR_FWMARK]);
			return -EINVAL;
		}
	} else {
		if (!tb[IPVS_SVC_ATTR_PROTOCOL] || !tb[IPVS_SVC_ATTR_ADDR] ||
		    !tb[IPVS_SVC_ATTR_PORT]) {
			NL_SET_ERR_MSG_MOD(extack,
					   "a service needs a fwmark, or a protocol, an address and a port");
			NL_SET_BAD_ATTR(extack, nest);
			return -EINVAL;
		}
	}
	if (nla_get_u16(tb[IPVS_SVC_ATTR_AF]) != AF_INET) {
		NL_SET_ERR_MSG_MOD(extack,
				   "drlb_ipvs serves IPv4 services only: make IPv6 services with drlbctl");
		NL_SET_BAD_ATTR(extack, tb[IPVS_SVC_ATTR_AF]);
		return -EAFNOSUPPORT;
	}
	k->af = AF_INET;
	/* A fwmark service: IPVS ignores the other keys. */
	if (k->fwmark)
		return 0;
	if (nla_len(tb[IPVS_SVC_ATTR_ADDR]) < sizeof(__be32)) {
		NL_SET_ERR_MSG_MOD(extack, "service address too short for IPv4");
		NL_SET_BAD_ATTR(extack, tb[IPVS_SVC_ATTR_ADDR]);
		return -EINVAL;
	}
	/* IPVS's protocol is a u16; its port is in network order. */
	k->proto = nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
	k->port = nla_get_be16(tb[IPVS_SVC_ATTR_PORT]);
	nla_memcpy(&k->addr.ip, tb[IPVS_SVC_ATTR_ADDR], sizeof(k->addr.ip));
	return 0;
}

/* Under drlb_net.lock. NULL, with ESRCH's message, if there is none. */
struct drlb_service *drlb_ipvs_svc_find(struct drlb_net *dn,
					const struct drlb_svc_key *k,
					struct nlattr *nest,
					struct netlink_ext_ack *extack)
{
	struct drlb_service *svc;

	lockdep_assert_held(&dn->lock);
	svc = drlb_ctl_svc_lookup(dn, k);
	if (!svc) {
		NL_SET_ERR_MSG_MOD(extack, "no such service");
		NL_SET_BAD_ATTR(extack, nest);
	}
	return svc;
}

/* ---- the namespace -------------------------------------------------- */

static struct drlb_net *drlb_ipvs_net(struct genl_info *info)
{
	return drlb_pernet(genl_info_net(info));
}

/* A reply to @info of command @cmd, or NULL. */
static struct sk_buff *drlb_ipvs_reply_new(struct genl_info *info, u8 cmd,
					   void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &drlb_ipvs_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * GET_INFO: IPVS's version, whose format ipvsadm and keepalived check,
 * and as the connection table's size drlb's bound on its entries
 * (conn_max; IPVS reports its hash table's buckets, which bound nothing).
 */
static int drlb_ipvs_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_ipvs_net(info);
	struct sk_buff *msg;
	void *hdr;

	msg = drlb_ipvs_reply_new(info, IPVS_CMD_SET_INFO, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, IPVS_INFO_ATTR_VERSION, IP_VS_VERSION_CODE) ||
	    nla_put_u32(msg, IPVS_INFO_ATTR_CONN_TAB_SIZE,
			READ_ONCE(dn->cfg.conn_max))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * IPVS's three timeouts are drlb's TCP established, TCP FIN and UDP
 * timeouts.
 */
static const struct {
	int attr;
	enum drlb_timeout to;
} drlb_ipvs_timeouts[] = {
	{ IPVS_CMD_ATTR_TIMEOUT_TCP,		DRLB_TO_TCP_EST },
	{ IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,	DRLB_TO_TCP_FIN },
	{ IPVS_CMD_ATTR_TIMEOUT_UDP,		DRLB_TO_UDP },
};

static int drlb_ipvs_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_ipvs_net(info);
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	msg = drlb_ipvs_reply_new(info, IPVS_CMD_SET_CONFIG, &hdr);
	if (!msg)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(drlb_ipvs_timeouts); i++)
		if (nla_put_u32(msg, drlb_ipvs_timeouts[i].attr,
				READ_ONCE(dn->cfg.timeout[drlb_ipvs_timeouts[i].to]))) {
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* SET_CONFIG: as IPVS, 0 leaves a timeout as it is. */
static int drlb_ipvs_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_ipvs_net(info);
	u32 to[DRLB_TO_MAX] = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(drlb_ipvs_timeouts); i++) {
		struct nlattr *a = info->attrs[drlb_ipvs_timeouts[i].attr];

		if (!a)
			continue;
		to[drlb_ipvs_timeouts[i].to] = nla_get_u32(a);
		if (to[drlb_ipvs_timeouts[i].to] > DRLB_TIMEOUT_MAX) {
			drlb_nl_err_fmt(info->extack, "timeout too long",
					"timeout %u s too long (at most %u s)",
					to[drlb_ipvs_timeouts[i].to],
					DRLB_TIMEOUT_MAX);
			NL_SET_BAD_ATTR(info->extack, a);
			return -EINVAL;
		}
	}
	mutex_lock(&dn->lock);
	drlb_ctl_set_timeouts(dn, to);
	mutex_unlock(&dn->lock);
	return 0;
}

static int drlb_ipvs_flush(struct sk_buff *skb, struct genl_info *info)
{
	/* IPVS's flush deletes services; the ARP rules are not its. */
	drlb_ctl_flush(drlb_ipvs_net(info), false, NULL);
	return 0;
}

/* ZERO: one service's counters and its dests', or everything's. */
static int drlb_ipvs_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_SERVICE];
	struct drlb_net *dn = drlb_ipvs_net(info);
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct drlb_svc_key k;
	struct drlb_service *svc;
	int err;

	if (!nest) {
		mutex_lock(&dn->lock);
		drlb_ctl_zero_all(dn);
		mutex_unlock(&dn->lock);
		return 0;
	}
	err = drlb_ipvs_parse_svc_key(nest, tb, &k, info->extack);
	if (err)
		return err;
	mutex_lock(&dn->lock);
	svc = drlb_ipvs_svc_find(dn, &k, nest, info->extack);
	if (svc)
		drlb_ctl_zero_svc(dn, svc);
	mutex_unlock(&dn->lock);
	return svc ? 0 : -ESRCH;
}

/* ---- the sync daemon: drlb has none ----------------------------------- */

static int drlb_ipvs_new_daemon(struct sk_buff *skb, struct genl_info *info)
{
	NL_SET_ERR_MSG_MOD(info->extack,
			   "drlb has no connection sync daemon: directors share no state (use mh with the same mh-seed on each)");
	NL_SET_BAD_ATTR(info->extack, info->attrs[IPVS_CMD_ATTR_DAEMON]);
	return -EOPNOTSUPP;
}

/* IPVS answers ESRCH when no daemon of that kind runs: none does here. */
static int drlb_ipvs_del_daemon(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[IPVS_CMD_ATTR_DAEMON]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "sync daemon (IPVS_CMD_ATTR_DAEMON) missing");
		return -EINVAL;
	}
	NL_SET_ERR_MSG_MOD(info->extack, "no sync daemon runs");
	return -ESRCH;
}

/* GET_DAEMON: the dump of running daemons is empty. */
static int drlb_ipvs_dump_daemons(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return 0;
}

/* ---- the family -------------------------------------------------------- */

static const struct genl_ops drlb_ipvs_ops[] = {
	{
		.cmd = IPVS_CMD_NEW_SERVICE,
		.doit = drlb_ipvs_new_service,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_SET_SERVICE,
		.doit = drlb_ipvs_set_service,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_DEL_SERVICE,
		.doit = drlb_ipvs_del_service,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_NEW_DEST,
		.doit = drlb_ipvs_new_dest,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_SET_DEST,
		.doit = drlb_ipvs_set_dest,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_DEL_DEST,
		.doit = drlb_ipvs_del_dest,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_GET_SERVICE,
		.doit = drlb_ipvs_get_service,
		.dumpit = drlb_ipvs_dump_services,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_GET_DEST,
		.dumpit = drlb_ipvs_dump_dests,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_NEW_DAEMON,
		.doit = drlb_ipvs_new_daemon,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_DEL_DAEMON,
		.doit = drlb_ipvs_del_daemon,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_GET_DAEMON,
		.dumpit = drlb_ipvs_dump_daemons,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_SET_CONFIG,
		.doit = drlb_ipvs_set_config,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_GET_CONFIG,
		.doit = drlb_ipvs_get_config,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_GET_INFO,
		.doit = drlb_ipvs_get_info,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_ZERO,
		.doit = drlb_ipvs_zero,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IPVS_CMD_FLUSH,
		.doit = drlb_ipvs_flush,
		.flags = GENL_ADMIN_PERM,
	},
};

struct genl_family drlb_ipvs_family __ro_after_init = {
	.name = IPVS_GENL_NAME,
	.version = IPVS_GENL_VERSION,
	.maxattr = IPVS_CMD_ATTR_MAX,
	.policy = drlb_ipvs_cmd_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = drlb_ipvs_ops,
	.n_ops = ARRAY_SIZE(drlb_ipvs_ops),
	.resv_start_op = IPVS_CMD_FLUSH + 1,
};

int drlb_ipvs_genl_init(void)
{
	return genl_register_family(&drlb_ipvs_family);
}

void drlb_ipvs_genl_exit(void)
{
	genl_unregister_family(&drlb_ipvs_family);
}
