#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Permissions: every operation of drlb but GET_INFO (version, features)
# needs CAP_NET_ADMIN in the initial user namespace (GENL_ADMIN_PERM, as
# IPVS), reading included: the configuration names real servers' addresses
# and MACs, the flow table clients' addresses. Every drlbctl command but
# version, and every such operation of the netlink family sent raw, is
# refused with EPERM (and drlbctl says what is missing, for a read or for
# a change) for:
#   - an unprivileged user,
#   - root without CAP_NET_ADMIN,
#   - root of an unprivileged user namespace, in the initial netns and in
#     the user namespace's own netns.
# The last is a choice: a user namespace's root could own its netns's
# drlb state, but the module's memory (services, servers, up to conn-max
# flows per netns) is not charged to anything a user namespace can be
# limited by, so - like the IPVS maintainers, who keep GENL_ADMIN_PERM
# until per-netns memory accounting exists - we do not hand it out; and
# with nothing of its own to read, its root may not read either (one rule
# for every operation). drlbctl version stays open to everyone. Nothing
# changes through any of the refusals.
#
# Under TCG every exec costs 0.1-0.3 s: each principal runs all its
# attempts in one shell (one setpriv or unshare, one shell, drlbctl per
# command, one python for the raw requests), and the answers are sorted
# out here, one assertion per refusal.

source "$(dirname "$0")/lib/lib.sh"
require_root

ALL_TESTS="
	ops_admin_only
	user_refused
	root_without_cap_refused
	userns_root_own_netns_refused
	userns_root_init_netns_refused
	info_open_to_users
	admin_may_change
"

defer drlb_unload
drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }
command -v setpriv >/dev/null || skip_all "setpriv missing"

genl_ops=$TOP/selftests/helpers/drlb_genl_ops.py
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# A configuration to restore, readable by everyone.
conf=$(mktemp)
defer rm -f "$conf"
chmod 644 "$conf"
echo "service add udp 10.9.9.9:53 sched rr" > "$conf"

principals=(
	"user nobody|${nobody[*]}"
	"root without CAP_NET_ADMIN|setpriv --inh-caps=-net_admin --bounding-set=-net_admin"
	"root of a user namespace, its own netns|unshare -Urn"
	"root of a user namespace, initial netns|unshare -Ur"
)
commands=(
	"config set conn-max 5"
	"service add tcp 10.9.0.2:80"
	"service change tcp 10.9.0.1:80 sched wrr"
	"service del tcp 10.9.0.1:80"
	"server add tcp 10.9.0.1:80 10.9.1.2"
	"server change tcp 10.9.0.1:80 10.9.1.1 weight 7"
	"server del tcp 10.9.0.1:80 10.9.1.1"
	"stats zero"
	"stats zero tcp 10.9.0.1:80"
	"flush"
	"flush all"
	"arp add 10.9.0.3"
	"arp del 10.9.0.1"
	"restore $conf"
)
# Every read: refused too, with the hint for a read.
reads=(
	"config show"
	"service show"
	"-s service show"
	"server show tcp 10.9.0.1:80"
	"stats"
	"arp show"
	"save"
	"conn show"
)

# The family's operations as the kernel registered them ("CMD FLAGS"), and
# the names of the command numbers, in order, from the uapi header. Every
# operation but GET_INFO is admin-only.
ops=$("$PY" "$genl_ops" list)
mapfile -t names < <(sed -n '/^enum drlb_cmd/,/^}/s/^\t\(DRLB_CMD_[A-Z_]*\).*/\1/p' \
			 "$TOP/include/uapi/linux/drlb.h")
admin=()
while read -r cmd _; do
	[ -n "$cmd" ] || continue
	[ "${names[$cmd]:-}" = DRLB_CMD_GET_INFO ] || admin+=("$cmd")
done <<< "$ops"

# keep_config: the whole configuration as it is now comes back when the
# case (or the script) ends.
keep_config()
{
	local saved

	saved=$("$DRLBCTL" save) || return 1
	defer restore_text "$saved"
}

# restore_text TEXT: drlbctl restore from TEXT.
restore_text()
{
	"$DRLBCTL" restore - <<< "$1"
}

# Something for change and del to find, for every case; a case that
# changes the configuration puts it back (keep_config).
keep_config
"$DRLBCTL" restore - <<EOF
service add tcp 10.9.0.1:80 sched rr
server add tcp 10.9.0.1:80 10.9.1.1 weight 2
arp add 10.9.0.1
EOF

# snapshot: the settings and the configuration now (before_cfg,
# before_save), for unchanged.
snapshot()
{
	before_cfg=$("$DRLBCTL" -j config show)
	before_save=$("$DRLBCTL" save)
}

# unchanged: nothing changed since the snapshot.
unchanged()
{
	check_eq "settings unchanged" "$("$DRLBCTL" -j config show)" "$before_cfg"
	check_eq "services, servers and ARP rules unchanged" \
		"$("$DRLBCTL" save)" "$before_save"
}

