#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The interface of drlb's ARP features, on two namespaces joined by a veth
# pair (the behaviour on a DR LAN is drlb_arp.sh's):
#
#   NS_D "director"  d0 10.0.0.2/24, VIP 10.0.0.100/32 on d0
#        |
#   NS_R "real server" e0 10.0.0.11/24, VIP on lo, an ARP rule for it
#        (put in by the cases that need it, rs_rule)
#
#   arp_bad_input, vip_bad_input
#      Bad input (drlbctl arp / vip) is one clear line, the right exit
#      status, and changes nothing (rules identical, no ARP sent).
#   netlink_contract
#      The netlink contract of NEW/DEL/GET_ARP (drlb_arp_nlcheck).
#   permissions
#      Rules need CAP_NET_ADMIN, and so does listing them; vip commands
#      need CAP_NET_RAW.
#   prune_keeps_held_vips
#      arp prune (drlb.service's stop) keeps, and names, the rule of a VIP
#      the real server still holds on lo, deletes one whose VIP it does
#      not hold, and the held one's once the address is gone.
#   netns_teardown, unload_with_rules, dmesg_clean
#      Namespaces with rules (and live hooks) torn down, ten times; the
#      module unloads with rules present; dmesg stays clean.

source "$(dirname "$0")/lib/lib.sh"

ALL_TESTS="
	arp_bad_input
	prune_keeps_held_vips
	vip_bad_input
	netlink_contract
	permissions
	netns_teardown
	unload_with_rules
	dmesg_clean
"

require_root
for t in tcpdump jq; do
	command -v "$t" >/dev/null || skip_all "$t missing (scripts/install-deps.sh)"
done

VIP=10.0.0.100
D_MAC=02:00:0a:00:00:02
R_MAC=02:00:0a:00:00:11

dmesg_start=$(dmesg | wc -l)
drlb_load || { tap_fail "load drlb.ko"; exit; }
tmpd=$(mktemp -d)
defer rm -rf "$tmpd"
modprobe -q veth
setup_ns NS_D NS_R || { tap_fail "create namespaces"; exit; }
ip link add d0 netns "$NS_D" address "$D_MAC" type veth \
	peer name e0 netns "$NS_R" address "$R_MAC"
ip -n "$NS_D" -b - <<-EOF
	link set d0 up
	addr add 10.0.0.2/24 dev d0
	addr add $VIP/32 dev d0
	EOF
ip -n "$NS_R" -b - <<-EOF
	link set e0 up
	addr add 10.0.0.11/24 dev e0
	addr add $VIP/32 dev lo
	EOF

# r ARGS...: drlbctl on the real server (nse: its network namespace only).
r()
{
	nse "$NS_R" "$DRLBCTL" "$@"
}

# rs_rule: the real server's ARP rule for the VIP, until the case ends.
rs_rule()
{
	defer r arp del "$VIP"
	check "real server: drlbctl arp add $VIP" r arp add "$VIP"
}

# nsbatch NS < COMMANDS: run the commands (one a line, split into words,
# no quoting) in NS, all from one shell: the guest is slow to start
# processes. B_RC[i] and B_OUT[i] are the i-th command's exit status and
# output (stdout and stderr).
nsbatch()
{
	local rc n lines out
	# shellcheck disable=SC2016 # a script for the namespace's bash
	local script='
		while read -r cmd; do
			[ -n "$cmd" ] || continue
			out=$($cmd 2>&1 < /dev/null) && rc=0 || rc=$?
			mapfile -t lines <<< "$out"
			echo "$rc ${#lines[@]}"
			printf "%s\n" "${lines[@]}"
		done'

	B_RC=()
	B_OUT=()
	while read -r rc n; do
		mapfile -t -n "$n" lines
		printf -v out '%s\n' "${lines[@]}"
		B_RC+=("$rc")
		B_OUT+=("${out%$'\n'}")
	done < <(nse "$1" bash -c "$script")
}

