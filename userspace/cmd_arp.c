// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl arp add VIP [dev IFNAME | ifindex N] [packet-sockets yes|no]
 * drlbctl arp change VIP [dev IFNAME | ifindex N] packet-sockets yes|no
 * drlbctl arp del VIP [dev IFNAME | ifindex N]
 * drlbctl arp prune
 * drlbctl [-s] [-j] arp show
 *
 * Real-server ARP rules (the drlb module's DRLB_CMD_*_ARP). On a real
 * server that holds the VIP, a rule makes the host neither answer ARP
 * requests for the VIP nor send ARP with the VIP as sender address, so the
 * LAN keeps learning the VIP at the director's MAC. Without "dev" a rule
 * applies on every device. Rules are per network namespace. "ifindex N"
 * names a device by index, for a rule whose device has gone. A rule covers
 * the ARP the kernel sends, as arptables and the arp_announce sysctl do;
 * "packet-sockets yes" covers also the ARP user space writes on packet
 * sockets (arping, a VRRP daemon's gratuitous ARP), at a price: every
 * packet the rule's devices send then passes an egress hook.
 *
 * "arp prune" deletes the rules whose VIP no device of the namespace
 * holds and keeps, saying so on stderr, those whose VIP is still held:
 * without its rule a real server answers ARP for a VIP on lo and the LAN
 * sends it the VIP's traffic. drlb.service's stop runs it.
 *
 * "arp show" prints one rule per line, exactly what "arp add" reads back:
 *     10.0.0.100
 *     10.0.0.100 dev e0
 *     10.0.0.100 ifindex 7            (the device has gone)
 *     10.0.0.100 dev e0 packet-sockets yes
 * With -s it prints a table with the counters instead:
 *     VIP              DEV       REQ-DROPPED  SRC-REWRITTEN  SRC-DROPPED PKT-SOCKETS
 * where DEV is "any" for an every-device rule.
 *
 * JSON (-j), stable keys; the counters are always present:
 *   {"arp_rules": [
 *     {"vip": "10.0.0.100",       VIP, dotted quad
 *      "dev": "e0" | null,        device name; null for every device (and
 *                                 for a device that has gone)
 *      "ifindex": 2,              0 for every device
 *      "packet_sockets": false,   also ARP from packet sockets
 *      "requests_dropped": 0,     ARP requests for the VIP not answered
 *      "sources_rewritten": 0,    own requests sent with another sender
 *      "sources_dropped": 0}      own ARP with the VIP as sender dropped
 *   ]}
 *
 * IPv4 only: an IPv6 VIP is refused (exit 2) saying that IPv6 is not
 * supported here yet; rules of another family that a module lists are
 * left out of show, save and prune.
 *
 * Exit status: 0 ok; 1 refused by the kernel (e.g. the rule exists / does
 * not exist) or unknown device; 2 bad usage. Nothing changes on error.
 */

#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "drlbctl.h"
#include "json.h"
#include "nl.h"
#include "parse.h"

struct arp_rule {
	uint32_t vip;		/* network order */
	uint32_t ifindex;
	uint32_t flags;		/* DRLB_ARP_F_* */
	uint64_t req_dropped, src_rewritten, src_dropped;
};

struct arp_rules {
	struct arp_rule *v;
	size_t n, cap;
};

/*
 * The usage error of a VIP that is not an IPv4 address: an IPv6 one is
 * said to be so (rules for IPv6 VIPs, neighbour discovery, are not
 * there yet), anything else is not an address. Shared with cmd_vip.c.
 */
int ipv4_vip_error(const char *cmd, const char *what, const char *word)
{
	struct drlb_addr a;

	if (!parse_addr(word, &a) && a.af == AF_INET6)
		return usage_error("%s %s: %s is an IPv6 address: IPv6 VIPs are not supported yet (they need neighbour discovery, not ARP)",
				   cmd, what, word);
	return usage_error("%s %s: '%s' is not an IPv4 address", cmd, what,
			   word);
}

/* The device of "dev NAME" or "ifindex N". */
static int parse_dev(const char *what, const char *key, const char *val,
		     uint32_t *ifindex)
{
	if (*ifindex)
		return usage_error("arp %s: one device only ('%s %s')", what,
				   key, val);
	if (!strcmp(key, "ifindex")) {
		if (parse_u32(val, 1, INT32_MAX, ifindex))
			return usage_error("arp %s: ifindex must be an integer from 1 to %d, not '%s'",
					   what, INT32_MAX, val);
		return 0;
	}
	if (strlen(val) >= IFNAMSIZ)
		return usage_error("arp %s: device name '%s' is too long", what,
				   val);
	*ifindex = if_nametoindex(val);
	if (!*ifindex) {
		fprintf(stderr,
			"drlbctl: arp %s: no device '%s' in this network namespace\n",
			what, val);
		return 1;
	}
	return 0;
}

/*
 * "VIP [dev IFNAME | ifindex N] [packet-sockets yes|no]" after the
 * subcommand word; packet-sockets only for add (@flags non-NULL).
 */
static int parse_rule(const char *what, int argc, char **argv,
		      uint32_t *vip, uint32_t *ifindex, uint32_t *flags)
{
	const char *words = flags ? "dev, ifindex, packet-sockets" :
				    "dev, ifindex";
	int i, err;

	if (argc < 2)
		return usage_error("arp %s: expected VIP [dev IFNAME]", what);
	if (parse_ipv4(argv[1], vip))
		return ipv4_vip_error("arp", what, argv[1]);
	*ifindex = 0;
	if (flags)
		*flags = 0;
	for (i = 2; i < argc; i += 2) {
		const char *key = argv[i];
		bool yes;

		if (strcmp(key, "dev") && strcmp(key, "ifindex") &&
		    (!flags || strcmp(key, "packet-sockets")))
			return usage_error("arp %s: unknown word '%s' (%s)",
					   what, key, words);
		if (i + 1 >= argc)
			return usage_error("arp %s: '%s' needs a value", what,
					   key);
		if (strcmp(key, "packet-sockets")) {
			err = parse_dev(what, key, argv[i + 1], ifindex);
			if (err)
				return err;
			continue;
		}
		if (parse_bool(argv[i + 1], &yes))
			return usage_error("arp %s: bad packet-sockets '%s' (yes or no)",
					   what, argv[i + 1]);
		if (yes)
			*flags |= DRLB_ARP_F_PACKET_SOCKETS;
		else
			*flags &= ~DRLB_ARP_F_PACKET_SOCKETS;
	}
	return 0;
}

static int need_feature(void)
{
	struct drlb_info info;

	if (drlb_nl_open())
		return 1;
	if (drlb_nl_info(&info) == 0 && !(info.features & DRLB_F_ARP_SUPPRESS)) {
		fprintf(stderr,
			"drlbctl: the drlb module %s has no ARP rules: update the module\n",
			info.version);
		return 1;
	}
	return 0;
}

static int arp_change(int argc, char **argv, uint8_t cmd, const char *what)
{
	uint32_t vip, ifindex, flags = 0;
	struct nlattr *nest;
	struct nl_msg *msg;
	char buf[INET_ADDRSTRLEN], dev[IF_NAMESIZE + 16] = "";
	int err;

	err = parse_rule(what, argc, argv, &vip, &ifindex,
			 cmd != DRLB_CMD_DEL_ARP ? &flags : NULL);
	if (err)
		return err;
	if (cmd == DRLB_CMD_SET_ARP) {
		int i;

		for (i = 2; i < argc && strcmp(argv[i], "packet-sockets"); i += 2)
			;
		if (i >= argc)
			return usage_error("arp change: nothing to change (packet-sockets yes|no)");
	}
	if (need_feature())
		return 1;
	msg = drlb_nl_msg(cmd, 0);
	nest = nla_nest_start(msg, DRLB_A_ARP);
	if (!nest || drlb_nl_put_addr4(msg, DRLB_ARP_A_AF, DRLB_ARP_A_ADDR, vip) ||
	    (ifindex && nla_put_u32(msg, DRLB_ARP_A_IFINDEX, ifindex)) ||
	    (flags && nla_put_u32(msg, DRLB_ARP_A_FLAGS, flags))) {
		nlmsg_free(msg);
		fprintf(stderr, "drlbctl: out of memory\n");
		return 1;
	}
	nla_nest_end(msg, nest);
	err = drlb_nl_transact(msg, NULL, NULL);
	if (err) {
		char name[IF_NAMESIZE];

		if (ifindex && if_indextoname(ifindex, name))
			snprintf(dev, sizeof(dev), " dev %s", name);
		else if (ifindex)
			snprintf(dev, sizeof(dev), " ifindex %u", ifindex);
		return drlb_nl_perror(err, "arp %s %s%s", what,
				      inet_ntop(AF_INET, &vip, buf, sizeof(buf)),
				      dev);
	}
	return 0;
}

static int show_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *at[DRLB_ARP_A_MAX + 1];
	struct nlattr *st[DRLB_ARP_STATS_A_MAX + 1];
	struct arp_rules *rules = arg;
	struct arp_rule *r;

	if (drlb_nl_parse_nested(at, DRLB_ARP_A_MAX, tb[DRLB_A_ARP]) ||
	    !at[DRLB_ARP_A_AF] || !at[DRLB_ARP_A_ADDR])
		return -EPROTO;
	/* IPv4 rules only; a module's IPv6 (neighbour) rules are left out. */
	if (nla_get_u16(at[DRLB_ARP_A_AF]) != AF_INET)
		return 0;
	if (nla_len(at[DRLB_ARP_A_ADDR]) != 4)
		return -EPROTO;
	if (rules->n == rules->cap) {
		size_t cap = rules->cap ? 2 * rules->cap : 16;
		struct arp_rule *v = realloc(rules->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		rules->v = v;
		rules->cap = cap;
	}
	r = &rules->v[rules->n++];
	memset(r, 0, sizeof(*r));
	memcpy(&r->vip, nla_data(at[DRLB_ARP_A_ADDR]), 4);
	if (at[DRLB_ARP_A_IFINDEX])
		r->ifindex = nla_get_u32(at[DRLB_ARP_A_IFINDEX]);
	if (at[DRLB_ARP_A_FLAGS])
		r->flags = nla_get_u32(at[DRLB_ARP_A_FLAGS]);
	if (at[DRLB_ARP_A_STATS] &&
	    !drlb_nl_parse_nested(st, DRLB_ARP_STATS_A_MAX, at[DRLB_ARP_A_STATS])) {
		if (st[DRLB_ARP_STATS_A_REQ_DROPPED])
			r->req_dropped = nla_get_u64(st[DRLB_ARP_STATS_A_REQ_DROPPED]);
		if (st[DRLB_ARP_STATS_A_SRC_REWRITTEN])
			r->src_rewritten = nla_get_u64(st[DRLB_ARP_STATS_A_SRC_REWRITTEN]);
		if (st[DRLB_ARP_STATS_A_SRC_DROPPED])
			r->src_dropped = nla_get_u64(st[DRLB_ARP_STATS_A_SRC_DROPPED]);
	}
	return 0;
}

/*
 * "VIP", "VIP dev NAME" or "VIP ifindex N", then "packet-sockets yes" if
 * set: the words "arp add" reads.
 */
static void print_rule_words(FILE *out, const struct arp_rule *r)
{
	char vip[INET_ADDRSTRLEN], name[IF_NAMESIZE];

	inet_ntop(AF_INET, &r->vip, vip, sizeof(vip));
	if (!r->ifindex)
		fprintf(out, "%s", vip);
	else if (if_indextoname(r->ifindex, name))
		fprintf(out, "%s dev %s", vip, name);
	else
		fprintf(out, "%s ifindex %u", vip, r->ifindex);
	fprintf(out, "%s\n", r->flags & DRLB_ARP_F_PACKET_SOCKETS ?
		" packet-sockets yes" : "");
}

static void print_rules(const struct arp_rules *rules)
{
	char vip[INET_ADDRSTRLEN], name[IF_NAMESIZE], dev[IF_NAMESIZE + 16];
	struct json j;
	size_t i;

	if (opts.json) {
		json_init(&j, stdout);
		json_obj_open(&j, NULL);
		json_arr_open(&j, "arp_rules");
	} else if (opts.stats) {
		printf("%-16s %-16s %12s %14s %12s %11s\n", "VIP", "DEV",
		       "REQ-DROPPED", "SRC-REWRITTEN", "SRC-DROPPED",
		       "PKT-SOCKETS");
	}
	for (i = 0; i < rules->n; i++) {
		const struct arp_rule *r = &rules->v[i];
		bool named = r->ifindex && if_indextoname(r->ifindex, name);

		inet_ntop(AF_INET, &r->vip, vip, sizeof(vip));
		if (opts.json) {
			json_obj_open(&j, NULL);
			json_str(&j, "vip", vip);
			if (named)
				json_str(&j, "dev", name);
			else
				json_null(&j, "dev");
			json_u64(&j, "ifindex", r->ifindex);
			json_bool(&j, "packet_sockets",
				  r->flags & DRLB_ARP_F_PACKET_SOCKETS);
			json_u64(&j, "requests_dropped", r->req_dropped);
			json_u64(&j, "sources_rewritten", r->src_rewritten);
			json_u64(&j, "sources_dropped", r->src_dropped);
			json_obj_close(&j);
			continue;
		}
		if (opts.stats) {
			if (!r->ifindex)
				snprintf(dev, sizeof(dev), "any");
			else if (named)
				snprintf(dev, sizeof(dev), "%s", name);
			else
				snprintf(dev, sizeof(dev), "#%u", r->ifindex);
			printf("%-16s %-16s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %11s\n",
			       vip, dev, r->req_dropped, r->src_rewritten,
			       r->src_dropped,
			       r->flags & DRLB_ARP_F_PACKET_SOCKETS ? "yes" : "no");
		} else {
			print_rule_words(stdout, r);
		}
	}
	if (opts.json) {
		json_arr_close(&j);
		json_obj_close(&j);
		json_end(&j);
	}
}

static int arp_show(int argc, char **argv)
{
	struct arp_rules rules = { 0 };
	int err;

	if (argc > 1)
		return usage_error("arp show: unexpected '%s'", argv[1]);
	if (need_feature())
		return 1;
	err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_ARP, 1), show_cb,
			       &rules);
	if (err) {
		free(rules.v);
		return drlb_nl_perror(err, "arp show");
	}
	print_rules(&rules);
	free(rules.v);
	return 0;
}

