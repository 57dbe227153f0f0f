#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale-out: three drlb directors behind a router that spreads the VIP's
# flows over them with ECMP, as docs/scale-out.md sets it up with Debian's
# FRR (8.4), unmodified: each director runs zebra, bfdd and bgpd and
# announces the VIP (network 10.0.2.100/32) while `drlbctl vip export`
# keeps a route for it, that is while drlb serves it; the router (FRR
# too) peers with the three (eBGP, BFD, maximum-paths) and installs one
# route with three next hops, hashed on L4 (fib_multipath_hash_policy 1).
# Every director has the same mh service (mh-seed 7, the same servers) and
# "cluster yes". The VIP is outside the LAN, on the real servers' lo.
#
# The test-bed pins net.core.txrehash=0 in the client's namespace: over
# veth the router's L4 hash reuses the sending socket's flow hash, which
# TCP rerolls after a retransmission timeout, and a flow would seem to
# move between directors by itself.
#
#   announce_ecmp
#      the router has three BGP sessions Established, three BFD sessions
#      up and a route to the VIP through the three directors; each
#      director has its blackhole route (vip export); 30 new connections
#      are answered by all three servers through all three directors.
#   director_leaves_and_joins
#      40 connections held, spread over the three directors; d3's
#      services flushed: vip export deletes its route, the router drops
#      it from the ECMP group (time in the name); every held connection
#      answers from its own server (d3's flows, and those the rehash
#      moved, reach directors without their entries: forwarded
#      statelessly by mh, counted). d3 configured again: back in the
#      group; again every connection answers from its own server, and d3
#      forwards those it did not see begin statelessly.
#   director_dies
#      40 connections held; d2's link goes down (a crash, a cable): BFD
#      ends its BGP session and the router drops it within seconds (time
#      in the name); every held connection answers from its own server.
#      The link back: the session comes up again and d2 rejoins, no
#      connection breaks.
#   rr_breaks_flows
#      the failure case: the same with rr, a scheduler that is not
#      stable across directors. "cluster yes" makes drlbctl warn about it
#      (restore and service add); after d3 leaves, some held connections
#      break (mid-stream packets of an rr service without an entry are
#      dropped, and no other director could know their server).
#   server_removed_and_added
#      40 connections held; rs3 removed from every director: the
#      connections on rs1 and rs2 answer from their servers, only rs3's
#      are gone. 40 connections held on rs1 and rs2; rs3 added back to
#      every director: all of them go on with their servers, and new
#      connections reach rs3.
#   mh_disruption
#      Maglev's bound, measured through the data path: an mh UDP service
#      with 100 servers (rs1-3 and 97 addresses with static neighbours),
#      2000 flows, each seen in one director's connection table; the
#      service again without one server, the same 2000 flows: of the flows
#      not on that server, at most 1 % moved (the figure in the name).
#   module_unload_withdraws
#      drlb unloaded: every director's vip export deletes its route and
#      the router has none left for the VIP; drlb loaded and configured
#      again: all three are back and new connections are answered.

# shellcheck source=lib/lib.sh
source "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/topo.sh
source "$(dirname "$0")/lib/topo.sh"
# shellcheck source=lib/director.sh
source "$(dirname "$0")/lib/director.sh"

ALL_TESTS="
	announce_ecmp
	director_leaves_and_joins
	director_dies
	rr_breaks_flows
	server_removed_and_added
	mh_disruption
	module_unload_withdraws
"

FRR=/usr/lib/frr
if [ ! -x "$FRR/bgpd" ] || [ ! -x "$FRR/bfdd" ]; then
	skip_all "FRR missing (Debian package frr)"
fi
command -v vtysh > /dev/null || skip_all "vtysh missing (Debian package frr)"
id frr > /dev/null 2>&1 || skip_all "no user frr (Debian package frr)"
command -v jq > /dev/null || skip_all "jq missing"
[ "$(kconfig IP_ROUTE_MULTIPATH)" = y ] ||
	skip_all "the kernel has no CONFIG_IP_ROUTE_MULTIPATH (ECMP routes)"

# The announced VIP, outside the LAN: set before the topology is built.
VIP=10.0.2.100
RS_SPECS="tcp:80 udp:5353"
HELD=40
ROUTER_ASN=65000
DIR_ASN=65100
SEED=7

