// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl as a whole over a fake module (tests/fake_kernel.c stands in
 * for nl.c): command lines of both address families through the real
 * parsers, requests, reply callbacks and listings.
 *
 *  - an IPv4 configuration lists, saves and shows its flows byte for byte
 *    as drlbctl did before IPv6 (the golden texts below are that
 *    drlbctl's output over the same fake module);
 *  - IPv6 services, servers, fwmark services of both families and IPv6
 *    flows list with [ADDR]:PORT and widened columns, and save;
 *  - save, flush, restore gives the same configuration back;
 *  - a server of the other family, an IPv6 service on a module without
 *    DRLB_F_DIRECTOR_IPV6 and such lines in a restore file are refused
 *    before anything is sent;
 *  - IPv6 conn filters send AF_INET6 and 16-byte addresses;
 *  - an ARP rule of another family in a dump is left out;
 *  - monitor prints events of IPv6 services, servers and neighbours in
 *    the commands' words and skips those of an unknown family.
 */

#include <arpa/inet.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/genl/genl.h>

#include "drlbctl.h"
#include "fake_kernel.h"
#include "svc.h"
#include "tap.h"

/* drlbctl.c's main(), renamed when built for this test. */
int drlbctl_main(int argc, char **argv);

#define FEATURES (DRLB_F_DIRECTOR_IPV4 | DRLB_F_ARP_SUPPRESS | \
		  DRLB_F_DEST_DUMP_ALL | DRLB_F_NO_STATS)

/* The last run's exit code, standard output and standard error. */
static int rc;
static char *out, *err;

