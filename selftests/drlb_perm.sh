#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Permissions: changing drlb needs CAP_NET_ADMIN in the initial user
# namespace (GENL_ADMIN_PERM, as IPVS). Every state-changing command of
# drlbctl, and every state-changing operation of the netlink family sent
# raw, is refused with EPERM (and drlbctl says what is missing) for:
#   - an unprivileged user,
#   - root without CAP_NET_ADMIN,
#   - root of an unprivileged user namespace, in the initial netns and in
#     the user namespace's own netns.
# The last is a choice: a user namespace's root could own its netns's
# drlb state, but the module's memory (services, servers, up to conn-max
# flows per netns) is not charged to anything a user namespace can be
# limited by, so - like the IPVS maintainers, who keep GENL_ADMIN_PERM
# until per-netns memory accounting exists - we do not hand it out.
# Reading (show, stats, save, dumps) stays open to everyone, except the
# flow table (client addresses). Nothing changes through any of the
# refusals.
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
	reads_open_to_users
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
	"conn show"
)

# The family's operations as the kernel registered them ("CMD FLAGS"), and
# the names of the command numbers, in order, from the uapi header. Every
# operation that is not a read is admin-only; so is the flow table.
ops=$("$PY" "$genl_ops" list)
mapfile -t names < <(sed -n '/^enum drlb_cmd/,/^}/s/^\t\(DRLB_CMD_[A-Z_]*\).*/\1/p' \
			 "$TOP/include/uapi/linux/drlb.h")
admin=()
while read -r cmd _; do
	[ -n "$cmd" ] || continue
	case ${names[$cmd]:-cmd-$cmd} in
	DRLB_CMD_GET_CONN)	admin+=("$cmd") ;;
	DRLB_CMD_GET_*)		;;
	*)			admin+=("$cmd") ;;
	esac
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

# refused N: principal N tries every command and every admin-only
# operation raw; each is refused with EPERM (drlbctl: with a hint).
refused()
{
	local who=${principals[$1]%%|*} run all line sect='' i c out rc cmd answer
	local raw_out='' missing=0 lines
	local -A out_of rc_of raw_of

	read -ra run <<< "${principals[$1]#*|}"
	snapshot
	all=$("${run[@]}" sh -c "$attempts" _ "$DRLBCTL" "$PY" "$genl_ops" \
		"${admin[*]}" "${commands[@]}" 2>&1)
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

	for i in "${!commands[@]}"; do
		c=${commands[i]}
		out=${out_of[$i]-}
		rc=${rc_of[$i]-}
		if [ "$rc" = 1 ] && [[ $out == *"Operation not permitted"* &&
				       $out == *CAP_NET_ADMIN* ]]; then
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
		case $name in
		DRLB_CMD_GET_CONN)
			# A read, but it lists clients' addresses: admin-only too.
			check_eq "$name (client addresses) is admin-only" $((flags & 1)) 1 ;;
		DRLB_CMD_GET_*)
			check_eq "$name is open to every user" $((flags & 1)) 0 ;;
		*)
			check_eq "$name is admin-only (GENL_ADMIN_PERM)" $((flags & 1)) 1 ;;
		esac
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

reads_open_to_users()
{
	snapshot
	check "an unprivileged user may read settings" \
		"${nobody[@]}" "$DRLBCTL" config show
	check "an unprivileged user may list services and save" \
		"${nobody[@]}" "$DRLBCTL" save
	unchanged
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
