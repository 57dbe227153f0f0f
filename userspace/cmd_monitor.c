// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl monitor
 *
 * Prints the drlb module's events (the "monitor" multicast group,
 * DRLB_CMD_EVENT) as they happen, one line each, until interrupted, like
 * `ip monitor`. Needs CAP_NET_ADMIN. Events are those of drlbctl's
 * network namespace:
 *
 *   service add|change|del SERVICE sched NAME ...   by port N
 *   server add|change|del SERVICE ADDR weight W [u-threshold N]
 *                                      [l-threshold N]     by port N
 *   neigh SERVICE ADDR STATE [MAC]          a real server's ARP entry
 *                                           (incomplete, resolved, stale,
 *                                           failed, none)
 *   arp add|change|del VIP [dev NAME] [packet-sockets yes] by port N
 *   flush [arp]                                            by port N
 *   table full|ok CONNS/CONN_MAX    the flow table reached its bound, or
 *                                   came back below 9/10 of it
 *   table stateless CONNS/CONN_MAX  the first new flow of an mh, sh or
 *                                   dh service forwarded without an entry
 *                                   since the table filled up
 *   events lost                     this listener fell behind
 *
 * SERVICE is "PROTO VIP:PORT" ("tcp [2001:db8::100]:80" for IPv6), "fwmark
 * MARK" or "fwmark MARK family inet6", as the commands take it. Events of
 * an address family this drlbctl does not know are left out.
 * "by port N" is the netlink port of the request that made the change.
 *
 * JSON (-j monitor): one object per line; stable keys:
 *   {"event": "service-add"|"service-change"|"service-del"|"server-add"|
 *             "server-change"|"server-del"|"neigh"|"arp-add"|
 *             "arp-change"|"arp-del"|"flush"|"table-full"|"table-ok"|
 *             "table-stateless"|"lost",
 *    "port": N,                    the requester's netlink port, or null
 *    "service": {...},             service and server events: as in
 *    "server": {...},              "service show -j" (a server event's
 *                                  service has its keys only: protocol,
 *                                  vip and port, or fwmark; and
 *                                  "family": "inet6" for IPv6)
 *    "arp": {"vip": "10.0.0.100", "dev": "eth0"|null, "ifindex": 0,
 *            "packet_sockets": false},
 *    "flush_arp": false,           flush
 *    "conn_count": N, "conn_max": N}  table events
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "drlbctl.h"
#include "json.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

static const char *const ev_names[DRLB_EV_MAX + 1] = {
	[DRLB_EV_SERVICE_NEW]	= "service-add",
	[DRLB_EV_SERVICE_SET]	= "service-change",
	[DRLB_EV_SERVICE_DEL]	= "service-del",
	[DRLB_EV_DEST_NEW]	= "server-add",
	[DRLB_EV_DEST_SET]	= "server-change",
	[DRLB_EV_DEST_DEL]	= "server-del",
	[DRLB_EV_ARP_NEW]	= "arp-add",
	[DRLB_EV_ARP_SET]	= "arp-change",
	[DRLB_EV_ARP_DEL]	= "arp-del",
	[DRLB_EV_FLUSH]		= "flush",
	[DRLB_EV_NEIGH]		= "neigh",
	[DRLB_EV_TABLE_FULL]	= "table-full",
	[DRLB_EV_TABLE_OK]	= "table-ok",
	[DRLB_EV_STATELESS]	= "table-stateless",
};

/* An event, as read from one message. */
struct event {
	uint32_t type;
	bool has_port;
	uint32_t port;
	bool has_svc, has_dest, has_arp;
	struct svc_info svc;
	struct dest_info dest;
	struct drlb_addr arp_vip;
	uint32_t arp_ifindex, arp_flags;
	bool flush_arp;
	uint32_t conn_count, conn_max;
};

/*
 * The event of one message: 0, 1 for one of an address family drlbctl
 * does not know (skipped), -EPROTO for a malformed one.
 */
