// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_churn - configuration churn for the stress tests, in the spirit of
 * the kernel's nft_trans_stress.sh: thousands of service and real-server
 * changes per run, from one process (a drlbctl per change is too slow
 * under TCG).
 *
 *   drlb_churn -v VIP -p PORT_MIN-PORT_MAX -r RIP[,RIP...] [-n OPS]
 *              [-t SECONDS] [-s SEED] [-k PROTO:PORT]
 *
 * Runs OPS changes (or for SECONDS), each one of: add a service (tcp or
 * udp, VIP, a port in the range, a random scheduler, sometimes
 * persistent), change one (scheduler, persistence, expire-nodest), delete
 * one, add a real server (from the RIP list) with a random weight, change
 * its weight (0 drains), delete it, zero a service's counters, set the
 * Maglev seed. Only services in the port range are touched; -k names the
 * long-lived service the caller watches, which must be outside the range
 * (checked).
 *
 * EEXIST and ENOENT are expected (the choices are random); any other error
 * fails. At the end every churned service is deleted and the service list
 * must hold exactly the -k service (when given). Prints TAP and a summary.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>

#include "../../userspace/nl.h"
#include "rng.h"


static const char *const scheds[] = {
	"rr", "wrr", "lc", "wlc", "sh", "mh", "nq", "sed",
};

static uint32_t vip;
static unsigned int port_min, port_max;
static uint32_t rips[64];
static int n_rips;

enum op {
	OP_SVC_ADD, OP_SVC_SET, OP_SVC_DEL, OP_DEST_ADD, OP_DEST_SET,
	OP_DEST_DEL, OP_ZERO, OP_MH_SEED, OP_MAX
};

static const char *const op_names[OP_MAX] = {
	"service add", "service change", "service del", "server add",
	"server change", "server del", "stats zero", "mh-seed",
};

/* Relative frequency: servers churn more than services. */
static const int op_weight[OP_MAX] = { 4, 2, 2, 8, 6, 5, 1, 1 };

static long done_ok[OP_MAX], done_expected[OP_MAX], done_bad[OP_MAX];

static void put_svc(struct nl_msg *msg, uint8_t proto, uint16_t port,
		    int settings)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);

	drlb_nl_put_addr4(msg, DRLB_SVC_A_AF, DRLB_SVC_A_ADDR, vip);
	nla_put_u8(msg, DRLB_SVC_A_PROTOCOL, proto);
	nla_put_u16(msg, DRLB_SVC_A_PORT, port);
	if (settings) {
		if (pick(2))
			nla_put_string(msg, DRLB_SVC_A_SCHED_NAME,
				       scheds[pick(sizeof(scheds) / sizeof(scheds[0]))]);
		if (!pick(4)) {
			nla_put_u32(msg, DRLB_SVC_A_PERSIST_TIMEOUT,
				    pick(2) ? 0 : 1 + pick(600));
			nla_put_u8(msg, DRLB_SVC_A_PERSIST_NETMASK, 16 + pick(17));
		}
		if (!pick(4))
			nla_put_u8(msg, DRLB_SVC_A_EXPIRE_NODEST, pick(2));
	}
	nla_nest_end(msg, nest);
}

static void put_dest(struct nl_msg *msg, uint32_t rip, int weight)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_DEST);

	drlb_nl_put_addr4(msg, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR, rip);
	if (weight >= 0)
		nla_put_u32(msg, DRLB_DEST_A_WEIGHT, (uint32_t)weight);
	nla_nest_end(msg, nest);
}

static enum op pick_op(void)
{
	int total = 0, r;

	for (int i = 0; i < OP_MAX; i++)
		total += op_weight[i];
	r = (int)pick((uint32_t)total);
	for (int i = 0; i < OP_MAX; i++) {
		if (r < op_weight[i])
			return (enum op)i;
		r -= op_weight[i];
	}
	return OP_SVC_ADD;
}

static int one_op(void)
{
	enum op op = pick_op();
	uint8_t proto = pick(2) ? IPPROTO_TCP : IPPROTO_UDP;
	uint16_t port = (uint16_t)(port_min + pick(port_max - port_min + 1));
	uint32_t rip = rips[pick((uint32_t)n_rips)];
	struct nl_msg *msg = NULL;
	struct nlattr *nest;
	int err;

	switch (op) {
	case OP_SVC_ADD:
		msg = drlb_nl_msg(DRLB_CMD_NEW_SERVICE, 0);
		put_svc(msg, proto, port, 1);
		break;
	case OP_SVC_SET:
		msg = drlb_nl_msg(DRLB_CMD_SET_SERVICE, 0);
		put_svc(msg, proto, port, 1);
		break;
	case OP_SVC_DEL:
		msg = drlb_nl_msg(DRLB_CMD_DEL_SERVICE, 0);
		put_svc(msg, proto, port, 0);
		break;
	case OP_DEST_ADD:
		msg = drlb_nl_msg(DRLB_CMD_NEW_DEST, 0);
		put_svc(msg, proto, port, 0);
		put_dest(msg, rip, pick(4) ? (int)pick(100) : -1);
		break;
	case OP_DEST_SET:
		msg = drlb_nl_msg(DRLB_CMD_SET_DEST, 0);
		put_svc(msg, proto, port, 0);
		put_dest(msg, rip, (int)pick(100));
		break;
	case OP_DEST_DEL:
		msg = drlb_nl_msg(DRLB_CMD_DEL_DEST, 0);
		put_svc(msg, proto, port, 0);
		put_dest(msg, rip, -1);
		break;
	case OP_ZERO:
		msg = drlb_nl_msg(DRLB_CMD_ZERO, 0);
		put_svc(msg, proto, port, 0);
		break;
	case OP_MH_SEED:
		msg = drlb_nl_msg(DRLB_CMD_SET_CONFIG, 0);
		nest = nla_nest_start(msg, DRLB_A_CONFIG);
		nla_put_u32(msg, DRLB_CFG_A_MH_SEED, rnd());
		nla_nest_end(msg, nest);
		break;
	case OP_MAX:
		break;
	}
	err = drlb_nl_transact(msg, NULL, NULL);
	if (!err) {
		done_ok[op]++;
	} else if (err == -EEXIST || err == -ENOENT) {
		done_expected[op]++;
	} else {
		done_bad[op]++;
		if (done_bad[op] <= 3)
			printf("# %s: %s (%s)\n", op_names[op], strerror(-err),
			       drlb_nl_errmsg());
	}
	return err;
}

