// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the netfilter hook - where packets for virtual services come in.
 *
 * One NF_INET_PRE_ROUTING hook per namespace, registered only while the
 * namespace has at least one service (the first service added registers
 * it, the last deleted unregisters it), so a namespace without services
 * pays nothing. Its priority is NF_IP_PRI_CONNTRACK_DEFRAG + 1:
 *   - just after nf_defrag_ipv4 (-400), which drlb enables for the
 *     namespace while hooked: fragments arrive reassembled, so all
 *     fragments of a datagram reach the same real server and the ports
 *     are always there to look at;
 *   - before raw (-300) and conntrack (-200): what we forward is stolen
 *     here, so the director's conntrack never sees VIP traffic (no
 *     entries, no table to fill, nothing for NAT or state rules to break);
 *   - before routing: the VIP need not be a local address of the director.
 * A chain that marks packets for a fwmark service must run before us: in
 * nftables a prerouting chain at a priority below -400 (-399 is ours; at
 * -400 a chain runs before or after defrag depending on which hooked
 * first). Below -400 it sees fragments unreassembled: only the first
 * carries the ports, and its mark is the reassembled datagram's.
 * Anything else (not for a service, looped back, broadcast) goes on with
 * NF_ACCEPT after at most three service hash lookups (the mark's, when
 * the namespace has fwmark services and the packet a mark, then VIP:port
 * and VIP:*).
 *
 * The hook runs under rcu_read_lock() in softirq context (or with BHs
 * disabled); ip_rcv() has validated the IPv4 header and skb->data points
 * at it.
 */

#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <uapi/linux/drlb.h>

#include "drlb.h"
#include "hook.h"
#include "sched.h"

void drlb_drop_count(struct drlb_net *dn, struct drlb_service *svc,
		     enum drlb_stat why)
{
	drlb_stats_add(&svc->stats, why, 1);
	drlb_stats_add(&dn->stats, why, 1);
}

/*
 * The persistence template key of flow @f of @svc: the client's network,
 * and the VIP, the service's port and the protocol; for a fwmark service
 * the mark in place of the VIP, port 0 and protocol 0 (IPPROTO_IP), as
 * IPVS keys them, so that one template holds a client across every VIP,
 * port and protocol of the mark. No flow has protocol 0: the two kinds of
 * key never meet.
 */
static void drlb_persist_key(const struct drlb_service *svc,
			     const struct drlb_flow *f, struct drlb_flow *tf)
{
	if (svc->fwmark) {
		*tf = (struct drlb_flow){
			.vaddr.ip = htonl(svc->fwmark),
			.proto = IPPROTO_IP,
			.v6 = f->v6,
		};
	} else {
		*tf = (struct drlb_flow){
			.vaddr = f->vaddr,
			.vport = svc->port,
			.proto = f->proto,
			.v6 = f->v6,
		};
	}
	if (f->v6)
		drlb_addr_prefix(&tf->caddr, &f->caddr,
				 READ_ONCE(svc->persist_plen), true);
	else
		tf->caddr.ip = f->caddr.ip & READ_ONCE(svc->persist_mask);
}

/*
 * A flow of a persistent service lives until @c->expires: its client's
 * template must not expire before it, or the client's next connection
 * (an FTP data connection beside a long control connection) would land
 * elsewhere. IPVS keeps a template while it controls connections; here
 * the template's expiry is kept at or after that of every flow on its
 * dest, whenever a flow's expiry moves (at most once a second a flow).
 */
static void drlb_persist_hold(struct drlb_net *dn, struct drlb_service *svc,
			      const struct drlb_flow *f,
			      const struct drlb_conn *c)
{
	struct drlb_flow tf;
	struct drlb_conn *t;

	drlb_persist_key(svc, f, &tf);
	t = drlb_conn_lookup(dn, &tf, DRLB_CONN_F_TEMPLATE);
	if (t && t->dest == c->dest)
		drlb_conn_extend(t, READ_ONCE(c->expires));
}

