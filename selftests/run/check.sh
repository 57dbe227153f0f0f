#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - what `make check` runs, summed up by prove:
#   1. host unit tests (userspace/tests, pure logic);
#   2. for every installed Debian kernel: the module built with W=1 and
#      -Werror, and sparse over it; then make install / modules_install /
#      dkms-install into a DESTDIR, the man page and the bash completion
#      (drlb_pkg_install.sh, drlb_pkg_docs.sh);
#   3. for every kernel: the selftests in the qemu VM, then its dmesg gate;
#      the kernels' VMs run side by side, one per host CPU (VM_JOBS=N
#      changes how many at once).
# Every step writes TAP files under build/results/; prove reads them all, so
# the last line is "Result: PASS" or "Result: FAIL" with the counts.
#
#   KVER=6.12 selftests/run/check.sh          one kernel only
#   TESTS="drlb_module.sh" selftests/run/check.sh   a subset of the VM tests
#   SUITE=stress selftests/run/check.sh       `make check-stress`: the builds,
#         then the fault and stress tests (STRESS_PROGS) in the VM, per
#         kernel, into build/results-stress/

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
suite=${SUITE:-check}
case $suite in
check)	res=$top/build/results ;;
stress)	res=$top/build/results-stress
	TESTS=${TESTS:-$(make -s -C selftests list-stress)} ;;
*)	echo "check.sh: SUITE is check or stress, not '$suite'" >&2; exit 2 ;;
esac
rm -rf "$res"
mkdir -p "$res"
krels=$(scripts/kver.sh "${KVER:-all}") || exit 1
start=$SECONDS

source selftests/lib/runner.sh

echo ">>> kernels: ${krels//$'\n'/ }"

# 1. Host: tools and unit tests.
tapfile "$res/host-build.tap"
step "drlbctl builds warning-free" make -s tools
step "selftest helpers build" make -s -C selftests
# drlbctl -V prints dkms.conf's PACKAGE_VERSION.
one_version()
{
	local v

	v=$(make -s version) && [ -n "$v" ] &&
		./userspace/drlbctl -V | grep -qx "drlbctl $v"
}
step "dkms.conf version is the one version" one_version
tapdone
[ "$suite" = check ] && make -s -C userspace tests >/dev/null 2>&1
for t in userspace/tests/test_*; do
	[ "$suite" = check ] || break
	[ -x "$t" ] || continue
	"$t" > "$res/unit-${t##*/}.tap" 2>&1
done

# 2. Module builds and sparse, per kernel.
for k in $krels; do
	tapfile "$res/build-$k.tap"
	step "drlb.ko builds for $k (W=1, -Werror)" make -s module KVER="$k"
	[ "$suite" = check ] && step "sparse is clean for $k" make -s sparse KVER="$k"
	tapdone
done

# Packaging on the host (needs the modules above for modules_install):
# install layout, man page, completion.
if [ "$suite" = check ]; then
	selftests/pkg/drlb_pkg_install.sh > "$res/pkg-install.tap" 2>&1
	selftests/pkg/drlb_pkg_docs.sh > "$res/pkg-docs.tap" 2>&1
fi

# 3. The VM suite, per kernel: the kernels' VMs side by side when the host
# has a CPU for each (VM_JOBS overrides), each pinned to its own CPU; a
# VM's console goes to vm-KREL.log next to its TAP.
ncpu=$(nproc)
nk=$(wc -w <<< "$krels")
jobs=${VM_JOBS:-$((ncpu < nk ? ncpu : nk))}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "check.sh: VM_JOBS must be a positive integer, not '$jobs'" >&2; exit 2; }
vm_suite()
{
	local k=$1 cpu=$2 out=$res/vm-$1 pin=() t=$SECONDS rc

	[ "$jobs" -gt 1 ] && command -v taskset >/dev/null && pin=(taskset -c "$cpu")
	mkdir -p "$out"
	echo ">>> VM suite ($suite) on $k started${pin:+ on CPU $cpu}"
	"${pin[@]}" selftests/vm/vmrun.sh -k "$k" -o "$out" -t "${VM_TIMEOUT:-3600}" -- \
		"selftests/vm/run_tests.sh $out/tap ${TESTS:-}" > "$res/vm-$k.log" 2>&1
	rc=$?
	echo "$rc" > "$out/rc"
	echo ">>> VM suite ($suite) on $k: exit $rc after $((SECONDS - t)) s" \
		"(booted in $(cat "$out/boottime" 2>/dev/null || echo '?') s guest uptime)"
	grep -h '^# === .*: exit' "$res/vm-$k.log" | sed 's/^#/>>>  /'
}
i=0
pids=()
for k in $krels; do
	vm_suite "$k" $((i % ncpu)) &
	pids+=($!)
	i=$((i + 1))
	# At most $jobs at a time.
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done
wait
for k in $krels; do
	out=$res/vm-$k
	tapfile "$res/vm-$k.tap"
	vm_verdict "VM suite on $k" "$(cat "$out/rc" 2>/dev/null || echo 125)" \
		"$out" "$res/vm-$k.log"
	tapdone
done

[ "$suite" = check ] && name="make check" || name="make check-$suite"
echo ">>> $name ran in $((SECONDS - start)) s; summary:"
cd "$res" || exit 1
mapfile -t taps < <(find . -name '*.tap' | sort)
exec prove --exec cat "${taps[@]}"
