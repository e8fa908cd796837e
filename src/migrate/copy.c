/* The offline copy of one database after another:
 *   1. a backup of the source (backup.c);
 *   2. one snapshot exported on the source, which every reader imports, so
 *      the copy is one consistent point in time;
 *   3. the schema's pre-data section (tables, types, functions) with
 *      pg_dump --schema-only --snapshot | pg_restore, in one transaction;
 *   4. the data: parallel COPY from the source streamed straight into COPY on
 *      the target (no file in between), large tables split into key ranges;
 *   5. the post-data section: each table's indexes and unique keys as soon
 *      as its data is in, while other tables are still copying, then the
 *      foreign keys, triggers and the rest with pg_restore -j;
 *   6. every sequence set to the source's value, owned by a column or not.
 *
 * Resuming is exact: each part of the data commits on the target in the
 * same transaction as its row in kgenius_migrate.progress, so a part is
 * either copied and recorded or neither, whatever kills the process. The
 * offline method expects the source's writers to be stopped; `verify`
 * proves the result either way. */
#include "migrate/migrate.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/fsio.h"

#define MAX_PARTS 64

struct part {
	const struct pg_table *table;
	size_t tix;                /* index of the table in the job's tables */
	char item[600];            /* progress key: "data:schema.table" or with ":i/n" */
	char *where;               /* key range, or NULL */
	bool done;
};

/* A table's own indexes and unique constraints, built as soon as its last
 * part is copied, while other tables are still copying. */
struct table_state {
	size_t parts_left;
	char *list;                /* pg_restore -L file with its entries, or NULL: none */
	char item[600];            /* progress key: "post:schema.table" */
	bool ready, taken, done;
};

struct copy_job {
	const struct migrate_opts *o;
	const char *src_db, *dst_db;
	const char *snapshot;
	const char *schema_dump;
	bool binary;
	struct part *parts;
	size_t nparts, next;
	struct table_state *tables;
	size_t ntables;
	size_t busy;               /* workers on a part or an index build */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool failed;
	struct diags *d;
	FILE *events;
	size_t done_parts;
	long long rows, bytes;
	double started;
};

/* --- the data --- */

static bool import_snapshot(PGconn *c, const struct pg_endpoint *ep, const char *snapshot, struct diags *d)
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
	char *buf;
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
	while ((n = PQgetCopyData(src, &buf, 0)) > 0) {
		*bytes += n;
		if (PQputCopyData(dst, buf, n) != 1) {
			PQfreemem(buf);
			break;
		}
		PQfreemem(buf);
		if (j->failed)
			break;
	}
	if (n != -1 || j->failed) {
		PQputCopyEnd(dst, "copy interrupted");
		copy_status(dst, &o->target, d, NULL);
		if (n == -2)
			diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0}, NULL, "%s: %s", p->table->qname,
				 PQerrorMessage(src));
		while ((r = PQgetResult(src)) != NULL)
			PQclear(r);
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
	if (!ok && PQtransactionStatus(dst) != PQTRANS_IDLE)
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

