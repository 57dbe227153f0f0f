#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPVS-compatible scheduling, seen from outside (which real server answered,
# the director's counters), on the LVS-DR topology of topo.sh:
#
#   fo_failover          fo: every flow to the highest weight; the next one
#                        when it is drained; ties to the lowest address
#   ovf_overflow         ovf: the heaviest server until its active flows
#                        exceed its weight (IPVS: W + 1 of them), then the
#                        next; with all past their weight, no_dest drops
#   dh_per_destination   dh: every client's flows to one VIP on one server,
#                        VIPs spread over the servers, the same map whatever
#                        order the servers were added in
#   twos_by_weight       twos: flows spread roughly by weight
#   thresholds           u-threshold N: after N flows a server gets no new
#                        ones (fo moves on); below l-threshold it is back;
#                        all overloaded: no_dest drops; a raised threshold
#                        ends the overload
#   persist_conns        the persistence templates per server are counted
#   sched_flags_port     mh without the port flag: one client's ports on
#                        one server; with it (mh's default): spread
#   sched_flags_fallback sh: a flow hashed to an overloaded server is
#                        dropped, with fallback it goes to the next; a
#                        drained server's clients hash elsewhere anyway
#   onepacket_udp        onepacket: one client port's datagrams spread by
#                        rr, no flow entry; off again: one server, an entry
#   bad_input_refused    drlbctl's and the kernel's refusals, with their
#                        message, nothing changed
#   netlink_refusals     the same requests raw (genl.py): errno and extack
#   save_restore         the new settings through save, restore --check
#                        and restore, and in service show

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	fo_failover
	ovf_overflow
	dh_per_destination
	twos_by_weight
	thresholds
	persist_conns
	sched_flags_port
	sched_flags_fallback
	onepacket_udp
	bad_input_refused
	netlink_refusals
	save_restore
"

dir_setup 3
client_add_ips 4

# drlbctl reads nothing of the director's namespace under /sys: nsenter
# is enough, not topo.sh's ip netns exec (a mount namespace and a /sys
# each time, several times the cost of drlbctl under TCG; see nse).
ctl()
{
	nse "$NS_DIR" "$DRLBCTL" "$@"
}

# The service's no_dest drops: svc_no_dest PORT
svc_no_dest()
{
	jq_ctl ".services[] | select(.port == $1) | .stats.drops.no_dest" -s service show
}

# servers PORT JQ: one line "ADDRESS VALUE" per server of the service on
# PORT, VALUE the jq expression on the server object.
servers()
{
	jq_ctl ".services[] | select(.port == $1) | .servers[] | \"\\(.address) \\($2)\"" \
		service show
}

# rs_name IP: rs1.. for a real server's address.
rs_name()
{
	rs_of_ip "$1"
}

fo_failover()
{
	local out

	dir_config <<-EOF
	service add tcp $VIP:80 sched fo
	server add tcp $VIP:80 ${RS_IP[1]} weight 1
	server add tcp $VIP:80 ${RS_IP[2]} weight 3
	server add tcp $VIP:80 ${RS_IP[3]} weight 2
	EOF
	out=$(client tcp "$VIP" 80 --count 6)
	check_eq "fo 1:3:2: all 6 connections on the heaviest, rs2" \
		"$(counts "$out" rs1 rs2 rs3)" "0:6:0"
	ctl server change tcp "$VIP:80" "${RS_IP[2]}" weight 0
	out=$(client tcp "$VIP" 80 --count 3)
	check_eq "fo: rs2 drained, the next heaviest (rs3) takes all 3" \
		"$(counts "$out" rs1 rs2 rs3)" "0:0:3"
	ctl server change tcp "$VIP:80" "${RS_IP[1]}" weight 2
	out=$(client tcp "$VIP" 80 --count 3)
	check_eq "fo: rs1 and rs3 both weight 2: the lower address, rs1" \
		"$(counts "$out" rs1 rs2 rs3)" "3:0:0"
}

