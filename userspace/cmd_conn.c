// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl conn show [SERVICE] [FILTER...] [-c|--count]
 * drlbctl conn del  [SERVICE] FILTER... | all
 *   SERVICE: PROTO VIP[:PORT] | fwmark MARK [family inet|inet6]
 *   FILTER: client ADDR[/LEN] | cport PORT | server ADDR | state STATE |
 *           proto PROTO | persistent
 *   ADDR: IPv4, or IPv6 (bare or in brackets); LEN up to 32 or 128
 *   STATE: none, syn, established, fin, close
 *
 * The filters are the kernel's (DRLB_A_CONN of GET_CONN and DEL_CONN): a
 * flow is shown, counted or deleted when it matches every one given.
 * "--count" prints how many match, counted by the module without sending
 * them (a million-flow table in one request). "del" removes the matching
 * flows and templates at once - every flow of a client, or to a server
 * before its maintenance - and prints how many; the next packet of a
 * deleted flow is one of no flow (a SYN is scheduled afresh). "del" needs
 * a filter or the word "all". The service, client and server given must
 * be of one family (a flow is IPv4 or IPv6); IPv6 ones need a module with
 * IPv6 (DRLB_F_DIRECTOR_IPV6).
 *
 * The director's flow table (all services, or one): which real server
 * each client flow goes to, its state as the director sees it (only the
 * client's half passes through it) and the time left before it expires.
 * Persistence templates (client -> server bindings of a persistent
 * service) show as state "persistent", with the client's port as "*"; a
 * fwmark service's template binds the client for every VIP and port of
 * the mark, and shows "FWM" and the mark in place of protocol and VIP
 * (its flows show their own protocol, VIP and port). Sorted by VIP
 * (IPv4 before IPv6), client and port, fwmark templates last.
 *
 * Text columns: PROTO CLIENT VIP SERVER STATE EXPIRES (mm:ss); IPv6
 * endpoints as [ADDR]:PORT, the columns as wide as their longest entry.
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
 * "vip" and "vip_port". An IPv6 entry has "family": "inet6" after
 * "protocol" (or "fwmark") and IPv6 addresses (RFC 5952); IPv4 ones have
 * no "family".
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
	struct drlb_addr caddr, vaddr, daddr;	/* of one family */
	uint16_t cport, vport;
	uint32_t expires_ms;
};

struct conn_vec {
	struct conn *v;
	size_t n, cap;
};

static int conn_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *ct[DRLB_CONN_A_MAX + 1];
	struct conn_vec *vec = arg;
	struct conn *c;
	uint32_t mark;
	uint16_t af;

	if (drlb_nl_parse_nested(ct, DRLB_CONN_A_MAX, tb[DRLB_A_CONN]))
		return -EPROTO;
	/* IPv4 and IPv6; entries of another family are left out. */
	af = ct[DRLB_CONN_A_AF] ? nla_get_u16(ct[DRLB_CONN_A_AF]) : AF_INET;
	if (!addr_len(af))
		return 0;
	if (vec->n == vec->cap) {
		vec->cap = vec->cap ? vec->cap * 2 : 64;
		vec->v = realloc(vec->v, vec->cap * sizeof(*vec->v));
		if (!vec->v)
			return -ENOMEM;
	}
	c = &vec->v[vec->n];
	memset(c, 0, sizeof(*c));
	if (drlb_nl_get_addr(ct[DRLB_CONN_A_CADDR], af, &c->caddr) ||
	    drlb_nl_get_addr(ct[DRLB_CONN_A_VADDR], af, &c->vaddr) ||
	    drlb_nl_get_addr(ct[DRLB_CONN_A_DADDR], af, &c->daddr) ||
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
	/*
	 * A fwmark template: protocol 0, the mark as VIP (uapi drlb.h); an
	 * IPv6 one's VIP is the mark and 12 zero bytes, as IPVS's.
	 */
	if (c->persist && !c->proto) {
		memcpy(&mark, c->vaddr.b, sizeof(mark));
		c->fwmark = ntohl(mark);
	}
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
	int c;

	/* Fwmark templates last, by mark; the others by family, VIP... */
	if (!a->fwmark != !b->fwmark)
		return a->fwmark ? 1 : -1;
	if (a->fwmark != b->fwmark)
		return cmp3(a->fwmark, b->fwmark);
	c = addr_cmp(&a->vaddr, &b->vaddr);
	if (c)
		return c;
	if (a->vport != b->vport)
		return cmp3(a->vport, b->vport);
	if (a->proto != b->proto)
		return cmp3(a->proto, b->proto);
	c = addr_cmp(&a->caddr, &b->caddr);
	if (c)
		return c;
	if (a->persist != b->persist)
		return a->persist ? -1 : 1;
	return cmp3(a->cport, b->cport);
}

