#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flow admission on a hostile network (uapi drlb.h, "Flow admission"):
# spoofed bare ACKs open no flow and leave established ones alone; a SYN
# flood that fills the table does not take an mh service down (new flows
# are forwarded without an entry); martian and reverse-path-failing
# sources are dropped and counted; the per-service midstream option; SCTP
# opens only on INIT; the operator's firewall in front of drlb; two nodes
# that are each director and real server do not loop (bypass-mark). The
# hand-made packets come from drlb_raw, sent from
# the router's LAN port straight to the director's MAC, as the router
# would forward them.
# timeout=1200

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	spoofed_acks
	syn_flood_mh
	martians
	rp_filter
	midstream_option
	sctp_init
	firewall_before_drlb
	bridged_frames
	two_node_loop
	malformed_packets
"

dir_setup 3

# Packet counts: full on Debian's kernels, a tenth on the debug kernel
# (KASAN and lockdep under TCG are about ten times slower there: a fifth
# took 909 s on a loaded host, the full counts did not end in 900 s).
N_ACKS=$(rounds 100000 10000)
N_MH_ACKS=$(rounds 20000 2000)
N_FUZZ=$(rounds 100000 10000)
N_FRAGS=$(rounds 20000 2000)
# The SYN flood: conn-max, and twice as many SYNs.
N_CONN_MAX=$(rounds 2000 500)

# raw ARGS...: drlb_raw from the router's LAN port to the director.
raw()
{
	nse "$NS_ROUTER" "$HERE/drlb_raw" -i r1 -m "$DIR_MAC" -d "$VIP" "$@"
}

# conn_count: the director's connection table entries.
conn_count()
{
	jq_ctl '.conn_count' config show
}

# tcp_lines PORT SCHED: a tcp service on VIP:PORT over the three servers.
tcp_lines()
{
	echo "service add tcp $VIP:$1 sched $2"
	rs_lines tcp "$VIP:$1"
}

# 100 000 spoofed bare ACKs (N_ACKS) from random sources to an rr
# service: no entry, each dropped as no_flow, the 8 established flows
# untouched. 20 000 more (N_MH_ACKS) to an mh service: forwarded without
# an entry (stateless).
spoofed_acks()
{
	local n0 nf0 st0 out

	dir_config < <(tcp_lines 80 rr; tcp_lines 81 mh)
	hold_start acks 80 8
	n0=$(conn_count)
	nf0=$(dir_stat drop-no-flow)
	out=$(raw -p tcp -P 80 -s rand -f A -n "$N_ACKS" -r 7)
	check_eq "drlb_raw sent $N_ACKS bare ACKs" "$out" "sent $N_ACKS"
	check_eq "no entry was created (table had $n0)" "$(conn_count)" "$n0"
	check_eq "each was dropped as no_flow" \
		"$(($(dir_stat drop-no-flow) - nf0))" "$N_ACKS"
	hold_send acks "after-acks"
	check "the 8 established flows still answer" \
		slowwait 30 held_all acks 8 after-acks
	st0=$(dir_stat stateless)
	out=$(raw -p tcp -P 81 -s rand -f A -n "$N_MH_ACKS" -r 8)
	check_eq "mh: $N_MH_ACKS bare ACKs sent" "$out" "sent $N_MH_ACKS"
	check_eq "mh: forwarded without an entry (stateless)" \
		"$(($(dir_stat stateless) - st0))" "$N_MH_ACKS"
	check_eq "mh: still no new entry" "$(conn_count)" "$n0"
	hold_stop acks
}

