#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Maglev (the mh and sh schedulers) at size, through drlbctl.
#
#   mh_slots_exceed_servers
#      A Maglev table must have more slots than its service has real
#      servers (IPVS refuses it too): a server beyond that, a smaller
#      table, or a switch to mh of a service with too many servers is
#      refused with a message naming the numbers (6.1: without them, its
#      extack cannot carry a formatted message), exit status 1, and
#      nothing changes.
#   mh_rebuild_many_services
#      A new mh-seed rebuilds the table of every mh service under the
#      namespace's lock: 1000 of them (200 on the debug kernel) take
#      a second under TCG. The rebuild offers the CPU between services: a
#      task pinned to the same CPU waits a table or so, not the rebuild
#      (at most a quarter of it, or 0.1 s), even with the kernel's
#      preemption model set to "none" (where only an explicit
#      cond_resched() gives way), and no soft lockup or RCU stall is
#      reported. The tables have 16381 slots (32 KiB): kmalloc serves
#      them, which never gives way; a table vmalloc serves (64 KiB and
#      more, e.g. the default 65537 slots) happens to, page by page, so a
#      rebuild of those would pass without cond_resched() too.
#
# No topology: the real servers need not be reachable. One namespace, one
# drlbctl restore per configuration.

source "$(dirname "$0")/lib/lib.sh"
require_root

ALL_TESTS="
	mh_slots_exceed_servers
	mh_rebuild_many_services
"

drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
setup_ns ns
tmp=$(mktemp -d)
defer rm -rf "$tmp"
VIP=10.0.0.100

# d ARGS...: drlbctl in the test's namespace.
d()
{
	nse "$ns" "$DRLBCTL" "$@"
}

# 6.1's extack has no room for a formatted message: the constant one.
fmt=1
case $(uname -r) in
6.1.*) fmt=0 ;;
esac

# servers PROTO VIP:PORT N: "server add" lines for N real servers,
# 10.1.0.1 and up.
servers()
{
	awk -v s="$1 $2" -v n="$3" 'BEGIN { for (i = 0; i < n; i++)
		printf "server add %s 10.1.%d.%d\n", s, i / 250, i % 250 + 1 }'
}

# unchanged: the configuration and settings are as saved in $before.
unchanged()
{
	[ "$(d save)" = "$before" ]
}

# refused DESC WANT ARGS...: drlbctl ARGS exits 1 with one line
# "drlbctl: ...: WANT" (6.1: the constant message), and nothing changed.
refused()
{
	local desc=$1 want=$2 out rc

	shift 2
	[ $fmt = 1 ] ||
		want="the Maglev table size must exceed the number of real servers"
	out=$(d "$@" 2>&1) && rc=0 || rc=$?
	check_match "$desc: refused (exit 1) saying '$want'" "$rc: $out" \
		"^1: drlbctl: .*: $want"
	check "$desc: nothing changed" unchanged
}

mh_slots_exceed_servers()
{
	local before

	defer d config set mh-table-size 65537
	defer d flush
	{
		echo "config set mh-table-size 257"
		echo "service add udp $VIP:53 sched mh"
		servers udp "$VIP:53" 256
		echo "service add udp $VIP:54 sched wlc"
		servers udp "$VIP:54" 300
	} > "$tmp/mh"
	check "257 slots; an mh service with 256 servers, a wlc one with 300" \
		d restore "$tmp/mh"
	before=$(d save)
	refused "a 257th server of the mh service" \
		"mh-table-size 257 too small for 257 real servers" \
		server add udp "$VIP:53" 10.2.0.1
	refused "251 slots" \
		"mh-table-size 251 too small: $VIP:53 has 256 real servers" \
		config set mh-table-size 251
	refused "the wlc service turned mh" \
		"mh-table-size 257 too small for 300 real servers" \
		service change udp "$VIP:54" sched mh
	check "263 slots are accepted" d config set mh-table-size 263
	check "and a 257th server then fits" d server add udp "$VIP:53" 10.2.0.1
}

