/* The Compose Specification's merge rules, on canonical trees:
 * - mappings merge key by key, the override winning on scalars;
 * - command, entrypoint and healthcheck.test are replaced, not merged;
 * - ports, volumes, secrets and configs merge entries that share a unique
 *   key (ports: host_ip, target, published, protocol; the others: target);
 * - other sequences append the entries the base lacks;
 * - `!reset` removes the base value, `!override` replaces it whole;
 * - logging options are replaced when the driver changes. */
#include <stdio.h>
#include <string.h>

#include "compose/loader.h"

static const char *const replaced_keys[] = {"command", "entrypoint", "test", NULL};

static bool in_list(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(key, *list) == 0)
			return true;
	return false;
}

static void port_key(const struct ynode *p, char *out, size_t size)
{
	const char *ip = y_text(y_get(p, "host_ip"));
	const char *target = y_text(y_get(p, "target"));
	const char *published = y_text(y_get(p, "published"));
	const char *proto = y_text(y_get(p, "protocol"));

	snprintf(out, size, "%s|%s|%s|%s", ip ? ip : "", target ? target : "",
		 published ? published : "", proto ? proto : "tcp");
}

static void target_key(const char *section, const struct ynode *e, char *out, size_t size)
{
	const char *target = y_text(y_get(e, "target"));
	const char *source = y_text(y_get(e, "source"));

	if (strcmp(section, "volumes") == 0 || target)
		snprintf(out, size, "%s", target ? target : "");
	else
		snprintf(out, size, "/run/secrets/%s", source ? source : "");
}

static void entry_key(const char *key, const struct ynode *e, char *out, size_t size)
{
	if (strcmp(key, "ports") == 0)
		port_key(e, out, size);
	else
		target_key(key, e, out, size);
}

static struct ynode *merge_node(struct loader *ld, const char *key, struct ynode *base,
				const struct ynode *ov);

static struct ynode *merge_unique(struct loader *ld, const char *key, struct ynode *base,
				  const struct ynode *ov)
{
	for (size_t i = 0; i < ov->n; i++) {
		char okey[600], bkey[600];
		bool merged = false;

		entry_key(key, ov->items[i], okey, sizeof(okey));
		for (size_t j = 0; j < base->n && !merged; j++) {
			entry_key(key, base->items[j], bkey, sizeof(bkey));
			if (strcmp(okey, bkey) == 0) {
				base->items[j] = merge_node(ld, "", base->items[j], ov->items[i]);
				merged = true;
			}
		}
		if (!merged && !y_push(ld->a, base, ov->items[i]))
			return ld_oom(ld, &ov->pos), base;
	}
	return base;
}

static struct ynode *append_missing(struct loader *ld, struct ynode *base, const struct ynode *ov)
{
	size_t n = base->n;

	for (size_t i = 0; i < ov->n; i++) {
		bool present = false;

		for (size_t j = 0; j < n && !present; j++)
			present = y_equal(base->items[j], ov->items[i]);
		if (!present && !y_push(ld->a, base, ov->items[i]))
			return ld_oom(ld, &ov->pos), base;
	}
	return base;
}

static struct ynode *merge_map(struct loader *ld, struct ynode *base, const struct ynode *ov)
{
	const struct ynode *bdriver = y_get(base, "driver");
	const struct ynode *odriver = y_get(ov, "driver");

	/* A different logging driver takes none of the old driver's options. */
	if (bdriver && odriver && y_get(base, "options") && strcmp(y_text(bdriver) ? y_text(bdriver) : "",
								    y_text(odriver) ? y_text(odriver) : "") != 0)
		y_del(base, "options");
	for (size_t i = 0; i < ov->n; i++) {
		const struct ypair *p = &ov->pairs[i];
		struct ynode *b = y_get(base, p->key);
		struct ynode *v;

		if (p->val->tag == YTAG_RESET) {
			y_del(base, p->key);
			continue;
		}
		v = b && p->val->tag != YTAG_OVERRIDE ? merge_node(ld, p->key, b, p->val) : (struct ynode *)p->val;
		v->tag = YTAG_NONE;
		if (!y_set_at(ld->a, base, p->key, &p->kpos, v))
			return ld_oom(ld, &ov->pos), base;
	}
	return base;
}

static struct ynode *merge_node(struct loader *ld, const char *key, struct ynode *base,
				const struct ynode *ov)
{
	if (ov->kind != base->kind || in_list(key, replaced_keys) || y_is_scalar(ov))
		return (struct ynode *)ov;
	if (ov->kind == Y_MAP)
		return merge_map(ld, base, ov);
	if (strcmp(key, "ports") == 0 || strcmp(key, "volumes") == 0 || strcmp(key, "secrets") == 0 ||
	    strcmp(key, "configs") == 0)
		return merge_unique(ld, key, base, ov);
	return append_missing(ld, base, ov);
}

struct ynode *merge_service(struct loader *ld, struct ynode *base, const struct ynode *override)
{
	return merge_map(ld, base, override);
}

struct ynode *merge_project(struct loader *ld, struct ynode *base, const struct ynode *override)
{
	for (size_t i = 0; i < override->n; i++) {
		const struct ypair *p = &override->pairs[i];
		struct ynode *b = y_get(base, p->key);

		if (!b || p->val->kind != Y_MAP || b->kind != Y_MAP) {
			if (!y_set_at(ld->a, base, p->key, &p->kpos, p->val))
				return ld_oom(ld, &override->pos), base;
			continue;
		}
		/* Each service, network, volume, secret and config merges on its own. */
		for (size_t k = 0; k < p->val->n; k++) {
			const struct ypair *e = &p->val->pairs[k];
			struct ynode *be = y_get(b, e->key);
			struct ynode *v;

			if (e->val->tag == YTAG_RESET) {
				y_del(b, e->key);
				continue;
			}
			v = be && be->kind == Y_MAP && e->val->kind == Y_MAP && e->val->tag != YTAG_OVERRIDE
				? merge_map(ld, be, e->val) : e->val;
			if (!y_set_at(ld->a, b, e->key, &e->kpos, v))
				return ld_oom(ld, &override->pos), base;
		}
	}
	return base;
}
