#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlbctl's director commands against the module: bad input is refused
# with a one-line error naming the bad word (exit 2 before the kernel is
# asked, exit 1 with the kernel's reason) and changes nothing; show, -s,
# -j, conn show, stats, stats zero and flush report what the traffic did.
#
# The topology and the backends are set up once; every case puts in the
# services it works on (cli_config, one drlbctl restore) and flushes them
# when it ends.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	schedulers
	service_add
	bad_input
	server_no_neigh
	show
	service_change
	stats_conns
	stats_zero
	server_del
	service_del
	flush
"

dir_setup 2

# c ARGS...: drlbctl in the director's network namespace (nse: cheaper
# than ctl's ip netns exec under TCG).
c()
{
	nse "$NS_DIR" "$DRLBCTL" "$@"
}

# cli_config: the services the cases work on, in one restore: udp VIP:53
# (rr) with rs1 and rs2, tcp VIP:80 (the default scheduler) with rs1 at
# weight 5. Flushed when the case ends.
cli_config()
{
	local err

	defer c flush
	err=$(c restore - 2>&1 <<-EOF
		service add udp $VIP:53 sched rr
		server add udp $VIP:53 ${RS_IP[1]}
		server add udp $VIP:53 ${RS_IP[2]}
		service add tcp $VIP:80
		server add tcp $VIP:80 ${RS_IP[1]} weight 5
		EOF
	) || tap_fail "the services set up (drlbctl restore)" "$err"
}

# udp_flows_bad OUTPUT: the client's flows that were not answered from the
# VIP intact (at most 5), as check_all_ok's not_ok, without a process.
udp_flows_bad()
{
	local line a b st n=0

	while read -r a b st line; do
		[ -z "$a" ] || [ "$st" = ok ] && continue
		echo "$a $b $st${line:+ $line}"
		n=$((n + 1))
		[ $n -lt 5 ] || break
	done <<< "$1"
}

# rs_name IP: the name of the real server with that address.
rs_name()
{
	local i

	for ((i = 1; i <= TOPO_N_RS; i++)); do
		[ "${RS_IP[i]}" = "$1" ] && { echo "rs$i"; return; }
	done
	echo "?"
}

schedulers()
{
	check "the module lists the schedulers the tests use" \
		test "$(c -j version | jq -r '.module.schedulers | map(select(. == "rr" or . == "wrr" or . == "sh" or . == "mh" or . == "lc" or . == "wlc")) | length')" = 6
}

service_add()
{
	local i

	defer c flush
	check "service add udp $VIP:53 sched rr" c service add udp "$VIP:53" sched rr
	check "service add tcp $VIP:80 (default scheduler)" c service add tcp "$VIP:80"
	for i in 1 2; do
		check "server add udp $VIP:53 ${RS_IP[i]}" c server add udp "$VIP:53" "${RS_IP[i]}"
	done
	check "server add tcp $VIP:80 ${RS_IP[1]} weight 5" \
		c server add tcp "$VIP:80" "${RS_IP[1]}" weight 5
}

# bad RC WORD ARGS...: queue "drlbctl ARGS", which must fail with exit RC
# and one stderr line that names WORD; bad_run runs the queue.
bad_rc=()
bad_word=()
bad_args=()
bad()
{
	bad_rc+=("$1")
	bad_word+=("$2")
	shift 2
	bad_args+=("$*")
}

# bad_run: every queued command, all from one shell in the director's
# namespace (the guest is slow to start processes), each answered with
# "RC N" and its N lines of stderr.
bad_run()
{
	local i=0 got n out lines
	# shellcheck disable=SC2016 # a script for the namespace's bash
	local script='
		while read -r args; do
			out=$("$1" $args 2>&1 > /dev/null) && rc=0 || rc=$?
			mapfile -t lines <<< "$out"
			echo "$rc ${#lines[@]}"
			printf "%s\n" "${lines[@]}"
		done'

	while read -r got n; do
		mapfile -t -n "$n" lines
		printf -v out '%s\n' "${lines[@]}"
		out=${out%$'\n'}
		if [ "$got" = "${bad_rc[i]}" ] && [ "$n" = 1 ] &&
		   [[ $out == "drlbctl: "* ]] && [[ $out == *"${bad_word[i]}"* ]]; then
			tap_ok "'drlbctl ${bad_args[i]}' fails (exit $got): $out"
		else
			tap_fail "'drlbctl ${bad_args[i]}' fails with exit ${bad_rc[i]} and one line naming '${bad_word[i]}'" \
				"exit $got" "${lines[@]}"
		fi
		i=$((i + 1))
	done < <(printf '%s\n' "${bad_args[@]}" |
		 nse "$NS_DIR" bash -c "$script" bad_run "$DRLBCTL")
	[ "$i" = "${#bad_args[@]}" ] ||
		tap_fail "every bad command ran" "$i of ${#bad_args[@]} answered"
	bad_rc=()
	bad_word=()
	bad_args=()
}

