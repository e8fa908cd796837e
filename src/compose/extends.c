/* `extends`: a service starts from another one, in the same file or in
 * another, and merges its own keys over it with the usual merge rules.
 * Relative paths in another file resolve against that file's directory. */
#include <stdlib.h>
#include <string.h>

#include "compose/internal.h"
#include "util/fsio.h"

#define MAX_EXTENDS_DEPTH 16

static struct ynode *resolve_one(struct loader *ld, struct ynode *services, const char *file,
				 const char *name);

static struct ynode *services_of_file(struct loader *ld, const char *path, const struct srcpos *ref)
{
	struct ynode **docs = NULL;
	size_t ndocs = 0;
	struct ynode *services = NULL;
	const char *saved_basedir = ld->basedir;
	char *dir;

	for (size_t i = 0; i < ld->n_extends_files; i++)
		if (strcmp(ld->extends_files[i].path, path) == 0)
			return ld->extends_files[i].services;
	if (ld->n_extends_files == sizeof(ld->extends_files) / sizeof(ld->extends_files[0])) {
		ld_error(ld, ref, "extend from fewer files", "more than 16 files are used through extends");
		return NULL;
	}
	if (read_compose_file(ld, path, ref, &docs, &ndocs) != 0)
		return NULL;
	if (ndocs == 0 || docs[0]->kind != Y_MAP) {
		ld_error(ld, ref, NULL, "%s is not a compose file with services", path);
		return NULL;
	}
	if (interpolate_tree(ld, docs[0]) != 0)
		return NULL;
	dir = path_dirname(path);
	if (!dir)
		return ld_oom(ld, ref), NULL;
	ld->basedir = arena_strdup(ld->a, dir);
	free(dir);
	if (y_get(docs[0], "services"))
		services = normalize_services(ld, y_get(docs[0], "services"));
	ld->basedir = saved_basedir;
	if (!services) {
		if (!y_get(docs[0], "services"))
			ld_error(ld, ref, NULL, "%s has no services section", path);
		return NULL;
	}
	ld->extends_files[ld->n_extends_files].path = path;
	ld->extends_files[ld->n_extends_files].services = services;
	ld->n_extends_files++;
	return services;
}

static bool in_chain(struct loader *ld, const char *key)
{
	for (int i = 0; i < ld->extends_depth; i++)
		if (strcmp(ld->extends_chain[i], key) == 0)
			return true;
	return false;
}

static struct ynode *base_service(struct loader *ld, struct ynode *services, const char *file,
				  const struct ynode *ext, const char *name)
{
	const struct ynode *base_name = y_get(ext, "service");
	const struct ynode *base_file = y_get(ext, "file");
	struct ynode *base_services = services;
	const char *base_path = file;
	struct ynode *base;

	if (base_file) {
		char *dir = path_dirname(file);
		char *joined = dir ? path_join(dir, base_file->text) : NULL;
		char *abs = joined ? path_absolute(joined) : NULL;

		free(dir);
		free(joined);
		if (!abs)
			return ld_oom(ld, &ext->pos), NULL;
		base_path = arena_strdup(ld->a, abs);
		free(abs);
		if (!base_path)
			return ld_oom(ld, &ext->pos), NULL;
		base_services = services_of_file(ld, base_path, &base_file->pos);
		if (!base_services)
			return NULL;
	}
	if (!y_get(base_services, base_name->text)) {
		ld_error(ld, &base_name->pos, "check the service name and the file",
			 "service \"%s\" extends \"%s\", which is not defined in %s", name, base_name->text,
			 base_path);
		return NULL;
	}
	base = resolve_one(ld, base_services, base_path, base_name->text);
	if (!base)
		return NULL;
	return y_copy(ld->a, base, &ld->copy_budget);
}

static struct ynode *resolve_one(struct loader *ld, struct ynode *services, const char *file,
				 const char *name)
{
	struct ynode *svc = y_get(services, name);
	const struct ynode *ext = y_get(svc, "extends");
	const char *key;
	struct ynode *base, *merged;

	if (!svc || !ext || ext->kind != Y_MAP)
		return svc;
	key = arena_printf(ld->a, "%s#%s", file, name);
	if (!key)
		return ld_oom(ld, &ext->pos), NULL;
	if (in_chain(ld, key)) {
		ld_error(ld, &ext->pos, "break the cycle", "service \"%s\" extends itself through a cycle", name);
		return NULL;
	}
	if (ld->extends_depth >= MAX_EXTENDS_DEPTH) {
		ld_error(ld, &ext->pos, "flatten the chain", "extends chain deeper than %d", MAX_EXTENDS_DEPTH);
		return NULL;
	}
	ld->extends_chain[ld->extends_depth++] = key;
	base = base_service(ld, services, file, ext, name);
	ld->extends_depth--;
	if (!base) {
		if (!ld->oom && ld->copy_budget < 0)
			ld_oom(ld, &ext->pos);
		return NULL;
	}
	y_del(base, "extends");
	merged = merge_service(ld, base, svc);
	y_del(merged, "extends");
	if (!y_set(ld->a, services, name, merged))
		return ld_oom(ld, &ext->pos), NULL;
	return merged;
}

int resolve_extends(struct loader *ld, struct ynode *services, const char *file)
{
	int rc = 0;

	for (size_t i = 0; i < services->n && !ld->oom; i++)
		if (y_get(services->pairs[i].val, "extends") && !resolve_one(ld, services, file, services->pairs[i].key))
			rc = -1;
	return rc;
}
