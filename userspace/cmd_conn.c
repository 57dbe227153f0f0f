// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl conn show [PROTO VIP[:PORT]]
 *
 * The director's flow table (all services, or one): which real server
 * each client flow goes to, its state as the director sees it (only the
 * client's half passes through it) and the time left before it expires.
 * Persistence templates (client -> server bindings of a persistent
 * service) show as state "persistent", with the client's port as "*".
 * Sorted by VIP, client and port.
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
 */

#include <arpa/inet.h>
#include <errno.h>
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
		printf("%-5s %-21s %-21s %-15s %-11s %s\n",
		       format_proto(k->proto), c,
		       format_ipv4_port(v, sizeof(v), k->vaddr, k->vport),
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
		json_str(&j, "protocol", format_proto(k->proto));
		json_str(&j, "client", ip(a, sizeof(a), k->caddr));
		json_u64(&j, "client_port", k->cport);
		json_str(&j, "vip", ip(a, sizeof(a), k->vaddr));
		json_u64(&j, "vip_port", k->vport);
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

static int conn_show(int argc, char **argv)
{
	struct conn_vec vec = { 0 };
	struct nl_msg *msg;
	struct svc_key k;
	int ret;

	if (argc > 1) {
		ret = svc_parse_key("conn show", argc - 1, argv + 1, &k);
		if (ret)
			return ret;
		if (argc > 3)
			return usage_error("conn show: unexpected '%s'", argv[3]);
	}
	if (drlb_nl_open())
		return 1;
	msg = drlb_nl_msg(DRLB_CMD_GET_CONN, 1);
	if (argc > 1)
		svc_put_key(msg, &k);
	ret = drlb_nl_transact(msg, conn_cb, &vec);
	if (ret) {
		free(vec.v);
		if (argc > 1)
			return drlb_nl_perror(ret, "conn show %s",
					      svc_key_str(&k));
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

int cmd_conn(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "show";

	if (!strcmp(sub, "show") || !strcmp(sub, "list"))
		return conn_show(argc > 1 ? argc - 1 : 1, argv + (argc > 1));
	return usage_error("conn: unknown subcommand '%s' (show)", sub);
}