bad_input()
{
	local before after diffs=

	cli_config
	# The servers' neighbour state is the kernel's to change meanwhile
	# (resolved turns stale after 15-45 s, which a loaded host reaches).
	before=$(c -j service show | jq 'del(.services[].servers[].neigh)')
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
	bad 2 "'maybe'" config set cluster maybe
	bad 2 "'255'" vip export table 255
	bad 2 "'2'" vip export protocol 2
	bad 2 "'frob'" vip export frob
	bad 1 "service add tcp $VIP:80: " service add tcp "$VIP:80" sched rr
	bad 1 "service del tcp $VIP:81: " service del tcp "$VIP:81"
	bad 1 "service change tcp $VIP:81: " service change tcp "$VIP:81" sched rr
	bad 1 "server add tcp $VIP:81 ${RS_IP[1]}: " server add tcp "$VIP:81" "${RS_IP[1]}"
	bad 1 "server add udp $VIP:53 ${RS_IP[1]}: " server add udp "$VIP:53" "${RS_IP[1]}"
	bad 1 "server del udp $VIP:53 10.0.0.99: " server del udp "$VIP:53" 10.0.0.99
	bad 1 "service show udp $VIP:54: " service show udp "$VIP:54"
	bad 1 "stats zero udp $VIP:54: " stats zero udp "$VIP:54"
	bad_run
	after=$(c -j service show | jq 'del(.services[].servers[].neigh)')
	[ "$after" = "$before" ] ||
		diffs=$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -n 12)
	check_eq "-j service show identical after all the bad input" "$diffs" ""
}

# A server not (yet) on a connected network is accepted, as with IPVS: its
# network may come up later. Until then its packets count as no_neigh and
# server show has no MAC for it.
server_no_neigh()
{
	cli_config
	check "a server on no connected network is accepted" \
		c server add udp "$VIP:53" 192.0.2.1
	check_eq "and shows no MAC" \
		"$(c -j service show udp "$VIP:53" | jq -r '.services[0].servers[] | select(.address == "192.0.2.1") | .mac')" null
}

