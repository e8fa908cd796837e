/* State shared by the loader's stages (interpolate, normalise, extends,
 * merge, resolve). Internal to src/compose. */
#ifndef KG_COMPOSE_LOADER_H
#define KG_COMPOSE_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "compose/env.h"
#include "util/arena.h"
#include "util/diag.h"
#include "yaml/node.h"

struct loader {
	struct arena *a;
	struct diags *d;
	const struct envmap *vars;  /* interpolation: OS environment over .env */
	struct envmap warned;       /* unset variables already reported */
	const char *workdir;        /* absolute project directory */
	const char *basedir;        /* relative paths of the file being read resolve here */
	long copy_budget;           /* nodes that copies (extends) may still make */
	int extends_depth;
	const char *extends_chain[16];   /* "file#service" being resolved */
	/* Files read only for `extends: file:`, normalised once. */
	struct extends_file {
		const char *path;
		struct ynode *services;
	} extends_files[16];
	size_t n_extends_files;
	bool oom;                   /* an allocation failed; stop */
};

/* Reports that the arena refused an allocation (once). */
void ld_oom(struct loader *ld, const struct srcpos *pos);
void ld_error(struct loader *ld, const struct srcpos *pos, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ld_warn(struct loader *ld, const struct srcpos *pos, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "services.odoo" + "ports" -> "services.odoo.ports"; "[3]" appends as is. */
const char *ld_path(struct loader *ld, const char *parent, const char *child);
const char *ld_index(struct loader *ld, const char *parent, size_t i);

/* Coercions: return a new canonical node, or NULL after reporting a located
 * type error (or allocation failure). */
struct ynode *want_string(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *want_bool(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *want_int(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *want_number(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *want_bytes(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *want_duration(struct loader *ld, const struct ynode *v, const char *path);
/* A string or a list of strings, always as a list. */
struct ynode *want_string_list(struct loader *ld, const struct ynode *v, const char *path);
/* "KEY=VALUE" list or mapping, as a mapping of strings (null kept when
 * allow_null and a list entry had no "="). */
struct ynode *want_string_map(struct loader *ld, const struct ynode *v, const char *path, bool allow_null);

bool want_kind(struct loader *ld, const struct ynode *v, enum ykind kind, const char *path);
/* A new empty mapping or sequence at v's position, once v is checked to be
 * one; NULL after a reported error (the wrong kind, or memory). */
struct ynode *ld_new_checked(struct loader *ld, const struct ynode *v, enum ykind kind, const char *path);

/* A host path made absolute against ld->basedir, "~" expanded; NULL on OOM. */
const char *ld_host_path(struct loader *ld, const char *path);
/* Rewrites string node s to its absolute host path; false on OOM (reported). */
bool ld_absolutize(struct loader *ld, struct ynode *s);

/* Interpolates every string value under n in place (keys are left alone). */
int interpolate_tree(struct loader *ld, struct ynode *n);

/* Normalises one service to the canonical long forms; NULL after errors. */
struct ynode *normalize_service(struct loader *ld, const char *name, const struct ynode *svc);
/* Normalises a top-level networks/volumes/secrets/configs section. */
struct ynode *normalize_resources(struct loader *ld, const char *section, const struct ynode *v);

/* Merges override into base following the Compose Specification's merge
 * rules; both canonical. Returns the merged node (may be base, changed). */
struct ynode *merge_service(struct loader *ld, struct ynode *base, const struct ynode *override);
struct ynode *merge_project(struct loader *ld, struct ynode *base, const struct ynode *override);

#endif
