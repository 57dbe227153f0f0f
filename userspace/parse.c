// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl: parsing and formatting of command-line words.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/drlb.h>

#include "parse.h"
#include "util.h"

int parse_proto(const char *s, uint8_t *proto)
{
	if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcmp(s, "sctp"))
		*proto = IPPROTO_SCTP;
	else
		return -EINVAL;
	return 0;
}

const char *format_proto(uint8_t proto)
{
	static char buf[16];

	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	snprintf(buf, sizeof(buf), "proto-%u", proto);
	return buf;
}

int parse_ipv4(const char *s, uint32_t *addr_be)
{
	struct in_addr a;

	/* inet_pton() accepts only the full dotted-quad form. */
	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr_be = a.s_addr;
	return 0;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int parse_fwmark(const char *s, uint32_t *mark)
{
	bool hex = s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	unsigned long long v;
	char *end;

	/* Digits only: strtoull() would take blanks, a sign, "0x0x1". */
	if (!s || !*digits ||
	    digits[strspn(digits, hex ? "0123456789abcdefABCDEF" :
				   "0123456789")])
		return -EINVAL;
	errno = 0;
	v = strtoull(digits, &end, hex ? 16 : 10);
	if (errno || *end || !v || v > UINT32_MAX)
		return -EINVAL;
	*mark = (uint32_t)v;
	return 0;
}

int parse_family(const char *s, uint16_t *af)
{
	if (!strcmp(s, "inet"))
		*af = AF_INET;
	else if (!strcmp(s, "inet6"))
		*af = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

const char *format_family(uint16_t af)
{
	return af == AF_INET6 ? "inet6" : af == AF_INET ? "inet" : "unknown";
}

const char *family_name(uint16_t af)
{
	return af == AF_INET6 ? "IPv6" : af == AF_INET ? "IPv4" : "unknown";
}

/* An IPv6 address without brackets; a mapped IPv4 one is refused. */
static int parse_ipv6(const char *s, struct drlb_addr *a)
{
	struct in6_addr in6;

	if (inet_pton(AF_INET6, s, &in6) != 1 || IN6_IS_ADDR_V4MAPPED(&in6))
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->af = AF_INET6;
	memcpy(a->b, &in6, sizeof(in6));
	return 0;
}

int parse_addr(const char *s, struct drlb_addr *a)
{
	char buf[ADDR_STRLEN];
	size_t n = strlen(s);
	uint32_t v4;

	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']' || n - 2 >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		return parse_ipv6(buf, a);
	}
	if (!parse_ipv4(s, &v4)) {
		*a = addr_v4(v4);
		return 0;
	}
	return parse_ipv6(s, a);
}

const char *endpoint_port(const char *s)
{
	const char *p;

	if (s[0] == '[') {
		p = strchr(s, ']');
		return p && p[1] == ':' ? p + 2 : NULL;
	}
	/* One colon: IPv4 and a port; more: an IPv6 address. */
	p = strchr(s, ':');
	return p && !strchr(p + 1, ':') ? p + 1 : NULL;
}

int parse_endpoint(const char *s, struct drlb_addr *a, uint16_t *port)
{
	const char *p = endpoint_port(s);
	char buf[ENDPOINT_STRLEN];
	size_t n = p ? (size_t)(p - 1 - s) : strlen(s);
	struct drlb_addr r;
	uint32_t v = 0;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_addr(buf, &r))
		return -EINVAL;
	if (p && strcmp(p, "*") && parse_u32(p, 0, 65535, &v))
		return -ERANGE;
	*a = r;
	*port = (uint16_t)v;
	return 0;
}

const char *addr_hint(const char *s)
{
	static char hint[128];
	char buf[ENDPOINT_STRLEN], v4[INET_ADDRSTRLEN];
	const char *colon = strrchr(s, ':');
	size_t n = strlen(s);
	struct in6_addr in6;
	uint32_t a;

	/* Zone indexes: fe80::1%eth0. */
	if (strchr(s, '%'))
		return "zone indexes (%IFNAME) are not taken: addresses are not scoped to a link";
	if (n >= sizeof(buf))
		return NULL;
	/* Without its brackets, if it has them. */
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		if (!parse_ipv4(buf, &a))
			return "brackets are for IPv6 addresses";
	} else {
		memcpy(buf, s, n + 1);
	}
	if (inet_pton(AF_INET6, buf, &in6) == 1 && IN6_IS_ADDR_V4MAPPED(&in6)) {
		inet_ntop(AF_INET, &in6.s6_addr[12], v4, sizeof(v4));
		snprintf(hint, sizeof(hint),
			 "an IPv4-mapped IPv6 address: give the IPv4 address %s",
			 v4);
		return hint;
	}
	/* "2001:db8::1:*": an IPv6 address and a port, but no brackets. */
	if (s[0] != '[' && colon && colon != strchr(s, ':') &&
	    (!strcmp(colon + 1, "*") ||
	     (colon[1] && !colon[1 + strspn(colon + 1, "0123456789")]))) {
		buf[colon - s] = '\0';
		if (inet_pton(AF_INET6, buf, &in6) == 1) {
			snprintf(hint, sizeof(hint),
				 "an IPv6 address with a port goes in brackets: [%s]:%s",
				 buf, colon + 1);
			return hint;
		}
	}
	return NULL;
}

