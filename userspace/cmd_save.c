// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl save
 * drlbctl restore [FILE|-]          (also: drlbctl -f FILE)
 *
 * "save" prints the namespace's whole configuration as drlbctl command
 * lines, one per line, in a fixed order: the settings ("config set" with
 * every settable key), then each service ("service add", sorted as
 * "service show" sorts them) followed by its real servers ("server add",
 * weight always given), then the ARP rules ("arp add"). Counters, flows and
 * read-only values are not configuration and are left out. The first line
 * is a comment. What the module cannot do (no director, no ARP rules) is
 * left out too.
 *
 * "restore" replaces the whole configuration with a file in that format
 * (stdin for "-" or no FILE): blank lines and words from a "#" to the end
 * of the line are ignored; every other line is a drlbctl command without
 * the word "drlbctl" that changes the configuration (config set, service,
 * server, arp add|change|del, flush). It is all or nothing:
 *
 *   pass 1  every line goes through its command's own parser with the
 *           netlink transport in dry-run mode (drlb_nl_dry_run): a bad
 *           line anywhere is reported ("drlbctl: restore: line 7: ...")
 *           and nothing has changed;
 *   pass 2  the running configuration is saved to memory (the snapshot),
 *           services, servers and ARP rules are flushed, and the lines
 *           are applied in order, sent in batches of up to
 *           DRLB_NL_BATCH_MAX requests per system call (see nl.h). If the
 *           kernel refuses one, the snapshot goes back in (flush, apply)
 *           and the line is reported.
 *
 * Settings the file does not name keep their values (a saved file names
 * them all). One netlink socket serves the whole run.
 *
 * Exit status: 0 applied; 1 refused by the kernel or the system (the
 * previous configuration is back in place); 2 a bad line (nothing changed).
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
	char vip[32], rip[32];
	int n, err;

	err = svc_list_get(NULL, &list, &n);
	if (err)
		return err;
	for (int i = 0; i < n; i++) {
		const struct svc_info *s = &list[i];

		format_ipv4_port(vip, sizeof(vip), s->key.addr, s->key.port);
		fprintf(out, "service add %s %s sched %s",
			format_proto(s->key.proto), vip, s->sched);
		if (s->persist) {
			fprintf(out, " persistent %u", s->persist);
			if (s->netmask != 32)
				fprintf(out, " netmask %u", s->netmask);
		}
		if (!s->expire_nodest)
			fputs(" expire-nodest no", out);
		if (s->midstream)
			fputs(" midstream yes", out);
		fputc('\n', out);
		for (int d = 0; d < s->n_dests; d++) {
			format_ipv4_port(rip, sizeof(rip), s->dests[d].addr, 0);
			rip[strlen(rip) - 2] = '\0';	/* drop ":*" */
			fprintf(out, "server add %s %s %s weight %u\n",
				format_proto(s->key.proto), vip, rip,
				s->dests[d].weight);
		}
	}
	svc_list_free(list, n);
	return 0;
}

/* The whole configuration, in the order restore needs it. */
static int save_all(FILE *out)
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

/* ---- restore -------------------------------------------------------------- */

struct lines {
	char **text;		/* each line as read, without the newline */
	size_t n, cap;
};

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->text[i]);
	free(l->text);
	memset(l, 0, sizeof(*l));
}

static int lines_read(FILE *f, struct lines *l)
{
	char *buf = NULL;
	size_t size = 0;
	ssize_t len;

	while ((len = getline(&buf, &size, f)) >= 0) {
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 64;
			l->text = realloc(l->text, l->cap * sizeof(*l->text));
			if (!l->text)
				return -ENOMEM;
		}
		l->text[l->n] = strdup(buf);
		if (!l->text[l->n++])
			return -ENOMEM;
	}
	free(buf);
	return ferror(f) ? -EIO : 0;
}

/* Lines from a memory buffer (the snapshot). */
static int lines_from_buf(const char *buf, size_t size, struct lines *l)
{
	FILE *f = fmemopen((void *)buf, size, "r");
	int err;

	if (!f)
		return -errno;
	err = lines_read(f, l);
	fclose(f);
	return err;
}

/*
 * Split @s (modified) into words; a word starting with '#' ends the line.
 * Returns the word count, or -1 if there are more than MAX_WORDS.
 */
static int split_words(char *s, char **words)
{
	int n = 0;

	for (char *w = strtok(s, " \t\r\v\f"); w; w = strtok(NULL, " \t\r\v\f")) {
		if (w[0] == '#')
			break;
		if (n == MAX_WORDS)
			return -1;
		words[n++] = w;
	}
	words[n] = NULL;
	return n;
}