# bad NS < lines "RC ARGS...": each "drlbctl ARGS" run in NS fails with
# exit status RC and exactly one line, "drlbctl: ...". BAD_OUT[ARGS] is
# what it said.
declare -A BAD_OUT
bad()
{
	local want=() args=() w a i first lines

	while read -r w a; do
		[ -n "$w" ] || continue
		want+=("$w")
		args+=("$a")
	done
	nsbatch "$1" < <(printf '%s\n' "${args[@]/#/$DRLBCTL }")
	for i in "${!want[@]}"; do
		first=${B_OUT[i]%%$'\n'*}
		BAD_OUT[${args[i]}]=${B_OUT[i]:-}
		if [ "${B_RC[i]:-}" = "${want[i]}" ] && [ "$first" = "${B_OUT[i]}" ] &&
		   [[ $first == "drlbctl: "* ]]; then
			tap_ok "'drlbctl ${args[i]}': exit ${want[i]}: $first"
		else
			mapfile -t lines <<< "${B_OUT[i]:-}"
			tap_fail "'drlbctl ${args[i]}' fails with exit ${want[i]} and one line" \
				"exit ${B_RC[i]:-none}, ${#lines[@]} lines:" "${lines[@]}"
		fi
	done
}

# file_has FILE TEXT: for slowwait, without a process.
file_has() { [ -e "$1" ] && [[ $(< "$1") == *"$2"* ]]; }

# cap_start NAME DEV: capture ARP on the real server's DEV;
# cap_stop: after half a second (a frame sent late must be caught too).
cap_start()
{
	# (nsenter, not nse: $! must be tcpdump itself, not a subshell)
	nsenter --net="/run/netns/$NS_R" \
		tcpdump --immediate-mode -U -n -i "$2" -w "$tmpd/$1.pcap" arp \
		> /dev/null 2> "$tmpd/$1.log" &
	CAP_PID=$!
	defer kill "$CAP_PID"
	slowwait 20 file_has "$tmpd/$1.log" "listening on"
}

cap_stop()
{
	sleep 0.5
	kill "$CAP_PID"
	wait "$CAP_PID" 2>/dev/null
}

arp_bad_input()
{
	local before

	rs_rule
	before=$(r -j arp show)
	bad "$NS_R" <<-EOF
		2 arp add
		2 arp add 10.0.0
		2 arp add 10.0.0.256
		2 arp add vip
		2 arp add $VIP dev
		2 arp add $VIP dev e0 extra
		2 arp add $VIP via e0
		2 arp add $VIP ifindex 0
		2 arp add $VIP ifindex -1
		2 arp add $VIP dev 0123456789abcdefg
		1 arp add $VIP dev nosuchdev
		1 arp add $VIP
		1 arp del 10.0.0.99
		1 arp del $VIP dev e0
		1 arp add 224.0.0.5
		1 arp add 0.0.0.0
		1 arp add $VIP ifindex 99999
		2 arp frob
		2 arp show extra
		2 arp add $VIP packet-sockets
		2 arp add $VIP packet-sockets maybe
		2 arp add $VIP dev e0 dev e0
		2 arp del $VIP packet-sockets yes
		2 arp change $VIP
		2 arp change $VIP dev e0
		2 arp change $VIP packet-sockets maybe
		2 arp change vip packet-sockets yes
		1 arp change $VIP dev e0 packet-sockets yes
		1 arp change 10.0.0.99 packet-sockets yes
		2 arp prune now
		EOF
	check_eq "duplicate rule: the kernel's reason reaches the user" \
		"${BAD_OUT[arp add $VIP]}" "drlbctl: arp add $VIP: this ARP rule exists"
	check_eq "missing rule: said so" "${BAD_OUT[arp del $VIP dev e0]}" \
		"drlbctl: arp del $VIP dev e0: no such ARP rule"
	check_eq "unknown device: said so" "${BAD_OUT[arp add $VIP dev nosuchdev]}" \
		"drlbctl: arp add: no device 'nosuchdev' in this network namespace"
	check_eq "arp change of a missing rule: said so" \
		"${BAD_OUT[arp change 10.0.0.99 packet-sockets yes]}" \
		"drlbctl: arp change 10.0.0.99: no such ARP rule"
	check_eq "arp change with nothing to change: said so" \
		"${BAD_OUT[arp change $VIP]}" \
		"drlbctl: arp change: nothing to change (packet-sockets yes|no) (see 'drlbctl help')"
	check_eq "arp rules unchanged after bad input" "$(r -j arp show)" "$before"
}

