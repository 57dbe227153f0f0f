// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_nlcheck - sends malformed and hostile requests to the drlb generic
 * netlink family and checks each is refused with the right errno and an
 * extended-ack message, and that the namespace's settings are unchanged
 * afterwards. Prints TAP. Uses drlbctl's transport (userspace/nl.c), so
 * the errno and extack text checked are the ones drlbctl users see.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>

#include "../../userspace/nl.h"
#include "../../userspace/tests/tap.h"
#include "nl_expect.h"

static struct nl_msg *set_config(int attr, int type, uint64_t val)
{
	struct nl_msg *msg = drlb_nl_msg(DRLB_CMD_SET_CONFIG, 0);
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_CONFIG);

	switch (type) {
	case 8:
		nla_put_u8(msg, attr, (uint8_t)val);
		break;
	case 32:
		nla_put_u32(msg, attr, (uint32_t)val);
		break;
	case 64:
		nla_put_u64(msg, attr, val);
		break;
	}
	nla_nest_end(msg, nest);
	return msg;
}

static int cfg_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *ct[DRLB_CFG_A_MAX + 1];
	uint32_t *out = arg;

	if (drlb_nl_parse_nested(ct, DRLB_CFG_A_MAX, tb[DRLB_A_CONFIG]))
		return -EPROTO;
	for (int a = 1; a <= DRLB_CFG_A_MAX; a++)
		out[a] = ct[a] ? nla_get_u32(ct[a]) : 0xdeadbeef;
	return 0;
}

static int get_config(uint32_t *out)
{
	return drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_CONFIG, 0), cfg_cb,
				out);
}

/* Service udp 10.9.9.9:53 (the one the counter checks list) and its key. */
static void put_svc(struct nl_msg *msg)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, IPPROTO_UDP);
	drlb_nl_put_addr4(msg, DRLB_SVC_A_AF, DRLB_SVC_A_ADDR,
			  htonl(0x0a090909));
	nla_put_u16(msg, DRLB_SVC_A_PORT, 53);
	nla_nest_end(msg, nest);
}

/* Replies of a listing: how many, and how many carry counters. */
struct seen {
	int msgs, stats;
};

static int seen_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *nt[DRLB_DEST_A_MAX + 1];
	struct seen *s = arg;

	s->msgs++;
	if (tb[DRLB_A_DEST]) {
		if (!drlb_nl_parse_nested(nt, DRLB_DEST_A_MAX, tb[DRLB_A_DEST]))
			s->stats += !!nt[DRLB_DEST_A_STATS];
	} else if (tb[DRLB_A_SERVICE]) {
		if (!drlb_nl_parse_nested(nt, DRLB_SVC_A_MAX,
					  tb[DRLB_A_SERVICE]))
			s->stats += !!nt[DRLB_SVC_A_STATS];
	}
	return 0;
}

/* List with @cmd (dump), with DRLB_A_NO_STATS or not. */
static struct seen list(uint8_t cmd, int no_stats)
{
	struct nl_msg *msg = drlb_nl_msg(cmd, 1);
	struct seen s = { 0 };

	if (no_stats)
		nla_put_flag(msg, DRLB_A_NO_STATS);
	if (drlb_nl_transact(msg, seen_cb, &s))
		s.msgs = -1;
	return s;
}

/*
 * DRLB_A_NO_STATS: a listing without it carries the counters of every
 * service and dest, one with it none; other commands refuse it.
 */
