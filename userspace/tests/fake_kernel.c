// SPDX-License-Identifier: GPL-2.0
/*
 * A fake drlb module behind nl.h's functions (see fake_kernel.h): each
 * request is checked and applied to struct fake_kernel as the module
 * would (keys of both families, a server of the service's family, the
 * scheduler's default flags, EEXIST and ENOENT), and replies are built
 * with libnl and handed to the callbacks through nl_attr.c's parser, as
 * nl.c does. Batches are applied at once; a dry run only hands requests
 * to drlb_nl_capture.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>

#include "fake_kernel.h"
#include "nl.h"
#include "svc.h"	/* DRLB_F_DIRECTOR_IPV6 */

struct fake_kernel fk;

bool drlb_nl_dry_run;
size_t drlb_nl_tag;
void (*drlb_nl_capture)(const struct nlmsghdr *nlh, size_t tag, void *arg);
void *drlb_nl_capture_arg;

static char errmsg[256];

void fk_reset(uint64_t features)
{
	for (int i = 0; i < fk.n_events; i++)
		nlmsg_free(fk.events[i]);
	memset(&fk, 0, sizeof(fk));
	fk.features = features;
	fk.cfg[DRLB_CFG_A_TIMEOUT_TCP_EST] = 900;
	fk.cfg[DRLB_CFG_A_TIMEOUT_TCP_SYN] = 60;
	fk.cfg[DRLB_CFG_A_TIMEOUT_TCP_FIN] = 120;
	fk.cfg[DRLB_CFG_A_TIMEOUT_TCP_CLOSE] = 10;
	fk.cfg[DRLB_CFG_A_TIMEOUT_UDP] = 300;
	fk.cfg[DRLB_CFG_A_TIMEOUT_SCTP] = 900;
	fk.cfg[DRLB_CFG_A_TIMEOUT_OTHER] = 60;
	fk.cfg[DRLB_CFG_A_CONN_MAX] = 1048576;
	fk.cfg[DRLB_CFG_A_MH_TABLE_SIZE] = 65537;
}

int drlb_nl_open(void)
{
	return 0;
}

void drlb_nl_close(void)
{
}

int drlb_nl_family(void)
{
	return 0x20;
}

int drlb_nl_event_socket(void)
{
	fprintf(stderr, "drlbctl: no events in the fake kernel\n");
	return -1;
}

int drlb_nl_join(int fd, const char *group)
{
	(void)fd;
	(void)group;
	return -EOPNOTSUPP;
}

struct nl_msg *fk_event(uint32_t type)
{
	struct nl_msg *m = drlb_nl_msg(DRLB_CMD_EVENT, 0);

	if ((size_t)fk.n_events == ARRAY_SIZE(fk.events))
		abort();
	nla_put_u32(m, DRLB_A_EVENT, type);
	fk.events[fk.n_events++] = m;
	return m;
}

/* The queued events on a packet socket, its writing end closed (EOF). */
int drlb_nl_subscribe(const char *group)
{
	int sv[2];

	(void)group;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -1;
	for (int i = 0; i < fk.n_events; i++) {
		struct nlmsghdr *nlh = nlmsg_hdr(fk.events[i]);

		if (write(sv[1], nlh, nlh->nlmsg_len) != (ssize_t)nlh->nlmsg_len)
			abort();
		nlmsg_free(fk.events[i]);
	}
	fk.n_events = 0;
	close(sv[1]);
	return sv[0];
}

struct nl_msg *drlb_nl_msg(uint8_t cmd, int dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0,
				 dump ? NLM_F_DUMP : 0, cmd, DRLB_GENL_VERSION))
		abort();
	return msg;
}

void drlb_nl_batch_start(void)
{
}

int drlb_nl_batch_flush(void)
{
	return 0;
}

int drlb_nl_batch_stop(void)
{
	return 0;
}

int drlb_nl_batch_error(size_t *tag)
{
	(void)tag;
	return 0;
}

const char *drlb_nl_errmsg(void)
{
	return errmsg;
}

int drlb_nl_perror(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("drlbctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", errmsg[0] ? errmsg : strerror(-err));
	return 1;
}

/* ---- requests ---------------------------------------------------------- */

static int fail(int err, const char *msg)
{
	snprintf(errmsg, sizeof(errmsg), "%s", msg);
	return err;
}

/* The address of (af_attr, addr_attr) in @tb, checked as the module does. */
static int get_addr(struct nlattr **tb, int af_type, int addr_type,
		    struct drlb_addr *a)
{
	uint16_t af = tb[af_type] ? nla_get_u16(tb[af_type]) : 0;

