/* The merged model's final pass, as `docker compose config` does it. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compose/internal.h"
#include "util/fsio.h"
#include "yaml/parse.h"

static bool put(struct loader *ld, struct ynode *map, const char *key, struct ynode *val)
{
	if (!val || !y_set(ld->a, map, key, val)) {
		ld_oom(ld, &map->pos);
		return false;
	}
	return true;
}

/* Lower case, only [a-z0-9_-], starting with a letter or digit: the names
 * Compose gives containers, networks and volumes. */
static const char *normalize_project_name(struct loader *ld, const char *raw)
{
	size_t len = strlen(raw), n = 0;
	char *out = arena_alloc(ld->a, len + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		char c = (char)tolower((unsigned char)raw[i]);
		if (isalnum((unsigned char)c) || ((c == '_' || c == '-') && n > 0))
			out[n++] = c;
	}
	out[n] = '\0';
	return out;
}

static const char *project_name(struct loader *ld, const struct ynode *model, const struct compose_options *o)
{
	const char *raw = o->project_name;
	const struct ynode *name = y_get(model, "name");
	const char *base;

	if (!raw)
		raw = env_get(ld->vars, "COMPOSE_PROJECT_NAME");
	if ((!raw || !raw[0]) && name)
		raw = name->text;
	if (!raw || !raw[0]) {
		base = strrchr(ld->workdir, '/');
		raw = base && base[1] ? base + 1 : ld->workdir;
	}
	return normalize_project_name(ld, raw);
}

static bool profile_active(const struct ynode *svc, const char *const *active, size_t nactive,
			   const char *env_profiles)
{
	const struct ynode *profiles = y_get(svc, "profiles");

	if (!profiles || profiles->n == 0)
		return true;
	for (size_t i = 0; i < profiles->n; i++) {
		const char *p = profiles->items[i]->text;

		for (size_t k = 0; k < nactive; k++)
			if (strcmp(active[k], p) == 0 || strcmp(active[k], "*") == 0)
				return true;
		if (env_profiles) {
			size_t plen = strlen(p);
			for (const char *e = env_profiles; *e;) {
				size_t n = strcspn(e, ",");
				if ((n == plen && strncmp(e, p, n) == 0) || (n == 1 && *e == '*'))
					return true;
				e += n;
				if (*e == ',')
					e++;
			}
		}
	}
	return false;
}

static void apply_profiles(struct loader *ld, struct ynode *services, const struct compose_options *o)
{
	const char *env_profiles = env_get(ld->vars, "COMPOSE_PROFILES");

	for (size_t i = services->n; i-- > 0;) {
		if (!profile_active(services->pairs[i].val, o->profiles, o->nprofiles, env_profiles))
			y_del(services, services->pairs[i].key);
	}
}

/* env_file contents under `environment`, which wins; then `- NAME` entries
 * without a value take theirs from the interpolation variables. */
static int resolve_environment(struct loader *ld, struct ynode *svc)
{
	struct ynode *files = y_get(svc, "env_file");
	struct ynode *env = y_get(svc, "environment");
	struct ynode *merged = y_new(ld->a, Y_MAP, env ? &env->pos : &svc->pos);

	if (!merged)
		return ld_oom(ld, &svc->pos), -1;
	for (size_t i = 0; files && i < files->n; i++) {
		const struct ynode *entry = files->items[i];
		const struct ynode *path = y_get(entry, "path");
		const struct ynode *required = y_get(entry, "required");
		struct envmap vars = {0};
		char *data = NULL;
		size_t len = 0;
		enum read_status st = read_file_limited(path->text, COMPOSE_MAX_FILE_SIZE, &data, &len);

		if (st == READ_NOT_FOUND && required && !required->b)
			continue;
		if (st != READ_OK) {
			ld_error(ld, &path->pos, "create the file, fix the path, or mark it `required: false`",
				 "env_file %s %s", path->text,
				 st == READ_NOT_FOUND ? "not found" : st == READ_TOO_LARGE ? "is too large"
				 : st == READ_NOT_REGULAR ? "is not a regular file (a FIFO, a device or a socket)" : strerror(errno));
			return -1;
		}
		if (yaml_check_text(ld->d, path->text, data, len) != 0 ||
		    dotenv_parse(ld->a, ld->d, path->text, data, ld->vars, &vars) != 0) {
			free(data);
			return -1;
		}
		free(data);
		for (size_t k = 0; k < vars.n; k++)
			if (!y_set_at(ld->a, merged, vars.v[k].name, &vars.v[k].pos,
				      y_str(ld->a, vars.v[k].value, &vars.v[k].pos)))
				return ld_oom(ld, &svc->pos), -1;
	}
	for (size_t i = 0; env && i < env->n; i++) {
		struct ypair *p = &env->pairs[i];
		struct ynode *v = p->val;

		if (v->kind == Y_NULL) {
			const struct envvar *var = env_find(ld->vars, p->key);
			if (var)
				v = y_str(ld->a, var->value, &v->pos);
		}
		if (!v || !y_set_at(ld->a, merged, p->key, &p->kpos, v))
			return ld_oom(ld, &svc->pos), -1;
	}
	y_del(svc, "env_file");
	if (merged->n)
		return put(ld, svc, "environment", merged) ? 0 : -1;
	y_del(svc, "environment");
	return 0;
}

