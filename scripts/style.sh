#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# style.sh - make style: drlb's style gates. Any report fails.
#
#   - checkpatch: the kernel's checkpatch.pl --strict (from Debian's
#     linux-source-6.12, extracted once into build/checkpatch/) over kmod/,
#     include/uapi/linux/drlb.h and every C file of userspace/ (tests/ and
#     fuzz/ too)
#   - shellcheck -x, with the top-level .shellcheckrc, over every shell
#     script git knows (*.sh, files with a sh/bash shebang, the bash
#     completion)
#   - codespell over every tracked text file but the fuzz corpus and
#     LICENSE, with the project's words in .codespell-ignore
#
#   scripts/style.sh [checkpatch|shellcheck|codespell]...   (default: all)
#
# The three run side by side; the reports follow, tool by tool.
#
# Where a report must stay, the reason is written next to the offending
# line: "# shellcheck disable=SCnnnn # reason" for shellcheck, and a line
# holding "codespell:ignore" (and the reason) for codespell. checkpatch has
# no inline switch, so its few exceptions are listed below (cp_exceptions),
# each with its reason; an exception that no longer matches anything fails
# the run too, so the list only shrinks.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

CP_DIR=build/checkpatch
CP_TAR=/usr/src/linux-source-6.12.tar.xz
CP_TREE=build/debug-kernel/linux-source-6.12	# selftests/debug/build-kernel.sh
CP_FILES=(checkpatch.pl spelling.txt const_structs.checkpatch)

# checkpatch exceptions, one a line: "PATH:TYPE[:MESSAGE]: reason". PATH and
# MESSAGE are shell patterns (MESSAGE against checkpatch's message text).
cp_exceptions=(
	'kmod/compat.h:LINUX_VERSION_CODE: an out-of-tree module built for 6.1 and 6.12; this header is the one place the kernel version is tested'
	'kmod/compat.h:CONSTANT_COMPARISON: checkpatch takes LINUX_VERSION_CODE for a constant; "LINUX_VERSION_CODE < KERNEL_VERSION(...)" is the kernel idiom'
	'kmod/compat.h:MACRO_ARG_UNUSED: drlb_nl_err_fmt() takes a formatted and a constant message; each kernel uses one of them'
	'userspace/*:CAMELCASE:*<PRI[diux]64>: C99 <inttypes.h> format macros; checkpatch -f only knows the CamelCase names declared under include/'
	'userspace/fuzz/*:CAMELCASE:*<LLVMFuzzerTestOneInput>: the libFuzzer entry point; its name is fixed'
	'userspace/util.h:PREFER_DEFINED_ATTRIBUTE_MACRO: the definition of __printf() itself'
	'userspace/cmd_*.c:LONG_LINE_STRING: "return usage_error(FORMAT, ...)" lines; messages stay whole for grep (coding-style.rst, 2), checkpatch waives the length only for printk() and its kin'
)

# checkpatch's options for each part. Userspace C uses <stdint.h> types
# (uint32_t, not u32), as iproute2 and wireguard-tools do.
CP_OPTS=(--strict --no-tree --terse --show-types --no-summary --color=never)
CP_USER_OPTS=(--ignore PREFER_KERNEL_TYPES)

tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(checkpatch shellcheck codespell)
for t in "${tools[@]}"; do
	case $t in
	checkpatch|shellcheck|codespell) ;;
	*) echo "usage: $0 [checkpatch|shellcheck|codespell]..." >&2; exit 2;;
	esac
done

git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "style: $top is not a git checkout (the files are git's)" >&2; exit 1; }
OUT=build/style
mkdir -p "$OUT" || exit 1

# Tracked files that exist in the work tree.
tracked()
{
	local f

	git ls-files -- "$@" | while IFS= read -r f; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done
}

# checkpatch.pl and the two data files it reads from its own directory,
# from the debug kernel's tree when it is of the same source version, else
# from the tarball. The linux-source-6.12 package's version is kept with
# them: a newer package refreshes the copy.
checkpatch_fetch()
{
	local stamp f tmp

	stamp=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null)
	if [ -z "$stamp" ] || [ ! -r "$CP_TAR" ]; then
		echo "style: $CP_TAR missing: apt-get install linux-source-6.12 (scripts/install-deps.sh)" >&2
		return 1
	fi
	if [ "$(cat "$CP_DIR/.stamp" 2>/dev/null)" = "$stamp" ]; then
		for f in "${CP_FILES[@]}"; do
			[ -f "$CP_DIR/$f" ] || break
		done
		[ -f "$CP_DIR/$f" ] && return 0
	fi
	tmp=$(mktemp -d "$top/build/checkpatch.XXXXXX") || return 1
	if [ -f "$CP_TREE/scripts/checkpatch.pl" ] &&
	   [ "$(cat "$CP_TREE/../srcver" 2>/dev/null)" = "$stamp" ]; then
		for f in "${CP_FILES[@]}"; do
			cp "$CP_TREE/scripts/$f" "$tmp/" || { rm -rf "$tmp"; return 1; }
		done
	else
		echo "style: extracting checkpatch.pl from $CP_TAR"
		tar -xJf "$CP_TAR" -C "$tmp" --strip-components=2 \
			"${CP_FILES[@]/#/linux-source-6.12/scripts/}" ||
			{ rm -rf "$tmp"; return 1; }
	fi
	echo "$stamp" > "$tmp/.stamp"
	rm -rf "$CP_DIR"
	mv "$tmp" "$CP_DIR"
}

