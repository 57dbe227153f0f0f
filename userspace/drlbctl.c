// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl: the drlb admin tool - option parsing and subcommand dispatch.
 * Each subcommand lives in its own cmd_*.c file.
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drlbctl.h"
#include "nl.h"

struct drlbctl_opts opts;

static const struct drlbctl_cmd cmds[] = {
	{ "service", cmd_service, "add, change, delete or show virtual services" },
	{ "server", cmd_server, "add, change, delete or show a service's real servers" },
	{ "conn", cmd_conn, "show, count and delete the director's flows" },
	{ "stats", cmd_stats, "show or zero the director's counters" },
	{ "flush", cmd_flush, "delete every service, server and flow" },
	{ "config", cmd_config, "show or set namespace-wide settings" },
	{ "arp", cmd_arp, "real server: keep quiet about a VIP on ARP" },
	{ "vip", cmd_vip, "director: announce a VIP, detect ARP flux" },
	{ "save", cmd_save, "print the whole configuration as drlbctl commands" },
	{ "restore", cmd_restore, "make the configuration a saved one, changing what differs" },
	{ "monitor", cmd_monitor, "print changes and the module's events as they happen" },
	{ "version", cmd_version, "show drlbctl and module versions" },
	{ "help", cmd_help, "show this help" },
	{ "__complete", cmd_complete, NULL },	/* hidden: for bash completion */
};

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("drlbctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'drlbctl help')\n", stderr);
	return 2;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: drlbctl [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Options:\n"
		"  -j, --json      print JSON for programs\n"
		"  -s, --stats     include counters in show output\n"
		"  -n, --numeric   do not resolve names\n"
		"  -f, --file FILE restore the configuration from FILE (drlbctl restore FILE)\n"
		"  -V, --version   print the drlbctl version and exit\n"
		"  -h, --help      print this help and exit\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].summary)
			fprintf(out, "  %-10s %s\n", cmds[i].name,
				cmds[i].summary);
	fprintf(out,
		"\n"
		"  service add|change SERVICE [sched NAME]\n"
		"          [sched-flags port,fallback|none]\n"
		"          [persistent SECS|off [netmask MASK]] [expire-nodest yes|no]\n"
		"          [midstream yes|no] [onepacket yes|no]\n"
		"  service del SERVICE\n"
		"  service show [SERVICE]\n"
		"  server add|change SERVICE RIP [weight N]\n"
		"          [u-threshold N] [l-threshold N]\n"
		"  server del SERVICE RIP\n"
		"  server show SERVICE\n"
		"  conn show [SERVICE] [FILTER...] [--count]\n"
		"  conn del [SERVICE] FILTER... | all\n"
		"    FILTER: client ADDR[/LEN], cport PORT, server ADDR, state STATE,\n"
		"            proto PROTO, persistent\n"
		"  stats [show] [--watch SECS] | stats zero [SERVICE]\n"
		"  flush [all]\n"
		"  arp add|change|del VIP [dev IFNAME | ifindex N] [packet-sockets yes|no]\n"
		"  arp prune | arp show\n"
		"  monitor\n"
		"  vip announce VIP dev IFNAME [count N] [interval MS]\n"
		"  vip check VIP dev IFNAME [timeout MS] [owner MAC]\n"
		"  vip export [once] [table ID] [protocol ID]\n"
		"  config show | config set KEY VALUE...\n"
		"  save | restore [--check] [FILE|-]\n"
		"\n"
		"SERVICE is PROTO VIP[:PORT] or fwmark MARK [family inet6] (packets\n"
		"an nftables rule marked MARK, any VIP and port; IPv4 unless family\n"
		"inet6). PROTO is tcp, udp or sctp; a VIP without port (or :*) covers\n"
		"every port. An IPv6 VIP takes brackets with a port:\n"
		"[2001:db8::100]:80. A service's servers (RIP) are of its family.\n"
		"See drlbctl(8) for the full grammar.\n");
}

int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

/* The command table by name, for main(), restore and completion. */
const struct drlbctl_cmd *drlbctl_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

const struct drlbctl_cmd *drlbctl_cmd_at(size_t i)
{
	return i < ARRAY_SIZE(cmds) ? &cmds[i] : NULL;
}

int drlbctl_run(int argc, char **argv)
{
	const struct drlbctl_cmd *cmd = drlbctl_find(argv[0]);

	if (!cmd)
		return usage_error("unknown command '%s'", argv[0]);
	return cmd->run(argc, argv);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "numeric", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	char *file = NULL;
	int c, ret;

	/* '+': stop at the first non-option, the subcommand. */
	while ((c = getopt_long(argc, argv, "+jsnVhf:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 's':
			opts.stats = true;
			break;
		case 'n':
			opts.numeric = true;
			break;
		case 'V':
			printf("drlbctl %s\n", DRLB_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case 'f':
			file = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (file) {
		char *restore_argv[3] = { "restore", file, NULL };

		if (optind < argc)
			return usage_error("-f FILE takes no command ('%s')",
					   argv[optind]);
		ret = cmd_restore(2, restore_argv);
		drlb_nl_close();
		return ret;
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	ret = drlbctl_run(argc - optind, argv + optind);
	drlb_nl_close();
	return ret;
}