# The principal's shell: drlbctl with each command (its output between
# "@@cmd I" and "@@rc I STATUS"), then the raw requests (after "@@raw").
# shellcheck disable=SC2016 # expanded by that shell
attempts='ctl=$1 py=$2 genl=$3 raw=$4
shift 4
i=0
for c; do
	echo "@@cmd $i"
	"$ctl" $c 2>&1
	echo "@@rc $i $?"
	i=$((i + 1))
done
echo "@@raw"
[ -z "$raw" ] || "$py" "$genl" send $raw 2>&1'

# refused N: principal N tries every command (changes and reads) and
# every admin-only operation raw; each is refused with EPERM (drlbctl:
# with a hint, for a read the read's).
refused()
{
	local who=${principals[$1]%%|*} run all line sect='' i c out rc cmd answer
	local raw_out='' missing=0 lines hint
	local -A out_of rc_of raw_of
	local -a tried=("${commands[@]}" "${reads[@]}")

	read -ra run <<< "${principals[$1]#*|}"
	snapshot
	all=$("${run[@]}" sh -c "$attempts" _ "$DRLBCTL" "$PY" "$genl_ops" \
		"${admin[*]}" "${tried[@]}" 2>&1)
	while IFS= read -r line; do
		case $line in
		"@@cmd "*)
			sect=${line#@@cmd }
			out_of[$sect]= ;;
		"@@rc "*)
			read -r i rc <<< "${line#@@rc }"
			rc_of[$i]=$rc
			sect= ;;
		"@@raw")
			sect=raw ;;
		*)
			if [ "$sect" = raw ]; then
				raw_out+=$line$'\n'
				read -r cmd answer <<< "$line"
				[ -z "$cmd" ] || raw_of[$cmd]=$answer
			elif [ -n "$sect" ]; then
				out_of[$sect]+=$line$'\n'
			fi ;;
		esac
	done <<< "$all"

	for i in "${!tried[@]}"; do
		c=${tried[i]}
		out=${out_of[$i]-}
		rc=${rc_of[$i]-}
		hint="needs CAP_NET_ADMIN"
		[ "$i" -lt ${#commands[@]} ] ||
			hint="reading the configuration needs CAP_NET_ADMIN"
		if [ "$rc" = 1 ] && [[ $out == *"Operation not permitted"* &&
				       $out == *"$hint"* ]]; then
			tap_ok "$who: '$c' refused with EPERM and a hint"
		elif [ -z "$rc" ]; then
			mapfile -t lines <<< "$all"
			tap_fail "$who: '$c' refused with EPERM and a hint" \
				"not run; the principal's shell said:" "${lines[@]}"
		else
			mapfile -t lines <<< "$out"
			tap_fail "$who: '$c' refused with EPERM and a hint" \
				"exit $rc" "${lines[@]}"
		fi
	done
	for cmd in "${admin[@]}"; do
		check_eq "$who: raw ${names[$cmd]} refused" "${raw_of[$cmd]-}" EPERM
		[ -n "${raw_of[$cmd]-}" ] || missing=$((missing + 1))
	done
	[ $missing -eq 0 ] || printf '%s' "$raw_out" | sed 's/^/#   raw: /'
	unchanged
}

ops_admin_only()
{
	local cmd flags name

	check "the drlb family lists its operations" test -n "$ops"
	while read -r cmd flags; do
		[ -n "$cmd" ] || continue
		name=${names[$cmd]:-cmd-$cmd}
		if [ "$name" = DRLB_CMD_GET_INFO ]; then
			check_eq "$name (version, features) is open to every user" \
				$((flags & 1)) 0
		else
			check_eq "$name is admin-only (GENL_ADMIN_PERM)" $((flags & 1)) 1
		fi
	done <<< "$ops"
}

user_refused()
{
	refused 0
}

root_without_cap_refused()
{
	refused 1
}

userns_root_own_netns_refused()
{
	refused 2
}

userns_root_init_netns_refused()
{
	refused 3
}

# GET_INFO, the one open operation: drlbctl version, and raw.
info_open_to_users()
{
	local out

	out=$("${nobody[@]}" "$DRLBCTL" version 2>&1)
	check_match "an unprivileged user may ask the module's version" \
		"$out" "^drlb module [0-9]"
	out=$("${nobody[@]}" "$PY" "$genl_ops" send DRLB_CMD_GET_INFO 2>&1)
	check_eq "raw DRLB_CMD_GET_INFO from an unprivileged user" "$out" \
		"DRLB_CMD_GET_INFO OK"
}

admin_may_change()
{
	local n=0 line

	keep_config
	check "root with CAP_NET_ADMIN may change them" "$DRLBCTL" config set conn-max 5
	check "root with CAP_NET_ADMIN may restore" "$DRLBCTL" restore "$conf"
	while IFS= read -r line; do
		[[ $line == "service add"* ]] && n=$((n + 1))
	done < <("$DRLBCTL" save)
	check_eq "restore applied" "$n" 1
}

tests_run
