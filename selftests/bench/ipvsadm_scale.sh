#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_ipvs at an operator's scale, against the kernel's own ip_vs in the
# same boot, both driven by Debian's ipvsadm with the same file (make
# bench-ipvsadm: one vCPU whose clock counts instructions, so that the
# host's load does not enter the times).
#
#   restore_10k
#      ipvsadm -R of N_SVC services (default 10 000) with 10 servers each
#      (110 000 commands), then ipvsadm -Sn of them all, then -C: timed
#      on drlb (drlb_ipvs) and on ip_vs, ROUNDS times each (default 2),
#      alternating, the best of each kept. Both save exactly the lines
#      restored (sorted: the order is each one's hash order), and drlb is
#      at least as fast as ip_vs at the restore and at the save. The
#      times are ipvsadm's elapsed time, and its system time (the
#      kernel's share: the rest is ipvsadm's own parsing and sorting,
#      which depends on the order the services come in, each one's hash
#      order); ipvsadm -Ln with and without --nosort (-S sorts always)
#      are timed too, for that reason.

# shellcheck source=../lib/lib.sh
source "$(dirname "$0")/../lib/lib.sh"
require_root

ALL_TESTS="
	restore_10k
"

command -v ipvsadm >/dev/null || skip_all "ipvsadm missing"
IPVS_KO=$(dirname "$DRLB_KO")/drlb_ipvs.ko
[ -e "$IPVS_KO" ] || skip_all "$IPVS_KO missing: run 'make module KVER=$KREL'"

N_SVC=${N_SVC:-10000}
N_DEST=10
ROUNDS=${ROUNDS:-2}

# unload_all: drlb_ipvs, ip_vs and its schedulers, drlb; what is loaded.
unload_all()
{
	local m

	[ -d /sys/module/drlb_ipvs ] && rmmod drlb_ipvs
	for m in /sys/module/ip_vs_*; do
		[ -d "$m" ] && rmmod "${m##*/}"
	done
	[ -d /sys/module/ip_vs ] && rmmod ip_vs
	drlb_unload
}

# use drlb|ip_vs: that implementation serves IPVS, with no services.
use()
{
	unload_all
	case $1 in
	drlb)	drlb_load && insmod "$IPVS_KO" ;;
	ip_vs)	modprobe ip_vs && modprobe ip_vs_wlc ;;
	esac
}

# busy: the CPU's busy time so far (all of /proc/stat's but idle and
# iowait), in ms.
busy()
{
	local -a c

	read -r -a c < /proc/stat
	echo $(((c[1] + c[2] + c[3] + c[6] + c[7] + c[8]) * 1000 / $(getconf CLK_TCK)))
}

# timed NAME CMD...: run CMD (stdin and stdout as given); its elapsed,
# system and user seconds and the CPU's busy ms meanwhile ("R S U B") go
# to $WORK/NAME.t, its stderr to $WORK/NAME.err.
timed()
{
	local name=$1 TIMEFORMAT='%3R %3S %3U' b0 rc

	shift
	b0=$(busy)
	{ time "$@" 2> "$WORK/$name.err"; } 2> "$WORK/$name.t" && rc=0 || rc=$?
	sed -i "s/\$/ $(($(busy) - b0))/" "$WORK/$name.t"
	return "$rc"
}

