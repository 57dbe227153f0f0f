// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl config show | drlbctl config set KEY VALUE [KEY VALUE ...]
 *
 * Namespace-wide settings. "config show" prints "KEY VALUE" lines that
 * "config set" reads back; -j prints an object with the same keys, '-'
 * replaced by '_'.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "drlbctl.h"
#include "json.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

struct cfg_key {
	const char *name;	/* CLI word */
	const char *json;	/* JSON key */
	int attr;		/* DRLB_CFG_A_* */
	uint32_t min, max;
	unsigned int flags;	/* CFG_* */
};

#define CFG_RO		1	/* shown, not settable */
#define CFG_YESNO	2	/* 0/1, read and shown as no/yes */

static const struct cfg_key cfg_keys[] = {
	{ "timeout-tcp-est", "timeout_tcp_est", DRLB_CFG_A_TIMEOUT_TCP_EST, 1, 2000000, 0 },
	{ "timeout-tcp-syn", "timeout_tcp_syn", DRLB_CFG_A_TIMEOUT_TCP_SYN, 1, 2000000, 0 },
	{ "timeout-tcp-fin", "timeout_tcp_fin", DRLB_CFG_A_TIMEOUT_TCP_FIN, 1, 2000000, 0 },
	{ "timeout-tcp-close", "timeout_tcp_close", DRLB_CFG_A_TIMEOUT_TCP_CLOSE,
	  1, 2000000, 0 },
	{ "timeout-udp", "timeout_udp", DRLB_CFG_A_TIMEOUT_UDP, 1, 2000000, 0 },
	{ "timeout-sctp", "timeout_sctp", DRLB_CFG_A_TIMEOUT_SCTP, 1, 2000000, 0 },
	{ "timeout-other", "timeout_other", DRLB_CFG_A_TIMEOUT_OTHER, 1, 2000000, 0 },
	{ "bypass-mark", "bypass_mark", DRLB_CFG_A_BYPASS_MARK, 0, UINT32_MAX, 0 },
	{ "conn-max", "conn_max", DRLB_CFG_A_CONN_MAX, 1, 1U << 26, 0 },
	{ "mh-table-size", "mh_table_size", DRLB_CFG_A_MH_TABLE_SIZE, 251, 1048573, 0 },
	{ "mh-seed", "mh_seed", DRLB_CFG_A_MH_SEED, 0, UINT32_MAX, 0 },
	{ "cluster", "cluster", DRLB_CFG_A_CLUSTER, 0, 1, CFG_YESNO },
	{ "conn-count", "conn_count", DRLB_CFG_A_CONN_COUNT, 0, 0, CFG_RO },
	{ "conn-entry-size", "conn_entry_size", DRLB_CFG_A_CONN_ENTRY_SIZE, 0, 0, CFG_RO },
	{ "conn-entry-size6", "conn_entry_size6", DRLB_CFG_A_CONN_ENTRY_SIZE6, 0, 0, CFG_RO },
	{ "conn-buckets", "conn_buckets", DRLB_CFG_A_CONN_BUCKETS, 0, 0, CFG_RO },
	{ "conn-chain-max", "conn_chain_max", DRLB_CFG_A_CONN_CHAIN_MAX, 0, 0, CFG_RO },
};

#define N_KEYS ARRAY_SIZE(cfg_keys)

static const struct cfg_key *find_key(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (!strcmp(cfg_keys[i].name, name))
			return &cfg_keys[i];
	return NULL;
}

static const struct cfg_key *find_attr(int attr)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (cfg_keys[i].attr == attr)
			return &cfg_keys[i];
	return NULL;
}

const char *config_value_str(char *buf, size_t len, int attr, uint32_t val)
{
	const struct cfg_key *k = find_attr(attr);

	if (k && (k->flags & CFG_YESNO))
		snprintf(buf, len, "%s", val ? "yes" : "no");
	else
		snprintf(buf, len, "%u", val);
	return buf;
}

static int show_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *ct[DRLB_CFG_A_MAX + 1];
	struct json j;

	(void)arg;
	if (drlb_nl_parse_nested(ct, DRLB_CFG_A_MAX, tb[DRLB_A_CONFIG]))
		return -EPROTO;
	if (opts.json) {
		json_init(&j, stdout);
		json_obj_open(&j, NULL);
	}
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct cfg_key *k = &cfg_keys[i];

		if (!ct[k->attr])
			continue;
		char v[16];

		if (opts.json && (k->flags & CFG_YESNO))
			json_bool(&j, k->json, nla_get_u32(ct[k->attr]));
		else if (opts.json)
			json_u64(&j, k->json, nla_get_u32(ct[k->attr]));
		else if (!(k->flags & CFG_RO) || opts.stats)
			printf("%s %s\n", k->name,
			       config_value_str(v, sizeof(v), k->attr,
						nla_get_u32(ct[k->attr])));
	}
	if (opts.json) {
		json_obj_close(&j);
		json_end(&j);
	}
	return 0;
}

