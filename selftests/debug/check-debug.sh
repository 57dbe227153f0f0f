#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh - what `make check-debug` runs, summed up by prove like
# check.sh:
#   1. the debug kernel (build-kernel.sh: KASAN, KFENCE, UBSAN, lockdep,
#      debug objects, kmemleak, ref trackers; cached), drlb.ko against it,
#      drlbctl and the selftest helpers;
#   2. the whole VM suite (run_tests.sh, every TEST_PROGS and STRESS_PROGS)
#      on that kernel,
#      the fuzzer with FUZZ_COUNT=100000; then drlb unloaded and a
#      kmemleak scan that must find nothing (guest.sh);
#   3. the dmesg gate of vmrun.sh over the whole run.
#
#   TESTS="drlb_module.sh" selftests/debug/check-debug.sh   a subset
#   FUZZ_COUNT=N, DEBUG_VM_MEM=MB, DEBUG_VM_TIMEOUT=S override the defaults.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
res=$top/build/results-debug
rm -rf "$res"
mkdir -p "$res"
start=$SECONDS

tap_file=
tap_n=0
tapfile() { tap_file=$1; tap_n=0; : > "$tap_file"; }
tapdone() { echo "1..$tap_n" >> "$tap_file"; }
step()
{
	local desc=$1 log

	shift
	tap_n=$((tap_n + 1))
	log=$res/step-$(echo "$desc" | tr -c 'a-zA-Z0-9.\n-' _).log
	echo ">>> $desc"
	if "$@" > "$log" 2>&1; then
		echo "ok $tap_n - $desc" >> "$tap_file"
		return 0
	fi
	echo "not ok $tap_n - $desc" >> "$tap_file"
	tail -n 40 "$log" | sed 's/^/#   /' | tee -a "$tap_file"
	return 1
}

finish()
{
	echo ">>> make check-debug ran in $((SECONDS - start)) s; summary:"
	cd "$res" || exit 1
	exec prove --exec cat $(find . -name '*.tap' | sort)
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

# 2. + 3. The suite in the debug VM, then the leak scan.
out=$res/vm
mkdir -p "$out"
tapfile "$res/vm-debug.tap"
# Every test: the suite and the stress tests (lighter on this kernel,
# see DRLB_DEBUG_KERNEL in them).
tests=${TESTS:-$(make -s -C selftests list) $(make -s -C selftests list-stress)}
echo ">>> VM suite on the debug kernel: $tests"
t0=$SECONDS
selftests/vm/vmrun.sh -k debug -m "${DEBUG_VM_MEM:-3072}" -o "$out" \
	-t "${DEBUG_VM_TIMEOUT:-3600}" -- \
	"FUZZ_COUNT=${FUZZ_COUNT:-100000} selftests/debug/guest.sh $out $tests"
rc=$?
tap_n=1
case $rc in
0)	echo "ok 1 - VM suite on the debug kernel ran, every test passed, no leak, dmesg clean" ;;
3)	echo "not ok 1 - VM suite on the debug kernel: dmesg gate failed"
	grep -A3 -E 'WARNING:|BUG:|Oops|refcount_t|stall|lockdep|general protection|Call Trace|KASAN|UBSAN|KFENCE|ODEBUG|leak' \
		"$out/dmesg" | head -60 | sed 's/^/#   /' ;;
124)	echo "not ok 1 - VM suite on the debug kernel: guest timed out" ;;
125)	echo "not ok 1 - VM suite on the debug kernel: guest died without a verdict" ;;
*)	echo "not ok 1 - VM suite on the debug kernel: a test or the leak scan failed (exit $rc)" ;;
esac >> "$tap_file"
tapdone
echo ">>> debug VM ran $((SECONDS - t0)) s (boot $(cat "$out/boottime" 2>/dev/null || echo '?') s guest uptime)"
finish