# ms FILE FIELD: field 1 (elapsed), 2 (system), 3 (user) of a .t file in
# ms, or 4 (the CPU's busy ms) as it is.
ms()
{
	local -a t

	read -r -a t < "$1"
	echo $((10#${t[$2 - 1]/./}))
}

# round WHO: restore, save and flush on WHO, each timed; the sorted save
# in $WORK/WHO.saved; the times appended to RT[WHO] (restore elapsed),
# RS[WHO] (restore system), ST[WHO], SS[WHO], SU[WHO] and SB[WHO] (the
# save's elapsed, system, user and CPU busy ms), LT[WHO] and NT[WHO] (the
# listing's elapsed time, sorted and not).
declare -A RT=() RS=() ST=() SS=() SU=() SB=() LT=() NT=()
round()
{
	local who=$1

	use "$who" || { echo "could not load $who"; return 1; }
	timed restore ipvsadm -R < "$WORK/rules" || { cat "$WORK/restore.err"; return 1; }
	timed save ipvsadm -Sn > "$WORK/$who.save" || { cat "$WORK/save.err"; return 1; }
	timed list ipvsadm -Ln > /dev/null || { cat "$WORK/list.err"; return 1; }
	timed nosort ipvsadm -Ln --nosort > /dev/null || { cat "$WORK/nosort.err"; return 1; }
	ipvsadm -C || return 1
	LT[$who]+=" $(ms "$WORK/list.t" 1)"
	NT[$who]+=" $(ms "$WORK/nosort.t" 1)"
	RT[$who]+=" $(ms "$WORK/restore.t" 1)"
	RS[$who]+=" $(ms "$WORK/restore.t" 2)"
	ST[$who]+=" $(ms "$WORK/save.t" 1)"
	SS[$who]+=" $(ms "$WORK/save.t" 2)"
	SU[$who]+=" $(ms "$WORK/save.t" 3)"
	SB[$who]+=" $(ms "$WORK/save.t" 4)"
	sort "$WORK/$who.save" > "$WORK/$who.saved"
}

# best "MS MS...": the smallest.
best()
{
	# shellcheck disable=SC2086 # a list of numbers, one word each
	printf '%s\n' $1 | sort -n | head -n 1
}

restore_10k()
{
	local who i r rc rd ri sd si

	WORK=$(mktemp -d)
	defer rm -rf "$WORK"
	defer unload_all
	# Services 10.1.X.Y:80, wlc; servers 10.0.0.11-20:80, DR, weight 1:
	# the lines ipvsadm -Sn writes back (sorted, they must be these).
	awk -v n="$N_SVC" -v d="$N_DEST" 'BEGIN {
		for (i = 0; i < n; i++) {
			vip = sprintf("10.1.%d.%d:80", int(i / 250), i % 250 + 1)
			printf "-A -t %s -s wlc\n", vip
			for (j = 0; j < d; j++)
				printf "-a -t %s -r 10.0.0.%d:80 -g -w 1\n", vip, 11 + j
		}
	}' > "$WORK/rules"
	sort "$WORK/rules" > "$WORK/rules.sorted"
	i=$(wc -l < "$WORK/rules")
	check_eq "the file: $N_SVC services, $N_DEST servers each" \
		"$i" $((N_SVC * (N_DEST + 1)))

	for ((r = 0; r < ROUNDS; r++)); do
		# Alternating: drlb, ip_vs, ip_vs, drlb, ...
		for who in drlb ip_vs; do
			[ $((r % 2)) = 1 ] && who=$([ "$who" = drlb ] && echo ip_vs || echo drlb)
			round "$who" > "$WORK/round.log" 2>&1 && rc=0 || rc=$?
			check_eq "$who: ipvsadm -R, -Sn, -C ($(tail -n 3 "$WORK/round.log"))" "$rc" 0
			[ "$rc" = 0 ] || return
			check "$who saves exactly what was restored (sorted)" \
				cmp -s "$WORK/$who.saved" "$WORK/rules.sorted"
		done
	done

	diag "ipvsadm -R elapsed (ms): drlb${RT[drlb]}, ip_vs${RT[ip_vs]};" \
		"system: drlb${RS[drlb]}, ip_vs${RS[ip_vs]}"
	diag "ipvsadm -Sn elapsed (ms): drlb${ST[drlb]}, ip_vs${ST[ip_vs]};" \
		"system: drlb${SS[drlb]}, ip_vs${SS[ip_vs]};" \
		"user: drlb${SU[drlb]}, ip_vs${SU[ip_vs]};" \
		"CPU busy: drlb${SB[drlb]}, ip_vs${SB[ip_vs]}"
	diag "ipvsadm -Ln elapsed (ms): drlb${LT[drlb]}, ip_vs${LT[ip_vs]};" \
		"-Ln --nosort: drlb${NT[drlb]}, ip_vs${NT[ip_vs]}"
	rd=$(best "${RT[drlb]}")
	ri=$(best "${RT[ip_vs]}")
	sd=$(best "${ST[drlb]}")
	si=$(best "${ST[ip_vs]}")
	check "ipvsadm -R: drlb at least as fast as ip_vs (best $rd ms vs $ri ms, system $(best "${RS[drlb]}") vs $(best "${RS[ip_vs]}"))" \
		test "$rd" -le "$ri"
	check "ipvsadm -Sn: drlb at least as fast as ip_vs (best $sd ms vs $si ms, system $(best "${SS[drlb]}") vs $(best "${SS[ip_vs]}"))" \
		test "$sd" -le "$si"
}

tests_run
