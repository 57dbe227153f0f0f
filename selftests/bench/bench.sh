#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [--smoke] OUTDIR - drlb against IPVS DR, side by side, in one VM
# boot (run inside the test VM by selftests/bench/run.sh, `make bench`).
#
# Topology: selftests/lib/topo.sh (client - router - LAN switch - director -
# real servers). pktgen in the client namespace sends 64-byte UDP packets
# to VIP:80 through the router; each real server drops them at tc ingress
# (so the receive cost is the same, and tiny, for every case); we count
# what the switch delivers to the real servers' ports over a fixed window
# after a warm-up. Cases run interleaved, REPS times each; we report the
# median and min-max of packets per second.
#
# Cases (how the director forwards):
#   nolb     no director: the router sends VIP traffic straight to rs1, which
#            owns the VIP
#   l2fwd    the director only rewrites the MAC and forwards (tc flower +
#            pedit + mirred): the practical limit for a DR director here
#   ipvs     IPVS DR (ipvsadm -g), conntrack inactive in the director netns
#   ipvs-ct  the same with conntrack active (an nft ct rule) in the director
#   ipvs-tab20  IPVS with its connection hash at the largest size
#            (ip_vs conn_tab_bits=20, 1 Mi buckets; the default is 12)
#   drlb     drlb, conntrack inactive
#   drlb-ct  drlb with conntrack active in the director netns
# Traffic profiles:
#   est      1 k distinct 5-tuples, repeating (established flows)
#   storm    every packet a new 5-tuple (random source IP and port)
#   flows=N  N concurrent flows (source IPs x 1001 ports, coprime, so the
#            sequence really cycles through N tuples)
#   est@C, storm@C  est or storm from C pktgen threads, one per vCPU (the
#            "cpus" group): each thread's packets cross the whole path
#            (router, director, switch) on its own CPU, as RSS would spread
#            them; est@C splits the 1 000 flows between the threads, so a
#            flow stays on one CPU. C=1 against C=2 is how the director's
#            rate scales with CPUs, nolb's the path's own scaling.
# Output: OUTDIR/results.csv (one row per measurement) and OUTDIR/table.md.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../lib/lib.sh"
source "$here/../lib/topo.sh"
trap - EXIT

smoke=0
if [ "${1:-}" = --smoke ]; then
	smoke=1
	shift
fi
out=${1:?usage: bench.sh [--smoke] OUTDIR}
# BENCH_GROUPS (see the plan at the end): checked before anything is written.
bench_groups="est storm cpus flows servers services control"
for g in ${BENCH_GROUPS:-}; do
	[[ " $bench_groups " == *" $g "* ]] ||
		{ echo "bench: BENCH_GROUPS: unknown group '$g' (groups: $bench_groups)" >&2; exit 2; }
done
mkdir -p "$out"

if [ $smoke = 1 ]; then
	DUR=${BENCH_DUR:-1} WARM=${BENCH_WARM:-1} REPS=${BENCH_REPS:-1}
else
	DUR=${BENCH_DUR:-5} WARM=${BENCH_WARM:-2} REPS=${BENCH_REPS:-3}
fi
csv=$out/results.csv
# BENCH_KEEP=1 adds to an earlier run's results (with BENCH_GROUPS, to
# finish or redo part of it).
[ -n "${BENCH_KEEP:-}" ] && [ -s "$csv" ] ||
	echo "group,case,sched,profile,flows,servers,services,rep,pps" > "$csv"
# group NAME: is NAME among BENCH_GROUPS (default: all of them)?
group()
{
	[[ " ${BENCH_GROUPS:-$bench_groups} " == *" $1 "* ]]
}

log() { echo "bench: $*" >&2; }

# ---- pktgen ----------------------------------------------------------------

# pg FILE COMMAND: queue a pktgen command for pg_run.
pg()
{
	pg_cmds+=("$1 $2")
}

