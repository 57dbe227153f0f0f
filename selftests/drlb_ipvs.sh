#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_ipvs.ko: the kernel's IPVS netlink family served by drlb, driven by
# Debian's unmodified ipvsadm; and its coexistence with the kernel's ip_vs.
#
#   version_and_size
#      ipvsadm's banner: IPVS's version, and drlb's conn-max as the size.
#   timeouts
#      ipvsadm --set writes drlb's TCP, TCP FIN and UDP timeouts (0 keeps
#      one), ipvsadm -L --timeout and drlbctl config show agree.
#   daemon_refused
#      --start-daemon fails and starts nothing, --stop-daemon finds none,
#      -L --daemon lists none.
#   flush_and_zero
#      ipvsadm -C deletes drlbctl's services; -Z of an unknown service
#      fails, of everything succeeds.
#   list_drlbctl_services
#      services and servers made by drlbctl, listed by ipvsadm -Ln (and
#      -L -t, --stats, --rate, --persistent-conn), in IPVS's format.
#   ipvsadm_drives
#      services and servers made, changed and deleted by ipvsadm (-A -E
#      -D -a -e -d, -s -p -M -b -o -w -x -y -g, -f), as drlbctl save
#      shows them; -Sn, -C, -R round trip.
#   ipvsadm_refusals
#      what drlb cannot do (-m, -i, lblc, a persistence engine) and bad
#      entries are refused with an error, and change nothing.
#   refuses_ip_vs
#      while drlb_ipvs is loaded, ip_vs cannot load, and the kernel log
#      says why.
#   refused_by_ip_vs
#      while ip_vs is loaded, drlb_ipvs cannot load, and says why.
#   modprobe_conf
#      with the shipped modprobe.d file, `modprobe ip_vs`, the family's
#      autoload and ipvsadm all load drlb_ipvs and never ip_vs; without
#      it, the family's autoload loads ip_vs (the control).

# shellcheck source=lib/lib.sh
source "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/modtree.sh
source "$(dirname "$0")/lib/modtree.sh"
require_root

ALL_TESTS="
	version_and_size
	timeouts
	daemon_refused
	flush_and_zero
	list_drlbctl_services
	ipvsadm_drives
	ipvsadm_refusals
	refuses_ip_vs
	refused_by_ip_vs
	modprobe_conf
"

command -v ipvsadm >/dev/null || skip_all "ipvsadm missing"
IPVS_KO=$(dirname "$DRLB_KO")/drlb_ipvs.ko
[ -e "$IPVS_KO" ] || skip_all "$IPVS_KO missing: run 'make module KVER=$KREL'"
CONF=$TOP/kmod/ipvs/modprobe.conf

loaded()
{
	[ -d "/sys/module/$1" ]
}

# unload: drlb_ipvs, ip_vs (and its schedulers), drlb; whatever is loaded.
unload_all()
{
	local m

	loaded drlb_ipvs && rmmod drlb_ipvs
	for m in /sys/module/ip_vs_*; do
		[ -d "$m" ] && rmmod "${m##*/}"
	done
	loaded ip_vs && rmmod ip_vs
	drlb_unload
}

# need_ipvs: drlb and drlb_ipvs loaded for this case, unloaded after it.
need_ipvs()
{
	unload_all
	defer unload_all
	drlb_load && insmod "$IPVS_KO"
}

# kmsg_since MARK: the kernel log after the line MARK was written to it.
kmsg_mark()
{
	echo "drlb-test: $1" > /dev/kmsg
}

kmsg_since()
{
	dmesg | sed -n "/drlb-test: $1/,\$p"
}

version_and_size()
{
	need_ipvs
	check_eq "banner: IPVS's version, the default conn-max" \
		"$(ipvsadm -Ln | head -n 1)" \
		"IP Virtual Server version 1.2.1 (size=1048576)"
	"$DRLBCTL" config set conn-max 5000
	check_eq "the size follows conn-max" \
		"$(ipvsadm -Ln | head -n 1)" \
		"IP Virtual Server version 1.2.1 (size=5000)"
}

# cfg_timeouts: drlbctl's est, fin, udp timeouts, as ipvsadm lists them.
cfg_timeouts()
{
	"$DRLBCTL" -j config show |
		jq -r '"\(.timeout_tcp_est) \(.timeout_tcp_fin) \(.timeout_udp)"'
}