# 2 x conn-max SYNs to an mh service fill the table: the 8 established
# flows are delivered, new mh flows still answered (stateless), an rr
# service's new flows dropped as table_full.
syn_flood_mh()
{
	local max out st0 tf0

	max=$(jq_ctl '.conn_max' config show)
	defer ctl config set conn-max "$max"
	dir_config < <(tcp_lines 82 mh; tcp_lines 80 rr)
	ctl config set conn-max "$N_CONN_MAX"
	hold_start flood 82 8
	out=$(raw -p tcp -P 82 -s rand -f S -n $((2 * N_CONN_MAX)) -r 9)
	check_eq "drlb_raw sent $((2 * N_CONN_MAX)) SYNs" "$out" "sent $((2 * N_CONN_MAX))"
	check_eq "the table is full" "$(conn_count)" "$N_CONN_MAX"
	hold_send flood "after-flood"
	check "the 8 established flows are delivered" \
		slowwait 30 held_all flood 8 after-flood
	st0=$(dir_stat stateless)
	out=$(client tcp "$VIP" 82 --count 4)
	check_eq "4 new mh connections answered ($(dist "$out"))" \
		"$(grep -vc ' - ' <<< "$out")" 4
	check "and forwarded without entries" \
		test "$(dir_stat stateless)" -ge $((st0 + 4))
	tf0=$(dir_stat drop-table-full)
	client tcp "$VIP" 80 --count 1 --timeout 1 > /dev/null
	check "an rr service's new flow is dropped as table_full" \
		test "$(dir_stat drop-table-full)" -gt "$tf0"
	hold_stop flood
}

# Sources the kernel's input path refuses: each dropped and counted as
# martian, none forwarded.
martians()
{
	local m0 p0 src

	dir_config < <(echo "service add udp $VIP:53 sched rr"; rs_lines udp "$VIP:53")
	for src in 127.0.0.1 0.0.0.0 224.0.0.9 255.255.255.255 "$DIR_IP" "$VIP"; do
		m0=$(dir_stat drop-martian)
		p0=$(dir_stat pkts)
		raw -p udp -P 53 -s "$src" -S 5300 > /dev/null
		check_eq "source $src: dropped as martian, not forwarded" \
			"$(($(dir_stat drop-martian) - m0)) $(($(dir_stat pkts) - p0))" "1 0"
	done
}

# Reverse-path filtering as the director's d0 has it: a source routed
# through another device passes with rp_filter 0 and 2 (loose), and is
# dropped as martian with 1 (strict).
rp_filter()
{
	local mode m0 p0 want

	dir_config < <(echo "service add udp $VIP:53 sched rr"; rs_lines udp "$VIP:53")
	ip -n "$NS_DIR" link add dum0 type dummy
	defer ip -n "$NS_DIR" link del dum0
	ip -n "$NS_DIR" addr add 198.51.100.1/24 dev dum0
	ip -n "$NS_DIR" link set dum0 up
	nsx "$NS_DIR" sysctl -qw net.ipv4.conf.all.rp_filter=0
	# The servers' answers die quietly at the router (no ICMP error back
	# through the director to count).
	ip -n "$NS_ROUTER" route add blackhole 198.51.100.0/24
	defer ip -n "$NS_ROUTER" route del blackhole 198.51.100.0/24
	defer nsx "$NS_DIR" sysctl -qw net.ipv4.conf.d0.rp_filter=0
	for mode in 0 1 2; do
		nsx "$NS_DIR" sysctl -qw net.ipv4.conf.d0.rp_filter=$mode
		m0=$(dir_stat drop-martian)
		p0=$(dir_stat pkts)
		raw -p udp -P 53 -s 198.51.100.7 -S $((5400 + mode)) > /dev/null
		[ $mode = 1 ] && want="1 0" || want="0 1"
		check_eq "rp_filter $mode: a source routed via dum0 arriving on d0 (martian, forwarded)" \
			"$(($(dir_stat drop-martian) - m0)) $(($(dir_stat pkts) - p0))" "$want"
	done
}

