#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_pkg_install.sh - make install / uninstall / modules_install /
# dkms-install into a DESTDIR, on the host (no root needed). TAP.
#
#   - make install puts exactly the expected files where DESTDIR, PREFIX,
#     SBINDIR, MANDIR, BASHCOMPDIR, SYSTEMDUNITDIR say (Debian's layout by
#     default, from pkg-config where it answers); the unit's paths follow
#     SBINDIR;
#   - make uninstall leaves no file; an edited /etc/drlb/drlb.conf is the
#     admin's and survives both a reinstall and uninstall;
#   - make modules_install puts drlb.ko under lib/modules/<rel>/updates for
#     every kernel and runs depmod there;
#   - make dkms-install copies exactly the module sources.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '#   %s\n' "$@"; }
is() { if [ "$2" == "$3" ]; then ok "$1"; else nok "$1" "got:" "$2" "want:" "$3"; fi; }
run() { local d=$1; shift; if out=$("$@" 2>&1); then ok "$d"; else nok "$d" "$(tail -n 5 <<< "$out")"; fi; }
files() { (cd "$1" && find . -type f -o -type l | sed 's|^\./|/|' | sort); }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(make -s version)
make -s tools >/dev/null 2>&1

# ---- defaults -----------------------------------------------------------------
d=$tmp/default
run "make install DESTDIR=... (defaults)" make -s install DESTDIR="$d"
is "default layout" "$(files "$d")" "$(sort <<EOF2
/etc/default/drlb
/etc/drlb/drlb.conf
/lib/systemd/system/drlb.service
/usr/lib/modules-load.d/drlb.conf
/usr/sbin/drlbctl
/usr/share/bash-completion/completions/drlbctl
/usr/share/man/man8/drlbctl.8
EOF2
)"
if [ -x "$d/usr/sbin/drlbctl" ] && "$d/usr/sbin/drlbctl" -V | grep -qx "drlbctl $version"; then
	ok "installed drlbctl runs, version $version"
else
	nok "installed drlbctl runs, version $version"
fi
is "unit: ExecStart lines" "$(grep '^ExecStart=' "$d/lib/systemd/system/drlb.service")" \
	"ExecStart=/sbin/modprobe drlb
ExecStart=/usr/sbin/drlbctl restore /etc/drlb/drlb.conf"
is "unit: no @VARIABLE@ left" "$(grep -c @ "$d/lib/systemd/system/drlb.service")" 0
if command -v systemd-analyze >/dev/null; then
	# verify wants the binaries at their final paths: point it at DESTDIR's.
	sed "s|/usr/sbin/drlbctl|$d/usr/sbin/drlbctl|g" "$d/lib/systemd/system/drlb.service" > "$tmp/drlb.service"
	out=$(systemd-analyze verify --man=no "$tmp/drlb.service" 2>&1 | grep -v -e 'network-online.target' -e 'Cannot add dependency' -e 'systemd-modules-load')
	is "systemd-analyze verify drlb.service" "$out" ""
fi
is "modules-load.d names drlb" "$(grep -v '^#' "$d/usr/lib/modules-load.d/drlb.conf")" drlb
for f in /lib/systemd/system/drlb.service /usr/share/man/man8/drlbctl.8 /etc/drlb/drlb.conf; do
	is "mode 0644: $f" "$(stat -c %a "$d$f")" 644
done
is "mode 0755: /usr/sbin/drlbctl" "$(stat -c %a "$d/usr/sbin/drlbctl")" 755

# The admin's config survives reinstall and uninstall.
echo "config set conn-max 5" >> "$d/etc/drlb/drlb.conf"
run "reinstall over an edited config" make -s install DESTDIR="$d"
is "reinstall kept the edited /etc/drlb/drlb.conf" "$(tail -n 1 "$d/etc/drlb/drlb.conf")" \
	"config set conn-max 5"
run "make uninstall" make -s uninstall DESTDIR="$d"
is "uninstall left only the edited config" "$(files "$d")" "/etc/drlb/drlb.conf"
rm -f "$d/etc/drlb/drlb.conf"
make -s install DESTDIR="$d" >/dev/null 2>&1
run "install, then make uninstall" make -s uninstall DESTDIR="$d"
is "uninstall leaves no file" "$(files "$d")" ""

# ---- every directory given ----------------------------------------------------------
d=$tmp/custom
run "make install with PREFIX SBINDIR MANDIR BASHCOMPDIR SYSTEMDUNITDIR SYSCONFDIR" \
	make -s install DESTDIR="$d" PREFIX=/opt/drlb SBINDIR=/opt/drlb/bin \
	MANDIR=/opt/drlb/man BASHCOMPDIR=/opt/drlb/bash SYSTEMDUNITDIR=/opt/drlb/units \
	MODULESLOADDIR=/opt/drlb/modules-load.d SYSCONFDIR=/opt/drlb/etc
