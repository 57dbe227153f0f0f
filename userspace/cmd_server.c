// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl server add|change SERVICE RIP [weight N]
 * drlbctl server del SERVICE RIP
 * drlbctl server show SERVICE
 *   SERVICE: PROTO VIP[:PORT] | fwmark MARK
 *
 * The real servers of a service. RIP is an address only: in direct
 * routing the server receives the packet unchanged, VIP and port
 * included, so it must be on a network the director is attached to and
 * hold the VIP itself (on lo, with ARP for it suppressed). "weight N"
 * (0..65535, default 1 on add) sets its share for the weighted
 * schedulers; weight 0 drains it: no new flows, existing ones continue.
 * "del" removes it; its flows expire or move on per the service's
 * expire-nodest.
 *
 * "show" prints the server lines of "service show" for one service.
 *
 * JSON (-j server show); stable keys, as in "drlbctl -j service show":
 *   {"servers": [{"address": "10.0.0.11", "weight": 1,
 *                 "active_conns": 0, "inactive_conns": 0,
 *                 "mac": "02:00:0a:00:00:11" | null, "dev": "eth0" | null,
 *                 "ifindex": 2, "stats": {...} (with -s)}]}
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

static int parse_rip(const char *ctx, int argc, char **argv, uint32_t *rip)
{
	if (argc < 1)
		return usage_error("%s: missing server address (RIP)", ctx);
	if (strchr(argv[0], ':'))
		return usage_error("%s: bad server address '%s' (an address only: direct routing keeps the VIP's port)",
				   ctx, argv[0]);
	if (parse_ipv4(argv[0], rip))
		return usage_error("%s: bad server address '%s'", ctx, argv[0]);
	return 0;
}

static const char *ip_str(uint32_t addr)
{
	static char buf[32];

	format_ipv4_port(buf, sizeof(buf), addr, 0);
	buf[strlen(buf) - 2] = '\0';
	return buf;
}

/* The server part of a request: DRLB_A_DEST with its keys (and weight). */
static int put_dest(struct nl_msg *msg, uint32_t rip, bool has_weight,
		    uint32_t weight)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_DEST);

	if (!nest ||
	    drlb_nl_put_addr4(msg, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR, rip) ||
	    (has_weight && nla_put_u32(msg, DRLB_DEST_A_WEIGHT, weight)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* add, change and del share their first words. */
static int server_do(const char *sub, int cmd, int argc, char **argv)
{
	char ctx[32];
	bool has_weight = false;
	uint32_t rip, weight = 0;
	struct svc_key k;
	struct nl_msg *msg;
	int ret;

	snprintf(ctx, sizeof(ctx), "server %s", sub);
	ret = svc_parse_key(ctx, argc - 1, argv + 1, &k);
	if (ret)
		return ret;
	/* "fwmark 5 VIP[:PORT] RIP": a VIP where the RIP goes. */
	if (argc > 3 && (strchr(argv[3], ':') ||
			 (argc > 4 && !parse_ipv4(argv[4], &rip)))) {
		ret = svc_check_fwm_word(ctx, &k, argv[3]);
		if (ret)
			return ret;
	}
	ret = parse_rip(ctx, argc - 3, argv + 3, &rip);
	if (ret)
		return ret;
	for (int i = 4; i < argc; i += 2) {
		if (cmd == DRLB_CMD_DEL_DEST || strcmp(argv[i], "weight"))
			return usage_error("%s: unexpected '%s'%s", ctx, argv[i],
					   cmd == DRLB_CMD_DEL_DEST ? "" :
					   " (weight N)");
		if (has_weight)
			return usage_error("%s: 'weight' given twice", ctx);
		if (i + 1 >= argc)
			return usage_error("%s: missing value after 'weight'",
					   ctx);
		if (parse_u32(argv[i + 1], 0, 65535, &weight))
			return usage_error("%s: bad weight '%s' (0..65535)", ctx,
					   argv[i + 1]);
		has_weight = true;
	}
	if (cmd == DRLB_CMD_SET_DEST && !has_weight)
		return usage_error("%s: nothing to change (weight N)", ctx);

	if (drlb_nl_open())
		return 1;
	msg = drlb_nl_msg(cmd, 0);
	if (svc_put_key(msg, &k) || put_dest(msg, rip, has_weight, weight)) {
		nlmsg_free(msg);
		return drlb_nl_perror(-EMSGSIZE, "%s", ctx);
	}
	ret = drlb_nl_transact(msg, NULL, NULL);
	return ret ? drlb_nl_perror(ret, "%s %s %s", ctx, svc_key_str(&k),
				    ip_str(rip)) : 0;
}

static int server_show(int argc, char **argv)
{
	struct svc_info *list;
	struct svc_key k;
	struct json j;
	int n, ret;

	ret = svc_parse_key("server show", argc - 1, argv + 1, &k);
	if (!ret)
		ret = svc_check_fwm_word("server show", &k,
					 argc > 3 ? argv[3] : NULL);
	if (ret)
		return ret;
	if (argc > 3)
		return usage_error("server show: unexpected '%s'", argv[3]);
	if (drlb_nl_open())
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
		for (int i = 0; i < n; i++) {
			if (list[i].n_dests)
				show_servers_header();
			for (int d = 0; d < list[i].n_dests; d++)
				show_server_text(&list[i].dests[d]);
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
