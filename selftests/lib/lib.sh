#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for drlb's selftests (sourced, never run). In the shape of
# the kernel's tools/testing/selftests/net/lib.sh:
#
#   - TAP output: every check prints "ok N - ..." / "not ok N - ..."; the
#     plan "1..N" is printed at exit. Exit codes are kselftest's: pass 0,
#     fail 1, skip 4.
#   - Named cases: a test defines each case as a function, lists them in
#     ALL_TESTS and ends with `tests_run`; TESTS="case_a case_b" runs just
#     those (net/forwarding/lib.sh style).
#   - Namespaces with random names (setup_ns); cleanup registered with
#     `defer` right next to the setup line and undone LIFO when the case
#     that deferred it ends (or at exit, for what the script set up before
#     its cases).
#   - Polling (busywait/slowwait) instead of fixed sleeps.
#   - Every command run in a namespace is echoed to the log with the
#     namespace's name when VERBOSE=1 (run via nsx).
#
# The tests run as root inside the test VM (selftests/vm/vmrun.sh).

set -u

ksft_pass=0
ksft_fail=1
ksft_skip=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KREL=${DRLB_KVER:-$(uname -r)}
DRLB_KO=${DRLB_KO:-$TOP/build/$KREL/drlb.ko}
DRLBCTL=${DRLBCTL:-$TOP/userspace/drlbctl}
VERBOSE=${VERBOSE:-0}
# shellcheck disable=SC2034 # for the tests and libraries that source this
PY=${PYTHON:-/usr/bin/python3}

tap_n=0
tap_failed=0
tap_skipped=0

# ---- TAP ---------------------------------------------------------------

diag()
{
	printf '# %s\n' "$*"
}

# ok DESCRIPTION: one passing check.
tap_ok()
{
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s\n' "$tap_n" "$*"
}

# tap_fail DESCRIPTION [DETAILS...]: one failing check, details as comments.
tap_fail()
{
	local desc=$1

	shift
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	printf 'not ok %d - %s\n' "$tap_n" "$desc"
	local line
	for line in "$@"; do
		printf '#   %s\n' "$line"
	done
}

tap_skip()
{
	tap_n=$((tap_n + 1))
	tap_skipped=$((tap_skipped + 1))
	printf 'ok %d - %s # SKIP %s\n' "$tap_n" "$1" "${2:-}"
}

# log_test RC DESCRIPTION: pass when RC is 0 (kernel lib.sh style).
log_test()
{
	local rc=$1

	shift
	if [ "$rc" -eq 0 ]; then
		tap_ok "$*"
	else
		tap_fail "$*" "exit status $rc"
	fi
}

# check DESCRIPTION CMD...: run CMD, pass when it exits 0; its output is
# shown on failure.
check()
{
	local desc=$1 out rc

	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ $rc -eq 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		diag_block "$*" "$rc" "$out"
	fi
}

# check_fail DESCRIPTION CMD...: pass when CMD exits non-zero.
check_fail()
{
	local desc=$1 out rc

	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ $rc -ne 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "command unexpectedly succeeded: $*"
		diag_block "$*" "$rc" "$out"
	fi
}

