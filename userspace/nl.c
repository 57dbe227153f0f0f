// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl: generic netlink transport.
 *
 * libnl's nl_recvmsgs_default() returns libnl NLE_* codes, which lose the
 * kernel's errno (ipvsadm once printed "Memory allocation problem" for "no
 * such service" because of it). So every transaction installs its own
 * error, ACK and finish callbacks and keeps the kernel's errno and its
 * extended-ack message.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "drlbctl.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

bool drlb_nl_dry_run;

static struct nl_sock *sock;
static int family_id = -1;
static char errmsg[256];

/* State of one transaction, shared by the callbacks. */
struct transact {
	int err;		/* 1 while waiting, then 0 or -errno */
	drlb_reply_cb cb;
	void *arg;
};

const char *drlb_nl_errmsg(void)
{
	return errmsg;
}

static struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
};

/* Pull NLMSGERR_ATTR_MSG out of an error message's TLVs, if present. */
static void keep_extack(struct nlmsghdr *nlh, struct nlmsgerr *e)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	struct nlattr *attrs;
	int len;

	errmsg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0)
		return;
	attrs = (struct nlattr *)((char *)e + NLMSG_ALIGN(off));
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, extack_policy) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG]) {
		const char *m = nla_get_string(tb[NLMSGERR_ATTR_MSG]);

		/* The module prefixes its messages with "drlb: ". */
		if (!strncmp(m, "drlb: ", 6))
			m += 6;
		snprintf(errmsg, sizeof(errmsg), "%s", m);
	}
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct transact *t = arg;

	(void)nla;
	keep_extack(nlh, e);
	t->err = e->error ? e->error : 0;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;

	(void)msg;
	if (t->err > 0)
		t->err = 0;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[DRLB_A_MAX + 1];
	struct transact *t = arg;
	int err;

	err = drlb_nl_parse_reply(nlmsg_hdr(msg), tb);
	if (err < 0) {
		t->err = -EPROTO;
		return NL_STOP;
	}
	if (t->cb) {
		err = t->cb(tb, t->arg);
		if (err < 0) {
			t->err = err;
			return NL_STOP;
		}
	}
	return NL_OK;
}

static int check_api(void)
{
	struct drlb_info info;
	int err;

	err = drlb_nl_info(&info);
	if (err)
		return drlb_nl_perror(err, "query module"), err;
	if (info.api_version != DRLB_API_VERSION) {
		fprintf(stderr,
			"drlbctl: drlbctl %s speaks API %u but the drlb module %s speaks API %u: update the %s\n",
			DRLB_VERSION, DRLB_API_VERSION, info.version,
			info.api_version,
			info.api_version > DRLB_API_VERSION ?
			"drlbctl tool" : "drlb module (dkms)");
		return -EPROTO;
	}
	return 0;
}

static int connect_family(void)
{
	int one = 1;

	sock = nl_socket_alloc();
	if (!sock) {
		fprintf(stderr, "drlbctl: out of memory\n");
		return -ENOMEM;
	}
	if (genl_connect(sock) < 0) {
		fprintf(stderr, "drlbctl: cannot open a generic netlink socket\n");
		return -EIO;
	}
	/* Errors carry the kernel's text; we never need the request echoed. */
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl_socket_set_msg_buf_size(sock, 65536);

	family_id = genl_ctrl_resolve(sock, DRLB_GENL_NAME);
	if (family_id < 0) {
		fprintf(stderr,
			"drlbctl: the drlb kernel module is not loaded (try: modprobe drlb)\n");
		return -ENOENT;
	}
	return 0;
}

int drlb_nl_open(void)
{
	int err;

	if (family_id >= 0)
		return 0;
	err = connect_family();
	if (err)
		return err;
	return check_api();
}

void drlb_nl_close(void)
{
	if (sock)
		nl_socket_free(sock);
	sock = NULL;
	family_id = -1;
}

int drlb_nl_family(void)
{
	return family_id;
}

struct nl_msg *drlb_nl_msg(uint8_t cmd, int dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0,
				 dump ? NLM_F_DUMP : 0, cmd,
				 DRLB_GENL_VERSION)) {
		fprintf(stderr, "drlbctl: out of memory\n");
		exit(1);
	}
	return msg;
}

int drlb_nl_transact(struct nl_msg *msg, drlb_reply_cb cb, void *arg)
{
	struct transact t = { .err = 1, .cb = cb, .arg = arg };
	struct nl_cb *nlcb;
	int ret;

	errmsg[0] = '\0';
	/* restore's first pass: the command parsed; that is all we wanted. */
	if (drlb_nl_dry_run) {
		nlmsg_free(msg);
		return 0;
	}
	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(nlcb, NL_CB_CUSTOM, on_error, &t);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &t);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &t);
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);

	ret = nl_send_auto(sock, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(nlcb);
		return -EIO;
	}
	while (t.err > 0) {
		ret = nl_recvmsgs(sock, nlcb);
		if (ret < 0 && t.err > 0)
			t.err = ret == -NLE_NOMEM ? -ENOMEM : -EIO;
	}
	nl_cb_put(nlcb);
	return t.err;
}

int drlb_nl_perror(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("drlbctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errmsg[0])
		fprintf(stderr, ": %s\n", errmsg);
	else
		fprintf(stderr, ": %s\n", strerror(-err));
	if (err == -EPERM)
		fprintf(stderr,
			"drlbctl: changing drlb needs CAP_NET_ADMIN in the initial user namespace (run as root)\n");
	return 1;
}

static int info_cb(struct nlattr **tb, void *arg)
{
	struct drlb_info *info = arg;
	struct nlattr *a;
	int rem;

	if (tb[DRLB_A_VERSION])
		snprintf(info->version, sizeof(info->version), "%s",
			 nla_get_string(tb[DRLB_A_VERSION]));
	if (tb[DRLB_A_API_VERSION])
		info->api_version = nla_get_u32(tb[DRLB_A_API_VERSION]);
	if (tb[DRLB_A_FEATURES])
		info->features = nla_get_u64(tb[DRLB_A_FEATURES]);
	if (tb[DRLB_A_SCHEDULERS]) {
		nla_for_each_nested(a, tb[DRLB_A_SCHEDULERS], rem) {
			const char *name = drlb_nl_string(a);

			if (nla_type(a) != DRLB_A_SCHED_NAME || !name ||
			    info->n_scheds >= 16)
				continue;
			snprintf(info->scheds[info->n_scheds++],
				 DRLB_SCHED_NAME_MAX, "%s", name);
		}
	}
	return 0;
}

int drlb_nl_info(struct drlb_info *info)
{
	static struct drlb_info cache;
	static int have;
	int err;

	if (!have) {
		memset(&cache, 0, sizeof(cache));
		if (family_id < 0) {
			err = connect_family();
			if (err)
				return err;
		}
		err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_INFO, 0),
				       info_cb, &cache);
		if (err)
			return err;
		have = 1;
	}
	*info = cache;
	return 0;
}


