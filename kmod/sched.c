// SPDX-License-Identifier: GPL-2.0
/*
 * drlb: the scheduler registry and the per-service scheduler state.
 *
 * Schedulers are the sched_*.c files, listed here by name (GET_INFO
 * reports the list). A service's state (struct drlb_sched_state, see
 * sched.h) is rebuilt under drlb_net.lock and published by RCU.
 */

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/jhash.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "drlb.h"
#include "sched.h"
#include "sched_tables.h"

static const struct drlb_sched_ops *const drlb_scheds[] = {
	&drlb_sched_wlc,	/* the default first */
	&drlb_sched_rr,
	&drlb_sched_wrr,
	&drlb_sched_lc,
	&drlb_sched_sed,
	&drlb_sched_nq,
	&drlb_sched_sh,
	&drlb_sched_mh,
	&drlb_sched_dh,
	&drlb_sched_fo,
	&drlb_sched_ovf,
	&drlb_sched_twos,
};

const struct drlb_sched_ops *drlb_sched_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(drlb_scheds); i++)
		if (!strcmp(drlb_scheds[i]->name, name))
			return drlb_scheds[i];
	return NULL;
}
EXPORT_SYMBOL_GPL(drlb_sched_find);

int drlb_sched_put_names(struct sk_buff *msg, int attr)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(drlb_scheds); i++)
		if (nla_put_string(msg, DRLB_A_SCHED_NAME, drlb_scheds[i]->name))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Dests in address order (numeric; an IPv6 service's dests all IPv6). */
static int drlb_sched_dest_cmp(const void *a, const void *b)
{
	const union drlb_addr *x = &((const struct drlb_sched_dest *)a)->dest->addr;
	const union drlb_addr *y = &((const struct drlb_sched_dest *)b)->dest->addr;

	return memcmp(x->all, y->all, sizeof(x->all));
}

void drlb_sched_state_free(struct drlb_sched_state *st)
{
	if (!st)
		return;
	kvfree(st->table);
	kvfree(st);
}

static void drlb_sched_state_free_cb(struct rcu_head *rcu)
{
	/* kvfree() defers vfree() itself when called from softirq. */
	drlb_sched_state_free(container_of(rcu, struct drlb_sched_state, rcu));
}

void drlb_sched_state_free_rcu(struct drlb_sched_state *st)
{
	if (st)
		call_rcu(&st->rcu, drlb_sched_state_free_cb);
}

struct drlb_sched_state *drlb_sched_build(struct drlb_service *svc,
					  const struct drlb_sched_ops *ops,
					  const struct drlb_config *cfg,
					  const struct drlb_dest *change,
					  u32 change_weight)
{
	struct drlb_sched_state *st;
	struct drlb_dest *dest;
	unsigned int n = 0;
	int err;

	list_for_each_entry(dest, &svc->dests, list)
		if (dest == change ? change_weight : dest->weight)
			n++;

	st = kvzalloc(struct_size(st, d, n), GFP_KERNEL_ACCOUNT);
	if (!st)
		return ERR_PTR(-ENOMEM);
	st->ops = ops;
	st->flags = svc->sched_flags;
	list_for_each_entry(dest, &svc->dests, list) {
		u32 w = dest == change ? change_weight : dest->weight;

		if (!w)
			continue;
		st->d[st->n].dest = dest;
		st->d[st->n].weight = w;
		st->n++;
	}
	sort(st->d, st->n, sizeof(st->d[0]), drlb_sched_dest_cmp, NULL);

	if (st->n && ops->init) {
		err = ops->init(st, cfg);
		if (err) {
			drlb_sched_state_free(st);
			return ERR_PTR(err);
		}
	}
	return st;
}

bool drlb_sched_any_free(const struct drlb_sched_state *st)
{
	unsigned int i;

	for (i = 0; i < st->n; i++)
		if (!drlb_dest_overloaded(st->d[i].dest))
			return true;
	return false;
}

/*
 * A dest's Maglev identity: its IPv4 address, or a hash of its IPv6 one
 * (with a fixed seed: every director derives the same).
 */
static u32 drlb_mh_dest_key(const struct drlb_dest *dest)
{
	if (!drlb_svc_v6(dest->svc))
		return ntohl(dest->addr.ip);
	return jhash2((__force const u32 *)dest->addr.all, 4, 0x9e3779b9U);
}

static int drlb_mh_key_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * drlb_mh_fill() takes the dests in ascending key order: IPv4's is the
 * state's (address) order; IPv6 dests are sorted by key into @order (the
 * key in the upper half of each u64, the index into @st->d below), and
 * the table's slots mapped back to @st->d's indexes after.
 */
int drlb_sched_mh_init(struct drlb_sched_state *st,
		       const struct drlb_config *cfg)
{
	u32 size = cfg->mh_table_size, *keys, *w, *scratch, i;
	bool v6 = st->n && drlb_svc_v6(st->d[0].dest->svc);
	u64 *order = NULL;
	int err = -ENOMEM;

	if (st->n > DRLB_MH_MAX_DESTS)
		return -E2BIG;
	st->table = kvmalloc_array(size, sizeof(*st->table),
				   GFP_KERNEL_ACCOUNT);
	keys = kvmalloc_array(5 * st->n, sizeof(*keys), GFP_KERNEL);
	if (v6)
		order = kvmalloc_array(st->n, sizeof(*order), GFP_KERNEL);
	if (!st->table || !keys || (v6 && !order))
		goto out;
	w = keys + st->n;
	scratch = w + st->n;
	for (i = 0; i < st->n; i++) {
		keys[i] = drlb_mh_dest_key(st->d[i].dest);
		w[i] = st->d[i].weight;
		if (v6)
			order[i] = ((u64)keys[i] << 32) | i;
	}
	if (v6) {
		sort(order, st->n, sizeof(*order), drlb_mh_key_cmp_u64, NULL);
		for (i = 0; i < st->n; i++) {
			keys[i] = order[i] >> 32;
			w[i] = st->d[(u32)order[i]].weight;
		}
	}
	st->table_len = size;
	st->seed = cfg->mh_seed;
	/* Two IPv6 dests with one key: refused (-EINVAL), as is improbable. */
	err = drlb_mh_fill(st->table, size, keys, w, st->n, cfg->mh_seed,
			   scratch) ? -EINVAL : 0;
	if (!err && v6)
		for (i = 0; i < size; i++)
			if (st->table[i] != DRLB_MH_EMPTY)
				st->table[i] = (u32)order[st->table[i]];
out:
	kvfree(order);
	kvfree(keys);
	return err;
}
