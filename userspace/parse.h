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

/* "tcp", "udp", "sctp" -> IPPROTO_* */
int parse_proto(const char *s, uint8_t *proto);
/* IPPROTO_* -> "tcp"...; "proto-N" for others (static buffer). */
const char *format_proto(uint8_t proto);

/* Dotted-quad IPv4 address, strictly (no shorthand like "10.1"). */
int parse_ipv4(const char *s, uint32_t *addr_be);

/*
 * "VIP", "VIP:PORT" or "VIP:*"; a missing port or "*" is 0 (every port of
 * the VIP). Returns -EINVAL for a bad address, -ERANGE for a bad port, so
 * the caller can name the bad part.
 */
int parse_ipv4_port(const char *s, uint32_t *addr_be, uint16_t *port);

/* "10.0.0.1:80" or "10.0.0.1:*" for port 0, into @buf. */
char *format_ipv4_port(char *buf, size_t len, uint32_t addr_be,
		       uint16_t port);

/* Decimal unsigned integer within [min, max]; no sign, no trailing junk. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/*
 * A firewall mark naming a fwmark service: decimal, or hexadecimal after
 * "0x" (as nft prints marks), 1..4294967295; no sign, no trailing junk.
 */
int parse_fwmark(const char *s, uint32_t *mark);

/* "yes"/"no" (also "on"/"off", "1"/"0"). */
int parse_bool(const char *s, bool *out);

/* Netmask as dotted quad (contiguous) or prefix length "24" / "/24". */
int parse_netmask(const char *s, uint8_t *prefix_len);

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
