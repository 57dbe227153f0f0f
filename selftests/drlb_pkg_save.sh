#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlbctl save / restore: the configuration survives a reboot.
#
#   - save prints config set / service add / server add / arp add lines;
#   - round trip: save -> flush -> restore -> save is identical;
#   - restore replaces the whole configuration (what the file lacks goes);
#   - all or nothing: a bad line anywhere (pass 1) changes nothing and the
#     error names the line; a line the kernel refuses (pass 2) puts the
#     previous configuration back;
#   - comments, blank lines, stdin, -f FILE;
#   - a long file is applied by one process over one socket, much faster
#     than one drlbctl process per line.
# Services and ARP rules are covered when the module has them (feature
# bits of "drlbctl -j version").

source "$(dirname "$0")/lib/lib.sh"
require_root
drlb_load || skip_all "cannot load $DRLB_KO"

setup_ns ns
# (nsenter: just the network namespace; ip netns exec also remounts /sys,
# which costs a lot per command under TCG)
d() { nsenter --net="/run/netns/$ns" "$DRLBCTL" "$@"; }
tmp=$(mktemp -d)
defer rm -rf "$tmp"

features=$(d -j version | python3 -c 'import json,sys; print(json.load(sys.stdin)["module"]["features"])')
director=$(( features & 1 ))
arp=$(( (features >> 1) & 1 ))
diag "module features $features (director $director, arp $arp)"

# The network the real servers and ARP rules live on.
ip -n "$ns" link add lan0 type dummy
ip -n "$ns" link set lan0 up
ip -n "$ns" addr add 10.0.0.1/24 dev lan0

# ---- a configuration -------------------------------------------------------
d config set conn-max 200000 timeout-udp 33 mh-seed 7
if [ $director = 1 ]; then
	d service add tcp 10.0.0.100:80 sched rr
	d service add udp 10.0.0.100:53 sched wlc persistent 300 netmask 24
	d service add tcp 10.0.0.101 sched mh expire-nodest no
	d server add tcp 10.0.0.100:80 10.0.0.11 weight 1
	d server add tcp 10.0.0.100:80 10.0.0.12 weight 3
	d server add udp 10.0.0.100:53 10.0.0.11 weight 0
fi
if [ $arp = 1 ]; then
	d arp add 10.0.0.100 dev lan0
	d arp add 10.0.0.101
fi

d save > "$tmp/saved"
rc=$?
check_eq "save exits 0" "$rc" 0
saved=$(cat "$tmp/saved")
check_match "save: settings as one config set line" "$saved" \
	"^config set .*timeout-udp 33 .*conn-max 200000 .*mh-seed 7$"
check_eq "save: read-only values are left out" \
	"$(grep -cE 'conn-count|conn-entry-size' <<< "$saved")" 0
if [ $director = 1 ]; then
	check_match "save: services" "$saved" "^service add tcp 10\.0\.0\.100:80 sched rr$"
	check_match "save: persistence" "$saved" \
		"^service add udp 10\.0\.0\.100:53 sched wlc persistent 300 netmask 24$"
	check_match "save: expire-nodest" "$saved" \
		"^service add tcp 10\.0\.0\.101:\* sched mh expire-nodest no$"
	check_match "save: servers with weights" "$saved" \
		"^server add tcp 10\.0\.0\.100:80 10\.0\.0\.12 weight 3$"
else
	tap_skip "save: services and servers" "module has no director yet"
fi
if [ $arp = 1 ]; then
	check_match "save: ARP rules" "$saved" "^arp add 10\.0\.0\.100 dev lan0$"
	check_match "save: every-device ARP rule" "$saved" "^arp add 10\.0\.0\.101$"
else
	tap_skip "save: ARP rules" "module has no ARP rules yet"
fi

# ---- round trip ---------------------------------------------------------------
if [ $director = 1 ] && [ $arp = 1 ]; then
	check "flush all" d flush all
elif [ $director = 1 ]; then
	check "flush" d flush
else
	# (no DRLB_CMD_FLUSH without the director: an empty file empties too)
	check "flush (restore /dev/null)" d restore /dev/null
fi
check_eq "flushed: no service, server or ARP rule left" \
	"$(d save | grep -cE '^(service|server|arp) ')" 0
d config set conn-max 1 timeout-udp 1 mh-seed 1
check "restore FILE" d restore "$tmp/saved"
check_eq "save -> flush -> restore -> save is identical" "$(d save)" "$saved"

# ---- restore replaces ----------------------------------------------------------
printf '%s\n' "# only settings" "" "config set conn-max 5000   # trailing comment" \
	"   " "	config set mh-seed 9" > "$tmp/small"
check "restore with comments, blank lines, indentation" d restore "$tmp/small"
now=$(d save)
check_match "restore applied the settings" "$now" "conn-max 5000 .*mh-seed 9$"
check_match "settings the file does not name keep their values" "$now" "timeout-udp 33 "
check_eq "restore replaced services, servers and ARP rules" \
	"$(grep -cE '^(service|server|arp) ' <<< "$now")" 0

check "restore from stdin (-)" sh -c "nsenter --net=/run/netns/$ns $DRLBCTL restore - < $tmp/saved"
check_eq "stdin restore round trip" "$(d save)" "$saved"
check "restore from stdin (no FILE)" sh -c "nsenter --net=/run/netns/$ns $DRLBCTL restore < $tmp/small"
check "-f FILE" d -f "$tmp/saved"
check_eq "-f FILE round trip" "$(d save)" "$saved"

