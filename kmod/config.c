// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: per-namespace settings - defaults and DRLB_CMD_{GET,SET}_CONFIG.
 *
 * Settings are written under drlb_net.lock, field by field with
 * WRITE_ONCE(); the packet path reads them with READ_ONCE() and no lock.
 * A SET request is validated completely before anything changes, so a bad
 * request changes nothing.
 */

#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"
#include "sched.h"

/* Attribute carrying each timeout, in enum drlb_timeout order. */
static const int drlb_timeout_attr[DRLB_TO_MAX] = {
	[DRLB_TO_TCP_EST]	= DRLB_CFG_A_TIMEOUT_TCP_EST,
	[DRLB_TO_TCP_SYN]	= DRLB_CFG_A_TIMEOUT_TCP_SYN,
	[DRLB_TO_TCP_FIN]	= DRLB_CFG_A_TIMEOUT_TCP_FIN,
	[DRLB_TO_TCP_CLOSE]	= DRLB_CFG_A_TIMEOUT_TCP_CLOSE,
	[DRLB_TO_UDP]		= DRLB_CFG_A_TIMEOUT_UDP,
	[DRLB_TO_SCTP]		= DRLB_CFG_A_TIMEOUT_SCTP,
	[DRLB_TO_OTHER]		= DRLB_CFG_A_TIMEOUT_OTHER,
};

/* Defaults follow IPVS where it has one. */
static const u32 drlb_timeout_default[DRLB_TO_MAX] = {
	[DRLB_TO_TCP_EST]	= 900,
	[DRLB_TO_TCP_SYN]	= 60,
	[DRLB_TO_TCP_FIN]	= 120,
	[DRLB_TO_TCP_CLOSE]	= 10,
	[DRLB_TO_UDP]		= 300,
	[DRLB_TO_SCTP]		= 900,
	[DRLB_TO_OTHER]		= 60,
};

#define DRLB_CONN_MAX_DEFAULT		1048576U	/* 2^20 entries */
#define DRLB_MH_TABLE_SIZE_DEFAULT	65537U

void drlb_config_init(struct drlb_config *cfg)
{
	memcpy(cfg->timeout, drlb_timeout_default, sizeof(cfg->timeout));
	cfg->conn_max = DRLB_CONN_MAX_DEFAULT;
	cfg->mh_table_size = DRLB_MH_TABLE_SIZE_DEFAULT;
	cfg->mh_seed = 0;
	cfg->bypass_mark = 0;
	cfg->cluster = 0;
}

static bool drlb_is_prime(u32 n)
{
	u32 d;

	if (n < 2)
		return false;
	for (d = 2; d <= n / d; d++)
		if (n % d == 0)
			return false;
	return true;
}

static int drlb_config_fill(struct sk_buff *msg, struct drlb_net *dn)
{
	struct drlb_config *cfg = &dn->cfg;
	u32 buckets, chain_max;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, DRLB_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < DRLB_TO_MAX; i++)
		if (nla_put_u32(msg, drlb_timeout_attr[i],
				READ_ONCE(cfg->timeout[i])))
			return -EMSGSIZE;
	if (nla_put_u32(msg, DRLB_CFG_A_CONN_MAX, READ_ONCE(cfg->conn_max)) ||
	    nla_put_u32(msg, DRLB_CFG_A_MH_TABLE_SIZE,
			READ_ONCE(cfg->mh_table_size)) ||
	    nla_put_u32(msg, DRLB_CFG_A_MH_SEED, READ_ONCE(cfg->mh_seed)) ||
	    nla_put_u32(msg, DRLB_CFG_A_BYPASS_MARK,
			READ_ONCE(cfg->bypass_mark)) ||
	    nla_put_u32(msg, DRLB_CFG_A_CLUSTER, READ_ONCE(cfg->cluster)) ||
	    nla_put_u32(msg, DRLB_CFG_A_CONN_COUNT,
			drlb_conn_entries(dn)) ||
	    nla_put_u32(msg, DRLB_CFG_A_CONN_ENTRY_SIZE, DRLB_CONN4_SIZE) ||
	    nla_put_u32(msg, DRLB_CFG_A_CONN_ENTRY_SIZE6, DRLB_CONN6_SIZE))
		return -EMSGSIZE;
	rcu_read_lock();
	drlb_conn_hash_info(dn, &buckets, &chain_max);
	rcu_read_unlock();
	if (nla_put_u32(msg, DRLB_CFG_A_CONN_BUCKETS, buckets) ||
	    nla_put_u32(msg, DRLB_CFG_A_CONN_CHAIN_MAX, chain_max))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * A service whose dests a Maglev table of @size slots cannot hold (see
 * drlb_sched_fits()), or NULL; under drlb_net.lock.
 */
static struct drlb_service *drlb_mh_overfull(struct drlb_net *dn, u32 size)
{
	struct drlb_service *svc;
	unsigned int b;

	lockdep_assert_held(&dn->lock);
	for (b = 0; b < DRLB_SVC_BUCKETS; b++)
		hlist_for_each_entry(svc, &dn->svc_hash[b], hnode)
			if (!drlb_sched_fits(svc->sched_ops, svc->num_dests,
					     size))
				return svc;
	return NULL;
}

