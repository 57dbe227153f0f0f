#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_ipvs.ko's /proc/net files - ip_vs, ip_vs_stats, ip_vs_stats_percpu,
# ip_vs_conn, ip_vs_conn_sync - in IPVS's formats, from drlb's tables, as
# ipvsadm -Lc, Prometheus' node_exporter and scripts read them (the
# LVS-DR topology of topo.sh, the director configured by drlbctl).
#
#   proc_ip_vs
#      services made by drlbctl (a fwmark one, persistent ones, a port-0
#      one, SCTP) in /proc/net/ip_vs: the text expected, in drlb's dump
#      order; ipvsadm -Ln lists the same.
#   same_as_ip_vs
#      the control: the same services in the kernel's own IPVS (ip_vs
#      loaded instead of drlb_ipvs) give the same five files, byte for
#      byte (services in IPVS's hash order: compared as sorted blocks).
#   proc_ip_vs_stats
#      after traffic through the director, ip_vs_stats' counters are
#      drlbctl stats' (outgoing 0: DR); ip_vs_stats_percpu has a row per
#      CPU whose sum is its total row; after ipvsadm -Z the totals are 0,
#      the CPU rows are not (IPVS's rows ignore ZERO too).
#   ipvsadm_lc
#      held TCP connections, a persistence template and a UDP flow: each
#      ip_vs_conn line is the flow drlbctl conn show lists, in IPVS's
#      columns and state names; ipvsadm -Lcn shows them ESTABLISHED from
#      the client to the servers that answered, and FIN_WAIT once the
#      client closes; ip_vs_conn_sync has the same lines ("LOCAL"); the
#      flows' files are root's only (0400), the others 0444.
#   node_exporter
#      Debian's prometheus-node-exporter with only its ipvs collector, in
#      the director's namespace: connections, packets, bytes, and each
#      real server's weight and active/inactive connections are drlb's;
#      without drlb_ipvs (the failure case) the collector fails and the
#      node_ipvs metrics are gone.
#   large_tables
#      150 services of 3 servers and 3000 flows: ip_vs and ip_vs_conn
#      read whole, 100 bytes at a time and from an offset (seq_file's
#      restarts and seeks) give the same lines, every flow once; the
#      same flows counted and dumped by drlbctl (the dump spans many
#      skbs); ip_vs_conn read over and over while the connection hash
#      grows (conn-max raised) shows every flow once each time.
#   rates_steady
#      pktgen in the client's namespace sends one UDP flow at a steady
#      RATE_PPS to a service made by ipvsadm: after the estimator settled,
#      ipvsadm -Ln --rate --exact (the service's and its server's InPPS)
#      and drlbctl -s service show report the rate the director forwarded
#      meanwhile (its packet counter over 4 s), within 10 %; CPS is 0 (one
#      flow), the outgoing rates 0 (DR).
#   ipvsadm_thresholds
#      the data path of a service made by ipvsadm with -x/-y: fo sends
#      flows to the heaviest server until it holds its upper threshold
#      (-x 3), then to the next; with both at theirs a new connection gets
#      no answer (no_dest); ipvsadm -e raising a threshold lets flows in
#      again; flows gone until below the lower one (-y 2) bring the first
#      back. ipvsadm -Ln --thresholds and the connection counts say so.
#   proc_absent_without_module
#      the files exist in every namespace, one made after the module
#      came too; rmmod drlb_ipvs takes them all away (a reader holding
#      one open gets EIO, and the unload does not wait for it); insmod
#      brings them back.

# shellcheck source=lib/lib.sh
source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	proc_ip_vs
	same_as_ip_vs
	proc_ip_vs_stats
	ipvsadm_lc
	node_exporter
	large_tables
	rates_steady
	ipvsadm_thresholds
	proc_absent_without_module
"

command -v ipvsadm > /dev/null || skip_all "ipvsadm missing"
command -v jq > /dev/null || skip_all "jq missing"
IPVS_KO=$(dirname "$DRLB_KO")/drlb_ipvs.ko
[ -e "$IPVS_KO" ] || skip_all "$IPVS_KO missing: run 'make module KVER=$KREL'"
# IPVS keeps a persistence timeout in jiffies, and prints it so.
HZ=$(kconfig HZ)
[ -n "$HZ" ] || skip_all "no CONFIG_HZ in the kernel's config"
PROC_FILES="ip_vs ip_vs_stats ip_vs_stats_percpu ip_vs_conn ip_vs_conn_sync"

loaded()
{
	[ -d "/sys/module/$1" ]
}

# ipvs_load: drlb_ipvs loaded (and no ip_vs), whatever a case left.
ipvs_load()
{
	local m

	for m in /sys/module/ip_vs_*; do
		[ -d "$m" ] && rmmod "${m##*/}"
	done
	loaded ip_vs && rmmod ip_vs
	loaded drlb_ipvs || insmod "$IPVS_KO"
}

dir_setup 3
ipvs_load || { tap_fail "insmod drlb_ipvs.ko"; exit "$ksft_fail"; }
defer rmmod drlb_ipvs
dir_anchor "$NS_DIR" || { tap_fail "a process in the director's namespace"; exit "$ksft_fail"; }

# nsproc NS FILE: NS's /proc/net/FILE (NS has an anchor), read by the
# shell; fails when there is no such file.
nsproc()
{
	local f=/proc/${DIR_ANCHOR[$1]}/net/$2

	[ -e "$f" ] && printf '%s\n' "$(< "$f")"
}

# dproc FILE: the director's.
dproc()
{
	nsproc "$NS_DIR" "$1"
}

