#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_pkg_rpm.sh - the RPMs of `make rpm`, checked on this Debian host: no
# VM, nothing installed. TAP through lib/lib.sh. check-packages.sh runs it
# (part rpm), as root.
#
#   - make rpm builds drlb-dkms and drlbctl (rpmbuild, from the files git
#     knows); their version and newest changelog entry are dkms.conf's;
#   - rpmlint: no message but those rpm/drlb.rpmlintrc accepts;
#   - each RPM holds exactly the files and links, with their permissions,
#     of the Debian package of the same name, but for rpm/deb-differences;
#     its %config(noreplace) files are the .deb's conffiles; the files'
#     contents are the .deb's (the unit: but for /etc/sysconfig);
#   - each scriptlet, its macros expanded as rpmbuild expanded them,
#     passes a shellcheck run; drlb-dkms's, run against a dkms that
#     fails, call dkms as intended and still exit 0;
#   - the module sources in drlb-dkms build with dkms for the newest
#     installed Debian kernel (DKMS_KRELS=all: for every one; KVER limits
#     them).
#
# The module is built by dkms itself, in a private tree (--sourcetree on
# the RPM's extracted /usr/src, --dkmstree in a temporary directory), not
# by a bare `make -C /lib/modules/REL/build M=...`: dkms reads the
# packaged dkms.conf as RHEL's dkms would (its MAKE line, BUILD_EXCLUSIVE_*,
# the module's name), so a broken dkms.conf fails here too. /var/lib/dkms,
# /usr/src and /lib/modules are not touched (dkms only reads its signing
# key, /var/lib/dkms/mok.key, creating it if missing, as any dkms build
# does).
#
# The .debs come from DRLB_DEBDIR (check-packages.sh passes its fresh
# build/deb) or from `make deb` here.

# shellcheck source=../lib/lib.sh
source "$(dirname "$0")/../lib/lib.sh"

ALL_TESTS="
	rpm_version
	rpm_lint
	rpm_files
	rpm_conffiles
	rpm_contents
	rpm_scriptlets
	rpm_dkms_post
	rpm_dkms_build
"

cd "$TOP" || exit 1
export LC_ALL=C.UTF-8
version=$(make -s version)
rpmdir=$TOP/build/rpm
diffs=$TOP/rpm/deb-differences
pkgs=(drlb-dkms drlbctl)

work=$(mktemp -d) || exit 1
defer rm -rf "$work"

# ---- the packages, built and unpacked once ----------------------------------

check "make rpm" make -s rpm
if [ -z "${DRLB_DEBDIR:-}" ]; then
	check "make deb" make -s deb
	DRLB_DEBDIR=$TOP/build/deb
fi

