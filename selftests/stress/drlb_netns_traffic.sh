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
# STRESS_ITERS sets the rounds (default 50, 10 on the debug kernel).
# timeout=1800

source "$(dirname "$0")/../lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/stress.sh"

iters=$(stress_iters 50 10)
stress_setup 2
drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }

# The topology's director is not used: the rounds bring their own.
ip -n "$NS_SW" link del sw-d

pg_setup 9 "$CLIENT_IP" "$CLIENT_IP" 10000 10999 1000000 ||
	skip_all "pktgen not available"
pg_start

fwd_fail=0 gone_fail=0 cfg_fail=0 fwd_total=0 maxgone=0
t0=$SECONDS
for i in $(seq "$iters"); do
	ns=drlb-dir$i-$(mktemp -u XXXXXX)
	port=sw-d$i
	ip netns add "$ns"
	# Deleted below; this is only for a test that dies midway.
	defer ip netns del "$ns"
	ip -n "$ns" link set lo up
	nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	topo_port "$ns" d0 "$DIR_MAC" "$port"
	ip -n "$ns" addr add "$DIR_IP/24" dev d0
	ip -n "$ns" addr add "$VIP/32" dev d0
	ip -n "$ns" route add default via "$ROUTER_IP"
	{
		dctl "$ns" service add udp "$VIP:9" sched mh &&
		dctl "$ns" server add udp "$VIP:9" "${RS_IP[1]}" &&
		dctl "$ns" server add udp "$VIP:9" "${RS_IP[2]}" &&
		dctl "$ns" config set conn-max 5000 timeout-udp 60
	} >/dev/null || cfg_fail=$((cfg_fail + 1))

	if ! slowwait 60 sh -c "[ \$(ip netns exec $ns $DRLBCTL -j stats | jq .pkts) -ge 100 ]"; then
		fwd_fail=$((fwd_fail + 1))
		diag "round $i: no forwarding seen: $(dctl "$ns" -j stats | tr -d '\n ')"
	fi
	pk=$(dctl "$ns" -j stats | jq .pkts)
	fwd_total=$((fwd_total + ${pk:-0}))

	# Readers inside the namespace while it is deleted.
	rm -f "$WORK/stop" "$WORK/in-dump"
	nsx "$ns" "$PY" "$TOP/selftests/helpers/drlb_slowdump.py" --stop "$WORK/stop" \
		--pause 1 --mark "$WORK/in-dump" >> "$WORK/slowdump.log" 2>&1 &
	spid=$!
	(while [ ! -e "$WORK/stop" ]; do dctl "$ns" conn show >/dev/null 2>&1; done) &
	dpid=$!
	slowwait 30 test -e "$WORK/in-dump" || diag "round $i: no dump open at deletion time"

	td=$SECONDS
	ip netns del "$ns"
	# The readers hold the namespace until they exit.
	touch "$WORK/stop"
	wait "$spid" "$dpid"
	if slowwait 120 sh -c "! ip -n $NS_SW link show $port >/dev/null 2>&1"; then
		[ $((SECONDS - td)) -gt "$maxgone" ] && maxgone=$((SECONDS - td))
	else
		gone_fail=$((gone_fail + 1))
		diag "round $i: namespace $ns not torn down after 120 s"
	fi
	[ $((i % 10)) = 0 ] || [ "$iters" -lt 10 ] &&
		diag "round $i/$iters: $pk packets forwarded, torn down in $((SECONDS - td)) s, $((SECONDS - t0)) s so far"
done
sent=$(pg_sent)
pg_stop

diag "$iters rounds in $((SECONDS - t0)) s; pktgen sent $sent packets, the" \
	"directors forwarded $fwd_total; slowest teardown $maxgone s"
check_eq "every director namespace was configured" "$cfg_fail" 0
check_eq "every director namespace forwarded the flood before its deletion" "$fwd_fail" 0
check_eq "every deleted director namespace was torn down" "$gone_fail" 0
check "drlb unloads afterwards (no namespace state left)" rmmod drlb