# hex VAR IP [PORT]: IP (and :PORT) as IPVS prints them, into VAR.
hex()
{
	local IFS=.

	# shellcheck disable=SC2086 # split on the dots
	set -- "$1" $2 "${3:-}"
	if [ -n "${6:-}" ]; then
		printf -v "$1" '%02X%02X%02X%02X:%04X' "$2" "$3" "$4" "$5" "$6"
	else
		printf -v "$1" '%02X%02X%02X%02X' "$2" "$3" "$4" "$5"
	fi
}

# unhex VAR HEX[:PORT]: the other way, dotted (and :decimal port).
unhex()
{
	local h=${2%%:*} p=

	[[ $2 == *:* ]] && p=:$((16#${2#*:}))
	printf -v "$1" '%d.%d.%d.%d%s' "$((16#${h:0:2}))" "$((16#${h:2:2}))" \
		"$((16#${h:4:2}))" "$((16#${h:6:2}))" "$p"
}

# dest_line IP PORT WEIGHT ACTIVE INACTIVE: an ip_vs line of a real server.
dest_line()
{
	local a

	hex a "$1" "$2"
	printf '  -> %s      %-7s %-6d %-10d %-10d\n' "$a" Route "$3" "$4" "$5"
}

# blocks [servers]: ip_vs text on stdin, each service's line and its
# servers' as one line (joined by "|"), sorted; the header's lines first,
# as they are. With "servers", a service's servers sorted too (IPVS lists
# them newest first, drlb oldest first).
blocks()
{
	local l n=0 cur=
	local -a b=() d=()

	while IFS= read -r l; do
		if [ $((n++)) -lt 3 ]; then
			printf '%s\n' "$l"
		elif [[ $l == "  ->"* || $l == "->"* ]]; then
			d+=("$l")
		else
			[ -n "$cur" ] && b+=("$cur$(blocks_join "$@")")
			cur=$l d=()
		fi
	done
	[ -n "$cur" ] && b+=("$cur$(blocks_join "$@")")
	[ ${#b[@]} -eq 0 ] || printf '%s\n' "${b[@]}" | sort
}

# blocks_join [servers]: "|" and each of blocks' d, sorted with "servers".
blocks_join()
{
	[ ${#d[@]} -gt 0 ] || return 0
	if [ "${1:-}" = servers ]; then
		printf '|%s' "${d[@]}" | tr '|' '\n' | sort | tr '\n' '|'
	else
		printf '|%s' "${d[@]}"
	fi
}

# The services of proc_ip_vs, as drlbctl restore lines and as ipvsadm -R
# lines (IPVS wants a persistence timeout on a port-0 service: both have
# one), and the ip_vs text they make (on the director: drlb's default
# conn-max as the size).
SVC_CONF="service add tcp $VIP:80 sched rr
server add tcp $VIP:80 ${RS_IP[1]} weight 1
server add tcp $VIP:80 ${RS_IP[2]} weight 2
server add tcp $VIP:80 ${RS_IP[3]} weight 3
service add udp $VIP:53 sched wlc persistent 600 netmask 24
server add udp $VIP:53 ${RS_IP[2]} weight 0
service add tcp $VIP sched mh persistent 100
server add tcp $VIP ${RS_IP[1]} weight 1
service add sctp $VIP:3868 sched sh
service add fwmark 5 sched wrr persistent 300
server add fwmark 5 ${RS_IP[3]} weight 7
service add udp $VIP:5353 sched rr onepacket yes"
SVC_IPVSADM="-A -t $VIP:80 -s rr
-a -t $VIP:80 -r ${RS_IP[1]} -g -w 1
-a -t $VIP:80 -r ${RS_IP[2]} -g -w 2
-a -t $VIP:80 -r ${RS_IP[3]} -g -w 3
-A -u $VIP:53 -s wlc -p 600 -M 255.255.255.0
-a -u $VIP:53 -r ${RS_IP[2]} -g -w 0
-A -t $VIP:0 -s mh -p 100
-a -t $VIP:0 -r ${RS_IP[1]} -g -w 1
-A --sctp-service $VIP:3868 -s sh
-A -f 5 -s wrr -p 300
-a -f 5 -r ${RS_IP[3]} -g -w 7
-A -u $VIP:5353 -s rr -o"

# svc_text SIZE: the ip_vs text of SVC_CONF.
svc_text()
{
	local v

	hex v "$VIP"
	echo "IP Virtual Server version 1.2.1 (size=$1)"
	echo "Prot LocalAddress:Port Scheduler Flags"
	echo "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn"
	echo "TCP  $v:0050 rr  "
	dest_line "${RS_IP[1]}" 80 1 0 0
	dest_line "${RS_IP[2]}" 80 2 0 0
	dest_line "${RS_IP[3]}" 80 3 0 0
	echo "UDP  $v:0035 wlc  persistent $((600 * HZ)) FFFFFF00"
	dest_line "${RS_IP[2]}" 53 0 0 0
	echo "TCP  $v:0000 mh  persistent $((100 * HZ)) FFFFFFFF"
	dest_line "${RS_IP[1]}" 0 1 0 0
	echo "SCTP  $v:0F1C sh  "
	echo "FWM  00000005 wrr persistent $((300 * HZ)) FFFFFFFF"
	dest_line "${RS_IP[3]}" 0 7 0 0
	echo "UDP  $v:14E9 rr ops  "
}

# as_ipvsadm: ip_vs text on stdin as ipvsadm -Ln prints it, blank runs
# squeezed, scheduler flags such as (mh-port) dropped.
as_ipvsadm()
{
	local l a ops
	local -a f

	while IFS= read -r l; do
		read -r -a f <<< "$l"
		case ${f[0]} in
		IP|Prot)
			;;
		-\>)
			[ "${f[1]}" = RemoteAddress:Port ] && continue
			unhex a "${f[1]}"
			echo "-> $a ${f[*]:2}"
			;;
		FWM)
			a=$((16#${f[1]}))
			;;&
		TCP|UDP|SCTP)
			unhex a "${f[1]}"
			;;&
		*)
			l="${f[0]} $a ${f[2]}"
			ops=
			if [ "${f[3]:-}" = ops ]; then
				ops=" ops"
				f=("${f[@]:0:3}" "${f[@]:4}")
			fi
			if [ "${f[3]:-}" = persistent ]; then
				l+=" persistent $((f[4] / HZ))"
				[ "${f[5]}" = FFFFFFFF ] || { unhex a "${f[5]}"; l+=" mask $a"; }
			fi
			echo "$l$ops"
			;;
		esac
	done
}

# squeeze: ipvsadm -Ln's lines as as_ipvsadm writes them.
squeeze()
{
	local l
	local -a f

	while IFS= read -r l; do
		read -r -a f <<< "${l//(*)/}"
		[[ ${f[0]} == IP || ${f[0]} == Prot || ${f[1]} == RemoteAddress:Port ]] ||
			echo "${f[*]}"
	done
}

# dump_order: the director's services in the order of drlb's service
# dump (drlbctl sorts them; genl.py does not), as ip_vs keys them.
dump_order()
{
	nse "$NS_DIR" "$PY" -S -c '
import sys
sys.path.insert(0, sys.argv[1])
import genl
P = {6: "TCP", 17: "UDP", 132: "SCTP"}
with genl.Genl() as nl:
    for m in nl.request("GET_SERVICE", dump=True):
        s = m.decode()["DRLB_A_SERVICE"]
        if s.get("DRLB_SVC_A_FWMARK"):
            print("FWM  %08X" % s["DRLB_SVC_A_FWMARK"])
        else:
            print("%s  %s:%04X" % (P[s["DRLB_SVC_A_PROTOCOL"]],
                                   s["DRLB_SVC_A_ADDR"].hex().upper(),
                                   s["DRLB_SVC_A_PORT"]))' "$HERE"
}

proc_ip_vs()
{
	local got want

	dir_config <<< "$SVC_CONF"
	got=$(dproc ip_vs)
	want=$(svc_text 1048576)
	check_eq "ip_vs: the header" "$(head -n 3 <<< "$got")" \
		"$(head -n 3 <<< "$want")"
	check_eq "ip_vs: the services and servers, as IPVS prints them" \
		"$(blocks <<< "$got")" "$(blocks <<< "$want")"

	check_eq "ip_vs: in the order of drlb's own service dump" \
		"$(grep -v '^ \|^IP\|^Prot' <<< "$got" | cut -d' ' -f1-3)" \
		"$(dump_order)"

	check_eq "ipvsadm -Ln lists the same" \
		"$(nse "$NS_DIR" ipvsadm -Ln | squeeze | blocks_n)" \
		"$(as_ipvsadm <<< "$got" | blocks_n)"
}

# blocks_n: as blocks, for text without a header.
blocks_n()
{
	{ printf '\n\n\n'; cat; } | blocks | tail -n +4
}

# ipvs_swap: ip_vs (the kernel's IPVS) instead of drlb_ipvs (the caller
# defers ipvs_load).
ipvs_swap()
{
	rmmod drlb_ipvs && modprobe ip_vs
}

same_as_ip_vs()
{
	local f size
	local -A drlb ipvs

	setup_ns NS_CMP
	dir_anchor "$NS_CMP"
	size=$((1 << $(kconfig IP_VS_TAB_BITS)))
	dctl "$NS_CMP" restore - <<< "config set conn-max $size
$SVC_CONF"
	for f in $PROC_FILES; do
		drlb[$f]=$(nsproc "$NS_CMP" "$f")
	done
	check_eq "drlb_ipvs: ip_vs as expected" "$(blocks <<< "${drlb[ip_vs]}")" \
		"$(blocks <<< "$(svc_text "$size")")"
	dctl "$NS_CMP" flush

	defer ipvs_load
	check "the kernel's ip_vs loaded instead" ipvs_swap
	check "the same services by ipvsadm -R" \
		nse "$NS_CMP" ipvsadm -R <<< "$SVC_IPVSADM"
	for f in $PROC_FILES; do
		ipvs[$f]=$(nsproc "$NS_CMP" "$f")
	done
	nse "$NS_CMP" ipvsadm -C
	check_eq "ip_vs: the same as IPVS's" \
		"$(blocks servers <<< "${drlb[ip_vs]}")" \
		"$(blocks servers <<< "${ipvs[ip_vs]}")"
	for f in ip_vs_stats ip_vs_stats_percpu ip_vs_conn ip_vs_conn_sync; do
		check_eq "$f (no traffic): the same as IPVS's" "${drlb[$f]}" \
			"${ipvs[$f]}"
	done
}

# stats_row LINE VAR: the five hex counters of a stats line, in decimal.
stats_row()
{
	local -a f
	local i out=

	read -r -a f <<< "$1"
	[ ${#f[@]} -eq 5 ] || return 1
	for i in 0 1 2 3 4; do
		[[ ${f[i]} =~ ^[0-9A-F]+$ ]] || return 1
		out+=" $((16#${f[i]}))"
	done
	printf -v "$2" '%s' "${out# }"
}

# ctl_stats: "conns pkts bytes" of drlbctl stats.
ctl_stats()
{
	jq_ctl '"\(.conns) \(.pkts) \(.bytes)"' stats
}

# cpu_rows: the CPU rows of ip_vs_stats_percpu's lines L (NCPU of them):
# each "%3X " its number; their counters' sums into SUM.
cpu_rows()
{
	local i j row
	local -a r

	SUM=(0 0 0 0 0)
	for ((i = 0; i < NCPU; i++)); do
		printf -v row '%3X ' "$i"
		[[ ${L[i + 2]} == "$row"* ]] && stats_row "${L[i + 2]:4}" row ||
			return 1
		read -r -a r <<< "$row"
		for j in 0 1 2 3 4; do
			SUM[j]=$((SUM[j] + r[j]))
		done
	done
}

proc_ip_vs_stats()
{
	local st pc cs row tot rates sum0
	local -a r

	dir_config <<-EOF
	service add tcp $VIP:80 sched rr
	service add udp $VIP:53 sched rr
	$(rs_lines tcp "$VIP:80")
	$(rs_lines udp "$VIP:53")
	EOF
	client tcp "$VIP" 80 --count 6 > /dev/null
	client udp "$VIP" 53 --sport 22000 --count 6 > /dev/null
	st=$(dproc ip_vs_stats)
	pc=$(dproc ip_vs_stats_percpu)
	cs=$(ctl_stats)

	mapfile -t L <<< "$st"
	check_eq "ip_vs_stats: IPVS's headers" \
		"${L[0]}|${L[1]}|${L[3]}|${L[4]}|${#L[@]}" \
		"   Total Incoming Outgoing         Incoming         Outgoing|   Conns  Packets  Packets            Bytes            Bytes|| Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s|6"
	stats_row "${L[2]}" row
	read -r -a r <<< "$row"
	check_eq "ip_vs_stats: conns, packets, bytes are drlbctl stats' ($cs); none out (DR)" \
		"${r[0]} ${r[1]} ${r[3]} out ${r[2]} ${r[4]}" "$cs out 0 0"
	check "ip_vs_stats: the 12 flows counted (${r[0]})" test "${r[0]:-0}" -ge 12
	check "ip_vs_stats: a rates row" stats_row "${L[5]}" rates
	stats_row "${L[5]}" rates
	check_eq "ip_vs_stats: no rate out" "$(cut -d' ' -f3,5 <<< "$rates")" "0 0"

	# One row per possible CPU, then "  ~" and the total.
	mapfile -t L <<< "$pc"
	NCPU=$(($(cut -d- -f2 /sys/devices/system/cpu/possible) + 1))
	check_eq "ip_vs_stats_percpu: IPVS's headers, $NCPU CPUs" \
		"${L[0]}|${L[1]}|${L[NCPU + 4]}|${#L[@]}" \
		"       Total Incoming Outgoing         Incoming         Outgoing|CPU    Conns  Packets  Packets            Bytes            Bytes|     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s|$((NCPU + 6))"
	check "ip_vs_stats_percpu: a row per CPU" cpu_rows
	cpu_rows
	sum0=${SUM[*]}
	[[ ${L[NCPU + 2]} == "  ~ "* ]] && stats_row "${L[NCPU + 2]:4}" tot
	check_eq "ip_vs_stats_percpu: the total row is ip_vs_stats'" "${tot:-}" "$row"
	check_eq "ip_vs_stats_percpu: the CPU rows add up to it" "$sum0" "$row"

	check "ipvsadm -Z" nse "$NS_DIR" ipvsadm -Z
	mapfile -t L <<< "$(dproc ip_vs_stats)"
	stats_row "${L[2]}" row
	check_eq "after ZERO: ip_vs_stats' counters are 0" "$row" "0 0 0 0 0"
	mapfile -t L <<< "$(dproc ip_vs_stats_percpu)"
	cpu_rows
	stats_row "${L[NCPU + 2]:4}" tot
	check_eq "after ZERO: the total row 0, the CPU rows as they were (IPVS's too)" \
		"$tot / ${SUM[*]}" "0 0 0 0 0 / $sum0"
}

# conn_want: drlbctl conn show's flows as ip_vs_conn lines without the
# expiry: IPVS's state names (drlb's TCP states are those of IPVS's DR
# state table), a template with port 0 and state NONE.
conn_want()
{
	local p c cp v vp d st t line out=
	local -A tcp=([syn]=SYN_RECV [established]=ESTABLISHED [fin]=FIN_WAIT
		[close]=CLOSE [none]=NONE)

	while read -r p c cp v vp d st t; do
		p=${p^^}
		if [ "$t" = true ]; then
			cp=0 st=NONE
		elif [ "$p" = TCP ]; then
			st=${tcp[$st]}
		elif [ "$p" = UDP ]; then
			st=UDP
		else
			st=NONE
		fi
		hex c "$c" "$cp"
		hex v "$v" "$vp"
		hex d "$d" "$vp"
		printf -v line '%-3s %s %s %s %-11s' "$p" "${c/:/ }" "${v/:/ }" \
			"${d/:/ }" "$st"
		out+=$line$'\n'
	done < <(jq_ctl '.conns[] | "\(.protocol) \(.client) \(.client_port) " +
		"\(.vip) \(.vip_port) \(.server) \(.state) \(.persistent)"' conn show)
	printf '%s' "$out" | sort
}

# conn_lines TEXT [COLS]: ip_vs_conn's lines (or ip_vs_conn_sync's), the
# header left out, up to the state's column (57), or COLS, sorted (the
# protocols here have names of 3 characters or fewer).
conn_lines()
{
	tail -n +2 <<< "$1" | cut -c"1-${2:-57}" | sort
}

# lc_est PORT: "SOURCE DESTINATION" of ipvsadm -Lcn's ESTABLISHED lines
# to VIP:PORT, sorted.
lc_est()
{
	awk -v v="$VIP:$1" '$3 == "ESTABLISHED" && $5 == v {
		sub(/:[0-9]+$/, "", $4); sub(/:[0-9]+$/, "", $6); print $4, $6 }' <<< "$LC" |
		sort
}

ipvsadm_lc()
{
	local got sync want n x lo hi bad
	local -a f

	dir_config <<-EOF
	service add tcp $VIP:80 sched rr
	$(rs_lines tcp "$VIP:80")
	service add tcp $VIP:8080 sched rr persistent 60
	$(rs_lines tcp "$VIP:8080")
	service add udp $VIP:53 sched rr
	$(rs_lines udp "$VIP:53")
	EOF
	hold_start lc80 80 3
	hold_start lc8080 8080 2
	client udp "$VIP" 53 --sport 23000 > /dev/null

	got=$(dproc ip_vs_conn)
	sync=$(dproc ip_vs_conn_sync)
	want=$(conn_want)
	LC=$(nse "$NS_DIR" ipvsadm -Lcn)
	diag "ipvsadm -Lcn:"
	while IFS= read -r x; do
		diag "  $x"
	done <<< "$LC"
	check_eq "ip_vs_conn: the header" "$(head -n 1 <<< "$got")" \
		"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData"
	n=$(wc -l <<< "$want")
	check_eq "ip_vs_conn: drlbctl conn show's $n entries, in IPVS's columns" \
		"$(conn_lines "$got")" "$want"
	check "ip_vs_conn: 3 + 2 flows, a template, a UDP flow" test "$n" -eq 7

	# Expires: seconds left, at most the timeout (a template is kept as
	# long as its flows), at least 30 s less.
	bad=
	while read -r -a f; do
		case ${f[7]} in
		ESTABLISHED)	lo=870 hi=900 ;;
		UDP)		lo=270 hi=300 ;;
		NONE)		lo=30 hi=900 ;;
		*)		lo=1 hi=0 ;;
		esac
		[ "${f[8]}" -ge "$lo" ] && [ "${f[8]}" -le "$hi" ] ||
			bad+="${f[*]};"
	done <<< "$(tail -n +2 <<< "$got")"
	check_eq "ip_vs_conn: each entry's Expires, seconds within its timeout" \
		"$bad" ""

	check_eq "ipvsadm -Lcn: 3 ESTABLISHED to $VIP:80, from the client to the servers that answered" \
		"$(lc_est 80)" \
		"$(for x in $(names "$(< "$WORK/lc80.out")"); do
			echo "$CLIENT_IP ${RS_IP[${x#rs}]}"
		done | sort)"
	x=$(names "$(< "$WORK/lc8080.out")" | sort -u)
	check_eq "ipvsadm -Lcn: the 2 persistent ones on one server" \
		"$(lc_est 8080)" \
		"$CLIENT_IP ${RS_IP[${x#rs}]}"$'\n'"$CLIENT_IP ${RS_IP[${x#rs}]}"
	check_match "ipvsadm -Lcn: and their template" "$LC" \
		"^TCP +[0-9:]+ +NONE +$CLIENT_IP:0 +$VIP:8080 +${RS_IP[${x#rs}]}:8080$"
	check_match "ipvsadm -Lcn: the UDP flow" "$LC" \
		"^UDP +[0-9:]+ +UDP +$CLIENT_IP:23000 +$VIP:53 +10\.0\.0\.1[123]:53$"

	check_eq "ip_vs_conn_sync: the same entries, LOCAL" \
		"$(conn_lines "$sync" 64)" \
		"$(mapfile -t f <<< "$want"; printf '%s LOCAL \n' "${f[@]}")"
	check_eq "ip_vs_conn_sync: the header" "$(head -n 1 <<< "$sync")" \
		"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires"
	# shellcheck disable=SC2086 # a list of names
	check_eq "modes: the flows' files root's only" \
		"$(cd "/proc/${DIR_ANCHOR[$NS_DIR]}/net" && stat -c %a $PROC_FILES | xargs)" \
		"444 444 444 400 400"

	hold_stop lc80
	check "the client closed: ipvsadm -Lcn shows its 3 flows FIN_WAIT" \
		slowwait 20 fin_wait 3
}

