/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: ARP packets (Ethernet/IPv4) and the ARP-flux verdict of
 * "drlbctl vip check". Pure functions, no I/O; unit-tested in
 * tests/test_arp_pkt.c.
 */
#ifndef DRLBCTL_ARP_PKT_H
#define DRLBCTL_ARP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARP_PKT_LEN	28	/* Ethernet/IPv4 ARP payload */
#define MAC_LEN		6

/* An Ethernet/IPv4 ARP packet; addresses in network byte order. */
struct arp_ipv4 {
	uint16_t op;		/* host order: 1 request, 2 reply */
	uint8_t sha[MAC_LEN];
	uint32_t sip;
	uint8_t tha[MAC_LEN];
	uint32_t tip;
};

/* Write @a into @buf (>= ARP_PKT_LEN bytes); returns ARP_PKT_LEN. */
size_t arp_build(uint8_t *buf, const struct arp_ipv4 *a);

/* Read an Ethernet/IPv4 ARP packet; -EINVAL if @buf is anything else. */
int arp_parse(const uint8_t *buf, size_t len, struct arp_ipv4 *a);

/*
 * The two gratuitous ARP packets of "vip announce", both with sender and
 * target protocol address @vip and sender hardware address @mac:
 *  - a request (RFC 5227 "ARP Announcement"): target hardware address
 *    all zeroes;
 *  - a reply (RFC 5944 4.6): target hardware address @mac too, which is
 *    what makes Linux treat a reply as gratuitous (arp_is_garp()).
 */
void arp_garp_request(struct arp_ipv4 *a, const uint8_t *mac, uint32_t vip);
void arp_garp_reply(struct arp_ipv4 *a, const uint8_t *mac, uint32_t vip);

/* "aa:bb:cc:dd:ee:ff" (hex digits either case) -> 6 bytes. */
int parse_mac(const char *s, uint8_t *mac);

/* ---- vip check ------------------------------------------------------- */

#define VIP_CHECK_MAX_ANSWERS	64

struct vip_answer {
	uint8_t mac[MAC_LEN];	/* sender hardware address claiming the VIP */
	unsigned int packets;	/* ARP packets seen from it with sender VIP */
	bool this_host;		/* it is our own MAC */
	bool owner;		/* it is the expected owner */
	bool offender;		/* set by vip_check_verdict() */
};

/*
 * struct vip_check - what "vip check" knows and saw.
 * @local_mac:  MAC of the device we asked on.
 * @vip_local:  the VIP is an address of that device: we are its owner,
 *              and our own ARP request is never answered by ourselves.
 * @has_owner:  @owner is the MAC that should answer (given by the user,
 *              or @local_mac when @vip_local).
 */
struct vip_check {
	uint8_t local_mac[MAC_LEN];
	bool vip_local;
	bool has_owner;
	uint8_t owner[MAC_LEN];
	struct vip_answer ans[VIP_CHECK_MAX_ANSWERS];
	int n_ans;
};

enum vip_verdict {
	VIP_CLEAN,	/* exit 0 */
	VIP_CONFLICT,	/* exit 1: ARP flux, the offenders are marked */
	VIP_NO_ANSWER,	/* exit 3: nobody holds the VIP */
};

/* Record one ARP packet with sender address VIP from @mac. */
void vip_check_add(struct vip_check *c, const uint8_t *mac);

/*
 * The verdict, marking offenders:
 *  - with an owner (our VIP, or "owner MAC"): every other MAC is an
 *    offender; no offender is clean, except that an explicit owner that
 *    did not answer either means nobody holds the VIP (no answer). When
 *    the VIP is ours, silence is clean: we cannot hear ourselves.
 *  - without an owner: one MAC is clean, none is no answer, two or more
 *    are a conflict and all of them are offenders.
 */
enum vip_verdict vip_check_verdict(struct vip_check *c);

const char *vip_verdict_name(enum vip_verdict v);

#endif /* DRLBCTL_ARP_PKT_H */
