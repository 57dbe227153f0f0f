// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl: ARP packets and the ARP-flux verdict (see arp_pkt.h).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arp_pkt.h"

#define ARPHRD_ETHER_	1
#define ETH_P_IP_	0x0800

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

size_t arp_build(uint8_t *buf, const struct arp_ipv4 *a)
{
	put16(buf, ARPHRD_ETHER_);
	put16(buf + 2, ETH_P_IP_);
	buf[4] = MAC_LEN;
	buf[5] = 4;
	put16(buf + 6, a->op);
	memcpy(buf + 8, a->sha, MAC_LEN);
	memcpy(buf + 14, &a->sip, 4);
	memcpy(buf + 18, a->tha, MAC_LEN);
	memcpy(buf + 24, &a->tip, 4);
	return ARP_PKT_LEN;
}

int arp_parse(const uint8_t *buf, size_t len, struct arp_ipv4 *a)
{
	if (len < ARP_PKT_LEN || get16(buf) != ARPHRD_ETHER_ ||
	    get16(buf + 2) != ETH_P_IP_ || buf[4] != MAC_LEN || buf[5] != 4)
		return -EINVAL;
	a->op = get16(buf + 6);
	memcpy(a->sha, buf + 8, MAC_LEN);
	memcpy(&a->sip, buf + 14, 4);
	memcpy(a->tha, buf + 18, MAC_LEN);
	memcpy(&a->tip, buf + 24, 4);
	return 0;
}

void arp_garp_request(struct arp_ipv4 *a, const uint8_t *mac, uint32_t vip)
{
	memset(a, 0, sizeof(*a));
	a->op = 1;
	memcpy(a->sha, mac, MAC_LEN);
	a->sip = vip;
	a->tip = vip;
}

void arp_garp_reply(struct arp_ipv4 *a, const uint8_t *mac, uint32_t vip)
{
	arp_garp_request(a, mac, vip);
	a->op = 2;
	memcpy(a->tha, mac, MAC_LEN);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_mac(const char *s, uint8_t *mac)
{
	uint8_t m[MAC_LEN];
	int i, hi, lo;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < MAC_LEN; i++) {
		hi = hexval(s[3 * i]);
		lo = hexval(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < MAC_LEN - 1 && s[3 * i + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, MAC_LEN);
	return 0;
}

void vip_check_add(struct vip_check *c, const uint8_t *mac)
{
	struct vip_answer *a;
	int i;

	for (i = 0; i < c->n_ans; i++) {
		if (!memcmp(c->ans[i].mac, mac, MAC_LEN)) {
			c->ans[i].packets++;
			return;
		}
	}
	if (c->n_ans >= VIP_CHECK_MAX_ANSWERS)
		return;
	a = &c->ans[c->n_ans++];
	memset(a, 0, sizeof(*a));
	memcpy(a->mac, mac, MAC_LEN);
	a->packets = 1;
}

enum vip_verdict vip_check_verdict(struct vip_check *c)
{
	bool owner_seen = false, offenders = false;
	int i;

	if (c->vip_local) {
		c->has_owner = true;
		memcpy(c->owner, c->local_mac, MAC_LEN);
	}
	for (i = 0; i < c->n_ans; i++) {
		struct vip_answer *a = &c->ans[i];

		a->this_host = !memcmp(a->mac, c->local_mac, MAC_LEN);
		a->owner = c->has_owner && !memcmp(a->mac, c->owner, MAC_LEN);
		a->offender = false;
		if (a->owner) {
			owner_seen = true;
		} else if (c->has_owner && !a->this_host) {
			a->offender = true;
			offenders = true;
		}
	}

	if (c->has_owner) {
		if (offenders)
			return VIP_CONFLICT;
		if (owner_seen || c->vip_local)
			return VIP_CLEAN;
		return VIP_NO_ANSWER;
	}
	if (c->n_ans == 0)
		return VIP_NO_ANSWER;
	if (c->n_ans == 1)
		return VIP_CLEAN;
	for (i = 0; i < c->n_ans; i++)
		c->ans[i].offender = true;
	return VIP_CONFLICT;
}

const char *vip_verdict_name(enum vip_verdict v)
{
	switch (v) {
	case VIP_CLEAN:
		return "clean";
	case VIP_CONFLICT:
		return "conflict";
	case VIP_NO_ANSWER:
		return "no_answer";
	}
	return "?";
}
