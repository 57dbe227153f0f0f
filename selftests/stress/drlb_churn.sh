#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configuration churn under traffic (the model is the kernel's
# nft_trans_stress.sh): drlb_churn adds, changes and deletes services on
# VIP ports 6000-6049 and their real servers (rs3 and ten addresses nobody
# answers for) thousands of times, with pktgen sending into that port range
# all along, while a long-lived service, udp VIP:5000 on rs1 and rs2, is
# never touched and carries 8 sequence-numbered flows (drlb_seq.py).
#
# What must hold: the churn sees no error but the expected EEXIST/ENOENT;
# the watched flows lose nothing at the director - it forwarded every
# watched datagram that reached its d0 (an nft ingress counter, before
# drlb's hook) - and nothing elsewhere but what the kernel counted as
# dropped: as in drlb_conn_flood.sh, when TCG stalls the vCPU pktgen
# catches up in a burst that can overflow the input backlog every veth
# hop goes through (raised for the test), and a receiver's socket can
# overflow; with no such drops, the two servers received every datagram
# sent. Afterwards only the watched service is left, a flush empties the
# flow table and the module unloads (the dmesg gate and, on the debug
# kernel, kmemleak watch for the rest).
#
# Cases: churn_under_traffic (the churn, the watched flows, then flush and
# unload).
# CHURN_SECS sets the churn's duration (default 20 s a round: 60 s at
# make check's 3 rounds, 20 s at CI's one).
# timeout=900

source "$(dirname "$0")/../lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/stress.sh"

ALL_TESTS="
	churn_under_traffic
"

secs=${CHURN_SECS:-$((20 * $(stress_iters 3 2)))}
stress_setup 3
[ -x "$TOP/selftests/helpers/drlb_churn" ] || skip_all "drlb_churn not built (make -C selftests)"

churn_under_traffic()
{
	local rips rc line sent got rcvbuf fwd drops nserv per_rs arr bl bl0 before after

	stress_load
	watched_service 5000
	raise_backlog 10000
	dir_arrivals_start 5000 ||
		{ tap_fail "an ingress counter on the director's d0"; exit "$ksft_fail"; }
	bl0=$(backlog_drops)
	# Traffic into the churned range: every new flow meets whatever
	# service (or none) is there at that moment.
	pg_setup 6000-6049 "$CLIENT_IP" "$CLIENT_IP" 20000 29999 2000000 ||
		skip_all "pktgen not available"
	pg_start

	warm_neigh 1 2
	seq_send_start 5000 8 200
	# Every flow pinned before the churn starts.
	poll 60 stat_test conns -ge 8

	rips="${RS_IP[3]}$(printf ',10.0.0.%d' {50..59})"
	nse "$NS_DIR" "$TOP/selftests/helpers/drlb_churn" -v "$VIP" -p 6000-6049 \
		-r "$rips" -t "$secs" -k udp:5000 > "$WORK/churn.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*)		tap_ok "churn: ${line#ok * - }" ;;
		"not ok "*)	tap_fail "churn: ${line#not ok * - }" ;;
		"#"*)		echo "$line" ;;
		esac
	done < "$WORK/churn.out"
	[ "$rc" = 0 ] || grep -q '^not ok' "$WORK/churn.out" ||
		tap_fail "drlb_churn ran" "exit $rc" "$(tail -n 5 "$WORK/churn.out")"

	seq_stop 1 2
	rcvbuf=$SEQ_RCVBUF
	pg_stop
	bl=$(($(backlog_drops) - bl0))
	arr=$(dir_arrivals)
	sent=$(seq_sent)
	got=$(seq_received 1 2)
	# The watched service's counters and servers, from one dump.
	read -r fwd drops nserv < <(sctl -j -s service show udp "$VIP:5000" |
		jq -r '.services[0] | "\(.stats.pkts) \(.stats.drops | tojson) \(.num_servers)"')
	per_rs="rs1 $(seq_received 1), rs2 $(seq_received 2)"
	diag "watched service: $sent datagrams sent, $arr arrived at the director, director forwarded $fwd" \
		"(drops $drops), received $got ($per_rs); input backlog drops in the VM $bl, receiver socket drops $rcvbuf"
	# Numbers for the sums (a missing service reads null).
	[[ $fwd =~ ^[0-9]+$ ]] || fwd=0
	[[ $arr =~ ^[0-9]+$ ]] || arr=0
	before=$((sent - arr)) after=$((fwd - got))

	check "the watched flows were busy (${sent:-0} datagrams)" test "${sent:-0}" -gt $((secs * 20))
	check_eq "the director forwarded every watched datagram that reached it" "$fwd" "$arr"
	check "the untouched servers received every watched datagram but the kernel's counted drops ($before lost before the director, $after after it; input backlog $bl, receive buffers $rcvbuf)" \
		test "$before" -ge 0 -a "$after" -ge 0 -a $((before + after)) -le $((bl + rcvbuf))
	check_eq "the watched service still has its two servers" "$nserv" 2
	check "flush" sctl flush
	check "the flow table empties" poll 30 conns_test -eq 0
	check "drlb unloads" rmmod drlb
}

tests_run
