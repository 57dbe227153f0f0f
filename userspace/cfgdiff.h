/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: a namespace's configuration as data, and the difference
 * between two of them - what "drlbctl restore" applies so that unchanged
 * services, servers and ARP rules are never touched (their flows,
 * counters and neighbour state stay). Pure logic, no netlink: restore.c
 * fills models from a file's requests and from the kernel, and turns the
 * difference into requests; tests/test_cfgdiff.c tests it on the host.
 */
#ifndef DRLBCTL_CFGDIFF_H
#define DRLBCTL_CFGDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/drlb.h>

#include "addr.h"

/* A real server of a service (of the service's family). */
struct cm_dest {
	struct drlb_addr addr;
	uint32_t weight;
	uint32_t u_thresh, l_thresh;	/* connection thresholds, 0: none */
	size_t line;		/* the file line that last set it (0: none) */
};

/*
 * A service's key: (proto, addr, port) with fwmark 0, or a fwmark and a
 * family (proto and port 0, addr.af the family, its bytes zero) - the
 * kernel's two kinds of service. addr.af is the service's family either
 * way: an IPv4 and an IPv6 fwmark service may share a mark.
 */
struct cm_key {
	uint8_t proto;
	struct drlb_addr addr;
	uint16_t port;
	uint32_t fwmark;
};

/* A service. */
struct cm_svc {
	struct cm_key key;
	char sched[DRLB_SCHED_NAME_MAX];
	uint32_t persist;	/* seconds, 0 = off */
	uint8_t netmask;	/* prefix length, meaningful while persist */
	bool expire_nodest;
	bool midstream;
	bool onepacket;
	uint32_t sched_flags;	/* DRLB_SCHED_F_* */
	struct cm_dest *dests;
	size_t n_dests, cap_dests;
	size_t line;		/* the file line that last added or changed it */
	bool gone;		/* deleted (the slot stays, unhashed) */
	int next;		/* hash chain: index of the next, -1 at the end */
};

/* An ARP rule; the key is (vip, ifindex). */
struct cm_arp {
	uint32_t vip;		/* network order */
	uint32_t ifindex;
	uint32_t flags;		/* DRLB_ARP_F_* */
	size_t line;
};

#define CM_CFG_MAX (DRLB_CFG_A_MAX + 1)
#define CM_HASH 4096

struct cm_model {
	struct cm_svc *svcs;	/* every service ever added, gone ones too */
	size_t n_svcs, cap_svcs;
	int hash[CM_HASH];	/* index of the first of the chain, -1 */
	struct cm_arp *arps;
	size_t n_arps, cap_arps;
	bool cfg_set[CM_CFG_MAX];	/* DRLB_CFG_A_* given */
	uint32_t cfg[CM_CFG_MAX];
	size_t cfg_line[CM_CFG_MAX];
};

void cm_init(struct cm_model *m);
void cm_free(struct cm_model *m);

/* The service with this key, or NULL. */
struct cm_svc *cm_svc_find(struct cm_model *m, const struct cm_key *k);
/*
 * A new service with the defaults of DRLB_CMD_NEW_SERVICE (wlc and its
 * scheduler flags (none), not persistent, netmask 32 (IPv4) or 128
 * (IPv6), expire-nodest, no midstream, no onepacket); NULL and *err
 * -EEXIST if the key is taken, -ENOMEM.
 */
struct cm_svc *cm_svc_add(struct cm_model *m, const struct cm_key *k,
			  size_t line, int *err);
void cm_svc_del(struct cm_model *m, struct cm_svc *s);
/* Every service (DRLB_CMD_FLUSH). */
void cm_svc_flush(struct cm_model *m);

struct cm_dest *cm_dest_find(struct cm_svc *s, const struct drlb_addr *addr);
/* With weight 1, no thresholds; NULL and *err -EEXIST or -ENOMEM. */
struct cm_dest *cm_dest_add(struct cm_svc *s, const struct drlb_addr *addr,
			    size_t line, int *err);
void cm_dest_del(struct cm_svc *s, struct cm_dest *d);

struct cm_arp *cm_arp_find(struct cm_model *m, uint32_t vip,
			   uint32_t ifindex);
/* NULL and *err -EEXIST or -ENOMEM. */
struct cm_arp *cm_arp_add(struct cm_model *m, uint32_t vip, uint32_t ifindex,
			  uint32_t flags, size_t line, int *err);
void cm_arp_del(struct cm_model *m, struct cm_arp *a);
void cm_arp_flush(struct cm_model *m);

/* A setting (DRLB_CFG_A_*, settable ones only). */
void cm_cfg_set(struct cm_model *m, int attr, uint32_t val, size_t line);

/* What one step of a difference does. */
enum cm_op_kind {
	CM_CFG_SET,	/* attr, val */
	CM_SVC_DEL,	/* svc (of the old model) */
	CM_DEST_DEL,	/* svc (new), dest (old) */
	CM_SVC_CHANGE,	/* svc (new), fields: CM_F_* that differ */
	CM_DEST_CHANGE,	/* svc (new), dest (new), fields: CM_F_WEIGHT, _THRESH */
	CM_SVC_ADD,	/* svc (new), with every option */
	CM_DEST_ADD,	/* svc (new), dest (new) */
	CM_ARP_ADD,	/* arp (new) */
	CM_ARP_REPLACE,	/* arp (new): its flags */
	CM_ARP_DEL,	/* arp (old) */
};

#define CM_F_SCHED	0x1
#define CM_F_PERSIST	0x2	/* persist and netmask */
#define CM_F_EXPIRE	0x4
#define CM_F_MIDSTREAM	0x8
#define CM_F_SCHED_FLAGS 0x10
#define CM_F_ONEPACKET	0x20
/* CM_DEST_CHANGE fields: what differs */
#define CM_F_WEIGHT	0x40
#define CM_F_THRESH	0x80

struct cm_op {
	enum cm_op_kind kind;
	const struct cm_svc *svc;
	const struct cm_dest *dest;
	const struct cm_arp *arp;
	unsigned int fields;
	int attr;
	uint32_t val;
	size_t line;		/* the file line behind it, 0 if none */
};

/*
 * The steps that turn @from into @to, in an order that keeps what both
 * hold untouched and leaves no moment without an ARP rule a VIP keeps:
 * settings; services gone; servers gone; services changed; weights and
 * thresholds changed; servers added; services added with their servers; ARP rules
 * added or changed; ARP rules gone. A setting @to does not name is left
 * as it is. @cb is called for each; a non-zero return stops the walk and
 * is returned.
 */
int cm_diff(const struct cm_model *from, const struct cm_model *to,
	    int (*cb)(const struct cm_op *op, void *arg), void *arg);

/* Number of steps cm_diff() would take (0: the same configuration). */
size_t cm_diff_count(const struct cm_model *from, const struct cm_model *to);

#endif /* DRLBCTL_CFGDIFF_H */
