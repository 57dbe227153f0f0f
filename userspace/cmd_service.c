// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl service add|change SERVICE [sched NAME]
 *                  [sched-flags port,fallback|none]
 *                  [persistent SECS|off [netmask MASK]] [expire-nodest yes|no]
 *                  [midstream yes|no] [onepacket yes|no]
 * drlbctl service del SERVICE
 * drlbctl service show [SERVICE]
 *   SERVICE: PROTO VIP[:PORT] | fwmark MARK [family inet|inet6]
 *
 * A service is a protocol and a VIP with a port (":*", ":0" or no port:
 * every port of the VIP), IPv4 ("10.0.0.100:80") or IPv6 ("[2001:db8::100]:80",
 * or bare "2001:db8::100" for every port: without brackets an IPv6 address
 * is all address), or a firewall mark ("fwmark MARK", 1..2^32-1,
 * decimal or 0x hex): a fwmark service takes the TCP, UDP and SCTP
 * packets whose mark an nftables (iptables) rule set to MARK before
 * drlb's hook, whatever their VIP and port, and is looked up first, as
 * IPVS's (ipvsadm -f); persistent, it keeps a client on one server across
 * every VIP and port of the mark. A fwmark service is IPv4 unless "family
 * inet6" follows the mark (ipvsadm -f MARK -6, keepalived's "family
 * inet6"): an IPv4 and an IPv6 fwmark service may share a mark. A
 * service's servers are of its family; the module must have IPv6 for
 * IPv6 services (DRLB_F_DIRECTOR_IPV6), drlbctl says so otherwise.
 * "add" creates it (scheduler "wlc" unless told, not persistent,
 * expire-nodest yes); "change" alters only what it is given; "del"
 * removes it with its servers and flows. "sched" is checked against the
 * module's own scheduler list. "persistent SECS" (1..2000000) keeps a
 * client on one server across connections for SECS after its last one;
 * "netmask" (dotted or prefix length, default 32; for IPv6 a prefix
 * length only, default 128) groups clients for that; "persistent off"
 * (change) turns it off. "expire-nodest no" makes flows of a deleted
 * server move to another server instead of expiring.
 * "midstream yes" lets a TCP segment (SCTP packet) of no known flow that
 * is not a SYN (INIT) create an entry, with the SYN timeout; by default
 * only a SYN opens a flow, and mid-stream packets of an mh, sh or dh
 * service are forwarded without an entry, those of other services
 * dropped. "sched-flags" (sh and mh only) names what their hash does:
 * "port" hashes the client port too, "fallback" sends a flow whose server
 * is overloaded to the next one in the table instead of dropping it;
 * "sched NAME" without it brings NAME's defaults (mh: port; sh: none).
 * "onepacket yes" (udp only) schedules every datagram on its own, with no
 * flow entry.
 *
 * "show" prints one line per service (protocol, VIP:port, scheduler and
 * its non-default settings in the words "add" takes; "FWM" and the mark
 * for a fwmark service - "5 inet6" for an IPv6 one - listed after the
 * others; IPv4 services before IPv6 ones; columns widen for IPv6
 * addresses) and one indented
 * line per server (address, weight, active and inactive connections, and
 * the MAC and device the director sends to, once resolved, then its
 * thresholds, persistence templates and "overloaded" if any). -s adds a
 * line of counters under each.
 *
 * JSON (-j service show); stable keys:
 *   {"services": [{
 *      "protocol": "tcp"|"udp"|"sctp",
 *      "vip": "10.0.0.100",        or "2001:db8::100" (RFC 5952)
 *      "port": 80,                 0 = every port
 *      "fwmark": 5,                a fwmark service: this key instead of
 *                                  protocol, vip and port
 *      "family": "inet6",          IPv6 services only (none: IPv4)
 *      "scheduler": "rr",
 *      "persistent": 0,            seconds, 0 = off
 *      "netmask": 32,              persistence prefix length (IPv6: 128)
 *      "expire_nodest": true,
 *      "midstream": false,
 *      "sched_flags": ["port"],    of "port", "fallback"
 *      "onepacket": false,
 *      "num_servers": 3,
 *      "servers": [{
 *         "address": "10.0.0.11",
 *         "weight": 1,
 *         "active_conns": 0,
 *         "inactive_conns": 0,
 *         "mac": "02:00:0a:00:00:11" | null,   null while unresolved
 *         "dev": "eth0" | null,
 *         "ifindex": 2,            0 while unresolved
 *         "neigh": "resolved",     its ARP entry on the director:
 *                                  "none", "incomplete", "resolved",
 *                                  "stale" or "failed"
 *         "u_threshold": 0,        connection thresholds, 0 = none
 *         "l_threshold": 0,
 *         "persist_conns": 0,      persistence templates naming it
 *         "overloaded": false,     at its u_threshold: no new flows
 *         "stats": {...}           with -s, as below
 *      }],
 *      "stats": {"conns": N, "pkts": N, "bytes": N}    with -s
 *   }]}
 * "stats" counts flows scheduled, packets and bytes (IP length) forwarded;
 * if the module also reports drops there, "drops" holds them as in
 * "drlbctl -j stats".
 */

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "drlbctl.h"
#include "json.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

