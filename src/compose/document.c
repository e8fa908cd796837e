/* One YAML document of a Compose file to the canonical project shape. */
#include <string.h>

#include "compose/internal.h"

static const char *const resource_sections[] = {"networks", "volumes", "secrets", "configs", NULL};

static bool is_resource_section(const char *key)
{
	for (const char *const *s = resource_sections; *s; s++)
		if (strcmp(key, *s) == 0)
			return true;
	return false;
}

struct ynode *normalize_services(struct loader *ld, const struct ynode *v)
{
	struct ynode *out;
	bool ok = true;

	if (v->kind == Y_NULL)
		return y_new(ld->a, Y_MAP, &v->pos);
	if (!want_kind(ld, v, Y_MAP, "services"))
		return NULL;
	out = y_new(ld->a, Y_MAP, &v->pos);
	if (!out)
		return ld_oom(ld, &v->pos), NULL;
	for (size_t i = 0; i < v->n && !ld->oom; i++) {
		const struct ypair *p = &v->pairs[i];
		struct ynode *svc = normalize_service(ld, p->key, p->val);

		if (!svc) {
			ok = false;
			continue;
		}
		if (p->val->tag != YTAG_NONE)
			svc->tag = p->val->tag;
		if (!y_set_at(ld->a, out, p->key, &p->kpos, svc))
			return ld_oom(ld, &v->pos), NULL;
	}
	return ok ? out : NULL;
}

struct ynode *load_document(struct loader *ld, struct ynode *doc, const char *file)
{
	struct ynode *out;
	struct ynode *services = NULL;
	bool ok = true;

	if (doc->kind != Y_MAP) {
		ld_error(ld, &doc->pos, "start the file with services:",
			 "the top level of a compose file must be a mapping, not a %s", y_kind_name(doc->kind));
		return NULL;
	}
	if (interpolate_tree(ld, doc) != 0)
		return NULL;
	out = y_new(ld->a, Y_MAP, &doc->pos);
	if (!out)
		return ld_oom(ld, &doc->pos), NULL;
	for (size_t i = 0; i < doc->n && ok; i++) {
		const struct ypair *p = &doc->pairs[i];
		struct ynode *val = NULL;

		if (strcmp(p->key, "version") == 0) {
			ld_warn(ld, &p->kpos, "remove it", "the top-level \"version\" is obsolete and ignored");
			continue;
		}
		if (strcmp(p->key, "name") == 0)
			val = want_string(ld, p->val, "name");
		else if (strcmp(p->key, "services") == 0)
			val = services = normalize_services(ld, p->val);
		else if (is_resource_section(p->key))
			val = normalize_resources(ld, p->key, p->val);
		else if (strncmp(p->key, "x-", 2) == 0)
			val = p->val;
		else if (strcmp(p->key, "include") == 0) {
			ld_error(ld, &p->kpos, "list the files with -f instead; kgenius merges them the same way",
				 "\"include\" is not supported");
			ok = false;
			continue;
		} else {
			ld_warn(ld, &p->kpos, "use services, networks, volumes, secrets, configs, name or x-*",
				"unknown top-level key \"%s\" is ignored", p->key);
			continue;
		}
		if (!val) {
			ok = false;
			continue;
		}
		if (!y_set_at(ld->a, out, p->key, &p->kpos, val))
			return ld_oom(ld, &doc->pos), NULL;
	}
	if (!ok)
		return NULL;
	if (services && resolve_extends(ld, services, file) != 0)
		return NULL;
	return out;
}
