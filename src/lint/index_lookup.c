/* The lookups the cross-resource rules use, built once every document is
 * summarised: Services by name, pod labels sorted for selector matching,
 * ServiceAccounts. */
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"

static const char *ns_or_default(const char *ns)
{
	return ns ? ns : "default";
}

static int service_cmp(const void *a, const void *b)
{
	const struct svc_summary *x = *(const struct svc_summary *const *)a, *y = *(const struct svc_summary *const *)b;
	int c = strcmp(ns_or_default(x->ns), ns_or_default(y->ns));

	return c ? c : strcmp(x->name, y->name);
}

static int named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(ns_or_default(x->ns), ns_or_default(y->ns));

	return c ? c : strcmp(x->name, y->name);
}

bool index_account(const struct lint_index *ix, const char *ns, const char *name)
{
	struct named key = {ns, name};

	return ix->naccounts && bsearch(&key, ix->accounts, ix->naccounts, sizeof(*ix->accounts), named_cmp);
}

static int label_ref_cmp(const void *a, const void *b)
{
	const struct label_ref *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);

	if (!c)
		c = strcmp(x->key, y->key);
	if (!c)
		c = strcmp(x->value, y->value);
	if (!c)
		c = (x->workload > y->workload) - (x->workload < y->workload);
	return c;
}

void index_finish(struct lint_run *r)
{
	struct lint_index *ix = &r->index;
	size_t n = 0;

	ix->services_by_name = arena_alloc(&ix->a, (ix->nservices + 1) * sizeof(*ix->services_by_name));
	for (size_t i = 0; ix->services_by_name && i < ix->nservices; i++)
		ix->services_by_name[i] = &ix->services[i];
	if (ix->services_by_name)
		qsort(ix->services_by_name, ix->nservices, sizeof(*ix->services_by_name), service_cmp);
	if (ix->naccounts)
		qsort(ix->accounts, ix->naccounts, sizeof(*ix->accounts), named_cmp);
	for (size_t i = 0; i < ix->nworkloads; i++)
		n += ix->workloads[i].pod_labels.n;
	ix->pod_labels = arena_alloc(&ix->a, (n + 1) * sizeof(*ix->pod_labels));
	ix->npod_labels = 0;
	for (size_t i = 0; ix->pod_labels && i < ix->nworkloads; i++) {
		const struct labels *l = &ix->workloads[i].pod_labels;
		for (size_t k = 0; k < l->n; k++)
			ix->pod_labels[ix->npod_labels++] =
				(struct label_ref){ns_or_default(ix->workloads[i].ns), l->keys[k], l->values[k], i};
	}
	if (ix->pod_labels)
		qsort(ix->pod_labels, ix->npod_labels, sizeof(*ix->pod_labels), label_ref_cmp);
}

const struct svc_summary *index_service(const struct lint_index *ix, const char *ns, const char *name)
{
	struct svc_summary key = {.name = name, .ns = ns};
	const struct svc_summary *kp = &key;
	const struct svc_summary **found;

	if (!ix->services_by_name || !name)
		return NULL;
	found = bsearch(&kp, ix->services_by_name, ix->nservices, sizeof(*ix->services_by_name), service_cmp);
	return found ? *found : NULL;
}

/* The first entry not below (ns, key, value) when upper is false, the first
 * above it when upper is true. */
static size_t label_bound(const struct lint_index *ix, const struct label_ref *want, bool upper)
{
	size_t lo = 0, hi = ix->npod_labels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct label_ref probe = ix->pod_labels[mid];
		int c;

		probe.workload = 0;
		c = label_ref_cmp(&probe, want);
		if (c < 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t index_candidates(const struct lint_index *ix, const char *ns, const struct labels *selector, size_t *first)
{
	struct label_ref want;
	size_t lo, hi;

	*first = 0;
	if (!ix->pod_labels || selector->n == 0)
		return 0;
	want = (struct label_ref){ns_or_default(ns), selector->keys[0], selector->values[0], 0};
	lo = label_bound(ix, &want, false);
	hi = label_bound(ix, &want, true);
	*first = lo;
	return hi - lo;
}
