// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl restore [--check] [FILE|-]     (also: drlbctl -f FILE)
 *
 * Makes the namespace's configuration the one a file describes, changing
 * only what differs, so that a reload drops no flow: a service or server
 * the file keeps unchanged is not touched (its flows, counters and
 * neighbour state stay), a changed scheduler, persistence or weight is
 * changed in place, what the file no longer holds is deleted, and an ARP
 * rule the file keeps never goes away, not even for a moment.
 *
 * The file is in the format of "drlbctl save" (stdin for "-" or no FILE):
 * blank lines and words from a "#" to the end of the line are ignored;
 * every other line is a drlbctl command without the word "drlbctl" that
 * changes the configuration (config set, service, server, arp add|change|del,
 * flush [all]), read in order from an empty configuration: the file
 * describes every service, server and ARP rule there is to be. Settings
 * the file does not name keep their values.
 *
 *   1. every line goes through its command's own parser with the netlink
 *      transport in dry-run mode; the request each would send is caught
 *      (drlb_nl_capture) and applied to a model of the configuration
 *      (cfgdiff.c): a bad line, or one that cannot apply (a service added
 *      twice, a server of no service), is reported with its number and
 *      nothing has changed;
 *   2. the running configuration is read into a second model (the
 *      snapshot), and the difference (cm_diff()) is sent in batches of up
 *      to DRLB_NL_BATCH_MAX requests per system call (nl.h), each tagged
 *      with the file line behind it. If the kernel refuses one, the
 *      difference back to the snapshot is applied the same way and the
 *      line is reported: all or nothing;
 *   3. the result is read back and compared with the file's model.
 *
 * --check does 1 and prints the difference as drlbctl command lines (the
 * steps restore would take, in its order), changing nothing.
 *
 * Exit status: 0 applied (or checked); 1 refused by the kernel or the
 * system (the previous configuration is back in place), or a line that
 * cannot apply (nothing changed); 2 a bad line (nothing changed).
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netlink/genl/genl.h>

#include "cfgdiff.h"
#include "drlbctl.h"
#include "nl.h"
#include "parse.h"
#include "svc.h"

#define MAX_WORDS 64

/* ---- the file's lines ------------------------------------------------------ */

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
			char **t;

			l->cap = l->cap ? 2 * l->cap : 64;
			t = realloc(l->text, l->cap * sizeof(*l->text));
			if (!t) {
				free(buf);
				return -ENOMEM;
			}
			l->text = t;
		}
		l->text[l->n] = strdup(buf);
		if (!l->text[l->n++]) {
			free(buf);
			return -ENOMEM;
		}
	}
	free(buf);
	return ferror(f) ? -EIO : 0;
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
		{ "arp", "add", "change", "del" },
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

/* ---- pass 1: the file's requests, applied to a model ---------------------- */

struct reading {
	struct cm_model *m;
	const struct lines *l;
	int err;		/* first error, -errno */
	size_t err_line;
	char why[160];
};

/*
 * The key of a DRLB_A_SERVICE nest (the CLI's requests always have it):
 * AF and FWMARK, or AF, PROTOCOL, ADDR and PORT.
 */
static int msg_svc_key(struct nlattr *nest, struct nlattr **st,
		       struct cm_key *k)
{
	uint16_t af;

	memset(k, 0, sizeof(*k));
	if (!nest || drlb_nl_parse_nested(st, DRLB_SVC_A_MAX, nest))
		return -EINVAL;
	af = st[DRLB_SVC_A_AF] ? nla_get_u16(st[DRLB_SVC_A_AF]) : AF_INET;
	if (!addr_len(af))
		return -EINVAL;
	if (st[DRLB_SVC_A_FWMARK]) {
		k->fwmark = nla_get_u32(st[DRLB_SVC_A_FWMARK]);
		k->addr.af = af;
		return 0;
	}
	if (!st[DRLB_SVC_A_PROTOCOL] ||
	    drlb_nl_get_addr(st[DRLB_SVC_A_ADDR], af, &k->addr))
		return -EINVAL;
	k->proto = nla_get_u8(st[DRLB_SVC_A_PROTOCOL]);
	k->port = st[DRLB_SVC_A_PORT] ? nla_get_u16(st[DRLB_SVC_A_PORT]) : 0;
	return 0;
}

