#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-packages.sh - what `make check-packages` runs (CI runs it after
# make check), as root on a Debian 12 machine. TAP under
# build/results-pkg/, summed by prove.
#
#   1. dkms from the tree: make dkms-install installs exactly the module
#      sources, dkms adds them, dkms remove and make dkms-uninstall leave
#      nothing; with DKMS_KRELS=newest (or all) dkms also builds and
#      installs them and the VM loads the dkms module with modprobe and
#      smoke-tests it (drlb_pkg_smoke.sh). By default the package of 3.
#      does that for every kernel, its sources checked to be these.
#   2. make install / uninstall into a DESTDIR: the file list, and nothing
#      left after uninstall; make modules_install with depmod.
#   3. The Debian packages: dpkg-buildpackage -us -uc -b, lintian (no
#      errors), install both on this machine, dkms built the module for
#      every kernel from make dkms-install's very files, the VM smoke test against the installed files
#      (/usr/sbin/drlbctl, the unit's ExecStart/ExecStop, /etc/drlb), then
#      drlb.service under systemd as PID 1 (drlb_pkg_systemd.sh), then
#      purge: no file left, dkms status empty.
#   4. The RPMs (drlb_pkg_rpm.sh, host only, nothing installed): make rpm,
#      rpmlint, their files compared with the .debs' path by path, the
#      scriptlets shellchecked, the packaged module sources built by dkms
#      for the newest kernel (DKMS_KRELS=all: every one) in a private
#      dkms tree.
#
# The machine is shared: an installed drlb-dkms puts drlb.ko into
# /lib/modules, which other test VMs see (they insmod build/<rel>/drlb.ko
# explicitly, so they are unaffected). Leftovers of an earlier run are
# purged first and everything is purged at the end, pass or fail.
#
#   selftests/pkg/check-packages.sh [--build-only] [--no-vm] [PART...]
#   PART: dkms install deb rpm (default: all four)
#   KVER=6.12 limits the kernels as for make check.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
export PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive

build_only=0
vm=1
parts=()
for a; do
	case $a in
	--build-only)	build_only=1 ;;
	--no-vm)	vm=0 ;;
	dkms|install|deb|rpm) parts+=("$a") ;;
	*)	echo "usage: check-packages.sh [--build-only] [--no-vm] [dkms|install|deb|rpm]..." >&2
		exit 2 ;;
	esac
