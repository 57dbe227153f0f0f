// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl server add|change SERVICE RIP [weight N]
 *                 [u-threshold N] [l-threshold N]
 * drlbctl server del SERVICE RIP
 * drlbctl server show SERVICE
 *   SERVICE: PROTO VIP[:PORT] | fwmark MARK [family inet|inet6]
 *
 * The real servers of a service. RIP is an address of the service's
 * family (IPv6 bare or in brackets; one of the other family is refused
 * before anything is sent, naming both), and an address only: in direct
 * routing the server receives the packet unchanged, VIP and port
 * included, so it must be on a network the director is attached to and
 * hold the VIP itself (on lo, with ARP for it suppressed). "weight N"
 * (0..65535, default 1 on add) sets its share for the weighted
 * schedulers; weight 0 drains it: no new flows, existing ones continue.
 * "u-threshold N" (0..2147483647, 0 = no limit, the default) makes it
 * overloaded once it has N flows (active and inactive): no scheduler
 * gives it new ones until it has fewer than "l-threshold" (default 0:
 * three quarters of N), as ipvsadm's -x and -y. "del" removes it; its
 * flows expire or move on per the service's expire-nodest.
 *
 * "show" prints the server lines of "service show" for one service.
 *
 * JSON (-j server show); stable keys, as in "drlbctl -j service show":
 *   {"servers": [{"address": "10.0.0.11", "weight": 1,
 *                 "active_conns": 0, "inactive_conns": 0,
 *                 "mac": "02:00:0a:00:00:11" | null, "dev": "eth0" | null,
 *                 "ifindex": 2, "neigh": "resolved",
 *                 "u_threshold": 0, "l_threshold": 0,
 *                 "persist_conns": 0, "overloaded": false,
 *                 "stats": {...} (with -s)}]}
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drlbctl.h"
#include "json.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

/* RIP, an address of the service's family (@k's). */
static int parse_rip(const char *ctx, const struct svc_key *k, int argc,
		     char **argv, struct drlb_addr *rip)
{
	const char *hint;

	if (argc < 1)
		return usage_error("%s: missing server address (RIP)", ctx);
	if (endpoint_port(argv[0]))
		return usage_error("%s: bad server address '%s' (an address only: direct routing keeps the VIP's port)",
				   ctx, argv[0]);
	if (parse_addr(argv[0], rip)) {
		hint = addr_hint(argv[0]);
		if (hint)
			return usage_error("%s: bad server address '%s': %s",
					   ctx, argv[0], hint);
		return usage_error("%s: bad server address '%s'", ctx, argv[0]);
	}
	if (rip->af == k->addr.af)
		return 0;
	if (k->fwmark && rip->af == AF_INET6)
		return usage_error("%s: %s is an IPv6 address but service %s is IPv4 (an IPv6 fwmark service is 'fwmark %u family inet6'): a service's servers are of its family",
				   ctx, argv[0], svc_key_str(k), k->fwmark);
	return usage_error("%s: %s is an %s address but service %s is %s: a service's servers are of its family",
			   ctx, argv[0], family_name(rip->af), svc_key_str(k),
			   family_name(k->addr.af));
}

/* A server's options: weight and connection thresholds (has: given). */
enum { OPT_WEIGHT, OPT_UTHRESH, OPT_LTHRESH, N_OPTS };

static const struct {
	const char *word;
	uint32_t max;
	int attr;
} server_opts[N_OPTS] = {
	[OPT_WEIGHT] = { "weight", 65535, DRLB_DEST_A_WEIGHT },
	[OPT_UTHRESH] = { "u-threshold", DRLB_THRESH_MAX, DRLB_DEST_A_U_THRESH },
	[OPT_LTHRESH] = { "l-threshold", DRLB_THRESH_MAX, DRLB_DEST_A_L_THRESH },
};

#define SERVER_OPTS "weight N, u-threshold N, l-threshold N"