/*
 * As the module does: a scheduler other than the service's brings its
 * default flags, unless the request gives flags.
 */
static void svc_opts_apply(struct cm_svc *s, struct nlattr **st)
{
	const char *sched;

	if (st[DRLB_SVC_A_SCHED_NAME]) {
		sched = drlb_nl_string(st[DRLB_SVC_A_SCHED_NAME]);
		if (sched && strcmp(sched, s->sched)) {
			snprintf(s->sched, sizeof(s->sched), "%s", sched);
			s->sched_flags = sched_default_flags(s->sched);
		}
	}
	if (st[DRLB_SVC_A_SCHED_FLAGS])
		s->sched_flags = nla_get_u32(st[DRLB_SVC_A_SCHED_FLAGS]);
	if (st[DRLB_SVC_A_ONEPACKET])
		s->onepacket = nla_get_u8(st[DRLB_SVC_A_ONEPACKET]);
	if (st[DRLB_SVC_A_PERSIST_TIMEOUT])
		s->persist = nla_get_u32(st[DRLB_SVC_A_PERSIST_TIMEOUT]);
	if (st[DRLB_SVC_A_PERSIST_NETMASK])
		s->netmask = nla_get_u8(st[DRLB_SVC_A_PERSIST_NETMASK]);
	if (st[DRLB_SVC_A_EXPIRE_NODEST])
		s->expire_nodest = nla_get_u8(st[DRLB_SVC_A_EXPIRE_NODEST]);
	if (st[DRLB_SVC_A_MIDSTREAM])
		s->midstream = nla_get_u8(st[DRLB_SVC_A_MIDSTREAM]);
}

static void dest_opts_apply(struct cm_dest *d, struct nlattr **dt)
{
	if (dt[DRLB_DEST_A_WEIGHT])
		d->weight = nla_get_u32(dt[DRLB_DEST_A_WEIGHT]);
	if (dt[DRLB_DEST_A_U_THRESH])
		d->u_thresh = nla_get_u32(dt[DRLB_DEST_A_U_THRESH]);
	if (dt[DRLB_DEST_A_L_THRESH])
		d->l_thresh = nla_get_u32(dt[DRLB_DEST_A_L_THRESH]);
}

