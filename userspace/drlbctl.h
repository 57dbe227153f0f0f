/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: global options and the subcommand table.
 */
#ifndef DRLBCTL_H
#define DRLBCTL_H

#include <stdbool.h>

/* Options given before the subcommand; see usage(). */
struct drlbctl_opts {
	bool json;	/* -j: machine-readable JSON on stdout */
	bool stats;	/* -s: add counters to show output */
	bool numeric;	/* -n: no name resolution (addresses stay numeric) */
};

extern struct drlbctl_opts opts;

/*
 * A subcommand: argv[0] is its name; it returns the process exit code
 * (0 ok, 1 failure reported by the kernel or the system, 2 bad usage).
 */
struct drlbctl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_service(int argc, char **argv);
int cmd_server(int argc, char **argv);
int cmd_conn(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* Print "drlbctl: MSG" to stderr and return 2 (usage error). */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* DRLBCTL_H */
