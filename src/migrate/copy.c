/* The offline copy of one database after another:
 *   1. a backup of the source (backup.c);
 *   2. one snapshot exported on the source, which every reader imports, so
 *      the copy is one consistent point in time;
 *   3. the schema's pre-data section (tables, types, functions) with
 *      pg_dump --schema-only --snapshot | pg_restore, in one transaction;
 *   4. the data (copy_worker.c): parallel COPY from the source streamed
 *      straight into COPY on the target, large tables split into key ranges;
 *   5. the post-data section: each table's indexes and unique keys as soon
 *      as its data is in, while other tables are still copying, then the
 *      foreign keys, triggers and the rest with pg_restore -j;
 *   6. the large objects (largeobj.c), the materialized views refreshed
 *      (matview.c), every sequence with its is_called flag (sequences.c).
 *
 * Resuming is exact: each part of the data commits on the target in the
 * same transaction as its row in kgenius_migrate.progress, so a part is
 * either copied and recorded or neither, whatever kills the process. The
 * offline method expects the source's writers to be stopped; `verify`
 * proves the result either way. */
#include "migrate/copy.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"

static int server_major(PGconn *c)
{
	return PQserverVersion(c) / 10000;
}

static bool progress_exists(PGconn *dst, const struct migrate_opts *o, struct diags *d)
{
	char *v = pg_value(dst, &o->target, d, "SELECT to_regclass('kgenius_migrate.progress') IS NOT NULL", 0, NULL);
	bool yes = v && v[0] == 't';

	free(v);
	return yes;
}

/* Sessions that a killed run left on the target (its pg_restore children
 * die with it, but their backends may still be building an index): ended
 * before anything is redone, so nothing races the resumed run. */
static void end_stale_sessions(PGconn *dst, const struct migrate_opts *o, struct diags *d)
{
	PGresult *r = pg_query(dst, &o->target, d,
			       "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
			       " AND application_name = 'kgenius-migrate' AND pid <> pg_backend_pid()", 0, NULL);

	PQclear(r);
}

/* The progress table and the pre-data schema. A target that holds tables
 * kgenius did not create is refused before anything is written to it, and
 * so is the partial copy of an earlier online start: its parts come from
 * another snapshot than the new slot's. */
static int prepare_target(PGconn *dst, const struct migrate_opts *o, const char *dst_db, const struct pg_tables *tabs,
			  const char *schema_dump, bool online, FILE *events, struct diags *d)
{
	bool resuming = progress_exists(dst, o, d);
	int present = copy_target_has_tables(dst, o, tabs, d);

	if (present == -2)
		return -1;
	if ((!resuming && present != 0) || present == -1) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0},
			 "drop the target database's tables, or migrate into an empty database",
			 "database %s already holds some of the source's tables but kgenius did not create them", dst_db);
		return -1;
	}
	if (resuming && online) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0},
			 "drop the tables of the target database (or the database), then start again",
			 "database %s holds a partial copy from an earlier start, taken in another snapshot than this "
			 "start's slot: it cannot be resumed", dst_db);
		return -1;
	}
	if (resuming)
		end_stale_sessions(dst, o, d);
	else if (!pg_exec(dst, &o->target, d, "CREATE SCHEMA IF NOT EXISTS kgenius_migrate") ||
		 !pg_exec(dst, &o->target, d,
			  "CREATE TABLE IF NOT EXISTS kgenius_migrate.progress (item text PRIMARY KEY, rows bigint,"
			  " bytes bigint, done_at timestamptz NOT NULL DEFAULT now())"))
		return -1;
	if (copy_step_done(dst, o, "pre-data", d))
		return 0;
	if (present == 0 && copy_restore_pre_data(o, dst_db, schema_dump, d) != 0)
		return -1;
	if (!copy_mark_step(dst, o, "pre-data", d))
		return -1;
	migrate_event(events, o->events_json, "schema", "%s: %zu tables created on the target", dst_db, tabs->n);
	return 0;
}

/* The parts of every table, and what a previous run already recorded. */
static int plan_parts(struct copy_job *j, PGconn *snap, PGconn *dst, const struct pg_tables *tabs, char **rest_list,
		      struct copy_stats *st, struct diags *d)
{
	const struct migrate_opts *o = j->o;

