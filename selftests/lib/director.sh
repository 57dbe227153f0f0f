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

# Under TCG every process costs 0.1-0.3 s and `ip netns exec` (a mount
# namespace and a /sys of its own each time) several times that: commands
# that need no /sys of the namespace run through nsenter (nse), and the
# namespaces' /proc/net files are read by the shell itself, through a
# process that lives there (DIR_ANCHOR).

# nse NS CMD...: CMD in NS's network namespace only; lib.sh has it too,
# this is the same for a lib.sh without it.
if ! declare -F nse > /dev/null; then
	nse()
	{
		local ns=$1

		shift
		[ "$VERBOSE" = 1 ] && echo "# [$ns] $*" >&2
		nsenter --net="/run/netns/$ns" "$@"
	}
fi

# DIR_ANCHOR[NS]: the PID of a process that lives in NS until the test
# ends; NS's /proc/net/FILE is then /proc/PID/net/FILE.
declare -A DIR_ANCHOR

# dir_anchor NS: start NS's anchor.
dir_anchor()
{
	local pid

	nsenter --net="/run/netns/$1" sleep infinity &
	pid=$!
	defer kill "$pid"
	DIR_ANCHOR[$1]=$pid
	busywait 10000 test "/proc/$pid/ns/net" -ef "/run/netns/$1"
}

# has_line FILE LINE: FILE has a line that is LINE.
has_line()
{
	local l

	[ -e "$1" ] || return 1
	while read -r l; do
		[ "$l" = "$2" ] && return 0
	done < "$1"
	return 1
}

# dir_setup [N_RS]: module, the DR test bed (topo_dr_setup), a backend on
# every real server (rs_start), anchors in the switch's and the real
# servers' namespaces.
dir_setup()
{
	local n=${1:-3} i ns

	require_root
	[ -x "$PY" ] || skip_all "needs $PY"
	# shellcheck disable=SC2154 # ksft_fail: lib.sh, sourced before this
	drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
	topo_dr_setup "$n"
	for ((i = 1; i <= n; i++)); do
		rs_start "$i"
	done
	for ns in "$NS_SW" "${NS_RS[@]}"; do
		dir_anchor "$ns" ||
			{ tap_fail "a process in namespace $ns"; exit "$ksft_fail"; }
	done
	for ((i = 1; i <= n; i++)); do
		slowwait 60 has_line "$WORK/rs$i.log" ready || {
			tap_fail "backend on rs$i started" "$(cat "$WORK/rs$i.log")"
			exit "$ksft_fail"
		}
	done
}

# rs_start I: (re)start real server I's backend, log in $WORK/rsI.log.
# (nsenter execs the backend: $! is its PID.)
rs_start()
{
	# shellcheck disable=SC2086 # RS_SPECS: one word per spec
	nsenter --net="/run/netns/${NS_RS[$1]}" \
		"$PY" -S "$HERE/drlb_rs.py" "rs$1" "$VIP" $RS_SPECS \
		> "$WORK/rs$1.log" 2>&1 &
	defer kill $!
}

# dir_config: replace the director's configuration with the drlbctl lines
# on stdin (the format of `drlbctl save`), in one `drlbctl restore`: every
# service and server there was goes, these come in, settings not named keep
# their values. Defers a flush, so the services go when the case ends; a
# setting changed this way is the caller's to put back (defer it first).
dir_config()
{
	local err

	defer ctl flush
	err=$(ctl restore - 2>&1) ||
		{ tap_fail "director configured (drlbctl restore)" "$err"; return 1; }
}

# rs_lines PROTO SERVICE [SERVER OPTIONS]: a "server add" line for every
# real server, for dir_config.
rs_lines()
{
	local i

	for ((i = 1; i <= TOPO_N_RS; i++)); do
		echo "server add $1 $2 ${RS_IP[i]}${3:+ $3}"
	done
}

# client ARGS...: drlb_client.py in the client's namespace.
client()
{
	nse "$NS_CLIENT" "$PY" -S "$HERE/drlb_client.py" "$@"
}

