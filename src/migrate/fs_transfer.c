/* Hashing, copying and deleting for migrate filestore, in `jobs` shells at
 * once. A batch is copied by the source's `tar -c`, read here through the
 * tar filter (fs_tar.c: only the regular files asked for, permission bits
 * only), into the destination's `tar -x --no-same-owner`; then it is hashed
 * where it landed while other batches are still copying. The one stream that
 * must follow a script, the tar stream into the destination, is sent only
 * after the destination's shell has said it is about to exec tar. */
#include "migrate/fs_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_HASH_LINE (FS_PATH_MAX + 64)

/* Each task starts with its diagnostics, so run_jobs can merge them. */
struct hash_task {
	struct diags d;
	const struct fs_side *side;
	struct fs_list *list;
	bool into_dhash;           /* the side is the destination, the list the source's */
	struct fs_entry **items;
	size_t n;
	struct fs_stats *st;
	int rc;
};

/* Runs worker on jobs tasks (stride bytes apart) in threads; their
 * diagnostics merged into d. Returns how many threads ran. */
static size_t run_jobs(void *(*worker)(void *), void *tasks, size_t stride, size_t jobs, struct diags *d)
{
	pthread_t threads[FS_MAX_JOBS];
	size_t started = 0;

	for (size_t k = 0; k < jobs && k < FS_MAX_JOBS; k++) {
		if (pthread_create(&threads[k], NULL, worker, (char *)tasks + k * stride) != 0)
			break;
		started++;
	}
	for (size_t k = 0; k < started; k++) {
		struct diags *td = (struct diags *)((char *)tasks + k * stride);

		pthread_join(threads[k], NULL);
		diags_merge(d, td);
		diags_free(td);
	}
	return started;
}

