#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the director (data path) tests, sourced after lib.sh and
# topo.sh. The director is configured with drlbctl exactly as a user would;
# the real servers run one long-lived drlb_rs.py each (TCP greets with the
# server's name, UDP answers "NAME LEN CRC32"), and the client sends many
# flows from one drlb_client.py run (see those files).

HERE=$TOP/selftests/helpers
RS_SPECS=${RS_SPECS:-"tcp:80 tcp:81 tcp:82 tcp:8080 udp:53 udp:54 udp:5353"}

# dir_setup [N_RS]: module, the DR test bed (topo_dr_setup) and a backend
# on every real server (rs_start).
dir_setup()
{
	local n=${1:-3} i

	require_root
	[ -x "$PY" ] || skip_all "needs $PY"
	drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
	topo_dr_setup "$n"
	for i in $(seq "$n"); do
		rs_start "$i"
	done
	for i in $(seq "$n"); do
		slowwait 60 grep -qx ready "$WORK/rs$i.log" || {
			tap_fail "backend on rs$i started" "$(cat "$WORK/rs$i.log")"
			exit "$ksft_fail"
		}
	done
}

# rs_start I: (re)start real server I's backend, log in $WORK/rsI.log.
rs_start()
{
	# shellcheck disable=SC2086
	nsx "${NS_RS[$1]}" "$PY" "$HERE/drlb_rs.py" "rs$1" "$VIP" $RS_SPECS \
		> "$WORK/rs$1.log" 2>&1 &
	defer kill $!
}

# client ARGS...: drlb_client.py in the client's namespace.
client()
{
	nsx "$NS_CLIENT" "$PY" "$HERE/drlb_client.py" "$@"
}

# client_add_ips N: N more client addresses 10.0.1.10.., listed in CLIENT_IPS
# (comma-separated).
client_add_ips()
{
	seq -f 'addr add 10.0.1.%g/24 dev c0' 10 $((9 + $1)) |
		ip -n "$NS_CLIENT" -b -
	CLIENT_IPS=$(seq -s, -f '10.0.1.%g' 10 $((9 + $1)))
}

# names OUTPUT: the second word of every line (which server answered).
names()
{
	printf '%s\n' "$1" | awk '{ print $2 }'
}

# count NAME OUTPUT: how many flows NAME answered.
count()
{
	printf '%s\n' "$2" | awk -v n="$1" '$2 == n { c++ } END { print c + 0 }'
}

# dist OUTPUT: "rs1=N rs2=N ..." for messages.
dist()
{
	printf '%s\n' "$1" | awk '{ c[$2]++ } END { for (k in c) printf "%s=%d ", k, c[k] }'
}

# not_ok OUTPUT: the UDP flows not answered from the VIP intact (at most 5).
not_ok()
{
	printf '%s\n' "$1" | awk '$3 != "ok"' | head -n 5
}

# check_all_ok DESCRIPTION OUTPUT: every UDP flow was answered, from the
# VIP, intact.
check_all_ok()
{
	check_eq "$1" "$(not_ok "$2")" ""
}

# rs_of_ip IP: the name of the real server with that address.
rs_of_ip()
{
	local i

	for i in $(seq "$TOPO_N_RS"); do
		[ "${RS_IP[i]}" = "$1" ] && echo "rs$i" && return
	done
	echo "?"
}

# jq_ctl FILTER ARGS...: drlbctl -j ARGS... | jq -r FILTER
jq_ctl()
{
	local filter=$1

	shift
	ctl -j "$@" | jq -r "$filter"
}

# drops: the sum of the director's drop counters.
drops()
{
	jq_ctl '[.drops[]] | add' stats
}

# snmp NS TABLE FIELD: a counter from /proc/net/snmp in NS.
snmp()
{
	nsx "$1" awk -v t="$2:" -v f="$3" '
		$1 == t && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == t && h { print $col[f]; exit }' /proc/net/snmp
}

# hold_start NAME PORT N: N TCP connections to VIP:PORT held open by one
# client process; lines written to fd of $WORK/NAME.in are sent on every
# connection, answers appear in $WORK/NAME.out. Waits until all are open.
hold_start()
{
	local name=$1 fifo=$WORK/$1.in

	mkfifo "$fifo"
	# Read-write so that opening never blocks; closed at exit.
	eval "exec {HOLD_FD_$name}<>\"\$fifo\""
	client hold "$VIP" "$2" --count "$3" < "$fifo" > "$WORK/$name.out" 2>&1 &
	printf -v "HOLD_PID_$name" '%s' $!
	defer kill $!
	slowwait 60 lines_at_least "$WORK/$name.out" "$3"
}

# lines_at_least FILE N: FILE has N lines or more.
lines_at_least()
{
	[ "$(wc -l < "$1")" -ge "$2" ]
}

# hold_send NAME LINE: send LINE on NAME's connections.
hold_send()
{
	local fd_var=HOLD_FD_$1

	echo "$2" >&"${!fd_var}"
}

# hold_stop NAME: close NAME's connections (end its client).
hold_stop()
{
	local pid_var=HOLD_PID_$1

	kill "${!pid_var}" 2>/dev/null
}

# conns_gone PROTO VIP:PORT: the service has no flows left.
conns_gone()
{
	[ "$(jq_ctl '.conns | length' conn show "$1" "$2")" = 0 ]
}