static void no_stats(void)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	struct seen s;
	int err;

	msg = drlb_nl_msg(DRLB_CMD_NEW_SERVICE, 0);
	put_svc(msg);
	nla_put_flag(msg, DRLB_A_NO_STATS);
	expect(msg, -EINVAL, NULL, "DRLB_A_NO_STATS in NEW_SERVICE");
	msg = drlb_nl_msg(DRLB_CMD_GET_SERVICE, 1);
	nla_put_u32(msg, DRLB_A_NO_STATS, 1);
	expect(msg, -ERANGE, NULL, "DRLB_A_NO_STATS with a payload");

	msg = drlb_nl_msg(DRLB_CMD_NEW_SERVICE, 0);
	put_svc(msg);
	err = drlb_nl_transact(msg, NULL, NULL);
	msg = drlb_nl_msg(DRLB_CMD_NEW_DEST, 0);
	put_svc(msg);
	nest = nla_nest_start(msg, DRLB_A_DEST);
	drlb_nl_put_addr4(msg, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR,
			  htonl(0x0a09090a));
	nla_nest_end(msg, nest);
	err = err ?: drlb_nl_transact(msg, NULL, NULL);
	ok(!err, "a service and a server to list (%s)", strerror(-err));

	for (int i = 0; i < 2; i++) {
		uint8_t cmd = i ? DRLB_CMD_GET_DEST : DRLB_CMD_GET_SERVICE;
		const char *name = i ? "GET_DEST" : "GET_SERVICE";

		s = list(cmd, 0);
		ok(s.msgs >= 1 && s.stats == s.msgs,
		   "%s dump: counters in every message (%d of %d)", name,
		   s.stats, s.msgs);
		s = list(cmd, 1);
		ok(s.msgs >= 1 && !s.stats,
		   "%s dump with DRLB_A_NO_STATS: in none (%d of %d)", name,
		   s.stats, s.msgs);
	}

	msg = drlb_nl_msg(DRLB_CMD_DEL_SERVICE, 0);
	put_svc(msg);
	drlb_nl_transact(msg, NULL, NULL);
}

/* A tuple service's keys, TCP, with an address of @alen bytes. */
static void put_key(struct nl_msg *msg, uint16_t af, const void *addr,
		    int alen, uint16_t port)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	nla_put_u16(msg, DRLB_SVC_A_AF, af);
	nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, IPPROTO_TCP);
	nla_put(msg, DRLB_SVC_A_ADDR, alen, addr);
	nla_put_u16(msg, DRLB_SVC_A_PORT, port);
	nla_nest_end(msg, nest);
}

/* NEW_SERVICE of (@af, @addr, port 80), persistent with @plen if >= 0. */
static struct nl_msg *new_svc(uint16_t af, const void *addr, int alen,
			      int plen)
{
	struct nl_msg *msg = drlb_nl_msg(DRLB_CMD_NEW_SERVICE, 0);
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	nla_put_u16(msg, DRLB_SVC_A_AF, af);
	nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, IPPROTO_TCP);
	nla_put(msg, DRLB_SVC_A_ADDR, alen, addr);
	nla_put_u16(msg, DRLB_SVC_A_PORT, 80);
	if (plen >= 0) {
		nla_put_u32(msg, DRLB_SVC_A_PERSIST_TIMEOUT, 60);
		nla_put_u8(msg, DRLB_SVC_A_PERSIST_NETMASK, plen);
	}
	nla_nest_end(msg, nest);
	return msg;
}

/* NEW_DEST (@daf, @daddr) in the service (@af, @addr, 80). */
static struct nl_msg *new_dest(uint16_t af, const void *addr, int alen,
			       uint16_t daf, const void *daddr, int dlen)
{
	struct nl_msg *msg = drlb_nl_msg(DRLB_CMD_NEW_DEST, 0);
	struct nlattr *nest;

	put_key(msg, af, addr, alen, 80);
	nest = nla_nest_start(msg, DRLB_A_DEST);
	nla_put_u16(msg, DRLB_DEST_A_AF, daf);
	nla_put(msg, DRLB_DEST_A_ADDR, dlen, daddr);
	nla_nest_end(msg, nest);
	return msg;
}

/*
 * IPv6 keys (DRLB_F_DIRECTOR_IPV6): the address length must be the
 * family's, a VIP or server a global unicast address, an IPv6 service's
 * servers IPv6 and an IPv4 one's IPv4, a persistence prefix within the
 * family's width; refused with EINVAL/ERANGE/EAFNOSUPPORT and a message.
 */