	if (af != AF_INET && af != AF_INET6)
		return fail(-EAFNOSUPPORT, "unknown address family");
	if (af == AF_INET6 && !(fk.features & DRLB_F_DIRECTOR_IPV6))
		return fail(-EAFNOSUPPORT, "only AF_INET is supported");
	if (!tb[addr_type] || nla_len(tb[addr_type]) != (int)addr_len(af))
		return fail(-EINVAL, "an address of the wrong length");
	memset(a, 0, sizeof(*a));
	a->af = af;
	memcpy(a->b, nla_data(tb[addr_type]), addr_len(af));
	return 0;
}

/* The service a DRLB_A_SERVICE nest names (NULL: none), its key in @k. */
static int svc_lookup(struct nlattr *nest, struct fk_svc *k,
		      struct fk_svc **found, struct nlattr **st)
{
	int err;

	*found = NULL;
	memset(k, 0, sizeof(*k));
	if (!nest || nla_parse_nested(st, DRLB_SVC_A_MAX, nest, NULL))
		return fail(-EINVAL, "no service");
	if (st[DRLB_SVC_A_FWMARK]) {
		if (st[DRLB_SVC_A_PROTOCOL] || st[DRLB_SVC_A_ADDR] ||
		    st[DRLB_SVC_A_PORT])
			return fail(-EINVAL, "FWMARK with tuple keys");
		k->fwmark = nla_get_u32(st[DRLB_SVC_A_FWMARK]);
		k->addr.af = st[DRLB_SVC_A_AF] ?
			     nla_get_u16(st[DRLB_SVC_A_AF]) : 0;
		if (k->addr.af != AF_INET && k->addr.af != AF_INET6)
			return fail(-EAFNOSUPPORT, "unknown address family");
		if (k->addr.af == AF_INET6 &&
		    !(fk.features & DRLB_F_DIRECTOR_IPV6))
			return fail(-EAFNOSUPPORT, "only AF_INET is supported");
	} else {
		err = get_addr(st, DRLB_SVC_A_AF, DRLB_SVC_A_ADDR, &k->addr);
		if (err)
			return err;
		if (!st[DRLB_SVC_A_PROTOCOL] || !st[DRLB_SVC_A_PORT])
			return fail(-EINVAL, "missing keys");
		k->proto = nla_get_u8(st[DRLB_SVC_A_PROTOCOL]);
		k->port = nla_get_u16(st[DRLB_SVC_A_PORT]);
	}
	for (int i = 0; i < fk.n_svcs; i++) {
		struct fk_svc *s = &fk.svcs[i];

		if (s->proto == k->proto && addr_eq(&s->addr, &k->addr) &&
		    s->port == k->port && s->fwmark == k->fwmark)
			*found = s;
	}
	return 0;
}

static void svc_opts(struct fk_svc *s, struct nlattr **st)
{
	if (st[DRLB_SVC_A_SCHED_NAME]) {
		snprintf(s->sched, sizeof(s->sched), "%s",
			 nla_get_string(st[DRLB_SVC_A_SCHED_NAME]));
		s->sched_flags = !strcmp(s->sched, "mh") ? DRLB_SCHED_F_PORT : 0;
	}
	if (st[DRLB_SVC_A_SCHED_FLAGS])
		s->sched_flags = nla_get_u32(st[DRLB_SVC_A_SCHED_FLAGS]);
	if (st[DRLB_SVC_A_PERSIST_TIMEOUT])
		s->persist = nla_get_u32(st[DRLB_SVC_A_PERSIST_TIMEOUT]);
	if (st[DRLB_SVC_A_PERSIST_NETMASK])
		s->netmask = nla_get_u8(st[DRLB_SVC_A_PERSIST_NETMASK]);
	if (st[DRLB_SVC_A_EXPIRE_NODEST])
		s->expire_nodest = nla_get_u8(st[DRLB_SVC_A_EXPIRE_NODEST]);
	if (st[DRLB_SVC_A_MIDSTREAM])
		s->midstream = nla_get_u8(st[DRLB_SVC_A_MIDSTREAM]);
	if (st[DRLB_SVC_A_ONEPACKET])
		s->onepacket = nla_get_u8(st[DRLB_SVC_A_ONEPACKET]);
}

