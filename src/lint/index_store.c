/* Where the summaries are kept: arrays on the heap, the strings in arenas;
 * growth, the merge of a part's summaries (src/lint/parallel.c) and the end. */
#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "lint/flows.h"
#include "lint/internal.h"

/* The summary arrays are on the heap, not in the arena: an arena keeps
 * every outgrown copy until the end of the run (half the index's memory on
 * 20,000 Deployments). New entries are zeroed, as the arena's were. On
 * failure the old array stays (freed by index_free) and the object is not
 * summarised. */
bool index_grow(struct lint_index *ix, void *array_ptr, size_t n, size_t *cap, size_t size)
{
	char *v;

	/* array_ptr points at the array's pointer, of any object type. */
	memcpy(&v, array_ptr, sizeof(v));
	if (n >= *cap) {
		size_t old = *cap;
		char *nv = array_grow(v, n, cap, size);

		if (!nv)
			return false;
		memcpy(array_ptr, &nv, sizeof(nv));
		ix->array_bytes += (*cap - old) * size;
		v = nv;
	}
	/* Only the entry about to be filled is zeroed: the rest of the
	 * capacity stays untouched, so it takes no resident memory yet. */
	memset(v + n * size, 0, size);
	return true;
}

void index_free(struct lint_index *ix)
{
	/* the flows' summary lives in the arena; its policies on the heap */
	if (ix->flows)
		netpol_set_free(&ix->flows->pols);
	free(ix->workloads);
	free(ix->services);
	free(ix->backends);
	free(ix->defined);
	free(ix->claims);
	free(ix->selobjs);
	free(ix->autoscalers);
	free(ix->confs);
	free(ix->accounts);
	for (size_t i = 0; i < ix->nkept; i++)
		arena_free(&ix->kept[i]);
	free(ix->kept);
	arena_free(&ix->a);
}


/* Appends count entries of size bytes at src to the array *array_ptr. */
static bool append(struct lint_index *ix, void *array_ptr, size_t *n, size_t *cap, const void *src, size_t count,
		   size_t size)
{
	char *v;

	if (!count)
		return true;
	memcpy(&v, array_ptr, sizeof(v));
	if (*n + count > *cap) {
		size_t ncap = *cap ? *cap : 16;
		char *nv;

		while (ncap < *n + count)
			ncap *= 2;
		nv = realloc(v, ncap * size);
		if (!nv)
			return false;
		memcpy(array_ptr, &nv, sizeof(nv));
		ix->array_bytes += (ncap - *cap) * size;
		*cap = ncap;
		v = nv;
	}
	memcpy(v + *n * size, src, count * size);
	*n += count;
	return true;
}

static size_t entries(const struct lint_index *ix)
{
	return ix->nworkloads + ix->nservices + ix->nbackends + ix->ndefined + ix->nclaims + ix->nselobjs +
	       ix->nautoscalers + ix->nconfs + ix->naccounts;
}

static bool append_all(struct lint_index *to, const struct lint_index *from)
{
	return append(to, &to->workloads, &to->nworkloads, &to->cap_w, from->workloads, from->nworkloads,
		      sizeof(*from->workloads)) &&
	       append(to, &to->services, &to->nservices, &to->cap_s, from->services, from->nservices,
		      sizeof(*from->services)) &&
	       append(to, &to->backends, &to->nbackends, &to->cap_b, from->backends, from->nbackends,
		      sizeof(*from->backends)) &&
	       append(to, &to->defined, &to->ndefined, &to->cap_d, from->defined, from->ndefined,
		      sizeof(*from->defined)) &&
	       append(to, &to->claims, &to->nclaims, &to->cap_c, from->claims, from->nclaims, sizeof(*from->claims)) &&
	       append(to, &to->selobjs, &to->nselobjs, &to->cap_so, from->selobjs, from->nselobjs,
		      sizeof(*from->selobjs)) &&
	       append(to, &to->autoscalers, &to->nautoscalers, &to->cap_a, from->autoscalers, from->nautoscalers,
		      sizeof(*from->autoscalers)) &&
	       append(to, &to->confs, &to->nconfs, &to->cap_cf, from->confs, from->nconfs, sizeof(*from->confs)) &&
	       append(to, &to->accounts, &to->naccounts, &to->cap_sa, from->accounts, from->naccounts,
		      sizeof(*from->accounts));
}

/* The summaries' strings stay in from's arena, which to keeps until the end. */
static bool keep_arena(struct lint_index *to, struct arena *a)
{
	struct arena *v = array_grow(to->kept, to->nkept, &to->cap_kept, sizeof(*to->kept));

	if (!v)
		return false;
	to->kept = v;
	to->kept[to->nkept++] = *a;
	to->kept_bytes += a->used;
	arena_init(a, 0);
	return true;
}

size_t index_bytes(const struct lint_index *ix)
{
	return ix->a.used + ix->kept_bytes + ix->array_bytes +
	       (ix->flows ? ix->flows->pols.cap * sizeof(*ix->flows->pols.v) : 0);
}

void index_merge(struct lint_run *to, struct lint_index *from)
{
	struct lint_index *ix = &to->index;
	size_t n = entries(from);

	ix->unsummarised += from->unsummarised;
	if (from->unsummarised)
		to->incomplete = true;
	if (from->pg_max_connections) {
		ix->pg_max_connections = from->pg_max_connections;
		ix->pg_pos = from->pg_pos;
	}
	ix->has_ingress |= from->has_ingress;
	/* from->flows lives in from's arena: it is kept as the summaries' is. */
	if (!n && flows_index_empty(from->flows))
		return;
	/* The same bound as one document at a time, counted a part at a time. */
	if (index_bytes(ix) + index_bytes(from) > LINT_INDEX_MEMORY || !keep_arena(ix, &from->a) ||
	    !append_all(ix, from) || !flows_index_merge(to, from->flows)) {
		ix->unsummarised += n;
		to->incomplete = true;
	}
}