static void ipv6_keys(void)
{
	struct in6_addr vip6, rs6, ll6, mc6;
	uint32_t vip4 = htonl(0x0a090964), rs4 = htonl(0x0a09090b);
	struct nl_msg *msg;
	int err;

	inet_pton(AF_INET6, "2001:db8:9::100", &vip6);
	inet_pton(AF_INET6, "2001:db8:9::11", &rs6);
	inet_pton(AF_INET6, "fe80::1", &ll6);
	inet_pton(AF_INET6, "ff02::1", &mc6);

	expect(new_svc(AF_INET6, &vip4, 4, -1), -EINVAL, "16 bytes",
	       "an AF_INET6 service with a 4-byte address");
	expect(new_svc(AF_INET, &vip6, 16, -1), -EINVAL, "4 bytes",
	       "an AF_INET service with a 16-byte address");
	expect(new_svc(99, &vip4, 4, -1), -EAFNOSUPPORT, "AF_INET6",
	       "address family 99");
	expect(new_svc(AF_INET6, &ll6, 16, -1), -EINVAL, "global unicast",
	       "a link-local VIP");
	expect(new_svc(AF_INET6, &mc6, 16, -1), -EINVAL, "global unicast",
	       "a multicast VIP");
	expect(new_svc(AF_INET, &vip4, 4, 33), -ERANGE, "0 to 32",
	       "an IPv4 persistence prefix of 33");
	expect(new_svc(AF_INET6, &vip6, 16, 129), -ERANGE, NULL,
	       "an IPv6 persistence prefix of 129");

	err = drlb_nl_transact(new_svc(AF_INET6, &vip6, 16, 64), NULL, NULL);
	err = err ?: drlb_nl_transact(new_svc(AF_INET, &vip4, 4, -1), NULL,
				      NULL);
	ok(!err, "an IPv6 service with a /64 persistence prefix, and an IPv4 one (%s)",
	   strerror(-err));
	expect(new_dest(AF_INET6, &vip6, 16, AF_INET, &rs4, 4), -EINVAL,
	       "IPv6 real servers only", "an IPv4 server in an IPv6 service");
	expect(new_dest(AF_INET, &vip4, 4, AF_INET6, &rs6, 16), -EINVAL,
	       "IPv4 real servers only", "an IPv6 server in an IPv4 service");
	expect(new_dest(AF_INET6, &vip6, 16, AF_INET6, &ll6, 16), -EINVAL,
	       "global unicast", "a link-local real server");
	err = drlb_nl_transact(new_dest(AF_INET6, &vip6, 16, AF_INET6, &rs6,
					16), NULL, NULL);
	ok(!err, "an IPv6 server in the IPv6 service (%s)", strerror(-err));

	msg = drlb_nl_msg(DRLB_CMD_DEL_SERVICE, 0);
	put_key(msg, AF_INET6, &vip6, 16, 80);
	err = drlb_nl_transact(msg, NULL, NULL);
	msg = drlb_nl_msg(DRLB_CMD_DEL_SERVICE, 0);
	put_key(msg, AF_INET, &vip4, 4, 80);
	err = err ?: drlb_nl_transact(msg, NULL, NULL);
	ok(!err, "both deleted (%s)", strerror(-err));
}

