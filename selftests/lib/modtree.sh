#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# modtree_mount KO...: these modules where modprobe finds them, until the
# test (or case) ends: a module tree of the netfilter modules (ip_vs and
# what it needs) and KO... under updates/, mounted over the kernel's
# (depmod over all of the kernel's modules takes minutes under TCG; over
# these, seconds). Sourced after lib.sh.
modtree_mount()
{
	local rel base dir

	rel=$(uname -r)
	base=$(mktemp -d)
	defer rm -rf "$base"
	dir=$base/lib/modules/$rel
	mkdir -p "$dir/updates"
	(cd "/lib/modules/$rel" &&
		cp -r --parents kernel/net/netfilter kernel/net/ipv4/netfilter \
			kernel/net/ipv6/netfilter kernel/lib/libcrc32c.ko* \
			kernel/crypto/crc32c_generic.ko* kernel/net/ipv4/ipip.ko* \
			kernel/net/ipv4/tunnel4.ko* kernel/net/ipv4/ip_tunnel.ko* \
			modules.builtin \
			modules.builtin.modinfo modules.order "$dir/")
	cp "$@" "$dir/updates/"
	depmod -b "$base" "$rel"
	mount --bind "$dir" "/lib/modules/$rel"
	defer umount "/lib/modules/$rel"
}
