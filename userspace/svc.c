// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl: service keys, scheduler validation and reading services and
 * servers back from the kernel (shared by the service, server, conn and
 * stats commands).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "drlbctl.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

/* "fwmark MARK [family inet|inet6]" (argv[0] is "fwmark") into @k. */
static int svc_parse_fwm(const char *ctx, int argc, char **argv,
			 struct svc_key *k, int *used)
{
	uint16_t af = AF_INET;
	uint32_t mark;

	if (argc < 2)
		return usage_error("%s: missing MARK after 'fwmark'", ctx);
	if (parse_fwmark(argv[1], &mark))
		return usage_error("%s: bad fwmark '%s' (1..4294967295, decimal or 0x hex)",
				   ctx, argv[1]);
	*used = 2;
	if (argc > 2 && !strcmp(argv[2], "family")) {
		if (argc < 4)
			return usage_error("%s: missing inet or inet6 after 'family'",
					   ctx);
		if (parse_family(argv[3], &af))
			return usage_error("%s: bad family '%s' (inet or inet6)",
					   ctx, argv[3]);
		*used = 4;
	}
	memset(k, 0, sizeof(*k));
	k->fwmark = mark;
	k->addr.af = af;
	return 0;
}

/* The usage error of a VIP[:PORT] word that parse_endpoint() refused. */
static int bad_vip(const char *ctx, const char *w, int err)
{
	const char *port = endpoint_port(w), *hint, *a = w;
	char part[ENDPOINT_STRLEN];
	int len;

	if (err == -ERANGE)
		return usage_error("%s: bad port '%s' in '%s'", ctx, port, w);
	if (!port) {
		hint = addr_hint(w);
		if (hint)
			return usage_error("%s: bad address '%s': %s", ctx, w,
					   hint);
		return usage_error("%s: bad address '%s'", ctx, w);
	}
	/* The address part, named without its brackets. */
	len = (int)(port - 1 - w);
	snprintf(part, sizeof(part), "%.*s", len, w);
	hint = addr_hint(part);
	if (w[0] == '[' && len >= 2 && w[len - 1] == ']') {
		a = w + 1;
		len -= 2;
	}
	return usage_error("%s: bad address '%.*s' in '%s'%s%s", ctx, len, a,
			   w, hint ? ": " : "", hint ?: "");
}

int svc_parse_key(const char *ctx, int argc, char **argv, struct svc_key *k,
		  int *used)
{
	int err;

	if (argc < 1)
		return usage_error("%s: missing PROTO VIP[:PORT] or fwmark MARK",
				   ctx);
	if (!strcmp(argv[0], "fwmark"))
		return svc_parse_fwm(ctx, argc, argv, k, used);
	if (parse_proto(argv[0], &k->proto))
		return usage_error("%s: bad protocol '%s' (tcp, udp or sctp; or fwmark MARK)",
				   ctx, argv[0]);
	k->fwmark = 0;
	if (argc < 2)
		return usage_error("%s: missing VIP[:PORT] after '%s'", ctx,
				   argv[0]);
	if (!strcmp(argv[1], "fwmark"))
		return usage_error("%s: '%s fwmark': a fwmark service has no protocol",
				   ctx, argv[0]);
	err = parse_endpoint(argv[1], &k->addr, &k->port);
	if (err)
		return bad_vip(ctx, argv[1], err);
	if (argc > 2 && !strcmp(argv[2], "family"))
		return usage_error("%s: 'family' goes with fwmark MARK only: %s is an %s address",
				   ctx, argv[1], family_name(k->addr.af));
	*used = 2;
	return 0;
}

int svc_check_fwm_word(const char *ctx, const struct svc_key *k,
		       const char *word)
{
	struct drlb_addr addr;
	uint16_t port;

	if (!k->fwmark || !word ||
	    parse_endpoint(word, &addr, &port) == -EINVAL)
		return 0;
	return usage_error("%s: '%s': a fwmark service has no address or port (fwmark MARK alone)",
			   ctx, word);
}

