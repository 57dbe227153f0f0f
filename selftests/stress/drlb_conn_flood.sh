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
# apart), the flows beyond the bound are forwarded without an entry by the
# flood's mh service (counted as stateless; a consistent-hash service is
# never taken down by a full table) and none is dropped as table-full,
# every datagram of the established flows is still
# forwarded and received, the kernel's slab memory grows by no more than
# the bound allows; and when the flood's service is deleted (which purges
# its flows; timeout-udp is 900 so that nothing expires during the flood,
# however slow the VM) the table empties down to the established flows and
# new flows get entries again.
#
# A watched datagram can also be lost before the director: veth hands every
# packet to the receiving CPU's input backlog, and when a vCPU stalls under
# TCG pktgen catches up in a burst that can overflow it. The test raises
# netdev_max_backlog, counts the watched datagrams arriving on the
# director's d0, and accounts for every one: none lost at the director,
# and those lost before or after it no more than the kernel's counted
# input-backlog and receive-buffer drops.
#
# The flood is the expensive part, and every case is about the same one:
# it runs once, before the cases (flood_run), and the cases check what it
# did. Cases:
#   table_bound           the table stayed at conn-max, the rest forwarded
#                         without entries, slab memory bounded
#   established_unharmed  the established flows lost nothing at the
#                         director, and nothing uncounted elsewhere
#   recovery              deleting the flood's service purges its flows,
#                         new flows get entries again, drlb unloads
#
# FLOOD_RATE sets pktgen's rate in packets/s (default 2000).
# timeout=900

source "$(dirname "$0")/../lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/stress.sh"

ALL_TESTS="
	table_bound
	established_unharmed
	recovery
"

conn_max=20000
flood=$((conn_max * 5 / 2))
rate=${FLOOD_RATE:-2000}
stress_setup 2

# flood_run: the flood, with the established flows running, and what the
# cases check: sent maxc maxsobj sobj0 slab0 maxslab entry full drops,
# and for the established flows ssent sarr sfwd sgot bl rb.
flood_run()
{
	local t0 s o merged=0

	drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
	defer drlb_unload
	# The watched service and the flood's, conn-max and timeout-udp, in
	# one configuration.
	watched_service 5000 "config set conn-max $conn_max timeout-udp 900" \
		"service add udp $VIP:9 sched mh" \
		"server add udp $VIP:9 ${RS_IP[1]}" \
		"server add udp $VIP:9 ${RS_IP[2]}"
	dir_conns
	entry=$CONN_ENTRY_SIZE
	warm_neigh 1 2
	raise_backlog 10000
	dir_arrivals_start 5000 ||
		{ tap_fail "an ingress counter on the director's d0"; exit "$ksft_fail"; }
	bl0=$(backlog_drops)
	seq_send_start 5000 8 100
	poll 60 conns_test -ge 8

	sync
	slab0=$(meminfo_kb Slab)
	sobj0=$(slab_objs drlb_conn)
	[ "$sobj0" != merged ] || merged=1
	pg_setup 9 10.1.0.1 10.1.255.254 1024 65535 $((1000000000 / rate)) "$flood" ||
		skip_all "pktgen not available"
	pg_start
	t0=$SECONDS
	maxc=0 maxslab=$slab0 maxsobj=0
	# A sample a second: drlb's count (one drlbctl), Slab and the
	# drlb_conn slab's objects (read by the shell).
	while kill -0 "$PG_PID" 2>/dev/null; do
		dir_conns
		[ "${CONNS:-0}" -gt "$maxc" ] && maxc=$CONNS
		meminfo_kb Slab >/dev/null
		s=$MEMINFO_KB
		[ "$s" -gt "$maxslab" ] && maxslab=$s
		if [ $merged = 0 ] && read -r o _ < /sys/kernel/slab/drlb_conn/objects; then
			[ "${o:-0}" -gt "$maxsobj" ] && maxsobj=$o
		fi
		stress_sleep 1
		[ $((SECONDS - t0)) -lt 600 ] || { diag "flood still running after 600 s"; break; }
	done
	flood_s=$((SECONDS - t0))
	sent=$(pg_sent)
	pg_stop
	dir_stats
	full=${DSTAT[drop-table-full]:-0}
	stateless=${DSTAT[stateless]:-0}
	drops=$(dir_drops)
	seq_stop 1 2
	rb=$SEQ_RCVBUF
	bl=$(( $(backlog_drops) - bl0 ))
	sarr=$(dir_arrivals)
	ssent=$(seq_sent)
	sgot=$(seq_received 1 2)
	sfwd=$(sctl -j -s service show udp "$VIP:5000" | jq '.services[0].stats.pkts')

	diag "flood: $sent new flows in $flood_s s; table peak $maxc of $conn_max entries ($entry bytes each)," \
		"drlb_conn slab peak ${maxsobj} objects (before: $sobj0), Slab $slab0 -> peak $maxslab kB"
	diag "drops by reason: $drops"
	diag "established flows: $ssent sent, $sarr arrived at the director, $sfwd forwarded, $sgot received;" \
		"input backlog drops in the VM: $bl, receive-buffer drops on rs1/rs2: $rb"
}

