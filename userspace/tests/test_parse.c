// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for parse.c: every parser accepts what the grammar allows and
 * rejects the rest without touching its outputs.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/drlb.h>
#include <netinet/in.h>
#include <string.h>

#include "parse.h"
#include "tap.h"

static void test_proto(void)
{
	uint8_t p = 0xee;

	ok(!parse_proto("tcp", &p) && p == IPPROTO_TCP, "proto tcp");
	ok(!parse_proto("udp", &p) && p == IPPROTO_UDP, "proto udp");
	ok(!parse_proto("sctp", &p) && p == IPPROTO_SCTP, "proto sctp");
	p = 0xee;
	ok(parse_proto("TCP", &p) && p == 0xee, "proto is case-sensitive");
	ok(parse_proto("icmp", &p) && parse_proto("", &p), "proto rejects others");
	ok(!strcmp(format_proto(IPPROTO_UDP), "udp"), "format udp");
	ok(!strcmp(format_proto(47), "proto-47"), "format unknown proto");
}

static void test_ipv4(void)
{
	uint32_t a = 7;
	uint16_t port = 9;
	char buf[32];

	ok(!parse_ipv4("10.0.0.1", &a) && a == htonl(0x0a000001), "ipv4 dotted quad");
	a = 7;
	ok(parse_ipv4("10.1", &a) && a == 7, "ipv4 rejects shorthand");
	ok(parse_ipv4("256.0.0.1", &a) && parse_ipv4("1.2.3.4 ", &a) &&
	   parse_ipv4("", &a) && parse_ipv4("::1", &a), "ipv4 rejects junk");

	ok(!parse_ipv4_port("192.0.2.1:80", &a, &port) &&
	   a == htonl(0xc0000201) && port == 80, "vip:port");
	ok(!parse_ipv4_port("192.0.2.1", &a, &port) && port == 0,
	   "vip without port is port 0");
	ok(!parse_ipv4_port("192.0.2.1:*", &a, &port) && port == 0, "vip:*");
	port = 9;
	ok(parse_ipv4_port("192.0.2.1:65536", &a, &port) && port == 9,
	   "port > 65535 rejected");
	ok(parse_ipv4_port("192.0.2.1:", &a, &port) &&
	   parse_ipv4_port("192.0.2.1:-1", &a, &port) &&
	   parse_ipv4_port("192.0.2.1:80x", &a, &port) &&
	   parse_ipv4_port("host:80", &a, &port) &&
	   parse_ipv4_port("192.0.2.1:+80", &a, &port), "bad ports and hosts rejected");
	ok(parse_ipv4_port("10.0.0.1:99999", &a, &port) == -ERANGE &&
	   parse_ipv4_port("10.0.0.1:", &a, &port) == -ERANGE &&
	   parse_ipv4_port("10.0.0.1:123456789012345678901234", &a, &port) == -ERANGE,
	   "a bad port is told apart (-ERANGE)");
	ok(parse_ipv4_port("10.0.0.256:80", &a, &port) == -EINVAL &&
	   parse_ipv4_port("10.0.0:80", &a, &port) == -EINVAL &&
	   parse_ipv4_port("1234567890123456789012345678", &a, &port) == -EINVAL,
	   "a bad address is told apart (-EINVAL)");
	ok(!strcmp(format_ipv4_port(buf, sizeof(buf), htonl(0xc0000201), 443),
		   "192.0.2.1:443"), "format vip:port");
	ok(!strcmp(format_ipv4_port(buf, sizeof(buf), htonl(0xc0000201), 0),
		   "192.0.2.1:*"), "format vip:*");
}

static void test_numbers(void)
{
	uint32_t v = 5;
	bool b = false;
	uint8_t len = 99;
	char mac[18];
	const uint8_t m[6] = { 0x02, 0, 0xab, 0xcd, 0xef, 0x01 };

	ok(!parse_u32("0", 0, 65535, &v) && v == 0, "u32 zero");
	ok(!parse_u32("65535", 0, 65535, &v) && v == 65535, "u32 max");
	v = 5;
	ok(parse_u32("65536", 0, 65535, &v) && v == 5, "u32 above max rejected");
	ok(parse_u32("-1", 0, 65535, &v) && parse_u32("", 0, 9, &v) &&
	   parse_u32(" 1", 0, 9, &v) && parse_u32("1k", 0, 9, &v) &&
	   parse_u32("99999999999999999999", 0, 0xffffffff, &v),
	   "u32 rejects junk and overflow");
	ok(parse_u32("0", 1, 9, &v) && v == 5, "u32 below min rejected");

	ok(!parse_bool("yes", &b) && b && !parse_bool("no", &b) && !b, "bool yes/no");
	ok(parse_bool("maybe", &b), "bool rejects junk");

	ok(!parse_netmask("255.255.255.0", &len) && len == 24, "netmask dotted");
	ok(!parse_netmask("/16", &len) && len == 16, "netmask /16");
	ok(!parse_netmask("32", &len) && len == 32, "netmask 32");
	ok(!parse_netmask("0.0.0.0", &len) && len == 0, "netmask 0.0.0.0");
	len = 99;
	ok(parse_netmask("255.0.255.0", &len) && parse_netmask("33", &len) &&
	   parse_netmask("1.2.3", &len) && len == 99, "netmask rejects bad masks");
	ok(!strcmp(format_mac(mac, m), "02:00:ab:cd:ef:01"), "format mac");
}

