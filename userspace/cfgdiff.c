// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl: configuration models and their difference (see cfgdiff.h).
 *
 * Services live in one array (a deleted one stays, marked gone, so that
 * indices stay valid) with a chained hash on the key, so that a file of
 * tens of thousands of services is read in linear time. Pointers into
 * the arrays are valid until the next add (which may grow them).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgdiff.h"

void cm_init(struct cm_model *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < CM_HASH; i++)
		m->hash[i] = -1;
}

void cm_free(struct cm_model *m)
{
	for (size_t i = 0; i < m->n_svcs; i++)
		free(m->svcs[i].dests);
	free(m->svcs);
	free(m->arps);
	cm_init(m);
}

static unsigned int cm_hash(const struct cm_key *k)
{
	uint32_t w[4], h;

	memcpy(w, k->addr.b, sizeof(w));
	h = (w[0] ^ w[1] * 3266489917u ^ w[2] * 668265263u ^ w[3]) *
	    2654435761u ^ (uint32_t)k->port * 40503u ^ k->proto ^
	    k->addr.af * 374761393u ^ k->fwmark * 2246822519u;

	h ^= h >> 15;
	return (h * 2246822519u >> 7) % CM_HASH;
}

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *p;

	if (n < *cap)
		return true;
	c = *cap ? 2 * *cap : 16;
	p = realloc(*v, c * size);
	if (!p)
		return false;
	*v = p;
	*cap = c;
	return true;
}

static bool cm_key_eq(const struct cm_key *a, const struct cm_key *b)
{
	return a->proto == b->proto && addr_eq(&a->addr, &b->addr) &&
	       a->port == b->port && a->fwmark == b->fwmark;
}

struct cm_svc *cm_svc_find(struct cm_model *m, const struct cm_key *k)
{
	for (int i = m->hash[cm_hash(k)]; i >= 0; i = m->svcs[i].next) {
		struct cm_svc *s = &m->svcs[i];

		if (cm_key_eq(&s->key, k))
			return s;
	}
	return NULL;
}

struct cm_svc *cm_svc_add(struct cm_model *m, const struct cm_key *k,
			  size_t line, int *err)
{
	unsigned int h = cm_hash(k);
	struct cm_svc *s;

	if (cm_svc_find(m, k)) {
		*err = -EEXIST;
		return NULL;
	}
	if (!grow((void **)&m->svcs, &m->cap_svcs, m->n_svcs, sizeof(*s))) {
		*err = -ENOMEM;
		return NULL;
	}
	s = &m->svcs[m->n_svcs];
	memset(s, 0, sizeof(*s));
	s->key = *k;
	snprintf(s->sched, sizeof(s->sched), "wlc");
	s->netmask = addr_bits(k->addr.af);
	s->expire_nodest = true;
	s->line = line;
	s->next = m->hash[h];
	m->hash[h] = (int)m->n_svcs++;
	return s;
}

void cm_svc_del(struct cm_model *m, struct cm_svc *s)
{
	int idx = (int)(s - m->svcs);
	int *p = &m->hash[cm_hash(&s->key)];

	while (*p >= 0 && *p != idx)
		p = &m->svcs[*p].next;
	if (*p == idx)
		*p = s->next;
	s->gone = true;
	s->next = -1;
	free(s->dests);
	s->dests = NULL;
	s->n_dests = 0;
	s->cap_dests = 0;
}

void cm_svc_flush(struct cm_model *m)
{
	for (size_t i = 0; i < m->n_svcs; i++)
		if (!m->svcs[i].gone)
			cm_svc_del(m, &m->svcs[i]);
}

struct cm_dest *cm_dest_find(struct cm_svc *s, const struct drlb_addr *addr)
{
	for (size_t i = 0; i < s->n_dests; i++)
		if (addr_eq(&s->dests[i].addr, addr))
			return &s->dests[i];
	return NULL;
}

struct cm_dest *cm_dest_add(struct cm_svc *s, const struct drlb_addr *addr,
			    size_t line, int *err)
{
	struct cm_dest *d;

	if (cm_dest_find(s, addr)) {
		*err = -EEXIST;
		return NULL;
	}
	if (!grow((void **)&s->dests, &s->cap_dests, s->n_dests, sizeof(*d))) {
		*err = -ENOMEM;
		return NULL;
	}
	d = &s->dests[s->n_dests++];
	memset(d, 0, sizeof(*d));
	d->addr = *addr;
	d->weight = 1;
	d->line = line;
	return d;
}