int svc_family_misplaced(const char *ctx, const char *word)
{
	if (strcmp(word, "family"))
		return 0;
	return usage_error("%s: 'family inet|inet6' goes right after 'fwmark MARK'",
			   ctx);
}

int svc_check_af(const char *ctx, uint16_t af)
{
	struct drlb_info info;

	if (af != AF_INET6 || drlb_nl_info(&info) ||
	    (info.features & DRLB_F_DIRECTOR_IPV6))
		return 0;
	fprintf(stderr,
		"drlbctl: %s: this drlb module (%s) does not support IPv6 services: update the module\n",
		ctx, info.version);
	return 1;
}

const char *svc_key_str(const struct svc_key *k)
{
	static char buf[96];
	char a[ENDPOINT_STRLEN];

	if (k->fwmark && k->addr.af == AF_INET6)
		snprintf(buf, sizeof(buf), "fwmark %u family inet6", k->fwmark);
	else if (k->fwmark)
		snprintf(buf, sizeof(buf), "fwmark %u", k->fwmark);
	else
		snprintf(buf, sizeof(buf), "%s %s", format_proto(k->proto),
			 format_endpoint(a, sizeof(a), &k->addr, k->port));
	return buf;
}

void svc_key_json(struct json *j, const struct svc_key *k)
{
	char a[ADDR_STRLEN];

	if (k->fwmark) {
		json_u64(j, "fwmark", k->fwmark);
	} else {
		json_str(j, "protocol", format_proto(k->proto));
		json_str(j, "vip", format_addr(a, sizeof(a), &k->addr));
		json_u64(j, "port", k->port);
	}
	if (k->addr.af != AF_INET)
		json_str(j, "family", format_family(k->addr.af));
}

int svc_put_key_attrs(struct nl_msg *msg, const struct svc_key *k)
{
	if (k->fwmark)
		return (nla_put_u16(msg, DRLB_SVC_A_AF, k->addr.af) ||
			nla_put_u32(msg, DRLB_SVC_A_FWMARK, k->fwmark)) ?
		       -EMSGSIZE : 0;
	if (drlb_nl_put_addr(msg, DRLB_SVC_A_AF, DRLB_SVC_A_ADDR, &k->addr) ||
	    nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, k->proto) ||
	    nla_put_u16(msg, DRLB_SVC_A_PORT, k->port))
		return -EMSGSIZE;
	return 0;
}

int svc_put_key(struct nl_msg *msg, const struct svc_key *k)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	if (!nest || svc_put_key_attrs(msg, k))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int svc_check_sched(const char *ctx, const char *name)
{
	struct drlb_info info;
	char list[16 * (DRLB_SCHED_NAME_MAX + 1)] = "";
	int err;

	if (parse_sched_name(name))
		return usage_error("%s: bad scheduler name '%s'", ctx, name);
	err = drlb_nl_info(&info);
	if (err)
		return drlb_nl_perror(err, "%s: ask the module for its schedulers",
				      ctx);
	for (int i = 0; i < info.n_scheds; i++) {
		if (!strcmp(info.scheds[i], name))
			return 0;
		if (i)
			strcat(list, ", ");
		strcat(list, info.scheds[i]);
	}
	/* A module that lists none decides for itself. */
	if (!info.n_scheds)
		return 0;
	return usage_error("%s: unknown scheduler '%s' (the module has: %s)",
			   ctx, name, list);
}

void stats_parse(struct nlattr *nest, struct drlb_stats *st)
{
	struct nlattr *tb[DRLB_STATS_A_MAX + 1];

	memset(st, 0, sizeof(*st));
	if (!nest || drlb_nl_parse_nested(tb, DRLB_STATS_A_MAX, nest))
		return;
	for (int a = DRLB_STATS_A_CONNS; a <= DRLB_STATS_A_MAX; a++) {
		if (!tb[a])
			continue;
		st->v[a] = nla_get_u64(tb[a]);
		if (a >= DRLB_STATS_A_DROP_NO_DEST &&
		    a <= DRLB_STATS_A_NEIGH_QUEUED)
			st->has_drops = true;
		if (a >= DRLB_STATS_A_CPS)
			st->has_rates = true;
	}
}

