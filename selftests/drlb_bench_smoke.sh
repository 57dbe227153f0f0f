#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark harness works (make bench): short smoke runs of
# bench.sh --smoke, one second per case. Asserts nothing about speed, only
# that every case delivered traffic, the control plane was timed and the
# report came out.

source "$(dirname "$0")/lib/lib.sh"

ALL_TESTS="
	traffic_cases
	control_plane
"

require_root

# bench GROUP: bench.sh --smoke for one group of its plan (BENCH_GROUPS),
# into a scratch directory BOUT removed when the case ends.
bench()
{
	local rc

	BOUT=$(mktemp -d)
	defer rm -rf "$BOUT"
	BENCH_GROUPS=$1 BENCH_SMOKE_CASES="ipvs/rr drlb/rr" \
		"$TOP/selftests/bench/bench.sh" --smoke "$BOUT" > "$BOUT/log" 2>&1
	rc=$?
	check_eq "bench.sh --smoke ($1) exits 0" "$rc" 0
	[ $rc -eq 0 ] || tail -n 20 "$BOUT/log" | sed 's/^/#   | /'
}

# The two balancing cases deliver traffic; the report compares drlb to
# ipvs. (The baselines, nolb and l2fwd, run in make bench only: each
# case here costs about 20 s of the VM's time.)
traffic_cases()
{
	local c pps

	bench est
	for c in ipvs drlb; do
		pps=$(awk -F, -v c="$c" '$2 == c { print $9 }' "$BOUT/results.csv" 2>/dev/null)
		if [ -n "$pps" ] && [ "$pps" -gt 0 ]; then
			tap_ok "case $c delivered traffic ($pps pps)"
		else
			tap_fail "case $c delivered traffic" "pps='$pps'"
		fi
	done
	check_match "report has a drlb row with its ratio to ipvs" \
		"$(cat "$BOUT/table.md" 2>/dev/null)" '\| drlb \| rr \| [0-9]+ \| [0-9]+-[0-9]+ \| [0-9.]+ \|'
}

# drlbctl restore and ipvsadm -R load the same 20 x 3 and are timed.
control_plane()
{
	local tool ms

	bench control
	for tool in drlb ipvs; do
		ms=$(awk -F, -v t="$tool" '$1 == t && $2 == "load" { print $6 }' "$BOUT/control.csv" 2>/dev/null)
		if [ -n "$ms" ] && [ "$ms" -ge 0 ]; then
			tap_ok "control plane: $tool loaded 20 x 3 in $ms ms"
		else
			tap_fail "control plane: $tool load timed" "ms='$ms'"
		fi
	done
	check_match "report has the control-plane table" \
		"$(cat "$BOUT/table.md" 2>/dev/null)" '\| load: .* \| 20 x 3 \| [0-9]+ '
}

tests_run
