/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb_ipvs: the kernel's IPVS generic netlink family (linux/ip_vs.h),
 * served from drlb's tables so that unmodified ipvsadm, keepalived and
 * IPVS monitoring drive drlb. A translation layer only: its handlers
 * parse IPVS attributes, call the core's control API (kmod/ctl.h) under
 * drlb_net.lock as drlb's own family does, and fill IPVS replies. It
 * keeps no state of its own beyond the family.
 */
#ifndef _DRLB_IPVS_H
#define _DRLB_IPVS_H

#include <net/genetlink.h>
#include <uapi/linux/ip_vs.h>

#include "../ctl.h"
#include "../drlb.h"

extern struct genl_family drlb_ipvs_family;

int drlb_ipvs_genl_init(void);
void drlb_ipvs_genl_exit(void);

/*
 * The key of IPVS_CMD_ATTR_SERVICE @nest ((af, protocol, address, port)
 * or (af, fwmark)), its attributes parsed into @tb.
 */
int drlb_ipvs_parse_svc_key(struct nlattr *nest, struct nlattr **tb,
			    struct drlb_svc_key *k,
			    struct netlink_ext_ack *extack);
struct drlb_service *drlb_ipvs_svc_find(struct drlb_net *dn,
					const struct drlb_svc_key *k,
					struct nlattr *nest,
					struct netlink_ext_ack *extack);

extern const struct nla_policy drlb_ipvs_dest_policy[IPVS_DEST_ATTR_MAX + 1];

/* svc.c: service and dest changes */
int drlb_ipvs_new_service(struct sk_buff *skb, struct genl_info *info);
int drlb_ipvs_set_service(struct sk_buff *skb, struct genl_info *info);
int drlb_ipvs_del_service(struct sk_buff *skb, struct genl_info *info);
int drlb_ipvs_new_dest(struct sk_buff *skb, struct genl_info *info);
int drlb_ipvs_set_dest(struct sk_buff *skb, struct genl_info *info);
int drlb_ipvs_del_dest(struct sk_buff *skb, struct genl_info *info);

/* reply.c: GET_SERVICE and the dumps; IPVS's flags of a service */
u32 drlb_ipvs_svc_flags(const struct drlb_service *svc);
int drlb_ipvs_get_service(struct sk_buff *skb, struct genl_info *info);
int drlb_ipvs_dump_services(struct sk_buff *skb, struct netlink_callback *cb);
int drlb_ipvs_dump_dests(struct sk_buff *skb, struct netlink_callback *cb);

/*
 * proc.c: IPVS's /proc/net/ip_vs* files in every namespace, after the
 * family is ours (ip_vs, which makes the same names, is not loaded)
 */
int drlb_ipvs_proc_init(void);
void drlb_ipvs_proc_exit(void);

#endif /* _DRLB_IPVS_H */
