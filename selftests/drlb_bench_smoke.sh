#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark harness works (make bench): a short smoke run of
# bench.sh --smoke, one second per case. Asserts nothing about speed, only
# that every case delivered traffic and the report came out.

source "$(dirname "$0")/lib/lib.sh"
require_root

out=$(mktemp -d)
defer rm -rf "$out"
cases="nolb l2fwd ipvs drlb"
BENCH_SMOKE_CASES="nolb/- l2fwd/- ipvs/rr drlb/rr" \
	"$TOP/selftests/bench/bench.sh" --smoke "$out" > "$out/log" 2>&1
rc=$?
check_eq "bench.sh --smoke exits 0" "$rc" 0
[ $rc -eq 0 ] || tail -n 20 "$out/log" | sed 's/^/#   | /'
for c in $cases; do
	pps=$(awk -F, -v c="$c" '$2 == c { print $9 }' "$out/results.csv" 2>/dev/null)
	if [ -n "$pps" ] && [ "$pps" -gt 0 ]; then
		tap_ok "case $c delivered traffic ($pps pps)"
	else
		tap_fail "case $c delivered traffic" "pps='$pps'"
	fi
done
check_match "report has a drlb row with its ratio to ipvs" \
	"$(cat "$out/table.md" 2>/dev/null)" '\| drlb \| rr \| [0-9]+ \| [0-9]+-[0-9]+ \| [0-9.]+ \|'
for tool in drlb ipvs; do
	ms=$(awk -F, -v t="$tool" '$1 == t && $2 == "load" { print $6 }' "$out/control.csv" 2>/dev/null)
	if [ -n "$ms" ] && [ "$ms" -ge 0 ]; then
		tap_ok "control plane: $tool loaded 20 x 3 in $ms ms"
	else
		tap_fail "control plane: $tool load timed" "ms='$ms'"
	fi
done
check_match "report has the control-plane table" \
	"$(cat "$out/table.md" 2>/dev/null)" '\| load: .* \| 20 x 3 \| [0-9]+ '