# midstream yes: a bare ACK of no flow opens one, with the SYN timeout;
# midstream no (the default): it is dropped as no_flow.
midstream_option()
{
	local nf0 st

	dir_config < <(echo "service add tcp $VIP:80 sched rr midstream yes"
		       rs_lines tcp "$VIP:80")
	check_eq "service show: midstream" \
		"$(jq_ctl '.services[0].midstream' service show)" true
	check_match "save keeps it" "$(ctl save)" "midstream yes"
	raw -p tcp -P 80 -s 192.0.2.9 -S 4444 -f A > /dev/null
	st=$(jq_ctl '.conns[] | select(.client == "192.0.2.9") | "\(.state) \(.expires_ms <= 60000)"' conn show)
	check_eq "midstream yes: the bare ACK made an entry in state syn (SYN timeout)" "$st" "syn true"
	ctl service change tcp "$VIP:80" midstream no
	nf0=$(dir_stat drop-no-flow)
	raw -p tcp -P 80 -s 192.0.2.9 -S 4445 -f A > /dev/null
	check_eq "midstream no: the next one is dropped as no_flow" \
		"$(($(dir_stat drop-no-flow) - nf0))" 1
	check_eq "and has no entry" \
		"$(jq_ctl '[.conns[] | select(.client_port == 4445)] | length' conn show)" 0
}

# SCTP: an INIT opens a flow, a DATA chunk of no flow is dropped (rr).
sctp_init()
{
	local nf0

	dir_config < <(echo "service add sctp $VIP:9 sched rr"; rs_lines sctp "$VIP:9")
	raw -p sctp -P 9 -s 192.0.2.10 -S 999 -f S > /dev/null
	check_eq "an INIT opened a flow" \
		"$(jq_ctl '[.conns[] | select(.client == "192.0.2.10")] | length' conn show)" 1
	nf0=$(dir_stat drop-no-flow)
	raw -p sctp -P 9 -s 192.0.2.11 -S 999 > /dev/null
	check_eq "a DATA chunk of no flow is dropped as no_flow" \
		"$(($(dir_stat drop-no-flow) - nf0))" 1
}

# The operator's firewall: a chain at a priority below drlb's (-399, e.g.
# -450 or a netdev ingress chain) filters VIP traffic before drlb; one at
# the usual filter priority (0) runs after drlb stole the packet and never
# sees it.
firewall_before_drlb()
{
	local p0 out

	dir_config < <(echo "service add udp $VIP:53 sched rr"; rs_lines udp "$VIP:53")
	nse "$NS_DIR" nft -f - <<-EOF
	table inet vipfw {
		chain before {
			type filter hook prerouting priority -450; policy accept;
			ip saddr $CLIENT_IP udp dport 53 counter drop
		}
		chain after {
			type filter hook prerouting priority 0; policy accept;
			ip daddr $VIP udp dport 53 counter
		}
	}
	EOF
	defer nse "$NS_DIR" nft delete table inet vipfw
	p0=$(dir_stat pkts)
	out=$(client udp "$VIP" 53 --count 2 --tries 1 --timeout 1)
	check_eq "a drop rule at priority -450 stops the client's VIP flows" \
		"$(n_answered "$out")" 0
	check_eq "drlb forwarded none of them" "$(dir_stat pkts)" "$p0"
	check_match "the rule's counter shows the drops" \
		"$(nse "$NS_DIR" nft list chain inet vipfw before)" "counter packets [1-9]"
	nse "$NS_DIR" nft flush chain inet vipfw before
	out=$(client udp "$VIP" 53 --count 2)
	check_eq "without it the flows are answered" "$(n_answered "$out")" 2
	check_match "a chain at priority 0 never sees VIP traffic drlb forwards" \
		"$(nse "$NS_DIR" nft list chain inet vipfw after)" "counter packets 0 "
}

