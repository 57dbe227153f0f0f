#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The director end to end (topology in topo.sh): TCP and UDP through the
# VIP reach every real server as each scheduler says - rr rotates exactly,
# wrr follows the weights, sh keeps a client on one server, mh moves only
# about 1/N of the flows when one of N servers goes or comes, lc and wlc
# follow the servers' load; replies go from the real servers straight to
# the client (the director's counters prove it) with the VIP as source;
# and the director keeps no conntrack entry for VIP traffic even with
# conntrack active in its namespace.
#
# Until drlb's ARP suppression is used here, the real servers hold the VIP
# on lo with the classic arp_ignore/arp_announce sysctls.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

dir_setup 3
client_add_ips 32
# Short UDP timeouts, so that the mh test below can send the same flows
# again and have them scheduled afresh.
ctl config set timeout-udp 2

# Conntrack live in the director's namespace: a rule that needs it.
modprobe -q nf_conntrack
nsx "$NS_DIR" nft -f - <<'EOF' || { tap_fail "nft: conntrack rule on the director"; exit $ksft_fail; }
table ip drlbtest {
	chain pre {
		type filter hook prerouting priority 0;
		ct state new counter
	}
}
EOF

# ---- rr: exact rotation, TCP and UDP ---------------------------------------

ctl service add tcp "$VIP:80" sched rr
ctl service add udp "$VIP" sched rr
for i in 1 2 3; do
	ctl server add tcp "$VIP:80" "${RS_IP[i]}"
	ctl server add udp "$VIP" "${RS_IP[i]}"
done
check_eq "service show: two services, three servers each" \
	"$(jq_ctl '[.services[] | "\(.protocol) \(.port) \(.num_servers) \(.servers | length)"] | join(",")' service show)" \
	"udp 0 3 3,tcp 80 3 3"

