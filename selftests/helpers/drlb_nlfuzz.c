// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_nlfuzz - a seeded fuzzer for the drlb generic netlink family.
 *
 *   drlb_nlfuzz [-n COUNT] [-s SEED] [-c] [-v]
 *
 * Sends COUNT generated requests, each one of:
 *   - noise: a random command with a random tree of attributes (random
 *     types, lengths, nesting, NLA_F_NESTED set or not);
 *   - a well-formed request built from small pools of keys and values (so
 *     adds, changes and deletes really happen), some values out of range;
 *   - a well-formed request with a few bytes flipped or its attribute
 *     lengths cut.
 * With -c a child process dumps services, servers and connections in a
 * loop while the parent modifies (concurrent dump + modify).
 *
 * Afterwards it checks, printing TAP:
 *   - the module still answers GET_INFO;
 *   - the state is consistent: every service dumps, its servers dump, and
 *     their number equals the service's DRLB_SVC_A_NUM_DESTS;
 *   - after FLUSH and a fixed sequence of valid requests the dump equals
 *     exactly what was requested;
 *   - a dump of 2000 services is complete.
 * The caller checks dmesg (the VM runner's gate).
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>

#include "../../userspace/nl.h"
#include "../../userspace/tests/tap.h"
#include "rng.h"


/* ---- noise ---------------------------------------------------------- */

static void put_noise(struct nl_msg *msg, int depth)
{
	int n = 1 + pick(6);
	char buf[512];

	for (int i = 0; i < n; i++) {
		int type = pick(16);
		int len = pick(8) ? pick(24) : pick(sizeof(buf));

		for (int k = 0; k < len; k++)
			buf[k] = (char)rnd();
		if (depth < 3 && !pick(3)) {
			struct nlattr *nest = nla_nest_start(msg, type);

			if (!nest)
				return;
			if (pick(4))
				nest->nla_type |= NLA_F_NESTED;
			else
				nest->nla_type &= ~NLA_F_NESTED;
			put_noise(msg, depth + 1);
			nla_nest_end(msg, nest);
			continue;
		}
		switch (pick(6)) {
		case 0:
			nla_put_u8(msg, type, (uint8_t)rnd());
			break;
		case 1:
			nla_put_u16(msg, type, (uint16_t)rnd());
			break;
		case 2:
			nla_put_u32(msg, type, rnd());
			break;
		case 3:
			nla_put_u64(msg, type, ((uint64_t)rnd() << 32) | rnd());
			break;
		case 4:
			buf[len ? len - 1 : 0] = '\0';
			nla_put(msg, type, len ? len : 1, buf);
			break;
		default:
			nla_put(msg, type, len, buf);
		}
	}
}

/* ---- well-formed requests from small pools ---------------------------- */

static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP,
				  IPPROTO_ICMP };
static const uint16_t ports[] = { 0, 80, 443, 65535 };
static const char *const scheds[] = { "rr", "wrr", "lc", "wlc", "sh", "mh",
				      "sed", "nq", "fo", "ovf", "dh", "twos",
				      "bogus", "" };

/* A service's keys: an IPv4 address in @addr's first 4 bytes. */
struct svc_key {
	uint8_t proto;
	uint16_t af;
	uint8_t addr[16];
	uint16_t port;
};

/* One of 4 IPv4 (10.9.0.1..4) or, one in 4, IPv6 (2001:db8:9::1..4) VIPs. */
static void rand_svc(struct svc_key *k)
{
	uint32_t a4 = htonl(0x0a090001 + pick(4));

	memset(k, 0, sizeof(*k));
	k->proto = protos[pick(8) ? pick(3) : 3];
	k->af = pick(4) ? AF_INET : AF_INET6;
	if (k->af == AF_INET6) {
		inet_pton(AF_INET6, "2001:db8:9::", k->addr);
		k->addr[15] = 1 + pick(4);
	} else {
		memcpy(k->addr, &a4, 4);
	}
	k->port = ports[pick(4)];
}


