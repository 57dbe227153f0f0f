# SPDX-License-Identifier: GPL-2.0
#
# drlb top-level build.
#
#   make                    module for the running kernel (or for every
#                           installed Debian kernel if the running one has
#                           no headers) and drlbctl
#   make KVER=6.12          module for one kernel (alias or full release)
#   make KVER=all           module for every installed kernel
#   make KDIR=/path/to/tree module against a kernel build tree (into
#                           build/<its release>/, where the tests look)
#   make KVER=debug         module for the debug kernel (make debug-kernel)
#   make C=2                as above, and run sparse over the module
#   make check              host tests, style, builds, and in the VM on every
#                           Debian kernel the suite and the stress tests at
#                           CI's rounds (selftests/README.md)
#   make style              checkpatch --strict (kmod/, the uapi header,
#                           userspace/), shellcheck and codespell; any
#                           report fails (scripts/style.sh)
#   make check-stress       the stress tests at their full rounds
#   make fuzz               libFuzzer targets for drlbctl, FUZZ_TIME s each
#   make check-debug        every VM test on the debug kernel (KASAN, lockdep,
#                           kmemleak...), then a leak scan
#   make check-debug-ci     the same for DEBUG_CI_PROGS only (what CI runs)
#   make demo               boot the test VM and show drlb working
#   make bench-egress       what the ARP egress hook costs a real server's
#                           replies (VM clock counting instructions)
#   make bench-ipvsadm      ipvsadm -R/-Sn of 10 000 services on drlb_ipvs
#                           and on ip_vs, same boot (not part of check)
#   make install            drlbctl, man page, completion, systemd unit,
#                           /etc/drlb files (DESTDIR, PREFIX, SBINDIR,
#                           MANDIR, BASHCOMPDIR, SYSTEMDUNITDIR, ENVDIR, ...)
#   make modules_install    drlb.ko into /lib/modules/<rel>/updates, depmod
#   make dkms-install       the module sources into /usr/src/drlb-VERSION
#   make check-packages     dkms and Debian packages, installed and tested;
#                           the RPMs built, linted and compared with them
#   make deb                drlb-dkms and drlbctl .debs into build/deb/
#   make rpm                drlb-dkms and drlbctl RPMs into build/rpm/
#                           (rpmbuild; scripts/build-rpm.sh)
#
# Each kernel gets its own out-of-tree build directory, build/<release>/,
# holding a copy of the module sources, so builds never collide.

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$$/\1/p' dkms.conf)
TOP := $(CURDIR)
BUILD := $(TOP)/build
KVER_SH := $(TOP)/scripts/kver.sh

DEBUG_KDIR := $(BUILD)/debug-kernel/linux-source-6.12
ifeq ($(KVER),debug)
KDIR := $(DEBUG_KDIR)
endif

ifneq ($(KDIR),)
KRELS := $(or $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null),custom)
else
ifeq ($(KVER),)
KVER := $(if $(wildcard /lib/modules/$(shell uname -r)/build),$(shell uname -r),all)
endif
KRELS := $(shell $(KVER_SH) $(KVER))
endif

