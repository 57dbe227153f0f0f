#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The director under operations: weight 0 drains a server; deleting a
# server expires its flows (or moves them, with expire-nodest no);
# persistence keeps a client on one server (or one /24 with netmask 24).
# Packets and neighbours: drlb_director_pkt.sh.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

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
