// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_arp_nlcheck - the netlink contract of DRLB_CMD_{NEW,SET,DEL,GET}_ARP:
 * malformed requests are refused with the documented errno and an
 * extended-ack message, and the namespace's ARP rules are unchanged
 * afterwards. Expects to run as root in a namespace of its own with a
 * device "lo" and no ARP rules. Prints TAP. Uses drlbctl's transport
 * (userspace/nl.c), so what is checked is what drlbctl users see.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netlink/genl/genl.h>

#include "../../userspace/nl.h"
#include "../../userspace/tests/tap.h"
#include "nl_expect.h"

#define VIP	0x0a000064	/* 10.0.0.100 */

/* A NEW/DEL_ARP request; af 0 or addr_len 0 leave the attribute out. */
static struct nl_msg *arp_msg(uint8_t cmd, uint16_t af, uint32_t addr_host,
			      int addr_len, int64_t ifindex)
{
	struct nl_msg *msg = drlb_nl_msg(cmd, 0);
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_ARP);
	uint32_t addr = htonl(addr_host);
	uint8_t buf[16] = { 0 };

	if (af)
		nla_put_u16(msg, DRLB_ARP_A_AF, af);
	if (addr_len) {
		memcpy(buf, &addr, 4);
		nla_put(msg, DRLB_ARP_A_ADDR, addr_len, buf);
	}
	if (ifindex >= 0)
		nla_put_u32(msg, DRLB_ARP_A_IFINDEX, (uint32_t)ifindex);
	nla_nest_end(msg, nest);
	return msg;
}

static int count_cb(struct nlattr **tb, void *arg)
{
	(void)tb;
	(*(int *)arg)++;
	return 0;
}

static int n_rules(void)
{
	int n = 0;

	if (drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_ARP, 1), count_cb, &n))
		return -1;
	return n;
}

