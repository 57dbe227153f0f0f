#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - build the drlb debug kernel (KASAN, KFENCE, UBSAN,
# lockdep, debug objects, kmemleak, net ref trackers) from Debian's
# linux-source-6.12, for selftests/vm/vmrun.sh -k debug.
#
#   selftests/debug/build-kernel.sh           build (or reuse) the kernel
#   selftests/debug/build-kernel.sh --kdir    ... and print its tree (KDIR)
#   selftests/debug/build-kernel.sh --release ... and print its release
#
# The configuration is allnoconfig + ./config + ../config (the selftests'
# options, =m turned into =y; an option both set is taken from ./config,
# which keeps IPVS a module), merged with the
# kernel's scripts/kconfig/merge_config.sh; then every option requested by
# the fragments is looked up in the final .config and the build fails with
# the list of those kconfig dropped or changed.
#
# Layout, under build/debug-kernel/:
#   linux-source-6.12/   the tree (in-tree build: it is also the KDIR for
#                        `make module KDIR=...`), vmlinux, bzImage
#   mods/lib/modules/REL modules_install output (modules.builtin, ...):
#                        the VM mounts it on /lib/modules/REL
#   stamp                hash of (source package version, fragments, the
#                        build recipe); the build is skipped when it is
#                        unchanged, and incremental when it is not
#   build.log            the last build's output
#
# JOBS (default: number of CPUs) sets make -j.

set -euo pipefail

# Bump when the recipe below changes in a way that needs a rebuild.
RECIPE=1
SRC_PKG=linux-source-6.12
TARBALL=/usr/src/linux-source-6.12.tar.xz

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/debug-kernel
tree=$out/linux-source-6.12
mods=$out/mods
jobs=${JOBS:-$(nproc)}

print=
case "${1:-}" in
--kdir)		print=kdir ;;
--release)	print=release ;;
"")		;;
*)		echo "usage: build-kernel.sh [--kdir|--release]" >&2; exit 2 ;;
esac

log()
{
	echo "debug-kernel: $*" >&2
}

die()
{
	log "$*"
	exit 1
}

finish()
{
	case "$print" in
	kdir)		echo "$tree" ;;
	release)	cat "$tree/include/config/kernel.release" ;;
	esac
	exit 0
}

# Build dependencies (also in scripts/install-deps.sh, so CI has them).
deps=("$SRC_PKG" build-essential bc bison flex libelf-dev libssl-dev cpio
      xz-utils kmod)
missing=()
for p in "${deps[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] ||
		die "missing packages, as root: apt-get install ${missing[*]}"
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install failed"
fi
[ -r "$TARBALL" ] || die "$TARBALL missing (reinstall $SRC_PKG)"
srcver=$(dpkg-query -W -f='${Version}' "$SRC_PKG")

# The merged fragment: the selftests' options first, ours override.
mkdir -p "$out"
frag=$out/fragment.config
{
	echo "# from selftests/config (=m made =y; options ./config sets left out)"
	# shellcheck disable=SC2016
	awk 'NR == FNR {
		if (match($0, /^(# )?CONFIG_[A-Za-z0-9_]+/)) {
			sym = substr($0, RSTART, RLENGTH); sub(/^# /, "", sym)
			ours[sym] = 1
		}
		next
	}
	{
		sym = $0; sub(/^# /, "", sym); sub(/[= ].*/, "", sym)
		if (sym in ours)
			next
		sub(/=m$/, "=y")
		print
	}' "$here/config" "$here/../config"
	echo "# from selftests/debug/config"
	cat "$here/config"
} > "$frag.new"
mv "$frag.new" "$frag"

stamp=$(printf '%s\n' "recipe $RECIPE" "$SRC_PKG $srcver" \
	"$(sha256sum < "$frag")" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ] &&
   [ -e "$tree/vmlinux" ] && [ -e "$tree/include/config/kernel.release" ] &&
   [ -d "$mods/lib/modules/$(cat "$tree/include/config/kernel.release")" ]; then
	log "up to date ($SRC_PKG $srcver, stamp ${stamp:0:12})"
	finish
fi
rm -f "$out/stamp"

# A tree from another source version is thrown away; one from the same
# version is reconfigured and rebuilt incrementally.
if [ -d "$tree" ] && [ "$(cat "$out/srcver" 2>/dev/null)" != "$srcver" ]; then
	log "source changed: removing the old tree"
	rm -rf "$tree" "$mods"
fi
if [ ! -d "$tree" ]; then
	log "extracting $TARBALL"
	rm -rf "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -C "$tree.tmp" -xf "$TARBALL"
	mv "$tree.tmp/linux-source-6.12" "$tree"
	rmdir "$tree.tmp"
	echo "$srcver" > "$out/srcver"
fi

start=$SECONDS
exec 3>&2
exec >"$out/build.log" 2>&1
trap 'exec 2>&3; log "FAILED, last lines of $out/build.log:"; tail -n 30 "$out/build.log" >&2' ERR

cd "$tree"
log "configuring: allnoconfig + $frag" 2>&3
# -n: allnoconfig as the base, the fragment's values forced on top.
ARCH=x86_64 scripts/kconfig/merge_config.sh -n "$frag"

# Every option a fragment asks for must be in the final .config as asked.
dropped=$(
	grep -E '^(CONFIG_[A-Za-z0-9_]+=.*|# CONFIG_[A-Za-z0-9_]+ is not set)$' "$frag" |
	while IFS= read -r want; do
		if [[ $want == "# "* ]]; then
			sym=${want#\# }; sym=${sym%% *}
			grep -q "^$sym=" .config && echo "  $want  (got: $(grep "^$sym=" .config))"
		else
			sym=${want%%=*}
			grep -qxF "$want" .config ||
				echo "  $want  (got: $(grep -E "^$sym=|^# $sym is not set" .config || echo 'absent'))"
		fi
	done
) || true
if [ -n "$dropped" ]; then
	exec 2>&3
	trap - ERR
	log "kconfig did not keep these requested options:"
	echo "$dropped" >&2
	exit 1
fi

log "building $(make -s kernelrelease) with -j$jobs (log: $out/build.log)" 2>&3
make -j"$jobs" ARCH=x86_64 all
rm -rf "$mods"
make ARCH=x86_64 INSTALL_MOD_PATH="$mods" modules_install
rel=$(cat include/config/kernel.release)
[ -e "$mods/lib/modules/$rel/modules.builtin" ] ||
	{ echo "modules_install made no modules.builtin"; false; }
trap - ERR
exec 2>&3
echo "$stamp" > "$out/stamp"
log "built $rel in $((SECONDS - start)) s"
finish
