/* The Odoo filestore, copied only where the destination lacks a file or
 * holds it differently, and verified.
 *
 * Odoo names each attachment by the SHA-1 of its content (<2 hex>/<40 hex>),
 * so for those files a name is a checksum: equal name and size mean equal
 * content, and a copied file is verified by hashing it where it landed and
 * comparing with its name. Other files (checklist/ markers, anything else)
 * are compared by hashing both sides.
 *
 * Each side is reached through a shell (fs_shell.c) and needs nothing but
 * sh, find, xargs, tar and sha1sum: the filestore lands on the cluster's
 * volume without a helper image. Either side may be a compromised pod, so
 * what it answers is bounded and checked (fs_list.c), and what its tar sends
 * is filtered before any tar extracts it (fs_tar.c). This file compares the
 * two listings, runs the copy (fs_transfer.c) and judges the result. */
#include "migrate/filestore.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/fs_internal.h"
#include "migrate/migrate.h"
#include "util/clock.h"

#define MAX_PROBLEMS 1000

static bool hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool fs_content_addressed(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len = strlen(path);

	if (!base || strlen(base + 1) != 40 || !hex(base + 1, 40) || base - path < 2 || len < 43)
		return false;
	/* the parent directory is the first two characters of the name */
	return base - path >= 3 ? (base[-3] == '/' && memcmp(base - 2, base + 1, 2) == 0)
				: memcmp(path, base + 1, 2) == 0;
}

/* --- problems --- */

static pthread_mutex_t problems_lock = PTHREAD_MUTEX_INITIALIZER;

/* A copy with control characters shown as '?': names and messages come
 * from the far side and must not steer the terminal the report is read on. */
