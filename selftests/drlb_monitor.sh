#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an operator watches: `drlbctl monitor` (the module's "monitor"
# multicast group) and the rates (the module's estimator).
#
#   events_in_order
#      a scripted sequence of changes on the director - a service, two
#      servers (one that exists, one that does not), changes, the flow
#      table filled past a bound of 2, its flows deleted, deletions, an
#      ARP rule added, changed (restore) and deleted, a flush - seen by
#      two monitors (JSON and text): every change once, in the order it
#      was made, with the port of the request; the existing server's
#      neighbour resolved then stale, the missing one's failed; the table
#      full, then its stateless fallback, then back below its bound; the
#      kernel's own events without a port. (The ARP rule's change by
#      restore failed before: NEW_ARP with NLM_F_REPLACE, which generic
#      netlink refuses; it is SET_ARP now, also "drlbctl arp change".)
#   monitor_needs_admin
#      joining the events is refused to a user and to root without
#      CAP_NET_ADMIN, with a message that says so; a stray argument is a
#      usage error.
#   rates
#      steady UDP traffic (4 flows, 80 datagrams/s): the namespace's,
#      the service's and the server's packet rates are the rate the
#      director forwarded over the last 4 s (within 30 %), the byte
#      rate is the packet rate times the datagrams' size, the flow rate
#      near 0 once the flows exist; they fall when the traffic stops;
#      `stats --watch 1` prints every second, `-s service show` shows them.
#   rates_after_idle
#      two services idle for two estimator samples (the estimator then
#      skips them), then traffic to one: it and its server have the rate
#      forwarded again, the other and its server (the same host) stay at 0.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	events_in_order
	monitor_needs_admin
	rates
	rates_after_idle
"

dir_setup 1
command -v jq >/dev/null || skip_all "needs jq"

# The bogus real server: in the LAN's subnet, nobody has it.
GHOST=10.0.0.99

# monitor_start NAME ARGS...: drlbctl ARGS monitor in the director's
# namespace, into $WORK/NAME; returns once it receives events (a probe
# service added and deleted shows in its output).
monitor_start()
{
	local name=$1

	shift
	nse "$NS_DIR" "$DRLBCTL" "$@" monitor > "$WORK/$name" 2> "$WORK/$name.err" &
	defer kill $!
}

# seen FILE PATTERN: FILE has a line matching PATTERN (grep -E).
seen() { grep -qE -- "$2" "$1"; }

# neigh_states ADDR: the neighbour states server ADDR's events (any kind)
# carry in $WORK/ev.json, repeats folded: "incomplete resolved stale".
neigh_states()
{
	jq -r --arg a "$1" 'select(.server.address == $a) | .server.neigh' \
		"$WORK/ev.json" | uniq | tr '\n' ' '
}