/* JSON keys of the drop counters, in DRLB_STATS_A_DROP_* order. */
static const struct {
	int attr;
	const char *key;
} drop_keys[] = {
	{ DRLB_STATS_A_DROP_NO_DEST, "no_dest" },
	{ DRLB_STATS_A_DROP_NO_NEIGH, "no_neigh" },
	{ DRLB_STATS_A_DROP_MTU, "mtu" },
	{ DRLB_STATS_A_DROP_TABLE_FULL, "table_full" },
	{ DRLB_STATS_A_DROP_OTHER, "other" },
	{ DRLB_STATS_A_DROP_NO_FLOW, "no_flow" },
	{ DRLB_STATS_A_DROP_MARTIAN, "martian" },
};

void stats_json(struct json *j, const char *key, const struct drlb_stats *st)
{
	json_obj_open(j, key);
	json_u64(j, "conns", st->v[DRLB_STATS_A_CONNS]);
	json_u64(j, "pkts", st->v[DRLB_STATS_A_PKTS]);
	json_u64(j, "bytes", st->v[DRLB_STATS_A_BYTES]);
	if (st->has_rates) {
		json_u64(j, "conns_per_s", st->v[DRLB_STATS_A_CPS]);
		json_u64(j, "pkts_per_s", st->v[DRLB_STATS_A_INPPS]);
		json_u64(j, "bytes_per_s", st->v[DRLB_STATS_A_INBPS]);
	}
	if (st->has_drops) {
		json_u64(j, "stateless", st->v[DRLB_STATS_A_STATELESS]);
		json_u64(j, "neigh_queued", st->v[DRLB_STATS_A_NEIGH_QUEUED]);
		json_obj_open(j, "drops");
		for (size_t i = 0; i < ARRAY_SIZE(drop_keys); i++)
			json_u64(j, drop_keys[i].key, st->v[drop_keys[i].attr]);
		json_obj_close(j);
	}
	json_obj_close(j);
}

/* ---- reading services and servers -------------------------------------- */

struct svc_vec {
	struct svc_info *v;
	int n, cap;
};

static void *grow(void *v, int n, int *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8;
	v = realloc(v, *cap * size);
	if (!v) {
		fprintf(stderr, "drlbctl: out of memory\n");
		exit(1);
	}
	return v;
}

/* The family of a nest's AF attribute @a: AF_INET if absent. */
static uint16_t af_of(const struct nlattr *a)
{
	return a ? nla_get_u16(a) : AF_INET;
}

int svc_info_parse(struct nlattr *nest, struct svc_info *s)
{
	struct nlattr *st[DRLB_SVC_A_MAX + 1];
	uint16_t af;

	if (drlb_nl_parse_nested(st, DRLB_SVC_A_MAX, nest))
		return -EPROTO;
	/* IPv4 and IPv6; skip what this drlbctl cannot show. */
	af = af_of(st[DRLB_SVC_A_AF]);
	if (!addr_len(af))
		return 1;
	memset(s, 0, sizeof(*s));
	if (st[DRLB_SVC_A_FWMARK]) {
		s->key.fwmark = nla_get_u32(st[DRLB_SVC_A_FWMARK]);
		s->key.addr.af = af;
		if (!s->key.fwmark)
			return -EPROTO;
	} else {
		if (drlb_nl_get_addr(st[DRLB_SVC_A_ADDR], af, &s->key.addr) ||
		    !st[DRLB_SVC_A_PROTOCOL] || !st[DRLB_SVC_A_PORT])
			return -EPROTO;
		s->key.proto = nla_get_u8(st[DRLB_SVC_A_PROTOCOL]);
		s->key.port = nla_get_u16(st[DRLB_SVC_A_PORT]);
	}
	if (st[DRLB_SVC_A_SCHED_NAME])
		snprintf(s->sched, sizeof(s->sched), "%s",
			 nla_get_string(st[DRLB_SVC_A_SCHED_NAME]));
	if (st[DRLB_SVC_A_PERSIST_TIMEOUT])
		s->persist = nla_get_u32(st[DRLB_SVC_A_PERSIST_TIMEOUT]);
	s->netmask = st[DRLB_SVC_A_PERSIST_NETMASK] ?
		     nla_get_u8(st[DRLB_SVC_A_PERSIST_NETMASK]) : addr_bits(af);
	s->expire_nodest = st[DRLB_SVC_A_EXPIRE_NODEST] ?
			   nla_get_u8(st[DRLB_SVC_A_EXPIRE_NODEST]) : true;
	s->midstream = st[DRLB_SVC_A_MIDSTREAM] &&
		       nla_get_u8(st[DRLB_SVC_A_MIDSTREAM]);
	s->onepacket = st[DRLB_SVC_A_ONEPACKET] &&
		       nla_get_u8(st[DRLB_SVC_A_ONEPACKET]);
	/* A module without the attribute: its mh hashes the port. */
	s->sched_flags = st[DRLB_SVC_A_SCHED_FLAGS] ?
			 nla_get_u32(st[DRLB_SVC_A_SCHED_FLAGS]) :
			 sched_default_flags(s->sched);
	if (st[DRLB_SVC_A_NUM_DESTS])
		s->num_dests = nla_get_u32(st[DRLB_SVC_A_NUM_DESTS]);
	stats_parse(st[DRLB_SVC_A_STATS], &s->stats);
	return 0;
}

