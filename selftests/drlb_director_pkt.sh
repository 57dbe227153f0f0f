#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The director and awkward packets and neighbours: a real server whose MAC
# changes, and one the director has no neighbour entry for, are still
# reached; fragmented UDP datagrams reach one server intact; a DF packet
# too big for the egress MTU earns the client an ICMP frag-needed; an ICMP
# error about a flow reaches that flow's server.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

dir_setup 3

ctl service add udp "$VIP:53" sched rr
for i in 1 2 3; do
	ctl server add udp "$VIP:53" "${RS_IP[i]}"
done

# ---- a real server's MAC changes ------------------------------------------------

ctl service add udp "$VIP:54" sched rr
ctl server add udp "$VIP:54" "${RS_IP[2]}"
out=$(client udp "$VIP" 54 --sport 31000 --count 1)
check_eq "udp :54 reaches rs2" "$(names "$out")" rs2
check_eq "server show: rs2's MAC resolved" \
	"$(jq_ctl '.servers[0].mac' server show udp "$VIP:54")" "${RS_MAC[2]}"
newmac=02:00:0a:00:00:99
# The server announces its new address, as a host does with arp_notify.
nsx "${NS_RS[2]}" sysctl -qw net.ipv4.conf.e0.arp_notify=1
ip -n "${NS_RS[2]}" link set e0 address "$newmac"
sport=31001
reached_rs2()
{
	sport=$((sport + 1))
	[ "$(names "$(client udp "$VIP" 54 --sport $sport --tries 1)")" = rs2 ]
}
check "rs2 with a new MAC is still reached" slowwait 60 reached_rs2
check_eq "server show follows the new MAC" \
	"$(jq_ctl '.servers[0].mac' server show udp "$VIP:54")" "$newmac"

# ---- an unresolved neighbour is resolved --------------------------------------------

ip -n "$NS_DIR" neigh flush dev d0
check_eq "director's neighbour table has no entry for rs2" \
	"$(ip -n "$NS_DIR" neigh show "${RS_IP[2]}" dev d0 | grep -c lladdr)" 0
nn0=$(jq_ctl '.drops.no_neigh' stats)
# The uapi lets the director drop a packet while it resolves (counted as
# drop-no-neigh); then the next one must get through.
first=$(names "$(client udp "$VIP" 54 --sport 32000 --tries 1 --timeout 5)")
nn1=$(jq_ctl '.drops.no_neigh' stats)
diag "after the flush: first packet answered by '$first', drop-no-neigh $nn0 -> $nn1"
check "after a neighbour flush the first packet reaches rs2 or is counted as drop-no-neigh" \
	test "$first" = rs2 -o "$nn1" -gt "$nn0"
out=$(client udp "$VIP" 54 --sport 32001)
check_eq "and rs2 is reached" "$(names "$out")" rs2
check_match "and the director resolved rs2 again" \
	"$(ip -n "$NS_DIR" neigh show "${RS_IP[2]}" dev d0)" "lladdr $newmac"

# ---- fragments --------------------------------------------------------------------

out=$(client udp "$VIP" 53 --sport 33000 --count 6 --size 4000)
check_all_ok "6 fragmented 4000-byte datagrams each reach one server intact ($(dist "$out"))" \
	"$out"
check_eq "and they were spread over the servers" "$(names "$out" | sort -u | wc -l)" 3

# ---- DF and too big: ICMP frag-needed ------------------------------------------------

# The director takes client traffic on a second link (d1) and sends to the
# real servers over d0, whose MTU is lowered: only the director's egress is
# too small. (A smaller MTU on d0 alone would drop the packet on receive.)
topo_link "$NS_ROUTER" r2 "$NS_DIR" d1
ip -n "$NS_ROUTER" addr add 10.0.2.1/30 dev r2
ip -n "$NS_DIR" addr add 10.0.2.2/30 dev d1
ip -n "$NS_ROUTER" route add "$VIP/32" via 10.0.2.2
nsx "$NS_DIR" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.d1.rp_filter=0
ip -n "$NS_DIR" link set d0 mtu 1280
m0=$(jq_ctl '.drops.mtu' stats)
out=$(client mtu "$VIP" 53 1400)
check_eq "DF datagram of 1400 bytes over a 1280 egress: the client learns MTU 1280" \
	"$out" "emsgsize mtu=1280"
check "the director counted it (drop-mtu $m0 -> $(jq_ctl '.drops.mtu' stats))" \
	test "$(jq_ctl '.drops.mtu' stats)" -gt "$m0"
out=$(client udp "$VIP" 53 --sport 34000 --count 1 --size 1000)
check_all_ok "a datagram that fits still goes through the second link" "$out"
ip -n "$NS_DIR" link set d0 mtu 1500
ip -n "$NS_ROUTER" route del "$VIP/32"

# ---- an ICMP error about a flow reaches that flow's server -----------------------

out=$(client udp "$VIP" 53 --sport 35000 --count 1)
x=$(names "$out")
for i in 1 2 3; do u0[i]=$(snmp "${NS_RS[i]}" Icmp InDestUnreachs); done
client icmp "$VIP" "$CLIENT_IP" 35000 53 > /dev/null
got_icmp() { [ "$(snmp "${NS_RS[${x#rs}]}" Icmp InDestUnreachs)" -gt "${u0[${x#rs}]}" ]; }
check "an ICMP port-unreachable about the flow reaches its server $x" slowwait 20 got_icmp
others=0
for i in 1 2 3; do
	[ "rs$i" = "$x" ] && continue
	others=$((others + $(snmp "${NS_RS[i]}" Icmp InDestUnreachs) - u0[i]))
done
check_eq "and no other server" "$others" 0
