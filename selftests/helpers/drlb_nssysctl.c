// SPDX-License-Identifier: GPL-2.0
/*
 * drlb_nssysctl - set sysctls in several network namespaces from one
 * process (the test topology's set-up, lib/topo.sh): under qemu TCG every
 * exec costs 0.1-0.3 s, seconds on the debug kernel, and a `sysctl` per
 * namespace behind `nsenter` is two.
 *
 *   drlb_nssysctl NS KEY=VALUE... [-- NS KEY=VALUE...]...
 *
 * NS is a name under /run/netns. The process joins NS (setns) and writes
 * VALUE to /proc/sys/KEY (dots made slashes), which the kernel resolves
 * in the writer's network namespace. Stops at the first failure, naming
 * the namespace and the key: exit status 1; 2 for a usage error.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int set_one(const char *ns, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char path[512];
	size_t klen, vlen;
	int fd, n;

	if (!eq || eq == kv) {
		fprintf(stderr, "drlb_nssysctl: %s: not KEY=VALUE\n", kv);
		return 2;
	}
	klen = eq - kv;
	n = snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)klen, kv);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "drlb_nssysctl: %s: key too long\n", kv);
		return 2;
	}
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "drlb_nssysctl: %s: %.*s: %s\n", ns, (int)klen,
			kv, strerror(errno));
		return 1;
	}
	vlen = strlen(eq + 1);
	if (write(fd, eq + 1, vlen) != (ssize_t)vlen) {
		fprintf(stderr, "drlb_nssysctl: %s: %.*s=%s: %s\n", ns,
			(int)klen, kv, eq + 1, strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

static int enter(const char *ns)
{
	char path[512];
	int fd, n;

	n = snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "drlb_nssysctl: %s: name too long\n", ns);
		return 2;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "drlb_nssysctl: namespace %s: %s\n", ns,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *ns = NULL;
	int i, rc;

	if (argc < 3) {
		fprintf(stderr,
			"usage: drlb_nssysctl NS KEY=VALUE... [-- NS KEY=VALUE...]...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			ns = NULL;
			continue;
		}
		if (!ns) {
			ns = argv[i];
			rc = enter(ns);
		} else {
			rc = set_one(ns, argv[i]);
		}
		if (rc)
			return rc;
	}
	return 0;
}
