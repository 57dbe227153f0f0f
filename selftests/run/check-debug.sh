#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh - what `make check-debug` runs, summed up by prove like
# check.sh:
#   1. the debug kernel (build-kernel.sh: KASAN, KFENCE, UBSAN, lockdep,
#      debug objects, kmemleak, ref trackers; cached), drlb.ko against it,
#      drlbctl and the selftest helpers;
#   2. the whole VM suite (every TEST_PROGS and STRESS_PROGS, the
#      fuzzer with FUZZ_COUNT=100000) on that kernel, in two VMs side by
#      side (one per host CPU) that take the tests from one queue; each
#      VM then unloads drlb and runs a kmemleak scan that must find
#      nothing (guest.sh);
#   3. the dmesg gate of vmrun.sh over each VM's whole run.
#
#   TESTS="drlb_module.sh" selftests/run/check-debug.sh   a subset
#   DEBUG_VMS=N (VMs side by side), FUZZ_COUNT=N, DEBUG_VM_MEM=MB,
#   DEBUG_VM_TIMEOUT=S override the defaults; DEBUG_DEADLINE=EPOCH_SECONDS
#   (CI's budget): no test starts after it, those left are skipped;
#   DEBUG_FIRST="TEST..." the tests to start first (default:
#   DEBUG_CI_PROGS of selftests/Makefile).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
[[ ${DEBUG_DEADLINE:-} =~ ^[0-9]*$ ]] || { echo "check-debug.sh: DEBUG_DEADLINE must be seconds since the epoch, not '$DEBUG_DEADLINE'" >&2; exit 2; }
res=$top/build/results-debug
rm -rf "$res"
mkdir -p "$res"
start=$SECONDS

source selftests/lib/runner.sh

# debug_order TEST...: the order the debug VMs take the tests from their
# queue. DEBUG_FIRST first (default: DEBUG_CI_PROGS of selftests/Makefile,
# the teardown, netlink and permission tests, where KASAN and lockdep
# matter most), then the rest; within each group the longest first
# (seconds each took in a debug VM under TCG, one host CPU per VM, on
# 2026-11-29, the teardown tests at 3 rounds; unknown ones last), so that
# VMs sharing the queue end close together. Under DEBUG_DEADLINE what is
# left out is the end of the list.
debug_order()
{
	local t secs first

	first=${DEBUG_FIRST-$(make -s -C selftests list-debug-ci)}
	first=" ${first//[$'\n\t']/ } "

	for t; do
		case $t in
		drlb_conn_flood.sh)	secs=584 ;;
		drlb_fuzz.sh)		secs=354 ;;
		drlb_arp.sh)		secs=282 ;;
		drlb_bench_smoke.sh)	secs=273 ;;
		drlb_director.sh)	secs=270 ;;
		drlb_director_ops.sh)	secs=238 ;;
		drlb_netns_traffic.sh)	secs=224 ;;
		drlb_unload_traffic.sh)	secs=220 ;;
		drlb_churn.sh)		secs=216 ;;
		drlb_director_pkt.sh)	secs=215 ;;
		drlb_cli.sh)		secs=210 ;;
		drlb_arp_api.sh)	secs=190 ;;
		drlb_perm.sh)		secs=163 ;;
		drlb_neigh_churn.sh)	secs=159 ;;
		drlb_pkg_save.sh)	secs=107 ;;
		drlb_module.sh)		secs=83 ;;
		drlb_netlink.sh)	secs=20 ;;
		*)			secs=0 ;;
		esac
		[[ $first == *" $t "* ]] && echo "1 $secs $t" || echo "0 $secs $t"
	done | sort -s -k1,1nr -k2,2nr | awk '{ print $3 }' | tr '\n' ' '
}

finish()
{
	echo ">>> make check-debug ran in $((SECONDS - start)) s; summary:"
	cd "$res" || exit 1
	mapfile -t taps < <(find . -name '*.tap' | sort)
	exec prove --exec cat "${taps[@]}"
}

