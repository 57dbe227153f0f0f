#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# egress.sh - what the ARP egress hook (ARP from packet sockets, kmod/arp.c)
# costs a real server's replies, in the VM, as TAP. `make bench-egress`
# boots each kernel with qemu's -icount (guest time counts instructions,
# so a rate measured in the guest is the CPU work per packet, whatever
# else the host runs) and runs this.
#
# A namespace holds the VIP on lo and two devices of one kind; one socket
# (helpers/drlb_udpblast) sends 64-byte datagrams from the VIP out of both
# in turn, 50 ms slices interleaved. The rate through the first over the
# rate through the second is measured without a rule and with a rule for
# the first device only (EGRESS_RUNS runs each, default 5, alternating;
# medians); the drop of that ratio is the hook's cost. Kinds: veth (the
# real server's LAN NIC in the test topology, its peer in a namespace that
# drops what arrives) - at most EGRESS_MAX_COST % (default 2); dummy (a
# device that frees the packet at once, so the hook's share is the
# largest it can be) - reported.

source "$(dirname "$0")/../lib/lib.sh"
require_root

ALL_TESTS="
	veth_cost
	dummy_cost
"

VIP=10.0.0.100
RUNS=${EGRESS_RUNS:-5}
MAX=${EGRESS_MAX_COST:-2}
BLAST=$TOP/selftests/helpers/drlb_udpblast

drlb_load || { tap_fail "load drlb.ko"; exit; }

# ratio NS: the rate through the first device over the rate through the
# second.
ratio()
{
	nse "$1" "$BLAST" "$VIP" 64 50 20 198.51.100.2:9 198.51.101.2:9 |
		awk '{ pps[NR] = $3 } END { if (pps[1] > 0 && pps[2] > 0) printf "%.4f\n", pps[1] / pps[2] }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# cost KIND: set up two KIND devices, measure; prints the cost in %.
cost()
{
	local eg sink i a=() b=() ra rb c

	setup_ns eg sink
	for i in 0 1; do
		if [ "$1" = veth ]; then
			ip -n "$eg" link add "dev$i" type veth peer name "p$i" netns "$sink"
			ip -n "$sink" link set "p$i" up
		else
			ip -n "$eg" link add "dev$i" type dummy
		fi
		ip -n "$eg" link set "dev$i" up
		ip -n "$eg" addr add "198.51.10$i.1/24" dev "dev$i"
		ip -n "$eg" neigh add "198.51.10$i.2" lladdr "02:00:00:00:00:0$i" dev "dev$i"
	done
	ip -n "$eg" addr add "$VIP/32" dev lo
	for ((i = 0; i < RUNS; i++)); do
		a+=("$(ratio "$eg")")
		nse "$eg" "$DRLBCTL" arp add "$VIP" dev dev0
		b+=("$(ratio "$eg")")
		nse "$eg" "$DRLBCTL" arp del "$VIP" dev dev0
	done
	ra=$(median "${a[@]}")
	rb=$(median "${b[@]}")
	c=$(awk -v a="$ra" -v b="$rb" 'BEGIN { if (a > 0 && b > 0) printf "%.1f", (1 - b / a) * 100 }')
	diag "$1: dev0/dev1 rate, no rule: ${a[*]} (median $ra); rule on dev0: ${b[*]} (median $rb); cost ${c:-?} %" >&2
	echo "${c:-100}"
}

veth_cost()
{
	local c

	c=$(cost veth)
	check "veth: the egress hook costs a real server's replies at most $MAX % ($c %)" \
		awk -v c="$c" -v m="$MAX" 'BEGIN { exit !(c <= m) }'
}

dummy_cost()
{
	local c

	c=$(cost dummy)
	tap_ok "dummy (the worst case): the egress hook costs $c %"
}

tests_run