done
[ ${#parts[@]} -gt 0 ] || parts=(dkms install deb rpm)
want() { [[ " ${parts[*]} " == *" $1 "* ]]; }

version=$(make -s version)
krels=$(scripts/kver.sh "${KVER:-all}") || exit 1
res=$top/build/results-pkg
debdir=$top/build/deb
start=$SECONDS

if [ $build_only = 0 ] && [ "$(id -u)" != 0 ]; then
	echo "check-packages: needs root (dkms, dpkg)" >&2
	exit 2
fi

# ---- TAP, as in check.sh (tapfile, step, tapdone) -------------------------

source "$top/selftests/lib/runner.sh"

# ---- helpers --------------------------------------------------------------

# Everything drlb could have left on this machine, removed. Idempotent.
purge_all()
{
	local pkgs=() p

	for p in drlbctl drlb-dkms; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv '^unknown ok not-installed$' &&
			pkgs+=("$p")
	done
	[ ${#pkgs[@]} -eq 0 ] || dpkg --purge "${pkgs[@]}"
	if [ -d /var/lib/dkms/drlb ]; then
		dkms remove -m drlb --all || true
		rm -rf /var/lib/dkms/drlb
	fi
	rm -rf /usr/src/drlb-*
	local changed=
	for f in /lib/modules/*/updates/dkms/drlb.ko*; do
		[ -e "$f" ] || continue
		rm -f "$f"
		changed+=" $(echo "$f" | cut -d/ -f4)"
	done
	for k in $changed; do depmod -a "$k"; done
	return 0
}

# The files drlb may own outside dpkg's database, for "nothing left".
drlb_leftovers()
{
	ls -d /usr/src/drlb-* /var/lib/dkms/drlb /lib/modules/*/updates/dkms/drlb.ko* \
		/etc/drlb /etc/default/drlb /usr/sbin/drlbctl \
		/usr/share/man/man8/drlbctl.8* /usr/share/bash-completion/completions/drlbctl \
		/lib/systemd/system/drlb.service /usr/lib/systemd/system/drlb.service \
		/usr/lib/modules-load.d/drlb.conf /etc/systemd/system/*/drlb.service \
		2>/dev/null
	dkms status -m drlb 2>/dev/null
	return 0
}

nothing_left()
{
	local left

	left=$(drlb_leftovers)
	[ -z "$left" ] && return 0
	echo "left behind:"
	echo "$left"
	return 1
}

# vm_smoke KREL DRLBCTL [UNIT]: drlb_pkg_smoke.sh in the VM on KREL.
vm_smoke()
{
	local k=$1 out=$res/vm-$2-$1

	mkdir -p "$out"
	selftests/vm/vmrun.sh -k "$k" -o "$out" -t "${VM_TIMEOUT:-600}" -- \
		"DRLBCTL=$3 DRLB_UNIT=${4:-} selftests/pkg/drlb_pkg_smoke.sh | tee $out/smoke.tap; exit \${PIPESTATUS[0]}"
}

# vm_systemd KREL: drlb_pkg_systemd.sh in a VM on KREL booted with
# systemd as PID 1, the packages installed; its root's changes (drlb
# enabled) kept for vm_systemd_boot.
vm_systemd()
{
	local k=$1 out=$res/vm-systemd-$1

	mkdir -p "$out"
	rm -f "$out/root.tar"
	selftests/vm/vmrun.sh -k "$k" --systemd --state "$out/root.tar" -o "$out" \
		-t "${VM_TIMEOUT:-600}" -- \
		"selftests/pkg/drlb_pkg_systemd.sh | tee $out/systemd.tap; exit \${PIPESTATUS[0]}"
}

# vm_systemd_boot KREL: the next boot of that root, systemd booting its
# default target: drlb.service started by the boot.
vm_systemd_boot()
{
	local k=$1 out=$res/vm-systemd-$1

	[ -s "$out/root.tar" ] || { echo "no root.tar from the first boot"; return 1; }
	mkdir -p "$out/boot2"
	selftests/vm/vmrun.sh -k "$k" --systemd-boot --state "$out/root.tar" \
		-o "$out/boot2" -t "${VM_TIMEOUT:-600}" -- \
		"DRLB_SYSTEMD_BOOT=2 selftests/pkg/drlb_pkg_systemd.sh | tee $out/boot2/systemd.tap; exit \${PIPESTATUS[0]}"
}

dkms_module_path()
{
	ls /lib/modules/"$1"/updates/dkms/drlb.ko* 2>/dev/null
}

# dkms_installed KREL: dkms says installed, the file exists, modinfo agrees.
dkms_installed()
{
	local k=$1 f

	dkms status -m drlb -v "$version" -k "$k" | tee /dev/stderr | grep -q ': installed' || return 1
	if ! f=$(dkms_module_path "$k") || [ -z "$f" ]; then
		echo "no drlb.ko in updates/dkms for $k"
		return 1
	fi
	[ "$(modinfo -F version "$f")" = "$version" ] || { echo "modinfo version of $f is not $version"; return 1; }
	[ "$(modinfo -F vermagic "$f" | cut -d' ' -f1)" = "$k" ] || { echo "$f: wrong vermagic"; return 1; }
	modprobe -S "$k" --show-depends drlb | grep -q "updates/dkms/drlb.ko" ||
		{ echo "modprobe -S $k does not find drlb (depmod not run?)"; return 1; }
	modprobe -S "$k" --show-depends drlb_ipvs | grep -q "updates/dkms/drlb_ipvs.ko" ||
		{ echo "modprobe -S $k does not find drlb_ipvs"; return 1; }
}

# same_as_dkms_install: /usr/src/drlb-$version (the package's) holds
# exactly what `make dkms-install` installs, byte for byte.
same_as_dkms_install()
{
	local dd rc

	dd=$(mktemp -d)
	make -s dkms-install DESTDIR="$dd" >/dev/null &&
		diff -r "$dd/usr/src/drlb-$version" "/usr/src/drlb-$version"
	rc=$?
	rm -rf "$dd"
	return $rc
}

timed() { local t0=$SECONDS; "$@"; local rc=$?; echo ">>> $* took $((SECONDS - t0)) s" >&2; return $rc; }

rm -rf "$res"
mkdir -p "$res"
echo ">>> drlb $version, kernels: ${krels//$'\n'/ }"

# ---- build the packages (also for --build-only) ------------------------------

build_debs()
{
	local src=$debdir/drlb-$version

	rm -rf "$debdir"
	mkdir -p "$src"
	# Exactly the files git knows (committed or not), as a source package would.
	git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
		xargs -0 cp --parents -t "$src" || return 1
	(cd "$src" && dpkg-buildpackage -us -uc -b) || return 1
	ls -l "$debdir"/*.deb
}

debs_match_version()
{
	local clv

	clv=$(dpkg-parsechangelog -l debian/changelog -S Version)
	[ "$clv" = "$version" ] ||
		{ echo "debian/changelog is $clv but dkms.conf says $version"; return 1; }
}

lintian_clean()
{
	lintian --no-tag-display-limit "$debdir"/*.changes | tee "$res/lintian.txt"
	! grep -q '^E: ' "$res/lintian.txt"
}

if [ $build_only = 1 ]; then
	build_debs
	exit
fi

trap 'echo ">>> cleaning up"; purge_all >/dev/null 2>&1' EXIT
tapfile "$res/setup.tap"
step "purge leftovers of earlier runs" purge_all
tapdone

# ---- 1. dkms from the tree ------------------------------------------------

if want dkms; then
	tapfile "$res/dkms.tap"
	dd=$(mktemp -d)
	want_files=$(printf '%s\n' Kbuild dkms.conf LICENSE kmod/*.[ch] kmod/ipvs/*.[ch] include/uapi/linux/drlb.h | sort)
	step "make dkms-install copies exactly the module sources" bash -c "
		make -s dkms-install DESTDIR=$dd >/dev/null &&
		diff -u <(echo '$want_files') <(cd $dd/usr/src/drlb-$version && find . -type f | sed 's|^\./||' | sort)"
	step "make dkms-uninstall removes them" sh -c \
		"make -s dkms-uninstall DESTDIR=$dd && ! test -e $dd/usr/src/drlb-$version"
	rm -rf "$dd"
	step "make dkms-install into /usr/src" make -s dkms-install
	step "dkms add -m drlb -v $version" dkms add -m drlb -v "$version"
	step "dkms status: drlb $version added" sh -c \
		"dkms status -m drlb -v $version | grep -q ': added'"
	# Built by default by the package only (section 3): its /usr/src tree
	# is checked there to be this one, file for file, so dkms builds the
	# same sources with the same dkms.conf for every kernel, and the VM
	# loads them (a dkms build here was 84 s, its VM 30 s, in CI's
	# time). DKMS_KRELS=newest or all builds, installs and loads this
	# tree's too.
	case ${DKMS_KRELS:-} in
	all)	dkms_krels=$krels ;;
	newest)	dkms_krels=$(tail -n 1 <<< "$krels") ;;
	*)	dkms_krels= ;;
	esac
	for k in $dkms_krels; do
		step "dkms build for $k" timed dkms build -m drlb -v "$version" -k "$k"
		step "dkms install for $k" timed dkms install -m drlb -v "$version" -k "$k"
		step "dkms installed drlb.ko $version for $k, depmod ran" dkms_installed "$k"
	done
	if [ $vm = 1 ] && [ -n "$dkms_krels" ]; then
		make -s tools
		for k in $dkms_krels; do
			step "VM on $k: modprobe loads the dkms module, smoke test" \
				vm_smoke "$k" dkms "$top/userspace/drlbctl"
		done
	fi
	step "dkms remove --all" dkms remove -m drlb -v "$version" --all
	step "make dkms-uninstall" make -s dkms-uninstall
	step "nothing left in /lib/modules, /usr/src, dkms status" nothing_left
	tapdone
fi

# ---- 2. make install / modules_install into a DESTDIR -------------------------

if want install; then
	echo ">>> make install / uninstall / modules_install into a DESTDIR"
	selftests/pkg/drlb_pkg_install.sh > "$res/install.tap" 2>&1
fi

# ---- 3. Debian packages ---------------------------------------------------

if want deb; then
	tapfile "$res/deb.tap"
	step "debian/changelog version is dkms.conf's" debs_match_version
	step "dpkg-buildpackage -us -uc -b" timed build_debs
	step "lintian: no errors" lintian_clean
	step "install drlb-dkms and drlbctl" timed \
		apt-get install -y -q --no-install-recommends "$debdir"/drlb-dkms_*.deb "$debdir"/drlbctl_*.deb
	for k in $krels; do
		step "drlb-dkms built and installed drlb.ko for $k" dkms_installed "$k"
	done
	step "drlb-dkms's /usr/src/drlb-$version is make dkms-install's, file for file" \
		same_as_dkms_install
	step "drlbctl package: /usr/sbin/drlbctl -V is $version" \
		sh -c "/usr/sbin/drlbctl -V | grep -qx 'drlbctl $version'"
	step "conffiles: /etc/drlb/drlb.conf and /etc/default/drlb" \
		sh -c "dpkg-query -W -f='\${Conffiles}\n' drlbctl | grep -q '/etc/drlb/drlb.conf' &&
		       dpkg-query -W -f='\${Conffiles}\n' drlbctl | grep -q '/etc/default/drlb'"
	step "man drlbctl finds the installed page" sh -c "man -w drlbctl | grep -q /usr/share/man/man8/drlbctl.8"
	unit=$(dpkg -L drlbctl | grep '/drlb\.service$')
	if [ $vm = 1 ]; then
		for k in $krels; do
			step "VM on $k: installed packages, smoke test and the unit's commands" \
				vm_smoke "$k" deb /usr/sbin/drlbctl "$unit"
		done
		for k in $krels; do
			step "VM on $k, systemd as PID 1: drlb.service for real" \
				vm_systemd "$k"
			step "VM on $k, the next boot: drlb.service enabled starts with it" \
				vm_systemd_boot "$k"
		done
	fi
	dpkg -L drlb-dkms drlbctl > "$res/package-files.txt"
	step "dpkg --purge drlbctl drlb-dkms" dpkg --purge drlbctl drlb-dkms
	step "purge left no file behind" sh -c "
		for f in \$(cat $res/package-files.txt); do [ -d \"\$f\" ] || [ ! -e \"\$f\" ] || { echo \"left: \$f\"; exit 1; }; done"
	step "purge left nothing in /lib/modules, /usr/src, /etc, dkms status" nothing_left
	tapdone
fi

# ---- 4. RPMs ---------------------------------------------------------------

if want rpm; then
	echo ">>> the RPMs: make rpm, rpmlint, contents against the .debs, dkms build"
	# The deb part built the .debs just now; otherwise build them.
	want deb || build_debs > "$res/build-debs.log" 2>&1
	t0=$SECONDS
	DRLB_DEBDIR=$debdir selftests/pkg/drlb_pkg_rpm.sh > "$res/rpm.tap" 2>&1
	echo ">>> drlb_pkg_rpm.sh took $((SECONDS - t0)) s"
fi

echo ">>> check-packages ran in $((SECONDS - start)) s; summary:"
cd "$res" || exit 1
mapfile -t taps < <(find . -name '*.tap' | sort)
prove --exec cat "${taps[@]}"
