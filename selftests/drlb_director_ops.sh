#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The director under operations: weight 0 drains a server; deleting a
# server expires its flows (or moves them, with expire-nodest no);
# persistence keeps a client on one server (or one /24 with netmask 24);
# drains under a load of new flows lose none; a flow is counted on the
# service of its server; raising conn-max grows the connection hash with
# every flow kept. Packets and neighbours: drlb_director_pkt.sh.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	conn_hash_grows
	weight0_drains
	server_del_expires_flows
	server_del_moves_flows
	persistent_client
	persistent_netmask
	persistent_held
	drains_lose_no_flow
	counters_follow_flow_service
"

dir_setup 3
client_add_ips 2

# held NAME: the server a held connection went to.
held()
{
	local i name

	read -r i name _ < "$WORK/$1.out"
	echo "$name"
}
# rs_ip_of NAME: rsN -> its address.
rs_ip_of() { echo "${RS_IP[${1#rs}]}"; }
# held_cport NAME: the client port of NAME's (first) held connection.
held_cport()
{
	local i name addr

	read -r i name addr < "$WORK/$1.out"
	echo "${addr##*:}"
}
# line2 NAME: the second line of NAME's output (the first answer).
line2()
{
	local -a l=()

	mapfile -t -n 2 l < "$WORK/$1.out"
	echo "${l[1]:-}"
}
# rsts: TCP resets the real servers sent, in all.
rsts() { local i t=0; for i in 1 2 3; do t=$((t + $(snmp "${NS_RS[i]}" Tcp OutRsts))); done; echo $t; }
# answered NAME LINE: the held connection got LINE's answer (or an error).
answered() { grep -q "$2" "$WORK/$1.out"; }

# raw ARGS...: drlb_raw from the router's LAN port to the director.
raw()
{
	nse "$NS_ROUTER" "$HERE/drlb_raw" -i r1 -m "$DIR_MAC" -d "$VIP" "$@"
}
# cfg KEY: a value of `config show` (read-only ones included).
cfg() { jq_ctl ".$1" config show; }
# chain_max_seen: the GC finished a pass since the last resize.
chain_max_seen() { [ "$(cfg conn_chain_max)" -gt 0 ]; }
# longest_chain: the longest chain of a GC pass that began after now (a
# pass is four runs, a second apart).
longest_chain()
{
	sleep 6
	slowwait 15 chain_max_seen && cfg conn_chain_max
}
# The second flood's datagrams: on the debug kernel a fifth.
N_GROW=$(rounds 20000 4000)
# The last conn-max: on the debug kernel an eighth, so that the hash the
# GC scans (a quarter of it every second) for the rest of the file stays
# small there (KASAN makes every bucket it reads cost).
N_BIG=$(rounds 1048576 131072)

# tcp_rr_lines: tcp VIP:80, rr, on the three servers.
tcp_rr_lines()
{
	echo "service add tcp $VIP:80 sched rr"
	rs_lines tcp "$VIP:80"
}

# grow_under_traffic NAME CONN_MAX N: raise conn-max to CONN_MAX while
# NAME's held connections send N lines, 20 ms apart; each must get all N
# answers, no packet of theirs may miss its entry (drop-no-flow) and no
# entry may be lost.
grow_under_traffic()
{
	local name=$1 n=$3 n0 nf0 i pid

	n0=$(cfg conn_count)
	nf0=$(dir_stat drop-no-flow)
	for ((i = 1; i <= n; i++)); do
		hold_send "$name" "grow-$2-$i"
		nap 0.02
	done &
	pid=$!
	ctl config set conn-max "$2"
	wait "$pid"
	check "conn-max $2: the held connections got all $n answers" \
		slowwait 30 held_all "$name" 8 "grow-$2-$n"
	check_eq "conn-max $2: ... every one of them" \
		"$(grep -c " grow-$2-" "$WORK/$name.out")" $((8 * n))
	check_eq "conn-max $2: no packet missed its flow" \
		"$(($(dir_stat drop-no-flow) - nf0))" 0
	check_eq "conn-max $2: every entry kept ($n0)" "$(cfg conn_count)" "$n0"
}