is "custom layout" "$(files "$d")" "$(sort <<EOF2
/opt/drlb/bash/drlbctl
/opt/drlb/bin/drlbctl
/opt/drlb/etc/default/drlb
/opt/drlb/etc/drlb/drlb.conf
/opt/drlb/man/man8/drlbctl.8
/opt/drlb/modules-load.d/drlb.conf
/opt/drlb/units/drlb.service
EOF2
)"
is "unit follows SBINDIR and SYSCONFDIR" \
	"$(grep -E '^(ExecStart|EnvironmentFile)=' "$d/opt/drlb/units/drlb.service")" \
	"EnvironmentFile=-/opt/drlb/etc/default/drlb
ExecStart=/sbin/modprobe drlb
ExecStart=/opt/drlb/bin/drlbctl restore /opt/drlb/etc/drlb/drlb.conf"
run "make uninstall (same variables)" make -s uninstall DESTDIR="$d" PREFIX=/opt/drlb \
	SBINDIR=/opt/drlb/bin MANDIR=/opt/drlb/man BASHCOMPDIR=/opt/drlb/bash \
	SYSTEMDUNITDIR=/opt/drlb/units MODULESLOADDIR=/opt/drlb/modules-load.d SYSCONFDIR=/opt/drlb/etc
is "uninstall leaves no file" "$(files "$d")" ""

d=$tmp/local
run "make install PREFIX=/usr/local" make -s install DESTDIR="$d" PREFIX=/usr/local
for f in /usr/local/sbin/drlbctl /usr/local/share/man/man8/drlbctl.8 \
	 /usr/local/share/bash-completion/completions/drlbctl; do
	if [ -e "$d$f" ]; then ok "PREFIX=/usr/local: $f"; else nok "PREFIX=/usr/local: $f" "$(files "$d")"; fi
done
is "PREFIX=/usr/local: the unit runs /usr/local/sbin/drlbctl only" \
	"$(grep -o '/[a-z/]*sbin/drlbctl' "$d/lib/systemd/system/drlb.service" | sort -u)" /usr/local/sbin/drlbctl

# ---- modules_install ----------------------------------------------------------------
d=$tmp/mod
for k in $(scripts/kver.sh "${KVER:-all}"); do
	run "make modules_install DESTDIR=... KVER=$k" make -s modules_install DESTDIR="$d" KVER="$k"
	ko=$(ls "$d/lib/modules/$k/updates/"drlb.ko* 2>/dev/null)
	if [ -n "$ko" ] && [ "$(modinfo -F version "$ko")" = "$version" ]; then
		ok "$k: ${ko#"$d"}, version $version"
	else
		nok "$k: drlb.ko in updates/ with version $version" "$(files "$d")"
	fi
	if grep -q '^updates/drlb.ko.*:' "$d/lib/modules/$k/modules.dep" 2>/dev/null; then
		ok "$k: depmod ran (modules.dep lists drlb)"
	else
		nok "$k: depmod ran (modules.dep lists drlb)"
	fi
done

# ---- dkms.conf's kernel range -------------------------------------------------------
# dkms tests BUILD_EXCLUSIVE_KERNEL with bash's =~ against the release.
re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' dkms.conf)
for k in 6.1.0-56-amd64 6.12.117+deb12-amd64 6.5.0-1-amd64 6.12.0; do
	if [[ $k =~ $re ]]; then ok "dkms builds for $k"; else nok "dkms builds for $k" "regex: $re"; fi
done
for k in 5.10.0-30-amd64 6.0.0-1-amd64 6.13.2-amd64 6.18.44-fc 7.1.0; do
	if [[ $k =~ $re ]]; then nok "dkms skips $k" "regex: $re"; else ok "dkms skips $k"; fi
done
for k in $(scripts/kver.sh all); do
	if [[ $k =~ $re ]]; then ok "installed kernel $k is in dkms.conf's range"; else nok "installed kernel $k is in dkms.conf's range"; fi
done

# ---- dkms-install -----------------------------------------------------------------
d=$tmp/dkms
run "make dkms-install DESTDIR=..." make -s dkms-install DESTDIR="$d"
is "dkms-install: exactly the module sources" "$(cd "$d/usr/src/drlb-$version" && find . -type f | sed 's|^\./||' | sort)" \
	"$(printf '%s\n' Kbuild dkms.conf LICENSE kmod/*.[ch] include/uapi/linux/drlb.h | sort)"
run "make dkms-uninstall" make -s dkms-uninstall DESTDIR="$d"
is "dkms-uninstall leaves nothing" "$(files "$d")" ""

echo "1..$n"
[ $failed = 0 ]