/*
 * The dest for a new flow: the client's persistence template if the
 * service is persistent and the template is alive and its dest usable,
 * else the scheduler's choice (recorded in a new template). Drained
 * (weight 0) dests get no new flows, even from a template (unlike IPVS).
 */
static struct drlb_dest *drlb_pick(struct drlb_net *dn,
				   struct drlb_service *svc,
				   const struct drlb_flow *f)
{
	u32 ptmo = READ_ONCE(svc->persist_timeout);
	struct drlb_dest *dest;
	struct drlb_flow tf;
	struct drlb_conn *t;
	bool created;

	if (!ptmo)
		return drlb_schedule(svc, f);

	drlb_persist_key(svc, f, &tf);
	t = drlb_conn_lookup(dn, &tf, DRLB_CONN_F_TEMPLATE);
	if (t) {
		if (drlb_dest_usable(t->dest) &&
		    time_before(jiffies, READ_ONCE(t->expires))) {
			/* Never shortened: it may be held by a live flow. */
			drlb_conn_extend(t, jiffies + (unsigned long)ptmo * HZ);
			return t->dest;
		}
		drlb_conn_unlink(dn, t);
	}
	dest = drlb_schedule(svc, f);
	if (!dest)
		return NULL;
	t = drlb_conn_insert(dn, &tf, DRLB_CONN_F_TEMPLATE, DRLB_CONN_S_NONE,
			     dest, (unsigned long)ptmo * HZ, &created);
	/* Lost a race to another CPU's template: follow it. */
	if (!IS_ERR(t) && !created && drlb_dest_usable(t->dest))
		return t->dest;
	return dest;
}

/*
 * The dest for a packet of no flow that is forwarded without an entry
 * (see drlb_in()): the client's live persistence template if there is
 * one, else the dest the flow maps to (a stable scheduler's lookup: the
 * flow exists, on another director, so the dests' load does not move
 * it). Creates nothing.
 */
static struct drlb_dest *drlb_pick_stateless(struct drlb_net *dn,
					     struct drlb_service *svc,
					     const struct drlb_flow *f)
{
	struct drlb_flow tf;
	struct drlb_conn *t;

	if (READ_ONCE(svc->persist_timeout)) {
		drlb_persist_key(svc, f, &tf);
		t = drlb_conn_lookup(dn, &tf, DRLB_CONN_F_TEMPLATE);
		if (t && drlb_dest_usable(t->dest) &&
		    time_before(jiffies, READ_ONCE(t->expires)))
			return t->dest;
	}
	return drlb_schedule_stateless(svc, f);
}

/*
 * Is @svc's scheduler stable across directors (mh, sh, dh: the choice
 * depends only on the flow, the dests and the Maglev settings)? Then a
 * packet may be forwarded without an entry: any director with the same
 * configuration sends it to the same real server.
 */
static bool drlb_svc_stable(struct drlb_service *svc)
{
	const struct drlb_sched_state *st = rcu_dereference(svc->sched);

	return st && st->ops->stable;
}

/*
 * A datagram of a one-packet UDP service: scheduled on its own (after the
 * client's persistence template, which is kept as usual), sent, and
 * forgotten; counted as a flow.
 */
/* The full source check of a packet of no flow (srcval.c). */
static bool drlb_src_ok(struct sk_buff *skb, const struct drlb_flow *f)
{
	return f->v6 ? drlb_src6_valid(skb, skb->dev) :
		       drlb_src_valid(skb, skb->dev);
}

