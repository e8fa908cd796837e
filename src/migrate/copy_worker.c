/* The data: parallel COPY from the source streamed straight into COPY on
 * the target, each part with its progress row in one target transaction,
 * and each table's indexes built as soon as its last part is in.
 *
 * A worker that fails (its connection cut, its backend terminated) stops
 * the others; each closes both of its sessions, so the source is left with
 * no transaction open and the target with whole parts only: the next run
 * resumes from the progress rows. */
#include "migrate/copy.h"

#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

bool copy_import_snapshot(PGconn *c, const struct pg_endpoint *ep, const char *snapshot, struct diags *d)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SET TRANSACTION SNAPSHOT '%s'", snapshot);
	return pg_exec(c, ep, d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") && pg_exec(c, ep, d, sql);
}

static char *copy_out_sql(const struct part *p, bool binary)
{
	char *s = NULL;
	const char *fmt = binary ? " (FORMAT binary)" : "";

	if (!p->table->columns[0]) {
		if (asprintf(&s, "COPY %s TO STDOUT%s", p->table->qname, fmt) < 0)
			return NULL;
	} else if (asprintf(&s, "COPY (SELECT %s FROM ONLY %s%s%s) TO STDOUT%s", p->table->columns, p->table->qname,
			    p->where ? " WHERE " : "", p->where ? p->where : "", fmt) < 0)
		return NULL;
	return s;
}

/* A table copied whole is emptied and loaded in one transaction, so its rows
 * can be written frozen: the index builds and checks that read it next do
 * not rewrite every page to set hint bits. */
static char *copy_in_sql(const struct part *p, bool binary)
{
	char *s = NULL;
	const char *opts = binary ? (p->where ? " (FORMAT binary)" : " (FORMAT binary, FREEZE)")
				  : (p->where ? "" : " (FREEZE)");

	if (asprintf(&s, "COPY %s%s%s%s FROM STDIN%s", p->table->qname, p->table->columns[0] ? " (" : "",
		     p->table->columns, p->table->columns[0] ? ")" : "", opts) < 0)
		return NULL;
	return s;
}

static bool copy_status(PGconn *c, const struct pg_endpoint *ep, struct diags *d, long long *rows)
{
	PGresult *r;
	bool ok = true;

	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
			msg[strcspn(msg, "\n")] = '\0';
			diag_add(d, DIAG_ERROR, &(struct srcpos){ep->name, 0, 0}, NULL, "COPY failed: %s", msg);
			ok = false;
		} else if (rows)
			*rows = atoll(PQcmdTuples(r));
		PQclear(r);
	}
	return ok;
}

/* Source rows into the target until the source's end (-1), its error (-2),
 * the target's error (the byte count of the chunk it refused, > 0) or
 * another worker's failure (0). */
static int stream(struct copy_job *j, PGconn *src, PGconn *dst, long long *bytes)
{
	char *buf;
	int n;

	while ((n = PQgetCopyData(src, &buf, 0)) > 0) {
		bool sent = PQputCopyData(dst, buf, n) == 1;

		PQfreemem(buf);
		*bytes += n;
		if (!sent)
			return n;
		if (j->failed)
			return 0;
	}
	return n;
}

/* One part: COPY out of the source into COPY on the target, and its
 * progress row, in one target transaction. */
