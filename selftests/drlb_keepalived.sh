#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's keepalived (2.2.7), unmodified, drives two drlb directors
# through drlb_ipvs, as it drives IPVS: VRRP between them owns the VIP, a
# virtual_server with lb_kind DR, lb_algo mh (mh-port) and a TCP_CHECK on
# each of three real servers programs drlb. The topology is topo.sh's
# with a second director, d2 (10.0.0.3, 02:00:0a:00:00:03), on the LAN;
# each director runs its own keepalived in its namespace (d1 MASTER at
# priority 150, d2 BACKUP at 100); the real servers serve TCP port 80 on
# every address, so that the checks (to their own addresses) and the
# VIP's clients reach the same daemon.
#
#   programs_drlb
#      keepalived programmed both directors: their services and servers
#      in ipvsadm's listing and in drlbctl's; the VIP on d1 only, the
#      router's neighbour entry for it d1's MAC; new connections reach all
#      three servers through d1.
#   check_takes_out
#      rs2's daemon killed: TCP_CHECK takes rs2 out of both directors
#      within the check interval (delay_loop 1, connect_timeout 1) plus
#      slack, and no new connection reaches it (were it still in, a
#      third of them would be refused); restarted, it is put back and
#      gets new connections again.
#   failover_keeps_flows
#      connections held open through d1; d1's keepalived stopped (its
#      priority-0 advertisement): d2 takes the VIP, its gratuitous ARP
#      moves the router's entry to d2's MAC, new connections succeed
#      through d2, and every held connection goes on with its own server
#      (d2 has no entry for them: mh with the same mh-seed, forwarding
#      them statelessly, picks the same servers; drlbctl's stateless
#      counter on d2 shows it).
#   failover_other_seed
#      the control: d2 with another mh-seed, the same failover breaks
#      some of the held connections (their packets go to servers that
#      do not know them and answer with a reset).

# shellcheck source=lib/lib.sh
source "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/topo.sh
source "$(dirname "$0")/lib/topo.sh"
# shellcheck source=lib/director.sh
source "$(dirname "$0")/lib/director.sh"
require_root

ALL_TESTS="
	programs_drlb
	check_takes_out
	failover_keeps_flows
	failover_other_seed
"

command -v keepalived >/dev/null || skip_all "keepalived missing"
command -v ipvsadm >/dev/null || skip_all "ipvsadm missing"
[ -x "$PY" ] || skip_all "needs $PY"
IPVS_KO=$(dirname "$DRLB_KO")/drlb_ipvs.ko
[ -e "$IPVS_KO" ] || skip_all "$IPVS_KO missing: run 'make module KVER=$KREL'"

DIR2_IP=10.0.0.3
DIR2_MAC=02:00:0a:00:00:03
# The health check's pace: keepalived's delay_loop and connect_timeout.
CHECK_S=1
# How long a check may take to notice, here: the interval and the
# timeout, plus keepalived's start of its next check and TCG's slowness.
CHECK_SLACK_S=10
# Held through a failover: enough that all three servers get some.
HELD=24

# ---- set-up, shared by the cases -----------------------------------------

drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
defer drlb_unload
insmod "$IPVS_KO" || { tap_fail "load drlb_ipvs.ko"; exit "$ksft_fail"; }
defer rmmod drlb_ipvs
topo_dr_setup 3
# keepalived owns the VIP on the directors.
ip -n "$NS_DIR" addr del "$VIP/32" dev d0

topo_director_add NS_DIR2 "$DIR2_IP" "$DIR2_MAC" ||
	{ tap_fail "d2 on the LAN"; exit "$ksft_fail"; }

# The real servers' daemons: TCP port 80 on every address.
declare -a RS_PID
rs_up()
{
	[ -z "${RS_PID[$1]:-}" ] || return 0
	nsenter --net="/run/netns/${NS_RS[$1]}" \
		"$PY" -S "$HERE/drlb_rs.py" "rs$1" 0.0.0.0 tcp:80 \
		> "$WORK/rs$1.log" 2>&1 &
	RS_PID[$1]=$!
	slowwait 60 has_line "$WORK/rs$1.log" ready
}

rs_down()
{
	kill "${RS_PID[$1]}" && wait "${RS_PID[$1]}" 2>/dev/null
	RS_PID[$1]=
}

rs_all_down()
{
	local i

	for i in 1 2 3; do
		[ -z "${RS_PID[i]:-}" ] || rs_down "$i"
	done
}
defer rs_all_down
for i in 1 2 3; do
	rs_up "$i" || { tap_fail "rs$i's daemon started" "$(cat "$WORK/rs$i.log")"; exit "$ksft_fail"; }
done