static unsigned int drlb_in_onepacket(struct drlb_net *dn,
				      struct drlb_service *svc,
				      struct sk_buff *skb,
				      const struct drlb_flow *f)
{
	struct drlb_dest *dest;

	if (unlikely(!drlb_src_ok(skb, f))) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_MARTIAN);
		return NF_DROP;
	}
	dest = drlb_pick(dn, svc, f);
	if (!dest) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_NO_DEST);
		return NF_DROP;
	}
	drlb_stats_add(&svc->stats, DRLB_ST_CONNS, 1);
	drlb_stats_add(&dest->stats, DRLB_ST_CONNS, 1);
	drlb_stats_add(&dn->stats, DRLB_ST_CONNS, 1);
	return drlb_xmit(dn, svc, dest, skb);
}

/* Forward @skb to @dest without an entry; counted as stateless. */
static unsigned int drlb_xmit_stateless(struct drlb_net *dn,
					struct drlb_service *svc,
					struct drlb_dest *dest,
					struct sk_buff *skb)
{
	drlb_stats_add(&svc->stats, DRLB_ST_STATELESS, 1);
	drlb_stats_add(&dn->stats, DRLB_ST_STATELESS, 1);
	return drlb_xmit(dn, svc, dest, skb);
}

/*
 * A packet for @svc: find or create its flow, then send it on. @opens:
 * the packet may open a flow (a TCP SYN without ACK, an SCTP INIT, any UDP
 * datagram). Flow admission (uapi drlb.h): a packet of no flow must come
 * from a valid source; if it cannot open a flow it is forwarded without an
 * entry when the scheduler is stable across directors, else dropped as
 * no_flow (unless the service allows mid-stream entries); a new flow that
 * finds the table full is likewise forwarded without an entry by a stable
 * scheduler, else dropped as table_full.
 */
unsigned int drlb_in(struct drlb_net *dn, struct drlb_service *svc,
		     struct sk_buff *skb, const struct drlb_flow *f,
		     const struct tcphdr *th, bool opens)
{
	bool created, repicked = false;
	struct drlb_dest *dest;
	struct drlb_conn *c;
	u8 state;

	/* Only UDP services have it set (nl_service.c). */
	if (READ_ONCE(svc->onepacket))
		return drlb_in_onepacket(dn, svc, skb, f);
	c = drlb_conn_lookup(dn, f, 0);
	if (c && unlikely(test_bit(DRLB_DEST_DEAD, &c->dest->flags))) {
		/*
		 * Its dest was deleted (expire_nodest 0): reschedule it,
		 * keeping its state; a flow admitted once needs no new
		 * admission.
		 */
		state = READ_ONCE(c->state);
		drlb_conn_unlink(dn, c);
		if (state == DRLB_CONN_S_DEAD)
			state = th ? DRLB_CONN_S_SYN : DRLB_CONN_S_NONE;
		goto schedule;
	}
	if (c) {
		state = READ_ONCE(c->state);
		if (th) {
			u8 next = drlb_tcp_next_state(state, th->syn, th->ack,
						      th->fin, th->rst);

			if (next != state) {
				drlb_conn_set_state(dn, c, next);
				state = next;
			}
		}
		/*
		 * Counted (and its template held) on the service of its
		 * server, which may not be @svc: a port-0 service's flow goes
		 * on when a service for its port comes.
		 */
		svc = c->dest->svc;
		if (drlb_conn_touch(c, drlb_conn_timeout(dn, f->proto, state)) &&
		    READ_ONCE(svc->persist_timeout))
			drlb_persist_hold(dn, svc, f, c);
		return drlb_xmit(dn, svc, c->dest, skb);
	}

	/* No flow: the checks the kernel's input route would make. */
	if (unlikely(!drlb_src_ok(skb, f))) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_MARTIAN);
		return NF_DROP;
	}
	if (!opens) {
		if (drlb_svc_stable(svc)) {
			dest = drlb_pick_stateless(dn, svc, f);
			if (!dest) {
				drlb_drop_count(dn, svc, DRLB_ST_DROP_NO_DEST);
				return NF_DROP;
			}
			return drlb_xmit_stateless(dn, svc, dest, skb);
		}
		if (!READ_ONCE(svc->midstream)) {
			drlb_drop_count(dn, svc, DRLB_ST_DROP_NO_FLOW);
			return NF_DROP;
		}
		/* A mid-stream entry: the SYN timeout until its next ACK. */
		state = th && th->rst ? DRLB_CONN_S_CLOSE :
			th && th->fin ? DRLB_CONN_S_FIN :
			th ? DRLB_CONN_S_SYN : DRLB_CONN_S_NONE;
	} else {
		state = th ? DRLB_CONN_S_SYN : DRLB_CONN_S_NONE;
	}