declare -A rpm deb
for p in "${pkgs[@]}"; do
	rpm[$p]=$(ls "$rpmdir"/RPMS/*/"$p-$version"-*.rpm 2>/dev/null)
	deb[$p]=$(ls "$DRLB_DEBDIR/${p}_${version}"_*.deb 2>/dev/null)
	if [ ! -f "${rpm[$p]}" ] || [ ! -f "${deb[$p]}" ]; then
		tap_fail "$p: one .rpm and one .deb of $version" "rpm: ${rpm[$p]}" "deb: ${deb[$p]}"
		exit 1
	fi
	mkdir -p "$work/rpm/$p" "$work/deb/$p"
	rpm2cpio "${rpm[$p]}" | (cd "$work/rpm/$p" && cpio -idm --quiet) || exit 1
	dpkg-deb -x "${deb[$p]}" "$work/deb/$p" || exit 1
done

# ---- helpers ----------------------------------------------------------------

# check_list DESC GOT WANT: check_eq for lists, the difference as a diff
# (- wanted, missing; + there, unwanted).
check_list()
{
	local out

	if out=$(diff -u --label want --label got <(printf '%s\n' "$3") <(printf '%s\n' "$2")); then
		tap_ok "$1"
	else
		mapfile -t out <<< "$out"
		tap_fail "$1" "${out[@]}"
	fi
}

# deb-differences, one array per kind: map[PKG DEBPATH]=RPMPATH (or -),
# rpm_only[PKG]="PATTERN...".
declare -A map rpm_only
while read -r p from to; do
	case $p in '#'*|'') continue;; esac
	if [ "$from" = - ]; then
		rpm_only[$p]+="$to "
	else
		map[$p $from]=$to
	fi
done < "$diffs"

# list_deb PKG: "PERMS PATH" for each file and link of the .deb.
list_deb()
{
	dpkg-deb -c "${deb[$1]}" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $1, $6 }'
}

# list_rpm PKG: the same for the RPM, but for its RPM-only files.
list_rpm()
{
	local perms path pat

	rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "${rpm[$1]}" | grep -v '^d' |
		while read -r perms path; do
			for pat in ${rpm_only[$1]:-}; do
				# shellcheck disable=SC2053 # pat is a pattern
				[[ $path == $pat ]] && continue 2
			done
			echo "$perms $path"
		done
}

# as_rpm PKG: "PERMS PATH" lines on stdin, each path renamed or dropped as
# deb-differences says.
as_rpm()
{
	local perms path to

	while read -r perms path; do
		to=${map[$1 $path]-$path}
		[ "$to" = - ] || echo "$perms $to"
	done
}

# unused_differences: the lines of deb-differences that match nothing.
unused_differences()
{
	local key p path pat

	for key in "${!map[@]}"; do
		p=${key%% *}
		path=${key#* }
		list_deb "$p" | grep -qx "[^ ]* $path" || echo "$p $path ${map[$key]}"
	done
	for p in "${!rpm_only[@]}"; do
		for pat in ${rpm_only[$p]}; do
			rpm -qlp "${rpm[$p]}" | while read -r path; do
				# shellcheck disable=SC2053 # pat is a pattern
				[[ $path == $pat ]] && echo found
			done | grep -q found || echo "$p - $pat"
		done
	done
}

# scriptlet PKG TAG: the RPM's scriptlet TAG (POSTIN, PREUN...) into
# $work/PKG.TAG.sh, as a script for its interpreter; fails if there is none.
scriptlet()
{
	local body

	body=$(rpm -qp --qf "%{$2}" "${rpm[$1]}")
	[ "$body" != "(none)" ] || return 1
	printf '#!%s\n%s\n' "$(rpm -qp --qf "%{$2PROG}" "${rpm[$1]}")" "$body" \
		> "$work/$1.$2.sh"
}

# diag_lines: stdin as TAP comments.
diag_lines()
{
	sed 's/^/# /'
}

# ---- cases ------------------------------------------------------------------

rpm_version()
{
	local p evr

	for p in "${pkgs[@]}"; do
		check_eq "$p: RPM version is dkms.conf's" \
			"$(rpm -qp --qf '%{VERSION}' "${rpm[$p]}")" "$version"
		evr=$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "${rpm[$p]}")
		check_match "$p: the newest %changelog entry is $evr" \
			"$(rpm -qp --qf '%{CHANGELOGNAME}' "${rpm[$p]}")" " - ${evr//./\\.}\$"
	done
}

rpm_lint()
{
	local out

	out=$(rpmlint -c rpm/rpmlint.toml -r rpm/drlb.rpmlintrc "${rpm[@]}" \
		"$rpmdir"/SRPMS/drlb-"$version"-*.src.rpm "$rpmdir/SPECS/drlb.spec" 2>&1)
	printf '%s\n' "$out" | grep -E ': [EW]: |checked' | diag_lines
	check_match "rpmlint: 0 errors, 0 warnings (rpm/drlb.rpmlintrc)" "$out" \
		'checked; 0 errors, 0 warnings'
}

rpm_files()
{
	local p unused

	for p in "${pkgs[@]}"; do
		check_list "$p: the RPM's files and permissions are the .deb's (rpm/deb-differences)" \
			"$(list_rpm "$p" | sort -k2)" "$(list_deb "$p" | as_rpm "$p" | sort -k2)"
	done
	unused=$(unused_differences)
	check_eq "every line of rpm/deb-differences matches a file" "$unused" ""
}

rpm_conffiles()
{
	local p

	for p in "${pkgs[@]}"; do
		check_list "$p: %config(noreplace) files are the .deb's conffiles" \
			"$(rpm -qp --qf '[%{FILEFLAGS:fflags}|%{FILENAMES}\n]' "${rpm[$p]}" |
			   awk -F'|' '$1 ~ /c/ { print $1, $2 }' | sort)" \
			"$(dpkg-deb -I "${deb[$p]}" conffiles 2>/dev/null | sed 's/^/- /' |
			   as_rpm "$p" | sed 's/^- /cn /' | sort)"
	done
}

# same PKG DEBPATH RPMPATH: the RPM's file has the .deb's content, as far
# as the two can agree: the binary is built twice, the RPM's license is
# LICENSE where Debian has its copyright file, the unit reads
# /etc/sysconfig.
same()
{
	local d=$work/deb/$1$2 r=$work/rpm/$1$3

	case $2 in
	/usr/sbin/drlbctl)
		[ "$("$r" -V 2>&1)" = "drlbctl $version" ];;
	*/copyright)
		cmp -s "$r" LICENSE;;
	*.gz)
		cmp -s <(zcat "$d") <(zcat "$r");;
	*/drlb.service)
		cmp -s <(sed 's|/etc/default/drlb|/etc/sysconfig/drlb|g' "$d") "$r";;
	*)
		cmp -s "$d" "$r";;
	esac
}