table_bound()
{
	local foot allow

	check "the flood sent 2.5x conn-max new flows ($sent)" test "${sent:-0}" -ge "$flood"
	check "the table never exceeded conn-max (peak $maxc)" test "$maxc" -le "$conn_max"
	check "the table filled up (peak $maxc)" test "$maxc" -ge $((conn_max * 9 / 10))
	if [ "$sobj0" != merged ]; then
		# Entries not yet freed (RCU) may add a little.
		check "drlb_conn slab objects stayed bounded (peak $maxsobj)" \
			test "$maxsobj" -le $((conn_max + conn_max / 10))
	fi
	# Allowance: the entries themselves, twice over, plus 16 MB for skbs
	# in flight and the receivers. An entry costs what its slab slot
	# takes (with KASAN's redzones on the debug kernel, not less than its
	# 64 bytes), plus kmemleak's object that tracks each allocation when
	# kmemleak runs.
	foot=$(slab_footprint drlb_conn)
	[ "$foot" -ge "$entry" ] || foot=$entry
	[ -d /sys/kernel/slab/kmemleak_object ] && foot=$((foot + $(slab_footprint kmemleak_object)))
	allow=$(( conn_max * foot * 2 / 1024 + 16384 ))
	check "slab memory grew by less than the bound allows ($((maxslab - slab0)) kB, allowance $allow kB: $foot bytes an entry)" \
		test $((maxslab - slab0)) -le "$allow"
	check "flows beyond the bound were forwarded without an entry (stateless $stateless)" \
		test "${stateless:-0}" -ge $(( (sent - conn_max) * 9 / 10 ))
	check_eq "none was dropped as table-full (an mh service)" "${full:-0}" 0
}

established_unharmed()
{
	local lost_before=$((ssent - sarr)) lost_after=$((sfwd - sgot))

	check_eq "the established flows lost nothing at the director" "$sfwd" "$sarr"
	check "their losses elsewhere ($lost_before before the director, $lost_after after it) were the kernel's counted drops (input backlog $bl, receive buffers $rb)" \
		test "$lost_before" -ge 0 -a "$lost_after" -ge 0 -a $((lost_before + lost_after)) -le $((bl + rb))
}

recovery()
{
	local full0 st0

	# Deleting the flood's service purges its flows.
	check "the flood's service is deleted" sctl service del udp "$VIP:9"
	check "its flows are purged" poll 60 conns_test -le 8
	diag "Slab after the purge: $(meminfo_kb Slab) kB (before the flood $slab0 kB, peak $maxslab kB)"
	sctl service add udp "$VIP:9" sched mh &&
		sctl server add udp "$VIP:9" "${RS_IP[1]}" >/dev/null
	full0=$(dir_stat table_full)
	st0=$(dir_stat stateless)
	pg_setup 9 10.2.0.1 10.2.0.100 1024 1100 1000000 2000
	pg_start
	wait "$PG_PID"
	pg_stop
	check_eq "new flows are accepted again (no table-full drop)" "$(dir_stat table_full)" "$full0"
	check_eq "and get entries again (none forwarded without one)" "$(dir_stat stateless)" "$st0"
	check "flush and unload" flush_unload
}

flush_unload()
{
	sctl flush && rmmod drlb
}

flood_run
tests_run
