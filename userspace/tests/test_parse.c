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
	struct drlb_addr ad, x = { .af = 77 };
	uint32_t a = 7;
	uint16_t port = 9;
	char buf[ENDPOINT_STRLEN];

	ok(!parse_ipv4("10.0.0.1", &a) && a == htonl(0x0a000001), "ipv4 dotted quad");
	a = 7;
	ok(parse_ipv4("10.1", &a) && a == 7, "ipv4 rejects shorthand");
	ok(parse_ipv4("256.0.0.1", &a) && parse_ipv4("1.2.3.4 ", &a) &&
	   parse_ipv4("", &a) && parse_ipv4("::1", &a), "ipv4 rejects junk");

	ok(!parse_endpoint("192.0.2.1:80", &ad, &port) && ad.af == AF_INET &&
	   ad.v4 == htonl(0xc0000201) && port == 80, "vip:port");
	ok(!parse_endpoint("192.0.2.1", &ad, &port) && port == 0,
	   "vip without port is port 0");
	ok(!parse_endpoint("192.0.2.1:*", &ad, &port) && port == 0, "vip:*");
	port = 9;
	ad = x;
	ok(parse_endpoint("192.0.2.1:65536", &ad, &port) && port == 9 &&
	   ad.af == 77, "port > 65535 rejected, untouched");
	ok(parse_endpoint("192.0.2.1:", &ad, &port) &&
	   parse_endpoint("192.0.2.1:-1", &ad, &port) &&
	   parse_endpoint("192.0.2.1:80x", &ad, &port) &&
	   parse_endpoint("host:80", &ad, &port) &&
	   parse_endpoint("192.0.2.1:+80", &ad, &port), "bad ports and hosts rejected");
	ok(parse_endpoint("10.0.0.1:99999", &ad, &port) == -ERANGE &&
	   parse_endpoint("10.0.0.1:", &ad, &port) == -ERANGE &&
	   parse_endpoint("10.0.0.1:123456789012345678901234", &ad, &port) == -ERANGE,
	   "a bad port is told apart (-ERANGE)");
	ok(parse_endpoint("10.0.0.256:80", &ad, &port) == -EINVAL &&
	   parse_endpoint("10.0.0:80", &ad, &port) == -EINVAL &&
	   parse_endpoint("1234567890123456789012345678", &ad, &port) == -EINVAL &&
	   parse_endpoint("1234567890123456789012345678901234567890123456789012345678:80",
			  &ad, &port) == -EINVAL,
	   "a bad address is told apart (-EINVAL)");
	ad = addr_v4(htonl(0xc0000201));
	ok(!strcmp(format_endpoint(buf, sizeof(buf), &ad, 443), "192.0.2.1:443"),
	   "format vip:port");
	ok(!strcmp(format_endpoint(buf, sizeof(buf), &ad, 0), "192.0.2.1:*"),
	   "format vip:*");
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

	ok(!parse_netmask("255.255.255.0", AF_INET, &len) && len == 24, "netmask dotted");
	ok(!parse_netmask("/16", AF_INET, &len) && len == 16, "netmask /16");
	ok(!parse_netmask("32", AF_INET, &len) && len == 32, "netmask 32");
	ok(!parse_netmask("0.0.0.0", AF_INET, &len) && len == 0, "netmask 0.0.0.0");
	len = 99;
	ok(parse_netmask("255.0.255.0", AF_INET, &len) &&
	   parse_netmask("33", AF_INET, &len) &&
	   parse_netmask("1.2.3", AF_INET, &len) && len == 99,
	   "netmask rejects bad masks");
	ok(!parse_netmask("64", AF_INET6, &len) && len == 64 &&
	   !parse_netmask("/128", AF_INET6, &len) && len == 128 &&
	   !parse_netmask("0", AF_INET6, &len) && len == 0,
	   "netmask of an IPv6 service: a prefix length up to 128");
	len = 99;
	ok(parse_netmask("129", AF_INET6, &len) &&
	   parse_netmask("255.255.255.0", AF_INET6, &len) &&
	   parse_netmask("ffff:ffff::", AF_INET6, &len) &&
	   parse_netmask("", AF_INET6, &len) && len == 99,
	   "netmask of an IPv6 service: no dotted quad, nothing above 128");
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

