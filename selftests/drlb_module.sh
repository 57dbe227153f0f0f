#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifetime: load/unload cycles, version agreement, genl family
# autoload, per-namespace state across netns creation and deletion.

source "$(dirname "$0")/lib/lib.sh"
require_root

want_version=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$TOP/dkms.conf")

# -- load/unload x20 (x5 on the debug kernel)
n=$(rounds 20 5)
drlb_unload
drlb_deps
fails=0
for i in $(seq "$n"); do
	insmod "$DRLB_KO" || fails=$((fails + 1))
	drlb_loaded || fails=$((fails + 1))
	"$DRLBCTL" config show >/dev/null || fails=$((fails + 1))
	rmmod drlb || fails=$((fails + 1))
	! drlb_loaded || fails=$((fails + 1))
done
check_eq "module loads, answers and unloads $n times" "$fails" 0

# -- versions
drlb_load
check_eq "modinfo version is dkms.conf's" \
	"$(modinfo -F version "$DRLB_KO")" "$want_version"
out=$("$DRLBCTL" version 2>&1)
check_match "drlbctl version shows the tool's version" "$out" \
	"^drlbctl $want_version \(api [0-9]+\)$"
check_match "drlbctl version shows the module's version" "$out" \
	"^drlb module $want_version \(api [0-9]+\)$"
check_eq "no version-mismatch warning" \
	"$(printf '%s\n' "$out" | grep -c warning)" 0
json=$("$DRLBCTL" -j version)
check_eq "drlbctl -j version: module version" \
	"$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["module"]["version"])')" \
	"$want_version"

# -- without the module: a clear hint, non-zero exit
drlb_unload
out=$("$DRLBCTL" config show 2>&1) && rc=0 || rc=$?
check_eq "without the module drlbctl fails" "$rc" 1
check_match "without the module drlbctl says modprobe drlb" "$out" "modprobe drlb"

# -- genl family autoload through MODULE_ALIAS_GENL_FAMILY: the alias is in
#    the module, and the kernel asks modprobe for it when drlbctl resolves
#    the family. (A wrapper stands in for modprobe: depmod over the whole
#    module tree takes minutes under TCG.)
alias=net-pf-16-proto-16-family-drlb
check_match "module carries the genl family alias" \
	"$(modinfo -F alias "$DRLB_KO")" "^$alias$"
wrapper=$(mktemp)
defer rm -f "$wrapper"
cat > "$wrapper" <<WRAP
#!/bin/sh
echo "\$@" >> $wrapper.log
for a; do [ "\$a" = $alias ] && exec insmod $DRLB_KO; done
exec /sbin/modprobe "\$@"
WRAP
chmod +x "$wrapper"
old_modprobe=$(cat /proc/sys/kernel/modprobe)
echo "$wrapper" > /proc/sys/kernel/modprobe
defer sh -c "echo $old_modprobe > /proc/sys/kernel/modprobe"
check "drlbctl autoloads the module by genl family name" "$DRLBCTL" config show
check "module is loaded after autoload" drlb_loaded
check_match "the kernel asked modprobe for the family alias" \
	"$(cat "$wrapper.log" 2>/dev/null)" "$alias"
echo "$old_modprobe" > /proc/sys/kernel/modprobe
drlb_unload

# -- per-netns state across netns create/delete x20 (x5 debug), module stays loaded
drlb_load
"$DRLBCTL" config set conn-max 4242
bad=0
for i in $(seq "$n"); do
	setup_ns ns
	dctl "$ns" config set conn-max "$((1000 + i))" mh-seed "$i" || bad=$((bad + 1))
	got=$(dctl "$ns" config show | sed -n 's/^conn-max //p')
	[ "$got" = $((1000 + i)) ] || bad=$((bad + 1))
	ip netns del "$ns" || bad=$((bad + 1))
done
check_eq "$n namespaces with their own settings created and deleted" "$bad" 0
check_eq "init namespace's settings untouched by other namespaces" \
	"$("$DRLBCTL" config show | sed -n 's/^conn-max //p')" 4242
setup_ns fresh
check_eq "a new namespace starts with defaults" \
	"$(dctl "$fresh" config show | sed -n 's/^conn-max //p')" 1048576
check "module still loaded" drlb_loaded

# -- unload while namespaces hold state, then reload: defaults again
setup_ns keep
dctl "$keep" config set conn-max 777
check "unload while a namespace holds state" rmmod drlb
drlb_load
check_eq "after reload the namespace has defaults" \
	"$(dctl "$keep" config show | sed -n 's/^conn-max //p')" 1048576
