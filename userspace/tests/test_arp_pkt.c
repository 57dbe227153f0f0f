// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for arp_pkt.c: ARP packets as they go on the wire, MAC
 * parsing, and the verdict of "vip check" in every case it distinguishes.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "arp_pkt.h"
#include "tap.h"

static const uint8_t dir[6] = { 2, 0, 10, 0, 0, 2 };
static const uint8_t rs1[6] = { 2, 0, 10, 0, 0, 0x11 };
static const uint8_t rs2[6] = { 2, 0, 10, 0, 0, 0x12 };
static const uint8_t rtr[6] = { 2, 0, 10, 0, 0, 1 };

static void test_packets(void)
{
	static const uint8_t want_req[ARP_PKT_LEN] = {
		0, 1, 8, 0, 6, 4, 0, 1,
		2, 0, 10, 0, 0, 2, 10, 0, 0, 100,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 100,
	};
	static const uint8_t want_rep[ARP_PKT_LEN] = {
		0, 1, 8, 0, 6, 4, 0, 2,
		2, 0, 10, 0, 0, 2, 10, 0, 0, 100,
		2, 0, 10, 0, 0, 2, 10, 0, 0, 100,
	};
	uint32_t vip = htonl(0x0a000064);
	uint8_t buf[64];
	struct arp_ipv4 a, b;

	arp_garp_request(&a, dir, vip);
	ok(arp_build(buf, &a) == ARP_PKT_LEN && !memcmp(buf, want_req, ARP_PKT_LEN),
	   "gratuitous request: sender = target = VIP, target MAC zero (RFC 5227)");
	arp_garp_reply(&a, dir, vip);
	ok(arp_build(buf, &a) == ARP_PKT_LEN && !memcmp(buf, want_rep, ARP_PKT_LEN),
	   "gratuitous reply: target MAC = sender MAC (RFC 5944, Linux arp_is_garp)");

	ok(!arp_parse(want_rep, sizeof(want_rep), &b) && b.op == 2 &&
	   b.sip == vip && b.tip == vip && !memcmp(b.sha, dir, 6) &&
	   !memcmp(b.tha, dir, 6), "parse reads what build wrote");
	ok(arp_parse(want_rep, ARP_PKT_LEN - 1, &b) == -EINVAL, "parse: short packet refused");
	memcpy(buf, want_rep, ARP_PKT_LEN);
	buf[3] = 0xdd;	/* ar_pro 0x86dd */
	ok(arp_parse(buf, ARP_PKT_LEN, &b) == -EINVAL, "parse: non-IPv4 protocol refused");
	memcpy(buf, want_rep, ARP_PKT_LEN);
	buf[4] = 8;
	ok(arp_parse(buf, ARP_PKT_LEN, &b) == -EINVAL, "parse: hardware length != 6 refused");
	memcpy(buf, want_rep, ARP_PKT_LEN);
	buf[1] = 6;	/* IEEE 802 */
	ok(arp_parse(buf, ARP_PKT_LEN, &b) == -EINVAL, "parse: non-Ethernet hardware refused");
}

static void test_mac(void)
{
	uint8_t m[6] = { 9, 9, 9, 9, 9, 9 };

	ok(!parse_mac("02:00:0A:00:00:1b", m) && m[0] == 2 && m[2] == 10 && m[5] == 0x1b,
	   "mac: both cases");
	memset(m, 9, 6);
	ok(parse_mac("02:00:0a:00:00", m) && parse_mac("02:00:0a:00:00:1", m) &&
	   parse_mac("02-00-0a-00-00-11", m) && parse_mac("02:00:0a:00:00:1g", m) &&
	   parse_mac("02:00:0a:00:00:111", m) && parse_mac("", m) && m[0] == 9,
	   "mac: junk refused, output untouched");
}

static void test_verdict(void)
{
	struct vip_check c;

	/* On the director (VIP local): silence is clean. */
	memset(&c, 0, sizeof(c));
	memcpy(c.local_mac, dir, 6);
	c.vip_local = true;
	ok(vip_check_verdict(&c) == VIP_CLEAN, "director, nobody answers: clean");

	vip_check_add(&c, rs2);
	vip_check_add(&c, rs2);
	ok(vip_check_verdict(&c) == VIP_CONFLICT && c.n_ans == 1 &&
	   c.ans[0].packets == 2 && c.ans[0].offender && !c.ans[0].owner,
	   "director, an RS answers (twice): conflict, RS is the offender, counted once");

	memset(&c, 0, sizeof(c));
	memcpy(c.local_mac, dir, 6);
	c.vip_local = true;
	vip_check_add(&c, dir);
	ok(vip_check_verdict(&c) == VIP_CLEAN && c.ans[0].this_host &&
	   c.ans[0].owner && !c.ans[0].offender, "director, only itself: clean");

	/* From the router, no owner given. */
	memset(&c, 0, sizeof(c));
	memcpy(c.local_mac, rtr, 6);
	ok(vip_check_verdict(&c) == VIP_NO_ANSWER, "router, nobody: no answer");
	vip_check_add(&c, dir);
	ok(vip_check_verdict(&c) == VIP_CLEAN && !c.ans[0].offender,
	   "router, one MAC: clean");
	vip_check_add(&c, rs1);
	ok(vip_check_verdict(&c) == VIP_CONFLICT && c.ans[0].offender &&
	   c.ans[1].offender, "router, two MACs: conflict, both listed");

	/* From the router, owner given. */
	memset(&c, 0, sizeof(c));
	memcpy(c.local_mac, rtr, 6);
	c.has_owner = true;
	memcpy(c.owner, dir, 6);
	ok(vip_check_verdict(&c) == VIP_NO_ANSWER, "router, owner given, nobody: no answer");
	vip_check_add(&c, rs1);
	ok(vip_check_verdict(&c) == VIP_CONFLICT && c.ans[0].offender,
	   "router, owner given, only an RS answers: conflict");
	vip_check_add(&c, dir);
	ok(vip_check_verdict(&c) == VIP_CONFLICT && c.ans[0].offender &&
	   !c.ans[1].offender && c.ans[1].owner,
	   "router, owner and RS answer: only the RS is the offender");

	memset(&c, 0, sizeof(c));
	memcpy(c.local_mac, rtr, 6);
	c.has_owner = true;
	memcpy(c.owner, dir, 6);
	vip_check_add(&c, dir);
	ok(vip_check_verdict(&c) == VIP_CLEAN, "router, only the owner: clean");

	ok(!strcmp(vip_verdict_name(VIP_NO_ANSWER), "no_answer") &&
	   !strcmp(vip_verdict_name(VIP_CONFLICT), "conflict") &&
	   !strcmp(vip_verdict_name(VIP_CLEAN), "clean"), "verdict names");
}

int main(void)
{
	test_packets();
	test_mac();
	test_verdict();
	return tap_done();
}
