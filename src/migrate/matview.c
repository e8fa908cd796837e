/* Materialized views: pg_dump --schema-only creates them empty (their data
 * is a REFRESH in the data section: https://www.postgresql.org/docs/15/app-pgdump.html),
 * so those populated on the source are refreshed on the target once the
 * data and indexes are in (https://www.postgresql.org/docs/15/sql-refreshmaterializedview.html).
 * A view may read another: views whose refresh fails are tried again after
 * the others, until a pass refreshes nothing more. */
#include "migrate/migrate.h"

#include <stdlib.h>
#include <string.h>

const char migrate_matviews_sql[] =
	"SELECT format('%I.%I', n.nspname, c.relname) COLLATE \"C\", c.relispopulated FROM pg_class c"
	" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm'"
	" AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1";

static bool refresh_one(PGconn *dst, const struct pg_endpoint *tep, const char *qname, struct diags *quiet)
{
	char *sql = NULL;
	bool ok = asprintf(&sql, "REFRESH MATERIALIZED VIEW %s", qname) >= 0 && pg_exec(dst, tep, quiet, sql);

	free(sql);
	return ok;
}

int migrate_refresh_matviews(PGconn *src, const struct pg_endpoint *sep, PGconn *dst, const struct pg_endpoint *tep,
			     size_t *count, struct diags *d)
{
	PGresult *r = pg_query(src, sep, d, migrate_matviews_sql, 0, NULL);
	bool *done;
	size_t left = 0, progress = 1;
	struct diags last;

	*count = 0;
	if (!r)
		return -1;
	done = calloc((size_t)PQntuples(r) + 1, sizeof(*done));
	if (!done) {
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		done[i] = PQgetvalue(r, i, 1)[0] != 't';
		left += !done[i];
	}
	diags_init(&last);
	while (left > 0 && progress > 0) {
		progress = 0;
		diags_free(&last);
		diags_init(&last);
		for (int i = 0; i < PQntuples(r); i++)
			if (!done[i] && refresh_one(dst, tep, PQgetvalue(r, i, 0), &last)) {
				done[i] = true;
				progress++;
				left--;
				(*count)++;
			}
	}
	if (left > 0) {
		diags_merge(d, &last);
		diag_add(d, DIAG_ERROR, &(struct srcpos){tep->name, 0, 0}, NULL,
			 "%zu materialized views could not be refreshed on the target", left);
	}
	diags_free(&last);
	free(done);
	PQclear(r);
	return left > 0 ? -1 : 0;
}
