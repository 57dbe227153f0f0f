// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl: reply attribute policies and the parsing helpers that apply
 * them. Pure functions over libnl buffers, no socket: shared by nl.c and
 * the fuzz targets (fuzz/fuzz_cli feeds them replies a buggy or
 * mismatched module could send).
 *
 * Every attribute drlbctl reads has a policy entry, so that nla_get_*()
 * never reads past an attribute that is shorter than its type and strings
 * are NUL-terminated: libnl checks the minimum length of NLA_U8..NLA_U64,
 * the NUL of NLA_STRING and the maxlen given. A reply that fails is
 * rejected as a whole (-EINVAL, reported as a protocol error).
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>

#include "nl.h"

static struct nla_policy top_policy[DRLB_A_MAX + 1] = {
	[DRLB_A_VERSION]	= { .type = NLA_STRING },
	[DRLB_A_API_VERSION]	= { .type = NLA_U32 },
	[DRLB_A_FEATURES]	= { .type = NLA_U64 },
	[DRLB_A_SCHEDULERS]	= { .type = NLA_NESTED },
	[DRLB_A_SCHED_NAME]	= { .type = NLA_STRING },
	[DRLB_A_SERVICE]	= { .type = NLA_NESTED },
	[DRLB_A_DEST]		= { .type = NLA_NESTED },
	[DRLB_A_CONFIG]		= { .type = NLA_NESTED },
	[DRLB_A_CONN]		= { .type = NLA_NESTED },
	[DRLB_A_STATS]		= { .type = NLA_NESTED },
	[DRLB_A_ARP]		= { .type = NLA_NESTED },
	[DRLB_A_FLUSH_ARP]	= { .type = NLA_FLAG },
	[DRLB_A_COUNT]		= { .type = NLA_U64 },
	[DRLB_A_EVENT]		= { .type = NLA_U32 },
	[DRLB_A_PORTID]		= { .type = NLA_U32 },
};

/* Addresses stay NLA_UNSPEC: their length depends on the family. */
static struct nla_policy svc_policy[DRLB_SVC_A_MAX + 1] = {
	[DRLB_SVC_A_AF]			= { .type = NLA_U16 },
	[DRLB_SVC_A_PROTOCOL]		= { .type = NLA_U8 },
	[DRLB_SVC_A_PORT]		= { .type = NLA_U16 },
	[DRLB_SVC_A_SCHED_NAME]		= { .type = NLA_STRING,
					    .maxlen = DRLB_SCHED_NAME_MAX },
	[DRLB_SVC_A_PERSIST_TIMEOUT]	= { .type = NLA_U32 },
	[DRLB_SVC_A_PERSIST_NETMASK]	= { .type = NLA_U8 },
	[DRLB_SVC_A_EXPIRE_NODEST]	= { .type = NLA_U8 },
	[DRLB_SVC_A_NUM_DESTS]		= { .type = NLA_U32 },
	[DRLB_SVC_A_STATS]		= { .type = NLA_NESTED },
	[DRLB_SVC_A_MIDSTREAM]		= { .type = NLA_U8 },
};

static struct nla_policy dest_policy[DRLB_DEST_A_MAX + 1] = {
	[DRLB_DEST_A_AF]		= { .type = NLA_U16 },
	[DRLB_DEST_A_WEIGHT]		= { .type = NLA_U32 },
	[DRLB_DEST_A_ACTIVE_CONNS]	= { .type = NLA_U32 },
	[DRLB_DEST_A_INACTIVE_CONNS]	= { .type = NLA_U32 },
	[DRLB_DEST_A_IFINDEX]		= { .type = NLA_U32 },
	[DRLB_DEST_A_STATS]		= { .type = NLA_NESTED },
	[DRLB_DEST_A_NEIGH]		= { .type = NLA_U8 },
};

static struct nla_policy cfg_policy[DRLB_CFG_A_MAX + 1] = {
	[DRLB_CFG_A_TIMEOUT_TCP_EST]	= { .type = NLA_U32 },
	[DRLB_CFG_A_TIMEOUT_TCP_SYN]	= { .type = NLA_U32 },
	[DRLB_CFG_A_TIMEOUT_TCP_FIN]	= { .type = NLA_U32 },
	[DRLB_CFG_A_TIMEOUT_TCP_CLOSE]	= { .type = NLA_U32 },
	[DRLB_CFG_A_TIMEOUT_UDP]	= { .type = NLA_U32 },
	[DRLB_CFG_A_TIMEOUT_SCTP]	= { .type = NLA_U32 },
	[DRLB_CFG_A_TIMEOUT_OTHER]	= { .type = NLA_U32 },
	[DRLB_CFG_A_CONN_MAX]		= { .type = NLA_U32 },
	[DRLB_CFG_A_MH_TABLE_SIZE]	= { .type = NLA_U32 },
	[DRLB_CFG_A_MH_SEED]		= { .type = NLA_U32 },
	[DRLB_CFG_A_CONN_COUNT]		= { .type = NLA_U32 },
	[DRLB_CFG_A_CONN_ENTRY_SIZE]	= { .type = NLA_U32 },
	[DRLB_CFG_A_CONN_BUCKETS]	= { .type = NLA_U32 },
	[DRLB_CFG_A_CONN_CHAIN_MAX]	= { .type = NLA_U32 },
	[DRLB_CFG_A_BYPASS_MARK]	= { .type = NLA_U32 },
	[DRLB_CFG_A_CLUSTER]		= { .type = NLA_U32 },
};