/* One request of line @line; 0 or -errno with rd->why set. */
static int model_apply(struct reading *rd, const struct nlmsghdr *nlh,
		       size_t line)
{
	struct nlattr *tb[DRLB_A_MAX + 1], *st[DRLB_SVC_A_MAX + 1];
	struct nlattr *dt[DRLB_DEST_A_MAX + 1], *at[DRLB_ARP_A_MAX + 1];
	struct nlattr *ct[DRLB_CFG_A_MAX + 1];
	uint8_t cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	struct cm_model *m = rd->m;
	struct cm_svc *s = NULL;
	struct cm_dest *d = NULL;
	struct cm_arp *a;
	uint32_t addr = 0, ifindex = 0, flags = 0;
	struct drlb_addr rip;
	struct cm_key key = { 0 };
	int err = 0;

	if (drlb_nl_parse_reply((struct nlmsghdr *)nlh, tb))
		return -EINVAL;
	switch (cmd) {
	case DRLB_CMD_NEW_SERVICE: case DRLB_CMD_SET_SERVICE:
	case DRLB_CMD_DEL_SERVICE: case DRLB_CMD_NEW_DEST:
	case DRLB_CMD_SET_DEST: case DRLB_CMD_DEL_DEST:
		if (msg_svc_key(tb[DRLB_A_SERVICE], st, &key))
			return -EINVAL;
		s = cm_svc_find(m, &key);
		if (!s && cmd != DRLB_CMD_NEW_SERVICE) {
			snprintf(rd->why, sizeof(rd->why), "no such service");
			return -ENOENT;
		}
		break;
	}
	switch (cmd) {
	case DRLB_CMD_NEW_DEST: case DRLB_CMD_SET_DEST: case DRLB_CMD_DEL_DEST:
		if (!tb[DRLB_A_DEST] ||
		    drlb_nl_parse_nested(dt, DRLB_DEST_A_MAX, tb[DRLB_A_DEST]) ||
		    drlb_nl_get_addr(dt[DRLB_DEST_A_ADDR],
				     dt[DRLB_DEST_A_AF] ?
				     nla_get_u16(dt[DRLB_DEST_A_AF]) : AF_INET,
				     &rip))
			return -EINVAL;
		d = cm_dest_find(s, &rip);
		if (!d && cmd != DRLB_CMD_NEW_DEST) {
			snprintf(rd->why, sizeof(rd->why), "no such real server");
			return -ENOENT;
		}
		break;
	case DRLB_CMD_NEW_ARP: case DRLB_CMD_SET_ARP: case DRLB_CMD_DEL_ARP:
		if (!tb[DRLB_A_ARP] ||
		    drlb_nl_parse_nested(at, DRLB_ARP_A_MAX, tb[DRLB_A_ARP]) ||
		    !at[DRLB_ARP_A_ADDR] || nla_len(at[DRLB_ARP_A_ADDR]) != 4)
			return -EINVAL;
		memcpy(&addr, nla_data(at[DRLB_ARP_A_ADDR]), 4);
		if (at[DRLB_ARP_A_IFINDEX])
			ifindex = nla_get_u32(at[DRLB_ARP_A_IFINDEX]);
		if (at[DRLB_ARP_A_FLAGS])
			flags = nla_get_u32(at[DRLB_ARP_A_FLAGS]);
		break;
	}

	switch (cmd) {
	case DRLB_CMD_NEW_SERVICE:
		s = cm_svc_add(m, &key, line, &err);
		if (!s && err == -EEXIST)
			snprintf(rd->why, sizeof(rd->why), "the service exists");
		if (s)
			svc_opts_apply(s, st);
		break;
	case DRLB_CMD_SET_SERVICE:
		svc_opts_apply(s, st);
		s->line = line;
		break;
	case DRLB_CMD_DEL_SERVICE:
		cm_svc_del(m, s);
		break;
	case DRLB_CMD_NEW_DEST:
		d = cm_dest_add(s, &rip, line, &err);
		if (!d && err == -EEXIST)
			snprintf(rd->why, sizeof(rd->why), "the real server exists");
		if (d)
			dest_opts_apply(d, dt);
		break;
	case DRLB_CMD_SET_DEST:
		dest_opts_apply(d, dt);
		if (d->l_thresh > d->u_thresh) {
			snprintf(rd->why, sizeof(rd->why),
				 "l-threshold %u above u-threshold %u",
				 d->l_thresh, d->u_thresh);
			return -ERANGE;
		}
		d->line = line;
		break;
	case DRLB_CMD_DEL_DEST:
		cm_dest_del(s, d);
		break;
	case DRLB_CMD_NEW_ARP:
		if (!cm_arp_add(m, addr, ifindex, flags, line, &err) &&
		    err == -EEXIST)
			snprintf(rd->why, sizeof(rd->why), "this ARP rule exists");
		break;
	case DRLB_CMD_SET_ARP:
		a = cm_arp_find(m, addr, ifindex);
		if (!a) {
			snprintf(rd->why, sizeof(rd->why), "no such ARP rule");
			return -ENOENT;
		}
		a->flags = flags;
		a->line = line;
		break;
	case DRLB_CMD_DEL_ARP:
		a = cm_arp_find(m, addr, ifindex);
		if (!a) {
			snprintf(rd->why, sizeof(rd->why), "no such ARP rule");
			return -ENOENT;
		}
		cm_arp_del(m, a);
		break;
	case DRLB_CMD_FLUSH:
		cm_svc_flush(m);
		if (tb[DRLB_A_FLUSH_ARP])
			cm_arp_flush(m);
		break;
	case DRLB_CMD_SET_CONFIG:
		if (!tb[DRLB_A_CONFIG] ||
		    drlb_nl_parse_nested(ct, DRLB_CFG_A_MAX, tb[DRLB_A_CONFIG]))
			return -EINVAL;
		for (int k = 1; k <= DRLB_CFG_A_MAX; k++)
			if (ct[k] && config_attr_name(k))
				cm_cfg_set(m, k, nla_get_u32(ct[k]), line);
		break;
	default:
		break;		/* GET_*: the parsers' own questions */
	}
	return err;
}

