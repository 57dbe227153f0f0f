#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlbctl's director commands against the module: bad input is refused
# with a one-line error naming the bad word (exit 2 before the kernel is
# asked, exit 1 with the kernel's reason) and changes nothing; show, -s,
# -j, conn show, stats, stats zero and flush report what the traffic did.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

dir_setup 2

check "the module lists the schedulers the tests use" \
	test "$(ctl -j version | jq -r '.module.schedulers | map(select(. == "rr" or . == "wrr" or . == "sh" or . == "mh" or . == "lc" or . == "wlc")) | length')" = 6

check "service add udp $VIP:53 sched rr" ctl service add udp "$VIP:53" sched rr
check "service add tcp $VIP:80 (default scheduler)" ctl service add tcp "$VIP:80"
for i in 1 2; do
	check "server add udp $VIP:53 ${RS_IP[i]}" ctl server add udp "$VIP:53" "${RS_IP[i]}"
done
check "server add tcp $VIP:80 ${RS_IP[1]} weight 5" \
	ctl server add tcp "$VIP:80" "${RS_IP[1]}" weight 5

# ---- bad input: one line, the bad word named, nothing changed ------------------

before=$(ctl -j service show)
# bad RC WORD ARGS...: drlbctl ARGS fails with exit RC and one stderr line
# that names WORD.
bad()
{
	local rc=$1 word=$2 out got

	shift 2
	out=$(ctl "$@" 2>&1 >/dev/null) && got=0 || got=$?
	if [ "$got" = "$rc" ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
	   [[ $out == "drlbctl: "* ]] && [[ $out == *"$word"* ]]; then
		tap_ok "'drlbctl $*' fails (exit $rc): $out"
	else
		tap_fail "'drlbctl $*' fails with exit $rc and one line naming '$word'" \
			"exit $got" "$out"
	fi
}
bad 2 "'10.0.0.300'" service add tcp 10.0.0.300:80
bad 2 "'99999'" service add tcp "$VIP:99999"
bad 2 "'80x'" service add tcp "$VIP:80x"
bad 2 "'icmp'" service add icmp "$VIP:80"
bad 2 "missing VIP" service add tcp
bad 2 "missing PROTO" service add
bad 2 "'nosuch'" service add tcp "$VIP:81" sched nosuch
bad 2 "'frob'" service add tcp "$VIP:81" frob 1
bad 2 "'0'" service add tcp "$VIP:81" persistent 0
bad 2 "'3000000'" service add tcp "$VIP:81" persistent 3000000
bad 2 "'255.0.255.0'" service add tcp "$VIP:81" persistent 60 netmask 255.0.255.0
bad 2 "netmask" service add tcp "$VIP:81" netmask 24
bad 2 "'maybe'" service add tcp "$VIP:81" expire-nodest maybe
bad 2 "nothing to change" service change tcp "$VIP:80"
bad 2 "'65536'" server add udp "$VIP:53" 10.0.0.13 weight 65536
bad 2 "'-1'" server add udp "$VIP:53" 10.0.0.13 weight -1
bad 2 "'10.0.0.13:53'" server add udp "$VIP:53" 10.0.0.13:53
bad 2 "missing server" server add udp "$VIP:53"
bad 2 "'x'" server del udp "$VIP:53" "${RS_IP[1]}" x
bad 2 "'sideways'" service sideways
bad 1 "service add tcp $VIP:80: " service add tcp "$VIP:80" sched rr
bad 1 "service del tcp $VIP:81: " service del tcp "$VIP:81"
bad 1 "service change tcp $VIP:81: " service change tcp "$VIP:81" sched rr
bad 1 "server add tcp $VIP:81 ${RS_IP[1]}: " server add tcp "$VIP:81" "${RS_IP[1]}"
bad 1 "server add udp $VIP:53 ${RS_IP[1]}: " server add udp "$VIP:53" "${RS_IP[1]}"
bad 1 "server del udp $VIP:53 10.0.0.99: " server del udp "$VIP:53" 10.0.0.99
bad 1 "service show udp $VIP:54: " service show udp "$VIP:54"
bad 1 "stats zero udp $VIP:54: " stats zero udp "$VIP:54"
check_eq "-j service show identical after all the bad input" \
	"$(diff <(printf '%s\n' "$before") <(ctl -j service show) | head -n 12)" ""
# A server not (yet) on a connected network is accepted, as with IPVS: its
# network may come up later. Until then its packets count as no_neigh and
# server show has no MAC for it.
check "a server on no connected network is accepted" \
	ctl server add udp "$VIP:53" 192.0.2.1
check_eq "and shows no MAC" \
	"$(ctl -j service show udp "$VIP:53" | jq -r '.services[0].servers[] | select(.address == "192.0.2.1") | .mac')" null
ctl server del udp "$VIP:53" 192.0.2.1

# ---- show --------------------------------------------------------------------------

show=$(ctl service show)
check_match "service show: the udp service with its scheduler" "$show" \
	"^udp +$VIP:53 +rr *$"
check_match "service show: the tcp service with the default scheduler" "$show" \
	"^tcp +$VIP:80 +wlc *$"
check_match "service show: a server line with weight and connections" "$show" \
	"^  -> ${RS_IP[1]} +5 +0 +0 "
check_eq "service show: services sorted by port, servers under each" \
	"$(printf '%s\n' "$show" | awk '{ print $1 $2 }' | tr '\n' ' ')" \
	"PROTOVIP:PORT ->SERVER udp$VIP:53 ->${RS_IP[1]} ->${RS_IP[2]} tcp$VIP:80 ->${RS_IP[1]} "
check_eq "-j: the documented keys of a service" \
	"$(ctl -j service show | jq -c '.services[0] | keys')" \
	'["expire_nodest","netmask","num_servers","persistent","port","protocol","scheduler","servers","vip"]'
check_eq "-j: the documented keys of a server" \
	"$(ctl -j service show | jq -c '.services[0].servers[0] | keys')" \
	'["active_conns","address","dev","ifindex","inactive_conns","mac","weight"]'
check_eq "-j -s adds conns, pkts and bytes to services and servers" \
	"$(ctl -j -s service show | jq -c '[.services[0].stats, .services[0].servers[0].stats | has("conns") and has("pkts") and has("bytes")]')" \
	'[true,true]'
check_eq "server show lists one service's servers" \
	"$(jq_ctl '[.servers[].address] | join(",")' server show udp "$VIP:53")" \
	"${RS_IP[1]},${RS_IP[2]}"
check "service change persistent 300 netmask 255.255.255.0" \
	ctl service change tcp "$VIP:80" persistent 300 netmask 255.255.255.0 expire-nodest no
check_eq "and -j shows it" \
	"$(jq_ctl '.services[] | select(.port == 80) | "\(.persistent) \(.netmask) \(.expire_nodest)"' service show)" \
	"300 24 false"
check "service change persistent off" ctl service change tcp "$VIP:80" persistent off
check_eq "and it is off" \
	"$(jq_ctl '.services[] | select(.port == 80) | .persistent' service show)" 0

# ---- traffic: conn show and stats ------------------------------------------------------

ctl stats zero
out=$(client udp "$VIP" 53 --sport 40000 --count 6 --size 100)
check_all_ok "6 UDP flows answered" "$out"
stats=$(ctl -j stats)
check_eq "stats: 6 flows, 6 packets, 6 x 128 bytes" \
	"$(jq -r '"\(.conns) \(.pkts) \(.bytes)"' <<< "$stats")" "6 6 768"
check_eq "stats: drop counters by reason" \
	"$(jq -c '.drops | keys' <<< "$stats")" '["mtu","no_dest","no_neigh","other","table_full"]'
check_match "stats text: KEY VALUE lines" "$(ctl stats)" "^pkts +6$"
check_eq "-s service show: per-service counters" \
	"$(jq_ctl '.services[] | select(.port == 53) | "\(.stats.conns) \(.stats.pkts)"' -s service show)" "6 6"
check_eq "-s service show: per-server counters (rr: 3 each)" \
	"$(jq_ctl '[.services[] | select(.port == 53) | .servers[].stats.conns] | join(" ")' -s service show)" "3 3"
check_match "-s service show text: a counters line" "$(ctl -s service show)" \
	"^ +conns 3 +pkts 3 +bytes 384$"

conns=$(ctl -j conn show udp "$VIP:53")
check_eq "conn show: the 6 flows" "$(jq '.conns | length' <<< "$conns")" 6
want=$(printf '%s\n' "$out" | awk '{ split($1, a, ":"); print a[2], $2 }' | sort)
got=$(jq -r '.conns[] | "\(.client_port) \(.server)"' <<< "$conns" |
	while read -r p ip; do echo "$p $(rs_of_ip "$ip")"; done | sort)
check_eq "conn show: each flow's server is the one that answered" "$got" "$want"
check_eq "conn show: client, VIP, state and a running timer" \
	"$(jq -r '[.conns[] | select(.client == "'"$CLIENT_IP"'" and .vip == "'"$VIP"'" and .vip_port == 53 and .state == "none" and .expires_ms > 0 and .persistent == false)] | length' <<< "$conns")" 6
check_match "conn show text" "$(ctl conn show)" \
	"^udp +$CLIENT_IP:40000 +$VIP:53 +10\.0\.0\.1[12] +- +[0-9]{2}:[0-9]{2}$"

check "stats zero udp $VIP:53" ctl stats zero udp "$VIP:53"
check_eq "the service's counters are zero" \
	"$(jq_ctl '.services[] | select(.port == 53) | [.stats.conns, .stats.pkts, .servers[].stats.pkts] | join(" ")' -s service show)" "0 0 0 0"
check "stats zero" ctl stats zero
check_eq "the totals are zero" "$(jq_ctl '"\(.conns) \(.pkts) \(.bytes)"' stats)" "0 0 0"

# ---- server del, service del, flush --------------------------------------------------

check "server del udp $VIP:53 ${RS_IP[2]}" ctl server del udp "$VIP:53" "${RS_IP[2]}"
check_eq "one server left" "$(jq_ctl '.servers | length' server show udp "$VIP:53")" 1
check "service del tcp $VIP:80" ctl service del tcp "$VIP:80"
check_eq "one service left" "$(jq_ctl '.services | length' service show)" 1
check "flush" ctl flush
check_eq "flush: no services" "$(ctl -j service show | jq -c .)" '{"services":[]}'
check_eq "flush: no flows" "$(ctl -j conn show | jq -c .)" '{"conns":[]}'
check_eq "flush: show prints nothing" "$(ctl service show)$(ctl conn show)" ""
out=$(client udp "$VIP" 53 --sport 41000 --count 1 --tries 1)
check_eq "flush: the VIP is no longer balanced" "$(names "$out")" "-"