/* What "add" and "change" were told, beyond the keys. */
struct svc_opts {
	const char *sched;
	bool has_persist, has_netmask, has_expire, has_midstream;
	bool has_sched_flags, has_onepacket;
	uint32_t persist;
	uint8_t netmask;
	bool expire_nodest;
	bool midstream;
	bool onepacket;
	uint32_t sched_flags;
};

#define SVC_OPTS "sched, sched-flags, persistent, netmask, expire-nodest, midstream, onepacket"

/* The options after the key of a service of family @af. */
static int parse_opts(const char *ctx, uint16_t af, int argc, char **argv,
		      struct svc_opts *o)
{
	for (int i = 0; i < argc; i += 2) {
		const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool dup, bad;

		if (svc_family_misplaced(ctx, w))
			return 2;
		if (strcmp(w, "sched") && strcmp(w, "scheduler") &&
		    strcmp(w, "sched-flags") && strcmp(w, "persistent") &&
		    strcmp(w, "netmask") && strcmp(w, "expire-nodest") &&
		    strcmp(w, "midstream") && strcmp(w, "onepacket"))
			return usage_error("%s: unknown option '%s' (" SVC_OPTS ")",
					   ctx, w);
		if (!v)
			return usage_error("%s: missing value after '%s'", ctx,
					   w);
		if (!strcmp(w, "sched") || !strcmp(w, "scheduler")) {
			dup = o->sched;
			if (!dup && parse_sched_name(v))
				return usage_error("%s: bad scheduler name '%s'",
						   ctx, v);
			o->sched = v;
		} else if (!strcmp(w, "sched-flags")) {
			dup = o->has_sched_flags;
			if (!dup && parse_sched_flags(v, &o->sched_flags))
				return usage_error("%s: bad sched-flags '%s' (port, fallback, both as port,fallback, or none)",
						   ctx, v);
			o->has_sched_flags = true;
		} else if (!strcmp(w, "persistent")) {
			dup = o->has_persist;
			if (!dup && parse_persist(v, &o->persist))
				return usage_error("%s: bad persistent timeout '%s' (seconds 1..%u, or off)",
						   ctx, v, DRLB_PERSIST_MAX);
			o->has_persist = true;
		} else if (!strcmp(w, "netmask")) {
			dup = o->has_netmask;
			if (!dup && parse_netmask(v, af, &o->netmask))
				return af == AF_INET6 ?
				       usage_error("%s: bad netmask '%s' (a prefix length from 0 to 128 for an IPv6 service, e.g. 64)",
						   ctx, v) :
				       usage_error("%s: bad netmask '%s' (e.g. 255.255.255.0 or 24)",
						   ctx, v);
			o->has_netmask = true;
		} else {
			bool *val, *has;

			if (!strcmp(w, "midstream")) {
				val = &o->midstream;
				has = &o->has_midstream;
			} else if (!strcmp(w, "onepacket")) {
				val = &o->onepacket;
				has = &o->has_onepacket;
			} else {
				val = &o->expire_nodest;
				has = &o->has_expire;
			}
			dup = *has;
			bad = !dup && parse_bool(v, val);
			if (bad)
				return usage_error("%s: bad %s '%s' (yes or no)",
						   ctx, w, v);
			*has = true;
		}
		if (dup)
			return usage_error("%s: '%s' given twice", ctx, w);
	}
	return 0;
}

