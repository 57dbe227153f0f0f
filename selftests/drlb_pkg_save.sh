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
#     than one drlbctl process per line;
#   - save_many: 400 services with 8 servers each are saved exactly as
#     restored: the one dump of every service's servers (DRLB_F_DEST_DUMP_ALL,
#     many messages, resumed across many reads) misses and repeats none,
#     and each server is listed under its own service (the per-service
#     listing of a few agrees).
# Services and ARP rules are covered when the module has them (feature
# bits of "drlbctl -j version").
#
# One namespace for all the cases. Its pristine configuration is saved
# first; a case that changes the configuration puts that back when it ends
# (pkg_reset), and one that needs the test configuration gets it in one
# restore of its saved form (pkg_config).

source "$(dirname "$0")/lib/lib.sh"

ALL_TESTS="
	save_format
	round_trip
	restore_replaces
	restore_stdin_and_f
	bad_line_changes_nothing
	kernel_refusal_rolls_back
	refusal_mid_batch
	restore_many_lines
	save_many
"

require_root
drlb_load || skip_all "cannot load $DRLB_KO"

setup_ns ns
# drlbctl in the namespace (nse: just the network namespace)
d() { nse "$ns" "$DRLBCTL" "$@"; }
tmp=$(mktemp -d)
defer rm -rf "$tmp"

