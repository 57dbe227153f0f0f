// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_ipvs: module entry points, and coexistence with the kernel's IPVS.
 *
 * Only one module can serve the generic netlink family "IPVS": while the
 * kernel's ip_vs is loaded, registering ours fails (EEXIST) and we say
 * why; while we are loaded, a module notifier refuses ip_vs as it comes
 * (before its init runs), and says why. Nothing here makes modprobe pick
 * us for "ip_vs" or the family's alias: that is the operator's choice,
 * the modprobe.d file drlb ships (not enabled) makes it stick.
 */

#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/string.h>

#include "ipvs.h"

static int drlb_ipvs_module_event(struct notifier_block *nb,
				  unsigned long action, void *data)
{
	struct module *mod = data;

	if (action != MODULE_STATE_COMING || strcmp(mod->name, "ip_vs"))
		return NOTIFY_DONE;
	pr_err("refusing to load ip_vs: drlb_ipvs serves the IPVS netlink family (rmmod drlb_ipvs first)\n");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block drlb_ipvs_module_nb = {
	.notifier_call = drlb_ipvs_module_event,
};

static int __init drlb_ipvs_init(void)
{
	int err;

	/* First: no ip_vs can come once the family is ours. */
	err = register_module_notifier(&drlb_ipvs_module_nb);
	if (err)
		return err;
	err = drlb_ipvs_genl_init();
	if (err) {
		if (err == -EEXIST)
			pr_err("the IPVS netlink family exists: the kernel's ip_vs is loaded (rmmod its schedulers and ip_vs first)\n");
		unregister_module_notifier(&drlb_ipvs_module_nb);
		return err;
	}
	/* Once the family is ours: ip_vs, with the same files, is not here. */
	err = drlb_ipvs_proc_init();
	if (err) {
		drlb_ipvs_genl_exit();
		unregister_module_notifier(&drlb_ipvs_module_nb);
		return err;
	}
	pr_info("serving the IPVS netlink family from drlb %s\n", DRLB_VERSION);
	return 0;
}

static void __exit drlb_ipvs_exit(void)
{
	drlb_ipvs_proc_exit();
	drlb_ipvs_genl_exit();
	unregister_module_notifier(&drlb_ipvs_module_nb);
}

module_init(drlb_ipvs_init);
module_exit(drlb_ipvs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("drlb: the IPVS netlink API (ipvsadm, keepalived) over drlb");
MODULE_AUTHOR("The drlb developers");
MODULE_VERSION(DRLB_VERSION);