static int svc_cb(struct nlattr **tb, void *arg)
{
	struct svc_vec *vec = arg;
	int err;

	vec->v = grow(vec->v, vec->n, &vec->cap, sizeof(*vec->v));
	err = svc_info_parse(tb[DRLB_A_SERVICE], &vec->v[vec->n]);
	if (err < 0)
		return err;
	if (!err)
		vec->n++;
	return 0;
}

struct dest_vec {
	struct dest_info *v;
	int n, cap;
};

int dest_info_parse(struct nlattr *nest, struct dest_info *d)
{
	struct nlattr *dt[DRLB_DEST_A_MAX + 1];
	uint16_t af;

	if (drlb_nl_parse_nested(dt, DRLB_DEST_A_MAX, nest))
		return -EPROTO;
	af = af_of(dt[DRLB_DEST_A_AF]);
	if (!addr_len(af))
		return 1;
	memset(d, 0, sizeof(*d));
	if (drlb_nl_get_addr(dt[DRLB_DEST_A_ADDR], af, &d->addr))
		return -EPROTO;
	if (dt[DRLB_DEST_A_WEIGHT])
		d->weight = nla_get_u32(dt[DRLB_DEST_A_WEIGHT]);
	if (dt[DRLB_DEST_A_ACTIVE_CONNS])
		d->active = nla_get_u32(dt[DRLB_DEST_A_ACTIVE_CONNS]);
	if (dt[DRLB_DEST_A_INACTIVE_CONNS])
		d->inactive = nla_get_u32(dt[DRLB_DEST_A_INACTIVE_CONNS]);
	if (dt[DRLB_DEST_A_IFINDEX])
		d->ifindex = nla_get_u32(dt[DRLB_DEST_A_IFINDEX]);
	if (dt[DRLB_DEST_A_LLADDR] && nla_len(dt[DRLB_DEST_A_LLADDR]) == 6) {
		memcpy(d->mac, nla_data(dt[DRLB_DEST_A_LLADDR]), 6);
		d->has_mac = true;
	}
	if (dt[DRLB_DEST_A_NEIGH]) {
		d->neigh = nla_get_u8(dt[DRLB_DEST_A_NEIGH]);
		d->has_neigh = true;
	}
	if (dt[DRLB_DEST_A_U_THRESH])
		d->u_thresh = nla_get_u32(dt[DRLB_DEST_A_U_THRESH]);
	if (dt[DRLB_DEST_A_L_THRESH])
		d->l_thresh = nla_get_u32(dt[DRLB_DEST_A_L_THRESH]);
	if (dt[DRLB_DEST_A_PERSIST_CONNS]) {
		d->persist_conns = nla_get_u32(dt[DRLB_DEST_A_PERSIST_CONNS]);
		d->has_persist = true;
	}
	d->overloaded = dt[DRLB_DEST_A_OVERLOADED] &&
			nla_get_u8(dt[DRLB_DEST_A_OVERLOADED]);
	stats_parse(dt[DRLB_DEST_A_STATS], &d->stats);
	return 0;
}

