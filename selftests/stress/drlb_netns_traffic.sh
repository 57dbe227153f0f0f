#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Director namespace deleted under load: each round builds a fresh
# director namespace on the LAN (same addresses and MAC, so the router
# keeps sending it the VIP's traffic), configures a service with two real
# servers, lets pktgen's flood (1000 flows) go through it while drlbctl
# and a slow dump (drlb_slowdump.py) read its tables - then deletes the
# namespace with all of that running.
#
# Each round must forward before the deletion, and the namespace must
# really go away afterwards (its LAN port disappears from the switch once
# the kernel has torn it down; a leaked reference would keep it, and the
# debug kernel's ref_tracker names the holder). At the end the module
# still unloads - no namespace state or flow is left behind - and the
# dmesg gate is clean.
#
# Cases: netns_del_under_load (the rounds, then the unload).
# STRESS_ITERS sets the rounds (default 50, 10 on the debug kernel).
# timeout=1800

source "$(dirname "$0")/../lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/stress.sh"

ALL_TESTS="
	netns_del_under_load
"

iters=$(stress_iters 50 10)
stress_setup 2

# The topology's director is not used: the rounds bring their own.
ip -n "$NS_SW" link del sw-d

# dir_ns_add NS PORT: a director namespace NS on the LAN switch's PORT,
# with the topology director's addresses, MAC and VIP, no IPv6 (set
# before d0 exists, so d0 never has any).
dir_ns_add()
{
	local ns=$1 port=$2

	ip netns add "$ns" || return 1
	nse "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip link add d0 address "$DIR_MAC" netns "$ns" type veth \
		peer name "$port" netns "$NS_SW" || return 1
	ip -n "$NS_SW" link set "$port" master br0 up || return 1
	ip -n "$ns" -b - <<-EOF
	link set lo up
	link set d0 up
	addr add $DIR_IP/24 dev d0
	addr add $VIP/32 dev d0
	route add default via $ROUTER_IP
	EOF
}

# dir_ns_leftovers: delete the director namespaces of the rounds (dir_ns)
# that are still there (a case that died midway).
dir_ns=()
dir_ns_leftovers()
{
	local ns

	for ns in "${dir_ns[@]}"; do
		[ ! -e "/run/netns/$ns" ] || ip netns del "$ns"
	done
}

# sw_port_gone PORT: the LAN switch has no PORT any more.
sw_port_gone()
{
	! sw_port_tx "$1"
}

netns_del_under_load()
{
	local fwd_fail=0 gone_fail=0 cfg_fail=0 fwd_total=0 maxgone=0
	local t0 i ns port pk spid dpid td sent

	stress_load
	defer dir_ns_leftovers
	pg_setup 9 "$CLIENT_IP" "$CLIENT_IP" 10000 10999 1000000 ||
		skip_all "pktgen not available"
	pg_start

	t0=$SECONDS
	for i in $(seq "$iters"); do
		ns=drlb-dir$i-$RANDOM$RANDOM
		port=sw-d$i
		dir_ns+=("$ns")
		if ! dir_ns_add "$ns" "$port"; then
			cfg_fail=$((cfg_fail + 1))
			diag "round $i: director namespace not set up"
		fi
		dnse "$ns" restore - >/dev/null <<-EOF || cfg_fail=$((cfg_fail + 1))
		service add udp $VIP:9 sched mh
		server add udp $VIP:9 ${RS_IP[1]}
		server add udp $VIP:9 ${RS_IP[2]}
		config set conn-max 5000 timeout-udp 60
		EOF

		# Readers inside the namespace while it is deleted: the slow
		# one starts now (a Python start is the longest part of a
		# round under TCG) and dumps the table over and over; a dump
		# of a table with flows in it has several parts, a second
		# apart, and is open when it comes to the deletion.
		rm -f "$WORK/stop" "$WORK/in-dump"
		nsenter --net="/run/netns/$ns" "$PY" -S "$TOP/selftests/helpers/drlb_slowdump.py" \
			--stop "$WORK/stop" --pause 1 --mark "$WORK/in-dump" \
			>> "$WORK/slowdump.log" 2>&1 &
		spid=$!

		if ! poll 60 stat_test pkts -ge 100 "$ns"; then
			fwd_fail=$((fwd_fail + 1))
			diag "round $i: no forwarding seen: $(dnse "$ns" -j stats | tr -d '\n ')"
		fi
		pk=${DSTAT[pkts]:-0}
		fwd_total=$((fwd_total + pk))

		(while [ ! -e "$WORK/stop" ]; do dnse "$ns" conn show >/dev/null 2>&1; done) &
		dpid=$!
		poll 30 test -e "$WORK/in-dump" || diag "round $i: no dump open at deletion time"

		td=$SECONDS
		ip netns del "$ns"
		# The readers hold the namespace until they exit.
		touch "$WORK/stop"
		wait "$spid" "$dpid"
		if poll 120 sw_port_gone "$port"; then
			[ $((SECONDS - td)) -gt "$maxgone" ] && maxgone=$((SECONDS - td))
		else
			gone_fail=$((gone_fail + 1))
			diag "round $i: namespace $ns not torn down after 120 s"
		fi
		if [ $((i % 10)) = 0 ] || [ "$iters" -lt 10 ]; then
			diag "round $i/$iters: $pk packets forwarded, torn down in $((SECONDS - td)) s, $((SECONDS - t0)) s so far"
		fi
	done
	sent=$(pg_sent)
	pg_stop

	diag "$iters rounds in $((SECONDS - t0)) s; pktgen sent $sent packets, the" \
		"directors forwarded $fwd_total; slowest teardown $maxgone s"
	check_eq "every director namespace was configured" "$cfg_fail" 0
	check_eq "every director namespace forwarded the flood before its deletion" "$fwd_fail" 0
	check_eq "every deleted director namespace was torn down" "$gone_fail" 0
	check "drlb unloads afterwards (no namespace state left)" rmmod drlb
}

tests_run