# pg_run: write the queued commands, in order, from one process in the
# client's namespace (one `ip netns exec` per command costs seconds under
# TCG). A refused command is retried for 2 s: the pktgen thread may not
# have dropped a device yet (rem_device_all) when it is added again.
pg_run()
{
	# shellcheck disable=SC2016 # a script for the namespace's shell
	printf '%s\n' "${pg_cmds[@]}" | nsx "$NS_CLIENT" sh -c '
		while read -r f c; do
			n=0
			until echo "$c" 2>/dev/null > "/proc/net/pktgen/$f"; do
				n=$((n + 1))
				if [ $n -ge 20 ]; then
					echo "bench: pktgen: '"'"'$c'"'"' to $f failed" >&2
					break
				fi
				sleep 0.1
			done
		done'
	pg_cmds=()
}

# pg_setup PROFILE: program c0 for a traffic profile (not started); a
# profile@C runs C threads (kpktgend_0..C-1, devices c0@0..c0@C-1).
pg_setup()
{
	local profile=${1%@*} threads=1 rmac nips t dev span

	[[ $1 == *@* ]] && threads=${1#*@}
	pg_cmds=()
	rmac=$(ip -n "$NS_ROUTER" link show r0 | sed -n 's/.*ether \([^ ]*\).*/\1/p')
	for ((t = 0; t < $(nproc); t++)); do
		pg "kpktgend_$t" rem_device_all
	done
	for ((t = 0; t < threads; t++)); do
		dev=c0
		[[ $1 == *@* ]] && dev=c0@$t
		pg "kpktgend_$t" "add_device $dev"
		pg "$dev" "count 0"
		pg "$dev" "clone_skb 0"
		pg "$dev" "pkt_size 64"
		pg "$dev" "dst $VIP"
		pg "$dev" "dst_mac $rmac"
		pg "$dev" "udp_dst_min 80"
		pg "$dev" "udp_dst_max 80"
		case $profile in
		est)
			span=$((1000 / threads))
			pg "$dev" "src_min $CLIENT_IP"
			pg "$dev" "src_max $CLIENT_IP"
			pg "$dev" "udp_src_min $((1000 + t * span))"
			pg "$dev" "udp_src_max $((1000 + (t + 1) * span - 1))"
			;;
		storm)
			pg "$dev" "src_min 10.1.0.1"
			pg "$dev" "src_max 10.1.255.254"
			pg "$dev" "udp_src_min 1024"
			pg "$dev" "udp_src_max 65535"
			pg "$dev" "flag IPSRC_RND"
			pg "$dev" "flag UDPSRC_RND"
			;;
		flows=*)
			nips=$(( ${profile#flows=} / 1001 ))
			[ $nips -ge 1 ] || nips=1
			pg "$dev" "src_min 10.1.0.1"
			pg "$dev" "src_max $(printf '10.1.%d.%d' $(( nips / 256 )) $(( nips % 256 )))"
			pg "$dev" "udp_src_min 1000"
			pg "$dev" "udp_src_max 2000"
			;;
		esac
	done
	pg_run
}

pg_start()
{
	nsx "$NS_CLIENT" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	pg_pid=$!
}

pg_stop()
{
	nsx "$NS_CLIENT" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait "$pg_pid" 2>/dev/null
}

pg_sent()
{
	nsx "$NS_CLIENT" sed -n 's/.*pkts-sofar: \([0-9]*\).*/\1/p' /proc/net/pktgen/c0
}

# delivered: packets the switch handed to the real servers so far (one
# read of all the ports' counters).
delivered()
{
	local i n sum=0
	local -a f=()

	for ((i = 1; i <= TOPO_N_RS; i++)); do
		f+=("/sys/class/net/sw-rs$i/statistics/tx_packets")
	done
	for n in $(nsx "$NS_SW" cat "${f[@]}"); do
		sum=$((sum + n))
	done
	echo $sum
}

# ---- cases ---------------------------------------------------------------

# Every case: a fresh topology; real servers drop the test traffic at tc
# ingress; the router does not filter by source.
base_setup()
{
	local i

	topo_setup "$1" || return 1
	nsx "$NS_ROUTER" sysctl -qw net.ipv4.conf.all.rp_filter=0
	nsx "$NS_ROUTER" sysctl -qw net.ipv4.conf.r0.rp_filter=0
	for ((i = 1; i <= TOPO_N_RS; i++)); do
		nsx "${NS_RS[i]}" tc qdisc add dev e0 clsact
		nsx "${NS_RS[i]}" tc filter add dev e0 ingress protocol ip \
			flower ip_proto udp dst_port 80 action drop
	done
}

ct_on()
{
	nsx "$NS_DIR" nft -f - <<-EOF
	table ip bench {
		chain pre {
			type filter hook prerouting priority 0;
			ct state new counter
		}
	}
	EOF
}

# extra_servers N: N more real-server addresses on the LAN (10.2.0.0/16),
# spread over the real-server namespaces, for the 1 000-server cases.
extra_servers()
{
	local n=$1 i ns a

	ip -n "$NS_DIR" addr add 10.2.0.1/16 dev d0
	for ((i = 0; i < n; i++)); do
		ns=${NS_RS[$((i % TOPO_N_RS + 1))]}
		a=10.2.$((i / 250 + 1)).$((i % 250 + 1))
		echo "addr add $a/16 dev e0"
	done > "$out/.addrs"
	for ((i = 1; i <= TOPO_N_RS; i++)); do
		awk -v k=$((i - 1)) -v n="$TOPO_N_RS" 'NR % n == k' "$out/.addrs" \
			| nsx "${NS_RS[i]}" ip -batch -
	done
}

server_list()
{
	local i

	for ((i = 1; i <= TOPO_N_RS; i++)); do
		echo "${RS_IP[i]}"
	done
	[ "${BENCH_SERVERS:-3}" -gt 3 ] || return 0
	for ((i = 0; i < BENCH_SERVERS - 3; i++)); do
		echo "10.2.$((i / 250 + 1)).$((i % 250 + 1))"
	done
}

# The router's ARP entry for the VIP must point where the case wants it.
vip_to()
{
	ip -n "$NS_ROUTER" neigh flush dev r1 2>/dev/null
	nsx "$NS_CLIENT" ping -c1 -W2 "$VIP" >/dev/null 2>&1
	nsx "$NS_ROUTER" ping -c1 -W2 "$VIP" >/dev/null 2>&1
	[ "$(topo_router_vip_mac)" = "$1" ] ||
		log "router's VIP entry is '$(topo_router_vip_mac)', want $1"
}

dummy_services()
{
	local n=$1 tool=$2 i

	[ "$n" -gt 1 ] || return 0
	for ((i = 1; i < n; i++)); do
		case $tool in
		ipvs)	echo "-A -u 10.3.$((i / 250)).$((i % 250 + 1)):80 -s rr" ;;
		drlb)	echo "service add udp 10.3.$((i / 250)).$((i % 250 + 1)):80 sched rr" ;;
		esac
	done
}

