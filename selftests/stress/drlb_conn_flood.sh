#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection-table flood: conn-max is 20000 and pktgen sends 2.5 times as
# many new flows (random client addresses in 10.1.0.0/16, random ports) to
# udp VIP:9, while 8 established, sequence-numbered flows (drlb_seq.py) go
# to udp VIP:5000 on rs1 and rs2.
#
# What must hold: the table never holds more than conn-max entries (drlb's
# count, sampled every second, and the drlb_conn slab when SLUB keeps it
# apart), the flows beyond the bound are dropped and counted as
# drop-table-full, every datagram of the established flows is still
# forwarded and received, the kernel's slab memory grows by no more than
# the bound allows; and when the flood's service is deleted (which purges
# its flows; timeout-udp is 900 so that nothing expires during the flood,
# however slow the VM) the table empties down to the established flows and
# new flows are accepted again.
#
# A watched datagram can also be lost before the director: veth hands every
# packet to the receiving CPU's input backlog, and when a vCPU stalls under
# TCG pktgen catches up in a burst that can overflow it. The test raises
# netdev_max_backlog, counts the watched datagrams arriving on the
# director's d0, and accounts for every one: none lost at the director,
# and those lost before or after it no more than the kernel's counted
# input-backlog and receive-buffer drops.
#
# FLOOD_RATE sets pktgen's rate in packets/s (default 2000).
# timeout=900

source "$(dirname "$0")/../lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/stress.sh"

conn_max=20000
flood=$((conn_max * 5 / 2))
rate=${FLOOD_RATE:-2000}
stress_setup 2
drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }

ctl config set conn-max "$conn_max" timeout-udp 900 ||
	{ tap_fail "conn-max set"; exit "$ksft_fail"; }
watched_service 5000
ctl service add udp "$VIP:9" sched mh &&
	ctl server add udp "$VIP:9" "${RS_IP[1]}" &&
	ctl server add udp "$VIP:9" "${RS_IP[2]}" ||
	{ tap_fail "the flood's service is set up"; exit "$ksft_fail"; }
entry=$(ctl -j config show | jq .conn_entry_size)
warm_neigh 1 2
raise_backlog 10000
dir_arrivals_start 5000 ||
	{ tap_fail "an ingress counter on the director's d0"; exit "$ksft_fail"; }
bl0=$(backlog_drops)
seq_send_start 5000 8 100
slowwait 60 sh -c "[ \$(ip netns exec $NS_DIR $DRLBCTL -j config show | jq .conn_count) -ge 8 ]"

sync
slab0=$(meminfo_kb Slab)
sobj0=$(slab_objs drlb_conn)
pg_setup 9 10.1.0.1 10.1.255.254 1024 65535 $((1000000000 / rate)) "$flood" ||
	skip_all "pktgen not available"
pg_start
t0=$SECONDS
maxc=0 maxslab=$slab0 maxsobj=0
while kill -0 "$PG_PID" 2>/dev/null; do
	c=$(conn_count)
	[ "${c:-0}" -gt "$maxc" ] && maxc=$c
	s=$(meminfo_kb Slab)
	[ "$s" -gt "$maxslab" ] && maxslab=$s
	o=$(slab_objs drlb_conn)
	[ "$o" != merged ] && [ "${o:-0}" -gt "$maxsobj" ] && maxsobj=$o
	sleep 1
	[ $((SECONDS - t0)) -lt 600 ] || { diag "flood still running after 600 s"; break; }
done
flood_s=$((SECONDS - t0))
sent=$(pg_sent)
pg_stop
full=$(dir_stat table_full)
drops=$(ctl -j stats | jq -c .drops)
seq_stop 1 2
bl=$(( $(backlog_drops) - bl0 ))
rb=$(( $(udp_rcvbuf_errors "${NS_RS[1]}") + $(udp_rcvbuf_errors "${NS_RS[2]}") ))
sarr=$(dir_arrivals)
ssent=$(seq_sent)
sgot=$(seq_received 1 2)
sfwd=$(ctl -j -s service show udp "$VIP:5000" | jq '.services[0].stats.pkts')

diag "flood: $sent new flows in $flood_s s; table peak $maxc of $conn_max entries ($entry bytes each)," \
	"drlb_conn slab peak ${maxsobj} objects (before: $sobj0), Slab $slab0 -> peak $maxslab kB"
diag "drops by reason: $drops"
diag "established flows: $ssent sent, $sarr arrived at the director, $sfwd forwarded, $sgot received;" \
	"input backlog drops in the VM: $bl, receive-buffer drops on rs1/rs2: $rb"

check "the flood sent 2.5x conn-max new flows ($sent)" test "${sent:-0}" -ge "$flood"
check "the table never exceeded conn-max (peak $maxc)" test "$maxc" -le "$conn_max"
check "the table filled up (peak $maxc)" test "$maxc" -ge $((conn_max * 9 / 10))
if [ "$sobj0" != merged ]; then
	# Entries not yet freed (RCU) may add a little.
	check "drlb_conn slab objects stayed bounded (peak $maxsobj)" \
		test "$maxsobj" -le $((conn_max + conn_max / 10))
fi
# Allowance: the entries themselves, twice over, plus 16 MB for skbs in
# flight and the receivers. An entry costs what its slab slot takes (with
# KASAN's redzones on the debug kernel, not less than its 64 bytes), plus
# kmemleak's object that tracks each allocation when kmemleak runs.
foot=$(slab_footprint drlb_conn)
[ "$foot" -ge "$entry" ] || foot=$entry
[ -d /sys/kernel/slab/kmemleak_object ] && foot=$((foot + $(slab_footprint kmemleak_object)))
allow=$(( conn_max * foot * 2 / 1024 + 16384 ))
check "slab memory grew by less than the bound allows ($((maxslab - slab0)) kB, allowance $allow kB: $foot bytes an entry)" \
	test $((maxslab - slab0)) -le "$allow"
check "flows beyond the bound were dropped as table-full ($full)" \
	test "${full:-0}" -ge $(( (sent - conn_max) * 9 / 10 ))
check_eq "the established flows lost nothing at the director" "$sfwd" "$sarr"
lost_before=$((ssent - sarr)) lost_after=$((sfwd - sgot))
check "their losses elsewhere ($lost_before before the director, $lost_after after it) were the kernel's counted drops (input backlog $bl, receive buffers $rb)" \
	test "$lost_before" -ge 0 -a "$lost_after" -ge 0 -a $((lost_before + lost_after)) -le $((bl + rb))

# Recovery: deleting the flood's service purges its flows.
check "the flood's service is deleted" ctl service del udp "$VIP:9"
check "its flows are purged" \
	slowwait 60 sh -c "[ \$(ip netns exec $NS_DIR $DRLBCTL -j config show | jq .conn_count) -le 8 ]"
sleep 2
diag "Slab after the purge: $(meminfo_kb Slab) kB (before the flood $slab0 kB, peak $maxslab kB)"
ctl service add udp "$VIP:9" sched mh &&
	ctl server add udp "$VIP:9" "${RS_IP[1]}" >/dev/null
full0=$(dir_stat table_full)
pg_setup 9 10.2.0.1 10.2.0.100 1024 1100 1000000 2000
pg_start
wait "$PG_PID"
pg_stop
check_eq "new flows are accepted again (no table-full drop)" "$(dir_stat table_full)" "$full0"
check "flush and unload" sh -c "ip netns exec $NS_DIR $DRLBCTL flush && rmmod drlb"
