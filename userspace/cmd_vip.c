// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl vip announce VIP dev IFNAME [count N] [interval MS]
 * drlbctl [-j] vip check VIP dev IFNAME [timeout MS] [owner MAC]
 *
 * The director's side of the ARP problem, in user space: both commands
 * speak ARP themselves on an AF_PACKET socket (CAP_NET_RAW) and do not need
 * the drlb module. IPv4 only: an IPv6 VIP is refused (exit 2), saying so.
 *
 * vip announce
 *   Sends gratuitous ARP so that the LAN learns now that VIP is at this
 *   host's MAC: after a failover, or to repair caches poisoned by a real
 *   server (ARP flux). VIP must be an address of IFNAME. Each of the COUNT
 *   rounds (default 3, 1..1000), INTERVAL ms apart (default 1000,
 *   10..60000), sends two broadcast frames:
 *     1. a gratuitous request, sender = target = VIP, target MAC zero:
 *        the "ARP Announcement" of RFC 5227 (2.3, 3), which that RFC
 *        prefers because some stacks do not process gratuitous replies;
 *     2. a gratuitous reply, sender = target = VIP, sender MAC = target
 *        MAC = ours: the form RFC 5944 (4.6, Mobile IP) also allows and
 *        that other stacks (some routers and older embedded ones) only
 *        honour from replies.
 *   Linux updates an existing neighbour entry from either (arp_process();
 *   a reply counts as gratuitous only when its target MAC equals its
 *   sender MAC, which lets it override the 1 s locktime), and creates new
 *   entries only with arp_accept=1. Several rounds cover lost frames and
 *   hosts that ignore a first update within their locktime.
 *
 * vip check
 *   The ARP-flux detector. Sends one broadcast ARP request for VIP on
 *   IFNAME and collects, for TIMEOUT ms (default 1000, 10..60000), every
 *   ARP packet that has VIP as sender address, by sender MAC. The request's
 *   sender address is IFNAME's own address (one in VIP's subnet first), never
 *   the VIP, so the probe poisons no cache; with no other address it is an
 *   RFC 5227 probe from 0.0.0.0.
 *   The owner is the MAC that may answer: this host's if VIP is an address
 *   of IFNAME (the director), else the one given with "owner MAC".
 *     - With an owner, every other MAC that answers is an offender. When
 *       the VIP is ours, silence is clean: Linux never answers its own
 *       request, so this host's MAC usually does not show up at all.
 *     - Without an owner (checking from another host), one MAC is clean,
 *       two or more are a conflict, and all of them are listed.
 *   Exit status: 0 clean; 1 conflict (the offenders are named), or an
 *   error; 2 bad usage; 3 no answer (nobody answers for VIP, or the given
 *   owner did not).
 *   JSON (-j), stable keys:
 *     {"vip": "10.0.0.100", "dev": "d0", "sender_ip": "10.0.0.2",
 *      "local_mac": "02:..", "owner": "02:.." | null, "timeout_ms": 1000,
 *      "answers": [{"mac": "02:..", "packets": 1, "this_host": false,
 *                   "owner": false, "offender": true}],
 *      "verdict": "clean" | "conflict" | "no_answer"}
 */

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "arp_pkt.h"
#include "drlbctl.h"
#include "json.h"
#include "parse.h"

#define VIP_EXIT_NO_ANSWER	3

/* The device a vip command works on. */
struct vip_dev {
	const char *name;
	int ifindex;
	uint8_t mac[MAC_LEN];
	bool vip_local;		/* VIP is one of its addresses */
	uint32_t src;		/* its own address for probes; 0 if none */
};

/* Keyword arguments after "VIP": "dev IF", "count N", ... */
struct vip_args {
	const char *dev;
	const char *count, *interval, *timeout, *owner;
};