/* The server part of a request: DRLB_A_DEST with its keys and options. */
static int put_dest(struct nl_msg *msg, const struct drlb_addr *rip,
		    const bool *has, const uint32_t *val)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_DEST);

	if (!nest ||
	    drlb_nl_put_addr(msg, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR, rip))
		return -EMSGSIZE;
	for (int o = 0; o < N_OPTS; o++)
		if (has[o] && nla_put_u32(msg, server_opts[o].attr, val[o]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* add, change and del share their first words. */
static int server_do(const char *sub, int cmd, int argc, char **argv)
{
	char ctx[32], a[ADDR_STRLEN];
	bool has[N_OPTS] = { false };
	uint32_t val[N_OPTS] = { 0 };
	struct drlb_addr rip;
	struct svc_key k;
	struct nl_msg *msg;
	int ret, o, r, used;

	snprintf(ctx, sizeof(ctx), "server %s", sub);
	ret = svc_parse_key(ctx, argc - 1, argv + 1, &k, &used);
	if (ret)
		return ret;
	/* The RIP's word: argv[r]. */
	r = 1 + used;
	/* "fwmark 5 VIP[:PORT] RIP": a VIP where the RIP goes. */
	if (argc > r && (endpoint_port(argv[r]) ||
			 (argc > r + 1 && !parse_addr(argv[r + 1], &rip)))) {
		ret = svc_check_fwm_word(ctx, &k, argv[r]);
		if (ret)
			return ret;
	}
	ret = parse_rip(ctx, &k, argc - r, argv + r, &rip);
	if (ret)
		return ret;
	for (int i = r + 1; i < argc; i += 2) {
		for (o = 0; o < N_OPTS; o++)
			if (!strcmp(argv[i], server_opts[o].word))
				break;
		if (svc_family_misplaced(ctx, argv[i]))
			return 2;
		if (cmd == DRLB_CMD_DEL_DEST || o == N_OPTS)
			return usage_error("%s: unexpected '%s'%s", ctx, argv[i],
					   cmd == DRLB_CMD_DEL_DEST ? "" :
					   " (" SERVER_OPTS ")");
		if (has[o])
			return usage_error("%s: '%s' given twice", ctx, argv[i]);
		if (i + 1 >= argc)
			return usage_error("%s: missing value after '%s'",
					   ctx, argv[i]);
		if (parse_u32(argv[i + 1], 0, server_opts[o].max, &val[o]))
			return usage_error("%s: bad %s '%s' (0..%u)", ctx,
					   argv[i], argv[i + 1],
					   server_opts[o].max);
		has[o] = true;
	}
	if (cmd == DRLB_CMD_SET_DEST && !has[OPT_WEIGHT] && !has[OPT_UTHRESH] &&
	    !has[OPT_LTHRESH])
		return usage_error("%s: nothing to change (" SERVER_OPTS ")", ctx);
	/* On change the kernel checks them against the current ones too. */
	if (has[OPT_LTHRESH] && (has[OPT_UTHRESH] || cmd == DRLB_CMD_NEW_DEST) &&
	    val[OPT_LTHRESH] > val[OPT_UTHRESH])
		return usage_error("%s: l-threshold %u above u-threshold %u",
				   ctx, val[OPT_LTHRESH], val[OPT_UTHRESH]);

	if (drlb_nl_open() || svc_check_af(ctx, k.addr.af))
		return 1;
	msg = drlb_nl_msg(cmd, 0);
	if (svc_put_key(msg, &k) || put_dest(msg, &rip, has, val)) {
		nlmsg_free(msg);
		return drlb_nl_perror(-EMSGSIZE, "%s", ctx);
	}
	ret = drlb_nl_transact(msg, NULL, NULL);
	return ret ? drlb_nl_perror(ret, "%s %s %s", ctx, svc_key_str(&k),
				    format_addr(a, sizeof(a), &rip)) : 0;
}

static int server_show(int argc, char **argv)
{
	struct svc_info *list;
	struct svc_key k;
	struct json j;
	int n, ret, used = 2, w;

	ret = svc_parse_key("server show", argc - 1, argv + 1, &k, &used);
	if (!ret)
		ret = svc_check_fwm_word("server show", &k,
					 argc > 1 + used ? argv[1 + used] : NULL);
	if (ret)
		return ret;
	if (argc > 1 + used)
		return usage_error("server show: unexpected '%s'", argv[1 + used]);
	if (drlb_nl_open() || svc_check_af("server show", k.addr.af))
		return 1;
	ret = svc_list_get(&k, &list, &n);
	if (ret)
		return drlb_nl_perror(ret, "server show %s", svc_key_str(&k));
	if (opts.json) {
		json_init(&j, stdout);
		json_obj_open(&j, NULL);
		json_arr_open(&j, "servers");
		for (int i = 0; i < n; i++)
			for (int d = 0; d < list[i].n_dests; d++)
				show_server_json(&j, NULL, &list[i].dests[d]);
		json_arr_close(&j);
		json_obj_close(&j);
		json_end(&j);
	} else {
		w = servers_width(list, n);
		for (int i = 0; i < n; i++) {
			if (list[i].n_dests)
				show_servers_header(w);
			for (int d = 0; d < list[i].n_dests; d++)
				show_server_text(&list[i].dests[d], w);
		}
	}
	svc_list_free(list, n);
	return 0;
}

int cmd_server(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "add"))
		return server_do("add", DRLB_CMD_NEW_DEST, argc - 1, argv + 1);
	if (!strcmp(sub, "change") || !strcmp(sub, "set"))
		return server_do("change", DRLB_CMD_SET_DEST, argc - 1, argv + 1);
	if (!strcmp(sub, "del") || !strcmp(sub, "delete"))
		return server_do("del", DRLB_CMD_DEL_DEST, argc - 1, argv + 1);
	if (!strcmp(sub, "show") || !strcmp(sub, "list"))
		return server_show(argc - 1, argv + 1);
	if (!*sub)
		return usage_error("server: missing subcommand (add, change, del, show)");
	return usage_error("server: unknown subcommand '%s' (add, change, del, show)",
			   sub);
}
