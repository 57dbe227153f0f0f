/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlb: what the IPv4 hook (hook.c) and the IPv6 hook (hook6.c) share:
 * the flow logic after a packet's headers were read, which is the same
 * for both families. Called in the hooks' context (softirq or BHs off,
 * under rcu_read_lock()).
 */
#ifndef _DRLB_HOOK_H
#define _DRLB_HOOK_H

#include <linux/netfilter.h>
#include <linux/tcp.h>

#include "drlb.h"

/* The transport protocols a service takes. */
static inline bool drlb_proto_ok(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

/* Count a drop of @svc's packet in @svc and the namespace. */
void drlb_drop_count(struct drlb_net *dn, struct drlb_service *svc,
		     enum drlb_stat why);

/* The service of (@af, @proto, @addr, @port), else of @addr's port 0. */
struct drlb_service *drlb_svc_match(struct drlb_net *dn, u16 af, u8 proto,
				    const union drlb_addr *addr, __be16 port);

/* ... after the fwmark service of @skb's mark, if there is one. */
struct drlb_service *drlb_svc_of(struct drlb_net *dn,
				 const struct sk_buff *skb, u16 af, u8 proto,
				 const union drlb_addr *addr, __be16 port);

/*
 * Does the packet (transport header at @off, protocol @proto) open a
 * flow? For TCP its header goes in *@th (NULL: truncated, see there).
 */
bool drlb_opens(struct sk_buff *skb, u8 proto, unsigned int off,
		struct tcphdr *buf, const struct tcphdr **th);

/* A frame br_netfilter passes up that was bridged between other hosts. */
bool drlb_bridged_otherhost(const struct sk_buff *skb);

/*
 * Packet @skb of flow @f for @svc: find or create the flow, send it on.
 * @th: its TCP header (TCP only), @opens: see drlb_opens().
 */
unsigned int drlb_in(struct drlb_net *dn, struct drlb_service *svc,
		     struct sk_buff *skb, const struct drlb_flow *f,
		     const struct tcphdr *th, bool opens);

/* hook6.c: fill the IPv6 hook's @ops, with nf_defrag_ipv6 enabled. */
int drlb_hook6_ops(struct drlb_net *dn, struct nf_hook_ops *ops);
void drlb_hook6_defrag_disable(struct drlb_net *dn);

#endif /* _DRLB_HOOK_H */