# client_add_ips N: N more client addresses 10.0.1.10.. (IPv6:
# 2001:db8:1::110..), listed in CLIENT_IPS (comma-separated).
client_add_ips()
{
	if [ "$TOPO_FAMILY" = 6 ]; then
		seq -f 'addr add 2001:db8:1::1%g/64 dev c0 nodad' 10 $((9 + $1)) |
			ip -n "$NS_CLIENT" -b -
		# shellcheck disable=SC2034 # CLIENT_IPS: for the tests
		CLIENT_IPS=$(seq -s, -f '2001:db8:1::1%g' 10 $((9 + $1)))
		return
	fi
	seq -f 'addr add 10.0.1.%g/24 dev c0' 10 $((9 + $1)) |
		ip -n "$NS_CLIENT" -b -
	# shellcheck disable=SC2034 # CLIENT_IPS: for the tests
	CLIENT_IPS=$(seq -s, -f '10.0.1.%g' 10 $((9 + $1)))
}

# addr_full ADDR: an IPv6 address written in full, as /proc/net files
# write it (%pI6); an IPv4 address as it is.
addr_full()
{
	"$PY" -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).exploded)' "$1"
}

# names OUTPUT: the second word of every line (which server answered).
names()
{
	printf '%s\n' "$1" | awk '{ print $2 }'
}

# n_names OUTPUT: how many different second words (servers, or "-" for a
# flow with no answer) there are.
n_names()
{
	printf '%s\n' "$1" | awk '!s[$2]++ { n++ } END { print n + 0 }'
}

# n_answered OUTPUT: how many flows a real server answered.
n_answered()
{
	printf '%s\n' "$1" | awk '$2 ~ /^rs/ { n++ } END { print n + 0 }'
}

# count NAME OUTPUT: how many flows NAME answered.
count()
{
	printf '%s\n' "$2" | awk -v n="$1" '$2 == n { c++ } END { print c + 0 }'
}

# counts OUTPUT NAME...: how many flows each NAME answered, "N:N:...".
counts()
{
	printf '%s\n' "$1" | awk -v names="${*:2}" '
		{ c[$2]++ }
		END { n = split(names, w, " ")
		      for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? ":" : ""), c[w[i]]
		      print "" }'
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

# lan_packets: "DIR_TX DIR_RX RS_TX", packets the director sent and
# received on d0 and the real servers sent on e0, in one read of the LAN
# switch's ports: a veth's tx is its peer's rx, so sw-d's rx and tx are
# d0's tx and rx, and sw-rsN's rx is what rsN sent.
lan_packets()
{
	local name rest dtx=0 drx=0 rtx=0
	local -a f

	# "NAME: RX_BYTES RX_PACKETS (6 more) TX_BYTES TX_PACKETS ..."
	while IFS=: read -r name rest; do
		name=${name// /}
		read -r -a f <<< "$rest"
		case $name in
		sw-d)		dtx=${f[1]} drx=${f[9]} ;;
		sw-rs[0-9]*)	rtx=$((rtx + f[1])) ;;
		esac
	done < "/proc/${DIR_ANCHOR[$NS_SW]}/net/dev"
	echo "$dtx $drx $rtx"
}

# dir_stat NAME: a counter of `drlbctl stats` (pkts, drop-mtu, ...) in the
# director's namespace.
dir_stat()
{
	local k v

	while read -r k v; do
		[ "$k" = "$1" ] && echo "$v" && return 0
	done <<< "$(ctl stats)"
	return 1
}

# drops: the sum of the director's drop counters.
drops()
{
	local k v sum=0

	while read -r k v; do
		[[ $k == drop-* ]] && sum=$((sum + v))
	done <<< "$(ctl stats)"
	echo $sum
}

