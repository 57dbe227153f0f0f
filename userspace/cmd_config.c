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

struct cfg_key {
	const char *name;	/* CLI word */
	const char *json;	/* JSON key */
	int attr;		/* DRLB_CFG_A_* */
	uint32_t min, max;
	bool ro;		/* shown, not settable */
};

static const struct cfg_key cfg_keys[] = {
	{ "timeout-tcp-est", "timeout_tcp_est", DRLB_CFG_A_TIMEOUT_TCP_EST, 1, 2000000, false },
	{ "timeout-tcp-syn", "timeout_tcp_syn", DRLB_CFG_A_TIMEOUT_TCP_SYN, 1, 2000000, false },
	{ "timeout-tcp-fin", "timeout_tcp_fin", DRLB_CFG_A_TIMEOUT_TCP_FIN, 1, 2000000, false },
	{ "timeout-tcp-close", "timeout_tcp_close", DRLB_CFG_A_TIMEOUT_TCP_CLOSE,
	  1, 2000000, false },
	{ "timeout-udp", "timeout_udp", DRLB_CFG_A_TIMEOUT_UDP, 1, 2000000, false },
	{ "timeout-sctp", "timeout_sctp", DRLB_CFG_A_TIMEOUT_SCTP, 1, 2000000, false },
	{ "timeout-other", "timeout_other", DRLB_CFG_A_TIMEOUT_OTHER, 1, 2000000, false },
	{ "bypass-mark", "bypass_mark", DRLB_CFG_A_BYPASS_MARK, 0, UINT32_MAX, false },
	{ "conn-max", "conn_max", DRLB_CFG_A_CONN_MAX, 1, 1U << 26, false },
	{ "mh-table-size", "mh_table_size", DRLB_CFG_A_MH_TABLE_SIZE, 251, 1048573, false },
	{ "mh-seed", "mh_seed", DRLB_CFG_A_MH_SEED, 0, UINT32_MAX, false },
	{ "conn-count", "conn_count", DRLB_CFG_A_CONN_COUNT, 0, 0, true },
	{ "conn-entry-size", "conn_entry_size", DRLB_CFG_A_CONN_ENTRY_SIZE, 0, 0, true },
	{ "conn-buckets", "conn_buckets", DRLB_CFG_A_CONN_BUCKETS, 0, 0, true },
	{ "conn-chain-max", "conn_chain_max", DRLB_CFG_A_CONN_CHAIN_MAX, 0, 0, true },
};

#define N_KEYS ARRAY_SIZE(cfg_keys)

static const struct cfg_key *find_key(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (!strcmp(cfg_keys[i].name, name))
			return &cfg_keys[i];
	return NULL;
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
		if (opts.json)
			json_u64(&j, k->json, nla_get_u32(ct[k->attr]));
		else if (!k->ro || opts.stats)
			printf("%s %u\n", k->name, nla_get_u32(ct[k->attr]));
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

		if (!k || k->ro)
			return usage_error("config set: unknown setting '%s'",
					   argv[i]);
		if (seen[k->attr])
			return usage_error("config set: '%s' given twice",
					   argv[i]);
		if (parse_u32(argv[i + 1], k->min, k->max, &vals[k->attr]))
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
	return err ? drlb_nl_perror(err, "config set") : 0;
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
		if (!cfg_keys[k].ro && i-- == 0)
			return cfg_keys[k].name;
	return NULL;
}

const char *config_attr_name(int attr)
{
	for (size_t k = 0; k < N_KEYS; k++)
		if (!cfg_keys[k].ro && cfg_keys[k].attr == attr)
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
	for (size_t i = 0; i < N_KEYS; i++)
		if (!cfg_keys[i].ro && ct[cfg_keys[i].attr])
			fprintf(out, " %s %u", cfg_keys[i].name,
				nla_get_u32(ct[cfg_keys[i].attr]));
	fputc('\n', out);
	return 0;
}

/* Every settable key on one line, in the words "config set" reads. */
int config_save(FILE *out)
{
	return drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_CONFIG, 0), save_cb,
				out);
}
