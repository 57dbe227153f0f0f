#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the fault and stress tests (sourced after lib.sh and
# topo.sh): the DR topology with the VIP on the real servers' lo, traffic
# generators that need no process per packet (pktgen in the client's
# namespace, drlb_seq.py for counted flows), and the director's counters.
#
# Iteration counts: each test names a default for Debian's kernels and
# one for the debug kernel (KASAN and lockdep under TCG are ~10x slower);
# STRESS_ITERS overrides both.

SEQ_PY=$TOP/selftests/helpers/drlb_seq.py

# stress_iters DEFAULT DEBUG_DEFAULT: the iteration count to use
# (lib.sh's rounds), unless STRESS_ITERS says otherwise.
stress_iters()
{
	if [ -n "${STRESS_ITERS:-}" ]; then
		echo "$STRESS_ITERS"
	else
		rounds "$1" "$2"
	fi
}

# stress_setup [N_RS]: the DR test bed (topo_dr_setup) with N real servers
# (default 2), no reverse-path filter on the router (pktgen sends from
# addresses it has no route to), the netfilter static keys pinned. Does
# not load drlb.
stress_setup()
{
	local n=${1:-2} i

	require_root
	[ -x "$PY" ] || skip_all "needs $PY"
	topo_dr_setup "$n"
	for i in all default r0 r1; do
		nsx "$NS_ROUTER" sysctl -qw "net.ipv4.conf.$i.rp_filter=0"
	done
	stress_pin_nf_keys
}

# stress_pin_nf_keys: an empty netfilter chain on IPv4 prerouting and
# output in the VM's initial namespace for the rest of the test, so that
# drlb's hook (and nf_defrag's) coming and going never turns the kernel's
# nf_hooks_needed static keys off and on. Turning a key flips NF_HOOK()
# call sites with int3-based code patching while pktgen's softirq runs
# through them, and qemu TCG's cross-vCPU code invalidation loses that race
# now and then ("Oops: int3" at ip_rcv+0x42 during an unload round, seen on
# 6.12 after 16 rounds; the hook lists themselves are RCU and fine). Real
# CPUs do not have this problem; what we test is drlb's teardown, not
# qemu's handling of self-modifying code.
stress_pin_nf_keys()
{
	nft -f - <<-EOF || diag "could not pin the netfilter static keys"
	table ip drlb_stress_pin {
		chain pre { type filter hook prerouting priority 0; }
		chain out { type filter hook output priority 0; }
	}
	EOF
	defer nft delete table ip drlb_stress_pin
}

