#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fwmark services (drlbctl service add fwmark MARK, IPVS's ipvsadm -f):
# the README's example, run as it is written there - an nftables chain in
# the director's namespace, at priority -450 (before drlb's hook at -399),
# marks the TCP traffic to two VIPs x ports 80 and 443 with mark 1, and a
# persistent mh fwmark service has the three real servers - plus a chain
# of the test's own after it (-440): UDP to VIP:53 marked 1 too, VIP:8080
# marked 2, and one client address (UNMARKED) never marked.
#
#   mark_service_forwards        the marked flows reach the real servers
#                                and count on the mark service; unmarked
#                                packets and mark 2 are not taken by it;
#                                fragmented UDP datagrams carry the mark
#   mark_persistence_across_vips a persistent fwmark service keeps each
#                                client on one server across both VIPs and
#                                both ports, one template per client
#   mark_before_tuple            a marked packet goes to the mark service
#                                even where a service for its VIP:port
#                                exists; an unmarked one to that service
#   mark_bad_input               drlbctl and the kernel refuse fwmark 0, a
#                                fwmark with a protocol or address, an
#                                unknown mark; nothing changes
#   mark_save_restore            save, flush, restore gives the same
#                                services; restore --check keys fwmark
#                                services apart; monitor names them
#
# FWM_NFT_PRIO (default: the README's -450) sets the marking chains'
# priority (the test's own chain 10 after it): with one after drlb's hook
# (e.g. -150, mangle) the marks come too late and mark_service_forwards
# fails, which is what it is there to show.

source "$(dirname "$0")/lib/lib.sh"
# The real servers' ports: 80, 443 and 8080 (mark 2, never forwarded) on
# both VIPs, UDP 53.
RS_SPECS="tcp:80 tcp:443 tcp:8080 udp:53"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	mark_service_forwards
	mark_persistence_across_vips
	mark_before_tuple
	mark_bad_input
	mark_save_restore
"

VIP2=10.0.0.101
FWM_NFT_PRIO=${FWM_NFT_PRIO:--450}

