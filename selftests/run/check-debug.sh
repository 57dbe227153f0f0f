#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh - what `make check-debug` (and `make check-debug-ci`, which
# CI runs) runs, summed up by prove like check.sh:
#   1. the debug kernel (debug/build-kernel.sh: KASAN, KFENCE, UBSAN,
#      lockdep, debug objects, kmemleak, ref trackers; cached), drlb.ko
#      against it, drlbctl and the selftest helpers;
#   2. the tests on that kernel - DEBUG_SET=all (make check-debug): every
#      TEST_PROGS and STRESS_PROGS; DEBUG_SET=ci (make check-debug-ci):
#      DEBUG_CI_PROGS of selftests/Makefile, the tests that drive kernel
#      code paths under load and teardown (module, netlink contract,
#      permissions, the fuzzer, unload and netns deletion under traffic,
#      churn) - in two VMs side by side (one per host CPU) that take the
#      tests from one queue, longest first (debug/durations); each VM then
#      unloads drlb and runs a kmemleak scan that must find nothing
#      (debug/guest.sh);
#   3. the dmesg gate of vmrun.sh over each VM's whole run.
# Every test listed runs; nothing is skipped for time.
#
#   PROGS="drlb_module.sh" selftests/run/check-debug.sh   some tests
#   TESTS="case..." the cases to run (with one test in PROGS)
#   DEBUG_VMS=N (VMs side by side), FUZZ_COUNT=N (default 100000; 10000
#   for DEBUG_SET=ci: the fuzzer's requests are its time, and CI's run is
#   a tenth of the full one),
#   DEBUG_VM_MEM=MB, DEBUG_VM_TIMEOUT=S override the defaults.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
set_=${DEBUG_SET:-all}
case $set_ in
all)	res=$top/build/results-debug
	fuzz_count=${FUZZ_COUNT:-100000}
	progs=${PROGS:-$(make -s -C selftests list-stress) $(make -s -C selftests list)} ;;
ci)	res=$top/build/results-debug-ci
	fuzz_count=${FUZZ_COUNT:-10000}
	progs=${PROGS:-$(make -s -C selftests list-debug-ci)} ;;
*)	echo "check-debug.sh: DEBUG_SET is all or ci, not '$set_'" >&2; exit 2 ;;
esac
rm -rf "$res"
mkdir -p "$res"
start=$SECONDS

# shellcheck source=../lib/runner.sh
source selftests/lib/runner.sh

# debug_order TEST...: the order the debug VMs take the tests from their
# queue: longest first by the seconds in debug/durations (measured in a
# debug VM under TCG, one host CPU per VM; unknown tests last), so that
# VMs sharing the queue end close together. The fuzzer's figure is for
# 100 000 requests and scales with FUZZ_COUNT.
debug_order()
{
	local t

	for t; do
		awk -v t="$t" -v n="$fuzz_count" '
			$1 == t { s = $2 }
			END {
				if (t == "drlb_fuzz.sh")
					s = int(s * n / 100000)
				print s + 0, t
			}' selftests/debug/durations
	done | sort -s -k1,1nr | awk '{ print $2 }' | tr '\n' ' '
}

finish()
{
	echo ">>> make check-debug ($set_) ran in $((SECONDS - start)) s; summary:"
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
step "drlb.ko builds for the debug kernel (W=1, -Werror)" make -s -j"$(nproc)" module KVER=debug
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
# shellcheck disable=SC2086 # the names, one argument each
tests=$(debug_order $progs)
echo ">>> VM suite on the debug kernel, $nvm VM(s): $tests"
queue=$res/queue
rm -rf "$queue"
t0=$SECONDS
pids=()
for i in $(seq "$nvm"); do
	out=$res/vm$i
	mkdir -p "$out"
	pin=()
	# Pinned side by side, one vCPU each (see vmrun.sh -c).
	[ "$nvm" -gt 1 ] && command -v taskset >/dev/null &&
		pin=(taskset -c $(((i - 1) % ncpu)))
	"${pin[@]}" selftests/vm/vmrun.sh -k debug -m "${DEBUG_VM_MEM:-3072}" -o "$out" \
		-c "${VM_CPUS:-$(( ${#pin[@]} ? 1 : 2 ))}" \
		-t "${DEBUG_VM_TIMEOUT:-3600}" -- \
		"RUN_QUEUE=$queue FUZZ_COUNT=$fuzz_count selftests/debug/guest.sh $out $tests" \
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
missing=
for t in $tests; do
	[ -e "$queue/${t//\//_}/by" ] || missing+=" $t"
done
tap_n=$((tap_n + 1))
if [ -n "$missing" ]; then
	echo "not ok $tap_n - tests never started:$missing"
else
	echo "ok $tap_n - every test ran in one of the debug VMs"
fi >> "$tap_file"
tapdone
echo ">>> debug VMs ran $((SECONDS - t0)) s"
finish
