#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER OUTFILE [MODROOT] - build the vmrun initramfs for
# kernel KVER, whose modules are in /lib/modules/KVER, or in
# MODROOT/lib/modules/KVER for a kernel we built (the debug kernel has
# everything the VM needs built in: then the archive holds no module).
#
# The archive holds a static busybox, ./init as /init, and the modules needed
# to mount the host root over virtio-9p with an overlay (plus dependencies,
# resolved by the host's modprobe from /lib/modules/KVER/modules.dep, and
# decompressed because busybox insmod cannot load .ko.xz/.ko.zst).  Modules
# that KVER has built in are skipped.  /dev/console comes from the kernel's
# own built-in initramfs.
#
# OUTFILE is rebuilt only when OUTFILE.stamp shows that an input changed.

set -euo pipefail

MODULES=(virtio_pci 9pnet_virtio 9p overlay)

export PATH=$PATH:/usr/sbin:/sbin
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
busybox=/bin/busybox

die()
{
	echo "mkinitramfs: $*" >&2
	exit 1
}

[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: mkinitramfs.sh KVER OUTFILE [MODROOT]"
kver=$1
out=$2
modroot=${3:-}

[ -x $busybox ] || die "$busybox not found (install busybox-static)"
! ldd $busybox >/dev/null 2>&1 || die "$busybox is not static (install busybox-static)"
[ -e "$modroot/lib/modules/$kver/modules.dep" ] ||
	die "$modroot/lib/modules/$kver/modules.dep not found (install linux-image-$kver)"
command -v modprobe >/dev/null || die "modprobe not found (install kmod)"

# Module files in load order, without duplicates ("builtin" lines skipped).
mods=$(modprobe ${modroot:+-d "$modroot"} -S "$kver" --show-depends -a "${MODULES[@]}" |
       awk '$1 == "insmod" && !seen[$2]++ { print $2 }')

stamp=$({
	sha256sum "$here/init" "$here/mkinitramfs.sh" $busybox
	# shellcheck disable=SC2086 # module paths have no spaces
	[ -z "$mods" ] || stat -L -c '%n %s %Y' $mods
} | sha256sum)
if [ -e "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out.$$"' EXIT
root=$tmp/root

mkdir -p "$root"/{bin,dev,proc,sys,modules}
cp $busybox "$root/bin/busybox"
cp "$here/init" "$root/init"
chmod 0755 "$root/init"

i=10
for m in $mods; do
	dst=$root/modules/$i-$(basename "${m%.ko*}").ko
	case "$m" in
	*.ko)		cp "$m" "$dst" ;;
	*.ko.xz)	$busybox xzcat "$m" > "$dst" ;;
	*.ko.gz)	$busybox zcat "$m" > "$dst" ;;
	*.ko.zst)	zstd -q -d -c "$m" > "$dst" ||
				die "cannot decompress $m (install zstd)" ;;
	*)		die "unknown module format: $m" ;;
	esac
	i=$((i + 1))
done

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | $busybox cpio -o -H newc) \
	> "$out.$$" 2> "$tmp/cpio.log" || die "cpio failed: $(cat "$tmp/cpio.log")"
mv "$out.$$" "$out"
echo "$stamp" > "$out.stamp"
echo "mkinitramfs: built $out" >&2