static void capture(const struct nlmsghdr *nlh, size_t tag, void *arg)
{
	struct reading *rd = arg;
	int err;

	if (rd->err)
		return;
	rd->why[0] = '\0';
	err = model_apply(rd, nlh, tag);
	if (err) {
		rd->err = err;
		rd->err_line = tag;
		if (!rd->why[0])
			snprintf(rd->why, sizeof(rd->why), "%s", strerror(-err));
	}
}

/*
 * Run every line's parser in dry-run mode into @m. Returns 0, or the exit
 * code with *bad_line set (its errors printed as "drlbctl: restore: line
 * N: ...").
 */
static int read_file(const struct lines *l, struct cm_model *m,
		     size_t *bad_line)
{
	char *words[MAX_WORDS + 1], *buf = NULL;
	struct reading rd = { .m = m, .l = l };
	size_t len = 0, off = 0;
	FILE *mem, *real = stderr;
	int ret = 0;

	fflush(stderr);
	mem = open_memstream(&buf, &len);
	drlb_nl_dry_run = true;
	drlb_nl_capture = capture;
	drlb_nl_capture_arg = &rd;
	for (size_t i = 0; i < l->n && !ret; i++) {
		char *copy = strdup(l->text[i]), *line, *save;
		int argc;

		if (!copy) {
			fprintf(stderr, "drlbctl: out of memory\n");
			ret = 1;
			break;
		}
		argc = split_words(copy, words);
		if (argc < 0) {
			fprintf(stderr, "drlbctl: restore: line %zu: more than %d words\n",
				i + 1, MAX_WORDS);
			ret = 2;
		} else if (argc > 0 && !changes_config(argc, words)) {
			fprintf(stderr,
				"drlbctl: restore: line %zu: '%s%s%s' does not change the configuration (a file holds config set, service, server, arp and flush lines)\n",
				i + 1, words[0], argc > 1 ? " " : "",
				argc > 1 ? words[1] : "");
			ret = 2;
		} else if (argc > 0) {
			/* Its messages caught, to be printed with the line. */
			drlb_nl_tag = i + 1;
			if (mem) {
				fflush(stderr);
				stderr = mem;
			}
			ret = drlbctl_run(argc, words);
			stderr = real;
			if (mem) {
				fflush(mem);
				for (line = len > off ? strtok_r(buf + off, "\n", &save) : NULL;
				     line; line = strtok_r(NULL, "\n", &save))
					fprintf(stderr, "drlbctl: restore: line %zu: %s\n",
						i + 1, strncmp(line, "drlbctl: ", 9) ?
						line : line + 9);
				off = len;
			}
			if (!ret && rd.err) {
				fprintf(stderr, "drlbctl: restore: line %zu: %s: %s\n",
					rd.err_line, l->text[rd.err_line - 1],
					rd.why);
				ret = 1;
			}
		}
		free(copy);
		if (ret)
			*bad_line = i + 1;
	}
	drlb_nl_capture = NULL;
	drlb_nl_dry_run = false;
	if (mem)
		fclose(mem);
	free(buf);
	return ret;
}

/* ---- the running configuration -------------------------------------------- */

static void arp_into(uint32_t vip, uint32_t ifindex, uint32_t flags, void *arg)
{
	int err;

	cm_arp_add(arg, vip, ifindex, flags, 0, &err);
}

static int cfg_into(struct nlattr **tb, void *arg)
{
	struct nlattr *ct[DRLB_CFG_A_MAX + 1];

	if (drlb_nl_parse_nested(ct, DRLB_CFG_A_MAX, tb[DRLB_A_CONFIG]))
		return -EPROTO;
	for (int k = 1; k <= DRLB_CFG_A_MAX; k++)
		if (ct[k] && config_attr_name(k))
			cm_cfg_set(arg, k, nla_get_u32(ct[k]), 0);
	return 0;
}