static void put_svc(struct nl_msg *msg, const struct svc_key *k, int extras)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	/* Now and then the other family, or the other family's length. */
	nla_put_u16(msg, DRLB_SVC_A_AF, pick(20) ? k->af :
			 k->af == AF_INET ? AF_INET6 : AF_INET);
	nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, k->proto);
	nla_put(msg, DRLB_SVC_A_ADDR,
		pick(20) ? (int)addr_len(k->af) : 20 - (int)addr_len(k->af),
		k->addr);
	nla_put_u16(msg, DRLB_SVC_A_PORT, k->port);
	if (extras) {
		if (pick(2))
			nla_put_string(msg, DRLB_SVC_A_SCHED_NAME,
				       scheds[pick(sizeof(scheds) /
						    sizeof(scheds[0]))]);
		if (!pick(3))
			nla_put_u32(msg, DRLB_SVC_A_PERSIST_TIMEOUT,
				    pick(4) ? pick(600) : rnd());
		if (!pick(3))
			nla_put_u8(msg, DRLB_SVC_A_PERSIST_NETMASK, pick(140));
		if (!pick(3))
			nla_put_u8(msg, DRLB_SVC_A_EXPIRE_NODEST, pick(3));
		if (!pick(3))
			nla_put_u32(msg, DRLB_SVC_A_SCHED_FLAGS, pick(5));
		if (!pick(4))
			nla_put_u8(msg, DRLB_SVC_A_ONEPACKET, pick(3));
	}
	nla_nest_end(msg, nest);
}

/* A server of @af (now and then of the other family): 6 of each. */
static void put_dest(struct nl_msg *msg, uint16_t af, int extras)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_DEST);
	uint32_t a4 = htonl(0x0a000b00 + pick(6));
	uint8_t a6[16];

	inet_pton(AF_INET6, "2001:db8:9::b00", a6);
	a6[15] += pick(6);
	if (!pick(20))
		af = af == AF_INET ? AF_INET6 : AF_INET;
	nla_put_u16(msg, DRLB_DEST_A_AF, af);
	if (af == AF_INET6)
		nla_put(msg, DRLB_DEST_A_ADDR, 16, a6);
	else
		nla_put(msg, DRLB_DEST_A_ADDR, 4, &a4);
	if (extras && pick(2))
		nla_put_u32(msg, DRLB_DEST_A_WEIGHT,
			    pick(4) ? pick(10) : rnd());
	if (extras && !pick(3))
		nla_put_u32(msg, DRLB_DEST_A_U_THRESH, pick(4) ? pick(6) : rnd());
	if (extras && !pick(3))
		nla_put_u32(msg, DRLB_DEST_A_L_THRESH, pick(4) ? pick(6) : rnd());
	nla_nest_end(msg, nest);
}

static struct nl_msg *gen_valid(void)
{
	static const uint8_t cmds[] = {
		DRLB_CMD_NEW_SERVICE, DRLB_CMD_NEW_SERVICE, DRLB_CMD_SET_SERVICE,
		DRLB_CMD_DEL_SERVICE, DRLB_CMD_GET_SERVICE, DRLB_CMD_NEW_DEST,
		DRLB_CMD_NEW_DEST, DRLB_CMD_NEW_DEST, DRLB_CMD_SET_DEST,
		DRLB_CMD_DEL_DEST, DRLB_CMD_GET_DEST, DRLB_CMD_GET_CONN,
		DRLB_CMD_GET_STATS, DRLB_CMD_ZERO, DRLB_CMD_SET_CONFIG,
		DRLB_CMD_GET_CONFIG, DRLB_CMD_NEW_ARP, DRLB_CMD_DEL_ARP,
		DRLB_CMD_GET_ARP, DRLB_CMD_FLUSH, DRLB_CMD_GET_INFO,
	};
	uint8_t cmd = cmds[pick(sizeof(cmds))];
	int dump = (cmd == DRLB_CMD_GET_SERVICE || cmd == DRLB_CMD_GET_DEST ||
		    cmd == DRLB_CMD_GET_CONN || cmd == DRLB_CMD_GET_ARP) &&
		   pick(2);
	struct nl_msg *msg;
	struct svc_key k;
	struct nlattr *nest;
	uint32_t vip;

