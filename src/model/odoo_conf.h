/* odoo.conf: the one reader of Odoo's configuration file, for a project's
 * file (convert, diagnose) and for a ConfigMap's text (lint). */
#ifndef KG_MODEL_ODOO_CONF_H
#define KG_MODEL_ODOO_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/diag.h"

struct conf_entry {
	const char *key;
	const char *value;
	struct srcpos pos;
};

/* The [options] section, in file order. */
struct odoo_conf {
	const char *path;     /* NULL when there is none */
	struct conf_entry *v;
	size_t n;
};

/* Reads text (changed in place) into c; path names it in positions.
 * Returns 0, or -1 when an allocation fails. */
int odoo_conf_parse(struct arena *a, const char *path, char *text, struct odoo_conf *c);
/* Reads the file at path; one that cannot be read is warned about and
 * leaves c empty. Returns 0, or -1 when an allocation fails. */
int odoo_conf_read(struct arena *a, struct diags *d, const char *path, struct odoo_conf *c);
/* The last entry of key (Odoo's value), or NULL. */
const struct conf_entry *conf_get(const struct odoo_conf *c, const char *key);
/* key as a number: True is 1, False 0; fallback when unset or empty.
 * present (may be NULL) says whether the key is set. */
int conf_int(const struct odoo_conf *c, const char *key, int fallback, bool *present);
/* key as a byte count (limit_memory_*): fallback when unset, empty or not
 * a positive whole number. */
int64_t conf_int64(const struct odoo_conf *c, const char *key, int64_t fallback);

#endif