static int parse_vip_args(const char *what, int argc, char **argv,
			  uint32_t *vip, struct vip_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return usage_error("vip %s: expected VIP dev IFNAME", what);
	if (parse_ipv4(argv[1], vip))
		return ipv4_vip_error("vip", what, argv[1]);
	for (i = 2; i < argc; i += 2) {
		const char **slot = NULL;

		if (!strcmp(argv[i], "dev"))
			slot = &a->dev;
		else if (!strcmp(what, "announce") && !strcmp(argv[i], "count"))
			slot = &a->count;
		else if (!strcmp(what, "announce") && !strcmp(argv[i], "interval"))
			slot = &a->interval;
		else if (!strcmp(what, "check") && !strcmp(argv[i], "timeout"))
			slot = &a->timeout;
		else if (!strcmp(what, "check") && !strcmp(argv[i], "owner"))
			slot = &a->owner;
		if (!slot)
			return usage_error("vip %s: unknown word '%s'", what,
					   argv[i]);
		if (i + 1 >= argc)
			return usage_error("vip %s: '%s' needs a value", what,
					   argv[i]);
		if (*slot)
			return usage_error("vip %s: '%s' given twice", what,
					   argv[i]);
		*slot = argv[i + 1];
	}
	if (!a->dev)
		return usage_error("vip %s: 'dev IFNAME' is required", what);
	if (strlen(a->dev) >= IFNAMSIZ)
		return usage_error("vip %s: device name '%s' is too long", what,
				   a->dev);
	return 0;
}

/* getifaddrs() names an address by its label: "d0" or "d0:something". */
static bool label_on_dev(const char *label, const char *dev)
{
	size_t n = strlen(dev);

	return !strncmp(label, dev, n) && (label[n] == '\0' || label[n] == ':');
}

/* Look the device up: index, MAC, whether VIP is its address, a source. */
static int vip_dev_get(const char *what, const char *name, uint32_t vip,
		       struct vip_dev *d)
{
	struct ifaddrs *ifas, *ifa;
	bool src_in_subnet = false;
	struct ifreq ifr;
	int fd;

	memset(d, 0, sizeof(*d));
	d->name = name;
	d->ifindex = (int)if_nametoindex(name);
	if (!d->ifindex) {
		fprintf(stderr,
			"drlbctl: vip %s: no device '%s' in this network namespace\n",
			what, name);
		return 1;
	}

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "drlbctl: vip %s: %s: cannot read its MAC: %s\n",
			what, name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		fprintf(stderr, "drlbctl: vip %s: %s is not an Ethernet device\n",
			what, name);
		return 1;
	}
	memcpy(d->mac, ifr.ifr_hwaddr.sa_data, MAC_LEN);

	if (getifaddrs(&ifas) < 0) {
		fprintf(stderr, "drlbctl: vip %s: cannot list addresses: %s\n",
			what, strerror(errno));
		return 1;
	}
	for (ifa = ifas; ifa; ifa = ifa->ifa_next) {
		uint32_t addr, mask;

		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET ||
		    !label_on_dev(ifa->ifa_name, name))
			continue;
		addr = ((struct sockaddr_in *)ifa->ifa_addr)->sin_addr.s_addr;
		mask = ifa->ifa_netmask ?
		       ((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr.s_addr : 0;
		if (addr == vip) {
			d->vip_local = true;
		} else if (!src_in_subnet && !((addr ^ vip) & mask)) {
			d->src = addr;
			src_in_subnet = true;
		} else if (!d->src) {
			d->src = addr;
		}
	}
	freeifaddrs(ifas);
	return 0;
}

static int packet_open(const char *what, const struct vip_dev *d)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = d->ifindex,
	};
	int fd;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd < 0) {
		fprintf(stderr, "drlbctl: vip %s: cannot open a packet socket: %s%s\n",
			what, strerror(errno),
			errno == EPERM ? " (needs CAP_NET_RAW: run as root)" : "");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "drlbctl: vip %s: cannot bind to %s: %s\n",
			what, d->name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Broadcast one ARP packet on the device. */
static int packet_send(const char *what, int fd, const struct vip_dev *d,
		       const struct arp_ipv4 *a)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = d->ifindex,
		.sll_halen = MAC_LEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	uint8_t buf[ARP_PKT_LEN];
	size_t len = arp_build(buf, a);

	if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		fprintf(stderr, "drlbctl: vip %s: cannot send on %s: %s\n",
			what, d->name, strerror(errno));
		return -1;
	}
	return 0;
}

