// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_ipvs: IPVS's files in every namespace's /proc/net - ip_vs,
 * ip_vs_stats, ip_vs_stats_percpu, ip_vs_conn and ip_vs_conn_sync -
 * served from drlb's tables, in exactly the formats of the kernel's
 * ip_vs_ctl.c and ip_vs_conn.c, because `ipvsadm -Lc`, Prometheus'
 * node_exporter and scripts parse them. Only one of ip_vs and drlb_ipvs
 * is ever loaded (main.c), so the names are free while we are.
 *
 * What drlb is shows through as IPVS shows the same: every real server
 * forwards by direct routing ("Route"), on the service's port (IPVS's DR
 * servers have the service's port too; a fwmark service's have 0); the
 * outgoing packets and bytes are 0 (in DR the replies do not cross the
 * director, IPVS's counters stay 0 too).
 *
 * Locking, as drlb's own dumps: the services and their dests are read
 * under drlb_net.lock (the mutex), held from a read's seq start to its
 * stop, which is one page or one read() of output, never across the copy
 * to user space; the connection table under RCU, with the core's
 * resumable walk (drlb_conn_walk()), which reschedules on its own in a
 * large empty table. Nothing is allocated per line. Between two reads
 * each file keeps its place (struct drlb_ipvs_svc_iter,
 * drlb_ipvs_conn_iter) and goes on from there; it starts over from the
 * top only when asked for an earlier line, or, for ip_vs, when the
 * services changed meanwhile (the place's pointers may be gone). Like
 * IPVS's files, a table that changes between two reads may show a line
 * twice or miss one.
 */

#include <linux/jiffies.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "../sched.h"
#include "ipvs.h"

/* IPVS's ip_vs_proto_name(); @buf holds the name of a number. */
static const char *drlb_ipvs_proto_name(u8 proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_IP:
		return "IP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	snprintf(buf, len, "IP_%u", proto);
	return buf;
}

/* ---- /proc/net/ip_vs: the services and their real servers ---------- */

/*
 * The place of an ip_vs read: the line (record) @pos, the line of @svc,
 * or of its @dest. Its pointers hold no reference: they are good while
 * drlb_net.gen is @gen, since deleting a service or a dest bumps it
 * (service.c), under drlb_net.lock, which the read holds.
 *
 * @p:      seq_file_net()'s (proc_create_net() needs it first)
 * @gen:    drlb_net.gen when @svc and @dest were found
 * @pos:    their record (1: the first line after the header), 0: none
 * @bucket: @svc's bucket of drlb_net.svc_hash
 * @svc:    NULL: past the last line
 * @dest:   NULL: @svc's own line
 */
struct drlb_ipvs_svc_iter {
	struct seq_net_private p;
	unsigned int gen;
	loff_t pos;
	unsigned int bucket;
	struct drlb_service *svc;
	struct drlb_dest *dest;
};

/* The first service from bucket @b on, in drlb's dump order. */
static void drlb_ipvs_svc_from(struct drlb_net *dn,
			       struct drlb_ipvs_svc_iter *it, unsigned int b)
{
	it->dest = NULL;
	it->svc = NULL;
	for (; b < DRLB_SVC_BUCKETS; b++) {
		if (!hlist_empty(&dn->svc_hash[b])) {
			it->svc = hlist_entry(dn->svc_hash[b].first,
					      struct drlb_service, hnode);
			break;
		}
	}
	it->bucket = b;
}

/* The next line: a service's dests follow it. */
static void drlb_ipvs_svc_step(struct drlb_net *dn,
			       struct drlb_ipvs_svc_iter *it)
{
	struct drlb_service *svc = it->svc;

	if (!svc)
		return;
	if (!it->dest && !list_empty(&svc->dests)) {
		it->dest = list_first_entry(&svc->dests, struct drlb_dest,
					    list);
		return;
	}
	if (it->dest && !list_is_last(&it->dest->list, &svc->dests)) {
		it->dest = list_next_entry(it->dest, list);
		return;
	}
	if (svc->hnode.next) {
		it->dest = NULL;
		it->svc = hlist_entry(svc->hnode.next, struct drlb_service,
				      hnode);
		return;
	}
	drlb_ipvs_svc_from(dn, it, it->bucket + 1);
}

/* @it at record @pos (1 or more); false past the last. */
static bool drlb_ipvs_svc_at(struct drlb_net *dn,
			     struct drlb_ipvs_svc_iter *it, loff_t pos)
{
	lockdep_assert_held(&dn->lock);
	if (!it->pos || pos < it->pos || it->gen != dn->gen) {
		it->gen = dn->gen;
		it->pos = 1;
		drlb_ipvs_svc_from(dn, it, 0);
	}
	for (; it->svc && it->pos < pos; it->pos++)
		drlb_ipvs_svc_step(dn, it);
	return it->svc;
}

static void *drlb_ipvs_svc_start(struct seq_file *seq, loff_t *pos)
{
	struct drlb_net *dn = drlb_pernet(seq_file_net(seq));

	mutex_lock(&dn->lock);
	if (!*pos)
		return SEQ_START_TOKEN;
	return drlb_ipvs_svc_at(dn, seq->private, *pos) ? seq->private : NULL;
}

static void *drlb_ipvs_svc_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct drlb_net *dn = drlb_pernet(seq_file_net(seq));

	++*pos;
	return drlb_ipvs_svc_at(dn, seq->private, *pos) ? seq->private : NULL;
}

static void drlb_ipvs_svc_stop(struct seq_file *seq, void *v)
{
	mutex_unlock(&drlb_pernet(seq_file_net(seq))->lock);
}

static void drlb_ipvs_show_svc(struct seq_file *seq,
			       const struct drlb_service *svc)
{
	const char *ops = READ_ONCE(svc->onepacket) ? "ops " : "";
	const char *sched = svc->sched_ops->name;
	char buf[8];

	/* IPVS prints "ops " after the scheduler for a one-packet service. */
	if (svc->fwmark)
		seq_printf(seq, "FWM  %08X %s %s", svc->fwmark, sched, ops);
	else if (drlb_svc_v6(svc))
		seq_printf(seq, "%s  [%pI6]:%04X %s %s ",
			   drlb_ipvs_proto_name(svc->proto, buf, sizeof(buf)),
			   &svc->addr.in6, ntohs(svc->port), sched, ops);
	else
		seq_printf(seq, "%s  %08X:%04X %s %s ",
			   drlb_ipvs_proto_name(svc->proto, buf, sizeof(buf)),
			   ntohl(svc->addr.ip), ntohs(svc->port), sched, ops);
	/*
	 * IPVS prints its svc->timeout, which it keeps in jiffies (the
	 * seconds ipvsadm gave times HZ), not seconds: so do we, for the
	 * same figure. drlb's longest, DRLB_TIMEOUT_MAX s, times HZ (1000
	 * at most) stays an int. An IPv6 service's netmask is its prefix
	 * length there (IPVS keeps it so).
	 */
	if (svc->persist_timeout)
		seq_printf(seq, "persistent %d %08X\n",
			   (int)(svc->persist_timeout * HZ),
			   drlb_svc_v6(svc) ? svc->persist_plen :
					      ntohl(svc->persist_mask));
	else
		seq_putc(seq, '\n');
}

static int drlb_ipvs_svc_show(struct seq_file *seq, void *v)
{
	struct drlb_net *dn = drlb_pernet(seq_file_net(seq));
	const struct drlb_ipvs_svc_iter *it = v;
	const struct drlb_dest *dest;

	if (v == SEQ_START_TOKEN) {
		/* The size: drlb's bound, as GET_INFO reports it (genl.c). */
		seq_printf(seq, "IP Virtual Server version %d.%d.%d (size=%d)\n",
			   NVERSION(IP_VS_VERSION_CODE),
			   (int)READ_ONCE(dn->cfg.conn_max));
		seq_puts(seq, "Prot LocalAddress:Port Scheduler Flags\n");
		seq_puts(seq, "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");
		return 0;
	}
	dest = it->dest;
	if (!dest) {
		drlb_ipvs_show_svc(seq, it->svc);
		return 0;
	}
	if (drlb_svc_v6(it->svc))
		seq_printf(seq, "  -> [%pI6]:%04X", &dest->addr.in6,
			   ntohs(it->svc->port));
	else
		seq_printf(seq, "  -> %08X:%04X", ntohl(dest->addr.ip),
			   ntohs(it->svc->port));
	seq_printf(seq, "      %-7s %-6d %-10d %-10d\n", "Route",
		   (int)READ_ONCE(dest->weight), atomic_read(&dest->active),
		   atomic_read(&dest->inactive));
	return 0;
}

static const struct seq_operations drlb_ipvs_svc_seq_ops = {
	.start = drlb_ipvs_svc_start,
	.next = drlb_ipvs_svc_next,
	.stop = drlb_ipvs_svc_stop,
	.show = drlb_ipvs_svc_show,
};

/* ---- /proc/net/ip_vs_stats and ip_vs_stats_percpu ------------------ */

/* The five counters of a row: conns, packets and bytes in and out. */
static void drlb_ipvs_show_counts(struct seq_file *seq, const u64 *v)
{
	seq_printf(seq, "%8llX %8llX %8llX %16llX %16llX\n",
		   (unsigned long long)v[DRLB_ST_CONNS],
		   (unsigned long long)v[DRLB_ST_PKTS], 0ULL,
		   (unsigned long long)v[DRLB_ST_BYTES], 0ULL);
}

/* The rates, per second. */
static void drlb_ipvs_show_rates(struct seq_file *seq,
				 const struct drlb_stats *st)
{
	seq_printf(seq, "%8llX %8llX %8llX %16llX %16llX\n",
		   (unsigned long long)drlb_est_rate(st, DRLB_RATE_CPS),
		   (unsigned long long)drlb_est_rate(st, DRLB_RATE_PPS), 0ULL,
		   (unsigned long long)drlb_est_rate(st, DRLB_RATE_BPS), 0ULL);
}

/* The namespace's counters since the last ZERO, and its rates. */
static int drlb_ipvs_stats_show(struct seq_file *seq, void *v)
{
	struct drlb_net *dn = drlb_pernet(seq_file_single_net(seq));
	u64 cnt[DRLB_ST_TRAFFIC];

	seq_puts(seq, "   Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(seq, "   Conns  Packets  Packets            Bytes            Bytes\n");
	mutex_lock(&dn->lock);
	drlb_stats_read(&dn->stats, cnt, DRLB_ST_TRAFFIC);
	drlb_ipvs_show_counts(seq, cnt);
	seq_puts(seq, "\n Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	drlb_ipvs_show_rates(seq, &dn->stats);
	mutex_unlock(&dn->lock);
	return 0;
}

/*
 * Every CPU's counters as they are, then the total since the last ZERO
 * (IPVS's rows do not know of ZERO either: until one, the total is their
 * sum), then the rates.
 */
static int drlb_ipvs_stats_percpu_show(struct seq_file *seq, void *v)
{
	struct drlb_net *dn = drlb_pernet(seq_file_single_net(seq));
	u64 cnt[DRLB_ST_TRAFFIC];
	int cpu;

	seq_puts(seq, "       Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(seq, "CPU    Conns  Packets  Packets            Bytes            Bytes\n");
	for_each_possible_cpu(cpu) {
		drlb_stats_cpu(&dn->stats, cpu, cnt, DRLB_ST_TRAFFIC);
		seq_printf(seq, "%3X ", cpu);
		drlb_ipvs_show_counts(seq, cnt);
	}
	mutex_lock(&dn->lock);
	drlb_stats_read(&dn->stats, cnt, DRLB_ST_TRAFFIC);
	seq_puts(seq, "  ~ ");
	drlb_ipvs_show_counts(seq, cnt);
	seq_puts(seq, "\n     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	seq_puts(seq, "    ");
	drlb_ipvs_show_rates(seq, &dn->stats);
	mutex_unlock(&dn->lock);
	return 0;
}

/* ---- /proc/net/ip_vs_conn and ip_vs_conn_sync: the flows ------------ */

/*
 * The place of an ip_vs_conn read: @cur, the entry of record @pos (1: the
 * first after the header; 0: none yet). A position (drlb_conn_walk()),
 * good across reads whatever comes and goes.
 */
struct drlb_ipvs_conn_iter {
	struct seq_net_private p;
	struct drlb_conn_pos cur;
	loff_t pos;
};

/* The entry of record @pos (1 or more), @it moved to it; under RCU. */
static struct drlb_conn *drlb_ipvs_conn_at(struct drlb_net *dn,
					   struct drlb_ipvs_conn_iter *it,
					   loff_t pos)
{
	struct drlb_conn *c;

	if (!it->pos || pos < it->pos) {
		memset(&it->cur, 0, sizeof(it->cur));
		it->pos = 1;
	}
	c = drlb_conn_walk(dn, &it->cur);
	for (; c && it->pos < pos; it->pos++) {
		it->cur.skip++;
		c = drlb_conn_walk(dn, &it->cur);
	}
	return c;
}

static void *drlb_ipvs_conn_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	return drlb_ipvs_conn_at(drlb_pernet(seq_file_net(seq)), seq->private,
				 *pos);
}

static void *drlb_ipvs_conn_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return drlb_ipvs_conn_at(drlb_pernet(seq_file_net(seq)), seq->private,
				 *pos);
}

static void drlb_ipvs_conn_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

/*
 * IPVS's state name for an entry. drlb follows TCP from the client's
 * packets only, as IPVS does for a DR service (its "INPUT-ONLY" state
 * table), and its states are that table's: a SYN opens (SYN_RECV), an
 * ACK establishes (ESTABLISHED), a FIN finishes (FIN_WAIT: IPVS's
 * TIME_WAIT, after a FIN in SYN_RECV, has no drlb state of its own), an
 * RST closes (CLOSE). A UDP entry's one state is named "UDP". drlb does
 * not follow SCTP's chunks: "NONE", as IPVS names an association whose
 * state it has not learnt, and which, like drlb's SCTP entries, counts
 * in InActConn. A template's state is "NONE", as IPVS's are (it marks
 * some ASSURED in cases drlb does not have: one-packet and sync).
 */
static const char *drlb_ipvs_conn_state(const struct drlb_conn *c)
{
	static const char *const tcp[__DRLB_CONN_S_MAX] = {
		[DRLB_CONN_S_NONE]	= "NONE",
		[DRLB_CONN_S_SYN]	= "SYN_RECV",
		[DRLB_CONN_S_EST]	= "ESTABLISHED",
		[DRLB_CONN_S_FIN]	= "FIN_WAIT",
		[DRLB_CONN_S_CLOSE]	= "CLOSE",
	};
	u8 state = READ_ONCE(c->state);

	if (c->flags & DRLB_CONN_F_TEMPLATE)
		return "NONE";
	switch (c->proto) {
	case IPPROTO_TCP:
		/* Unlinked meanwhile (DEAD): it was closing. */
		return state < __DRLB_CONN_S_MAX ? tcp[state] : "CLOSE";
	case IPPROTO_UDP:
		return "UDP";
	default:
		return "NONE";
	}
}

/*
 * One entry, in IPVS's columns up to the state: an entry's destination
 * port is its vport in every case, as in IPVS, whose DR servers have the
 * service's port (ipvsadm sets it), or 0, and whose entries of a server
 * of port 0 take the packet's: a flow's vport is the service's port, or
 * the packet's for a service of every port or a fwmark service; a
 * template's (client network, port 0, VIP, service port, proto - or for
 * a fwmark service, the mark as the VIP, port 0, proto 0: "IP") the
 * service's, 0 where IPVS's template has 0 too.
 */
static void drlb_ipvs_show_conn(struct seq_file *seq,
				const struct drlb_conn *c)
{
	char buf[8];

	if (drlb_conn_v6(c)) {
		seq_printf(seq, "%-3s %pI6 %04X %pI6 %04X %pI6 %04X %-11s",
			   drlb_ipvs_proto_name(c->proto, buf, sizeof(buf)),
			   &c->a.v6.caddr, ntohs(c->cport), &c->a.v6.vaddr,
			   ntohs(c->vport), &c->dest->addr.in6,
			   ntohs(c->vport), drlb_ipvs_conn_state(c));
		return;
	}
	seq_printf(seq, "%-3s %08X %04X %08X %04X %08X %04X %-11s",
		   drlb_ipvs_proto_name(c->proto, buf, sizeof(buf)),
		   ntohl(c->a.v4.caddr), ntohs(c->cport), ntohl(c->a.v4.vaddr),
		   ntohs(c->vport), ntohl(c->dest->addr.ip), ntohs(c->vport),
		   drlb_ipvs_conn_state(c));
}

/* Seconds left, rounded down, 0 once due: IPVS's Expires. */
static unsigned int drlb_ipvs_conn_expires(const struct drlb_conn *c)
{
	return jiffies_delta_to_msecs((long)(READ_ONCE(c->expires) -
					     jiffies)) / 1000;
}

/* PEName and PEData: drlb has no persistence engine (IPVS's sip). */
static int drlb_ipvs_conn_show(struct seq_file *seq, void *v)
{
	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
		return 0;
	}
	drlb_ipvs_show_conn(seq, v);
	seq_printf(seq, " %7u\n", drlb_ipvs_conn_expires(v));
	return 0;
}

/* Every entry is the director's own: drlb syncs none ("LOCAL"). */
static int drlb_ipvs_conn_sync_show(struct seq_file *seq, void *v)
{
	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n");
		return 0;
	}
	drlb_ipvs_show_conn(seq, v);
	seq_printf(seq, " %-6s %7u\n", "LOCAL", drlb_ipvs_conn_expires(v));
	return 0;
}

static const struct seq_operations drlb_ipvs_conn_seq_ops = {
	.start = drlb_ipvs_conn_start,
	.next = drlb_ipvs_conn_next,
	.stop = drlb_ipvs_conn_stop,
	.show = drlb_ipvs_conn_show,
};

static const struct seq_operations drlb_ipvs_conn_sync_seq_ops = {
	.start = drlb_ipvs_conn_start,
	.next = drlb_ipvs_conn_next,
	.stop = drlb_ipvs_conn_stop,
	.show = drlb_ipvs_conn_sync_show,
};

/* ---- per namespace -------------------------------------------------- */

/*
 * IPVS's modes (0: 0444), but for the flows: clients' addresses are for
 * the namespace's root only, as drlb's own GET_CONN is (CAP_NET_ADMIN).
 */
static int __net_init drlb_ipvs_proc_net_init(struct net *net)
{
	if (!proc_create_net("ip_vs", 0, net->proc_net, &drlb_ipvs_svc_seq_ops,
			     sizeof(struct drlb_ipvs_svc_iter)))
		goto err;
	if (!proc_create_net_single("ip_vs_stats", 0, net->proc_net,
				    drlb_ipvs_stats_show, NULL))
		goto err_stats;
	if (!proc_create_net_single("ip_vs_stats_percpu", 0, net->proc_net,
				    drlb_ipvs_stats_percpu_show, NULL))
		goto err_percpu;
	if (!proc_create_net("ip_vs_conn", 0400, net->proc_net,
			     &drlb_ipvs_conn_seq_ops,
			     sizeof(struct drlb_ipvs_conn_iter)))
		goto err_conn;
	if (!proc_create_net("ip_vs_conn_sync", 0400, net->proc_net,
			     &drlb_ipvs_conn_sync_seq_ops,
			     sizeof(struct drlb_ipvs_conn_iter)))
		goto err_sync;
	return 0;

err_sync:
	remove_proc_entry("ip_vs_conn", net->proc_net);
err_conn:
	remove_proc_entry("ip_vs_stats_percpu", net->proc_net);
err_percpu:
	remove_proc_entry("ip_vs_stats", net->proc_net);
err_stats:
	remove_proc_entry("ip_vs", net->proc_net);
err:
	return -ENOMEM;
}

/*
 * Registered after drlb's own pernet operations (drlb.ko is loaded
 * first), so a namespace's files go before its drlb_net does; a read in
 * progress holds the namespace, and remove_proc_entry() waits for it.
 */
static void __net_exit drlb_ipvs_proc_net_exit(struct net *net)
{
	remove_proc_entry("ip_vs_conn_sync", net->proc_net);
	remove_proc_entry("ip_vs_conn", net->proc_net);
	remove_proc_entry("ip_vs_stats_percpu", net->proc_net);
	remove_proc_entry("ip_vs_stats", net->proc_net);
	remove_proc_entry("ip_vs", net->proc_net);
}

static struct pernet_operations drlb_ipvs_proc_ops = {
	.init = drlb_ipvs_proc_net_init,
	.exit = drlb_ipvs_proc_net_exit,
};

int drlb_ipvs_proc_init(void)
{
	return register_pernet_subsys(&drlb_ipvs_proc_ops);
}

void drlb_ipvs_proc_exit(void)
{
	unregister_pernet_subsys(&drlb_ipvs_proc_ops);
}