setup_case()
{
	local case=$1 sched=$2 servers=$3 services=$4 s

	case $case in
	nolb)
		ip -n "${NS_RS[1]}" addr add "$VIP/32" dev e0
		vip_to "${RS_MAC[1]}"
		;;
	l2fwd)
		topo_vip_on_director
		nsx "$NS_DIR" tc qdisc add dev d0 clsact
		nsx "$NS_DIR" tc filter add dev d0 ingress protocol ip flower \
			dst_ip "$VIP" ip_proto udp \
			action pedit ex munge eth dst set "${RS_MAC[1]}" \
			munge eth src set "$DIR_MAC" pipe \
			action mirred egress redirect dev d0
		vip_to "$DIR_MAC"
		;;
	ipvs|ipvs-ct|ipvs-tab20)
		topo_vip_on_director
		if [ "$case" = ipvs-tab20 ]; then
			modprobe -q ip_vs conn_tab_bits=20
			[ "$(cat /sys/module/ip_vs/parameters/conn_tab_bits)" = 20 ] ||
				log "ip_vs was loaded already: conn_tab_bits is not 20"
		else
			modprobe -q ip_vs
		fi
		modprobe -q "ip_vs_$sched"
		{
			dummy_services "$services" ipvs
			echo "-A -u $VIP:80 -s $sched"
			for s in $(server_list); do
				echo "-a -u $VIP:80 -r $s:80 -g -w 1"
			done
		} | nsx "$NS_DIR" ipvsadm -R
		[ "$case" = ipvs-ct ] && ct_on
		vip_to "$DIR_MAC"
		;;
	drlb|drlb-ct)
		topo_vip_on_director
		drlb_load
		{
			dummy_services "$services" drlb
			echo "service add udp $VIP:80 sched $sched"
			for s in $(server_list); do
				echo "server add udp $VIP:80 $s weight 1"
			done
		} > "$out/.drlb.conf"
		drlb_batch "$out/.drlb.conf"
		[ "$case" = drlb-ct ] && ct_on
		vip_to "$DIR_MAC"
		;;
	esac
}

