// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: source validation for VIP traffic.
 *
 * drlb's hook runs before routing (hook.c), so the checks the kernel's
 * input route lookup makes on a packet's source (ip_route_input_slow(),
 * fib_validate_source()) never run for what drlb forwards. These are the
 * same checks, made by drlb itself:
 *   - drlb_src_martian(), for every VIP packet (a few compares): sources
 *     that are never valid on the wire - 0.0.0.0, multicast, the limited
 *     broadcast, and 127/8 unless route_localnet is set on the device;
 *   - drlb_src_valid(), only where a packet could create state (a new
 *     flow) or is forwarded without any (hook.c), since it costs a FIB
 *     lookup: a local address of the namespace as source is refused unless
 *     accept_local is set, and with rp_filter set on the ingress device
 *     (the max of conf/all and the device, as the kernel reads it) the
 *     route back to the source must leave through that device (1, strict)
 *     or exist as a unicast route (2, loose). A packet with an IPsec
 *     secpath is exempt from rp_filter, as in the kernel.
 *
 * IPv6 (drlb_src6_*()): never valid on the wire are the unspecified
 * address, multicast, ::1 and IPv4-mapped addresses (ipv6_rcv() refuses
 * them too); a packet of no flow from a local address of the namespace
 * is refused. IPv6 has no rp_filter: reverse-path filtering is the
 * operator's (an nftables fib rule in a chain before drlb's hook).
 *
 * They run in the hook's context: softirq (or BHs off), under
 * rcu_read_lock(), the IP header validated by ip_rcv() or ipv6_rcv().
 */

#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <net/addrconf.h>
#include <net/ip_fib.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "drlb.h"

bool drlb_src_martian(const struct sk_buff *skb, const struct net_device *in)
{
	__be32 saddr = ip_hdr(skb)->saddr;
	struct in_device *idev;

	if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) ||
	    ipv4_is_zeronet(saddr))
		return true;
	if (!ipv4_is_loopback(saddr))
		return false;
	idev = __in_dev_get_rcu(in);
	return !idev || !IN_DEV_NET_ROUTE_LOCALNET(idev, dev_net(in));
}

bool drlb_src_valid(struct sk_buff *skb, struct net_device *in)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct net *net = dev_net(in);
	struct in_device *idev = __in_dev_get_rcu(in);
	struct fib_result res;
	struct flowi4 fl4;
	int rpf;

	if (!idev)
		return false;
	rpf = secpath_exists(skb) ? 0 : IN_DEV_RPFILTER(idev);
	if (!rpf)
		return IN_DEV_ACCEPT_LOCAL(idev) ||
		       inet_addr_type_dev_table(net, in, iph->saddr) != RTN_LOCAL;

	/* As __fib_validate_source(): the route from us back to the source. */
	fl4 = (struct flowi4){
		.flowi4_iif = LOOPBACK_IFINDEX,
		.flowi4_l3mdev = l3mdev_master_ifindex_rcu(in),
		.daddr = iph->saddr,
		.saddr = iph->daddr,
		.flowi4_scope = RT_SCOPE_UNIVERSE,
		.flowi4_mark = IN_DEV_SRC_VMARK(idev) ? skb->mark : 0,
		.flowi4_uid = sock_net_uid(net, NULL),
	};
	if (fib_lookup(net, &fl4, &res, 0))
		return false;
	if (res.type == RTN_LOCAL)
		return IN_DEV_ACCEPT_LOCAL(idev) &&
		       (fib_info_nh_uses_dev(res.fi, in) || rpf == 2);
	if (res.type != RTN_UNICAST)
		return false;
	return rpf == 2 || fib_info_nh_uses_dev(res.fi, in);
}

bool drlb_src6_martian(const struct sk_buff *skb)
{
	const struct in6_addr *saddr = &ipv6_hdr(skb)->saddr;

	return ipv6_addr_any(saddr) || ipv6_addr_is_multicast(saddr) ||
	       ipv6_addr_loopback(saddr) || ipv6_addr_v4mapped(saddr);
}

bool drlb_src6_valid(struct sk_buff *skb, struct net_device *in)
{
	return !ipv6_chk_addr(dev_net(in), &ipv6_hdr(skb)->saddr, NULL, 0);
}