# snmp NS TABLE FIELD: a counter from /proc/net/snmp in NS (read by the
# shell where NS has an anchor).
snmp()
{
	local -a h v
	local i

	if [ -z "${DIR_ANCHOR[$1]:-}" ]; then
		# shellcheck disable=SC2016 # an awk program
		nsx "$1" awk -v t="$2:" -v f="$3" '
			$1 == t && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
			$1 == t && h { print $col[f]; exit }' /proc/net/snmp
		return
	fi
	while read -r -a h; do
		[ "${h[0]}" = "$2:" ] || continue
		read -r -a v
		for ((i = 1; i < ${#h[@]}; i++)); do
			[ "${h[i]}" = "$3" ] && echo "${v[i]}" && return 0
		done
		return 1
	done < "/proc/${DIR_ANCHOR[$1]}/net/snmp"
}

# snmp6 NS KEY: a counter of NS's /proc/net/snmp6 (e.g. Icmp6InDestUnreachs).
snmp6()
{
	local k v

	while read -r k v; do
		[ "$k" = "$2" ] && { echo "$v"; return 0; }
	done < <(if [ -n "${DIR_ANCHOR[$1]:-}" ]; then
			cat "/proc/${DIR_ANCHOR[$1]}/net/snmp6"
		else
			nsx "$1" cat /proc/net/snmp6
		fi)
	return 1
}

# hold_start NAME PORT N: N TCP connections to VIP:PORT held open by one
# client process; lines written to fd of $WORK/NAME.in are sent on every
# connection, answers appear in $WORK/NAME.out. Waits until all are open,
# and fails unless a server greeted every one. A connection that did not
# open (a lost SYN, or a stalled VM past the client's 2 s) is tried again
# from a new port, up to 3 times: the client's stderr, one line a failed
# try, is shown as diag lines, so a retry is never silent.
hold_start()
{
	local name=$1 fifo=$WORK/$1.in line

	mkfifo "$fifo"
	# Read-write so that opening never blocks; closed at exit.
	eval "exec {HOLD_FD_$name}<>\"\$fifo\""
	# nsenter execs the client: $! is its PID, killed when the case ends.
	# Its stderr apart: NAME.out's lines are numbered by connection.
	nsenter --net="/run/netns/$NS_CLIENT" \
		"$PY" -S "$HERE/drlb_client.py" hold "$VIP" "$2" --count "$3" \
		--tries 3 < "$fifo" > "$WORK/$name.out" 2> "$WORK/$name.err" &
	printf -v "HOLD_PID_$name" '%s' $!
	defer kill $!
	slowwait 60 lines_at_least "$WORK/$name.out" "$3"
	while IFS= read -r line; do
		diag "$name: $line"
	done < "$WORK/$name.err"
	held_open "$name" "$3"
}

# held_open NAME N: N lines, each a held connection a server greeted ("I -
# ERROR ..." is one that did not open).
held_open()
{
	local -a l=()
	local line

	mapfile -t -n "$2" l < "$WORK/$1.out"
	[ ${#l[@]} -eq "$2" ] || return 1
	for line in "${l[@]}"; do
		[[ $line != *" - "* ]] || return 1
	done
}

# lines_at_least FILE N: FILE has N lines or more.
lines_at_least()
{
	local -a l=()

	[ -e "$1" ] && mapfile -t l < "$1"
	[ ${#l[@]} -ge "$2" ]
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

# cport_of NAME LINE: the client port of held connection LINE (0..).
cport_of()
{
	sed -n "$(($2 + 1))p" "$WORK/$1.out" | awk '{ n = split($3, a, ":"); print a[n] }'
}

# held_all NAME N LINE: all N of NAME's held connections answered LINE.
held_all()
{
	[ "$(grep -c " $3\$" "$WORK/$1.out")" -ge "$2" ]
}

# held_after NAME N LINE: "SAME CHANGED BROKEN": of NAME's N held
# connections, how many answered LINE from the server that greeted them,
# from another one, or not at all (an error, a timeout, no answer yet).
held_after()
{
	awk -v n="$2" -v line="$3" '
		NR <= n { greet[$1] = $2; next }
		$3 == line { answered[$1] = 1; if ($2 == greet[$1]) same++; else changed++ }
		END {
			for (i in greet)
				if (!(i in answered))
					broken++
			printf "%d %d %d\n", same, changed, broken
		}' "$WORK/$1.out"
}

# conns_gone PROTO VIP:PORT: the service has no flows left (conn show
# prints nothing, not even its header).
conns_gone()
{
	local out

	out=$(ctl conn show "$1" "$2") && [ -z "$out" ]
}