# One checkpatch run over a part's files (the rest of the arguments are
# its options, then --, then the files). It runs in $CP_DIR/tree, whose
# kmod, include and userspace link to the real ones: the reports name the
# files as from the top (checkpatch's uapi rules look at the path), and
# its CamelCase cache (.checkpatch-camelcase.*) stays out of the tree.
# --root makes it seed the CamelCase names from include/.
checkpatch_part()
{
	local opts=() rc

	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	(
		cd "$CP_DIR/tree" || exit 2
		unset GIT_DIR
		perl ../checkpatch.pl "${CP_OPTS[@]}" "${opts[@]}" --root="$top" -f "$@"
	) 2>&1
	rc=$?
	[ $rc -le 1 ] || echo "checkpatch: exit $rc"
}

run_checkpatch()
{
	local d kfiles ufiles

	checkpatch_fetch || return 1
	mkdir -p "$CP_DIR/tree" || return 1
	for d in kmod include userspace; do
		ln -sfn "../../../$d" "$CP_DIR/tree/$d" || return 1
	done
	mapfile -t kfiles < <(tracked 'kmod/*.[ch]' include/uapi/linux/drlb.h)
	mapfile -t ufiles < <(tracked 'userspace/*.[ch]')
	checkpatch_part -- "${kfiles[@]}" > "$OUT/checkpatch-kernel.raw" &
	checkpatch_part "${CP_USER_OPTS[@]}" -- "${ufiles[@]}" > "$OUT/checkpatch-user.raw" &
	wait
	cat "$OUT/checkpatch-kernel.raw" "$OUT/checkpatch-user.raw" |
		checkpatch_filter > "$OUT/checkpatch.log"
	[ ! -s "$OUT/checkpatch.log" ]
}

# Drops the reports the exceptions cover; prints the rest, and every
# exception that covered nothing.
checkpatch_filter()
{
	local -a path type msg used
	local i line re='^([^:]+):([A-Z0-9_]+)(:([^ ]+))?: (.+)$'
	local lre='^([^:]+):[0-9]+: [A-Z]+:([A-Z0-9_]+): (.*)$'

	for i in "${!cp_exceptions[@]}"; do
		[[ ${cp_exceptions[i]} =~ $re ]] || {
			echo "style: bad checkpatch exception: ${cp_exceptions[i]}"
			continue
		}
		path[i]=${BASH_REMATCH[1]}
		type[i]=${BASH_REMATCH[2]}
		msg[i]=${BASH_REMATCH[4]:-*}
		used[i]=0
	done
	while IFS= read -r line; do
		if [[ $line =~ $lre ]]; then
			for i in "${!path[@]}"; do
				# shellcheck disable=SC2053 # path and msg are patterns
				if [[ ${BASH_REMATCH[1]} == ${path[i]} &&
				      ${BASH_REMATCH[2]} == "${type[i]}" &&
				      ${BASH_REMATCH[3]} == ${msg[i]} ]]; then
					used[i]=1
					continue 2
				fi
			done
		fi
		printf '%s\n' "$line"
	done
	for i in "${!path[@]}"; do
		[ "${used[i]}" = 1 ] ||
			echo "style: checkpatch exception matches nothing, remove it: ${cp_exceptions[i]}"
	done
}

# Shell scripts: *.sh and whatever has a sh or bash shebang; the bash
# completion has neither and is checked as bash.
run_shellcheck()
{
	local f files=() comp=userspace/completion/drlbctl

	while IFS= read -r f; do
		case $f in
		"$comp") ;;
		*.sh) files+=("$f");;
		*) head -n1 "$f" | grep -qE '^#!.*[/ ](ba|da|k)?sh([[:space:]]|$)' &&
			files+=("$f");;
		esac
	done < <(tracked)
	{
		shellcheck -x -f gcc "${files[@]}"
		shellcheck -x -f gcc -s bash "$comp"
	} > "$OUT/shellcheck.log" 2>&1
	[ ! -s "$OUT/shellcheck.log" ]
}

# Text files git tracks, but the fuzz corpus (fuzzer inputs) and LICENSE
# (the GPL's text as published); grep -I leaves out binary files.
run_codespell()
{
	local f files=()

	while IFS= read -r f; do
		case $f in
		userspace/fuzz/corpus/*|LICENSE) continue;;
		esac
		grep -Iq . "$f" && files+=("$f")
	done < <(tracked)
	codespell -q 2 -I .codespell-ignore --ignore-regex '.*codespell:ignore.*' \
		"${files[@]}" > "$OUT/codespell.log" 2>&1
	[ ! -s "$OUT/codespell.log" ]
}

missing=()
for t in "${tools[@]}"; do
	[ "$t" = checkpatch ] && continue
	command -v "$t" >/dev/null || missing+=("$t")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "style: ${missing[*]} missing: apt-get install ${missing[*]} (scripts/install-deps.sh)" >&2
	exit 1
fi

t0=$SECONDS
declare -A pid
for t in "${tools[@]}"; do
	rm -f "$OUT/$t.log"
	"run_$t" &
	pid[$t]=$!
done
fail=()
for t in "${tools[@]}"; do
	wait "${pid[$t]}" || fail+=("$t")
done
for t in "${tools[@]}"; do
	[ -s "$OUT/$t.log" ] || continue
	echo "=== $t"
	cat "$OUT/$t.log"
done
if [ ${#fail[@]} -gt 0 ]; then
	echo "style: FAILED: ${fail[*]} (logs in $OUT/; $((SECONDS - t0)) s)"
	exit 1
fi
echo "style: ${tools[*]} clean ($((SECONDS - t0)) s)"
