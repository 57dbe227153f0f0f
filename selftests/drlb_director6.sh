#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IPv6 twin of drlb_director.sh: its cases (schedulers, direct return,
# no conntrack) on the dual-stack test bed with every address IPv6 -
# client 2001:db8:1::2, router 2001:db8::1, director 2001:db8::2, real
# servers 2001:db8::11..13, VIP 2001:db8::100 (topo.sh, TOPO_FAMILY=6).

TOPO_FAMILY=6 exec "$(dirname "$0")/drlb_director.sh" "$@"
