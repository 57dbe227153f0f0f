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
#
# Under qemu TCG every process costs 0.1-0.3 s, and `ip netns exec` (a new
# mount namespace and a fresh /sys each time) several times that; the
# rounds of a stress test are made of little else. So these helpers spend
# as few as they can: commands that need no /sys of the namespace run
# through nsenter (nse), the namespaces' /proc/net files are read by the
# shell itself through a process that lives there (ns_anchor), drlbctl's
# plain "KEY VALUE" output is read without jq, pauses are taken in the
# shell (stress_sleep), and pktgen is programmed by one process.

SEQ_PY=$TOP/selftests/helpers/drlb_seq.py

# nse NS CMD...: CMD in NS's network namespace only (nsenter), for
# commands that read nothing of NS under /sys. lib.sh has it too; this is
# the same, for a lib.sh without it.
if ! declare -F nse >/dev/null; then
	nse()
	{
		local ns=$1

		shift
		[ "$VERBOSE" = 1 ] && echo "# [$ns] $*" >&2
		nsenter --net="/run/netns/$ns" "$@"
	}
fi

# dnse NS ARGS...: drlbctl in NS (through nse); sctl ARGS...: in the
# director's namespace.
dnse()
{
	local ns=$1

	shift
	nse "$ns" "$DRLBCTL" "$@"
}

sctl()
{
	dnse "$NS_DIR" "$@"
}

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

# ---- waiting without processes ---------------------------------------------

# stress_sleep SECS: lib.sh's nap.
stress_sleep()
{
	nap "$1"
}

