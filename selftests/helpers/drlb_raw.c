// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_raw - hand-made IPv4 packets onto a LAN, for the flow-admission
 * tests: spoofed and martian sources, bare ACKs and SYN floods, which no
 * socket of the client can send. One process sends them all (a process
 * per packet costs 0.1-0.3 s under TCG).
 *
 *   drlb_raw -i IFNAME -m DSTMAC -d DST -p tcp|udp|sctp -P DPORT
 *            [-s SRC|rand] [-S SPORT] [-f FLAGS] [-n COUNT] [-r SEED]
 *
 * Sends COUNT (default 1) packets out of IFNAME (an AF_PACKET socket: the
 * kernel adds the Ethernet header, to DSTMAC) from SRC to DST:DPORT.
 * SRC "rand": a random source per packet, never a martian, never in
 * 10.0.0.0/8 (the test networks), seeded with SEED. SPORT 0 (default): a
 * random source port per packet. FLAGS (tcp): any of S A F R P U, e.g.
 * "A" for a bare ACK (default), "S" for a SYN; with "A" the acknowledgement
 * number is random. sctp: the first chunk is an INIT with FLAGS "S", else
 * a DATA chunk. The transport checksum is left zero (drlb never checks
 * it; a real server drops what it receives). Prints "sent N".
 *
 *   drlb_raw -F KIND -i IFNAME -m DSTMAC -d DST [-P PORT,...] [-n COUNT]
 *            [-r SEED]
 *
 * Malformed and edge-case packets to DST, for the packet fuzzer test:
 * KIND "header" - IPv4 headers that pass ip_rcv() or not (options of
 * random bytes, bad lengths, bad checksums, truncated), carrying TCP
 * (every flag combination, any data offset, option soup), UDP (lengths
 * that lie), SCTP (any chunk) or ICMP errors quoting garbage, to the
 * ports given (default 80) and others; KIND "frag" - fragments with
 * random offsets, overlapping, tiny, duplicated, never completed or
 * completed, of datagrams sharing a few IDs. Sources are random and
 * valid. Prints "sent N".
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rng.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void usage(void)
{
	fprintf(stderr,
		"usage: drlb_raw -i IFNAME -m DSTMAC -d DST -p tcp|udp|sctp -P DPORT\n"
		"                [-s SRC|rand] [-S SPORT] [-f FLAGS] [-n COUNT] [-r SEED]\n"
		"       drlb_raw -F header|frag -i IFNAME -m DSTMAC -d DST [-P PORT,...]\n"
		"                [-n COUNT] [-r SEED]\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "drlb_raw: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint16_t ip_csum(const void *p, size_t len)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A random unicast source outside the test networks and the martians. */
static uint32_t rand_src(void)
{
	uint32_t a;
	uint8_t hi;

	do {
		a = rnd();
		hi = a >> 24;
	} while (hi == 0 || hi == 10 || hi == 127 || hi >= 224);
	return htonl(a);
}

static int parse_mac(const char *s, unsigned char *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

static uint32_t ports[16] = { 80 };
static uint32_t n_ports = 1;

/* Random bytes into @p. */
static void fill(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = rnd();
}

/*
 * One malformed packet into @pkt (room for 256 bytes) to @dst; returns its
 * length on the wire.
 */
static size_t fuzz_header(unsigned char *pkt, uint32_t dst)
{
	static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP,
				      IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP };
	struct iphdr *ip = (struct iphdr *)pkt;
	size_t ihl = 5, l4len, len;
	unsigned char *l4;
	uint16_t dport;

	memset(pkt, 0, 256);
	/* One packet in four carries IP options of random bytes. */
	if (!pick(4))
		ihl = 6 + pick(10);
	fill(pkt + 20, ihl * 4 - 20);
	l4 = pkt + ihl * 4;
	l4len = pick(4) ? pick(64) : pick(8);	/* often truncated */
	fill(l4, l4len);
	dport = pick(8) ? ports[pick(n_ports)] : pick(65536);
	ip->protocol = protos[pick(ARRAY_SIZE(protos))];
	switch (ip->protocol) {
	case IPPROTO_TCP:
		if (l4len >= 4)
			((uint16_t *)l4)[1] = htons(dport);
		if (l4len >= 14)
			l4[13] = rnd();		/* every flag combination */
		break;
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (l4len >= 4)
			((uint16_t *)l4)[1] = htons(dport);
		break;
	case IPPROTO_ICMP:
		/* An error quoting a header that may be anything. */
		if (l4len >= 1)
			l4[0] = (uint8_t[]){ 3, 4, 11, 12 }[pick(4)];
		if (l4len >= 9 && pick(2))
			l4[8] = 0x45;
		break;
	}
	len = ihl * 4 + l4len;
	ip->version = pick(32) ? 4 : pick(16);
	ip->ihl = pick(32) ? ihl : pick(16);
	ip->ttl = 1 + pick(255);
	ip->id = htons(rnd());
	ip->saddr = rand_src();
	ip->daddr = dst;
	/* Lengths that lie, now and then. */
	ip->tot_len = htons(pick(16) ? len : pick(len + 64));
	if (!pick(16))
		ip->frag_off = htons(0x4000);	/* DF */
	ip->check = ip_csum(ip, ihl * 4);
	if (!pick(32))
		ip->check ^= htons(1 + pick(0xfffe));
	return len;
}

/* A fragment of one of a few datagrams to @dst. */
static size_t fuzz_frag(unsigned char *pkt, uint32_t dst)
{
	static const uint32_t srcs[] = { 0x0b000001, 0x0b000002 };
	struct iphdr *ip = (struct iphdr *)pkt;
	size_t l4len = 8 * (1 + pick(pick(4) ? 8 : 1));	/* tiny, often */
	uint16_t off = pick(4) ? 8 * pick(4) : pick(64) * 8;

	memset(pkt, 0, 256);
	fill(pkt + 20, l4len);
	if (!off) {
		/* A first fragment: ports to a service, or not. */
		((uint16_t *)(pkt + 20))[1] = htons(pick(4) ? ports[pick(n_ports)] :
							      pick(65536));
	}
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = pick(2) ? IPPROTO_UDP : IPPROTO_TCP;
	ip->id = htons(pick(4));		/* few IDs: they collide */
	ip->saddr = htonl(srcs[pick(2)]);
	ip->daddr = dst;
	ip->tot_len = htons(20 + l4len);
	/* MF on most; offsets in 8-byte units, overlapping. */
	ip->frag_off = htons((pick(4) ? 0x2000 : 0) | (off / 8));
	ip->check = ip_csum(ip, 20);
	return 20 + l4len;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *src = NULL, *flags = "A", *fuzz = NULL;
	unsigned long count = 1, seed = 1, sent = 0;
	int proto = 0, dport = -1, sport = 0, c, fd;
	unsigned char mac[ETH_ALEN];
	struct sockaddr_ll sll = { 0 };
	struct in_addr dst = { 0 }, fixed = { 0 };
	bool have_mac = false, have_dst = false;
	unsigned char pkt[256];

	while ((c = getopt(argc, argv, "i:m:d:p:P:s:S:f:n:r:F:")) != -1) {
		switch (c) {
		case 'i':
			ifname = optarg;
			break;
		case 'm':
			if (parse_mac(optarg, mac))
				usage();
			have_mac = true;
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &dst) != 1)
				usage();
			have_dst = true;
			break;
		case 'p':
			proto = !strcmp(optarg, "tcp") ? IPPROTO_TCP :
				!strcmp(optarg, "udp") ? IPPROTO_UDP :
				!strcmp(optarg, "sctp") ? IPPROTO_SCTP : -1;
			if (proto < 0)
				usage();
			break;
		case 'P':
			dport = atoi(optarg);
			n_ports = 0;
			for (char *t = strtok(optarg, ","); t && n_ports < 16;
			     t = strtok(NULL, ","))
				ports[n_ports++] = atoi(t);
			break;
		case 'F':
			fuzz = optarg;
			break;
		case 's':
			src = optarg;
			break;
		case 'S':
			sport = atoi(optarg);
			break;
		case 'f':
			flags = optarg;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (fuzz && strcmp(fuzz, "header") && strcmp(fuzz, "frag"))
		usage();
	if (!ifname || !have_mac || !have_dst)
		usage();
	if (!fuzz && (!proto || dport < 0 || dport > 65535 || sport < 0 ||
		      sport > 65535 || !src))
		usage();
	if (!fuzz && strcmp(src, "rand") &&
	    inet_pton(AF_INET, src, &fixed) != 1)
		usage();
	rng_seed(seed);

	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (fd < 0)
		die("socket");
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		die(ifname);
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, mac, ETH_ALEN);

	for (unsigned long i = 0; fuzz && i < count; i++) {
		size_t len = fuzz[0] == 'h' ? fuzz_header(pkt, dst.s_addr) :
					      fuzz_frag(pkt, dst.s_addr);

		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sll,
			   sizeof(sll)) < 0) {
			if (errno != ENOBUFS)
				die("sendto");
			usleep(1000);
			i--;
			continue;
		}
		sent++;
	}
	for (unsigned long i = 0; !fuzz && i < count; i++) {
		struct iphdr *ip = (struct iphdr *)pkt;
		unsigned char *l4 = pkt + sizeof(*ip);
		uint16_t sp = sport ? (uint16_t)sport : 1024 + pick(64000);
		size_t l4len;

		memset(pkt, 0, sizeof(pkt));
		if (proto == IPPROTO_TCP) {
			struct tcphdr *th = (struct tcphdr *)l4;

			th->source = htons(sp);
			th->dest = htons(dport);
			th->seq = htonl(rnd());
			th->doff = 5;
			th->syn = !!strchr(flags, 'S');
			th->ack = !!strchr(flags, 'A');
			th->fin = !!strchr(flags, 'F');
			th->rst = !!strchr(flags, 'R');
			th->psh = !!strchr(flags, 'P');
			th->urg = !!strchr(flags, 'U');
			if (th->ack)
				th->ack_seq = htonl(rnd());
			th->window = htons(65535);
			l4len = sizeof(*th);
		} else if (proto == IPPROTO_UDP) {
			struct udphdr *uh = (struct udphdr *)l4;

			uh->source = htons(sp);
			uh->dest = htons(dport);
			l4len = sizeof(*uh) + 8;
			uh->len = htons(l4len);
		} else {
			/* Common header (12 bytes), then one chunk header. */
			uint16_t *ports = (uint16_t *)l4;

			ports[0] = htons(sp);
			ports[1] = htons(dport);
			l4[12] = strchr(flags, 'S') ? 1 : 0;	/* INIT : DATA */
			l4[14] = 0;
			l4[15] = 20;	/* chunk length */
			l4len = 12 + 20;
		}
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = proto;
		ip->tot_len = htons(sizeof(*ip) + l4len);
		ip->id = htons(rnd());
		ip->saddr = strcmp(src, "rand") ? fixed.s_addr : rand_src();
		ip->daddr = dst.s_addr;
		ip->check = ip_csum(ip, sizeof(*ip));
		if (sendto(fd, pkt, sizeof(*ip) + l4len, 0,
			   (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			if (errno == ENOBUFS) {
				/* The device queue is full: let it drain. */
				usleep(1000);
				i--;
				continue;
			}
			die("sendto");
		}
		sent++;
	}
	printf("sent %lu\n", sent);
	return 0;
}
