/* volumes, tmpfs, secrets and configs of a service. */
#include <stdlib.h>
#include <string.h>

#include "compose/service.h"
#include "compose/values.h"
#include "util/fsio.h"

const char *ld_host_path(struct loader *ld, const char *path)
{
	char *joined, *abs;
	const char *home, *out;

	if (path[0] == '~' && (path[1] == '/' || !path[1])) {
		home = env_get(ld->vars, "HOME");
		joined = path_join(home ? home : "/", path[1] ? path + 2 : ".");
	} else {
		joined = path_join(ld->basedir ? ld->basedir : ld->workdir, path);
	}
	if (!joined)
		return NULL;
	abs = path_absolute(joined);
	free(joined);
	if (!abs)
		return NULL;
	out = arena_strdup(ld->a, abs);
	free(abs);
	return out;
}

bool ld_absolutize(struct loader *ld, struct ynode *s)
{
	const char *abs = ld_host_path(ld, s->text);

	if (!abs) {
		ld_oom(ld, &s->pos);
		return false;
	}
	s->text = abs;
	s->len = strlen(abs);
	return true;
}

/* Container paths are cleaned as Docker does: "/var/lib/odoo/" and
 * "/var//lib/odoo" both mean "/var/lib/odoo". */
static void clean_container_path(struct ynode *target)
{
	char *p = (char *)target->text, *out = p;
	size_t len;

	for (const char *in = p; *in; in++)
		if (!(*in == '/' && in[1] == '/'))
			*out++ = *in;
	*out = '\0';
	len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	target->len = len;
}

static bool put(struct loader *ld, struct ynode *map, const char *key, struct ynode *val)
{
	if (!val || !y_set(ld->a, map, key, val)) {
		ld_oom(ld, &map->pos);
		return false;
	}
	return true;
}

static bool is_host_path(const char *s)
{
	return s[0] == '.' || s[0] == '/' || s[0] == '~';
}

static struct ynode *short_volume(struct loader *ld, const struct ynode *e, const char *path)
{
	struct volume_spec vs;
	const char *err = NULL;
	struct ynode *m = NULL, *sub;
	const struct srcpos *pos = &e->pos;

	if (parse_volume(y_text(e), &vs, &err) != 0) {
		ld_error(ld, pos, "write \"name:/path\", \"./dir:/path:ro\" or \"/path\"",
			 "%s: invalid volume \"%s\": %s", path, y_text(e), err);
		return NULL;
	}
	m = y_new(ld->a, Y_MAP, pos);
	if (!m)
		goto oom;
	if (!put(ld, m, "type", y_str(ld->a, vs.bind ? "bind" : "volume", pos)))
		goto fail;
	if (vs.source) {
		const char *src = vs.bind ? ld_host_path(ld, vs.source) : vs.source;
		if (!src || !put(ld, m, "source", y_str(ld->a, src, pos)))
			goto fail;
	}
	if (!put(ld, m, "target", y_str(ld->a, vs.target, pos)))
		goto fail;
	if (vs.read_only && !put(ld, m, "read_only", y_bool(ld->a, true, pos)))
		goto fail;
	if (vs.bind) {
		sub = y_new(ld->a, Y_MAP, pos);
		if (!sub || !put(ld, m, "bind", sub) || !put(ld, sub, "create_host_path", y_bool(ld->a, true, pos)))
			goto fail;
		if (vs.selinux[0] && !put(ld, sub, "selinux", y_str(ld->a, vs.selinux, pos)))
			goto fail;
		if (vs.propagation[0] && !put(ld, sub, "propagation", y_str(ld->a, vs.propagation, pos)))
			goto fail;
	} else if (vs.nocopy) {
		sub = y_new(ld->a, Y_MAP, pos);
		if (!sub || !put(ld, m, "volume", sub) || !put(ld, sub, "nocopy", y_bool(ld->a, true, pos)))
			goto fail;
	}
	volume_spec_free(&vs);
	clean_container_path(y_get(m, "target"));
	return m;
oom:
	ld_oom(ld, pos);
fail:
	volume_spec_free(&vs);
	return NULL;
}

static const struct field bind_fields[] = {
	{"create_host_path", F_BOOL, NULL},
	{"propagation", F_STRING, NULL},
	{"recursive", F_STRING, NULL},
	{"selinux", F_STRING, NULL},
	{NULL, F_ANY, NULL},
};

static const struct field volume_opt_fields[] = {
	{"nocopy", F_BOOL, NULL},
	{"subpath", F_STRING, NULL},
	{NULL, F_ANY, NULL},
};

static struct ynode *norm_tmpfs_size(struct loader *ld, const struct ynode *v, const char *path)
{
	return want_bytes(ld, v, path);
}

static const struct field tmpfs_opt_fields[] = {
	{"mode", F_INT, NULL},
	{"size", F_CUSTOM, norm_tmpfs_size},
	{NULL, F_ANY, NULL},
};

static struct ynode *norm_bind_opts(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, bind_fields, "volume bind options");
}