prune_keeps_held_vips()
{
	local out rc

	defer r arp del "$VIP"
	defer r arp del 10.0.0.77 dev e0
	r arp add "$VIP"
	r arp add 10.0.0.77 dev e0
	out=$(r arp prune 2>&1) && rc=0 || rc=$?
	check_eq "arp prune: exit 0" "$rc" 0
	check_match "it says it keeps the rule of the VIP lo holds" "$out" \
		"keeping the ARP rule for $VIP: lo still holds it"
	check_eq "that rule stays, the one of a VIP not held goes" \
		"$(r arp show)" "$VIP"
	ip -n "$NS_R" addr del "$VIP/32" dev lo
	defer ip -n "$NS_R" addr add "$VIP/32" dev lo
	out=$(r arp prune 2>&1) && rc=0 || rc=$?
	check_eq "the address gone, prune deletes its rule quietly" "$rc:$out" "0:"
	check_eq "no rule left" "$(r arp show)" ""
}

vip_bad_input()
{
	cap_start bad e0
	bad "$NS_D" <<-EOF
		2 vip announce $VIP dev d0 count 0
		2 vip announce $VIP dev d0 count 1001
		2 vip announce $VIP dev d0 count x
		2 vip announce $VIP dev d0 interval 9
		2 vip announce $VIP dev d0 interval 60001
		2 vip announce $VIP dev d0 count 1 count 2
		2 vip announce $VIP dev d0 timeout 5
		2 vip announce $VIP
		2 vip announce $VIP dev
		2 vip announce 10.0.0.1000 dev d0
		1 vip announce $VIP dev nosuch
		1 vip announce $VIP dev lo
		1 vip announce 10.0.0.99 dev d0
		2 vip check $VIP dev d0 timeout 5
		2 vip check $VIP dev d0 timeout 60001
		2 vip check $VIP dev d0 owner 02:00:0a
		2 vip check $VIP dev d0 count 1
		1 vip check $VIP dev d0 owner $R_MAC
		2 vip
		2 vip frob
		EOF
	check_eq "announcing an address the host does not hold: said so" \
		"${BAD_OUT[vip announce 10.0.0.99 dev d0]}" \
		"drlbctl: vip announce: 10.0.0.99 is not an address of d0: only the host holding the VIP may announce it"
	bad "$NS_R" <<-EOF
		1 vip announce $VIP dev e0
		EOF
	cap_stop
	check_eq "no ARP sent by the refused vip commands" \
		"$(tcpdump -r "$tmpd/bad.pcap" -nn -e 2>/dev/null)" ""
}

# drlb_arp_nlcheck in a fresh network namespace of its own (unshare).
netlink_contract()
{
	local line nlout=$tmpd/nlcheck.tap oks=0

	unshare -n "$TOP/selftests/helpers/drlb_arp_nlcheck" > "$nlout" 2>&1
	while IFS= read -r line; do
		case "$line" in
		"ok "*)		tap_ok "nlcheck: ${line#ok * - }"; oks=$((oks + 1)) ;;
		"not ok "*)	tap_fail "nlcheck: ${line#not ok * - }" ;;
		"#"*)		echo "$line" ;;
		esac
	done < "$nlout"
	[ $oks -gt 0 ] || tap_fail "drlb_arp_nlcheck ran" "$(< "$nlout")"
}