# A host whose bridge runs br_netfilter (bridge-nf-call-iptables) sees
# frames between two other hosts in its IPv4 hooks, as PACKET_HOST: drlb
# there must leave them alone. The LAN switch's namespace gets the same
# service as the director; the client's flows still reach the director,
# and the switch's drlb counts nothing.
bridged_frames()
{
	local out

	modprobe br_netfilter || { tap_skip "bridged frames" "no br_netfilter"; return; }
	defer rmmod br_netfilter
	nsx "$NS_SW" sysctl -qw net.bridge.bridge-nf-call-iptables=1
	dir_config < <(echo "service add udp $VIP:53 sched rr"; rs_lines udp "$VIP:53")
	dctl "$NS_SW" restore - <<-EOF
	service add udp $VIP:53 sched rr
	server add udp $VIP:53 ${RS_IP[1]}
	EOF
	defer dctl "$NS_SW" flush
	out=$(client udp "$VIP" 53 --sport 43000 --count 6)
	check_all_ok "6 flows through a br_netfilter bridge reach the director's servers ($(dist "$out"))" \
		"$out"
	check_eq "and are spread by the director's rr" "$(n_names "$out")" 3
	check_eq "the bridge host's drlb took none of them" \
		"$(dctl "$NS_SW" -j stats | jq -r '[.pkts, .drops[]] | add')" 0
}

# Two nodes that are each director and real server (a keepalived pair
# whose backup keeps its services loaded): the director (A) balances over
# rs1 (B) and rs2, B has the same service over A. Without a way to
# tell balanced packets apart they ping-pong between A and B for ever;
# with bypass-mark and a mark set on what arrives from the other node's
# MAC, every flow reaches exactly one node's application.
two_node_loop()
{
	local b=${NS_RS[1]} p0 b0 out

	dir_config < <(echo "service add udp $VIP:5353 sched rr"
		       echo "server add udp $VIP:5353 ${RS_IP[1]}"
		       echo "server add udp $VIP:5353 ${RS_IP[2]}")
	dctl "$b" restore - <<-EOF
	service add udp $VIP:5353 sched rr
	server add udp $VIP:5353 $DIR_IP
	EOF
	defer dctl "$b" flush
	# Without bypass: one datagram that A sends to B circulates.
	p0=$(dir_stat pkts)
	client udp "$VIP" 5353 --sport 41000 --count 2 --tries 1 --timeout 1 > /dev/null
	check "without bypass-mark the pair loops (director forwarded $(($(dir_stat pkts) - p0)) packets for 2 datagrams)" \
		test $(($(dir_stat pkts) - p0)) -gt 50
	dctl "$b" flush
	dctl "$b" restore - <<-EOF
	service add udp $VIP:5353 sched rr
	server add udp $VIP:5353 $DIR_IP
	EOF
	# Each node marks what comes from the other and bypasses it.
	nse "$NS_DIR" nft -f - <<-EOF
	table inet drlb_bypass {
		chain pre {
			type filter hook prerouting priority -450;
			ether saddr ${RS_MAC[1]} meta mark set 0x1
		}
	}
	EOF
	defer nse "$NS_DIR" nft delete table inet drlb_bypass
	nse "$b" nft -f - <<-EOF
	table inet drlb_bypass {
		chain pre {
			type filter hook prerouting priority -450;
			ether saddr $DIR_MAC meta mark set 0x1
		}
	}
	EOF
	defer nse "$b" nft delete table inet drlb_bypass
	ctl config set bypass-mark 1
	defer ctl config set bypass-mark 0
	dctl "$b" config set bypass-mark 1
	defer dctl "$b" config set bypass-mark 0
	check_eq "config show: bypass-mark" "$(jq_ctl '.bypass_mark' config show)" 1
	p0=$(dir_stat pkts)
	b0=$(dctl "$b" stats | awk '$1 == "pkts" { print $2 }')
	out=$(client udp "$VIP" 5353 --sport 42000 --count 6)
	check_all_ok "with bypass-mark: 6 flows each answered once ($(dist "$out"))" "$out"
	check_eq "by both servers" "$(n_names "$out")" 2
	check_eq "the director forwarded each datagram once" \
		"$(($(dir_stat pkts) - p0))" 6
	check_eq "the second node balanced none of them" \
		"$(dctl "$b" stats | awk '$1 == "pkts" { print $2 }')" "$b0"
}

# nft_packets CHAIN...: the packets counted by the vipfuzz chains.
nft_packets()
{
	local c

	for c in "$@"; do
		nse "$NS_DIR" nft list chain "${c%% *}" vipfuzz "${c#* }" |
			sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
	done
}

