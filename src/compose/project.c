/* Finding the files and variables of a project, and reading each file. */
#include "compose/project.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose/internal.h"
#include "util/fsio.h"
#include "yaml/parse.h"

static const char *const default_files[] = {
	"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", NULL,
};

static const char *const override_files[] = {
	"compose.override.yaml", "compose.override.yml",
	"docker-compose.override.yml", "docker-compose.override.yaml", NULL,
};

struct doc_list {
	struct arena *a;
	struct ynode **v;
	size_t n, cap;
};

static int collect_doc(struct ynode *root, int index, void *user)
{
	struct doc_list *l = user;

	(void)index;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct ynode **v = arena_alloc(l->a, cap * sizeof(*v));
		if (!v)
			return -1;
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = root;
	return 0;
}

int read_compose_file(struct loader *ld, const char *path, const struct srcpos *ref,
		      struct ynode ***docs, size_t *ndocs)
{
	struct doc_list list = {ld->a, NULL, 0, 0};
	char *data = NULL;
	size_t len = 0;
	int rc;

	switch (read_file_limited(path, COMPOSE_MAX_FILE_SIZE, &data, &len)) {
	case READ_OK:
		break;
	case READ_NOT_FOUND:
		ld_error(ld, ref, "check the path, or the -f and --project-directory options",
			 "compose file %s not found", path);
		return -1;
	case READ_TOO_LARGE:
		ld_error(ld, ref, "split the file; Compose files are normally a few kilobytes",
			 "compose file %s is larger than %u MiB", path, COMPOSE_MAX_FILE_SIZE >> 20);
		return -1;
	case READ_NOT_REGULAR:
		ld_error(ld, ref, "give a regular file", "compose file %s is not a regular file (a FIFO, a device or a socket)", path);
		return -1;
	case READ_ERROR:
		ld_error(ld, ref, NULL, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	rc = yaml_parse_stream(ld->a, ld->d, path, data, len, &yaml_default_limits, collect_doc, &list);
	free(data);
	if (rc != 0) {
		if (ld->a->exhausted)
			ld_oom(ld, ref);
		return -1;
	}
	*docs = list.v;
	*ndocs = list.n;
	return 0;
}

static const char *find_in(struct loader *ld, const char *dir, const char *const *names)
{
	for (const char *const *n = names; *n; n++) {
		char *p = path_join(dir, *n);
		const char *out = NULL;

		if (p && file_exists(p))
			out = arena_strdup(ld->a, p);
		free(p);
		if (out)
			return out;
	}
	return NULL;
}

static bool add_file(struct compose_project *p, const char *path)
{
	const char **v = arena_alloc(&p->arena, (p->nfiles + 1) * sizeof(*v));
	char *abs = strcmp(path, "-") == 0 ? strdup("-") : path_absolute(path);

	if (!v || !abs) {
		free(abs);
		return false;
	}
	if (p->nfiles)
		memcpy(v, p->files, p->nfiles * sizeof(*v));
	v[p->nfiles] = arena_strdup(&p->arena, abs);
	free(abs);
	if (!v[p->nfiles])
		return false;
	p->files = v;
	p->nfiles++;
	return true;
}

/* -f files, else COMPOSE_FILE, else the default names in the project directory. */
static int choose_files(struct compose_project *p, struct loader *ld, const struct compose_options *o)
{
	const char *env_files = env_get(&p->vars, "COMPOSE_FILE");
	const char *found;

	if (o->nfiles) {
		for (size_t i = 0; i < o->nfiles; i++)
			if (!add_file(p, o->files[i]))
				return ld_oom(ld, NULL), -1;
		return 0;
	}
	if (env_files && env_files[0]) {
		const char *sep = env_get(&p->vars, "COMPOSE_PATH_SEPARATOR");
		char *copy = strdup(env_files), *save = NULL;
		int rc = 0;

		if (!copy)
			return ld_oom(ld, NULL), -1;
		for (char *t = strtok_r(copy, sep && sep[0] ? sep : ":", &save); t && rc == 0;
		     t = strtok_r(NULL, sep && sep[0] ? sep : ":", &save)) {
			char *joined = path_join(p->workdir, t);
			if (!joined || !add_file(p, joined))
				rc = -1;
			free(joined);
		}
		free(copy);
		return rc ? (ld_oom(ld, NULL), -1) : 0;
	}
	found = find_in(ld, p->workdir, default_files);
	if (!found) {
		struct srcpos pos = {p->workdir, 0, 0};
		ld_error(ld, &pos, "run kgenius in the project directory, or name the file with -f",
			 "no compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml here");
		return -1;
	}
	if (!add_file(p, found))
		return ld_oom(ld, NULL), -1;
	found = find_in(ld, p->workdir, override_files);
	if (found && !add_file(p, found))
		return ld_oom(ld, NULL), -1;
	return 0;
}

static int read_env_file(struct compose_project *p, struct loader *ld, const char *path,
			 const struct envmap *os_env, struct envmap *out, bool required)
{
	char *data = NULL;
	size_t len = 0;
	struct srcpos pos = {path, 0, 0};
	int rc;

	switch (read_file_limited(path, COMPOSE_MAX_FILE_SIZE, &data, &len)) {
	case READ_OK:
		break;
	case READ_NOT_FOUND:
		if (!required)
			return 0;
		ld_error(ld, &pos, "check the --env-file path", "env file %s not found", path);
		return -1;
	case READ_NOT_REGULAR:
		ld_error(ld, &pos, "give a regular file", "env file %s is not a regular file (a FIFO, a device or a socket)", path);
		return -1;
	default:
		ld_error(ld, &pos, NULL, "cannot read env file %s (or it is too large)", path);
		return -1;
	}
	if (yaml_check_text(ld->d, path, data, len) != 0) {
		free(data);
		return -1;
	}
	rc = dotenv_parse(&p->arena, ld->d, arena_strdup(&p->arena, path), data, os_env, out);
	free(data);
	if (rc != 0 && p->arena.exhausted)
		ld_oom(ld, &pos);  /* values that grow on each line (B=$A$A, C=$B$B, ...) */
	if (rc == 0)
		diag_add(ld->d, DIAG_NOTE, &pos, NULL, "variables read from %s", path);
	return rc;
}

/* Interpolation variables: the OS environment wins over .env (or --env-file). */
static int load_variables(struct compose_project *p, struct loader *ld, const struct compose_options *o)
{
	struct envmap os_env = {0}, dot = {0};

	if (!env_load_os(&p->arena, &os_env, o->environ_))
		return ld_oom(ld, NULL), -1;
	if (o->nenv_files) {
		for (size_t i = 0; i < o->nenv_files; i++) {
			char *abs = path_absolute(o->env_files[i]);
			int rc = abs ? read_env_file(p, ld, abs, &os_env, &dot, true) : -1;
			free(abs);
			if (rc)
				return -1;
		}
	} else {
		char *path = path_join(p->workdir, ".env");
		int rc = path ? read_env_file(p, ld, path, &os_env, &dot, false) : -1;
		free(path);
		if (rc)
			return -1;
	}
	for (size_t i = 0; i < dot.n; i++)
		if (!env_set(&p->arena, &p->vars, dot.v[i].name, dot.v[i].value, &dot.v[i].pos))
			return ld_oom(ld, NULL), -1;
	for (size_t i = 0; i < os_env.n; i++)
		if (!env_set(&p->arena, &p->vars, os_env.v[i].name, os_env.v[i].value, NULL))
			return ld_oom(ld, NULL), -1;
	return 0;
}

static const char *choose_workdir(struct compose_project *p, const struct compose_options *o)
{
	char *abs = NULL, *dir;
	const char *out;

	if (o->project_directory)
		abs = path_absolute(o->project_directory);
	else if (o->nfiles && strcmp(o->files[0], "-") != 0) {
		char *file = path_absolute(o->files[0]);
		abs = file ? path_dirname(file) : NULL;
		free(file);
	} else {
		abs = path_absolute(".");
	}
	if (!abs)
		return NULL;
	dir = abs;
	out = arena_strdup(&p->arena, dir);
	free(abs);
	return out;
}

/* A failure always says why: one that reported nothing ran out of memory
 * (the arena's budget) somewhere that could not say so itself. */
static int load_failed(struct loader *ld, const struct compose_project *p, size_t errors_before)
{
	struct srcpos pos = {p->workdir, 0, 0};

	if (ld->d->errors == errors_before)
		ld_oom(ld, &pos);
	return -1;
}

int compose_load(struct compose_project *p, const struct compose_options *o, struct diags *d)
{
	struct loader ld;
	struct ynode *model = NULL;
	size_t errors_before = d->errors;

	memset(p, 0, sizeof(*p));
	arena_init(&p->arena, COMPOSE_MEMORY_LIMIT);
	memset(&ld, 0, sizeof(ld));
	ld.a = &p->arena;
	ld.d = d;
	ld.vars = &p->vars;
	ld.copy_budget = yaml_default_limits.max_nodes;
	p->workdir = choose_workdir(p, o);
	if (!p->workdir) {
		diag_add(d, DIAG_ERROR, NULL, NULL, "cannot determine the project directory: %s", strerror(errno));
		return -1;
	}
	ld.workdir = p->workdir;
	ld.basedir = p->workdir;
	if (o->project_directory && !is_directory(p->workdir)) {
		struct srcpos pos = {p->workdir, 0, 0};
		ld_error(&ld, &pos, "check --project-directory", "project directory not found");
		return -1;
	}
	if (load_variables(p, &ld, o) || choose_files(p, &ld, o))
		return load_failed(&ld, p, errors_before);
	for (size_t i = 0; i < p->nfiles && !ld.oom; i++) {
		struct ynode **docs = NULL;
		size_t ndocs = 0;
		struct srcpos pos = {p->files[i], 0, 0};

		if (read_compose_file(&ld, p->files[i], &pos, &docs, &ndocs))
			continue;
		diag_add(d, DIAG_NOTE, &pos, NULL, "compose file %zu of %zu", i + 1, p->nfiles);
		if (ndocs == 0 || (ndocs == 1 && docs[0]->kind == Y_NULL)) {
			ld_error(&ld, &pos, "add a services: section", "the compose file is empty");
			continue;
		}
		for (size_t k = 0; k < ndocs; k++) {
			struct ynode *doc = load_document(&ld, docs[k], p->files[i]);
			if (!doc)
				continue;
			model = model ? merge_project(&ld, model, doc) : doc;
		}
	}
	if (d->errors > errors_before || ld.oom || !model)
		return load_failed(&ld, p, errors_before);
	if (resolve_project(&ld, model, o, &p->name) != 0 || d->errors > errors_before)
		return load_failed(&ld, p, errors_before);
	p->model = model;
	return 0;
}

void compose_free(struct compose_project *p)
{
	arena_free(&p->arena);
	memset(p, 0, sizeof(*p));
}
