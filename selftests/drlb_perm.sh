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

source "$(dirname "$0")/lib/lib.sh"
require_root
drlb_load

command -v setpriv >/dev/null || skip_all "setpriv missing"

# Something for change and del to find.
"$DRLBCTL" service add tcp 10.9.0.1:80 sched rr
"$DRLBCTL" server add tcp 10.9.0.1:80 10.9.1.1 weight 2
"$DRLBCTL" arp add 10.9.0.1
before_cfg=$("$DRLBCTL" -j config show)
before_save=$("$DRLBCTL" save)
conf=$(mktemp)
chmod 644 "$conf"
defer rm -f "$conf"
echo "service add udp 10.9.9.9:53 sched rr" > "$conf"

principals=(
	"user nobody|setpriv --reuid=65534 --regid=65534 --clear-groups"
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

for p in "${principals[@]}"; do
	who=${p%%|*}
	# shellcheck disable=SC2206
	run=(${p#*|})
	for c in "${commands[@]}"; do
		# shellcheck disable=SC2086
		out=$("${run[@]}" "$DRLBCTL" $c 2>&1) && rc=0 || rc=$?
		if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'Operation not permitted' &&
		   printf '%s' "$out" | grep -q 'CAP_NET_ADMIN'; then
			tap_ok "$who: '$c' refused with EPERM and a hint"
		else
			tap_fail "$who: '$c' refused with EPERM and a hint" "exit $rc" "$out"
		fi
	done
done

# The family raw: every operation that is not a read is admin-only, and
# an empty request for it is refused with EPERM before it is looked at.
ops=$(python3 "$TOP/selftests/helpers/drlb_genl_ops.py" list)
check "the drlb family lists its operations" test -n "$ops"
uapi=$TOP/include/uapi/linux/drlb.h
# The command numbers of the enum, in order, from the uapi header.
mapfile -t names < <(sed -n '/^enum drlb_cmd/,/^}/s/^\t\(DRLB_CMD_[A-Z_]*\).*/\1/p' "$uapi")
admin=()
while read -r cmd flags; do
	name=${names[$cmd]:-cmd-$cmd}
	case $name in
	DRLB_CMD_GET_CONN)
		# A read, but it lists clients' addresses: admin-only too.
		check_eq "$name (client addresses) is admin-only" $((flags & 1)) 1
		admin+=("$cmd") ;;
	DRLB_CMD_GET_*)
		check_eq "$name is open to every user" $((flags & 1)) 0 ;;
	*)
		check_eq "$name is admin-only (GENL_ADMIN_PERM)" $((flags & 1)) 1
		admin+=("$cmd") ;;
	esac
done <<< "$ops"
for p in "${principals[@]}"; do
	who=${p%%|*}
	# shellcheck disable=SC2206
	run=(${p#*|})
	answers=$("${run[@]}" python3 "$TOP/selftests/helpers/drlb_genl_ops.py" send "${admin[@]}" 2>&1)
	for cmd in "${admin[@]}"; do
		check_eq "$who: raw ${names[$cmd]} refused" \
			"$(awk -v c="$cmd" '$1 == c { print $2 }' <<< "$answers")" EPERM
	done
done

check "an unprivileged user may read settings" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DRLBCTL" config show
check "an unprivileged user may list services and save" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DRLBCTL" save
check_eq "settings unchanged" "$("$DRLBCTL" -j config show)" "$before_cfg"
check_eq "services, servers and ARP rules unchanged" "$("$DRLBCTL" save)" "$before_save"
check "root with CAP_NET_ADMIN may change them" "$DRLBCTL" config set conn-max 5
check "root with CAP_NET_ADMIN may restore" "$DRLBCTL" restore "$conf"
check_eq "restore applied" "$("$DRLBCTL" save | grep -c '^service add')" 1
