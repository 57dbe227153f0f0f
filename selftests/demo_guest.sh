#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo's guest half (run inside the VM by demo.sh).
set -eu
source "$(dirname "$0")/lib.sh" >/dev/null
trap - EXIT
show() { echo; echo "\$ $*"; "$@"; }
echo "== drlb demo on $(uname -r)"
drlb_deps
show insmod "$DRLB_KO"
show "$DRLBCTL" version
show "$DRLBCTL" config show
show "$DRLBCTL" -j version