static int cmp_rule(const void *pa, const void *pb)
{
	const struct arp_rule *a = pa, *b = pb;

	if (a->vip != b->vip)
		return ntohl(a->vip) < ntohl(b->vip) ? -1 : 1;
	return a->ifindex < b->ifindex ? -1 : a->ifindex > b->ifindex;
}

/* For "drlbctl save": one "arp add" line per rule, sorted by VIP, device. */
int arp_save(FILE *out)
{
	struct arp_rules rules = { 0 };
	int err;

	err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_ARP, 1), show_cb,
			       &rules);
	if (!err && rules.n)
		qsort(rules.v, rules.n, sizeof(*rules.v), cmp_rule);
	for (size_t i = 0; !err && i < rules.n; i++) {
		fputs("arp add ", out);
		print_rule_words(out, &rules.v[i]);
	}
	free(rules.v);
	return err;
}

int arp_rules_each(void (*fn)(uint32_t vip, uint32_t ifindex,
			      uint32_t flags, void *arg), void *arg)
{
	struct arp_rules rules = { 0 };
	int err;

	err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_ARP, 1), show_cb,
			       &rules);
	for (size_t i = 0; !err && i < rules.n; i++)
		fn(rules.v[i].vip, rules.v[i].ifindex, rules.v[i].flags, arg);
	free(rules.v);
	return err;
}

