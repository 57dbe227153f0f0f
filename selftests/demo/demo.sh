#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - boot the test VM on a Debian kernel, load drlb and show it
# answering drlbctl. KVER=6.1|6.12 picks the kernel (default: newest).
set -eu
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
krel=$(scripts/kver.sh "${KVER:-all}" | tail -n 1)
make -s module KVER="$krel" tools
exec selftests/vm/vmrun.sh -k "$krel" -o "$top/build/demo-$krel" -- \
	"selftests/demo/guest.sh"
