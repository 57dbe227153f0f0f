// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: Direct Routing (LVS-DR) load balancer - module entry points and
 * per-network-namespace lifetime.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"

unsigned int drlb_net_id __read_mostly;

static int __net_init drlb_net_init(struct net *net)
{
	struct drlb_net *dn = drlb_pernet(net);

	dn->net = net;
	mutex_init(&dn->lock);
	drlb_config_init(&dn->cfg);
	drlb_arp_net_init(dn);
	return 0;
}

/* Unhook before the RCU grace period that precedes .exit and the free. */
static void __net_exit drlb_net_pre_exit(struct net *net)
{
	struct drlb_net *dn = drlb_pernet(net);

	drlb_arp_net_pre_exit(dn);
}

static void __net_exit drlb_net_exit(struct net *net)
{
	struct drlb_net *dn = drlb_pernet(net);

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

	err = register_pernet_subsys(&drlb_net_ops);
	if (err)
		goto err_pernet;

	err = drlb_genl_init();
	if (err)
		goto err_genl;

	pr_info("version %s loaded\n", DRLB_VERSION);
	return 0;

err_genl:
	unregister_pernet_subsys(&drlb_net_ops);
err_pernet:
	return err;
}

static void __exit drlb_exit(void)
{
	/* Netlink first: no request can reach a namespace being torn down. */
	drlb_genl_exit();
	unregister_pernet_subsys(&drlb_net_ops);
}

module_init(drlb_init);
module_exit(drlb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Direct Routing (LVS-DR) load balancer");
MODULE_AUTHOR("The drlb developers");
MODULE_VERSION(DRLB_VERSION);
MODULE_ALIAS_GENL_FAMILY(DRLB_GENL_NAME);
