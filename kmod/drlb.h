/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: per-network-namespace state and the module's internal interfaces.
 */
#ifndef _DRLB_H
#define _DRLB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/drlb.h>

/* Per-state timeouts, indexes into drlb_config.timeout[]. */
enum drlb_timeout {
	DRLB_TO_TCP_EST,
	DRLB_TO_TCP_SYN,
	DRLB_TO_TCP_FIN,
	DRLB_TO_TCP_CLOSE,
	DRLB_TO_UDP,
	DRLB_TO_SCTP,
	DRLB_TO_OTHER,
	DRLB_TO_MAX
};

/*
 * struct drlb_config - the namespace's settings (DRLB_CMD_{GET,SET}_CONFIG).
 * Written under drlb_net.lock with WRITE_ONCE(); the packet path reads
 * single fields with READ_ONCE() and needs no lock.
 *
 * @timeout:       seconds, per enum drlb_timeout
 * @conn_max:      bound on the connection table's entries
 * @mh_table_size: Maglev lookup table size (a prime)
 * @mh_seed:       Maglev hash seed
 */
struct drlb_config {
	u32 timeout[DRLB_TO_MAX];
	u32 conn_max;
	u32 mh_table_size;
	u32 mh_seed;
};

/*
 * struct drlb_arp_net - the namespace's ARP rules (real-server role,
 * kmod/arp.c).
 *
 * @rules:   struct drlb_arp_rule list. Changed with list_*_rcu() under
 *           drlb_net.lock; the ARP hooks walk it under RCU.
 * @n_rules: length of @rules; under drlb_net.lock.
 * @hooks:   the NFPROTO_ARP hooks and @nb are registered, which is the
 *           case exactly while @n_rules > 0; under drlb_net.lock.
 * @egress:  struct drlb_arp_egress list, one per Ethernet device carrying
 *           our netdev egress hook; under RTNL (@nb adds and removes them).
 * @nb:      netdevice notifier of this namespace, registered with the
 *           hooks; it attaches and detaches the egress hooks.
 *
 * Lock order: drlb_net.lock, then RTNL (registering @nb takes RTNL).
 */
struct drlb_arp_net {
	struct list_head rules;
	unsigned int n_rules;
	bool hooks;
	struct list_head egress;
	struct notifier_block nb;
};

/*
 * struct drlb_net - everything drlb keeps for one network namespace.
 *
 * @net:  the namespace (not referenced: it owns us).
 * @lock: serialises every configuration change in this namespace
 *        (services, dests, ARP rules, settings, hook registration).
 *        Netlink handlers take it; the packet path never does, it reads
 *        the RCU-protected pointers below.
 * @cfg:  settings, see struct drlb_config.
 * @arp:  ARP rules, see struct drlb_arp_net.
 */
struct drlb_net {
	struct net *net;
	struct mutex lock;
	struct drlb_config cfg;
	struct drlb_arp_net arp;
};

/* DRLB_F_* bits this build supports (reported by DRLB_CMD_GET_INFO). */
#define DRLB_FEATURES		(DRLB_F_ARP_SUPPRESS)

extern unsigned int drlb_net_id;

static inline struct drlb_net *drlb_pernet(const struct net *net)
{
	return net_generic(net, drlb_net_id);
}

/* config.c */
void drlb_config_init(struct drlb_config *cfg);
int drlb_nl_get_config(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_set_config(struct sk_buff *skb, struct genl_info *info);

/* arp.c, nl_arp.c: real-server ARP rules */
void drlb_arp_net_init(struct drlb_net *dn);
void drlb_arp_net_pre_exit(struct drlb_net *dn);
/* Delete every ARP rule (DRLB_CMD_FLUSH with DRLB_A_FLUSH_ARP); lock held. */
void drlb_arp_flush(struct drlb_net *dn);
extern const struct nla_policy drlb_arp_req_policy[DRLB_A_MAX + 1];
extern const struct nla_policy drlb_arp_dump_policy[DRLB_A_MAX + 1];
int drlb_nl_new_arp(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_del_arp(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_get_arp_dump(struct sk_buff *skb, struct netlink_callback *cb);

int drlb_genl_init(void);
void drlb_genl_exit(void);

#endif /* _DRLB_H */