schedule:
	dest = drlb_pick(dn, svc, f);
	if (!dest) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_NO_DEST);
		return NF_DROP;
	}
	c = drlb_conn_insert(dn, f, 0, state, dest,
			     drlb_conn_timeout(dn, f->proto, state), &created);
	if (IS_ERR(c)) {
		switch (PTR_ERR(c)) {
		case -ENOSPC:
			if (drlb_svc_stable(svc)) {
				drlb_event_table_full(dn, true);
				return drlb_xmit_stateless(dn, svc, dest, skb);
			}
			drlb_event_table_full(dn, false);
			drlb_drop_count(dn, svc, DRLB_ST_DROP_TABLE_FULL);
			break;
		case -ENOENT:
			/* Its dest went away since the pick: pick once more. */
			if (!repicked) {
				repicked = true;
				goto schedule;
			}
			drlb_drop_count(dn, svc, DRLB_ST_DROP_NO_DEST);
			break;
		default:
			drlb_drop_count(dn, svc, DRLB_ST_DROP_OTHER);
			break;
		}
		return NF_DROP;
	}
	if (created && READ_ONCE(svc->persist_timeout))
		drlb_persist_hold(dn, svc, f, c);
	if (created) {
		drlb_stats_add(&svc->stats, DRLB_ST_CONNS, 1);
		drlb_stats_add(&c->dest->stats, DRLB_ST_CONNS, 1);
		drlb_stats_add(&dn->stats, DRLB_ST_CONNS, 1);
	}
	return drlb_xmit(dn, c->dest->svc, c->dest, skb);
}

struct drlb_service *drlb_svc_match(struct drlb_net *dn, u16 af, u8 proto,
				    const union drlb_addr *addr, __be16 port)
{
	struct drlb_service *svc = drlb_svc_find(dn, af, proto, addr, port);

	return svc ?: drlb_svc_find(dn, af, proto, addr, 0);
}

/*
 * The service of a packet: the fwmark service of its mark if there is
 * one (IPVS's order, ip_vs_service_find()), else the tuple service. A
 * namespace without fwmark services pays one READ_ONCE() for it.
 */
struct drlb_service *drlb_svc_of(struct drlb_net *dn,
				 const struct sk_buff *skb, u16 af, u8 proto,
				 const union drlb_addr *addr, __be16 port)
{
	struct drlb_service *svc;

	if (unlikely(READ_ONCE(dn->num_fwm)) && skb->mark) {
		svc = drlb_svc_find_fwm(dn, af, skb->mark);
		if (svc)
			return svc;
	}
	return drlb_svc_match(dn, af, proto, addr, port);
}

/*
 * Whether @th's packet opens a flow (TCP: a SYN without ACK, FIN or RST;
 * SCTP: an INIT at @off + the common header), and for TCP the header in
 * *@th (NULL: truncated). Any UDP datagram opens one.
 */
bool drlb_opens(struct sk_buff *skb, u8 proto, unsigned int off,
		struct tcphdr *buf, const struct tcphdr **th)
{
	u8 _chunk;
	const u8 *chunk;

	*th = NULL;
	switch (proto) {
	case IPPROTO_TCP:
		*th = skb_header_pointer(skb, off, sizeof(*buf), buf);
		return *th && (*th)->syn && !(*th)->ack && !(*th)->fin &&
		       !(*th)->rst;
	case IPPROTO_SCTP:
		chunk = skb_header_pointer(skb, off + sizeof(struct sctphdr),
					   sizeof(_chunk), &_chunk);
		return chunk && *chunk == SCTP_CID_INIT;
	}
	return true;
}

