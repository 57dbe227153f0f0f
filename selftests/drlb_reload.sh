#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reloads (drlbctl restore, which systemctl reload drlb runs) change only
# what differs, under traffic:
#
#   reload_under_traffic
#      8 watched UDP flows on a service no reload touches while 20 reloads
#      add, change and remove other services and servers: no datagram
#      lost, each flow on one server, the service's counters monotonic.
#   reload_changes_sched_in_place
#      reloads that change the watched service's scheduler (and back) keep
#      its flows on their servers, with no datagram lost.
#   reload_check
#      restore --check prints the steps a reload would take, as drlbctl
#      command lines, and changes nothing; an unchanged file: no step.
#   reload_keeps_arp_rules
#      a real server with default ARP sysctls, its suppression only a
#      drlb rule: 20 reloads changing its other rules, the router asking
#      for the VIP all along: no answer from the real server at any moment.
#
# RELOAD_FLUSH=1 empties the configuration before every reload (the old
# restore: flush, then replay the file), to see these checks fail.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	reload_under_traffic
	reload_changes_sched_in_place
	reload_check
	reload_keeps_arp_rules
"

dir_setup 3

RELOADS=${RELOADS:-20}

# reload FILE: drlbctl restore FILE on the director (RELOAD_FLUSH: the old
# way); diag on failure.
reload()
{
	local err

	[ "${RELOAD_FLUSH:-0}" = 1 ] && ctl flush all
	err=$(ctl restore "$1" 2>&1) || { diag "restore $1: $err"; return 1; }
}

# watched_lines [SCHED]: the watched service, udp:53 with every server.
watched_lines()
{
	echo "service add udp $VIP:53 sched ${1:-rr}"
	rs_lines udp "$VIP:53"
}

# other_lines I: the rest of reload I's file: services and servers that
# come, go and change from one reload to the next.
other_lines()
{
	local i=$1

	echo "service add tcp $VIP:80 sched $( ((i % 2)) && echo rr || echo wlc)"
	echo "server add tcp $VIP:80 ${RS_IP[1]} weight $((i + 1))"
	((i % 3)) && echo "server add tcp $VIP:80 ${RS_IP[2]}"
	((i % 2)) && echo "service add udp $VIP:54 sched sh" &&
		echo "server add udp $VIP:54 ${RS_IP[$((i % 3 + 1))]}"
	echo "service add tcp $VIP:$((8000 + i % 4)) sched mh"
	echo "server add tcp $VIP:$((8000 + i % 4)) ${RS_IP[3]}"
}

# watch_start N: N watched flows to udp:53, datagrams every 50 ms, until
# watch_stop; waits until each was answered once.
watch_start()
{
	local fifo=$WORK/watch.in

	rm -f "$fifo" "$WORK/watch.out"
	mkfifo "$fifo"
	exec {WATCH_FD}<>"$fifo"
	# Not holding the write end itself, the client sees EOF at watch_stop.
	nsenter --net="/run/netns/$NS_CLIENT" \
		"$PY" -S "$HERE/drlb_client.py" watch "$VIP" 53 --count "$1" \
		--sport 41000 --interval 50 --timeout 3 \
		< "$fifo" > "$WORK/watch.out" 2>&1 {WATCH_FD}>&- &
	WATCH_PID=$!
	defer kill "$WATCH_PID"
	slowwait 60 has_line "$WORK/watch.out" ready
}

# watch_stop N WHAT: end the flows; checks: no datagram lost, each of the
# N flows on one server.
watch_stop()
{
	local n=$1 what=$2 sport sent got names total lost=0 moved=0 flows=0

	exec {WATCH_FD}>&-
	wait "$WATCH_PID"
	while read -r sport _ sent _ got names; do
		[[ $sport =~ ^[0-9]+$ ]] || continue
		flows=$((flows + 1))
		lost=$((lost + sent - got))
		[[ $names == *,* ]] && moved=$((moved + 1))
	done < "$WORK/watch.out"
	total=$(grep '^total' "$WORK/watch.out")
	diag "$what: $total (${flows} flows)"
	check_eq "$what: all $n flows reported" "$flows" "$n"
	check_eq "$what: no datagram lost ($total)" "$lost" 0
	check_eq "$what: every flow stayed on one server" "$moved" 0
}