# The connection hash is sized from conn-max at the namespace's first
# service (one bucket per two entries); raising conn-max later grows it,
# online: 8 held TCP connections keep talking through two resizes, the
# second moving 21 000 entries, and the chains stay short. Needs the
# namespace's first service (it runs first).
conn_hash_grows()
{
	local max out chain

	if [ "$(cfg conn_buckets)" != 0 ]; then
		tap_skip "conn hash grows" "the table exists already (run this case first)"
		return
	fi
	max=$(cfg conn_max)
	defer ctl config set conn-max "$max"
	ctl config set conn-max 1024
	dir_config < <(tcp_rr_lines; echo "service add udp $VIP:9 sched rr"
		       rs_lines udp "$VIP:9")
	check_eq "conn-max 1024: 512 buckets" "$(cfg conn_buckets)" 512
	hold_start grow 80 8
	# UDP to the discard port: each datagram an entry (no listener on
	# the servers, who answer with rate-limited ICMP).
	out=$(raw -p udp -P 9 -s rand -n 1000 -r 21)
	check_eq "drlb_raw sent 1000 datagrams" "$out" "sent 1000"
	grow_under_traffic grow 32768 25
	check_eq "conn-max 32768: 16384 buckets" "$(cfg conn_buckets)" 16384
	out=$(raw -p udp -P 9 -s rand -n "$N_GROW" -r 22)
	check_eq "drlb_raw sent $N_GROW datagrams" "$out" "sent $N_GROW"
	chain=$(longest_chain)
	diag "$(cfg conn_buckets) buckets, $(cfg conn_count) entries: longest chain $chain"
	# 21 000 entries in 512 buckets (no resize) make chains of 41 on
	# average; in 16 384, the longest is about 8.
	check "a GC pass measured the longest chain: at most 16 (${chain:-none})" \
		test "${chain:-99}" -le 16
	grow_under_traffic grow "$N_BIG" 50
	check_eq "conn-max $N_BIG: $((N_BIG / 2)) buckets" "$(cfg conn_buckets)" \
		$((N_BIG / 2))
	ctl config set conn-max 2048
	check_eq "a lower conn-max keeps the hash" "$(cfg conn_buckets)" \
		$((N_BIG / 2))
	hold_stop grow
}

# Weight 0 drains: existing flows go on, new ones avoid the server.
weight0_drains()
{
	local x out

	dir_config < <(tcp_rr_lines)
	hold_start drain 80 1
	x=$(held drain)
	ctl server change tcp "$VIP:80" "$(rs_ip_of "$x")" weight 0
	check_eq "weight 0 shows" \
		"$(jq_ctl ".services[] | select(.port == 80) | .servers[] | select(.address == \"$(rs_ip_of "$x")\") | .weight" service show)" 0
	hold_send drain "still-there"
	slowwait 20 answered drain "still-there"
	check_eq "drained $x: the existing connection goes on" \
		"$(line2 drain)" "0 $x still-there"
	out=$(client tcp "$VIP" 80 --count 6)
	check_eq "drained $x: 6 new connections avoid it ($(dist "$out"))" \
		"$(count "$x" "$out"):$(n_names "$out")" "0:2"
	hold_stop drain
}

# The last counts elsewhere_or_dropped saw.
rst_now=0
drops_now=0

# elsewhere_or_dropped RSTS DROPS: the real servers sent more resets, or the
# director dropped more, than that.
elsewhere_or_dropped()
{
	rst_now=$(rsts)
	drops_now=$(drops)
	[ "$rst_now" -gt "$1" ] || [ "$drops_now" -gt "$2" ]
}

