/* Stages of compose_load() that live in their own files. Internal. */
#ifndef KG_COMPOSE_INTERNAL_H
#define KG_COMPOSE_INTERNAL_H

#include "compose/loader.h"
#include "compose/project.h"

/* Parses a Compose file into its YAML documents; errors are reported with ref
 * as the position when the file itself cannot be read. */
int read_compose_file(struct loader *ld, const char *path, const struct srcpos *ref,
		      struct ynode ***docs, size_t *ndocs);

/* The services section of a document, each service normalised. */
struct ynode *normalize_services(struct loader *ld, const struct ynode *v);

/* One document of one file: interpolated, normalised, `extends` resolved.
 * NULL after reported errors. */
struct ynode *load_document(struct loader *ld, struct ynode *doc, const char *file);

/* Resolves `extends` of every service in services (canonical, from file). */
int resolve_extends(struct loader *ld, struct ynode *services, const char *file);

/* The merged model's final pass: project name, profiles, env_file contents,
 * default network, resource names, and checks of every reference. */
int resolve_project(struct loader *ld, struct ynode *model, const struct compose_options *o,
		    const char **name);

#endif
