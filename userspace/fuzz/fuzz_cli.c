// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for drlbctl's command line as a whole: option parsing,
 * every subcommand's argument parser and request building, and the reply
 * callbacks that print what the module sends (but vip's: it sends ARP on
 * a real interface, see vip_stub.c).
 *
 * Input: a command line (words split on spaces, at most 24, without the
 * leading "drlbctl"), then a NUL, then one byte choosing the error the
 * transactions end with, then the replies the stub netlink layer feeds to
 * the callbacks (see nl_stub.c). Run it with -close_fd_mask=3 (make run
 * does) to keep drlbctl's output out of the log; reports still show. The
 * target checks that drlbctl returns a documented exit code (0, 1 or 2)
 * and that ASan/UBSan stay quiet.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drlbctl.h"
#include "fuzz.h"
#include "nl_stub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int errs[] = { 0, -EPERM, -ENOENT, -EEXIST, -EINVAL,
				    -ENOMEM, -EOPNOTSUPP, -EBUSY };
	const uint8_t *nul = memchr(data, '\0', size);
	size_t cmd_len = nul ? (size_t)(nul - data) : size;
	char *line, *save = NULL, *w;
	char *argv[26];
	int argc = 0, ret;
	const uint8_t *rest = nul ? nul + 1 : data + size;
	size_t rest_n = size - (size_t)(rest - data);
	int err = 0;

	if (cmd_len > 512)
		return -1;
	/* restore without a FILE reads stdin: it finds nothing there. */
	if (!freopen("/dev/null", "r", stdin))
		abort();
	line = strndup((const char *)data, cmd_len);
	argv[argc++] = "drlbctl";
	for (w = strtok_r(line, "\t\n ", &save); w && argc < 25;
	     w = strtok_r(NULL, "\t\n ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (rest_n) {
		err = errs[*rest % ARRAY_SIZE(errs)];
		rest++;
		rest_n--;
	}
	fuzz_nl_reset(rest, rest_n, err);

	memset(&opts, 0, sizeof(opts));
	optind = 0;		/* glibc: reinitialise getopt */
	ret = drlbctl_main(argc, argv);
	if (ret < 0 || ret > 2) {
		fprintf(stderr, "fuzz: exit code %d\n", ret);
		abort();
	}
	fflush(stdout);
	free(line);
	return 0;
}