# fin_wait N: N FIN_WAIT entries to VIP:80 in ip_vs_conn.
fin_wait()
{
	local v

	hex v "$VIP" 80
	[ "$(grep -c "^TCP .* ${v/:/ } .* FIN_WAIT " <<< "$(dproc ip_vs_conn)")" = "$1" ]
}

# scrape: node_exporter's metrics.
scrape()
{
	nse "$NS_DIR" curl -sf --max-time 20 "http://127.0.0.1:9100/metrics"
}

# metric NAME: the value of an unlabelled metric of METRICS, as an integer.
metric()
{
	awk -v n="$1" '$1 == n { printf "%.0f\n", $2 }' <<< "$METRICS"
}

# backends: "WHAT SERVICE SERVER VALUE" of METRICS' backend weights and
# active and inactive connections, SERVICE "VIP:PORT" or "FWM MARK".
backends()
{
	local l what labels val svc
	local re='^node_ipvs_backend_(weight|connections_active|connections_inactive)\{(.*)\} (.*)$'
	local lre='^([a-z_]+)="([^"]*)",?(.*)$'
	local -A lab

	while IFS= read -r l; do
		[[ $l =~ $re ]] || continue
		what=${BASH_REMATCH[1]} labels=${BASH_REMATCH[2]} val=${BASH_REMATCH[3]}
		lab=()
		while [[ $labels =~ $lre ]]; do
			lab[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			labels=${BASH_REMATCH[3]}
		done
		if [ -n "${lab[local_mark]}" ]; then
			# procfs' label is ip_vs' hex.
			svc="FWM $((16#${lab[local_mark]}))"
		else
			svc=${lab[local_address]}:${lab[local_port]}
		fi
		printf '%s %s %s %.0f\n' "${what#connections_}" "$svc" \
			"${lab[remote_address]}" "$val"
	done <<< "$METRICS" | sort
}

# ctl_backends: the same from drlbctl service show.
ctl_backends()
{
	# shellcheck disable=SC2016 # a jq program
	jq_ctl '.services[] | (if .fwmark then "FWM \(.fwmark)" else "\(.vip):\(.port)" end) as $s |
		.servers[] | "weight \($s) \(.address) \(.weight)",
		"active \($s) \(.address) \(.active_conns)",
		"inactive \($s) \(.address) \(.inactive_conns)"' service show | sort
}

node_exporter()
{
	local pid cs

	if ! command -v prometheus-node-exporter > /dev/null; then
		tap_skip "node_exporter" "prometheus-node-exporter missing"
		return
	fi
	dir_config <<-EOF
	service add tcp $VIP:80 sched rr
	server add tcp $VIP:80 ${RS_IP[1]} weight 1
	server add tcp $VIP:80 ${RS_IP[2]} weight 2
	server add tcp $VIP:80 ${RS_IP[3]} weight 3
	service add fwmark 9 sched rr
	server add fwmark 9 ${RS_IP[1]} weight 4
	EOF
	client tcp "$VIP" 80 --count 6 > /dev/null
	hold_start ne 80 3
	nsenter --net="/run/netns/$NS_DIR" prometheus-node-exporter \
		--collector.disable-defaults --collector.ipvs \
		--web.listen-address=127.0.0.1:9100 > "$WORK/ne.log" 2>&1 &
	pid=$!
	defer kill "$pid"
	if ! slowwait 60 scrape > /dev/null; then
		tap_fail "node_exporter answers" "$(tail -n 5 "$WORK/ne.log")"
		return
	fi
	METRICS=$(scrape)
	cs=$(ctl_stats)
	check_eq "the ipvs collector succeeded" \
		"$(grep '^node_scrape_collector_success{collector="ipvs"}' <<< "$METRICS")" \
		'node_scrape_collector_success{collector="ipvs"} 1'
	check_eq "node_ipvs_{connections,incoming_packets,incoming_bytes}_total: drlbctl stats' ($cs)" \
		"$(metric node_ipvs_connections_total) $(metric node_ipvs_incoming_packets_total) $(metric node_ipvs_incoming_bytes_total)" \
		"$cs"
	check_eq "node_ipvs_outgoing_{packets,bytes}_total: 0 (DR)" \
		"$(metric node_ipvs_outgoing_packets_total) $(metric node_ipvs_outgoing_bytes_total)" \
		"0 0"
	check_eq "node_ipvs_backend_{weight,connections_active,connections_inactive}: each server's in drlbctl service show" \
		"$(backends)" "$(ctl_backends)"
	check_eq "with the 3 held connections active" \
		"$(backends | awk -v s="$VIP:80" '$1 == "active" && $2 == s { n += $4 } END { print n }')" 3

	# The failure case: without drlb_ipvs, no files, no metrics.
	defer ipvs_load
	rmmod drlb_ipvs
	METRICS=$(scrape)
	check_eq "without drlb_ipvs: the ipvs collector fails" \
		"$(grep '^node_scrape_collector_success{collector="ipvs"}' <<< "$METRICS")" \
		'node_scrape_collector_success{collector="ipvs"} 0'
	check_eq "and no node_ipvs metric is left" \
		"$(grep -c '^node_ipvs_' <<< "$METRICS")" 0
}

# raw ARGS...: drlb_raw from the router's LAN port to the director.
raw()
{
	nse "$NS_ROUTER" "$HERE/drlb_raw" -i r1 -m "$DIR_MAC" -d "$VIP" "$@"
}

# flows FILE: the distinct flows of an ip_vs_conn text in FILE (the
# columns up to the state's, without the header).
flows()
{
	tail -n +2 "$1" | cut -c1-57 | sort -u | wc -l
}

large_tables()
{
	local n_svc n_flows i n f a b c reads bad
	local -a r

	n_svc=$(rounds 150 40)
	n_flows=$(rounds 3000 800)
	dir_config < <(
		for ((i = 0; i < n_svc; i++)); do
			echo "service add tcp $VIP:$((1000 + i)) sched rr"
			rs_lines tcp "$VIP:$((1000 + i))"
		done
		echo "service add udp $VIP:9 sched rr"
		rs_lines udp "$VIP:9")
	check_eq "drlb_raw: $n_flows UDP flows from random clients" \
		"$(raw -p udp -P 9 -s rand -n "$n_flows" -r 11)" "sent $n_flows"
	n=$(jq_ctl '.conn_count' config show)
	check "the director has entries for (nearly) all of them ($n)" \
		test "$n" -gt $((n_flows * 9 / 10))
	f=/proc/${DIR_ANCHOR[$NS_DIR]}/net

	a=$(cat "$f/ip_vs")
	b=$(dd if="$f/ip_vs" bs=100 status=none)
	c=$(dd if="$f/ip_vs" bs=1000 skip=7 status=none)
	check_eq "ip_vs: every service and server once" \
		"$(wc -l <<< "$a") $(sort <<< "$a" | uniq -d | grep -vc '^  ->')" \
		"$((3 + n_svc * 4 + 1 + 3)) 0"
	check_eq "ip_vs read 100 bytes at a time: the same" "$b" "$a"
	check_eq "ip_vs from byte 7000 (a seek): the same" "$c" \
		"$(tail -c +7001 <<< "$a")"

	cat "$f/ip_vs_conn" > "$WORK/conn.a"
	dd if="$f/ip_vs_conn" of="$WORK/conn.b" bs=100 status=none
	check_eq "ip_vs_conn: $n lines, $n flows" \
		"$(($(wc -l < "$WORK/conn.a") - 1)) $(flows "$WORK/conn.a")" "$n $n"
	check_eq "ip_vs_conn read 100 bytes at a time: the same flows, in order" \
		"$(cut -c1-57 "$WORK/conn.b")" "$(cut -c1-57 "$WORK/conn.a")"
	check_eq "drlbctl conn show: --count and the dump agree ($n)" \
		"$(ctl conn show -c) $(jq_ctl '.conns | length' conn show)" "$n $n"

	# Reads all along a resize: each sees every flow once at least, and
	# only those.
	rm -f "$WORK/resized"
	defer ctl config set conn-max 1048576
	(
		i=0
		while [ ! -e "$WORK/resized" ]; do
			cat "$f/ip_vs_conn" > "$WORK/read.$i"
			i=$((i + 1))
		done
		echo "$i" > "$WORK/reads"
	) &
	ctl config set conn-max 4000000
	touch "$WORK/resized"
	wait $!
	reads=$(< "$WORK/reads")
	bad=
	for ((i = 0; i < reads; i++)); do
		r[i]=$(flows "$WORK/read.$i")
		[ "${r[i]}" = "$n" ] || bad+=" ${r[i]}"
	done
	diag "$reads reads during the resize"
	check "ip_vs_conn read during the resize" test "$reads" -gt 0
	check_eq "each read: the $n flows" "$bad" ""
	check_eq "after it: $n flows" "$(dproc ip_vs_conn > "$WORK/conn.c"; flows "$WORK/conn.c")" "$n"
}

# pktgen_cmds: pktgen's commands, one "FILE COMMAND" a line, on stdin,
# written from one process in the client's namespace; a refused one is
# retried for 2 s (the pktgen thread may not have dropped a device yet).
pktgen_cmds()
{
	# shellcheck disable=SC2016 # a script for the namespace's shell
	nse "$NS_CLIENT" sh -c '
		while read -r f c; do
			n=0
			until echo "$c" 2>/dev/null > "/proc/net/pktgen/$f"; do
				n=$((n + 1))
				[ $n -lt 20 ] || { echo "pktgen: $c to $f refused" >&2; exit 1; }
				sleep 0.1
			done
		done'
}

# within PCT A B: A is B within PCT percent (B > 0).
within()
{
	[ "$3" -gt 0 ] && [ $((100 * $2 / $3)) -ge $((100 - $1)) ] &&
		[ $((100 * $2 / $3)) -le $((100 + $1)) ]
}

RATE_PPS=400

rates_steady()
{
	local rmac t1 t2 p1 p2 b1 b2 size want out svc dst pps

	modprobe -q pktgen || { tap_skip "rates_steady" "no pktgen module"; return; }
	defer nse "$NS_DIR" ipvsadm -C
	check "ipvsadm makes a UDP service and its server" nse "$NS_DIR" sh -c "
		ipvsadm -A -u $VIP:80 -s rr && ipvsadm -a -u $VIP:80 -r ${RS_IP[1]} -g"
	rmac=$(ip -n "$NS_ROUTER" link show r0 | sed -n 's/.*ether \([^ ]*\).*/\1/p')
	check "pktgen set up: one flow, $RATE_PPS packets/s" pktgen_cmds <<-EOF
		kpktgend_0 rem_device_all
		kpktgend_0 add_device c0
		c0 count 0
		c0 clone_skb 0
		c0 pkt_size 64
		c0 dst $VIP
		c0 dst_mac $rmac
		c0 src_min $CLIENT_IP
		c0 src_max $CLIENT_IP
		c0 udp_src_min 1000
		c0 udp_src_max 1000
		c0 udp_dst_min 80
		c0 udp_dst_max 80
		c0 ratep $RATE_PPS
	EOF
	nse "$NS_CLIENT" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	defer kill $!
	defer nse "$NS_CLIENT" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	# The estimator samples every 2 s and weighs a sample 1/2: after
	# 12 s of a steady rate its average is within 2 % of it.
	nap 12
	# The forwarded rate: the director's packet counter over 4 s, each
	# time the middle of the drlbctl that read it.
	t1=${EPOCHREALTIME/./}
	read -r p1 b1 < <(ctl -j stats | jq -r '"\(.pkts) \(.bytes)"')
	t1=$(((t1 + ${EPOCHREALTIME/./}) / 2))
	nap 4
	t2=${EPOCHREALTIME/./}
	read -r p2 b2 < <(ctl -j stats | jq -r '"\(.pkts) \(.bytes)"')
	t2=$(((t2 + ${EPOCHREALTIME/./}) / 2))
	want=$(((p2 - p1) * 1000000 / (t2 - t1)))
	# The packets' size, from the same window (the namespace's counters
	# hold the other cases' traffic too).
	size=$(((b2 - b1) / (p2 - p1 > 0 ? p2 - p1 : 1)))
	out=$(nse "$NS_DIR" ipvsadm -Ln --rate --exact -u "$VIP:80")
	pps=$(ctl -j -s service show | jq '.services[0].stats.pkts_per_s')
	diag_block "ipvsadm -Ln --rate --exact" 0 "$out"
	diag "forwarded $((p2 - p1)) packets in $(((t2 - t1) / 1000)) ms: $want/s (pktgen's rate $RATE_PPS/s)"
	# "UDP  VIP:80  CPS INPPS OUTPPS INBPS OUTBPS", then "-> RS:80 ...".
	read -r -a svc <<< "$(grep "^UDP" <<< "$out")"
	read -r -a dst <<< "$(grep -e "-> ${RS_IP[1]}:80" <<< "$out")"
	check "the director forwarded a steady flow (at least half pktgen's rate)" \
		test "$want" -ge $((RATE_PPS / 2))
	check "ipvsadm --rate: the service's InPPS ${svc[3]:-?} is $want/s within 10 %" \
		within 10 "${svc[3]:-0}" "$want"
	check "ipvsadm --rate: its server's InPPS ${dst[3]:-?} too" \
		within 10 "${dst[3]:-0}" "$want"
	check "drlbctl -s: the service's pkts/s $pps is $want/s within 10 %" \
		within 10 "${pps:-0}" "$want"
	check_eq "CPS 0 (one flow), OutPPS and OutBPS 0 (DR)" \
		"${svc[2]:-?} ${svc[4]:-?} ${svc[6]:-?}" "0 0 0"
	check "InBPS is InPPS times the packets' size ($size bytes) within 10 %" \
		within 10 "${svc[5]:-0}" $((${svc[3]:-0} * size))
}

# ipvsadm_dests PORT: "SERVER WEIGHT ACTIVE INACTIVE" per real server of
# TCP VIP:PORT, from ipvsadm -Ln.
ipvsadm_dests()
{
	nse "$NS_DIR" ipvsadm -Ln -t "$VIP:$1" |
		awk '$1 == "->" && $2 ~ /^[0-9]/ { sub(/:.*/, "", $2); print $2, $4, $5, $6 }'
}

# no_dest: the director's no_dest drops.
no_dest()
{
	ctl -j -s service show | jq '[.services[].stats.drops.no_dest] | add'
}

ipvsadm_thresholds()
{
	local out before after rs1=${RS_IP[1]} rs2=${RS_IP[2]}

	defer nse "$NS_DIR" ipvsadm -C
	check "ipvsadm: fo service, rs1 weight 3 -x 3 -y 2, rs2 weight 2 -x 1" \
		nse "$NS_DIR" sh -c "
		ipvsadm -A -t $VIP:80 -s fo &&
		ipvsadm -a -t $VIP:80 -r $rs1 -g -w 3 -x 3 -y 2 &&
		ipvsadm -a -t $VIP:80 -r $rs2 -g -w 2 -x 1"
	out=$(nse "$NS_DIR" ipvsadm -Ln --thresholds -t "$VIP:80")
	diag_block "ipvsadm -Ln --thresholds" 0 "$out"
	check_eq "ipvsadm -Ln --thresholds: the servers' Uthreshold and Lthreshold" \
		"$(awk '$1 == "->" && $2 ~ /^[0-9]/ { print $2, $3, $4 }' <<< "$out")" \
		"$rs1:80 3 2"$'\n'"$rs2:80 1 0"
	check_eq "drlbctl shows ipvsadm's thresholds" \
		"$(jq_ctl '.services[0].servers[] | "\(.address) \(.u_threshold) \(.l_threshold)"' service show)" \
		"$rs1 3 2"$'\n'"$rs2 1 0"

	hold_start ith1 80 3
	check_eq "fo: 3 held connections on the heaviest, rs1" \
		"$(counts "$(< "$WORK/ith1.out")" rs1 rs2)" "3:0"
	check_eq "ipvsadm -Ln: rs1 has 3 active connections" \
		"$(ipvsadm_dests 80)" "$rs1 3 3 0"$'\n'"$rs2 2 0 0"
	hold_start ith2 80 1
	check_eq "a 4th goes to rs2: rs1 is at its upper threshold" \
		"$(names "$(< "$WORK/ith2.out")")" "rs2"
	before=$(no_dest)
	out=$(client tcp "$VIP" 80 --count 1 --timeout 1)
	after=$(no_dest)
	check_eq "rs2 at its upper threshold (1) too: a 5th gets no answer" \
		"$(names "$out")" "-"
	check "and is dropped as no_dest ($before -> $after)" \
		test "$after" -gt "$before"

	check "ipvsadm -e: rs2's upper threshold raised to 4" \
		nse "$NS_DIR" ipvsadm -e -t "$VIP:80" -r "$rs2" -g -w 2 -x 4
	out=$(client tcp "$VIP" 80 --count 1)
	check_eq "a new connection is answered by rs2 again" "$(names "$out")" "rs2"

	ctl conn del tcp "$VIP:80" cport "$(cport_of ith1 0)" > /dev/null
	out=$(client tcp "$VIP" 80 --count 1)
	check_eq "one of rs1's flows gone: 2 left, not below -y 2: the next still goes to rs2" \
		"$(names "$out")" "rs2"
	ctl conn del tcp "$VIP:80" cport "$(cport_of ith1 1)" > /dev/null
	out=$(client tcp "$VIP" 80 --count 1)
	check_eq "another: 1 left, below -y 2: fo sends the next to rs1" \
		"$(names "$out")" "rs1"
}

proc_absent_without_module()
{
	local f fd have missing anchor

	setup_ns NS_LATE
	dir_anchor "$NS_LATE"
	have=
	for f in $PROC_FILES; do
		[ -e "/proc/self/net/$f" ] && [ -e "/proc/${DIR_ANCHOR[$NS_DIR]}/net/$f" ] &&
			[ -e "/proc/${DIR_ANCHOR[$NS_LATE]}/net/$f" ] && have+="$f "
	done
	check_eq "loaded: the files in this, the director's and a newer namespace" \
		"$have" "$PROC_FILES "
	anchor=/proc/${DIR_ANCHOR[$NS_DIR]}/net
	exec {fd}< "$anchor/ip_vs_conn"
	defer eval "exec $fd<&-"

	defer ipvs_load
	check "rmmod drlb_ipvs (a reader holds ip_vs_conn open)" rmmod drlb_ipvs
	missing=
	for f in $PROC_FILES; do
		[ -e "/proc/self/net/$f" ] || [ -e "$anchor/$f" ] ||
			[ -e "/proc/${DIR_ANCHOR[$NS_LATE]}/net/$f" ] || missing+="$f "
	done
	check_eq "unloaded: none of them anywhere" "$missing" "$PROC_FILES "
	check_fail "the reader's open file reads EIO" cat <&"$fd"
	check_fail "a reader finds nothing (ipvsadm -Lc's file)" \
		cat "$anchor/ip_vs_conn"

	check "insmod drlb_ipvs" insmod "$IPVS_KO"
	have=
	for f in $PROC_FILES; do
		[ -e "$anchor/$f" ] && [ -e "/proc/${DIR_ANCHOR[$NS_LATE]}/net/$f" ] &&
			have+="$f "
	done
	check_eq "loaded again: back in every namespace" "$have" "$PROC_FILES "
}

tests_run
