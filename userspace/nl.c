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
#include <unistd.h>
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
void (*drlb_nl_capture)(const struct nlmsghdr *nlh, size_t tag, void *arg);
void *drlb_nl_capture_arg;

static struct nl_sock *sock;
static int family_id = -1;
static char errmsg[256];
/* The command the last refusal answered (its EPERM hint says read or change). */
static uint8_t refused_cmd;

/* The module's answer to GET_INFO, until drlb_nl_close(). */
static struct drlb_info info_cache;
static int info_have;

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
	info_have = 0;
}

int drlb_nl_family(void)
{
	return family_id;
}

int drlb_nl_join(int fd, const char *group)
{
	int grp, err;

	err = drlb_nl_open();
	if (err)
		return err;
	grp = genl_ctrl_resolve_grp(sock, DRLB_GENL_NAME, group);
	if (grp < 0) {
		fprintf(stderr,
			"drlbctl: the drlb module has no \"%s\" group (update the drlb module)\n",
			group);
		return -ENOENT;
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp))) {
		err = -errno;
		if (err == -EPERM)
			fprintf(stderr,
				"drlbctl: joining drlb's events needs CAP_NET_ADMIN (run as root)\n");
		else
			fprintf(stderr, "drlbctl: joining drlb's events: %s\n",
				strerror(-err));
		return err;
	}
	return 0;
}

int drlb_nl_event_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, err, size = 1 << 20;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		fprintf(stderr, "drlbctl: netlink socket: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	/* Bursts (a restore of many lines) must not overrun it. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

int drlb_nl_subscribe(const char *group)
{
	int fd, err;

	err = drlb_nl_open();
	if (err)
		return err;
	fd = drlb_nl_event_socket();
	if (fd < 0)
		return fd;
	err = drlb_nl_join(fd, group);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

struct nl_msg *drlb_nl_msg(uint8_t cmd, int dump)
{
	/*
	 * Requests are small (the largest, "config set" with every key, is
	 * well under 256 bytes); libnl's default is a zeroed page, which
	 * is most of what a restored line costs.
	 */
	struct nl_msg *msg = nlmsg_alloc_size(1024);

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0,
				 dump ? NLM_F_DUMP : 0, cmd,
				 DRLB_GENL_VERSION)) {
		fprintf(stderr, "drlbctl: out of memory\n");
		exit(1);
	}
	return msg;
}

/* ---- batching (see nl.h) ---- */

size_t drlb_nl_tag;

static struct {
	bool on;
	char *buf;		/* the queued messages, back to back */
	size_t len, cap;
	unsigned int n;
	uint32_t seq[DRLB_NL_BATCH_MAX];	/* each queued message's */
	size_t tag[DRLB_NL_BATCH_MAX];		/* and its drlb_nl_tag */
	uint32_t next_seq;
	int err;		/* first refusal, -errno */
	size_t err_tag;
	char err_msg[sizeof(errmsg)];
} batch = { .next_seq = 0x80000000 };

void drlb_nl_batch_start(void)
{
	int size = 4 << 20;

	batch.on = true;
	batch.len = 0;
	batch.n = 0;
	batch.err = 0;
	/*
	 * Refusals are the only replies; make room for a whole batch of them
	 * (root may go past rmem_max; if neither works, the default will do
	 * for all but a batch refused almost entirely, see batch_recv()).
	 */
	if (setsockopt(nl_socket_get_fd(sock), SOL_SOCKET, SO_RCVBUFFORCE,
		       &size, sizeof(size)))
		setsockopt(nl_socket_get_fd(sock), SOL_SOCKET, SO_RCVBUF,
			   &size, sizeof(size));
}

int drlb_nl_batch_error(size_t *tag)
{
	if (batch.err) {
		if (tag)
			*tag = batch.err_tag;
		snprintf(errmsg, sizeof(errmsg), "%s", batch.err_msg);
	}
	return batch.err;
}

static void batch_refused(int err, size_t tag)
{
	if (batch.err)
		return;
	/* A batch holds only requests without replies: changes. */
	refused_cmd = DRLB_CMD_UNSPEC;
	batch.err = err;
	batch.err_tag = tag;
	snprintf(batch.err_msg, sizeof(batch.err_msg), "%s", errmsg);
}

/*
 * Collect the replies to the batch just sent. The kernel has handled every
 * message before sendmsg() returned, so everything it had to say is queued
 * on the socket already: read until there is nothing left.
 */