	j->parts = calloc(tabs->n * MAX_PARTS + 1, sizeof(*j->parts));
	j->tables = calloc(tabs->n + 1, sizeof(*j->tables));
	j->ntables = tabs->n;
	if (!j->parts || !j->tables || copy_build_index_lists(j, snap, tabs, rest_list, d) != 0)
		return -1;
	for (size_t i = 0; i < tabs->n; i++) {
		size_t first = j->nparts;

		if (copy_split_table(snap, o, &tabs->v[i], j->parts, &j->nparts, d) != 0)
			return -1;
		for (size_t q = first; q < j->nparts; q++)
			j->parts[q].tix = i;
		snprintf(j->tables[i].item, sizeof(j->tables[i].item), "post:%s", tabs->v[i].qname);
		j->tables[i].done = !j->tables[i].list || copy_step_done(dst, o, j->tables[i].item, d);
	}
	for (size_t i = 0; i < j->nparts; i++) {
		j->parts[i].done = copy_step_done(dst, o, j->parts[i].item, d);
		st->parts_skipped += j->parts[i].done;
		j->tables[j->parts[i].tix].parts_left += !j->parts[i].done;
	}
	for (size_t i = 0; i < tabs->n; i++)
		j->tables[i].ready = j->tables[i].parts_left == 0 && !j->tables[i].done;
	j->binary = server_major(snap) == server_major(dst);
	j->done_parts = st->parts_skipped;
	return 0;
}

/* After the data: the rest of post-data, large objects, materialized
 * views, sequences; then the progress schema goes. */
static int finish_db(struct copy_job *j, PGconn *snap, PGconn *dst, const char *rest_list, struct copy_stats *st)
{
	const struct migrate_opts *o = j->o;
	size_t los = 0, views = 0;
	long long lo_bytes = 0;

	if (!copy_step_done(dst, o, "post-data", j->d)) {
		migrate_event(j->events, o->events_json, "indexes", "%s: foreign keys, triggers and the rest with %d jobs",
			      j->src_db, o->jobs);
		if (copy_restore_list(o, j->dst_db, j->schema_dump, rest_list, o->jobs, j->d) != 0 ||
		    !copy_mark_step(dst, o, "post-data", j->d))
			return -1;
	}
	if (migrate_copy_large_objects(snap, &o->source, dst, &o->target, &los, &lo_bytes, j->d) != 0)
		return -1;
	if (los)
		migrate_event(j->events, o->events_json, "large-objects", "%s: %zu large objects, %lld bytes", j->src_db, los,
			      lo_bytes);
	if (migrate_refresh_matviews(snap, &o->source, dst, &o->target, &views, j->d) != 0)
		return -1;
	if (views)
		migrate_event(j->events, o->events_json, "materialized-views", "%s: %zu materialized views refreshed",
			      j->src_db, views);
	if (!migrate_copy_sequences(snap, &o->source, dst, &o->target, &st->sequences, j->d))
		return -1;
	migrate_event(j->events, o->events_json, "sequences", "%s: every sequence set to the source's value", j->src_db);
	st->large_objects += los;
	st->matviews += views;
	return pg_exec(dst, &o->target, j->d, "DROP SCHEMA kgenius_migrate CASCADE") ? 0 : -1;
}

/* The snapshot to copy in: snapshot_in (the online method's, exported with
 * its replication slot), or one exported here. */