ovf_overflow()
{
	local out before after

	dir_config <<-EOF
	service add tcp $VIP:81 sched ovf
	server add tcp $VIP:81 ${RS_IP[1]} weight 2
	server add tcp $VIP:81 ${RS_IP[2]} weight 1
	server add tcp $VIP:81 ${RS_IP[3]} weight 1
	EOF
	# One after the other, each established before the next opens.
	hold_start ovf 81 7
	out=$(< "$WORK/ovf.out")
	check_eq "ovf 2:1:1: 7 held connections fill rs1 to 3, then rs2 and rs3 to 2" \
		"$(counts "$out" rs1 rs2 rs3)" "3:2:2"
	check_eq "and the director counts them active" \
		"$(servers 81 .active_conns | awk '{ printf "%s%s", s, $2; s = ":" }')" \
		"3:2:2"
	before=$(svc_no_dest 81)
	out=$(client tcp "$VIP" 81 --count 1 --timeout 1)
	after=$(svc_no_dest 81)
	check_eq "every server past its weight: an 8th connection gets no answer" \
		"$(names "$out")" "-"
	check "and is dropped as no_dest ($before -> $after)" \
		test "$after" -gt "$before"
}

DH_VIPS="10.0.0.101 10.0.0.102 10.0.0.103 10.0.0.104"

# dh_round SPORT: "VIP SERVERS" per VIP, SERVERS the servers that answered
# its flows from every client address (two each), all sent by one client.
dh_round()
{
	local out per

	out=$(client udp "${DH_VIPS// /,}" 6000 --src "$CLIENT_IPS" --sport "$1" \
		--count 2 --parallel)
	# The client's output: each VIP's flows in turn, PER of them.
	per=$(($(tr , '\n' <<< "$CLIENT_IPS" | wc -l) * 2))
	awk -v per="$per" -v vips="$DH_VIPS" '
		BEGIN { split(vips, v, " ") }
		{ k = int((NR - 1) / per) + 1
		  if (!seen[k, $2]++) s[k] = s[k] (s[k] == "" ? "" : ",") $2 }
		END { for (k = 1; k in v; k++) print v[k], s[k] }' <<< "$out"
}

dh_per_destination()
{
	local v i map again

	# The VIPs on the director's LAN side and every real server's lo;
	# there a backend on every address.
	for v in $DH_VIPS; do
		echo "addr add $v/32 dev lo"
	done > "$WORK/dh-add.ip"
	sed 's/ add / del /' "$WORK/dh-add.ip" > "$WORK/dh-del.ip"
	sed 's/ lo$/ d0/' "$WORK/dh-add.ip" > "$WORK/dh-add-d0.ip"
	sed 's/ lo$/ d0/' "$WORK/dh-del.ip" > "$WORK/dh-del-d0.ip"
	ip -n "$NS_DIR" -b "$WORK/dh-add-d0.ip"
	defer ip -n "$NS_DIR" -b "$WORK/dh-del-d0.ip"
	for ((i = 1; i <= 3; i++)); do
		ip -n "${NS_RS[i]}" -b "$WORK/dh-add.ip"
		defer ip -n "${NS_RS[i]}" -b "$WORK/dh-del.ip"
		nsenter --net="/run/netns/${NS_RS[i]}" \
			"$PY" -S "$HERE/drlb_rs.py" "rs$i" 0.0.0.0 udp:6000 \
			> "$WORK/dh$i.log" 2>&1 &
		defer kill $!
	done
	for ((i = 1; i <= 3; i++)); do
		slowwait 60 has_line "$WORK/dh$i.log" ready ||
			{ tap_fail "dh backend on rs$i"; return; }
	done

	dir_config < <(for v in $DH_VIPS; do
		echo "service add udp $v:6000 sched dh"
		rs_lines udp "$v:6000"
	done)
	map=$(dh_round 37000)
	diag "dh: ${map//$'\n'/; }"
	check_eq "dh: every client's flows to one VIP go to one server" \
		"$(awk '$2 !~ /^rs[0-9]$/' <<< "$map")" ""
	check "dh: the VIPs spread over more than one server" \
		test "$(awk '{ print $2 }' <<< "$map" | sort -u | wc -l)" -ge 2
	# Added in the other order: the same map (IPVS's dh follows the
	# order of its list; a director configured otherwise would differ).
	ctl flush
	dir_config < <(for v in $DH_VIPS; do
		echo "service add udp $v:6000 sched dh"
		for ((i = 3; i >= 1; i--)); do
			echo "server add udp $v:6000 ${RS_IP[i]}"
		done
	done)
	again=$(dh_round 37100)
	check_eq "dh: servers added in the other order, the same map" \
		"$again" "$map"
}

