/* PostgreSQL sessions with pinned settings, and the catalog reads. */
#include "migrate/pg.h"

#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TimeZone, DateStyle, float digits, bytea and interval output fix a row's
 * text; the hash of the same row is then the same on both servers. A
 * database that cutover made read-only stays writable for kgenius itself. */
static const char pinned_options[] =
	"-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=3 "
	"-c bytea_output=hex -c client_min_messages=warning -c default_transaction_read_only=off -c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0";

static void report(struct diags *d, const struct pg_endpoint *ep, const char *fix, const char *what, const char *msg)
{
	char clean[1024];
	size_t n = msg ? strlen(msg) : 0;

	if (n >= sizeof(clean))
		n = sizeof(clean) - 1;
	memcpy(clean, msg ? msg : "", n);
	clean[n] = '\0';
	while (n > 0 && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
		clean[--n] = '\0';
	for (char *p = clean; *p; p++)
		if (*p == '\n')
			*p = ' ';
	diag_add(d, DIAG_ERROR, &(struct srcpos){ep->name, 0, 0}, fix, "%s: %s", what, clean);
}

static PGconn *open_session(const struct pg_endpoint *ep, const char *dbname, bool replication, struct diags *d)
{
	PQconninfoOption *opts;
	char *err = NULL;
	const char *kw[64], *val[64];
	size_t n = 0;
	PGconn *c;

	opts = PQconninfoParse(ep->conninfo, &err);
	if (!opts) {
		report(d, ep, "write it as 'host=... port=... user=... dbname=...' or a postgresql:// URI",
		       "invalid connection string", err ? err : "out of memory");
		PQfreemem(err);
		return NULL;
	}
	for (PQconninfoOption *o = opts; o->keyword && n < 56; o++) {
		if (!o->val || !*o->val || strcmp(o->keyword, "options") == 0 ||
		    strcmp(o->keyword, "application_name") == 0 || strcmp(o->keyword, "replication") == 0 || (dbname && strcmp(o->keyword, "dbname") == 0) ||
		    (ep->password && strcmp(o->keyword, "password") == 0))
			continue;
		kw[n] = o->keyword;
		val[n++] = o->val;
	}
	if (dbname) {
		kw[n] = "dbname";
		val[n++] = dbname;
	}
	if (ep->password) {
		kw[n] = "password";
		val[n++] = ep->password;
	}
	kw[n] = "options";
	val[n++] = pinned_options;
	kw[n] = "application_name";
	val[n++] = "kgenius-migrate";
	if (replication) {
		kw[n] = "replication";
		val[n++] = "database";
	}
	kw[n] = NULL;
	val[n] = NULL;
	c = PQconnectdbParams(kw, val, 0);
	PQconninfoFree(opts);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		report(d, ep, "check the connection string, that the server is reachable, and the password "
			      "(PGPASSWORD, PGPASSFILE or --*-password-file)",
		       dbname ? dbname : "cannot connect", c ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return NULL;
	}
	return c;
}

PGconn *pg_open(const struct pg_endpoint *ep, const char *dbname, struct diags *d)
{
	return open_session(ep, dbname, false, d);
}

PGconn *pg_open_replication(const struct pg_endpoint *ep, const char *dbname, struct diags *d)
{
	return open_session(ep, dbname, true, d);
}

bool pg_exec(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	bool ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		report(d, ep, NULL, "query failed", PQerrorMessage(c));
	PQclear(r);
	return ok;
}

bool pg_exec_naming(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *before, const char *db,
		    const char *after)
{
	char *id = PQescapeIdentifier(c, db, strlen(db));
	struct buf sql = BUF_INIT;
	bool ok;

	if (!id)
		return false;
	buf_puts(&sql, before);
	buf_puts(&sql, id);
	buf_puts(&sql, after);
	ok = !sql.failed && pg_exec(c, ep, d, sql.data);
	PQfreemem(id);
	buf_free(&sql);
	return ok;
}

PGresult *pg_query(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *sql, int nparams,
		   const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);

	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		report(d, ep, NULL, "query failed", PQerrorMessage(c));
		PQclear(r);
		return NULL;
	}
	return r;
}