	/* FLUSH rarely, or nothing ever accumulates. */
	if (cmd == DRLB_CMD_FLUSH && pick(20))
		cmd = DRLB_CMD_NEW_SERVICE;
	msg = drlb_nl_msg(cmd, dump);
	rand_svc(&k);
	switch (cmd) {
	case DRLB_CMD_NEW_SERVICE:
	case DRLB_CMD_SET_SERVICE:
		put_svc(msg, &k, 1);
		break;
	case DRLB_CMD_DEL_SERVICE:
	case DRLB_CMD_GET_SERVICE:
	case DRLB_CMD_GET_CONN:
	case DRLB_CMD_ZERO:
		if (!dump || pick(2))
			put_svc(msg, &k, 0);
		break;
	case DRLB_CMD_NEW_DEST:
	case DRLB_CMD_SET_DEST:
		put_svc(msg, &k, 0);
		put_dest(msg, k.af, 1);
		break;
	case DRLB_CMD_DEL_DEST:
	case DRLB_CMD_GET_DEST:
		if (cmd == DRLB_CMD_DEL_DEST || !dump || pick(2))
			put_svc(msg, &k, 0);
		if (!dump)
			put_dest(msg, k.af, 0);
		break;
	case DRLB_CMD_SET_CONFIG:
		nest = nla_nest_start(msg, DRLB_A_CONFIG);
		nla_put_u32(msg, 1 + pick(DRLB_CFG_A_MAX), pick(3) ? 251 + pick(2000) : rnd());
		nla_nest_end(msg, nest);
		break;
	case DRLB_CMD_NEW_ARP:
	case DRLB_CMD_DEL_ARP:
		nest = nla_nest_start(msg, DRLB_A_ARP);
		memcpy(&vip, k.addr, 4);
		nla_put_u16(msg, DRLB_ARP_A_AF, AF_INET);
		nla_put(msg, DRLB_ARP_A_ADDR, 4, &vip);
		if (pick(2))
			nla_put_u32(msg, DRLB_ARP_A_IFINDEX, pick(4));
		nla_nest_end(msg, nest);
		break;
	case DRLB_CMD_FLUSH:
		if (pick(2))
			nla_put_flag(msg, DRLB_A_FLUSH_ARP);
		break;
	}
	/* The listings' flag, now and then on any command. */
	if ((cmd == DRLB_CMD_GET_SERVICE || cmd == DRLB_CMD_GET_DEST) ?
	    pick(2) : !pick(20))
		nla_put_flag(msg, DRLB_A_NO_STATS);
	return msg;
}

/* Flip bytes or cut lengths inside the payload (never the nlmsghdr). */
static void mutate(struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	unsigned char *p = (unsigned char *)nlh + NLMSG_HDRLEN;
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN;
	int n = 1 + pick(4);

	if (len <= 0)
		return;
	for (int i = 0; i < n; i++) {
		int off = pick(len);

		if (pick(3))
			p[off] ^= (unsigned char)(1u << pick(8));
		else
			p[off] = (unsigned char)rnd();
	}
}

/* ---- checks --------------------------------------------------------- */

struct walk {
	int services;
	int bad;
	struct svc_key keys[4096];
	uint32_t num_dests[4096];
};

static int svc_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *st[DRLB_SVC_A_MAX + 1];
	struct walk *w = arg;
	struct svc_key *k;

	if (drlb_nl_parse_nested(st, DRLB_SVC_A_MAX, tb[DRLB_A_SERVICE]) ||
	    !st[DRLB_SVC_A_AF] || !st[DRLB_SVC_A_PROTOCOL] ||
	    !st[DRLB_SVC_A_ADDR] || !st[DRLB_SVC_A_PORT] ||
	    (size_t)nla_len(st[DRLB_SVC_A_ADDR]) !=
	    addr_len(nla_get_u16(st[DRLB_SVC_A_AF]))) {
		w->bad++;
		return 0;
	}
	if (w->services >= 4096)
		return 0;
	k = &w->keys[w->services];
	memset(k, 0, sizeof(*k));
	k->af = nla_get_u16(st[DRLB_SVC_A_AF]);
	k->proto = nla_get_u8(st[DRLB_SVC_A_PROTOCOL]);
	memcpy(k->addr, nla_data(st[DRLB_SVC_A_ADDR]), addr_len(k->af));
	k->port = nla_get_u16(st[DRLB_SVC_A_PORT]);
	w->num_dests[w->services] = st[DRLB_SVC_A_NUM_DESTS] ?
		nla_get_u32(st[DRLB_SVC_A_NUM_DESTS]) : 0xffffffff;
	w->services++;
	return 0;
}