static struct ynode *section(struct loader *ld, struct ynode *model, const char *key)
{
	struct ynode *s = y_get(model, key);

	if (!s) {
		s = y_new(ld->a, Y_MAP, &model->pos);
		if (!s || !y_set(ld->a, model, key, s))
			return ld_oom(ld, &model->pos), NULL;
	}
	return s;
}

static int check_refs(struct loader *ld, const char *svc_name, struct ynode *svc, struct ynode *model)
{
	struct ynode *services = y_get(model, "services");
	struct ynode *deps = y_get(svc, "depends_on");
	struct ynode *nets = y_get(svc, "networks");
	struct ynode *vols = y_get(svc, "volumes");
	static const char *const refs[] = {"secrets", "configs", NULL};
	int rc = 0;

	for (size_t i = 0; deps && i < deps->n; i++) {
		struct ypair *p = &deps->pairs[i];
		const struct ynode *required = y_get(p->val, "required");

		if (y_get(services, p->key))
			continue;
		if (required && !required->b) {
			ld_warn(ld, &p->kpos, NULL, "service \"%s\" depends on \"%s\", which is not defined or not enabled; ignored because required is false",
				svc_name, p->key);
			y_del(deps, p->key);
			i--;
			continue;
		}
		ld_error(ld, &p->kpos, "define the service, enable its profile, or remove the dependency",
			 "service \"%s\" depends on \"%s\", which is not defined or not enabled", svc_name, p->key);
		rc = -1;
	}
	for (size_t i = 0; nets && i < nets->n; i++) {
		struct ypair *p = &nets->pairs[i];
		if (strcmp(p->key, "default") != 0 && !y_get(y_get(model, "networks"), p->key)) {
			ld_error(ld, &p->kpos, "declare it under the top-level networks:",
				 "service \"%s\" uses network \"%s\", which is not declared", svc_name, p->key);
			rc = -1;
		}
	}
	for (size_t i = 0; vols && i < vols->n; i++) {
		const struct ynode *type = y_get(vols->items[i], "type");
		const struct ynode *src = y_get(vols->items[i], "source");

		if (type && strcmp(type->text, "volume") == 0 && src && !y_get(y_get(model, "volumes"), src->text)) {
			ld_error(ld, &src->pos, "declare it under the top-level volumes:",
				 "service \"%s\" uses volume \"%s\", which is not declared", svc_name, src->text);
			rc = -1;
		}
	}
	for (const char *const *r = refs; *r; r++) {
		struct ynode *list = y_get(svc, *r);
		for (size_t i = 0; list && i < list->n; i++) {
			const struct ynode *src = y_get(list->items[i], "source");
			if (src && !y_get(y_get(model, *r), src->text)) {
				ld_error(ld, &src->pos, "declare it at the top level",
					 "service \"%s\" uses %.*s \"%s\", which is not declared", svc_name,
					 (int)strlen(*r) - 1, *r, src->text);
				rc = -1;
			}
		}
	}
	return rc;
}

static int resolve_service(struct loader *ld, const char *name, struct ynode *svc, struct ynode *model)
{
	if (!y_get(svc, "image") && !y_get(svc, "build")) {
		ld_error(ld, &svc->pos, "add image: or build:", "service \"%s\" has neither an image nor a build context", name);
		return -1;
	}
	if (resolve_environment(ld, svc) != 0)
		return -1;
	if (!y_get(svc, "network_mode") && !y_get(svc, "networks")) {
		struct ynode *nets = y_new(ld->a, Y_MAP, &svc->pos);
		if (!nets || !y_set(ld->a, nets, "default", y_null(ld->a, &svc->pos)) || !put(ld, svc, "networks", nets))
			return ld_oom(ld, &svc->pos), -1;
	}
	return check_refs(ld, name, svc, model);
}

static bool uses_default_network(const struct ynode *services)
{
	for (size_t i = 0; i < services->n; i++)
		if (y_get(y_get(services->pairs[i].val, "networks"), "default"))
			return true;
	return false;
}

