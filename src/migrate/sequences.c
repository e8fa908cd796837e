/* Sequences, read and set with their is_called flag.
 *
 * pg_sequences.last_value reads NULL for a sequence that has not been read
 * since its last RESTART (https://www.postgresql.org/docs/15/view-pg-sequences.html),
 * so it cannot tell 500-not-yet-handed-out (what ALTER SEQUENCE ... RESTART
 * WITH 500 leaves, Odoo's "next number" edit) from a fresh sequence. The
 * sequence relation itself holds last_value and is_called; setval(seq,
 * value, is_called) puts both back (https://www.postgresql.org/docs/15/functions-sequence.html).
 * All the sequences are read in one statement and set in another, so that
 * the cutover window pays two round trips, not one per sequence. */
#include "migrate/migrate.h"

#include <stdlib.h>
#include <string.h>

static const char names_sql[] =
	"SELECT format('%I.%I', n.nspname, c.relname) COLLATE \"C\" FROM pg_class c"
	" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S'"
	" AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'kgenius_migrate') AND n.nspname NOT LIKE 'pg\\_%'"
	" ORDER BY 1";

void pg_sequences_free(struct pg_sequences *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* SELECT 'name', last_value, is_called, increment FROM name UNION ALL ... */
static char *state_sql(PGconn *c, PGresult *names)
{
	struct buf q = BUF_INIT;
	char *out;

	for (int i = 0; i < PQntuples(names); i++) {
		const char *name = PQgetvalue(names, i, 0);
		char *lit = PQescapeLiteral(c, name, strlen(name));

		if (!lit) {
			buf_free(&q);
			return NULL;
		}
		buf_printf(&q, "%sSELECT %s::text, s.last_value, s.is_called, q.seqincrement FROM %s s, pg_sequence q"
			       " WHERE q.seqrelid = %s::regclass", i ? " UNION ALL " : "", lit, name, lit);
		PQfreemem(lit);
	}
	buf_puts(&q, " ORDER BY 1");
	out = q.failed ? NULL : strdup(q.data);
	buf_free(&q);
	return out;
}

int pg_read_sequences(PGconn *c, const struct pg_endpoint *ep, struct diags *d, struct pg_sequences *out)
{
	PGresult *names = pg_query(c, ep, d, names_sql, 0, NULL), *r = NULL;
	char *sql = NULL;
	int rc = -1;

	out->v = NULL;
	out->n = 0;
	if (!names)
		return -1;
	if (PQntuples(names) == 0) {
		PQclear(names);
		return 0;
	}
	sql = state_sql(c, names);
	r = sql ? pg_query(c, ep, d, sql, 0, NULL) : NULL;
	if (!r || !(out->v = calloc((size_t)PQntuples(r) + 1, sizeof(*out->v))))
		goto out;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pg_sequence *s = &out->v[out->n];

		s->name = strdup(PQgetvalue(r, i, 0));
		if (!s->name)
			goto out;
		s->last_value = atoll(PQgetvalue(r, i, 1));
		s->is_called = PQgetvalue(r, i, 2)[0] == 't';
		s->increment = atoll(PQgetvalue(r, i, 3));
		out->n++;
	}
	rc = 0;
out:
	if (rc != 0)
		pg_sequences_free(out);
	free(sql);
	PQclear(names);
	PQclear(r);
	return rc;
}

/* The value nextval would hand out next. */
long long pg_sequence_next(const struct pg_sequence *s)
{
	return s->is_called ? s->last_value + s->increment : s->last_value;
}

bool migrate_copy_sequences(PGconn *from, const struct pg_endpoint *fep, PGconn *to, const struct pg_endpoint *tep,
			    size_t *count, struct diags *d)
{
	struct pg_sequences seqs;
	struct buf q = BUF_INIT;
	bool ok;

	if (pg_read_sequences(from, fep, d, &seqs) != 0)
		return false;
	for (size_t i = 0; i < seqs.n; i++) {
		char *lit = PQescapeLiteral(to, seqs.v[i].name, strlen(seqs.v[i].name));

		if (!lit) {
			q.failed = true;
			break;
		}
		buf_printf(&q, "%s setval(%s::regclass, %lld, %s)", i ? "," : "SELECT", lit, seqs.v[i].last_value,
			   seqs.v[i].is_called ? "true" : "false");
		PQfreemem(lit);
	}
	ok = !q.failed && (seqs.n == 0 || pg_exec(to, tep, d, q.data));
	if (ok)
		*count += seqs.n;
	buf_free(&q);
	pg_sequences_free(&seqs);
	return ok;
}