/* Commands that change the configuration: the only ones a file may hold. */
static bool changes_config(int argc, char **argv)
{
	static const char *const ok[][4] = {
		{ "config", "set" },
		{ "service", "add", "change", "del" },
		{ "server", "add", "change", "del" },
		{ "arp", "add", "del" },
	};

	if (!strcmp(argv[0], "flush"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (strcmp(argv[0], ok[i][0]))
			continue;
		for (int j = 1; j < 4 && ok[i][j]; j++)
			if (argc > 1 && !strcmp(argv[1], ok[i][j]))
				return true;
	}
	return false;
}

/*
 * Run one line's command with its messages caught and printed again as
 * "drlbctl: CTX line N: MESSAGE", so that every error - whichever command
 * file prints it, however - names the line. One memory stream serves all
 * the lines of a run (@mem; opening one per line was most of the cost of
 * a long restore): what a line wrote is what follows *@off.
 */
static int run_line(int argc, char **argv, const char *ctx, size_t no,
		    FILE *mem, char **buf, size_t *len, size_t *off)
{
	FILE *real = stderr;
	char *line, *save;
	int ret;

	if (!mem)
		return drlbctl_run(argc, argv);
	fflush(stderr);
	stderr = mem;
	ret = drlbctl_run(argc, argv);
	stderr = real;
	fflush(mem);
	if (*len == *off)
		return ret;
	for (line = strtok_r(*buf + *off, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "drlbctl: ", 9))
			line += 9;
		fprintf(stderr, "drlbctl: %sline %zu: %s\n", ctx, no, line);
	}
	*off = *len;
	return ret;
}

/*
 * A request of a batch (see run_lines()) was refused: name its line, as
 * run_line() does for the errors a command prints itself.
 */
static int batch_refused(const struct lines *l, const char *ctx, int err,
			 size_t tag, size_t *bad_line)
{
	const char *msg = drlb_nl_errmsg();

	fprintf(stderr, "drlbctl: %sline %zu: %s: %s\n", ctx, tag,
		tag && tag <= l->n ? l->text[tag - 1] : "?",
		msg[0] ? msg : strerror(-err));
	*bad_line = tag;
	return 1;
}

/*
 * Run every line. Returns 0, or the failing command's exit code with
 * *bad_line set to its line number (1-based). With @batched, the requests
 * go to the kernel in batches (drlb_nl_batch_start()): a refusal comes
 * back a few lines later, and is reported under its own line.
 */
static int run_lines(const struct lines *l, const char *ctx, size_t *bad_line,
		     bool batched)
{
	char *words[MAX_WORDS + 1], *buf = NULL;
	size_t tag, len = 0, off = 0;
	int ret = 0, err;
	FILE *mem;

	fflush(stderr);
	mem = open_memstream(&buf, &len);
	if (batched)
		drlb_nl_batch_start();
	for (size_t i = 0; i < l->n && !ret; i++) {
		char *copy = strdup(l->text[i]);
		int argc;

		if (!copy) {
			fprintf(stderr, "drlbctl: out of memory\n");
			return 1;
		}
		argc = split_words(copy, words);
		if (argc < 0) {
			fprintf(stderr, "drlbctl: %sline %zu: more than %d words\n",
				ctx, i + 1, MAX_WORDS);
			ret = 2;
		} else if (argc > 0 && !changes_config(argc, words)) {
			fprintf(stderr,
				"drlbctl: %sline %zu: '%s%s%s' does not change the configuration (a file holds config set, service, server, arp add|change|del and flush lines)\n",
				ctx, i + 1, words[0], argc > 1 ? " " : "",
				argc > 1 ? words[1] : "");
			ret = 2;
		} else if (argc > 0) {
			drlb_nl_tag = i + 1;
			ret = run_line(argc, words, ctx, i + 1, mem, &buf,
				       &len, &off);
		}
		free(copy);
		if (ret)
			*bad_line = i + 1;
		err = batched && !ret ? drlb_nl_batch_error(&tag) : 0;
		if (err)
			ret = batch_refused(l, ctx, err, tag, bad_line);
	}
	if (batched) {
		err = drlb_nl_batch_stop();
		if (!ret && err && drlb_nl_batch_error(&tag))
			ret = batch_refused(l, ctx, err, tag, bad_line);
	}
	if (mem)
		fclose(mem);
	free(buf);
	return ret;
}

/*
 * Without DRLB_CMD_FLUSH (a module older than its ARP rules' director
 * half): delete what "save" lists, one "service del" / "arp del" each.
 */
