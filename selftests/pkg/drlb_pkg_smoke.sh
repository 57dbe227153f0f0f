#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_pkg_smoke.sh - the INSTALLED drlb, as a user gets it from dkms or the
# Debian packages, in the test VM (run by check-packages.sh, not by make
# check: it needs the module installed on the host first).
#
#   - `modprobe drlb` finds the module dkms installed under
#     /lib/modules/<rel>/updates/dkms (the host ran depmod), with
#     dkms.conf's version; the genl family alias autoloads it too;
#   - drlbctl ($DRLBCTL, /usr/sbin/drlbctl for the packages) reports the
#     same version on both sides, and config set/show works;
#   - with DRLB_UNIT=path/to/drlb.service: the unit's ExecStart lines, run
#     as systemd would (systemd is not PID 1 in the VM), load drlb and
#     apply /etc/drlb/drlb.conf; its ExecStop lines save (when
#     /etc/default/drlb says so) and flush.

source "$(dirname "$0")/../lib/lib.sh"
require_root

want_version=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$TOP/dkms.conf")
diag "kernel $KREL, drlbctl $DRLBCTL, want version $want_version"

drlb_unload
check "modprobe drlb loads the installed module" modprobe drlb
path=$(modinfo -n drlb 2>&1)
krel_re=$(printf '%s' "$KREL" | sed 's/[.+]/\\&/g')
check_match "modprobe's drlb is dkms's, under updates/dkms" "$path" \
	"^/lib/modules/$krel_re/updates/dkms/drlb\.ko(\.xz|\.zst|\.gz)?$"
check_eq "loaded module's version is dkms.conf's" \
	"$(cat /sys/module/drlb/version 2>/dev/null)" "$want_version"

out=$("$DRLBCTL" version 2>&1)
check_match "drlbctl version: tool $want_version" "$out" \
	"^drlbctl $want_version \(api [0-9]+\)$"
check_match "drlbctl version: module $want_version" "$out" \
	"^drlb module $want_version \(api [0-9]+\)$"
check_eq "no version-mismatch warning" "$(grep -c warning <<< "$out")" 0

check "config set" "$DRLBCTL" config set conn-max 4242 mh-seed 7
check_eq "config show reads it back" \
	"$("$DRLBCTL" config show | grep -E '^(conn-max|mh-seed) ')" \
	$'conn-max 4242\nmh-seed 7'

# The genl family alias, resolved through the modules.alias that dkms'
# depmod wrote: no modprobe by hand.
check "rmmod drlb" rmmod drlb
check "drlbctl autoloads the installed module" "$DRLBCTL" config show
check "module loaded by alias" drlb_loaded
drlb_unload

[ -n "${DRLB_UNIT:-}" ] || exit 0

# ---- the systemd unit, its commands run as systemd would -----------------

# unit_cmds KEY: the unit's KEY= command lines, with systemd's "-" prefix
# and "$$" escapes undone.
unit_cmds()
{
	sed -n "s/^$1=//p" "$DRLB_UNIT" | sed 's/^-//; s/\$\$/$/g'
}

# run_unit KEY: run every KEY= line in order, stop at the first failure.
run_unit()
{
	local line

	while IFS= read -r line; do
		echo "# $1: $line"
		(
			set -a
			[ -r /etc/default/drlb ] && . /etc/default/drlb
			set +a
			eval "$line"
		) || return 1
	done < <(unit_cmds "$1")
}

check "unit is Type=oneshot with RemainAfterExit" \
	grep -qx 'RemainAfterExit=yes' "$DRLB_UNIT"
check_match "unit's ExecStart loads drlb and restores /etc/drlb/drlb.conf" \
	"$(unit_cmds ExecStart)" "modprobe drlb"
conf=/etc/drlb/drlb.conf
check "the package's $conf exists" test -r "$conf"
# (The VM's root is a throwaway overlay: the host's /etc is untouched.)
orig=$(mktemp)
cp "$conf" "$orig"
defer cp "$orig" "$conf"
{ cat "$orig"; echo "config set conn-max 31337 timeout-udp 42"; } > "$conf"

drlb_unload
check "unit ExecStart lines succeed" run_unit ExecStart
check "module loaded by the unit" drlb_loaded
check_eq "the unit applied $conf" \
	"$("$DRLBCTL" config show | grep -E '^(conn-max|timeout-udp) ')" \
	$'timeout-udp 42\nconn-max 31337'

# Stop with DRLB_SAVE_ON_STOP=yes: the running config goes back to the file.
"$DRLBCTL" config set conn-max 27182
orig_default=$(mktemp)
cp /etc/default/drlb "$orig_default"
defer cp "$orig_default" /etc/default/drlb
sed -i 's/^DRLB_SAVE_ON_STOP=.*/DRLB_SAVE_ON_STOP=yes/' /etc/default/drlb
check "unit ExecStop lines succeed (save on stop)" run_unit ExecStop
check_match "ExecStop saved the running config to $conf" "$(cat "$conf")" \
	"^config set .*conn-max 27182"
check_eq "no temporary file left in /etc/drlb" "$(ls /etc/drlb)" drlb.conf

# Stop with DRLB_SAVE_ON_STOP=no: the file stays as it is.
saved=$(mktemp)
cp "$conf" "$saved"
"$DRLBCTL" config set conn-max 99
sed -i 's/^DRLB_SAVE_ON_STOP=.*/DRLB_SAVE_ON_STOP=no/' /etc/default/drlb
check "unit ExecStop lines succeed (no save)" run_unit ExecStop
check "ExecStop left $conf alone" cmp -s "$conf" "$saved"

# Start again from the saved file: the config comes back.
drlb_unload
check "unit ExecStart lines succeed again" run_unit ExecStart
check_match "restart restored the saved config" "$("$DRLBCTL" config show)" \
	"^conn-max 27182$"
drlb_unload