# Deleting a server (expire-nodest yes, the default) expires its flows.
server_del_expires_flows()
{
	local x xi rst0 d0 cport out rc

	dir_config < <(tcp_rr_lines)
	hold_start del 80 1
	x=$(held del)
	xi=${x#rs}
	rst0=$(rsts)
	d0=$(drops)
	ctl server del tcp "$VIP:80" "$(rs_ip_of "$x")"
	check_eq "deleted $x is gone from service show" \
		"$(jq_ctl ".services[] | select(.port == 80) | [.servers[].address] | index(\"$(rs_ip_of "$x")\")" service show)" null
	cport=$(held_cport del)
	check_eq "deleted $x: its flow is gone from conn show" \
		"$(jq_ctl "[.conns[] | select(.client_port == $cport)] | length" conn show tcp "$VIP:80")" 0
	hold_send del "after-delete"
	# The next packet has no flow: it is scheduled afresh (and reset by a
	# server that never saw the connection) or dropped and counted.
	slowwait 30 elsewhere_or_dropped "$rst0" "$d0" && rc=0 || rc=$?
	log_test $rc "deleted $x (expire-nodest yes): the flow's next packet goes elsewhere or is dropped and counted"
	diag "server resets $rst0 -> $rst_now, drops $d0 -> $drops_now"
	check_eq "deleted $x: the flow's packets never reach it" \
		"$(grep -c after-delete "$WORK/rs$xi.log")" 0
	hold_stop del
	out=$(client tcp "$VIP" 80 --count 4)
	check_eq "deleted $x: new connections avoid it ($(dist "$out"))" "$(count "$x" "$out")" 0
}

# Deleting a server with expire-nodest no moves its flows: TCP ones are
# reset by their new server, UDP ones go on there.
server_del_moves_flows()
{
	local x rst0 rst cport moved_to out out2

	dir_config <<-EOF
	$(tcp_rr_lines)
	service add udp $VIP:53 sched rr
	$(rs_lines udp "$VIP:53")
	service change tcp $VIP:80 expire-nodest no
	service change udp $VIP:53 expire-nodest no
	EOF
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
	cport=$(held_cport move)
	moved_to=$(jq_ctl ".conns[] | select(.client_port == $cport) | .server" conn show tcp "$VIP:80")
	check "deleted $x (expire-nodest no): conn show has the flow on another server ($moved_to)" \
		test -n "$moved_to" -a "$moved_to" != "$(rs_ip_of "$x")"
	rst=$(rsts)
	check_eq "deleted $x (expire-nodest no): the TCP flow moved to another server, which resets it" \
		"$(line2 move):$((rst > rst0))" "0 error ECONNRESET:1"
	hold_stop move

	out=$(client udp "$VIP" 53 --sport 30000 --count 1)
	x=$(names "$out")
	ctl server del udp "$VIP:53" "$(rs_ip_of "$x")"
	out2=$(client udp "$VIP" 53 --sport 30000 --count 1)
	check "deleted $x (expire-nodest no): the UDP flow goes on at $(names "$out2")" \
		test "$(names "$out2")" != "$x" -a "$(names "$out2")" != "-"
}

# persist_lines: tcp VIP:8080, rr, persistent 60, on the three servers.
persist_lines()
{
	echo "service add tcp $VIP:8080 sched rr persistent 60"
	rs_lines tcp "$VIP:8080"
}

# Persistence keeps a client on one server.
persistent_client()
{
	local out

	dir_config < <(persist_lines)
	out=$(client tcp "$VIP" 8080 --count 6)
	check_eq "persistent: 6 connections of one client on one server ($(dist "$out"))" \
		"$(n_names "$out"):$(n_answered "$out")" "1:6"
	check_match "conn show lists the persistence template" \
		"$(ctl conn show tcp "$VIP:8080")" \
		"^tcp +$CLIENT_IP:\* +$VIP:8080 +10\.0\.0\.1[123] +persistent +"
}

# A template outlives its persistence timeout while a flow it placed is
# alive (IPVS keeps it while it controls connections): the client's next
# connection lands beside the long one.
persistent_held()
{
	local x out

	dir_config < <(echo "service add tcp $VIP:8080 sched rr persistent 2"
		       rs_lines tcp "$VIP:8080")
	hold_start long 8080 1
	x=$(held long)
	# Three times the timeout, and the GC's five seconds, without a packet.
	sleep 8
	check_match "the template is still listed after 8 s (persistent 2) while the flow lives" \
		"$(ctl conn show tcp "$VIP:8080")" \
		"^tcp +$CLIENT_IP:\* +$VIP:8080 +$(rs_ip_of "$x") +persistent +"
	out=$(client tcp "$VIP" 8080 --count 3)
	check_eq "3 new connections of the client go to $x, beside the long one ($(dist "$out"))" \
		"$(count "$x" "$out")" 3
	hold_stop long
}

# With netmask 24, one /24 of clients on one server.
persistent_netmask()
{
	local out

	dir_config <<-EOF
	$(persist_lines)
	service change tcp $VIP:8080 netmask 24
	EOF
	check_match "persistent 60 netmask 24 shows" "$(ctl service show)" \
		"^tcp +$VIP:8080 +rr +persistent 60 netmask 24$"
	out=$(client tcp "$VIP" 8080 --src "$CLIENT_IPS" --count 3)
	check_eq "persistent netmask 24: two clients of one /24 share a server ($(dist "$out"))" \
		"$(n_names "$out"):$(n_answered "$out")" "1:6"
}

# udp_noport: datagrams that reached rs1 and rs2 for a UDP port nobody
# listens on (they answer with a rate-limited ICMP error, no backend
# process wakes up).
udp_noport()
{
	echo $(($(snmp "${NS_RS[1]}" Udp NoPorts) + $(snmp "${NS_RS[2]}" Udp NoPorts)))
}

# Drains of a server (weight 0, then back; 40 of them) while one client
# sends a burst of new UDP flows: every flow reaches a server and none is
# dropped as drop-no-dest. A new flow's pick must never see a drained
# server in a state that still lists it and give up: the drained server's
# state is replaced first, and a pick that finds its server unusable picks
# again from the newer state. To make drains land inside picks:
#   - the service has 3000 more servers of weight 1 that sed never picks
#     (it prefers the heaviest: rs1, then rs2 while rs1 is drained), so a
#     pick is a pass over 3002 servers, a good share of each flow's time;
#   - the flows go to a port nobody listens on at the real servers (no
#     backend to wake per datagram), and the load and the drains run on
#     CPUs of their own (the director's picks run in the sends' softirq:
#     on one CPU a drain could not fall inside a pick).
# Without the fix, about one drain in ten drops a flow. One process sends
# (drlb_client.py --parallel), one drains (helpers/drlb_drain): drain I
# waits for the load's 40 * I-th flow, and the helper reports how far the
# load was at the first and the last (a drain of a service this size
# takes tens of milliseconds under TCG).
drains_lose_no_flow()
{
	# On the debug kernel half the flows and a third of the servers (a
	# pick there is slow enough already; 40 drains need 1600 flows).
	local n fake drains=40 port=5399 out rc pid in0 in1 t0
	local start last end ndone k v backlog

	n=$(rounds 6000 3000)
	fake=$(rounds 3000 1000)
	t0=${EPOCHREALTIME//[!0-9]/}
	dir_config < <(
		echo "service add udp $VIP:$port sched sed"
		echo "server add udp $VIP:$port ${RS_IP[1]} weight 65535"
		echo "server add udp $VIP:$port ${RS_IP[2]} weight 65534"
		awk -v s="udp $VIP:$port" -v n="$fake" 'BEGIN { for (i = 0; i < n; i++)
			printf "server add %s 10.1.%d.%d weight 1\n", s, i / 250, i % 250 + 1 }')
	diag "$((fake + 2)) servers configured in $(((${EPOCHREALTIME//[!0-9]/} - t0) / 1000)) ms"
	# Both MACs known from the start: no flow waits for ARP (drop-no-neigh).
	# shellcheck disable=SC2016 # a script for sh
	nse "$NS_DIR" sh -c 'for a; do ping -q -c 1 -W 5 "$a" & done; wait' \
		sh "${RS_IP[1]}" "${RS_IP[2]}" > /dev/null
	# The burst of 6000 datagrams passes three veth hops, each an input
	# backlog (netdev_max_backlog, 1000): a stalled vCPU (the CI pins two
	# to one host CPU) must not make them drop what drlb never saw.
	read -r backlog < /proc/sys/net/core/netdev_max_backlog
	echo 20000 > /proc/sys/net/core/netdev_max_backlog
	defer sysctl -qw net.core.netdev_max_backlog="$backlog"
	in0=$(udp_noport)
	ctl stats zero
	# The drainer on the last CPU, the client on the first (the same one
	# in a VM with one vCPU).
	taskset -c $(($(nproc) - 1)) nsenter --net="/run/netns/$NS_DIR" \
		"$TOP/selftests/helpers/drlb_drain" udp "$VIP:$port" \
		"${RS_IP[1]}" 65535 $drains 40 2 > "$WORK/drain.out" 2>&1 &
	pid=$!
	defer kill "$pid"
	# A socket per flow, all open at once, each on a port of its own.
	out=$(ulimit -n $((n + 64)) &&
	      taskset -c 0 nsenter --net="/run/netns/$NS_CLIENT" \
		"$PY" -S "$HERE/drlb_client.py" udp "$VIP" $port --parallel \
		--count "$n" --sport 20000 --tries 1 --timeout 0.5)
	wait "$pid" && rc=0 || rc=$?
	while read -r k v; do
		case $k in
		start)	start=$v ;;
		last)	last=$v ;;
		drains)	ndone=$v ;;
		end)	end=$v ;;
		esac
	done < "$WORK/drain.out"
	check_eq "$drains drains of rs1 while $n new flows came" "$rc:${ndone:-}" \
		"0:$drains"
	check "each began inside the load (flows at the first: ${start:-?}, at the last: ${last:-?}, after it: ${end:-?}; of $n)" \
		test "${start:-0}" -gt 0 -a "${last:-$n}" -lt "$n"
	in1=$(udp_noport)
	check_eq "every new flow reached a real server" "$((in1 - in0))" "$n"
	check_eq "no flow dropped (drop-no-dest, ...), all $n scheduled" \
		"$(jq_ctl '"\(.conns) \(.drops.no_dest) \(.drops | add)"' stats)" "$n 0 0"
	[ "$(n_answered "$out")" = 0 ] || diag "answered: $(dist "$out")"
}

# A flow is counted on the service of its server: a TCP connection made
# to a port-0 service goes on to the same server when a service for its
# port is added, and its packets count there, not on the new service.
counters_follow_flow_service()
{
	local x

	dir_config <<-EOF
		service add tcp $VIP sched rr
		server add tcp $VIP ${RS_IP[1]}
		EOF
	hold_start flow0 80 1
	x=$(held flow0)
	# Not restore: it would flush, and the flow with it.
	ctl service add tcp "$VIP:80" sched rr
	ctl server add tcp "$VIP:80" "${RS_IP[2]}"
	ctl stats zero
	hold_send flow0 "after-port-service"
	slowwait 20 answered flow0 "after-port-service"
	check_eq "the port-0 service's connection goes on at $x" \
		"$(line2 flow0)" "0 $x after-port-service"
	check_eq "its packets count on the port-0 service, none on port 80's" \
		"$(jq_ctl '[.services[] | "\(.port):\(.stats.pkts > 0):\(.stats.conns)"] | sort | join(" ")' -s service show)" \
		"0:true:0 80:false:0"
	hold_stop flow0
}

tests_run
