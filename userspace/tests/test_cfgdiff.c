// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for cfgdiff.c: the models restore builds and the steps of
 * their difference - nothing for what both hold, changes in place, the
 * order (deletions of services first, ARP rules added before any goes),
 * a hash that survives deletions, ten thousand services, fwmark
 * services keyed apart from (proto, VIP, port) ones, and IPv6 services
 * and fwmark services keyed by their family too.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cfgdiff.h"
#include "tap.h"

/* An IPv4 address (network order) as a struct drlb_addr. */
#define A4(x) ((struct drlb_addr){ .af = AF_INET, .v4 = (x) })
#define VIP(n) htonl(0x0a000064 + (n))		/* ARP rules take it bare */
#define RIP(n) (&A4(htonl(0x0a00000a + (n))))
/* The key of tcp VIP(n):PORT, and of fwmark MARK. */
#define TCP(n, p) (&(struct cm_key){ .proto = 6, .addr = A4(VIP(n)), .port = (p) })
#define FWM(mark) (&(struct cm_key){ .fwmark = (mark), .addr.af = AF_INET })
/* IPv6: 2001:db8::N; tcp [VIP6(n)]:PORT; fwmark MARK family inet6. */
#define VIP6(n) a6(0x100 + (n))
#define RIP6(n) rip6(0xa + (n))
#define TCP6(n, p) (&(struct cm_key){ .proto = 6, .addr = VIP6(n), .port = (p) })
#define FWM6(mark) (&(struct cm_key){ .fwmark = (mark), .addr.af = AF_INET6 })

static struct drlb_addr a6(int n)
{
	struct drlb_addr a = { .af = AF_INET6,
			       .b = { 0x20, 0x01, 0x0d, 0xb8 } };

	a.b[14] = (uint8_t)(n >> 8);
	a.b[15] = (uint8_t)n;
	return a;
}

/* a6(@n) in one of a few slots, for the calls that take a pointer. */
static const struct drlb_addr *rip6(int n)
{
	static struct drlb_addr slot[4];
	static unsigned int i;
	struct drlb_addr *a = &slot[i++ % 4];

	*a = a6(n);
	return a;
}

struct steps {
	enum cm_op_kind kind[64];
	unsigned int fields[64];
	size_t line[64];
	size_t n;
};

static int rec(const struct cm_op *op, void *arg)
{
	struct steps *s = arg;

	if (s->n < 64) {
		s->kind[s->n] = op->kind;
		s->fields[s->n] = op->fields;
		s->line[s->n] = op->line;
	}
	s->n++;
	return 0;
}

static struct cm_svc *svc(struct cm_model *m, int vip, uint16_t port,
			  int n_rs, size_t line)
{
	struct cm_svc *s;
	int err;

	s = cm_svc_add(m, TCP(vip, port), line, &err);
	for (int i = 0; s && i < n_rs; i++)
		cm_dest_add(s, RIP(i), line, &err);
	return s;
}

static void test_same(void)
{
	struct cm_model a, b;
	struct steps st = { 0 };
	int err;

	cm_init(&a);
	cm_init(&b);
	svc(&a, 0, 80, 3, 0);
	svc(&b, 0, 80, 3, 1);
	cm_arp_add(&a, VIP(0), 0, 0, 0, &err);
	cm_arp_add(&b, VIP(0), 0, 0, 2, &err);
	cm_cfg_set(&a, DRLB_CFG_A_CONN_MAX, 5000, 0);
	cm_cfg_set(&a, DRLB_CFG_A_MH_SEED, 7, 0);
	cm_cfg_set(&b, DRLB_CFG_A_CONN_MAX, 5000, 3);
	cm_diff(&a, &b, rec, &st);
	ok(st.n == 0, "the same configuration: no step (%zu)", st.n);
	ok(cm_diff_count(&b, &b) == 0, "a model against itself: no step");
	ok(!cm_svc_add(&b, TCP(0, 80), 4, &err) && err == -EEXIST,
	   "a service added twice: -EEXIST");
	cm_free(&a);
	cm_free(&b);
}