/* service add|change: NEW_SERVICE / SET_SERVICE. */
static int service_set(bool add, int argc, char **argv)
{
	const char *ctx = add ? "service add" : "service change";
	const char *sched;
	struct svc_opts o = { 0 };
	struct svc_key k;
	struct nlattr *nest;
	struct nl_msg *msg;
	int ret, used;

	ret = svc_parse_key(ctx, argc - 1, argv + 1, &k, &used);
	if (ret)
		return ret;
	ret = svc_check_fwm_word(ctx, &k, argc > 1 + used ? argv[1 + used] : NULL);
	if (ret)
		return ret;
	ret = parse_opts(ctx, k.addr.af, argc - 1 - used, argv + 1 + used, &o);
	if (ret)
		return ret;
	if (add && o.has_netmask && (!o.has_persist || !o.persist))
		return usage_error("%s: 'netmask' needs 'persistent SECS'", ctx);
	if (add && o.has_persist && !o.persist)
		return usage_error("%s: 'persistent off' is the default; leave it out",
				   ctx);
	if (!add && !o.sched && !o.has_persist && !o.has_netmask &&
	    !o.has_expire && !o.has_midstream && !o.has_sched_flags &&
	    !o.has_onepacket)
		return usage_error("%s: nothing to change (" SVC_OPTS ")", ctx);
	if (o.onepacket && k.proto != IPPROTO_UDP)
		return usage_error("%s: 'onepacket yes' is for udp services only",
				   ctx);
	if (o.sched && o.has_sched_flags && o.sched_flags &&
	    strcmp(o.sched, "sh") && strcmp(o.sched, "mh"))
		return usage_error("%s: sched-flags are for the sh and mh schedulers only",
				   ctx);

	if (drlb_nl_open() || svc_check_af(ctx, k.addr.af))
		return 1;
	if (o.sched) {
		ret = svc_check_sched(ctx, o.sched);
		if (ret)
			return ret;
	}
	msg = drlb_nl_msg(add ? DRLB_CMD_NEW_SERVICE : DRLB_CMD_SET_SERVICE, 0);
	nest = nla_nest_start(msg, DRLB_A_SERVICE);
	svc_put_key_attrs(msg, &k);
	if (o.sched)
		nla_put_string(msg, DRLB_SVC_A_SCHED_NAME, o.sched);
	if (o.has_persist)
		nla_put_u32(msg, DRLB_SVC_A_PERSIST_TIMEOUT, o.persist);
	if (o.has_netmask)
		nla_put_u8(msg, DRLB_SVC_A_PERSIST_NETMASK, o.netmask);
	if (o.has_expire)
		nla_put_u8(msg, DRLB_SVC_A_EXPIRE_NODEST, o.expire_nodest);
	if (o.has_midstream)
		nla_put_u8(msg, DRLB_SVC_A_MIDSTREAM, o.midstream);
	if (o.has_sched_flags)
		nla_put_u32(msg, DRLB_SVC_A_SCHED_FLAGS, o.sched_flags);
	if (o.has_onepacket)
		nla_put_u8(msg, DRLB_SVC_A_ONEPACKET, o.onepacket);
	nla_nest_end(msg, nest);
	ret = drlb_nl_transact(msg, NULL, NULL);
	if (ret)
		return drlb_nl_perror(ret, "%s %s", ctx, svc_key_str(&k));
	/*
	 * Done; a scheduler that is not cluster-safe, named or by default,
	 * on a director that declared itself one of several: say so (not
	 * in restore's passes, which warn once at the end).
	 */
	sched = o.sched ?: (add ? "wlc" : NULL);
	if (sched && !sched_cluster_safe(sched) && !drlb_nl_dry_run &&
	    config_cluster() > 0)
		cluster_warn(svc_key_str(&k), sched);
	return 0;
}

