#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection control: conn show's filters and --count, and conn del.
#
#   conn_filters
#      UDP flows of three clients to two services over three servers: each
#      filter (service, client, client prefix, server, state, proto,
#      templates, and combinations) lists exactly the flows that match,
#      and --count (counted by the module) agrees with the listing.
#   conn_del
#      deleting every flow of a client, then every flow to a server,
#      removes exactly those (the count printed), nothing else; bad
#      filters are refused and delete nothing.
#   deleted_flow_rescheduled
#      a held TCP connection's flow deleted: its next segment is one of no
#      flow (dropped, drop-no-flow) while a new connection of the client
#      (a SYN) is scheduled afresh.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	conn_filters
	conn_del
	deleted_flow_rescheduled
"

dir_setup 3
client_add_ips 2

# The flows: every client (10.0.1.2, .10, .11) sends 6 datagrams to
# udp:53 (rr over the three servers) and 3 to udp:54 (rs2 only), each from
# its own port; udp:5353 is persistent (a template per client).
flows_setup()
{
	dir_config <<-EOF
	service add udp $VIP:53 sched rr
	$(rs_lines udp "$VIP:53")
	service add udp $VIP:54 sched rr
	server add udp $VIP:54 ${RS_IP[2]}
	service add udp $VIP:5353 sched rr persistent 300
	server add udp $VIP:5353 ${RS_IP[3]}
	EOF
	client udp "$VIP" 53 --src "$CLIENT_IP,$CLIENT_IPS" --count 6 \
		--sport 30000 > "$WORK/f53"
	client udp "$VIP" 54 --src "$CLIENT_IP,$CLIENT_IPS" --count 3 \
		--sport 31000 > "$WORK/f54"
	client udp "$VIP" 5353 --src "$CLIENT_IP" --count 1 \
		--sport 32000 > "$WORK/f5353"
}

# shown ARGS...: the number of flows "conn show ARGS" lists.
shown()
{
	local out

	out=$(ctl conn show "$@") || { echo "error"; return; }
	[ -z "$out" ] && echo 0 && return
	echo $(($(wc -l <<< "$out") - 1))
}

# counted ARGS...: "conn show ARGS --count".
counted() { ctl conn show "$@" --count; }

# filter_is WHAT N ARGS...: ARGS list N flows, and --count says N.
filter_is()
{
	local what=$1 n=$2

	shift 2
	check_eq "$what: $n flows listed" "$(shown "$@")" "$n"
	check_eq "$what: --count says $n" "$(counted "$@")" "$n"
}

conn_filters()
{
	local all

	flows_setup
	check_eq "every flow answered" \
		"$(grep -c ' ok$' "$WORK/f53" "$WORK/f54" "$WORK/f5353" | awk -F: '{ s += $2 } END { print s }')" 28
	# 18 + 9 + 1 flows, and the persistent service's template
	all=29
	filter_is "no filter" $all
	filter_is "service udp:53" 18 udp "$VIP:53"
	filter_is "client $CLIENT_IP (and its template)" 11 client "$CLIENT_IP"
	filter_is "client prefix 10.0.1.8/29" 18 client 10.0.1.8/29
	filter_is "client prefix 10.0.1.0/24" $all client 10.0.1.0/24
	filter_is "server ${RS_IP[2]}" 15 server "${RS_IP[2]}"
	filter_is "service udp:53 and server ${RS_IP[1]}" 6 udp "$VIP:53" server "${RS_IP[1]}"
	filter_is "client .10 and server ${RS_IP[2]}" 5 client 10.0.1.10 server "${RS_IP[2]}"
	filter_is "client port 30000" 3 cport 30000
	filter_is "state none (UDP flows; as -j lists them)" \
		"$(ctl -j conn show | grep -c '"state": "none"')" state none
	filter_is "state established" 0 state established
	filter_is "proto udp" $all proto udp
	filter_is "proto tcp" 0 proto tcp
	filter_is "persistence templates" 1 persistent
	check_match "-j --count" "$(ctl -j conn show --count server "${RS_IP[3]}")" \
		'"count": 8'
	check_match "the filtered listing names only that client" \
		"$(ctl conn show client 10.0.1.11 | awk 'NR > 1 { print $2 }' | sort -u)" \
		"^10\.0\.1\.11:[0-9]+$"
}