static void test_changes(void)
{
	struct cm_model a, b;
	struct steps st = { 0 };
	struct cm_svc *s;
	int err;

	cm_init(&a);
	cm_init(&b);
	svc(&a, 0, 80, 3, 0);			/* kept, one server gone */
	svc(&a, 1, 80, 1, 0);			/* gone */
	s = svc(&a, 2, 80, 2, 0);		/* sched and weight change */
	cm_arp_add(&a, VIP(0), 0, 0, 0, &err);	/* kept */
	cm_arp_add(&a, VIP(1), 0, 0, 0, &err);	/* gone */
	cm_arp_add(&a, VIP(2), 0, 0, 0, &err);	/* flags change */
	cm_cfg_set(&a, DRLB_CFG_A_CONN_MAX, 5000, 0);

	svc(&b, 0, 80, 2, 10);
	s = svc(&b, 2, 80, 2, 11);
	snprintf(s->sched, sizeof(s->sched), "mh");
	s->dests[1].weight = 5;
	s->dests[1].line = 12;
	svc(&b, 3, 80, 2, 13);			/* new, with 2 servers */
	cm_dest_add(cm_svc_find(&b, TCP(0, 80)), RIP(7), 14, &err);
	cm_arp_add(&b, VIP(0), 0, 0, 15, &err);
	cm_arp_add(&b, VIP(2), 0, DRLB_ARP_F_PACKET_SOCKETS, 16, &err);
	cm_arp_add(&b, VIP(3), 0, 0, 17, &err);
	cm_cfg_set(&b, DRLB_CFG_A_CONN_MAX, 6000, 18);

	cm_diff(&a, &b, rec, &st);
	ok(st.n == 12, "12 steps (%zu)", st.n);
	ok(st.kind[0] == CM_CFG_SET && st.line[0] == 18, "settings first, with their line");
	ok(st.kind[1] == CM_SVC_DEL, "then the service gone");
	ok(st.kind[2] == CM_DEST_DEL, "then the server gone");
	ok(st.kind[3] == CM_SVC_CHANGE && st.fields[3] == CM_F_SCHED &&
	   st.line[3] == 11, "the scheduler changed in place, nothing else");
	ok(st.kind[4] == CM_DEST_CHANGE && st.line[4] == 12, "the weight changed in place");
	ok(st.kind[5] == CM_DEST_ADD && st.line[5] == 14, "a server added to a kept service");
	ok(st.kind[6] == CM_SVC_ADD && st.kind[7] == CM_DEST_ADD &&
	   st.kind[8] == CM_DEST_ADD, "the new service, then its servers");
	ok(st.kind[9] == CM_ARP_REPLACE && st.kind[10] == CM_ARP_ADD &&
	   st.kind[11] == CM_ARP_DEL, "ARP rules: changed and added before any goes");
	ok(cm_diff_count(&b, &a) == 11, "and 11 steps back (the service gone had one server)");
	cm_free(&a);
	cm_free(&b);
}

static void test_persist(void)
{
	struct cm_model a, b;
	struct steps st = { 0 };
	struct cm_svc *s;

	cm_init(&a);
	cm_init(&b);
	s = svc(&a, 0, 80, 0, 0);
	s->netmask = 24;	/* not persistent: the netmask means nothing */
	svc(&b, 0, 80, 0, 0);
	ok(cm_diff_count(&a, &b) == 0, "netmask without persistence: no step");
	s = cm_svc_find(&b, TCP(0, 80));
	s->persist = 300;
	s->netmask = 24;
	cm_diff(&a, &b, rec, &st);
	ok(st.n == 1 && st.kind[0] == CM_SVC_CHANGE && st.fields[0] == CM_F_PERSIST,
	   "persistence turned on: one change of persistence");
	cm_free(&a);
	cm_free(&b);
}

static void test_sched_opts(void)
{
	struct cm_model a, b;
	struct steps st = { 0 };
	struct cm_svc *s;
	int err;

	cm_init(&a);
	cm_init(&b);
	svc(&a, 0, 80, 2, 0);
	s = svc(&b, 0, 80, 2, 1);
	ok(!s->dests[0].u_thresh && !s->dests[0].l_thresh && !s->sched_flags &&
	   !s->onepacket, "a new service and server: no flags, no thresholds");
	ok(cm_diff_count(&a, &b) == 0, "the same: no step");
	s->sched_flags = DRLB_SCHED_F_FALLBACK;
	s->onepacket = true;
	s->dests[1].u_thresh = 10;
	s->dests[1].line = 2;
	cm_dest_add(s, RIP(5), 3, &err);
	cm_diff(&a, &b, rec, &st);
	ok(st.n == 3, "3 steps (%zu)", st.n);
	ok(st.kind[0] == CM_SVC_CHANGE &&
	   st.fields[0] == (CM_F_SCHED_FLAGS | CM_F_ONEPACKET),
	   "flags and onepacket changed in place, nothing else");
	ok(st.kind[1] == CM_DEST_CHANGE && st.line[1] == 2,
	   "a threshold changed in place");
	ok(st.kind[2] == CM_DEST_ADD, "then the server added");
	s->dests[1].u_thresh = 0;
	s->dests[0].l_thresh = 3;
	st.n = 0;
	cm_diff(&a, &b, rec, &st);
	ok(st.n == 3 && st.kind[1] == CM_DEST_CHANGE && st.line[1] == 1 &&
	   st.kind[2] == CM_DEST_ADD,
	   "a lower threshold alone is a change too; a threshold put back is none");
	cm_free(&a);
	cm_free(&b);
}

