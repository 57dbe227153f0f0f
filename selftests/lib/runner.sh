# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP files for the host-side runners (run/check.sh, pkg/check-packages.sh,
# run/check-debug.sh), sourced; prove sums the files up. The runner sets
# res (where step logs go) before calling step.
#
#   tapfile FILE        start FILE, numbering from 1
#   step DESC CMD...    run CMD (output to step_log DESC), append
#                       "ok N - DESC (T s)" or "not ok ..." and the log's tail
#   step_log DESC       the file step DESC writes its output to
#   tapdone             append the plan line "1..N"
#   vm_verdict DESC RC OUTDIR LOG
#                       one TAP line for a vmrun.sh exit status RC (OUTDIR
#                       its -o directory, LOG its console log)

tap_file=
tap_n=0

tapfile()
{
	tap_file=$1
	tap_n=0
	: > "$tap_file"
}

tapdone()
{
	echo "1..$tap_n" >> "$tap_file"
}

# step_log DESC: where step DESC writes its output.
step_log()
{
	echo "${res:?runner.sh: the runner sets res}/step-$(echo "$1" | tr -c 'a-zA-Z0-9.\n-' _ | cut -c1-80).log"
}

step()
{
	local desc=$1 log t0=$SECONDS

	shift
	tap_n=$((tap_n + 1))
	log=$(step_log "$desc")
	echo ">>> $desc"
	if "$@" > "$log" 2>&1; then
		echo "ok $tap_n - $desc ($((SECONDS - t0)) s)" >> "$tap_file"
		return 0
	fi
	echo "not ok $tap_n - $desc ($((SECONDS - t0)) s)" >> "$tap_file"
	tail -n 40 "$log" | sed 's/^/#   /' | tee -a "$tap_file"
	return 1
}

# The dmesg gate's patterns (one list, vm/dmesg-gate), to quote the lines
# that failed it.
tap_gate_lines()
{
	local gate
	gate=$(dirname "${BASH_SOURCE[0]}")/../vm/dmesg-gate

	grep -v -F -f <(sed -n 's/^ignore //p' "$gate") "$1" |
		grep -F -A3 -f <(grep -v -e '^#' -e '^$' -e '^ignore ' "$gate")
}

vm_verdict()
{
	local desc=$1 rc=$2 out=$3 log=$4

	tap_n=$((tap_n + 1))
	case $rc in
	0)	echo "ok $tap_n - $desc: every test passed, dmesg clean" ;;
	3)	echo "not ok $tap_n - $desc: dmesg gate failed"
		tap_gate_lines "$out/dmesg" | head -60 | sed 's/^/#   /' ;;
	124)	echo "not ok $tap_n - $desc: guest timed out" ;;
	125)	echo "not ok $tap_n - $desc: guest died without a verdict"
		tail -n 30 "$log" | sed 's/^/#   /' ;;
	*)	echo "not ok $tap_n - $desc: a test failed (exit $rc)"
		# A script that died after passing checks has no "not ok"
		# line, only lib.sh's "script ended with status": named too.
		(cd "$out/tap" 2>/dev/null && grep -H -e "^not ok" \
			-e "^# script ended with status" -- *.tap) |
			head -20 | sed 's/^/#   /' ;;
	esac >> "$tap_file"
}