/* Networks and volumes get the names Docker will give them. */
static int name_resources(struct loader *ld, struct ynode *model, const char *project, const char *key)
{
	struct ynode *s = y_get(model, key);

	for (size_t i = 0; s && i < s->n; i++) {
		struct ynode *r = s->pairs[i].val;
		struct ynode *ext = y_get(r, "external");
		const char *name;

		if (ext && ext->kind == Y_MAP) {
			const struct ynode *n = y_get(ext, "name");
			if (n && !put(ld, r, "name", y_str(ld->a, n->text, &n->pos)))
				return -1;
			if (!put(ld, r, "external", y_bool(ld->a, true, &ext->pos)))
				return -1;
			ext = y_get(r, "external");
		}
		if (y_get(r, "name"))
			continue;
		if (ext && ext->b)
			name = s->pairs[i].key;
		else
			name = arena_printf(ld->a, "%s_%s", project, s->pairs[i].key);
		if (!name || !put(ld, r, "name", y_str(ld->a, name, &r->pos)))
			return -1;
	}
	return 0;
}

static int check_file_sources(struct loader *ld, struct ynode *model, const char *key)
{
	struct ynode *s = y_get(model, key);
	int rc = 0;

	for (size_t i = 0; s && i < s->n; i++) {
		const struct ynode *r = s->pairs[i].val;
		const struct ynode *file = y_get(r, "file");
		const struct ynode *env = y_get(r, "environment");

		if (file && !file_exists(file->text)) {
			ld_error(ld, &file->pos, "create the file or fix the path",
				 "%.*s \"%s\": file %s not found", (int)strlen(key) - 1, key, s->pairs[i].key, file->text);
			rc = -1;
		}
		if (env && !env_find(ld->vars, env->text))
			ld_warn(ld, &env->pos, "set the variable in .env or the environment",
				"%.*s \"%s\" comes from variable %s, which is not set", (int)strlen(key) - 1, key,
				s->pairs[i].key, env->text);
		if (!file && !env && !y_get(r, "external") && !y_get(r, "content")) {
			ld_error(ld, &r->pos, "add file:, environment: or external: true",
				 "%.*s \"%s\" has no source", (int)strlen(key) - 1, key, s->pairs[i].key);
			rc = -1;
		}
	}
	return rc;
}

/* Canonical key order: name, services, networks, volumes, secrets, configs,
 * then extension fields; everything below sorted. */
static struct ynode *ordered(struct loader *ld, struct ynode *model)
{
	static const char *const order[] = {"name", "services", "networks", "volumes", "secrets", "configs", NULL};
	struct ynode *out = y_new(ld->a, Y_MAP, &model->pos);

	if (!out)
		return NULL;
	for (const char *const *k = order; *k; k++) {
		struct ynode *v = y_get(model, *k);
		if (v && (strcmp(*k, "name") == 0 || v->n) && !y_set(ld->a, out, *k, v))
			return NULL;
	}
	for (size_t i = 0; i < model->n; i++)
		if (strncmp(model->pairs[i].key, "x-", 2) == 0 && !y_set(ld->a, out, model->pairs[i].key, model->pairs[i].val))
			return NULL;
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->pairs[i].key, "name") != 0)
			y_sort_keys(out->pairs[i].val, strncmp(out->pairs[i].key, "x-", 2) != 0);
	return out;
}

int resolve_project(struct loader *ld, struct ynode *model, const struct compose_options *o,
		    const char **name_out)
{
	struct ynode *services = section(ld, model, "services");
	struct ynode *networks, *result;
	const char *name = project_name(ld, model, o);
	int rc = 0;

	if (!services)
		return -1;
	if (!name || !name[0]) {
		ld_error(ld, &model->pos, "set name: or use -p", "the project name is empty after normalisation");
		return -1;
	}
	if (!put(ld, model, "name", y_str(ld->a, name, &model->pos)))
		return -1;
	apply_profiles(ld, services, o);
	if (services->n == 0) {
		ld_error(ld, &services->pos, "add a service, or enable a profile with --profile",
			 "no service is defined or enabled");
		return -1;
	}
	for (size_t i = 0; i < services->n && !ld->oom; i++)
		if (resolve_service(ld, services->pairs[i].key, services->pairs[i].val, model) != 0)
			rc = -1;
	if (rc)
		return -1;
	networks = section(ld, model, "networks");
	if (!networks)
		return -1;
	if (uses_default_network(services) && !y_get(networks, "default")) {
		struct ynode *def = y_new(ld->a, Y_MAP, &model->pos);
		if (!def || !y_set(ld->a, networks, "default", def))
			return ld_oom(ld, &model->pos), -1;
	}
	if (name_resources(ld, model, name, "networks") || name_resources(ld, model, name, "volumes") ||
	    check_file_sources(ld, model, "secrets") || check_file_sources(ld, model, "configs"))
		return -1;
	result = ordered(ld, model);
	if (!result)
		return ld_oom(ld, &model->pos), -1;
	*model = *result;
	*name_out = name;
	return 0;
}