/* The bytes of @s as an IPv6 address, for comparisons. */
static struct drlb_addr v6(const char *s)
{
	struct drlb_addr a = { .af = AF_INET6 };

	inet_pton(AF_INET6, s, a.b);
	return a;
}

static void test_addr(void)
{
	struct drlb_addr a, x = { .af = 77 }, w;
	char buf[ADDR_STRLEN];

	ok(!parse_addr("10.0.0.1", &a) && a.af == AF_INET &&
	   a.v4 == htonl(0x0a000001) && !memcmp(a.b + 4, "\0\0\0\0\0\0\0\0\0\0\0\0", 12),
	   "addr: IPv4, the rest zero");
	w = v6("2001:db8::1");
	ok(!parse_addr("2001:db8::1", &a) && addr_eq(&a, &w), "addr: IPv6 bare");
	ok(!parse_addr("[2001:db8::1]", &a) && addr_eq(&a, &w),
	   "addr: IPv6 in brackets");
	ok(!parse_addr("2001:DB8:0:0:0:0:0:1", &a) && addr_eq(&a, &w),
	   "addr: IPv6 in full, upper case");
	w = v6("64:ff9b::a00:1");
	ok(!parse_addr("64:ff9b::10.0.0.1", &a) && addr_eq(&a, &w),
	   "addr: IPv6 with an embedded dotted quad (NAT64)");
	ok(!parse_addr("::", &a) && a.af == AF_INET6, "addr: :: parses (the module judges)");
	a = x;
	ok(parse_addr("fe80::1%eth0", &a) && parse_addr("[fe80::1%eth0]", &a) &&
	   a.af == 77, "addr: a zone index is refused");
	ok(parse_addr("::ffff:10.0.0.1", &a) && parse_addr("[::ffff:a00:1]", &a) &&
	   a.af == 77, "addr: IPv4-mapped IPv6 is refused");
	ok(parse_addr("[10.0.0.1]", &a) && parse_addr("[2001:db8::1", &a) &&
	   parse_addr("2001:db8::1]", &a) && parse_addr("[]", &a) &&
	   parse_addr("[[2001:db8::1]]", &a) && parse_addr("[2001:db8::1]:80", &a) &&
	   parse_addr("2001:db8:::1", &a) && parse_addr("2001:db8::g", &a) &&
	   parse_addr("1:2:3:4:5:6:7:8:9", &a) && parse_addr(" ::1", &a) &&
	   parse_addr("::1 ", &a) && parse_addr("", &a) && parse_addr("10.1", &a) &&
	   parse_addr("10.0.0.1:80", &a) && a.af == 77,
	   "addr: brackets around IPv4, unbalanced, ports and junk refused");
	ok(!strcmp(format_addr(buf, sizeof(buf), &w), "64:ff9b::a00:1"),
	   "format addr: RFC 5952");
	w = v6("2001:0DB8:0000:0000:0001:0000:0000:0001");
	ok(!strcmp(format_addr(buf, sizeof(buf), &w), "2001:db8::1:0:0:1"),
	   "format addr: the first longest run of zeros, lower case");
	w = v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	ok(strlen(format_addr(buf, sizeof(buf), &w)) == 39, "format addr: the longest");
	a = addr_v4(htonl(0xc0000201));
	ok(!strcmp(format_addr(buf, sizeof(buf), &a), "192.0.2.1"),
	   "format addr: IPv4");
	x = (struct drlb_addr){ .af = 99 };
	ok(!strcmp(format_addr(buf, sizeof(buf), &x), "?"),
	   "format addr: an unknown family");
}

static void test_addr_order(void)
{
	struct drlb_addr a4 = addr_v4(htonl(0x0a000002)), b4 = addr_v4(htonl(0xc0000001));
	struct drlb_addr a6 = v6("::1"), b6 = v6("2001:db8::1"), c6 = v6("2001:db8::1");

	ok(addr_cmp(&a4, &b4) < 0 && addr_cmp(&b4, &a4) > 0,
	   "order: IPv4 by value (network order)");
	ok(addr_cmp(&b4, &a6) < 0 && addr_cmp(&a6, &b4) > 0,
	   "order: every IPv4 address before every IPv6 one");
	ok(addr_cmp(&a6, &b6) < 0 && addr_eq(&b6, &c6) && !addr_eq(&a6, &b6),
	   "order and equality of IPv6 addresses");
	ok(addr_len(AF_INET) == 4 && addr_len(AF_INET6) == 16 && !addr_len(0) &&
	   addr_bits(AF_INET) == 32 && addr_bits(AF_INET6) == 128,
	   "lengths by family");
}

