// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for cmd_vip.c in fuzz_cli: vip announce and vip check send
 * and receive ARP on a real interface, which a fuzzer must not do. The
 * command is there and refuses, as for a bad command line.
 */

#include "drlbctl.h"

int cmd_vip(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return usage_error("vip: not in the fuzz target");
}
