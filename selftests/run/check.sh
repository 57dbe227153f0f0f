#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - what `make check` (and `make check-stress`) runs, summed up by
# prove:
#   1. host: drlbctl and the selftest helpers build, the version is one,
#      the unit tests (userspace/tests, the Python genl codec), `make
#      style` (checkpatch, shellcheck, codespell);
#   2. for every installed Debian kernel: drlb.ko built with W=1 and
#      -Werror with sparse over every file in the same build; then make
#      install / modules_install / dkms-install into a DESTDIR, the man
#      page and the bash completion (pkg/drlb_pkg_install.sh,
#      pkg/drlb_pkg_docs.sh);
#   3. for every kernel, one VM: the suite (TEST_PROGS), then the stress
#      tests (STRESS_PROGS) at CI's rounds (STRESS_ITERS, default 3;
#      neigh_churn runs each of its four kinds at least once), then its
#      dmesg gate; the kernels' VMs run side by side, one per host CPU
#      (VM_JOBS=N changes how many at once).
# Every step writes TAP files under build/results/; prove reads them all, so
# the last line is "Result: PASS" or "Result: FAIL" with the counts.
#
#   KVER=6.12 selftests/run/check.sh             one kernel only
#   PROGS="drlb_cli.sh" selftests/run/check.sh   some VM tests only
#   PROGS="drlb_director.sh" TESTS="rr_rotation" selftests/run/check.sh
#                                                one case of one test
#   SUITE=stress selftests/run/check.sh          `make check-stress`: the
#         builds, then only the stress tests at their full rounds (unless
#         STRESS_ITERS says otherwise), into build/results-stress/

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
suite=${SUITE:-check}
case $suite in
check)	res=$top/build/results
	progs=${PROGS:-$(make -s -C selftests list) $(make -s -C selftests list-stress)}
	export STRESS_ITERS=${STRESS_ITERS:-3} ;;
stress)	res=$top/build/results-stress
	progs=${PROGS:-$(make -s -C selftests list-stress)} ;;
*)	echo "check.sh: SUITE is check or stress, not '$suite'" >&2; exit 2 ;;
esac
rm -rf "$res"
mkdir -p "$res"
krels=$(scripts/kver.sh "${KVER:-all}") || exit 1
start=$SECONDS

# shellcheck source=../lib/runner.sh
source selftests/lib/runner.sh

echo ">>> kernels: ${krels//$'\n'/ }"

# 1. Host: tools, unit tests, style.
tapfile "$res/host-build.tap"
step "drlbctl builds warning-free" make -s tools
# The default goal, then `all` asked whether anything is left to build: a
# default goal that is not `all` once built no helper and passed.
step "selftest helpers build" sh -c 'make -s -C selftests && make -s -C selftests -q all'
# drlbctl -V prints dkms.conf's PACKAGE_VERSION.
one_version()
{
	local v

	v=$(make -s version) && [ -n "$v" ] &&
		./userspace/drlbctl -V | grep -qx "drlbctl $v"
}
step "dkms.conf version is the one version" one_version
[ "$suite" = check ] && step "make style is clean" make -s style
tapdone
if [ "$suite" = check ]; then
	make -s -C userspace tests >/dev/null 2>&1
	for t in userspace/tests/test_*; do
		[ -x "$t" ] || continue
		"$t" > "$res/unit-${t##*/}.tap" 2>&1
	done
	python3 selftests/helpers/genl.py --selftest > "$res/unit-genl.tap" 2>&1
fi

# 2. Module builds, sparse in the same build, per kernel.
# no_reports LOG: the build log has no compiler or sparse report.
no_reports()
{
	! grep -E '(warning|error):' "$1"
}
for k in $krels; do
	tapfile "$res/build-$k.tap"
	desc="drlb.ko builds for $k (W=1, -Werror), sparse over every file"
	# -j: kbuild and sparse run a file at a time otherwise (85 s a
	# kernel here, 49 s with -j2).
	step "$desc" make -s -j"$(nproc)" module KVER="$k" C=2
	step "sparse is clean for $k" no_reports "$(step_log "$desc")"
	tapdone
done

# Packaging on the host (needs the modules above for modules_install):
# install layout, man page, completion.
if [ "$suite" = check ]; then
	selftests/pkg/drlb_pkg_install.sh > "$res/pkg-install.tap" 2>&1
	selftests/pkg/drlb_pkg_docs.sh > "$res/pkg-docs.tap" 2>&1
fi

# 3. The VM tests, per kernel: the kernels' VMs side by side when the host
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
	echo ">>> VM ($suite) on $k started${pin:+ on CPU $cpu}"
	# Pinned side by side, one vCPU each (see vmrun.sh -c).
	"${pin[@]}" selftests/vm/vmrun.sh -k "$k" -o "$out" -t "${VM_TIMEOUT:-3600}" \
		-c "${VM_CPUS:-$(( ${#pin[@]} ? 1 : 2 ))}" -- \
		"selftests/vm/run_tests.sh $out/tap $progs" > "$res/vm-$k.log" 2>&1
	rc=$?
	echo "$rc" > "$out/rc"
	echo ">>> VM ($suite) on $k: exit $rc after $((SECONDS - t)) s" \
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
	vm_verdict "VM on $k" "$(cat "$out/rc" 2>/dev/null || echo 125)" \
		"$out" "$res/vm-$k.log"
	tapdone
done

[ "$suite" = check ] && name="make check" || name="make check-$suite"
echo ">>> $name ran in $((SECONDS - start)) s; summary:"
cd "$res" || exit 1
mapfile -t taps < <(find . -name '*.tap' | sort)
exec prove --exec cat "${taps[@]}"
