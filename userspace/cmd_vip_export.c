// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl vip export [once] [table ID] [protocol ID]
 *
 * Hands the VIPs this director serves to a routing daemon (FRR, BIRD),
 * which announces them to the routers: the scale-out recipe, where several
 * directors announce the same VIP and the routers spread its flows over
 * them with ECMP (docs/scale-out.md).
 *
 * A VIP is served when a service of it (any protocol and port; fwmark
 * services name no VIP) has at least one server of non-zero weight.
 * IPv4 VIPs only: IPv6 services are not exported yet. For each served
 * VIP there is one route in table ID (default 254, main):
 *   blackhole VIP/32 proto ID
 * (protocol default 200, "drlb" in /etc/iproute2/rt_protos.d/drlb.conf).
 * A blackhole, because drlb's hook takes the VIP's packets before routing
 * does: the route is only there to be announced (FRR: "network VIP/32",
 * which announces a prefix only while the RIB has a route to it; BIRD: a
 * kernel protocol that learns routes), and a packet for the VIP that no
 * service takes is dropped instead of being routed back to the router.
 * Routes of this protocol in this table for VIPs not served are deleted,
 * those the routing daemons see withdrawn.
 *
 * "once" makes the routes match the configuration and exits. Without it,
 * the command stays: it follows the module's events ("monitor" group) and
 * makes the routes match after every change (flush, service or server
 * added, changed, deleted, a server's weight set to 0 or back); when the
 * module is unloaded (nlctrl's family notice) it deletes every route, and
 * when it is loaded again it starts over; on SIGTERM, SIGINT or SIGHUP it
 * deletes every route and exits 0. So a director stops being announced
 * when its services are flushed or drained, when drlb is unloaded and when
 * this command is stopped; its routing daemon stopping, or the director
 * dying, ends its BGP session (BFD notices in about a second).
 *
 * Prints one line per route change, "add VIP" or "del VIP", and why the
 * module went away or came back. Exit status: 0; 1 when a route could
 * not be changed (once) or the sockets failed; 2 bad usage.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "drlbctl.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

#define EXPORT_PROTO_DEFAULT	200
/* After a failed sync, try again this much later (ms). */
#define EXPORT_RETRY_MS		1000

struct export {
	uint32_t table;
	uint8_t proto;
	int rt;			/* NETLINK_ROUTE socket */
	uint32_t seq;
};

/* A set of IPv4 addresses (network order), sorted, no duplicates. */
struct vipset {
	uint32_t *v;
	size_t n, cap;
};

static int vipset_add(struct vipset *s, uint32_t addr)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		uint32_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = addr;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = ntohl(*(const uint32_t *)a), y = ntohl(*(const uint32_t *)b);

	return x < y ? -1 : x > y;
}

static void vipset_sort(struct vipset *s)
{
	size_t i, o = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u32);
	for (i = 1; i < s->n; i++)
		if (s->v[i] != s->v[o])
			s->v[++o] = s->v[i];
	s->n = o + 1;
}

static bool vipset_has(const struct vipset *s, uint32_t addr)
{
	return bsearch(&addr, s->v, s->n, sizeof(*s->v), cmp_u32);
}

/* ---- the routes (rtnetlink) ------------------------------------------------ */

static char rtbuf[1 << 16];

/*
 * Send @nlh on the route socket and read until its ACK (or, for a dump,
 * its end), handing each RTM_NEWROUTE to @fn. 0 or -errno.
 */
static int rt_talk(struct export *x, struct nlmsghdr *nlh,
		   void (*fn)(struct export *, struct rtmsg *, int, void *),
		   void *arg)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	nlh->nlmsg_seq = ++x->seq;
	if (sendto(x->rt, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		ssize_t len = recv(x->rt, rtbuf, sizeof(rtbuf), 0);
		struct nlmsghdr *h;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rtbuf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != x->seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == RTM_NEWROUTE && fn &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg)))
				fn(x, NLMSG_DATA(h),
				   h->nlmsg_len - NLMSG_LENGTH(sizeof(struct rtmsg)),
				   arg);
		}
	}
}

