/* Files' parts (src/yaml/split.c) checked on every core: each part is parsed
 * and checked by a worker thread into a run of its own (a shard: findings and
 * summaries), and the shards are merged into the run in the order the parts
 * were read, so the report is the same, byte for byte, on one core or many.
 * A YAML error stops its file as it does on one core: the parts after it
 * are dropped at the merge. At most WINDOW parts wait or run at once, so
 * memory stays bounded whatever the input. The cross-resource rules run
 * after the last merge (lint_finish). */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lint/internal.h"
#include "yaml/parse.h"

#define MAX_WORKERS 8
#define WINDOW_PER_WORKER 1

struct job {
	struct lint_run shard;
	const char *data;
	char *buffer;              /* data's copy, when the part is not in a mapped file */
	struct yaml_mapping *mapping;
	size_t len, cap;
	int line_base;
	const char *name;
	unsigned file_seq;
	int rc;
	bool done;
};

struct lint_pool {
	pthread_t threads[MAX_WORKERS];
	int nthreads;
	pthread_mutex_t lock;
	pthread_cond_t work, finished;
	struct job **ring;         /* head: oldest not merged; next: first not taken; tail: first free */
	size_t window, head, next, tail;
	/* Part buffers done with, for the next parts: a new buffer's pages
	 * are each a page fault when first written (a third of lint's system
	 * time on 20,000 Deployments). At most window + 1. */
	struct spare_buffer {
		char *data;
		size_t cap;
	} *spare;
	size_t nspare;
	bool quit;
};

/* Called with the lock held. */
static void keep_buffer(struct lint_pool *p, struct job *j)
{
	if (!j->buffer)
		return;
	if (p->nspare < p->window + 1) {
		p->spare[p->nspare].data = j->buffer;
		p->spare[p->nspare].cap = j->cap;
		p->nspare++;
	} else {
		free(j->buffer);
	}
	j->buffer = NULL;
}

/* The job's text is done with: its copy freed, or its hold on the mapped
 * file dropped (in the thread that reads the files). */
static void release_text(struct job *j)
{
	free(j->buffer);
	j->buffer = NULL;
	if (j->mapping)
		yaml_mapping_drop(j->mapping, j->data + j->len);
	j->mapping = NULL;
}

/* A buffer of at least size bytes: a spare one, or a new one. */
static char *take_buffer(struct lint_pool *p, size_t size, size_t *cap)
{
	char *data = NULL;

	pthread_mutex_lock(&p->lock);
	if (p->nspare) {
		p->nspare--;
		data = p->spare[p->nspare].data;
		*cap = p->spare[p->nspare].cap;
	}
	pthread_mutex_unlock(&p->lock);
	if (data && *cap >= size)
		return data;
	free(data);
	*cap = size;
	return malloc(size);
}

static void *worker(void *arg)
{
	struct lint_pool *p = arg;
	struct arena documents;

	arena_init_large(&documents, LINT_DOC_MEMORY);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct job *j;

		while (p->next == p->tail && !p->quit)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->next == p->tail)
			break;
		j = p->ring[p->next++ % p->window];
		pthread_mutex_unlock(&p->lock);
		j->shard.doc_arena = &documents;
		j->rc = lint_part(&j->shard, j->name, j->data, j->len, j->line_base);
		pthread_mutex_lock(&p->lock);
		keep_buffer(p, j);
		j->done = true;
		pthread_cond_broadcast(&p->finished);
	}
	pthread_mutex_unlock(&p->lock);
	arena_free(&documents);
	return NULL;
}

static void stop_workers(struct lint_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->quit = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
}

static void pool_free(struct lint_pool *p)
{
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->finished);
	pthread_mutex_destroy(&p->lock);
	for (size_t i = 0; i < p->nspare; i++)
		free(p->spare[i].data);
	free(p->spare);
	free(p->ring);
	free(p);
}

/* Workers for the cores the machine has; NULL with one core (or when none
 * could start): the parts are then checked in the calling thread. */
/* The cores this process may run on (taskset, a container's cpuset). */
static int usable_cores(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set);
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

static struct lint_pool *pool_start(void)
{
	int cores = usable_cores();
	int n = cores > MAX_WORKERS ? MAX_WORKERS : cores;
	struct lint_pool *p;

	if (n < 2 || !(p = calloc(1, sizeof(*p))))
		return NULL;
	p->window = (size_t)n * WINDOW_PER_WORKER;
	p->ring = calloc(p->window, sizeof(*p->ring));
	p->spare = calloc(p->window + 1, sizeof(*p->spare));
	if (!p->ring || !p->spare || pthread_mutex_init(&p->lock, NULL) != 0) {
		free(p->spare);
		free(p->ring);
		free(p);
		return NULL;
	}
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->finished, NULL);
	for (int i = 0; i < n; i++)
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) == 0)
			p->nthreads++;
	if (p->nthreads == 0) {
		pool_free(p);
		return NULL;
	}
	return p;
}

static void merge_finding(const struct finding *f, void *user)
{
	struct lint_run *r = user;

	if (!findings_add(&r->findings, f))
		r->findings.unlisted[f->severity]++;
}

/* The file whose parts were merged last has ended: one without a single
 * YAML document (a zero-byte file, only comments) is an error, as it is
 * read to its end, not a clean pass. */
