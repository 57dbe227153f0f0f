// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for nl.c in the fuzz targets: no socket. Requests are built
 * with the real libnl calls and checked for well-formedness; replies are
 * made from fuzzer bytes (fuzz_reply_*), so the commands' reply callbacks
 * face whatever a buggy or mismatched module could send.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "nl_stub.h"
#include "svc.h"	/* DRLB_F_DIRECTOR_IPV6 */

static const uint8_t *reply_p;
static size_t reply_n;
static int transact_err;

bool drlb_nl_dry_run;
size_t drlb_nl_tag;
void (*drlb_nl_capture)(const struct nlmsghdr *nlh, size_t tag, void *arg);
void *drlb_nl_capture_arg;

void fuzz_nl_reset(const uint8_t *replies, size_t n, int err)
{
	reply_p = replies;
	reply_n = n;
	transact_err = err;
}

int drlb_nl_open(void)
{
	return 0;
}

void drlb_nl_close(void)
{
}

int drlb_nl_family(void)
{
	return 0x20;
}

/* monitor: no socket to listen on; it ends with exit status 1. */
int drlb_nl_subscribe(const char *group)
{
	fprintf(stderr, "fuzz: no events (%s)\n", group);
	return -1;
}

struct nl_msg *drlb_nl_msg(uint8_t cmd, int dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0,
				 dump ? NLM_F_DUMP : 0, cmd,
				 DRLB_GENL_VERSION))
		abort();
	return msg;
}

/*
 * Replies: [len (1 byte)][len bytes of attributes], repeated. Each becomes
 * a generic netlink message in a buffer of its exact size (so ASan sees
 * reads past its end) and goes through nl_attr.c's parser, as in nl.c.
 */
int drlb_nl_transact(struct nl_msg *msg, drlb_reply_cb cb, void *arg)
{
	struct nlattr *tb[DRLB_A_MAX + 1];
	int err = 0;

	/* The request must parse as the kernel would (without its policy). */
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, DRLB_A_MAX, NULL) < 0) {
		fprintf(stderr, "fuzz: drlbctl built a malformed request\n");
		abort();
	}
	/* As nl.c: restore's first pass only parses, and hands it over. */
	if (drlb_nl_dry_run) {
		if (drlb_nl_capture)
			drlb_nl_capture(nlmsg_hdr(msg), drlb_nl_tag,
					drlb_nl_capture_arg);
		nlmsg_free(msg);
		return 0;
	}
	nlmsg_free(msg);
	while (cb && reply_n > 0 && !err) {
		size_t len = *reply_p;
		struct nl_msg *m = drlb_nl_msg(DRLB_CMD_GET_INFO, 0);
		struct nlmsghdr *nlh;

		reply_p++;
		reply_n--;
		if (len > reply_n)
			len = reply_n;
		if (nlmsg_append(m, (void *)reply_p, len, 0) < 0)
			abort();
		reply_p += len;
		reply_n -= len;
		nlh = malloc(nlmsg_hdr(m)->nlmsg_len);
		memcpy(nlh, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);
		nlmsg_free(m);
		/* As nl.c: a reply that does not parse ends the transaction. */
		if (drlb_nl_parse_reply(nlh, tb) < 0)
			err = -EPROTO;
		else
			err = cb(tb, arg);
		free(nlh);
	}
	return err ? err : transact_err;
}

/*
 * restore's batches: each request above is answered at once, as if every
 * batch were a single request; the batch itself never fails.
 */
void drlb_nl_batch_start(void)
{
}

int drlb_nl_batch_flush(void)
{
	return 0;
}

int drlb_nl_batch_stop(void)
{
	return 0;
}

int drlb_nl_batch_error(size_t *tag)
{
	(void)tag;
	return 0;
}

const char *drlb_nl_errmsg(void)
{
	return transact_err ? "fuzz: the module said no" : "";
}

int drlb_nl_perror(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(-err));
	return 1;
}

int drlb_nl_info(struct drlb_info *info)
{
	static const char *const scheds[] = {
		"rr", "wrr", "lc", "wlc", "sh", "mh", "nq", "sed",
	};

	memset(info, 0, sizeof(*info));
	snprintf(info->version, sizeof(info->version), "fuzz");
	info->api_version = DRLB_API_VERSION;
	info->features = DRLB_F_DIRECTOR_IPV4 | DRLB_F_ARP_SUPPRESS |
			 DRLB_F_DIRECTOR_IPV6;
	for (size_t i = 0; i < ARRAY_SIZE(scheds); i++)
		snprintf(info->scheds[info->n_scheds++], DRLB_SCHED_NAME_MAX,
			 "%s", scheds[i]);
	return 0;
}
