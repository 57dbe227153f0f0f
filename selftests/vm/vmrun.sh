#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmrun.sh - run a command as root in a throwaway qemu VM that boots an
# installed Debian kernel (or a kernel we built, such as the debug kernel of
# selftests/debug/build-kernel.sh), so that tests can load modules into it.
#
# Design:
#  - qemu (TCG, no network) boots /boot/vmlinuz-KVER with a tiny busybox
#    initramfs (mkinitramfs.sh, cached in build/vm/KVER/).  Its /init (./init)
#    mounts the host's root filesystem read-only over virtio-9p, with a tmpfs
#    overlay on top: the guest sees the host's programs and /lib/modules, can
#    write anywhere, and every write is thrown away.  The source tree, and
#    OUTDIR if it is outside the tree, are read-write 9p shares mounted at
#    their host paths.
#  - A kernel we built (-K IMAGE -M MODROOT, or -k debug) is not in the
#    host's /lib/modules: its MODROOT/lib/modules/REL (from `make
#    modules_install INSTALL_MOD_PATH=MODROOT`) is a read-only share mounted
#    on the guest's /lib/modules/REL, so modprobe of built-ins works there.
#  - ./guest.sh, run from the tree as PID 1, runs the command on the first
#    serial port (stdio here, saved in OUTDIR/console.log) and copies its
#    output to OUTDIR/output.log.  The kernel console is the second serial
#    port (OUTDIR/kernel.log), so kernel messages never mix with the output.
#  - The verdict is read from files the guest writes into OUTDIR (exitcode,
#    dmesg, boottime), never scraped from the console.  Then dmesg is gated
#    on the patterns in ./dmesg-gate.
#
# Exit status: the command's if it ran; 124 guest timed out; 125 guest died
# without a verdict; 3 the command passed but the dmesg gate failed; 2 usage
# or setup error.

set -euo pipefail

# The dmesg gate's patterns, and the lines it ignores: ./dmesg-gate.

export PATH=$PATH:/usr/sbin:/sbin
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
tree=$(cd "$here/../.." && pwd -P)

usage()
{
	cat >&2 <<EOF
usage: vmrun.sh -k KVER [-o OUTDIR] [-t TIMEOUT_SECS] [-m MEM_MB] [-c CPUS]
                [--shell|--systemd|--systemd-boot] [--state FILE]
                [--no-dmesg-gate] [-- COMMAND STRING...]
       vmrun.sh -K IMAGE -M MODROOT [options...] [-- COMMAND STRING...]

  -k KVER          installed Debian kernel release, or 6.1 / 6.12 (newest match),
                   or "debug": the kernel of selftests/debug/build-kernel.sh
  -K IMAGE         boot this kernel image (an ELF vmlinux with CONFIG_PVH, or a
                   bzImage) instead of /boot/vmlinuz-KVER ...
  -M MODROOT       ... whose modules_install output is MODROOT/lib/modules/REL
  -o OUTDIR        where console.log, kernel.log, output.log, dmesg and
                   exitcode go (default: $tree/build/vm-out/KVER)
  -t SECS          kill the guest after SECS seconds (default 900)
  -m MB            guest memory (default 1024; 2048 for -k debug: KASAN
                   takes 1/8 for its shadow, kmemleak and lockdep more)
  -c CPUS          guest CPUs (default \$VMRUN_SMP, else 2). VMs side by side
                   on a host CPU each want 1: under TCG two vCPUs sharing one
                   host CPU wait on each other (a process exec measured 2-5
                   times slower than with one vCPU, see docs/testing.md)
  --shell          interactive root shell on the console instead of COMMAND
  --no-dmesg-gate  do not fail on kernel warnings in dmesg (debugging only)
  --systemd        boot systemd as PID 1 (the host's /lib/systemd/systemd),
                   which runs COMMAND as the one unit it boots to; nothing
                   else of the host's configuration is started
  --systemd-boot   boot systemd to its default target, as a machine does
                   (what the host enables is masked, what an earlier boot
                   enabled is not), and run COMMAND once it is reached
  --state FILE     keep the root filesystem's changes across boots, like a
                   disk: restored from FILE (in OUTDIR or the tree) at boot
                   if it exists, saved to it when COMMAND ends

COMMAND (all words joined by spaces) runs as root under bash in the guest,
cwd $tree, with STRESS_ITERS, FUZZ_COUNT, VERBOSE, KSFT_TIMEOUT,
KSFT_TIMEOUT_MULT and TESTS (the cases to run) as set here.  VMRUN_APPEND
adds to the guest kernel command line.
Exit status: COMMAND's; 124 timeout; 125 guest died without a verdict;
3 dmesg gate failed; 2 usage or setup error.
EOF
	exit 2
}

die()
{
	echo "vmrun: $*" >&2
	exit 2
}

kver=
image=
modroot=
outdir=
timeout=900
mem=
smp=${VMRUN_SMP:-2}
shell=0
systemd=0
state=
debug=0
gate=1
while [ $# -gt 0 ]; do
	case "$1" in
	-k|-o|-t|-m|-K|-M|-c|--state)
		[ $# -ge 2 ] || usage
		case "$1" in
		-k) kver=$2 ;;
		-K) image=$2 ;;
		-M) modroot=$2 ;;
		-o) outdir=$2 ;;
		-t) timeout=$2 ;;
		-m) mem=$2 ;;
		-c) smp=$2 ;;
		--state) state=$2 ;;
		esac
		shift 2
		;;
	--shell)		shell=1; shift ;;
	--systemd)		systemd=1; shift ;;
	--systemd-boot)		systemd=2; shift ;;
	--no-dmesg-gate)	gate=0; shift ;;
	--)			shift; break ;;
	*)			usage ;;
	esac