static int read_running(struct cm_model *m)
{
	struct drlb_info info;
	struct svc_info *list;
	bool listed;
	int n, err;

	cm_init(m);
	err = drlb_nl_info(&info);
	if (!err)
		err = drlb_nl_transact(drlb_nl_msg(DRLB_CMD_GET_CONFIG, 0),
				       cfg_into, m);
	if (!err && (info.features & DRLB_F_DIRECTOR_IPV4)) {
		err = svc_list_get(NULL, &list, &n);
		listed = !err;
		for (int i = 0; !err && i < n; i++) {
			const struct svc_info *si = &list[i];
			struct cm_key key = {
				.proto = si->key.proto, .addr = si->key.addr,
				.port = si->key.port, .fwmark = si->key.fwmark,
			};
			struct cm_svc *s;

			s = cm_svc_add(m, &key, 0, &err);
			if (!s)
				break;
			snprintf(s->sched, sizeof(s->sched), "%s", si->sched);
			s->persist = si->persist;
			s->netmask = si->netmask;
			s->expire_nodest = si->expire_nodest;
			s->midstream = si->midstream;
			s->sched_flags = si->sched_flags;
			s->onepacket = si->onepacket;
			for (int j = 0; !err && j < si->n_dests; j++) {
				const struct dest_info *di = &si->dests[j];
				struct cm_dest *d;

				d = cm_dest_add(s, &di->addr, 0, &err);
				if (d) {
					d->weight = di->weight;
					d->u_thresh = di->u_thresh;
					d->l_thresh = di->l_thresh;
				}
			}
		}
		if (listed)
			svc_list_free(list, n);
	}
	if (!err && (info.features & DRLB_F_ARP_SUPPRESS))
		err = arp_rules_each(arp_into, m);
	return err;
}

/* ---- the difference: as requests and as words ------------------------------ */

static void svc_key_of(const struct cm_svc *s, struct svc_key *k)
{
	k->proto = s->key.proto;
	k->addr = s->key.addr;
	k->port = s->key.port;
	k->fwmark = s->key.fwmark;
}

/* "tcp 10.0.0.100:80", "tcp [2001:db8::1]:80", "fwmark 5 family inet6"... */
static const char *svc_words(const struct cm_svc *s)
{
	struct svc_key k;

	svc_key_of(s, &k);
	return svc_key_str(&k);
}

static void print_svc_opts(FILE *out, const struct cm_svc *s,
			   unsigned int fields)
{
	char sf[32];

	if (fields & CM_F_SCHED)
		fprintf(out, " sched %s", s->sched);
	if (fields & CM_F_PERSIST) {
		if (!s->persist)
			fputs(" persistent off", out);
		else
			fprintf(out, " persistent %u netmask %u", s->persist,
				s->netmask);
	}
	if (fields & CM_F_EXPIRE)
		fprintf(out, " expire-nodest %s", s->expire_nodest ? "yes" : "no");
	if (fields & CM_F_MIDSTREAM)
		fprintf(out, " midstream %s", s->midstream ? "yes" : "no");
	/* Left out where "sched NAME" brings them (it sends them anyway). */
	if ((fields & CM_F_SCHED_FLAGS) &&
	    (!(fields & CM_F_SCHED) ||
	     s->sched_flags != sched_default_flags(s->sched)))
		fprintf(out, " sched-flags %s",
			format_sched_flags(sf, sizeof(sf), s->sched_flags));
	if (fields & CM_F_ONEPACKET)
		fprintf(out, " onepacket %s", s->onepacket ? "yes" : "no");
}