static struct nla_policy conn_policy[DRLB_CONN_A_MAX + 1] = {
	[DRLB_CONN_A_AF]		= { .type = NLA_U16 },
	[DRLB_CONN_A_PROTOCOL]		= { .type = NLA_U8 },
	[DRLB_CONN_A_CPORT]		= { .type = NLA_U16 },
	[DRLB_CONN_A_VPORT]		= { .type = NLA_U16 },
	[DRLB_CONN_A_STATE]		= { .type = NLA_U8 },
	[DRLB_CONN_A_EXPIRES_MS]	= { .type = NLA_U32 },
	[DRLB_CONN_A_PERSIST]		= { .type = NLA_FLAG },
};

static struct nla_policy stats_policy[DRLB_STATS_A_MAX + 1] = {
	[DRLB_STATS_A_CONNS]		= { .type = NLA_U64 },
	[DRLB_STATS_A_PKTS]		= { .type = NLA_U64 },
	[DRLB_STATS_A_BYTES]		= { .type = NLA_U64 },
	[DRLB_STATS_A_DROP_NO_DEST]	= { .type = NLA_U64 },
	[DRLB_STATS_A_DROP_NO_NEIGH]	= { .type = NLA_U64 },
	[DRLB_STATS_A_DROP_MTU]		= { .type = NLA_U64 },
	[DRLB_STATS_A_DROP_TABLE_FULL]	= { .type = NLA_U64 },
	[DRLB_STATS_A_DROP_OTHER]	= { .type = NLA_U64 },
	[DRLB_STATS_A_DROP_NO_FLOW]	= { .type = NLA_U64 },
	[DRLB_STATS_A_DROP_MARTIAN]	= { .type = NLA_U64 },
	[DRLB_STATS_A_STATELESS]	= { .type = NLA_U64 },
	[DRLB_STATS_A_NEIGH_QUEUED]	= { .type = NLA_U64 },
	[DRLB_STATS_A_CPS]		= { .type = NLA_U64 },
	[DRLB_STATS_A_INPPS]		= { .type = NLA_U64 },
	[DRLB_STATS_A_INBPS]		= { .type = NLA_U64 },
};

static struct nla_policy arp_policy[DRLB_ARP_A_MAX + 1] = {
	[DRLB_ARP_A_AF]		= { .type = NLA_U16 },
	[DRLB_ARP_A_IFINDEX]	= { .type = NLA_U32 },
	[DRLB_ARP_A_STATS]	= { .type = NLA_NESTED },
};

static struct nla_policy arp_stats_policy[DRLB_ARP_STATS_A_MAX + 1] = {
	[DRLB_ARP_STATS_A_REQ_DROPPED]		= { .type = NLA_U64 },
	[DRLB_ARP_STATS_A_SRC_REWRITTEN]	= { .type = NLA_U64 },
	[DRLB_ARP_STATS_A_SRC_DROPPED]		= { .type = NLA_U64 },
};

/*
 * Which policy a nest gets: callers name only the attribute space's
 * maxtype (some are equal), the nest's own type tells the parent.
 */
static const struct {
	int nest_type;
	int maxtype;
	struct nla_policy *policy;
} nest_policies[] = {
	{ DRLB_A_SERVICE,	DRLB_SVC_A_MAX,		svc_policy },
	{ DRLB_A_DEST,		DRLB_DEST_A_MAX,	dest_policy },
	{ DRLB_A_CONFIG,	DRLB_CFG_A_MAX,		cfg_policy },
	{ DRLB_A_CONN,		DRLB_CONN_A_MAX,	conn_policy },
	{ DRLB_A_STATS,		DRLB_STATS_A_MAX,	stats_policy },
	{ DRLB_SVC_A_STATS,	DRLB_STATS_A_MAX,	stats_policy },
	{ DRLB_DEST_A_STATS,	DRLB_STATS_A_MAX,	stats_policy },
	{ DRLB_A_ARP,		DRLB_ARP_A_MAX,		arp_policy },
	{ DRLB_ARP_A_STATS,	DRLB_ARP_STATS_A_MAX,	arp_stats_policy },
};

int drlb_nl_parse_reply(struct nlmsghdr *nlh, struct nlattr **tb)
{
	return genlmsg_parse(nlh, 0, tb, DRLB_A_MAX, top_policy) < 0 ?
	       -EINVAL : 0;
}

int drlb_nl_parse_nested(struct nlattr **tb, int maxtype, struct nlattr *nest)
{
	struct nla_policy *policy = NULL;

	if (!nest)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(nest_policies); i++) {
		if (nest_policies[i].nest_type == nla_type(nest) &&
		    nest_policies[i].maxtype == maxtype) {
			policy = nest_policies[i].policy;
			break;
		}
	}
	if (nla_parse_nested(tb, maxtype, nest, policy) < 0)
		return -EINVAL;
	return 0;
}

const char *drlb_nl_string(const struct nlattr *a)
{
	int len = nla_len(a);
	const char *s = nla_data(a);

	return len > 0 && s[len - 1] == '\0' ? s : NULL;
}

int drlb_nl_put_addr4(struct nl_msg *msg, int af_type, int addr_type,
		      uint32_t addr_be)
{
	if (nla_put_u16(msg, af_type, AF_INET) ||
	    nla_put(msg, addr_type, 4, &addr_be))
		return -EMSGSIZE;
	return 0;
}

int drlb_nl_put_addr(struct nl_msg *msg, int af_type, int addr_type,
		     const struct drlb_addr *a)
{
	if (nla_put_u16(msg, af_type, a->af) ||
	    nla_put(msg, addr_type, (int)addr_len(a->af), a->b))
		return -EMSGSIZE;
	return 0;
}

int drlb_nl_get_addr(const struct nlattr *a, uint16_t af,
		     struct drlb_addr *out)
{
	size_t len = addr_len(af);

	if (!a || !len || nla_len(a) != (int)len)
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	out->af = af;
	memcpy(out->b, nla_data(a), len);
	return 0;
}