int drlb_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = drlb_nl_put_hdr(msg, info->snd_portid, info->snd_seq, 0,
			      DRLB_CMD_GET_CONFIG);
	if (!hdr || drlb_config_fill(msg, dn)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int drlb_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct drlb_net *dn = drlb_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[DRLB_CFG_A_MAX + 1];
	struct drlb_config *cfg = &dn->cfg, new;
	struct drlb_service *svc;
	int err, i;

	if (GENL_REQ_ATTR_CHECK(info, DRLB_A_CONFIG)) {
		NL_SET_ERR_MSG_MOD(extack, "settings (DRLB_A_CONFIG) missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, DRLB_CFG_A_MAX, info->attrs[DRLB_A_CONFIG],
			       drlb_cfg_policy, extack);
	if (err)
		return err;

	if (tb[DRLB_CFG_A_MH_TABLE_SIZE] &&
	    !drlb_is_prime(nla_get_u32(tb[DRLB_CFG_A_MH_TABLE_SIZE]))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the Maglev table size must be a prime");
		NL_SET_BAD_ATTR(extack, tb[DRLB_CFG_A_MH_TABLE_SIZE]);
		return -EINVAL;
	}

	mutex_lock(&dn->lock);
	/* Maglev tables are rebuilt first: if that fails, nothing changes. */
	new = *cfg;
	if (tb[DRLB_CFG_A_MH_TABLE_SIZE])
		new.mh_table_size = nla_get_u32(tb[DRLB_CFG_A_MH_TABLE_SIZE]);
	if (tb[DRLB_CFG_A_MH_SEED])
		new.mh_seed = nla_get_u32(tb[DRLB_CFG_A_MH_SEED]);
	svc = new.mh_table_size < cfg->mh_table_size ?
	      drlb_mh_overfull(dn, new.mh_table_size) : NULL;
	if (svc) {
		if (svc->fwmark)
			drlb_nl_err_fmt(extack,
					"the Maglev table size must exceed the number of real servers of every mh and sh service",
					"mh-table-size %u too small: fwmark %u has %u real servers",
					new.mh_table_size, svc->fwmark,
					svc->num_dests);
		else if (drlb_svc_v6(svc))
			drlb_nl_err_fmt(extack,
					"the Maglev table size must exceed the number of real servers of every mh and sh service",
					"mh-table-size %u too small: [%pI6c]:%u has %u real servers",
					new.mh_table_size, &svc->addr.in6,
					ntohs(svc->port), svc->num_dests);
		else
			drlb_nl_err_fmt(extack,
					"the Maglev table size must exceed the number of real servers of every mh and sh service",
					"mh-table-size %u too small: %pI4:%u has %u real servers",
					new.mh_table_size, &svc->addr.ip,
					ntohs(svc->port), svc->num_dests);
		NL_SET_BAD_ATTR(extack, tb[DRLB_CFG_A_MH_TABLE_SIZE]);
		mutex_unlock(&dn->lock);
		return -EINVAL;
	}
	if (new.mh_table_size != cfg->mh_table_size ||
	    new.mh_seed != cfg->mh_seed) {
		err = drlb_svc_rebuild_mh(dn, &new);
		if (err) {
			mutex_unlock(&dn->lock);
			NL_SET_ERR_MSG_MOD(extack,
					   "cannot rebuild the Maglev tables");
			return err;
		}
	}
	/* A bigger conn_max grows the hash first: if that fails, likewise. */
	if (tb[DRLB_CFG_A_CONN_MAX]) {
		err = drlb_conn_resize(dn, nla_get_u32(tb[DRLB_CFG_A_CONN_MAX]));
		if (err) {
			mutex_unlock(&dn->lock);
			NL_SET_ERR_MSG_MOD(extack,
					   "no memory to grow the connection hash for this conn-max");
			NL_SET_BAD_ATTR(extack, tb[DRLB_CFG_A_CONN_MAX]);
			return err;
		}
	}
	for (i = 0; i < DRLB_TO_MAX; i++)
		if (tb[drlb_timeout_attr[i]])
			WRITE_ONCE(cfg->timeout[i],
				   nla_get_u32(tb[drlb_timeout_attr[i]]));
	if (tb[DRLB_CFG_A_CONN_MAX])
		WRITE_ONCE(cfg->conn_max, nla_get_u32(tb[DRLB_CFG_A_CONN_MAX]));
	if (tb[DRLB_CFG_A_MH_TABLE_SIZE])
		WRITE_ONCE(cfg->mh_table_size,
			   nla_get_u32(tb[DRLB_CFG_A_MH_TABLE_SIZE]));
	if (tb[DRLB_CFG_A_MH_SEED])
		WRITE_ONCE(cfg->mh_seed, nla_get_u32(tb[DRLB_CFG_A_MH_SEED]));
	if (tb[DRLB_CFG_A_BYPASS_MARK])
		WRITE_ONCE(cfg->bypass_mark,
			   nla_get_u32(tb[DRLB_CFG_A_BYPASS_MARK]));
	if (tb[DRLB_CFG_A_CLUSTER])
		WRITE_ONCE(cfg->cluster, nla_get_u32(tb[DRLB_CFG_A_CLUSTER]));
	mutex_unlock(&dn->lock);
	return 0;
}