static int dest_cb(struct nlattr **tb, void *arg)
{
	struct dest_vec *vec = arg;
	int err;

	vec->v = grow(vec->v, vec->n, &vec->cap, sizeof(*vec->v));
	err = dest_info_parse(tb[DRLB_A_DEST], &vec->v[vec->n]);
	if (err < 0)
		return err;
	if (!err)
		vec->n++;
	return 0;
}

const char *neigh_state_name(uint8_t state)
{
	static const char *const names[] = {
		[DRLB_NEIGH_NONE]	= "none",
		[DRLB_NEIGH_INCOMPLETE]	= "incomplete",
		[DRLB_NEIGH_RESOLVED]	= "resolved",
		[DRLB_NEIGH_STALE]	= "stale",
		[DRLB_NEIGH_FAILED]	= "failed",
	};

	return state <= DRLB_NEIGH_MAX ? names[state] : "unknown";
}

static int cmp_svc(const void *pa, const void *pb)
{
	const struct svc_key *a = &((const struct svc_info *)pa)->key;
	const struct svc_key *b = &((const struct svc_info *)pb)->key;
	int c;

	/*
	 * Fwmark services after the others, by mark, then family (their
	 * address bytes are zero); the others by family, VIP, port.
	 */
	if (!a->fwmark != !b->fwmark)
		return a->fwmark ? 1 : -1;
	if (a->fwmark != b->fwmark)
		return a->fwmark < b->fwmark ? -1 : 1;
	c = addr_cmp(&a->addr, &b->addr);
	if (c)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return (int)a->proto - (int)b->proto;
}

static int cmp_dest(const void *pa, const void *pb)
{
	return addr_cmp(&((const struct dest_info *)pa)->addr,
			&((const struct dest_info *)pb)->addr);
}

/*
 * A GET_SERVICE or GET_DEST request: without -s the counters are not
 * shown, so the module is asked to leave them out (DRLB_F_NO_STATS):
 * summing every CPU's and sending them is most of a listing's cost.
 */
static struct nl_msg *list_msg(uint8_t cmd, int dump)
{
	struct nl_msg *msg = drlb_nl_msg(cmd, dump);
	struct drlb_info info;

	/* A flag in a 1 KB request: it fits (drlb_nl_msg() never fails). */
	if (!opts.stats && !drlb_nl_info(&info) &&
	    (info.features & DRLB_F_NO_STATS))
		nla_put_flag(msg, DRLB_A_NO_STATS);
	return msg;
}