events_in_order()
{
	local ev=$WORK/ev.json txt=$WORK/ev.txt expected got kernel i lines

	# Fast neighbour timers on the director: a probe every 200 ms (the
	# missing server fails after 3), reachable for 0.25-0.75 s.
	nse "$NS_DIR" sysctl -qw net.ipv4.neigh.d0.retrans_time_ms=200 \
		net.ipv4.neigh.d0.base_reachable_time_ms=500
	defer ctl flush
	defer ctl config set conn-max 1048576
	monitor_start ev.json -j
	monitor_start ev.txt
	# Both listening: each has seen a probe (no race with what follows).
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ctl service add tcp "$VIP:9"
		ctl service del tcp "$VIP:9"
		busywait 1000 seen "$ev" '"service-del"' &&
			busywait 1000 seen "$txt" '^service del' && break
	done
	check "both monitors receive events" seen "$txt" '^service del tcp'

	ctl service add udp "$VIP:5000" sched mh
	ctl server add udp "$VIP:5000" "${RS_IP[1]}"
	ctl server add udp "$VIP:5000" "$GHOST"
	ctl service change udp "$VIP:5000" sched sh
	ctl server change udp "$VIP:5000" "${RS_IP[1]}" weight 3
	slowwait 10 seen "$ev" '"neigh".*"address":"'"$GHOST"'".*"neigh":"failed"'
	ctl config set conn-max 2
	# Six flows for a bound of two: four go without an entry (sh).
	client udp "$VIP" 5000 --count 6 --sport 40000 --parallel \
		--timeout 1 --tries 1 > /dev/null
	ctl conn del all > /dev/null
	slowwait 10 seen "$ev" '"table-ok"'
	slowwait 10 seen "$ev" '"neigh".*"address":"'"${RS_IP[1]}"'".*"neigh":"stale"'
	ctl server del udp "$VIP:5000" "$GHOST"
	ctl service del udp "$VIP:5000"
	ctl arp add "$VIP" dev d0
	echo "arp add $VIP dev d0 packet-sockets yes" > "$WORK/arp.conf"
	ctl restore "$WORK/arp.conf"
	ctl arp change "$VIP" dev d0 packet-sockets no
	ctl arp del "$VIP" dev d0
	ctl flush
	busywait 5000 seen "$ev" '"flush"'

	# The changes requests made, in order (the probes left out).
	expected="service-add udp $VIP:5000
server-add ${RS_IP[1]}
server-add $GHOST
service-change udp $VIP:5000 sh
server-change ${RS_IP[1]} 3
server-del $GHOST
service-del udp $VIP:5000
arp-add $VIP d0 false
arp-change $VIP d0 true
arp-change $VIP d0 false
arp-del $VIP d0 false
flush"
	got=$(jq -r 'select(.port != null and .service.port != 9) |
		if .event | startswith("service") then
			"\(.event) \(.service.protocol) \(.service.vip):\(.service.port)" +
			(if .event == "service-change" then " \(.service.scheduler)" else "" end)
		elif .event | startswith("server") then
			"\(.event) \(.server.address)" +
			(if .event == "server-change" then " \(.server.weight)" else "" end)
		elif .event | startswith("arp") then
			"\(.event) \(.arp.vip) \(.arp.dev) \(.arp.packet_sockets)"
		else .event end' "$ev")
	check_eq "every change once, in order" "$got" "$expected"
	check "every change names the requester's port" \
		jq -e -s '[.[] | select(.event | test("^(service|server|arp|flush)")) |
			.port] | all(. != null and . > 0)' "$ev"

	# The kernel's own events have no port. A server's neighbour states
	# as its events say, each once (its add may have found it resolved).
	kernel=$(jq -r 'select(.port == null) |
		if .event == "neigh" then "neigh \(.server.address) \(.server.neigh)"
		else "\(.event) \(.conn_count)/\(.conn_max)" end' "$ev")
	mapfile -t lines <<< "$kernel"
	printf '# kernel event: %s\n' "${lines[@]}"
	check_eq "neighbour events come from the kernel alone" \
		"$(jq -r 'select(.event == "neigh" and .port != null)' "$ev")" ""
	check_match "the server's neighbour resolved, later stale" \
		"$(neigh_states "${RS_IP[1]}")" "resolved stale"
	check_match "the missing server's neighbour failed" \
		"$(neigh_states "$GHOST")" "failed"
	check_eq "table full, stateless fallback, then ok" \
		"$(grep table <<< "$kernel")" \
		"table-full 2/2
table-stateless 2/2
table-ok 0/2"
	# The text monitor saw the same, in the words of the CLI.
	check "text: service add" seen "$txt" \
		"^service add udp $VIP:5000 sched mh by port [0-9]+$"
	check "text: server change" seen "$txt" \
		"^server change udp $VIP:5000 ${RS_IP[1]} weight 3 by port [0-9]+$"
	check "text: neighbour stale, with its MAC" seen "$txt" \
		"^neigh udp $VIP:5000 ${RS_IP[1]} stale ${RS_MAC[1]}$"
	check "text: table full" seen "$txt" '^table full 2/2$'
	check "text: arp change" seen "$txt" \
		"^arp change $VIP dev d0 packet-sockets yes by port [0-9]+$"
	check "text: flush" seen "$txt" '^flush by port [0-9]+$'
	check_eq "no monitor error" "$(cat "$WORK/ev.json.err" "$WORK/ev.txt.err")" ""
}

monitor_needs_admin()
{
	local out rc

	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		timeout 10 "$DRLBCTL" monitor 2>&1)
	rc=$?
	check_eq "a user's monitor fails" "$rc" 1
	check_match "and says it needs CAP_NET_ADMIN" "$out" "CAP_NET_ADMIN"
	out=$(setpriv --inh-caps=-net_admin --bounding-set=-net_admin \
		timeout 10 "$DRLBCTL" monitor 2>&1)
	rc=$?
	check_eq "root without CAP_NET_ADMIN: monitor fails" "$rc" 1
	check_match "and says it needs CAP_NET_ADMIN" "$out" "CAP_NET_ADMIN"
	out=$("$DRLBCTL" monitor now 2>&1)
	rc=$?
	check_eq "monitor with an argument: usage error" "$rc" 2
	check_match "naming it" "$out" "now"
}

# ratio_in A B LO HI: LO <= A / B <= HI (percent, integers).
ratio_in()
{
	[ "$2" -gt 0 ] && [ $((100 * $1 / $2)) -ge "$3" ] &&
		[ $((100 * $1 / $2)) -le "$4" ]
}

