// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_udpblast - send UDP datagrams as fast as one socket can, the way a
 * real server's replies leave it: from a socket bound to SRC (the VIP),
 * sendmmsg() batches of 64. Measures what the ARP egress hook costs a
 * real server (drlb_arp.sh egress_cost).
 *
 *   drlb_udpblast SRC SIZE SLICE_MS SLICES DST:PORT [DST:PORT ...]
 *
 * Sends SIZE-byte datagrams to each DST in turn, SLICE_MS milliseconds at
 * a time, SLICES times round: destinations routed through different
 * devices are measured under the same conditions, their slices
 * interleaved, so a host's changing load affects them alike. Prints one
 * line per destination, "DST pps N": the datagrams the kernel took per
 * second of its slices. Exit status 0, or 1 with a message (2: usage).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define BATCH	64
#define MAX_DST	8

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	fprintf(stderr, "drlb_udpblast: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	static char buf[65507];
	struct sockaddr_in src = { .sin_family = AF_INET };
	double secs[MAX_DST] = { 0 };
	long sent[MAX_DST] = { 0 };
	struct mmsghdr msgs[BATCH];
	int fds[MAX_DST], ndst, i, d;
	long size, slice, slices, r;
	struct iovec iov;

	if (argc < 6 || argc - 5 > MAX_DST) {
		fprintf(stderr, "usage: drlb_udpblast SRC SIZE SLICE_MS SLICES DST:PORT [DST:PORT ...] (at most %d)\n",
			MAX_DST);
		return 2;
	}
	size = strtol(argv[2], NULL, 10);
	slice = strtol(argv[3], NULL, 10);
	slices = strtol(argv[4], NULL, 10);
	if (inet_pton(AF_INET, argv[1], &src.sin_addr) != 1 || size < 1 ||
	    size > (long)sizeof(buf) || slice < 1 || slices < 1) {
		fprintf(stderr, "drlb_udpblast: bad SRC, SIZE, SLICE_MS or SLICES\n");
		return 2;
	}
	ndst = argc - 5;
	for (d = 0; d < ndst; d++) {
		struct sockaddr_in dst = { .sin_family = AF_INET };
		char addr[64], *port;

		snprintf(addr, sizeof(addr), "%s", argv[5 + d]);
		port = strrchr(addr, ':');
		if (port)
			*port++ = '\0';
		if (!port || inet_pton(AF_INET, addr, &dst.sin_addr) != 1) {
			fprintf(stderr, "drlb_udpblast: bad destination '%s'\n",
				argv[5 + d]);
			return 2;
		}
		dst.sin_port = htons(atoi(port));
		fds[d] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[d] < 0)
			return fail("socket");
		if (bind(fds[d], (struct sockaddr *)&src, sizeof(src)))
			return fail("bind");
		if (connect(fds[d], (struct sockaddr *)&dst, sizeof(dst)))
			return fail("connect");
	}
	iov.iov_base = buf;
	iov.iov_len = size;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	for (r = 0; r < slices; r++) {
		for (d = 0; d < ndst; d++) {
			double t0 = now(), t = t0;

			do {
				int n = sendmmsg(fds[d], msgs, BATCH, 0);

				t = now();
				if (n >= 0)
					sent[d] += n;
				/* A full device queue: try again. */
				else if (errno != ENOBUFS && errno != EAGAIN)
					return fail("sendmmsg");
			} while (t - t0 < slice / 1000.0);
			secs[d] += t - t0;
		}
	}
	for (d = 0; d < ndst; d++) {
		printf("%s pps %.0f\n", argv[5 + d], sent[d] / secs[d]);
		close(fds[d]);
	}
	return 0;
}