static int vip_announce(int argc, char **argv)
{
	uint32_t vip, count = 3, interval = 1000;
	struct arp_ipv4 req, rep;
	struct vip_args a;
	struct vip_dev d;
	char buf[INET_ADDRSTRLEN];
	int err, fd;

	err = parse_vip_args("announce", argc, argv, &vip, &a);
	if (err)
		return err;
	if (a.count && parse_u32(a.count, 1, 1000, &count))
		return usage_error("vip announce: count must be an integer from 1 to 1000, not '%s'",
				   a.count);
	if (a.interval && parse_u32(a.interval, 10, 60000, &interval))
		return usage_error("vip announce: interval must be an integer from 10 to 60000 (ms), not '%s'",
				   a.interval);
	if (vip_dev_get("announce", a.dev, vip, &d))
		return 1;
	if (!d.vip_local) {
		fprintf(stderr,
			"drlbctl: vip announce: %s is not an address of %s: only the host holding the VIP may announce it\n",
			inet_ntop(AF_INET, &vip, buf, sizeof(buf)), a.dev);
		return 1;
	}

	fd = packet_open("announce", &d);
	if (fd < 0)
		return 1;
	arp_garp_request(&req, d.mac, vip);
	arp_garp_reply(&rep, d.mac, vip);
	for (uint32_t i = 0; i < count; i++) {
		if (i)
			poll(NULL, 0, (int)interval);
		if (packet_send("announce", fd, &d, &req) ||
		    packet_send("announce", fd, &d, &rep)) {
			close(fd);
			return 1;
		}
	}
	close(fd);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Collect ARP with sender VIP until @deadline (CLOCK_MONOTONIC ms). */
static int collect(int fd, uint32_t vip, int64_t deadline, struct vip_check *c)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[256];
	int64_t left;

	while ((left = deadline - now_ms()) > 0) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		struct arp_ipv4 a;
		ssize_t n;
		int r;

		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &flen);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		/* Our own frames come back to packet sockets: skip them. */
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (arp_parse(buf, (size_t)n, &a) || a.sip != vip)
			continue;
		if (!memcmp(a.sha, "\0\0\0\0\0\0", MAC_LEN))
			continue;
		vip_check_add(c, a.sha);
	}
	return 0;
}