static struct ynode *norm_volume_opts(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, volume_opt_fields, "volume options");
}

static struct ynode *norm_tmpfs_opts(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, tmpfs_opt_fields, "tmpfs options");
}

static const struct field long_volume_fields[] = {
	{"bind", F_CUSTOM, norm_bind_opts},
	{"consistency", F_STRING, NULL},
	{"image", F_ANY, NULL},
	{"read_only", F_BOOL, NULL},
	{"source", F_STRING, NULL},
	{"target", F_STRING, NULL},
	{"tmpfs", F_CUSTOM, norm_tmpfs_opts},
	{"type", F_STRING, NULL},
	{"volume", F_CUSTOM, norm_volume_opts},
	{NULL, F_ANY, NULL},
};

static struct ynode *long_volume(struct loader *ld, const struct ynode *e, const char *path)
{
	struct ynode *m = norm_fields(ld, e, path, long_volume_fields, "a volume");
	struct ynode *type, *source;
	static const char *const types[] = {"bind", "volume", "tmpfs", "npipe", "cluster", "image", NULL};
	bool known = false;

	if (!m)
		return NULL;
	type = y_get(m, "type");
	if (!type || !y_get(m, "target")) {
		ld_error(ld, &e->pos, "add type: (bind, volume or tmpfs) and target:",
			 "%s: a volume needs a type and a target", path);
		return NULL;
	}
	for (const char *const *t = types; *t; t++)
		known = known || strcmp(type->text, *t) == 0;
	if (!known) {
		ld_error(ld, &type->pos, "use bind, volume or tmpfs", "%s.type: unknown volume type \"%s\"",
			 path, type->text);
		return NULL;
	}
	clean_container_path(y_get(m, "target"));
	source = y_get(m, "source");
	if (source && strcmp(type->text, "bind") == 0 && is_host_path(source->text) && !ld_absolutize(ld, source))
		return NULL;
	return m;
}

struct ynode *norm_volumes(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out;
	bool ok = true;

	out = ld_new_checked(ld, v, Y_SEQ, path);
	if (!out)
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *e = v->items[i];
		const char *ipath = ld_index(ld, path, i);
		struct ynode *m = NULL;

		if (e->kind == Y_MAP)
			m = long_volume(ld, e, ipath);
		else if (e->kind == Y_STR)
			m = short_volume(ld, e, ipath);
		else
			ld_error(ld, &e->pos, "write \"source:target\" or a mapping with type, source and target",
				 "%s must be a string or a mapping, not a %s", ipath, y_kind_name(e->kind));
		if (!m) {
			ok = false;
			continue;
		}
		if (!y_push(ld->a, out, m))
			return ld_oom(ld, &v->pos), NULL;
	}
	return ok ? out : NULL;
}

struct ynode *norm_tmpfs(struct loader *ld, const struct ynode *v, const char *path)
{
	return want_string_list(ld, v, path);
}

/* File modes are octal; YAML 1.2 reads 0440 as decimal, so read the text. */
static struct ynode *norm_mode(struct loader *ld, const struct ynode *v, const char *path)
{
	const char *t = y_text(v);
	char *end;
	long mode;

	if (!t || !t[0]) {
		ld_error(ld, &v->pos, "write an octal mode such as 0440", "%s must be a file mode", path);
		return NULL;
	}
	mode = strtol(t, &end, t[0] == '0' && t[1] ? 8 : 10);
	if (strncmp(t, "0o", 2) == 0)
		mode = strtol(t + 2, &end, 8);
	if (*end || mode < 0 || mode > 07777) {
		ld_error(ld, &v->pos, "write an octal mode such as 0440", "%s: invalid file mode \"%s\"", path, t);
		return NULL;
	}
	return y_int(ld->a, mode, &v->pos);
}

static const struct field file_ref_fields[] = {
	{"gid", F_STRING, NULL},
	{"mode", F_CUSTOM, norm_mode},
	{"source", F_STRING, NULL},
	{"target", F_STRING, NULL},
	{"uid", F_STRING, NULL},
	{NULL, F_ANY, NULL},
};

struct ynode *norm_file_refs(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out;

	out = ld_new_checked(ld, v, Y_SEQ, path);
	if (!out)
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *e = v->items[i];
		const char *ipath = ld_index(ld, path, i);
		struct ynode *m;

		if (e->kind == Y_MAP) {
			m = norm_fields(ld, e, ipath, file_ref_fields, "a secret or config reference");
			if (m && !y_get(m, "source")) {
				ld_error(ld, &e->pos, "add source: <name>", "%s needs a source", ipath);
				m = NULL;
			}
		} else {
			struct ynode *name = want_string(ld, e, ipath);
			m = name ? y_new(ld->a, Y_MAP, &e->pos) : NULL;
			if (m && !put(ld, m, "source", name))
				m = NULL;
		}
		if (!m || !y_push(ld->a, out, m))
			return NULL;
	}
	return out;
}