# bad: each line "RC ARGS" of stdin: drlbctl ARGS fails with exit RC and
# says why on one line (all from one shell in the director's namespace).
bad()
{
	local rc n args out
	# shellcheck disable=SC2016 # a script for the namespace's bash
	local script='
		while read -r rc args; do
			out=$("$1" $args 2>&1 > /dev/null) && got=0 || got=$?
			echo "$rc $got $(wc -l <<< "$out") $args: $out"
		done'

	while read -r rc n out; do
		read -r lines args <<< "$out"
		check_eq "'drlbctl ${args%%:*}' fails with exit $rc (${args#*: })" \
			"$n:$lines" "$rc:1"
	done < <(nse "$NS_DIR" bash -c "$script" bash "$DRLBCTL")
}

conn_del()
{
	local out before

	flows_setup
	before=$(counted)
	out=$(ctl conn del client 10.0.1.10)
	check_eq "conn del client 10.0.1.10: 9 deleted" "$out" "9 deleted"
	check_eq "... none of it left" "$(counted client 10.0.1.10)" 0
	check_eq "... the other flows stay" "$(counted)" $((before - 9))
	check_eq "conn del server ${RS_IP[2]}: the rest of its flows" \
		"$(ctl -j conn del server "${RS_IP[2]}" | tr -d ' \n')" '{"deleted":10}'
	check_eq "... none to ${RS_IP[2]} left" "$(counted server "${RS_IP[2]}")" 0
	check_eq "... the others stay" "$(counted)" $((before - 19))
	before=$(counted)
	bad <<-EOF
		2 conn del
		2 conn del client 10.0.1.300
		2 conn del client 10.0.1.0/33
		2 conn del state open
		2 conn del server
		2 conn del all client 10.0.1.2
		2 conn del --count
		2 conn show all
		2 conn del frob 1
		1 conn del udp $VIP:99
		EOF
	check_eq "bad filters delete nothing" "$(counted)" "$before"
	check_eq "conn del all: the rest" "$(ctl conn del all)" "$before deleted"
	check_eq "... nothing left" "$(counted)" 0
}

deleted_flow_rescheduled()
{
	local nf0 c0 out

	dir_config < <(echo "service add tcp $VIP:80 sched rr"; rs_lines tcp "$VIP:80")
	hold_start held 80 1
	hold_send held "before"
	check "the held connection answers" slowwait 10 held_all held 1 before
	check_eq "conn del client $CLIENT_IP proto tcp: its flow" \
		"$(ctl conn del client "$CLIENT_IP" proto tcp)" "1 deleted"
	nf0=$(dir_stat drop-no-flow)
	c0=$(ctl -j -s service show tcp "$VIP:80" | tr -d ' \n' |
		sed -n 's/.*"stats":{"conns":\([0-9]*\).*/\1/p')
	hold_send held "after"
	check "its next segment is one of no flow (drop-no-flow)" \
		slowwait 10 test "$(dir_stat drop-no-flow)" -gt "$nf0"
	check_eq "... so no entry was made for it" "$(counted client "$CLIENT_IP")" 0
	out=$(client tcp "$VIP" 80 --count 1)
	check_match "a new connection of the client is scheduled afresh" \
		"$out" " rs[123]$"
	check_eq "... as a new flow of the service" \
		"$(ctl -j -s service show tcp "$VIP:80" | tr -d ' \n' |
		   sed -n 's/.*"stats":{"conns":\([0-9]*\).*/\1/p')" $((c0 + 1))
	hold_stop held
}

tests_run