/* Run "drlbctl LINE" (words split on blanks), its output caught. */
static int run(const char *fmt, ...)
{
	char line[512], *argv[64], *w, *save;
	FILE *o, *e, *so = stdout, *se = stderr;
	size_t olen, elen;
	int argc = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[argc++] = "drlbctl";
	for (w = strtok_r(line, " ", &save); w && argc < 63;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	free(out);
	free(err);
	fflush(stdout);
	fflush(stderr);
	o = open_memstream(&out, &olen);
	e = open_memstream(&err, &elen);
	if (!o || !e)
		abort();
	stdout = o;
	stderr = e;
	optind = 0;
	memset(&opts, 0, sizeof(opts));
	rc = drlbctl_main(argc, argv);
	stdout = so;
	stderr = se;
	fclose(o);
	fclose(e);
	return rc;
}

/* Compare @got with @want; on a difference, show both. */
static bool same(const char *got, const char *want)
{
	if (!strcmp(got, want))
		return true;
	printf("# got:\n%s# want:\n%s", got, want);
	return false;
}

static struct drlb_addr addr(const char *s)
{
	struct drlb_addr a = { .af = strchr(s, ':') ? AF_INET6 : AF_INET };

	if (inet_pton(a.af, s, a.b) != 1)
		abort();
	return a;
}

/* A flow (or template: @persist) in the fake table; @vip "" for a mark. */
static void conn(uint8_t proto, const char *c, uint16_t cport, const char *v,
		 uint16_t vport, const char *d, uint8_t state, uint32_t ms,
		 bool persist, uint32_t mark)
{
	struct fk_conn *k = &fk.conns[fk.n_conns++];

	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->caddr = addr(c);
	k->cport = cport;
	k->daddr = addr(d);
	k->vport = vport;
	k->state = state;
	k->expires_ms = ms;
	k->persist = persist;
	if (*v) {
		k->vaddr = addr(v);
	} else {
		/* A fwmark template's VIP: the mark, the rest zero. */
		k->vaddr.af = k->caddr.af;
		mark = htonl(mark);
		memcpy(k->vaddr.b, &mark, 4);
	}
}

/* The fwmark service @mark of family @af in the fake module. */
static struct fk_svc *fwm_svc(uint32_t mark, uint16_t af)
{
	for (int i = 0; i < fk.n_svcs; i++)
		if (fk.svcs[i].fwmark == mark && fk.svcs[i].addr.af == af)
			return &fk.svcs[i];
	abort();
}

/* Run every line of @lines, each expected to succeed. */
static bool run_all(const char *const *lines)
{
	for (; *lines; lines++)
		if (run("%s", *lines)) {
			printf("# '%s': exit %d: %s", *lines, rc, err);
			return false;
		}
	return true;
}

/*
 * Golden outputs. The IPv4 ones are what drlbctl printed before it knew
 * IPv6 (commit abac89f), over this fake module and the same commands.
 */
static const char v4_show[] =
	"PROTO VIP:PORT              SCHED  FLAGS\n"
	"  -> SERVER          WEIGHT  ACTIVE INACTIVE  MAC                DEV\n"
	"udp   10.0.0.100:53         mh     sched-flags fallback onepacket yes\n"
	"  -> 10.0.0.13            1       0        0  unresolved         -\n"
	"tcp   10.0.0.100:80         rr\n"
	"  -> 10.0.0.9             1       0        0  unresolved         -  u-threshold 100  l-threshold 50\n"
	"  -> 10.0.0.11            2       0        0  unresolved         -\n"
	"tcp   192.168.100.200:443   wlc    persistent 300 netmask 24 expire-nodest no midstream yes\n"
	"  -> 192.168.100.201      1       0        0  unresolved         -\n"
	"FWM   5                     sh     persistent 60\n"
	"  -> 10.0.0.11            0       0        0  unresolved         -\n"
	;
static const char v4_show_json[] =
	"{\n"
	"  \"services\": [\n"
	"    {\n"
	"      \"protocol\": \"udp\",\n"
	"      \"vip\": \"10.0.0.100\",\n"
	"      \"port\": 53,\n"
	"      \"scheduler\": \"mh\",\n"
	"      \"persistent\": 0,\n"
	"      \"netmask\": 32,\n"
	"      \"expire_nodest\": true,\n"
	"      \"midstream\": false,\n"
	"      \"sched_flags\": [\n"
	"        \"fallback\"\n"
	"      ],\n"
	"      \"onepacket\": true,\n"
	"      \"num_servers\": 1,\n"
	"      \"servers\": [\n"
	"        {\n"
	"          \"address\": \"10.0.0.13\",\n"
	"          \"weight\": 1,\n"
	"          \"active_conns\": 0,\n"
	"          \"inactive_conns\": 0,\n"
	"          \"mac\": null,\n"
	"          \"dev\": null,\n"
	"          \"ifindex\": 0,\n"
	"          \"neigh\": \"none\",\n"
	"          \"u_threshold\": 0,\n"
	"          \"l_threshold\": 0,\n"
	"          \"persist_conns\": 0,\n"
	"          \"overloaded\": false\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n"
	;
static const char v4_save[] =
	"# drlb configuration (drlbctl save); apply with: drlbctl restore FILE\n"
	"config set timeout-tcp-est 900 timeout-tcp-syn 60 timeout-tcp-fin 120 timeout-tcp-close 10 timeout-udp 300 timeout-sctp 900 timeout-other 60 bypass-mark 0 conn-max 1048576 mh-table-size 65537 mh-seed 0 cluster no\n"
	"service add udp 10.0.0.100:53 sched mh sched-flags fallback onepacket yes\n"
	"server add udp 10.0.0.100:53 10.0.0.13 weight 1\n"
	"service add tcp 10.0.0.100:80 sched rr\n"
	"server add tcp 10.0.0.100:80 10.0.0.9 weight 1 u-threshold 100 l-threshold 50\n"
	"server add tcp 10.0.0.100:80 10.0.0.11 weight 2\n"
	"service add tcp 192.168.100.200:443 sched wlc persistent 300 netmask 24 expire-nodest no midstream yes\n"
	"server add tcp 192.168.100.200:443 192.168.100.201 weight 1\n"
	"service add fwmark 5 sched sh persistent 60\n"
	"server add fwmark 5 10.0.0.11 weight 0\n"
	;
static const char v4_conns[] =
	"PROTO CLIENT                VIP                   SERVER          STATE       EXPIRES\n"
	"tcp   10.0.1.2:40000        10.0.0.100:80         10.0.0.11       established 14:59\n"
	"tcp   192.168.1.1:*         192.168.100.200:443   192.168.100.201 persistent  05:00\n"
	"FWM   10.0.1.2:*            5                     10.0.0.11       persistent  01:00\n"
	;
static const char v4_conns_json[] =
	"{\n"
	"  \"conns\": [\n"
	"    {\n"
	"      \"protocol\": \"tcp\",\n"
	"      \"client\": \"10.0.1.2\",\n"
	"      \"client_port\": 40000,\n"
	"      \"vip\": \"10.0.0.100\",\n"
	"      \"vip_port\": 80,\n"
	"      \"server\": \"10.0.0.11\",\n"
	"      \"state\": \"established\",\n"
	"      \"persistent\": false,\n"
	"      \"expires_ms\": 899000\n"
	"    },\n"
	"    {\n"
	"      \"protocol\": \"tcp\",\n"
	"      \"client\": \"192.168.1.1\",\n"
	"      \"client_port\": 0,\n"
	"      \"vip\": \"192.168.100.200\",\n"
	"      \"vip_port\": 443,\n"
	"      \"server\": \"192.168.100.201\",\n"
	"      \"state\": \"none\",\n"
	"      \"persistent\": true,\n"
	"      \"expires_ms\": 300000\n"
	"    },\n"
	"    {\n"
	"      \"fwmark\": 5,\n"
	"      \"client\": \"10.0.1.2\",\n"
	"      \"client_port\": 0,\n"
	"      \"server\": \"10.0.0.11\",\n"
	"      \"state\": \"none\",\n"
	"      \"persistent\": true,\n"
	"      \"expires_ms\": 60000\n"
	"    }\n"
	"  ]\n"
	"}\n"
	;
static const char v6_show[] =
	"PROTO VIP:PORT              SCHED  FLAGS\n"
	"  -> SERVER                                 WEIGHT  ACTIVE INACTIVE  MAC                DEV\n"
	"tcp   10.0.0.100:80         rr\n"
	"  -> 10.0.0.11                                   1       0        0  unresolved         -\n"
	"udp   [2001:db8::100]:*     mh     persistent 300 netmask 64\n"
	"tcp   [2001:db8::100]:80    rr\n"
	"  -> 2001:db8::a                                 1       0        0  unresolved         -\n"
	"  -> 2001:db8::11                                2       0        0  unresolved         -\n"
	"  -> 2001:db8:1234:5678:9abc:def0:1234:5678      1       0        0  unresolved         -\n"
	"FWM   5                     wlc\n"
	"FWM   5 inet6               sh     persistent 60 netmask 48\n"
	"  -> 2001:db8::11                                1       0        0  unresolved         -\n"
	;
static const char v6_save[] =
	"# drlb configuration (drlbctl save); apply with: drlbctl restore FILE\n"
	"config set timeout-tcp-est 900 timeout-tcp-syn 60 timeout-tcp-fin 120 timeout-tcp-close 10 timeout-udp 300 timeout-sctp 900 timeout-other 60 bypass-mark 0 conn-max 1048576 mh-table-size 65537 mh-seed 0 cluster no\n"
	"service add tcp 10.0.0.100:80 sched rr\n"
	"server add tcp 10.0.0.100:80 10.0.0.11 weight 1\n"
	"service add udp [2001:db8::100]:* sched mh persistent 300 netmask 64\n"
	"service add tcp [2001:db8::100]:80 sched rr\n"
	"server add tcp [2001:db8::100]:80 2001:db8::a weight 1\n"
	"server add tcp [2001:db8::100]:80 2001:db8::11 weight 2\n"
	"server add tcp [2001:db8::100]:80 2001:db8:1234:5678:9abc:def0:1234:5678 weight 1\n"
	"service add fwmark 5 sched wlc\n"
	"service add fwmark 5 family inet6 sched sh persistent 60 netmask 48\n"
	"server add fwmark 5 family inet6 2001:db8::11 weight 1\n"
	;
static const char v6_conns[] =
	"PROTO CLIENT                                      VIP                   SERVER          STATE       EXPIRES\n"
	"tcp   10.0.1.2:40000                              10.0.0.100:80         10.0.0.11       established 14:59\n"
	"udp   [2001:db8:1::3]:*                           [2001:db8::100]:*     2001:db8::a     persistent  05:00\n"
	"tcp   [2001:db8:aaaa:bbbb:cccc:dddd:eeee:2]:40000 [2001:db8::100]:80    2001:db8::11    established 14:59\n"
	"FWM   [2001:db8:1::2]:*                           5                     2001:db8::11    persistent  01:00\n"
	;

static void test_ipv4_unchanged(void)
{
	static const char *const setup[] = {
		"service add tcp 10.0.0.100:80 sched rr",
		"service add udp 10.0.0.100:53 sched mh sched-flags fallback onepacket yes",
		"service add tcp 192.168.100.200:443 persistent 300 netmask 255.255.255.0 expire-nodest no midstream yes",
		"service add fwmark 5 sched sh persistent 60",
		"server add tcp 10.0.0.100:80 10.0.0.11 weight 2",
		"server add tcp 10.0.0.100:80 10.0.0.9 u-threshold 100 l-threshold 50",
		"server add udp 10.0.0.100:53 10.0.0.13",
		"server add fwmark 5 10.0.0.11 weight 0",
		"server add tcp 192.168.100.200:443 192.168.100.201",
		NULL
	};

	fk_reset(FEATURES | DRLB_F_DIRECTOR_IPV6);
	ok(run_all(setup), "IPv4: services and servers added");
	ok(!run("service show") && same(out, v4_show),
	   "IPv4: service show as before IPv6");
	ok(!run("-j service show udp 10.0.0.100:53") && same(out, v4_show_json),
	   "IPv4: -j service show as before (no \"family\")");
	ok(!run("save") && same(out, v4_save), "IPv4: save as before");
	conn(6, "10.0.1.2", 40000, "10.0.0.100", 80, "10.0.0.11",
	     DRLB_CONN_S_EST, 899000, false, 0);
	conn(0, "10.0.1.2", 0, "", 0, "10.0.0.11", 0, 60000, true, 5);
	conn(6, "192.168.1.1", 0, "192.168.100.200", 443, "192.168.100.201",
	     0, 300000, true, 0);
	ok(!run("conn show") && same(out, v4_conns), "IPv4: conn show as before");
	ok(!run("-j conn show") && same(out, v4_conns_json),
	   "IPv4: -j conn show as before");
}

static const char *const v6_setup[] = {
	"service add tcp 10.0.0.100:80 sched rr",
	"service add tcp [2001:db8::100]:80 sched rr",
	"service add udp 2001:db8::100 sched mh persistent 300 netmask 64",
	"service add fwmark 5 family inet6 sched sh persistent 60 netmask 48",
	"service add fwmark 5",
	"server add tcp 10.0.0.100:80 10.0.0.11",
	"server add tcp [2001:db8::100]:80 2001:db8::11 weight 2",
	"server add tcp [2001:db8::100]:80 [2001:db8::a]",
	"server add tcp [2001:db8::100]:80 2001:db8:1234:5678:9abc:def0:1234:5678",
	"server add fwmark 5 family inet6 2001:db8::11",
	NULL
};

static void test_ipv6(void)
{
	const struct fk_svc *s;

	fk_reset(FEATURES | DRLB_F_DIRECTOR_IPV6);
	ok(run_all(v6_setup), "IPv6: services and servers added");
	s = &fk.svcs[1];
	ok(fk.n_svcs == 5 && s->addr.af == AF_INET6 && s->port == 80 &&
	   s->n_dests == 3 && s->dests[0].addr.af == AF_INET6,
	   "the module got an IPv6 service with IPv6 servers");
	ok(fwm_svc(5, AF_INET6)->netmask == 48 &&
	   fwm_svc(5, AF_INET)->netmask == 32,
	   "fwmark 5 of both families, netmask 48 for the IPv6 one");
	ok(!run("service show") && same(out, v6_show),
	   "IPv6: service show ([addr]:port, FWM 5 inet6, wider server column)");
	ok(!run("save") && same(out, v6_save), "IPv6: save");
	ok(!run("-j service show fwmark 5 family inet6") &&
	   strstr(out, "\"fwmark\": 5,\n      \"family\": \"inet6\",") &&
	   strstr(out, "\"netmask\": 48,") &&
	   strstr(out, "\"address\": \"2001:db8::11\","),
	   "IPv6: -j: \"family\": \"inet6\" after the key, addresses as text");
	ok(!run("-j service show tcp [2001:db8::100]:80") &&
	   strstr(out, "\"vip\": \"2001:db8::100\",\n"
		       "      \"port\": 80,\n"
		       "      \"family\": \"inet6\",\n"),
	   "IPv6: -j: vip, port, family");
	ok(!run("server show udp [2001:db8::100]:*") && !*out,
	   "server show of an IPv6 service without servers: nothing");

	conn(6, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:2", 40000, "2001:db8::100",
	     80, "2001:db8::11", DRLB_CONN_S_EST, 899000, false, 0);
	conn(6, "10.0.1.2", 40000, "10.0.0.100", 80, "10.0.0.11",
	     DRLB_CONN_S_EST, 899000, false, 0);
	conn(0, "2001:db8:1::2", 0, "", 0, "2001:db8::11", 0, 60000, true, 5);
	conn(17, "2001:db8:1::3", 0, "2001:db8::100", 0, "2001:db8::a", 0,
	     300000, true, 0);
	ok(!run("conn show") && same(out, v6_conns),
	   "IPv6: conn show (IPv4 first, fwmark template by its mark)");
	ok(!run("-j conn show") &&
	   strstr(out, "\"fwmark\": 5,\n"
		       "      \"family\": \"inet6\",\n"
		       "      \"client\": \"2001:db8:1::2\",\n") &&
	   strstr(out, "\"protocol\": \"tcp\",\n      \"client\": \"10.0.1.2\","),
	   "IPv6: -j conn show: \"family\" on IPv6 entries only");
}

/* The attributes of the last GET_CONN/DEL_CONN's DRLB_A_CONN nest. */
static bool conn_req(struct nlattr **ct)
{
	struct nlattr *tb[DRLB_A_MAX + 1];

	memset(ct, 0, (DRLB_CONN_A_MAX + 1) * sizeof(*ct));
	return genlmsg_parse((struct nlmsghdr *)fk.conn_req, 0, tb,
			     DRLB_A_MAX, NULL) >= 0 && tb[DRLB_A_CONN] &&
	       !nla_parse_nested(ct, DRLB_CONN_A_MAX, tb[DRLB_A_CONN], NULL);
}

static void test_conn_filters(void)
{
	struct nlattr *ct[DRLB_CONN_A_MAX + 1];
	struct drlb_addr want = addr("2001:db8:1::");

	fk_reset(FEATURES | DRLB_F_DIRECTOR_IPV6);
	ok(!run("conn show client 2001:db8:1::5/64 server [2001:db8::11]") &&
	   conn_req(ct) && ct[DRLB_CONN_A_AF] &&
	   nla_get_u16(ct[DRLB_CONN_A_AF]) == AF_INET6 &&
	   nla_len(ct[DRLB_CONN_A_CADDR]) == 16 &&
	   !memcmp(nla_data(ct[DRLB_CONN_A_CADDR]), want.b, 6) &&
	   nla_get_u8(ct[DRLB_CONN_A_CPREFIX]) == 64 &&
	   nla_len(ct[DRLB_CONN_A_DADDR]) == 16,
	   "an IPv6 filter: AF_INET6, 16-byte client /64 and server");
	ok(!run("conn del client 10.0.1.0/24 server 10.0.0.11") &&
	   conn_req(ct) && !ct[DRLB_CONN_A_AF] &&
	   nla_len(ct[DRLB_CONN_A_CADDR]) == 4 &&
	   nla_get_u8(ct[DRLB_CONN_A_CPREFIX]) == 24 &&
	   nla_len(ct[DRLB_CONN_A_DADDR]) == 4,
	   "an IPv4 filter as before: no AF, 4-byte addresses");
	ok(!run("conn show client 2001:db8::1") && conn_req(ct) &&
	   nla_get_u8(ct[DRLB_CONN_A_CPREFIX]) == 128,
	   "an IPv6 client alone is /128");
	ok(run("conn show tcp [2001:db8::100]:80 client 10.0.0.0/8") == 2 &&
	   strstr(err, "[2001:db8::100]:80 is IPv6") &&
	   strstr(err, "10.0.0.0/8 is IPv4"),
	   "a service and a client of different families: refused, both named");
	ok(run("conn show client 2001:db8::/129") == 2 &&
	   run("conn show server fe80::1%%eth0") == 2 && strstr(err, "zone"),
	   "a prefix beyond 128, a zone index: refused");
}

static void test_refusals(void)
{
	int before;

	fk_reset(FEATURES | DRLB_F_DIRECTOR_IPV6);
	run_all(v6_setup);
	before = fk.requests;
	ok(run("server add tcp [2001:db8::100]:80 10.0.0.12") == 2 &&
	   strstr(err, "10.0.0.12 is an IPv4 address") &&
	   strstr(err, "[2001:db8::100]:80 is IPv6") && fk.requests == before,
	   "an IPv4 server of an IPv6 service: refused, both named, nothing sent");
	ok(run("server add fwmark 5 2001:db8::12") == 2 &&
	   strstr(err, "fwmark 5 family inet6") && fk.requests == before,
	   "an IPv6 server of an IPv4 fwmark service: refused with the way");
	ok(run("service add fwmark 6 sched rr family inet6") == 2 &&
	   strstr(err, "right after 'fwmark MARK'") &&
	   run("server add fwmark 5 10.0.0.1 family inet6") == 2 &&
	   strstr(err, "right after") &&
	   run("conn show fwmark 5 client 2001:db8::1 family inet6") == 2 &&
	   strstr(err, "right after") && fk.requests == before,
	   "'family' after options: said where it goes");
	ok(run("service add tcp 10.0.0.1:80 family inet6") == 2 &&
	   run("service add fwmark 6 family ipv6") == 2 &&
	   run("service add tcp 2001:db8::1 persistent 60 netmask 255.255.255.0") == 2 &&
	   run("service add tcp 2001:db8::1:*") == 2 && strstr(err, "brackets") &&
	   run("service add tcp ::ffff:10.0.0.1") == 2 && strstr(err, "10.0.0.1") &&
	   fk.requests == before, "bad IPv6 words: refused, nothing sent");
	ok(run("arp add 2001:db8::100") == 2 &&
	   strstr(err, "IPv6 VIPs are not supported yet") &&
	   run("vip check 2001:db8::100 dev lo") == 2 &&
	   strstr(err, "not supported yet"),
	   "arp and vip: an IPv6 VIP is said to be unsupported");

	fk.features &= ~DRLB_F_DIRECTOR_IPV6;
	before = fk.requests;
	ok(run("service add tcp [2001:db8::200]:80") == 1 &&
	   strstr(err, "does not support IPv6 services") &&
	   run("server add fwmark 5 family inet6 2001:db8::13") == 1 &&
	   run("conn show client 2001:db8::/32") == 1 &&
	   fk.requests == before,
	   "a module without IPv6: said so, nothing sent");
	ok(!run("service add tcp 10.0.0.200:80"),
	   "a module without IPv6 still takes IPv4 services");
}

/* save, flush, restore: the same configuration, then nothing to do. */
static void test_round_trip(void)
{
	char path[] = "/tmp/drlbctl-test-XXXXXX", *saved;
	int fd;
	FILE *f;

	fk_reset(FEATURES | DRLB_F_DIRECTOR_IPV6);
	run_all(v6_setup);
	run("save");
	saved = strdup(out);
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f || fputs(saved, f) < 0 || fclose(f))
		abort();
	ok(!run("flush") && fk.n_svcs == 0, "flushed");
	ok(!run("restore %s", path) && fk.n_svcs == 5, "restored");
	ok(!run("save") && same(out, saved), "saved again: the same file");
	ok(!run("restore --check %s", path) && !*out,
	   "restore --check: nothing to do");
	fwm_svc(5, AF_INET6)->netmask = 56;
	ok(!run("restore --check %s", path) &&
	   same(out, "service change fwmark 5 family inet6 persistent 60 netmask 48\n"),
	   "an IPv6 fwmark service's netmask changed: one change to put it back");
	fk.features &= ~DRLB_F_DIRECTOR_IPV6;
	ok(run("restore %s", path) == 1 &&
	   strstr(err, "line 5: service add: this drlb module") &&
	   fwm_svc(5, AF_INET6)->netmask == 56,
	   "restore on a module without IPv6: the line named, nothing changed");
	unlink(path);
	free(saved);
}

