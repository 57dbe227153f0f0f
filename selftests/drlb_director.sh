#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The director end to end (topology in topo.sh): TCP and UDP through the
# VIP reach every real server as each scheduler says - rr rotates exactly,
# wrr follows the weights, sh keeps a client on one server, mh moves only
# about 1/N of the flows when one of N servers goes or comes, lc and wlc
# follow the servers' load; replies go from the real servers straight to
# the client (the director's counters prove it) with the VIP as source;
# and the director keeps no conntrack entry for VIP traffic even with
# conntrack active in its namespace.
#
# Until drlb's ARP suppression is used here, the real servers hold the VIP
# on lo with the classic arp_ignore/arp_announce sysctls.
#
# drlb_director6.sh runs these cases again with every address IPv6
# (topo.sh's TOPO_FAMILY=6): the cases are written for either family.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	rr_rotation
	replies_bypass_director
	wrr_weights
	sh_sticky
	mh_minimal_move
	lc_least_loaded
	wlc_weighted
	no_conntrack
"
# The IPv6 twin's own: what only IPv6 has.
[ "$TOPO_FAMILY" = 6 ] && ALL_TESTS+="
	persist_prefix6
	vip_on_lo_no_na6
"

dir_setup 3
client_add_ips 32

# Conntrack live in the director's namespace, for every case: a rule that
# needs it.
modprobe -q nf_conntrack
nsx "$NS_DIR" nft -f - <<'EOF' || { tap_fail "nft: conntrack rule on the director"; exit $ksft_fail; }
table inet drlbtest {
	chain pre {
		type filter hook prerouting priority 0;
		ct state new counter
	}
}
EOF