twos_by_weight()
{
	local out c1 c2 c3

	dir_config <<-EOF
	service add udp $VIP:53 sched twos
	server add udp $VIP:53 ${RS_IP[1]} weight 1
	server add udp $VIP:53 ${RS_IP[2]} weight 2
	server add udp $VIP:53 ${RS_IP[3]} weight 4
	EOF
	out=$(client udp "$VIP" 53 --sport 38000 --count 42 --parallel)
	check_all_ok "twos: 42 flows answered from the VIP" "$out"
	IFS=: read -r c1 c2 c3 <<< "$(counts "$out" rs1 rs2 rs3)"
	diag "twos 1:2:4 over 42 flows: $c1:$c2:$c3 (6:12:24 by weight; a simulation's 99.9 % range: 3-8, 9-14, 21-28)"
	check "twos 1:2:4: roughly by weight ($c1:$c2:$c3; rr would give 14:14:14)" \
		test "$c1" -ge 2 -a "$c1" -le 10 -a "$c2" -ge 7 -a "$c2" -le 17 \
			-a "$c3" -ge 18 -a "$c3" -le 31
}

# load PORT IP: "FLOWS OVERLOADED" of one server (active + inactive flows,
# true or false).
load()
{
	jq_ctl ".services[] | select(.port == $1) | .servers[] | select(.address == \"$2\") | \"\(.active_conns + .inactive_conns) \(.overloaded)\"" \
		service show
}

thresholds()
{
	local out before after

	dir_config <<-EOF
	service add tcp $VIP:80 sched fo
	server add tcp $VIP:80 ${RS_IP[1]} weight 3 u-threshold 3 l-threshold 2
	server add tcp $VIP:80 ${RS_IP[2]} weight 2 u-threshold 1
	EOF
	hold_start th1 80 3
	check_eq "fo: 3 held connections on the heaviest, rs1" \
		"$(counts "$(< "$WORK/th1.out")" rs1 rs2)" "3:0"
	check_eq "rs1 has its u-threshold (3) of flows: overloaded, rs2 not" \
		"$(servers 80 .overloaded | paste -sd' ')" \
		"${RS_IP[1]} true ${RS_IP[2]} false"
	hold_start th2 80 1
	check_eq "a 4th goes to rs2: no new flow for an overloaded server" \
		"$(names "$(< "$WORK/th2.out")")" "rs2"
	before=$(svc_no_dest 80)
	out=$(client tcp "$VIP" 80 --count 1 --timeout 1)
	after=$(svc_no_dest 80)
	check_eq "rs2 at its u-threshold (1) too: a 5th gets no answer" \
		"$(names "$out")" "-"
	check "and is dropped as no_dest ($before -> $after)" \
		test "$after" -gt "$before"
	ctl conn del tcp "$VIP:80" cport "$(cport_of th1 0)" > /dev/null
	check_eq "one of rs1's flows deleted: 2 left, not below l-threshold 2: still overloaded" \
		"$(load 80 "${RS_IP[1]}")" "2 true"
	ctl conn del tcp "$VIP:80" cport "$(cport_of th1 1)" > /dev/null
	check_eq "another: 1 left, below l-threshold: back" \
		"$(load 80 "${RS_IP[1]}")" "1 false"
	out=$(client tcp "$VIP" 80 --count 1)
	check_eq "and fo sends a new connection to rs1 again" "$(names "$out")" "rs1"
	ctl server change tcp "$VIP:80" "${RS_IP[2]}" u-threshold 4
	check_eq "rs2's u-threshold raised to 4 (l-threshold 0: below 3): no longer overloaded" \
		"$(load 80 "${RS_IP[2]}")" "1 false"
}