void cm_dest_del(struct cm_svc *s, struct cm_dest *d)
{
	size_t i = (size_t)(d - s->dests);

	memmove(d, d + 1, (s->n_dests - i - 1) * sizeof(*d));
	s->n_dests--;
}

struct cm_arp *cm_arp_find(struct cm_model *m, uint32_t vip, uint32_t ifindex)
{
	for (size_t i = 0; i < m->n_arps; i++)
		if (m->arps[i].vip == vip && m->arps[i].ifindex == ifindex)
			return &m->arps[i];
	return NULL;
}

struct cm_arp *cm_arp_add(struct cm_model *m, uint32_t vip, uint32_t ifindex,
			  uint32_t flags, size_t line, int *err)
{
	struct cm_arp *a;

	if (cm_arp_find(m, vip, ifindex)) {
		*err = -EEXIST;
		return NULL;
	}
	if (!grow((void **)&m->arps, &m->cap_arps, m->n_arps, sizeof(*a))) {
		*err = -ENOMEM;
		return NULL;
	}
	a = &m->arps[m->n_arps++];
	a->vip = vip;
	a->ifindex = ifindex;
	a->flags = flags;
	a->line = line;
	return a;
}

void cm_arp_del(struct cm_model *m, struct cm_arp *a)
{
	size_t i = (size_t)(a - m->arps);

	memmove(a, a + 1, (m->n_arps - i - 1) * sizeof(*a));
	m->n_arps--;
}

void cm_arp_flush(struct cm_model *m)
{
	m->n_arps = 0;
}

void cm_cfg_set(struct cm_model *m, int attr, uint32_t val, size_t line)
{
	if (attr <= 0 || attr >= CM_CFG_MAX)
		return;
	m->cfg_set[attr] = true;
	m->cfg[attr] = val;
	m->cfg_line[attr] = line;
}

/* The CM_F_* fields in which @a and @b differ. */
static unsigned int svc_fields(const struct cm_svc *a, const struct cm_svc *b)
{
	unsigned int f = 0;

	if (strcmp(a->sched, b->sched))
		f |= CM_F_SCHED;
	if (a->persist != b->persist ||
	    (b->persist && a->netmask != b->netmask))
		f |= CM_F_PERSIST;
	if (a->expire_nodest != b->expire_nodest)
		f |= CM_F_EXPIRE;
	if (a->midstream != b->midstream)
		f |= CM_F_MIDSTREAM;
	if (a->sched_flags != b->sched_flags)
		f |= CM_F_SCHED_FLAGS;
	if (a->onepacket != b->onepacket)
		f |= CM_F_ONEPACKET;
	return f;
}

/* The live service of @m with @s's key (const: cm_svc_find() walks only). */
static const struct cm_svc *peer(const struct cm_model *m,
				 const struct cm_svc *s)
{
	return cm_svc_find((struct cm_model *)m, &s->key);
}

/* The walk of cm_diff(): the callback, and its first non-zero return. */
struct walk {
	int (*cb)(const struct cm_op *op, void *arg);
	void *arg;
	int ret;
};

/* One step (none once the callback stopped the walk). */
static void emit(struct walk *w, enum cm_op_kind kind, const struct cm_svc *s,
		 const struct cm_dest *d, const struct cm_arp *a, size_t line)
{
	struct cm_op op = {
		.kind = kind, .svc = s, .dest = d, .arp = a, .line = line,
	};

	if (!w->ret)
		w->ret = w->cb(&op, w->arg);
}

static void diff_svcs(const struct cm_model *from, const struct cm_model *to,
		      struct walk *w)
{
	const struct cm_svc *s, *t;
	struct cm_op op;
	size_t i, j;