# rotation: the first three differ, then it repeats (a period of 3)
rotates()
{
	local -a got

	mapfile -t got <<< "$(names "$1")"
	[ ${#got[@]} -eq 9 ] || return 1
	[ "$(printf '%s\n' "${got[@]:0:3}" | sort | tr '\n' ' ')" = "rs1 rs2 rs3 " ] ||
		return 1
	for i in 3 4 5 6 7 8; do
		[ "${got[i]}" = "${got[i - 3]}" ] || return 1
	done
}
out=$(client tcp "$VIP" 80 --count 9)
if rotates "$out"; then tap_ok "rr, TCP: 9 connections rotate exactly: $(names "$out" | tr '\n' ' ')"
else tap_fail "rr, TCP: 9 connections rotate exactly" "$(names "$out" | tr '\n' ' ')"; fi
out=$(client udp "$VIP" 53 --sport 20000 --count 9)
if rotates "$out"; then tap_ok "rr, UDP: 9 flows rotate exactly: $(names "$out" | tr '\n' ' ')"
else tap_fail "rr, UDP: 9 flows rotate exactly" "$(names "$out" | tr '\n' ' ')"; fi
check_all_ok "UDP replies come from the VIP, intact" "$out"
out=$(client udp "$VIP" 5353 --sport 20100 --count 3)
check_eq "a VIP:* service takes every port (5353)" \
	"$(names "$out" | sort | tr '\n' ' ')" "rs1 rs2 rs3 "

# ---- replies bypass the director --------------------------------------------

n=30
dtx0=$(topo_if_counter "$NS_DIR" d0 tx packets)
drx0=$(topo_if_counter "$NS_DIR" d0 rx packets)
rtx0=0; for i in 1 2 3; do rtx0=$((rtx0 + $(topo_if_counter "${NS_RS[i]}" e0 tx packets))); done
out=$(client udp "$VIP" 53 --sport 21000 --count $n)
dtx=$(($(topo_if_counter "$NS_DIR" d0 tx packets) - dtx0))
drx=$(($(topo_if_counter "$NS_DIR" d0 rx packets) - drx0))
rtx=0; for i in 1 2 3; do rtx=$((rtx + $(topo_if_counter "${NS_RS[i]}" e0 tx packets))); done
rtx=$((rtx - rtx0))
check_all_ok "$n UDP requests answered from the VIP" "$out"
# Slack of a few packets for ARP; replies through the director would double them.
check "director sent only the $n requests on (tx $dtx)" \
	test "$dtx" -ge $n -a "$dtx" -le $((n + 6))
check "director received only the $n requests, no replies (rx $drx)" \
	test "$drx" -ge $n -a "$drx" -le $((n + 6))
check "the real servers sent the $n replies themselves (tx $rtx)" \
	test "$rtx" -ge $n

# ---- wrr: proportional to the weights ----------------------------------------

ctl service change udp "$VIP" sched wrr
ctl server change udp "$VIP" "${RS_IP[1]}" weight 3
ctl server change udp "$VIP" "${RS_IP[2]}" weight 2
ctl server change udp "$VIP" "${RS_IP[3]}" weight 1
out=$(client udp "$VIP" 53 --sport 22000 --count 12)
check_eq "wrr 3:2:1 over 12 flows gives 6:4:2" \
	"$(count rs1 "$out"):$(count rs2 "$out"):$(count rs3 "$out")" "6:4:2"

# ---- sh: one server per client address, stable --------------------------------

ctl service change udp "$VIP" sched sh
for i in 1 2 3; do ctl server change udp "$VIP" "${RS_IP[i]}" weight 1; done
srcs=$(cut -d, -f1-8 <<< "$CLIENT_IPS")
out=$(client udp "$VIP" 53 --src "$srcs" --sport 23000 --count 3 --parallel)
again=$(client udp "$VIP" 53 --src "$srcs" --sport 23100 --count 3 --parallel)
per_src()	# "IP NAME" once per address if all its flows agree
{
	printf '%s\n' "$1" | awk '{ split($1, a, ":"); print a[1], $2 }' | sort -u
}
check_eq "sh: every flow of a client address goes to one server" \
	"$(per_src "$out" | awk '{ print $1 }' | uniq -d | wc -l)" 0
check_eq "sh: new flows later go to the same servers" \
	"$(per_src "$again")" "$(per_src "$out")"
check "sh: 8 clients spread over more than one server ($(dist "$out"))" \
	test "$(per_src "$out" | awk '{ print $2 }' | sort -u | wc -l)" -ge 2

# ---- mh: one server more or less moves about 1/N of the flows ---------------

ctl service change udp "$VIP" sched mh
mh_round()
{
	slowwait 30 conns_gone udp "$VIP" || return 1
	client udp "$VIP" 53 --src "$CLIENT_IPS" --sport 24000 --count 8 --parallel
}
a=$(mh_round)
ctl server del udp "$VIP" "${RS_IP[3]}"
b=$(mh_round)
ctl server add udp "$VIP" "${RS_IP[3]}"
c=$(mh_round)
flows=256
check_eq "mh: $flows flows answered in each of 3 rounds" \
	"$(printf '%s\n' "$a" | grep -c ' ok$') $(printf '%s\n' "$b" | grep -c ' ok$') $(printf '%s\n' "$c" | grep -c ' ok$')" \
	"$flows $flows $flows"
# moved A B: "moved moved_among_stayers stayers" between two rounds
moved()
{
	paste -d' ' <(printf '%s\n' "$1") <(printf '%s\n' "$2") |
		awk -v gone="$3" '$1 != $4 { print "mismatch"; exit }
			$2 != $5 { m++ } $2 != gone && $2 != $5 && $5 != gone { ms++ }
			$2 != gone { s++ }
			END { print m + 0, ms + 0, s + 0 }'
}
read -r m ms s <<< "$(moved "$a" "$b" rs3)"
diag "mh, rs3 removed: $m of $flows flows moved, $ms of the $s on rs1/rs2 ($(dist "$a") -> $(dist "$b"))"
check "mh, one of 3 removed: its ~1/3 moved ($m of $flows)" \
	test "$m" -ge $((flows * 15 / 100)) -a "$m" -le $((flows * 55 / 100))
check "mh, one of 3 removed: flows of the others stay (moved $ms of $s)" \
	test "$ms" -le $((s / 10))
read -r m ms s <<< "$(moved "$b" "$c" none)"
tors3=$(paste -d' ' <(printf '%s\n' "$b") <(printf '%s\n' "$c") |
	awk '$2 != $5 && $5 != "rs3" { n++ } END { print n + 0 }')
diag "mh, rs3 back: $m of $flows flows moved, $tors3 of them not to rs3"
check "mh, one added to 2: ~1/3 move ($m of $flows)" \
	test "$m" -ge $((flows * 15 / 100)) -a "$m" -le $((flows * 55 / 100))
check "mh, one added: flows move only to the new server ($tors3 elsewhere)" \
	test "$tors3" -le $((flows / 10))
check_eq "mh: back to 3 servers, back to the first mapping" \
	"$(moved "$a" "$c" none | cut -d' ' -f1)" 0

# ---- lc: new connections go to the least loaded ----------------------------

ctl service add tcp "$VIP:81" sched lc
ctl server add tcp "$VIP:81" "${RS_IP[1]}"
ctl server add tcp "$VIP:81" "${RS_IP[2]}" weight 0
ctl server add tcp "$VIP:81" "${RS_IP[3]}" weight 0
hold_start lc1 81 2
check_eq "lc: with rs2, rs3 drained, 2 held connections go to rs1" \
	"$(count rs1 "$(cat "$WORK/lc1.out")")" 2
ctl server change tcp "$VIP:81" "${RS_IP[2]}" weight 1
ctl server change tcp "$VIP:81" "${RS_IP[3]}" weight 1
hold_start lc2 81 4
out=$(cat "$WORK/lc2.out")
check_eq "lc: 4 more held connections avoid the loaded rs1, 2 each on rs2, rs3" \
	"$(count rs1 "$out"):$(count rs2 "$out"):$(count rs3 "$out")" "0:2:2"
check_eq "lc: service show counts the active connections" \
	"$(jq_ctl '[.services[] | select(.port == 81) | .servers[].active_conns] | join(":")' service show)" \
	"2:2:2"

# ---- wlc: load relative to weight -------------------------------------------

ctl service add tcp "$VIP:82" sched wlc
ctl server add tcp "$VIP:82" "${RS_IP[1]}" weight 2
ctl server add tcp "$VIP:82" "${RS_IP[2]}" weight 1
ctl server add tcp "$VIP:82" "${RS_IP[3]}" weight 1
hold_start wlc 82 8
out=$(cat "$WORK/wlc.out")
check_eq "wlc 2:1:1: 8 held connections spread 4:2:2 (lc would give 3:3:2)" \
	"$(count rs1 "$out"):$(count rs2 "$out"):$(count rs3 "$out")" "4:2:2"

# ---- no conntrack for VIP traffic ---------------------------------------------

# A flow to the director's own address proves conntrack is tracking here.
nsx "$NS_CLIENT" ping -c 1 -W 5 "$DIR_IP" > /dev/null
# /proc/net/nf_conntrack, or ctnetlink where the kernel has no procfs
# listing (the debug kernel).
ct=$(nsx "$NS_DIR" sh -c 'cat /proc/net/nf_conntrack 2>/dev/null || conntrack -L 2>/dev/null')
check_match "conntrack is live on the director (tracks a ping to $DIR_IP)" \
	"$ct" "dst=$DIR_IP "
check_eq "no conntrack entry for the VIP after all the flows above" \
	"$(printf '%s\n' "$ct" | grep -c "dst=$VIP ")" 0
