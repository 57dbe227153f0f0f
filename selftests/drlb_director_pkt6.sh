#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IPv6 twin of drlb_director_pkt.sh: its cases (neighbours, fragments,
# Packet Too Big, ICMPv6 errors about a flow) with every address IPv6
# (topo.sh, TOPO_FAMILY=6).

TOPO_FAMILY=6 exec "$(dirname "$0")/drlb_director_pkt.sh" "$@"
