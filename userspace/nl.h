/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: talking to the drlb generic netlink family through libnl-genl-3.
 */
#ifndef DRLBCTL_NL_H
#define DRLBCTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/drlb.h>

#include "addr.h"
#include "util.h"

/*
 * Called once per reply message with its top-level attributes parsed
 * (tb has DRLB_A_MAX + 1 slots). Return 0 to go on, a negative errno to
 * stop the transaction with that error.
 */
typedef int (*drlb_reply_cb)(struct nlattr **tb, void *arg);

/*
 * restore's first pass: drlb_nl_transact() sends nothing and returns 0, so
 * every line of a file goes through its command's parser before anything
 * changes. drlb_nl_open() and drlb_nl_info() still ask the kernel.
 */
extern bool drlb_nl_dry_run;
/*
 * In a dry run, each request that would have been sent is handed to
 * drlb_nl_capture (if set) with drlb_nl_tag and drlb_nl_capture_arg
 * before it is freed: restore reads a file's meaning from the requests
 * its lines make.
 */
extern void (*drlb_nl_capture)(const struct nlmsghdr *nlh, size_t tag,
			       void *arg);
extern void *drlb_nl_capture_arg;

/*
 * restore's second pass: batching. Between drlb_nl_batch_start() and
 * drlb_nl_batch_stop(), a request that wants no reply (no callback, not a
 * dump) is not sent at once: it is queued, without NLM_F_ACK, and sent
 * with up to DRLB_NL_BATCH_MAX others in one sendmsg() when the queue is
 * full, before any request that wants a reply, or by drlb_nl_batch_flush().
 * The kernel handles a batch's messages in order inside that sendmsg()
 * and answers only the ones it refuses, so one system call applies many
 * lines. drlb_nl_transact() returns 0 for a queued request; the first
 * refusal is kept with the tag (drlb_nl_tag, set by the caller: restore's
 * line number) the request was queued under, and reported by
 * drlb_nl_batch_error(). Later messages of the batch are still applied
 * (restore rolls the whole file back on any refusal).
 */
#define DRLB_NL_BATCH_MAX 256
extern size_t drlb_nl_tag;
void drlb_nl_batch_start(void);
/* Send what is queued; returns drlb_nl_batch_error(NULL). */
int drlb_nl_batch_flush(void);
/* Flush, stop batching; returns drlb_nl_batch_error(NULL). */
int drlb_nl_batch_stop(void);
/*
 * 0, or the first refusal's -errno since drlb_nl_batch_start(), with its
 * tag in *@tag (if not NULL); drlb_nl_errmsg() has the kernel's message.
 */
int drlb_nl_batch_error(size_t *tag);

/*
 * Connect and resolve the family (once). Returns 0, or -errno after
 * printing why (module not loaded: a modprobe hint; API mismatch: which
 * side to update).
 */
int drlb_nl_open(void);
void drlb_nl_close(void);

/* The resolved family id (after drlb_nl_open()). */
int drlb_nl_family(void);

/*
 * A netlink socket of its own joined to the family's multicast group
 * @group (DRLB_MCGRP_MONITOR): its fd, or -errno after printing why
 * (EPERM: needs CAP_NET_ADMIN).
 */
int drlb_nl_subscribe(const char *group);
/*
 * The same in two steps, for a listener that also joins other families'
 * groups or outlives a module reload: a bound generic netlink socket
 * (its fd, or -errno after printing why), and joining @fd to @group
 * (connects first; 0 or -errno after printing why).
 */
int drlb_nl_event_socket(void);
int drlb_nl_join(int fd, const char *group);

/* A new request for @cmd; @dump adds NLM_F_DUMP. Exits on ENOMEM. */
struct nl_msg *drlb_nl_msg(uint8_t cmd, int dump);

/*
 * Send @msg (consumed), call @cb for every reply message and wait for the
 * kernel's ACK or end of dump. Returns 0 or the kernel's negative errno;
 * on error, drlb_nl_errmsg() holds the kernel's extack text if any.
 */
int drlb_nl_transact(struct nl_msg *msg, drlb_reply_cb cb, void *arg);

/* The last extack message from the kernel ("" if none). */
const char *drlb_nl_errmsg(void);

/*
 * Print "drlbctl: WHAT: <extack message or strerror>" for a failed
 * transaction, with a hint for EPERM. Returns 1 (the exit code).
 */
int drlb_nl_perror(int err, const char *fmt, ...) __printf(2, 3);

/* Information from DRLB_CMD_GET_INFO. */
struct drlb_info {
	char version[64];
	uint32_t api_version;
	uint64_t features;
	char scheds[16][DRLB_SCHED_NAME_MAX];
	int n_scheds;
};

/* Fetch module information (cached after the first call). */
int drlb_nl_info(struct drlb_info *info);

/*
 * nl_attr.c: parse a reply's top-level attributes into @tb (DRLB_A_MAX + 1
 * slots), or a nested attribute into @tb (maxtype + 1 slots), checking
 * each attribute drlbctl reads against its type (length, NUL of strings);
 * 0 or -EINVAL.
 */
int drlb_nl_parse_reply(struct nlmsghdr *nlh, struct nlattr **tb);
int drlb_nl_parse_nested(struct nlattr **tb, int maxtype, struct nlattr *nest);

/* The string in @a, or NULL if it is not NUL-terminated. */
const char *drlb_nl_string(const struct nlattr *a);

/* Put an nested IPv4 (AF, ADDR) pair. */
int drlb_nl_put_addr4(struct nl_msg *msg, int af_type, int addr_type,
		      uint32_t addr_be);
/* Put (AF, ADDR) of @a's family: 4 or 16 bytes. */
int drlb_nl_put_addr(struct nl_msg *msg, int af_type, int addr_type,
		     const struct drlb_addr *a);
/*
 * Read an address attribute @a of family @af into @out: 0, or -EPROTO if
 * it is absent, the family unknown or its length not the family's.
 */
int drlb_nl_get_addr(const struct nlattr *a, uint16_t af,
		     struct drlb_addr *out);

#endif /* DRLBCTL_NL_H */