# rotates OUTPUT: 9 flows, the first three on three different servers,
# then repeating with a period of 3.
rotates()
{
	local -a got
	local i

	mapfile -t got <<< "$(names "$1")"
	[ ${#got[@]} -eq 9 ] || return 1
	for i in rs1 rs2 rs3; do
		[[ " ${got[*]:0:3} " == *" $i "* ]] || return 1
	done
	for i in 3 4 5 6 7 8; do
		[ "${got[i]}" = "${got[i - 3]}" ] || return 1
	done
}

# rr: exact rotation, TCP and UDP; a VIP:* service takes every port.
rr_rotation()
{
	local out got

	dir_config <<-EOF
	service add tcp $VIPB:80 sched rr
	service add udp $VIP sched rr
	$(rs_lines tcp "$VIPB:80")
	$(rs_lines udp "$VIP")
	EOF
	check_eq "service show: two services, three servers each" \
		"$(jq_ctl '[.services[] | "\(.protocol) \(.port) \(.num_servers) \(.servers | length)"] | join(",")' service show)" \
		"udp 0 3 3,tcp 80 3 3"

	out=$(client tcp "$VIP" 80 --count 9)
	got=$(names "$out")
	if rotates "$out"; then tap_ok "rr, TCP: 9 connections rotate exactly: ${got//$'\n'/ } "
	else tap_fail "rr, TCP: 9 connections rotate exactly" "${got//$'\n'/ } "; fi
	out=$(client udp "$VIP" 53 --sport 20000 --count 9)
	got=$(names "$out")
	if rotates "$out"; then tap_ok "rr, UDP: 9 flows rotate exactly: ${got//$'\n'/ } "
	else tap_fail "rr, UDP: 9 flows rotate exactly" "${got//$'\n'/ } "; fi
	check_all_ok "UDP replies come from the VIP, intact" "$out"
	out=$(client udp "$VIP" 5353 --sport 20100 --count 3)
	got=$(names "$out" | sort)
	check_eq "a VIP:* service takes every port (5353)" \
		"${got//$'\n'/ } " "rs1 rs2 rs3 "
}

# Replies go from the real servers to the client, not through the director.
replies_bypass_director()
{
	local n=30 out dtx0 drx0 rtx0 dtx drx rtx

	dir_config <<-EOF
	service add udp $VIP sched rr
	$(rs_lines udp "$VIP")
	EOF
	read -r dtx0 drx0 rtx0 <<< "$(lan_packets)"
	out=$(client udp "$VIP" 53 --sport 21000 --count $n)
	read -r dtx drx rtx <<< "$(lan_packets)"
	dtx=$((dtx - dtx0))
	drx=$((drx - drx0))
	rtx=$((rtx - rtx0))
	check_all_ok "$n UDP requests answered from the VIP" "$out"
	# Slack of a few packets for ARP; replies through the director would
	# double them.
	check "director sent only the $n requests on (tx $dtx)" \
		test "$dtx" -ge $n -a "$dtx" -le $((n + 6))
	check "director received only the $n requests, no replies (rx $drx)" \
		test "$drx" -ge $n -a "$drx" -le $((n + 6))
	check "the real servers sent the $n replies themselves (tx $rtx)" \
		test "$rtx" -ge $n
}

# wrr: proportional to the weights.
wrr_weights()
{
	local out

	dir_config <<-EOF
	service add udp $VIP sched wrr
	server add udp $VIP ${RS_IP[1]} weight 3
	server add udp $VIP ${RS_IP[2]} weight 2
	server add udp $VIP ${RS_IP[3]} weight 1
	EOF
	out=$(client udp "$VIP" 53 --sport 22000 --count 12)
	check_eq "wrr 3:2:1 over 12 flows gives 6:4:2" \
		"$(counts "$out" rs1 rs2 rs3)" "6:4:2"
}

# per_src OUTPUT: "IP NAME" once per client address if all its flows agree.
per_src()
{
	printf '%s\n' "$1" | awk '{ sub(/:[0-9]+$/, "", $1); print $1, $2 }' | sort -u
}

# sh: one server per client address, stable.
sh_sticky()
{
	local srcs out again first
	local -a ips

	dir_config <<-EOF
	service add udp $VIP sched sh
	$(rs_lines udp "$VIP" "weight 1")
	EOF
	IFS=, read -ra ips <<< "$CLIENT_IPS"
	srcs=$(IFS=,; echo "${ips[*]:0:8}")
	out=$(client udp "$VIP" 53 --src "$srcs" --sport 23000 --count 3 --parallel)
	again=$(client udp "$VIP" 53 --src "$srcs" --sport 23100 --count 3 --parallel)
	first=$(per_src "$out")
	check_eq "sh: every flow of a client address goes to one server" \
		"$(awk '{ n[$1]++ } END { for (a in n) if (n[a] > 1) d++; print d + 0 }' <<< "$first")" 0
	check_eq "sh: new flows later go to the same servers" \
		"$(per_src "$again")" "$first"
	check "sh: 8 clients spread over more than one server ($(dist "$out"))" \
		test "$(awk '!s[$2]++ { n++ } END { print n + 0 }' <<< "$first")" -ge 2
}

# mh_round: every client address's 8 flows, once the earlier ones expired
# (so that they are scheduled afresh).
mh_round()
{
	slowwait 30 conns_gone udp "$VIP" || return 1
	client udp "$VIP" 53 --src "$CLIENT_IPS" --sport 24000 --count 8 --parallel
}

# moved A B GONE: "moved moved_among_stayers stayers" between two rounds.
moved()
{
	paste -d' ' <(printf '%s\n' "$1") <(printf '%s\n' "$2") |
		awk -v gone="$3" '$1 != $4 { print "mismatch"; exit }
			$2 != $5 { m++ } $2 != gone && $2 != $5 && $5 != gone { ms++ }
			$2 != gone { s++ }
			END { print m + 0, ms + 0, s + 0 }'
}

# n_ok OUTPUT: how many flows were answered "ok".
n_ok()
{
	local line n=0

	while read -r line; do
		[[ $line == *" ok" ]] && n=$((n + 1))
	done <<< "$1"
	echo $n
}

# mh: one server more or less moves about 1/N of the flows.
mh_minimal_move()
{
	local flows=256 cfg old a b c m ms s tors3

	# Short UDP timeouts, so that a round can send the same flows again
	# and have them scheduled afresh.
	cfg=$(ctl config show)
	[[ $cfg =~ timeout-udp\ ([0-9]+) ]] && old=${BASH_REMATCH[1]} && \
		defer ctl config set timeout-udp "$old"
	dir_config <<-EOF
	config set timeout-udp 2
	service add udp $VIP sched mh
	$(rs_lines udp "$VIP")
	EOF
	a=$(mh_round)
	ctl server del udp "$VIP" "${RS_IP[3]}"
	b=$(mh_round)
	ctl server add udp "$VIP" "${RS_IP[3]}"
	c=$(mh_round)
	check_eq "mh: $flows flows answered in each of 3 rounds" \
		"$(n_ok "$a") $(n_ok "$b") $(n_ok "$c")" "$flows $flows $flows"
	read -r m ms s <<< "$(moved "$a" "$b" rs3)"
	diag "mh, rs3 removed: $m of $flows flows moved, $ms of the $s on rs1/rs2 ($(dist "$a") -> $(dist "$b"))"
	check "mh, one of 3 removed: its ~1/3 moved ($m of $flows)" \
		test "$m" -ge $((flows * 15 / 100)) -a "$m" -le $((flows * 55 / 100))
	check "mh, one of 3 removed: flows of the others stay (moved $ms of $s)" \
		test "$ms" -le $((s / 10))
	read -r m ms s <<< "$(moved "$b" "$c" none)"
	tors3=$(paste -d' ' <(printf '%s\n' "$b") <(printf '%s\n' "$c") |
		awk '$2 != $5 && $5 != "rs3" { n++ } END { print n + 0 }')
	diag "mh, rs3 back: $m of $flows flows moved, $tors3 of them not to rs3"
	check "mh, one added to 2: ~1/3 move ($m of $flows)" \
		test "$m" -ge $((flows * 15 / 100)) -a "$m" -le $((flows * 55 / 100))
	check "mh, one added: flows move only to the new server ($tors3 elsewhere)" \
		test "$tors3" -le $((flows / 10))
	read -r m ms s <<< "$(moved "$a" "$c" none)"
	check_eq "mh: back to 3 servers, back to the first mapping" "$m" 0
}

# lc: new connections go to the least loaded.
lc_least_loaded()
{
	local out

	dir_config <<-EOF
	service add tcp $VIPB:81 sched lc
	server add tcp $VIPB:81 ${RS_IP[1]}
	server add tcp $VIPB:81 ${RS_IP[2]} weight 0
	server add tcp $VIPB:81 ${RS_IP[3]} weight 0
	EOF
	hold_start lc1 81 2
	check_eq "lc: with rs2, rs3 drained, 2 held connections go to rs1" \
		"$(count rs1 "$(< "$WORK/lc1.out")")" 2
	ctl server change tcp "$VIPB:81" "${RS_IP[2]}" weight 1
	ctl server change tcp "$VIPB:81" "${RS_IP[3]}" weight 1
	hold_start lc2 81 4
	out=$(< "$WORK/lc2.out")
	check_eq "lc: 4 more held connections avoid the loaded rs1, 2 each on rs2, rs3" \
		"$(counts "$out" rs1 rs2 rs3)" "0:2:2"
	check_eq "lc: service show counts the active connections" \
		"$(jq_ctl '[.services[] | select(.port == 81) | .servers[].active_conns] | join(":")' service show)" \
		"2:2:2"
}

# wlc: load relative to weight.
wlc_weighted()
{
	local out

	dir_config <<-EOF
	service add tcp $VIPB:82 sched wlc
	server add tcp $VIPB:82 ${RS_IP[1]} weight 2
	server add tcp $VIPB:82 ${RS_IP[2]} weight 1
	server add tcp $VIPB:82 ${RS_IP[3]} weight 1
	EOF
	hold_start wlc 82 8
	out=$(< "$WORK/wlc.out")
	check_eq "wlc 2:1:1: 8 held connections spread 4:2:2 (lc would give 3:3:2)" \
		"$(counts "$out" rs1 rs2 rs3)" "4:2:2"
}

# No conntrack entry for VIP traffic: TCP and UDP flows through the VIP
# here (and, in a full run, those of every case before), none tracked.
no_conntrack()
{
	local ct

	dir_config <<-EOF
	service add tcp $VIPB:80 sched rr
	service add udp $VIP sched rr
	$(rs_lines tcp "$VIPB:80")
	$(rs_lines udp "$VIP")
	EOF
	client tcp "$VIP" 80 --count 3 > /dev/null
	client udp "$VIP" 53 --sport 25000 --count 3 > /dev/null
	# A flow to the director's own address proves conntrack is tracking
	# here.
	nsx "$NS_CLIENT" ping -c 1 -W 5 "$DIR_IP" > /dev/null
	# /proc/net/nf_conntrack, or ctnetlink where the kernel has no procfs
	# listing (the debug kernel).
	ct=$(nse "$NS_DIR" sh -c 'cat /proc/net/nf_conntrack 2>/dev/null || conntrack -L 2>/dev/null')
	# /proc/net/nf_conntrack writes IPv6 addresses in full.
	check_match "conntrack is live on the director (tracks a ping to $DIR_IP)" \
		"$ct" "dst=($DIR_IP|$(addr_full "$DIR_IP")) "
	check_eq "no conntrack entry for the VIP after all the flows above" \
		"$(printf '%s\n' "$ct" | grep -cE "dst=($VIP|$(addr_full "$VIP")) ")" 0
}

# IPv6 persistence: the netmask is a prefix length. 8 clients of one /64
# stay on one server with netmask 64; with 128 they spread.
persist_prefix6()
{
	local srcs out t
	local -a ips

	IFS=, read -ra ips <<< "$CLIENT_IPS"
	srcs=$(IFS=,; echo "${ips[*]:0:8}")
	dir_config <<-EOF
	service add udp $VIP sched rr persistent 60 netmask 64
	$(rs_lines udp "$VIP")
	EOF
	out=$(client udp "$VIP" 53 --src "$srcs" --sport 26000 --count 2)
	check_all_ok "16 flows from 8 addresses of 2001:db8:1::/64 answered" "$out"
	check_eq "netmask 64: all of them on one server ($(dist "$out"))" \
		"$(n_names "$out")" 1
	t=$(jq_ctl '[.conns[] | select(.persistent)] | length' conn show udp "$VIP")
	check_eq "one persistence template, for the /64" "$t" 1
	dir_config <<-EOF
	service add udp $VIP sched rr persistent 60 netmask 128
	$(rs_lines udp "$VIP")
	EOF
	out=$(client udp "$VIP" 53 --src "$srcs" --sport 26100 --count 2)
	check_eq "netmask 128: the 8 addresses spread over the 3 servers ($(dist "$out"))" \
		"$(n_names "$out")" 3
	check_eq "and each address kept its server for both its flows" \
		"$(per_src "$out" | awk '{ print $1 }' | uniq -d | wc -l)" 0
}

# The neighbour-discovery finding. The real servers hold the VIP on lo:
# the router resolves the VIP to the director; with the director silent
# (the VIP off its d0) no real server answers for it. With the VIP on
# rs1's LAN interface instead (nodad), rs1 answers and the router learns
# VIP -> rs1: IPv6's ARP flux.
vip_on_lo_no_na6()
{
	nsx "$NS_ROUTER" ip neigh flush dev r1
	nsx "$NS_ROUTER" ping -c 1 -W 5 "$VIP" > /dev/null
	check_eq "the router resolves the VIP to the director's MAC" \
		"$(topo_router_vip_mac)" "$DIR_MAC"

	ip -n "$NS_DIR" addr del "$VIP/128" dev d0
	defer ip -n "$NS_DIR" addr add "$VIP/128" dev d0 nodad
	ip -n "$NS_ROUTER" neigh flush dev r1
	nsx "$NS_ROUTER" ping -c 1 -W 2 "$VIP" > /dev/null
	check_eq "director silent: no real server (VIP on lo) answers for the VIP" \
		"$(topo_router_vip_mac)" ""

	ip -n "${NS_RS[1]}" addr add "$VIP/128" dev e0 nodad
	defer ip -n "${NS_RS[1]}" addr del "$VIP/128" dev e0
	ip -n "$NS_ROUTER" neigh flush dev r1
	nsx "$NS_ROUTER" ping -c 1 -W 2 "$VIP" > /dev/null
	check_eq "the VIP on rs1's e0 instead: rs1 answers, the router learns VIP -> rs1" \
		"$(topo_router_vip_mac)" "${RS_MAC[1]}"
}

tests_run