persist_conns()
{
	local out per

	dir_config <<-EOF
	service add udp $VIP:54 sched rr persistent 60
	$(rs_lines udp "$VIP:54")
	EOF
	out=$(client udp "$VIP" 54 --src "${CLIENT_IPS%,*}" --sport 39000 --count 2 --parallel)
	check_all_ok "3 clients' 6 flows answered" "$out"
	per=$(printf '%s\n' "$out" | awk '{ split($1, a, ":"); print a[1], $2 }' | sort -u | wc -l)
	check_eq "persistence: each client's 2 flows on one server" "$per" 3
	check_eq "the servers' persist_conns sum to one template per client" \
		"$(jq_ctl '[.services[] | select(.port == 54) | .servers[].persist_conns] | add' service show)" 3
	check_eq "as many as conn show lists" \
		"$(ctl conn show udp "$VIP:54" persistent --count)" 3
}

sched_flags_port()
{
	local out

	dir_config <<-EOF
	service add udp $VIP:53 sched mh sched-flags none
	$(rs_lines udp "$VIP:53")
	EOF
	out=$(client udp "$VIP" 53 --sport 40000 --count 12 --parallel)
	check_all_ok "mh: 12 flows answered" "$out"
	check_eq "mh, sched-flags none: one client's 12 ports on one server ($(dist "$out"))" \
		"$(n_names "$out")" 1
	ctl service change udp "$VIP:53" sched-flags port
	out=$(client udp "$VIP" 53 --sport 40100 --count 12 --parallel)
	check "mh, sched-flags port: they spread ($(dist "$out"))" \
		test "$(n_names "$out")" -ge 2
	ctl service change udp "$VIP:53" sched sh
	check_eq "sched sh without sched-flags: sh's default, none" \
		"$(jq_ctl '.services[0].sched_flags | join(",")' service show)" ""
	ctl service change udp "$VIP:53" sched mh
	check_eq "sched mh without sched-flags: mh's default, port" \
		"$(jq_ctl '.services[0].sched_flags | join(",")' service show)" "port"
}

sched_flags_fallback()
{
	local out x y before after

	dir_config <<-EOF
	service add udp $VIP:54 sched sh
	$(rs_lines udp "$VIP:54" "u-threshold 1")
	EOF
	out=$(client udp "$VIP" 54 --sport 41000)
	x=$(names "$out")
	check_match "sh: a first flow answered, its server now at u-threshold 1" "$x" "^rs[123]$"
	before=$(svc_no_dest 54)
	out=$(client udp "$VIP" 54 --sport 41001 --tries 1 --timeout 1)
	after=$(svc_no_dest 54)
	check_eq "without fallback a second flow of the client (hashed to $x) is dropped" \
		"$(names "$out")" "-"
	check "as no_dest ($before -> $after)" test "$after" -gt "$before"
	ctl service change udp "$VIP:54" sched-flags fallback
	out=$(client udp "$VIP" 54 --sport 41002)
	y=$(names "$out")
	check "with fallback it goes to the next server of the table ($y, not $x)" \
		test -n "$y" -a "$y" != - -a "$y" != "$x"
	# A drained server leaves the table: its clients hash elsewhere,
	# fallback or not (IPVS's sh drops them without fallback).
	ctl conn del udp "$VIP:54" > /dev/null
	dir_config <<-EOF
	service add udp $VIP:54 sched sh
	$(rs_lines udp "$VIP:54" | sed "/${RS_IP[${x#rs}]}\$/s/\$/ weight 0/")
	EOF
	out=$(client udp "$VIP" 54 --sport 41003)
	y=$(names "$out")
	check "no fallback, $x drained: the client's flow goes to another ($y)" \
		test -n "$y" -a "$y" != - -a "$y" != "$x"
}