static int count_cb(struct nlattr **tb, void *arg)
{
	(void)tb;
	(*(int *)arg)++;
	return 0;
}

static int dump_services(struct walk *w)
{
	memset(w, 0, sizeof(*w));
	return drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_SERVICE, 1), svc_cb, w);
}

static int dump_dests(const struct svc_key *k, int *n)
{
	struct nl_msg *msg = drlb_nl_msg(DRLB_CMD_GET_DEST, 1);
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	nla_put_u16(msg, DRLB_SVC_A_AF, k->af);
	nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, k->proto);
	nla_put(msg, DRLB_SVC_A_ADDR, addr_len(k->af), k->addr);
	nla_put_u16(msg, DRLB_SVC_A_PORT, k->port);
	nla_nest_end(msg, nest);
	*n = 0;
	return drlb_nl_transact(msg, count_cb, n);
}

static int consistent(const char *when)
{
	static struct walk w;
	int err, n, bad = 0;

	err = dump_services(&w);
	if (err) {
		printf("# %s: service dump failed: %s\n", when, strerror(-err));
		return 0;
	}
	for (int i = 0; i < w.services; i++) {
		err = dump_dests(&w.keys[i], &n);
		if (err || (uint32_t)n != w.num_dests[i]) {
			printf("# %s: service %d: %d servers dumped, NUM_DESTS %u (%s)\n",
			       when, i, n, w.num_dests[i], strerror(-err));
			bad++;
		}
	}
	printf("# %s: %d services\n", when, w.services);
	return !bad && !w.bad;
}

static int send_ok(struct nl_msg *msg)
{
	return drlb_nl_transact(msg, NULL, NULL) == 0;
}

static struct nl_msg *svc_req(uint8_t cmd, uint8_t proto, uint32_t addr_h,
			      uint16_t port, const char *sched)
{
	struct nl_msg *msg = drlb_nl_msg(cmd, 0);
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);
	uint32_t a = htonl(addr_h);

	nla_put_u16(msg, DRLB_SVC_A_AF, AF_INET);
	nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, proto);
	nla_put(msg, DRLB_SVC_A_ADDR, 4, &a);
	nla_put_u16(msg, DRLB_SVC_A_PORT, port);
	if (sched)
		nla_put_string(msg, DRLB_SVC_A_SCHED_NAME, sched);
	nla_nest_end(msg, nest);
	return msg;
}

static struct nl_msg *dest_req(uint8_t cmd, uint32_t vip_h, uint32_t rip_h,
			       uint32_t weight)
{
	struct nl_msg *msg = svc_req(cmd, IPPROTO_TCP, vip_h, 80, NULL);
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_DEST);
	uint32_t a = htonl(rip_h);

	nla_put_u16(msg, DRLB_DEST_A_AF, AF_INET);
	nla_put(msg, DRLB_DEST_A_ADDR, 4, &a);
	nla_put_u32(msg, DRLB_DEST_A_WEIGHT, weight);
	nla_nest_end(msg, nest);
	return msg;
}

