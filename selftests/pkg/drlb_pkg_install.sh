#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_pkg_install.sh - make install / uninstall / modules_install /
# dkms-install into a DESTDIR, on the host (no root needed). TAP, through
# lib/lib.sh (which sets nothing up on the host: no root, no VM).
#
#   - make install puts exactly the expected files where DESTDIR, PREFIX,
#     SBINDIR, MANDIR, BASHCOMPDIR, SYSTEMDUNITDIR say (Debian's layout by
#     default, from pkg-config where it answers); the unit's paths follow
#     SBINDIR; ENVDIR=/etc/sysconfig moves the environment file and the
#     unit's EnvironmentFile (the RPM's layout);
#   - make uninstall leaves no file; an edited /etc/drlb/drlb.conf is the
#     admin's and survives both a reinstall and uninstall;
#   - make modules_install puts drlb.ko under lib/modules/<rel>/updates for
#     every kernel and runs depmod there;
#   - make dkms-install copies exactly the module sources.
#
# Every case installs into a DESTDIR of its own, removed when it ends.

# shellcheck source=../lib/lib.sh
source "$(dirname "$0")/../lib/lib.sh"

ALL_TESTS="
	install_default_layout
	uninstall_keeps_edited_config
	uninstall_removes_everything
	install_custom_dirs
	install_prefix_usr_local
	install_envdir_sysconfig
	modules_install_depmod
	dkms_kernel_range
	dkms_install_sources
"

cd "$TOP" || exit 1
version=$(make -s version)
make -s tools >/dev/null 2>&1

# files DIR: every file and link under DIR, as absolute paths below it.
files()
{
	(cd "$1" && find . -type f -o -type l | sed 's|^\./|/|' | sort)
}

# destdir VAR: a fresh DESTDIR in VAR, removed when the case ends.
destdir()
{
	local dir

	dir=$(mktemp -d) || return 1
	defer rm -rf "$dir"
	printf -v "$1" '%s' "$dir"
}

# The directories of the custom layout, for install and uninstall alike.
custom_dirs=(PREFIX=/opt/drlb SBINDIR=/opt/drlb/bin MANDIR=/opt/drlb/man
	     BASHCOMPDIR=/opt/drlb/bash SYSTEMDUNITDIR=/opt/drlb/units
	     MODULESLOADDIR=/opt/drlb/modules-load.d SYSCONFDIR=/opt/drlb/etc)

install_default_layout()
{
	local d v unit f out

	destdir d
	check "make install DESTDIR=... (defaults)" make -s install DESTDIR="$d"
	check_eq "default layout" "$(files "$d")" "$(sort <<-EOF
		/etc/default/drlb
		/etc/drlb/drlb.conf
		/lib/systemd/system/drlb.service
		/usr/lib/modules-load.d/drlb.conf
		/usr/sbin/drlbctl
		/usr/share/bash-completion/completions/drlbctl
		/usr/share/man/man8/drlbctl.8
		EOF
	)"
	check_eq "installed drlbctl runs, version $version" \
		"$("$d/usr/sbin/drlbctl" -V 2>&1)" "drlbctl $version"
	unit=$d/lib/systemd/system/drlb.service
	check_eq "unit: ExecStart lines" "$(grep '^ExecStart=' "$unit")" \
		"ExecStart=/sbin/modprobe drlb
ExecStart=/usr/sbin/drlbctl restore /etc/drlb/drlb.conf"
	check_eq "unit: no @VARIABLE@ left" "$(grep -c @ "$unit")" 0
	if command -v systemd-analyze >/dev/null; then
		# verify wants the binaries at their final paths: point it at
		# DESTDIR's.
		destdir v
		sed "s|/usr/sbin/drlbctl|$d/usr/sbin/drlbctl|g" "$unit" > "$v/drlb.service"
		out=$(systemd-analyze verify --man=no "$v/drlb.service" 2>&1 |
		      grep -v -e 'network-online.target' -e 'Cannot add dependency' \
			   -e 'systemd-modules-load')
		check_eq "systemd-analyze verify drlb.service" "$out" ""
	fi
	check_eq "modules-load.d names drlb" \
		"$(grep -v '^#' "$d/usr/lib/modules-load.d/drlb.conf")" drlb
	for f in /lib/systemd/system/drlb.service /usr/share/man/man8/drlbctl.8 \
		 /etc/drlb/drlb.conf; do
		check_eq "mode 0644: $f" "$(stat -c %a "$d$f")" 644
	done
	check_eq "mode 0755: /usr/sbin/drlbctl" "$(stat -c %a "$d/usr/sbin/drlbctl")" 755
}

# The admin's config survives reinstall and uninstall.
uninstall_keeps_edited_config()
{
	local d

	destdir d
	check "make install DESTDIR=..." make -s install DESTDIR="$d"
	echo "config set conn-max 5" >> "$d/etc/drlb/drlb.conf"
	check "reinstall over an edited config" make -s install DESTDIR="$d"
	check_eq "reinstall kept the edited /etc/drlb/drlb.conf" \
		"$(tail -n 1 "$d/etc/drlb/drlb.conf")" "config set conn-max 5"
	check "make uninstall" make -s uninstall DESTDIR="$d"
	check_eq "uninstall left only the edited config" "$(files "$d")" \
		"/etc/drlb/drlb.conf"
}

uninstall_removes_everything()
{
	local d

	destdir d
	make -s install DESTDIR="$d" >/dev/null 2>&1
	check "install, then make uninstall" make -s uninstall DESTDIR="$d"
	check_eq "uninstall leaves no file" "$(files "$d")" ""
}

