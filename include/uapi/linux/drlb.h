/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * drlb - Linux Direct Routing (LVS-DR) load balancer: generic netlink API.
 *
 * Family name: DRLB_GENL_NAME ("drlb"), version DRLB_GENL_VERSION.
 * All state is per network namespace; every command acts on the netns of
 * the requesting socket. Every command but DRLB_CMD_GET_INFO needs
 * CAP_NET_ADMIN in the initial user namespace (GENL_ADMIN_PERM), reads
 * included: they show real servers' addresses and MACs, counters and
 * flows. Commands marked "admin" below are refused with EPERM without it.
 * Every rejected request carries an extended-ack message and, where one
 * is to blame, the offending attribute. Attributes are validated
 * strictly: unknown attributes, wrong types and out-of-range values are
 * rejected.
 *
 * Conventions
 *   - Addresses are DRLB_*_A_ADDR (NLA_BINARY): 4 bytes in network byte
 *     order for AF_INET, 16 for AF_INET6. DRLB_*_A_AF (u16) names the
 *     family explicitly. Services, dests and flows are of either family
 *     (DRLB_F_DIRECTOR_IPV6); an AF_INET6 service takes AF_INET6 dests
 *     only (EINVAL otherwise), and its VIP and dests must be global (or
 *     unique-local) unicast addresses. ARP rules are AF_INET only.
 *   - Ports are u16 in host byte order. Port 0 in a service means "every
 *     port of the VIP".
 *   - Counters are u64 (padded with DRLB_*_A_PAD); times are u32 seconds
 *     unless the name says _MS.
 *   - Nested attributes group one object each: a service, a real server
 *     ("dest"), a connection, an ARP rule.
 *
 * A service is identified either by (AF, PROTOCOL, ADDR, PORT) - a
 * "tuple service" - or by (AF, FWMARK) - a "fwmark service", which takes
 * the packets whose firewall mark (skb->mark, set by an nftables or
 * iptables rule before drlb's hook) is FWMARK, whatever their VIP and port
 * (IPVS's fwmark services, ipvsadm -f). A dest is identified by its
 * service plus (ADDR). A request names a service with a nested
 * DRLB_A_SERVICE holding its keys: AF and either PROTOCOL, ADDR and PORT,
 * or FWMARK alone. FWMARK with any of PROTOCOL, ADDR or PORT is refused
 * (EINVAL, with an extack message), and so is a FWMARK of 0 (policy).
 * Replies and events name a fwmark service by AF and FWMARK only: no
 * PROTOCOL, ADDR or PORT. A fwmark service takes the packets of its
 * family with its mark: an AF_INET and an AF_INET6 service may share a
 * mark (as in IPVS).
 *
 * Fwmark services (as IPVS's ip_vs_service_find()):
 *   - A packet with a non-zero mark is looked up among the fwmark
 *     services first, by its mark exactly; only if none has that mark,
 *     among the tuple services (VIP:port, then VIP:*). A mark service
 *     takes TCP, UDP and SCTP; other protocols go on untouched.
 *   - A packet whose mark has a DRLB_CFG_A_BYPASS_MARK bit set is left to
 *     the host before any lookup: a fwmark service whose mark shares a
 *     bit with BYPASS_MARK never gets a packet. Keep the two apart.
 *   - Its flows are entries of the connection table like any other, keyed
 *     by the packet's own protocol, addresses and ports. A later packet
 *     of a flow that lost its mark still goes to the flow's dest if a
 *     (tuple) service takes it; one that no service takes is left to the
 *     host.
 *   - Persistence: one template per (mark, client network), so a client
 *     stays on one dest across every VIP, port and protocol the mark
 *     covers. As in IPVS, the template's key is PROTOCOL 0 (IPPROTO_IP),
 *     VADDR the mark (a u32 in network byte order) and VPORT 0, and
 *     GET_CONN shows it so.
 *
 * Commands (-> request attributes, <- reply attributes)
 *
 * Flow admission (the packet path, per VIP packet of a service)
 *   - Sources the kernel's input path would refuse are dropped
 *     (DROP_MARTIAN): 0.0.0.0, multicast, limited broadcast, 127/8
 *     (unless route_localnet), and for a packet that has no flow yet a
 *     local address of the namespace (unless accept_local) or one failing
 *     reverse-path filtering when rp_filter is set on the ingress device.
 *   - Only a TCP SYN without ACK, an SCTP INIT, or any UDP datagram opens
 *     a flow (an entry). Another packet of no known flow is forwarded to
 *     the scheduler's choice without an entry (STATELESS) when the
 *     scheduler is stable across directors (mh, sh, dh: mid-stream pickup
 *     after a failover); else it is dropped (DROP_NO_FLOW), unless the
 *     service has MIDSTREAM set. Such a packet goes to the dest its flow
 *     hashes to whatever the dests' load (thresholds do not apply: the
 *     flow exists, on another director).
 *   - When the table is full (CONN_MAX), a new flow of an mh, sh or dh
 *     service is forwarded to the scheduler's choice without an entry
 *     (STATELESS); other services drop it (DROP_TABLE_FULL).
 *   - A UDP service with ONEPACKET set creates no flows: every datagram
 *     is scheduled on its own (and counted in CONNS).
 *   - A packet for a real server whose MAC is not resolved yet waits in
 *     the kernel's neighbour queue while it resolves (NEIGH_QUEUED, also
 *     counted in PKTS), bounded by the neighbour table's
 *     unres_qlen_bytes; if resolution fails the neighbour layer drops it.
 *
 * Schedulers (DRLB_SVC_A_SCHED_NAME; GET_INFO lists them). A dest of
 * weight 0 gets no new flows from any of them; neither does an overloaded
 * one (see DRLB_DEST_A_U_THRESH). With no dest left to choose, a new flow
 * is dropped (DROP_NO_DEST).
 *   rr    round robin over the dests
 *   wrr   weighted round robin (interleaved by weight)
 *   lc    least connections: the fewest active * 256 + inactive flows
 *   wlc   weighted least connections (the default): lc's count / weight
 *   sed   shortest expected delay: (active + 1) / weight
 *   nq    never queue: a dest with no active flow, else sed
 *   fo    weighted failover: the dest with the highest weight (ties: the
 *         lowest address)
 *   ovf   weighted overflow: the dest with the highest weight (ties: the
 *         lowest address) until its active flows exceed its weight,
 *         then the next one
 *   twos  power of two choices: two dests drawn at random by weight, the
 *         one with the lower active * 256 + inactive count per weight
 *   mh    Maglev hashing of the client address and, by default, port
 *         (DRLB_SCHED_F_PORT); a table of MH_TABLE_SIZE slots shared out
 *         by weight, built from the dests' addresses, so that directors
 *         with the same dests and Maglev settings pick alike, and a dest
 *         coming or going moves about 1/N of the clients
 *   sh    source hashing: mh's table looked up by the client address
 *         alone by default
 *   dh    destination hashing: mh's table looked up by the destination
 *         (virtual) address: every flow to one VIP goes to one dest.
 *         IPVS's dh spreads 256 buckets over the dests in list order and
 *         ignores weights; drlb's honours them, does not depend on the
 *         order the dests were added in, and moves few VIPs when a dest
 *         comes or goes.
 * mh, sh and dh are stable across directors. A drained dest (weight 0)
 * leaves their table, so its clients hash elsewhere; an overloaded one
 * stays: a flow that hashes to it is dropped (DROP_NO_DEST), or with
 * DRLB_SCHED_F_FALLBACK goes to the next dest of the table that is not
 * overloaded.
 *
 * DRLB_CMD_GET_INFO: do, open to every user
 *   <- DRLB_A_VERSION: string, module version ("0.1.0")
 *      DRLB_A_API_VERSION: u32, DRLB_API_VERSION the module speaks
 *      DRLB_A_FEATURES: u64, DRLB_F_* bits the module supports
 *      DRLB_A_SCHEDULERS: nested, one DRLB_A_SCHED_NAME string per
 *                         scheduler
 *
 * DRLB_CMD_NEW_SERVICE: do, admin
 *   -> DRLB_A_SERVICE: nested
 *        DRLB_SVC_A_AF, _PROTOCOL, _ADDR, _PORT: required keys, or
 *        DRLB_SVC_A_AF, _FWMARK (u32, non-zero): a fwmark service
 *        DRLB_SVC_A_SCHED_NAME: string, default "wlc"
 *        DRLB_SVC_A_PERSIST_TIMEOUT: u32 seconds, 0 = not persistent
 *        DRLB_SVC_A_PERSIST_NETMASK: u8 prefix length (0..32, AF_INET6
 *          0..128; ERANGE beyond), default 32 (128)
 *        DRLB_SVC_A_EXPIRE_NODEST: u8 0/1, default 1: when a dest is
 *          deleted its flows are expired; 0 reschedules them instead
 *        DRLB_SVC_A_MIDSTREAM: u8 0/1, default 0: a TCP segment (SCTP
 *          packet) of no known flow that cannot open one (not a SYN
 *          without ACK; not an INIT) creates an entry with the SYN
 *          timeout (1) instead of being refused (0, see "Flow admission")
 *        DRLB_SVC_A_SCHED_FLAGS: u32, DRLB_SCHED_F_* bits, for sh and mh
 *          only (other schedulers: 0). Absent, the scheduler's defaults:
 *          mh DRLB_SCHED_F_PORT (drlb's mh has always hashed the client
 *          port), sh none; IPVS's mh and sh hash the address alone unless
 *          told, so an IPVS-compatible caller passes the flags it wants.
 *            DRLB_SCHED_F_PORT: the hash covers the client port too, so
 *              one client's connections spread over the dests
 *            DRLB_SCHED_F_FALLBACK: a flow that hashes to an overloaded
 *              dest goes to the next dest in the table that is not,
 *              instead of being dropped
 *        DRLB_SVC_A_ONEPACKET: u8 0/1, default 0, UDP services only (EINVAL
 *          for TCP and SCTP): each datagram is scheduled on its own and
 *          creates no flow entry (a persistence template still is)
 *        DRLB_SVC_A_FWMARK: not supported by this module (refused)
 *   EEXIST if the service exists.
 *
 * DRLB_CMD_SET_SERVICE: do, admin
 *   -> DRLB_A_SERVICE as for NEW; only the attributes present change. A
 *   new SCHED_NAME without SCHED_FLAGS brings that scheduler's default
 *   flags. Turning ONEPACKET on leaves the service's flows to expire.
 *   ENOENT if the service does not exist.
 *
 * DRLB_CMD_DEL_SERVICE: do, admin
 *   -> DRLB_A_SERVICE with its keys. Its dests and flows go with it.
 *
 * DRLB_CMD_GET_SERVICE: do (keys given) or dump (all services), admin
 *   -> DRLB_A_NO_STATS: flag (DRLB_F_NO_STATS): leave DRLB_SVC_A_STATS
 *        out, for a caller that does not show the counters (reading
 *        them sums every CPU's, and they are most of a message)
 *   <- DRLB_A_SERVICE: nested, the keys and settings above plus
 *        DRLB_SVC_A_NUM_DESTS: u32
 *        DRLB_SVC_A_STATS: nested DRLB_STATS_A_*
 *
 * DRLB_CMD_NEW_DEST / DRLB_CMD_SET_DEST: do, admin
 *   -> DRLB_A_SERVICE (keys), DRLB_A_DEST: nested
 *        DRLB_DEST_A_AF, DRLB_DEST_A_ADDR: required keys (the real server
 *          IP). It must be on a directly connected Ethernet network to be
 *          reached; a dest that is not (yet) is accepted, its packets are
 *          dropped as DROP_NO_NEIGH and GET_DEST shows IFINDEX 0 until a
 *          route on such a network exists (its network may come up later)
 *        DRLB_DEST_A_WEIGHT: u32 0..65535, default 1; 0 drains the dest
 *          (no new flows, existing flows continue)
 *        DRLB_DEST_A_U_THRESH: u32 0..INT_MAX, default 0 (no limit): once
 *          the dest has this many flows (active and inactive; templates
 *          not counted) it is overloaded: no scheduler gives it new
 *          flows (a client's persistence template still does, as in
 *          IPVS)...
 *        DRLB_DEST_A_L_THRESH: u32 0..U_THRESH, default 0: ...until its
 *          flows fall below this; 0 means U_THRESH - U_THRESH / 4.
 *          ERANGE if above U_THRESH. SET_DEST may give either alone.
 *          Under concurrent flow churn the limit may be passed by a few
 *          flows (the count is kept without a lock)
 *
 * DRLB_CMD_DEL_DEST: do, admin
 *   -> DRLB_A_SERVICE (keys), DRLB_A_DEST (keys). The dest's flows are
 *      expired or rescheduled, per the service's EXPIRE_NODEST.
 *
 * DRLB_CMD_GET_DEST: do (service and dest keys) or dump (with service
 *   keys: the dests of that service; without DRLB_A_SERVICE, with
 *   DRLB_F_DEST_DUMP_ALL: the dests of every service, each message
 *   naming its service), admin
 *   -> DRLB_A_NO_STATS: flag, as for GET_SERVICE: no DRLB_DEST_A_STATS
 *   <- DRLB_A_SERVICE (keys), DRLB_A_DEST: nested, the above plus
 *        DRLB_DEST_A_ACTIVE_CONNS, _INACTIVE_CONNS: u32
 *        DRLB_DEST_A_IFINDEX: u32, egress device (0 if unresolved)
 *        DRLB_DEST_A_LLADDR: binary 6, cached MAC (absent if unresolved)
 *        DRLB_DEST_A_STATS: nested DRLB_STATS_A_*
 *        DRLB_DEST_A_PERSIST_CONNS: u32, persistence templates naming it
 *        DRLB_DEST_A_OVERLOADED: u8, 1 while overloaded (U_THRESH)
 *
 * DRLB_CMD_FLUSH: do, admin. Deletes every service, dest and flow.
 *   -> DRLB_A_FLUSH_ARP: flag, also delete every ARP rule
 *
 * DRLB_CMD_GET_CONFIG: do, admin
 *   <- DRLB_A_CONFIG: nested DRLB_CFG_A_*
 * DRLB_CMD_SET_CONFIG: do, admin
 *   -> DRLB_A_CONFIG: nested; only the attributes present change
 *        DRLB_CFG_A_TIMEOUT_TCP_EST, _TCP_SYN, _TCP_FIN, _TCP_CLOSE,
 *          _UDP, _SCTP, _OTHER: u32 seconds, 1..(INT_MAX/HZ)
 *        DRLB_CFG_A_CONN_MAX: u32, bound on the connection table; a
 *          raise grows the connection hash (one bucket per two entries,
 *          at most 2^22) with every flow kept
 *        DRLB_CFG_A_MH_TABLE_SIZE: u32, a prime, 251..1048573, more
 *          than the dests of any mh, sh or dh service (NEW_DEST, a
 *          switch to one of those and a smaller size are refused
 *          otherwise)
 *        DRLB_CFG_A_MH_SEED: u32, Maglev hash seed; directors with the
 *          same seed, table size and dests pick the same dest
 *        DRLB_CFG_A_BYPASS_MARK: u32; a packet whose skb mark has any of
 *          these bits set is never balanced, it goes on to the host's
 *          stack (breaks loops between two nodes that are each director
 *          and real server: mark what arrives from the other director
 *          in a chain that runs before drlb); 0 = off
 *        DRLB_CFG_A_CLUSTER: u32, 0 or 1: 1 declares that this director
 *          is one of several sharing its VIPs (ECMP, docs/scale-out.md);
 *          the module only keeps it, drlbctl warns of services whose
 *          scheduler is not stable across directors
 *      (GET also returns DRLB_CFG_A_CONN_COUNT: u32, current entries,
 *       DRLB_CFG_A_CONN_ENTRY_SIZE: u32, bytes per IPv4 entry,
 *       DRLB_CFG_A_CONN_ENTRY_SIZE6: u32, bytes per IPv6 entry,
 *       DRLB_CFG_A_CONN_BUCKETS: u32, the connection hash's buckets, 0
 *       before the first service, and DRLB_CFG_A_CONN_CHAIN_MAX: u32,
 *       the longest chain of the last whole GC pass over them)
 *
 * DRLB_CMD_GET_CONN: dump or do, admin, optionally filtered by
 *   DRLB_A_SERVICE (keys) and DRLB_A_CONN: nested, each attribute given
 *   must match: DRLB_CONN_A_PROTOCOL, DRLB_CONN_A_CADDR (with
 *   DRLB_CONN_A_CPREFIX, u8 0..32, default 32: a client prefix; IPv6
 *   0..128, default 128), DRLB_CONN_A_AF (else the addresses' length says
 *   the family; with an address, only flows of its family match),
 *   DRLB_CONN_A_CPORT, DRLB_CONN_A_DADDR (the real server),
 *   DRLB_CONN_A_STATE, DRLB_CONN_A_PERSIST (templates only)
 *   dump <- DRLB_A_CONN: nested DRLB_CONN_A_*, one entry per message (a
 *           template of a fwmark service: PROTOCOL 0, VADDR the mark,
 *           VPORT 0, see "Fwmark services")
 *   do   <- DRLB_A_COUNT: u64, the entries that match
 *
 * DRLB_CMD_DEL_CONN: do, admin, the filter of GET_CONN (none: every
 *   entry). Removes the matching entries (flows and templates) at once;
 *   the next packet of a deleted flow is treated as one of no flow (a
 *   SYN is scheduled afresh).
 *   <- DRLB_A_COUNT: u64, the entries removed
 *
 * DRLB_CMD_GET_STATS: do, admin
 *   <- DRLB_A_STATS: nested DRLB_STATS_A_*, netns-wide totals and drops
 *
 * Rates: every DRLB_STATS_A_* nest (namespace, service, dest) carries
 * DRLB_STATS_A_CPS, _INPPS and _INBPS, per second: sampled every 2 s while
 * the namespace has services and averaged (each sample weighs 1/2, so a
 * change shows 3/4 of itself after 4 s, 15/16 after 8 s). ZERO does not
 * reset them. A director forwards only the clients' half of a flow: there
 * are no "out" rates (IPVS's DR mode reports 0 for them).
 *
 * DRLB_CMD_ZERO: do, admin. Zeroes the counters of every service and
 *   dest and the netns totals, or of one service if DRLB_A_SERVICE given.
 *
 * DRLB_CMD_NEW_ARP / DRLB_CMD_DEL_ARP: do, admin (real-server role)
 *   -> DRLB_A_ARP: nested
 *        DRLB_ARP_A_AF, DRLB_ARP_A_ADDR: required, the VIP
 *        DRLB_ARP_A_IFINDEX: u32, device the rule applies to; absent or 0
 *          means every device
 *        DRLB_ARP_A_FLAGS: u32, DRLB_ARP_F_* (NEW only; DEL ignores it)
 *   With a rule for VIP the host neither answers ARP requests for VIP
 *   nor sends ARP with VIP as sender address (it is rewritten to the
 *   device's best local address, or the packet is dropped). That covers
 *   the ARP the kernel sends (arp_xmit(), as arptables' OUTPUT chain);
 *   with DRLB_ARP_F_PACKET_SOCKETS also the ARP user space writes on
 *   AF_PACKET sockets (arping, gratuitous ARP of VRRP daemons), through
 *   an egress hook on the devices the rule covers, which every packet
 *   they send then passes (about 2 % of a small-packet rate).
 *   NEW: EEXIST if the same rule exists; ENODEV if IFINDEX names no device
 *   of the namespace; EAFNOSUPPORT for a family other than AF_INET;
 *   EINVAL for a VIP that is not unicast; ENOSPC beyond 1024 rules.
 *   DEL: ENOENT if it does not exist. A rule whose device is deleted stays
 *   until deleted by its IFINDEX; it pins nothing and matches only a device
 *   that gets the same index again.
 *
 * DRLB_CMD_SET_ARP: do, admin
 *   -> DRLB_A_ARP: the keys (AF, ADDR, IFINDEX) and DRLB_ARP_A_FLAGS
 *   (absent: 0), which replace the rule's in place: it never stops
 *   acting. ENOENT if the rule does not exist.
 *
 * DRLB_CMD_GET_ARP: dump, admin
 *   <- DRLB_A_ARP: nested, the keys plus DRLB_ARP_A_STATS:
 *        nested DRLB_ARP_STATS_A_*
 *
 * Events: the multicast group DRLB_MCGRP_MONITOR ("monitor"), which only
 * a socket with CAP_NET_ADMIN (over the namespace's user namespace) can
 * join, gets a DRLB_CMD_EVENT message for every change in the sender's
 * namespace, in the order the changes were made:
 *   <- DRLB_A_EVENT: u32, enum drlb_event
 *      DRLB_A_PORTID: u32, the netlink port of the request that made the
 *        change; absent for what the kernel did on its own (neighbour
 *        and table events)
 *      and the object:
 *      SERVICE_*: DRLB_A_SERVICE as GET_SERVICE gives it (DEL: as it was)
 *      DEST_*, NEIGH: DRLB_A_SERVICE (keys), DRLB_A_DEST as GET_DEST gives
 *        it, with DRLB_DEST_A_NEIGH (enum drlb_neigh_state). NEIGH: the
 *        real server's neighbour entry changed state.
 *      ARP_*: DRLB_A_ARP, the keys and DRLB_ARP_A_FLAGS
 *      FLUSH: DRLB_A_FLUSH_ARP if the ARP rules went too
 *      TABLE_FULL: the connection table reached CONN_MAX; TABLE_OK: the
 *        connection GC found it below 9/10 of CONN_MAX again; STATELESS:
 *        the first new flow since TABLE_FULL went out without an entry
 *        (an mh, sh or dh service); each with DRLB_A_CONFIG holding
 *        CONN_MAX and CONN_COUNT.
 *   Neighbour and table events are sent from a work item, shortly after
 *   the fact; a state that comes and goes before it runs may be missed.
 *   A listener that falls behind gets ENOBUFS and lost events.
 */

#ifndef _UAPI_LINUX_DRLB_H
#define _UAPI_LINUX_DRLB_H

#define DRLB_GENL_NAME		"drlb"
#define DRLB_GENL_VERSION	1
/* Bumped when the attribute contract changes incompatibly. */
#define DRLB_API_VERSION	1

#define DRLB_SCHED_NAME_MAX	16

/* The events' multicast group (DRLB_CMD_EVENT). */
#define DRLB_MCGRP_MONITOR	"monitor"

/* DRLB_A_EVENT */
enum drlb_event {
	DRLB_EV_UNSPEC,
	DRLB_EV_SERVICE_NEW,
	DRLB_EV_SERVICE_SET,
	DRLB_EV_SERVICE_DEL,
	DRLB_EV_DEST_NEW,
	DRLB_EV_DEST_SET,
	DRLB_EV_DEST_DEL,
	DRLB_EV_ARP_NEW,
	DRLB_EV_ARP_SET,
	DRLB_EV_ARP_DEL,
	DRLB_EV_FLUSH,
	DRLB_EV_NEIGH,
	DRLB_EV_TABLE_FULL,
	DRLB_EV_TABLE_OK,
	DRLB_EV_STATELESS,
	__DRLB_EV_MAX
};

#define DRLB_EV_MAX (__DRLB_EV_MAX - 1)

enum drlb_cmd {
	DRLB_CMD_UNSPEC,
	DRLB_CMD_GET_INFO,
	DRLB_CMD_NEW_SERVICE,
	DRLB_CMD_SET_SERVICE,
	DRLB_CMD_DEL_SERVICE,
	DRLB_CMD_GET_SERVICE,
	DRLB_CMD_NEW_DEST,
	DRLB_CMD_SET_DEST,
	DRLB_CMD_DEL_DEST,
	DRLB_CMD_GET_DEST,
	DRLB_CMD_FLUSH,
	DRLB_CMD_GET_CONFIG,
	DRLB_CMD_SET_CONFIG,
	DRLB_CMD_GET_CONN,
	DRLB_CMD_GET_STATS,
	DRLB_CMD_ZERO,
	DRLB_CMD_NEW_ARP,
	DRLB_CMD_DEL_ARP,
	DRLB_CMD_GET_ARP,
	DRLB_CMD_DEL_CONN,
	DRLB_CMD_SET_ARP,
	DRLB_CMD_EVENT,
	__DRLB_CMD_MAX
};

#define DRLB_CMD_MAX (__DRLB_CMD_MAX - 1)

/* Feature bits reported in DRLB_A_FEATURES. */
#define DRLB_F_DIRECTOR_IPV4	(1ULL << 0)	/* DR forwarding of IPv4 */
#define DRLB_F_ARP_SUPPRESS	(1ULL << 1)	/* real-server ARP rules */
#define DRLB_F_DEST_DUMP_ALL	(1ULL << 2)	/* GET_DEST dump of every service */
#define DRLB_F_NO_STATS		(1ULL << 3)	/* GET_SERVICE/GET_DEST without counters */
#define DRLB_F_DIRECTOR_IPV6	(1ULL << 4)	/* AF_INET6 services, DR forwarding of IPv6 */

enum drlb_attr {
	DRLB_A_UNSPEC,
	DRLB_A_PAD,
	DRLB_A_VERSION,		/* string */
	DRLB_A_API_VERSION,	/* u32 */
	DRLB_A_FEATURES,	/* u64 */
	DRLB_A_SCHEDULERS,	/* nested: DRLB_A_SCHED_NAME* */
	DRLB_A_SCHED_NAME,	/* string */
	DRLB_A_SERVICE,		/* nested: DRLB_SVC_A_* */
	DRLB_A_DEST,		/* nested: DRLB_DEST_A_* */
	DRLB_A_CONFIG,		/* nested: DRLB_CFG_A_* */
	DRLB_A_CONN,		/* nested: DRLB_CONN_A_* */
	DRLB_A_STATS,		/* nested: DRLB_STATS_A_* */
	DRLB_A_ARP,		/* nested: DRLB_ARP_A_* */
	DRLB_A_FLUSH_ARP,	/* flag */
	DRLB_A_COUNT,		/* u64 */
	DRLB_A_EVENT,		/* u32: enum drlb_event */
	DRLB_A_PORTID,		/* u32 */
	DRLB_A_NO_STATS,	/* flag */
	__DRLB_A_MAX
};

#define DRLB_A_MAX (__DRLB_A_MAX - 1)

enum drlb_svc_attr {
	DRLB_SVC_A_UNSPEC,
	DRLB_SVC_A_PAD,
	DRLB_SVC_A_AF,			/* u16 */
	DRLB_SVC_A_PROTOCOL,		/* u8: IPPROTO_TCP/UDP/SCTP */
	DRLB_SVC_A_ADDR,		/* binary: 4 bytes for AF_INET */
	DRLB_SVC_A_PORT,		/* u16, host order; 0 = all ports */
	DRLB_SVC_A_SCHED_NAME,		/* string */
	DRLB_SVC_A_PERSIST_TIMEOUT,	/* u32 seconds; 0 = off */
	DRLB_SVC_A_PERSIST_NETMASK,	/* u8 prefix length */
	DRLB_SVC_A_EXPIRE_NODEST,	/* u8 0/1 */
	DRLB_SVC_A_NUM_DESTS,		/* u32, read-only */
	DRLB_SVC_A_STATS,		/* nested: DRLB_STATS_A_* */
	DRLB_SVC_A_MIDSTREAM,		/* u8 0/1 */
	DRLB_SVC_A_FWMARK,		/* u32, non-zero: a fwmark service */
	DRLB_SVC_A_SCHED_FLAGS,		/* u32: DRLB_SCHED_F_* */
	DRLB_SVC_A_ONEPACKET,		/* u8 0/1, UDP only */
	__DRLB_SVC_A_MAX
};

#define DRLB_SVC_A_MAX (__DRLB_SVC_A_MAX - 1)

/* DRLB_SVC_A_SCHED_FLAGS: options of the hashing schedulers (sh, mh). */
enum drlb_sched_flag {
	DRLB_SCHED_F_PORT	= 1 << 0,	/* hash the client port too */
	DRLB_SCHED_F_FALLBACK	= 1 << 1,	/* overloaded: next in table */
};

#define DRLB_SCHED_F_ALL	(DRLB_SCHED_F_PORT | DRLB_SCHED_F_FALLBACK)

enum drlb_dest_attr {
	DRLB_DEST_A_UNSPEC,
	DRLB_DEST_A_PAD,
	DRLB_DEST_A_AF,			/* u16 */
	DRLB_DEST_A_ADDR,		/* binary: 4 bytes for AF_INET */
	DRLB_DEST_A_WEIGHT,		/* u32, 0..65535 */
	DRLB_DEST_A_ACTIVE_CONNS,	/* u32, read-only */
	DRLB_DEST_A_INACTIVE_CONNS,	/* u32, read-only */
	DRLB_DEST_A_IFINDEX,		/* u32, read-only */
	DRLB_DEST_A_LLADDR,		/* binary 6, read-only */
	DRLB_DEST_A_STATS,		/* nested: DRLB_STATS_A_* */
	DRLB_DEST_A_NEIGH,		/* u8: enum drlb_neigh_state, read-only */
	DRLB_DEST_A_U_THRESH,		/* u32 flows, 0 = no limit */
	DRLB_DEST_A_L_THRESH,		/* u32 flows, 0 = 3/4 of U_THRESH */
	DRLB_DEST_A_PERSIST_CONNS,	/* u32, read-only */
	DRLB_DEST_A_OVERLOADED,		/* u8 0/1, read-only */
	__DRLB_DEST_A_MAX
};

#define DRLB_DEST_A_MAX (__DRLB_DEST_A_MAX - 1)

/* DRLB_DEST_A_NEIGH: the real server's neighbour (ARP) entry. */
enum drlb_neigh_state {
	DRLB_NEIGH_NONE,	/* no entry: no route or device to it (yet) */
	DRLB_NEIGH_INCOMPLETE,	/* being resolved */
	DRLB_NEIGH_RESOLVED,	/* MAC known and confirmed (or permanent) */
	DRLB_NEIGH_STALE,	/* MAC known, to be confirmed (stale, probing) */
	DRLB_NEIGH_FAILED,	/* resolution failed */
	__DRLB_NEIGH_MAX
};

#define DRLB_NEIGH_MAX (__DRLB_NEIGH_MAX - 1)

enum drlb_cfg_attr {
	DRLB_CFG_A_UNSPEC,
	DRLB_CFG_A_TIMEOUT_TCP_EST,	/* u32 seconds, default 900 */
	DRLB_CFG_A_TIMEOUT_TCP_SYN,	/* u32 seconds, default 60 */
	DRLB_CFG_A_TIMEOUT_TCP_FIN,	/* u32 seconds, default 120 */
	DRLB_CFG_A_TIMEOUT_TCP_CLOSE,	/* u32 seconds, default 10 */
	DRLB_CFG_A_TIMEOUT_UDP,		/* u32 seconds, default 300 */
	DRLB_CFG_A_TIMEOUT_SCTP,	/* u32 seconds, default 900 */
	DRLB_CFG_A_TIMEOUT_OTHER,	/* u32 seconds, default 60 */
	DRLB_CFG_A_CONN_MAX,		/* u32, default 1048576 */
	DRLB_CFG_A_MH_TABLE_SIZE,	/* u32 prime, default 65537 */
	DRLB_CFG_A_MH_SEED,		/* u32, default 0 */
	DRLB_CFG_A_CONN_COUNT,		/* u32, read-only */
	DRLB_CFG_A_CONN_ENTRY_SIZE,	/* u32 bytes, read-only */
	DRLB_CFG_A_BYPASS_MARK,		/* u32 mark bits, default 0 (off) */
	DRLB_CFG_A_CONN_BUCKETS,	/* u32, read-only */
	DRLB_CFG_A_CONN_CHAIN_MAX,	/* u32, read-only */
	DRLB_CFG_A_CLUSTER,		/* u32 0/1, default 0 */
	DRLB_CFG_A_CONN_ENTRY_SIZE6,	/* u32 bytes, read-only */
	__DRLB_CFG_A_MAX
};

#define DRLB_CFG_A_MAX (__DRLB_CFG_A_MAX - 1)

/* Connection states as the director sees them (client->server only). */
enum drlb_conn_state {
	DRLB_CONN_S_NONE,	/* UDP, SCTP and other protocols */
	DRLB_CONN_S_SYN,	/* TCP: SYN seen, no ACK yet */
	DRLB_CONN_S_EST,	/* TCP: ACK seen */
	DRLB_CONN_S_FIN,	/* TCP: FIN seen */
	DRLB_CONN_S_CLOSE,	/* TCP: RST seen */
	__DRLB_CONN_S_MAX
};

enum drlb_conn_attr {
	DRLB_CONN_A_UNSPEC,
	DRLB_CONN_A_PAD,
	DRLB_CONN_A_AF,		/* u16 */
	DRLB_CONN_A_PROTOCOL,	/* u8 */
	DRLB_CONN_A_CADDR,	/* binary: client address */
	DRLB_CONN_A_CPORT,	/* u16 */
	DRLB_CONN_A_VADDR,	/* binary: virtual address */
	DRLB_CONN_A_VPORT,	/* u16 */
	DRLB_CONN_A_DADDR,	/* binary: real server address */
	DRLB_CONN_A_STATE,	/* u8: enum drlb_conn_state */
	DRLB_CONN_A_EXPIRES_MS,	/* u32: time left before expiry */
	DRLB_CONN_A_PERSIST,	/* flag: a persistence template */
	DRLB_CONN_A_CPREFIX,	/* u8: filters only, client prefix length */
	__DRLB_CONN_A_MAX
};

#define DRLB_CONN_A_MAX (__DRLB_CONN_A_MAX - 1)

enum drlb_stats_attr {
	DRLB_STATS_A_UNSPEC,
	DRLB_STATS_A_PAD,
	DRLB_STATS_A_CONNS,		/* u64: flows scheduled */
	DRLB_STATS_A_PKTS,		/* u64: packets forwarded */
	DRLB_STATS_A_BYTES,		/* u64: bytes forwarded (IP length) */
	DRLB_STATS_A_DROP_NO_DEST,	/* u64: no usable real server */
	DRLB_STATS_A_DROP_NO_NEIGH,	/* u64: no route to RS on a LAN */
	DRLB_STATS_A_DROP_MTU,		/* u64: DF and too big, ICMP sent */
	DRLB_STATS_A_DROP_TABLE_FULL,	/* u64: connection table full */
	DRLB_STATS_A_DROP_OTHER,	/* u64: malformed, no memory, ... */
	DRLB_STATS_A_DROP_NO_FLOW,	/* u64: no flow, cannot open one */
	DRLB_STATS_A_DROP_MARTIAN,	/* u64: martian or rp_filter source */
	DRLB_STATS_A_STATELESS,		/* u64: forwarded without an entry */
	DRLB_STATS_A_NEIGH_QUEUED,	/* u64: queued while RS MAC resolves */
	DRLB_STATS_A_CPS,		/* u64: flows scheduled per second */
	DRLB_STATS_A_INPPS,		/* u64: packets forwarded per second */
	DRLB_STATS_A_INBPS,		/* u64: bytes forwarded per second */
	__DRLB_STATS_A_MAX
};

#define DRLB_STATS_A_MAX (__DRLB_STATS_A_MAX - 1)

enum drlb_arp_attr {
	DRLB_ARP_A_UNSPEC,
	DRLB_ARP_A_PAD,
	DRLB_ARP_A_AF,		/* u16 */
	DRLB_ARP_A_ADDR,	/* binary: the VIP */
	DRLB_ARP_A_IFINDEX,	/* u32, 0 = every device */
	DRLB_ARP_A_STATS,	/* nested: DRLB_ARP_STATS_A_* */
	DRLB_ARP_A_FLAGS,	/* u32: DRLB_ARP_F_* */
	__DRLB_ARP_A_MAX
};

#define DRLB_ARP_A_MAX (__DRLB_ARP_A_MAX - 1)

/* DRLB_ARP_A_FLAGS */
#define DRLB_ARP_F_PACKET_SOCKETS	(1U << 0) /* also ARP from AF_PACKET */
#define DRLB_ARP_F_ALL			DRLB_ARP_F_PACKET_SOCKETS

enum drlb_arp_stats_attr {
	DRLB_ARP_STATS_A_UNSPEC,
	DRLB_ARP_STATS_A_PAD,
	DRLB_ARP_STATS_A_REQ_DROPPED,	/* u64: requests for VIP dropped */
	DRLB_ARP_STATS_A_SRC_REWRITTEN,	/* u64: VIP sender rewritten */
	DRLB_ARP_STATS_A_SRC_DROPPED,	/* u64: VIP sender, no other addr */
	__DRLB_ARP_STATS_A_MAX
};

#define DRLB_ARP_STATS_A_MAX (__DRLB_ARP_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_DRLB_H */