timeouts()
{
	need_ipvs
	check_eq "the defaults, as ipvsadm lists them" \
		"$(ipvsadm -L --timeout)" "Timeout (tcp tcpfin udp): 900 120 300"
	check "ipvsadm --set 100 50 60" ipvsadm --set 100 50 60
	check_eq "ipvsadm -L --timeout" \
		"$(ipvsadm -L --timeout)" "Timeout (tcp tcpfin udp): 100 50 60"
	check_eq "drlbctl config show" "$(cfg_timeouts)" "100 50 60"
	check "ipvsadm --set 0 0 70: 0 keeps a timeout" ipvsadm --set 0 0 70
	check_eq "only udp changed" "$(cfg_timeouts)" "100 50 70"
	check_fail "a timeout past drlb's longest is refused" \
		ipvsadm --set 3000000 0 0
	check_eq "and changes nothing" "$(cfg_timeouts)" "100 50 70"
}

daemon_refused()
{
	local out rc

	need_ipvs
	out=$(ipvsadm --start-daemon master --mcast-interface lo 2>&1) &&
		rc=0 || rc=$?
	check "--start-daemon fails" test "$rc" -ne 0
	diag "ipvsadm said: $out"
	check_match "and says so" "$out" "."
	check_eq "no daemon listed" "$(ipvsadm -L --daemon)" ""
	check_fail "--stop-daemon finds none" ipvsadm --stop-daemon master
}

flush_and_zero()
{
	need_ipvs
	"$DRLBCTL" restore <<-EOF
		service add tcp 10.0.0.100:80 sched rr
		service add udp 10.0.0.100:53 sched wlc
	EOF
	check_eq "two services made by drlbctl" \
		"$("$DRLBCTL" -j service show | jq ".services | length")" 2
	check_fail "ipvsadm -Z of an unknown service fails" \
		ipvsadm -Z -t 10.9.9.9:80
	check "ipvsadm -Z of one service" ipvsadm -Z -t 10.0.0.100:80
	check "ipvsadm -Z of everything" ipvsadm -Z
	check "ipvsadm -C" ipvsadm -C
	check_eq "drlbctl sees no service" \
		"$("$DRLBCTL" -j service show | jq ".services | length")" 0
}

list_drlbctl_services()
{
	need_ipvs
	"$DRLBCTL" restore <<-EOF
		service add tcp 10.0.0.100:80 sched rr
		server add tcp 10.0.0.100:80 10.0.0.11 weight 1
		server add tcp 10.0.0.100:80 10.0.0.12 weight 3
		service add udp 10.0.0.100:53 sched mh persistent 600 netmask 24
		server add udp 10.0.0.100:53 10.0.0.13 weight 0
		service add fwmark 5 sched wlc persistent 300
		server add fwmark 5 10.0.0.14 weight 2 u-threshold 100 l-threshold 50
		service add udp 10.0.0.101:53 sched sh sched-flags port,fallback onepacket yes
	EOF
	check_eq "ipvsadm -Ln" "$(ipvsadm -Ln | sed 's/ *$//' | sort)" "$(sort <<-EOF
		IP Virtual Server version 1.2.1 (size=1048576)
		Prot LocalAddress:Port Scheduler Flags
		  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
		TCP  10.0.0.100:80 rr
		  -> 10.0.0.11:80                 Route   1      0          0
		  -> 10.0.0.12:80                 Route   3      0          0
		UDP  10.0.0.100:53 mh (mh-port) persistent 600 mask 255.255.255.0
		  -> 10.0.0.13:53                 Route   0      0          0
		FWM  5 wlc persistent 300
		  -> 10.0.0.14:0                  Route   2      0          0
		UDP  10.0.0.101:53 sh (sh-fallback,sh-port) ops
		EOF
	)"
	check_eq "ipvsadm -Ln -t: one service" \
		"$(ipvsadm -Ln -t 10.0.0.100:80 | sed 's/ *$//' | grep -v '^[IP]\|RemoteAddress')" \
		"TCP  10.0.0.100:80 rr
  -> 10.0.0.11:80                 Route   1      0          0
  -> 10.0.0.12:80                 Route   3      0          0"
	check_fail "ipvsadm -Ln of an unknown service" \
		ipvsadm -Ln -t 10.0.0.100:81
	check_eq "ipvsadm -Ln -f: a fwmark service" \
		"$(ipvsadm -Ln -f 5 | sed 's/ *$//' | grep -v '^[IP]\|RemoteAddress')" \
		"FWM  5 wlc persistent 300
  -> 10.0.0.14:0                  Route   2      0          0"
	check_match "ipvsadm -Ln --thresholds" \
		"$(ipvsadm -Ln --thresholds -f 5)" \
		"10\.0\.0\.14:0 +100 +50 +0 +0"
	check_eq "ipvsadm -Ln --stats --exact -t: every counter, unscaled (none yet)" \
		"$(ipvsadm -Ln --stats --exact -t 10.0.0.100:80 | grep -v "^IP \|^Prot\|RemoteAddress" | tr -s ' ')" \
		"TCP 10.0.0.100:80 0 0 0 0 0
 -> 10.0.0.11:80 0 0 0 0 0
 -> 10.0.0.12:80 0 0 0 0 0"
	{ ipvsadm -Ln --stats; ipvsadm -Ln --rate; ipvsadm -Sn; } | sed 's/^/# /'
}