static int parse_event(struct nlattr **tb, struct event *e)
{
	int err;

	memset(e, 0, sizeof(*e));
	if (!tb[DRLB_A_EVENT])
		return -EPROTO;
	e->type = nla_get_u32(tb[DRLB_A_EVENT]);
	if (tb[DRLB_A_PORTID]) {
		e->has_port = true;
		e->port = nla_get_u32(tb[DRLB_A_PORTID]);
	}
	if (tb[DRLB_A_SERVICE]) {
		err = svc_info_parse(tb[DRLB_A_SERVICE], &e->svc);
		if (err)
			return err < 0 ? -EPROTO : 1;
		e->has_svc = true;
	}
	if (tb[DRLB_A_DEST]) {
		err = dest_info_parse(tb[DRLB_A_DEST], &e->dest);
		if (err)
			return err < 0 ? -EPROTO : 1;
		e->has_dest = true;
	}
	if (tb[DRLB_A_ARP]) {
		struct nlattr *at[DRLB_ARP_A_MAX + 1];
		uint16_t af;

		if (drlb_nl_parse_nested(at, DRLB_ARP_A_MAX, tb[DRLB_A_ARP]))
			return -EPROTO;
		/* Rules of both families (IPv6: neighbour discovery). */
		af = at[DRLB_ARP_A_AF] ? nla_get_u16(at[DRLB_ARP_A_AF]) :
		     AF_INET;
		if (!addr_len(af))
			return 1;
		if (drlb_nl_get_addr(at[DRLB_ARP_A_ADDR], af, &e->arp_vip))
			return -EPROTO;
		if (at[DRLB_ARP_A_IFINDEX])
			e->arp_ifindex = nla_get_u32(at[DRLB_ARP_A_IFINDEX]);
		if (at[DRLB_ARP_A_FLAGS])
			e->arp_flags = nla_get_u32(at[DRLB_ARP_A_FLAGS]);
		e->has_arp = true;
	}
	e->flush_arp = tb[DRLB_A_FLUSH_ARP];
	if (tb[DRLB_A_CONFIG]) {
		struct nlattr *ct[DRLB_CFG_A_MAX + 1];

		if (drlb_nl_parse_nested(ct, DRLB_CFG_A_MAX, tb[DRLB_A_CONFIG]))
			return -EPROTO;
		if (ct[DRLB_CFG_A_CONN_COUNT])
			e->conn_count = nla_get_u32(ct[DRLB_CFG_A_CONN_COUNT]);
		if (ct[DRLB_CFG_A_CONN_MAX])
			e->conn_max = nla_get_u32(ct[DRLB_CFG_A_CONN_MAX]);
	}
	return 0;
}

static const char *ev_name(uint32_t type)
{
	return type <= DRLB_EV_MAX && ev_names[type] ? ev_names[type] :
	       "unknown";
}

/* "service-add" -> "service add": the words of the CLI. */
static void print_kind(uint32_t type)
{
	const char *n = ev_name(type), *dash = strchr(n, '-');

	if (dash)
		printf("%.*s %s", (int)(dash - n), n, dash + 1);
	else
		printf("%s", n);
}

static void print_text(const struct event *e)
{
	char a[ADDR_STRLEN], mac[18], dev[IF_NAMESIZE], sf[32];

	print_kind(e->type);
	if (e->has_svc)
		printf(" %s", svc_key_str(&e->svc.key));
	if (e->has_svc && !e->has_dest && e->type != DRLB_EV_SERVICE_DEL) {
		printf(" sched %s", e->svc.sched);
		if (e->svc.persist)
			printf(" persistent %u netmask %u", e->svc.persist,
			       e->svc.netmask);
		if (!e->svc.expire_nodest)
			printf(" expire-nodest no");
		if (e->svc.midstream)
			printf(" midstream yes");
		if (e->svc.sched_flags != sched_default_flags(e->svc.sched))
			printf(" sched-flags %s",
			       format_sched_flags(sf, sizeof(sf),
						  e->svc.sched_flags));
		if (e->svc.onepacket)
			printf(" onepacket yes");
	}
	if (e->has_dest) {
		printf(" %s", format_addr(a, sizeof(a), &e->dest.addr));
		if (e->type == DRLB_EV_NEIGH) {
			printf(" %s", e->dest.has_neigh ?
			       neigh_state_name(e->dest.neigh) : "unknown");
			if (e->dest.has_mac)
				printf(" %s", format_mac(mac, e->dest.mac));
		} else if (e->type != DRLB_EV_DEST_DEL) {
			printf(" weight %u", e->dest.weight);
			if (e->dest.u_thresh)
				printf(" u-threshold %u", e->dest.u_thresh);
			if (e->dest.l_thresh)
				printf(" l-threshold %u", e->dest.l_thresh);
		}
	}
	if (e->has_arp) {
		printf(" %s", format_addr(a, sizeof(a), &e->arp_vip));
		if (e->arp_ifindex && if_indextoname(e->arp_ifindex, dev))
			printf(" dev %s", dev);
		else if (e->arp_ifindex)
			printf(" ifindex %u", e->arp_ifindex);
		if (e->arp_flags & DRLB_ARP_F_PACKET_SOCKETS)
			printf(" packet-sockets yes");
	}
	if (e->type == DRLB_EV_FLUSH && e->flush_arp)
		printf(" arp");
	if (e->type == DRLB_EV_TABLE_FULL || e->type == DRLB_EV_TABLE_OK ||
	    e->type == DRLB_EV_STATELESS)
		printf(" %u/%u", e->conn_count, e->conn_max);
	if (e->has_port)
		printf(" by port %u", e->port);
	printf("\n");
}