static int service_del(int argc, char **argv)
{
	struct svc_key k;
	struct nl_msg *msg;
	int ret, used = 2;

	ret = svc_parse_key("service del", argc - 1, argv + 1, &k, &used);
	if (!ret)
		ret = svc_check_fwm_word("service del", &k,
					 argc > 1 + used ? argv[1 + used] : NULL);
	if (ret)
		return ret;
	if (argc > 1 + used)
		return usage_error("service del: unexpected '%s'", argv[1 + used]);
	if (drlb_nl_open() || svc_check_af("service del", k.addr.af))
		return 1;
	msg = drlb_nl_msg(DRLB_CMD_DEL_SERVICE, 0);
	svc_put_key(msg, &k);
	ret = drlb_nl_transact(msg, NULL, NULL);
	return ret ? drlb_nl_perror(ret, "service del %s", svc_key_str(&k)) : 0;
}

/* ---- show ----------------------------------------------------------------- */

static void print_stats_line(const struct drlb_stats *st)
{
	printf("       conns %" PRIu64 "  pkts %" PRIu64 "  bytes %" PRIu64,
	       st->v[DRLB_STATS_A_CONNS], st->v[DRLB_STATS_A_PKTS],
	       st->v[DRLB_STATS_A_BYTES]);
	if (st->has_rates)
		printf("  |  %" PRIu64 " conns/s  %" PRIu64 " pkts/s  %" PRIu64
		       " bytes/s", st->v[DRLB_STATS_A_CPS],
		       st->v[DRLB_STATS_A_INPPS], st->v[DRLB_STATS_A_INBPS]);
	printf("\n");
}

int servers_width(const struct svc_info *list, int n)
{
	char a[ADDR_STRLEN];
	int w = 15, len;

	for (int i = 0; i < n; i++)
		for (int d = 0; d < list[i].n_dests; d++) {
			len = (int)strlen(format_addr(a, sizeof(a),
						      &list[i].dests[d].addr));
			if (len > w)
				w = len;
		}
	return w;
}

void show_servers_header(int width)
{
	printf("  -> %-*s %6s %7s %8s  %-17s  %s\n", width, "SERVER", "WEIGHT",
	       "ACTIVE", "INACTIVE", "MAC", "DEV");
}

/*
 * After DEV, what is not the default, in the words "server add" takes
 * (the thresholds), then the state: "persist-conns N" while templates
 * name it, "overloaded" while it is.
 */
void show_server_text(const struct dest_info *d, int width)
{
	char a[ADDR_STRLEN], mac[18], dev[IF_NAMESIZE] = "-";

	format_addr(a, sizeof(a), &d->addr);
	if (d->ifindex && !if_indextoname(d->ifindex, dev))
		snprintf(dev, sizeof(dev), "if%u", d->ifindex);
	printf("  -> %-*s %6u %7u %8u  %-17s  %s", width, a, d->weight, d->active,
	       d->inactive, d->has_mac ? format_mac(mac, d->mac) : "unresolved",
	       dev);
	if (d->u_thresh)
		printf("  u-threshold %u", d->u_thresh);
	if (d->l_thresh)
		printf("  l-threshold %u", d->l_thresh);
	if (d->persist_conns)
		printf("  persist-conns %u", d->persist_conns);
	if (d->overloaded)
		printf("  overloaded");
	printf("\n");
	if (opts.stats)
		print_stats_line(&d->stats);
}