static bool copy_part(struct copy_job *j, PGconn *src, PGconn *dst, const struct part *p, long long *rows,
		      long long *bytes, struct diags *d)
{
	const struct migrate_opts *o = j->o;
	char *out = copy_out_sql(p, j->binary), *in = copy_in_sql(p, j->binary);
	const char *params[3];
	char rs[32], bs[32];
	PGresult *r;
	bool ok = false;
	int n;

	*rows = *bytes = 0;
	if (!out || !in || !pg_exec(dst, &o->target, d, "BEGIN") ||
	    !pg_exec(dst, &o->target, d, "SET LOCAL synchronous_commit = off"))
		goto out;
	if (!p->where) {
		char *truncate = NULL;
		bool ok_truncate = asprintf(&truncate, "TRUNCATE ONLY %s", p->table->qname) >= 0 &&
				   pg_exec(dst, &o->target, d, truncate);

		free(truncate);
		if (!ok_truncate)
			goto out;
	}
	r = PQexec(dst, in);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0}, NULL, "%s: %s", p->table->qname,
			 PQerrorMessage(dst));
		PQclear(r);
		goto out;
	}
	PQclear(r);
	r = PQexec(src, out);
	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0}, NULL, "%s: %s", p->table->qname,
			 PQerrorMessage(src));
		PQclear(r);
		PQputCopyEnd(dst, "source failed");
		copy_status(dst, &o->target, d, NULL);
		goto out;
	}
	PQclear(r);
	n = stream(j, src, dst, bytes);
	if (n != -1) {
		/* The source may still be sending: its session is not drained
		 * but closed by the worker, which ends its transaction. */
		if (n == -2)
			diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0}, NULL, "%s: %s", p->table->qname,
				 PQerrorMessage(src));
		else if (n > 0)
			diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0}, NULL, "%s: %s", p->table->qname,
				 PQerrorMessage(dst));
		if (PQstatus(dst) == CONNECTION_OK) {
			PQputCopyEnd(dst, "copy interrupted");
			copy_status(dst, &o->target, d, NULL);
		}
		goto out;
	}
	if (!copy_status(src, &o->source, d, NULL) || PQputCopyEnd(dst, NULL) != 1 ||
	    !copy_status(dst, &o->target, d, rows))
		goto out;
	snprintf(rs, sizeof(rs), "%lld", *rows);
	snprintf(bs, sizeof(bs), "%lld", *bytes);
	params[0] = p->item;
	params[1] = rs;
	params[2] = bs;
	r = PQexecParams(dst, "INSERT INTO kgenius_migrate.progress (item, rows, bytes) VALUES ($1, $2, $3)", 3, NULL,
			 params, NULL, NULL, 0);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	ok = ok && pg_exec(dst, &o->target, d, "COMMIT");
out:
	if (!ok && PQstatus(dst) == CONNECTION_OK && PQtransactionStatus(dst) != PQTRANS_IDLE)
		PQclear(PQexec(dst, "ROLLBACK"));
	free(out);
	free(in);
	return ok;
}

/* One line, redrawn: parts done, rows, bytes and rate. */
static void progress_bar(const struct copy_job *j)
{
	char bar[31];
	size_t filled = j->nparts ? j->done_parts * 30 / j->nparts : 30;
	double elapsed = clock_seconds() - j->started;

	memset(bar, '#', filled);
	memset(bar + filled, '.', 30 - filled);
	bar[30] = '\0';
	fprintf(j->events, "\r%s [%s] %zu/%zu parts, %lld rows, %.1f MiB, %.1f MiB/s ", j->src_db, bar, j->done_parts,
		j->nparts, j->rows, (double)j->bytes / 1048576.0, elapsed > 0 ? (double)j->bytes / 1048576.0 / elapsed : 0.0);
	if (j->done_parts == j->nparts)
		fputc('\n', j->events);
	fflush(j->events);
}

/* The next thing to do: an index build that is ready, else a part; NULL
 * when nothing is left, waiting while others may still make index builds
 * ready. Called with the lock held. */
static bool next_task(struct copy_job *j, struct part **part, struct table_state **index)
{
	*part = NULL;
	*index = NULL;
	for (;;) {
		if (j->failed)
			return false;
		for (size_t i = 0; i < j->ntables; i++)
			if (j->tables[i].ready && !j->tables[i].taken) {
				j->tables[i].taken = true;
				*index = &j->tables[i];
				return true;
			}
		while (j->next < j->nparts && j->parts[j->next].done)
			j->next++;
		if (j->next < j->nparts) {
			*part = &j->parts[j->next++];
			return true;
		}
		if (j->busy == 0)
			return false;
		pthread_cond_wait(&j->changed, &j->lock);
	}
}

static void part_done(struct copy_job *j, const struct part *p)
{
	struct table_state *t = &j->tables[p->tix];

	if (t->parts_left > 0 && --t->parts_left == 0 && t->list && !t->done)
		t->ready = true;
}