/* @op as the drlbctl command line that does it. */
static void print_op(FILE *out, const struct cm_op *op)
{
	char a[ADDR_STRLEN], name[IF_NAMESIZE];
	unsigned int all = CM_F_SCHED | CM_F_SCHED_FLAGS | CM_F_EXPIRE |
			   CM_F_MIDSTREAM;

	switch (op->kind) {
	case CM_CFG_SET: {
		char v[16];

		fprintf(out, "config set %s %s", config_attr_name(op->attr),
			config_value_str(v, sizeof(v), op->attr, op->val));
		break;
	}
	case CM_SVC_DEL:
		fprintf(out, "service del %s", svc_words(op->svc));
		break;
	case CM_SVC_ADD:
		fprintf(out, "service add %s", svc_words(op->svc));
		print_svc_opts(out, op->svc, all |
			       (op->svc->persist ? CM_F_PERSIST : 0) |
			       (op->svc->onepacket ? CM_F_ONEPACKET : 0));
		break;
	case CM_SVC_CHANGE:
		fprintf(out, "service change %s", svc_words(op->svc));
		print_svc_opts(out, op->svc, op->fields);
		break;
	case CM_DEST_ADD: case CM_DEST_CHANGE: case CM_DEST_DEL:
		format_addr(a, sizeof(a), &op->dest->addr);
		fprintf(out, "server %s %s %s",
			op->kind == CM_DEST_ADD ? "add" :
			op->kind == CM_DEST_CHANGE ? "change" : "del",
			svc_words(op->svc), a);
		if (op->kind != CM_DEST_DEL)
			fprintf(out, " weight %u", op->dest->weight);
		if ((op->kind == CM_DEST_CHANGE && op->fields & CM_F_THRESH) ||
		    (op->kind == CM_DEST_ADD && op->dest->u_thresh))
			fprintf(out, " u-threshold %u l-threshold %u",
				op->dest->u_thresh, op->dest->l_thresh);
		break;
	case CM_ARP_ADD: case CM_ARP_REPLACE: case CM_ARP_DEL:
		inet_ntop(AF_INET, &op->arp->vip, a, sizeof(a));
		fprintf(out, "arp %s %s", op->kind == CM_ARP_DEL ? "del" :
			op->kind == CM_ARP_ADD ? "add" : "change", a);
		if (op->arp->ifindex && if_indextoname(op->arp->ifindex, name))
			fprintf(out, " dev %s", name);
		else if (op->arp->ifindex)
			fprintf(out, " ifindex %u", op->arp->ifindex);
		if (op->kind != CM_ARP_DEL)
			fprintf(out, " packet-sockets %s",
				op->arp->flags & DRLB_ARP_F_PACKET_SOCKETS ?
				"yes" : "no");
		break;
	}
}