static void test_arp_families(void)
{
	fk_reset(FEATURES | DRLB_F_DIRECTOR_IPV6);
	ok(!run("arp add 10.0.0.200"), "arp add 10.0.0.200");
	fk.arps[fk.n_arps++] = (struct fk_arp){ .vip = addr("2001:db8::200") };
	ok(!run("arp show") && same(out, "10.0.0.200\n"),
	   "arp show leaves out a rule of another family");
	ok(!run("save") && strstr(out, "arp add 10.0.0.200\n") &&
	   !strstr(out, "2001:db8::200"), "and so does save");
}

/* A service of the fake module's kind, for events. */
static struct fk_svc svc6(const char *vip, uint16_t port, uint32_t mark)
{
	struct fk_svc s = { .proto = mark ? 0 : 6, .port = port,
			    .fwmark = mark, .netmask = 128,
			    .expire_nodest = 1 };

	if (mark)
		s.addr.af = AF_INET6;
	else
		s.addr = addr(vip);
	snprintf(s.sched, sizeof(s.sched), "rr");
	return s;
}

static void test_monitor(void)
{
	struct fk_svc s = svc6("2001:db8::100", 80, 0), f = svc6(NULL, 0, 5);
	struct fk_dest d = { .addr = addr("2001:db8::11"), .weight = 2 };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x11 };
	const char *start;
	struct nl_msg *m;
	struct nlattr *nest;

	fk_reset(FEATURES | DRLB_F_DIRECTOR_IPV6);
	m = fk_event(DRLB_EV_SERVICE_NEW);
	nla_put_u32(m, DRLB_A_PORTID, 4242);
	fk_put_svc(m, &s, true);
	m = fk_event(DRLB_EV_DEST_NEW);
	nla_put_u32(m, DRLB_A_PORTID, 4242);
	fk_put_svc(m, &s, false);
	fk_put_dest(m, &d);
	m = fk_event(DRLB_EV_NEIGH);
	fk_put_svc(m, &f, false);
	nest = nla_nest_start(m, DRLB_A_DEST);
	nla_put_u16(m, DRLB_DEST_A_AF, AF_INET6);
	nla_put(m, DRLB_DEST_A_ADDR, 16, d.addr.b);
	nla_put_u8(m, DRLB_DEST_A_NEIGH, DRLB_NEIGH_RESOLVED);
	nla_put(m, DRLB_DEST_A_LLADDR, 6, mac);
	nla_nest_end(m, nest);
	/* A family this drlbctl does not know: left out. */
	m = fk_event(DRLB_EV_SERVICE_NEW);
	nest = nla_nest_start(m, DRLB_A_SERVICE);
	nla_put_u16(m, DRLB_SVC_A_AF, 99);
	nla_put_u32(m, DRLB_SVC_A_FWMARK, 7);
	nla_nest_end(m, nest);
	m = fk_event(DRLB_EV_ARP_NEW);
	nla_put_u32(m, DRLB_A_PORTID, 7);
	nest = nla_nest_start(m, DRLB_A_ARP);
	nla_put_u16(m, DRLB_ARP_A_AF, AF_INET6);
	nla_put(m, DRLB_ARP_A_ADDR, 16, s.addr.b);
	nla_nest_end(m, nest);
	f.sched[0] = 's';
	f.sched[1] = 'h';
	f.persist = 60;
	f.netmask = 48;
	m = fk_event(DRLB_EV_SERVICE_SET);
	fk_put_svc(m, &f, true);
	ok(run("monitor") == 1 && strstr(err, "socket closed") &&
	   same(out, "service add tcp [2001:db8::100]:80 sched rr by port 4242\n"
		"server add tcp [2001:db8::100]:80 2001:db8::11 weight 2 by port 4242\n"
		"neigh fwmark 5 family inet6 2001:db8::11 resolved 02:00:00:00:00:11\n"
		"arp add 2001:db8::100 by port 7\n"
		"service change fwmark 5 family inet6 sched sh persistent 60 netmask 48\n"),
	   "monitor: IPv6 events in the commands' words, an unknown family left out");

	m = fk_event(DRLB_EV_DEST_DEL);
	fk_put_svc(m, &s, false);
	fk_put_dest(m, &d);
	/* One line: the event, its service's keys, its server. */
	start = "{\"event\":\"server-del\",\"port\":null,";
	ok(run("-j monitor") == 1 &&
	   !strncmp(out, start, strlen(start)) &&
	   strstr(out, ",\"service\":{\"protocol\":\"tcp\",") &&
	   strstr(out, "\"vip\":\"2001:db8::100\",\"port\":80,\"family\":\"inet6\"},") &&
	   strstr(out, "\"server\":{\"address\":\"2001:db8::11\",\"weight\":2,") &&
	   !strcmp(strchr(out, '\n'), "\n") &&
	   !strcmp(out + strlen(out) - 3, "}}\n"),
	   "-j monitor: an IPv6 server event");
}

int main(void)
{
	test_ipv4_unchanged();
	test_ipv6();
	test_conn_filters();
	test_refusals();
	test_round_trip();
	test_arp_families();
	test_monitor();
	free(out);
	free(err);
	return tap_done();
}