/* Is @vip (network order) an address of a device of this namespace? */
static bool vip_held(const struct ifaddrs *ifs, uint32_t vip, char *dev,
		     size_t len)
{
	for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    ((const struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr != vip)
			continue;
		snprintf(dev, len, "%s", i->ifa_name);
		return true;
	}
	return false;
}

/*
 * "arp prune": delete the rules whose VIP no device holds; keep, and say
 * so on stderr, those of VIPs still held (a real server that dropped the
 * rule would answer ARP for them and draw the LAN's traffic for the VIP).
 * drlb.service's stop runs it.
 */
static int arp_prune(int argc, char **argv)
{
	struct arp_rules rules = { 0 };
	char vip[INET_ADDRSTRLEN], dev[IF_NAMESIZE + 1];
	struct ifaddrs *ifs;
	int err, ret = 0;

	if (argc > 1)
		return usage_error("arp prune: unexpected '%s'", argv[1]);
	if (need_feature())
		return 1;
	if (getifaddrs(&ifs)) {
		fprintf(stderr, "drlbctl: arp prune: local addresses: %s\n",
			strerror(errno));
		return 1;
	}
	err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_ARP, 1), show_cb,
			       &rules);
	if (err) {
		freeifaddrs(ifs);
		free(rules.v);
		return drlb_nl_perror(err, "arp prune");
	}
	for (size_t i = 0; i < rules.n; i++) {
		const struct arp_rule *r = &rules.v[i];
		struct nlattr *nest;
		struct nl_msg *msg;

		inet_ntop(AF_INET, &r->vip, vip, sizeof(vip));
		if (vip_held(ifs, r->vip, dev, sizeof(dev))) {
			fprintf(stderr,
				"drlbctl: arp prune: keeping the ARP rule for %s: %s still holds it (without the rule this host would answer ARP for it); delete the address, then 'drlbctl arp del %s'\n",
				vip, dev, vip);
			continue;
		}
		msg = drlb_nl_msg(DRLB_CMD_DEL_ARP, 0);
		nest = nla_nest_start(msg, DRLB_A_ARP);
		if (!nest ||
		    drlb_nl_put_addr4(msg, DRLB_ARP_A_AF, DRLB_ARP_A_ADDR,
				      r->vip) ||
		    (r->ifindex &&
		     nla_put_u32(msg, DRLB_ARP_A_IFINDEX, r->ifindex))) {
			nlmsg_free(msg);
			fprintf(stderr, "drlbctl: out of memory\n");
			ret = 1;
			break;
		}
		nla_nest_end(msg, nest);
		err = drlb_nl_transact(msg, NULL, NULL);
		if (err)
			ret = drlb_nl_perror(err, "arp prune: arp del %s", vip);
	}
	freeifaddrs(ifs);
	free(rules.v);
	return ret;
}

int cmd_arp(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "show"))
		return arp_show(argc > 1 ? argc - 1 : 1, argv + (argc > 1));
	if (!strcmp(argv[1], "add"))
		return arp_change(argc - 1, argv + 1, DRLB_CMD_NEW_ARP, "add");
	if (!strcmp(argv[1], "change"))
		return arp_change(argc - 1, argv + 1, DRLB_CMD_SET_ARP, "change");
	if (!strcmp(argv[1], "del"))
		return arp_change(argc - 1, argv + 1, DRLB_CMD_DEL_ARP, "del");
	if (!strcmp(argv[1], "prune"))
		return arp_prune(argc - 1, argv + 1);
	return usage_error("arp: unknown subcommand '%s' (add, change, del, prune, show)",
			   argv[1]);
}