/* FLUSH, then a fixed sequence; the dump must hold exactly its result. */
static int known_state(void)
{
	static struct walk w;
	int ok_all = 1, n;

	ok_all &= send_ok(drlb_nl_msg(DRLB_CMD_FLUSH, 0));
	for (uint32_t i = 0; i < 10; i++)
		ok_all &= send_ok(svc_req(DRLB_CMD_NEW_SERVICE, IPPROTO_TCP,
					  0x0a630000 + i, 80, "rr"));
	for (uint32_t i = 0; i < 5; i++)
		ok_all &= send_ok(dest_req(DRLB_CMD_NEW_DEST, 0x0a630000,
					   0x0a000b00 + i, i));
	ok_all &= send_ok(svc_req(DRLB_CMD_DEL_SERVICE, IPPROTO_TCP,
				  0x0a630009, 80, NULL));
	ok_all &= send_ok(dest_req(DRLB_CMD_DEL_DEST, 0x0a630000, 0x0a000b04, 0));
	if (!ok_all) {
		printf("# a valid request in the fixed sequence failed: %s\n",
		       drlb_nl_errmsg());
		return 0;
	}
	if (dump_services(&w) || w.services != 9) {
		printf("# want 9 services, dumped %d\n", w.services);
		return 0;
	}
	for (int i = 0; i < w.services; i++) {
		uint32_t a;
		uint32_t want;

		memcpy(&a, w.keys[i].addr, 4);
		a = ntohl(a);
		want = a == 0x0a630000 ? 4 : 0;
		if (w.keys[i].af != AF_INET || a < 0x0a630000 || a > 0x0a630008 || w.keys[i].port != 80 ||
		    w.num_dests[i] != want ||
		    dump_dests(&w.keys[i], &n) || (uint32_t)n != want) {
			printf("# service %08x: unexpected (%u servers)\n", a,
			       w.num_dests[i]);
			return 0;
		}
	}
	return 1;
}

static int big_dump(int n_svc)
{
	static struct walk w;
	int ok_all = 1;

	send_ok(drlb_nl_msg(DRLB_CMD_FLUSH, 0));
	for (int i = 0; i < n_svc && ok_all; i++)
		ok_all = send_ok(svc_req(DRLB_CMD_NEW_SERVICE, IPPROTO_UDP,
					 0x0a640000 + (uint32_t)i, 53, "mh"));
	if (!ok_all)
		return 0;
	if (dump_services(&w))
		return 0;
	printf("# big dump: %d of %d services\n", w.services, n_svc);
	return w.services == n_svc;
}

static void dumper(void)
{
	static struct walk w;
	int n;

	drlb_nl_close();
	if (drlb_nl_open())
		_exit(1);
	for (;;) {
		if (dump_services(&w) == 0)
			for (int i = 0; i < w.services; i++)
				dump_dests(&w.keys[i], &n);
		drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_CONN, 1), NULL, NULL);
	}
}

int main(int argc, char **argv)
{
	long count = 10000, sent = 0, accepted = 0;
	unsigned long long seed = 1;
	int concurrent = 0, verbose = 0, c;
	pid_t child = 0;
	struct drlb_info info;

	while ((c = getopt(argc, argv, "n:s:cv")) != -1) {
		switch (c) {
		case 'n':
			count = atol(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			concurrent = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: drlb_nlfuzz [-n COUNT] [-s SEED] [-c] [-v]\n");
			return 2;
		}
	}
	rng_seed(seed);
	printf("# seed %llu, %ld requests%s\n", seed, count,
	       concurrent ? ", concurrent dumper" : "");
	if (drlb_nl_open()) {
		ok(0, "drlb family resolves");
		return tap_done();
	}
	if (concurrent) {
		child = fork();
		if (child == 0)
			dumper();
	}

	for (; sent < count; sent++) {
		struct nl_msg *msg;
		int kind = pick(10), err;

		if (kind < 3) {
			msg = drlb_nl_msg((uint8_t)pick(DRLB_CMD_MAX + 4), pick(4) == 0);
			put_noise(msg, 0);
		} else {
			msg = gen_valid();
			if (kind < 5)
				mutate(msg);
		}
		err = drlb_nl_transact(msg, NULL, NULL);
		if (!err)
			accepted++;
		if (verbose && sent % 1000 == 0)
			printf("# %ld sent, %ld accepted\n", sent, accepted);
	}
	printf("# %ld requests sent, %ld accepted\n", sent, accepted);

	if (child) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	ok(!drlb_nl_info(&info), "module still answers GET_INFO after %ld requests",
	   sent);
	ok(consistent("after fuzzing"),
	   "state consistent: every service and its servers dump, counts agree");
	ok(known_state(), "after FLUSH, a fixed sequence gives exactly its state");
	ok(big_dump(2000), "a dump of 2000 services is complete");
	send_ok(drlb_nl_msg(DRLB_CMD_FLUSH, 0));
	return tap_done();
}