static void test_hash(void)
{
	struct cm_model m;
	struct cm_svc *s;
	int err, found = 0;

	cm_init(&m);
	for (int i = 0; i < 10000; i++)
		svc(&m, i % 100, (uint16_t)(1000 + i / 100), 2, (size_t)i + 1);
	for (int i = 0; i < 10000; i += 2)
		cm_svc_del(&m, cm_svc_find(&m, TCP(i % 100, (uint16_t)(1000 + i / 100))));
	for (int i = 0; i < 10000; i++)
		found += !!cm_svc_find(&m, TCP(i % 100, (uint16_t)(1000 + i / 100)));
	ok(found == 5000, "10 000 services, every other deleted: 5 000 found (%d)",
	   found);
	s = cm_svc_add(&m, TCP(0, 1000), 1, &err);
	ok(s && cm_svc_find(&m, TCP(0, 1000)) == s,
	   "a deleted key can be added again");
	cm_svc_flush(&m);
	ok(!cm_svc_find(&m, TCP(1, 1000)), "flush: none left");
	cm_free(&m);
}

/* Fwmark services: keyed by the mark alone, apart from tuple services. */
static void test_fwmark(void)
{
	struct cm_model a, b;
	struct steps st = { 0 };
	struct cm_svc *s, *t;
	int err;

	cm_init(&a);
	cm_init(&b);
	s = cm_svc_add(&a, FWM(5), 1, &err);
	t = cm_svc_add(&a, TCP(0, 80), 2, &err);
	ok(s && t && s != t, "fwmark 5 and a tcp service side by side");
	ok(cm_svc_find(&a, FWM(5)) == s && !cm_svc_find(&a, FWM(6)),
	   "fwmark 5 found by its mark, fwmark 6 not");
	ok(!cm_svc_find(&a, &(struct cm_key){ .proto = 6, .addr = A4(htonl(5)) }),
	   "tcp 0.0.0.5:* is not fwmark 5");
	ok(!cm_svc_add(&a, FWM(5), 3, &err) && err == -EEXIST,
	   "fwmark 5 added twice: -EEXIST");
	cm_dest_add(cm_svc_find(&a, FWM(5)), RIP(1), 1, &err);

	s = cm_svc_add(&b, FWM(5), 10, &err);
	snprintf(s->sched, sizeof(s->sched), "mh");
	s->persist = 300;
	cm_dest_add(s, RIP(1), 10, &err);
	cm_dest_add(s, RIP(2), 11, &err);
	cm_svc_add(&b, FWM(7), 12, &err);
	cm_diff(&a, &b, rec, &st);
	ok(st.n == 4, "4 steps (%zu)", st.n);
	ok(st.kind[0] == CM_SVC_DEL, "the tcp service goes");
	ok(st.kind[1] == CM_SVC_CHANGE && st.line[1] == 10 &&
	   st.fields[1] == (CM_F_SCHED | CM_F_PERSIST),
	   "fwmark 5 changed in place: scheduler and persistence");
	ok(st.kind[2] == CM_DEST_ADD && st.line[2] == 11,
	   "a server added to fwmark 5");
	ok(st.kind[3] == CM_SVC_ADD && st.line[3] == 12, "fwmark 7 added");
	cm_svc_del(&b, cm_svc_find(&b, FWM(5)));
	ok(!cm_svc_find(&b, FWM(5)) && cm_svc_find(&b, FWM(7)),
	   "fwmark 5 deleted, fwmark 7 kept");
	cm_free(&a);
	cm_free(&b);
}

