#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-rpm.sh - make rpm: drlb-dkms and drlbctl RPMs, and the source RPM,
# from the files git knows, into build/rpm/ (RPMS/noarch, RPMS/<arch>,
# SRPMS, and SOURCES/drlb-VERSION.tar.gz, which holds the spec: copy it to
# a RHEL machine and `rpmbuild -ta` it there).
#
#   1. rpm/drlb.spec.in -> build/rpm/SPECS/drlb.spec, @VERSION@ being
#      dkms.conf's PACKAGE_VERSION (`make -s version`);
#   2. the tarball: every file git knows (committed or not, as make deb
#      takes them) and the spec, under drlb-VERSION/;
#   3. rpmbuild -ba with build/rpm as its top directory.
#
# On a distribution whose rpm is not its package manager (Debian: rpm's
# database knows no package, and systemd-rpm-macros does not exist),
# rpmbuild runs with --nodeps (the BuildRequires are RHEL's names; what
# the build needs is in scripts/install-deps.sh) and loads
# rpm/macros.debian.

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export LC_ALL=C.UTF-8

version=$(make -s version)
out=$top/build/rpm

rm -rf "$out"
mkdir -p "$out/SOURCES" "$out/SPECS"

sed "s|@VERSION@|$version|g" rpm/drlb.spec.in > "$out/SPECS/drlb.spec"

git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
	tar -czf "$out/SOURCES/drlb-$version.tar.gz" --null --no-recursion \
		--owner=0 --group=0 --transform "s|^|drlb-$version/|" \
		-T - -C "$out/SPECS" drlb.spec

opts=(--define "_topdir $out")
if ! rpm -q --quiet rpm 2>/dev/null; then
	opts+=(--nodeps)
	[ -n "$(rpm --eval '%{?_unitdir}')" ] || opts+=(--load "$top/rpm/macros.debian")
fi

rpmbuild -ba "${opts[@]}" "$out/SPECS/drlb.spec"
find "$out/RPMS" "$out/SRPMS" -name '*.rpm' | sort