static int config_show(int argc, char **argv)
{
	int err;

	(void)argv;
	if (argc > 1)
		return usage_error("config show: unexpected '%s'", argv[1]);
	if (drlb_nl_open())
		return 1;
	err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_CONFIG, 0), show_cb,
			       NULL);
	return err ? drlb_nl_perror(err, "config show") : 0;
}

static int config_set(int argc, char **argv)
{
	uint32_t vals[DRLB_CFG_A_MAX + 1];
	bool seen[DRLB_CFG_A_MAX + 1] = { false };
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	if (argc < 3)
		return usage_error("config set: expected KEY VALUE [KEY VALUE ...]");
	if (argc % 2 == 0)
		return usage_error("config set: '%s' has no value", argv[argc - 1]);

	/* Parse everything before talking to the kernel: all or nothing. */
	for (int i = 1; i < argc; i += 2) {
		const struct cfg_key *k = find_key(argv[i]);

		if (!k || (k->flags & CFG_RO))
			return usage_error("config set: unknown setting '%s'",
					   argv[i]);
		if (seen[k->attr])
			return usage_error("config set: '%s' given twice",
					   argv[i]);
		if (k->flags & CFG_YESNO) {
			bool b;

			if (parse_bool(argv[i + 1], &b))
				return usage_error("config set: %s must be yes or no, not '%s'",
						   k->name, argv[i + 1]);
			vals[k->attr] = b;
		} else if (parse_u32(argv[i + 1], k->min, k->max,
				     &vals[k->attr]))
			return usage_error("config set: %s must be an integer from %u to %u, not '%s'",
					   k->name, k->min, k->max, argv[i + 1]);
		seen[k->attr] = true;
	}

	if (drlb_nl_open())
		return 1;
	msg = drlb_nl_msg(DRLB_CMD_SET_CONFIG, 0);
	nest = nla_nest_start(msg, DRLB_A_CONFIG);
	for (int a = 0; a <= DRLB_CFG_A_MAX; a++)
		if (seen[a])
			nla_put_u32(msg, a, vals[a]);
	nla_nest_end(msg, nest);
	err = drlb_nl_transact(msg, NULL, NULL);
	if (err)
		return drlb_nl_perror(err, "config set");
	/* Declared one of several directors: which services break then. */
	if (seen[DRLB_CFG_A_CLUSTER] && vals[DRLB_CFG_A_CLUSTER] &&
	    !drlb_nl_dry_run)
		cluster_warn_all();
	return 0;
}

int cmd_config(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "show"))
		return config_show(argc > 1 ? argc - 1 : 1, argv + (argc > 1));
	if (!strcmp(argv[1], "set"))
		return config_set(argc - 1, argv + 1);
	return usage_error("config: unknown subcommand '%s' (show, set)", argv[1]);
}

/* ---- for save and completion ----------------------------------------------- */

const char *config_key_name(size_t i)
{
	for (size_t k = 0; k < N_KEYS; k++)
		if (!(cfg_keys[k].flags & CFG_RO) && i-- == 0)
			return cfg_keys[k].name;
	return NULL;
}

const char *config_attr_name(int attr)
{
	for (size_t k = 0; k < N_KEYS; k++)
		if (!(cfg_keys[k].flags & CFG_RO) && cfg_keys[k].attr == attr)
			return cfg_keys[k].name;
	return NULL;
}

static int save_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *ct[DRLB_CFG_A_MAX + 1];
	FILE *out = arg;

	if (drlb_nl_parse_nested(ct, DRLB_CFG_A_MAX, tb[DRLB_A_CONFIG]))
		return -EPROTO;
	fputs("config set", out);
	for (size_t i = 0; i < N_KEYS; i++) {
		char v[16];

		if (!(cfg_keys[i].flags & CFG_RO) && ct[cfg_keys[i].attr])
			fprintf(out, " %s %s", cfg_keys[i].name,
				config_value_str(v, sizeof(v), cfg_keys[i].attr,
						 nla_get_u32(ct[cfg_keys[i].attr])));
	}
	fputc('\n', out);
	return 0;
}

/* Every settable key on one line, in the words "config set" reads. */
int config_save(FILE *out)
{
	return drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_CONFIG, 0), save_cb,
				out);
}