static char *open_snapshot(PGconn *snap, const struct migrate_opts *o, const char *snapshot_in, struct diags *d)
{
	if (snapshot_in)
		return copy_import_snapshot(snap, &o->source, snapshot_in, d) ? strdup(snapshot_in) : NULL;
	if (!pg_exec(snap, &o->source, d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
		return NULL;
	return pg_value(snap, &o->source, d, "SELECT pg_export_snapshot()", 0, NULL);
}

static void job_free(struct copy_job *j)
{
	for (size_t i = 0; j->parts && i < j->nparts; i++)
		free(j->parts[i].where);
	free(j->parts);
	for (size_t i = 0; j->tables && i < j->ntables; i++) {
		if (j->tables[i].list)
			unlink(j->tables[i].list);
		free(j->tables[i].list);
	}
	free(j->tables);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->changed);
}

static int copy_db(const struct migrate_opts *o, size_t k, const char *workdir, const char *snapshot_in,
		   struct copy_stats *st, FILE *events, struct diags *d)
{
	struct copy_job j = {.o = o, .src_db = o->dbs[k], .dst_db = o->target_dbs[k], .workdir = workdir, .d = d,
			     .events = events};
	struct pg_tables tabs = {NULL, 0};
	PGconn *snap = NULL, *dst = NULL;
	char *snapshot = NULL, *schema_dump = NULL, *rest_list = NULL;
	int rc = -1;

	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.changed, NULL);
	if (!o->no_backup && migrate_backup(o, k, events, d) != 0)
		goto out;
	snap = pg_open(&o->source, j.src_db, d);
	dst = pg_open(&o->target, j.dst_db, d);
	if (!snap || !dst || !(snapshot = open_snapshot(snap, o, snapshot_in, d)) ||
	    pg_list_tables(snap, &o->source, d, &tabs) != 0)
		goto out;
	if (asprintf(&schema_dump, "%s/schema.dump", workdir) < 0) {
		schema_dump = NULL;
		goto out;
	}
	if (copy_dump_schema(o, j.src_db, snapshot, schema_dump, d) != 0 ||
	    prepare_target(dst, o, j.dst_db, &tabs, schema_dump, snapshot_in != NULL, events, d) != 0)
		goto out;
	j.snapshot = snapshot;
	j.schema_dump = schema_dump;
	if (plan_parts(&j, snap, dst, &tabs, &rest_list, st, d) != 0)
		goto out;
	j.started = clock_seconds();
	if (!copy_run_workers(&j))
		goto out;
	st->tables += tabs.n;
	st->parts += j.nparts;
	st->rows += j.rows;
	st->bytes += j.bytes;
	rc = finish_db(&j, snap, dst, rest_list, st);
out:
	if (snap && PQtransactionStatus(snap) != PQTRANS_IDLE)
		PQclear(PQexec(snap, "COMMIT"));
	job_free(&j);
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
	return rc;
}

#define WORKDIR_PREFIX "kgenius-migrate."

/* A work directory holds only files kgenius wrote (schema dump, lists). */
static void remove_workdir(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;

	if (dir) {
		while ((e = readdir(dir)) != NULL) {
			char file[600];

			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
			    snprintf(file, sizeof(file), "%s/%s", path, e->d_name) < (int)sizeof(file))
				unlink(file);
		}
		closedir(dir);
	}
	rmdir(path);
}

/* Work directories of runs that were killed (their pid is gone, so their
 * schema dumps were left behind). */
static void remove_stale_workdirs(void)
{
	DIR *dir = opendir("/tmp");
	struct dirent *e;

	if (!dir)
		return;
	while ((e = readdir(dir)) != NULL) {
		char path[512], *end;
		long pid;
		struct stat sb;

		if (strncmp(e->d_name, WORKDIR_PREFIX, strlen(WORKDIR_PREFIX)) != 0)
			continue;
		pid = strtol(e->d_name + strlen(WORKDIR_PREFIX), &end, 10);
		if (*end != '.' || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH ||
		    snprintf(path, sizeof(path), "/tmp/%s", e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid())
			continue;
		remove_workdir(path);
	}
	closedir(dir);
}

int migrate_copy_one(const struct migrate_opts *o, size_t k, const char *snapshot, struct copy_stats *st, FILE *events,
		     struct diags *d)
{
	char workdir[64];
	double t0 = clock_seconds();
	int rc;

	remove_stale_workdirs();
	snprintf(workdir, sizeof(workdir), "/tmp/" WORKDIR_PREFIX "%ld.XXXXXX", (long)getpid());
	if (!mkdtemp(workdir)) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"/tmp", 0, 0}, NULL, "cannot create a work directory: %s",
			 strerror(errno));
		return -1;
	}
	rc = copy_db(o, k, workdir, snapshot, st, events, d);
	remove_workdir(workdir);
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
