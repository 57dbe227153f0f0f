/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for nl.c in tests/test_cli: no socket, no module. The
 * requests drlbctl builds are answered by a small model of the drlb
 * module's services, servers, flows, ARP rules and settings, so that
 * whole command lines - parsing, requests, replies, listings, save and
 * restore - run on the host.
 */
#ifndef DRLBCTL_FAKE_KERNEL_H
#define DRLBCTL_FAKE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/drlb.h>

#include "addr.h"

#define FK_MAX_SVC	32
#define FK_MAX_DEST	8
#define FK_MAX_CONN	16
#define FK_MAX_ARP	8

struct fk_dest {
	struct drlb_addr addr;
	uint32_t weight, u_thresh, l_thresh;
};

struct fk_svc {
	uint8_t proto;
	struct drlb_addr addr;	/* its family; a fwmark service's bytes 0 */
	uint16_t port;
	uint32_t fwmark;
	char sched[DRLB_SCHED_NAME_MAX];
	uint32_t persist, sched_flags;
	uint8_t netmask, expire_nodest, midstream, onepacket;
	struct fk_dest dests[FK_MAX_DEST];
	int n_dests;
};

/* A flow or template as GET_CONN dumps it (addresses of one family). */
struct fk_conn {
	uint8_t proto, state;
	struct drlb_addr caddr, vaddr, daddr;
	uint16_t cport, vport;
	uint32_t expires_ms;
	bool persist;
};

struct fk_arp {
	struct drlb_addr vip;
	uint32_t ifindex, flags;
};

struct fake_kernel {
	uint64_t features;		/* GET_INFO's DRLB_F_* */
	struct fk_svc svcs[FK_MAX_SVC];
	int n_svcs;
	struct fk_conn conns[FK_MAX_CONN];
	int n_conns;
	struct fk_arp arps[FK_MAX_ARP];
	int n_arps;
	uint32_t cfg[DRLB_CFG_A_MAX + 1];
	/* The last GET_CONN or DEL_CONN request, as sent. */
	uint8_t conn_req[1024];
	size_t conn_req_len;
	int requests;			/* requests the module applied */
	/*
	 * Events for drlb_nl_subscribe() (monitor): each a message of its
	 * own, read then from a socket whose other end is closed.
	 */
	struct nl_msg *events[8];
	int n_events;
};

extern struct fake_kernel fk;

/* An empty module with the features @features and default settings. */
void fk_reset(uint64_t features);
struct nl_msg;
/* A DRLB_A_SERVICE nest of @s (its keys, and its settings if @full). */
void fk_put_svc(struct nl_msg *m, const struct fk_svc *s, bool full);
/* A DRLB_A_DEST nest of @d. */
void fk_put_dest(struct nl_msg *m, const struct fk_dest *d);
/* A DRLB_CMD_EVENT message to fill in and queue (fk.events). */
struct nl_msg *fk_event(uint32_t type);

#endif /* DRLBCTL_FAKE_KERNEL_H */
