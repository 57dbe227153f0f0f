#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The director under operations and awkward packets: weight 0 drains a
# server; deleting a server expires its flows (or moves them, with
# expire-nodest no); persistence keeps a client on one server; a real
# server whose MAC changes, and one the director has no neighbour entry
# for, are still reached; fragmented UDP datagrams reach one server
# intact; a DF packet too big for the egress MTU earns the client an ICMP
# frag-needed; an ICMP error about a flow reaches that flow's server.

source "$(dirname "$0")/lib.sh"
source "$TOP/selftests/topo.sh"
source "$TOP/selftests/director_lib.sh"

dir_setup 3
client_add_ips 2

ctl service add tcp "$VIP:80" sched rr
ctl service add udp "$VIP:53" sched rr
for i in 1 2 3; do
	ctl server add tcp "$VIP:80" "${RS_IP[i]}"
	ctl server add udp "$VIP:53" "${RS_IP[i]}"
done

# held NAME: the server a held connection went to.
held() { awk 'NR == 1 { print $2 }' "$WORK/$1.out"; }
# rs_ip_of NAME: rsN -> its address.
rs_ip_of() { echo "${RS_IP[${1#rs}]}"; }
# rsts: TCP resets the real servers sent, in all.
rsts() { local i t=0; for i in 1 2 3; do t=$((t + $(snmp "${NS_RS[i]}" Tcp OutRsts))); done; echo $t; }
# answered NAME LINE: the held connection got LINE's answer (or an error).
answered() { grep -q "$2" "$WORK/$1.out"; }

# ---- weight 0 drains ------------------------------------------------------------

hold_start drain 80 1
x=$(held drain)
ctl server change tcp "$VIP:80" "$(rs_ip_of "$x")" weight 0
check_eq "weight 0 shows" \
	"$(jq_ctl ".services[] | select(.port == 80) | .servers[] | select(.address == \"$(rs_ip_of "$x")\") | .weight" service show)" 0
hold_send drain "still-there"
slowwait 20 answered drain "still-there"
check_eq "drained $x: the existing connection goes on" \
	"$(sed -n 2p "$WORK/drain.out")" "0 $x still-there"
out=$(client tcp "$VIP" 80 --count 6)
check_eq "drained $x: 6 new connections avoid it ($(dist "$out"))" \
	"$(count "$x" "$out"):$(names "$out" | sort -u | wc -l)" "0:2"
ctl server change tcp "$VIP:80" "$(rs_ip_of "$x")" weight 1
hold_stop drain

# ---- server delete: expire-nodest yes (default) -------------------------------

