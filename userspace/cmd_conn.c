// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl conn show [SERVICE] [FILTER...] [-c|--count]
 * drlbctl conn del  [SERVICE] FILTER... | all
 *   SERVICE: PROTO VIP[:PORT] | fwmark MARK
 *   FILTER: client ADDR[/LEN] | cport PORT | server ADDR | state STATE |
 *           proto PROTO | persistent
 *   STATE: none, syn, established, fin, close
 *
 * The filters are the kernel's (DRLB_A_CONN of GET_CONN and DEL_CONN): a
 * flow is shown, counted or deleted when it matches every one given.
 * "--count" prints how many match, counted by the module without sending
 * them (a million-flow table in one request). "del" removes the matching
 * flows and templates at once - every flow of a client, or to a server
 * before its maintenance - and prints how many; the next packet of a
 * deleted flow is one of no flow (a SYN is scheduled afresh). "del" needs
 * a filter or the word "all".
 *
 * The director's flow table (all services, or one): which real server
 * each client flow goes to, its state as the director sees it (only the
 * client's half passes through it) and the time left before it expires.
 * Persistence templates (client -> server bindings of a persistent
 * service) show as state "persistent", with the client's port as "*"; a
 * fwmark service's template binds the client for every VIP and port of
 * the mark, and shows "FWM" and the mark in place of protocol and VIP
 * (its flows show their own protocol, VIP and port). Sorted by VIP,
 * client and port, fwmark templates last.
 *
 * Text columns: PROTO CLIENT VIP SERVER STATE EXPIRES (mm:ss).
 *
 * JSON (-j conn show); stable keys:
 *   {"conns": [{
 *      "protocol": "tcp",
 *      "client": "10.0.1.2", "client_port": 40000,
 *      "vip": "10.0.0.100", "vip_port": 80,
 *      "server": "10.0.0.11",
 *      "state": "none"|"syn"|"established"|"fin"|"close",
 *      "persistent": false,        true for a persistence template
 *      "expires_ms": 899000
 *   }]}
 * A fwmark service's template has "fwmark": MARK instead of "protocol",
 * "vip" and "vip_port".
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "drlbctl.h"
#include "json.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

struct conn {
	uint8_t proto, state;
	bool persist;
	uint32_t fwmark;		/* a fwmark service's template */
	uint32_t caddr, vaddr, daddr;	/* network order */
	uint16_t cport, vport;
	uint32_t expires_ms;
};

struct conn_vec {
	struct conn *v;
	size_t n, cap;
};

static int addr_of(struct nlattr *a, uint32_t *out)
{
	if (!a || nla_len(a) != 4)
		return -EPROTO;
	memcpy(out, nla_data(a), 4);
	return 0;
}

static int conn_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *ct[DRLB_CONN_A_MAX + 1];
	struct conn_vec *vec = arg;
	struct conn *c;

	if (drlb_nl_parse_nested(ct, DRLB_CONN_A_MAX, tb[DRLB_A_CONN]))
		return -EPROTO;
	if (ct[DRLB_CONN_A_AF] && nla_get_u16(ct[DRLB_CONN_A_AF]) != AF_INET)
		return 0;
	if (vec->n == vec->cap) {
		vec->cap = vec->cap ? vec->cap * 2 : 64;
		vec->v = realloc(vec->v, vec->cap * sizeof(*vec->v));
		if (!vec->v)
			return -ENOMEM;
	}
	c = &vec->v[vec->n];
	memset(c, 0, sizeof(*c));
	if (addr_of(ct[DRLB_CONN_A_CADDR], &c->caddr) ||
	    addr_of(ct[DRLB_CONN_A_VADDR], &c->vaddr) ||
	    addr_of(ct[DRLB_CONN_A_DADDR], &c->daddr) ||
	    !ct[DRLB_CONN_A_PROTOCOL])
		return -EPROTO;
	c->proto = nla_get_u8(ct[DRLB_CONN_A_PROTOCOL]);
	if (ct[DRLB_CONN_A_CPORT])
		c->cport = nla_get_u16(ct[DRLB_CONN_A_CPORT]);
	if (ct[DRLB_CONN_A_VPORT])
		c->vport = nla_get_u16(ct[DRLB_CONN_A_VPORT]);
	if (ct[DRLB_CONN_A_STATE])
		c->state = nla_get_u8(ct[DRLB_CONN_A_STATE]);
	if (ct[DRLB_CONN_A_EXPIRES_MS])
		c->expires_ms = nla_get_u32(ct[DRLB_CONN_A_EXPIRES_MS]);
	c->persist = ct[DRLB_CONN_A_PERSIST];
	/* A fwmark template: protocol 0, the mark as VIP (uapi drlb.h). */
	if (c->persist && !c->proto)
		c->fwmark = ntohl(c->vaddr);
	vec->n++;
	return 0;
}