static int put_svc(struct nl_msg *msg, const struct cm_svc *s,
		   unsigned int fields)
{
	struct nlattr *nest = nla_nest_start(msg, DRLB_A_SERVICE);
	struct svc_key k;

	svc_key_of(s, &k);
	if (!nest || svc_put_key_attrs(msg, &k) ||
	    ((fields & CM_F_SCHED) &&
	     nla_put_string(msg, DRLB_SVC_A_SCHED_NAME, s->sched)) ||
	    ((fields & CM_F_PERSIST) &&
	     (nla_put_u32(msg, DRLB_SVC_A_PERSIST_TIMEOUT, s->persist) ||
	      nla_put_u8(msg, DRLB_SVC_A_PERSIST_NETMASK, s->netmask))) ||
	    ((fields & CM_F_EXPIRE) &&
	     nla_put_u8(msg, DRLB_SVC_A_EXPIRE_NODEST, s->expire_nodest)) ||
	    ((fields & CM_F_MIDSTREAM) &&
	     nla_put_u8(msg, DRLB_SVC_A_MIDSTREAM, s->midstream)) ||
	    /* With a scheduler, whatever they are: "sched" alone resets them. */
	    ((fields & (CM_F_SCHED | CM_F_SCHED_FLAGS)) &&
	     nla_put_u32(msg, DRLB_SVC_A_SCHED_FLAGS, s->sched_flags)) ||
	    ((fields & CM_F_ONEPACKET) &&
	     nla_put_u8(msg, DRLB_SVC_A_ONEPACKET, s->onepacket)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* @op as the request that does it. */
static struct nl_msg *op_msg(const struct cm_op *op)
{
	static const uint8_t cmds[] = {
		[CM_CFG_SET] = DRLB_CMD_SET_CONFIG,
		[CM_SVC_DEL] = DRLB_CMD_DEL_SERVICE,
		[CM_DEST_DEL] = DRLB_CMD_DEL_DEST,
		[CM_SVC_CHANGE] = DRLB_CMD_SET_SERVICE,
		[CM_DEST_CHANGE] = DRLB_CMD_SET_DEST,
		[CM_SVC_ADD] = DRLB_CMD_NEW_SERVICE,
		[CM_DEST_ADD] = DRLB_CMD_NEW_DEST,
		[CM_ARP_ADD] = DRLB_CMD_NEW_ARP,
		[CM_ARP_REPLACE] = DRLB_CMD_SET_ARP,
		[CM_ARP_DEL] = DRLB_CMD_DEL_ARP,
	};
	struct nl_msg *msg = drlb_nl_msg(cmds[op->kind], 0);
	struct nlattr *nest;
	int err = 0;

	switch (op->kind) {
	case CM_CFG_SET:
		nest = nla_nest_start(msg, DRLB_A_CONFIG);
		err = !nest || nla_put_u32(msg, op->attr, op->val);
		if (!err)
			nla_nest_end(msg, nest);
		break;
	case CM_SVC_DEL:
		err = put_svc(msg, op->svc, 0);
		break;
	case CM_SVC_CHANGE:
		err = put_svc(msg, op->svc, op->fields);
		break;
	case CM_SVC_ADD:
		err = put_svc(msg, op->svc, CM_F_SCHED | CM_F_PERSIST |
			      CM_F_EXPIRE | CM_F_MIDSTREAM | CM_F_SCHED_FLAGS |
			      CM_F_ONEPACKET);
		break;
	case CM_DEST_ADD: case CM_DEST_CHANGE: case CM_DEST_DEL:
		err = put_svc(msg, op->svc, 0);
		nest = err ? NULL : nla_nest_start(msg, DRLB_A_DEST);
		err = !nest ||
		      drlb_nl_put_addr(msg, DRLB_DEST_A_AF, DRLB_DEST_A_ADDR,
				       &op->dest->addr) ||
		      (op->kind != CM_DEST_DEL &&
		       (nla_put_u32(msg, DRLB_DEST_A_WEIGHT, op->dest->weight) ||
			nla_put_u32(msg, DRLB_DEST_A_U_THRESH,
				    op->dest->u_thresh) ||
			nla_put_u32(msg, DRLB_DEST_A_L_THRESH,
				    op->dest->l_thresh)));
		if (!err)
			nla_nest_end(msg, nest);
		break;
	case CM_ARP_ADD: case CM_ARP_REPLACE: case CM_ARP_DEL:
		nest = nla_nest_start(msg, DRLB_A_ARP);
		err = !nest ||
		      drlb_nl_put_addr4(msg, DRLB_ARP_A_AF, DRLB_ARP_A_ADDR,
					op->arp->vip) ||
		      (op->arp->ifindex &&
		       nla_put_u32(msg, DRLB_ARP_A_IFINDEX, op->arp->ifindex)) ||
		      (op->kind != CM_ARP_DEL && op->arp->flags &&
		       nla_put_u32(msg, DRLB_ARP_A_FLAGS, op->arp->flags));
		if (!err)
			nla_nest_end(msg, nest);
		break;
	}
	if (err) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ---- pass 2: applying a difference ------------------------------------------ */

struct applying {
	const struct lines *l;	/* the file; NULL when putting back */
	const char *ctx;	/* for messages */
	struct cm_op *ops;	/* the steps so far, by tag - 1 */
	size_t n, cap;
	int err;		/* first refusal */
};

/* Report the step with tag @tag the kernel refused. */
static void refused(struct applying *ap, int err, size_t tag)
{
	const char *msg = drlb_nl_errmsg();
	const struct cm_op *op = tag && tag <= ap->n ? &ap->ops[tag - 1] : NULL;

	if (!msg[0])
		msg = strerror(-err);
	if (op && op->line && ap->l) {
		fprintf(stderr, "drlbctl: %sline %zu: %s: %s\n", ap->ctx,
			op->line, ap->l->text[op->line - 1], msg);
	} else if (op) {
		fprintf(stderr, "drlbctl: %s", ap->ctx);
		print_op(stderr, op);
		fprintf(stderr, ": %s\n", msg);
	} else {
		fprintf(stderr, "drlbctl: %s%s\n", ap->ctx, msg);
	}
}

static int apply_cb(const struct cm_op *op, void *arg)
{
	struct applying *ap = arg;
	struct nl_msg *msg;
	size_t tag;
	int err;

	if (ap->n == ap->cap) {
		size_t cap = ap->cap ? 2 * ap->cap : 256;
		struct cm_op *v = realloc(ap->ops, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ap->ops = v;
		ap->cap = cap;
	}
	ap->ops[ap->n++] = *op;
	msg = op_msg(op);
	if (!msg)
		return -ENOMEM;
	drlb_nl_tag = ap->n;
	err = drlb_nl_transact(msg, NULL, NULL);
	if (!err)
		err = drlb_nl_batch_error(&tag);
	else
		tag = ap->n;
	if (err)
		refused(ap, err, tag);
	return err;
}

/*
 * The services of @m (the configuration restored) whose scheduler is not
 * cluster-safe, when @m declares "cluster yes": warned about once, here,
 * rather than line by line.
 */
static void warn_cluster(const struct cm_model *m)
{
	size_t i;

	if (!m->cfg[DRLB_CFG_A_CLUSTER])
		return;
	for (i = 0; i < m->n_svcs; i++) {
		const struct cm_svc *s = &m->svcs[i];

		if (!s->gone && !sched_cluster_safe(s->sched))
			cluster_warn(svc_words(s), s->sched);
	}
}

/* Turn the running configuration (@from) into @to. 0 or -errno. */
static int apply(const struct cm_model *from, const struct cm_model *to,
		 const struct lines *l, const char *ctx)
{
	struct applying ap = { .l = l, .ctx = ctx };
	size_t tag;
	int err, err2;

	drlb_nl_batch_start();
	err = cm_diff(from, to, apply_cb, &ap);
	err2 = drlb_nl_batch_stop();
	if (!err && err2) {
		drlb_nl_batch_error(&tag);
		refused(&ap, err2, tag);
		err = err2;
	}
	free(ap.ops);
	return err;
}

static int check_cb(const struct cm_op *op, void *arg)
{
	(void)arg;
	print_op(stdout, op);
	putchar('\n');
	return 0;
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
	struct cm_model file, snap, now;
	struct lines lines = { 0 };
	const char *name = "-";
	bool check = false;
	size_t bad = 0;
	int ret = 1, err, i;
	FILE *f;

	for (i = 1; i < argc && !strcmp(argv[i], "--check"); i++)
		check = true;
	if (i < argc)
		name = argv[i++];
	if (i < argc)
		return usage_error("restore: unexpected '%s' (restore [--check] [FILE|-])",
				   argv[i]);
	if (open_input(name, &f))
		return 1;
	err = lines_read(f, &lines);
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "drlbctl: restore: cannot read %s: %s\n", name,
			strerror(-err));
		lines_free(&lines);
		return 1;
	}
	/* Nothing below prints show output; keep the options from leaking. */
	opts.json = false;
	opts.stats = false;
	if (drlb_nl_open()) {
		lines_free(&lines);
		return 1;
	}
	cm_init(&file);
	cm_init(&snap);
	cm_init(&now);

	/* 1: the file, through the parsers, into a model. */
	ret = read_file(&lines, &file, &bad);
	if (ret) {
		fprintf(stderr, "drlbctl: restore: %s: line %zu is wrong; nothing changed\n",
			name, bad);
		goto out;
	}
	/* 2: the difference from the running configuration. */
	err = read_running(&snap);
	if (err) {
		ret = drlb_nl_perror(err, "restore: reading the running configuration");
		goto out;
	}
	if (check) {
		cm_diff(&snap, &file, check_cb, NULL);
		ret = fflush(stdout) ? 1 : 0;
		goto out;
	}
	ret = 1;
	if (!apply(&snap, &file, &lines, "restore: ")) {
		/* 3: what the kernel holds now is what the file says. */
		err = read_running(&now);
		if (err) {
			ret = drlb_nl_perror(err, "restore: reading the result");
		} else if (cm_diff_count(&now, &file)) {
			fprintf(stderr,
				"drlbctl: restore: %s: applied, but the running configuration differs from the file in %zu places\n"
				"drlbctl: restore: 'drlbctl restore --check %s' shows them\n",
				name, cm_diff_count(&now, &file), name);
		} else {
			ret = 0;
			warn_cluster(&now);
		}
		goto out;
	}
	/* Refused: the difference back to the snapshot. */
	err = read_running(&now);
	if (!err && !apply(&now, &snap, NULL,
			   "restore: putting the previous configuration back: ")) {
		fprintf(stderr,
			"drlbctl: restore: %s: the previous configuration is back in place\n",
			name);
	} else {
		if (err)
			drlb_nl_perror(err, "restore: reading the running configuration");
		fprintf(stderr,
			"drlbctl: restore: %s: putting the previous configuration back failed too; check 'drlbctl save'\n",
			name);
	}
out:
	cm_free(&file);
	cm_free(&snap);
	cm_free(&now);
	lines_free(&lines);
	return ret;
}