static int get_dests(struct svc_info *s)
{
	struct dest_vec vec = { 0 };
	struct nl_msg *msg;
	int err;

	msg = list_msg(DRLB_CMD_GET_DEST, 1);
	if (svc_put_key(msg, &s->key)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = drlb_nl_transact(msg, dest_cb, &vec);
	if (err) {
		free(vec.v);
		return err;
	}
	if (vec.n)
		qsort(vec.v, vec.n, sizeof(*vec.v), cmp_dest);
	s->dests = vec.v;
	s->n_dests = vec.n;
	return 0;
}

/* The all-services dest dump: each dest to its service's vector. */
struct dest_all {
	struct svc_info *svcs;	/* sorted by cmp_svc */
	int n;
	struct dest_vec *vecs;	/* one per service */
};

static int dest_all_cb(struct nlattr **tb, void *arg)
{
	struct dest_all *a = arg;
	struct svc_info key, *s;
	int err;

	if (!tb[DRLB_A_SERVICE])
		return -EPROTO;
	err = svc_info_parse(tb[DRLB_A_SERVICE], &key);
	if (err)
		return err < 0 ? err : 0;	/* a family not shown */
	s = bsearch(&key, a->svcs, a->n, sizeof(*a->svcs), cmp_svc);
	/* A service added since the service dump: not listed. */
	return s ? dest_cb(tb, &a->vecs[s - a->svcs]) : 0;
}

/*
 * Every service's dests in one dump (DRLB_F_DEST_DUMP_ALL): 0, or -errno
 * with nothing set.
 */
static int get_all_dests(struct svc_info *svcs, int n)
{
	struct dest_all a = { .svcs = svcs, .n = n };
	int err, i;

	a.vecs = calloc(n, sizeof(*a.vecs));
	if (!a.vecs)
		return -ENOMEM;
	err = drlb_nl_transact(list_msg(DRLB_CMD_GET_DEST, 1), dest_all_cb,
			       &a);
	for (i = 0; i < n; i++) {
		if (err) {
			free(a.vecs[i].v);
			continue;
		}
		if (a.vecs[i].n)
			qsort(a.vecs[i].v, a.vecs[i].n, sizeof(*a.vecs[i].v),
			      cmp_dest);
		svcs[i].dests = a.vecs[i].v;
		svcs[i].n_dests = a.vecs[i].n;
	}
	free(a.vecs);
	return err;
}

int svc_list_get(const struct svc_key *only, struct svc_info **out, int *n)
{
	struct drlb_info info;
	struct svc_vec vec = { 0 };
	struct nl_msg *msg;
	int err;

	msg = list_msg(DRLB_CMD_GET_SERVICE, !only);
	if (only && svc_put_key(msg, only)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = drlb_nl_transact(msg, svc_cb, &vec);
	if (err)
		goto fail;
	if (vec.n)
		qsort(vec.v, vec.n, sizeof(*vec.v), cmp_svc);
	/*
	 * Every service: one dump of every dest, if the module has it;
	 * else (and for one service) a dest dump names its service, so
	 * one dump per service.
	 */
	if (!only && vec.n && !drlb_nl_info(&info) &&
	    (info.features & DRLB_F_DEST_DUMP_ALL)) {
		err = get_all_dests(vec.v, vec.n);
		if (err)
			goto fail;
		goto done;
	}
	for (int i = 0; i < vec.n; i++) {
		err = get_dests(&vec.v[i]);
		/* A service deleted meanwhile just has no servers. */
		if (err == -ENOENT)
			err = 0;
		if (err)
			goto fail;
	}
done:
	*out = vec.v;
	*n = vec.n;
	return 0;
fail:
	svc_list_free(vec.v, vec.n);
	return err;
}

void svc_list_free(struct svc_info *list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i].dests);
	free(list);
}

/* ---- scale-out ------------------------------------------------------------- */

bool sched_cluster_safe(const char *name)
{
	return !strcmp(name, "mh") || !strcmp(name, "sh") || !strcmp(name, "dh");
}

static int cluster_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *ct[DRLB_CFG_A_MAX + 1];

	if (drlb_nl_parse_nested(ct, DRLB_CFG_A_MAX, tb[DRLB_A_CONFIG]))
		return -EPROTO;
	*(int *)arg = ct[DRLB_CFG_A_CLUSTER] &&
		      nla_get_u32(ct[DRLB_CFG_A_CLUSTER]);
	return 0;
}

int config_cluster(void)
{
	int on = 0, err;

	err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_CONFIG, 0), cluster_cb,
			       &on);
	return err ?: on;
}

void cluster_warn(const char *key_str, const char *sched)
{
	fprintf(stderr,
		"drlbctl: warning: %s: scheduler %s is not stable across directors: with cluster yes, its flows break when a director joins or leaves the routers' ECMP group (use mh, sh or dh)\n",
		key_str, sched);
}

int cluster_warn_all(void)
{
	struct svc_info *list;
	int n, i, err, warned = 0;

	err = config_cluster();
	if (err <= 0)
		return err;
	err = svc_list_get(NULL, &list, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (!sched_cluster_safe(list[i].sched)) {
			cluster_warn(svc_key_str(&list[i].key), list[i].sched);
			warned++;
		}
	svc_list_free(list, n);
	return warned;
}