static bool is_hex40(const char *s)
{
	for (size_t i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* `sha1sum -z` prints "HASH  PATH\0" per file; only a hash of a path that was
 * asked about is kept. */
static void *hash_worker(void *arg)
{
	struct hash_task *t = arg;
	struct buf in = BUF_INIT;
	size_t len = 0;
	char *out, *p, *end;

	diags_init(&t->d);
	buf_puts(&in, "cd -- ");
	fs_sh_quote(&in, t->side->path);
	buf_puts(&in, " && ");
	fs_script_paths(&in, t->items, t->n);
	buf_puts(&in, "xargs -0 sha1sum -z --\n");
	out = fs_shell_run(t->side, &in, t->n * MAX_HASH_LINE + 65536, &len, &t->rc, t->st, &t->d);
	buf_free(&in);
	for (p = out, end = out ? out + len : NULL; out && p < end;) {
		char *rec_end = memchr(p, '\0', (size_t)(end - p));
		struct fs_entry *e;

		if (!rec_end)
			break;
		if (rec_end - p > 42 && is_hex40(p) && p[40] == ' ' && (e = fs_find_entry(t->list, p + 42)) != NULL) {
			char *into = t->into_dhash ? e->dhash : e->hash;

			memcpy(into, p, 40);
			into[40] = '\0';
		}
		p = rec_end + 1;
	}
	free(out);
	return NULL;
}

int fs_hash_entries(const struct fs_opts *o, const struct fs_side *side, struct fs_list *list,
		    struct fs_entry **items, size_t n, struct fs_stats *st, struct diags *d)
{
	struct hash_task tasks[FS_MAX_JOBS];
	size_t jobs = (size_t)o->jobs;

	if (n == 0)
		return 0;
	if (jobs > n)
		jobs = n;
	for (size_t k = 0; k < jobs; k++) {
		size_t from = n * k / jobs, to = n * (k + 1) / jobs;

		tasks[k] = (struct hash_task){{0}, side, list, false, items + from, to - from, st, 0};
	}
	return run_jobs(hash_worker, tasks, sizeof(tasks[0]), jobs, d) == jobs ? 0 : -1;
}

/* A batch goes through one tar pipeline, then is hashed where it landed
 * while other batches are still copying. */
struct copy_pool {
	const struct fs_opts *o;
	struct fs_list *src;
	struct fs_entry **items;
	size_t n, batch, next;
	pthread_mutex_t lock;
	bool failed;
	struct fs_stats *st;
};

struct copy_task {
	struct diags d;
	struct copy_pool *pool;
};

/* False when the destination could not take the batch; a file the source
 * could not send is a problem of that file, not of the batch. */
static bool copy_batch(const struct fs_opts *o, struct fs_entry **items, size_t n, struct fs_stats *st, struct diags *d)
{
	struct buf head = BUF_INIT, list = BUF_INIT;
	struct shell src, dst;
	bool ok = false;
	long passed = -1;

	fs_script_cd(&head, &o->dst, true);
	buf_puts(&head, "sh -c 'echo KG-READY; exec tar -xpf - --no-same-owner'\n");
	buf_puts(&list, "cd -- ");
	fs_sh_quote(&list, o->src.path);
	buf_puts(&list, " && ");
	fs_script_paths(&list, items, n);
	buf_puts(&list, "tar -cf - --null -T -\n");
	if (head.failed || list.failed || fs_shell_start(&o->dst, -1, -1, &dst, d) != 0)
		goto out;
	ok = fs_write_all(dst.in, head.data, head.len) && fs_wait_ready(dst.out);
	if (ok)
		ok = fs_shell_start(&o->src, -1, -1, &src, d) == 0;
	if (ok) {
		fs_write_all(src.in, list.data, list.len);
		close(src.in);
		src.in = -1;
		passed = fs_tar_filter(src.out, dst.in, items, n, o->src.name, st);
		fs_shell_finish(&src, &o->src, st);
		ok = passed >= 0;
	}
	close(dst.in);
	dst.in = -1;
	if (fs_shell_finish(&dst, &o->dst, st) != 0)
		ok = false;
out:
	buf_free(&head);
	buf_free(&list);
	return ok;
}

static void hash_landed(const struct fs_opts *o, struct fs_list *src, struct fs_entry **items, size_t n,
			struct fs_stats *st, struct diags *d)
{
	struct fs_entry *sent[256], *other[256];
	size_t nsent = 0, nother = 0;

	for (size_t from = 0; from < n; from += 256) {
		nsent = nother = 0;
		for (size_t i = from; i < n && i < from + 256; i++) {
			if (!items[i]->sent)
				continue;
			sent[nsent++] = items[i];
			/* files named otherwise than by their content: compare with the source's hash */
			if (!fs_content_addressed(items[i]->path) && !items[i]->hash[0])
				other[nother++] = items[i];
		}
		struct hash_task h = {{0}, &o->dst, src, true, sent, nsent, st, 0};
		struct hash_task hs = {{0}, &o->src, src, false, other, nother, st, 0};

		if (nsent) {
			hash_worker(&h);
			diags_merge(d, &h.d);
			diags_free(&h.d);
		}
		if (nother) {
			hash_worker(&hs);
			diags_free(&hs.d);
		}
	}
}

static void *copy_worker(void *arg)
{
	struct copy_task *t = arg;
	struct copy_pool *pool = t->pool;
	const struct fs_opts *o = pool->o;

	diags_init(&t->d);
	for (;;) {
		struct fs_entry **items;
		size_t n;

		pthread_mutex_lock(&pool->lock);
		items = pool->failed || pool->next >= pool->n ? NULL : pool->items + pool->next;
		n = items ? (pool->n - pool->next < pool->batch ? pool->n - pool->next : pool->batch) : 0;
		pool->next += n;
		pthread_mutex_unlock(&pool->lock);
		if (!items)
			break;
		if (copy_batch(o, items, n, pool->st, &t->d)) {
			hash_landed(o, pool->src, items, n, pool->st, &t->d);
		} else {
			pthread_mutex_lock(&pool->lock);
			pool->failed = true;
			pthread_mutex_unlock(&pool->lock);
		}
	}
	return NULL;
}

int fs_copy_entries(const struct fs_opts *o, struct fs_list *src, struct fs_entry **items, size_t n,
		    struct fs_stats *st, struct diags *d)
{
	struct copy_task tasks[FS_MAX_JOBS];
	struct copy_pool pool = {o, src, items, n, 0, 0, PTHREAD_MUTEX_INITIALIZER, false, st};
	size_t jobs = (size_t)o->jobs, started;

	if (n == 0)
		return 0;
	/* Four batches per job: copying and hashing of different batches overlap. */
	pool.batch = n / (jobs * 4) + 1;
	if (pool.batch > 2000)
		pool.batch = 2000;
	for (size_t k = 0; k < jobs && k < FS_MAX_JOBS; k++)
		tasks[k].pool = &pool;
	started = run_jobs(copy_worker, tasks, sizeof(tasks[0]), jobs, d);
	pthread_mutex_destroy(&pool.lock);
	return started > 0 && !pool.failed ? 0 : -1;
}

int fs_delete_entries(const struct fs_opts *o, struct fs_entry **items, size_t n, struct fs_stats *st,
		      struct diags *d)
{
	struct buf in = BUF_INIT;
	size_t len = 0;
	char *out;
	int rc;

	if (n == 0)
		return 0;
	buf_puts(&in, "cd -- ");
	fs_sh_quote(&in, o->dst.path);
	buf_puts(&in, " && ");
	fs_script_paths(&in, items, n);
	buf_puts(&in, "xargs -0 rm -f --\n");
	out = fs_shell_run(&o->dst, &in, 65536, &len, &rc, st, d);
	buf_free(&in);
	free(out);
	return rc == 0 ? 0 : -1;
}
