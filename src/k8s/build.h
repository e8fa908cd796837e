/* Helpers to build Kubernetes objects as value trees.
 *
 * Every helper takes the builder and returns the node it made, or NULL when
 * an allocation failed; a NULL parent makes a helper do nothing. The builder
 * remembers the failure (kb->oom), so a chain of calls is checked once at the
 * end instead of after every line. */
#ifndef KG_K8S_BUILD_H
#define KG_K8S_BUILD_H

#include <stdbool.h>

#include "util/arena.h"
#include "yaml/node.h"

struct kb {
	struct arena *a;
	const char *part_of;  /* app.kubernetes.io/part-of of every object */
	bool oom;
};

struct ynode *kb_map(struct kb *kb);
struct ynode *kb_seq(struct kb *kb);
struct ynode *kb_strv(struct kb *kb, const char *s);
struct ynode *kb_printf(struct kb *kb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* map[key] = value; returns value. */
struct ynode *kb_put(struct kb *kb, struct ynode *map, const char *key, struct ynode *value);
struct ynode *kb_str(struct kb *kb, struct ynode *map, const char *key, const char *value);
struct ynode *kb_int(struct kb *kb, struct ynode *map, const char *key, long long value);
struct ynode *kb_bool(struct kb *kb, struct ynode *map, const char *key, bool value);
/* map[key] = {} (or the existing mapping); returns it. */
struct ynode *kb_sub(struct kb *kb, struct ynode *map, const char *key);
/* map[key] = [] (or the existing list); returns it. */
struct ynode *kb_list(struct kb *kb, struct ynode *map, const char *key);
/* Appends to a list; returns the item. */
struct ynode *kb_push(struct kb *kb, struct ynode *seq, struct ynode *item);
struct ynode *kb_push_str(struct kb *kb, struct ynode *seq, const char *s);
/* Appends {} to a list; returns it. */
struct ynode *kb_push_map(struct kb *kb, struct ynode *seq);

/* A top-level object: apiVersion, kind, metadata{name, namespace (when
 * given), labels{app.kubernetes.io/...}}. Returns the object. */
struct ynode *kb_object(struct kb *kb, const char *api_version, const char *kind, const char *name,
			const char *ns, const char *component);
/* The standard labels of a component (app.kubernetes.io/name, part-of,
 * managed-by). */
struct ynode *kb_labels(struct kb *kb, const char *component);
/* The selector labels of a component (a stable subset of kb_labels). */
struct ynode *kb_selector(struct kb *kb, const char *component);

#endif
