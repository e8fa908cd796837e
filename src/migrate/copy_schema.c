/* The schema, with pg_dump and pg_restore, and the steps recorded on the
 * target in kgenius_migrate.progress. */
#include "migrate/copy.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsio.h"

bool copy_step_done(PGconn *dst, const struct migrate_opts *o, const char *item, struct diags *d)
{
	const char *params[1] = {item};
	PGresult *r = pg_query(dst, &o->target, d, "SELECT 1 FROM kgenius_migrate.progress WHERE item = $1", 1, params);
	bool done = r && PQntuples(r) == 1;

	PQclear(r);
	return done;
}

bool copy_mark_step(PGconn *dst, const struct migrate_opts *o, const char *item, struct diags *d)
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

int copy_restore_list(const struct migrate_opts *o, const char *dst_db, const char *schema_dump, const char *list,
			int jobs, struct diags *d)
{
	return restore(o, dst_db, schema_dump, false, list, jobs, d);
}

/* The post-data entries of the schema dump's table of contents, split: each
 * table's indexes and unique keys (known by the OID the entry carries) in a
 * list of its own, everything else (foreign keys, triggers, ...) in *rest. */
int copy_build_index_lists(struct copy_job *j, PGconn *snap, const struct pg_tables *tabs, char **rest,
			   struct diags *d)
{
	char *toc = NULL, line[8192];
	char *argv[] = {"pg_restore", "--list", (char *)j->schema_dump, NULL};
	struct buf *per = calloc(tabs->n + 1, sizeof(*per)), other = BUF_INIT;
	PGresult *r = NULL;
	FILE *fp = NULL;
	int rc = -1;

	*rest = NULL;
	if (!per || asprintf(&toc, "%s/toc", j->workdir) < 0 || migrate_run_tool(argv, toc, d) != 0)
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
		if (asprintf(&j->tables[t].list, "%s/table%zu.list", j->workdir, t) < 0) {
			j->tables[t].list = NULL;
			goto out;
		}
		if (per[t].failed || write_file_atomic(j->tables[t].list, per[t].data, per[t].len, 0600) != 0)
			goto out;
	}
	if (asprintf(rest, "%s/rest.list", j->workdir) < 0) {
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

int copy_dump_schema(const struct migrate_opts *o, const char *src_db, const char *snapshot, const char *path,
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

int copy_target_has_tables(PGconn *dst, const struct migrate_opts *o, const struct pg_tables *tabs, struct diags *d)
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

int copy_restore_pre_data(const struct migrate_opts *o, const char *dst_db, const char *schema_dump, struct diags *d)
{
	return restore(o, dst_db, schema_dump, true, NULL, 1, d);
}