show()
{
	local show a b list="" keys

	cli_config
	show=$(c service show)
	check_match "service show: the udp service with its scheduler" "$show" \
		"^udp +$VIP:53 +rr *$"
	check_match "service show: the tcp service with the default scheduler" "$show" \
		"^tcp +$VIP:80 +wlc *$"
	check_match "service show: a server line with weight and connections" "$show" \
		"^  -> ${RS_IP[1]} +5 +0 +0 "
	while read -r a b _; do
		list+="$a$b "
	done <<< "$show"
	check_eq "service show: services sorted by port, servers under each" "$list" \
		"PROTOVIP:PORT ->SERVER udp$VIP:53 ->${RS_IP[1]} ->${RS_IP[2]} tcp$VIP:80 ->${RS_IP[1]} "
	# Three documents, one jq: -j service show, -j -s service show and
	# -j server show.
	mapfile -t keys < <({
		c -j service show
		c -j -s service show
		c -j server show udp "$VIP:53"
	} | jq -r -s -c '(.[0].services[0] | keys),
		(.[0].services[0].servers[0] | keys),
		[.[1].services[0].stats, .[1].services[0].servers[0].stats |
		 has("conns") and has("pkts") and has("bytes")],
		([.[2].servers[].address] | join(","))')
	check_eq "-j: the documented keys of a service" "${keys[0]:-}" \
		'["expire_nodest","midstream","netmask","num_servers","onepacket","persistent","port","protocol","sched_flags","scheduler","servers","vip"]'
	check_eq "-j: the documented keys of a server" "${keys[1]:-}" \
		'["active_conns","address","dev","ifindex","inactive_conns","l_threshold","mac","neigh","overloaded","persist_conns","u_threshold","weight"]'
	check_eq "-j -s adds conns, pkts and bytes to services and servers" \
		"${keys[2]:-}" '[true,true]'
	check_eq "server show lists one service's servers" "${keys[3]:-}" \
		"${RS_IP[1]},${RS_IP[2]}"
}

service_change()
{
	cli_config
	check "service change persistent 300 netmask 255.255.255.0" \
		c service change tcp "$VIP:80" persistent 300 netmask 255.255.255.0 expire-nodest no
	check_eq "and -j shows it" \
		"$(c -j service show | jq -r '.services[] | select(.port == 80) | "\(.persistent) \(.netmask) \(.expire_nodest)"')" \
		"300 24 false"
	check "service change persistent off" c service change tcp "$VIP:80" persistent off
	check_eq "and it is off" \
		"$(c -j service show | jq -r '.services[] | select(.port == 80) | .persistent')" 0
}

stats_conns()
{
	local out v want=() got=() port addr name stats_text show_text

	cli_config
	c stats zero
	out=$(client udp "$VIP" 53 --sport 40000 --count 6 --size 100)
	check_eq "6 UDP flows answered" "$(udp_flows_bad "$out")" ""
	stats_text=$(c stats)
	show_text=$(c -s service show)
	# Three documents, one jq: -j stats, -j -s service show and -j conn
	# show: the totals, the drop reasons, the udp service's counters and
	# its servers' flows; the number of flows, those with the client, VIP,
	# state and a running timer they must have, then each flow's
	# "CLIENT_PORT SERVER".
	mapfile -t v < <({
		c -j stats
		c -j -s service show
		c -j conn show udp "$VIP:53"
	} | jq -r -c -s --arg client "$CLIENT_IP" --arg vip "$VIP" '
		(.[0] | "\(.conns) \(.pkts) \(.bytes)", (.drops | keys)),
		(.[1].services[] | select(.port == 53) |
		 "\(.stats.conns) \(.stats.pkts)", ([.servers[].stats.conns] | join(" "))),
		(.[2].conns | length),
		([.[2].conns[] | select(.client == $client and .vip == $vip and .vip_port == 53 and .state == "none" and .expires_ms > 0 and .persistent == false)] | length),
		(.[2].conns[] | "\(.client_port) \(.server)")')
	check_eq "stats: 6 flows, 6 packets, 6 x 128 bytes" "${v[0]:-}" "6 6 768"
	check_eq "stats: drop counters by reason" "${v[1]:-}" \
		'["martian","mtu","no_dest","no_flow","no_neigh","other","table_full"]'
	check_match "stats text: KEY VALUE lines" "$stats_text" "^pkts +6$"
	check_eq "-s service show: per-service counters" "${v[2]:-}" "6 6"
	check_eq "-s service show: per-server counters (rr: 3 each)" "${v[3]:-}" "3 3"
	check_match "-s service show text: a counters line" "$show_text" \
		"^ +conns 3 +pkts 3 +bytes 384  \|  [0-9]+ conns/s  [0-9]+ pkts/s  [0-9]+ bytes/s$"

	check_eq "conn show: the 6 flows" "${v[4]:-}" 6
	# Both lists by client port (the ports are all five digits).
	while read -r addr name _; do
		[ -n "$addr" ] && want[${addr##*:}]="${addr##*:} $name"
	done <<< "$out"
	for port in "${v[@]:6}"; do
		got[${port%% *}]="${port%% *} $(rs_name "${port#* }")"
	done
	check_eq "conn show: each flow's server is the one that answered" \
		"${got[*]}" "${want[*]}"
	check_eq "conn show: client, VIP, state and a running timer" "${v[5]:-}" 6
	check_match "conn show text" "$(c conn show)" \
		"^udp +$CLIENT_IP:40000 +$VIP:53 +10\.0\.0\.1[12] +- +[0-9]{2}:[0-9]{2}$"
}

stats_zero()
{
	local out

	cli_config
	out=$(client udp "$VIP" 53 --sport 40100 --count 2)
	check_eq "2 UDP flows answered, one per server" "$(udp_flows_bad "$out")" ""
	check "stats zero udp $VIP:53" c stats zero udp "$VIP:53"
	check_eq "the service's counters are zero" \
		"$(c -j -s service show | jq -r '.services[] | select(.port == 53) | [.stats.conns, .stats.pkts, .servers[].stats.pkts] | join(" ")')" "0 0 0 0"
	check "stats zero" c stats zero
	check_eq "the totals are zero" \
		"$(c -j stats | jq -r '"\(.conns) \(.pkts) \(.bytes)"')" "0 0 0"
}

server_del()
{
	cli_config
	check "server del udp $VIP:53 ${RS_IP[2]}" c server del udp "$VIP:53" "${RS_IP[2]}"
	check_eq "one server left" \
		"$(c -j server show udp "$VIP:53" | jq -r '.servers | length')" 1
}

service_del()
{
	cli_config
	check "service del tcp $VIP:80" c service del tcp "$VIP:80"
	check_eq "one service left" "$(c -j service show | jq -r '.services | length')" 1
}

flush()
{
	local out v name

	cli_config
	out=$(client udp "$VIP" 53 --sport 41100 --count 1)
	check_eq "a flow before the flush" "$(udp_flows_bad "$out")" ""
	check "flush" c flush
	mapfile -t v < <({ c -j service show; c -j conn show; } | jq -c .)
	check_eq "flush: no services" "${v[0]:-}" '{"services":[]}'
	check_eq "flush: no flows" "${v[1]:-}" '{"conns":[]}'
	check_eq "flush: show prints nothing" "$(c service show)$(c conn show)" ""
	out=$(client udp "$VIP" 53 --sport 41000 --count 1 --tries 1)
	read -r _ name _ <<< "$out"
	check_eq "flush: the VIP is no longer balanced" "$name" "-"
}

tests_run
