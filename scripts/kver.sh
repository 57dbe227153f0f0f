#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kver.sh ALIAS - resolve a kernel name to an installed Debian kernel release.
#
#   kver.sh 6.12      newest installed release 6.12.* (from /boot/vmlinuz-*)
#   kver.sh 6.1.0-56-amd64
#                     a full release is printed as is if its vmlinuz exists
#   kver.sh all       every installed release that has both /boot/vmlinuz-REL
#                     and headers in /lib/modules/REL/build, one per line
#
# Used by vmrun.sh and by the Makefile.  Prints nothing and exits 1 with a
# hint on stderr when nothing matches.

set -euo pipefail

boot=${KVER_BOOT_DIR:-/boot}

die()
{
	echo "kver: $*" >&2
	exit 1
}

# Package that provides a kernel series on Debian 12.
pkg_hint()
{
	case "$1" in
	6.1)	echo "linux-image-amd64 linux-headers-amd64" ;;
	*)	echo "linux-image-$1-amd64 linux-headers-$1-amd64" ;;
	esac
}

installed()
{
	local f

	for f in "$boot"/vmlinuz-*; do
		[ -e "$f" ] || continue
		echo "${f#"$boot"/vmlinuz-}"
	done | sort -V
}

[ $# -eq 1 ] || die "usage: kver.sh ALIAS|RELEASE|all"
want=$1

case "$want" in
all)
	found=0
	for rel in $(installed); do
		if [ -d "/lib/modules/$rel/build/" ]; then
			echo "$rel"
			found=1
		fi
	done
	[ $found = 1 ] || die "no kernel with headers installed (install $(pkg_hint 6.1))"
	;;
[0-9]*.[0-9]*-* | [0-9]*.[0-9]*.[0-9]*)
	[ -e "$boot/vmlinuz-$want" ] ||
		die "$boot/vmlinuz-$want not found (install linux-image-$want)"
	echo "$want"
	;;
[0-9]*.[0-9]*)
	rel=$(installed | grep -E "^${want//./\\.}[.-]" | tail -n 1) || true
	[ -n "$rel" ] ||
		die "no installed kernel matches $want (install $(pkg_hint "$want"))"
	echo "$rel"
	;;
*)
	die "cannot parse kernel name '$want'"
	;;
esac