/*
 * An ICMP error about a tracked flow goes to that flow's real server
 * (e.g. "fragmentation needed" from a router on the client's path, for
 * the server's replies). Its inner header is a packet the real server sent
 * as the VIP: from (VIP, vport) to (client, cport). Anything else is left
 * to the director's own stack. The error need not carry a fwmark service's
 * mark (the rule that marks the flow may not match it): while there are
 * fwmark services, any flow of the table is looked for.
 */
static unsigned int drlb_icmp_in(struct drlb_net *dn, struct sk_buff *skb,
				 const struct iphdr *iph)
{
	unsigned int off = iph->ihl * 4;
	const struct icmphdr *ih;
	const struct iphdr *inner;
	struct drlb_service *svc;
	struct icmphdr _ih;
	struct iphdr _inner;
	const __be16 *ports;
	struct drlb_flow f;
	struct drlb_conn *c;
	__be16 _ports[2];

	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || (ih->type != ICMP_DEST_UNREACH &&
		    ih->type != ICMP_SOURCE_QUENCH &&
		    ih->type != ICMP_TIME_EXCEEDED &&
		    ih->type != ICMP_PARAMETERPROB))
		return NF_ACCEPT;
	off += sizeof(_ih);
	inner = skb_header_pointer(skb, off, sizeof(_inner), &_inner);
	if (!inner || inner->ihl < 5 || !drlb_proto_ok(inner->protocol) ||
	    inner->frag_off & htons(IP_OFFSET))
		return NF_ACCEPT;
	ports = skb_header_pointer(skb, off + inner->ihl * 4, sizeof(_ports),
				   _ports);
	if (!ports)
		return NF_ACCEPT;
	f = (struct drlb_flow){
		.caddr.ip = inner->daddr, .cport = ports[1],
		.vaddr.ip = inner->saddr, .vport = ports[0],
		.proto = inner->protocol,
	};
	svc = drlb_svc_match(dn, AF_INET, inner->protocol, &f.vaddr, ports[0]);
	if (!svc && !READ_ONCE(dn->num_fwm))
		return NF_ACCEPT;
	c = drlb_conn_lookup(dn, &f, 0);
	if (!c || test_bit(DRLB_DEST_DEAD, &c->dest->flags))
		return NF_ACCEPT;
	return drlb_xmit(dn, c->dest->svc, c->dest, skb);
}

/*
 * A frame bridged between two other hosts: br_netfilter hands it to the
 * IPv4 hooks as PACKET_HOST (remembering it was PACKET_OTHERHOST), but it
 * is not for us. Frames to the bridge's own address are.
 */
bool drlb_bridged_otherhost(const struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
	const struct nf_bridge_info *nb = nf_bridge_info_get(skb);

	return nb && nb->pkt_otherhost;
#else
	return false;
#endif
}

