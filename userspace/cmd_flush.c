// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl flush [all]
 *
 * Deletes every service of the namespace, with its servers and flows.
 * "flush all" also deletes every ARP rule (see "drlbctl arp"). Prints
 * nothing.
 */

#include <stdio.h>
#include <string.h>

#include "drlbctl.h"
#include "nl.h"

int cmd_flush(int argc, char **argv)
{
	struct nl_msg *msg;
	bool all = false;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "all"))
		all = true;
	else if (argc > 1)
		return usage_error("flush: unexpected '%s' (flush [all])",
				   argv[1]);
	if (argc > 2)
		return usage_error("flush: unexpected '%s'", argv[2]);
	if (drlb_nl_open())
		return 1;
	msg = drlb_nl_msg(DRLB_CMD_FLUSH, 0);
	if (all)
		nla_put_flag(msg, DRLB_A_FLUSH_ARP);
	ret = drlb_nl_transact(msg, NULL, NULL);
	return ret ? drlb_nl_perror(ret, "flush") : 0;
}