static int restore_list(const struct migrate_opts *o, const char *dst_db, const char *schema_dump, const char *list,
			int jobs, struct diags *d);

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
	if (!src || !dst || !import_snapshot(src, &o->source, j->snapshot, j->d) ||
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
			ok = restore_list(o, j->dst_db, j->schema_dump, t->list, 1, &local) == 0;
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

/* --- parts --- */

static int split_table(PGconn *snap, const struct migrate_opts *o, const struct pg_table *t, struct part *parts,
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

/* --- steps recorded on the target --- */

static bool step_done(PGconn *dst, const struct migrate_opts *o, const char *item, struct diags *d)
{
	const char *params[1] = {item};
	PGresult *r = pg_query(dst, &o->target, d, "SELECT 1 FROM kgenius_migrate.progress WHERE item = $1", 1, params);
	bool done = r && PQntuples(r) == 1;

	PQclear(r);
	return done;
}

static bool mark_step(PGconn *dst, const struct migrate_opts *o, const char *item, struct diags *d)
{
	const char *params[1] = {item};
	PGresult *r = PQexecParams(dst, "INSERT INTO kgenius_migrate.progress (item) VALUES ($1) ON CONFLICT DO NOTHING",
				   1, NULL, params, NULL, NULL, 0);
	bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;

	if (!ok)
		diag_add(d, DIAG_ERROR, &(struct srcpos){o->target.name, 0, 0}, NULL, "cannot record progress: %s",
			 PQerrorMessage(dst));
	PQclear(r);
	return ok;
}

/* pg_restore of schema_dump into the target: the pre-data section in one
 * transaction, or post-data entries (those of list, or all) with jobs
 * workers, dropping first what a killed run may have left. */
static int restore(const struct migrate_opts *o, const char *dst_db, const char *schema_dump, bool pre_data,
		   const char *list, int jobs, struct diags *d)
{
	char *rolearg = NULL, *listarg = NULL, jobsarg[32];
	const char *args[20];
	size_t n = 0;
	int rc = -1;

	args[n++] = "pg_restore";
	args[n++] = pre_data ? "--section=pre-data" : "--section=post-data";
	args[n++] = "--no-owner";
	args[n++] = "--no-privileges";
	args[n++] = "--exit-on-error";
	/* kgenius's own publication (online method) and any subscription stay on the source */
	args[n++] = "--no-publications";
	args[n++] = "--no-subscriptions";
	if (pre_data)
		args[n++] = "--single-transaction";
	else {
		snprintf(jobsarg, sizeof(jobsarg), "--jobs=%d", jobs);
		args[n++] = jobsarg;
		args[n++] = "--clean";
		args[n++] = "--if-exists";
	}
	if (list) {
		if (asprintf(&listarg, "--use-list=%s", list) < 0) {
			listarg = NULL;
			goto out;
		}
		args[n++] = listarg;
	}
	if (o->owner) {
		if (asprintf(&rolearg, "--role=%s", o->owner) < 0) {
			rolearg = NULL;
			goto out;
		}
		args[n++] = rolearg;
	}
	args[n++] = schema_dump;
	args[n] = NULL;
	/* Index builds with more memory; the target is being loaded, not serving. */
	rc = migrate_run_pg_tool(args, &o->target, dst_db,
				 "PGOPTIONS=-c maintenance_work_mem=512MB -c synchronous_commit=off", d) == 0 ? 0 : -1;
out:
	free(rolearg);
	free(listarg);
	return rc;
}

static int restore_list(const struct migrate_opts *o, const char *dst_db, const char *schema_dump, const char *list,
			int jobs, struct diags *d)
{
	return restore(o, dst_db, schema_dump, false, list, jobs, d);
}

/* The post-data entries of the schema dump's table of contents, split: each
 * table's indexes and unique keys (known by the OID the entry carries) in a
 * list of its own, everything else (foreign keys, triggers, ...) in *rest. */
static int build_index_lists(struct copy_job *j, PGconn *snap, const struct pg_tables *tabs, const char *workdir,
			     char **rest, struct diags *d)
{
	char *toc = NULL, line[8192];
	char *argv[] = {"pg_restore", "--list", (char *)j->schema_dump, NULL};
	struct buf *per = calloc(tabs->n + 1, sizeof(*per)), other = BUF_INIT;
	PGresult *r = NULL;
	FILE *fp = NULL;
	int rc = -1;

	*rest = NULL;
	if (!per || asprintf(&toc, "%s/%s.toc", workdir, j->src_db) < 0 || migrate_run_tool(argv, toc, d) != 0)
		goto out;
	r = pg_query(snap, &j->o->source, d,
		     "SELECT k.oid::text, format('%I.%I', n.nspname, t.relname) FROM pg_constraint k"
		     " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
		     " WHERE k.contype IN ('p', 'u', 'x')"
		     " UNION ALL SELECT i.indexrelid::text, format('%I.%I', n.nspname, t.relname) FROM pg_index i"
		     " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
		     " WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))",
		     0, NULL);
	fp = fopen(toc, "r");
	if (!r || !fp)
		goto out;
	while (fgets(line, sizeof(line), fp)) {
		char oid[32] = "", type[32] = "";
		size_t owner = (size_t)-1;

		if (line[0] != ';' && sscanf(line, "%*[0-9]; %*u %31s %31s", oid, type) == 2 &&
		    (strcmp(type, "INDEX") == 0 || strcmp(type, "CONSTRAINT") == 0)) {
			for (int i = 0; i < PQntuples(r) && owner == (size_t)-1; i++)
				if (strcmp(PQgetvalue(r, i, 0), oid) == 0)
					for (size_t t = 0; t < tabs->n; t++)
						if (strcmp(tabs->v[t].qname, PQgetvalue(r, i, 1)) == 0) {
							owner = t;
							break;
						}
		}
		buf_puts(owner != (size_t)-1 ? &per[owner] : &other, line);
	}
	for (size_t t = 0; t < tabs->n; t++) {
		if (per[t].len == 0)
			continue;
		if (asprintf(&j->tables[t].list, "%s/%s.%zu.list", workdir, j->src_db, t) < 0) {
			j->tables[t].list = NULL;
			goto out;
		}
		if (per[t].failed || write_file_atomic(j->tables[t].list, per[t].data, per[t].len, 0600) != 0)
			goto out;
	}
	if (asprintf(rest, "%s/%s.rest.list", workdir, j->src_db) < 0) {
		*rest = NULL;
		goto out;
	}
	if (other.failed || write_file_atomic(*rest, other.data ? other.data : "", other.len, 0600) != 0)
		goto out;
	rc = 0;
out:
	if (fp)
		fclose(fp);
	if (toc)
		unlink(toc);
	free(toc);
	PQclear(r);
	for (size_t t = 0; per && t < tabs->n; t++)
		buf_free(&per[t]);
	free(per);
	buf_free(&other);
	return rc;
}

static int dump_schema(const struct migrate_opts *o, const char *src_db, const char *snapshot, const char *path,
		       struct diags *d)
{
	char *snaparg = NULL;
	int rc = -1;

	if (asprintf(&snaparg, "--snapshot=%s", snapshot) >= 0) {
		const char *args[] = {"pg_dump", "--schema-only", "--format=custom", "--no-sync", snaparg, "--file", path, NULL};

		rc = migrate_run_pg_tool(args, &o->source, src_db, NULL, d) == 0 ? 0 : -1;
		free(snaparg);
	}
	return rc;
}

/* Tables of the snapshot already on the target: 0 none, 1 all, -1 some. */
static int target_has_tables(PGconn *dst, const struct migrate_opts *o, const struct pg_tables *tabs, struct diags *d)
{
	struct pg_tables have;
	size_t found = 0;

	if (pg_list_tables(dst, &o->target, d, &have) != 0)
		return -2;
	for (size_t i = 0; i < tabs->n; i++)
		for (size_t k = 0; k < have.n; k++)
			if (strcmp(have.v[k].qname, tabs->v[i].qname) == 0) {
				found++;
				break;
			}
	pg_tables_free(&have);
	return found == 0 ? 0 : found == tabs->n ? 1 : -1;
}

static bool set_sequences(PGconn *snap, PGconn *dst, const struct migrate_opts *o, size_t *count, struct diags *d)
{
	PGresult *r = pg_query(snap, &o->source, d,
			       "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value"
			       " FROM pg_sequences WHERE schemaname <> 'kgenius_migrate'", 0, NULL);
	bool ok = r != NULL;

	for (int i = 0; ok && i < PQntuples(r); i++) {
		const char *params[3] = {PQgetvalue(r, i, 0),
					 PQgetisnull(r, i, 1) ? PQgetvalue(r, i, 2) : PQgetvalue(r, i, 1),
					 PQgetisnull(r, i, 1) ? "false" : "true"};
		PGresult *s = PQexecParams(dst, "SELECT setval($1::regclass, $2::bigint, $3::boolean)", 3, NULL, params,
					   NULL, NULL, 0);

		if (PQresultStatus(s) != PGRES_TUPLES_OK) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0}, NULL, "sequence %s: %s", params[0],
				 PQerrorMessage(dst));
			ok = false;
		}
		PQclear(s);
	}
	if (ok)
		*count += (size_t)PQntuples(r);
	PQclear(r);
	return ok;
}