[[ $(d -j version) =~ \"features\":\ *([0-9]+) ]] ||
	{ tap_fail "drlbctl -j version shows the module's features"; exit; }
features=${BASH_REMATCH[1]}
director=$(( features & 1 ))
arp=$(( (features >> 1) & 1 ))
diag "module features $features (director $director, arp $arp)"

# The network the real servers and ARP rules live on.
ip -n "$ns" -b - <<-EOF
	link add lan0 type dummy
	link set lan0 up
	addr add 10.0.0.1/24 dev lan0
	EOF

# ---- the configurations ------------------------------------------------------
# $tmp/default: the namespace's pristine configuration (settings at their
# defaults, nothing else); $tmp/config: the test configuration, as lines;
# $tmp/saved: what save makes of it; $tmp/small: settings only, with
# comments, blank lines and indentation.
d save > "$tmp/default" || { tap_fail "save the pristine configuration"; exit; }
{
	echo "config set conn-max 200000 timeout-udp 33 mh-seed 7 cluster yes"
	if [ $director = 1 ]; then
		echo "service add tcp 10.0.0.100:80 sched rr"
		echo "service add udp 10.0.0.100:53 sched wlc persistent 300 netmask 24"
		echo "service add tcp 10.0.0.101 sched mh expire-nodest no"
		echo "server add tcp 10.0.0.100:80 10.0.0.11 weight 1"
		echo "server add tcp 10.0.0.100:80 10.0.0.12 weight 3"
		echo "server add udp 10.0.0.100:53 10.0.0.11 weight 0"
	fi
	if [ $arp = 1 ]; then
		echo "arp add 10.0.0.100 dev lan0 packet-sockets yes"
		echo "arp add 10.0.0.101"
	fi
} > "$tmp/config"
if ! d restore "$tmp/config" || ! d save > "$tmp/saved" ||
   ! d restore "$tmp/default"; then
	tap_fail "save the test configuration"
	exit
fi
saved=$(< "$tmp/saved")
mapfile -t saved_lines < "$tmp/saved"
printf '%s\n' "# only settings" "" "config set conn-max 5000   # trailing comment" \
	"   " "	config set mh-seed 9" > "$tmp/small"
mapfile -t small_lines < "$tmp/small"

# pkg_reset: put the pristine configuration back when the case ends.
pkg_reset()
{
	defer d restore "$tmp/default"
}

# pkg_config: the test configuration, until the case ends.
pkg_config()
{
	pkg_reset
	d restore "$tmp/saved" || tap_fail "restore the test configuration"
}

# cfg_lines TEXT: how many service, server and arp lines TEXT has.
cfg_lines()
{
	local line n=0

	while read -r line; do
		[[ $line =~ ^(service|server|arp)\  ]] && n=$((n + 1))
	done <<< "$1"
	echo "$n"
}

save_format()
{
	local rc out

	pkg_reset
	d restore "$tmp/config"
	out=$(d save) && rc=0 || rc=$?
	check_eq "save exits 0" "$rc" 0
	check_match "save: settings as one config set line" "$out" \
		"^config set .*timeout-udp 33 .*conn-max 200000 .*mh-seed 7 cluster yes$"
	[[ $out =~ conn-count|conn-entry-size|conn-entry-size6|conn-buckets|conn-chain-max ]] && rc=1 || rc=0
	check_eq "save: read-only values are left out" "$rc" 0
	if [ $director = 1 ]; then
		check_match "save: services" "$out" "^service add tcp 10\.0\.0\.100:80 sched rr$"
		check_match "save: persistence" "$out" \
			"^service add udp 10\.0\.0\.100:53 sched wlc persistent 300 netmask 24$"
		check_match "save: expire-nodest" "$out" \
			"^service add tcp 10\.0\.0\.101:\* sched mh expire-nodest no$"
		check_match "save: servers with weights" "$out" \
			"^server add tcp 10\.0\.0\.100:80 10\.0\.0\.12 weight 3$"
	else
		tap_skip "save: services and servers" "module has no director yet"
	fi
	if [ $arp = 1 ]; then
		check_match "save: ARP rules" "$out" "^arp add 10\.0\.0\.100 dev lan0 packet-sockets yes$"
		check_match "save: every-device ARP rule" "$out" "^arp add 10\.0\.0\.101$"
	else
		tap_skip "save: ARP rules" "module has no ARP rules yet"
	fi
}

round_trip()
{
	pkg_config
	if [ $director = 1 ] && [ $arp = 1 ]; then
		check "flush all" d flush all
	elif [ $director = 1 ]; then
		check "flush" d flush
	else
		# (no DRLB_CMD_FLUSH without the director: an empty file empties too)
		check "flush (restore /dev/null)" d restore /dev/null
	fi
	check_eq "flushed: no service, server or ARP rule left" "$(cfg_lines "$(d save)")" 0
	d config set conn-max 1 timeout-udp 1 mh-seed 1
	check "restore FILE" d restore "$tmp/saved"
	check_eq "save -> flush -> restore -> save is identical" "$(d save)" "$saved"
}

restore_replaces()
{
	local now

	pkg_config
	check "restore with comments, blank lines, indentation" d restore "$tmp/small"
	now=$(d save)
	check_match "restore applied the settings" "$now" "conn-max 5000 .*mh-seed 9 cluster yes$"
	check_match "settings the file does not name keep their values" "$now" "timeout-udp 33 "
	check_eq "restore replaced services, servers and ARP rules" "$(cfg_lines "$now")" 0
}

# d_stdin FILE ARGS...: drlbctl ARGS with FILE on its standard input.
d_stdin()
{
	local f=$1

	shift
	d "$@" < "$f"
}

restore_stdin_and_f()
{
	pkg_reset
	d restore "$tmp/small"
	check "restore from stdin (-)" d_stdin "$tmp/saved" restore -
	check_eq "stdin restore round trip" "$(d save)" "$saved"
	check "restore from stdin (no FILE)" d_stdin "$tmp/small" restore
	check "-f FILE" d -f "$tmp/saved"
	check_eq "-f FILE round trip" "$(d save)" "$saved"
}

bad_line_changes_nothing()
{
	local n=${#saved_lines[@]} case out rc

	pkg_config
	for case in "config set conn-max 0" "config set no-such-key 1" "config show" \
		    "version" "frobnicate" "service add tcp 10.0.0.300:80" \
		    "server add tcp 10.0.0.100:80 10.0.0.13 weight 70000" \
		    "arp add 10.0.0.102 dev no-such-dev"; do
		# the saved file with the case as line n (before its last line)
		printf '%s\n' "${saved_lines[@]:0:n - 1}" "$case" "${saved_lines[n - 1]}" \
			> "$tmp/bad"
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
}

kernel_refusal_rolls_back()
{
	local n out rc

	pkg_config
	# mh-table-size must be a prime: only the kernel knows. Put it last,
	# after lines that did change things, so the rollback has something
	# to undo.
	printf '%s\n' "config set conn-max 77" "${small_lines[@]}" \
		"config set mh-table-size 65536" > "$tmp/refused"
	n=$((${#small_lines[@]} + 2))
	out=$(d restore "$tmp/refused" 2>&1) && rc=0 || rc=$?
	check_eq "kernel refusal: exit 1" "$rc" 1
	check_match "kernel refusal names the line and the reason" "$out" \
		"^drlbctl: restore: line $n: config set.*prime"
	check_match "kernel refusal: says the old configuration is back" "$out" "back in place"
	check_eq "kernel refusal: the previous configuration is back" "$(d save)" "$saved"
	if [ $director = 1 ]; then
		# A second service with the same key: EEXIST from the kernel.
		local dup line

		for line in "${saved_lines[@]}"; do
			[[ $line == "service add "* ]] && { dup=$line; break; }
		done
		printf '%s\n' "${saved_lines[@]}" "$dup" > "$tmp/dup"
		out=$(d restore "$tmp/dup" 2>&1) && rc=0 || rc=$?
		check_eq "duplicate service: exit 1" "$rc" 1
		check_match "duplicate service: line named" "$out" \
			"^drlbctl: restore: line $((${#saved_lines[@]} + 1)): service add"
		check_eq "duplicate service: previous configuration back" "$(d save)" "$saved"
	fi
}

# Requests go to the kernel in batches (up to 256 per system call): a
# refusal in the middle of a long file, with lines before and after it in
# the same batch and in others, names its own line and undoes them all.
refusal_mid_batch()
{
	local i n out rc errs=0 line

	pkg_config
	{
		printf '%s\n' "${small_lines[@]}"
		for ((i = 1; i <= 300; i++)); do echo "config set conn-max $((2000 + i))"; done
		echo "config set mh-table-size 65536"
		for ((i = 1; i <= 300; i++)); do echo "config set conn-max $((3000 + i))"; done
	} > "$tmp/refused-mid"
	n=$((${#small_lines[@]} + 301))
	out=$(d restore "$tmp/refused-mid" 2>&1) && rc=0 || rc=$?
	check_eq "refusal mid-batch: exit 1" "$rc" 1
	check_match "refusal mid-batch names its own line ($n)" "$out" \
		"^drlbctl: restore: line $n: config set mh-table-size 65536: .*prime"
	while read -r line; do
		[[ $line == "drlbctl: restore: line"* ]] && errs=$((errs + 1))
	done <<< "$out"
	check_eq "refusal mid-batch: one error only" "$errs" 1
	check_eq "refusal mid-batch: the previous configuration is back" "$(d save)" "$saved"
}

# ---- many lines: one process, one socket -----------------------------------------
# Relative to one drlbctl process per line, so a loaded host does not
# make it flaky: a restored line must cost under a third of a process.
restore_many_lines()
{
	local nl=1000 np=5 i start t_restore t_procs out socks sends line long=()

	pkg_reset
	for ((i = 1; i <= nl; i++)); do long+=("config set conn-max $((1000 + i))"); done
	printf '%s\n' "${long[@]}" > "$tmp/long"
	start=$(date +%s%N)
	check "restore $nl lines" d restore "$tmp/long"
	t_restore=$(( ($(date +%s%N) - start) / 1000 ))
	check_match "the last line won" "$(d config show)" "^conn-max $((1000 + nl))$"
	start=$(date +%s%N)
	for ((i = 1; i <= np; i++)); do d config set conn-max "$i"; done
	t_procs=$(( ($(date +%s%N) - start) / 1000 ))
	diag "restore: $((t_restore / nl)) us per line; one process per line: $((t_procs / np)) us"
	check "a restored line costs under a third of a drlbctl process" \
		test $((t_restore * np * 3)) -lt $((t_procs * nl))
	command -v strace > /dev/null || return 0
	printf '%s\n' "${long[@]:0:20}" > "$tmp/short"
	out=$(nse "$ns" strace -f -e trace=socket "$DRLBCTL" restore "$tmp/short" 2>&1)
	socks=0
	while read -r line; do
		[[ $line == *"socket(AF_NETLINK"* ]] && socks=$((socks + 1))
	done <<< "$out"
	check_eq "restore of 20 lines opens one netlink socket" "$socks" 1
	# 1000 lines in batches of at most 256: four sends, plus the few
	# requests around them (module info, the snapshot's dumps, flush).
	out=$(nse "$ns" strace -f -e trace=sendto,sendmsg "$DRLBCTL" restore "$tmp/long" 2>&1)
	sends=0
	while read -r line; do
		[[ $line =~ ^(\[pid\ +[0-9]+\]\ )?send(to|msg)\( ]] && sends=$((sends + 1))
	done <<< "$out"
	check "restore of $nl lines sends them in batches ($sends sends)" \
		test "$sends" -le 20
}

save_many()
{
	local i j v out want sample

	if [ $director = 0 ]; then
		tap_skip "save of 400 services x 8 servers" "module has no director yet"
		return 0
	fi
	pkg_reset
	for ((i = 0; i < 400; i++)); do
		v=10.7.$((i / 200)).$((i % 200 + 1)):$((1000 + i))
		echo "service add tcp $v sched rr"
		for ((j = 1; j <= 8; j++)); do
			echo "server add tcp $v 10.8.$((i % 4)).$((j * 10 + i % 7)) weight $j"
		done
	done > "$tmp/many"
	check "restore 400 services x 8 servers" d restore "$tmp/many"
	out=$(d save | grep -E '^(service|server) ' | sort)
	want=$(sort "$tmp/many")
	check_eq "save lists the 3 600 lines restored, none missing or repeated" \
		"$(wc -l <<< "$out") $(comm -3 <(echo "$out") <(echo "$want") | wc -l)" "3600 0"
	sample=$(d service show tcp 10.7.1.77:1276 | awk '$1 == "->" && $2 ~ /^10\.8\./ { print $2, $3 }')
	check_eq "one service's servers, listed alone, are those save gave it" \
		"$sample" "$(d service show | awk '/^tcp +10\.7\.1\.77:1276 / { on = 1; next } /^[a-z]/ { on = 0 } on && $1 == "->" && $2 ~ /^10\.8\./ { print $2, $3 }')"
	check_eq "and it has its 8" "$(wc -l <<< "$sample")" 8
}

tests_run