int main(void)
{
	uint32_t before[DRLB_CFG_A_MAX + 1] = { 0 }, after[DRLB_CFG_A_MAX + 1] = { 0 };
	struct genlmsghdr *g;
	struct nlattr *nest;
	struct nl_msg *msg;
	char *big;

	if (drlb_nl_open()) {
		ok(0, "drlb family resolves");
		return tap_done();
	}
	ok(!get_config(before), "GET_CONFIG answers");

	expect(drlb_nl_msg(200, 0), -EOPNOTSUPP, NULL, "unknown command");
	expect(drlb_nl_msg(DRLB_CMD_UNSPEC, 0), -EOPNOTSUPP, NULL,
	       "command 0");
	expect(drlb_nl_msg(DRLB_CMD_EVENT, 0), -EOPNOTSUPP, NULL,
	       "EVENT: the kernel sends it, nobody may");

	msg = drlb_nl_msg(DRLB_CMD_FLUSH, 0);
	nla_put_u32(msg, DRLB_A_EVENT, DRLB_EV_FLUSH);
	expect(msg, -EINVAL, NULL, "DRLB_A_EVENT in a request (FLUSH)");
	msg = drlb_nl_msg(DRLB_CMD_FLUSH, 0);
	nla_put_u32(msg, DRLB_A_PORTID, 1);
	expect(msg, -EINVAL, NULL, "DRLB_A_PORTID in a request (FLUSH)");

	msg = drlb_nl_msg(DRLB_CMD_GET_INFO, 0);
	nla_put_string(msg, DRLB_A_VERSION, "9.9");
	expect(msg, -EINVAL, NULL, "GET_INFO with an attribute it does not take");

	msg = drlb_nl_msg(DRLB_CMD_GET_INFO, 0);
	nla_put_u32(msg, 200, 1);
	expect(msg, -EINVAL, NULL, "attribute type beyond DRLB_A_MAX");

	msg = drlb_nl_msg(DRLB_CMD_GET_INFO, 0);
	g = nlmsg_data(nlmsg_hdr(msg));
	g->reserved = 1;
	expect(msg, -EINVAL, NULL, "non-zero reserved genl header field");

	expect(drlb_nl_msg(DRLB_CMD_SET_CONFIG, 0), -EINVAL, "missing",
	       "SET_CONFIG without DRLB_A_CONFIG");

	msg = drlb_nl_msg(DRLB_CMD_SET_CONFIG, 0);
	nla_put_u32(msg, DRLB_A_CONFIG, 5);
	expect(msg, -EINVAL, NULL, "DRLB_A_CONFIG not nested");

	expect(set_config(DRLB_CFG_A_CONN_MAX, 8, 5), -EINVAL, NULL,
	       "u8 where a u32 is due");
	expect(set_config(DRLB_CFG_A_CONN_MAX, 64, 5), -EINVAL, NULL,
	       "u64 where a u32 is due");
	expect(set_config(DRLB_CFG_A_CONN_MAX, 32, 0), -ERANGE, NULL,
	       "conn-max 0 out of range");
	expect(set_config(DRLB_CFG_A_TIMEOUT_UDP, 32, 4000000000u), -ERANGE,
	       NULL, "timeout beyond the maximum");
	expect(set_config(DRLB_CFG_A_MH_TABLE_SIZE, 32, 100), -ERANGE, NULL,
	       "Maglev table size below range");
	expect(set_config(DRLB_CFG_A_MH_TABLE_SIZE, 32, 65536), -EINVAL,
	       "prime", "Maglev table size not a prime");
	expect(set_config(DRLB_CFG_A_CONN_COUNT, 32, 1), -EINVAL, NULL,
	       "read-only attribute in a request");
	expect(set_config(DRLB_CFG_A_MAX + 1, 32, 1), -EINVAL, NULL,
	       "nested attribute beyond DRLB_CFG_A_MAX");

	/* A request far larger than any valid one: a 60 KB "u32". */
	big = calloc(1, 60000);
	msg = nlmsg_alloc_size(70000);
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, drlb_nl_family(), 0, 0,
		    DRLB_CMD_SET_CONFIG, DRLB_GENL_VERSION);
	nest = nla_nest_start(msg, DRLB_A_CONFIG);
	nla_put(msg, DRLB_CFG_A_CONN_MAX, 60000, big);
	nla_nest_end(msg, nest);
	expect(msg, -EINVAL, NULL, "oversize attribute (60 KB u32)");
	free(big);

	ok(!get_config(after) && !memcmp(before, after, sizeof(before)),
	   "settings unchanged after every rejected request");
	no_stats();
	ipv6_keys();
	return tap_done();
}