static void rta_put(struct nlmsghdr *nlh, int type, const void *data, int len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nlh +
					       NLMSG_ALIGN(nlh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* One of our routes in a dump: its VIP into the set @arg. */
static void rt_collect(struct export *x, struct rtmsg *rtm, int len, void *arg)
{
	uint32_t table = rtm->rtm_table, dst = 0;
	bool has_dst = false;
	struct rtattr *rta;

	if (rtm->rtm_family != AF_INET || rtm->rtm_dst_len != 32 ||
	    rtm->rtm_protocol != x->proto || rtm->rtm_type != RTN_BLACKHOLE)
		return;
	for (rta = RTM_RTA(rtm); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == RTA_TABLE &&
		    RTA_PAYLOAD(rta) == sizeof(uint32_t))
			memcpy(&table, RTA_DATA(rta), sizeof(table));
		if (rta->rta_type == RTA_DST && RTA_PAYLOAD(rta) == sizeof(dst)) {
			memcpy(&dst, RTA_DATA(rta), sizeof(dst));
			has_dst = true;
		}
	}
	if (table == x->table && has_dst && vipset_add(arg, dst))
		fprintf(stderr, "drlbctl: vip export: out of memory\n");
}

/* Our routes now: into @have. 0 or -errno. */
static int rt_ours(struct export *x, struct vipset *have)
{
	struct {
		struct nlmsghdr nlh;
		struct rtmsg rtm;
	} req = {
		.nlh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
			.nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		.rtm = { .rtm_family = AF_INET },
	};
	int err;

	have->n = 0;
	err = rt_talk(x, &req.nlh, rt_collect, have);
	vipset_sort(have);
	return err;
}

/* Add or delete the route of @vip. 0 or -errno. */
static int rt_change(struct export *x, bool add, uint32_t vip)
{
	union {
		struct nlmsghdr nlh;
		char buf[NLMSG_SPACE(sizeof(struct rtmsg)) + 64];
	} req;
	struct rtmsg *rtm;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(*rtm));
	req.nlh.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			      (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	rtm = NLMSG_DATA(&req.nlh);
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_table = x->table < 256 ? x->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = x->proto;
	rtm->rtm_scope = add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_BLACKHOLE;
	rta_put(&req.nlh, RTA_DST, &vip, sizeof(vip));
	rta_put(&req.nlh, RTA_TABLE, &x->table, sizeof(x->table));
	return rt_talk(x, &req.nlh, NULL, NULL);
}

static void print_change(bool add, uint32_t vip, int err)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &vip, a, sizeof(a));
	if (err)
		fprintf(stderr, "drlbctl: vip export: %s route of %s: %s\n",
			add ? "adding the" : "deleting the", a, strerror(-err));
	else
		printf("%s %s\n", add ? "add" : "del", a);
	fflush(stdout);
}

/*
 * Make our routes those of @want. Every change is tried; 0 or the first
 * failure's -errno.
 */
static int rt_sync(struct export *x, const struct vipset *want)
{
	struct vipset have = { 0 };
	int err, ret = 0;
	size_t i;

	err = rt_ours(x, &have);
	if (err) {
		fprintf(stderr, "drlbctl: vip export: reading the routes: %s\n",
			strerror(-err));
		free(have.v);
		return err;
	}
	for (i = 0; i < have.n; i++) {
		if (vipset_has(want, have.v[i]))
			continue;
		err = rt_change(x, false, have.v[i]);
		/* Gone already: someone deleted it meanwhile. */
		if (err == -ESRCH)
			err = 0;
		print_change(false, have.v[i], err);
		ret = ret ?: err;
	}
	for (i = 0; i < want->n; i++) {
		if (vipset_has(&have, want->v[i]))
			continue;
		err = rt_change(x, true, want->v[i]);
		print_change(true, want->v[i], err);
		ret = ret ?: err;
	}
	free(have.v);
	return ret;
}

/* ---- what drlb serves ------------------------------------------------------ */

/* The served VIPs into @want. 0 or -errno (printed). */
static int served(struct vipset *want)
{
	struct svc_info *list;
	int n, err, i, d;

	want->n = 0;
	err = svc_list_get(NULL, &list, &n);
	if (err)
		return drlb_nl_perror(err, "vip export: reading the services"), err;
	for (i = 0; i < n; i++) {
		/* IPv4 VIPs only (blackhole /32 routes) for now. */
		if (list[i].key.fwmark || list[i].key.addr.af != AF_INET)
			continue;
		for (d = 0; d < list[i].n_dests; d++)
			if (list[i].dests[d].weight)
				break;
		if (d < list[i].n_dests &&
		    vipset_add(want, list[i].key.addr.v4)) {
			svc_list_free(list, n);
			fprintf(stderr, "drlbctl: vip export: out of memory\n");
			return -ENOMEM;
		}
	}
	svc_list_free(list, n);
	vipset_sort(want);
	return 0;
}

/* ---- following the module -------------------------------------------------- */

/*
 * nlctrl's notice @nlh about a family: 1 drlb was registered, -1 it was
 * unregistered, 0 anything else.
 */
static int family_notice(struct nlmsghdr *nlh)
{
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	int len = (int)nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *a;

	if (len < 0 || (g->cmd != CTRL_CMD_NEWFAMILY &&
			g->cmd != CTRL_CMD_DELFAMILY))
		return 0;
	for (a = (struct nlattr *)((char *)g + GENL_HDRLEN); len >= NLA_HDRLEN;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return 0;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_NAME &&
		    a->nla_len == NLA_HDRLEN + sizeof(DRLB_GENL_NAME) &&
		    !memcmp((char *)a + NLA_HDRLEN, DRLB_GENL_NAME,
			    sizeof(DRLB_GENL_NAME)))
			return g->cmd == CTRL_CMD_NEWFAMILY ? 1 : -1;
	}
	return 0;
}

