/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: per-network-namespace state and the module's internal interfaces.
 */
#ifndef _DRLB_H
#define _DRLB_H

#include <linux/mutex.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

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
 * struct drlb_net - everything drlb keeps for one network namespace.
 *
 * @net:  the namespace (not referenced: it owns us).
 * @lock: serialises every configuration change in this namespace
 *        (services, dests, ARP rules, settings, hook registration).
 *        Netlink handlers take it; the packet path never does, it reads
 *        the RCU-protected pointers below.
 * @cfg:  settings, see struct drlb_config.
 */
struct drlb_net {
	struct net *net;
	struct mutex lock;
	struct drlb_config cfg;
};

/* DRLB_F_* bits this build supports (reported by DRLB_CMD_GET_INFO). */
#define DRLB_FEATURES		0ULL

extern unsigned int drlb_net_id;

static inline struct drlb_net *drlb_pernet(const struct net *net)
{
	return net_generic(net, drlb_net_id);
}

/* config.c */
void drlb_config_init(struct drlb_config *cfg);
int drlb_nl_get_config(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_set_config(struct sk_buff *skb, struct genl_info *info);

int drlb_genl_init(void);
void drlb_genl_exit(void);

#endif /* _DRLB_H */