static int cmp3(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_conn(const void *pa, const void *pb)
{
	const struct conn *a = pa, *b = pb;

	if (!a->fwmark != !b->fwmark)
		return a->fwmark ? 1 : -1;
	if (a->vaddr != b->vaddr)
		return cmp3(ntohl(a->vaddr), ntohl(b->vaddr));
	if (a->vport != b->vport)
		return cmp3(a->vport, b->vport);
	if (a->proto != b->proto)
		return cmp3(a->proto, b->proto);
	if (a->caddr != b->caddr)
		return cmp3(ntohl(a->caddr), ntohl(b->caddr));
	if (a->persist != b->persist)
		return a->persist ? -1 : 1;
	return cmp3(a->cport, b->cport);
}

static const char *ip(char *buf, size_t len, uint32_t addr)
{
	return inet_ntop(AF_INET, &addr, buf, len);
}

static void show_text(const struct conn_vec *vec)
{
	char c[32], v[32], d[32], e[16], a[INET_ADDRSTRLEN];

	if (!vec->n)
		return;
	printf("%-5s %-21s %-21s %-15s %-11s %s\n", "PROTO", "CLIENT", "VIP",
	       "SERVER", "STATE", "EXPIRES");
	for (size_t i = 0; i < vec->n; i++) {
		const struct conn *k = &vec->v[i];

		if (k->persist)
			snprintf(c, sizeof(c), "%s:*", ip(a, sizeof(a), k->caddr));
		else
			format_ipv4_port(c, sizeof(c), k->caddr, k->cport);
		if (k->fwmark)
			snprintf(v, sizeof(v), "%u", k->fwmark);
		else
			format_ipv4_port(v, sizeof(v), k->vaddr, k->vport);
		printf("%-5s %-21s %-21s %-15s %-11s %s\n",
		       k->fwmark ? "FWM" : format_proto(k->proto), c, v,
		       ip(d, sizeof(d), k->daddr),
		       k->persist ? "persistent" :
		       k->state == DRLB_CONN_S_NONE ? "-" :
		       format_conn_state(k->state),
		       format_expires(e, sizeof(e), k->expires_ms));
	}
}

static void show_json(const struct conn_vec *vec)
{
	char a[INET_ADDRSTRLEN];
	struct json j;

	json_init(&j, stdout);
	json_obj_open(&j, NULL);
	json_arr_open(&j, "conns");
	for (size_t i = 0; i < vec->n; i++) {
		const struct conn *k = &vec->v[i];

		json_obj_open(&j, NULL);
		if (k->fwmark)
			json_u64(&j, "fwmark", k->fwmark);
		else
			json_str(&j, "protocol", format_proto(k->proto));
		json_str(&j, "client", ip(a, sizeof(a), k->caddr));
		json_u64(&j, "client_port", k->cport);
		if (!k->fwmark) {
			json_str(&j, "vip", ip(a, sizeof(a), k->vaddr));
			json_u64(&j, "vip_port", k->vport);
		}
		json_str(&j, "server", ip(a, sizeof(a), k->daddr));
		json_str(&j, "state", format_conn_state(k->state));
		json_bool(&j, "persistent", k->persist);
		json_u64(&j, "expires_ms", k->expires_ms);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
}

/* What "conn show" and "conn del" were told. */
struct conn_filter {
	bool has_svc, has_proto, has_client, has_cport, has_server, has_state;
	bool persistent, all, count;
	struct svc_key svc;
	uint8_t proto, plen, state;
	uint32_t client, server;	/* network order */
	uint16_t cport;
	int n;				/* criteria given */
};

static int parse_state(const char *s, uint8_t *state)
{
	static const char *const names[] = {
		[DRLB_CONN_S_NONE] = "none", [DRLB_CONN_S_SYN] = "syn",
		[DRLB_CONN_S_EST] = "established", [DRLB_CONN_S_FIN] = "fin",
		[DRLB_CONN_S_CLOSE] = "close",
	};

	for (uint8_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i] && !strcmp(s, names[i])) {
			*state = i;
			return 0;
		}
	return -EINVAL;
}

static int parse_filter(const char *ctx, int argc, char **argv,
			struct conn_filter *f)
{
	int i = 1, ret, used;

	if ((argc > 2 && parse_proto(argv[1], &f->proto) == 0) ||
	    (argc > 1 && !strcmp(argv[1], "fwmark"))) {
		ret = svc_parse_key(ctx, argc - 1, argv + 1, &f->svc, &used);
		if (!ret)
			ret = svc_check_fwm_word(ctx, &f->svc,
						 argc > 1 + used ?
						 argv[1 + used] : NULL);
		if (ret)
			return ret;
		f->has_svc = true;
		f->n++;
		i = 1 + used;
	}
	for (; i < argc; i++) {
		const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(w, "-c") || !strcmp(w, "--count")) {
			f->count = true;
			continue;
		}
		if (!strcmp(w, "persistent")) {
			f->persistent = true;
			f->n++;
			continue;
		}
		if (!strcmp(w, "all")) {
			f->all = true;
			continue;
		}
		if (strcmp(w, "client") && strcmp(w, "cport") &&
		    strcmp(w, "server") && strcmp(w, "state") &&
		    strcmp(w, "proto"))
			return usage_error("%s: unknown filter '%s' (client, cport, server, state, proto, persistent)",
					   ctx, w);
		if (!v)
			return usage_error("%s: missing value after '%s'", ctx, w);
		if (!strcmp(w, "client")) {
			struct drlb_addr ca;

			if (f->has_client || parse_prefix(v, &ca, &f->plen) ||
			    ca.af != AF_INET)
				return usage_error("%s: bad client '%s' (ADDR or ADDR/LEN, once)",
						   ctx, v);
			f->client = ca.v4;
			f->has_client = true;
		} else if (!strcmp(w, "cport")) {
			uint32_t port;

			if (f->has_cport || parse_u32(v, 1, 65535, &port))
				return usage_error("%s: bad cport '%s' (1..65535, once)",
						   ctx, v);
			f->cport = (uint16_t)port;
			f->has_cport = true;
		} else if (!strcmp(w, "server")) {
			if (f->has_server || parse_ipv4(v, &f->server))
				return usage_error("%s: bad server '%s' (an IPv4 address, once)",
						   ctx, v);
			f->has_server = true;
		} else if (!strcmp(w, "state")) {
			if (f->has_state || parse_state(v, &f->state))
				return usage_error("%s: bad state '%s' (none, syn, established, fin, close)",
						   ctx, v);
			f->has_state = true;
		} else {
			if (f->has_proto || parse_proto(v, &f->proto))
				return usage_error("%s: bad proto '%s' (tcp, udp or sctp, once)",
						   ctx, v);
			f->has_proto = true;
		}
		f->n++;
		i++;
	}
	return 0;
}

