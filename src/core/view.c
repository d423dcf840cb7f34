/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	view - every key as the readers show it
 * SYNOPSIS
 *	#include "view.h"
 * DESCRIPTION
 *	The readers (postfix-stats-get, the AgentX subagent, the exporter)
 *	all show the same thing: the counters of the catalogue, 0 until
 *	counted; the dynamic sent:T counters stored; the gauges that were
 *	set, and none that never were; and each age key computed as NOW minus
 *	its Unix-time gauge (0 if the clock went back). One snapshot of the
 *	store serves the whole view.
 * DIAGNOSTICS
 *	STORE_ codes from the store; VIEW_EABSENT for a gauge never set.
 * SECURITY
 *	Read only. Stored names that are no key of the catalogue and no valid
 *	sent:T are ignored, so a damaged database cannot inject names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

struct load_arg {
	struct view	*v;
	uint64_t	 stored[KEYS_STATIC_COUNT];
	unsigned char	 have[KEYS_STATIC_COUNT];
};

static void
load_fn(const char *key, uint64_t val, void *varg)
{
	struct load_arg *a = varg;
	struct view_item *it;
	int id = keys_find(key);

	if (id >= 0) {
		a->stored[id] = val;
		a->have[id] = 1;
		return;
	}
	if (id != KEY_SENT_DYNAMIC || a->v->n >= VIEW_MAX)
		return;
	it = &a->v->item[a->v->n++];
	snprintf(it->name, sizeof(it->name), "%s", key);
	it->id = KEY_SENT_DYNAMIC;
	it->e = NULL;
	it->val = val;
}

static int
cmp_item(const void *x, const void *y)
{
	return strcmp(((const struct view_item *)x)->name,
	    ((const struct view_item *)y)->name);
}

/*
 * The value of key E from what was stored for it (for an age: for its
 * gauge): HAVE says whether anything was; VIEW_EABSENT for a gauge (or the
 * age of one) never set.
 */
static int
value_of(const struct keys_entry *e, int have, uint64_t stored, time_t now,
    uint64_t *val)
{
	switch (e->type) {
	case KEYS_COUNTER:
		*val = have ? stored : 0;
		return VIEW_OK;
	case KEYS_GAUGE:
		if (!have)
			return VIEW_EABSENT;
		*val = stored;
		return VIEW_OK;
	case KEYS_AGE:
		if (!have)
			return VIEW_EABSENT;
		*val = now > 0 && (uint64_t)now > stored ? (uint64_t)now - stored
		    : 0;
		return VIEW_OK;
	}
	return VIEW_EABSENT;
}

/* The slot of what key ID is computed from: itself, or an age's gauge. */
static int
source_of(int id)
{
	const struct keys_entry *e = keys_entry((enum keys_id)id);

	return e->type == KEYS_AGE ? (int)e->age_of : id;
}

int
view_load(struct store *st, time_t now, struct view *v)
{
	struct load_arg a;
	size_t i;
	int rc;

	memset(&a, 0, sizeof(a));
	a.v = v;
	v->n = 0;
	if ((rc = store_foreach(st, load_fn, &a)) != STORE_OK) {
		v->n = 0;
		return rc;
	}
	for (i = 0; i < KEYS_STATIC_COUNT && v->n < VIEW_MAX; i++) {
		struct view_item *it = &v->item[v->n];
		int from = source_of((int)i);

		if (value_of(keys_entry((enum keys_id)i), a.have[from],
		    a.stored[from], now, &it->val) != VIEW_OK)
			continue;
		it->e = keys_entry((enum keys_id)i);
		it->id = (int)i;
		snprintf(it->name, sizeof(it->name), "%s", it->e->name);
		v->n++;
	}
	qsort(v->item, v->n, sizeof(v->item[0]), cmp_item);
	return STORE_OK;
}

int
view_get(struct store *st, const char *name, time_t now, uint64_t *val)
{
	int id = keys_find(name), rc;

	*val = 0;
	if (id == -2)
		return STORE_ENOTFOUND;
	if (id == KEY_SENT_DYNAMIC) {
		rc = store_get(st, name, val);	/* 0 when never counted */
		return rc == STORE_ENOTFOUND ? VIEW_OK : rc;
	}
	rc = store_get(st, keys_entry((enum keys_id)source_of(id))->name, val);
	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		return rc;
	return value_of(keys_entry((enum keys_id)id), rc == STORE_OK, *val,
	    now, val);
}