void show_server_json(struct json *j, const char *key,
		      const struct dest_info *d)
{
	char a[ADDR_STRLEN], mac[18], dev[IF_NAMESIZE];

	json_obj_open(j, key);
	json_str(j, "address", format_addr(a, sizeof(a), &d->addr));
	json_u64(j, "weight", d->weight);
	json_u64(j, "active_conns", d->active);
	json_u64(j, "inactive_conns", d->inactive);
	if (d->has_mac)
		json_str(j, "mac", format_mac(mac, d->mac));
	else
		json_null(j, "mac");
	if (d->ifindex && if_indextoname(d->ifindex, dev))
		json_str(j, "dev", dev);
	else
		json_null(j, "dev");
	json_u64(j, "ifindex", d->ifindex);
	if (d->has_neigh)
		json_str(j, "neigh", neigh_state_name(d->neigh));
	json_u64(j, "u_threshold", d->u_thresh);
	json_u64(j, "l_threshold", d->l_thresh);
	if (d->has_persist) {
		json_u64(j, "persist_conns", d->persist_conns);
		json_bool(j, "overloaded", d->overloaded);
	}
	if (opts.stats)
		stats_json(j, "stats", &d->stats);
	json_obj_close(j);
}

/* The PROTO column: "tcp", ..., or "FWM" for a fwmark service. */
static const char *svc_proto_col(const struct svc_key *k)
{
	return k->fwmark ? "FWM" : format_proto(k->proto);
}

/*
 * The VIP:PORT column: "10.0.0.100:80", "[2001:db8::100]:80", or for a
 * fwmark service its mark ("5", "5 inet6" for an IPv6 one, as ipvsadm's
 * "FWM  5 IPv6").
 */
static char *svc_vip_col(char *buf, size_t len, const struct svc_key *k)
{
	if (k->fwmark && k->addr.af == AF_INET6)
		snprintf(buf, len, "%u inet6", k->fwmark);
	else if (k->fwmark)
		snprintf(buf, len, "%u", k->fwmark);
	else
		format_endpoint(buf, len, &k->addr, k->port);
	return buf;
}

static void show_text(const struct svc_info *list, int n)
{
	char vip[ENDPOINT_STRLEN], flags[192], sf[32];
	int vw = 21, sw = servers_width(list, n), len;

	if (!n)
		return;
	/* Columns as wide as their longest entry (IPv6), at least as IPv4's. */
	for (int i = 0; i < n; i++) {
		len = (int)strlen(svc_vip_col(vip, sizeof(vip), &list[i].key));
		if (len > vw)
			vw = len;
	}
	printf("%-5s %-*s %-6s %s\n", "PROTO", vw, "VIP:PORT", "SCHED", "FLAGS");
	show_servers_header(sw);
	for (int i = 0; i < n; i++) {
		const struct svc_info *s = &list[i];

		len = 0;
		flags[0] = '\0';
		if (s->persist)
			len += snprintf(flags + len, sizeof(flags) - len,
					"persistent %u ", s->persist);
		if (s->persist && s->netmask != addr_bits(s->key.addr.af))
			len += snprintf(flags + len, sizeof(flags) - len,
					"netmask %u ", s->netmask);
		if (!s->expire_nodest)
			len += snprintf(flags + len, sizeof(flags) - len,
					"expire-nodest no ");
		if (s->midstream)
			len += snprintf(flags + len, sizeof(flags) - len,
					"midstream yes ");
		if (s->sched_flags != sched_default_flags(s->sched))
			len += snprintf(flags + len, sizeof(flags) - len,
					"sched-flags %s ",
					format_sched_flags(sf, sizeof(sf),
							   s->sched_flags));
		if (s->onepacket)
			len += snprintf(flags + len, sizeof(flags) - len,
					"onepacket yes ");
		if (len)
			flags[len - 1] = '\0';
		/* A fwmark service: "FWM" and the mark, as ipvsadm -L. */
		svc_vip_col(vip, sizeof(vip), &s->key);
		if (flags[0])
			printf("%-5s %-*s %-6s %s\n", svc_proto_col(&s->key),
			       vw, vip, s->sched, flags);
		else
			printf("%-5s %-*s %s\n", svc_proto_col(&s->key),
			       vw, vip, s->sched);
		if (opts.stats)
			print_stats_line(&s->stats);
		for (int d = 0; d < s->n_dests; d++)
			show_server_text(&s->dests[d], sw);
	}
}