/* Whether drlb's event @nlh may change what is served. */
static bool changes_served(struct nlmsghdr *nlh)
{
	struct nlattr *tb[DRLB_A_MAX + 1];
	uint32_t ev;

	if (nlh->nlmsg_type != drlb_nl_family() ||
	    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    drlb_nl_parse_reply(nlh, tb) || !tb[DRLB_A_EVENT])
		return false;
	ev = nla_get_u32(tb[DRLB_A_EVENT]);
	return (ev >= DRLB_EV_SERVICE_NEW && ev <= DRLB_EV_DEST_DEL) ||
	       ev == DRLB_EV_FLUSH;
}

/*
 * Read what is queued on @fd. Sets *@dirty on a drlb event that may change
 * what is served (or lost events), *@up to 1 or 0 on the module's coming and going. -errno when
 * the socket fails.
 */
static int drain(int fd, bool *dirty, int *up)
{
	static char buf[65536];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (n < 0 && errno == ENOBUFS) {
			*dirty = true;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			return n ? -errno : -EPIPE;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == GENL_ID_CTRL) {
				int f = family_notice(h);

				if (f)
					*up = f > 0;
			} else if (changes_served(h)) {
				*dirty = true;
			}
		}
	}
}

/* Connect to the module and join its events; 0 or -errno. */
static int module_up(int fd)
{
	int err = drlb_nl_join(fd, DRLB_MCGRP_MONITOR);

	if (err)
		drlb_nl_close();
	return err;
}

static int export_watch(struct export *x)
{
	/* nlctrl's only group, "notify", has the family's own id. */
	int ctrl_grp = GENL_ID_CTRL, up, fd, sfd, err = 0, timeout;
	struct vipset want = { 0 }, none = { 0 };
	bool dirty = true, stop = false;
	sigset_t sigs;

	/* The signals that end it arrive on a descriptor, polled. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "drlbctl: vip export: signalfd: %s\n",
			strerror(errno));
		return 1;
	}
	fd = drlb_nl_event_socket();
	if (fd < 0) {
		close(sfd);
		return 1;
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &ctrl_grp,
		       sizeof(ctrl_grp))) {
		fprintf(stderr, "drlbctl: vip export: joining nlctrl's notices: %s\n",
			strerror(errno));
		close(fd);
		return 1;
	}
	/* Joined before asking, so that no change falls in between. */
	up = !module_up(fd);
	if (!up)
		printf("drlb is not loaded: no VIP is served; waiting for it\n");
	while (!stop) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		int was_up = up;

		if (dirty) {
			if (up)
				err = served(&want) ?: rt_sync(x, &want);
			else
				err = rt_sync(x, &none);
			dirty = err != 0;
		}
		timeout = dirty ? EXPORT_RETRY_MS : -1;
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if (p[1].revents) {
			stop = true;
			break;
		}
		err = drain(fd, &dirty, &up);
		if (err) {
			fprintf(stderr, "drlbctl: vip export: netlink: %s\n",
				strerror(-err));
			break;
		}
		if (up == was_up)
			continue;
		dirty = true;
		if (up) {
			printf("drlb is loaded\n");
			if (module_up(fd))
				up = 0;
		} else {
			printf("drlb was unloaded: no VIP is served\n");
			drlb_nl_close();
		}
		fflush(stdout);
	}
	err = rt_sync(x, &none);
	free(want.v);
	close(fd);
	close(sfd);
	return stop && !err ? 0 : 1;
}

int vip_export(int argc, char **argv)
{
	struct export x = { .table = RT_TABLE_MAIN,
			    .proto = EXPORT_PROTO_DEFAULT };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct vipset want = { 0 };
	bool once = false;
	uint32_t v;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "once")) {
			once = true;
		} else if (!strcmp(argv[i], "table") && i + 1 < argc) {
			if (parse_u32(argv[++i], 1, UINT32_MAX, &v) ||
			    v == RT_TABLE_LOCAL)
				return usage_error("vip export: table must be a routing table number from 1 to 4294967295, not 255 (local): '%s'",
						   argv[i]);
			x.table = v;
		} else if (!strcmp(argv[i], "protocol") && i + 1 < argc) {
			if (parse_u32(argv[++i], RTPROT_STATIC + 1, 255, &v))
				return usage_error("vip export: protocol must be a route protocol number from %d to 255: '%s'",
						   RTPROT_STATIC + 1, argv[i]);
			x.proto = v;
		} else {
			return usage_error("vip export: unexpected '%s' (once, table ID, protocol ID)",
					   argv[i]);
		}
	}
	x.rt = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (x.rt < 0 || bind(x.rt, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "drlbctl: vip export: route socket: %s\n",
			strerror(errno));
		return 1;
	}
	if (!once) {
		ret = export_watch(&x);
	} else if (drlb_nl_open()) {
		/* Nothing is served: no route either. */
		rt_sync(&x, &want);
		ret = 1;
	} else {
		ret = served(&want) || rt_sync(&x, &want);
		free(want.v);
	}
	close(x.rt);
	return ret ? 1 : 0;
}