static void batch_recv(void)
{
	static char rbuf[65536];
	struct nlmsghdr *nlh;
	int len;

	for (;;) {
		len = (int)recv(nl_socket_get_fd(sock), rbuf, sizeof(rbuf),
			   MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			/* Replies were lost: refusals we cannot place. */
			snprintf(errmsg, sizeof(errmsg),
				 "the kernel refused a request of this batch; its reply was lost (receive buffer full)");
			batch_refused(-ENOBUFS, batch.tag[0]);
			continue;
		}
		if (len <= 0)
			return;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			struct nlmsgerr *e = NLMSG_DATA(nlh);
			size_t tag = batch.tag[0];

			if (nlh->nlmsg_type != NLMSG_ERROR || !e->error)
				continue;
			for (unsigned int i = 0; i < batch.n; i++)
				if (batch.seq[i] == nlh->nlmsg_seq)
					tag = batch.tag[i];
			keep_extack(nlh, e);
			batch_refused(e->error, tag);
		}
	}
}

int drlb_nl_batch_flush(void)
{
	ssize_t ret;

	if (!batch.n)
		return batch.err;
	do {
		ret = send(nl_socket_get_fd(sock), batch.buf, batch.len, 0);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		snprintf(errmsg, sizeof(errmsg), "sending a batch: %s",
			 strerror(errno));
		batch_refused(-errno, batch.tag[0]);
	} else {
		batch_recv();
	}
	batch.len = 0;
	batch.n = 0;
	return batch.err;
}

int drlb_nl_batch_stop(void)
{
	int err = drlb_nl_batch_flush();

	batch.on = false;
	return err;
}

/* Queue @msg (consumed) for the next batch. */
static int batch_add(struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	if (batch.n == DRLB_NL_BATCH_MAX || batch.len + len > 65536)
		drlb_nl_batch_flush();
	if (batch.len + len > batch.cap) {
		size_t cap = batch.cap ? 2 * batch.cap : 65536;
		char *buf;

		while (cap < batch.len + len)
			cap *= 2;
		buf = realloc(batch.buf, cap);
		if (!buf) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		batch.buf = buf;
		batch.cap = cap;
	}
	/*
	 * Sequence numbers of our own, far from libnl's: it expects the
	 * replies to its own requests to follow one another, and never sees
	 * these (batch_recv() reads them).
	 */
	nlh->nlmsg_pid = 0;
	nlh->nlmsg_seq = batch.next_seq++;
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_flags &= ~NLM_F_ACK;
	memcpy(batch.buf + batch.len, nlh, nlh->nlmsg_len);
	memset(batch.buf + batch.len + nlh->nlmsg_len, 0,
	       len - nlh->nlmsg_len);
	batch.seq[batch.n] = nlh->nlmsg_seq;
	batch.tag[batch.n++] = drlb_nl_tag;
	batch.len += len;
	nlmsg_free(msg);
	return 0;
}

int drlb_nl_transact(struct nl_msg *msg, drlb_reply_cb cb, void *arg)
{
	struct transact t = { .err = 1, .cb = cb, .arg = arg };
	uint8_t cmd = genlmsg_hdr(nlmsg_hdr(msg))->cmd;
	struct nl_cb *nlcb;
	int ret;

	errmsg[0] = '\0';
	/* restore's first pass: the command parsed; that is all we wanted. */
	if (drlb_nl_dry_run) {
		if (drlb_nl_capture)
			drlb_nl_capture(nlmsg_hdr(msg), drlb_nl_tag,
					drlb_nl_capture_arg);
		nlmsg_free(msg);
		return 0;
	}
	if (batch.on) {
		if (!cb && !(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
			return batch_add(msg);
		/* A request that wants a reply: what came before goes first. */
		drlb_nl_batch_flush();
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
	if (t.err < 0)
		refused_cmd = cmd;
	return t.err;
}

/* Does @cmd only read (the commands GENL_ADMIN_PERM guards as reads)? */
static bool cmd_reads(uint8_t cmd)
{
	switch (cmd) {
	case DRLB_CMD_GET_INFO:
	case DRLB_CMD_GET_SERVICE:
	case DRLB_CMD_GET_DEST:
	case DRLB_CMD_GET_CONFIG:
	case DRLB_CMD_GET_CONN:
	case DRLB_CMD_GET_STATS:
	case DRLB_CMD_GET_ARP:
		return true;
	default:
		return false;
	}
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
			"drlbctl: %s needs CAP_NET_ADMIN in the initial user namespace (run as root)\n",
			cmd_reads(refused_cmd) ? "reading the configuration" :
			"changing drlb");
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
	int err;

	if (!info_have) {
		memset(&info_cache, 0, sizeof(info_cache));
		if (family_id < 0) {
			err = connect_family();
			if (err)
				return err;
		}
		err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_INFO, 0),
				       info_cb, &info_cache);
		if (err)
			return err;
		info_have = 1;
	}
	*info = info_cache;
	return 0;
}
