// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl save
 *
 * Prints the namespace's whole configuration as drlbctl command lines,
 * one per line, in a fixed order: the settings ("config set" with every
 * settable key), then each service ("service add", sorted as "service
 * show" sorts them: fwmark services, "service add fwmark MARK ...",
 * after the others; scheduler flags when not the scheduler's default)
 * followed by its real servers ("server add", weight always given,
 * connection thresholds when set), then the ARP rules ("arp add"). IPv4
 * services come before IPv6 ones ("tcp [2001:db8::100]:80", "fwmark 5
 * family inet6"), fwmark services after both, by mark then family.
 * Counters, flows and read-only values are not configuration and are left
 * out. The first line is a comment. What the module cannot do (no
 * director, no ARP rules) is left out too. "drlbctl restore" (restore.c)
 * reads it back.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drlbctl.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

#define SAVE_HEADER \
	"# drlb configuration (drlbctl save); apply with: drlbctl restore FILE\n"
#define MAX_WORDS 64

/* ---- save ----------------------------------------------------------------- */

static int save_services(FILE *out)
{
	struct svc_info *list;
	char key[96], rip[ADDR_STRLEN], sf[32];
	int n, err;

	err = svc_list_get(NULL, &list, &n);
	if (err)
		return err;
	for (int i = 0; i < n; i++) {
		const struct svc_info *s = &list[i];

		/* "tcp 10.0.0.100:80", "fwmark 5 family inet6"... */
		snprintf(key, sizeof(key), "%s", svc_key_str(&s->key));
		fprintf(out, "service add %s sched %s", key, s->sched);
		if (s->persist) {
			fprintf(out, " persistent %u", s->persist);
			if (s->netmask != addr_bits(s->key.addr.af))
				fprintf(out, " netmask %u", s->netmask);
		}
		if (!s->expire_nodest)
			fputs(" expire-nodest no", out);
		if (s->midstream)
			fputs(" midstream yes", out);
		if (s->sched_flags != sched_default_flags(s->sched))
			fprintf(out, " sched-flags %s",
				format_sched_flags(sf, sizeof(sf),
						   s->sched_flags));
		if (s->onepacket)
			fputs(" onepacket yes", out);
		fputc('\n', out);
		for (int d = 0; d < s->n_dests; d++) {
			const struct dest_info *di = &s->dests[d];

			fprintf(out, "server add %s %s weight %u", key,
				format_addr(rip, sizeof(rip), &di->addr),
				di->weight);
			if (di->u_thresh)
				fprintf(out, " u-threshold %u", di->u_thresh);
			if (di->l_thresh)
				fprintf(out, " l-threshold %u", di->l_thresh);
			fputc('\n', out);
		}
	}
	svc_list_free(list, n);
	return 0;
}

/* The whole configuration, in the order restore needs it. */
int save_all(FILE *out)
{
	struct drlb_info info;
	int err;

	err = drlb_nl_info(&info);
	if (err)
		return err;
	fputs(SAVE_HEADER, out);
	err = config_save(out);
	if (!err && (info.features & DRLB_F_DIRECTOR_IPV4))
		err = save_services(out);
	if (!err && (info.features & DRLB_F_ARP_SUPPRESS))
		err = arp_save(out);
	return err;
}

int cmd_save(int argc, char **argv)
{
	int err;

	if (argc > 1)
		return usage_error("save: unexpected '%s' (save takes no arguments; drlbctl save > FILE)",
				   argv[1]);
	if (drlb_nl_open())
		return 1;
	err = save_all(stdout);
	if (err)
		return drlb_nl_perror(err, "save");
	if (fflush(stdout) || ferror(stdout)) {
		perror("drlbctl: save");
		return 1;
	}
	return 0;
}