static void show_json(const struct svc_info *list, int n)
{
	struct json j;

	json_init(&j, stdout);
	json_obj_open(&j, NULL);
	json_arr_open(&j, "services");
	for (int i = 0; i < n; i++) {
		const struct svc_info *s = &list[i];

		json_obj_open(&j, NULL);
		svc_key_json(&j, &s->key);
		json_str(&j, "scheduler", s->sched);
		json_u64(&j, "persistent", s->persist);
		json_u64(&j, "netmask", s->netmask);
		json_bool(&j, "expire_nodest", s->expire_nodest);
		json_bool(&j, "midstream", s->midstream);
		json_arr_open(&j, "sched_flags");
		if (s->sched_flags & DRLB_SCHED_F_PORT)
			json_str(&j, NULL, "port");
		if (s->sched_flags & DRLB_SCHED_F_FALLBACK)
			json_str(&j, NULL, "fallback");
		json_arr_close(&j);
		json_bool(&j, "onepacket", s->onepacket);
		json_u64(&j, "num_servers", s->num_dests);
		json_arr_open(&j, "servers");
		for (int d = 0; d < s->n_dests; d++)
			show_server_json(&j, NULL, &s->dests[d]);
		json_arr_close(&j);
		if (opts.stats)
			stats_json(&j, "stats", &s->stats);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
}

static int service_show(int argc, char **argv)
{
	struct svc_info *list;
	struct svc_key k;
	int n, ret, used = 2;

	if (argc > 1) {
		ret = svc_parse_key("service show", argc - 1, argv + 1, &k,
				    &used);
		if (!ret)
			ret = svc_check_fwm_word("service show", &k,
						 argc > 1 + used ?
						 argv[1 + used] : NULL);
		if (ret)
			return ret;
		if (argc > 1 + used)
			return usage_error("service show: unexpected '%s'",
					   argv[1 + used]);
	}
	if (drlb_nl_open() ||
	    (argc > 1 && svc_check_af("service show", k.addr.af)))
		return 1;
	ret = svc_list_get(argc > 1 ? &k : NULL, &list, &n);
	if (ret) {
		if (argc > 1)
			return drlb_nl_perror(ret, "service show %s",
					      svc_key_str(&k));
		return drlb_nl_perror(ret, "service show");
	}
	if (opts.json)
		show_json(list, n);
	else
		show_text(list, n);
	svc_list_free(list, n);
	return 0;
}

int cmd_service(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "show";

	if (!strcmp(sub, "add"))
		return service_set(true, argc - 1, argv + 1);
	if (!strcmp(sub, "change") || !strcmp(sub, "set"))
		return service_set(false, argc - 1, argv + 1);
	if (!strcmp(sub, "del") || !strcmp(sub, "delete"))
		return service_del(argc - 1, argv + 1);
	if (!strcmp(sub, "show") || !strcmp(sub, "list"))
		return service_show(argc > 1 ? argc - 1 : 1, argv + (argc > 1));
	return usage_error("service: unknown subcommand '%s' (add, change, del, show)",
			   sub);
}