done
cmd="$*"
[[ $smp =~ ^[1-9][0-9]?$ ]] || die "-c: a CPU count (1..99), not '$smp'"

[ $shell = 1 ] || [ -n "$cmd" ] || usage
# The guest has an environment of its own: the tests' knobs set on the host
# (STRESS_ITERS=10 make check-stress, ...) are handed to COMMAND.
# TESTS (the cases to run) may hold several words.
for v in STRESS_ITERS FUZZ_COUNT VERBOSE KSFT_TIMEOUT KSFT_TIMEOUT_MULT TESTS; do
	if [ -z "${!v:-}" ] || [ -z "$cmd" ]; then
		continue
	fi
	[[ ${!v} =~ ^[A-Za-z0-9._\ -]+$ ]] ||
		die "$v='${!v}': only letters, digits, spaces, '.', '_' and '-' can be handed to the guest"
	cmd="$v=$(printf %q "${!v}") $cmd"
done
[ -n "$mem" ] || { [ "$kver" = debug ] && mem=2048 || mem=1024; }
[[ $timeout =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ ]] || usage

if [ "$kver" = debug ]; then
	[ -z "$image$modroot" ] || usage
	dk=$tree/build/debug-kernel
	image=$dk/linux-source-6.12/vmlinux
	modroot=$dk/mods
	if [ ! -e "$dk/stamp" ] || [ ! -e "$image" ]; then
		die "no debug kernel in $dk: run selftests/debug/build-kernel.sh"
	fi
	kver=
	debug=1