onepacket_udp()
{
	local out rc six

	dir_config <<-EOF
	service add udp $VIP:5353 sched rr onepacket yes
	$(rs_lines udp "$VIP:5353")
	EOF
	# Six datagrams one after the other from one address and port (a
	# socket each, the same flow).
	six=$(printf "$CLIENT_IP,%.0s" 1 2 3 4 5 6)
	out=$(client udp "$VIP" 5353 --src "${six%,}" --sport 42000)
	check_eq "onepacket: one client port's 6 datagrams rotate over the servers" \
		"$(names "$out" | paste -sd' ')" "rs1 rs2 rs3 rs1 rs2 rs3"
	check "and the director keeps no flow entry for them" conns_gone udp "$VIP:5353"
	check_eq "each datagram counted as a connection" \
		"$(jq_ctl '.services[0].stats.conns' -s service show)" 6
	ctl service change udp "$VIP:5353" onepacket no
	out=$(client udp "$VIP" 5353 --src "${six%,}" --sport 42100)
	check_eq "onepacket no: one server answers them all" \
		"$(n_names "$out") $(n_answered "$out")" "1 6"
	check_eq "through one entry" "$(ctl conn show udp "$VIP:5353" --count)" 1
	out=$(ctl service add tcp "$VIP:8080" onepacket yes 2>&1) && rc=0 || rc=$?
	check_eq "onepacket on a TCP service refused (exit 2): $out" "$rc" 2
	check_eq "and no TCP service made" \
		"$(jq_ctl '[.services[] | select(.protocol == "tcp")] | length' service show)" 0
}

# says OUTPUT TEXT: a line of OUTPUT starts with TEXT, or with one of
# the alternatives TEXT holds separated by "|||" (a formatted extack
# message, and 6.1's constant one).
says()
{
	local l alt

	while IFS= read -r l; do
		while IFS= read -r alt; do
			[[ $l == "$alt"* ]] && return 0
		done <<< "${2//|||/$'\n'}"
	done <<< "$1"
	return 1
}

# refused EXIT TEXT ARGS...: drlbctl ARGS fails with EXIT, saying TEXT
# (see says).
refused()
{
	local want=$1 text=$2 out rc

	shift 2
	out=$(ctl "$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" = "$want" ] && says "$out" "$text"; then
		tap_ok "'$*' refused (exit $rc): $out"
	else
		tap_fail "'$*' refused with exit $want saying '$text'" "exit $rc: $out"
	fi
}