static void test_service_words(void)
{
	uint32_t s = 7;
	char buf[32];

	ok(!parse_persist("1", &s) && s == 1, "persistent 1");
	ok(!parse_persist("2000000", &s) && s == 2000000, "persistent max");
	ok(!parse_persist("off", &s) && s == 0, "persistent off");
	s = 7;
	ok(parse_persist("0", &s) && parse_persist("2000001", &s) &&
	   parse_persist("-1", &s) && parse_persist("5m", &s) && s == 7,
	   "persistent rejects 0, too large and junk");

	ok(!parse_sched_name("rr") && !parse_sched_name("wlc") &&
	   !parse_sched_name("mh"), "scheduler names");
	ok(parse_sched_name("") && parse_sched_name("RR") &&
	   parse_sched_name("r r") && parse_sched_name("0123456789abcdef"),
	   "scheduler names: empty, upper case, space, too long rejected");

	ok(!strcmp(format_conn_state(DRLB_CONN_S_EST), "established") &&
	   !strcmp(format_conn_state(DRLB_CONN_S_NONE), "none") &&
	   !strcmp(format_conn_state(200), "unknown"), "conn states");
	ok(!strcmp(format_expires(buf, sizeof(buf), 0), "00:00") &&
	   !strcmp(format_expires(buf, sizeof(buf), 1), "00:01") &&
	   !strcmp(format_expires(buf, sizeof(buf), 900000), "15:00") &&
	   !strcmp(format_expires(buf, sizeof(buf), 3600000 + 61000), "1:01:01"),
	   "expiry times");
}

/* "fwmark MARK": decimal or 0x hex, 1..2^32-1. */
static void test_fwmark(void)
{
	uint32_t m = 7;

	ok(!parse_fwmark("1", &m) && m == 1, "fwmark 1");
	ok(!parse_fwmark("4294967295", &m) && m == 0xffffffff,
	   "fwmark 4294967295 (the largest)");
	ok(!parse_fwmark("0x10", &m) && m == 16 &&
	   !parse_fwmark("0XfF", &m) && m == 255, "fwmark in hex, as nft prints it");
	ok(!parse_fwmark("0x00000001", &m) && m == 1, "fwmark 0x00000001");
	ok(!parse_fwmark("010", &m) && m == 10, "a leading 0 is decimal, not octal");
	m = 7;
	ok(parse_fwmark("0", &m) && parse_fwmark("0x0", &m) &&
	   parse_fwmark("00", &m) && m == 7, "fwmark 0 rejected (no mark)");
	ok(parse_fwmark("4294967296", &m) && parse_fwmark("0x100000000", &m) &&
	   parse_fwmark("99999999999999999999", &m) && m == 7,
	   "fwmark above 32 bits rejected");
	ok(parse_fwmark("", &m) && parse_fwmark("0x", &m) &&
	   parse_fwmark("-1", &m) && parse_fwmark("+1", &m) &&
	   parse_fwmark(" 1", &m) && parse_fwmark("1 ", &m) &&
	   parse_fwmark("5k", &m) && parse_fwmark("0xg", &m) &&
	   parse_fwmark("0x-1", &m) && parse_fwmark("0x 1", &m) &&
	   parse_fwmark("0x0x1", &m) && parse_fwmark("0x+1", &m) &&
	   parse_fwmark("10.0.0.100:80", &m) && parse_fwmark("tcp", &m) &&
	   m == 7, "fwmark rejects junk, signs, blanks, an address");
}

static void test_sched_flags(void)
{
	uint32_t f = 77;
	char buf[32];

	ok(!parse_sched_flags("none", &f) && f == 0, "sched-flags none");
	ok(!parse_sched_flags("port", &f) && f == DRLB_SCHED_F_PORT,
	   "sched-flags port");
	ok(!parse_sched_flags("fallback", &f) && f == DRLB_SCHED_F_FALLBACK,
	   "sched-flags fallback");
	ok(!parse_sched_flags("fallback,port", &f) && f == DRLB_SCHED_F_ALL,
	   "sched-flags in any order");
	f = 77;
	ok(parse_sched_flags("port,port", &f) && f == 77,
	   "sched-flags: a flag twice is refused");
	ok(parse_sched_flags("", &f) && parse_sched_flags("port,", &f) &&
	   parse_sched_flags(",port", &f) && parse_sched_flags("Port", &f) &&
	   parse_sched_flags("sh-port", &f) && parse_sched_flags("none,port", &f) &&
	   parse_sched_flags("port fallback", &f) && f == 77,
	   "sched-flags rejects junk, untouched");
	ok(!strcmp(format_sched_flags(buf, sizeof(buf), 0), "none"),
	   "format no flags: none");
	ok(!strcmp(format_sched_flags(buf, sizeof(buf), DRLB_SCHED_F_ALL),
		   "port,fallback"), "format both flags");
	ok(!strcmp(format_sched_flags(buf, sizeof(buf), DRLB_SCHED_F_FALLBACK),
		   "fallback"), "format fallback");
	ok(!strcmp(format_sched_flags(buf, sizeof(buf), 0x10 | DRLB_SCHED_F_PORT),
		   "port,0x10"), "format unknown bits in hex");
	ok(!parse_sched_flags(format_sched_flags(buf, sizeof(buf), DRLB_SCHED_F_ALL),
			      &f) && f == DRLB_SCHED_F_ALL, "format parses back");
	ok(sched_default_flags("mh") == DRLB_SCHED_F_PORT &&
	   sched_default_flags("sh") == 0 && sched_default_flags("wlc") == 0,
	   "default flags: mh hashes the port, sh does not");
}

int main(void)
{
	test_proto();
	test_ipv4();
	test_numbers();
	test_service_words();
	test_fwmark();
	test_sched_flags();
	return tap_done();
}