# drlb_batch FILE: apply drlbctl lines, with `restore` when drlbctl has it.
drlb_batch()
{
	if "$DRLBCTL" help 2>/dev/null | grep -qw restore; then
		nsx "$NS_DIR" "$DRLBCTL" restore "$1"
	else
		local line
		while read -r line; do
			# shellcheck disable=SC2086
			nsx "$NS_DIR" "$DRLBCTL" $line || return 1
		done < "$1"
	fi
}

# measure GROUP CASE SCHED PROFILE SERVERS SERVICES REP: one row of results.csv.
measure()
{
	local group=$1 case=$2 sched=$3 profile=$4 servers=$5 services=$6 rep=$7
	local flows a b t0 t1 pps want

	BENCH_SERVERS=$servers
	setup_case "$case" "$sched" "$servers" "$services"
	case ${profile%@*} in
	est)		flows=1000 ;;
	storm)		flows=0 ;;
	flows=*)	flows=${profile#flows=} ;;
	esac
	pg_setup "$profile"
	pg_start
	# Warm up: at least WARM seconds and, for a flow count, until every
	# flow has been sent once (so the tables hold all of them).
	sleep "$WARM"
	if [ "$flows" -gt 1000 ]; then
		want=$((flows + flows / 10))
		slowwait 600 sh -c "[ \$(ip netns exec $NS_CLIENT sed -n 's/.*pkts-sofar: \([0-9]*\).*/\1/p' /proc/net/pktgen/c0) -ge $want ]" ||
			log "$case $profile: warm-up did not reach $want packets"
	fi
	a=$(delivered)
	t0=$(date +%s%N)
	sleep "$DUR"
	b=$(delivered)
	t1=$(date +%s%N)
	pps=$(( (b - a) * 1000000000 / (t1 - t0) ))
	[ "$case" = drlb ] || [ "$case" = drlb-ct ] && drlb_snapshot "$group" "$profile"
	[ "$case" = ipvs ] && ipvs_snapshot "$group" "$profile"
	pg_stop
	echo "$group,$case,$sched,$profile,$flows,$servers,$services,$rep,$pps" >> "$csv"
	log "$group: $case/$sched $profile servers=$servers services=$services rep=$rep: $pps pps"
	teardown_case "$case" "$sched"
	return 0
}

# teardown_case CASE: back to a director with no forwarding state.
teardown_case()
{
	case $1 in
	nolb)
		ip -n "${NS_RS[1]}" addr del "$VIP/32" dev e0
		;;
	l2fwd)
		nsx "$NS_DIR" tc qdisc del dev d0 clsact
		;;
	ipvs*)
		nsx "$NS_DIR" ipvsadm -C
		# IPVS keeps its connections (and their timers) after the
		# services go; only unloading it frees them, so that they do not
		# weigh on the cases after this one.
		modprobe -r "ip_vs_$2" ip_vs 2>/dev/null ||
			log "ip_vs did not unload"
		;;
	drlb*)
		nsx "$NS_DIR" "$DRLBCTL" flush
		drlb_unload
		;;
	esac
	nsx "$NS_DIR" nft delete table ip bench 2>/dev/null
	ip -n "$NS_DIR" addr del "$VIP/32" dev d0 2>/dev/null
	ip -n "$NS_ROUTER" neigh flush dev r1
	ip -n "$NS_DIR" neigh flush dev d0
}