# saved: drlbctl save without its comment and config lines, sorted
# (services come in hash order).
saved()
{
	"$DRLBCTL" save | grep -v '^#\|^config ' | sort
}

ipvsadm_drives()
{
	local file

	need_ipvs
	ipvsadm -A -t 10.0.0.100:80 -s wrr
	ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.11 -g -w 2
	ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1 -x 100 -y 50
	ipvsadm -A -u 10.0.0.100:53 -s mh -b mh-port -p 120 -M 255.255.255.0
	ipvsadm -a -u 10.0.0.100:53 -r 10.0.0.13:53 -g
	ipvsadm -A -f 7 -s sh -b sh-fallback
	ipvsadm -a -f 7 -r 10.0.0.14 -g -w 3
	ipvsadm -A -u 10.0.0.101:53 -s rr -o
	check_eq "ipvsadm -A/-a made them, as drlbctl sees them" "$(saved)" \
		"$(sort <<< "service add tcp 10.0.0.100:80 sched wrr
server add tcp 10.0.0.100:80 10.0.0.11 weight 2
server add tcp 10.0.0.100:80 10.0.0.12 weight 1 u-threshold 100 l-threshold 50
service add udp 10.0.0.100:53 sched mh persistent 120 netmask 24
server add udp 10.0.0.100:53 10.0.0.13 weight 1
service add udp 10.0.0.101:53 sched rr onepacket yes
service add fwmark 7 sched sh sched-flags fallback
server add fwmark 7 10.0.0.14 weight 3")"
	ipvsadm -E -t 10.0.0.100:80 -s wlc -p 60
	ipvsadm -e -t 10.0.0.100:80 -r 10.0.0.11 -g -w 5 -x 10
	ipvsadm -d -t 10.0.0.100:80 -r 10.0.0.12
	ipvsadm -E -u 10.0.0.100:53 -s mh
	ipvsadm -D -u 10.0.0.101:53
	check_eq "ipvsadm -E/-e/-d/-D changed them" "$(saved)" \
		"$(sort <<< "service add tcp 10.0.0.100:80 sched wlc persistent 60
server add tcp 10.0.0.100:80 10.0.0.11 weight 5 u-threshold 10
service add udp 10.0.0.100:53 sched mh sched-flags none
server add udp 10.0.0.100:53 10.0.0.13 weight 1
service add fwmark 7 sched sh sched-flags fallback
server add fwmark 7 10.0.0.14 weight 3")"
	file=$(mktemp)
	defer rm -f "$file"
	ipvsadm -Sn > "$file"
	check "ipvsadm -C" ipvsadm -C
	check_eq "nothing left" "$(saved)" ""
	check "ipvsadm -R" ipvsadm -R < "$file"
	check_eq "ipvsadm -Sn after -R: the same" "$(ipvsadm -Sn)" "$(cat "$file")"
	diag_block "ipvsadm -Sn" 0 "$(cat "$file")"
}