hold_start del 80 1
x=$(held del)
xi=${x#rs}
rst0=$(rsts)
d0=$(drops)
ctl server del tcp "$VIP:80" "$(rs_ip_of "$x")"
check_eq "deleted $x is gone from service show" \
	"$(jq_ctl ".services[] | select(.port == 80) | [.servers[].address] | index(\"$(rs_ip_of "$x")\")" service show)" null
cport=$(awk 'NR == 1 { split($3, a, ":"); print a[2] }' "$WORK/del.out")
check_eq "deleted $x: its flow is gone from conn show" \
	"$(jq_ctl "[.conns[] | select(.client_port == $cport)] | length" conn show tcp "$VIP:80")" 0
hold_send del "after-delete"
# The next packet has no flow: it is scheduled afresh (and reset by a
# server that never saw the connection) or dropped and counted.
elsewhere_or_dropped() { [ "$(rsts)" -gt "$rst0" ] || [ "$(drops)" -gt "$d0" ]; }
check "deleted $x (expire-nodest yes): the flow's next packet goes elsewhere or is dropped and counted" \
	slowwait 30 elsewhere_or_dropped
diag "server resets $rst0 -> $(rsts), drops $d0 -> $(drops)"
check_eq "deleted $x: the flow's packets never reach it" \
	"$(grep -c after-delete "$WORK/rs$xi.log")" 0
hold_stop del
out=$(client tcp "$VIP" 80 --count 4)
check_eq "deleted $x: new connections avoid it ($(dist "$out"))" "$(count "$x" "$out")" 0
ctl server add tcp "$VIP:80" "$(rs_ip_of "$x")"

# ---- server delete: expire-nodest no -----------------------------------------

ctl service change tcp "$VIP:80" expire-nodest no
ctl service change udp "$VIP:53" expire-nodest no
check_eq "expire-nodest no shows" \
	"$(jq_ctl '[.services[].expire_nodest] | join(",")' service show)" "false,false"
check_match "and in the text form" "$(ctl service show)" \
	"^tcp +$VIP:80 +rr +expire-nodest no$"
hold_start move 80 1
x=$(held move)
rst0=$(rsts)
ctl server del tcp "$VIP:80" "$(rs_ip_of "$x")"
hold_send move "after-move"
slowwait 30 answered move "after-move\|error"
cport=$(awk 'NR == 1 { split($3, a, ":"); print a[2] }' "$WORK/move.out")
moved_to=$(jq_ctl ".conns[] | select(.client_port == $cport) | .server" conn show tcp "$VIP:80")
check "deleted $x (expire-nodest no): conn show has the flow on another server ($moved_to)" \
	test -n "$moved_to" -a "$moved_to" != "$(rs_ip_of "$x")"
rst=$(rsts)
check_eq "deleted $x (expire-nodest no): the TCP flow moved to another server, which resets it" \
	"$(sed -n 2p "$WORK/move.out"):$((rst > rst0))" "0 error ECONNRESET:1"
hold_stop move
ctl server add tcp "$VIP:80" "$(rs_ip_of "$x")"

out=$(client udp "$VIP" 53 --sport 30000 --count 1)
x=$(names "$out")
ctl server del udp "$VIP:53" "$(rs_ip_of "$x")"
out2=$(client udp "$VIP" 53 --sport 30000 --count 1)
check "deleted $x (expire-nodest no): the UDP flow goes on at $(names "$out2")" \
	test "$(names "$out2")" != "$x" -a "$(names "$out2")" != "-"
ctl server add udp "$VIP:53" "$(rs_ip_of "$x")"

# ---- persistence ------------------------------------------------------------------

ctl service add tcp "$VIP:8080" sched rr persistent 60
for i in 1 2 3; do ctl server add tcp "$VIP:8080" "${RS_IP[i]}"; done
out=$(client tcp "$VIP" 8080 --count 6)
check_eq "persistent: 6 connections of one client on one server ($(dist "$out"))" \
	"$(names "$out" | sort -u | wc -l):$(names "$out" | grep -c '^rs')" "1:6"
check_match "conn show lists the persistence template" \
	"$(ctl conn show tcp "$VIP:8080")" \
	"^tcp +$CLIENT_IP:\* +$VIP:8080 +10\.0\.0\.1[123] +persistent +"
ctl service change tcp "$VIP:8080" netmask 24
check_match "persistent 60 netmask 24 shows" "$(ctl service show)" \
	"^tcp +$VIP:8080 +rr +persistent 60 netmask 24$"
out=$(client tcp "$VIP" 8080 --src "$CLIENT_IPS" --count 3)
check_eq "persistent netmask 24: two clients of one /24 share a server ($(dist "$out"))" \
	"$(names "$out" | sort -u | wc -l):$(names "$out" | grep -c '^rs')" "1:6"

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
# One try: the director must hold the packet while it resolves, not drop it.
out=$(client udp "$VIP" 54 --sport 32000 --count 1 --tries 1 --timeout 10)
check_eq "after a neighbour flush the first packet still reaches rs2" "$(names "$out")" rs2
check_eq "and was not dropped for want of a neighbour" \
	"$(jq_ctl '.drops.no_neigh' stats)" "$nn0"
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