# Memory per connection entry at the measured flow count, from the slab
# caches (the VM boots with slab_nomerge so each cache stands alone).
slab_line()
{
	awk -v c="$1" '$1 == c { print $2, $4 }' /proc/slabinfo
}

drlb_snapshot()
{
	local size count

	size=$("$DRLBCTL" -j config show 2>/dev/null | sed -n 's/.*"conn_entry_size": \([0-9]*\).*/\1/p')
	count=$(nsx "$NS_DIR" "$DRLBCTL" -j config show 2>/dev/null | sed -n 's/.*"conn_count": \([0-9]*\).*/\1/p')
	echo "$1,drlb,$2,entry_size=${size:-?},conn_count=${count:-?},slab=$(grep -i '^drlb' /proc/slabinfo | awk '{print $1":"$2"x"$4}' | tr '\n' ' ')" >> "$out/memory.csv"
}

# IPVS's entries counted in its slab cache: listing them (ipvsadm -Lnc)
# takes minutes at a million under TCG.
ipvs_snapshot()
{
	echo "$1,ipvs,$2,slab=ip_vs_conn:$(slab_line ip_vs_conn | tr ' ' 'x')" >> "$out/memory.csv"
}

# ---- control plane -------------------------------------------------------

# ms CMD...: run CMD, print how long it took in milliseconds (0 exit only).
ms()
{
	local t0 t1

	t0=$(date +%s%N)
	"$@" > /dev/null || { log "failed: $*"; echo -1; return 1; }
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}

# control_plane NSVC NRS: load NSVC services x NRS real servers with
# `drlbctl restore` and with `ipvsadm -R` (the same services, the same
# servers, the same order), then list them back (`drlbctl service show`,
# `drlbctl save`; `ipvsadm -Ln`, `ipvsadm -Sn`) and clear them
# (`drlbctl flush`, `ipvsadm -C`). Interleaved, CP_REPS times (default 1:
# ipvsadm -R takes minutes for 10 000 x 10 under TCG); milliseconds into
# OUTDIR/control.csv.
control_plane()
{
	local nsvc=$1 nrs=$2 rep i j n v r t tool csvc=$out/control.csv

	echo "tool,op,services,servers,rep,ms" > "$csvc"
	for ((i = 0; i < nsvc; i++)); do
		v=10.4.$((i / 250)).$((i % 250 + 1)):80
		echo "service add udp $v sched rr" >&3
		echo "-A -u $v -s rr" >&4
		for ((j = 0; j < nrs; j++)); do
			r=10.5.$((j / 250)).$((j % 250 + 1))
			echo "server add udp $v $r weight 1" >&3
			echo "-a -u $v -r $r:80 -g -w 1" >&4
		done
	done 3> "$out/.cp-drlb.conf" 4> "$out/.cp-ipvs.rules"
	drlb_load
	modprobe -q ip_vs
	modprobe -q ip_vs_rr
	for ((rep = 1; rep <= ${BENCH_CP_REPS:-1}; rep++)); do
		for tool in ipvs drlb; do
			case $tool in
			ipvs)
				t=$(ms nsx "$NS_DIR" ipvsadm -R < "$out/.cp-ipvs.rules")
				echo "ipvs,load,$nsvc,$nrs,$rep,$t" >> "$csvc"
				n=$(nsx "$NS_DIR" ipvsadm -Sn | grep -c '^-a')
				[ "$n" = $((nsvc * nrs)) ] ||
					log "ipvs: $n servers loaded, want $((nsvc * nrs))"
				t=$(ms nsx "$NS_DIR" ipvsadm -Ln)
				echo "ipvs,list,$nsvc,$nrs,$rep,$t" >> "$csvc"
				t=$(ms nsx "$NS_DIR" ipvsadm -Sn)
				echo "ipvs,save,$nsvc,$nrs,$rep,$t" >> "$csvc"
				t=$(ms nsx "$NS_DIR" ipvsadm -C)
				echo "ipvs,clear,$nsvc,$nrs,$rep,$t" >> "$csvc"
				;;
			drlb)
				t=$(ms nsx "$NS_DIR" "$DRLBCTL" restore "$out/.cp-drlb.conf")
				echo "drlb,load,$nsvc,$nrs,$rep,$t" >> "$csvc"
				n=$(nsx "$NS_DIR" "$DRLBCTL" save | grep -c '^server add')
				[ "$n" = $((nsvc * nrs)) ] ||
					log "drlb: $n servers loaded, want $((nsvc * nrs))"
				t=$(ms nsx "$NS_DIR" "$DRLBCTL" service show)
				echo "drlb,list,$nsvc,$nrs,$rep,$t" >> "$csvc"
				t=$(ms nsx "$NS_DIR" "$DRLBCTL" save)
				echo "drlb,save,$nsvc,$nrs,$rep,$t" >> "$csvc"
				t=$(ms nsx "$NS_DIR" "$DRLBCTL" flush)
				echo "drlb,clear,$nsvc,$nrs,$rep,$t" >> "$csvc"
				;;
			esac
			log "control plane rep $rep: $tool done"
		done
	done
	drlb_unload
	rm -f "$out/.cp-drlb.conf" "$out/.cp-ipvs.rules"
}

