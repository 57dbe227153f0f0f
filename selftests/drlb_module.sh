#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifetime: load/unload cycles, version agreement, genl family
# autoload, per-namespace state across netns creation and deletion.
#
# Under TCG every exec costs 0.1-0.3 s: the cycles run in one perl process
# each (init_module/delete_module and unshare(CLONE_NEWNET) are system
# calls there, as in insmod, rmmod and unshare), so an iteration execs only
# drlbctl.

source "$(dirname "$0")/lib/lib.sh"
require_root

ALL_TESTS="
	load_unload_cycles
	versions_agree
	no_module_hint
	genl_family_autoload
	netns_own_settings
	unload_with_netns_state
"

command -v perl >/dev/null || skip_all "perl missing"
want_version=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$TOP/dkms.conf")
n=$(rounds 20 5)
default_conn_max=1048576

# need_module: the module loaded for this case, unloaded when it ends.
need_module()
{
	defer drlb_unload
	drlb_load
}

# conf_get KEY TEXT: KEY's value in TEXT, the output of config show.
conf_get()
{
	local line

	while IFS= read -r line; do
		if [[ $line == "$1 "* ]]; then
			printf '%s\n' "${line#"$1 "}"
			return 0
		fi
	done <<< "$2"
	return 1
}

# has_match TEXT REGEX: a line of TEXT matches REGEX (ERE), without grep.
has_match()
{
	local line

	while IFS= read -r line; do
		[[ $line =~ $2 ]] && return 0
	done <<< "$1"
	return 1
}

# check_line DESCRIPTION TEXT REGEX: check_match without its grep.
check_line()
{
	local lines

	if has_match "$2" "$3"; then
		tap_ok "$1"
	else
		mapfile -t lines <<< "$2"
		tap_fail "$1" "no line matches /$3/ in:" "${lines[@]}"
	fi
}

# -- load/unload x20 (x5 on the debug kernel)
load_unload_cycles()
{
	local fails

	drlb_unload
	drlb_deps
	defer drlb_unload
	# Prints the number of failed steps; what failed goes to stderr.
	fails=$(perl - "$DRLB_KO" "$DRLBCTL" "$n" <<-'EOF'
		use strict;
		require "syscall.ph";
		my ($ko, $ctl, $n) = @ARGV;
		my ($params, $name, $fails) = ("", "drlb", 0);
		open(my $fh, "<:raw", $ko) or die "$ko: $!\n";
		my $image = do { local $/; <$fh> };
		close($fh);
		sub fail { print STDERR "# cycle $_[0]: $_[1]\n"; $fails++; }
		for my $i (1 .. $n) {
			syscall(&SYS_init_module, $image, length($image), $params) == 0 or
				fail($i, "init_module: $!");
			-d "/sys/module/drlb" or fail($i, "not loaded");
			open(my $show, "-|", $ctl, "config", "show") or die "$ctl: $!\n";
			my @out = <$show>;
			close($show) && @out or fail($i, "drlbctl config show: exit $?");
			# O_NONBLOCK, as rmmod.
			syscall(&SYS_delete_module, $name, 04000) == 0 or
				fail($i, "delete_module: $!");
			-d "/sys/module/drlb" and fail($i, "still loaded");
		}
		print "$fails\n";
	EOF
	)
	check_eq "module loads, answers and unloads $n times" "$fails" 0
}

versions_agree()
{
	local out json lines

	need_module
	check_eq "modinfo version is dkms.conf's" \
		"$(modinfo -F version "$DRLB_KO")" "$want_version"
	out=$("$DRLBCTL" version 2>&1)
	check_line "drlbctl version shows the tool's version" "$out" \
		"^drlbctl $want_version \(api [0-9]+\)$"
	check_line "drlbctl version shows the module's version" "$out" \
		"^drlb module $want_version \(api [0-9]+\)$"
	if has_match "$out" warning; then
		mapfile -t lines <<< "$out"
		tap_fail "no version-mismatch warning" "${lines[@]}"
	else
		tap_ok "no version-mismatch warning"
	fi
	json=$("$DRLBCTL" -j version)
	check_eq "drlbctl -j version: module version" \
		"$(jq -r .module.version <<< "$json")" "$want_version"
}