static int put_filter(struct nl_msg *msg, const struct conn_filter *f)
{
	struct nlattr *nest;

	if (f->has_svc && svc_put_key(msg, &f->svc))
		return -EMSGSIZE;
	if (f->n == f->has_svc)
		return 0;
	nest = nla_nest_start(msg, DRLB_A_CONN);
	if (!nest ||
	    (f->has_proto && nla_put_u8(msg, DRLB_CONN_A_PROTOCOL, f->proto)) ||
	    (f->has_client &&
	     (nla_put(msg, DRLB_CONN_A_CADDR, 4, &f->client) ||
	      nla_put_u8(msg, DRLB_CONN_A_CPREFIX, f->plen))) ||
	    (f->has_cport && nla_put_u16(msg, DRLB_CONN_A_CPORT, f->cport)) ||
	    (f->has_server && nla_put(msg, DRLB_CONN_A_DADDR, 4, &f->server)) ||
	    (f->has_state && nla_put_u8(msg, DRLB_CONN_A_STATE, f->state)) ||
	    (f->persistent && nla_put_flag(msg, DRLB_CONN_A_PERSIST)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int count_cb(struct nlattr **tb, void *arg)
{
	if (!tb[DRLB_A_COUNT])
		return -EPROTO;
	*(uint64_t *)arg = nla_get_u64(tb[DRLB_A_COUNT]);
	return 0;
}

/* GET_CONN (do) or DEL_CONN with @f: the count the module replies. */
static int conn_count(uint8_t cmd, const struct conn_filter *f, uint64_t *n)
{
	struct nl_msg *msg = drlb_nl_msg(cmd, 0);

	if (put_filter(msg, f)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return drlb_nl_transact(msg, count_cb, n);
}

static void print_count(const char *key, uint64_t n, const char *text)
{
	struct json j;

	if (!opts.json) {
		printf("%" PRIu64 "%s\n", n, text);
		return;
	}
	json_init(&j, stdout);
	json_obj_open(&j, NULL);
	json_u64(&j, key, n);
	json_obj_close(&j);
	json_end(&j);
}

static int conn_show(int argc, char **argv)
{
	struct conn_filter f = { 0 };
	struct conn_vec vec = { 0 };
	struct nl_msg *msg;
	uint64_t n;
	int ret;

	ret = parse_filter("conn show", argc, argv, &f);
	if (ret)
		return ret;
	if (f.all)
		return usage_error("conn show: 'all' is for conn del");
	if (drlb_nl_open())
		return 1;
	if (f.count) {
		ret = conn_count(DRLB_CMD_GET_CONN, &f, &n);
		if (ret)
			return drlb_nl_perror(ret, "conn show --count");
		print_count("count", n, "");
		return 0;
	}
	msg = drlb_nl_msg(DRLB_CMD_GET_CONN, 1);
	if (put_filter(msg, &f)) {
		nlmsg_free(msg);
		return drlb_nl_perror(-EMSGSIZE, "conn show");
	}
	ret = drlb_nl_transact(msg, conn_cb, &vec);
	if (ret) {
		free(vec.v);
		if (f.has_svc)
			return drlb_nl_perror(ret, "conn show %s",
					      svc_key_str(&f.svc));
		return drlb_nl_perror(ret, "conn show");
	}
	if (vec.n)
		qsort(vec.v, vec.n, sizeof(*vec.v), cmp_conn);
	if (opts.json)
		show_json(&vec);
	else
		show_text(&vec);
	free(vec.v);
	return 0;
}

static int conn_del(int argc, char **argv)
{
	struct conn_filter f = { 0 };
	uint64_t n;
	int ret;

	ret = parse_filter("conn del", argc, argv, &f);
	if (ret)
		return ret;
	if (f.count)
		return usage_error("conn del: --count is for conn show");
	if (!f.n && !f.all)
		return usage_error("conn del: which flows? (a filter, or all)");
	if (f.n && f.all)
		return usage_error("conn del: 'all' or filters, not both");
	if (drlb_nl_open())
		return 1;
	ret = conn_count(DRLB_CMD_DEL_CONN, &f, &n);
	if (ret)
		return drlb_nl_perror(ret, "conn del");
	print_count("deleted", n, " deleted");
	return 0;
}

int cmd_conn(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "show";

	if (!strcmp(sub, "show") || !strcmp(sub, "list"))
		return conn_show(argc > 1 ? argc - 1 : 1, argv + (argc > 1));
	if (!strcmp(sub, "del"))
		return conn_del(argc - 1, argv + 1);
	return usage_error("conn: unknown subcommand '%s' (show, del)", sub);
}
