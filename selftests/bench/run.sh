#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - `make bench`: build drlb for a kernel, run bench.sh in the test
# VM (slab_nomerge so each slab cache can be read alone; tsc=reliable
# because 6.1 finds qemu TCG's TSCs "unsynchronized" at boot and falls
# back to the emulated HPET, whose every read serialises the vCPUs and
# made its figures swing twofold), draw the charts with gnuplot and
# write build/bench/<release>/results.md.
#
#   KVER=6.1|6.12|all (default 6.12)   BENCH_REPS=3 BENCH_DUR=5 BENCH_WARM=2
#   BENCH_CP_REPS=1 (control plane: 10 000 services x 10 servers)
#   BENCH_GROUPS="est storm cpus flows servers services control" (default all)
#   BENCH_KEEP=1 (add to the last run's results instead of starting over)
set -eu
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"

for krel in $(scripts/kver.sh "${KVER:-6.12}"); do
	out=$top/build/bench/$krel
	# BENCH_KEEP=1: add to the last run (see bench.sh, BENCH_GROUPS).
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$out"
	mkdir -p "$out"
	make -s module KVER="$krel" tools
	start=$SECONDS
	VMRUN_APPEND="slab_nomerge tsc=reliable" selftests/vm/vmrun.sh -k "$krel" -m 3072 \
		-t "${BENCH_TIMEOUT:-7200}" -o "$out/vm" -- \
		"BENCH_KEEP=${BENCH_KEEP:-} BENCH_GROUPS='${BENCH_GROUPS:-}' BENCH_CP_REPS=${BENCH_CP_REPS:-1} BENCH_REPS=${BENCH_REPS:-3} BENCH_DUR=${BENCH_DUR:-5} BENCH_WARM=${BENCH_WARM:-2} selftests/bench/bench.sh $out"

	# The charts need the est and flows groups.
	if command -v gnuplot >/dev/null && [ -s "$out/plot-cases.dat" ] &&
	   [ -s "$out/plot-flows.dat" ]; then
		gnuplot <<-EOF
		set terminal pngcairo size 900,500
		set output "$out/pps-cases.png"
		set title "Established flows, $krel: packets/s delivered (median, min-max)"
		set style data histogram
		set style fill solid 0.6
		set yrange [0:*]
		set xtics rotate by -30
		plot "$out/plot-cases.dat" using 2:xtic(1) title "pps", \
		     "" using 0:2:3:4 with yerrorbars notitle
		set output "$out/pps-flows.png"
		set title "Packets/s vs concurrent flows, $krel"
		set logscale x
		set xlabel "flows"
		set style data linespoints
		plot "$out/plot-flows.dat" index 0 title columnheader(1), \
		     "" index 1 title columnheader(1)
		EOF
	fi
	{
		echo "## drlb vs IPVS DR on $krel ($(date -u +%F))"
		echo
		echo "\`make bench KVER=$krel\`; REPS=${BENCH_REPS:-3}, ${BENCH_DUR:-5} s windows, qemu TCG, 2 vCPUs; took $((SECONDS - start)) s."
		echo
		cat "$out/table.md"
		echo
		echo "Memory snapshots (entry sizes, slab caches):"
		echo
		sed 's/^/    /' "$out/memory.csv" 2>/dev/null || true
	} > "$out/results.md"
	cat "$out/results.md"
done