/* The CLIENT, VIP and SERVER columns of @k. */
static void conn_cols(const struct conn *k, char *c, char *v, char *d)
{
	/* A template's client port is "*": format_endpoint()'s port 0. */
	format_endpoint(c, ENDPOINT_STRLEN, &k->caddr,
			k->persist ? 0 : k->cport);
	if (k->fwmark)
		snprintf(v, ENDPOINT_STRLEN, "%u", k->fwmark);
	else
		format_endpoint(v, ENDPOINT_STRLEN, &k->vaddr, k->vport);
	format_addr(d, ENDPOINT_STRLEN, &k->daddr);
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static void show_text(const struct conn_vec *vec)
{
	char c[ENDPOINT_STRLEN], v[ENDPOINT_STRLEN], d[ENDPOINT_STRLEN];
	int cw = 21, vw = 21, dw = 15;
	char e[16];

	if (!vec->n)
		return;
	/* As wide as the longest entry (IPv6), at least as IPv4's. */
	for (size_t i = 0; i < vec->n; i++) {
		conn_cols(&vec->v[i], c, v, d);
		cw = max_int(cw, (int)strlen(c));
		vw = max_int(vw, (int)strlen(v));
		dw = max_int(dw, (int)strlen(d));
	}
	printf("%-5s %-*s %-*s %-*s %-11s %s\n", "PROTO", cw, "CLIENT", vw,
	       "VIP", dw, "SERVER", "STATE", "EXPIRES");
	for (size_t i = 0; i < vec->n; i++) {
		const struct conn *k = &vec->v[i];

		conn_cols(k, c, v, d);
		printf("%-5s %-*s %-*s %-*s %-11s %s\n",
		       k->fwmark ? "FWM" : format_proto(k->proto), cw, c, vw, v,
		       dw, d,
		       k->persist ? "persistent" :
		       k->state == DRLB_CONN_S_NONE ? "-" :
		       format_conn_state(k->state),
		       format_expires(e, sizeof(e), k->expires_ms));
	}
}

static void show_json(const struct conn_vec *vec)
{
	char a[ADDR_STRLEN];
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
		if (k->caddr.af != AF_INET)
			json_str(&j, "family", format_family(k->caddr.af));
		json_str(&j, "client", format_addr(a, sizeof(a), &k->caddr));
		json_u64(&j, "client_port", k->cport);
		if (!k->fwmark) {
			json_str(&j, "vip", format_addr(a, sizeof(a), &k->vaddr));
			json_u64(&j, "vip_port", k->vport);
		}
		json_str(&j, "server", format_addr(a, sizeof(a), &k->daddr));
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
	struct drlb_addr client, server;
	const char *client_word, *server_word;
	uint16_t cport;
	int n;				/* criteria given */
	uint16_t af;			/* of the service, client, server; 0 */
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

/* "bad client 'V' (WHAT)", with what addr_hint() adds. */
static int bad_addr(const char *ctx, const char *w, const char *v,
		    const char *what)
{
	char buf[ENDPOINT_STRLEN];
	const char *hint;

	/* A prefix's address part, for the hint. */
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(v, "/"), v);
	hint = addr_hint(buf);
	if (hint)
		return usage_error("%s: bad %s '%s': %s", ctx, w, v, hint);
	return usage_error("%s: bad %s '%s' (%s)", ctx, w, v, what);
}

/*
 * The service, client and server given are of one family, f->af (0 if
 * none is given): 2 (usage error printed) if not.
 */
static int filter_af(const char *ctx, struct conn_filter *f)
{
	const struct {
		bool has;
		const char *what, *word;
		uint16_t af;
	} p[] = {
		{ f->has_svc, "service", svc_key_str(&f->svc), f->svc.addr.af },
		{ f->has_client, "client", f->client_word, f->client.af },
		{ f->has_server, "server", f->server_word, f->server.af },
	};
	int first = -1;

	for (int i = 0; i < (int)ARRAY_SIZE(p); i++) {
		if (!p[i].has)
			continue;
		if (first < 0) {
			first = i;
			f->af = p[i].af;
		} else if (p[i].af != f->af) {
			return usage_error("%s: %s %s is %s but %s %s is %s: a flow is of one family",
					   ctx, p[first].what, p[first].word,
					   family_name(p[first].af), p[i].what,
					   p[i].word, family_name(p[i].af));
		}
	}
	return 0;
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
		if (svc_family_misplaced(ctx, w))
			return 2;
		if (strcmp(w, "client") && strcmp(w, "cport") &&
		    strcmp(w, "server") && strcmp(w, "state") &&
		    strcmp(w, "proto"))
			return usage_error("%s: unknown filter '%s' (client, cport, server, state, proto, persistent)",
					   ctx, w);
		if (!v)
			return usage_error("%s: missing value after '%s'", ctx, w);
		if (!strcmp(w, "client")) {
			if (f->has_client || parse_prefix(v, &f->client, &f->plen))
				return bad_addr(ctx, w, v, "ADDR or ADDR/LEN, once");
			f->client_word = v;
			f->has_client = true;
		} else if (!strcmp(w, "cport")) {
			uint32_t port;

			if (f->has_cport || parse_u32(v, 1, 65535, &port))
				return usage_error("%s: bad cport '%s' (1..65535, once)",
						   ctx, v);
			f->cport = (uint16_t)port;
			f->has_cport = true;
		} else if (!strcmp(w, "server")) {
			if (f->has_server || parse_addr(v, &f->server))
				return bad_addr(ctx, w, v, "an address, once");
			f->server_word = v;
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
	return filter_af(ctx, f);
}

static int put_filter(struct nl_msg *msg, const struct conn_filter *f)
{
	struct nlattr *nest;

	if (f->has_svc && svc_put_key(msg, &f->svc))
		return -EMSGSIZE;
	if (f->n == f->has_svc)
		return 0;
	nest = nla_nest_start(msg, DRLB_A_CONN);
	/* IPv6 addresses say so; an IPv4 filter is as it always was. */
	if (!nest ||
	    ((f->has_client || f->has_server) && f->af == AF_INET6 &&
	     nla_put_u16(msg, DRLB_CONN_A_AF, AF_INET6)) ||
	    (f->has_proto && nla_put_u8(msg, DRLB_CONN_A_PROTOCOL, f->proto)) ||
	    (f->has_client &&
	     (nla_put(msg, DRLB_CONN_A_CADDR, (int)addr_len(f->client.af),
		      f->client.b) ||
	      nla_put_u8(msg, DRLB_CONN_A_CPREFIX, f->plen))) ||
	    (f->has_cport && nla_put_u16(msg, DRLB_CONN_A_CPORT, f->cport)) ||
	    (f->has_server &&
	     nla_put(msg, DRLB_CONN_A_DADDR, (int)addr_len(f->server.af),
		     f->server.b)) ||
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
	if (drlb_nl_open() || svc_check_af("conn show", f.af))
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
	if (drlb_nl_open() || svc_check_af("conn del", f.af))
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