static void end_file(struct lint_run *r)
{
	if (r->merging_file && r->merging_file != r->stopped_file && r->merging_documents == 0)
		lint_report_empty(r, r->merging_name);
	r->merging_file = 0;
	r->merging_documents = 0;
}

static void begin_file(struct lint_run *r, unsigned file_seq, const char *name)
{
	if (file_seq != r->merging_file) {
		end_file(r);
		r->merging_file = file_seq;
		r->merging_name = name;
	}
}

/* The shard's documents, findings and summaries after the run's. */
static void merge(struct lint_run *r, struct job *j)
{
	begin_file(r, j->file_seq, j->name);
	if (j->file_seq != r->stopped_file) {
		r->documents += j->shard.documents;
		r->merging_documents += j->shard.yaml_documents;
		r->incomplete |= j->shard.incomplete;
		findings_each(&j->shard.findings, merge_finding, r);
		r->findings.suppressed += j->shard.findings.suppressed;
		for (int k = 0; k < 3; k++)
			r->findings.unlisted[k] += j->shard.findings.unlisted[k];
		index_merge(r, &j->shard.index);
		if (j->rc != 0)
			r->stopped_file = j->file_seq;
	}
	lint_free(&j->shard);
	release_text(j);
	free(j);
}

/* Waits for the oldest part and merges it. */
static void merge_oldest(struct lint_pool *p, struct lint_run *r)
{
	struct job *j = p->ring[p->head % p->window];

	pthread_mutex_lock(&p->lock);
	while (!j->done)
		pthread_cond_wait(&p->finished, &p->lock);
	p->head++;
	pthread_mutex_unlock(&p->lock);
	merge(r, j);
}

static struct job *new_job(const struct lint_run *r, const struct part_sink *s, int line_base)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->line_base = line_base;
	j->name = s->name;
	j->file_seq = s->file_seq;
	lint_init(&j->shard, r->d);
	j->shard.cfg = r->cfg;
	j->shard.controller = r->controller;
	j->shard.controller_ns = r->controller_ns;
	j->shard.prometheus_ns = r->prometheus_ns;
	j->shard.want_flows = r->want_flows;
	return j;
}

/* One core: the part is checked here, into a shard merged at once, so that
 * the report is the same as with workers, bounds included. */
static int check_here(struct lint_run *r, const struct part_sink *s, const char *data, size_t len, int line_base)
{
	struct job *j = new_job(r, s, line_base);

	if (!j) {
		size_t before = r->yaml_documents;
		int rc;

		begin_file(r, s->file_seq, s->name);
		rc = lint_part(r, s->name, data, len, line_base);
		r->merging_documents += r->yaml_documents - before;
		if (rc != 0)
			r->stopped_file = s->file_seq;
		return rc != 0;
	}
	j->shard.doc_arena = &r->doc_memory;
	j->rc = lint_part(&j->shard, j->name, data, len, line_base);
	merge(r, j);
	return r->stopped_file == s->file_seq;
}

static int submit(struct lint_pool *p, struct lint_run *r, const struct part_sink *s, const char *data, size_t len,
		  int line_base, struct yaml_mapping *m)
{
	struct job *j;

	if (p->tail - p->head == p->window)
		merge_oldest(p, r);
	j = new_job(r, s, line_base);
	if (j && m) {
		/* a slice of the mapped file, held until the merge: no copy */
		yaml_mapping_hold(m);
		j->mapping = m;
		j->data = data;
	} else if (j && (j->buffer = take_buffer(p, len + 1, &j->cap)) != NULL) {
		memcpy(j->buffer, data, len + 1);
		j->data = j->buffer;
	} else {
		if (j)
			lint_free(&j->shard);
		free(j);
		/* No memory for a copy: this part is checked here, in order. */
		lint_pool_drain(r);
		return check_here(r, s, data, len, line_base);
	}
	j->len = len;
	pthread_mutex_lock(&p->lock);
	p->ring[p->tail++ % p->window] = j;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return r->stopped_file == s->file_seq;
}

int lint_pool_part(const char *data, size_t len, int line_base, struct yaml_mapping *m, void *user)
{
	const struct part_sink *s = user;
	struct lint_run *r = s->r;

	if (!r->pool_started) {
		r->pool = pool_start();
		r->pool_started = true;
	}
	if (!r->pool) {
		int stopped = check_here(r, s, data, len, line_base);

		if (m)
			yaml_mapping_done(m, data + len);
		return stopped;
	}
	return submit(r->pool, r, s, data, len, line_base, m);
}

void lint_pool_drain(struct lint_run *r)
{
	struct lint_pool *p = r->pool;

	while (p && p->head != p->tail)
		merge_oldest(p, r);
}

void lint_pool_end(struct lint_run *r)
{
	lint_pool_drain(r);
	end_file(r);
}

void lint_pool_stop(struct lint_run *r)
{
	struct lint_pool *p = r->pool;

	if (!p)
		return;
	stop_workers(p);
	/* Parts not merged (a run freed before lint_finish) are dropped. */
	for (; p->head != p->tail; p->head++) {
		struct job *j = p->ring[p->head % p->window];
		lint_free(&j->shard);
		release_text(j);
		free(j);
	}
	pool_free(p);
	r->pool = NULL;
}