# ka_conf NAME STATE PRIORITY: keepalived's configuration for a director,
# as an operator writes it for IPVS.
ka_conf()
{
	local i

	cat <<- EOF
		global_defs {
		    router_id $1
		}
		vrrp_instance VI_1 {
		    state $2
		    interface d0
		    virtual_router_id 51
		    priority $3
		    advert_int 1
		    virtual_ipaddress {
		        $VIP/32 dev d0
		    }
		}
		virtual_server $VIP 80 {
		    delay_loop $CHECK_S
		    lb_algo mh
		    mh-port
		    lb_kind DR
		    protocol TCP
	EOF
	for i in 1 2 3; do
		cat <<- EOF
			    real_server ${RS_IP[i]} 80 {
			        weight 1
			        TCP_CHECK {
			            connect_timeout $CHECK_S
			            retry 0
			            delay_before_retry $CHECK_S
			        }
			    }
		EOF
	done
	echo "}"
}

# KA_NS[d1|d2], KA_PID[d1|d2]: each director's namespace and keepalived
# (its parent process, running with -n; empty when stopped).
declare -A KA_NS=([d1]=$NS_DIR [d2]=$NS_DIR2) KA_PID=([d1]="" [d2]="")
ka_conf d1 MASTER 150 > "$WORK/d1.conf"
ka_conf d2 BACKUP 100 > "$WORK/d2.conf"

# ka_start D: keepalived for director D in its namespace, in the
# foreground (-n), logging to $WORK/D.log, its pid files in $WORK.
ka_start()
{
	nsenter --net="/run/netns/${KA_NS[$1]}" keepalived -n -l -D -G \
		-f "$WORK/$1.conf" -p "$WORK/$1.pid" -r "$WORK/$1-vrrp.pid" \
		-c "$WORK/$1-check.pid" >> "$WORK/$1.log" 2>&1 &
	KA_PID[$1]=$!
}

# ka_stop D: stop D's keepalived as systemctl stop does (SIGTERM), and
# wait until it is gone.
ka_stop()
{
	local pid=${KA_PID[$1]}

	[ -n "$pid" ] || return 0
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	KA_PID[$1]=
}

ka_all_stop()
{
	ka_stop d1
	ka_stop d2
}
defer ka_all_stop

# ipvs D ARGS...: ipvsadm ARGS... on director D.
ipvs()
{
	local d=$1

	shift
	nse "${KA_NS[$d]}" ipvsadm "$@"
}

# servers_of D: the real servers in D's listing, "IP:PORT ..." sorted.
servers_of()
{
	ipvs "$1" -Ln | awk '$1 == "->" && $2 != "RemoteAddress:Port" { print $2 }' |
		sort | tr '\n' ' '
}

# has_servers D IP:PORT...: D's listing holds exactly these servers.
has_servers()
{
	local d=$1 want

	shift
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$(servers_of "$d")" = "$want" ]
}

ALL3=("${RS_IP[1]}:80" "${RS_IP[2]}:80" "${RS_IP[3]}:80")

# vip_on D: the VIP is on D's d0.
vip_on()
{
	ip -n "${KA_NS[$1]}" -4 addr show dev d0 | grep -q " $VIP/32 "
}

router_vip_is()
{
	[ "$(topo_router_vip_mac)" = "$1" ]
}

# conns N: N new connections from the client, one line each.
conns()
{
	client tcp "$VIP" 80 --count "$1"
}

# ka_up: both keepalived running, d1 the master with the VIP, both
# directors programmed with the three servers, and the router sending the
# VIP's traffic to d1 (one connection through it makes the router resolve
# the VIP, or its entry follows d1's gratuitous ARP).
ka_up()
{
	local d

	for d in d1 d2; do
		[ -n "${KA_PID[$d]}" ] || ka_start "$d"
	done
	for d in d1 d2; do
		slowwait 60 has_servers "$d" "${ALL3[@]}" || {
			tap_fail "keepalived programmed $d" "$(ipvs "$d" -Ln)" \
				"$(tail -n 20 "$WORK/$d.log")"
			return 1
		}
	done
	if ! slowwait 60 vip_on d1 || vip_on d2; then
		tap_fail "d1 is VRRP master" "$(tail -n 20 "$WORK/d1.log")" \
			"$(tail -n 20 "$WORK/d2.log")"
		return 1
	fi
	conns 1 > /dev/null
	slowwait 30 router_vip_is "$DIR_MAC" || {
		tap_fail "the router sends the VIP's traffic to d1" \
			"$(ip -n "$NS_ROUTER" neigh show)"
		return 1
	}
}

# ---- cases ---------------------------------------------------------------

programs_drlb()
{
	local out

	ka_up || return
	out=$(ipvs d1 -Ln)
	diag_block "ipvsadm -Ln on d1" 0 "$out"
	check_match "d1: keepalived's service, mh with mh-port" "$out" \
		"^TCP  $VIP:80 mh .*mh-port"
	check_eq "d1: its three servers, DR (Route), weight 1" \
		"$(awk '$1 == "->" && $3 == "Route" && $4 == 1' <<< "$out" | wc -l)" 3
	check "d2: the same three servers" has_servers d2 "${ALL3[@]}"
	out=$(dctl "$NS_DIR" service show)
	diag_block "drlbctl service show on d1" 0 "$out"
	check_match "drlbctl on d1 shows keepalived's service" "$out" \
		"^tcp +$VIP:80 +mh\$"
	check_eq "drlbctl on d1 shows its servers" \
		"$(grep -c -e "${RS_IP[1]}" -e "${RS_IP[2]}" -e "${RS_IP[3]}" <<< "$out")" 3
	# keepalived logs "IPVS (cmd N, errno E): ..." for a command the
	# kernel refused.
	check_fail "keepalived had no IPVS command refused" \
		grep -h "IPVS (cmd" "$WORK/d1.log" "$WORK/d2.log"
	check "the VIP is on d1 (VRRP master)" vip_on d1
	check_fail "and not on d2 (backup)" vip_on d2
	check_eq "the router's entry for the VIP: d1's MAC" \
		"$(topo_router_vip_mac)" "$DIR_MAC"
	out=$(conns 30)
	check_eq "30 new connections answered" "$(n_answered "$out")" 30
	check_eq "by all three servers ($(dist "$out"))" "$(n_names "$out")" 3
	check "through d1 (its connection counter)" \
		test "$(ipvs d1 -Ln --stats | awk -v v="$VIP:80" '$2 == v { print $3 }')" -ge 30
}

check_takes_out()
{
	local t0 out dt

	ka_up || return
	defer rs_up 2
	rs_down 2
	t0=$SECONDS
	slowwait $((CHECK_S * 2 + CHECK_SLACK_S)) has_servers d1 "${ALL3[0]}" "${ALL3[2]}"
	dt=$((SECONDS - t0))
	check "TCP_CHECK took rs2 out of d1 ($dt s after its daemon died)" \
		has_servers d1 "${ALL3[0]}" "${ALL3[2]}"
	check "and out of d2" slowwait "$CHECK_SLACK_S" has_servers d2 "${ALL3[0]}" "${ALL3[2]}"
	out=$(conns 30)
	check_eq "30 new connections answered ($(dist "$out"))" "$(n_answered "$out")" 30
	check_eq "none by rs2" "$(count rs2 "$out")" 0

	rs_up 2
	t0=$SECONDS
	slowwait $((CHECK_S * 2 + CHECK_SLACK_S)) has_servers d1 "${ALL3[@]}"
	dt=$((SECONDS - t0))
	check "its daemon back, rs2 is put back into d1 ($dt s)" has_servers d1 "${ALL3[@]}"
	check "and into d2" slowwait "$CHECK_SLACK_S" has_servers d2 "${ALL3[@]}"
	out=$(conns 30)
	check_eq "30 new connections answered ($(dist "$out"))" "$(n_answered "$out")" 30
	check "rs2 gets new connections again" test "$(count rs2 "$out")" -gt 0
}

# failover NAME SEED: hold connections through d1, d2's mh-seed SEED;
# stop d1's keepalived; wait for the router to follow the VIP to d2; send
# a line on every held connection. Leaves the counts in FAILOVER
# (held_after's) and d2's stateless count in STATELESS.
failover()
{
	local st0 t0 out

	ka_up || return 1
	defer dctl "$NS_DIR2" config set mh-seed 0
	dctl "$NS_DIR2" config set mh-seed "$2"
	hold_start "$1" 80 "$HELD" ||
		{ tap_fail "$HELD connections held through d1" "$(cat "$WORK/$1.out")"; return 1; }
	check_eq "the held connections reach all three servers" \
		"$(n_names "$(head -n "$HELD" "$WORK/$1.out")")" 3
	st0=$(dctl "$NS_DIR2" stats | awk '$1 == "stateless" { print $2 }')
	t0=$SECONDS
	ka_stop d1
	check "d1's keepalived stopped: d2 takes the VIP" slowwait 30 vip_on d2
	check_fail "d1 dropped it" vip_on d1
	check "d2's gratuitous ARP: the router's entry is d2's MAC ($((SECONDS - t0)) s)" \
		slowwait 30 router_vip_is "$DIR2_MAC"
	hold_send "$1" after
	slowwait 30 lines_at_least "$WORK/$1.out" $((HELD * 2))
	read -r -a FAILOVER <<< "$(held_after "$1" "$HELD" after)"
	diag_block "held connections after the failover" 0 "$(cat "$WORK/$1.out")"
	STATELESS=$(($(dctl "$NS_DIR2" stats | awk '$1 == "stateless" { print $2 }') - st0))
	out=$(conns 9)
	check_eq "9 new connections through d2 answered ($(dist "$out"))" \
		"$(n_answered "$out")" 9
	ka_start d1
}

failover_keeps_flows()
{
	failover keep 0 || return
	check_eq "every held connection goes on with its own server (same changed broken)" \
		"${FAILOVER[*]}" "$HELD 0 0"
	check "d2 forwarded them without entries (stateless +$STATELESS)" \
		test "$STATELESS" -ge "$HELD"
}

failover_other_seed()
{
	failover other 4242 || return
	check "with another mh-seed on d2, some held connections break (same changed broken: ${FAILOVER[*]})" \
		test "${FAILOVER[0]}" -lt "$HELD"
}

tests_run