# readme_fence MARKER: the lines of the first fenced block after README's
# line MARKER (the example uses this topology's addresses).
readme_fence()
{
	# shellcheck disable=SC2016 # an awk program, backquotes and all
	awk -v m="$1" '$0 == m { on = 1; next }
		on && /^```/ { if (++f == 2) exit; next }
		on && f == 1' "$TOP/README.md"
}
README_BLOCK=$(readme_fence "<!-- drlb_fwmark.sh: the example -->")
# The README's nft ruleset (between "nft -f - <<'EOF'" and "EOF"), at
# FWM_NFT_PRIO, and its drlbctl lines as restore lines.
README_NFT=$(sed -n "/^nft -f - <<'EOF'$/,/^EOF$/{/^nft\|^EOF/d;p}" <<< "$README_BLOCK" |
	sed "s/priority -450;/priority $FWM_NFT_PRIO;/")
README_CTL=$(sed -n 's/^drlbctl //p' <<< "$README_BLOCK")
# The service show the README prints after it, but the command and "...".
README_SHOW=$(readme_fence "<!-- end of the example -->" | grep -v '^\$ \|\.\.\.$')

command -v nft > /dev/null || skip_all "nft missing"
command -v jq > /dev/null || skip_all "jq missing"
dir_setup 3
client_add_ips 9
# 10.0.1.10 is never marked; the others, CLIENT_IP included, are.
UNMARKED=10.0.1.10
MARKED_IPS=${CLIENT_IPS#"$UNMARKED",}	# 8 addresses, 10.0.1.11..18

# The second VIP: on the director's d0 (it answers ARP for it) and on
# every real server's lo, with a backend on ports 80 and 443 there.
ip -n "$NS_DIR" addr add "$VIP2/32" dev d0
for ((i = 1; i <= TOPO_N_RS; i++)); do
	ip -n "${NS_RS[i]}" addr add "$VIP2/32" dev lo
	nsenter --net="/run/netns/${NS_RS[i]}" \
		"$PY" -S "$HERE/drlb_rs.py" "rs$i" "$VIP2" tcp:80 tcp:443 \
		> "$WORK/rs$i-vip2.log" 2>&1 &
	defer kill $!
done
for ((i = 1; i <= TOPO_N_RS; i++)); do
	slowwait 60 has_line "$WORK/rs$i-vip2.log" ready || {
		tap_fail "backend on rs$i's second VIP started" "$(cat "$WORK/rs$i-vip2.log")"
		exit "$ksft_fail"
	}
done

# The marks, set before drlb sees the packets (drlb: -399, after defrag at
# -400; -450 sees fragments, only the first with ports, whose mark the
# reassembled datagram keeps): the README's chain, then the test's.
[[ $README_NFT == *"meta mark set 1"* && $README_CTL == *"fwmark 1"* ]] ||
	{ tap_fail "the README's example found" "$README_NFT" "$README_CTL"; exit "$ksft_fail"; }
nsx "$NS_DIR" nft -f - <<EOF || { tap_fail "nft: the marking chains"; exit "$ksft_fail"; }
$README_NFT
table ip drlbfwm_test {
	chain pre {
		type filter hook prerouting priority $((FWM_NFT_PRIO + 10)); policy accept;
		ip saddr $UNMARKED meta mark set 0
		ip daddr $VIP udp dport 53 meta mark set 1
		ip daddr $VIP tcp dport 8080 meta mark set 2
	}
}
EOF
defer nsx "$NS_DIR" nft flush ruleset

# svc_conns KEY...: the flows a service counted (-s service show).
svc_conns()
{
	jq_ctl '.services[0].stats.conns' -s service show "$@"
}

# rs_seen IP: the TCP connections from IP the real servers logged, in all.
rs_seen()
{
	cat "$WORK"/rs*.log | grep -c "^tcp $1:[0-9]* open"
}

# readme_show_matches: every line of README_SHOW is a line of service
# show; the ones that are not in README_MISSING.
readme_show_matches()
{
	local show line l found

	show=$(ctl service show)
	README_MISSING=()
	while IFS= read -r line; do
		found=
		while IFS= read -r l; do
			[ "$l" = "$line" ] && found=1 && break
		done <<< "$show"
		[ -n "$found" ] || README_MISSING+=("$line")
	done <<< "$README_SHOW"
	[ ${#README_MISSING[@]} -eq 0 ]
}

# per_src OUTPUT: "IP NAME" once per client address and server it reached.
per_src()
{
	printf '%s\n' "$1" | awk '{ split($1, a, ":"); print a[1], $2 }' | sort -u
}

# The four VIP:port pairs of mark 1, from CLIENT_IP: every connection
# answered by a real server, on the mark service's counters; nothing
# unmarked or of mark 2 is taken.
mark_service_forwards()
{
	local out all="" vp c0 c1 seen0

	dir_config <<-EOF
	service add fwmark 1 sched rr
	$(rs_lines fwmark 1)
	EOF
	for vp in "$VIP 80" "$VIP 443" "$VIP2 80" "$VIP2 443"; do
		# shellcheck disable=SC2086 # VIP and port: two words
		out=$(client tcp $vp --count 3)
		all+=$out$'\n'
		check_eq "mark 1: 3 connections to ${vp/ /:} answered by real servers ($(dist "$out"))" \
			"$(n_answered "$out")" 3
	done
	check_eq "mark 1 (rr): the 12 connections on all three servers" \
		"$(counts "$all" rs1 rs2 rs3)" "4:4:4"
	out=$(client udp "$VIP" 53 --sport 30000 --count 3 --size 3000)
	check_all_ok "mark 1: 3 fragmented 3000-byte UDP datagrams to $VIP:53 answered intact" "$out"
	c0=$(svc_conns fwmark 1)
	check_eq "the mark service counted the 15 flows" "$c0" 15

	# Not taken: the director's own stack answers (RST: nothing listens).
	seen0=$(rs_seen "$UNMARKED")
	out=$(client tcp "$VIP" 80 --src "$UNMARKED" --count 1)
	check_eq "an unmarked connection to $VIP:80 is not taken (the director refuses it)" \
		"$(n_answered "$out")" 0
	out=$(client tcp "$VIP" 8080 --count 1)
	check_eq "a connection marked 2 ($VIP:8080) is not taken either" \
		"$(n_answered "$out")" 0
	c1=$(svc_conns fwmark 1)
	check_eq "the mark service's counter did not move ($c0 -> $c1)" "$c1" "$c0"
	check_eq "no real server saw the unmarked connection" \
		"$(rs_seen "$UNMARKED")" "$seen0"
}

# The README's persistent fwmark service: each client on one server
# across both VIPs and both ports, one template per client (mark and
# client, not VIP:port); the README's service show is what it shows.
mark_persistence_across_vips()
{
	local out all="" vp first spread tmpl

	dir_config <<< "$README_CTL"
	# Before any flow, once the servers' MACs are resolved.
	if [ -n "$README_SHOW" ] && slowwait 10 readme_show_matches; then
		tap_ok "service show prints the README's lines"
	else
		tap_fail "service show prints the README's lines" \
			"${README_MISSING[@]/#/missing: }"
	fi

	for vp in "$VIP 80" "$VIP2 443" "$VIP 443" "$VIP2 80"; do
		# shellcheck disable=SC2086 # VIP and port: two words
		out=$(client tcp $vp --src "$MARKED_IPS" --count 2)
		all+=$out$'\n'
	done
	all=${all%$'\n'}
	first=$(per_src "$all")
	check_eq "64 connections of 8 clients to 2 VIPs x 2 ports all answered" \
		"$(n_answered "$all")" 64
	check_eq "every client on one server across both VIPs and ports" \
		"$(awk '{ n[$1]++ } END { for (a in n) if (n[a] > 1) d++; print d + 0 }' <<< "$first")" 0
	spread=$(awk '!s[$2]++ { n++ } END { print n + 0 }' <<< "$first")
	check "the 8 clients spread over more than one server ($(dist "$all"))" \
		test "$spread" -ge 2
	# One template a client, keyed by the mark: "fwmark": 1, no VIP.
	tmpl=$(jq_ctl '[.conns[] | select(.persistent)] |
		"\(length) \([.[] | select(.fwmark == 1 and (has("vip") | not))] | length)"' \
		conn show fwmark 1)
	check_eq "8 templates, one per client, each keyed by mark 1 (not VIP:port)" \
		"$tmpl" "8 8"
	check_match "conn show: a template shows as FWM and the mark" \
		"$(ctl conn show fwmark 1 persistent)" "^FWM +10\.0\.1\.1[1-8]:\* +1 +10\.0\.0\.1[1-3] +persistent "
}

# A mark service and a tuple service for the same VIP:port: the marked
# packet goes to the mark service (looked up first), the unmarked one to
# the tuple service.
mark_before_tuple()
{
	local out

	dir_config <<-EOF
	service add fwmark 1 sched rr
	server add fwmark 1 ${RS_IP[1]}
	service add tcp $VIP:80 sched rr
	server add tcp $VIP:80 ${RS_IP[2]}
	EOF
	out=$(client tcp "$VIP" 80 --src "$CLIENT_IP" --count 3)
	check_eq "marked, to $VIP:80: the mark service's rs1, 3 times" \
		"$(counts "$out" rs1 rs2 rs3)" "3:0:0"
	out=$(client tcp "$VIP" 80 --src "$UNMARKED" --count 3)
	check_eq "unmarked, to $VIP:80: the tcp service's rs2, 3 times" \
		"$(counts "$out" rs1 rs2 rs3)" "0:3:0"
	check_eq "each service counted its 3 flows" \
		"$(svc_conns fwmark 1) $(svc_conns tcp "$VIP:80")" "3 3"
}

# bad_cmds: run the drlbctl command lines of BAD_LINES (one a line) in the
# director's namespace, one bash; print "RC LINES" and the lines of each.
bad_cmds()
{
	# shellcheck disable=SC2016 # a script for the namespace's bash
	local script='
		while read -r args; do
			out=$("$1" $args 2>&1 > /dev/null) && rc=0 || rc=$?
			mapfile -t lines <<< "$out"
			echo "$rc ${#lines[@]}"
			printf "%s\n" "${lines[@]}"
		done'

	nse "$NS_DIR" bash -c "$script" bad_cmds "$DRLBCTL" <<< "$BAD_LINES"
}

# Refusals: a usage error (exit 2) or the kernel's (exit 1), one line
# naming the problem; and the same through raw netlink (genl.py). Nothing
# changes.
mark_bad_input()
{
	local before after rc n i=0 want_rc want_msg line out
	local -a lines wants

	dir_config <<-EOF
	service add fwmark 1 sched wlc
	server add fwmark 1 ${RS_IP[1]}
	EOF
	before=$(ctl -j service show | jq 'del(.services[].servers[]?.neigh)')
	# "EXIT|TEXT THE ONE LINE HAS|drlbctl ARGS"
	wants=(
		"2|bad fwmark '0'|service add fwmark 0"
		"2|bad fwmark '0x100000000'|service add fwmark 0x100000000"
		"2|bad fwmark '-1'|server add fwmark -1 ${RS_IP[2]}"
		"2|missing MARK|service add fwmark"
		"2|'$VIP:80': a fwmark service has no address or port|service add fwmark 5 $VIP:80"
		"2|'$VIP': a fwmark service has no address or port|server add fwmark 1 $VIP ${RS_IP[2]}"
		"2|'tcp fwmark': a fwmark service has no protocol|service add tcp fwmark 5"
		"2|'$VIP:80': a fwmark service has no address or port|conn show fwmark 1 $VIP:80"
		"1|server add fwmark 9 ${RS_IP[2]}: no such service|server add fwmark 9 ${RS_IP[2]}"
		"1|service del fwmark 9: no such service|service del fwmark 9"
		"1|stats zero fwmark 9: no such service|stats zero fwmark 9"
		"1|service add fwmark 1: the service exists|service add fwmark 1"
		"1|server add fwmark 1 ${RS_IP[1]}: the real server exists|server add fwmark 1 ${RS_IP[1]}"
	)
	BAD_LINES=$(printf '%s\n' "${wants[@]}" | cut -d'|' -f3)
	while read -r rc n; do
		mapfile -t -n "$n" lines
		IFS='|' read -r want_rc want_msg line <<< "${wants[i]}"
		out=${lines[*]}
		if [ "$rc" = "$want_rc" ] && [ "$n" = 1 ] && [[ $out == "drlbctl: "*"$want_msg"* ]]; then
			tap_ok "'drlbctl $line' fails (exit $rc): $out"
		else
			tap_fail "'drlbctl $line' fails with exit $want_rc, one line with '$want_msg'" \
				"exit $rc" "${lines[@]}"
		fi
		i=$((i + 1))
	done < <(bad_cmds)
	check_eq "every bad command answered" "$i" "${#wants[@]}"

	# The kernel's own checks, past drlbctl: errno and extack message.
	out=$(nse "$NS_DIR" "$PY" - "$HERE" <<-'EOF'
	import sys
	sys.dont_write_bytecode = True
	sys.path.insert(0, sys.argv[1])
	import genl
	S, D = "DRLB_A_SERVICE", "DRLB_A_DEST"
	dest = {"DRLB_DEST_A_AF": 2, "DRLB_DEST_A_ADDR": "10.0.0.12"}
	cases = [
	    ("NEW_SERVICE", {S: {"DRLB_SVC_A_AF": 2, "DRLB_SVC_A_FWMARK": 7,
	                         "DRLB_SVC_A_PROTOCOL": 6}}),
	    ("NEW_SERVICE", {S: {"DRLB_SVC_A_AF": 2, "DRLB_SVC_A_FWMARK": 7,
	                         "DRLB_SVC_A_ADDR": "10.0.0.100",
	                         "DRLB_SVC_A_PORT": 80}}),
	    ("NEW_SERVICE", {S: {"DRLB_SVC_A_AF": 2, "DRLB_SVC_A_FWMARK": 0}}),
	    ("NEW_SERVICE", {S: {"DRLB_SVC_A_FWMARK": 7}}),
	    ("NEW_DEST", {S: {"DRLB_SVC_A_AF": 2, "DRLB_SVC_A_FWMARK": 9}, D: dest}),
	    ("GET_SERVICE", {S: {"DRLB_SVC_A_AF": 2, "DRLB_SVC_A_FWMARK": 1,
	                         "DRLB_SVC_A_PORT": 80}}),
	]
	with genl.Genl() as nl:
	    for cmd, spec in cases:
	        try:
	            nl.request(cmd, spec)
	            print("OK")
	        except genl.NetlinkError as e:
	            print(e.name, e.msg)
	EOF
	)
	mapfile -t lines <<< "$out"
	check_eq "netlink: FWMARK with PROTOCOL refused" "${lines[0]:-}" \
		"EINVAL drlb: a fwmark service has no protocol, address or port"
	check_eq "netlink: FWMARK with ADDR and PORT refused" "${lines[1]:-}" \
		"EINVAL drlb: a fwmark service has no protocol, address or port"
	check_eq "netlink: FWMARK 0 refused by the policy" "${lines[2]:-}" \
		"ERANGE integer out of range"
	check_eq "netlink: FWMARK without AF refused" "${lines[3]:-}" \
		"EINVAL drlb: address family missing"
	check_eq "netlink: a server of an unknown mark refused" "${lines[4]:-}" \
		"ENOENT drlb: no such service"
	check_eq "netlink: GET_SERVICE naming a mark and a port refused" "${lines[5]:-}" \
		"EINVAL drlb: a fwmark service has no protocol, address or port"
	# (The servers' neighbour state ages by itself: not configuration.)
	after=$(ctl -j service show | jq 'del(.services[].servers[]?.neigh)')
	check_eq "-j service show identical after all the bad input" "$after" "$before"
}

# save -> flush -> restore gives the same; restore --check tells fwmark
# services apart (a changed weight is one step); monitor names them.
mark_save_restore()
{
	local saved show again mon out i

	dir_config <<-EOF
	service add tcp $VIP:80 sched rr
	server add tcp $VIP:80 ${RS_IP[1]}
	service add fwmark 1 sched mh persistent 300 netmask 24
	server add fwmark 1 ${RS_IP[1]} weight 1
	server add fwmark 1 ${RS_IP[2]} weight 2
	server add fwmark 1 ${RS_IP[3]} weight 3
	service add fwmark 0x20 sched wlc expire-nodest no
	server add fwmark 32 ${RS_IP[2]}
	EOF
	saved=$(ctl save)
	show=$(ctl service show)
	check_match "save: the fwmark service, as service add takes it" "$saved" \
		"^service add fwmark 1 sched mh persistent 300 netmask 24$"
	check_match "save: its servers" "$saved" \
		"^server add fwmark 1 ${RS_IP[3]} weight 3$"
	check_match "save: a mark given in hex is saved in decimal" "$saved" \
		"^service add fwmark 32 sched wlc expire-nodest no$"
	check_match "service show: FWM and the mark" "$show" \
		"^FWM +1 +mh +persistent 300 netmask 24$"
	check_eq "-j service show: fwmark services keyed by \"fwmark\" alone" \
		"$(jq_ctl '[.services[] | select(has("fwmark")) |
			"\(.fwmark) \(has("protocol") or has("vip") or has("port"))"] | join(",")' service show)" \
		"1 false,32 false"

	# A monitor, listening once it has seen a probe come and go.
	mon=$WORK/monitor.out
	nse "$NS_DIR" "$DRLBCTL" monitor > "$mon" 2>&1 &
	defer kill $!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ctl service add fwmark 99
		ctl service del fwmark 99
		busywait 1000 grep -q "^service del fwmark 99 by port" "$mon" && break
	done
	check_match "monitor: a fwmark service deleted" "$(cat "$mon")" \
		"^service del fwmark 99 by port [0-9]+$"
	ctl flush
	out=$(ctl restore - <<< "$saved" 2>&1)
	check_eq "restore of the saved file succeeds" "$out" ""
	check_eq "save after flush and restore: the same file" "$(ctl save)" "$saved"
	check_eq "service show after flush and restore: the same" \
		"$(ctl service show)" "$show"
	check_eq "restore --check: nothing to do" \
		"$(ctl restore --check - <<< "$saved")" ""
	again=${saved/"server add fwmark 1 ${RS_IP[1]} weight 1"/"server add fwmark 1 ${RS_IP[1]} weight 5"}
	check_eq "restore --check: a weight of fwmark 1 changed is one step" \
		"$(ctl restore --check - <<< "$again")" \
		"server change fwmark 1 ${RS_IP[1]} weight 5"
	slowwait 10 grep -q "^server add fwmark 32 " "$mon"
	check_match "monitor: the restored fwmark service" "$(cat "$mon")" \
		"^service add fwmark 1 sched mh persistent 300 netmask 24 by port [0-9]+$"
	check_match "monitor: its server" "$(cat "$mon")" \
		"^server add fwmark 32 ${RS_IP[2]} weight 1 by port [0-9]+$"
}

tests_run