static int do_service(uint8_t cmd, struct nlattr **tb)
{
	struct nlattr *st[DRLB_SVC_A_MAX + 1];
	struct fk_svc k, *s;
	int err;

	err = svc_lookup(tb[DRLB_A_SERVICE], &k, &s, st);
	if (err)
		return err;
	if (cmd == DRLB_CMD_NEW_SERVICE) {
		if (s)
			return fail(-EEXIST, "the service exists");
		if (fk.n_svcs == FK_MAX_SVC)
			return fail(-ENOSPC, "too many services");
		if (st[DRLB_SVC_A_PERSIST_NETMASK] &&
		    nla_get_u8(st[DRLB_SVC_A_PERSIST_NETMASK]) >
		    addr_bits(k.addr.af))
			return fail(-EINVAL, "netmask too long");
		s = &fk.svcs[fk.n_svcs++];
		*s = k;
		snprintf(s->sched, sizeof(s->sched), "wlc");
		s->netmask = addr_bits(k.addr.af);
		s->expire_nodest = 1;
		svc_opts(s, st);
		return 0;
	}
	if (!s)
		return fail(-ENOENT, "no such service");
	if (cmd == DRLB_CMD_SET_SERVICE) {
		svc_opts(s, st);
		return 0;
	}
	memmove(s, s + 1, (&fk.svcs[fk.n_svcs] - s - 1) * sizeof(*s));
	fk.n_svcs--;
	return 0;
}

static int do_dest(uint8_t cmd, struct nlattr **tb)
{
	struct nlattr *st[DRLB_SVC_A_MAX + 1], *dt[DRLB_DEST_A_MAX + 1];
	struct fk_dest *d = NULL;
	struct drlb_addr a;
	struct fk_svc k, *s;
	int err;

	err = svc_lookup(tb[DRLB_A_SERVICE], &k, &s, st);
	if (err)
		return err;
	if (!s)
		return fail(-ENOENT, "no such service");
	if (!tb[DRLB_A_DEST] ||
	    nla_parse_nested(dt, DRLB_DEST_A_MAX, tb[DRLB_A_DEST], NULL))
		return fail(-EINVAL, "no dest");
	err = get_addr(dt, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR, &a);
	if (err)
		return err;
	if (a.af != s->addr.af)
		return fail(-EINVAL, "a dest of the other family");
	for (int i = 0; i < s->n_dests; i++)
		if (addr_eq(&s->dests[i].addr, &a))
			d = &s->dests[i];
	if (cmd == DRLB_CMD_NEW_DEST) {
		if (d)
			return fail(-EEXIST, "the dest exists");
		if (s->n_dests == FK_MAX_DEST)
			return fail(-ENOSPC, "too many dests");
		d = &s->dests[s->n_dests++];
		memset(d, 0, sizeof(*d));
		d->addr = a;
		d->weight = 1;
	} else if (!d) {
		return fail(-ENOENT, "no such dest");
	} else if (cmd == DRLB_CMD_DEL_DEST) {
		memmove(d, d + 1, (&s->dests[s->n_dests] - d - 1) * sizeof(*d));
		s->n_dests--;
		return 0;
	}
	if (dt[DRLB_DEST_A_WEIGHT])
		d->weight = nla_get_u32(dt[DRLB_DEST_A_WEIGHT]);
	if (dt[DRLB_DEST_A_U_THRESH])
		d->u_thresh = nla_get_u32(dt[DRLB_DEST_A_U_THRESH]);
	if (dt[DRLB_DEST_A_L_THRESH])
		d->l_thresh = nla_get_u32(dt[DRLB_DEST_A_L_THRESH]);
	return 0;
}