permissions()
{
	local before nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"

	command -v setpriv > /dev/null || { tap_skip "permissions" "setpriv missing"; return; }
	rs_rule
	before=$(r -j arp show)
	nsbatch "$NS_R" <<-EOF
		$nobody $DRLBCTL arp add 10.0.0.99
		$nobody $DRLBCTL arp del $VIP
		unshare -Ur $DRLBCTL arp add 10.0.0.99
		$nobody $DRLBCTL -j arp show
		EOF
	check_match "an unprivileged user may not add a rule (EPERM)" \
		"${B_RC[0]:-}: ${B_OUT[0]:-}" \
		"^1: drlbctl: arp add 10\.0\.0\.99: Operation not permitted"
	check_match "nor delete one (EPERM)" "${B_RC[1]:-}: ${B_OUT[1]:-}" \
		"^1: drlbctl: arp del $VIP: Operation not permitted"
	check_match "root of a user namespace may not either (EPERM)" \
		"${B_RC[2]:-}: ${B_OUT[2]:-}" "Operation not permitted"
	check_match "nor list them (EPERM)" "${B_RC[3]:-}: ${B_OUT[3]:-}" \
		"^1: drlbctl: arp show: Operation not permitted"
	check_match "listing says reading needs CAP_NET_ADMIN" "${B_OUT[3]:-}" \
		"reading the configuration needs CAP_NET_ADMIN"
	nsbatch "$NS_D" <<-EOF
		$nobody $DRLBCTL vip check $VIP dev d0
		$nobody $DRLBCTL vip announce $VIP dev d0
		EOF
	check_match "vip check needs CAP_NET_RAW, and says so" "${B_RC[0]:-}: ${B_OUT[0]:-}" \
		"^1: drlbctl: vip check: cannot open a packet socket: .*CAP_NET_RAW"
	check_match "so does vip announce" "${B_RC[1]:-}: ${B_OUT[1]:-}" "^1: .*CAP_NET_RAW"
	check_eq "rules unchanged" "$(r -j arp show)" "$before"
}

# Ten namespaces (unshare: each goes when its shell ends), in each every
# hook once: egress (user-space gratuitous ARP: dropped), ARP out (the
# kernel asks from the VIP: rewritten); then the namespace goes with its
# rules and hooks.
netns_teardown()
{
	local n ok_runs=0
	# shellcheck disable=SC2016 # a script for the namespace's bash
	local script='
		ip -batch - <<-EOF || exit 1
			link set lo up
			link add v0 type veth peer name v1
			link set v0 up
			link set v1 up
			addr add 192.0.2.1/24 dev v0
			addr add $2/32 dev lo
			addr add $2/32 dev v0
		EOF
		"$1" restore - <<-EOF || exit 1
			arp add $2
			arp add $2 dev v0 packet-sockets yes
			arp add 10.0.0.101 dev v1
		EOF
		"$1" vip announce "$2" dev v0 count 1 2> /dev/null
		ping -q -c 1 -W 0.1 -I "$2" 192.0.2.2 > /dev/null 2>&1
		rules=0 acted=0
		while read -r vip dev r s d _; do
			[ "$vip" = VIP ] && continue
			rules=$((rules + 1))
			acted=$((acted + s + d))
		done < <("$1" -s arp show)
		[ $rules = 3 ] && [ $acted -ge 2 ]'

	for ((n = 1; n <= 10; n++)); do
		unshare -n bash -c "$script" netns "$DRLBCTL" "$VIP" &&
			ok_runs=$((ok_runs + 1))
	done
	check_eq "10 namespaces with rules created, used and deleted" "$ok_runs" 10
}

unload_with_rules()
{
	defer drlb_load
	check "real server: drlbctl arp add $VIP" r arp add "$VIP"
	check "the module unloads with rules present" slowwait 30 rmmod drlb
	check "and loads again" drlb_load
	check_eq "with no rules" "$(r arp show)" ""
	check "the module unloads again" rmmod drlb
}

dmesg_clean()
{
	local splats

	splats=$(dmesg | tail -n +$((dmesg_start + 1)) |
		grep -E 'WARNING:|BUG:|Oops|refcount_t|Call Trace|unreferenced object' | head -5)
	check_eq "dmesg clean" "$splats" ""
}

tests_run