# The preemption model (PREEMPT_DYNAMIC, debugfs), "" if it cannot be set.
preempt=/sys/kernel/debug/sched/preempt

preempt_set()
{
	echo "$1" > "$preempt"
}

# A task that creates the file $2, then sleeps 10 ms at a time until the
# file $1 exists and prints the longest it waited, in microseconds (no
# process per round: the sleep is a read with a timeout on a pipe nobody
# writes).
# shellcheck disable=SC2016 # for that task's bash
ticker='exec {fd}<> <(:)
prev=${EPOCHREALTIME//[!0-9]/} max=0
: > "$2"
while [ ! -e "$1" ]; do
	read -rt 0.01 -u "$fd" _
	now=${EPOCHREALTIME//[!0-9]/}
	[ $((now - prev)) -le $max ] || max=$((now - prev))
	prev=$now
done
echo "$max"'

mh_rebuild_many_services()
{
	local n mode='' t0 t1 t rc gap tpid desc lines=() line svcs=0

	n=$(rounds 1000 200)
	defer d config set mh-seed 0 mh-table-size 65537
	defer d flush
	awk -v vip=$VIP -v n="$n" 'BEGIN { print "config set mh-table-size 16381"
		for (i = 1; i <= n; i++)
			printf "service add udp %s:%d sched mh\nserver add udp %s:%d 10.1.0.1\n",
				vip, 1000 + i, vip, 1000 + i }' > "$tmp/many"
	t0=${EPOCHREALTIME//[!0-9]/}
	check "$n mh services with a server each, in one restore" \
		d restore "$tmp/many"
	t1=${EPOCHREALTIME//[!0-9]/}
	diag "restore: $(((t1 - t0) / 1000)) ms"
	mapfile -t lines < <(d save)
	for line in "${lines[@]}"; do
		[[ $line == "service add"* ]] && svcs=$((svcs + 1))
	done
	check_eq "$n services" "$svcs" "$n"

	[ -e "$preempt" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	if [ -w "$preempt" ]; then
		mode=$(sed -n 's/.*(\([a-z]*\)).*/\1/p' "$preempt")
		defer preempt_set "$mode"
		preempt_set none
		[[ $(< "$preempt") == *"(none)"* ]] || mode=''
	fi
	# The rebuild and a task that wants to run every 10 ms, on one CPU.
	taskset -c 0 bash -c "$ticker" _ "$tmp/stop" "$tmp/ticking" \
		> "$tmp/gap" &
	tpid=$!
	defer kill "$tpid"
	busywait 10000 test -e "$tmp/ticking"
	t0=${EPOCHREALTIME//[!0-9]/}
	taskset -c 0 nsenter --net="/run/netns/$ns" "$DRLBCTL" \
		config set mh-seed 4242 && rc=0 || rc=$?
	t1=${EPOCHREALTIME//[!0-9]/}
	: > "$tmp/stop"
	wait "$tpid"
	gap=$(< "$tmp/gap")
	t=$(((t1 - t0) / 1000))
	check_eq "a new mh-seed rebuilds $n tables" "$rc" 0
	check_match "the new seed shows" "$(d config show)" "^mh-seed 4242$"
	diag "rebuild: $t ms; preemption: ${mode:+none, was }${mode:-unchanged}; longest wait on its CPU: $((gap / 1000)) ms"
	# Without cond_resched() between services the task waits for (nearly)
	# the whole rebuild; with it, for a table or so: a quarter of the
	# rebuild's time (which includes drlbctl's start) or 0.1 s at most.
	desc="a task on the rebuild's CPU waited a quarter of it (or 0.1 s) at most"
	if [ -n "$mode" ]; then
		check "$desc" test $((gap / 1000)) -le $((t / 4 > 100 ? t / 4 : 100))
	else
		tap_skip "$desc" "no $preempt"
	fi
	check_eq "no soft lockup or RCU stall reported" \
		"$(dmesg | grep -cE 'soft lockup|rcu: INFO|detected stall|blocked for more than')" 0
}

tests_run
