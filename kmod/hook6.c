// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the IPv6 hook - where IPv6 packets for virtual services come in.
 *
 * The IPv4 hook's rules (hook.c) hold here, with these differences. The
 * NFPROTO_IPV6 hook is registered while the namespace has IPv6 services
 * (a namespace with IPv4 services only pays nothing for IPv6), at
 * NF_IP6_PRI_CONNTRACK_DEFRAG + 1: just after nf_defrag_ipv6, which drlb
 * enables for the namespace while hooked, so that the fragments of a
 * datagram arrive reassembled (their Fragment header removed,
 * IP6CB(skb)->frag_max_size the largest of them, which xmit.c does not
 * exceed when it makes the fragments again) and all reach one real
 * server; before raw and conntrack.
 *
 * The transport header is found past the extension headers
 * (ipv6_find_hdr()); a packet that still carries a Fragment header here
 * is one defrag gave up on and goes on untouched. ICMPv6 errors about a
 * flow (destination unreachable, packet too big, time exceeded,
 * parameter problem) go to that flow's real server; neighbour discovery
 * and everything else go on to the director's own stack.
 *
 * The hook runs under rcu_read_lock() in softirq context (or with BHs
 * disabled); ipv6_rcv() has validated the IPv6 header and skb->data
 * points at it.
 */

#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv6.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "drlb.h"
#include "hook.h"

/*
 * An ICMPv6 error at @off: its inner packet is one the real server sent
 * as the VIP, from (VIP, vport) to (client, cport).
 */
static unsigned int drlb_icmp6_in(struct drlb_net *dn, struct sk_buff *skb,
				  unsigned int off)
{
	const struct ipv6hdr *inner;
	const struct icmp6hdr *ih;
	struct drlb_service *svc;
	struct ipv6hdr _inner;
	struct icmp6hdr _ih;
	const __be16 *ports;
	struct drlb_flow f;
	struct drlb_conn *c;
	__be16 _ports[2];
	__be16 frag_off;
	u8 nexthdr;
	int ioff;

	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || (ih->icmp6_type != ICMPV6_DEST_UNREACH &&
		    ih->icmp6_type != ICMPV6_PKT_TOOBIG &&
		    ih->icmp6_type != ICMPV6_TIME_EXCEED &&
		    ih->icmp6_type != ICMPV6_PARAMPROB))
		return NF_ACCEPT;
	off += sizeof(_ih);
	inner = skb_header_pointer(skb, off, sizeof(_inner), &_inner);
	if (!inner)
		return NF_ACCEPT;
	nexthdr = inner->nexthdr;
	ioff = ipv6_skip_exthdr(skb, off + sizeof(_inner), &nexthdr,
				&frag_off);
	if (ioff < 0 || (frag_off & htons(~0x7)) || !drlb_proto_ok(nexthdr))
		return NF_ACCEPT;
	ports = skb_header_pointer(skb, ioff, sizeof(_ports), _ports);
	if (!ports)
		return NF_ACCEPT;
	f = (struct drlb_flow){
		.caddr.in6 = inner->daddr, .cport = ports[1],
		.vaddr.in6 = inner->saddr, .vport = ports[0],
		.proto = nexthdr, .v6 = true,
	};
	svc = drlb_svc_match(dn, AF_INET6, nexthdr, &f.vaddr, ports[0]);
	if (!svc && !READ_ONCE(dn->num_fwm))
		return NF_ACCEPT;
	c = drlb_conn_lookup(dn, &f, 0);
	if (!c || test_bit(DRLB_DEST_DEAD, &c->dest->flags))
		return NF_ACCEPT;
	return drlb_xmit(dn, c->dest->svc, c->dest, skb);
}

static unsigned int drlb_hook6_in(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct drlb_net *dn = priv;
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int thoff = sizeof(*ip6h);
	struct drlb_service *svc;
	const struct tcphdr *th;
	unsigned short fragoff;
	const __be16 *ports;
	struct tcphdr _th;
	struct drlb_flow f;
	__be16 _ports[2];
	int proto, flags;
	bool opens;

	if (skb->pkt_type != PACKET_HOST || (state->in->flags & IFF_LOOPBACK) ||
	    drlb_bridged_otherhost(skb) ||
	    (skb->mark & READ_ONCE(dn->cfg.bypass_mark)))
		return NF_ACCEPT;
	proto = ip6h->nexthdr;
	if (unlikely(!drlb_proto_ok(proto))) {
		/* Extension headers (or ICMPv6, or anything else). */
		thoff = 0;
		flags = 0;
		proto = ipv6_find_hdr(skb, &thoff, -1, &fragoff, &flags);
		if (proto < 0 || (flags & IP6_FH_F_FRAG))
			return NF_ACCEPT;
		if (proto == IPPROTO_ICMPV6)
			return drlb_icmp6_in(dn, skb, thoff);
		if (!drlb_proto_ok(proto))
			return NF_ACCEPT;
	}
	ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
	if (!ports)
		return NF_ACCEPT;
	f = (struct drlb_flow){
		.caddr.in6 = ip6h->saddr, .cport = ports[0],
		.vaddr.in6 = ip6h->daddr, .vport = ports[1],
		.proto = proto, .v6 = true,
	};
	svc = drlb_svc_of(dn, skb, AF_INET6, proto, &f.vaddr, ports[1]);
	if (!svc)
		return NF_ACCEPT;
	if (unlikely(drlb_src6_martian(skb))) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_MARTIAN);
		return NF_DROP;
	}
	/* An LRO-merged frame cannot be sent on unchanged (hook.c). */
	if (unlikely(skb_is_gso(skb) && !skb_shinfo(skb)->gso_type)) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_OTHER);
		return NF_DROP;
	}
	opens = drlb_opens(skb, proto, thoff, &_th, &th);
	if (proto == IPPROTO_TCP && !th) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_OTHER);
		return NF_DROP;
	}
	return drlb_in(dn, svc, skb, &f, th, opens);
}

/* Under drlb_net.lock: defrag on, and the hook to register. */
int drlb_hook6_ops(struct drlb_net *dn, struct nf_hook_ops *ops)
{
	int err = nf_defrag_ipv6_enable(dn->net);

	if (err)
		return err;
	*ops = (struct nf_hook_ops){
		.hook		= drlb_hook6_in,
		.priv		= dn,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_CONNTRACK_DEFRAG + 1,
	};
	return 0;
}

void drlb_hook6_defrag_disable(struct drlb_net *dn)
{
	nf_defrag_ipv6_disable(dn->net);
}
