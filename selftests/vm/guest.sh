#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 2 of the vmrun guest: PID 1 after switch_root (see init), running
# from the source tree shared by the host.
#
#   guest.sh run OUTDIR     run OUTDIR/command, then write OUTDIR/boottime,
#                           output.log, dmesg and exitcode (and save the
#                           root's changes for vmrun.state=) and power off
#   guest.sh shell OUTDIR   interactive root shell on the serial console
#
# stdin/stdout/stderr are the serial console ttyS0 (the kernel logs to ttyS1).

mode=$1
out=$2
tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DRLB_KVER=$(uname -r)
export HOME=/root DRLB_IN_VM=1 DRLB_KVER TERM=dumb
unset LANG LC_ALL

poweroff()
{
	sync
	busybox poweroff -f
	echo o > /proc/sysrq-trigger
	sleep 60
}

# Terminal type and size of the host terminal, from the kernel command line.
shell_term()
{
	local arg

	for arg in $(< /proc/cmdline); do
		case "$arg" in
		vmrun.term=*)	export TERM=${arg#*=} ;;
		vmrun.size=*)	arg=${arg#*=}; stty rows "${arg%x*}" cols "${arg#*x}" ;;
		esac
	done
}

run()
{
	local rc uptime

	cd "$tree" || return 125
	read -r uptime _ < /proc/uptime
	echo "$uptime" > "$out/boottime"

	# A pty keeps the command's stdout line-buffered while it is copied
	# live to the console and to output.log.
	script -q -e -c "stty -onlcr; exec bash $(printf %q "$out/command") </dev/null" \
		/dev/null | tee "$out/output.log"
	rc=${PIPESTATUS[0]}

	save_state
	dmesg > "$out/dmesg"
	echo "$rc" > "$out/exitcode"
}

# vmrun.state=FILE: this boot's changes to the root (the overlay's upper
# directory, bound by init), for the next boot's init to restore. Not the
# whiteouts (character devices 0:0): a restore writes through an overlay.
save_state()
{
	local arg

	for arg in $(< /proc/cmdline); do
		case "$arg" in
		vmrun.state=*)
			(cd /run/vmrun/upper && find . -mindepth 1 ! -type c -print0 |
				tar --null --no-recursion -T - -cf "${arg#*=}") ||
				echo "vmrun: cannot save the root's changes to ${arg#*=}"
			;;
		esac
	done
}

if [ "$mode" = shell ]; then
	shell_term
	cd "$tree" || cd /
	echo "vmrun: root shell in the guest, exit (or poweroff -f) to stop the VM"
	setsid -c -w bash -l
else
	stty -onlcr 2>/dev/null || :
	run
fi
poweroff
