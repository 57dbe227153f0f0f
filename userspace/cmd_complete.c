// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl __complete CWORD WORD0 WORD1 ...   (hidden; for the shell)
 *
 * Prints the completions of word CWORD of the command line WORD0 (the
 * program) WORD1 ..., one per line, for userspace/completion/drlbctl. The
 * binary answers so that the completion cannot drift from it: the words
 * come from drlbctl_grammar below, the command table, config's own key
 * table, the module's scheduler list and the system's devices. A file
 * name argument prints the single line "@file" (the shell completes it).
 * "drlbctl __complete --grammar" prints the grammar lines (for the tests
 * that hold the man page and the command table to them).
 *
 * drlbctl_grammar holds one line per form of every command, in a small
 * notation (the man page's SYNOPSIS uses the same words):
 *
 *   word          a literal word
 *   WORD          a placeholder; PROTO, SCHED, FLAGS, BOOL, IFNAME, KEY,
 *                 STATE, FAMILY and FILE complete (protocols, the
 *                 module's schedulers, scheduler flags, yes/no, devices,
 *                 config keys, flow states, inet/inet6, files), others
 *                 (VIP, N...) do not
 *   A|B           a word that is one of A, B (each literal or placeholder)
 *   {w X | v Y}   one of two sequences of words (expanded into one line
 *                 for each; the man page's SYNOPSIS writes it the same)
 *   [w X]         an optional group, after the required words, in any
 *                 order, each at most once; [w X | v Y] one of two forms;
 *                 [...]... may repeat
 */

#include <dirent.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drlbctl.h"
#include "nl.h"

static const char *const drlbctl_grammar[] = {
	"service add {PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK} [sched SCHED] [sched-flags FLAGS] [persistent SECS] [netmask MASK] [expire-nodest BOOL] [midstream BOOL] [onepacket BOOL]",
	"service change {PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK} [sched SCHED] [sched-flags FLAGS] [persistent SECS|off] [netmask MASK] [expire-nodest BOOL] [midstream BOOL] [onepacket BOOL]",
	"service del {PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK}",
	"service show [{PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK}]",
	"server add {PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK} RIP [weight N] [u-threshold N] [l-threshold N]",
	"server change {PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK} RIP [weight N] [u-threshold N] [l-threshold N]",
	"server del {PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK} RIP",
	"server show {PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK}",
	"conn show [{PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK}] [client ADDR] [cport PORT] [server ADDR] [state STATE] [proto PROTO] [persistent] [--count]",
	"conn del [{PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK}] [client ADDR] [cport PORT] [server ADDR] [state STATE] [proto PROTO] [persistent]",
	"conn del all",
	"stats [--watch SECS]",
	"stats show [--watch SECS]",
	"stats zero [{PROTO VIP[:PORT] | fwmark MARK family FAMILY | fwmark MARK}]",
	"flush [all]",
	"arp add VIP [dev IFNAME | ifindex N] [packet-sockets BOOL]",
	"arp change VIP [dev IFNAME | ifindex N] [packet-sockets BOOL]",
	"arp del VIP [dev IFNAME | ifindex N]",
	"arp prune",
	"arp show",
	"vip announce VIP dev IFNAME [count N] [interval MS]",
	"vip check VIP dev IFNAME [timeout MS] [owner MAC]",
	"vip export [once] [table ID] [protocol ID]",
	"config show",
	"config set KEY VALUE [KEY VALUE]...",
	"save",
	"restore [FILE|-]",
	"restore --check [FILE|-]",
	"monitor",
	"version",
	"help",
	NULL
};

/* Global options, as main() takes them. */
static const char *const global_opts[] = {
	"-j", "--json", "-s", "--stats", "-n", "--numeric", "-f", "--file",
	"-V", "--version", "-h", "--help", NULL
};

#define MAX_TOK 16
#define MAX_ALT 2
#define MAX_GRP 8

struct alt {
	const char *tok[MAX_TOK];
	int n;
};

struct group {
	struct alt alt[MAX_ALT];
	int nalt;
	bool repeat;
	bool used;
};

struct rule {
	char buf[256];
	const char *req[MAX_TOK];
	int nreq;
	struct group grp[MAX_GRP];
	int ngrp;
};

/*
 * Parse one grammar line. Nested optional groups ("[zero [PROTO VIP]]")
 * are expanded by the caller into the forms with and without them, so a
 * rule here has required words and then flat groups.
 */
static int rule_parse(struct rule *r, const char *line)
{
	struct group *g = NULL;
	char *save;

	memset(r, 0, sizeof(*r));
	snprintf(r->buf, sizeof(r->buf), "%s", line);
	for (char *t = strtok_r(r->buf, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(t);
		bool close = false;

		if (t[0] == '[') {
			if (g || r->ngrp == MAX_GRP)
				return -1;
			g = &r->grp[r->ngrp++];
			g->nalt = 1;
			t++;
			len--;
		}
		if (len >= 4 && !strcmp(t + len - 4, "]...")) {
			t[len - 4] = '\0';
			close = true;
			if (g)
				g->repeat = true;
		} else if (len >= 1 && t[len - 1] == ']' && g &&
			   !strchr(t, '[')) {
			t[len - 1] = '\0';
			close = true;
		}
		if (!g) {
			if (r->nreq == MAX_TOK)
				return -1;
			r->req[r->nreq++] = t;
		} else if (!strcmp(t, "|")) {
			if (g->nalt == MAX_ALT)
				return -1;
			g->nalt++;
		} else if (*t) {
			struct alt *a = &g->alt[g->nalt - 1];

			if (a->n == MAX_TOK)
				return -1;
			a->tok[a->n++] = t;
		}
		if (close)
			g = NULL;
	}
	return g ? -1 : 0;
}

/* ---- candidates ------------------------------------------------------------ */

struct out {
	const char *prefix;
	char **typed;		/* words before the current one */
	int ntyped;
	char *seen[256];
	int nseen;
	bool file;
};

static void offer(struct out *o, const char *w)
{
	if (strncmp(w, o->prefix, strlen(o->prefix)))
		return;
	for (int i = 0; i < o->nseen; i++)
		if (!strcmp(o->seen[i], w))
			return;
	if (o->nseen < (int)ARRAY_SIZE(o->seen))
		o->seen[o->nseen++] = strdup(w);
}

static bool typed_already(const struct out *o, const char *w)
{
	for (int i = 0; i < o->ntyped; i++)
		if (!strcmp(o->typed[i], w))
			return true;
	return false;
}

static bool is_placeholder(const char *t)
{
	return t[0] >= 'A' && t[0] <= 'Z';
}

/* The module's schedulers, without loading it just for a completion. */
static void offer_scheds(struct out *o)
{
	struct drlb_info info;
	FILE *saved = stderr;

	if (access("/sys/module/drlb", F_OK))
		return;
	stderr = fopen("/dev/null", "w");
	if (stderr && !drlb_nl_info(&info))
		for (int i = 0; i < info.n_scheds; i++)
			offer(o, info.scheds[i]);
	if (stderr)
		fclose(stderr);
	stderr = saved;
}

static void offer_devs(struct out *o)
{
	struct if_nameindex *ifs = if_nameindex();

	if (!ifs)
		return;
	for (struct if_nameindex *i = ifs; i->if_index; i++)
		offer(o, i->if_name);
	if_freenameindex(ifs);
}

/* What can stand for grammar token @t ("A|B" offers both). */
static void offer_token(struct out *o, const char *t)
{
	char buf[64], *save;

	snprintf(buf, sizeof(buf), "%s", t);
	for (char *p = strtok_r(buf, "|", &save); p;
	     p = strtok_r(NULL, "|", &save)) {
		if (!is_placeholder(p)) {
			offer(o, p);
		} else if (!strcmp(p, "PROTO")) {
			offer(o, "tcp");
			offer(o, "udp");
			offer(o, "sctp");
		} else if (!strcmp(p, "BOOL")) {
			offer(o, "yes");
			offer(o, "no");
		} else if (!strcmp(p, "FAMILY")) {
			offer(o, "inet");
			offer(o, "inet6");
		} else if (!strcmp(p, "STATE")) {
			offer(o, "none");
			offer(o, "syn");
			offer(o, "established");
			offer(o, "fin");
			offer(o, "close");
		} else if (!strcmp(p, "SCHED")) {
			offer_scheds(o);
		} else if (!strcmp(p, "FLAGS")) {
			offer(o, "port");
			offer(o, "fallback");
			offer(o, "port,fallback");
			offer(o, "none");
		} else if (!strcmp(p, "IFNAME")) {
			offer_devs(o);
		} else if (!strcmp(p, "KEY")) {
			const char *k;

			for (size_t i = 0; (k = config_key_name(i)); i++)
				if (!typed_already(o, k))
					offer(o, k);
		} else if (!strcmp(p, "FILE")) {
			o->file = true;
		}
	}
}

/* Does typed word @w fit grammar token @t? Placeholders take anything. */
static bool fits(const char *t, const char *w)
{
	char buf[64], *save;

	snprintf(buf, sizeof(buf), "%s", t);
	for (char *p = strtok_r(buf, "|", &save); p;
	     p = strtok_r(NULL, "|", &save))
		if (is_placeholder(p) || !strcmp(p, w))
			return true;
	return false;
}

/* Match the typed words against one rule and offer what may come next. */
static void complete_rule(struct rule *r, struct out *o)
{
	char **w = o->typed;
	int n = o->ntyped, i = 0;

	for (int k = 0; k < r->nreq; k++, i++) {
		if (i == n) {
			offer_token(o, r->req[k]);
			return;
		}
		if (!fits(r->req[k], w[i]))
			return;
	}
	while (i < n) {
		struct alt *hit = NULL;
		struct group *hg = NULL;

		for (int g = 0; g < r->ngrp && !hit; g++) {
			if (r->grp[g].used && !r->grp[g].repeat)
				continue;
			for (int a = 0; a < r->grp[g].nalt && !hit; a++)
				if (fits(r->grp[g].alt[a].tok[0], w[i])) {
					hit = &r->grp[g].alt[a];
					hg = &r->grp[g];
				}
		}
		if (!hit)
			return;
		hg->used = true;
		for (int t = 1; t < hit->n; t++)
			if (i + t == n) {
				offer_token(o, hit->tok[t]);
				return;
			}
		i += hit->n;
	}
	if (i != n)
		return;
	for (int g = 0; g < r->ngrp; g++) {
		if (r->grp[g].used && !r->grp[g].repeat)
			continue;
		for (int a = 0; a < r->grp[g].nalt; a++)
			offer_token(o, r->grp[g].alt[a].tok[0]);
	}
}

static void complete_line(const char *line, struct out *o);

/*
 * The first "{A | B}" of @line: each of its sequences in its place, one
 * line each, through complete_line(). False if @line has none.
 */
static bool expand_choice(const char *line, struct out *o)
{
	const char *p = strchr(line, '{'), *q = p ? strchr(p, '}') : NULL;
	const char *alt, *bar;
	char one[256];

	if (!q)
		return false;
	for (alt = p + 1; alt < q; alt = bar + 3) {
		bar = memmem(alt, q - alt, " | ", 3);
		if (!bar)
			bar = q;
		snprintf(one, sizeof(one), "%.*s%.*s%s", (int)(p - line), line,
			 (int)(bar - alt), alt, q + 1);
		complete_line(one, o);
	}
	return true;
}

/*
 * Choices ("{PROTO VIP | fwmark MARK}") are expanded into a line each;
 * optional groups that hold other groups ("stats [zero [PROTO VIP]]") or
 * start with a placeholder ("show [PROTO VIP]") into the forms without
 * and with them, recursively; complete_rule() sees only required words
 * followed by keyword groups.
 */
static void complete_line(const char *line, struct out *o)
{
	struct rule r;

	if (expand_choice(line, o))
		return;
	for (const char *p = line; (p = strchr(p, '[')); p++) {
		const char *q;
		char without[256], with[256];
		int depth = 0;

		if (p != line && p[-1] != ' ')
			continue;	/* "VIP[:PORT]": not a group */
		for (q = p; *q; q++)
			if (*q == '[')
				depth++;
			else if (*q == ']' && --depth == 0)
				break;
		if (!*q)
			return;
		if (q[1] == '.' ||
		    (!is_placeholder(p + 1) && !memmem(p + 1, q - p - 1, " [", 2)))
			continue;
		snprintf(without, sizeof(without), "%.*s%s",
			 (int)(p > line ? p - line - 1 : 0), line, q + 1);
		snprintf(with, sizeof(with), "%.*s%.*s%s", (int)(p - line), line,
			 (int)(q - p - 1), p + 1, q + 1);
		complete_line(without, o);
		complete_line(with, o);
		return;
	}
	if (!rule_parse(&r, line))
		complete_rule(&r, o);
}

int cmd_complete(int argc, char **argv)
{
	struct out o = { 0 };
	/* argv: __complete CWORD WORD0 WORD1 ...; words[] starts at WORD1 */
	char **words = argv + 3;
	int nwords = argc - 3, cword, first;
	const char *cur;

	if (argc == 2 && !strcmp(argv[1], "--grammar")) {
		for (int i = 0; drlbctl_grammar[i]; i++)
			puts(drlbctl_grammar[i]);
		return 0;
	}
	if (argc < 3)
		return 2;
	cword = atoi(argv[1]);
	if (cword < 1)
		return 2;

	cur = cword - 1 < nwords ? words[cword - 1] : "";
	o.prefix = cur;
	if (cword - 1 > nwords)
		return 0;

	/* Global options before the command. */
	first = 0;
	while (first < cword - 1 && words[first][0] == '-') {
		if (!strcmp(words[first], "-f") || !strcmp(words[first], "--file")) {
			if (first + 1 == cword - 1) {
				puts("@file");
				return 0;
			}
			first++;
		}
		first++;
	}
	if (first == cword - 1 && cur[0] == '-') {
		for (int i = 0; global_opts[i]; i++)
			offer(&o, global_opts[i]);
	} else if (first == cword - 1) {
		/* The command: from the command table, hidden ones left out. */
		const struct drlbctl_cmd *c;

		for (size_t i = 0; (c = drlbctl_cmd_at(i)); i++)
			if (c->summary)
				offer(&o, c->name);
	} else {
		o.typed = words + first;
		o.ntyped = cword - 1 - first;
		for (int i = 0; drlbctl_grammar[i]; i++)
			complete_line(drlbctl_grammar[i], &o);
	}
	if (o.file)
		puts("@file");
	for (int i = 0; i < o.nseen; i++) {
		puts(o.seen[i]);
		free(o.seen[i]);
	}
	return 0;
}