# ---- all or nothing: bad lines (pass 1) --------------------------------------------
bad_file()
{
	# bad_file LINE_NO TEXT: the saved file with TEXT as line LINE_NO.
	awk -v n="$1" -v t="$2" 'NR == n { print t } { print }' "$tmp/saved" > "$tmp/bad"
}
for case in "config set conn-max 0" "config set no-such-key 1" "config show" \
	    "version" "frobnicate" "service add tcp 10.0.0.300:80" \
	    "server add tcp 10.0.0.100:80 10.0.0.13 weight 70000" \
	    "arp add 10.0.0.102 dev no-such-dev"; do
	n=$(( $(wc -l < "$tmp/saved") ))
	bad_file "$n" "$case"
	out=$(d restore "$tmp/bad" 2>&1) && rc=0 || rc=$?
	check_match "bad line '$case' is refused" "$rc" "^[12]$"
	check_match "the error names line $n ('$case')" "$out" \
		"^drlbctl: restore: line $n: "
	check_eq "nothing changed ('$case')" "$(d save)" "$saved"
done
out=$(d restore "$tmp/no-such-file" 2>&1) && rc=0 || rc=$?
check_eq "missing file: exit 1" "$rc" 1
check_match "missing file: says so" "$out" "cannot open"
out=$(d restore a b 2>&1) && rc=0 || rc=$?
check_eq "restore a b: usage error" "$rc" 2

# ---- all or nothing: a line the kernel refuses (pass 2) --------------------------
# mh-table-size must be a prime: only the kernel knows. Put it last, after
# lines that did change things, so the rollback has something to undo.
{ echo "config set conn-max 77"; cat "$tmp/small"; echo "config set mh-table-size 65536"; } > "$tmp/refused"
n=$(wc -l < "$tmp/refused")
out=$(d restore "$tmp/refused" 2>&1) && rc=0 || rc=$?
check_eq "kernel refusal: exit 1" "$rc" 1
check_match "kernel refusal names the line and the reason" "$out" \
	"^drlbctl: restore: line $n: config set.*prime"
check_match "kernel refusal: says the old configuration is back" "$out" "back in place"
check_eq "kernel refusal: the previous configuration is back" "$(d save)" "$saved"
if [ $director = 1 ]; then
	# A second service with the same key: EEXIST from the kernel.
	{ cat "$tmp/saved"; grep -m1 '^service add' "$tmp/saved"; } > "$tmp/dup"
	out=$(d restore "$tmp/dup" 2>&1) && rc=0 || rc=$?
	check_eq "duplicate service: exit 1" "$rc" 1
	check_match "duplicate service: line named" "$out" \
		"^drlbctl: restore: line $(wc -l < "$tmp/dup"): service add"
	check_eq "duplicate service: previous configuration back" "$(d save)" "$saved"
fi

# Requests go to the kernel in batches (up to 256 per system call): a
# refusal in the middle of a long file, with lines before and after it in
# the same batch and in others, names its own line and undoes them all.
{
	cat "$tmp/small"
	for i in $(seq 300); do echo "config set conn-max $((2000 + i))"; done
	echo "config set mh-table-size 65536"
	for i in $(seq 300); do echo "config set conn-max $((3000 + i))"; done
} > "$tmp/refused-mid"
n=$(( $(wc -l < "$tmp/small") + 301 ))
out=$(d restore "$tmp/refused-mid" 2>&1) && rc=0 || rc=$?
check_eq "refusal mid-batch: exit 1" "$rc" 1
check_match "refusal mid-batch names its own line ($n)" "$out" \
	"^drlbctl: restore: line $n: config set mh-table-size 65536: .*prime"
check_eq "refusal mid-batch: one error only" \
	"$(grep -c '^drlbctl: restore: line' <<< "$out")" 1
check_eq "refusal mid-batch: the previous configuration is back" "$(d save)" "$saved"

# ---- many lines: one process, one socket -----------------------------------------
# Relative to one drlbctl process per line, so a loaded host does not
# make it flaky: a restored line must cost under a third of a process.
nl=1000 np=5
for i in $(seq $nl); do echo "config set conn-max $((1000 + i))"; done > "$tmp/long"
start=$(date +%s%N)
check "restore $nl lines" d restore "$tmp/long"
t_restore=$(( ($(date +%s%N) - start) / 1000 ))
start=$(date +%s%N)
for i in $(seq $np); do d config set conn-max "$i"; done
t_procs=$(( ($(date +%s%N) - start) / 1000 ))
diag "restore: $((t_restore / nl)) us per line; one process per line: $((t_procs / np)) us"
check "a restored line costs under a third of a drlbctl process" \
	test $((t_restore * np * 3)) -lt $((t_procs * nl))
d restore "$tmp/long"
check_match "the last line won" "$(d config show)" "^conn-max $((1000 + nl))$"
if command -v strace >/dev/null; then
	head -n 20 "$tmp/long" > "$tmp/short"
	socks=$(nsenter --net="/run/netns/$ns" strace -f -e trace=socket "$DRLBCTL" restore "$tmp/short" 2>&1 |
		grep -c 'socket(AF_NETLINK' || true)
	check_eq "restore of 20 lines opens one netlink socket" "$socks" 1
	# 1000 lines in batches of at most 256: four sends, plus the few
	# requests around them (module info, the snapshot's dumps, flush).
	sends=$(nsenter --net="/run/netns/$ns" strace -f -e trace=sendto,sendmsg "$DRLBCTL" restore "$tmp/long" 2>&1 |
		grep -cE '^(\[pid +[0-9]+\] )?send(to|msg)\(' || true)
	check "restore of $nl lines sends them in batches ($sends sends)" \
		test "$sends" -le 20
fi