static void print_json(const struct event *e)
{
	char a[ADDR_STRLEN], dev[IF_NAMESIZE];
	struct json j;

	json_init_compact(&j, stdout);
	json_obj_open(&j, NULL);
	json_str(&j, "event", ev_name(e->type));
	if (e->has_port)
		json_u64(&j, "port", e->port);
	else
		json_null(&j, "port");
	if (e->has_svc) {
		json_obj_open(&j, "service");
		svc_key_json(&j, &e->svc.key);
		if (!e->has_dest) {
			json_str(&j, "scheduler", e->svc.sched);
			json_u64(&j, "persistent", e->svc.persist);
			json_u64(&j, "netmask", e->svc.netmask);
			json_bool(&j, "expire_nodest", e->svc.expire_nodest);
			json_bool(&j, "midstream", e->svc.midstream);
			json_arr_open(&j, "sched_flags");
			if (e->svc.sched_flags & DRLB_SCHED_F_PORT)
				json_str(&j, NULL, "port");
			if (e->svc.sched_flags & DRLB_SCHED_F_FALLBACK)
				json_str(&j, NULL, "fallback");
			json_arr_close(&j);
			json_bool(&j, "onepacket", e->svc.onepacket);
			json_u64(&j, "num_servers", e->svc.num_dests);
		}
		json_obj_close(&j);
	}
	if (e->has_dest) {
		/* The object "service show -j" lists for a server. */
		show_server_json(&j, "server", &e->dest);
	}
	if (e->has_arp) {
		json_obj_open(&j, "arp");
		json_str(&j, "vip", format_addr(a, sizeof(a), &e->arp_vip));
		if (e->arp_ifindex && if_indextoname(e->arp_ifindex, dev))
			json_str(&j, "dev", dev);
		else
			json_null(&j, "dev");
		json_u64(&j, "ifindex", e->arp_ifindex);
		json_bool(&j, "packet_sockets",
			  e->arp_flags & DRLB_ARP_F_PACKET_SOCKETS);
		json_obj_close(&j);
	}
	if (e->type == DRLB_EV_FLUSH)
		json_bool(&j, "flush_arp", e->flush_arp);
	if (e->type == DRLB_EV_TABLE_FULL || e->type == DRLB_EV_TABLE_OK ||
	    e->type == DRLB_EV_STATELESS) {
		json_u64(&j, "conn_count", e->conn_count);
		json_u64(&j, "conn_max", e->conn_max);
	}
	json_obj_close(&j);
	json_end(&j);
}

static void print_lost(void)
{
	if (opts.json)
		printf("{\"event\":\"lost\",\"port\":null}\n");
	else
		printf("events lost\n");
	fflush(stdout);
}

/* The events in one datagram; -EPROTO on a malformed one. */
static int handle(char *buf, size_t len)
{
	struct nlattr *tb[DRLB_A_MAX + 1];
	struct nlmsghdr *nlh;
	struct event e;
	int err;

	for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		struct genlmsghdr *g = NLMSG_DATA(nlh);

		if (nlh->nlmsg_type != drlb_nl_family() ||
		    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
		    g->cmd != DRLB_CMD_EVENT)
			continue;
		err = drlb_nl_parse_reply(nlh, tb) ? -EPROTO :
		      parse_event(tb, &e);
		if (err < 0) {
			fprintf(stderr, "drlbctl: monitor: a malformed event\n");
			return -EPROTO;
		}
		/* Of an address family this drlbctl does not know. */
		if (err)
			continue;
		if (opts.json)
			print_json(&e);
		else
			print_text(&e);
		fflush(stdout);
	}
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	static char buf[65536];
	int fd;

	(void)argv;
	if (argc > 1)
		return usage_error("monitor takes no arguments: %s", argv[1]);
	fd = drlb_nl_subscribe(DRLB_MCGRP_MONITOR);
	if (fd < 0)
		return 1;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == ENOBUFS) {
			print_lost();
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "drlbctl: monitor: %s\n",
				n ? strerror(errno) : "socket closed");
			close(fd);
			return 1;
		}
		if (handle(buf, n)) {
			close(fd);
			return 1;
		}
	}
}
