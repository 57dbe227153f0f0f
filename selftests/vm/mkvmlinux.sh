#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkvmlinux.sh KVER OUTFILE - extract the uncompressed vmlinux of KVER.
#
# qemu boots an ELF vmlinux directly through PVH, which skips decompressing
# the bzImage: that takes 1-4 s under TCG (Debian 6.1 is xz-compressed,
# 6.12 zstd).  Exits 1 when that is not possible (no CONFIG_PVH, unknown
# compression, no xz or zstd); vmrun.sh then boots /boot/vmlinuz-KVER as it is.
# OUTFILE is rebuilt only when vmlinuz changes.

set -euo pipefail

[ $# -eq 2 ] || { echo "usage: mkvmlinux.sh KVER OUTFILE" >&2; exit 2; }
vmlinuz=/boot/vmlinuz-$1
out=$2

grep -q '^CONFIG_PVH=y' "/boot/config-$1" 2>/dev/null || exit 1

stamp=$(stat -L -c '%s %Y' "$vmlinuz")
if [ -e "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

trap 'rm -f "$out.$$"' EXIT
mkdir -p "$(dirname "$out")"

# Try every xz and zstd magic in the image until one decompresses to an ELF.
try()
{
	local magic=$1 off

	shift
	# shellcheck disable=SC2013 # offsets are plain numbers
	for off in $(LC_ALL=C grep -obUaP "$magic" "$vmlinuz" | cut -d: -f1); do
		# The payload is followed by other data: ignore the complaint.
		tail -c +$((off + 1)) "$vmlinuz" | "$@" > "$out.$$" 2>/dev/null || true
		if [ "$(head -c 4 "$out.$$" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			mv "$out.$$" "$out"
			echo "$stamp" > "$out.stamp"
			exit 0
		fi
	done
}

# (busybox xzcat cannot undo the x86 BCJ filter that kernels use.)
command -v xz >/dev/null && try '\xfd7zXZ\x00' xz -d -c
command -v zstd >/dev/null && try '\x28\xb5\x2f\xfd' zstd -d -q -c
exit 1
