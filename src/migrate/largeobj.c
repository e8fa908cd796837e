/* Large objects: pg_dump --schema-only leaves them out and logical
 * replication does not carry them (https://www.postgresql.org/docs/15/logical-replication-restrictions.html),
 * so the copy moves them itself, with the SQL-level functions lo_get,
 * lo_create and lo_put (https://www.postgresql.org/docs/15/lo-funcs.html),
 * in chunks so that memory stays bounded whatever their size. The target's
 * large objects are replaced as a whole, in one transaction, so a copy run
 * again, or the cutover's second pass, ends with exactly the source's. */
#include "migrate/migrate.h"

#include <stdlib.h>
#include <string.h>

#define LO_CHUNK 1048576

static bool put_chunk(PGconn *to, const struct pg_endpoint *tep, const char *oid, const char *data, int len,
		     long long offset, struct diags *d)
{
	char off[32];
	const char *params[3] = {oid, off, data};
	int lengths[3] = {0, 0, len}, formats[3] = {0, 0, 1};
	PGresult *r;
	bool ok;

	snprintf(off, sizeof(off), "%lld", offset);
	r = PQexecParams(to, "SELECT lo_put($1::oid, $2::bigint, $3::bytea)", 3, NULL, params, lengths, formats, 0);
	ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		diag_add(d, DIAG_ERROR, &(struct srcpos){tep->name, 0, 0}, NULL, "large object %s: %s", oid,
			 PQerrorMessage(to));
	PQclear(r);
	return ok;
}

/* One large object, chunk by chunk. */
static bool copy_one_object(PGconn *from, const struct pg_endpoint *fep, PGconn *to, const struct pg_endpoint *tep,
			const char *oid, long long *bytes, struct diags *d)
{
	const char *create[1] = {oid};
	PGresult *r = pg_query(to, tep, d, "SELECT lo_create($1::oid)", 1, create);
	long long offset = 0;

	if (!r)
		return false;
	PQclear(r);
	for (;;) {
		char off[32], len[32];
		const char *params[3] = {oid, off, len};
		int n;

		snprintf(off, sizeof(off), "%lld", offset);
		snprintf(len, sizeof(len), "%d", LO_CHUNK);
		r = PQexecParams(from, "SELECT lo_get($1::oid, $2::bigint, $3::int)", 3, NULL, params, NULL, NULL, 1);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){fep->name, 0, 0}, NULL, "large object %s: %s", oid,
				 PQerrorMessage(from));
			PQclear(r);
			return false;
		}
		n = PQgetlength(r, 0, 0);
		if (n > 0 && !put_chunk(to, tep, oid, PQgetvalue(r, 0, 0), n, offset, d)) {
			PQclear(r);
			return false;
		}
		PQclear(r);
		offset += n;
		*bytes += n;
		if (n < LO_CHUNK)
			return true;
	}
}

int migrate_copy_large_objects(PGconn *from, const struct pg_endpoint *fep, PGconn *to, const struct pg_endpoint *tep,
			       size_t *count, long long *bytes, struct diags *d)
{
	PGresult *r = pg_query(from, fep, d, "SELECT oid::text FROM pg_largeobject_metadata ORDER BY oid", 0, NULL);
	bool ok = r != NULL;

	*count = 0;
	*bytes = 0;
	if (ok && PQntuples(r) == 0) {
		char *there = pg_value(to, tep, d, "SELECT count(*) FROM pg_largeobject_metadata", 0, NULL);

		ok = there && strcmp(there, "0") == 0;
		free(there);
		if (ok) {
			PQclear(r);
			return 0;
		}
		ok = true;
	}
	ok = ok && pg_exec(to, tep, d, "BEGIN") &&
	     pg_exec(to, tep, d, "SELECT count(lo_unlink(oid)) FROM pg_largeobject_metadata");
	for (int i = 0; ok && i < PQntuples(r); i++)
		ok = copy_one_object(from, fep, to, tep, PQgetvalue(r, i, 0), bytes, d);
	ok = ok && pg_exec(to, tep, d, "COMMIT");
	if (!ok && PQtransactionStatus(to) != PQTRANS_IDLE)
		PQclear(PQexec(to, "ROLLBACK"));
	if (ok)
		*count = (size_t)PQntuples(r);
	PQclear(r);
	return ok ? 0 : -1;
}