static int do_arp(uint8_t cmd, struct nlattr **tb)
{
	struct nlattr *at[DRLB_ARP_A_MAX + 1];
	struct fk_arp r = { 0 };
	int i;

	if (!tb[DRLB_A_ARP] ||
	    nla_parse_nested(at, DRLB_ARP_A_MAX, tb[DRLB_A_ARP], NULL) ||
	    !at[DRLB_ARP_A_AF] || nla_get_u16(at[DRLB_ARP_A_AF]) != AF_INET ||
	    !at[DRLB_ARP_A_ADDR] || nla_len(at[DRLB_ARP_A_ADDR]) != 4)
		return fail(-EAFNOSUPPORT, "IPv4 ARP rules only");
	r.vip = addr_v4(nla_get_u32(at[DRLB_ARP_A_ADDR]));
	if (at[DRLB_ARP_A_IFINDEX])
		r.ifindex = nla_get_u32(at[DRLB_ARP_A_IFINDEX]);
	if (at[DRLB_ARP_A_FLAGS])
		r.flags = nla_get_u32(at[DRLB_ARP_A_FLAGS]);
	for (i = 0; i < fk.n_arps; i++)
		if (addr_eq(&fk.arps[i].vip, &r.vip) &&
		    fk.arps[i].ifindex == r.ifindex)
			break;
	if (cmd == DRLB_CMD_NEW_ARP) {
		if (i < fk.n_arps)
			return fail(-EEXIST, "the rule exists");
		if (fk.n_arps == FK_MAX_ARP)
			return fail(-ENOSPC, "too many rules");
		fk.arps[fk.n_arps++] = r;
	} else if (i == fk.n_arps) {
		return fail(-ENOENT, "no such rule");
	} else if (cmd == DRLB_CMD_SET_ARP) {
		fk.arps[i].flags = r.flags;
	} else {
		fk.arps[i] = fk.arps[--fk.n_arps];
	}
	return 0;
}

/* ---- replies ------------------------------------------------------------ */

/* Hand one reply message to @cb, as nl.c does. */
static int reply(struct nl_msg *m, drlb_reply_cb cb, void *arg)
{
	struct nlattr *tb[DRLB_A_MAX + 1];
	int err;

	err = drlb_nl_parse_reply(nlmsg_hdr(m), tb) ? -EPROTO : cb(tb, arg);
	nlmsg_free(m);
	return err;
}

void fk_put_svc(struct nl_msg *m, const struct fk_svc *s, bool full)
{
	struct nlattr *nest = nla_nest_start(m, DRLB_A_SERVICE);

	nla_put_u16(m, DRLB_SVC_A_AF, s->addr.af);
	if (s->fwmark) {
		nla_put_u32(m, DRLB_SVC_A_FWMARK, s->fwmark);
	} else {
		nla_put_u8(m, DRLB_SVC_A_PROTOCOL, s->proto);
		nla_put(m, DRLB_SVC_A_ADDR, (int)addr_len(s->addr.af),
			s->addr.b);
		nla_put_u16(m, DRLB_SVC_A_PORT, s->port);
	}
	if (full) {
		nla_put_string(m, DRLB_SVC_A_SCHED_NAME, s->sched);
		nla_put_u32(m, DRLB_SVC_A_PERSIST_TIMEOUT, s->persist);
		nla_put_u8(m, DRLB_SVC_A_PERSIST_NETMASK, s->netmask);
		nla_put_u8(m, DRLB_SVC_A_EXPIRE_NODEST, s->expire_nodest);
		nla_put_u32(m, DRLB_SVC_A_NUM_DESTS, (uint32_t)s->n_dests);
		nla_put_u8(m, DRLB_SVC_A_MIDSTREAM, s->midstream);
		nla_put_u32(m, DRLB_SVC_A_SCHED_FLAGS, s->sched_flags);
		nla_put_u8(m, DRLB_SVC_A_ONEPACKET, s->onepacket);
	}
	nla_nest_end(m, nest);
}

void fk_put_dest(struct nl_msg *m, const struct fk_dest *d)
{
	struct nlattr *nest = nla_nest_start(m, DRLB_A_DEST);

	nla_put_u16(m, DRLB_DEST_A_AF, d->addr.af);
	nla_put(m, DRLB_DEST_A_ADDR, (int)addr_len(d->addr.af), d->addr.b);
	nla_put_u32(m, DRLB_DEST_A_WEIGHT, d->weight);
	nla_put_u32(m, DRLB_DEST_A_ACTIVE_CONNS, 0);
	nla_put_u32(m, DRLB_DEST_A_INACTIVE_CONNS, 0);
	nla_put_u32(m, DRLB_DEST_A_IFINDEX, 0);
	nla_put_u8(m, DRLB_DEST_A_NEIGH, DRLB_NEIGH_NONE);
	nla_put_u32(m, DRLB_DEST_A_U_THRESH, d->u_thresh);
	nla_put_u32(m, DRLB_DEST_A_L_THRESH, d->l_thresh);
	nla_put_u32(m, DRLB_DEST_A_PERSIST_CONNS, 0);
	nla_put_u8(m, DRLB_DEST_A_OVERLOADED, 0);
	nla_nest_end(m, nest);
}

