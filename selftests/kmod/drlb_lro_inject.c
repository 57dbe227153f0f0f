// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_lro_inject - a test module, never shipped: hands the stack
 * LRO-merged TCP frames (gso_size set, gso_type 0, the payload in a page
 * fragment: what a NIC doing LRO delivers, see skb_warn_if_lro()), so
 * that drlb_director_pkt.sh can check drlb never transmits one. No device
 * in the test VM does LRO.
 *
 *   nsenter --net=NS insmod drlb_lro_inject.ko ifname=d0 dmac=... smac=...
 *       saddr=... daddr=... dport=80 count=N
 *
 * Runs in insmod's network namespace: at load it receives COUNT such
 * frames on IFNAME (netif_rx(), as a driver would), each a 3-segment
 * merge of 1000-byte segments of one flow, then stays loaded doing
 * nothing until removed. Load fails if the device or an argument is
 * missing.
 */

#include <linux/etherdevice.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/net_namespace.h>

static char *ifname;
module_param(ifname, charp, 0444);
static char *dmac, *smac, *saddr, *daddr;
module_param(dmac, charp, 0444);
module_param(smac, charp, 0444);
module_param(saddr, charp, 0444);
module_param(daddr, charp, 0444);
static ushort dport = 80, sport = 40000;
module_param(dport, ushort, 0444);
module_param(sport, ushort, 0444);
static uint count = 1;
module_param(count, uint, 0444);

#define SEG	1000
#define SEGS	3

static struct sk_buff *lro_frame(struct net_device *dev, const u8 *dst,
				 const u8 *src, __be32 sip, __be32 dip, u32 seq)
{
	unsigned int hlen = ETH_HLEN + sizeof(struct iphdr) +
			    sizeof(struct tcphdr);
	struct sk_buff *skb;
	struct ethhdr *eth;
	struct tcphdr *th;
	struct iphdr *iph;
	struct page *page;

	skb = alloc_skb(NET_IP_ALIGN + hlen, GFP_KERNEL);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(SEG * SEGS));
	if (!skb || !page) {
		kfree_skb(skb);
		if (page)
			__free_pages(page, get_order(SEG * SEGS));
		return NULL;
	}
	skb_reserve(skb, NET_IP_ALIGN);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dst);
	ether_addr_copy(eth->h_source, src);
	eth->h_proto = htons(ETH_P_IP);

	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = sip;
	iph->daddr = dip;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*th) + SEG * SEGS);
	iph->check = ip_fast_csum(iph, iph->ihl);

	th = skb_put_zero(skb, sizeof(*th));
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(1);
	th->doff = sizeof(*th) / 4;
	th->ack = 1;
	th->psh = 1;
	th->window = htons(65535);

	/* The merged payload, as LRO leaves it: in a fragment. */
	skb_add_rx_frag(skb, 0, page, 0, SEG * SEGS,
			PAGE_SIZE << get_order(SEG * SEGS));
	skb_shinfo(skb)->gso_size = SEG;
	skb_shinfo(skb)->gso_segs = SEGS;
	skb_shinfo(skb)->gso_type = 0;	/* what tells LRO from GRO */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->protocol = eth_type_trans(skb, dev);
	return skb;
}

static int __init lro_inject_init(void)
{
	struct net *net = current->nsproxy->net_ns;
	struct net_device *dev;
	u8 dst[ETH_ALEN], src[ETH_ALEN];
	__be32 sip, dip;
	unsigned int i;

	if (!ifname || !dmac || !smac || !saddr || !daddr ||
	    !mac_pton(dmac, dst) || !mac_pton(smac, src) ||
	    !in4_pton(saddr, -1, (u8 *)&sip, -1, NULL) ||
	    !in4_pton(daddr, -1, (u8 *)&dip, -1, NULL)) {
		pr_err("drlb_lro_inject: need ifname, dmac, smac, saddr, daddr\n");
		return -EINVAL;
	}
	dev = dev_get_by_name(net, ifname);
	if (!dev) {
		pr_err("drlb_lro_inject: no device %s here\n", ifname);
		return -ENODEV;
	}
	for (i = 0; i < count; i++) {
		struct sk_buff *skb = lro_frame(dev, dst, src, sip, dip,
						1 + i * SEG * SEGS);

		if (!skb)
			break;
		netif_rx(skb);
	}
	dev_put(dev);
	return i == count ? 0 : -ENOMEM;
}

static void __exit lro_inject_exit(void)
{
}

module_init(lro_inject_init);
module_exit(lro_inject_exit);
MODULE_DESCRIPTION("drlb selftest: receive LRO-merged frames");
MODULE_LICENSE("GPL");
