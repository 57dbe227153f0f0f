#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink fuzzing (drlb_nlfuzz): generated, well-formed and mutated
# requests, with a concurrent dumper, in a namespace of its own; then the
# module must still answer, its state must be consistent, and dmesg clean
# (the VM runner's gate). FUZZ_COUNT sets the number of requests (make
# check uses a short run; check-debug the full 100 000).

source "$(dirname "$0")/lib/lib.sh"
require_root

ALL_TESTS="
	fuzz_then_unload
"

seed=${FUZZ_SEED:-$EPOCHSECONDS}
count=${FUZZ_COUNT:-20000}

# The fuzzer in a namespace of its own, which still holds what it left
# when the module unloads.
fuzz_then_unload()
{
	local fz line

	defer drlb_unload
	drlb_load || { tap_fail "load drlb.ko"; return; }
	setup_ns fz
	diag "seed $seed (FUZZ_SEED=$seed to repeat), $count requests"
	while IFS= read -r line; do
		case "$line" in
		"ok "*)		tap_ok "nlfuzz: ${line#ok * - }" ;;
		"not ok "*)	tap_fail "nlfuzz: ${line#not ok * - } (FUZZ_SEED=$seed)" ;;
		"#"*)		echo "$line" ;;
		esac
	done < <(nse "$fz" "$TOP/selftests/helpers/drlb_nlfuzz" -n "$count" -s "$seed" -c 2>&1)
	check "module unloads after fuzzing" rmmod drlb
}

tests_run
