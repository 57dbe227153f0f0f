// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl stats [show] [--watch SECS]
 * drlbctl stats zero [PROTO VIP[:PORT] | fwmark MARK [family inet|inet6]]
 *
 * "stats" prints the namespace's totals - flows scheduled, packets and
 * bytes (IP length) forwarded to real servers - and the packets dropped,
 * by reason, one "KEY VALUE" line each:
 *   conns, pkts, bytes,
 *   stateless         of pkts: forwarded without an entry (mh/sh/dh:
 *                     mid-stream packets, new flows while the table is full)
 *   neigh-queued      of pkts: waited for the real server's MAC (ARP)
 *   drop-no-dest      no usable real server (none, or all weight 0)
 *   drop-no-neigh     no route to the real server on an Ethernet LAN
 *   drop-mtu          DF set and too big for the egress MTU (ICMP sent)
 *   drop-table-full   the connection table is full (see config conn-max)
 *   drop-other        malformed, out of memory, ...
 *   drop-no-flow      a TCP/SCTP packet of no flow that cannot open one
 *   drop-martian      a source the kernel would refuse (martian, rp_filter)
 *   conns-per-s, pkts-per-s, bytes-per-s
 *                     rates: sampled every 2 s, averaged (a change shows
 *                     3/4 of itself after 4 s)
 * Per-service and per-server counters and rates: "drlbctl -s service
 * show". "--watch SECS" prints them again every SECS seconds (1..3600)
 * until interrupted: on a terminal over the last ones, like watch(1);
 * otherwise each time after a "# TIME" line (-j: one object a line).
 *
 * "stats zero" zeroes every counter (services, servers, totals), or only
 * those of the service given.
 *
 * JSON (-j stats); stable keys:
 *   {"conns": N, "pkts": N, "bytes": N, "stateless": N, "neigh_queued": N,
 *    "conns_per_s": N, "pkts_per_s": N, "bytes_per_s": N,
 *    "drops": {"no_dest": N, "no_neigh": N, "mtu": N, "table_full": N,
 *              "other": N, "no_flow": N, "martian": N}}
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drlbctl.h"
#include "json.h"
#include "nl.h"
#include "svc.h"

static const struct {
	int attr;
	const char *name;
} stat_names[] = {
	{ DRLB_STATS_A_CONNS, "conns" },
	{ DRLB_STATS_A_PKTS, "pkts" },
	{ DRLB_STATS_A_BYTES, "bytes" },
	{ DRLB_STATS_A_STATELESS, "stateless" },
	{ DRLB_STATS_A_NEIGH_QUEUED, "neigh-queued" },
	{ DRLB_STATS_A_DROP_NO_DEST, "drop-no-dest" },
	{ DRLB_STATS_A_DROP_NO_NEIGH, "drop-no-neigh" },
	{ DRLB_STATS_A_DROP_MTU, "drop-mtu" },
	{ DRLB_STATS_A_DROP_TABLE_FULL, "drop-table-full" },
	{ DRLB_STATS_A_DROP_OTHER, "drop-other" },
	{ DRLB_STATS_A_DROP_NO_FLOW, "drop-no-flow" },
	{ DRLB_STATS_A_DROP_MARTIAN, "drop-martian" },
	{ DRLB_STATS_A_CPS, "conns-per-s" },
	{ DRLB_STATS_A_INPPS, "pkts-per-s" },
	{ DRLB_STATS_A_INBPS, "bytes-per-s" },
};

/* --watch with -j: one object a line. */
static bool json_lines;

static int stats_cb(struct nlattr **tb, void *arg)
{
	struct drlb_stats st;
	struct json j;

	(void)arg;
	stats_parse(tb[DRLB_A_STATS], &st);
	if (opts.json) {
		/* The netns totals always carry the drop counters. */
		st.has_drops = true;
		if (json_lines)
			json_init_compact(&j, stdout);
		else
			json_init(&j, stdout);
		stats_json(&j, NULL, &st);
		json_end(&j);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(stat_names); i++)
		printf("%-16s %" PRIu64 "\n", stat_names[i].name,
		       st.v[stat_names[i].attr]);
	return 0;
}

static int stats_show(int argc, char **argv)
{
	long watch = 0;
	char *end;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "--watch")) {
		if (argc < 3)
			return usage_error("stats: --watch needs a number of seconds");
		errno = 0;
		watch = strtol(argv[2], &end, 10);
		if (errno || *end || end == argv[2] || watch < 1 || watch > 3600)
			return usage_error("stats: --watch '%s': seconds from 1 to 3600",
					   argv[2]);
		argc -= 2;
		argv += 2;
		json_lines = true;
	}
	if (argc > 1)
		return usage_error("stats: unexpected '%s'", argv[1]);
	if (drlb_nl_open())
		return 1;
	for (;;) {
		if (watch) {
			char stamp[32];
			time_t now = time(NULL);

			strftime(stamp, sizeof(stamp), "%H:%M:%S",
				 localtime(&now));
			if (isatty(STDOUT_FILENO))
				printf("\033[H\033[2JEvery %lds: drlbctl stats  %s\n\n",
				       watch, stamp);
			else if (!opts.json)
				printf("# %s\n", stamp);
		}
		ret = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_STATS, 0),
				       stats_cb, NULL);
		if (ret)
			return drlb_nl_perror(ret, "stats");
		if (!watch)
			return 0;
		fflush(stdout);
		sleep(watch);
	}
}

static int stats_zero(int argc, char **argv)
{
	struct svc_key k;
	struct nl_msg *msg;
	int ret, used = 2;

	if (argc > 1) {
		ret = svc_parse_key("stats zero", argc - 1, argv + 1, &k, &used);
		if (!ret)
			ret = svc_check_fwm_word("stats zero", &k,
						 argc > 1 + used ?
						 argv[1 + used] : NULL);
		if (ret)
			return ret;
		if (argc > 1 + used)
			return usage_error("stats zero: unexpected '%s'",
					   argv[1 + used]);
	}
	if (drlb_nl_open() ||
	    (argc > 1 && svc_check_af("stats zero", k.addr.af)))
		return 1;
	msg = drlb_nl_msg(DRLB_CMD_ZERO, 0);
	if (argc > 1)
		svc_put_key(msg, &k);
	ret = drlb_nl_transact(msg, NULL, NULL);
	if (ret && argc > 1)
		return drlb_nl_perror(ret, "stats zero %s", svc_key_str(&k));
	return ret ? drlb_nl_perror(ret, "stats zero") : 0;
}

int cmd_stats(int argc, char **argv)
{
	/* "stats [show] [--watch SECS]": stats_show() reads argv[1] on. */
	if (argc < 2 || !strcmp(argv[1], "--watch"))
		return stats_show(argc, argv);
	if (!strcmp(argv[1], "show"))
		return stats_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "zero"))
		return stats_zero(argc - 1, argv + 1);
	return usage_error("stats: unknown subcommand '%s' (show, zero)",
			   argv[1]);
}