static int get_services(struct nlattr **tb, drlb_reply_cb cb, void *arg)
{
	struct nlattr *st[DRLB_SVC_A_MAX + 1];
	struct fk_svc k, *s;
	struct nl_msg *m;
	int err = 0;

	if (tb[DRLB_A_SERVICE]) {
		err = svc_lookup(tb[DRLB_A_SERVICE], &k, &s, st);
		if (!err && !s)
			err = fail(-ENOENT, "no such service");
		if (err)
			return err;
		m = drlb_nl_msg(DRLB_CMD_GET_SERVICE, 0);
		fk_put_svc(m, s, true);
		return reply(m, cb, arg);
	}
	for (int i = 0; !err && i < fk.n_svcs; i++) {
		m = drlb_nl_msg(DRLB_CMD_GET_SERVICE, 0);
		fk_put_svc(m, &fk.svcs[i], true);
		err = reply(m, cb, arg);
	}
	return err;
}

static int get_dests(struct nlattr **tb, drlb_reply_cb cb, void *arg)
{
	struct nlattr *st[DRLB_SVC_A_MAX + 1];
	struct fk_svc k, *s;
	struct nl_msg *m;
	int err = 0;

	if (tb[DRLB_A_SERVICE]) {
		err = svc_lookup(tb[DRLB_A_SERVICE], &k, &s, st);
		if (!err && !s)
			err = fail(-ENOENT, "no such service");
	} else if (!(fk.features & DRLB_F_DEST_DUMP_ALL)) {
		err = fail(-EINVAL, "no service");
	}
	for (int i = 0; !err && i < fk.n_svcs; i++) {
		if (tb[DRLB_A_SERVICE] && &fk.svcs[i] != s)
			continue;
		for (int j = 0; !err && j < fk.svcs[i].n_dests; j++) {
			m = drlb_nl_msg(DRLB_CMD_GET_DEST, 0);
			fk_put_svc(m, &fk.svcs[i], false);
			fk_put_dest(m, &fk.svcs[i].dests[j]);
			err = reply(m, cb, arg);
		}
	}
	return err;
}

static int get_conns(struct nl_msg *req, bool dump, drlb_reply_cb cb,
		     void *arg)
{
	struct nlattr *nest;
	struct nl_msg *m;
	int err = 0;

	fk.conn_req_len = nlmsg_hdr(req)->nlmsg_len;
	if (fk.conn_req_len > sizeof(fk.conn_req))
		abort();
	memcpy(fk.conn_req, nlmsg_hdr(req), fk.conn_req_len);
	if (!dump) {
		m = drlb_nl_msg(DRLB_CMD_GET_CONN, 0);
		nla_put_u64(m, DRLB_A_COUNT, (uint64_t)fk.n_conns);
		return cb ? reply(m, cb, arg) : (nlmsg_free(m), 0);
	}
	for (int i = 0; !err && i < fk.n_conns; i++) {
		const struct fk_conn *c = &fk.conns[i];
		int len = (int)addr_len(c->caddr.af);

		m = drlb_nl_msg(DRLB_CMD_GET_CONN, 0);
		nest = nla_nest_start(m, DRLB_A_CONN);
		nla_put_u16(m, DRLB_CONN_A_AF, c->caddr.af);
		nla_put_u8(m, DRLB_CONN_A_PROTOCOL, c->proto);
		nla_put(m, DRLB_CONN_A_CADDR, len, c->caddr.b);
		nla_put_u16(m, DRLB_CONN_A_CPORT, c->cport);
		nla_put(m, DRLB_CONN_A_VADDR, len, c->vaddr.b);
		nla_put_u16(m, DRLB_CONN_A_VPORT, c->vport);
		nla_put(m, DRLB_CONN_A_DADDR, len, c->daddr.b);
		nla_put_u8(m, DRLB_CONN_A_STATE, c->state);
		nla_put_u32(m, DRLB_CONN_A_EXPIRES_MS, c->expires_ms);
		if (c->persist)
			nla_put_flag(m, DRLB_CONN_A_PERSIST);
		nla_nest_end(m, nest);
		err = reply(m, cb, arg);
	}
	return err;
}

static int get_config(drlb_reply_cb cb, void *arg)
{
	struct nl_msg *m = drlb_nl_msg(DRLB_CMD_GET_CONFIG, 0);
	struct nlattr *nest = nla_nest_start(m, DRLB_A_CONFIG);

	for (int a = 1; a <= DRLB_CFG_A_MAX; a++)
		nla_put_u32(m, a, fk.cfg[a]);
	nla_nest_end(m, nest);
	return reply(m, cb, arg);
}

