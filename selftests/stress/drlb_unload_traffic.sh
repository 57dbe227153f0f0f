#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module unload under load: pktgen floods UDP through the VIP (1000 flows,
# paced), drlbctl loops over "conn show" and "service show -s", and
# drlb_slowdump.py keeps a connection dump open (reading it slowly) while
# drlb is loaded, configured, forwarding - and unloaded, N times in a row.
#
# What must hold each round: drlb forwarded the flood before the unload
# (its counters moved), rmmod succeeds (it is refused with EBUSY only while
# a dump holds the module; the readers are then stopped - the slow one
# closes its socket mid-dump - and rmmod retried), and afterwards the
# module is gone. Over the whole run: the real servers saw the traffic, the dmesg
# gate stays clean (kmem_cache_destroy complains about a leaked entry, the
# debug kernel about any use after free, leak or lock misuse).
#
# Cases: unload_under_load (the rounds).
# STRESS_ITERS sets the rounds (default 50, 10 on the debug kernel).
# timeout=1800

source "$(dirname "$0")/../lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/stress.sh"

ALL_TESTS="
	unload_under_load
"

iters=$(stress_iters 50 10)
stress_setup 2
drlb_unload
drlb_deps || { tap_fail "drlb's dependencies load"; exit "$ksft_fail"; }

# dumper: drlbctl dumps in a loop until dump.stop exists.
dumper()
{
	while [ ! -e "$WORK/dump.stop" ]; do
		sctl conn show >/dev/null 2>&1
		sctl -s service show >/dev/null 2>&1
		stress_sleep 0.1
	done
}

# unload_round I: one round; counts into the caller's fwd_fail, rmmod_fail,
# ebusy, busy_rounds, maxconns, fwd_total.
unload_round()
{
	local i=$1 ts tf tu ok b0 out dpid spid pk c

	ts=$SECONDS
	rm -f "$WORK/dump.stop" "$WORK/in-dump"
	# The slow reader first: a Python start is the longest part of a
	# round under TCG. Until the module is there it finds no drlb family
	# and tries again every 50 ms.
	nsenter --net="/run/netns/$NS_DIR" "$PY" -S "$TOP/selftests/helpers/drlb_slowdump.py" \
		--stop "$WORK/dump.stop" --pause 0.2 --mark "$WORK/in-dump" \
		>> "$WORK/slowdump.log" 2>&1 &
	spid=$!
	if ! insmod "$DRLB_KO"; then
		rmmod_fail=$((rmmod_fail + 1))
		touch "$WORK/dump.stop"
		wait "$spid"
		return
	fi
	sctl restore - <<-EOF || diag "round $i: configuration failed"
	service add udp $VIP:9 sched rr
	server add udp $VIP:9 ${RS_IP[1]}
	server add udp $VIP:9 ${RS_IP[2]}
	EOF
	dumper &
	dpid=$!
	# Forwarding has started once a few hundred packets went through.
	if ! poll 60 stat_test pkts -ge 100; then
		fwd_fail=$((fwd_fail + 1))
		diag "round $i: no forwarding seen: $(sctl -j stats | tr -d '\n ')"
	fi
	tf=$SECONDS
	pk=${DSTAT[pkts]:-0}
	fwd_total=$((fwd_total + pk))
	# Unload with the flood running, drlbctl dumping and a slow dump
	# open; a dump in progress holds the module (EBUSY): the readers are
	# stopped then, and rmmod retried until it succeeds. With 500 flows
	# or more a dump has a dozen parts or more (seconds at the slow
	# dumper's pace), so rmmod finds one open.
	poll 30 conns_test -ge 500 || diag "round $i: fewer than 500 flows: ${CONNS:-?}"
	c=${CONNS:-0}
	[ "$c" -gt "$maxconns" ] && maxconns=$c
	poll 30 test -e "$WORK/in-dump" || diag "round $i: no dump open at unload time"
	tu=$SECONDS
	ok=0
	b0=$ebusy
	for _ in $(seq 600); do
		if out=$(rmmod drlb 2>&1); then
			ok=1
			break
		fi
		case "$out" in
		# kmod says "in use" when it saw the reference count itself,
		# EAGAIN (delete_module with O_NONBLOCK) when the kernel did.
		# Refused: the readers are told to let go (the slow one closes
		# its socket mid-dump, which ends the dump and drops its hold).
		*"in use"*|*busy*|*Busy*|*"temporarily unavailable"*)
			ebusy=$((ebusy + 1))
			touch "$WORK/dump.stop" ;;
		*)	diag "round $i: rmmod: $out" ;;
		esac
		stress_sleep 0.05
	done
	[ "$ebusy" = "$b0" ] || busy_rounds=$((busy_rounds + 1))
	[ $ok = 1 ] || { rmmod_fail=$((rmmod_fail + 1)); diag "round $i: rmmod never succeeded"; }
	touch "$WORK/dump.stop"
	wait "$dpid" "$spid"
	[ "$iters" -ge 10 ] || diag "round $i: set up and forwarding after $((tf - ts)) s, unload after $((tu - tf)) s, unloaded after $((SECONDS - tu)) s"
	if [ $((i % 10)) = 0 ] || [ "$iters" -lt 10 ]; then
		diag "round $i/$iters: $pk packets forwarded, $c flows, $((SECONDS - t0)) s"
	fi
}

unload_under_load()
{
	local fwd_fail=0 rmmod_fail=0 ebusy=0 busy_rounds=0 maxconns=0 fwd_total=0
	local t0 i rx0 rx sent slow

	# The module comes and goes in the rounds; loaded or not before, it
	# is gone when this case ends.
	drlb_unload
	defer drlb_unload
	# 1000 flows from one client address at 1 kpps: enough to keep
	# packets in flight through every unload, little enough that TCG
	# keeps up (pktgen sleeps between packets instead of spinning).
	pg_setup 9 "$CLIENT_IP" "$CLIENT_IP" 10000 10999 1000000 ||
		skip_all "pktgen not available"
	pg_start
	rx0=$(rs_rx 1)
	: > "$WORK/slowdump.log"

	t0=$SECONDS
	for i in $(seq "$iters"); do
		unload_round "$i"
	done
	sent=$(pg_sent)
	pg_stop
	rx=$(($(rs_rx 1) - rx0))

	slow=$(awk '{ d += $2; p += $4 } END { printf "%d dumps in %d parts", d, p }' "$WORK/slowdump.log")
	diag "$iters rounds in $((SECONDS - t0)) s; pktgen sent $sent packets," \
		"drlb forwarded $fwd_total before the unloads, up to $maxconns flows;" \
		"rmmod refused $ebusy times while a dump held the module; slow dumper: $slow"
	check_eq "drlb forwarded the flood before each of $iters unloads" "$fwd_fail" 0
	check_eq "rmmod succeeded in every round (with traffic and dumps running)" "$rmmod_fail" 0
	check "the module is gone at the end" test ! -d /sys/module/drlb
	# The slow dump is open when rmmod starts, but a slow VM may let it
	# end first; most rounds must see it.
	check "rmmod met a dump in progress and waited for it ($busy_rounds of $iters rounds)" \
		test "$busy_rounds" -ge $(( (iters + 1) / 2 ))
	check "real server 1 received the traffic ($rx packets)" test "$rx" -gt 0
	check "the flow table was in use at unload time (up to $maxconns flows)" \
		test "$maxconns" -gt 100
}

tests_run