int main(void)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int lo = (int)if_nametoindex("lo");

	if (drlb_nl_open()) {
		ok(0, "drlb family resolves");
		return tap_done();
	}
	ok(n_rules() == 0, "no ARP rules to start with");

	expect(drlb_nl_msg(DRLB_CMD_NEW_ARP, 0), -EINVAL, "missing",
	       "NEW_ARP without DRLB_A_ARP");
	msg = drlb_nl_msg(DRLB_CMD_NEW_ARP, 0);
	nla_put_u32(msg, DRLB_A_ARP, 5);
	expect(msg, -EINVAL, NULL, "DRLB_A_ARP not nested");
	expect(arp_msg(DRLB_CMD_NEW_ARP, 0, VIP, 4, -1), -EINVAL,
	       "family missing", "no address family");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, 0, 0, -1), -EINVAL,
	       "address missing", "no address");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET6, VIP, 16, -1), -EAFNOSUPPORT,
	       "AF_INET", "AF_INET6");
	expect(arp_msg(DRLB_CMD_NEW_ARP, 99, VIP, 4, -1), -EAFNOSUPPORT,
	       "AF_INET", "address family 99");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 3, -1), -EINVAL,
	       "4 bytes", "3-byte address");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 16, -1), -EINVAL,
	       "4 bytes", "16-byte address for AF_INET");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, 0xe0000001, 4, -1), -EINVAL,
	       "unicast", "multicast VIP");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, 0, 4, -1), -EINVAL,
	       "unicast", "VIP 0.0.0.0");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, 0xffffffff, 4, -1), -EINVAL,
	       "unicast", "VIP 255.255.255.255");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, 0x7f000001, 4, -1), -EINVAL,
	       "unicast", "VIP 127.0.0.1");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 4, 999999), -ENODEV,
	       "no device", "ifindex of no device");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 4, 0x80000000u), -EINVAL,
	       "range", "ifindex beyond INT_MAX");

	msg = drlb_nl_msg(DRLB_CMD_NEW_ARP, 0);
	nest = nla_nest_start(msg, DRLB_A_ARP);
	nla_put_u16(msg, DRLB_ARP_A_AF, AF_INET);
	nla_put_u32(msg, DRLB_ARP_A_ADDR, htonl(VIP));
	nla_nest_start(msg, DRLB_ARP_A_STATS);
	nla_nest_end(msg, nest);
	expect(msg, -EINVAL, NULL, "read-only DRLB_ARP_A_STATS in a request");

	msg = drlb_nl_msg(DRLB_CMD_NEW_ARP, 0);
	nest = nla_nest_start(msg, DRLB_A_ARP);
	nla_put_u16(msg, DRLB_ARP_A_AF, AF_INET);
	nla_put_u32(msg, DRLB_ARP_A_ADDR, htonl(VIP));
	nla_put_u32(msg, DRLB_ARP_A_MAX + 1, 1);
	nla_nest_end(msg, nest);
	expect(msg, -EINVAL, NULL, "nested attribute beyond DRLB_ARP_A_MAX");

	msg = drlb_nl_msg(DRLB_CMD_NEW_ARP, 0);
	nest = nla_nest_start(msg, DRLB_A_ARP);
	nla_put_u16(msg, DRLB_ARP_A_AF, AF_INET);
	nla_put_u32(msg, DRLB_ARP_A_ADDR, htonl(VIP));
	nla_put_u32(msg, DRLB_ARP_A_FLAGS, DRLB_ARP_F_ALL + 1);
	nla_nest_end(msg, nest);
	expect(msg, -EINVAL, NULL, "a flag beyond DRLB_ARP_F_ALL");

	msg = arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 4, -1);
	nla_put_flag(msg, DRLB_A_FLUSH_ARP);
	expect(msg, -EINVAL, NULL, "NEW_ARP with an attribute it does not take");

	expect(drlb_nl_msg(DRLB_CMD_GET_ARP, 0), -EOPNOTSUPP, NULL,
	       "GET_ARP is a dump only");
	msg = drlb_nl_msg(DRLB_CMD_GET_ARP, 1);
	nla_put_flag(msg, DRLB_A_FLUSH_ARP);
	expect(msg, -EINVAL, NULL, "GET_ARP dump with an attribute");

	ok(n_rules() == 0, "no rule after every rejected NEW_ARP");

	expect(arp_msg(DRLB_CMD_DEL_ARP, AF_INET, VIP, 4, -1), -ENOENT,
	       "no such ARP rule", "DEL_ARP of a missing rule");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 4, -1), 0, NULL,
	       "NEW_ARP for every device");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 4, 0), -EEXIST,
	       "exists", "NEW_ARP again, ifindex 0 meaning every device");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 4, lo), 0, NULL,
	       "NEW_ARP for the same VIP on one device");
	expect(arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 4, lo), -EEXIST,
	       "exists", "NEW_ARP duplicate on one device");
	ok(n_rules() == 2, "two rules");

	/* SET_ARP: the flags of an existing rule, nothing else. */
	expect(arp_msg(DRLB_CMD_SET_ARP, AF_INET, VIP, 4, 999999), -ENOENT,
	       "no such ARP rule", "SET_ARP of a missing rule");
	msg = arp_msg(DRLB_CMD_SET_ARP, AF_INET, VIP, 4, lo);
	nla_put_flag(msg, DRLB_A_FLUSH_ARP);
	expect(msg, -EINVAL, NULL, "SET_ARP with an attribute it does not take");
	msg = drlb_nl_msg(DRLB_CMD_SET_ARP, 0);
	nest = nla_nest_start(msg, DRLB_A_ARP);
	nla_put_u16(msg, DRLB_ARP_A_AF, AF_INET);
	nla_put_u32(msg, DRLB_ARP_A_ADDR, htonl(VIP));
	nla_put_u32(msg, DRLB_ARP_A_IFINDEX, lo);
	nla_put_u32(msg, DRLB_ARP_A_FLAGS, DRLB_ARP_F_PACKET_SOCKETS);
	nla_nest_end(msg, nest);
	expect(msg, 0, NULL, "SET_ARP: packet sockets on the device rule");
	/* What restore once sent: generic netlink refuses NLM_F_REPLACE. */
	msg = arp_msg(DRLB_CMD_NEW_ARP, AF_INET, VIP, 4, lo);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_REPLACE;
	expect(msg, -EINVAL, "nlmsg_flags", "NEW_ARP with NLM_F_REPLACE");
	ok(n_rules() == 2, "still two rules");
	expect(arp_msg(DRLB_CMD_DEL_ARP, AF_INET6, VIP, 16, -1), -EAFNOSUPPORT,
	       "AF_INET", "DEL_ARP AF_INET6");
	expect(arp_msg(DRLB_CMD_DEL_ARP, AF_INET, VIP, 4, 999999), -ENOENT,
	       "no such", "DEL_ARP for another (absent) device");
	ok(n_rules() == 2, "rules unchanged after rejected DEL_ARPs");
	expect(arp_msg(DRLB_CMD_DEL_ARP, AF_INET, VIP, 4, lo), 0, NULL,
	       "DEL_ARP of the device rule");
	expect(arp_msg(DRLB_CMD_DEL_ARP, AF_INET, VIP, 4, -1), 0, NULL,
	       "DEL_ARP of the every-device rule");
	ok(n_rules() == 0, "no rules left");
	return tap_done();
}