static int flush_by_lines(void)
{
	struct lines cur = { 0 };
	char *buf = NULL, *words[MAX_WORDS + 1];
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int err;

	if (!mem)
		return -errno;
	err = save_all(mem);
	fclose(mem);
	if (!err)
		err = lines_from_buf(buf, len, &cur);
	for (size_t i = 0; !err && i < cur.n; i++) {
		int argc = split_words(cur.text[i], words);

		/* "service add P V ..." -> "service del P V"; "arp add ..." */
		if (argc >= 3 && !strcmp(words[1], "add") &&
		    (!strcmp(words[0], "service") || !strcmp(words[0], "arp"))) {
			words[1] = "del";
			if (words[0][0] == 's') {
				argc = 3;	/* del takes the key only */
				words[3] = NULL;
			}
			err = drlbctl_run(argc, words) ? -EIO : 0;
		}
	}
	lines_free(&cur);
	free(buf);
	return err;
}

/* Delete every service, server and ARP rule the module can hold. */
static int flush_all(void)
{
	struct drlb_info info;
	struct nl_msg *msg;
	int err;

	err = drlb_nl_info(&info);
	if (err)
		return err;
	if (!(info.features & (DRLB_F_DIRECTOR_IPV4 | DRLB_F_ARP_SUPPRESS)))
		return 0;	/* nothing but settings: nothing to flush */
	msg = drlb_nl_msg(DRLB_CMD_FLUSH, 0);
	if (info.features & DRLB_F_ARP_SUPPRESS)
		nla_put_flag(msg, DRLB_A_FLUSH_ARP);
	err = drlb_nl_transact(msg, NULL, NULL);
	if (err == -EOPNOTSUPP)
		err = flush_by_lines();
	return err;
}

static int open_input(const char *name, FILE **f)
{
	if (!strcmp(name, "-")) {
		*f = stdin;
		return 0;
	}
	*f = fopen(name, "r");
	if (!*f) {
		fprintf(stderr, "drlbctl: restore: cannot open %s: %s\n", name,
			strerror(errno));
		return 1;
	}
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "-";
	struct lines file = { 0 }, snap = { 0 };
	char *snapbuf = NULL;
	size_t snaplen = 0, bad = 0, bad_snap = 0;
	FILE *f, *mem;
	int ret, err;

	if (argc > 2)
		return usage_error("restore: unexpected '%s' (restore [FILE|-])",
				   argv[2]);
	if (open_input(name, &f))
		return 1;
	err = lines_read(f, &file);
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "drlbctl: restore: cannot read %s: %s\n", name,
			strerror(-err));
		lines_free(&file);
		return 1;
	}
	/* Nothing below prints show output; keep the options from leaking. */
	opts.json = false;
	opts.stats = false;
	if (drlb_nl_open()) {
		lines_free(&file);
		return 1;
	}

	/* Pass 1: every line through its parser, nothing sent. */
	drlb_nl_dry_run = true;
	ret = run_lines(&file, "restore: ", &bad, false);
	drlb_nl_dry_run = false;
	if (ret) {
		fprintf(stderr, "drlbctl: restore: %s: line %zu is wrong; nothing changed\n",
			name, bad);
		lines_free(&file);
		return ret;
	}

	/* Pass 2: snapshot, flush, apply; on a refusal put the snapshot back. */
	mem = open_memstream(&snapbuf, &snaplen);
	if (!mem) {
		perror("drlbctl: restore");
		lines_free(&file);
		return 1;
	}
	err = save_all(mem);
	fclose(mem);
	if (!err)
		err = lines_from_buf(snapbuf, snaplen, &snap);
	if (err) {
		ret = drlb_nl_perror(err, "restore: reading the running configuration");
		goto out;
	}
	err = flush_all();
	if (err) {
		ret = drlb_nl_perror(err, "restore: flush");
		goto out;
	}
	ret = run_lines(&file, "restore: ", &bad, true);
	if (!ret)
		goto out;

	err = flush_all();
	if (!err && !run_lines(&snap, "restore: putting the previous configuration back: ",
			       &bad_snap, true)) {
		fprintf(stderr,
			"drlbctl: restore: %s: line %zu was refused; the previous configuration is back in place\n",
			name, bad);
	} else {
		if (err)
			drlb_nl_perror(err, "restore: flush");
		fprintf(stderr,
			"drlbctl: restore: %s: line %zu was refused, and putting the previous configuration back failed too; check 'drlbctl save'. It was:\n%s",
			name, bad, snapbuf);
	}
	ret = 1;
out:
	lines_free(&file);
	lines_free(&snap);
	free(snapbuf);
	return ret;
}