# ---- the plan ------------------------------------------------------------

# run_group GROUP "CASE/SCHED ..." PROFILE SERVERS SERVICES: interleaved reps.
run_group()
{
	local group=$1 cases=$2 profile=$3 servers=$4 services=$5 rep c

	for ((rep = 1; rep <= REPS; rep++)); do
		for c in $cases; do
			measure "$group" "${c%/*}" "${c#*/}" "$profile" "$servers" \
				"$services" "$rep"
		done
	done
}

modprobe -q pktgen || { log "pktgen module missing"; exit 1; }
modprobe -q nf_conntrack
trap defer_run EXIT
# One topology for the whole run: 3 real-server namespaces, plus 997 more
# real-server addresses on them for the 1 000-server cases. The control
# plane alone (BENCH_GROUPS=control) needs only the director's namespace.
if [ -z "${BENCH_ONLY:-}" ] && [ "${BENCH_GROUPS:-}" = control ]; then
	setup_ns NS_DIR || { log "namespace setup failed"; exit 1; }
else
	base_setup 3 || { log "topology setup failed"; exit 1; }
	[ $smoke = 1 ] || extra_servers 997
fi

if [ -n "${BENCH_ONLY:-}" ]; then
	# One part alone, e.g. BENCH_ONLY="control_plane 10000 10".
	$BENCH_ONLY
elif [ $smoke = 1 ]; then
	# The smoke run (drlb_bench_smoke.sh): the control plane at 20 x 3
	# and the est cases, one second each; BENCH_GROUPS picks either.
	group control && control_plane 20 3
	group est &&
		run_group est "${BENCH_SMOKE_CASES:-nolb/- l2fwd/- ipvs/rr drlb/rr}" est 3 1
else
	group est &&
		run_group est "nolb/- l2fwd/- ipvs/rr ipvs-ct/rr drlb/rr drlb/mh drlb-ct/rr" est 3 1
	group storm && run_group storm "ipvs/rr ipvs-tab20/rr drlb/rr" storm 3 1
	if group cpus; then
		for p in est@1 est@2 storm@1 storm@2; do
			run_group cpus "nolb/- ipvs/rr drlb/rr drlb/mh" "$p" 3 1
		done
	fi
	if group flows; then
		for f in 1000 100000 1000000; do
			run_group "flows" "ipvs/rr drlb/rr" "flows=$f" 3 1
		done
	fi
	if group servers; then
		for sched in rr wrr mh; do
			run_group "servers-$sched" "ipvs/$sched drlb/$sched" est 3 1
			run_group "servers-$sched" "ipvs/$sched drlb/$sched" est 1000 1
		done
	fi
	if group services; then
		run_group services "ipvs/rr drlb/rr" est 3 1
		run_group services "ipvs/rr drlb/rr" est 3 10000
	fi
	group control && control_plane 10000 10
fi

python3 "$here/report.py" "$out" > "$out/table.md"
cat "$out/table.md"