char *format_addr(char *buf, size_t len, const struct drlb_addr *a)
{
	if (!addr_len(a->af) || !inet_ntop(a->af, a->b, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

char *format_endpoint(char *buf, size_t len, const struct drlb_addr *a,
		      uint16_t port)
{
	char s[ADDR_STRLEN], p[8];
	bool v6 = a->af == AF_INET6;

	format_addr(s, sizeof(s), a);
	if (port)
		snprintf(p, sizeof(p), "%u", port);
	else
		snprintf(p, sizeof(p), "*");
	snprintf(buf, len, "%s%s%s:%s", v6 ? "[" : "", s, v6 ? "]" : "", p);
	return buf;
}

int parse_prefix(const char *s, struct drlb_addr *a, uint8_t *plen)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char buf[ENDPOINT_STRLEN];
	struct drlb_addr r;
	uint32_t len;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_addr(buf, &r))
		return -EINVAL;
	len = addr_bits(r.af);
	if (slash && parse_u32(slash + 1, 0, addr_bits(r.af), &len))
		return -EINVAL;
	*a = r;
	*plen = (uint8_t)len;
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "1"))
		*out = true;
	else if (!strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

int parse_netmask(const char *s, uint16_t af, uint8_t *prefix_len)
{
	uint32_t len, mask;
	struct in_addr a;

	if (*s == '/')
		s++;
	if (af == AF_INET6 || !strchr(s, '.')) {
		if (parse_u32(s, 0, addr_bits(af), &len))
			return -EINVAL;
		*prefix_len = (uint8_t)len;
		return 0;
	}
	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	mask = ntohl(a.s_addr);
	/* Contiguous ones from the top: ~mask + 1 is a power of two. */
	if ((~mask + 1) & ~mask)
		return -EINVAL;
	*prefix_len = (uint8_t)__builtin_popcount(mask);
	return 0;
}

char *format_mac(char *buf, const uint8_t *mac)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int parse_persist(const char *s, uint32_t *secs)
{
	if (!strcmp(s, "off") || !strcmp(s, "no")) {
		*secs = 0;
		return 0;
	}
	return parse_u32(s, 1, DRLB_PERSIST_MAX, secs);
}

int parse_sched_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= DRLB_SCHED_NAME_MAX)
		return -EINVAL;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return -EINVAL;
	return 0;
}

static const struct {
	const char *name;
	uint32_t flag;
} sched_flag_names[] = {
	{ "port", DRLB_SCHED_F_PORT },
	{ "fallback", DRLB_SCHED_F_FALLBACK },
};

int parse_sched_flags(const char *s, uint32_t *flags)
{
	uint32_t f = 0;
	const char *p = s;

	if (!strcmp(s, "none")) {
		*flags = 0;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < ARRAY_SIZE(sched_flag_names); i++)
			if (strlen(sched_flag_names[i].name) == len &&
			    !strncmp(p, sched_flag_names[i].name, len))
				break;
		if (i == ARRAY_SIZE(sched_flag_names) ||
		    (f & sched_flag_names[i].flag))
			return -EINVAL;
		f |= sched_flag_names[i].flag;
		if (!p[len])
			break;
		p += len + 1;
	}
	*flags = f;
	return 0;
}

char *format_sched_flags(char *buf, size_t len, uint32_t flags)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(sched_flag_names); i++)
		if (flags & sched_flag_names[i].flag)
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "," : "", sched_flag_names[i].name);
	if (flags & ~(uint32_t)DRLB_SCHED_F_ALL)
		snprintf(buf + n, n < len ? len - n : 0, "%s0x%x", n ? "," : "",
			 flags & ~(uint32_t)DRLB_SCHED_F_ALL);
	else if (!n)
		snprintf(buf, len, "none");
	return buf;
}

uint32_t sched_default_flags(const char *sched)
{
	return !strcmp(sched, "mh") ? DRLB_SCHED_F_PORT : 0;
}

const char *format_conn_state(uint8_t state)
{
	static const char *const names[] = {
		[DRLB_CONN_S_NONE] = "none",
		[DRLB_CONN_S_SYN] = "syn",
		[DRLB_CONN_S_EST] = "established",
		[DRLB_CONN_S_FIN] = "fin",
		[DRLB_CONN_S_CLOSE] = "close",
	};

	return state < __DRLB_CONN_S_MAX ? names[state] : "unknown";
}

char *format_expires(char *buf, size_t len, uint32_t ms)
{
	uint32_t s = (ms + 999) / 1000;

	if (s >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(buf, len, "%02u:%02u", s / 60, s % 60);
	return buf;
}
