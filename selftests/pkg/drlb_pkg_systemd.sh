#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_pkg_systemd.sh - drlb.service under a real systemd: run by
# check-packages in a VM booted with systemd as PID 1 (vmrun.sh
# --systemd), with the Debian packages installed. TAP, through lib/lib.sh.
#
#   start_applies_conf
#      systemctl start loads the module (dkms's) and applies
#      /etc/drlb/drlb.conf; the unit is active.
#   reload_in_place
#      an edited weight, systemctl reload: the change is made in place -
#      drlbctl monitor sees one server-change and no service or server
#      deleted or added.
#   broken_file_named
#      a wrong line: reload fails and changes nothing, and after a stop
#      start fails too; journalctl -u drlb names the line.
#   stop_saves_and_keeps_held_arp
#      DRLB_SAVE_ON_STOP=yes: systemctl stop writes the running
#      configuration back to the file and flushes the services; the ARP
#      rule of a VIP still on lo stays, and the journal says so.
#   enable_for_next_boot
#      systemctl enable: enabled, and multi-user.target (the boot target)
#      wants drlb.service; left enabled, with a file of weights 3 and 1,
#      for the second boot.
#
# Run again with DRLB_SYSTEMD_BOOT=2 in a second boot of the same root
# (check-packages: vmrun.sh --systemd-boot --state, systemd booting its
# default target with the first boot's changes):
#   started_at_boot
#      the boot started drlb.service, before the test ran: the module is
#      loaded and the file's weights run.

# shellcheck source=../lib/lib.sh
source "$(dirname "$0")/../lib/lib.sh"

if [ "${DRLB_SYSTEMD_BOOT:-1}" = 2 ]; then
	ALL_TESTS="started_at_boot"
else
	ALL_TESTS="
	start_applies_conf
	reload_in_place
	broken_file_named
	stop_saves_and_keeps_held_arp
	enable_for_next_boot
"
fi

require_root
[ "$(cat /proc/1/comm)" = systemd ] || skip_all "PID 1 is not systemd (vmrun.sh --systemd)"
DRLBCTL=/usr/sbin/drlbctl
[ -x "$DRLBCTL" ] || skip_all "the drlbctl package is not installed"
conf=/etc/drlb/drlb.conf
default=/etc/default/drlb
VIP=10.0.0.100

# A LAN for the real servers: a dummy device (nothing answers ARP; the
# servers need a connected route, not a neighbour).
modprobe -q dummy
ip link add d0 type dummy
ip link set d0 up
ip addr add 10.0.0.2/24 dev d0
work=$(mktemp -d)
defer rm -rf "$work"

write_conf()
{
	cat > "$conf" <<-EOF
	service add udp $VIP:53 sched rr
	server add udp $VIP:53 10.0.0.11 weight $1
	server add udp $VIP:53 10.0.0.12 weight 1
	EOF
}

# journal: the unit's journal since the case began.
journal()
{
	journalctl -u drlb --no-pager -o cat --since "@$case_t0"
}

start_applies_conf()
{
	case_t0=$EPOCHSECONDS
	write_conf 1
	check "systemctl start drlb" systemctl start drlb
	check_eq "the unit is active" "$(systemctl is-active drlb)" active
	check "the module is loaded" test -d /sys/module/drlb
	check_eq "the file's service and servers run" \
		"$("$DRLBCTL" -j service show | jq -c '[.services[] | .port, [.servers[] | .weight]]')" \
		'[53,[1,1]]'
}

reload_in_place()
{
	local ev=$work/ev

	case_t0=$EPOCHSECONDS
	"$DRLBCTL" -j monitor > "$ev" &
	defer kill $!
	# Listening once a probe's events arrive.
	"$DRLBCTL" arp add 10.0.0.99
	"$DRLBCTL" arp del 10.0.0.99
	busywait 5000 grep -q arp-del "$ev"
	write_conf 5
	check "systemctl reload drlb" systemctl reload drlb
	busywait 5000 grep -q server-change "$ev"
	check_eq "the reload changed the weight in place: one server-change, nothing else" \
		"$(jq -r 'select(.event | startswith("arp") | not) |
			"\(.event) \(.server.address // "") \(.server.weight // "")"' "$ev")" \
		"server-change 10.0.0.11 5"
	check_eq "the weight runs" \
		"$("$DRLBCTL" -j service show | jq -c '[.services[].servers[].weight]')" '[5,1]'
}

broken_file_named()
{
	local before

	case_t0=$EPOCHSECONDS
	before=$("$DRLBCTL" save)
	echo "server add udp $VIP:53 10.0.0.300" >> "$conf"
	check_fail "systemctl reload drlb fails" systemctl reload drlb
	check_eq "and changes nothing" "$("$DRLBCTL" save)" "$before"
	check_match "journalctl -u drlb names the line" "$(journal)" \
		"line 4 is wrong; nothing changed"
	check "systemctl stop drlb" systemctl stop drlb
	check_fail "systemctl start drlb fails" systemctl start drlb
	check_eq "the unit failed" "$(systemctl is-active drlb)" failed
	systemctl reset-failed drlb
	write_conf 5
	check "with the file mended, it starts" systemctl start drlb
}

stop_saves_and_keeps_held_arp()
{
	case_t0=$EPOCHSECONDS
	cp "$default" "$work/default"
	defer cp "$work/default" "$default"
	sed -i 's/^DRLB_SAVE_ON_STOP=.*/DRLB_SAVE_ON_STOP=yes/' "$default"
	"$DRLBCTL" server change udp "$VIP:53" 10.0.0.12 weight 7
	"$DRLBCTL" arp add "$VIP"
	defer "$DRLBCTL" arp del "$VIP"
	ip addr add "$VIP/32" dev lo
	defer ip addr del "$VIP/32" dev lo
	check "systemctl stop drlb" systemctl stop drlb
	check_match "the stop saved the running configuration" "$(cat "$conf")" \
		"^server add udp $VIP:53 10.0.0.12 weight 7$"
	check_eq "and flushed the services" "$("$DRLBCTL" service show)" ""
	check_eq "the ARP rule of the VIP on lo stays" "$("$DRLBCTL" arp show)" "$VIP"
	check_match "and the journal says so" "$(journal)" \
		"keeping the ARP rule for $VIP: lo still holds it"
}

enable_for_next_boot()
{
	check "systemctl enable drlb" systemctl enable drlb
	check_eq "enabled" "$(systemctl is-enabled drlb)" enabled
	check_match "multi-user.target wants it" \
		"$(systemctl list-dependencies --plain --no-pager multi-user.target)" \
		"drlb\.service"
	write_conf 3
	systemctl stop drlb
}

# usec_prop UNIT PROPERTY: a timestamp property, in microseconds of uptime.
usec_prop()
{
	systemctl show -P "$2" "$1"
}

started_at_boot()
{
	local up run

	check_eq "enabled" "$(systemctl is-enabled drlb)" enabled
	check_eq "the unit is active" "$(systemctl is-active drlb)" active
	up=$(usec_prop drlb.service ActiveEnterTimestampMonotonic)
	run=$(usec_prop vmrun.service InactiveExitTimestampMonotonic)
	check "the boot started it, before the test began ($up < $run us)" \
		test "$up" -gt 0 -a "$up" -lt "$run"
	check "the module is loaded" test -d /sys/module/drlb
	check_eq "the file's service and servers run" \
		"$("$DRLBCTL" -j service show | jq -c '[.services[] | .port, [.servers[] | .weight]]')" \
		'[53,[3,1]]'
}

tests_run
