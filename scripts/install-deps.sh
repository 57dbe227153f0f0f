#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install-deps.sh [debug-kernel] - make sure this Debian 12 machine has what
# drlb's build, tests and demo need. As root it installs what is missing
# with apt-get; otherwise it prints the exact command to run and fails.
# With "debug-kernel", only what selftests/debug/build-kernel.sh needs:
# .ci/run installs that first and starts the debug kernel's build, which
# then uses the CPU the rest of the installation leaves idle.

set -u

# The debug kernel's build (selftests/debug/build-kernel.sh checks the same).
debug_kernel_pkgs=(
	linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
	cpio xz-utils kmod
)

pkgs=(
	build-essential make gcc pkg-config kmod bc
	libnl-3-dev libnl-genl-3-dev
	sparse
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	qemu-system-x86 busybox-static xz-utils zstd cpio
	iproute2 iputils-ping procps util-linux socat netcat-openbsd tcpdump
	ipvsadm arping ethtool nftables conntrack
	# issue 14: what drives IPVS today, driving drlb_ipvs.ko
	keepalived prometheus-node-exporter
	# issue 16: the routing daemon of the scale-out recipe (drlb_ecmp.sh)
	frr
	perl python3 jq gnuplot-nox strace
	dkms dh-dkms debhelper dpkg-dev fakeroot lintian
	# make rpm and its test (selftests/pkg/drlb_pkg_rpm.sh)
	rpm rpmlint
	groff man-db bash-completion systemd
	# the debug kernel (make check-debug, selftests/debug/build-kernel.sh)
	"${debug_kernel_pkgs[@]}"
	# libFuzzer targets (make fuzz)
	clang libclang-rt-14-dev
	# make style (checkpatch.pl comes from linux-source-6.12)
	shellcheck codespell
)

case "${1:-}" in
"")		;;
debug-kernel)	pkgs=("${debug_kernel_pkgs[@]}") ;;
*)		echo "usage: install-deps.sh [debug-kernel]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages; run as root:" >&2
	echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The kernels are here for their modules, headers and vmlinuz: the test
# VMs boot with initramfs images of their own (selftests/vm/mkinitramfs.sh),
# so the kernel packages' hook is told not to build /boot/initrd.img
# (initramfs-tools honours INITRD=No; measured 87 s a kernel here).
export INITRD=No
apt-get update -q || exit 1
apt-get install -y -q --no-install-recommends "${missing[@]}" || exit 1
