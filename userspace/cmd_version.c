// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl version: the tool's and the module's versions, and whether they
 * agree.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "drlbctl.h"
#include "json.h"
#include "nl.h"

int cmd_version(int argc, char **argv)
{
	struct drlb_info info;
	struct json j;
	int err;

	(void)argv;
	if (argc > 1)
		return usage_error("version takes no arguments");

	err = drlb_nl_info(&info);
	if (opts.json) {
		json_init(&j, stdout);
		json_obj_open(&j, NULL);
		json_str(&j, "drlbctl", DRLB_VERSION);
		json_u64(&j, "api", DRLB_API_VERSION);
		if (err) {
			json_null(&j, "module");
		} else {
			json_obj_open(&j, "module");
			json_str(&j, "version", info.version);
			json_u64(&j, "api", info.api_version);
			json_u64(&j, "features", info.features);
			json_arr_open(&j, "schedulers");
			for (int i = 0; i < info.n_scheds; i++)
				json_str(&j, NULL, info.scheds[i]);
			json_arr_close(&j);
			json_obj_close(&j);
		}
		json_obj_close(&j);
		json_end(&j);
	} else {
		printf("drlbctl %s (api %u)\n", DRLB_VERSION, DRLB_API_VERSION);
		if (!err)
			printf("drlb module %s (api %u)\n", info.version,
			       info.api_version);
	}
	if (err == -ENOENT)
		return 1;
	if (err)
		return drlb_nl_perror(err, "query module");

	if (info.api_version != DRLB_API_VERSION) {
		fprintf(stderr,
			"drlbctl: error: API mismatch (drlbctl %u, module %u): update the %s\n",
			DRLB_API_VERSION, info.api_version,
			info.api_version > DRLB_API_VERSION ?
			"drlbctl tool" : "drlb module");
		return 1;
	}
	if (strcmp(info.version, DRLB_VERSION))
		fprintf(stderr,
			"drlbctl: warning: drlbctl %s and drlb module %s differ; both speak API %u, but install matching versions\n",
			DRLB_VERSION, info.version, info.api_version);
	return 0;
}
