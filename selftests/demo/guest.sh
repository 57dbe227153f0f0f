#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo's guest half (run inside the VM by demo.sh): the LVS-DR
# topology of topo.sh, drlb configured with drlbctl as a user would,
# requests from the client, which real server answered each, the
# per-server counters, and the proof that replies bypassed the director.
set -u
source "$(dirname "$0")/../lib/lib.sh" >/dev/null
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"
trap defer_run EXIT
RS_SPECS="tcp:80 udp:53"

# run CMD...: show a command the way a user would type it on the director.
run()
{
	echo "director# drlbctl $*"
	ctl "$@" || exit 1
}

echo "== drlb demo on $(uname -r)"
dir_setup 3 > /dev/null || exit 1
cat <<EOF
client $CLIENT_IP -- router -- LAN 10.0.0.0/24: director $DIR_IP,
real servers ${RS_IP[*]}; VIP $VIP on the director's LAN NIC and on
each real server's lo (arp_ignore=1, arp_announce=2 on the servers).

EOF
run version
run service add tcp "$VIP:80" sched rr
run service add udp "$VIP:53" sched wrr
for i in 1 2 3; do
	run server add tcp "$VIP:80" "${RS_IP[i]}"
	run server add udp "$VIP:53" "${RS_IP[i]}" weight "$i"
done
echo
run service show

echo
echo "== 6 TCP connections to $VIP:80 (rr) from the client:"
client tcp "$VIP" 80 --count 6 |
	awk '{ printf "  connection from %-16s answered by %s\n", $1, $2 }'

echo
echo "== 12 UDP requests to $VIP:53 (wrr, weights 1:2:3):"
dtx0=$(topo_if_counter "$NS_DIR" d0 tx packets)
drx0=$(topo_if_counter "$NS_DIR" d0 rx packets)
rtx0=0; for i in 1 2 3; do rtx0=$((rtx0 + $(topo_if_counter "${NS_RS[i]}" e0 tx packets))); done
out=$(client udp "$VIP" 53 --sport 40000 --count 12)
dtx=$(($(topo_if_counter "$NS_DIR" d0 tx packets) - dtx0))
drx=$(($(topo_if_counter "$NS_DIR" d0 rx packets) - drx0))
rtx=0; for i in 1 2 3; do rtx=$((rtx + $(topo_if_counter "${NS_RS[i]}" e0 tx packets))); done
rtx=$((rtx - rtx0))
printf '%s\n' "$out" | awk '{ printf "  request from port %-6s answered by %s (reply source %s)\n",
	substr($1, index($1, ":") + 1), $2, $3 == "ok" ? "'"$VIP"', intact" : $3 }'
echo "  per server: $(dist "$out")"

echo
run -s service show
echo
run conn show udp "$VIP:53"
echo
run stats

cat <<EOF

== Replies bypassed the director (interface packet counters, 12 requests):
  director received $drx packets and sent $dtx (the requests, forwarded)
  real servers sent $rtx packets (the replies, straight to the router)
EOF
