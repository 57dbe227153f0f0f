#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Neighbour churn under traffic: 8 sequence-numbered UDP flows (drlb_seq.py)
# go through udp VIP:5000 to rs1 and rs2 while, round after round, the
# director's view of the real servers' MACs is disturbed:
#
#   garp    a real server changes its MAC and announces it (arping -U):
#           the director's neighbour entry is updated in place
#   silent  a real server changes its MAC without a word: the director
#           finds out when its entry goes stale and is probed again
#   flush   every neighbour entry on the director is flushed (the cached
#           entries die, drlb must look them up again)
#   flap    the director's LAN device goes down and up (drlb drops its
#           cached device and neighbour references)
#
# After each disturbance the affected server must receive the flow again,
# drlb's dest must show the server's current MAC, and at the end every
# datagram sent is either received or one of the few lost in a window
# whose loss is expected (reported, with the director's drop counters).
# The debug kernel watches the reference counting of devices and
# neighbours (ref_tracker, KASAN) meanwhile.
#
# STRESS_ITERS sets the rounds (default 24, 8 on the debug kernel).
# timeout=1200

source "$(dirname "$0")/../lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/stress.sh"

iters=$(stress_iters 24 8)
stress_setup 2
drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
command -v arping >/dev/null || skip_all "arping missing"

# Short neighbour lifetimes on the director, so silent changes are found
# in seconds rather than a minute.
nsx "$NS_DIR" sysctl -qw net.ipv4.neigh.d0.base_reachable_time_ms=2000
nsx "$NS_DIR" sysctl -qw net.ipv4.neigh.d0.delay_first_probe_time=1

watched_service 5000
warm_neigh 1 2
seq_send_start 5000 8 100
slowwait 60 sh -c "[ \$(ip netns exec $NS_DIR $DRLBCTL -j config show | jq .conn_count) -ge 8 ]"

# dest_mac I: the MAC drlb has for real server I.
dest_mac()
{
	ctl -j server show udp "$VIP:5000" |
		jq -r --arg a "${RS_IP[$1]}" '.servers[] | select(.address == $a) | .mac'
}

# rx_moved I R0: real server I received 20 packets since its counter was R0.
rx_moved()
{
	[ $(( $(topo_if_counter "${NS_RS[$1]}" e0 rx packets) - $2 )) -ge 20 ]
}

# receives I: real server I's receive counter moves by 20 packets.
receives()
{
	slowwait 60 rx_moved "$1" "$(topo_if_counter "${NS_RS[$1]}" e0 rx packets)"
}

# mac_is I MAC: drlb has MAC for real server I.
mac_is()
{
	[ "$(dest_mac "$1")" = "$2" ]
}

declare -A worst=() fails=()
recover_fail=0 mac_fail=0
for i in $(seq "$iters"); do
	rs=$(( (i + 1) / 4 % 2 + 1 ))
	ns=${NS_RS[rs]}
	kind=$(echo garp silent flush flap | cut -d' ' -f$(( (i - 1) % 4 + 1 )))
	mac=$(printf '02:00:0a:00:%02x:%02x' $((0x20 + rs)) "$i")
	t=$SECONDS
	case $kind in
	garp)
		ip -n "$ns" link set e0 address "$mac"
		nsx "$ns" arping -q -U -c 2 -I e0 "${RS_IP[rs]}"
		;;
	silent)
		ip -n "$ns" link set e0 address "$mac"
		;;
	flush)
		ip -n "$NS_DIR" neigh flush dev d0
		;;
	flap)
		ip -n "$NS_DIR" link set d0 down
		sleep 1
		ip -n "$NS_DIR" link set d0 up
		;;
	esac
	want=$(ip -n "$ns" link show e0 | sed -n 's/.*ether \([^ ]*\).*/\1/p')
	if ! receives "$rs"; then
		recover_fail=$((recover_fail + 1))
		fails[$kind]=$(( ${fails[$kind]:-0} + 1 ))
		diag "round $i ($kind, rs$rs): no traffic to rs$rs after 60 s; drlb has MAC $(dest_mac "$rs"), rs$rs has $want"
	fi
	d=$((SECONDS - t))
	[ "$d" -gt "${worst[$kind]:-0}" ] && worst[$kind]=$d
	if ! slowwait 30 mac_is "$rs" "$want"; then
		mac_fail=$((mac_fail + 1))
		diag "round $i ($kind): drlb shows MAC $(dest_mac "$rs") for rs$rs, which has $want"
	fi
done

seq_stop 1 2
sent=$(seq_sent)
got=$(seq_received 1 2)
drops=$(ctl -j stats | jq -c .drops)
diag "$iters rounds; recovery worst case (s): garp ${worst[garp]:-?}, silent ${worst[silent]:-?}, flush ${worst[flush]:-?}, flap ${worst[flap]:-?}"
diag "$sent datagrams sent, $got received ($((sent - got)) lost in the disturbances); director drops $drops"

check_eq "traffic reached the server again after every disturbance" "$recover_fail" 0
check_eq "drlb always ended up with the server's current MAC" "$mac_fail" 0
# Losses come only from the windows between a change and its discovery:
# with 100 datagrams/s, bounded by a few seconds' worth per round.
check "losses stay within the disturbance windows ($((sent - got)) of $sent)" \
	test $((sent - got)) -le $((iters * 300))
check "received most datagrams ($got of $sent)" test "$got" -ge $((sent / 2))
check "flush and unload" sh -c "ip netns exec $NS_DIR $DRLBCTL flush && rmmod drlb"