bad_input_refused()
{
	local before rs1=${RS_IP[1]}

	dir_config <<-EOF
	service add tcp $VIP:80 sched wlc
	server add tcp $VIP:80 $rs1 u-threshold 5
	EOF
	before=$(ctl save)
	refused 2 "drlbctl: service add: bad sched-flags 'bogus' (port, fallback, both as port,fallback, or none)" \
		service add tcp "$VIP:90" sched mh sched-flags bogus
	refused 2 "drlbctl: service add: bad sched-flags 'port,port' (port, fallback, both as port,fallback, or none)" \
		service add tcp "$VIP:90" sched mh sched-flags port,port
	refused 2 "drlbctl: service add: sched-flags are for the sh and mh schedulers only" \
		service add tcp "$VIP:90" sched wlc sched-flags port
	refused 2 "drlbctl: service add: 'onepacket yes' is for udp services only" \
		service add tcp "$VIP:90" onepacket yes
	refused 2 "drlbctl: service add: bad onepacket 'maybe' (yes or no)" \
		service add udp "$VIP:90" onepacket maybe
	refused 2 "drlbctl: server add: bad u-threshold '-1' (0..2147483647)" \
		server add tcp "$VIP:80" "${RS_IP[2]}" u-threshold -1
	refused 2 "drlbctl: server add: bad u-threshold '2147483648' (0..2147483647)" \
		server add tcp "$VIP:80" "${RS_IP[2]}" u-threshold 2147483648
	refused 2 "drlbctl: server add: l-threshold 6 above u-threshold 5" \
		server add tcp "$VIP:80" "${RS_IP[2]}" u-threshold 5 l-threshold 6
	refused 2 "drlbctl: server change: nothing to change (weight N, u-threshold N, l-threshold N)" \
		server change tcp "$VIP:80" "$rs1"
	# Only the kernel knows the service's scheduler and the server's
	# upper threshold.
	refused 1 "drlbctl: service change tcp $VIP:80: scheduler flags are for sh and mh only, not wlc|||drlbctl: service change tcp $VIP:80: scheduler flags are for the sh and mh schedulers only" \
		service change tcp "$VIP:80" sched-flags port
	refused 1 "drlbctl: server change tcp $VIP:80 $rs1: lower threshold 9 above the upper threshold 5|||drlbctl: server change tcp $VIP:80 $rs1: the lower threshold must not exceed the upper threshold" \
		server change tcp "$VIP:80" "$rs1" l-threshold 9
	check_eq "the configuration is unchanged" "$(ctl save)" "$before"
}

netlink_refusals()
{
	local out want

	dir_config <<-EOF
	service add tcp $VIP:80 sched wlc
	EOF
	# One process in the director's namespace: each refusal as "NAME
	# ERRNO MESSAGE".
	out=$(nse "$NS_DIR" "$PY" - "$TOP/selftests/helpers" "$VIP" <<-'EOF' 2>&1
	import socket, sys
	sys.dont_write_bytecode = True
	sys.path.insert(0, sys.argv[1])
	import genl
	vip = socket.inet_aton(sys.argv[2])
	def svc(proto, port, **extra):
	    s = {"DRLB_SVC_A_AF": socket.AF_INET, "DRLB_SVC_A_PROTOCOL": proto,
	         "DRLB_SVC_A_ADDR": vip, "DRLB_SVC_A_PORT": port}
	    s.update({"DRLB_SVC_A_" + k: v for k, v in extra.items()})
	    return {"DRLB_A_SERVICE": s}
	def dest(**extra):
	    d = svc(6, 80)
	    d["DRLB_A_DEST"] = {"DRLB_DEST_A_AF": socket.AF_INET,
	                        "DRLB_DEST_A_ADDR": socket.inet_aton("10.0.0.11")}
	    d["DRLB_A_DEST"].update({"DRLB_DEST_A_" + k: v for k, v in extra.items()})
	    return d
	tries = [
	    ("onepacket_tcp", "NEW_SERVICE", svc(6, 90, ONEPACKET=1)),
	    ("fwmark", "NEW_SERVICE", svc(17, 90, FWMARK=1)),
	    ("flags_unknown", "NEW_SERVICE", svc(17, 90, SCHED_NAME="mh", SCHED_FLAGS=4)),
	    ("flags_wlc", "NEW_SERVICE", svc(17, 90, SCHED_NAME="wlc", SCHED_FLAGS=1)),
	    ("flags_set_wlc", "SET_SERVICE", svc(6, 80, SCHED_FLAGS=2)),
	    ("lower_above", "NEW_DEST", dest(U_THRESH=3, L_THRESH=5)),
	    ("lower_alone", "NEW_DEST", dest(L_THRESH=1)),
	    ("upper_range", "NEW_DEST", dest(U_THRESH=1 << 31)),
	    ("persist_ro", "NEW_DEST", dest(PERSIST_CONNS=1)),
	    ("overloaded_ro", "NEW_DEST", dest(OVERLOADED=1)),
	]
	with genl.Genl() as nl:
	    for name, cmd, spec in tries:
	        try:
	            nl.request(cmd, spec)
	            print(name, "OK")
	        except genl.NetlinkError as e:
	            print(name, e.name, e.msg)
	EOF
	)
	while IFS='|' read -r name want; do
		check_match "netlink: $name refused: $(awk -v n="$name" '$1 == n' <<< "$out")" \
			"$out" "^$name $want"
	done <<-'EOF'
	onepacket_tcp|EINVAL drlb: one-packet scheduling is for UDP services only$
	fwmark|EINVAL drlb: a fwmark service has no protocol, address or port$
	flags_unknown|EINVAL .
	flags_wlc|EINVAL drlb: scheduler flags are for (sh and mh only, not wlc|the sh and mh schedulers only)$
	flags_set_wlc|EINVAL drlb: scheduler flags are for (sh and mh only, not wlc|the sh and mh schedulers only)$
	lower_above|ERANGE drlb: (lower threshold 5 above the upper threshold 3|the lower threshold must not exceed the upper threshold)$
	lower_alone|ERANGE drlb: (lower threshold 1 above the upper threshold 0|the lower threshold must not exceed the upper threshold)$
	upper_range|ERANGE
	persist_ro|EINVAL
	overloaded_ro|EINVAL
	EOF
	check_eq "nothing was made: one service, no server" \
		"$(jq_ctl '[.services[] | "\(.port):\(.num_servers):\(.sched_flags | length)"] | join(",")' service show)" \
		"80:0:0"
}