static unsigned int drlb_hook_in(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct drlb_net *dn = priv;
	const struct iphdr *iph = ip_hdr(skb);
	struct drlb_service *svc;
	const struct tcphdr *th;
	struct tcphdr _th;
	const __be16 *ports;
	struct drlb_flow f;
	__be16 _ports[2];
	bool opens;

	/*
	 * Only unicast to us from outside; our own traffic takes its course,
	 * and so does what the operator marked to bypass us.
	 */
	if (skb->pkt_type != PACKET_HOST || (state->in->flags & IFF_LOOPBACK) ||
	    drlb_bridged_otherhost(skb) ||
	    (skb->mark & READ_ONCE(dn->cfg.bypass_mark)))
		return NF_ACCEPT;
	/* Defrag ran before us; a fragment here failed it, leave it be. */
	if (unlikely(ip_is_fragment(iph)))
		return NF_ACCEPT;
	if (!drlb_proto_ok(iph->protocol))
		return iph->protocol == IPPROTO_ICMP ?
		       drlb_icmp_in(dn, skb, iph) : NF_ACCEPT;

	ports = skb_header_pointer(skb, iph->ihl * 4, sizeof(_ports), _ports);
	if (!ports)
		return NF_ACCEPT;
	f = (struct drlb_flow){
		.caddr.ip = iph->saddr, .cport = ports[0],
		.vaddr.ip = iph->daddr, .vport = ports[1],
		.proto = iph->protocol,
	};
	svc = drlb_svc_of(dn, skb, AF_INET, iph->protocol, &f.vaddr, ports[1]);
	if (!svc)
		return NF_ACCEPT;

	/*
	 * Never valid on the wire; the full check (local sources, rp_filter)
	 * costs a FIB lookup and is made only for packets of no flow.
	 */
	if (unlikely(drlb_src_martian(skb, state->in))) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_MARTIAN);
		return NF_DROP;
	}
	/*
	 * An LRO-merged frame cannot be sent on unchanged (the kernel's
	 * forward path refuses it too, see skb_warn_if_lro()): the device
	 * merged segments without GSO metadata to split them again.
	 */
	if (unlikely(skb_is_gso(skb) && !skb_shinfo(skb)->gso_type)) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_OTHER);
		return NF_DROP;
	}
	opens = drlb_opens(skb, iph->protocol, iph->ihl * 4, &_th, &th);
	if (iph->protocol == IPPROTO_TCP && !th) {
		drlb_drop_count(dn, svc, DRLB_ST_DROP_OTHER);
		return NF_DROP;
	}
	return drlb_in(dn, svc, skb, &f, th, opens);
}

/*
 * Under drlb_net.lock, when the namespace gets its first service of @af:
 * that family's hook (and defrag); with the first of any family, the
 * connection table, its GC and the estimator too.
 */
int drlb_hook_register(struct drlb_net *dn, u16 af)
{
	struct nf_hook_ops *ops = &dn->hook_ops[drlb_af_idx(af)];
	int err;

	lockdep_assert_held(&dn->lock);
	err = drlb_conn_tab_alloc(dn);
	if (err)
		return err;
	if (af == AF_INET6) {
		err = drlb_hook6_ops(dn, ops);
		if (err)
			return err;
	} else {
		err = nf_defrag_ipv4_enable(dn->net);
		if (err)
			return err;
		*ops = (struct nf_hook_ops){
			.hook		= drlb_hook_in,
			.priv		= dn,
			.pf		= NFPROTO_IPV4,
			.hooknum	= NF_INET_PRE_ROUTING,
			.priority	= NF_IP_PRI_CONNTRACK_DEFRAG + 1,
		};
	}
	err = nf_register_net_hook(dn->net, ops);
	if (err) {
		if (af == AF_INET6)
			drlb_hook6_defrag_disable(dn);
		else
			nf_defrag_ipv4_disable(dn->net);
		return err;
	}
	if (!dn->hooked) {
		WRITE_ONCE(dn->hooked, true);
		drlb_conn_gc_start(dn);
		drlb_est_start(dn);
	}
	return 0;
}

/* Under drlb_net.lock, when the namespace's last service of @af goes. */
void drlb_hook_unregister(struct drlb_net *dn, u16 af)
{
	lockdep_assert_held(&dn->lock);
	nf_unregister_net_hook(dn->net, &dn->hook_ops[drlb_af_idx(af)]);
	/*
	 * Wait for packets still in the hook: afterwards nothing adds
	 * flows of @af, so once no family is hooked the GC can stop when
	 * the table is empty.
	 */
	synchronize_net();
	if (af == AF_INET6)
		drlb_hook6_defrag_disable(dn);
	else
		nf_defrag_ipv4_disable(dn->net);
	if (!dn->num_services)
		WRITE_ONCE(dn->hooked, false);
}