static void print_check(const struct vip_check *c, enum vip_verdict v,
			uint32_t vip, const struct vip_dev *d,
			uint32_t timeout)
{
	char vbuf[INET_ADDRSTRLEN], sbuf[INET_ADDRSTRLEN], mac[18];
	struct json j;
	int i, n_off = 0;

	inet_ntop(AF_INET, &vip, vbuf, sizeof(vbuf));
	inet_ntop(AF_INET, &d->src, sbuf, sizeof(sbuf));
	if (opts.json) {
		json_init(&j, stdout);
		json_obj_open(&j, NULL);
		json_str(&j, "vip", vbuf);
		json_str(&j, "dev", d->name);
		json_str(&j, "sender_ip", sbuf);
		json_str(&j, "local_mac", format_mac(mac, d->mac));
		if (c->has_owner)
			json_str(&j, "owner", format_mac(mac, c->owner));
		else
			json_null(&j, "owner");
		json_u64(&j, "timeout_ms", timeout);
		json_arr_open(&j, "answers");
		for (i = 0; i < c->n_ans; i++) {
			json_obj_open(&j, NULL);
			json_str(&j, "mac", format_mac(mac, c->ans[i].mac));
			json_u64(&j, "packets", c->ans[i].packets);
			json_bool(&j, "this_host", c->ans[i].this_host);
			json_bool(&j, "owner", c->ans[i].owner);
			json_bool(&j, "offender", c->ans[i].offender);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_str(&j, "verdict", vip_verdict_name(v));
		json_obj_close(&j);
		json_end(&j);
		return;
	}

	for (i = 0; i < c->n_ans; i++) {
		const struct vip_answer *a = &c->ans[i];

		printf("%s is at %s (%u packet%s)%s%s%s\n", vbuf,
		       format_mac(mac, a->mac), a->packets,
		       a->packets == 1 ? "" : "s",
		       a->this_host ? " this host" : "",
		       a->owner ? " owner" : "",
		       !a->offender ? "" :
		       c->has_owner ? " OFFENDER" : " CONFLICT");
		n_off += a->offender;
	}
	switch (v) {
	case VIP_CLEAN:
		if (c->n_ans)
			printf("clean: only %s answers for %s on %s\n",
			       format_mac(mac, c->ans[0].mac), vbuf, d->name);
		else
			printf("clean: no other host answers for %s on %s\n",
			       vbuf, d->name);
		break;
	case VIP_CONFLICT:
		printf("conflict: ARP flux for %s on %s:", vbuf, d->name);
		for (i = 0; i < c->n_ans; i++)
			if (c->ans[i].offender)
				printf(" %s", format_mac(mac, c->ans[i].mac));
		printf(" %s\n", c->has_owner ?
		       (n_off == 1 ? "answers but is not the owner" :
			"answer but are not the owner") :
		       "all answer");
		break;
	case VIP_NO_ANSWER:
		printf("no answer: nobody%s answers for %s on %s\n",
		       c->has_owner ? " (not even the owner)" : "", vbuf,
		       d->name);
		break;
	}
}

static int vip_check(int argc, char **argv)
{
	struct vip_check c;
	struct arp_ipv4 req;
	enum vip_verdict v;
	uint32_t vip, timeout = 1000;
	struct vip_args a;
	struct vip_dev d;
	int err, fd;

	err = parse_vip_args("check", argc, argv, &vip, &a);
	if (err)
		return err;
	memset(&c, 0, sizeof(c));
	if (a.timeout && parse_u32(a.timeout, 10, 60000, &timeout))
		return usage_error("vip check: timeout must be an integer from 10 to 60000 (ms), not '%s'",
				   a.timeout);
	if (a.owner) {
		if (parse_mac(a.owner, c.owner))
			return usage_error("vip check: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
					   a.owner);
		c.has_owner = true;
	}
	if (vip_dev_get("check", a.dev, vip, &d))
		return 1;
	memcpy(c.local_mac, d.mac, MAC_LEN);
	c.vip_local = d.vip_local;
	if (c.vip_local && c.has_owner && memcmp(c.owner, d.mac, MAC_LEN)) {
		fprintf(stderr,
			"drlbctl: vip check: the VIP is an address of %s, so its owner is this host, not %s\n",
			a.dev, a.owner);
		return 1;
	}

	fd = packet_open("check", &d);
	if (fd < 0)
		return 1;
	memset(&req, 0, sizeof(req));
	req.op = 1;
	memcpy(req.sha, d.mac, MAC_LEN);
	req.sip = d.src;
	req.tip = vip;
	if (packet_send("check", fd, &d, &req)) {
		close(fd);
		return 1;
	}
	err = collect(fd, vip, now_ms() + timeout, &c);
	close(fd);
	if (err) {
		fprintf(stderr, "drlbctl: vip check: receive on %s: %s\n",
			d.name, strerror(-err));
		return 1;
	}
	v = vip_check_verdict(&c);
	print_check(&c, v, vip, &d, timeout);
	switch (v) {
	case VIP_CLEAN:
		return 0;
	case VIP_CONFLICT:
		return 1;
	case VIP_NO_ANSWER:
		break;
	}
	return VIP_EXIT_NO_ANSWER;
}

int cmd_vip(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "announce"))
		return vip_announce(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return vip_check(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "export"))
		return vip_export(argc - 1, argv + 1);
	return usage_error("vip: expected a subcommand (announce, check, export)");
}