save_restore()
{
	local saved out rs1=${RS_IP[1]} rs2=${RS_IP[2]}

	dir_config <<-EOF
	service add udp $VIP:53 sched mh sched-flags fallback onepacket yes
	service add udp $VIP:54 sched sh sched-flags port
	service add tcp $VIP:80 sched ovf
	server add tcp $VIP:80 $rs1 weight 2 u-threshold 10 l-threshold 4
	server add tcp $VIP:80 $rs2 u-threshold 8
	EOF
	saved=$(ctl save)
	check_match "save: mh's flags when not its default, onepacket" "$saved" \
		"^service add udp $VIP:53 sched mh sched-flags fallback onepacket yes$"
	check_match "save: sh with the port flag" "$saved" \
		"^service add udp $VIP:54 sched sh sched-flags port$"
	check_match "save: a server's thresholds" "$saved" \
		"^server add tcp $VIP:80 $rs1 weight 2 u-threshold 10 l-threshold 4$"
	check_match "save: an upper threshold alone" "$saved" \
		"^server add tcp $VIP:80 $rs2 weight 1 u-threshold 8$"
	out=$(ctl restore --check - <<< "$saved")
	check_eq "restore --check of what save printed: nothing to do" "$out" ""
	out=$(ctl restore --check - <<< "${saved/u-threshold 10 l-threshold 4/u-threshold 12}")
	check_eq "a changed threshold: one change in place" "$out" \
		"server change tcp $VIP:80 $rs1 weight 2 u-threshold 12 l-threshold 0"
	out=$(ctl restore --check - <<< "${saved/sched-flags fallback onepacket yes/onepacket yes}")
	check_eq "mh's flags dropped from the file: back to its default, in place" "$out" \
		"service change udp $VIP:53 sched-flags port"
	check "restore applies a changed file" \
		ctl restore - <<< "${saved/u-threshold 10 l-threshold 4/u-threshold 12}"
	check_eq "and service show shows it" \
		"$(servers 80 '"\(.u_threshold) \(.l_threshold)"' | paste -sd' ')" \
		"$rs1 12 0 $rs2 8 0"
	out=$(ctl service show)
	check_match "service show: the flags in add's words" "$out" \
		"^udp +$VIP:53 +mh +sched-flags fallback onepacket yes$"
	check_match "service show: a server's thresholds" "$out" \
		"^  -> $rs1 .* u-threshold 12$"
}

tests_run