# svc_counters: "CONNS PKTS" of the watched service.
svc_counters()
{
	local line

	line=$(ctl -j -s service show udp "$VIP:53" | tr -d ' \n')
	[[ $line =~ \"stats\":\{\"conns\":([0-9]+),\"pkts\":([0-9]+) ]] &&
		echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}

reload_under_traffic()
{
	local i c p c0=0 p0=0 bad=0 failed=0

	dir_config < <(watched_lines; other_lines 0)
	watch_start 8
	for ((i = 1; i <= RELOADS; i++)); do
		{ watched_lines; other_lines "$i"; } > "$WORK/reload.conf"
		reload "$WORK/reload.conf" || failed=$((failed + 1))
		read -r c p <<< "$(svc_counters)"
		if [ -z "$p" ] || [ "$c" -lt "$c0" ] || [ "$p" -lt "$p0" ]; then
			diag "reload $i: counters $c0 $p0 -> $c $p"
			bad=$((bad + 1))
		fi
		c0=${c:-0}
		p0=${p:-0}
	done
	check_eq "$RELOADS reloads applied" "$failed" 0
	check_eq "the watched service's counters never went back" "$bad" 0
	check_match "the last reload's changes are there" "$(ctl save)" \
		"server add tcp $VIP:80 ${RS_IP[1]} weight $((RELOADS + 1))"
	watch_stop 8 "$RELOADS reloads of other services"
}

reload_changes_sched_in_place()
{
	local i s

	dir_config < <(watched_lines rr; other_lines 0)
	watch_start 8
	for ((i = 1; i <= 6; i++)); do
		s=$( ((i % 2)) && echo wlc || echo rr)
		{ watched_lines "$s"; other_lines 0; } > "$WORK/reload.conf"
		check "reload $i: the watched service's scheduler -> $s" \
			reload "$WORK/reload.conf"
	done
	check_match "the scheduler changed (rr again after 6)" \
		"$(ctl service show udp "$VIP:53")" "^udp +$VIP:53 +rr"
	watch_stop 8 "6 scheduler changes"
}

reload_check()
{
	local before out

	dir_config < <(watched_lines; other_lines 0)
	before=$(ctl save)
	ctl save > "$WORK/same.conf"
	check_eq "--check of the running configuration: no step" \
		"$(ctl restore --check "$WORK/same.conf")" ""
	{ watched_lines wlc; other_lines 1; echo "arp add 10.0.0.201"; } \
		> "$WORK/next.conf"
	out=$(ctl restore --check "$WORK/next.conf")
	check_match "--check: the scheduler change" "$out" \
		"^service change udp $VIP:53 sched wlc$"
	check_match "--check: a weight change" "$out" \
		"^server change tcp $VIP:80 ${RS_IP[1]} weight 2$"
	check_match "--check: a service gone" "$out" \
		"^service del tcp $VIP:8000$"
	check_match "--check: a service added, then its server" "$out" \
		"^service add udp $VIP:54 sched sh expire-nodest yes midstream no"$'\n'"server add udp $VIP:54 ${RS_IP[2]} weight 1"
	check_match "--check: an ARP rule added" "$out" \
		"^arp add 10.0.0.201 packet-sockets no$"
	check_eq "--check changed nothing" "$(ctl save)" "$before"
	check "restore applies it" ctl restore "$WORK/next.conf"
	check_eq "... and then --check finds no step" \
		"$(ctl restore --check "$WORK/next.conf")" ""
	ctl flush all
}

# rs1_sysctls IGNORE ANNOUNCE: rs1's arp_ignore and arp_announce (all, e0):
# 0 0 are the kernel's defaults, with which only a drlb rule keeps it
# from answering for the VIP; 1 2 what topo.sh sets.
rs1_sysctls()
{
	# shellcheck disable=SC2016 # a script for the namespace's sh
	nse "${NS_RS[1]}" sh -c 'for k in all e0; do
		sysctl -qw net.ipv4.conf.$k.arp_ignore=$1 net.ipv4.conf.$k.arp_announce=$2
	done' sh "$1" "$2"
}

# router_arp N: N ARP requests for the VIP from the router, 50 ms apart;
# prints the MAC of each answer.
router_arp()
{
	nse "$NS_ROUTER" arping -c "$1" -W 0.05 -i r1 "$VIP" 2>/dev/null |
		sed -n 's/^[0-9]* bytes from \([0-9a-f:]*\) .*/\1/p'
}

reload_keeps_arp_rules()
{
	local i pid failed=0 macs n_rs n_dir

	command -v arping > /dev/null || { tap_skip "ARP across reloads" "needs arping"; return; }
	rs1_sysctls 0 0
	defer rs1_sysctls 1 2
	defer ip -n "$NS_ROUTER" neigh flush dev r1
	macs=$(router_arp 2)
	check_match "the failure first: with no rule rs1 answers for the VIP" \
		"$macs" "${RS_MAC[1]}"
	defer nse "${NS_RS[1]}" "$DRLBCTL" flush all
	echo "arp add $VIP" | nse "${NS_RS[1]}" "$DRLBCTL" restore -
	router_arp 400 > "$WORK/arp.macs" &
	pid=$!
	for ((i = 1; i <= RELOADS; i++)); do
		{
			echo "arp add $VIP"
			((i % 2)) && echo "arp add 10.0.0.$((200 + i))"
			((i % 3)) && echo "arp add $VIP dev e0"
			((i % 4)) && echo "arp add 10.0.0.199 packet-sockets $( ((i % 8 < 4)) && echo yes || echo no)"
		} > "$WORK/rs.conf"
		[ "${RELOAD_FLUSH:-0}" = 1 ] && nse "${NS_RS[1]}" "$DRLBCTL" flush all
		nse "${NS_RS[1]}" "$DRLBCTL" restore "$WORK/rs.conf" ||
			failed=$((failed + 1))
	done
	wait "$pid"
	n_rs=$(grep -c "${RS_MAC[1]}" "$WORK/arp.macs")
	n_dir=$(grep -c "$DIR_MAC" "$WORK/arp.macs")
	diag "router: $n_dir answers from the director, $n_rs from rs1"
	check_eq "$RELOADS reloads of rs1's rules applied" "$failed" 0
	check "the director kept answering ($n_dir answers)" test "$n_dir" -gt 0
	check_eq "rs1 never answered for the VIP across the reloads" "$n_rs" 0
}

tests_run