dir_setup 3
# The FRR daemons run as frr: they must get through to their directories.
chmod 711 "$WORK"
# The directors do not hold the VIP: the router routes it to them.
ip -n "$NS_DIR" addr del "$VIP/32" dev d0
# shellcheck disable=SC2034 # NS_DIR2, NS_DIR3: through DNS
{ topo_director_add NS_DIR2 10.0.0.3 02:00:0a:00:00:03 &&
  topo_director_add NS_DIR3 10.0.0.4 02:00:0a:00:00:04; } ||
	{ tap_fail "d2 and d3 on the LAN"; exit "$ksft_fail"; }
declare -A DNS=([d1]=$NS_DIR [d2]=$NS_DIR2 [d3]=$NS_DIR3)
declare -A DIP=([d1]=$DIR_IP [d2]=10.0.0.3 [d3]=10.0.0.4)
DIRS=(d1 d2 d3)
"$TOP/selftests/helpers/drlb_nssysctl" "$NS_ROUTER" \
	net.ipv4.fib_multipath_hash_policy=1 -- "$NS_CLIENT" net.core.txrehash=0 ||
	{ tap_fail "router's L4 hash, client's txrehash"; exit "$ksft_fail"; }

# dctl_d D ARGS...: drlbctl on director D.
dctl_d()
{
	local d=$1

	shift
	dctl "${DNS[$d]}" "$@"
}

# ---- FRR -------------------------------------------------------------------

# frr_start NAME NS: zebra, bfdd and bgpd for NAME in NS, configured from
# $WORK/frr/NAME/bgpd.conf, sockets, pid files and logs in that directory
# (owned by frr, as the daemons drop to that user).
frr_start()
{
	local d=$WORK/frr/$1 ns=$2 daemon

	: > "$d/zebra.conf"
	: > "$d/bfdd.conf"
	chown -R frr:frr "$d"
	for daemon in zebra bfdd bgpd; do
		# shellcheck disable=SC2046 # bfdd's own socket: words
		nsenter --net="/run/netns/$ns" "$FRR/$daemon" -d \
			-f "$d/$daemon.conf" -i "$d/$daemon.pid" \
			--vty_socket "$d" -z "$d/zserv.api" \
			--log "file:$d/$daemon.log" \
			$([ "$daemon" = bfdd ] && echo --bfdctl "$d/bfdd.sock") \
			> "$d/$daemon.out" 2>&1 || return 1
	done
}

