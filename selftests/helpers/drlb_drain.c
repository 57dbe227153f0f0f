// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_drain - drain a real server and bring it back, many times, while
 * the caller sends new flows (drlb_director_ops.sh's drains_lose_no_flow):
 * a drlbctl per change is too slow under TCG, and the drains must fall
 * inside the load.
 *
 *   drlb_drain PROTO VIP:PORT RIP WEIGHT COUNT EVERY [PAUSE_MS]
 *
 * Waits until the service has scheduled a flow - the load has begun -
 * then COUNT times sets RIP's weight to 0 and back to WEIGHT, PAUSE_MS
 * (default 5) after each change; drain I (from 0) waits until the service
 * has scheduled I * EVERY flows more than at the start, so the drains are
 * spread over the load whatever its pace (no wait is longer than 60 s).
 * Prints "start CONNS" (the service's flows when the load was seen),
 * "last CONNS" (when the last drain began: fewer than the load's total
 * means every drain fell inside the load), "drains COUNT" and "end CONNS"
 * (after the last drain). Exit status 0, or 1 with a message.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>

#include "../../userspace/nl.h"

static uint8_t proto;
static uint32_t vip, rip;
static uint16_t port;

static void put_svc(struct nl_msg *msg)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	drlb_nl_put_addr4(msg, DRLB_SVC_A_AF, DRLB_SVC_A_ADDR, vip);
	nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, proto);
	nla_put_u16(msg, DRLB_SVC_A_PORT, port);
	nla_nest_end(msg, nest);
}

static int set_weight(uint32_t weight)
{
	struct nl_msg *msg = drlb_nl_msg(DRLB_CMD_SET_DEST, 0);
	struct nlattr *nest;
	int err;

	put_svc(msg);
	nest = nla_nest_start(msg, DRLB_A_DEST);
	drlb_nl_put_addr4(msg, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR, rip);
	nla_put_u32(msg, DRLB_DEST_A_WEIGHT, weight);
	nla_nest_end(msg, nest);
	err = drlb_nl_transact(msg, NULL, NULL);
	if (err)
		fprintf(stderr, "drlb_drain: weight %u: %s (%s)\n", weight,
			strerror(-err), drlb_nl_errmsg());
	return err;
}

static int conns_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *svc[DRLB_SVC_A_MAX + 1];
	struct nlattr *st[DRLB_STATS_A_MAX + 1];

	if (drlb_nl_parse_nested(svc, DRLB_SVC_A_MAX, tb[DRLB_A_SERVICE]) ||
	    drlb_nl_parse_nested(st, DRLB_STATS_A_MAX, svc[DRLB_SVC_A_STATS]) ||
	    !st[DRLB_STATS_A_CONNS])
		return -EPROTO;
	*(uint64_t *)arg = nla_get_u64(st[DRLB_STATS_A_CONNS]);
	return 0;
}

/* The service's flows scheduled so far, or exits. */
static uint64_t conns(void)
{
	struct nl_msg *msg = drlb_nl_msg(DRLB_CMD_GET_SERVICE, 0);
	uint64_t n = 0;
	int err;

	put_svc(msg);
	err = drlb_nl_transact(msg, conns_cb, &n);
	if (err) {
		fprintf(stderr, "drlb_drain: service: %s (%s)\n",
			strerror(-err), drlb_nl_errmsg());
		exit(1);
	}
	return n;
}

static void pause_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Wait until the service has scheduled @n flows; the count, or exits. */
static uint64_t wait_conns(uint64_t n)
{
	uint64_t c;
	int i;

	for (i = 0; (c = conns()) < n; i++) {
		if (i == 30000) {
			fprintf(stderr, "drlb_drain: %llu flows, not %llu, after 60 s\n",
				(unsigned long long)c, (unsigned long long)n);
			exit(1);
		}
		pause_ms(2);
	}
	return c;
}

int main(int argc, char **argv)
{
	unsigned int count, every, pause = 5, i;
	struct in_addr a;
	uint64_t first, last = 0;
	uint32_t weight;
	char *colon;

	if (argc < 7 || argc > 8) {
		fprintf(stderr,
			"usage: drlb_drain PROTO VIP:PORT RIP WEIGHT COUNT EVERY [PAUSE_MS]\n");
		return 1;
	}
	proto = !strcmp(argv[1], "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
	colon = strchr(argv[2], ':');
	if (!colon)
		return fprintf(stderr, "drlb_drain: VIP:PORT\n"), 1;
	*colon = '\0';
	if (!inet_pton(AF_INET, argv[2], &a))
		return fprintf(stderr, "drlb_drain: bad VIP\n"), 1;
	vip = a.s_addr;
	port = (uint16_t)atoi(colon + 1);
	if (!inet_pton(AF_INET, argv[3], &a))
		return fprintf(stderr, "drlb_drain: bad RIP\n"), 1;
	rip = a.s_addr;
	weight = (uint32_t)atoi(argv[4]);
	count = (unsigned int)atoi(argv[5]);
	every = (unsigned int)atoi(argv[6]);
	if (argc == 8)
		pause = (unsigned int)atoi(argv[7]);
	if (drlb_nl_open())
		return 1;

	first = wait_conns(1);
	printf("start %llu\n", (unsigned long long)first);
	for (i = 0; i < count; i++) {
		last = wait_conns(first + (uint64_t)i * every);
		if (set_weight(0))
			return 1;
		pause_ms(pause);
		if (set_weight(weight))
			return 1;
		pause_ms(pause);
	}
	printf("last %llu\ndrains %u\n", (unsigned long long)last, count);
	printf("end %llu\n", (unsigned long long)conns());
	return 0;
}