# traffic_rate PORT: 4 flows to VIP:PORT, each a datagram every 50 ms,
# for 11 s. $WANT: the director's own packet count over 4 s from the 5th
# (the client's start-up is not part of it), per second; $ST: drlbctl -j
# stats at the end of those 4 s, $SHOW: drlbctl -j -s service show then.
traffic_rate()
{
	local t1 t2 p1

	sleep 11 | client watch "$VIP" "$1" --count 4 --interval 50 \
		> "$WORK/watch" &
	nap 5
	# Each time the middle of the drlbctl that read the counters.
	t1=${EPOCHREALTIME/./}
	p1=$(ctl -j stats | jq .pkts)
	t1=$(((t1 + ${EPOCHREALTIME/./}) / 2))
	nap 4
	t2=${EPOCHREALTIME/./}
	ST=$(ctl -j stats)
	t2=$(((t2 + ${EPOCHREALTIME/./}) / 2))
	SHOW=$(ctl -j -s service show)
	wait $!
	p1=$(($(jq .pkts <<< "$ST") - p1))
	WANT=$((p1 * 1000000 / (t2 - t1)))
	diag "forwarded $p1 datagrams in $(((t2 - t1) / 1000)) ms ($WANT/s)"
}

rates()
{
	local want st pps bps cps pkts bytes out

	defer ctl flush
	dir_config <<-EOF
	service add udp $VIP:53 sched rr
	server add udp $VIP:53 ${RS_IP[1]}
	EOF
	traffic_rate 53
	want=$WANT st=$ST out=$SHOW
	read -r pps bps cps pkts bytes < <(jq -r \
		'"\(.pkts_per_s) \(.bytes_per_s) \(.conns_per_s) \(.pkts) \(.bytes)"' \
		<<< "$st")
	diag "rates: $pps pkts/s, $bps bytes/s, $cps conns/s"
	check "the packet rate is the one forwarded" ratio_in "$pps" "$want" 70 130
	check "the byte rate is the packet rate times the size" \
		ratio_in "$bps" "$((pps * bytes / pkts))" 85 115
	check "no new flows once they exist (conns/s <= 1)" test "$cps" -le 1
	check "the service has the rate" ratio_in \
		"$(jq '.services[0].stats.pkts_per_s' <<< "$out")" "$pps" 90 110
	check "its server has it" ratio_in \
		"$(jq '.services[0].servers[0].stats.pkts_per_s' <<< "$out")" \
		"$pps" 90 110
	check_match "-s service show prints the rates" \
		"$(ctl -s service show)" "pkts [0-9]+  bytes [0-9]+  \|  [0-9]+ conns/s  [0-9]+ pkts/s  [0-9]+ bytes/s"
	# Traffic stopped: watched every second for 4.5 s, by then the
	# average is at most half.
	out=$(nse "$NS_DIR" timeout 4.5 "$DRLBCTL" stats --watch 1)
	check "stats --watch 1 prints every second (4 in 4.5 s)" \
		test "$(grep -c '^# [0-9:]*$' <<< "$out")" -ge 4
	check_match "with the rates" "$out" "^pkts-per-s +[0-9]+$"
	check "the rate falls when the traffic stops" ratio_in \
		"$(sed -n 's/^pkts-per-s *//p' <<< "$out" | tail -n 1)" "$pps" 0 50
	out=$(ctl stats --watch 0 2>&1)
	check_eq "--watch 0 is a usage error" "$?" 2
	check_match "naming it" "$out" "--watch '0'"
}

# The estimator does not read a service whose counts have not moved while
# its rates and its servers' are 0: once they move, it reads them again.
rates_after_idle()
{
	local busy idle

	defer ctl flush
	dir_config <<-EOF
	service add udp $VIP:53 sched rr
	server add udp $VIP:53 ${RS_IP[1]}
	service add udp $VIP:54 sched rr
	server add udp $VIP:54 ${RS_IP[1]}
	EOF
	# Two samples (every 2 s) with nothing moved: no longer read.
	nap 5
	traffic_rate 53
	busy=$(jq -r '.services[] | select(.port == 53) |
		"\(.stats.pkts_per_s) \(.servers[0].stats.pkts_per_s)"' <<< "$SHOW")
	idle=$(jq -r '.services[] | select(.port == 54) |
		"\(.stats.pkts_per_s) \(.servers[0].stats.pkts_per_s)"' <<< "$SHOW")
	diag "pkts/s of the service and its server: port 53 $busy, port 54 $idle"
	check "after idle samples the service has the rate forwarded" \
		ratio_in "${busy% *}" "$WANT" 70 130
	check "and its server" ratio_in "${busy#* }" "$WANT" 70 130
	check_eq "the idle service and its server: 0" "$idle" "0 0"
}

tests_run
