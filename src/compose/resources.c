/* Top-level networks, volumes, secrets and configs. */
#include <string.h>

#include "compose/service.h"

static struct ynode *norm_external(struct loader *ld, const struct ynode *v, const char *path)
{
	/* The legacy `external: {name: x}` form is kept as a mapping; the
	 * resolver turns it into external: true plus name: x. */
	if (v->kind == Y_MAP)
		return want_string_map(ld, v, path, false);
	return want_bool(ld, v, path);
}

static struct ynode *norm_string_map(struct loader *ld, const struct ynode *v, const char *path)
{
	return want_string_map(ld, v, path, false);
}

static struct ynode *norm_file_path(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *s = want_string(ld, v, path);

	return s && ld_absolutize(ld, s) ? s : NULL;
}

static const struct field network_fields[] = {
	{"attachable", F_BOOL, NULL},
	{"driver", F_STRING, NULL},
	{"driver_opts", F_CUSTOM, norm_string_map},
	{"enable_ipv4", F_BOOL, NULL},
	{"enable_ipv6", F_BOOL, NULL},
	{"external", F_CUSTOM, norm_external},
	{"internal", F_BOOL, NULL},
	{"ipam", F_ANY, NULL},
	{"labels", F_STRING_MAP, NULL},
	{"name", F_STRING, NULL},
	{NULL, F_ANY, NULL},
};

static const struct field volume_fields[] = {
	{"driver", F_STRING, NULL},
	{"driver_opts", F_CUSTOM, norm_string_map},
	{"external", F_CUSTOM, norm_external},
	{"labels", F_STRING_MAP, NULL},
	{"name", F_STRING, NULL},
	{NULL, F_ANY, NULL},
};

static const struct field secret_fields[] = {
	{"content", F_STRING, NULL},
	{"driver", F_STRING, NULL},
	{"driver_opts", F_CUSTOM, norm_string_map},
	{"environment", F_STRING, NULL},
	{"external", F_CUSTOM, norm_external},
	{"file", F_CUSTOM, norm_file_path},
	{"labels", F_STRING_MAP, NULL},
	{"name", F_STRING, NULL},
	{"template_driver", F_STRING, NULL},
	{NULL, F_ANY, NULL},
};

struct ynode *normalize_resources(struct loader *ld, const char *section, const struct ynode *v)
{
	const struct field *fields = strcmp(section, "networks") == 0 ? network_fields
		: strcmp(section, "volumes") == 0 ? volume_fields : secret_fields;
	struct ynode *out;
	bool ok = true;

	if (v->kind == Y_NULL)
		return y_new(ld->a, Y_MAP, &v->pos);
	out = ld_new_checked(ld, v, Y_MAP, section);
	if (!out)
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		const struct ypair *p = &v->pairs[i];
		const char *path = ld_path(ld, section, p->key);
		const char *what = arena_printf(ld->a, "%s \"%s\"", section, p->key);
		struct ynode *val;

		if (strncmp(p->key, "x-", 2) == 0)
			continue;
		val = p->val->kind == Y_NULL ? y_new(ld->a, Y_MAP, &p->val->pos)
			: norm_fields(ld, p->val, path, fields, what ? what : section);
		if (!val) {
			ok = false;
			continue;
		}
		if (!y_set_at(ld->a, out, p->key, &p->kpos, val))
			return ld_oom(ld, &v->pos), NULL;
	}
	return ok ? out : NULL;
}