static int server_major(PGconn *c)
{
	return PQserverVersion(c) / 10000;
}

/* snapshot_in: a snapshot to copy in (the online method's, exported with
 * its replication slot); NULL to export one here. */
static int copy_db(const struct migrate_opts *o, size_t k, const char *workdir, const char *snapshot_in,
		   struct copy_stats *st, FILE *events, struct diags *d)
{
	const char *src_db = o->dbs[k], *dst_db = o->target_dbs[k];
	struct copy_job j;
	struct pg_tables tabs = {NULL, 0};
	PGconn *snap = NULL, *dst = NULL;
	char *snapshot = NULL, *schema_dump = NULL, *backup = NULL, *rest_list = NULL;
	pthread_t threads[64];
	size_t nthreads = 0;
	int rc = -1, present;

	memset(&j, 0, sizeof(j));
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.changed, NULL);
	if (!o->no_backup) {
		migrate_event(events, o->events_json, "backup", "%s: pg_dump -Fc to %s", src_db, o->backup_dir);
		if (migrate_backup(o, src_db, &backup, d) != 0)
			goto out;
		migrate_event(events, o->events_json, "backup", "%s: %s readable by pg_restore --list", src_db, backup);
	}
	snap = pg_open(&o->source, src_db, d);
	dst = pg_open(&o->target, dst_db, d);
	if (!snap || !dst)
		goto out;
	if (snapshot_in) {
		if (!import_snapshot(snap, &o->source, snapshot_in, d) || !(snapshot = strdup(snapshot_in)))
			goto out;
	} else if (!pg_exec(snap, &o->source, d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
		goto out;
	else
		snapshot = pg_value(snap, &o->source, d, "SELECT pg_export_snapshot()", 0, NULL);
	if (!snapshot || pg_list_tables(snap, &o->source, d, &tabs) != 0)
		goto out;
	if (!pg_exec(dst, &o->target, d, "CREATE SCHEMA IF NOT EXISTS kgenius_migrate") ||
	    !pg_exec(dst, &o->target, d,
		     "CREATE TABLE IF NOT EXISTS kgenius_migrate.progress (item text PRIMARY KEY, rows bigint,"
		     " bytes bigint, done_at timestamptz NOT NULL DEFAULT now())"))
		goto out;
	if (asprintf(&schema_dump, "%s/%s.schema.dump", workdir, src_db) < 0) {
		schema_dump = NULL;
		goto out;
	}
	if (dump_schema(o, src_db, snapshot, schema_dump, d) != 0)
		goto out;
	if (!step_done(dst, o, "pre-data", d)) {
		present = target_has_tables(dst, o, &tabs, d);
		if (present == -1) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0},
				 "drop the target database's tables, or migrate into an empty database",
				 "database %s already holds some of the source's tables but kgenius did not create them", dst_db);
			goto out;
		}
		if (present == 0 && restore(o, dst_db, schema_dump, true, NULL, 1, d) != 0)
			goto out;
		if (present < -1 || !mark_step(dst, o, "pre-data", d))
			goto out;
		migrate_event(events, o->events_json, "schema", "%s: %zu tables created on the target", src_db, tabs.n);
	}
	j.o = o;
	j.src_db = src_db;
	j.dst_db = dst_db;
	j.snapshot = snapshot;
	j.schema_dump = schema_dump;
	j.parts = calloc(tabs.n * MAX_PARTS + 1, sizeof(*j.parts));
	j.tables = calloc(tabs.n + 1, sizeof(*j.tables));
	j.ntables = tabs.n;
	if (!j.parts || !j.tables || build_index_lists(&j, snap, &tabs, workdir, &rest_list, d) != 0)
		goto out;
	for (size_t i = 0; i < tabs.n; i++) {
		size_t first = j.nparts;

		if (split_table(snap, o, &tabs.v[i], j.parts, &j.nparts, d) != 0)
			goto out;
		for (size_t q = first; q < j.nparts; q++)
			j.parts[q].tix = i;
		snprintf(j.tables[i].item, sizeof(j.tables[i].item), "post:%s", tabs.v[i].qname);
		j.tables[i].done = !j.tables[i].list || step_done(dst, o, j.tables[i].item, d);
	}
	for (size_t i = 0; i < j.nparts; i++) {
		j.parts[i].done = step_done(dst, o, j.parts[i].item, d);
		st->parts_skipped += j.parts[i].done;
		j.tables[j.parts[i].tix].parts_left += !j.parts[i].done;
	}
	for (size_t i = 0; i < tabs.n; i++)
		j.tables[i].ready = j.tables[i].parts_left == 0 && !j.tables[i].done;
	j.binary = server_major(snap) == server_major(dst);
	j.d = d;
	j.events = events;
	j.done_parts = st->parts_skipped;
	j.started = clock_seconds();
	for (int i = 0; i < o->jobs && i < 64; i++)
		if (pthread_create(&threads[nthreads], NULL, copy_worker, &j) == 0)
			nthreads++;
	for (size_t i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	if (j.failed || nthreads == 0)
		goto out;
	st->tables += tabs.n;
	st->parts += j.nparts;
	st->rows += j.rows;
	st->bytes += j.bytes;
	if (!step_done(dst, o, "post-data", d)) {
		migrate_event(events, o->events_json, "indexes", "%s: foreign keys, triggers and the rest with %d jobs", src_db,
			      o->jobs);
		if (restore_list(o, dst_db, schema_dump, rest_list, o->jobs, d) != 0 || !mark_step(dst, o, "post-data", d))
			goto out;
	}
	if (!set_sequences(snap, dst, o, &st->sequences, d))
		goto out;
	migrate_event(events, o->events_json, "sequences", "%s: every sequence set to the source's value", src_db);
	if (!pg_exec(dst, &o->target, d, "DROP SCHEMA kgenius_migrate CASCADE"))
		goto out;
	rc = 0;
out:
	if (snap)
		PQclear(PQexec(snap, "COMMIT"));
	for (size_t i = 0; j.parts && i < j.nparts; i++)
		free(j.parts[i].where);
	free(j.parts);
	for (size_t i = 0; j.tables && i < j.ntables; i++) {
		if (j.tables[i].list)
			unlink(j.tables[i].list);
		free(j.tables[i].list);
	}
	free(j.tables);
	if (rest_list)
		unlink(rest_list);
	free(rest_list);
	pg_tables_free(&tabs);
	PQfinish(snap);
	PQfinish(dst);
	if (schema_dump)
		unlink(schema_dump);
	free(schema_dump);
	free(snapshot);
	free(backup);
	pthread_mutex_destroy(&j.lock);
	pthread_cond_destroy(&j.changed);
	return rc;
}

int migrate_copy_one(const struct migrate_opts *o, size_t k, const char *snapshot, struct copy_stats *st, FILE *events,
		     struct diags *d)
{
	char tmpl[] = "/tmp/kgenius-migrate.XXXXXX";
	const char *workdir = mkdtemp(tmpl);
	double t0 = clock_seconds();
	int rc;

	if (!workdir) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"/tmp", 0, 0}, NULL, "cannot create a work directory: %s",
			 strerror(errno));
		return -1;
	}
	rc = copy_db(o, k, workdir, snapshot, st, events, d);
	rmdir(workdir);
	st->seconds += clock_seconds() - t0;
	return rc;
}

int migrate_copy(const struct migrate_opts *o, struct copy_stats *st, FILE *events, struct diags *d)
{
	int rc = 0;

	memset(st, 0, sizeof(*st));
	for (size_t k = 0; k < o->ndbs && rc == 0; k++)
		rc = migrate_copy_one(o, k, NULL, st, events, d);
	return rc;
}
