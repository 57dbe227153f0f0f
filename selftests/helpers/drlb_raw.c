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

static void usage(void)
{
	fprintf(stderr,
		"usage: drlb_raw -i IFNAME -m DSTMAC -d DST -p tcp|udp|sctp -P DPORT\n"
		"                [-s SRC|rand] [-S SPORT] [-f FLAGS] [-n COUNT] [-r SEED]\n");
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

int main(int argc, char **argv)
{
	const char *ifname = NULL, *src = NULL, *flags = "A";
	unsigned long count = 1, seed = 1, sent = 0;
	int proto = 0, dport = -1, sport = 0, c, fd;
	unsigned char mac[ETH_ALEN];
	struct sockaddr_ll sll = { 0 };
	struct in_addr dst = { 0 }, fixed = { 0 };
	bool have_mac = false, have_dst = false;
	unsigned char pkt[128];

	while ((c = getopt(argc, argv, "i:m:d:p:P:s:S:f:n:r:")) != -1) {
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
	if (!ifname || !have_mac || !have_dst || !proto || dport < 0 ||
	    dport > 65535 || sport < 0 || sport > 65535 || !src)
		usage();
	if (strcmp(src, "rand") && inet_pton(AF_INET, src, &fixed) != 1)
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

	for (unsigned long i = 0; i < count; i++) {
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