/* IPv6 services: keyed by family too, their own netmask default. */
static void test_ipv6(void)
{
	struct cm_model a, b;
	struct steps st = { 0 };
	struct cm_svc *s, *t, *u;
	struct drlb_addr w;
	int err;

	cm_init(&a);
	cm_init(&b);
	s = cm_svc_add(&a, FWM(5), 1, &err);
	t = cm_svc_add(&a, FWM6(5), 2, &err);
	ok(s && t && s != t, "fwmark 5 of both families side by side");
	ok(cm_svc_find(&a, FWM(5)) == s && cm_svc_find(&a, FWM6(5)) == t,
	   "each found by mark and family");
	ok(s->netmask == 32 && t->netmask == 128,
	   "default persistence netmask: 32 for IPv4, 128 for IPv6");
	ok(!cm_svc_add(&a, FWM6(5), 3, &err) && err == -EEXIST,
	   "fwmark 5 family inet6 added twice: -EEXIST");
	u = cm_svc_add(&a, TCP6(0, 80), 4, &err);
	ok(u && u->netmask == 128 && cm_svc_find(&a, TCP6(0, 80)) == u &&
	   !cm_svc_find(&a, TCP6(0, 81)) && !cm_svc_find(&a, TCP6(1, 80)),
	   "tcp [2001:db8::100]:80 found by its key only");
	/* An IPv6 address whose first bytes are an IPv4 key's. */
	w = (struct drlb_addr){ .af = AF_INET6 };
	memcpy(w.b, &(uint32_t){ VIP(0) }, 4);
	ok(!cm_svc_find(&a, &(struct cm_key){ .proto = 6, .addr = w, .port = 80 }) &&
	   cm_svc_add(&a, TCP(0, 80), 5, &err) &&
	   !cm_svc_find(&a, &(struct cm_key){ .proto = 6, .addr = w, .port = 80 }),
	   "an IPv4 VIP and an IPv6 one with the same leading bytes are apart");
	cm_dest_add(u, RIP6(1), 4, &err);
	ok(cm_dest_find(u, RIP6(1)) && !cm_dest_find(u, RIP6(2)) &&
	   !cm_dest_find(u, RIP(1)), "servers found by address and family");
	ok(!cm_dest_add(u, RIP6(1), 4, &err) && err == -EEXIST,
	   "an IPv6 server added twice: -EEXIST");

	/* b: fwmark 5 (IPv4) gone, the IPv6 one changed, tcp6 one more server. */
	t = cm_svc_add(&b, FWM6(5), 10, &err);
	t->persist = 60;
	t->netmask = 64;
	u = cm_svc_add(&b, TCP6(0, 80), 11, &err);
	cm_dest_add(u, RIP6(1), 11, &err);
	cm_dest_add(u, RIP6(2), 12, &err);
	cm_svc_add(&b, TCP(0, 80), 13, &err);
	cm_svc_add(&b, TCP6(1, 443), 14, &err);
	cm_diff(&a, &b, rec, &st);
	ok(st.n == 4, "4 steps (%zu)", st.n);
	ok(st.kind[0] == CM_SVC_DEL, "fwmark 5 (IPv4) goes, its IPv6 twin stays");
	ok(st.kind[1] == CM_SVC_CHANGE && st.line[1] == 10 &&
	   st.fields[1] == CM_F_PERSIST,
	   "fwmark 5 family inet6: persistence changed in place");
	ok(st.kind[2] == CM_DEST_ADD && st.line[2] == 12,
	   "an IPv6 server added to a kept service");
	ok(st.kind[3] == CM_SVC_ADD && st.line[3] == 14,
	   "tcp [2001:db8::101]:443 added");
	ok(cm_diff_count(&b, &b) == 0, "an IPv6 model against itself: no step");
	cm_free(&a);
	cm_free(&b);

	cm_init(&a);
	for (int i = 0; i < 4000; i++)
		cm_svc_add(&a, TCP6(i, 80), 1, &err);
	for (int i = 0; i < 4000; i++)
		cm_svc_add(&a, TCP(i % 200, (uint16_t)(80 + i / 200)), 1, &err);
	err = 0;
	for (int i = 0; i < 4000; i++)
		err += cm_svc_find(&a, TCP6(i, 80)) &&
		       cm_svc_find(&a, TCP(i % 200, (uint16_t)(80 + i / 200)));
	ok(err == 4000, "4 000 IPv6 and 4 000 IPv4 services all found (%d)", err);
	cm_free(&a);
}

int main(void)
{
	test_same();
	test_changes();
	test_persist();
	test_sched_opts();
	test_hash();
	test_fwmark();
	test_ipv6();
	return tap_done();
}