struct listing {
	int n, others;
	uint8_t keep_proto;
	uint16_t keep_port;
	int keep_seen;
};

static int list_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *st[DRLB_SVC_A_MAX + 1];
	struct listing *l = arg;

	if (drlb_nl_parse_nested(st, DRLB_SVC_A_MAX, tb[DRLB_A_SERVICE]) ||
	    !st[DRLB_SVC_A_PROTOCOL] || !st[DRLB_SVC_A_PORT])
		return -EPROTO;
	l->n++;
	if (nla_get_u8(st[DRLB_SVC_A_PROTOCOL]) == l->keep_proto &&
	    nla_get_u16(st[DRLB_SVC_A_PORT]) == l->keep_port)
		l->keep_seen++;
	else
		l->others++;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: drlb_churn -v VIP -p MIN-MAX -r RIP[,RIP...] [-n OPS] [-t SECS] [-s SEED] [-k PROTO:PORT]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long ops = 1000, total_ok = 0, total_exp = 0, total_bad = 0, n = 0;
	unsigned long long seed = (unsigned long long)time(NULL);
	struct listing l = { 0 };
	int secs = 0, have_keep = 0, c, fails = 0, t = 0;
	char *tok, *save = NULL;
	struct timespec t0, t1;

	while ((c = getopt(argc, argv, "v:p:r:n:t:s:k:")) != -1) {
		switch (c) {
		case 'v':
			if (inet_pton(AF_INET, optarg, &vip) != 1)
				usage();
			break;
		case 'p':
			if (sscanf(optarg, "%u-%u", &port_min, &port_max) != 2 ||
			    !port_min || port_min > port_max || port_max > 65535)
				usage();
			break;
		case 'r':
			for (tok = strtok_r(optarg, ",", &save); tok && n_rips < 64;
			     tok = strtok_r(NULL, ",", &save))
				if (inet_pton(AF_INET, tok, &rips[n_rips++]) != 1)
					usage();
			break;
		case 'n':
			ops = atol(optarg);
			break;
		case 't':
			secs = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'k': {
			char proto[8];
			unsigned int port;

			if (sscanf(optarg, "%7[a-z]:%u", proto, &port) != 2)
				usage();
			l.keep_proto = !strcmp(proto, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
			l.keep_port = (uint16_t)port;
			have_keep = 1;
			break;
		}
		default:
			usage();
		}
	}
	if (!vip || !port_min || !n_rips)
		usage();
	if (have_keep && l.keep_port >= port_min && l.keep_port <= port_max) {
		fprintf(stderr, "drlb_churn: -k service inside the churned range\n");
		return 2;
	}
	rng_seed(88172645463325252ULL ^ (seed * 0x9e3779b97f4a7c15ULL));
	if (!rng_state)
		rng_state = 1;
	printf("# seed %llu\n", seed);
	if (drlb_nl_open())
		return 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (secs) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (t1.tv_sec - t0.tv_sec >= secs)
				break;
		} else if (n >= ops) {
			break;
		}
		one_op();
		n++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (int i = 0; i < OP_MAX; i++) {
		printf("# %-15s %6ld done, %6ld refused as expected, %ld failed\n",
		       op_names[i], done_ok[i], done_expected[i], done_bad[i]);
		total_ok += done_ok[i];
		total_exp += done_expected[i];
		total_bad += done_bad[i];
	}
	printf("# %ld changes in %.1f s (%ld applied, %ld refused as expected)\n",
	       n, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       total_ok, total_exp);
	printf("%s %d - %ld changes, no unexpected error\n",
	       total_bad ? "not ok" : "ok", ++t, n);
	fails += !!total_bad;

	/* Clean up: every service of the churned range goes. */
	for (unsigned int p = port_min; p <= port_max; p++) {
		for (int k = 0; k < 2; k++) {
			struct nl_msg *msg = drlb_nl_msg(DRLB_CMD_DEL_SERVICE, 0);
			int err;

			put_svc(msg, k ? IPPROTO_TCP : IPPROTO_UDP, (uint16_t)p, 0);
			err = drlb_nl_transact(msg, NULL, NULL);
			if (err && err != -ENOENT)
				total_bad++;
		}
	}
	if (drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_SERVICE, 1), list_cb, &l)) {
		printf("not ok %d - service dump after the churn\n", ++t);
		fails++;
	} else {
		int good = !l.others && l.keep_seen == have_keep;

		printf("%s %d - afterwards only the watched service is left (%d services, %d others)\n",
		       good ? "ok" : "not ok", ++t, l.n, l.others);
		fails += !good;
	}
	printf("1..%d\n", t);
	return fails ? 1 : 0;
}