	for (i = 0; i < from->n_svcs; i++) {
		s = &from->svcs[i];
		if (!s->gone && !peer(to, s))
			emit(w, CM_SVC_DEL, s, NULL, NULL, 0);
	}
	for (i = 0; i < to->n_svcs; i++) {
		t = &to->svcs[i];
		s = t->gone ? NULL : peer(from, t);
		for (j = 0; s && j < s->n_dests; j++)
			if (!cm_dest_find((struct cm_svc *)t, &s->dests[j].addr))
				emit(w, CM_DEST_DEL, t, &s->dests[j], NULL,
				     t->line);
	}
	for (i = 0; i < to->n_svcs; i++) {
		t = &to->svcs[i];
		s = t->gone ? NULL : peer(from, t);
		if (!s || !svc_fields(s, t) || w->ret)
			continue;
		op = (struct cm_op){ .kind = CM_SVC_CHANGE, .svc = t,
				     .fields = svc_fields(s, t),
				     .line = t->line };
		w->ret = w->cb(&op, w->arg);
	}
	for (i = 0; i < to->n_svcs; i++) {
		t = &to->svcs[i];
		s = t->gone ? NULL : peer(from, t);
		for (j = 0; s && j < t->n_dests; j++) {
			const struct cm_dest *d = &t->dests[j];
			const struct cm_dest *o;

			o = cm_dest_find((struct cm_svc *)s, &d->addr);
			if (!o || w->ret)
				continue;
			op = (struct cm_op){
				.kind = CM_DEST_CHANGE, .svc = t, .dest = d,
				.line = d->line,
			};
			if (o->weight != d->weight)
				op.fields |= CM_F_WEIGHT;
			if (o->u_thresh != d->u_thresh ||
			    o->l_thresh != d->l_thresh)
				op.fields |= CM_F_THRESH;
			if (op.fields)
				w->ret = w->cb(&op, w->arg);
		}
	}
	for (i = 0; i < to->n_svcs; i++) {
		t = &to->svcs[i];
		s = t->gone ? NULL : peer(from, t);
		for (j = 0; s && j < t->n_dests; j++)
			if (!cm_dest_find((struct cm_svc *)s, &t->dests[j].addr))
				emit(w, CM_DEST_ADD, t, &t->dests[j], NULL,
				     t->dests[j].line);
	}
	for (i = 0; i < to->n_svcs; i++) {
		t = &to->svcs[i];
		if (t->gone || peer(from, t))
			continue;
		emit(w, CM_SVC_ADD, t, NULL, NULL, t->line);
		for (j = 0; j < t->n_dests; j++)
			emit(w, CM_DEST_ADD, t, &t->dests[j], NULL,
			     t->dests[j].line);
	}
}

int cm_diff(const struct cm_model *from, const struct cm_model *to,
	    int (*cb)(const struct cm_op *op, void *arg), void *arg)
{
	struct walk w = { .cb = cb, .arg = arg };
	const struct cm_arp *a, *o;
	struct cm_op op;
	size_t i;

	for (int k = 1; k < CM_CFG_MAX && !w.ret; k++) {
		if (!to->cfg_set[k] ||
		    (from->cfg_set[k] && from->cfg[k] == to->cfg[k]))
			continue;
		op = (struct cm_op){ .kind = CM_CFG_SET, .attr = k,
				     .val = to->cfg[k], .line = to->cfg_line[k] };
		w.ret = cb(&op, arg);
	}
	diff_svcs(from, to, &w);
	for (i = 0; i < to->n_arps; i++) {
		a = &to->arps[i];
		o = cm_arp_find((struct cm_model *)from, a->vip, a->ifindex);
		if (!o)
			emit(&w, CM_ARP_ADD, NULL, NULL, a, a->line);
		else if (o->flags != a->flags)
			emit(&w, CM_ARP_REPLACE, NULL, NULL, a, a->line);
	}
	for (i = 0; i < from->n_arps; i++) {
		a = &from->arps[i];
		if (!cm_arp_find((struct cm_model *)to, a->vip, a->ifindex))
			emit(&w, CM_ARP_DEL, NULL, NULL, a, 0);
	}
	return w.ret;
}

static int count_cb(const struct cm_op *op, void *arg)
{
	(void)op;
	++*(size_t *)arg;
	return 0;
}

size_t cm_diff_count(const struct cm_model *from, const struct cm_model *to)
{
	size_t n = 0;

	cm_diff(from, to, count_cb, &n);
	return n;
}