static void test_endpoint(void)
{
	struct drlb_addr a, x = { .af = 77 }, w = v6("2001:db8::100");
	uint16_t port = 9;
	char buf[ENDPOINT_STRLEN];

	ok(!parse_endpoint("[2001:db8::100]:80", &a, &port) && addr_eq(&a, &w) &&
	   port == 80, "endpoint [v6]:80");
	ok(!parse_endpoint("[2001:db8::100]:*", &a, &port) && addr_eq(&a, &w) &&
	   port == 0, "endpoint [v6]:*");
	port = 9;
	ok(!parse_endpoint("[2001:db8::100]", &a, &port) && addr_eq(&a, &w) &&
	   port == 0, "endpoint [v6]: every port");
	port = 9;
	ok(!parse_endpoint("2001:db8::100", &a, &port) && addr_eq(&a, &w) &&
	   port == 0, "endpoint: bare v6, every port");
	w = v6("2001:db8::100:80");
	ok(!parse_endpoint("2001:db8::100:80", &a, &port) && addr_eq(&a, &w) &&
	   port == 0, "endpoint: bare v6 is all address (2001:db8::100:80)");
	ok(!parse_endpoint("[::]:0", &a, &port) && a.af == AF_INET6 && port == 0,
	   "endpoint [::]:0");
	ok(!parse_endpoint("10.0.0.1:443", &a, &port) && a.af == AF_INET &&
	   a.v4 == htonl(0x0a000001) && port == 443, "endpoint v4:port");
	a = x;
	port = 9;
	ok(parse_endpoint("[2001:db8::100]:65536", &a, &port) == -ERANGE &&
	   parse_endpoint("[2001:db8::100]:", &a, &port) == -ERANGE &&
	   parse_endpoint("[2001:db8::100]:8:0", &a, &port) == -ERANGE &&
	   parse_endpoint("[2001:db8::100]:-1", &a, &port) == -ERANGE &&
	   a.af == 77 && port == 9, "endpoint: bad v6 ports are -ERANGE, untouched");
	ok(parse_endpoint("2001:db8::100:*", &a, &port) == -EINVAL &&
	   parse_endpoint("[2001:db8::100]80", &a, &port) == -EINVAL &&
	   parse_endpoint("[2001:db8::100", &a, &port) == -EINVAL &&
	   parse_endpoint("[10.0.0.1]:80", &a, &port) == -EINVAL &&
	   parse_endpoint("[fe80::1%eth0]:80", &a, &port) == -EINVAL &&
	   parse_endpoint("[::ffff:10.0.0.1]:80", &a, &port) == -EINVAL &&
	   parse_endpoint("::ffff:10.0.0.1", &a, &port) == -EINVAL &&
	   parse_endpoint("[]:80", &a, &port) == -EINVAL &&
	   parse_endpoint("[2001:db8::100]]:80", &a, &port) == -EINVAL &&
	   parse_endpoint(":80", &a, &port) == -EINVAL &&
	   a.af == 77 && port == 9, "endpoint: bad forms are -EINVAL, untouched");
	ok(!endpoint_port("2001:db8::1") && !endpoint_port("10.0.0.1") &&
	   !endpoint_port("[2001:db8::1]") &&
	   !strcmp(endpoint_port("10.0.0.1:80"), "80") &&
	   !strcmp(endpoint_port("[2001:db8::1]:*"), "*") &&
	   !strcmp(endpoint_port("[2001:db8::1]:"), ""),
	   "endpoint_port: where a word's port is");
	w = v6("2001:db8::100");
	ok(!strcmp(format_endpoint(buf, sizeof(buf), &w, 80), "[2001:db8::100]:80") &&
	   !strcmp(format_endpoint(buf, sizeof(buf), &w, 0), "[2001:db8::100]:*"),
	   "format [v6]:port and [v6]:*");
	a = addr_v4(htonl(0xc0000201));
	ok(!strcmp(format_endpoint(buf, sizeof(buf), &a, 443), "192.0.2.1:443") &&
	   !strcmp(format_endpoint(buf, sizeof(buf), &a, 0), "192.0.2.1:*"),
	   "format v4:port and v4:* (as before)");
	w = v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	format_endpoint(buf, sizeof(buf), &w, 65535);
	ok(strlen(buf) == 47 && !parse_endpoint(buf, &a, &port) && addr_eq(&a, &w) &&
	   port == 65535, "the longest endpoint fits and parses back");
}