static int get_arps(drlb_reply_cb cb, void *arg)
{
	struct nlattr *nest;
	struct nl_msg *m;
	int err = 0;

	for (int i = 0; !err && i < fk.n_arps; i++) {
		const struct fk_arp *r = &fk.arps[i];

		m = drlb_nl_msg(DRLB_CMD_GET_ARP, 0);
		nest = nla_nest_start(m, DRLB_A_ARP);
		nla_put_u16(m, DRLB_ARP_A_AF, r->vip.af);
		nla_put(m, DRLB_ARP_A_ADDR, (int)addr_len(r->vip.af), r->vip.b);
		if (r->ifindex)
			nla_put_u32(m, DRLB_ARP_A_IFINDEX, r->ifindex);
		if (r->flags)
			nla_put_u32(m, DRLB_ARP_A_FLAGS, r->flags);
		nla_nest_end(m, nest);
		err = reply(m, cb, arg);
	}
	return err;
}

static int set_config(struct nlattr **tb)
{
	struct nlattr *ct[DRLB_CFG_A_MAX + 1];

	if (!tb[DRLB_A_CONFIG] ||
	    nla_parse_nested(ct, DRLB_CFG_A_MAX, tb[DRLB_A_CONFIG], NULL))
		return fail(-EINVAL, "no config");
	for (int a = 1; a <= DRLB_CFG_A_MAX; a++)
		if (ct[a])
			fk.cfg[a] = nla_get_u32(ct[a]);
	return 0;
}

static int handle(struct nl_msg *msg, drlb_reply_cb cb, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	uint8_t cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;
	struct nlattr *tb[DRLB_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, DRLB_A_MAX, NULL) < 0)
		abort();	/* drlbctl built a malformed request */
	switch (cmd) {
	case DRLB_CMD_NEW_SERVICE: case DRLB_CMD_SET_SERVICE:
	case DRLB_CMD_DEL_SERVICE:
		return do_service(cmd, tb);
	case DRLB_CMD_GET_SERVICE:
		return get_services(tb, cb, arg);
	case DRLB_CMD_NEW_DEST: case DRLB_CMD_SET_DEST: case DRLB_CMD_DEL_DEST:
		return do_dest(cmd, tb);
	case DRLB_CMD_GET_DEST:
		return get_dests(tb, cb, arg);
	case DRLB_CMD_FLUSH:
		fk.n_svcs = 0;
		if (tb[DRLB_A_FLUSH_ARP])
			fk.n_arps = 0;
		return 0;
	case DRLB_CMD_GET_CONFIG:
		return get_config(cb, arg);
	case DRLB_CMD_SET_CONFIG:
		return set_config(tb);
	case DRLB_CMD_GET_CONN: case DRLB_CMD_DEL_CONN:
		return get_conns(msg, cmd == DRLB_CMD_GET_CONN && dump, cb,
				 arg);
	case DRLB_CMD_NEW_ARP: case DRLB_CMD_SET_ARP: case DRLB_CMD_DEL_ARP:
		return do_arp(cmd, tb);
	case DRLB_CMD_GET_ARP:
		return get_arps(cb, arg);
	case DRLB_CMD_GET_STATS: case DRLB_CMD_ZERO:
		return 0;
	}
	return fail(-EOPNOTSUPP, "not in the fake kernel");
}

int drlb_nl_transact(struct nl_msg *msg, drlb_reply_cb cb, void *arg)
{
	int err;

	errmsg[0] = '\0';
	if (drlb_nl_dry_run) {
		if (drlb_nl_capture)
			drlb_nl_capture(nlmsg_hdr(msg), drlb_nl_tag,
					drlb_nl_capture_arg);
		nlmsg_free(msg);
		return 0;
	}
	err = handle(msg, cb, arg);
	if (!err)
		fk.requests++;
	nlmsg_free(msg);
	return err;
}

/* GET_INFO, as nl.c caches it. */
int drlb_nl_info(struct drlb_info *info)
{
	static const char *const scheds[] = { "rr", "wrr", "wlc", "sh", "mh" };

	memset(info, 0, sizeof(*info));
	snprintf(info->version, sizeof(info->version), "%s", DRLB_VERSION);
	info->api_version = DRLB_API_VERSION;
	info->features = fk.features;
	for (size_t i = 0; i < ARRAY_SIZE(scheds); i++)
		snprintf(info->scheds[info->n_scheds++], DRLB_SCHED_NAME_MAX,
			 "%s", scheds[i]);
	return 0;
}
