/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: parsing and formatting of command-line words. Pure functions,
 * no I/O: each returns 0 on success and -EINVAL (leaving outputs untouched)
 * on bad input. Unit-tested in tests/test_parse.c.
 */
#ifndef DRLBCTL_PARSE_H
#define DRLBCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* "tcp", "udp", "sctp" -> IPPROTO_* */
int parse_proto(const char *s, uint8_t *proto);
/* IPPROTO_* -> "tcp"...; "proto-N" for others (static buffer). */
const char *format_proto(uint8_t proto);

/* Dotted-quad IPv4 address, strictly (no shorthand like "10.1"). */
int parse_ipv4(const char *s, uint32_t *addr_be);

/* "inet" or "inet6" -> AF_INET, AF_INET6 (a fwmark service's family). */
int parse_family(const char *s, uint16_t *af);
/* AF_INET -> "inet", AF_INET6 -> "inet6" (the words parse_family() takes). */
const char *format_family(uint16_t af);
/* AF_INET -> "IPv4", AF_INET6 -> "IPv6", for messages. */
const char *family_name(uint16_t af);

/*
 * An address: a dotted-quad IPv4 one, or an IPv6 one (RFC 4291 text, any
 * form inet_pton() takes) bare or in brackets ("[2001:db8::1]"). Refused:
 * an IPv4 address in brackets, a zone index ("fe80::1%eth0": drlb's
 * addresses are not scoped to a link), and IPv4-mapped IPv6 addresses
 * (::ffff:10.0.0.1): Linux drops IPv6 packets to or from such an address
 * (RFC 4291 2.5.5.2 keeps them off the wire), so a VIP, server or client
 * never has one - the IPv4 address was meant.
 */
int parse_addr(const char *s, struct drlb_addr *a);

/*
 * An address with an optional port, as a service's VIP is written:
 * IPv4 "VIP", "VIP:PORT", "VIP:*"; IPv6 "[VIP]", "[VIP]:PORT", "[VIP]:*"
 * or bare "VIP" (without brackets an IPv6 address is all address: port
 * 0). A missing port or "*" is 0 (every port of the VIP). Returns -EINVAL
 * for a bad address (or form), -ERANGE for a bad port, so the caller can
 * name the bad part; outputs untouched then.
 */
int parse_endpoint(const char *s, struct drlb_addr *a, uint16_t *port);

/*
 * Where the port of a word written as "ADDR:PORT" or "[ADDR]:PORT"
 * begins (after its colon, possibly empty), or NULL if the word has no
 * port (a bare address, IPv6 ones included).
 */
const char *endpoint_port(const char *s);

/*
 * Why @s, refused by parse_addr() or parse_endpoint(), is not an
 * address, when there is more to say than "bad address": a zone index,
 * an IPv4-mapped address, an IPv4 address in brackets, an IPv6 address
 * with a port but no brackets. NULL if nothing (static buffer).
 */
const char *addr_hint(const char *s);

/* inet_ntop(): RFC 5952 form for IPv6, into @buf (>= ADDR_STRLEN). */
char *format_addr(char *buf, size_t len, const struct drlb_addr *a);
/*
 * "10.0.0.1:80", "10.0.0.1:*" for port 0, "[2001:db8::1]:80",
 * "[2001:db8::1]:*", into @buf (>= ENDPOINT_STRLEN).
 */
char *format_endpoint(char *buf, size_t len, const struct drlb_addr *a,
		      uint16_t port);

/*
 * "ADDR" or "ADDR/LEN", a client prefix: LEN 0..32 (IPv4) or 0..128
 * (IPv6), the address's full length if not given.
 */
int parse_prefix(const char *s, struct drlb_addr *a, uint8_t *plen);

/* Decimal unsigned integer within [min, max]; no sign, no trailing junk. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/*
 * A firewall mark naming a fwmark service: decimal, or hexadecimal after
 * "0x" (as nft prints marks), 1..4294967295; no sign, no trailing junk.
 */
int parse_fwmark(const char *s, uint32_t *mark);

/* "yes"/"no" (also "on"/"off", "1"/"0"). */
int parse_bool(const char *s, bool *out);

/*
 * A persistence netmask for a service of family @af: for AF_INET a dotted
 * quad (contiguous) or a prefix length "24" / "/24" (0..32); for AF_INET6
 * a prefix length "64" / "/64" only (0..128).
 */
int parse_netmask(const char *s, uint16_t af, uint8_t *prefix_len);

/* Persistence timeout: "off"/"no" (0) or seconds 1..DRLB_PERSIST_MAX. */
#define DRLB_PERSIST_MAX 2000000
int parse_persist(const char *s, uint32_t *secs);

/*
 * A plausible scheduler name: 1..DRLB_SCHED_NAME_MAX-1 characters of
 * [a-z0-9_-]. Whether the module has it is asked of the module.
 */
int parse_sched_name(const char *s);

/*
 * Scheduler flags (DRLB_SCHED_F_*): "none", or a comma-separated list of
 * "port" and "fallback", each at most once.
 */
int parse_sched_flags(const char *s, uint32_t *flags);
/* DRLB_SCHED_F_* -> "port,fallback" or "none", into @buf (>= 32 bytes). */
char *format_sched_flags(char *buf, size_t len, uint32_t flags);
/*
 * The flags a service with scheduler @sched gets when it names none (as
 * the module does): "mh" hashes the port (DRLB_SCHED_F_PORT), the others
 * have none.
 */
uint32_t sched_default_flags(const char *sched);

/* A connection threshold (DRLB_DEST_A_U/L_THRESH): 0..2147483647. */
#define DRLB_THRESH_MAX 2147483647U

/* enum drlb_conn_state -> "none", "syn", "established", "fin", "close". */
const char *format_conn_state(uint8_t state);

/* Milliseconds left -> "mm:ss" (or "h:mm:ss"), rounded up, into @buf. */
char *format_expires(char *buf, size_t len, uint32_t ms);

/* 6-byte MAC -> "aa:bb:cc:dd:ee:ff" into @buf (>= 18 bytes). */
char *format_mac(char *buf, const uint8_t *mac);

#endif /* DRLBCTL_PARSE_H */