rpm_contents()
{
	local p perms path to bad

	for p in "${pkgs[@]}"; do
		bad=$(list_deb "$p" | while read -r perms path; do
			to=${map[$p $path]-$path}
			[ "$to" = - ] || same "$p" "$path" "$to" || echo "$to"
		done)
		check_eq "$p: every file's content is the .deb's" "$bad" ""
	done
}

rpm_scriptlets()
{
	local p tag f have

	for p in "${pkgs[@]}"; do
		have=
		for tag in PRETRANS PREIN POSTIN PREUN POSTUN POSTTRANS; do
			scriptlet "$p" "$tag" || continue
			have+=" $tag"
			f=$work/$p.$tag.sh
			check_eq "$p: %$tag runs in /bin/sh" "$(head -n 1 "$f")" "#!/bin/sh"
			# SC2086: $1, rpm's count of the package's instances, is
			# a number; systemd's macros leave it unquoted.
			check "$p: %$tag passes shellcheck" shellcheck -s sh -e SC2086 "$f"
		done
		case $p in
		drlb-dkms)	check_eq "$p: scriptlets" "$have" " POSTIN PREUN" ;;
		drlbctl)	check_eq "$p: scriptlets" "$have" " POSTIN PREUN"
			check_match "$p: %post presets drlb.service" "$(cat "$work/$p.POSTIN.sh")" \
				'install-system-units drlb\.service'
			check_match "$p: %preun disables and stops drlb.service" \
				"$(cat "$work/$p.PREUN.sh")" 'remove-system-units drlb\.service' ;;
		esac
	done
}

# drlb-dkms's %post and %preun against a dkms that logs its arguments and
# fails: the transaction goes on, each step ran.
rpm_dkms_post()
{
	local bin=$work/fake-bin log=$work/dkms.log

	if ! scriptlet drlb-dkms POSTIN || ! scriptlet drlb-dkms PREUN; then
		tap_fail "drlb-dkms has %post and %preun"
		return
	fi
	mkdir -p "$bin"
	printf '#!/bin/sh\necho "$*" >> %s\nexit 1\n' "$log" > "$bin/dkms"
	chmod +x "$bin/dkms"
	rm -f "$log"
	check "%post with dkms failing: exit 0" \
		env PATH="$bin:$PATH" sh "$work/drlb-dkms.POSTIN.sh" 1
	check_eq "%post: dkms add, build, install $version" \
		"$(cut -d' ' -f1-5 "$log")" "add -m drlb -v $version
build -m drlb -v $version
install -m drlb -v $version"
	rm -f "$log"
	check "%preun with dkms failing: exit 0" \
		env PATH="$bin:$PATH" sh "$work/drlb-dkms.PREUN.sh" 0
	check_match "%preun: dkms remove $version --all, safe on upgrade" "$(cat "$log")" \
		"^remove -m drlb -v ${version//./\\.} .*--all .*--rpm_safe_upgrade"
}

rpm_dkms_build()
{
	local src=$work/rpm/drlb-dkms/usr/src tree=$work/dkms k ko krels
	local opts=(--sourcetree "$src" --dkmstree "$tree" -m drlb -v "$version")

	mkdir -p "$tree"
	check "dkms add (private tree, the RPM's /usr/src)" dkms add "${opts[@]}"
	# The sources build alike for every kernel: the newest is the check
	# (DKMS_KRELS=all: each of them).
	krels=$(scripts/kver.sh "${KVER:-all}")
	[ "${DKMS_KRELS:-}" = all ] || krels=$(tail -n 1 <<< "$krels")
	for k in $krels; do
		check "dkms build for $k" dkms build "${opts[@]}" -k "$k"
		ko=$(ls "$tree/drlb/$version/$k"/*/module/drlb.ko* 2>/dev/null)
		if [ -z "$ko" ]; then
			tap_fail "$k: dkms built drlb.ko" "$(find "$tree" | head -20)"
			continue
		fi
		check_eq "$k: drlb.ko version" "$(modinfo -F version "$ko")" "$version"
		check_eq "$k: drlb.ko vermagic" "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" "$k"
	done
}

tests_run
