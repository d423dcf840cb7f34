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

/* The value of static key ID from what was stored; VIEW_EABSENT if none. */
static int
value_of(int id, const uint64_t *stored, const unsigned char *have,
    time_t now, uint64_t *val)
{
	const struct keys_entry *e = keys_entry((enum keys_id)id);
	uint64_t t;

	switch (e->type) {
	case KEYS_COUNTER:
		*val = have[id] ? stored[id] : 0;
		return VIEW_OK;
	case KEYS_GAUGE:
		if (!have[id])
			return VIEW_EABSENT;
		*val = stored[id];
		return VIEW_OK;
	case KEYS_AGE:
		if (!have[e->age_of])
			return VIEW_EABSENT;
		t = stored[e->age_of];
		*val = now > 0 && (uint64_t)now > t ? (uint64_t)now - t : 0;
		return VIEW_OK;
	}
	return VIEW_EABSENT;
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

		if (value_of((int)i, a.stored, a.have, now, &it->val)
		    != VIEW_OK)
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
	uint64_t stored[KEYS_STATIC_COUNT];
	unsigned char have[KEYS_STATIC_COUNT];
	const struct keys_entry *e;
	const char *src = name;
	int id = keys_find(name), rc;

	*val = 0;
	if (id == -2)
		return STORE_ENOTFOUND;
	memset(have, 0, sizeof(have));
	if (id >= 0 && (e = keys_entry((enum keys_id)id))->type == KEYS_AGE)
		src = keys_entry(e->age_of)->name;
	rc = store_get(st, src, val);
	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		return rc;
	if (id == KEY_SENT_DYNAMIC)
		return VIEW_OK;		/* *val: 0 when never counted */
	if (rc == STORE_OK) {
		int at = keys_entry((enum keys_id)id)->type == KEYS_AGE
		    ? (int)keys_entry((enum keys_id)id)->age_of : id;

		stored[at] = *val;
		have[at] = 1;
	}
	return value_of(id, stored, have, now, val);
}
