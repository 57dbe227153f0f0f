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
# the watched flows lose nothing - the director forwarded every datagram
# sent and the two servers received every one (a receiver's own socket
# drops are reported apart); afterwards only the watched service is left,
# a flush empties the flow table and the module unloads (the dmesg gate
# and, on the debug kernel, kmemleak watch for the rest).
#
# CHURN_SECS sets the churn's duration (default 60).
# timeout=900

source "$(dirname "$0")/../lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/stress.sh"

secs=${CHURN_SECS:-60}
stress_setup 3
drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
[ -x "$TOP/selftests/helpers/drlb_churn" ] || skip_all "drlb_churn not built (make -C selftests)"

watched_service 5000
rcvbuf0=$(( $(udp_rcvbuf_errors "${NS_RS[1]}") + $(udp_rcvbuf_errors "${NS_RS[2]}") ))

# Traffic into the churned range: every new flow meets whatever service
# (or none) is there at that moment.
pg_setup 6000 "$CLIENT_IP" "$CLIENT_IP" 20000 29999 2000000 ||
	skip_all "pktgen not available"
nsx "$NS_CLIENT" sh -c 'echo "udp_dst_max 6049" > /proc/net/pktgen/c0'
nsx "$NS_CLIENT" sh -c 'echo "flag UDPDST_RND" > /proc/net/pktgen/c0'
pg_start

warm_neigh 1 2
seq_send_start 5000 8 200
# Every flow pinned before the churn starts.
slowwait 60 sh -c "[ \$(ip netns exec $NS_DIR $DRLBCTL -j stats | jq .conns) -ge 8 ]"

rips="${RS_IP[3]}$(printf ',10.0.0.%d' $(seq 50 59))"
nsx "$NS_DIR" "$TOP/selftests/helpers/drlb_churn" -v "$VIP" -p 6000-6049 \
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
pg_stop
sent=$(seq_sent)
got=$(seq_received 1 2)
rcvbuf=$(( $(udp_rcvbuf_errors "${NS_RS[1]}") + $(udp_rcvbuf_errors "${NS_RS[2]}") - rcvbuf0 ))
fwd=$(ctl -j -s service show udp "$VIP:5000" | jq '.services[0].stats.pkts')
per_rs="rs1 $(seq_received 1), rs2 $(seq_received 2)"
drops=$(ctl -j -s service show udp "$VIP:5000" | jq -c '.services[0].stats.drops')
diag "watched service: $sent datagrams sent, director forwarded $fwd (drops $drops)," \
	"received $got ($per_rs), receiver socket drops $rcvbuf"

check "the watched flows were busy (${sent:-0} datagrams)" test "${sent:-0}" -gt $((secs * 20))
check_eq "the director forwarded every watched datagram" "$fwd" "$sent"
check_eq "the untouched servers received every watched datagram" "$got" "$sent"
check_eq "the watched service still has its two servers" \
	"$(ctl -j service show udp "$VIP:5000" | jq '.services[0].num_servers')" 2
check "flush" ctl flush
check "the flow table empties" slowwait 30 sh -c "[ \$(ip netns exec $NS_DIR $DRLBCTL -j config show | jq .conn_count) = 0 ]"
check "drlb unloads" rmmod drlb