# dir_stat KEY: a netns-wide counter from drlbctl -j stats (packets,
# conns, bytes, or a drop reason such as table_full), 0 when unreadable.
dir_stat()
{
	local v

	v=$(ctl -j stats 2>/dev/null | jq -r --arg k "$1" '
		.[$k] // .drops[$k] // .totals[$k] // empty' 2>/dev/null)
	echo "${v:-0}"
}

# conn_count: entries in the director's connection table.
conn_count()
{
	ctl -j config show 2>/dev/null | jq -r '.conn_count // 0'
}

# ---- pktgen (from the client, through the router, to the VIP) ------------

pg()
{
	nsx "$NS_CLIENT" sh -c "echo '$2' > /proc/net/pktgen/$1" ||
		diag "pktgen: '$2' to $1 failed"
}

# pg_setup PORT SRC_MIN SRC_MAX SPORT_MIN SPORT_MAX [DELAY_NS [COUNT]]:
# 64-byte UDP to VIP:PORT from the given address and port ranges (random
# within them when they are ranges), DELAY_NS between packets (default
# 50000: about 20 kpps at most), COUNT packets (default 0: until stopped).
pg_setup()
{
	local rmac

	modprobe -q pktgen || return 1
	rmac=$(ip -n "$NS_ROUTER" link show r0 | sed -n 's/.*ether \([^ ]*\).*/\1/p')
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device c0"
	pg c0 "count ${7:-0}"
	pg c0 "clone_skb 0"
	pg c0 "pkt_size 64"
	pg c0 "delay ${6:-50000}"
	pg c0 "dst $VIP"
	pg c0 "dst_mac $rmac"
	pg c0 "udp_dst_min $1"
	pg c0 "udp_dst_max $1"
	pg c0 "src_min $2"
	pg c0 "src_max $3"
	pg c0 "udp_src_min $4"
	pg c0 "udp_src_max $5"
	[ "$2" = "$3" ] || pg c0 "flag IPSRC_RND"
	[ "$4" = "$5" ] || pg c0 "flag UDPSRC_RND"
	# Runs until stopped, also when the test dies.
	defer pg_stop
}

pg_start()
{
	nsx "$NS_CLIENT" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	PG_PID=$!
}

pg_stop()
{
	nsx "$NS_CLIENT" sh -c 'echo stop > /proc/net/pktgen/pgctrl' 2>/dev/null
	[ -z "${PG_PID:-}" ] || wait "$PG_PID" 2>/dev/null
	PG_PID=
}

pg_sent()
{
	nsx "$NS_CLIENT" sed -n 's/.*pkts-sofar: \([0-9]*\).*/\1/p' /proc/net/pktgen/c0
}

# warm_neigh I...: resolve the real servers' MACs on the director and the
# VIP's on the router, so that no first packet waits for ARP (drlb drops
# a packet whose real server's MAC is unresolved, as drop-no-neigh).
warm_neigh()
{
	local i

	nsx "$NS_CLIENT" ping -q -c 1 -W 5 "$VIP" >/dev/null
	for i in "$@"; do
		nsx "$NS_DIR" ping -q -c 1 -W 5 "${RS_IP[i]}" >/dev/null
	done
}

# ---- counted UDP flows (drlb_seq.py) --------------------------------------

# seq_recv_start I PORT: a receiver on real server I for VIP:PORT.
seq_recv_start()
{
	# Not through nsx: $! must be the receiver itself, not a subshell.
	ip netns exec "${NS_RS[$1]}" "$PY" "$SEQ_PY" recv "$VIP" "$2" \
		--out "$WORK/seq-rs$1.out" > "$WORK/seq-rs$1.log" 2>&1 &
	eval "SEQ_RECV_PID_$1=$!"
	defer kill $!
	slowwait 60 grep -qx ready "$WORK/seq-rs$1.log"
}

# watched_service PORT: udp VIP:PORT (rr) on rs1 and rs2 with a counting
# receiver on each - the flows a stress test must not hurt. Ends the test
# when it cannot be set up.
watched_service()
{
	ctl service add udp "$VIP:$1" sched rr &&
		ctl server add udp "$VIP:$1" "${RS_IP[1]}" &&
		ctl server add udp "$VIP:$1" "${RS_IP[2]}" ||
		{ tap_fail "the watched service udp VIP:$1 is set up"; exit "$ksft_fail"; }
	seq_recv_start 1 "$1" && seq_recv_start 2 "$1" ||
		{ tap_fail "receivers on rs1 and rs2 started"; exit "$ksft_fail"; }
}

# seq_send_start PORT FLOWS RATE: the sender in the client's namespace.
seq_send_start()
{
	rm -f "$WORK/seq.stop"
	ip netns exec "$NS_CLIENT" "$PY" "$SEQ_PY" send "$VIP" "$1" --flows "$2" \
		--rate "$3" --stop "$WORK/seq.stop" > "$WORK/seq-send.out" 2>&1 &
	SEQ_SEND_PID=$!
	defer touch "$WORK/seq.stop"
}

# seq_stop I...: stop the sender, give the last datagrams time to arrive,
# stop the receivers on real servers I... and wait for their counts.
seq_stop()
{
	local i pid

	touch "$WORK/seq.stop"
	wait "$SEQ_SEND_PID"
	sleep 1
	for i in "$@"; do
		pid=SEQ_RECV_PID_$i
		kill "${!pid}"
	done
	for i in "$@"; do
		slowwait 30 test -e "$WORK/seq-rs$i.out"
	done
}

seq_sent()
{
	awk '$1 == "sent" { print $2 }' "$WORK/seq-send.out"
}

# seq_received I...: distinct datagrams the receivers on I... saw.
seq_received()
{
	local i n=0 r

	for i in "$@"; do
		r=$(awk '$1 == "received" { print $2 }' "$WORK/seq-rs$i.out" 2>/dev/null)
		n=$((n + ${r:-0}))
	done
	echo "$n"
}

# udp_rcvbuf_errors NS: receive-buffer drops of UDP sockets in NS (loss
# that is the receiver's, not the director's).
udp_rcvbuf_errors()
{
	nsx "$1" awk '$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
		      $1 == "Udp:" && h { print $c["RcvbufErrors"]; exit }' /proc/net/snmp
}

# ---- memory ---------------------------------------------------------------

# meminfo_kb FIELD: a /proc/meminfo value in kB (Slab, SUnreclaim, ...).
meminfo_kb()
{
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

# slab_footprint CACHE: bytes an object of CACHE takes in its slab (the
# object with the allocator's debug metadata: KASAN's redzones and the
# like), 0 when unknown.
slab_footprint()
{
	cat "/sys/kernel/slab/$1/slab_size" 2>/dev/null || echo 0
}

# slab_objs CACHE: active objects of a slab cache, or "merged" when SLUB
# merged it with others (then only drlb's own count is meaningful).
slab_objs()
{
	local d=/sys/kernel/slab/$1

	if [ -L "$d" ] && [ "$(basename "$(readlink "$d")")" != "$1" ]; then
		echo merged
	elif [ -r "$d/objects" ]; then
		cut -d' ' -f1 < "$d/objects"
	else
		awk -v c="$1" '$1 == c { print $2 }' /proc/slabinfo
	fi
}

# ---- where a watched datagram was lost -----------------------------------

# dir_arrivals_start PORT: count udp VIP:PORT datagrams as they arrive on
# the director's d0 (nft netdev ingress: before IP and before drlb's hook),
# so a loss can be placed before the director or at it.
dir_arrivals_start()
{
	nsx "$NS_DIR" nft -f - <<-EOF || { diag "no ingress counter on d0"; return 1; }
	table netdev drlb_watch {
		counter arrived { }
		chain in {
			type filter hook ingress device d0 priority 0;
			ip daddr $VIP udp dport $1 counter name arrived
		}
	}
	EOF
}

# dir_arrivals: datagrams counted by dir_arrivals_start so far.
dir_arrivals()
{
	nsx "$NS_DIR" nft -j list counter netdev drlb_watch arrived 2>/dev/null |
		jq '[.nftables[] | .counter.packets // empty] | first // 0'
}

# backlog_drops: packets the kernel dropped on a full per-CPU input backlog
# (netdev_max_backlog), all namespaces together: the second column of
# /proc/net/softnet_stat (hex), summed over CPUs. Under TCG a stalled vCPU
# makes pktgen catch up in a burst; veth hands every packet to that backlog.
backlog_drops()
{
	local n=0 d

	for d in $(awk '{ print $2 }' /proc/net/softnet_stat); do
		n=$((n + 16#$d))
	done
	echo "$n"
}

# raise_backlog N: net.core.netdev_max_backlog at least N for the rest of
# the test (it is global; restored afterwards).
raise_backlog()
{
	local old

	old=$(sysctl -n net.core.netdev_max_backlog)
	[ "$old" -ge "$1" ] && return 0
	sysctl -qw net.core.netdev_max_backlog="$1" &&
		defer sysctl -qw net.core.netdev_max_backlog="$old"
}