MODULE_SRCS := Kbuild dkms.conf $(wildcard kmod/*.[ch] kmod/ipvs/*.[ch]) include/uapi/linux/drlb.h \
	$(wildcard selftests/kmod/*)

# Install locations. pkg-config answers for systemd and bash-completion
# where they are installed; the defaults are Debian's.
PKG_CONFIG ?= pkg-config
DESTDIR ?=
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
# drlb.service's environment file goes here: /etc/default on Debian,
# /etc/sysconfig on RHEL (rpm/drlb.spec.in).
ENVDIR ?= $(SYSCONFDIR)/default
BASHCOMPDIR ?= $(or $(shell $(PKG_CONFIG) --define-variable=datadir=$(PREFIX)/share \
	--variable=completionsdir bash-completion 2>/dev/null),$(PREFIX)/share/bash-completion/completions)
SYSTEMDUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir \
	systemd 2>/dev/null),/lib/systemd/system)
MODULESLOADDIR ?= $(or $(shell $(PKG_CONFIG) --variable=modulesloaddir \
	systemd 2>/dev/null),/usr/lib/modules-load.d)
DKMSSRCDIR ?= /usr/src/drlb-$(VERSION)
INSTALL_DIRS := DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SBINDIR="$(SBINDIR)" \
	MANDIR="$(MANDIR)" BASHCOMPDIR="$(BASHCOMPDIR)"

# Developer builds: W=1 and warnings are errors. dkms builds use Kbuild
# directly and do not get -Werror, so a newer compiler cannot break users.
KBUILD_FLAGS := W=1 KCFLAGS=-Werror $(if $(C),C=$(C))

.PHONY: all module tools clean check unit sparse demo bench vm-shell install \
	uninstall version print-krels modules_install dkms-install \
	dkms-uninstall check-packages deb rpm debug-kernel check-debug fuzz \
	bench-egress bench-ipvsadm \
	check-stress check-debug-ci style

all: module tools

print-krels:
	@echo $(KRELS)

version:
	@echo $(VERSION)

module: $(addprefix module-,$(KRELS))
	@test -n "$(KRELS)" || { echo "no kernel headers found: install linux-headers-amd64" >&2; exit 1; }

module-%: $(MODULE_SRCS)
	@mkdir -p $(BUILD)/$*/kmod/ipvs $(BUILD)/$*/include/uapi/linux
	@cp -p -u Kbuild dkms.conf $(BUILD)/$*/
	@cp -p -u kmod/*.[ch] $(BUILD)/$*/kmod/
	@cp -p -u kmod/ipvs/*.[ch] $(BUILD)/$*/kmod/ipvs/
	@cp -p -u include/uapi/linux/drlb.h $(BUILD)/$*/include/uapi/linux/
	$(MAKE) -C $(if $(KDIR),$(KDIR),/lib/modules/$*/build) \
		M=$(BUILD)/$* $(KBUILD_FLAGS) modules
	@mkdir -p $(BUILD)/$*/testmod
	@cp -p -u selftests/kmod/Kbuild selftests/kmod/*.c $(BUILD)/$*/testmod/
	$(MAKE) -C $(if $(KDIR),$(KDIR),/lib/modules/$*/build) \
		M=$(BUILD)/$*/testmod $(KBUILD_FLAGS) modules

tools:
	$(MAKE) -C userspace DRLB_VERSION=$(VERSION)

unit:
	$(MAKE) -C userspace DRLB_VERSION=$(VERSION) unit

# sparse over every file of the module, for each kernel; any report fails.
sparse:
	@set -e; for k in $(KRELS); do \
		touch kmod/*.c; \
		$(MAKE) --no-print-directory module-$$k C=2 \
			>$(BUILD)/sparse-$$k.log 2>&1 || { cat $(BUILD)/sparse-$$k.log; exit 1; }; \
		if grep -E '(warning|error):' $(BUILD)/sparse-$$k.log; then \
			echo "sparse: reports for $$k (see above)"; exit 1; fi; \
		echo "sparse: $$k clean"; \
	done

check:
	scripts/install-deps.sh
	selftests/run/check.sh

# Style gates: checkpatch.pl --strict from Debian's linux-source-6.12 over
# the module, the uapi header and drlbctl's C; shellcheck over every shell
# script; codespell over the tracked text. Exceptions are written next to
# the line they excuse, with the reason (checkpatch's few: in the script).
style:
	scripts/style.sh

# The fault and stress tests (selftests/Makefile STRESS_PROGS) on every
# kernel at their full rounds: unload and netns deletion under traffic,
# churn, floods (make check runs them at CI's rounds).
check-stress:
	scripts/install-deps.sh
	SUITE=stress selftests/run/check.sh

# drlbctl's parsers, JSON writer and reply handling under libFuzzer
# (userspace/fuzz/Makefile); FUZZ_TIME seconds per target, default 60.
FUZZ_TIME ?= 60
fuzz:
	scripts/install-deps.sh
	$(MAKE) -C userspace/fuzz run FUZZ_TIME=$(FUZZ_TIME)

# The debug kernel from Debian's linux-source-6.12 (cached, see
# selftests/debug/build-kernel.sh), and the whole suite on it.
debug-kernel:
	selftests/debug/build-kernel.sh

check-debug:
	scripts/install-deps.sh
	DEBUG_SET=all selftests/run/check-debug.sh

check-debug-ci:
	scripts/install-deps.sh
	DEBUG_SET=ci selftests/run/check-debug.sh

demo:
	scripts/install-deps.sh
	selftests/demo/demo.sh

# drlb against IPVS in the VM, on every kernel or KVER=6.1|6.12 (long; not
# part of check).
bench:
	scripts/install-deps.sh
	KVER=$(KVER) selftests/bench/run.sh

# What the ARP egress hook costs a real server's replies, per kernel, in
# a VM whose clock counts instructions (selftests/bench/egress.sh). One
# vCPU: under -icount, Debian's 6.1 never brings up a second one.
bench-egress: module tools
	$(MAKE) -C selftests
	@set -e; for k in $(KRELS); do \
		mkdir -p $(BUILD)/bench-egress/$$k; \
		VMRUN_QEMU_ARGS="-icount shift=0" selftests/vm/vmrun.sh -k $$k -c 1 \
			-o $(BUILD)/bench-egress/$$k -- \
			"selftests/bench/egress.sh | tee $(BUILD)/bench-egress/$$k/egress.tap"; \
	done; prove --exec cat $(BUILD)/bench-egress/*/egress.tap

# ipvsadm -R and -Sn of 10 000 services x 10 servers on drlb_ipvs and on
# the kernel's ip_vs in the same boot, per kernel (selftests/bench/
# ipvsadm_scale.sh), on one vCPU whose clock counts instructions: the
# host's load does not enter the times. About 15 minutes a kernel.
bench-ipvsadm: module tools
	$(MAKE) -C selftests
	@set -e; for k in $(KRELS); do \
		mkdir -p $(BUILD)/bench-ipvsadm/$$k; \
		VMRUN_QEMU_ARGS="-icount shift=0" selftests/vm/vmrun.sh -k $$k -c 1 \
			-t 5400 -o $(BUILD)/bench-ipvsadm/$$k -- \
			"selftests/vm/run_tests.sh $(BUILD)/bench-ipvsadm/$$k/tap bench/ipvsadm_scale.sh"; \
	done; prove --exec cat $(BUILD)/bench-ipvsadm/*/tap/*.tap

# A root shell in the test VM: make vm-shell KVER=6.12
vm-shell: module
	selftests/vm/vmrun.sh -k $(if $(filter debug,$(KVER)),debug,$(firstword $(KRELS))) --shell

# drlbctl with its man page and completion, the systemd unit (its paths
# follow SBINDIR), the module autoload file, and the /etc files, which are
# never overwritten (they are the admin's).
install:
	$(MAKE) -C userspace DRLB_VERSION=$(VERSION) $(INSTALL_DIRS) install
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(MODULESLOADDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g; s|@ENVDIR@|$(ENVDIR)|g' \
		systemd/drlb.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/drlb.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/drlb.service
	install -m 0644 systemd/modules-load.conf $(DESTDIR)$(MODULESLOADDIR)/drlb.conf
	install -d $(DESTDIR)$(SYSCONFDIR)/drlb $(DESTDIR)$(ENVDIR)
	test -e $(DESTDIR)$(SYSCONFDIR)/drlb/drlb.conf || \
		install -m 0644 systemd/drlb.conf $(DESTDIR)$(SYSCONFDIR)/drlb/drlb.conf
	test -e $(DESTDIR)$(ENVDIR)/drlb || \
		install -m 0644 systemd/default $(DESTDIR)$(ENVDIR)/drlb

# Removes what install put there; the /etc files only while they are
# unchanged.
uninstall:
	$(MAKE) -C userspace $(INSTALL_DIRS) uninstall
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/drlb.service $(DESTDIR)$(MODULESLOADDIR)/drlb.conf
	! cmp -s systemd/drlb.conf $(DESTDIR)$(SYSCONFDIR)/drlb/drlb.conf || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/drlb/drlb.conf
	! cmp -s systemd/default $(DESTDIR)$(ENVDIR)/drlb || \
		rm -f $(DESTDIR)$(ENVDIR)/drlb
	-rmdir $(DESTDIR)$(SYSCONFDIR)/drlb 2>/dev/null

# drlb.ko for each kernel of KVER into /lib/modules/<rel>/updates, then
# depmod (under DESTDIR when given, as packagers want). The module is not
# signed here (Debian's signing key is not in the headers); dkms signs with
# its own MOK key, see README.md.
modules_install: module
	@set -e; for k in $(KRELS); do \
		kdir=$(if $(filter custom,$(KRELS)),$(KDIR),/lib/modules/$$k/build); \
		rel=$(if $(filter custom,$(KRELS)),$$($(MAKE) -s -C $(KDIR) kernelrelease),$$k); \
		$(MAKE) -C $$kdir M=$(BUILD)/$$k INSTALL_MOD_PATH=$(DESTDIR) \
			INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= modules_install; \
		depmod $(if $(DESTDIR),-b $(DESTDIR)) $$rel; \
	done

# The module sources, exactly, for dkms: dkms add/build/install -m drlb -v VERSION.
DKMS_FILES := Kbuild dkms.conf LICENSE $(wildcard kmod/*.[ch] kmod/ipvs/*.[ch]) include/uapi/linux/drlb.h

# With them, drlb_ipvs's modprobe.d file, not enabled: the operator links
# it into /etc/modprobe.d (see README.md, "Driven by ipvsadm and keepalived").
MODPROBE_CONF := $(PREFIX)/share/drlb/modprobe.d/drlb-ipvs.conf

dkms-install:
	@set -e; for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMSSRCDIR)/$$f; done
	install -D -m 0644 kmod/ipvs/modprobe.conf $(DESTDIR)$(MODPROBE_CONF)
	@echo "installed $(DESTDIR)$(DKMSSRCDIR); now: dkms install -m drlb -v $(VERSION)"

dkms-uninstall:
	rm -rf $(DESTDIR)$(DKMSSRCDIR)
	rm -f $(DESTDIR)$(MODPROBE_CONF)
	-rmdir -p $(DESTDIR)$(dir $(MODPROBE_CONF)) 2>/dev/null

# dkms and the Debian packages, built, installed on this machine, tried in
# the VM on every kernel and purged again (see selftests/pkg/check-packages.sh).
check-packages:
	scripts/install-deps.sh
	selftests/pkg/check-packages.sh

# drlb-dkms and drlbctl .debs in build/deb/.
deb:
	selftests/pkg/check-packages.sh --build-only

# drlb-dkms and drlbctl RPMs, and the source RPM, in build/rpm/ (rpm/drlb.spec.in).
rpm:
	scripts/build-rpm.sh

clean:
	rm -rf $(BUILD)
	$(MAKE) -C userspace clean
