/* What a kustomization.yaml makes: the Secrets and ConfigMaps of its
 * generators, by name and keys, for the cross-resource rules. */
#include <string.h>

#include "lint/internal.h"

/* A generator's key: "KEY=path" or a file's base name (files), "KEY=value"
 * (literals); envs files are not read, so their keys stay unknown. */
static const char *generated_key(struct lint_run *r, const char *entry, bool literal)
{
	const char *eq = strchr(entry, '=');
	const char *slash = strrchr(entry, '/');

	if (eq)
		return arena_strndup(&r->index.a, entry, (size_t)(eq - entry));
	return literal ? NULL : arena_strdup(&r->index.a, slash ? slash + 1 : entry);
}

static void summarise_generator(struct lint_run *r, const struct ynode *g, bool secret, const char *ns)
{
	static const char *const sources[] = {"files", "literals"};
	const char *name = y_text(y_get(g, "name"));
	const char *gns = y_text(y_get(g, "namespace"));
	struct defined *d = name ? index_new_defined(r, secret, name, gns ? gns : ns) : NULL;
	size_t total = 0;

	if (!d)
		return;
	for (size_t s = 0; s < 2; s++) {
		const struct ynode *l = y_get(g, sources[s]);
		total += l && l->kind == Y_SEQ ? l->n : 0;
	}
	d->keys = total ? arena_alloc(&r->index.a, total * sizeof(*d->keys)) : NULL;
	for (size_t s = 0; d->keys && s < 2; s++) {
		const struct ynode *l = y_get(g, sources[s]);

		for (size_t i = 0; l && l->kind == Y_SEQ && i < l->n; i++) {
			const char *key = y_text(l->items[i]) ? generated_key(r, y_text(l->items[i]), s == 1) : NULL;
			if (key)
				d->keys[d->nkeys++] = key;
		}
	}
}

void index_kustomization(struct lint_run *r, const struct ynode *doc)
{
	static const char *const kinds[] = {"secretGenerator", "configMapGenerator"};
	const char *ns = y_text(y_get(doc, "namespace"));

	for (size_t k = 0; k < 2; k++) {
		const struct ynode *gens = y_get(doc, kinds[k]);

		for (size_t i = 0; gens && gens->kind == Y_SEQ && i < gens->n; i++)
			summarise_generator(r, gens->items[i], k == 0, ns);
	}
}