# now_ms: milliseconds since the epoch into NOW_MS (no subshell).
now_ms()
{
	local us=${EPOCHREALTIME//[!0-9]/}

	NOW_MS=$((us / 1000))
}

# poll_ms TIMEOUT_MS CMD...: retry CMD every 0.1 s until it succeeds or
# TIMEOUT_MS have passed (lib.sh's busywait, pausing in the shell). CMD
# runs in this shell: a function can leave what it read in variables.
poll_ms()
{
	local deadline

	now_ms
	deadline=$((NOW_MS + $1))
	shift
	while true; do
		"$@" && return 0
		now_ms
		[ "$NOW_MS" -lt "$deadline" ] || return 1
		stress_sleep 0.1
	done
}

# poll TIMEOUT_S CMD...: as poll_ms, in seconds (lib.sh's slowwait).
poll()
{
	local s=$1

	shift
	poll_ms $((s * 1000)) "$@"
}

# ---- the namespaces' /proc/net, read by the shell ----------------------------

declare -A NS_ANCHOR=()

# ns_anchor NS: a process that lives in NS until the test ends, its PID in
# NS_ANCHOR[NS]: NS's /proc/net files are then /proc/PID/net/..., which the
# shell reads itself (no `ip netns exec cat` per read).
ns_anchor()
{
	local pid=${NS_ANCHOR[$1]:-}

	[ -n "$pid" ] && [ "/proc/$pid/ns/net" -ef "/run/netns/$1" ] && return 0
	nsenter --net="/run/netns/$1" sleep infinity &
	pid=$!
	defer kill "$pid"
	NS_ANCHOR[$1]=$pid
	poll 10 test "/proc/$pid/ns/net" -ef "/run/netns/$1"
}

# dev_counters PID IF: IF's packet counters in PID's network namespace
# (/proc/PID/net/dev) into DEV_RX and DEV_TX; fails when there is no IF.
dev_counters()
{
	local line name

	DEV_RX='' DEV_TX=''
	while IFS= read -r line; do
		name=${line%%:*}
		[ "${name//[[:space:]]/}" = "$2" ] || continue
		# bytes packets errs drop fifo frame compressed multicast, then tx
		# shellcheck disable=SC2034 # DEV_RX: for the callers
		read -r _ DEV_RX _ _ _ _ _ _ _ DEV_TX _ <<< "${line#*:}"
		return 0
	done < "/proc/$1/net/dev"
	return 1
}

# sw_port_tx PORT: packets the LAN switch sent out of PORT, which is what
# the interface at its other end received (a veth's rx is its peer's tx):
# sw_port_tx sw-rs1 is real server 1's e0 rx. Into DEV_TX.
sw_port_tx()
{
	dev_counters "${NS_ANCHOR[$NS_SW]}" "$1"
}

# rs_rx I: packets real server I received on e0 (echoed).
rs_rx()
{
	sw_port_tx "sw-rs$1" && echo "$DEV_TX"
}

# udp_mib PID: the Udp line of /proc/PID/net/snmp (PID's network
# namespace) into the associative array UDP_MIB (InDatagrams,
# RcvbufErrors, ...). InDatagrams counts what the sockets have read.
declare -A UDP_MIB=()
udp_mib()
{
	local -a f h=()
	local i

	UDP_MIB=()
	[ -r "/proc/$1/net/snmp" ] || return 1
	while read -ra f; do
		[ "${f[0]}" = Udp: ] || continue
		[ ${#h[@]} -gt 0 ] || { h=("${f[@]}"); continue; }
		for ((i = 1; i < ${#h[@]}; i++)); do
			UDP_MIB[${h[i]}]=${f[i]}
		done
		return 0
	done < "/proc/$1/net/snmp"
	return 1
}

# ---- the test bed ---------------------------------------------------------

# stress_setup [N_RS]: the DR test bed (topo_dr_setup) with N real servers
# (default 2), no reverse-path filter on the router (pktgen sends from
# addresses it has no route to), the netfilter static keys pinned, and an
# anchor in the LAN switch's namespace (the real servers' rx counters, the
# switch's ports). Does not load drlb.
stress_setup()
{
	local n=${1:-2}

	require_root
	[ -x "$PY" ] || skip_all "needs $PY"
	topo_dr_setup "$n"
	nse "$NS_ROUTER" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.r0.rp_filter=0 \
		net.ipv4.conf.r1.rp_filter=0
	stress_pin_nf_keys
	# shellcheck disable=SC2154 # ksft_fail: lib.sh, sourced before this
	ns_anchor "$NS_SW" || { tap_fail "a process in the switch's namespace"; exit "$ksft_fail"; }
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

# stress_load: load drlb for the running case; it is unloaded when the
# case ends (if the case did not unload it itself). Ends the test when
# drlb cannot be loaded.
stress_load()
{
	# shellcheck disable=SC2154 # ksft_fail: lib.sh
	drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
	defer drlb_unload
}

# ---- the director's counters ----------------------------------------------

# dir_stats [NS]: drlb's netns-wide counters ("drlbctl stats": conns,
# pkts, bytes, drop-no-dest, drop-table-full, ...) into the associative
# array DSTAT, from one drlbctl and no jq.
declare -A DSTAT=()
dir_stats()
{
	local out k v

	DSTAT=()
	out=$(dnse "${1:-$NS_DIR}" stats 2>/dev/null) || return 1
	while read -r k v; do
		[ -n "$k" ] && DSTAT[$k]=$v
	done <<< "$out"
}

# dir_drops: drlb's drop counters by reason, "no-dest=N no-neigh=N ...",
# from the last dir_stats.
dir_drops()
{
	local r out=

	for r in no-dest no-neigh mtu table-full other; do
		out+="$r=${DSTAT[drop-$r]:-?} "
	done
	echo "${out% }"
}

# dir_stat KEY: a netns-wide counter (packets, conns, bytes, or a drop
# reason such as table_full), 0 when unreadable.
dir_stat()
{
	local k=$1

	dir_stats
	echo "${DSTAT[$k]:-${DSTAT[drop-${k//_/-}]:-0}}"
}

# stat_test KEY OP N [NS]: the counter KEY compares to N (test's OP: -ge,
# -eq, ...); the counters read stay in DSTAT.
stat_test()
{
	dir_stats "${4:-}" && test "${DSTAT[$1]:-x}" "$2" "$3" 2>/dev/null
}

# dir_conns [NS]: entries in the flow table (conn-count of "drlbctl -s
# config show") into CONNS, and conn-entry-size into CONN_ENTRY_SIZE.
dir_conns()
{
	local out k v

	CONNS='' CONN_ENTRY_SIZE=''
	out=$(dnse "${1:-$NS_DIR}" -s config show 2>/dev/null) || return 1
	while read -r k v; do
		case $k in
		conn-count)		CONNS=$v ;;
		conn-entry-size)
			# shellcheck disable=SC2034 # for the callers
			CONN_ENTRY_SIZE=$v ;;
		esac
	done <<< "$out"
	[ -n "$CONNS" ]
}

# conn_count: entries in the director's connection table.
conn_count()
{
	dir_conns
	echo "${CONNS:-0}"
}

# conns_test OP N [NS]: the flow table's entry count compares to N; the
# count read stays in CONNS.
conns_test()
{
	dir_conns "${3:-}" && test "$CONNS" "$1" "$2"
}

# ---- pktgen (from the client, through the router, to the VIP) ------------

# pg_cmds @DEV LINE... [@DEV LINE...]: write each LINE to
# /proc/net/pktgen/DEV in the client's namespace, all from one process;
# a write pktgen refuses is reported.
pg_cmds()
{
	local out

	# shellcheck disable=SC2016 # a script for sh, with its own $1
	out=$(nse "$NS_CLIENT" sh -c '
		for l; do
			case $l in
			@*)	f=/proc/net/pktgen/${l#@} ;;
			*)	echo "$l" 2>/dev/null > "$f" ||
					echo "pktgen: \"$l\" to ${f##*/} failed" ;;
			esac
		done' sh "$@" 2>&1)
	[ -z "$out" ] || diag "$out"
}

# pg DEV LINE: one pktgen command.
pg()
{
	pg_cmds "@$1" "$2"
}

# pg_setup PORT[-PORT_MAX] SRC_MIN SRC_MAX SPORT_MIN SPORT_MAX [DELAY_NS
# [COUNT]]: 64-byte UDP to VIP:PORT (a random port of PORT-PORT_MAX) from
# the given address and port ranges (random within them when they are
# ranges), DELAY_NS between packets (default 50000: about 20 kpps at
# most), COUNT packets (default 0: until stopped).
pg_setup()
{
	local out dmin=${1%-*} dmax=${1#*-} flags=()

	[ -d /sys/module/pktgen ] || modprobe -q pktgen || return 1
	if [ -z "${PG_RMAC:-}" ]; then
		out=$(ip -n "$NS_ROUTER" link show r0)
		[[ $out =~ ether\ ([0-9a-f:]+) ]] || return 1
		PG_RMAC=${BASH_REMATCH[1]}
	fi
	[ "$2" = "$3" ] || flags+=("flag IPSRC_RND")
	[ "$4" = "$5" ] || flags+=("flag UDPSRC_RND")
	[ "$dmin" = "$dmax" ] || flags+=("flag UDPDST_RND")
	pg_cmds @kpktgend_0 rem_device_all "add_device c0" \
		@c0 "count ${7:-0}" "clone_skb 0" "pkt_size 64" \
		"delay ${6:-50000}" "dst $VIP" "dst_mac $PG_RMAC" \
		"udp_dst_min $dmin" "udp_dst_max $dmax" "src_min $2" \
		"src_max $3" "udp_src_min $4" "udp_src_max $5" "${flags[@]}"
	# Runs until stopped, also when the test dies.
	defer pg_stop
}

pg_start()
{
	nse "$NS_CLIENT" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	PG_PID=$!
}

pg_stop()
{
	nse "$NS_CLIENT" sh -c 'echo stop > /proc/net/pktgen/pgctrl' 2>/dev/null
	[ -z "${PG_PID:-}" ] || wait "$PG_PID" 2>/dev/null
	PG_PID=
}

pg_sent()
{
	nse "$NS_CLIENT" sed -n 's/.*pkts-sofar: \([0-9]*\).*/\1/p' /proc/net/pktgen/c0
}

# warm_neigh I...: resolve the real servers' MACs on the director and the
# VIP's on the router, so that no first packet waits for ARP (drlb drops
# a packet whose real server's MAC is unresolved, as drop-no-neigh).
warm_neigh()
{
	local i ips=()

	for i in "$@"; do
		ips+=("${RS_IP[i]}")
	done
	nse "$NS_CLIENT" ping -q -c 1 -W 5 "$VIP" >/dev/null &
	# shellcheck disable=SC2016 # a script for sh
	nse "$NS_DIR" sh -c 'for a; do ping -q -c 1 -W 5 "$a" & done; wait' \
		sh "${ips[@]}" >/dev/null
	wait $!
}

# ---- counted UDP flows (drlb_seq.py) --------------------------------------

# seq_recv_start I PORT: a receiver on real server I for VIP:PORT (not
# waited for: see seq_recv_ready).
seq_recv_start()
{
	rm -f "$WORK/seq-rs$1.out"
	# Not through nse (a function: $! would be a subshell); nsenter execs
	# the receiver, so $! is the receiver itself, in the namespace.
	nsenter --net="/run/netns/${NS_RS[$1]}" "$PY" "$SEQ_PY" recv "$VIP" "$2" \
		--out "$WORK/seq-rs$1.out" > "$WORK/seq-rs$1.log" 2>&1 &
	printf -v "SEQ_RECV_PID_$1" %s $!
	defer kill $!
}

# seq_recv_ready I: receiver I is bound (it said "ready"), and in its
# namespace: its UDP counters so far go to SEQ_UDP_IN0_I and SEQ_RCVBUF0_I.
seq_recv_ready()
{
	local line pid=SEQ_RECV_PID_$1

	while read -r line; do
		[ "$line" = ready ] || continue
		udp_mib "${!pid}" || return 1
		printf -v "SEQ_UDP_IN0_$1" %s "${UDP_MIB[InDatagrams]}"
		printf -v "SEQ_RCVBUF0_$1" %s "${UDP_MIB[RcvbufErrors]}"
		return 0
	done < "$WORK/seq-rs$1.log"
	return 1
}

# seq_recvs_start PORT I...: receivers on real servers I... (started
# side by side), waited for.
seq_recvs_start()
{
	local port=$1 i

	shift
	for i in "$@"; do
		seq_recv_start "$i" "$port"
	done
	for i in "$@"; do
		poll 60 seq_recv_ready "$i" || return 1
	done
}

# watched_service PORT [LINE...]: udp VIP:PORT (rr) on rs1 and rs2 with a
# counting receiver on each - the flows a stress test must not hurt. It
# replaces the director's configuration (one drlbctl restore, the LINEs
# in drlbctl's restore format first: settings, other services), so it
# comes first; the services go when the case ends. Ends the test when it
# cannot be set up.
watched_service()
{
	local err

	defer sctl flush
	err=$({ printf '%s\n' "${@:2}"
		echo "service add udp $VIP:$1 sched rr"
		echo "server add udp $VIP:$1 ${RS_IP[1]}"
		echo "server add udp $VIP:$1 ${RS_IP[2]}"
	      } | sctl restore - 2>&1) ||
		{ tap_fail "the watched service udp VIP:$1 is set up" "$err"; exit "$ksft_fail"; }
	seq_recvs_start "$1" 1 2 ||
		{ tap_fail "receivers on rs1 and rs2 started"; exit "$ksft_fail"; }
}

# seq_send_start PORT FLOWS RATE: the sender in the client's namespace.
seq_send_start()
{
	rm -f "$WORK/seq.stop"
	nse "$NS_CLIENT" "$PY" "$SEQ_PY" send "$VIP" "$1" --flows "$2" \
		--rate "$3" --stop "$WORK/seq.stop" > "$WORK/seq-send.out" 2>&1 &
	SEQ_SEND_PID=$!
	defer touch "$WORK/seq.stop"
}

# seq_read I...: what receivers I... have read so far (their sockets'
# InDatagrams since they started) into SEQ_READ, and their receive-buffer
# drops into SEQ_RCVBUF.
seq_read()
{
	local i pid in0 rb0

	SEQ_READ=0 SEQ_RCVBUF=0
	for i in "$@"; do
		pid=SEQ_RECV_PID_$i in0=SEQ_UDP_IN0_$i rb0=SEQ_RCVBUF0_$i
		udp_mib "${!pid}" || return 1
		SEQ_READ=$((SEQ_READ + UDP_MIB[InDatagrams] - ${!in0}))
		SEQ_RCVBUF=$((SEQ_RCVBUF + UDP_MIB[RcvbufErrors] - ${!rb0}))
	done
}

# seq_drained SENT I...: receivers I... have read SENT datagrams.
seq_drained()
{
	local sent=$1

	shift
	seq_read "$@" && [ "$SEQ_READ" -ge "$sent" ]
}

# seq_stop I...: stop the sender, let the receivers read the last
# datagrams (until they have read as many as were sent, or have read
# nothing more for 2 s: a slow or stalled VM may take more than a second
# to deliver them, a lost one never comes; at most a minute), note their
# socket drops (SEQ_RCVBUF), stop the receivers on real servers I... and
# wait for their counts.
seq_stop()
{
	local i pid sent last=-1

	touch "$WORK/seq.stop"
	wait "$SEQ_SEND_PID"
	sent=$(seq_sent)
	for ((i = 0; i < 30; i++)); do
		poll_ms 2000 seq_drained "$sent" "$@" && break
		[ "$SEQ_READ" -gt "$last" ] || break
		last=$SEQ_READ
	done
	seq_read "$@"
	for i in "$@"; do
		pid=SEQ_RECV_PID_$i
		kill "${!pid}"
	done
	for i in "$@"; do
		pid=SEQ_RECV_PID_$i
		wait "${!pid}" 2>/dev/null
		poll 30 test -e "$WORK/seq-rs$i.out"
	done
}

# seq_sent: datagrams the sender sent (once it has stopped).
seq_sent()
{
	local k v

	while read -r k v; do
		[ "$k" = sent ] && { echo "$v"; return 0; }
	done < "$WORK/seq-send.out"
	echo 0
}

# seq_received I...: distinct datagrams the receivers on I... saw.
seq_received()
{
	local i n=0 k v

	for i in "$@"; do
		[ -r "$WORK/seq-rs$i.out" ] || continue
		while read -r k v; do
			[ "$k" = received ] && n=$((n + v))
		done < "$WORK/seq-rs$i.out"
	done
	echo "$n"
}

# ---- memory ---------------------------------------------------------------

# meminfo_kb FIELD: a /proc/meminfo value in kB (Slab, SUnreclaim, ...),
# into MEMINFO_KB and echoed.
meminfo_kb()
{
	local k v

	MEMINFO_KB=''
	while read -r k v _; do
		[ "$k" = "$1:" ] && { MEMINFO_KB=$v; break; }
	done < /proc/meminfo
	echo "$MEMINFO_KB"
}

# slab_footprint CACHE: bytes an object of CACHE takes in its slab (the
# object with the allocator's debug metadata: KASAN's redzones and the
# like), 0 when unknown.
slab_footprint()
{
	local v=0

	read -r v < "/sys/kernel/slab/$1/slab_size" 2>/dev/null
	echo "${v:-0}"
}

# slab_merged CACHE: SLUB merged CACHE with others (then only drlb's own
# count is meaningful).
slab_merged()
{
	local d=/sys/kernel/slab/$1

	[ -L "$d" ] && [ "$(basename "$(readlink "$d")")" != "$1" ]
}

# slab_objs CACHE: active objects of a slab cache, or "merged" when SLUB
# merged it with others.
slab_objs()
{
	local d=/sys/kernel/slab/$1 o

	if slab_merged "$1"; then
		echo merged
	elif [ -r "$d/objects" ]; then
		read -r o _ < "$d/objects"
		echo "$o"
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
	nse "$NS_DIR" nft -f - <<-EOF || { diag "no ingress counter on d0"; return 1; }
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
	nse "$NS_DIR" nft -j list counter netdev drlb_watch arrived 2>/dev/null |
		jq '[.nftables[] | .counter.packets // empty] | first // 0'
}

# backlog_drops: packets the kernel dropped on a full per-CPU input backlog
# (netdev_max_backlog), all namespaces together: the second column of
# /proc/net/softnet_stat (hex), summed over CPUs. Under TCG a stalled vCPU
# makes pktgen catch up in a burst; veth hands every packet to that backlog.
backlog_drops()
{
	local n=0 d

	while read -r _ d _; do
		n=$((n + 16#$d))
	done < /proc/net/softnet_stat
	echo "$n"
}

# raise_backlog N: net.core.netdev_max_backlog at least N for the rest of
# the test (it is global; restored afterwards).
raise_backlog()
{
	local knob=/proc/sys/net/core/netdev_max_backlog old

	read -r old < "$knob" || return 1
	[ "$old" -ge "$1" ] && return 0
	echo "$1" > "$knob" && defer sysctl -qw net.core.netdev_max_backlog="$old"
}