install_custom_dirs()
{
	local d

	destdir d
	check "make install with PREFIX SBINDIR MANDIR BASHCOMPDIR SYSTEMDUNITDIR SYSCONFDIR" \
		make -s install DESTDIR="$d" "${custom_dirs[@]}"
	check_eq "custom layout" "$(files "$d")" "$(sort <<-EOF
		/opt/drlb/bash/drlbctl
		/opt/drlb/bin/drlbctl
		/opt/drlb/etc/default/drlb
		/opt/drlb/etc/drlb/drlb.conf
		/opt/drlb/man/man8/drlbctl.8
		/opt/drlb/modules-load.d/drlb.conf
		/opt/drlb/units/drlb.service
		EOF
	)"
	check_eq "unit follows SBINDIR and SYSCONFDIR" \
		"$(grep -E '^(ExecStart|EnvironmentFile)=' "$d/opt/drlb/units/drlb.service")" \
		"EnvironmentFile=-/opt/drlb/etc/default/drlb
ExecStart=/sbin/modprobe drlb
ExecStart=/opt/drlb/bin/drlbctl restore /opt/drlb/etc/drlb/drlb.conf"
	check "make uninstall (same variables)" \
		make -s uninstall DESTDIR="$d" "${custom_dirs[@]}"
	check_eq "uninstall leaves no file" "$(files "$d")" ""
}

install_prefix_usr_local()
{
	local d f

	destdir d
	check "make install PREFIX=/usr/local" make -s install DESTDIR="$d" PREFIX=/usr/local
	for f in /usr/local/sbin/drlbctl /usr/local/share/man/man8/drlbctl.8 \
		 /usr/local/share/bash-completion/completions/drlbctl; do
		if [ -e "$d$f" ]; then
			tap_ok "PREFIX=/usr/local: $f"
		else
			tap_fail "PREFIX=/usr/local: $f" "$(files "$d")"
		fi
	done
	check_eq "PREFIX=/usr/local: the unit runs /usr/local/sbin/drlbctl only" \
		"$(grep -o '/[a-z/]*sbin/drlbctl' "$d/lib/systemd/system/drlb.service" | sort -u)" \
		/usr/local/sbin/drlbctl
}

# The RPM's layout: the environment file in /etc/sysconfig.
install_envdir_sysconfig()
{
	local d

	destdir d
	check "make install ENVDIR=/etc/sysconfig" make -s install DESTDIR="$d" ENVDIR=/etc/sysconfig
	check_eq "ENVDIR: /etc/sysconfig/drlb, no /etc/default" \
		"$(files "$d" | grep '^/etc/')" "/etc/drlb/drlb.conf
/etc/sysconfig/drlb"
	check_eq "ENVDIR: the unit's EnvironmentFile follows" \
		"$(grep '^EnvironmentFile=' "$d/lib/systemd/system/drlb.service")" \
		"EnvironmentFile=-/etc/sysconfig/drlb"
	check "make uninstall ENVDIR=/etc/sysconfig" make -s uninstall DESTDIR="$d" ENVDIR=/etc/sysconfig
	check_eq "uninstall leaves no file" "$(files "$d")" ""
}

modules_install_depmod()
{
	local d k ko

	destdir d
	for k in $(scripts/kver.sh "${KVER:-all}"); do
		check "make modules_install DESTDIR=... KVER=$k" \
			make -s modules_install DESTDIR="$d" KVER="$k"
		ko=$(ls "$d/lib/modules/$k/updates/"drlb.ko* 2>/dev/null)
		if [ -n "$ko" ] && [ "$(modinfo -F version "$ko")" = "$version" ]; then
			tap_ok "$k: ${ko#"$d"}, version $version"
		else
			tap_fail "$k: drlb.ko in updates/ with version $version" "$(files "$d")"
		fi
		check "$k: depmod ran (modules.dep lists drlb)" \
			grep -q '^updates/drlb.ko.*:' "$d/lib/modules/$k/modules.dep"
	done
}

# dkms tests BUILD_EXCLUSIVE_KERNEL with bash's =~ against the release.
dkms_kernel_range()
{
	local re k

	re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' dkms.conf)
	for k in 6.1.0-56-amd64 6.12.117+deb12-amd64 6.5.0-1-amd64 6.12.0; do
		if [[ $k =~ $re ]]; then
			tap_ok "dkms builds for $k"
		else
			tap_fail "dkms builds for $k" "regex: $re"
		fi
	done
	for k in 5.10.0-30-amd64 6.0.0-1-amd64 6.13.2-amd64 6.18.44-fc 7.1.0; do
		if [[ $k =~ $re ]]; then
			tap_fail "dkms skips $k" "regex: $re"
		else
			tap_ok "dkms skips $k"
		fi
	done
	for k in $(scripts/kver.sh all); do
		if [[ $k =~ $re ]]; then
			tap_ok "installed kernel $k is in dkms.conf's range"
		else
			tap_fail "installed kernel $k is in dkms.conf's range" "regex: $re"
		fi
	done
}

dkms_install_sources()
{
	local d

	destdir d
	check "make dkms-install DESTDIR=..." make -s dkms-install DESTDIR="$d"
	check_eq "dkms-install: exactly the module sources" \
		"$(cd "$d/usr/src/drlb-$version" && find . -type f | sed 's|^\./||' | sort)" \
		"$(printf '%s\n' Kbuild dkms.conf LICENSE kmod/*.[ch] kmod/ipvs/*.[ch] include/uapi/linux/drlb.h | sort)"
	check "and drlb_ipvs's modprobe.d file, not enabled" \
		cmp kmod/ipvs/modprobe.conf "$d/usr/share/drlb/modprobe.d/drlb-ipvs.conf"
	check "make dkms-uninstall" make -s dkms-uninstall DESTDIR="$d"
	check_eq "dkms-uninstall leaves nothing" "$(files "$d")" ""
}

tests_run