# check_eq DESCRIPTION GOT WANT
check_eq()
{
	if [ "$2" == "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "got:  '$2'" "want: '$3'"
	fi
}

# check_match DESCRIPTION TEXT REGEX (grep -E)
check_match()
{
	if printf '%s\n' "$2" | grep -qE -- "$3"; then
		tap_ok "$1"
	else
		tap_fail "$1" "no match for /$3/ in:"
		printf '%s\n' "$2" | tail -n 20 | sed 's/^/#   | /'
	fi
}

diag_block()
{
	printf '#   command: %s\n#   exit status: %s\n' "$1" "$2"
	printf '%s\n' "$3" | tail -n 20 | sed 's/^/#   | /'
}

# ---- deferred cleanup ----------------------------------------------------

# The commands deferred so far, and where each open scope starts in it.
defer_stack=()
defer_scopes=()

# defer CMD...: run CMD when the current scope ends (a case, or the script),
# after everything deferred later.
defer()
{
	local cmd

	printf -v cmd '%q ' "$@"
	defer_stack+=("$cmd")
}

# defer_scope_push / defer_scope_pop: open a scope; undo, LIFO, what was
# deferred since it opened.
defer_scope_push()
{
	defer_scopes+=(${#defer_stack[@]})
}

defer_scope_pop()
{
	local n=${#defer_scopes[@]} from i

	[ "$n" -gt 0 ] || return 0
	from=${defer_scopes[n - 1]}
	unset 'defer_scopes[n - 1]'
	for ((i = ${#defer_stack[@]} - 1; i >= from; i--)); do
		eval "${defer_stack[i]}" >/dev/null 2>&1 || true
		unset 'defer_stack[i]'
	done
}

defer_run()
{
	local i

	for ((i = ${#defer_stack[@]} - 1; i >= 0; i--))
		do eval "${defer_stack[i]}" >/dev/null 2>&1 || true
	done
	defer_stack=()
	defer_scopes=()
}

# ---- named cases ---------------------------------------------------------

# tests_run: run the cases named in TESTS (default: ALL_TESTS, in its
# order), each in its own defer scope, so that what a case sets up is gone
# before the next one starts and cases can run alone or in any order. A
# name that is not in ALL_TESTS fails.
tests_run()
{
	local t t0 all=" ${ALL_TESTS//[$'\n\t']/ } "

	# shellcheck disable=SC2086 # a list of names, one word each
	for t in ${TESTS:-$ALL_TESTS}; do
		if [[ $all != *" $t "* ]]; then
			tap_fail "case $t exists" "cases here:$all"
			continue
		fi
		diag "case $t"
		t0=$SECONDS
		defer_scope_push
		"$t"
		defer_scope_pop
		diag "case $t: $((SECONDS - t0)) s"
	done
}

tap_exit()
{
	local rc=$?

	defer_run
	printf '1..%d\n' "$tap_n"
	if [ $tap_failed -gt 0 ]; then
		exit $ksft_fail
	fi
	if [ $tap_n -gt 0 ] && [ $tap_skipped -eq $tap_n ]; then
		exit $ksft_skip
	fi
	# A script that died before its checks ran must not pass.
	[ $rc -eq 0 ] || {
		echo "# script ended with status $rc"
		exit $ksft_fail
	}
	exit $ksft_pass
}
trap tap_exit EXIT

# skip_all REASON: nothing here can run (e.g. missing tool).
skip_all()
{
	tap_skip "all tests" "$1"
	exit $ksft_skip
}

# ---- namespaces and commands ---------------------------------------------

# ns_create VAR...: create one namespace per VAR with a random name (one
# `ip -b`), store the name in VAR and defer the deletion of them all (one
# `ip -b` again). Their loopbacks stay down: for callers that batch their
# namespaces' set-up themselves (topo.sh). Under TCG each process costs
# 0.1-0.3 s (seconds on the debug kernel), so set-up batches.
ns_create()
{
	local var name names=()

	for var in "$@"; do
		printf -v name '%s-%04x%04x' "${var//[^a-zA-Z0-9_]/}" $RANDOM $RANDOM
		names+=("$name")
		printf -v "$var" '%s' "$name"
	done
	defer ns_delete "${names[@]}"
	printf 'netns add %s\n' "${names[@]}" | ip -b -
}

# ns_delete NAME...: delete namespaces in one `ip -b` (-force: on past
# one that is gone already).
ns_delete()
{
	printf 'netns del %s\n' "$@" | ip -force -b -
}

# setup_ns VAR...: as ns_create, with each namespace's loopback up.
setup_ns()
{
	local var

	ns_create "$@" || return 1
	for var in "$@"; do
		ip -n "${!var}" link set lo up
	done
}

# nsx NS CMD...: run CMD in NS, echoing it when VERBOSE=1.
nsx()
{
	local ns=$1

	shift
	[ "$VERBOSE" = 1 ] && echo "# [$ns] $*" >&2
	ip netns exec "$ns" "$@"
}

# nse NS CMD...: as nsx, but enters only NS's network namespace (nsenter):
# ip netns exec also makes a mount namespace and mounts a /sys of NS, which
# under TCG costs several times the command itself. For commands that read
# nothing of NS under /sys (drlbctl, ping, arping, bash), not for reads of
# /sys/class/net.
nse()
{
	local ns=$1

	shift
	[ "$VERBOSE" = 1 ] && echo "# [$ns] $*" >&2
	nsenter --net="/run/netns/$ns" "$@"
}

# drlbctl in a namespace (or in the current one with ns "-").
dctl()
{
	local ns=$1

	shift
	if [ "$ns" = - ]; then
		"$DRLBCTL" "$@"
	else
		nsx "$ns" "$DRLBCTL" "$@"
	fi
}

# rounds FULL DEBUG: how many times a test repeats something - FULL on
# Debian's kernels, DEBUG on the debug kernel (DRLB_DEBUG_KERNEL=1, set by
# its guest.sh: KASAN, lockdep and kmemleak under TCG are 4-6x slower).
rounds()
{
	if [ "${DRLB_DEBUG_KERNEL:-0}" = 1 ]; then
		echo "$2"
	else
		echo "$1"
	fi
}

# ---- polling -------------------------------------------------------------

# nap SECS: sleep (fractions allowed) in the shell: a read with a timeout
# on a pipe nobody writes to. Under TCG a sleep process costs 0.1-0.3 s of
# CPU, more than most naps; the polls below nap thousands of times a run.
exec {NAP_FD}<> <(:)
nap()
{
	read -rt "$1" -u "$NAP_FD" _ || :
}

# busywait TIMEOUT_MS CMD...: retry CMD until it succeeds or time is up.
busywait()
{
	local timeout_ms=$1 start now

	shift
	start=${EPOCHREALTIME//[!0-9]/}
	while true; do
		"$@" && return 0
		now=${EPOCHREALTIME//[!0-9]/}
		[ $(((now - start) / 1000)) -lt "$timeout_ms" ] || return 1
		nap 0.05
	done
}

# slowwait TIMEOUT_S CMD...: as busywait, polling every 0.2 s.
slowwait()
{
	local deadline=$((SECONDS + $1))

	shift
	while true; do
		"$@" && return 0
		[ $SECONDS -lt $deadline ] || return 1
		nap 0.2
	done
}

# ---- the module ----------------------------------------------------------

drlb_loaded()
{
	[ -d /sys/module/drlb ]
}

# drlb_deps: load the modules drlb.ko needs (nf_defrag_ipv4); insmod,
# unlike modprobe, does not.
drlb_deps()
{
	local dep

	for dep in $(modinfo -F depends "$DRLB_KO" | tr ',' ' '); do
		modprobe -q "$dep" || return 1
	done
}

# drlb_load: insert the module built for the running kernel (idempotent).
drlb_load()
{
	drlb_loaded && return 0
	if [ ! -e "$DRLB_KO" ]; then
		echo "# $DRLB_KO missing: run 'make module KVER=$KREL'" >&2
		return 1
	fi
	drlb_deps && insmod "$DRLB_KO"
}

drlb_unload()
{
	drlb_loaded || return 0
	rmmod drlb
}

# kconfig SYM: the running kernel's CONFIG_SYM value, from its config in
# /boot (Debian's kernels) or in its build tree (the debug kernel's, which
# /lib/modules/REL/build points to); empty when neither has it.
kconfig()
{
	local f

	for f in "/boot/config-$(uname -r)" "/lib/modules/$(uname -r)/build/.config"; do
		[ -r "$f" ] || continue
		sed -n "s/^CONFIG_$1=//p" "$f"
		return
	done
}

# require_root: the tests need root (they run in the VM).
require_root()
{
	[ "$(id -u)" = 0 ] || skip_all "needs root (run in the VM: make check)"
}
