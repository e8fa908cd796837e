/* Loading a Compose project: the public entry point of src/compose.
 *
 * compose_load() finds the files, reads .env, and for each file parses,
 * interpolates, normalises and resolves `extends`; it merges the files in
 * order and resolves the result (project name, profiles, env_file contents,
 * default network, references). The outcome is one canonical tree, the same
 * shape `docker compose config` prints. */
#ifndef KG_COMPOSE_PROJECT_H
#define KG_COMPOSE_PROJECT_H

#include <stddef.h>

#include "compose/env.h"
#include "util/arena.h"
#include "util/diag.h"
#include "yaml/node.h"

struct compose_options {
	const char *const *files;         /* -f, in order; NULL/0 to discover */
	size_t nfiles;
	const char *project_directory;    /* --project-directory */
	const char *const *env_files;     /* --env-file, replaces .env */
	size_t nenv_files;
	const char *const *profiles;      /* --profile */
	size_t nprofiles;
	const char *project_name;         /* -p */
	char **environ_;                  /* process environment */
};

struct compose_project {
	struct arena arena;
	const char *name;
	const char *workdir;
	const char **files;       /* absolute paths of the files loaded */
	size_t nfiles;
	struct envmap vars;       /* interpolation variables */
	struct ynode *model;      /* canonical project; NULL when loading failed */
};

/* Largest Compose file accepted, and the memory a project may use. */
#define COMPOSE_MAX_FILE_SIZE (16u * 1024 * 1024)
#define COMPOSE_MEMORY_LIMIT (192u * 1024 * 1024)

/* Returns 0, or -1 after errors were reported to d (bad input: exit 2). */
int compose_load(struct compose_project *p, const struct compose_options *o, struct diags *d);
void compose_free(struct compose_project *p);

/* Writes every "$" in string values as "$$", so that the printed model,
 * read again by Compose, yields the same values. Returns -1 on OOM. */
int compose_escape_dollars(struct arena *a, struct ynode *n);

#endif
