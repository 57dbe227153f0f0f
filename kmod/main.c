// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: Direct Routing (LVS-DR) load balancer - module entry points and
 * per-network-namespace lifetime.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "netlink.h"

unsigned int drlb_net_id __read_mostly;
/* drlb_ipvs.ko finds the namespace's state with it (drlb_pernet()). */
EXPORT_SYMBOL_GPL(drlb_net_id);

static int __net_init drlb_net_init(struct net *net)
{
	struct drlb_net *dn = drlb_pernet(net);
	int err;

	dn->net = net;
	mutex_init(&dn->lock);
	drlb_config_init(&dn->cfg);
	err = drlb_stats_init(&dn->stats);
	if (err)
		return err;
	err = drlb_conn_net_init(dn);
	if (err)
		goto err_conn;
	err = drlb_service_net_init(dn);
	if (err)
		goto err_svc;
	drlb_arp_net_init(dn);
	drlb_event_net_init(dn);
	drlb_est_net_init(dn);
	return 0;

err_svc:
	/* drlb_conn_net_init() allocated only the counter, nothing uses it */
	percpu_counter_destroy(&dn->conn_count);
err_conn:
	drlb_stats_free(&dn->stats);
	return err;
}

/* Unhook the ARP rules before the RCU grace period that precedes .exit. */
static void __net_exit drlb_net_pre_exit(struct net *net)
{
	struct drlb_net *dn = drlb_pernet(net);

	drlb_arp_net_pre_exit(dn);
}

/*
 * Events first (nothing queues their work any more), services (that
 * unregisters the hook and waits for packets in flight), then the
 * connection table. What remains are RCU callbacks that touch only the
 * objects they free, never @dn.
 */
static void __net_exit drlb_net_exit(struct net *net)
{
	struct drlb_net *dn = drlb_pernet(net);

	drlb_event_net_exit(dn);
	drlb_service_net_exit(dn);
	drlb_est_net_exit(dn);
	drlb_conn_net_exit(dn);
	drlb_stats_free(&dn->stats);
	mutex_destroy(&dn->lock);
}

static struct pernet_operations drlb_net_ops = {
	.init = drlb_net_init,
	.pre_exit = drlb_net_pre_exit,
	.exit = drlb_net_exit,
	.id = &drlb_net_id,
	.size = sizeof(struct drlb_net),
};

static int __init drlb_init(void)
{
	int err;

	err = drlb_conn_module_init();
	if (err)
		goto err_conn;

	err = register_pernet_subsys(&drlb_net_ops);
	if (err)
		goto err_pernet;

	/* After pernet: the notifier looks up our per-namespace state. */
	err = drlb_xmit_module_init();
	if (err)
		goto err_xmit;

	err = drlb_event_module_init();
	if (err)
		goto err_event;

	err = drlb_arp_module_init();
	if (err)
		goto err_arp;

	err = drlb_genl_init();
	if (err)
		goto err_genl;

	pr_info("version %s loaded\n", DRLB_VERSION);
	return 0;

err_genl:
	drlb_arp_module_exit();
err_arp:
	drlb_event_module_exit();
err_event:
	drlb_xmit_module_exit();
err_xmit:
	unregister_pernet_subsys(&drlb_net_ops);
err_pernet:
	rcu_barrier();
	drlb_conn_module_exit();
err_conn:
	return err;
}

static void __exit drlb_exit(void)
{
	/* Events stop first: none is sent on a family that has gone. */
	drlb_event_stop();
	/* Netlink next: no request can reach a namespace being torn down. */
	drlb_genl_exit();
	/* The notifiers before pernet: their replays read per-namespace state. */
	drlb_arp_module_exit();
	drlb_event_module_exit();
	drlb_xmit_module_exit();
	unregister_pernet_subsys(&drlb_net_ops);
	/*
	 * Frees are chained through RCU callbacks: connection -> dest ->
	 * service (each drops the last reference of the next). One barrier
	 * per link, so none still runs when the code and cache go.
	 */
	rcu_barrier();
	rcu_barrier();
	rcu_barrier();
	drlb_conn_module_exit();
}

module_init(drlb_init);
module_exit(drlb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Direct Routing (LVS-DR) load balancer");
MODULE_AUTHOR("The drlb developers");
MODULE_VERSION(DRLB_VERSION);
MODULE_ALIAS_GENL_FAMILY(DRLB_GENL_NAME);