frr_stop()
{
	local f pid

	for f in "$WORK"/frr/*/*.pid; do
		[ -e "$f" ] || continue
		read -r pid < "$f" && kill "$pid" 2> /dev/null
	done
}

# vty NAME CMD...: vtysh commands on NAME's FRR.
vty()
{
	local name=$1 a=()

	shift
	for c in "$@"; do
		a+=(-c "$c")
	done
	vtysh --vty_socket "$WORK/frr/$name" "${a[@]}"
}

router_conf()
{
	local d

	cat <<- EOF
		router bgp $ROUTER_ASN
		 bgp router-id $ROUTER_IP
		 no bgp ebgp-requires-policy
		 neighbor DIRS peer-group
		 neighbor DIRS remote-as $DIR_ASN
		 neighbor DIRS bfd
		 neighbor DIRS timers 3 9
		 neighbor DIRS timers connect 1
		 neighbor DIRS advertisement-interval 0
	EOF
	for d in "${DIRS[@]}"; do
		echo " neighbor ${DIP[$d]} peer-group DIRS"
	done
	cat <<- EOF
		 address-family ipv4 unicast
		  maximum-paths 8
		 exit-address-family
	EOF
}

# director_conf D: D's bgpd.conf, as docs/scale-out.md gives it.
director_conf()
{
	cat <<- EOF
		router bgp $DIR_ASN
		 bgp router-id ${DIP[$1]}
		 no bgp ebgp-requires-policy
		 neighbor $ROUTER_IP remote-as $ROUTER_ASN
		 neighbor $ROUTER_IP bfd
		 neighbor $ROUTER_IP timers 3 9
		 neighbor $ROUTER_IP timers connect 1
		 neighbor $ROUTER_IP advertisement-interval 0
		 address-family ipv4 unicast
		  network $VIP/32
		 exit-address-family
	EOF
}

defer frr_stop
mkdir -p "$WORK/frr/router"
router_conf > "$WORK/frr/router/bgpd.conf"
frr_start router "$NS_ROUTER" || { tap_fail "FRR on the router" "$(cat "$WORK"/frr/router/*.out)"; exit "$ksft_fail"; }
for d in "${DIRS[@]}"; do
	mkdir -p "$WORK/frr/$d"
	director_conf "$d" > "$WORK/frr/$d/bgpd.conf"
	frr_start "$d" "${DNS[$d]}" ||
		{ tap_fail "FRR on $d" "$(cat "$WORK/frr/$d"/*.out)"; exit "$ksft_fail"; }
done

# ---- drlb on the directors ------------------------------------------------

# conf SCHED [SERVERS...]: a director's configuration (drlbctl save's
# format), the servers rs1-3 unless given.
conf()
{
	local sched=$1 s

	shift
	[ $# -gt 0 ] || set -- "${RS_IP[@]}"
	echo "config set mh-seed $SEED cluster yes"
	echo "service add tcp $VIP:80 sched $sched"
	for s in "$@"; do
		echo "server add tcp $VIP:80 $s"
	done
}

# configure D SCHED: D's configuration from conf SCHED; stderr in
# $WORK/conf-D.err.
configure()
{
	conf "$2" | dctl_d "$1" restore - 2> "$WORK/conf-$1.err"
}

configure_all()
{
	local d

	for d in "${DIRS[@]}"; do
		configure "$d" "$1" ||
			{ tap_fail "$d configured" "$(cat "$WORK/conf-$d.err")"; return 1; }
	done
}

# export_start D: `drlbctl vip export` on D, its output in $WORK/export-D.log.
export_start()
{
	nsenter --net="/run/netns/${DNS[$1]}" "$DRLBCTL" vip export \
		>> "$WORK/export-$1.log" 2>&1 &
	defer kill $!
}

configure_all mh || exit "$ksft_fail"
for d in "${DIRS[@]}"; do
	export_start "$d"
done

# nexthops: the router's next hops for the VIP, sorted, one line.
nexthops()
{
	ip -n "$NS_ROUTER" -4 route show "$VIP/32" |
		awk '$1 == "nexthop" || $2 == "via" { for (i = 1; i < NF; i++) if ($i == "via") print $(i + 1) }' |
		sort | tr '\n' ' '
}

# hops_are IP...: the router's next hops for the VIP are these (none:
# the router has no route to it).
hops_are()
{
	local want=""

	[ $# -eq 0 ] || want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$(nexthops)" = "$want" ]
}

ALL_HOPS=("${DIP[d1]}" "${DIP[d2]}" "${DIP[d3]}")

# all_up: every director announced, the router's group complete.
all_up()
{
	slowwait 90 hops_are "${ALL_HOPS[@]}" || {
		tap_fail "the router routes the VIP through the three directors" \
			"$(ip -n "$NS_ROUTER" route)" "$(vty router 'show bgp summary')" \
			"$(tail -n 5 "$WORK"/export-*.log)"
		return 1
	}
}

# stat_d D KEY: a counter of drlbctl stats on D.
stat_d()
{
	dctl_d "$1" stats | awk -v k="$2" '$1 == k { print $2 }'
}

# flows_d D: D's established flows of the TCP service.
flows_d()
{
	dctl_d "$1" conn show tcp "$VIP:80" state established --count
}

# uptime_ms: milliseconds since boot.
uptime_ms()
{
	local t

	read -r t _ < /proc/uptime
	echo $((${t/./} * 10))
}

# hold NAME: $HELD connections held; checks they spread over the three
# directors; their directors' flow counts in SPREAD.
hold()
{
	local d n total=0

	# Earlier cases' flows (broken ones stay established) go first.
	for d in "${DIRS[@]}"; do
		dctl_d "$d" conn del tcp "$VIP:80" > /dev/null
	done
	hold_start "$1" 80 "$HELD" ||
		{ tap_fail "$HELD connections held" "$(cat "$WORK/$1.out")"; return 1; }
	SPREAD=""
	for d in "${DIRS[@]}"; do
		n=$(flows_d "$d")
		SPREAD+="$d:$n "
		total=$((total + n))
		[ "$n" -gt 0 ] || { tap_fail "the held connections go through every director ($SPREAD)"; return 1; }
	done
	check_eq "the $HELD held connections went through the three directors ($SPREAD)" \
		"$total" "$HELD"
	[ "$total" = "$HELD" ] && return
	# Every one was greeted (hold_start): a flow whose SYN and ACK took
	# different directors (the router's group changed meanwhile) leaves
	# a syn entry behind.
	for d in "${DIRS[@]}"; do
		diag "$d: entries not established: $(for s in syn fin close; do
			printf '%s %s ' "$s" "$(dctl_d "$d" conn show tcp "$VIP:80" state "$s" --count)"
		done)"
	done
	diag_block "the router's BFD sessions (a flap moves flows)" 0 \
		"$(vty router 'show bfd peers counters' | grep -E 'peer |Session')"
}

# round NAME LINE: LINE on every held connection; ROUND "SAME CHANGED
# BROKEN" (held_after).
round()
{
	hold_send "$1" "$2"
	slowwait 30 held_all "$1" "$HELD" "$2"
	read -r -a ROUND <<< "$(held_after "$1" "$HELD" "$2")"
}

stateless_sum()
{
	local d sum=0

	for d in "$@"; do
		sum=$((sum + $(stat_d "$d" stateless)))
	done
	echo "$sum"
}

# ---- cases -----------------------------------------------------------------

announce_ecmp()
{
	local out d est bfd n
	local -A c0

	all_up || return
	out=$(vty router 'show bgp summary json')
	est=$(jq '[.ipv4Unicast.peers[] | select(.state == "Established")] | length' <<< "$out")
	check_eq "the router: three BGP sessions Established" "$est" 3
	bfd=$(vty router 'show bfd peers json' | jq '[.[] | select(.status == "up")] | length')
	check_eq "the router: three BFD sessions up" "$bfd" 3
	diag_block "the router's route" 0 "$(ip -n "$NS_ROUTER" route show "$VIP/32")"
	for d in "${DIRS[@]}"; do
		check_match "$d: vip export's route" \
			"$(ip -n "${DNS[$d]}" route show proto 200)" "^blackhole $VIP "
		check "$d: its log names it" grep -qx "add $VIP" "$WORK/export-$d.log"
		c0[$d]=$(stat_d "$d" conns)
	done
	out=$(client tcp "$VIP" 80 --count 30)
	check_eq "30 new connections answered ($(dist "$out"))" "$(n_answered "$out")" 30
	check_eq "by the three servers" "$(n_names "$out")" 3
	for d in "${DIRS[@]}"; do
		n=$(($(stat_d "$d" conns) - c0[$d]))
		check "through $d ($n)" test "$n" -gt 0
	done
}

director_leaves_and_joins()
{
	local t0 st0 st3 ms

	all_up || return
	hold lj || return
	st0=$(stateless_sum d1 d2)
	t0=$(uptime_ms)
	dctl_d d3 flush
	slowwait 30 hops_are "${DIP[d1]}" "${DIP[d2]}"
	ms=$(($(uptime_ms) - t0))
	check "d3 flushed: the router drops it from the group (${ms} ms)" \
		hops_are "${DIP[d1]}" "${DIP[d2]}"
	check "d3's vip export deleted its route" grep -qx "del $VIP" "$WORK/export-d3.log"
	round lj after
	check_eq "every held connection answers from its own server (same changed broken)" \
		"${ROUND[*]}" "$HELD 0 0"
	check "d1 and d2 forwarded d3's flows without entries (stateless +$(($(stateless_sum d1 d2) - st0)))" \
		test "$(($(stateless_sum d1 d2) - st0))" -gt 0

	st3=$(stat_d d3 stateless)
	t0=$(uptime_ms)
	configure d3 mh
	slowwait 30 hops_are "${ALL_HOPS[@]}"
	ms=$(($(uptime_ms) - t0))
	check "d3 configured again: back in the group (${ms} ms)" hops_are "${ALL_HOPS[@]}"
	round lj again
	check_eq "every held connection still answers from its own server" \
		"${ROUND[*]}" "$HELD 0 0"
	check "d3 forwarded flows it did not see begin, statelessly (+$(($(stat_d d3 stateless) - st3)))" \
		test "$(($(stat_d d3 stateless) - st3))" -gt 0
	hold_stop lj
}

director_dies()
{
	local t0 ms

	all_up || return
	hold dies || return
	t0=$(uptime_ms)
	ip -n "${DNS[d2]}" link set d0 down
	slowwait 30 hops_are "${DIP[d1]}" "${DIP[d3]}"
	ms=$(($(uptime_ms) - t0))
	check "d2's link down: BFD, and the router drops it (${ms} ms)" \
		hops_are "${DIP[d1]}" "${DIP[d3]}"
	round dies after
	check_eq "every held connection answers from its own server (same changed broken)" \
		"${ROUND[*]}" "$HELD 0 0"
	t0=$(uptime_ms)
	ip -n "${DNS[d2]}" link set d0 up
	slowwait 60 hops_are "${ALL_HOPS[@]}"
	ms=$(($(uptime_ms) - t0))
	check "d2's link up: its session is back, it rejoins (${ms} ms)" hops_are "${ALL_HOPS[@]}"
	round dies again
	check_eq "every held connection still answers from its own server" \
		"${ROUND[*]}" "$HELD 0 0"
	hold_stop dies
}

# answered_or_broken NAME: NAME's held connections all answered "after",
# or one of them timed out or failed.
answered_or_broken()
{
	held_all "$1" "$HELD" after ||
		grep -qE '^[0-9]+ (timeout|error)' "$WORK/$1.out"
}

rr_breaks_flows()
{
	local err

	all_up || return
	defer configure_all mh
	configure_all rr || return
	check_match "restore warns: rr with cluster yes" "$(cat "$WORK/conf-d1.err")" \
		"warning: tcp $VIP:80: scheduler rr is not stable across directors"
	err=$(dctl_d d1 service add udp "$VIP:5353" sched wlc 2>&1)
	check_match "service add warns (the default wlc too)" "$err" \
		"warning: udp $VIP:5353: scheduler wlc is not stable"
	dctl_d d1 service del udp "$VIP:5353"
	err=$(dctl_d d1 service add udp "$VIP:5353" sched mh 2>&1)
	check_eq "not for mh" "$err" ""
	dctl_d d1 service del udp "$VIP:5353"
	err=$(dctl_d d1 config set cluster no 2>&1)
	check_eq "nor without cluster yes" "$(dctl_d d1 service add udp "$VIP:5353" sched rr 2>&1)" ""
	dctl_d d1 service del udp "$VIP:5353"
	err=$(dctl_d d1 config set cluster yes 2>&1)
	check_match "config set cluster yes warns about the rr service" "$err" \
		"warning: tcp $VIP:80: scheduler rr"

	hold rr || return
	dctl_d d3 flush
	check "d3 flushed: the router drops it" slowwait 30 hops_are "${DIP[d1]}" "${DIP[d2]}"
	hold_send rr after
	# Until all answered or the first one did not (the client tries
	# them one by one, 2 s for each that times out).
	slowwait 15 answered_or_broken rr
	read -r -a ROUND <<< "$(held_after rr "$HELD" after)"
	diag_block "held connections" 0 "$(cat "$WORK/rr.out")"
	check "with rr, connections break (same changed broken, so far: ${ROUND[*]})" \
		test "${ROUND[0]}" -lt "$HELD"
	hold_stop rr
}

server_removed_and_added()
{
	local d on3 out

	all_up || return
	hold srv || return
	on3=$(head -n "$HELD" "$WORK/srv.out" | awk '$2 == "rs3"' | wc -l)
	defer configure_all mh
	for d in "${DIRS[@]}"; do
		dctl_d "$d" server del tcp "$VIP:80" "${RS_IP[3]}"
	done
	hold_send srv after
	slowwait 20 held_all srv $((HELD - on3)) after
	read -r -a ROUND <<< "$(held_after srv "$HELD" after)"
	check "some held connections were on rs3 ($on3)" test "$on3" -gt 0
	check_eq "rs3 removed: rs1's and rs2's connections answer from their servers" \
		"${ROUND[0]}" $((HELD - on3))
	check_eq "only rs3's do not (changed broken)" "${ROUND[1]} ${ROUND[2]}" "0 $on3"
	hold_stop srv

	# rs3 added back, connections held on rs1 and rs2 meanwhile.
	hold srv2 || return
	for d in "${DIRS[@]}"; do
		dctl_d "$d" server add tcp "$VIP:80" "${RS_IP[3]}"
	done
	round srv2 after
	check_eq "rs3 added back: every held connection answers from its own server" \
		"${ROUND[*]}" "$HELD 0 0"
	out=$(client tcp "$VIP" 80 --count 15)
	check "and new connections reach rs3 ($(dist "$out"))" test "$(count rs3 "$out")" -gt 0
	hold_stop srv2
}

# udp_flows N BASE: N UDP datagrams to VIP:5353 from the client, source
# ports BASE.., one each; no answer awaited.
udp_flows()
{
	nse "$NS_CLIENT" "$PY" -S -c '
import socket, sys
n, base, vip = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", base + i))
    s.sendto(b"x", (vip, 5353))
    s.close()
' "$1" "$2" "$VIP"
}

# flow_map: "CPORT SERVER" of every UDP flow on the three directors.
flow_map()
{
	local d

	for d in "${DIRS[@]}"; do
		dctl_d "$d" -j conn show udp "$VIP:5353" |
			jq -r '.conns[] | "\(.client_port) \(.server)"'
	done | sort
}

# udp_conf SERVER...: the mh UDP service with these servers (restore lines,
# after conf's).
udp_conf()
{
	local s

	echo "service add udp $VIP:5353 sched mh"
	for s in "$@"; do
		echo "server add udp $VIP:5353 $s"
	done
}

mh_disruption()
{
	local n=2000 base=20000 i d a fake=() gone lines moved others pct

	all_up || return
	for ((i = 0; i < 97; i++)); do
		fake+=("10.0.0.$((150 + i))")
	done
	# The 97 addresses: static neighbours on every director, so their
	# datagrams leave (and die on the switch) without ARP.
	for d in "${DIRS[@]}"; do
		for a in "${fake[@]}"; do
			printf 'neigh replace %s lladdr 02:00:0a:00:02:%02x dev d0 nud permanent\n' \
				"$a" "${a##*.}"
		done | ip -n "${DNS[$d]}" -b -
	done
	gone=${fake[50]}
	for d in "${DIRS[@]}"; do
		{ conf mh; udp_conf "${RS_IP[@]}" "${fake[@]}"; } |
			dctl_d "$d" restore - || { tap_fail "$d: 100 servers"; return 1; }
	done
	defer configure_all mh
	udp_flows "$n" "$base"
	slowwait 20 test "$(flow_map | wc -l)" -ge "$n"
	flow_map > "$WORK/map-a"
	for d in "${DIRS[@]}"; do
		{ conf mh; udp_conf "${RS_IP[@]}" "${fake[@]}" | grep -v " $gone\$"; } |
			dctl_d "$d" restore - || { tap_fail "$d: 99 servers"; return 1; }
	done
	# restore kept the service, and its flows: delete them.
	for d in "${DIRS[@]}"; do
		dctl_d "$d" conn del udp "$VIP:5353" > /dev/null
	done
	udp_flows "$n" "$base"
	slowwait 20 test "$(flow_map | wc -l)" -ge "$n"
	flow_map > "$WORK/map-b"
	lines=$(wc -l < "$WORK/map-a")
	check_eq "every flow in one director's table, before and after" \
		"$lines $(wc -l < "$WORK/map-b")" "$n $n"
	read -r others moved < <(join "$WORK/map-a" "$WORK/map-b" |
		awk -v g="$gone" '$2 != g { o++; if ($2 != $3) m++ } END { print o + 0, m + 0 }')
	pct=$(awk -v m="$moved" -v o="$others" 'BEGIN { printf "%.2f", 100 * m / o }')
	check "1 of 100 servers removed: $moved of the other servers' $others flows moved ($pct %, bound 1 %)" \
		test $((moved * 100)) -le "$others"
	check "the removed server's flows all moved" \
		test "$(awk -v g="$gone" '$2 == g' "$WORK/map-b" | wc -l)" -eq 0
}

module_unload_withdraws()
{
	local d out

	all_up || return
	drlb_unload
	check "drlb unloaded: the router has no route to the VIP left" slowwait 30 hops_are
	for d in "${DIRS[@]}"; do
		check "$d: vip export says so" grep -q "drlb was unloaded" "$WORK/export-$d.log"
		check_eq "$d: no route of its own left" \
			"$(ip -n "${DNS[$d]}" route show proto 200)" ""
	done
	drlb_load || { tap_fail "drlb loaded again"; return 1; }
	configure_all mh || return
	check "drlb loaded and configured: the three directors are back" \
		slowwait 60 hops_are "${ALL_HOPS[@]}"
	out=$(client tcp "$VIP" 80 --count 9)
	check_eq "new connections answered" "$(n_answered "$out")" 9
}

tests_run