static void test_addr_hint(void)
{
	const char *h;

	h = addr_hint("fe80::1%eth0");
	ok(h && strstr(h, "zone"), "hint: a zone index");
	h = addr_hint("::ffff:10.0.0.1");
	ok(h && strstr(h, "IPv4-mapped") && strstr(h, "10.0.0.1"),
	   "hint: IPv4-mapped names the IPv4 address");
	h = addr_hint("[::ffff:a00:1]");
	ok(h && strstr(h, "10.0.0.1"), "hint: IPv4-mapped in brackets");
	h = addr_hint("[10.0.0.1]");
	ok(h && strstr(h, "brackets"), "hint: IPv4 in brackets");
	h = addr_hint("2001:db8::1:*");
	ok(h && strstr(h, "[2001:db8::1]:*"), "hint: a v6 port needs brackets");
	ok(!addr_hint("10.0.0.300") && !addr_hint("junk") && !addr_hint("2001:db8::g") &&
	   !addr_hint(""), "no hint for plain junk");
}

static void test_prefix_family(void)
{
	struct drlb_addr a, x = { .af = 77 }, w = v6("2001:db8::");
	uint8_t plen = 99;
	uint16_t af = 99;

	ok(!parse_prefix("2001:db8::/64", &a, &plen) && addr_eq(&a, &w) && plen == 64,
	   "prefix v6/64");
	ok(!parse_prefix("2001:db8::", &a, &plen) && plen == 128,
	   "prefix: a v6 address alone is /128");
	ok(!parse_prefix("[2001:db8::]/0", &a, &plen) && plen == 0,
	   "prefix: brackets, /0");
	ok(!parse_prefix("10.0.0.0/8", &a, &plen) && a.af == AF_INET && plen == 8 &&
	   !parse_prefix("10.0.0.1", &a, &plen) && plen == 32,
	   "prefix v4/8, v4 alone /32");
	a = x;
	plen = 99;
	ok(parse_prefix("2001:db8::/129", &a, &plen) &&
	   parse_prefix("10.0.0.0/33", &a, &plen) &&
	   parse_prefix("2001:db8::/", &a, &plen) &&
	   parse_prefix("2001:db8::/64/1", &a, &plen) &&
	   parse_prefix("fe80::%eth0/64", &a, &plen) &&
	   parse_prefix("::ffff:10.0.0.0/104", &a, &plen) &&
	   parse_prefix("/64", &a, &plen) && a.af == 77 && plen == 99,
	   "prefix: too long, empty, zone, mapped refused, untouched");

	ok(!parse_family("inet", &af) && af == AF_INET &&
	   !parse_family("inet6", &af) && af == AF_INET6, "family inet, inet6");
	af = 99;
	ok(parse_family("ipv6", &af) && parse_family("6", &af) &&
	   parse_family("INET6", &af) && parse_family("", &af) && af == 99,
	   "family: other words refused");
	ok(!strcmp(format_family(AF_INET6), "inet6") &&
	   !strcmp(format_family(AF_INET), "inet") &&
	   !strcmp(family_name(AF_INET6), "IPv6") &&
	   !strcmp(family_name(AF_INET), "IPv4"), "family names");
}

int main(void)
{
	test_proto();
	test_ipv4();
	test_numbers();
	test_service_words();
	test_fwmark();
	test_sched_flags();
	test_addr();
	test_addr_order();
	test_endpoint();
	test_addr_hint();
	test_prefix_family();
	return tap_done();
}