static void *copy_worker(void *arg)
{
	struct copy_job *j = arg;
	const struct migrate_opts *o = j->o;
	PGconn *src, *dst;

	pthread_mutex_lock(&j->lock);
	src = pg_open(&o->source, j->src_db, j->d);
	dst = pg_open(&o->target, j->dst_db, j->d);
	if (!src || !dst || !copy_import_snapshot(src, &o->source, j->snapshot, j->d) ||
	    !pg_exec(dst, &o->target, j->d, "SET session_replication_role = replica"))
		j->failed = true;
	for (;;) {
		struct part *p;
		struct table_state *t;
		long long rows = 0, bytes = 0;
		double t0 = clock_seconds();
		struct diags local;
		bool ok;

		if (!next_task(j, &p, &t))
			break;
		j->busy++;
		pthread_mutex_unlock(&j->lock);
		diags_init(&local);
		if (p)
			ok = copy_part(j, src, dst, p, &rows, &bytes, &local);
		else
			ok = copy_restore_list(o, j->dst_db, j->schema_dump, t->list, 1, &local) == 0;
		if (ok && t) {
			const char *params[1] = {t->item};
			PGresult *r = PQexecParams(dst, "INSERT INTO kgenius_migrate.progress (item) VALUES ($1)"
						   " ON CONFLICT DO NOTHING", 1, NULL, params, NULL, NULL, 0);

			ok = PQresultStatus(r) == PGRES_COMMAND_OK;
			PQclear(r);
		}
		pthread_mutex_lock(&j->lock);
		j->busy--;
		diags_merge(j->d, &local);
		diags_free(&local);
		if (!ok)
			j->failed = true;
		else if (t) {
			t->done = true;
			if (!o->progress_bar)
				migrate_event(j->events, o->events_json, "indexes", "%s %s: indexes and keys built, %.2f s", j->src_db,
					      t->item + 5, clock_seconds() - t0);
		} else {
			part_done(j, p);
			j->done_parts++;
			j->rows += rows;
			j->bytes += bytes;
			if (o->progress_bar)
				progress_bar(j);
			else
				migrate_event(j->events, o->events_json, "copied",
					      "%s %s: %lld rows, %lld bytes, %.2f s (%zu/%zu parts)", j->src_db, p->item + 5, rows,
					      bytes, clock_seconds() - t0, j->done_parts, j->nparts);
		}
		pthread_cond_broadcast(&j->changed);
	}
	pthread_cond_broadcast(&j->changed);
	pthread_mutex_unlock(&j->lock);
	PQfinish(src);
	PQfinish(dst);
	return NULL;
}

int copy_split_table(PGconn *snap, const struct migrate_opts *o, const struct pg_table *t, struct part *parts,
		       size_t *n, struct diags *d)
{
	size_t want = o->split_bytes > 0 && t->int_key && t->bytes > o->split_bytes ?
		      (size_t)(t->bytes / o->split_bytes) + 1 : 1;
	char *col = NULL, *sql = NULL;
	PGresult *r = NULL;
	long long lo, hi;
	unsigned long long width;

	if (want > MAX_PARTS)
		want = MAX_PARTS;
	if (want > 1) {
		size_t len = t->key[0] == '"' ? strcspn(t->key + 1, "\"") + 2 : strcspn(t->key, ",");

		col = strndup(t->key, len);
		if (!col || asprintf(&sql, "SELECT min(%s), max(%s) FROM ONLY %s", col, col, t->qname) < 0)
			sql = NULL;
		r = sql ? pg_query(snap, &o->source, d, sql, 0, NULL) : NULL;
		free(sql);
		if (!r) {
			free(col);
			return -1;
		}
		if (PQgetisnull(r, 0, 0))
			want = 1;
	}
	if (want == 1) {
		struct part *p = &parts[(*n)++];

		memset(p, 0, sizeof(*p));
		p->table = t;
		snprintf(p->item, sizeof(p->item), "data:%s", t->qname);
		PQclear(r);
		free(col);
		return 0;
	}
	lo = atoll(PQgetvalue(r, 0, 0));
	hi = atoll(PQgetvalue(r, 0, 1));
	PQclear(r);
	width = ((unsigned long long)hi - (unsigned long long)lo) / want + 1;
	for (size_t i = 0; i < want; i++) {
		struct part *p = &parts[(*n)++];
		long long a = lo + (long long)(i * width);

		memset(p, 0, sizeof(*p));
		p->table = t;
		snprintf(p->item, sizeof(p->item), "data:%s:%zu/%zu", t->qname, i + 1, want);
		if (i == 0 && i + 1 == want)
			continue;
		if (i + 1 == want) {
			if (asprintf(&p->where, "%s >= %lld", col, a) < 0)
				p->where = NULL;
		} else if (i == 0) {
			if (asprintf(&p->where, "%s < %lld", col, a + (long long)width) < 0)
				p->where = NULL;
		} else if (asprintf(&p->where, "%s >= %lld AND %s < %lld", col, a, col, a + (long long)width) < 0)
			p->where = NULL;
		if (!p->where) {
			free(col);
			return -1;
		}
	}
	free(col);
	return 0;
}

bool copy_run_workers(struct copy_job *j)
{
	pthread_t threads[64];
	size_t nthreads = 0;

	for (int i = 0; i < j->o->jobs && i < 64; i++)
		if (pthread_create(&threads[nthreads], NULL, copy_worker, j) == 0)
			nthreads++;
	for (size_t i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	if (nthreads == 0)
		diag_add(j->d, DIAG_ERROR, &(struct srcpos){"copy", 0, 0}, NULL, "cannot start a copy worker");
	return !j->failed && nthreads > 0;
}