ipvsadm_refusals()
{
	local before out

	need_ipvs
	ipvsadm -A -t 10.0.0.100:80 -s rr
	ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.11 -g
	before=$(saved)
	while IFS='|' read -r what cmd; do
		# shellcheck disable=SC2086 # the words of the command
		if out=$(ipvsadm $cmd 2>&1); then
			tap_fail "$what: refused" "it succeeded"
		else
			tap_ok "$what: refused ($out)"
		fi
	done <<-'EOF'
	masquerading|-a -t 10.0.0.100:80 -r 10.0.0.12 -m
	tunnelling|-a -t 10.0.0.100:80 -r 10.0.0.12 -i
	lblc|-A -t 10.0.0.100:81 -s lblc
	lblcr|-E -t 10.0.0.100:80 -s lblcr
	an unknown scheduler|-A -t 10.0.0.100:81 -s nosuch
	a persistence engine|-A -u 10.0.0.100:5060 -s rr -p 60 --pe sip
	a service twice|-A -t 10.0.0.100:80 -s rr
	a server twice|-a -t 10.0.0.100:80 -r 10.0.0.11 -g
	a weight above 65535|-a -t 10.0.0.100:80 -r 10.0.0.12 -g -w 70000
	a lower threshold above the upper|-a -t 10.0.0.100:80 -r 10.0.0.12 -g -x 5 -y 9
	one-packet scheduling for TCP|-A -t 10.0.0.100:82 -s rr -o
	sh flags on rr|-E -t 10.0.0.100:80 -s rr -b sh-port
	an unknown service|-a -t 10.0.0.100:99 -r 10.0.0.12 -g
	an IPv6 service|-A -t [2001:db8::1]:80 -s rr
	EOF
	check_eq "and nothing changed" "$(saved)" "$before"
}

refuses_ip_vs()
{
	need_ipvs
	kmsg_mark refuses_ip_vs
	check_fail "modprobe ip_vs fails" modprobe ip_vs
	check_fail "ip_vs is not loaded" loaded ip_vs
	check_match "the kernel log says why" "$(kmsg_since refuses_ip_vs)" \
		"drlb_ipvs: refusing to load ip_vs: drlb_ipvs serves the IPVS netlink family"
	check "ipvsadm still talks to drlb_ipvs" ipvsadm -Ln
}

refused_by_ip_vs()
{
	unload_all
	defer unload_all
	drlb_load
	modprobe ip_vs
	kmsg_mark refused_by_ip_vs
	check_fail "insmod drlb_ipvs fails" insmod "$IPVS_KO"
	check_fail "drlb_ipvs is not loaded" loaded drlb_ipvs
	check_match "the kernel log says why" "$(kmsg_since refused_by_ip_vs)" \
		"drlb_ipvs: the IPVS netlink family exists: the kernel's ip_vs is loaded"
	check "ipvsadm talks to ip_vs" ipvsadm -Ln
}

# genl_lookup NAME: resolve a generic netlink family, as ipvsadm and
# keepalived first do (the kernel autoloads its alias' module).
genl_lookup()
{
	genl ctrl get name "$1" >/dev/null 2>&1
}

modprobe_conf()
{
	unload_all
	defer unload_all
	modtree_mount "$DRLB_KO" "$IPVS_KO"

	genl_lookup IPVS
	check "without the file, looking IPVS up loads ip_vs (the control)" \
		loaded ip_vs
	unload_all

	cp "$CONF" /etc/modprobe.d/drlb-ipvs.conf
	defer rm -f /etc/modprobe.d/drlb-ipvs.conf
	genl_lookup IPVS
	check "with it, looking IPVS up loads drlb_ipvs" loaded drlb_ipvs
	check_fail "and not ip_vs" loaded ip_vs
	unload_all
	check "modprobe ip_vs" modprobe ip_vs
	check "loads drlb_ipvs" loaded drlb_ipvs
	check_fail "not ip_vs" loaded ip_vs
	check_fail "modprobe ip_vs_rr fails (it needs ip_vs)" modprobe ip_vs_rr
	check_fail "ip_vs is still not loaded" loaded ip_vs
	unload_all
	check_eq "ipvsadm with nothing loaded" "$(ipvsadm -Ln | head -n 1)" \
		"IP Virtual Server version 1.2.1 (size=1048576)"
	check "drlb_ipvs answered it" loaded drlb_ipvs
	check_fail "ip_vs never loaded" loaded ip_vs
}

tests_run
