/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: global options and the subcommand table.
 */
#ifndef DRLBCTL_H
#define DRLBCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

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
int cmd_arp(int argc, char **argv);
int cmd_vip(int argc, char **argv);
/* cmd_vip_export.c: "vip export", called by cmd_vip(). */
int vip_export(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_complete(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

/* Run one command line, argv[0] being the command (main, restore). */
int drlbctl_run(int argc, char **argv);
/* The command table: by name (NULL if none), by index (NULL past the end). */
const struct drlbctl_cmd *drlbctl_find(const char *name);
const struct drlbctl_cmd *drlbctl_cmd_at(size_t i);

/*
 * For save (cmd_save.c) and completion (cmd_complete.c): each command
 * file prints its own part of "drlbctl save" and names its own keywords.
 */
const char *config_key_name(size_t i);	/* i-th settable key, NULL at end */
/* The CLI key of settable DRLB_CFG_A_* @attr, or NULL (restore.c). */
const char *config_attr_name(int attr);
/* @val of DRLB_CFG_A_* @attr in the words "config set" reads, into @buf. */
const char *config_value_str(char *buf, size_t len, int attr, uint32_t val);
int config_save(FILE *out);		/* cmd_config.c: "config set ..." */
/*
 * cmd_arp.c: the usage error (2) of a VIP @word of "@cmd @what" (arp
 * add, vip check...) that is not an IPv4 address; an IPv6 one is said
 * to be unsupported yet.
 */
int ipv4_vip_error(const char *cmd, const char *what, const char *word);
int arp_save(FILE *out);		/* cmd_arp.c: "arp add ..." lines */
/* cmd_arp.c: call @fn for every ARP rule of the namespace (restore.c). */
int arp_rules_each(void (*fn)(uint32_t vip, uint32_t ifindex,
			      uint32_t flags, void *arg), void *arg);
/* cmd_save.c: "drlbctl save" to @out. */
int save_all(FILE *out);

/* Print "drlbctl: MSG" to stderr and return 2 (usage error). */
int usage_error(const char *fmt, ...) __printf(1, 2);

#endif /* DRLBCTL_H */
