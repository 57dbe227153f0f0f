#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# egress.sh - what ARP rules (kmod/arp.c) cost a real server's replies, in
# the VM, as TAP: a plain rule (ARP hooks only) and a rule with
# packet-sockets (plus the egress hook every packet of its device passes). `make bench-egress`
# boots each kernel with qemu's -icount (guest time counts instructions,
# so a rate measured in the guest is the CPU work per packet, whatever
# else the host runs) and runs this.
#
# A namespace holds the VIP on lo and two devices of one kind; one socket
# (helpers/drlb_udpblast) sends 64-byte datagrams from the VIP out of both
# in turn, 50 ms slices interleaved. The rate through the first over the
# rate through the second is measured without a rule, with a plain rule
# for the first device only and with such a rule with packet-sockets yes
# (EGRESS_RUNS runs each, default 5, in turn; medians); the drop of that
# ratio is the rule's cost. Kinds: veth (the real server's LAN NIC in the
# test topology, its peer in a namespace that drops what arrives) and
# dummy (a device that frees the packet at once, so a hook's share is the
# largest it can be). A plain rule (the default) costs at most
# EGRESS_MAX_COST % (default 2) on both; packet-sockets' cost is
# reported.

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

# pct A B: the drop from ratio A to ratio B, in %.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1f", (1 - b / a) * 100; else print 100 }'; }

# cost KIND: set up two KIND devices, measure; prints the costs in % of a
# plain rule and of a rule with packet-sockets.
cost()
{
	local eg sink i a=() b=() p=() ra rb rp

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
		nse "$eg" "$DRLBCTL" arp add "$VIP" dev dev0 packet-sockets yes
		p+=("$(ratio "$eg")")
		nse "$eg" "$DRLBCTL" arp del "$VIP" dev dev0
	done
	ra=$(median "${a[@]}")
	rb=$(median "${b[@]}")
	rp=$(median "${p[@]}")
	diag "$1: dev0/dev1 rate, no rule: ${a[*]} (median $ra); rule on dev0: ${b[*]} (median $rb); with packet-sockets: ${p[*]} (median $rp)" >&2
	echo "$(pct "$ra" "$rb") $(pct "$ra" "$rp")"
}

# kind_cost KIND: a plain rule within MAX, packet-sockets' cost reported.
kind_cost()
{
	local c cp

	read -r c cp <<< "$(cost "$1")"
	check "$1: an ARP rule costs a real server's replies at most $MAX % ($c %)" \
		awk -v c="$c" -v m="$MAX" 'BEGIN { exit !(c <= m) }'
	tap_ok "$1: a rule with packet-sockets (the egress hook) costs $cp %"
}

veth_cost() { kind_cost veth; }

dummy_cost() { kind_cost dummy; }

tests_run