# 1. Builds.
tapfile "$res/debug-build.tap"
t0=$SECONDS
step "debug kernel builds (or is up to date)" selftests/debug/build-kernel.sh ||
	{ tapdone; finish; }
echo ">>> debug kernel ready after $((SECONDS - t0)) s"
step "drlb.ko builds for the debug kernel (W=1, -Werror)" make -s module KVER=debug
step "drlbctl and selftest helpers build" sh -c 'make -s tools && make -s -C selftests'
tapdone

# 2. + 3. The suite in debug VMs, then the leak scans. With more than one
# host CPU, DEBUG_VMS VMs (default: one per CPU, at most 2) share the list
# through run_tests.sh's RUN_QUEUE, each pinned to its own CPU; the longest
# tests are listed first so the two finish close together. Each VM
# unloads drlb and scans for leaks at its end (guest.sh).
ncpu=$(nproc)
nvm=${DEBUG_VMS:-$((ncpu < 2 ? 1 : 2))}
[[ $nvm =~ ^[1-9][0-9]*$ ]] || { echo "check-debug.sh: DEBUG_VMS must be a positive integer, not '$nvm'" >&2; exit 2; }
# Every test: the stress tests (lighter on this kernel, see
# DRLB_DEBUG_KERNEL in them) and the suite.
tests=${TESTS:-$(make -s -C selftests list-stress) $(make -s -C selftests list)}
# shellcheck disable=SC2086 # the names, one argument each
tests=$(debug_order $tests)
echo ">>> VM suite on the debug kernel, $nvm VM(s): $tests"
queue=$res/queue
rm -rf "$queue"
t0=$SECONDS
pids=()
for i in $(seq "$nvm"); do
	out=$res/vm$i
	mkdir -p "$out"
	pin=()
	[ "$nvm" -gt 1 ] && command -v taskset >/dev/null &&
		pin=(taskset -c $(((i - 1) % ncpu)))
	"${pin[@]}" selftests/vm/vmrun.sh -k debug -m "${DEBUG_VM_MEM:-3072}" -o "$out" \
		-t "${DEBUG_VM_TIMEOUT:-3600}" -- \
		"${DEBUG_DEADLINE:+RUN_DEADLINE=$DEBUG_DEADLINE }RUN_QUEUE=$queue FUZZ_COUNT=${FUZZ_COUNT:-100000} selftests/debug/guest.sh $out $tests" \
		> "$res/vm$i.log" 2>&1 &
	pids+=($!)
	# The first VM builds the cached initramfs; the rest wait on its lock.
done
tapfile "$res/vm-debug.tap"
for i in $(seq "$nvm"); do
	wait "${pids[i - 1]}"
	rc=$?
	out=$res/vm$i
	ran=$(grep -l -x "$out/tap" "$queue"/*/by 2>/dev/null | sed 's|.*/\([^/]*\)/by$|\1|' | tr '\n' ' ')
	echo ">>> debug VM $i: exit $rc after $((SECONDS - t0)) s, boot $(cat "$out/boottime" 2>/dev/null || echo '?') s guest uptime; ran: $ran"
	vm_verdict "debug VM $i (${ran% }), then rmmod and a kmemleak scan" \
		"$rc" "$out" "$res/vm$i.log"
done
# Every test ran somewhere.
missing='' skipped=
for t in $tests; do
	if [ ! -e "$queue/$t/by" ]; then
		missing+=" $t"
	elif [ "$(cat "$queue/$t/by")" = skipped ]; then
		skipped+=" $t"
	fi
done
tap_n=$((tap_n + 1))
if [ -n "$missing" ]; then
	echo "not ok $tap_n - tests never started:$missing"
elif [ -n "$skipped" ]; then
	echo "ok $tap_n - every test ran in one of the debug VMs # SKIP past DEBUG_DEADLINE:$skipped"
else
	echo "ok $tap_n - every test ran in one of the debug VMs"
fi >> "$tap_file"
tapdone
echo ">>> debug VMs ran $((SECONDS - t0)) s"
finish