static char *shown(const char *s)
{
	char *c = strdup(s);

	for (char *p = c; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

void fs_problem(struct fs_stats *st, const char *side, const char *path, const char *what)
{
	struct fs_problem *v, one;

	/* paths are "./..." for the tools; shown relative to the directory */
	one.side = strdup(side);
	one.path = shown(!path ? "" : strncmp(path, "./", 2) == 0 ? path + 2 : path);
	one.what = shown(what);
	pthread_mutex_lock(&problems_lock);
	if (st->nproblems >= MAX_PROBLEMS || !one.side || !one.path || !one.what ||
	    (v = realloc(st->problems, (st->nproblems + 1) * sizeof(*v))) == NULL) {
		st->more_problems++;
		free(one.side);
		free(one.path);
		free(one.what);
	} else {
		st->problems = v;
		v[st->nproblems++] = one;
	}
	pthread_mutex_unlock(&problems_lock);
}

void fs_stats_free(struct fs_stats *st)
{
	for (size_t i = 0; i < st->nproblems; i++) {
		free(st->problems[i].side);
		free(st->problems[i].path);
		free(st->problems[i].what);
	}
	free(st->problems);
	memset(st, 0, sizeof(*st));
}

size_t fs_unresolved(const struct fs_stats *st)
{
	size_t n = st->more_problems;

	for (size_t i = 0; i < st->nproblems; i++)
		n += strncmp(st->problems[i].what, "repaired:", 9) != 0;
	return n;
}

/* --- the run --- */

struct list_task {
	const struct fs_side *side;
	struct fs_list *list;
	struct fs_stats *st;
	struct diags d;
	int rc;
};

static void *list_worker(void *arg)
{
	struct list_task *t = arg;

	diags_init(&t->d);
	t->rc = fs_list_side(t->side, true, false, t->list, t->st, &t->d);
	return NULL;
}

/* Content-addressed files must hash to their name; others to the source's hash. */
static void check_hash(struct fs_stats *st, const char *side, const struct fs_entry *e, const char *want)
{
	char what[160];

	if (!e->hash[0]) {
		fs_problem(st, side, e->path, "unreadable: no hash");
		return;
	}
	if (strcmp(e->hash, want) != 0) {
		snprintf(what, sizeof(what), "corrupt: content hashes to %s, expected %s", e->hash, want);
		fs_problem(st, side, e->path, what);
	}
}

/* The copy of e where it landed: its name for a content-addressed file, the
 * source's hash for any other. False when it is corrupt. */
static bool check_dhash(struct fs_stats *st, const char *side, const struct fs_entry *e)
{
	const char *want = fs_content_addressed(e->path) ? strrchr(e->path, '/') + 1 : e->hash;
	char what[200];

	if (!want[0]) {
		fs_problem(st, "source", e->path, "unreadable: no hash");
		return true;
	}
	if (strcmp(e->dhash, want) != 0) {
		/* removed, so that the next pass sees it missing and reports it again
		 * rather than trusting its name and size */
		snprintf(what, sizeof(what), "corrupt: content hashes to %s, expected %s; removed from the %s", e->dhash,
			 want, side);
		fs_problem(st, side, e->path, what);
		return false;
	}
	return true;
}

/* What the comparison decided: what to copy, what to hash on both sides,
 * what only the destination has. */
struct plan {
	struct fs_entry **copy, **other_src, **other_dst, **extra;
	size_t ncopy, nother, nextra;
};

static void compare_pair(const struct fs_opts *o, struct fs_entry *s, struct fs_entry *t, struct plan *p,
			 struct fs_stats *st)
{
	st->src_bytes += s->size;
	if (s->size != t->size && fs_content_addressed(s->path)) {
		char what[128];

		/* a content-addressed file has one size: this one was cut short or damaged */
		snprintf(what, sizeof(what), "repaired: %lld bytes instead of %lld; copied again", t->size, s->size);
		fs_problem(st, o->dst.name, t->path, what);
		p->copy[p->ncopy++] = s;
	} else if (s->size != t->size || s->mode != t->mode) {
		p->copy[p->ncopy++] = s;
	} else if (!fs_content_addressed(s->path) || o->verify_all) {
		p->other_src[p->nother] = s;
		p->other_dst[p->nother++] = t;
	} else {
		st->unchanged++;
	}
}

/* Missing or different size or mode is copied; same size is the same
 * content for a content-addressed name, else both are hashed. */
static int compare_lists(const struct fs_opts *o, struct fs_list *src, struct fs_list *dst, struct plan *p,
			 struct fs_stats *st, struct diags *d)
{
	for (size_t i = 0, j = 0; i < src->n || j < dst->n;) {
		int c = i >= src->n ? 1 : j >= dst->n ? -1 : strcmp(src->v[i].path, dst->v[j].path);

		if (c < 0) {
			st->src_bytes += src->v[i].size;
			p->copy[p->ncopy++] = &src->v[i++];
		} else if (c > 0) {
			p->extra[p->nextra++] = &dst->v[j++];
		} else {
			compare_pair(o, &src->v[i++], &dst->v[j++], p, st);
		}
	}
	if (!p->nother)
		return 0;
	/* both sides hashed: differing ones are copied */
	if (fs_hash_entries(o, &o->src, src, p->other_src, p->nother, st, d) != 0 ||
	    fs_hash_entries(o, &o->dst, dst, p->other_dst, p->nother, st, d) != 0)
		return -1;
	for (size_t k = 0; k < p->nother; k++) {
		struct fs_entry *s = p->other_src[k], *t = p->other_dst[k];
		bool same = s->hash[0] && strcmp(s->hash, t->hash) == 0;

		if (fs_content_addressed(s->path))
			check_hash(st, o->src.name, s, strrchr(s->path, '/') + 1);
		if (!same && t->hash[0] && s->hash[0])
			fs_problem(st, o->dst.name, t->path, "repaired: its content differed from the source's; copied again");
		if (same)
			st->unchanged++;
		else
			p->copy[p->ncopy++] = s;
	}
	return 0;
}

/* A content-addressed file that does not hash to its name on the target was
 * damaged at the source if it does not there either. */
static void blame_source(const struct fs_opts *o, struct fs_list *src, struct fs_stats *st, struct diags *d)
{
	struct fs_entry **suspects = calloc(st->nproblems + 1, sizeof(*suspects));
	size_t ns = 0;

	for (size_t k = 0; suspects && k < st->nproblems; k++) {
		struct fs_entry *e;
		char path[FS_PATH_MAX + 3];

		snprintf(path, sizeof(path), "./%s", st->problems[k].path);
		if (strcmp(st->problems[k].side, o->dst.name) == 0 && strncmp(st->problems[k].what, "corrupt", 7) == 0 &&
		    fs_content_addressed(path) && (e = fs_find_entry(src, path)) && !e->hash[0])
			suspects[ns++] = e;
	}
	if (ns && fs_hash_entries(o, &o->src, src, suspects, ns, st, d) == 0)
		for (size_t k = 0; k < ns; k++)
			check_hash(st, o->src.name, suspects[k], strrchr(suspects[k]->path, '/') + 1);
	free(suspects);
}

/* Every file sent was hashed where it landed, batch by batch; a corrupt
 * copy is removed from the destination. */
static int verify_copies(const struct fs_opts *o, struct fs_list *src, struct plan *p, struct fs_stats *st,
			 struct diags *d)
{
	struct fs_entry **corrupt = calloc(p->ncopy + 1, sizeof(*corrupt));
	size_t ncorrupt = 0;
	int rc = 0;

	if (!corrupt)
		return -1;
	for (size_t k = 0; k < p->ncopy; k++) {
		const struct fs_entry *e = p->copy[k];

		if (!e->sent) {
			fs_problem(st, o->src.name, e->path, "not copied: the source's tar did not send it whole");
			continue;
		}
		st->copied++;
		st->copied_bytes += e->size;
		if (!e->dhash[0]) {
			fs_problem(st, o->dst.name, e->path, "missing or unreadable after the copy");
			continue;
		}
		st->verified++;
		if (!check_dhash(st, o->dst.name, e))
			corrupt[ncorrupt++] = p->copy[k];
	}
	if (ncorrupt && fs_delete_entries(o, corrupt, ncorrupt, st, d) != 0)
		rc = -1;
	free(corrupt);
	blame_source(o, src, st, d);
	return rc;
}

/* Both sides are listed at once: on a pass with nothing to copy, the
 * listing is all the time there is. */
static int list_both(const struct fs_opts *o, struct fs_list *src, struct fs_list *dst, struct fs_stats *st,
		     struct diags *d)
{
	struct list_task lt = {&o->dst, dst, st, {0}, -1};
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, list_worker, &lt) == 0;
	int src_rc = fs_list_side(&o->src, false, true, src, st, d);

	if (threaded)
		pthread_join(th, NULL);
	else
		list_worker(&lt);
	diags_merge(d, &lt.d);
	diags_free(&lt.d);
	return src_rc == 0 && lt.rc == 0 ? 0 : -1;
}

static int copy_and_verify(const struct fs_opts *o, struct fs_list *src, struct plan *p, struct fs_stats *st,
			   struct diags *d)
{
	double t = clock_seconds();

	if (fs_copy_entries(o, src, p->copy, p->ncopy, st, d) != 0)
		return -1;
	st->copy_seconds = clock_seconds() - t;
	if (o->delete_extra) {
		if (fs_delete_entries(o, p->extra, p->nextra, st, d) != 0)
			return -1;
		st->deleted += p->nextra;
	}
	t = clock_seconds();
	if (verify_copies(o, src, p, st, d) != 0)
		return -1;
	st->verify_seconds = clock_seconds() - t;
	return 0;
}

int migrate_filestore(const struct fs_opts *o, struct fs_stats *st, FILE *events, struct diags *d)
{
	struct fs_list src = {0}, dst = {0};
	struct plan p;
	double t0 = clock_seconds();
	int rc = -1;

	memset(st, 0, sizeof(*st));
	memset(&p, 0, sizeof(p));
	signal(SIGPIPE, SIG_IGN);
	if (list_both(o, &src, &dst, st, d) != 0)
		goto out;
	st->list_seconds = clock_seconds() - t0;
	st->src_files = src.n;
	st->dst_files = dst.n;
	p.copy = calloc(src.n + 1, sizeof(*p.copy));
	p.other_src = calloc(src.n + 1, sizeof(*p.other_src));
	p.other_dst = calloc(src.n + 1, sizeof(*p.other_dst));
	p.extra = calloc(dst.n + 1, sizeof(*p.extra));
	if (!p.copy || !p.other_src || !p.other_dst || !p.extra) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){o->src.name, 0, 0}, NULL, "out of memory comparing %zu files", src.n);
		goto out;
	}
	if (compare_lists(o, &src, &dst, &p, st, d) != 0)
		goto out;
	migrate_event(events, o->events_json, "compare", "%zu files on the source, %zu on the target: %zu to copy, %zu the same, "
		      "%zu only on the target", src.n, dst.n, p.ncopy, st->unchanged, p.nextra);
	if (o->check_only) {
		for (size_t k = 0; k < p.ncopy; k++)
			fs_problem(st, o->dst.name, p.copy[k]->path,
				   fs_find_entry(&dst, p.copy[k]->path) ? "differs from the source" : "missing on the target");
		rc = 0;
	} else {
		rc = copy_and_verify(o, &src, &p, st, d);
	}
out:
	st->seconds = clock_seconds() - t0;
	free(p.copy);
	free(p.other_src);
	free(p.other_dst);
	free(p.extra);
	fs_list_free(&src);
	fs_list_free(&dst);
	return rc;
}