# -- without the module: a clear hint, non-zero exit
no_module_hint()
{
	local out rc

	drlb_unload
	out=$("$DRLBCTL" config show 2>&1) && rc=0 || rc=$?
	check_eq "without the module drlbctl fails" "$rc" 1
	check_line "without the module drlbctl says modprobe drlb" "$out" "modprobe drlb"
}

# set_modprobe PATH: the program the kernel runs for request_module().
set_modprobe()
{
	echo "$1" > /proc/sys/kernel/modprobe
}

# -- genl family autoload through MODULE_ALIAS_GENL_FAMILY: the alias is in
#    the module, and the kernel asks modprobe for it when drlbctl resolves
#    the family. (A wrapper stands in for modprobe: depmod over the whole
#    module tree takes minutes under TCG.)
genl_family_autoload()
{
	local alias=net-pf-16-proto-16-family-drlb dir log asked=

	check_line "module carries the genl family alias" \
		"$(modinfo -F alias "$DRLB_KO")" "^$alias$"
	drlb_unload
	drlb_deps
	defer drlb_unload
	dir=$(mktemp -d)
	defer rm -rf "$dir"
	log=$dir/modprobe.log
	cat > "$dir/modprobe" <<-EOF
		#!/bin/sh
		echo "\$@" >> $log
		for a; do [ "\$a" = $alias ] && exec insmod $DRLB_KO; done
		exec /sbin/modprobe "\$@"
	EOF
	chmod +x "$dir/modprobe"
	defer set_modprobe "$(< /proc/sys/kernel/modprobe)"
	set_modprobe "$dir/modprobe"
	check "drlbctl autoloads the module by genl family name" "$DRLBCTL" config show
	check "module is loaded after autoload" drlb_loaded
	[ -r "$log" ] && asked=$(< "$log")
	check_line "the kernel asked modprobe for the family alias" "$asked" "$alias"
}

# -- per-netns state across netns create/delete x20 (x5 debug), module
#    stays loaded
netns_own_settings()
{
	local bad

	need_module
	defer "$DRLBCTL" config set conn-max \
		"$(conf_get conn-max "$("$DRLBCTL" config show)")"
	"$DRLBCTL" config set conn-max 4242
	# Each round: a new netns (unshare; the last one's goes with it), its
	# own settings set and read back. Prints the number of failures.
	bad=$(perl - "$DRLBCTL" "$n" <<-'EOF'
		use strict;
		require "syscall.ph";
		my ($ctl, $n) = @ARGV;
		my $CLONE_NEWNET = 0x40000000;
		my $bad = 0;
		sub fail { print STDERR "# netns $_[0]: $_[1]\n"; $bad++; }
		for my $i (1 .. $n) {
			if (syscall(&SYS_unshare, $CLONE_NEWNET) != 0) {
				fail($i, "unshare: $!");
				next;
			}
			system($ctl, "config", "set", "conn-max", 1000 + $i,
			       "mh-seed", $i) == 0 or fail($i, "config set: exit $?");
			open(my $show, "-|", $ctl, "config", "show") or die "$ctl: $!\n";
			my ($got) = map { /^conn-max (\d+)$/ ? $1 : () } <$show>;
			close($show);
			($got // "none") eq 1000 + $i or
				fail($i, "conn-max " . ($got // "none"));
		}
		print "$bad\n";
	EOF
	)
	check_eq "$n namespaces with their own settings created and deleted" "$bad" 0
	check_eq "init namespace's settings untouched by other namespaces" \
		"$(conf_get conn-max "$("$DRLBCTL" config show)")" 4242
	check_eq "a new namespace starts with defaults" \
		"$(conf_get conn-max "$(unshare -n "$DRLBCTL" config show)")" \
		"$default_conn_max"
	check "module still loaded" drlb_loaded
}

# -- unload while namespaces hold state, then reload: defaults again
unload_with_netns_state()
{
	local keep

	need_module
	setup_ns keep
	nse "$keep" "$DRLBCTL" config set conn-max 777
	check "unload while a namespace holds state" rmmod drlb
	drlb_load
	check_eq "after reload the namespace has defaults" \
		"$(conf_get conn-max "$(nse "$keep" "$DRLBCTL" config show)")" \
		"$default_conn_max"
}

tests_run