fi
if [ -n "$image$modroot" ]; then
	# A kernel we built: its release is the one directory in MODROOT.
	if [ -z "$image" ] || [ -z "$modroot" ] || [ -n "$kver" ]; then
		usage
	fi
	[ -r "$image" ] || die "cannot read $image"
	modroot=$(cd "$modroot" && pwd -P) || die "no directory $modroot"
	rels=("$modroot"/lib/modules/*/modules.builtin)
	if [ ${#rels[@]} != 1 ] || [ ! -e "${rels[0]}" ]; then
		die "$modroot must hold exactly one lib/modules/REL with modules.builtin"
	fi
	kver=$(basename "$(dirname "${rels[0]}")")
	moddir=$modroot/lib/modules/$kver
else
	[ -n "$kver" ] || usage
	kver=$("$tree/scripts/kver.sh" "$kver") || exit 2
	image=/boot/vmlinuz-$kver
	[ -r "$image" ] || die "cannot read $image (run as root?)"
	[ -d "/lib/modules/$kver/kernel" ] ||
		die "/lib/modules/$kver missing (install linux-image-$kver)"
	moddir=
fi
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found (install qemu-system-x86)"

outdir=${outdir:-$tree/build/vm-out/$kver}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd -P)
if [ -n "$state" ]; then
	state=$(cd "$(dirname "$state")" && echo "$(pwd -P)/$(basename "$state")") ||
		die "--state: no directory for $state"
	case "$state" in
	"$tree"/*|"$outdir"/*) ;;
	*) die "--state: $state is neither in the tree nor in OUTDIR ($outdir)" ;;
	esac
	append_state=" vmrun.state=$state"
fi
for p in "$tree" "$outdir" $moddir $state; do
	[[ $p =~ ^[-A-Za-z0-9_./+@%=:]+$ ]] ||
		die "unsupported character in path '$p' (no spaces or commas)"
done

cache=$tree/build/vm/$kver
initrd=$cache/initramfs.cpio
mkdir -p "$cache" || exit 2
# VMs of one kernel may start side by side (check.sh, check-debug.sh): one
# at a time (re)builds the cached initramfs and vmlinux, the others wait.
exec 9> "$cache/.lock"
flock 9
"$here/mkinitramfs.sh" "$kver" "$initrd" ${modroot:+"$modroot"} || exit 2
kernel=$image
if [ -z "$moddir" ]; then
	"$here/mkvmlinux.sh" "$kver" "$cache/vmlinux" && kernel=$cache/vmlinux
fi
exec 9>&-

rm -f "$outdir"/{console.log,kernel.log,output.log,dmesg,exitcode,boottime}
printf '%s\n' "$cmd" > "$outdir/command"

# The kernel's stall detectors time by the clock, and under TCG on a
# loaded host (CI builds the debug kernel beside the VMs) the vCPU can
# stop for seconds while the clock runs on, the debug kernel being ten
# times slower besides: an RCU CPU stall (21 s by default), a soft lockup
# (twice watchdog_thresh, 20 s) or a task blocked for 120 s can then be
# the host's doing, and fail the dmesg gate with every test passed. Their
# thresholds are raised (VMRUN_APPEND can set them again); a real stall
# or deadlock lasts, and still shows.
stall="rcupdate.rcu_cpu_stall_timeout=60 watchdog_thresh=30"
# no_timer_check: under a loaded host, TCG can make the IO-APIC timer
# check fail at boot ("IO-APIC + timer doesn't work", a panic before any
# test ran, seen once under load 14); the check is meaningless in a VM.
append="console=ttyS1 panic=-1 no_timer_check $stall ${VMRUN_APPEND:-} vmrun.tree=$tree vmrun.out=$outdir${append_state:-}"
# acpi=noirq for the debug kernel: under KASAN and TCG the AML interpreter
# runs the i440fx _PRT method (PCI interrupt routing) into ACPI's 30 s loop
# timeout three times (AE_AML_LOOP_TIMEOUT), 100 of its 118 s of boot. Its
# virtio devices use MSI-X, and the PIRQ table covers the rest.
# VMRUN_ACPI_NOIRQ=0 leaves it out (to compare).
[ $debug = 0 ] || [ "${VMRUN_ACPI_NOIRQ:-1}" = 0 ] || append+=" acpi=noirq"
# VMRUN_QEMU_ARGS: more qemu options, e.g. "-icount shift=0" (guest time
# counts instructions: rates measured in the guest become the CPU work
# per packet, whatever else the host runs; selftests/bench/egress.sh).
# shellcheck disable=SC2206 # options, split at spaces
qemu=(qemu-system-x86_64 -accel tcg -smp "$smp" -m "$mem" ${VMRUN_QEMU_ARGS:-}
	-nodefaults -no-user-config -display none -no-reboot -nic none
	-kernel "$kernel" -initrd "$initrd"
	-virtfs "local,path=/,mount_tag=vmrun_root,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$tree,mount_tag=vmrun_tree,security_model=none,multidevs=remap")
if [ -n "$moddir" ]; then
	qemu+=(-virtfs "local,path=$moddir,mount_tag=vmrun_mods,security_model=none,readonly=on,multidevs=remap")
	append+=" vmrun.mods=1"
fi
case "$outdir/" in
"$tree"/*) ;;
*)
	qemu+=(-virtfs "local,path=$outdir,mount_tag=vmrun_out,security_model=none,multidevs=remap")
	append+=" vmrun.outshare=1"
	;;
esac

if [ $shell = 1 ]; then
	append+=" vmrun.mode=shell vmrun.term=${TERM:-vt100}"
	size=$(stty size 2>/dev/null) && append+=" vmrun.size=${size/ /x}"
	echo "vmrun: booting $kver, Ctrl-A x kills the VM" >&2
	exec "${qemu[@]}" -append "$append" \
		-chardev "stdio,id=con,mux=on,signal=off,logfile=$outdir/console.log" \
		-serial chardev:con -mon chardev=con -serial "file:$outdir/kernel.log"
fi

# systemd as PID 1 (init: it boots to the unit that runs COMMAND, or to
# its default target, then COMMAND).
[ $systemd = 1 ] && append+=" vmrun.mode=systemd"
[ $systemd = 2 ] && append+=" vmrun.mode=systemd-boot"
start=$(date +%s.%N)
rc=0
timeout --foreground -k 10 "$timeout" "${qemu[@]}" -append "$append" \
	-chardev "stdio,id=con,logfile=$outdir/console.log" \
	-serial chardev:con -serial "file:$outdir/kernel.log" </dev/null || rc=$?

if [ -e "$outdir/boottime" ]; then
	awk -v host="$(date -r "$outdir/boottime" +%s.%N)" -v start="$start" \
	    -v kver="$kver" '{
		printf "vmrun: %s booted in %.1fs (guest uptime %.1fs)\n",
		       kver, host - start, $1 }' "$outdir/boottime" >&2
fi

if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "vmrun: guest timed out after $timeout s (kernel log: $outdir/kernel.log)" >&2
	exit 124
fi
if [ ! -s "$outdir/exitcode" ] || [ ! -e "$outdir/dmesg" ]; then
	echo "vmrun: guest died without a verdict (qemu exit $rc), last console lines:" >&2
	tail -n 50 "$outdir/console.log" >&2 || true
	echo "vmrun: last kernel console lines ($outdir/kernel.log):" >&2
	tail -n 50 "$outdir/kernel.log" >&2 || true
	exit 125
fi
rc=$(cat "$outdir/exitcode")

if [ $gate = 1 ] &&
   hits=$(grep -v -F -f <(sed -n 's/^ignore //p' "$here/dmesg-gate") "$outdir/dmesg" |
	  grep -n -F -C 5 -f <(grep -v -e '^#' -e '^$' -e '^ignore ' "$here/dmesg-gate")); then
	echo "vmrun: dmesg gate FAILED ($outdir/dmesg):" >&2
	echo "$hits" >&2
	[ "$rc" != 0 ] || rc=3
fi
exit "$rc"
