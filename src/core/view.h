/* SPDX-License-Identifier: ISC */
/*
 * view.h - every key as the readers show it, from one snapshot
 */
#ifndef VIEW_H
#define VIEW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "keys.h"
#include "store.h"

enum {
	VIEW_OK = 0,
	VIEW_EABSENT = -100	/* a gauge never set, or the age of one */
};

struct view_item {
	char		 name[KEYS_NAME_MAX + 1];	/* canonical key */
	int		 id;		/* enum keys_id, or KEY_SENT_DYNAMIC */
	const struct keys_entry *e;	/* NULL for a dynamic sent:T key */
	uint64_t	 val;
};

#define VIEW_MAX	(KEYS_STATIC_COUNT + KEYS_DYNAMIC_MAX + 64)

struct view {
	struct view_item item[VIEW_MAX];
	size_t		 n;
};

/*
 * view_load: fill V from ST: every counter of the catalogue (0 when never
 * counted), every stored sent:T, the gauges that were set, and the ages of
 * those computed at NOW; sorted by name. Returns a STORE_ code; on error V
 * is empty.
 */
int	view_load(struct store *st, time_t now, struct view *v);

/*
 * view_get: the value of canonical key NAME at NOW: 0 for a counter never
 * counted; VIEW_EABSENT for a gauge never set (or its age); else a
 * STORE_ code.
 */
int	view_get(struct store *st, const char *name, time_t now, uint64_t *val);

#endif
