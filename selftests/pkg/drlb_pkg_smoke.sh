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
#     /etc/default/drlb says so) and flush. Without DRLB_UNIT those cases
#     are skipped.
#
# Every case loads the module itself if it is not loaded (modprobe: the
# installed one, never build/'s) and puts back what it changes; the unit's
# cases start from an unloaded module, unload it when they end and put
# /etc/drlb/drlb.conf and /etc/default/drlb back as they were.

# shellcheck source=../lib/lib.sh
source "$(dirname "$0")/../lib/lib.sh"
require_root

ALL_TESTS="
	modprobe_finds_dkms_module
	versions_agree
	config_set_show
	genl_alias_autoload
	ipvs_modprobe_conf
	unit_file_shape
	unit_start_applies_conf
	unit_stop_saves_start_restores
	unit_stop_without_save
	unit_stop_keeps_held_arp
"

want_version=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$TOP/dkms.conf")
diag "kernel $KREL, drlbctl $DRLBCTL, want version $want_version"
conf=/etc/drlb/drlb.conf
default=/etc/default/drlb

# need_module: the installed module loaded (modprobe); unloaded at the
# latest when the script ends.
need_module()
{
	drlb_loaded || modprobe drlb
}
defer drlb_unload

# keep_config: the module's configuration as it is now comes back when the
# case ends.
keep_config()
{
	local saved

	saved=$("$DRLBCTL" save) || return 1
	defer restore_text "$saved"
}

# restore_text TEXT: drlbctl restore from TEXT.
restore_text()
{
	"$DRLBCTL" restore - <<< "$1"
}

# config_lines KEY...: the config show lines of KEYs, in its order.
config_lines()
{
	local line key

	while IFS= read -r line; do
		for key; do
			[[ $line == "$key "* ]] && printf '%s\n' "$line"
		done
	done < <("$DRLBCTL" config show)
}

modprobe_finds_dkms_module()
{
	local path krel_re

	drlb_unload
	check "modprobe drlb loads the installed module" modprobe drlb
	path=$(modinfo -n drlb 2>&1)
	krel_re=${KREL//./\\.}
	krel_re=${krel_re//+/\\+}
	check_match "modprobe's drlb is dkms's, under updates/dkms" "$path" \
		"^/lib/modules/$krel_re/updates/dkms/drlb\.ko(\.xz|\.zst|\.gz)?$"
	check_eq "loaded module's version is dkms.conf's" \
		"$(cat /sys/module/drlb/version 2>/dev/null)" "$want_version"
}

# The packaged modprobe.d file, linked as README.md says: ipvsadm (which
# looks the IPVS family up, then runs `modprobe ip_vs`) gets dkms's
# drlb_ipvs, never the kernel's ip_vs. Only with the package installed
# (a dkms run from the tree ships no /usr/share file).
ipvs_modprobe_conf()
{
	local f=/usr/share/drlb/modprobe.d/drlb-ipvs.conf

	if [ ! -e "$f" ] || ! command -v ipvsadm >/dev/null; then
		tap_skip "drlb_ipvs through the packaged modprobe.d file" \
			"no $f or no ipvsadm"
		return 0
	fi
	ln -s "$f" /etc/modprobe.d/
	defer rm -f /etc/modprobe.d/drlb-ipvs.conf
	defer rmmod drlb_ipvs
	check_match "ipvsadm -Ln answers" "$(ipvsadm -Ln 2>&1)" \
		"^IP Virtual Server version 1\.2\.1"
	check_match "from dkms's drlb_ipvs" "$(modinfo -n drlb_ipvs 2>&1)" \
		"/updates/dkms/drlb_ipvs\.ko"
	check "which is loaded" test -d /sys/module/drlb_ipvs
	check_fail "and ip_vs is not" test -d /sys/module/ip_vs
}

versions_agree()
{
	local out

	need_module
	out=$("$DRLBCTL" version 2>&1)
	check_match "drlbctl version: tool $want_version" "$out" \
		"^drlbctl $want_version \(api [0-9]+\)$"
	check_match "drlbctl version: module $want_version" "$out" \
		"^drlb module $want_version \(api [0-9]+\)$"
	check_eq "no version-mismatch warning" "$(grep -c warning <<< "$out")" 0
}

config_set_show()
{
	need_module
	keep_config
	check "config set" "$DRLBCTL" config set conn-max 4242 mh-seed 7
	check_eq "config show reads it back" "$(config_lines conn-max mh-seed)" \
		$'conn-max 4242\nmh-seed 7'
}

# The genl family alias, resolved through the modules.alias that dkms'
# depmod wrote: no modprobe by hand.
genl_alias_autoload()
{
	need_module
	check "rmmod drlb" rmmod drlb
	check "drlbctl autoloads the installed module" "$DRLBCTL" config show
	check "module loaded by alias" drlb_loaded
}

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
			# shellcheck source=/dev/null
			[ -r "$default" ] && . "$default"
			set +a
			eval "$line"
		) || return 1
	done < <(unit_cmds "$1")
}

