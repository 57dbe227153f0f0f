#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh OUTDIR [TEST...] - inside the debug VM (check-debug.sh): the
# selftests, then drlb unloaded and kmemleak asked twice for leaks.
#
# Boot leaves kmemleak with a few false positives of its own (early
# allocations it cannot follow); they are scanned and cleared before the
# first test, so what is reported at the end was allocated by the tests.
# Writes OUTDIR/tap/kmemleak.tap and OUTDIR/kmemleak; exit 0 when the tests
# and the scan both passed.

set -u
out=${1:?usage: guest.sh OUTDIR [TEST...]}
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kml=/sys/kernel/debug/kmemleak
mkdir -p "$out/tap"

# Tests may pick a lighter mode for slow kernels (KASAN under TCG).
export DRLB_DEBUG_KERNEL=1
# and each test gets three times its timeout (KSFT_TIMEOUT_MULT, run_tests.sh).
export KSFT_TIMEOUT_MULT=${KSFT_TIMEOUT_MULT:-3}

kmemleak_scan()
{
	# kmemleak ignores objects younger than 5 s; two scans, as the
	# kernel documentation recommends, to let it settle.
	sleep 6
	echo scan > "$kml" && echo scan > "$kml"
}

leak_ok=1
if [ -w "$kml" ] && echo scan > "$kml" 2>/dev/null; then
	echo clear > "$kml"
	echo "# kmemleak: boot-time reports cleared"
else
	leak_ok=0
	echo "# kmemleak is not available (disabled at boot?)"
fi

"$here/../vm/run_tests.sh" "$out/tap" "$@"
rc=$?

n=0
tap=$out/tap/kmemleak.tap
: > "$tap"
[ -d /sys/module/drlb ] && { rmmod drlb || echo "# rmmod drlb failed" >> "$tap"; }
if [ $leak_ok = 1 ]; then
	n=$((n + 1))
	if kmemleak_scan && cat "$kml" > "$out/kmemleak"; then
		echo "ok $n - kmemleak scan ran"
	else
		echo "not ok $n - kmemleak scan ran"; leak_ok=0
	fi >> "$tap"
	leaks=$(grep -c '^unreferenced object' "$out/kmemleak" 2>/dev/null)
	n=$((n + 1))
	if [ "${leaks:-0}" = 0 ]; then
		echo "ok $n - no leak after the suite and rmmod drlb" >> "$tap"
	else
		leak_ok=0
		{
			echo "not ok $n - $leaks unreferenced objects after the suite (see $out/kmemleak)"
			head -n 60 "$out/kmemleak" | sed 's/^/#   /'
		} >> "$tap"
	fi
else
	n=$((n + 1))
	echo "not ok $n - kmemleak available" >> "$tap"
fi
echo "1..$n" >> "$tap"
echo "# === kmemleak"
cat "$tap"

[ $leak_ok = 1 ] || [ $rc != 0 ] || rc=1
exit $rc
