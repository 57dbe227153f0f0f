#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh OUTDIR [TEST...] - run the selftests (default: TEST_PROGS of
# the Makefile; a TEST is a path under selftests/, such as drlb_cli.sh or
# stress/drlb_churn.sh) one after the other, inside the test VM. Each
# test's TAP goes to the console and to OUTDIR/TEST.tap ('/' made '_'). A
# test that exceeds its timeout (see test_timeout) is killed and fails.
# TESTS="case..." is passed on: each test runs only those of its cases;
# a TEST written FILE:CASE,CASE... runs just those cases of FILE (its TAP
# in OUTDIR/FILE-CASE-CASE.tap). Exit 0 if all passed.
#
# RUN_QUEUE=DIR: several VMs share one list (check-debug.sh runs two debug
# VMs side by side). A test runs in the VM that first creates DIR/TEST
# (mkdir is atomic on the host's file system behind the 9p share), so
# every test runs once, in whichever VM gets to it first.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: run_tests.sh OUTDIR [TEST...]}
shift
mkdir -p "$out"

# The timeout: KSFT_TIMEOUT, else a "# timeout=SECS" line in the test,
# else ./settings; times KSFT_TIMEOUT_MULT (the debug kernel is slower).
default_timeout=$(sed -n 's/^timeout=//p' "$here/settings")
test_timeout()
{
	local t

	t=${KSFT_TIMEOUT:-$(sed -n '1,30s/^# timeout=\([0-9]*\)$/\1/p' "$1")}
	echo $(( ${t:-$default_timeout} * ${KSFT_TIMEOUT_MULT:-1} ))
}
tests=("$@")
[ ${#tests[@]} -gt 0 ] || read -ra tests <<< "$(make -s -C "$here" list)"

queue=${RUN_QUEUE:-}
[ -z "$queue" ] || mkdir -p "$queue" || exit 1

rc=0
for t in "${tests[@]}"; do
	t=${t#selftests/}
	file=${t%%:*}
	cases=
	[ "$file" = "$t" ] || cases=${t#*:}
	tap=$out/$(echo "${file%.sh}${cases:+-$cases}" | tr /, _-).tap
	if [ -n "$queue" ]; then
		mkdir "$queue/${t//\//_}" 2>/dev/null || continue
		echo "$out" > "$queue/${t//\//_}/by"
	fi
	echo "# === $t ($(uname -r))"
	start=$SECONDS
	timeout=$(test_timeout "$here/$file")
	if [ -n "$cases" ]; then
		TESTS=${cases//,/ } timeout -k 10 "$timeout" "$here/$file" 2>&1 | tee "$tap"
	else
		timeout -k 10 "$timeout" "$here/$file" 2>&1 | tee "$tap"
	fi
	trc=${PIPESTATUS[0]}
	echo "# === $t: exit $trc in $((SECONDS - start)) s"
	case $trc in
	0|4)	;;
	124|137)
		printf 'not ok 999 - %s timed out after %s s\n' "$t" "$timeout" \
			| tee -a "$tap"
		rc=1 ;;
	*)	rc=1 ;;
	esac
	# A leftover module would leak state into the next test.
	[ -d /sys/module/drlb ] && rmmod drlb 2>/dev/null
done
exit $rc
