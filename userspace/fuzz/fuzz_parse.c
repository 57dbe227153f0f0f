// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for parse.c, the word parsers behind every drlbctl
 * argument. The input is one string (NUL-terminated by the target); every
 * parser gets it, and the properties their callers rely on are checked:
 *
 *  - on failure the outputs are untouched (parsers never half-write);
 *  - what parses, formats back to a word that parses to the same value
 *    (the round trip drlbctl save/restore and show rely on);
 *  - values are within their documented ranges;
 *  - formatters never overrun the buffers their callers pass.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/drlb.h>

#include "fuzz.h"
#include "parse.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_parse: %s failed for '%s'\n", \
				#cond, s);				\
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char buf[64];
	uint32_t a = 0xdeadbeef, a2, u = 0xdeadbeef, u2;
	uint16_t port = 0xbeef, port2;
	uint8_t proto = 0xee, plen = 0xee, proto2;
	bool b;
	int err;

	memcpy(s, data, size);
	s[size] = '\0';

	if (parse_proto(s, &proto) == 0) {
		CHECK(proto == 6 || proto == 17 || proto == 132);
		CHECK(!strcmp(format_proto(proto), s));
	} else {
		CHECK(proto == 0xee);
	}

	if (parse_ipv4(s, &a) == 0) {
		struct in_addr in = { .s_addr = a };

		CHECK(inet_ntop(AF_INET, &in, buf, sizeof(buf)));
		CHECK(parse_ipv4(buf, &a2) == 0 && a2 == a);
	} else {
		CHECK(a == 0xdeadbeef);
	}

	if (parse_u32(s, 7, 70000, &u) == 0) {
		CHECK(u >= 7 && u <= 70000);
		snprintf(buf, sizeof(buf), "%u", u);
		CHECK(parse_u32(buf, 7, 70000, &u2) == 0 && u2 == u);
	} else {
		CHECK(u == 0xdeadbeef);
	}
	u = 0xdeadbeef;
	if (parse_u32(s, 0, UINT32_MAX, &u) == 0) {
		snprintf(buf, sizeof(buf), "%u", u);
		CHECK(parse_u32(buf, 0, UINT32_MAX, &u2) == 0 && u2 == u);
	} else {
		CHECK(u == 0xdeadbeef);
	}

	u = 0xdeadbeef;
	if (parse_fwmark(s, &u) == 0) {
		CHECK(u != 0);
		snprintf(buf, sizeof(buf), "%u", u);
		CHECK(parse_fwmark(buf, &u2) == 0 && u2 == u);
		snprintf(buf, sizeof(buf), "0x%x", u);
		CHECK(parse_fwmark(buf, &u2) == 0 && u2 == u);
	} else {
		CHECK(u == 0xdeadbeef);
	}

	if (parse_bool(s, &b) == 0)
		CHECK(parse_bool(b ? "yes" : "no", &b) == 0);

	if (parse_netmask(s, AF_INET, &plen) == 0) {
		uint8_t p2;

		CHECK(plen <= 32);
		snprintf(buf, sizeof(buf), "%u", plen);
		CHECK(parse_netmask(buf, AF_INET, &p2) == 0 && p2 == plen);
	} else {
		CHECK(plen == 0xee);
	}
	plen = 0xee;
	if (parse_netmask(s, AF_INET6, &plen) == 0) {
		uint8_t p2;

		CHECK(plen <= 128);
		snprintf(buf, sizeof(buf), "%u", plen);
		CHECK(parse_netmask(buf, AF_INET6, &p2) == 0 && p2 == plen);
	} else {
		CHECK(plen == 0xee);
	}
	plen = 0xee;

	/* Addresses of both families, endpoints and prefixes. */
	{
		struct drlb_addr x = { .af = 77 }, ad = x, ad2;
		char out[ENDPOINT_STRLEN];

		if (parse_addr(s, &ad) == 0) {
			CHECK(ad.af == AF_INET || ad.af == AF_INET6);
			format_addr(out, sizeof(out), &ad);
			CHECK(parse_addr(out, &ad2) == 0 && addr_eq(&ad, &ad2));
		} else {
			CHECK(ad.af == 77);
		}
		ad = x;
		port = 0xbeef;
		err = parse_endpoint(s, &ad, &port);
		if (err == 0) {
			format_endpoint(out, sizeof(out), &ad, port);
			CHECK(strlen(out) < sizeof(out) - 1);
			CHECK(parse_endpoint(out, &ad2, &port2) == 0);
			CHECK(addr_eq(&ad, &ad2) && port2 == port);
		} else {
			CHECK(err == -EINVAL || err == -ERANGE);
			CHECK(ad.af == 77 && port == 0xbeef);
			/* A hint, if any, is a string. */
			CHECK(!addr_hint(s) || strlen(addr_hint(s)) > 0);
		}
		ad = x;
		if (parse_prefix(s, &ad, &plen) == 0)
			CHECK(plen <= addr_bits(ad.af));
		else
			CHECK(ad.af == 77 && plen == 0xee);
	}

	u = 0xdeadbeef;
	if (parse_persist(s, &u) == 0) {
		CHECK(u <= DRLB_PERSIST_MAX);
		snprintf(buf, sizeof(buf), "%u", u);
		CHECK(u == 0 || (parse_persist(buf, &u2) == 0 && u2 == u));
	} else {
		CHECK(u == 0xdeadbeef);
	}

	if (parse_sched_name(s) == 0)
		CHECK(strlen(s) > 0 && strlen(s) < DRLB_SCHED_NAME_MAX);

	/* Formatters, fed from the input bytes. */
	if (size >= 6) {
		char mac[18];

		format_mac(mac, data);
		CHECK(strlen(mac) == 17);
	}
	if (size >= 4) {
		uint32_t ms;
		char e[16];	/* cmd_conn.c's buffer */

		memcpy(&ms, data, 4);
		format_expires(e, sizeof(e), ms);
		CHECK(strlen(e) >= 5 && strlen(e) < sizeof(e) - 1);
		proto2 = data[0];
		CHECK(strlen(format_proto(proto2)) > 0);
		CHECK(strlen(format_conn_state(data[1])) > 0);
	}

	free(s);
	return 0;
}