char *pg_value(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *sql, int nparams,
	       const char *const *params)
{
	PGresult *r = pg_query(c, ep, d, sql, nparams, params);
	char *v = NULL;

	if (r && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

int pg_child_conninfo(const struct pg_endpoint *ep, const char *dbname, char **conninfo, char **password)
{
	PQconninfoOption *opts = PQconninfoParse(ep->conninfo, NULL);
	size_t cap = 1024, len = 0;
	char *s = malloc(cap);

	*conninfo = NULL;
	*password = NULL;
	if (!opts || !s) {
		PQconninfoFree(opts);
		free(s);
		return -1;
	}
	s[0] = '\0';
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		const char *v = o->val;

		if (strcmp(o->keyword, "password") == 0) {
			if (v && *v && !ep->password)
				*password = strdup(v);
			continue;
		}
		if (strcmp(o->keyword, "dbname") == 0 && dbname)
			v = dbname;
		/* The children carry kgenius's name, so that a resumed copy can
		 * tell the sessions a killed run left on the target. */
		if (strcmp(o->keyword, "application_name") == 0)
			v = "kgenius-migrate";
		if (!v || !*v || strcmp(o->keyword, "options") == 0)
			continue;
		/* keyword='value' with quotes and backslashes escaped */
		for (;;) {
			size_t need = len + strlen(o->keyword) + 2 * strlen(v) + 8;

			if (need < cap)
				break;
			cap *= 2;
			char *t = realloc(s, cap);

			if (!t) {
				free(s);
				PQconninfoFree(opts);
				return -1;
			}
			s = t;
		}
		len += (size_t)sprintf(s + len, "%s%s='", len ? " " : "", o->keyword);
		for (const char *p = v; *p; p++) {
			if (*p == '\'' || *p == '\\')
				s[len++] = '\\';
			s[len++] = *p;
		}
		s[len++] = '\'';
		s[len] = '\0';
	}
	PQconninfoFree(opts);
	if (ep->password)
		*password = strdup(ep->password);
	*conninfo = s;
	return 0;
}

int pg_read_password_file(const char *path, char **password, struct diags *d)
{
	FILE *fp = fopen(path, "r");
	char line[1024];

	if (!fp) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){path, 0, 0}, "check the path", "cannot read the password file");
		return -1;
	}
	if (!fgets(line, sizeof(line), fp))
		line[0] = '\0';
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	*password = strdup(line);
	explicit_bzero(line, sizeof(line));
	return *password ? 0 : -1;
}

/* --- catalog --- */

static const char tables_sql[] =
	"SELECT n.nspname, c.relname, format('%I.%I', n.nspname, c.relname),"
	"  coalesce((SELECT string_agg(quote_ident(a.attname), ',' ORDER BY a.attnum) FROM pg_attribute a"
	"            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), ''),"
	"  k.cols, coalesce(k.int_first, false), pg_relation_size(c.oid), greatest(c.reltuples, 0)::bigint,"
	"  c.relreplident::text, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),"
	"  u.name IS NOT NULL, u.name"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN LATERAL ("
	"   SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.ord) AS cols,"
	"          bool_or(k.ord = 1 AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)) AS int_first"
	"   FROM (SELECT i.indexrelid, i.indkey FROM pg_index i WHERE i.indrelid = c.oid AND i.indpred IS NULL"
	"         AND (i.indisprimary OR (i.indisunique AND i.indimmediate AND NOT EXISTS ("
	"              SELECT 1 FROM pg_attribute x WHERE x.attrelid = c.oid AND x.attnum = ANY (i.indkey) AND NOT x.attnotnull)))"
	"         AND 0 <> ALL (i.indkey)"
	"         ORDER BY i.indisprimary DESC, i.indexrelid LIMIT 1) ix"
	"   CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)"
	"   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) k ON true"
	" LEFT JOIN LATERAL ("
	"   SELECT ci.relname AS name FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid"
	"   WHERE i.indrelid = c.oid AND NOT i.indisprimary AND i.indisunique AND i.indimmediate AND i.indpred IS NULL"
	"     AND 0 <> ALL (i.indkey) AND NOT EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = c.oid"
	"       AND x.attnum = ANY (i.indkey) AND NOT x.attnotnull)"
	"   ORDER BY i.indexrelid LIMIT 1) u ON true"
	" WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'kgenius_migrate')"
	"   AND n.nspname NOT LIKE 'pg\\_%'"
	"   AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass"
	"                   AND dep.objid = c.oid AND dep.deptype = 'e')"
	" ORDER BY pg_relation_size(c.oid) DESC, 3";

int pg_list_tables(PGconn *c, const struct pg_endpoint *ep, struct diags *d, struct pg_tables *out)
{
	PGresult *r = pg_query(c, ep, d, tables_sql, 0, NULL);
	int n;

	out->v = NULL;
	out->n = 0;
	if (!r)
		return -1;
	n = PQntuples(r);
	out->v = calloc((size_t)n + 1, sizeof(*out->v));
	if (!out->v) {
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct pg_table *t = &out->v[out->n++];

		t->schema = strdup(PQgetvalue(r, i, 0));
		t->name = strdup(PQgetvalue(r, i, 1));
		t->qname = strdup(PQgetvalue(r, i, 2));
		t->columns = strdup(PQgetvalue(r, i, 3));
		t->key = PQgetisnull(r, i, 4) ? NULL : strdup(PQgetvalue(r, i, 4));
		t->int_key = PQgetvalue(r, i, 5)[0] == 't';
		t->bytes = atoll(PQgetvalue(r, i, 6));
		t->rows_estimate = atoll(PQgetvalue(r, i, 7));
		t->replident = PQgetvalue(r, i, 8)[0];
		t->has_pk = PQgetvalue(r, i, 9)[0] == 't';
		t->usable_unique = PQgetvalue(r, i, 10)[0] == 't';
		t->unique_index = PQgetisnull(r, i, 11) ? NULL : strdup(PQgetvalue(r, i, 11));
		if (!t->schema || !t->name || !t->qname || !t->columns) {
			PQclear(r);
			return -1;
		}
	}
	PQclear(r);
	return 0;
}

void pg_tables_free(struct pg_tables *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].schema);
		free(t->v[i].name);
		free(t->v[i].qname);
		free(t->v[i].columns);
		free(t->v[i].key);
		free(t->v[i].unique_index);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