# fuzz_balance: "IN PRE ACCOUNTED" for the header fuzz since the marks
# taken in malformed_packets: IPv4 packets for the VIP that reached the
# director's d0 (IN), those of them that passed ip_rcv()'s checks and
# entered PRE_ROUTING (PRE, a chain before drlb's hook), and those drlb
# counted (forwarded or dropped) or passed on (a chain right after its
# hook).
fuzz_balance()
{
	local in pre after

	read -r in pre after < <(nft_packets "netdev in" "inet before" "inet after" | xargs)
	echo "$((in - in0)) $((pre - pre0)) $(($(dir_stat pkts) + $(drops) - drlb0 + after - after0))"
}

# balanced: every packet that entered PRE_ROUTING was counted by drlb or
# passed on by it.
balanced()
{
	local in pre acc

	read -r in pre acc < <(fuzz_balance)
	[ "$pre" = "$acc" ]
}

# 100 000 malformed IPv4 packets (N_FUZZ; bad headers and lengths, options, every
# TCP flag combination, truncated transport headers, ICMP errors quoting
# garbage) and 20 000 hostile fragments (N_FRAGS) at the VIP while 8 TCP flows are
# established: every header-fuzz packet that passes ip_rcv() is counted by
# drlb or passed on by it (nft counters before and after drlb's hook), the flows and
# new flows are unaffected, and the kernel log stays clean (the runner's
# dmesg gate; the debug kernel runs this too).
malformed_packets()
{
	local out in0 pre0 after0 drlb0 bal

	dir_config < <(tcp_lines 80 rr; echo "service add udp $VIP:53 sched rr"
		       rs_lines udp "$VIP:53"
		       echo "service add sctp $VIP:9 sched mh"; rs_lines sctp "$VIP:9")
	nse "$NS_DIR" nft -f - <<-EOF
	table netdev vipfuzz {
		chain in {
			type filter hook ingress device d0 priority 0;
			meta protocol ip ip daddr $VIP counter
		}
	}
	table inet vipfuzz {
		chain before {
			type filter hook prerouting priority -450;
			ip daddr $VIP counter
		}
		chain after {
			type filter hook prerouting priority -398;
			ip daddr $VIP counter
		}
	}
	EOF
	defer nse "$NS_DIR" nft delete table inet vipfuzz
	defer nse "$NS_DIR" nft delete table netdev vipfuzz
	hold_start fuzz 80 8
	read -r in0 pre0 after0 < <(nft_packets "netdev in" "inet before" "inet after" | xargs)
	drlb0=$(($(dir_stat pkts) + $(drops)))
	out=$(nse "$NS_ROUTER" "$HERE/drlb_raw" -F header -i r1 -m "$DIR_MAC" \
		-d "$VIP" -P 80,53,9 -n "$N_FUZZ" -r 11)
	check_eq "drlb_raw sent $N_FUZZ malformed packets" "$out" "sent $N_FUZZ"
	slowwait 10 balanced
	bal=$(fuzz_balance)
	diag "arrived, entered PRE_ROUTING, counted or passed on by drlb: $bal; drlb: $(ctl stats | xargs)"
	check "every one that reached drlb's hook is in drlb's counters or passed on" \
		balanced
	check "all $N_FUZZ arrived (the rest were dropped by ip_rcv()'s header checks)" \
		test "${bal%% *}" -ge "$N_FUZZ"
	out=$(nse "$NS_ROUTER" "$HERE/drlb_raw" -F frag -i r1 -m "$DIR_MAC" \
		-d "$VIP" -P 80,53 -n "$N_FRAGS" -r 12)
	check_eq "drlb_raw sent $N_FRAGS hostile fragments" "$out" "sent $N_FRAGS"
	hold_send fuzz "after-fuzz"
	check "the 8 established flows still answer" \
		slowwait 30 held_all fuzz 8 after-fuzz
	out=$(client udp "$VIP" 53 --sport 44000 --count 6)
	check_all_ok "6 new UDP flows answered ($(dist "$out"))" "$out"
	hold_stop fuzz
}

tests_run