# need_unit: the unit's cases need DRLB_UNIT (the Debian package's run).
need_unit()
{
	[ -n "${DRLB_UNIT:-}" ] && return 0
	tap_skip "$1" "DRLB_UNIT not set"
	return 1
}

# keep_file FILE: FILE as it is now comes back when the case ends. (The
# VM's root is a throwaway overlay: the host's /etc is untouched anyway.)
keep_file()
{
	local text

	IFS= read -rd '' text < "$1"
	defer write_file "$1" "$text"
}

# write_file FILE TEXT: FILE holds exactly TEXT.
write_file()
{
	printf '%s' "$2" > "$1"
}

# set_save_on_stop yes|no: DRLB_SAVE_ON_STOP in /etc/default/drlb.
set_save_on_stop()
{
	sed -i "s/^DRLB_SAVE_ON_STOP=.*/DRLB_SAVE_ON_STOP=$1/" "$default"
}

unit_file_shape()
{
	need_unit "the unit's shape" || return 0
	check "unit is Type=oneshot with RemainAfterExit" \
		grep -qx 'RemainAfterExit=yes' "$DRLB_UNIT"
	check_match "unit's ExecStart loads drlb and restores $conf" \
		"$(unit_cmds ExecStart)" "modprobe drlb"
	check "the package's $conf exists" test -r "$conf"
}

unit_start_applies_conf()
{
	need_unit "the unit's ExecStart" || return 0
	keep_file "$conf"
	echo "config set conn-max 31337 timeout-udp 42" >> "$conf"
	drlb_unload
	defer drlb_unload
	check "unit ExecStart lines succeed" run_unit ExecStart
	check "module loaded by the unit" drlb_loaded
	check_eq "the unit applied $conf" "$(config_lines conn-max timeout-udp)" \
		$'timeout-udp 42\nconn-max 31337'
}

# Stop with DRLB_SAVE_ON_STOP=yes: the running config goes back to the
# file, and the next start brings it back.
unit_stop_saves_start_restores()
{
	local files

	need_unit "the unit's ExecStop with save" || return 0
	keep_file "$conf"
	keep_file "$default"
	defer drlb_unload
	need_module
	"$DRLBCTL" config set conn-max 27182
	set_save_on_stop yes
	check "unit ExecStop lines succeed (save on stop)" run_unit ExecStop
	check_match "ExecStop saved the running config to $conf" "$(< "$conf")" \
		"^config set .*conn-max 27182"
	files=(/etc/drlb/*)
	check_eq "no temporary file left in /etc/drlb" "${files[*]##*/}" drlb.conf
	drlb_unload
	check "unit ExecStart lines succeed again" run_unit ExecStart
	check_match "restart restored the saved config" "$("$DRLBCTL" config show)" \
		"^conn-max 27182$"
}

# Stop with DRLB_SAVE_ON_STOP=no: the file stays as it is.
unit_stop_without_save()
{
	local before after

	need_unit "the unit's ExecStop without save" || return 0
	keep_file "$conf"
	keep_file "$default"
	defer drlb_unload
	need_module
	IFS= read -rd '' before < "$conf"
	"$DRLBCTL" config set conn-max 99
	set_save_on_stop no
	check "unit ExecStop lines succeed (no save)" run_unit ExecStop
	IFS= read -rd '' after < "$conf"
	check_eq "ExecStop left $conf alone" "$after" "$before"
}

# A real server stopping drlb with its VIP still on lo keeps the VIP's ARP
# rule (else it would answer ARP for the VIP) and says so; once the
# address is gone, a stop deletes the rule.
unit_stop_keeps_held_arp()
{
	local vip=10.0.0.100 out

	need_unit "the unit's ExecStop on a real server" || return 0
	keep_file "$conf"
	keep_file "$default"
	defer drlb_unload
	need_module
	set_save_on_stop no
	defer "$DRLBCTL" arp del "$vip"
	"$DRLBCTL" arp add "$vip"
	ip addr add "$vip/32" dev lo
	defer ip addr del "$vip/32" dev lo
	out=$(run_unit ExecStop 2>&1)
	check_eq "unit ExecStop lines succeed with the VIP on lo" "$?" 0
	check_match "and say the VIP's ARP rule stays" "$out" \
		"keeping the ARP rule for $vip: lo still holds it"
	check_eq "the rule is still there" "$("$DRLBCTL" arp show)" "$vip"
	ip addr del "$vip/32" dev lo
	check "unit ExecStop lines succeed without the VIP" run_unit ExecStop
	check_eq "the rule is gone" "$("$DRLBCTL" arp show)" ""
}

tests_run
