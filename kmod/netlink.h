/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: generic netlink family - the policies and helpers the per-object
 * handler files share, and every handler of the family's operations.
 */
#ifndef _DRLB_NETLINK_H
#define _DRLB_NETLINK_H

#include <linux/in.h>
#include <net/genetlink.h>
#include <uapi/linux/drlb.h>

#include "ctl.h"

extern struct genl_family drlb_genl_family;
/* event.c: the multicast groups (DRLB_MCGRP_MONITOR) */
#define DRLB_N_MCGRPS	1
extern const struct genl_multicast_group drlb_mcgrps[DRLB_N_MCGRPS];

extern const struct nla_policy drlb_svc_policy[DRLB_SVC_A_MAX + 1];
extern const struct nla_policy drlb_dest_policy[DRLB_DEST_A_MAX + 1];
extern const struct nla_policy drlb_cfg_policy[DRLB_CFG_A_MAX + 1];
extern const struct nla_policy drlb_arp_policy[DRLB_ARP_A_MAX + 1];
extern const struct nla_policy drlb_conn_filter_policy[DRLB_CONN_A_MAX + 1];
/* nl_arp.c: the top-level policies of NEW/DEL_ARP and of the GET_ARP dump */
extern const struct nla_policy drlb_arp_req_policy[DRLB_A_MAX + 1];
extern const struct nla_policy drlb_arp_dump_policy[DRLB_A_MAX + 1];

/* Longest timeout/persistence accepted, in seconds (fits jiffies at HZ=1000). */
#define DRLB_TIMEOUT_MAX	2000000U

/*
 * Parse an (AF, ADDR) pair from a nested attribute table into an IPv4
 * address; reports the problem through @extack and returns -EINVAL or
 * -EAFNOSUPPORT. @nest is the nest the keys belong to (for missing-attr
 * reports), @af_type / @addr_type their attribute numbers.
 */
int drlb_nl_get_addr4(struct nlattr *nest, struct nlattr **tb,
		      int af_type, int addr_type, __be32 *addr,
		      struct netlink_ext_ack *extack);
/*
 * The same for either family: *@af AF_INET or AF_INET6, @addr zero-filled
 * past an IPv4 address (union drlb_addr).
 */
int drlb_nl_get_addr(struct nlattr *nest, struct nlattr **tb, int af_type,
		     int addr_type, u16 *af, union drlb_addr *addr,
		     struct netlink_ext_ack *extack);
/* The AF attribute alone, AF_INET or AF_INET6, into *@af. */
int drlb_nl_get_af(struct nlattr *nest, struct nlattr **tb, int af_type,
		   u16 *af, struct netlink_ext_ack *extack);
/*
 * A VIP or real server's address of @af: IPv4 as drlb_nl_addr_unicast();
 * IPv6 a global (or unique-local) unicast address: not ::, ::1,
 * multicast, link-local (which needs a zone) or IPv4-mapped.
 */
bool drlb_nl_addr_ok(u16 af, const union drlb_addr *a);
/* @a as a 4- or 16-byte attribute. */
int drlb_nl_put_addr(struct sk_buff *msg, int attr, u16 af,
		     const union drlb_addr *a);
/* The AF attribute alone: present, and AF_INET (0, -EINVAL, -EAFNOSUPPORT). */
int drlb_nl_get_af4(struct nlattr *nest, struct nlattr **tb, int af_type,
		    struct netlink_ext_ack *extack);

struct drlb_net;
struct drlb_service;
struct drlb_dest;

/* A VIP or real-server address: not 0/8, multicast, broadcast, loopback. */
static inline bool drlb_nl_addr_unicast(__be32 addr)
{
	return !ipv4_is_zeronet(addr) && !ipv4_is_multicast(addr) &&
	       !ipv4_is_lbcast(addr) && !ipv4_is_loopback(addr);
}

/*
 * Parse DRLB_A_SERVICE of @attrs (a request's or a dump's) into @tb
 * (DRLB_SVC_A_MAX + 1 slots) and its key into @k; errors via @extack.
 */
int drlb_nl_svc_key(struct nlattr **attrs, struct nlattr **tb,
		    struct drlb_svc_key *k, struct netlink_ext_ack *extack);
/* The service with key @k; if none, says so via @extack (blaming @nest). */
struct drlb_service *drlb_nl_svc_find(struct drlb_net *dn,
				      const struct drlb_svc_key *k,
				      struct nlattr *nest,
				      struct netlink_ext_ack *extack);
/*
 * A dump's start: the service its DRLB_A_SERVICE names, parsed, found and
 * held (drlb_svc_put() when the dump is done), or an ERR_PTR with extack.
 */
struct drlb_service *drlb_nl_dump_svc_get(struct netlink_callback *cb);
/* The same for a do: the service @attrs name, held, or an ERR_PTR. */
struct drlb_service *drlb_nl_svc_get(struct drlb_net *dn,
				     struct nlattr **attrs,
				     struct netlink_ext_ack *extack);

void *drlb_nl_put_hdr(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		      u8 cmd);

/*
 * Service and dest messages: DRLB_A_SERVICE with @svc's keys (and with
 * @full its settings and counters, nl_service.c), DRLB_A_DEST with
 * @dest's settings and counters (nl_dest.c). A reply or dump message
 * (netlink.c) of a service command carries @svc in full, one of a dest
 * command @svc's keys and @dest (@dest NULL: a service message).
 */
int drlb_nl_put_svc(struct sk_buff *msg, struct drlb_service *svc,
		    bool full, bool stats);
int drlb_nl_put_dest(struct sk_buff *msg, struct drlb_dest *dest, bool stats);
int drlb_nl_svc_reply(struct genl_info *info, u8 cmd,
		      struct drlb_service *svc, struct drlb_dest *dest);
int drlb_nl_svc_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd, struct drlb_service *svc,
			 struct drlb_dest *dest);

/* The family (netlink.c): registered last at load, unregistered first. */
int drlb_genl_init(void);
void drlb_genl_exit(void);

/* The operations' handlers, listed in netlink.c's drlb_genl_ops. */

/* config.c */
int drlb_nl_get_config(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_set_config(struct sk_buff *skb, struct genl_info *info);

/* nl_service.c */
int drlb_nl_new_service(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_set_service(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_del_service(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_get_service(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_dump_service(struct sk_buff *skb, struct netlink_callback *cb);
int drlb_nl_flush(struct sk_buff *skb, struct genl_info *info);

/* nl_dest.c */
int drlb_nl_new_dest(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_set_dest(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_del_dest(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_get_dest(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_dump_dest_start(struct netlink_callback *cb);
int drlb_nl_dump_dest(struct sk_buff *skb, struct netlink_callback *cb);
int drlb_nl_dump_dest_done(struct netlink_callback *cb);

/* nl_stats.c */
int drlb_nl_get_stats(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_zero(struct sk_buff *skb, struct genl_info *info);

/* nl_conn.c */
int drlb_nl_dump_conn_start(struct netlink_callback *cb);
int drlb_nl_dump_conn(struct sk_buff *skb, struct netlink_callback *cb);
int drlb_nl_dump_conn_done(struct netlink_callback *cb);
int drlb_nl_get_conn(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_del_conn(struct sk_buff *skb, struct genl_info *info);

/* nl_arp.c */
int drlb_nl_new_arp(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_set_arp(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_del_arp(struct sk_buff *skb, struct genl_info *info);
int drlb_nl_get_arp_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _DRLB_NETLINK_H */
