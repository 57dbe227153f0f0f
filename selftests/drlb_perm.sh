#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Permissions: changing drlb needs CAP_NET_ADMIN in the initial user
# namespace (GENL_ADMIN_PERM, as IPVS). Unprivileged users, root without
# the capability and root of an unprivileged user namespace are refused
# with EPERM and a clear message, and nothing changes.

source "$(dirname "$0")/lib.sh"
require_root
drlb_load

command -v setpriv >/dev/null || skip_all "setpriv missing"
before=$("$DRLBCTL" -j config show)

expect_eperm()
{
	local desc=$1 out rc

	shift
	out=$("$@" "$DRLBCTL" config set conn-max 5 2>&1) && rc=0 || rc=$?
	if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'Operation not permitted' &&
	   printf '%s' "$out" | grep -q 'CAP_NET_ADMIN'; then
		tap_ok "$desc: refused with EPERM and a hint"
	else
		tap_fail "$desc: refused with EPERM and a hint" "exit $rc" "$out"
	fi
}

expect_eperm "user nobody" setpriv --reuid=65534 --regid=65534 --clear-groups
expect_eperm "root without CAP_NET_ADMIN" \
	setpriv --inh-caps=-net_admin --bounding-set=-net_admin
expect_eperm "root of a user namespace in its own netns" unshare -Urn
expect_eperm "root of a user namespace, initial netns" unshare -Ur

check "an unprivileged user may read settings" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DRLBCTL" config show
check_eq "settings unchanged" "$("$DRLBCTL" -j config show)" "$before"
check "root with CAP_NET_ADMIN may change them" "$DRLBCTL" config set conn-max 5
