/* Source against target, per table: the row count and an order-independent
 * hash of every row, computed by each server on its own data (only two
 * numbers cross the network). The row hash is hashtextextended: 64 bits, and
 * kept stable across major versions because hash partitioning depends on it.
 * A table that differs is bisected on its integer key into ranges until the
 * differing rows are few enough to list by key, and compared there by md5.
 * Then every sequence (last_value and is_called), every large object (by
 * the md5 of its content), every materialized view (populated state and
 * rows) and the schema objects (tables, columns, indexes, constraints,
 * triggers) are compared.
 *
 * Each side reads in one REPEATABLE READ snapshot, under the pinned session
 * settings of pg.c, so that a row's text is the same on both. */
#include "migrate/migrate.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

#define BUCKETS 16
#define LEAF_ROWS 2000
#define WHOLE_TABLE_DIFF_ROWS 200000

struct side {
	PGconn *c;
	const struct pg_endpoint *ep;
};

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* The same query on both servers at once; both results or false. */
static bool query_both(struct side *s, struct side *t, const char *sql, PGresult **rs, PGresult **rt,
		       struct diags *d)
{
	bool ok = true;

	*rs = *rt = NULL;
	if (!PQsendQuery(s->c, sql) || !PQsendQuery(t->c, sql)) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"verify", 0, 0}, NULL, "cannot send a query: %s",
			 PQerrorMessage(s->c));
		return false;
	}
	for (int k = 0; k < 2; k++) {
		struct side *x = k == 0 ? s : t;
		PGresult **out = k == 0 ? rs : rt, *r;

		while ((r = PQgetResult(x->c)) != NULL) {
			if (!*out)
				*out = r;
			else
				PQclear(r);
		}
		if (!*out || PQresultStatus(*out) != PGRES_TUPLES_OK) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", PQerrorMessage(x->c));
			msg[strcspn(msg, "\n")] = '\0';
			diag_add(d, DIAG_ERROR, &(struct srcpos){x->ep->name, 0, 0}, NULL, "verification query failed: %s", msg);
			ok = false;
		}
	}
	if (!ok) {
		PQclear(*rs);
		PQclear(*rt);
		*rs = *rt = NULL;
	}
	return ok;
}

/* The first column of a quoted, comma-separated key list. */
static char *first_key_column(const char *key)
{
	const char *p = key;

	if (*p == '"') {
		for (p++; *p; p++) {
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"') {
				p++;
				break;
			}
		}
	} else
		p += strcspn(p, ",");
	return strndup(key, (size_t)(p - key));
}

static void add_key(struct vtable *vt, const char *key, const char *what)
{
	char **v;

	if (vt->nkeys >= VERIFY_MAX_KEYS) {
		vt->more_keys++;
		return;
	}
	v = realloc(vt->keys, (vt->nkeys + 1) * sizeof(*v));
	if (!v)
		return;
	vt->keys = v;
	vt->keys[vt->nkeys] = xprintf("%s %s", key, what);
	if (vt->keys[vt->nkeys])
		vt->nkeys++;
}

/* Rows of [cond] listed by key on both sides and merged. */
static bool leaf_diff(struct side *s, struct side *t, const struct pg_table *tb, const char *cond, struct vtable *vt,
		      struct diags *d)
{
	char *sql = xprintf("SELECT ROW(%s)::text COLLATE \"C\" AS k, md5(t::text) FROM ONLY %s t%s%s ORDER BY 1",
			    tb->key, tb->qname, cond ? " WHERE " : "", cond ? cond : "");
	PGresult *rs, *rt;
	int i = 0, j = 0, ns, nt;

	if (!sql || !query_both(s, t, sql, &rs, &rt, d)) {
		free(sql);
		return false;
	}
	free(sql);
	ns = PQntuples(rs);
	nt = PQntuples(rt);
	while (i < ns || j < nt) {
		int c = i >= ns ? 1 : j >= nt ? -1 : strcmp(PQgetvalue(rs, i, 0), PQgetvalue(rt, j, 0));

		if (c < 0)
			add_key(vt, PQgetvalue(rs, i++, 0), "missing on the target");
		else if (c > 0)
			add_key(vt, PQgetvalue(rt, j++, 0), "only on the target");
		else {
			if (strcmp(PQgetvalue(rs, i, 1), PQgetvalue(rt, j, 1)) != 0)
				add_key(vt, PQgetvalue(rs, i, 0), "differs");
			i++;
			j++;
		}
	}
	PQclear(rs);
	PQclear(rt);
	return true;
}

struct bucket {
	long long count;
	char hash[48];
	bool seen;
};

static bool bisect(struct side *s, struct side *t, const struct pg_table *tb, const char *col, long long lo,
		   long long hi, long long rows, struct vtable *vt, struct diags *d, int depth)
{
	unsigned long long span = (unsigned long long)hi - (unsigned long long)lo;
	unsigned long long width = span / BUCKETS + (span % BUCKETS != 0);
	struct bucket bs[BUCKETS], bt[BUCKETS];
	PGresult *rs, *rt;
	char *sql, cond[256];

	snprintf(cond, sizeof(cond), "%s >= %lld AND %s < %lld", col, lo, col, hi);
	if (rows <= LEAF_ROWS || width <= 1 || depth > 40 || vt->nkeys >= VERIFY_MAX_KEYS)
		return vt->nkeys >= VERIFY_MAX_KEYS ? true : leaf_diff(s, t, tb, cond, vt, d);
	sql = xprintf("SELECT floor((%s::numeric - %lld) / %llu)::int AS b, count(*),"
		      " coalesce(sum(hashtextextended(t::text, 0)), 0)::text"
		      " FROM ONLY %s t WHERE %s GROUP BY 1", col, lo, width, tb->qname, cond);
	if (!sql || !query_both(s, t, sql, &rs, &rt, d)) {
		free(sql);
		return false;
	}
	free(sql);
	memset(bs, 0, sizeof(bs));
	memset(bt, 0, sizeof(bt));
	for (int k = 0; k < 2; k++) {
		PGresult *r = k == 0 ? rs : rt;
		struct bucket *b = k == 0 ? bs : bt;

		for (int i = 0; i < PQntuples(r); i++) {
			int idx = atoi(PQgetvalue(r, i, 0));

			if (idx < 0 || idx >= BUCKETS)
				continue;
			b[idx].seen = true;
			b[idx].count = atoll(PQgetvalue(r, i, 1));
			snprintf(b[idx].hash, sizeof(b[idx].hash), "%s", PQgetvalue(r, i, 2));
		}
	}
	PQclear(rs);
	PQclear(rt);
	for (int i = 0; i < BUCKETS; i++) {
		long long blo = lo + (long long)((unsigned long long)i * width), bhi;

		if (bs[i].seen == bt[i].seen && bs[i].count == bt[i].count && strcmp(bs[i].hash, bt[i].hash) == 0)
			continue;
		bhi = (unsigned long long)(i + 1) * width >= span ? hi : lo + (long long)((unsigned long long)(i + 1) * width);
		if (!bisect(s, t, tb, col, blo, bhi, bs[i].count > bt[i].count ? bs[i].count : bt[i].count, vt, d,
			    depth + 1))
			return false;
	}
	return true;
}

static bool localise(struct side *s, struct side *t, const struct pg_table *tb, struct vtable *vt, struct diags *d)
{
	long long rows = vt->src_rows > vt->dst_rows ? vt->src_rows : vt->dst_rows;
	char *col, *sql;
	PGresult *rs, *rt;
	long long lo, hi;
	bool ok;

	if (!tb->key) {
		vt->note = strdup("no primary key or usable unique index: the differing rows cannot be named");
		return true;
	}
	if (!tb->int_key) {
		if (rows > WHOLE_TABLE_DIFF_ROWS) {
			vt->note = strdup("the key is not an integer and the table is large: the differing rows are not listed");
			return true;
		}
		vt->bisected = true;
		return leaf_diff(s, t, tb, NULL, vt, d);
	}
	col = first_key_column(tb->key);
	sql = col ? xprintf("SELECT min(%s), max(%s) FROM ONLY %s", col, col, tb->qname) : NULL;
	if (!sql || !query_both(s, t, sql, &rs, &rt, d)) {
		free(col);
		free(sql);
		return false;
	}
	free(sql);
	if (PQgetisnull(rs, 0, 0) && PQgetisnull(rt, 0, 0)) {
		PQclear(rs);
		PQclear(rt);
		free(col);
		return true;
	}
	lo = PQgetisnull(rs, 0, 0) ? atoll(PQgetvalue(rt, 0, 0)) : PQgetisnull(rt, 0, 0) ? atoll(PQgetvalue(rs, 0, 0))
	     : atoll(PQgetvalue(rs, 0, 0)) < atoll(PQgetvalue(rt, 0, 0)) ? atoll(PQgetvalue(rs, 0, 0)) : atoll(PQgetvalue(rt, 0, 0));
	hi = PQgetisnull(rs, 0, 1) ? atoll(PQgetvalue(rt, 0, 1)) : PQgetisnull(rt, 0, 1) ? atoll(PQgetvalue(rs, 0, 1))
	     : atoll(PQgetvalue(rs, 0, 1)) > atoll(PQgetvalue(rt, 0, 1)) ? atoll(PQgetvalue(rs, 0, 1)) : atoll(PQgetvalue(rt, 0, 1));
	PQclear(rs);
	PQclear(rt);
	if (hi == INT64_MAX) {
		vt->note = strdup("the key reaches the largest bigint: the differing rows are not listed");
		free(col);
		return true;
	}
	vt->bisected = true;
	ok = bisect(s, t, tb, col, lo, hi + 1, rows, vt, d, 0);
	free(col);
	return ok;
}

static bool verify_table(struct side *s, struct side *t, const struct pg_table *tb, bool present, struct vtable *vt,
			 struct diags *d)
{
	char *sql = xprintf("SELECT count(*), coalesce(sum(hashtextextended(t::text, 0)), 0)::text"
			    " FROM ONLY %s t", tb->qname);
	double t0 = clock_seconds();
	PGresult *rs, *rt;

	vt->qname = strdup(tb->qname);
	vt->present = present;
	if (!present) {
		char *one = xprintf("SELECT count(*) FROM ONLY %s", tb->qname);
		PGresult *r = one ? pg_query(s->c, s->ep, d, one, 0, NULL) : NULL;

		free(one);
		free(sql);
		vt->src_rows = r ? atoll(PQgetvalue(r, 0, 0)) : 0;
		vt->dst_rows = 0;
		vt->note = strdup("the table is not on the target");
		PQclear(r);
		return r != NULL;
	}
	if (!sql || !query_both(s, t, sql, &rs, &rt, d)) {
		free(sql);
		return false;
	}
	free(sql);
	vt->src_rows = atoll(PQgetvalue(rs, 0, 0));
	vt->dst_rows = atoll(PQgetvalue(rt, 0, 0));
	vt->match = vt->src_rows == vt->dst_rows && strcmp(PQgetvalue(rs, 0, 1), PQgetvalue(rt, 0, 1)) == 0;
	PQclear(rs);
	PQclear(rt);
	if (!vt->match && !localise(s, t, tb, vt, d))
		return false;
	vt->seconds = clock_seconds() - t0;
	return true;
}

static void add_diff(struct vdb *db, const char *kind, const char *item, const char *detail)
{
	struct vdiff *v;

	if (db->ndiffs >= 50) {
		db->more_diffs++;
		return;
	}
	v = realloc(db->diffs, (db->ndiffs + 1) * sizeof(*v));
	if (!v)
		return;
	db->diffs = v;
	v[db->ndiffs].kind = strdup(kind);
	v[db->ndiffs].item = strdup(item);
	v[db->ndiffs].detail = detail ? strdup(detail) : NULL;
	db->ndiffs++;
}

/* Sequences: every one, owned by a column or not (Odoo's ir_sequence_NNN),
 * by the value nextval hands out next, which last_value and is_called make
 * together: the target may be ahead, never behind. */
static bool compare_sequences(struct side *s, struct side *t, struct vdb *db, struct diags *d)
{
	struct pg_sequences a, b;
	size_t i = 0, j = 0;

	if (pg_read_sequences(s->c, s->ep, d, &a) != 0)
		return false;
	if (pg_read_sequences(t->c, t->ep, d, &b) != 0) {
		pg_sequences_free(&a);
		return false;
	}
	db->sequences = a.n;
	while (i < a.n || j < b.n) {
		int c = i >= a.n ? 1 : j >= b.n ? -1 : strcmp(a.v[i].name, b.v[j].name);

		if (c < 0)
			add_diff(db, "sequence", a.v[i++].name, "missing on the target");
		else if (c > 0)
			j++;
		else {
			const struct pg_sequence *x = &a.v[i++], *y = &b.v[j++];
			long long nx = pg_sequence_next(x), ny = pg_sequence_next(y);

			if (x->increment > 0 ? ny < nx : ny > nx) {
				char detail[160];

				snprintf(detail, sizeof(detail), "source last_value %lld (is_called %s), target %lld (is_called %s)",
					 x->last_value, x->is_called ? "true" : "false", y->last_value,
					 y->is_called ? "true" : "false");
				add_diff(db, "sequence", x->name, detail);
			}
		}
	}
	pg_sequences_free(&a);
	pg_sequences_free(&b);
	return true;
}

/* Large objects: each by its OID and the md5 of its content, listed on
 * both sides and merged (pg_dump --schema-only and logical replication
 * both leave them out, so they are easily lost). */
static bool compare_large_objects(struct side *s, struct side *t, struct vdb *db, struct diags *d)
{
	static const char sql[] = "SELECT oid::text COLLATE \"C\", md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY 1";
	PGresult *rs, *rt;
	int i = 0, j = 0, ns, nt;

	if (!query_both(s, t, sql, &rs, &rt, d))
		return false;
	ns = PQntuples(rs);
	nt = PQntuples(rt);
	db->large_objects = (size_t)ns;
	while (i < ns || j < nt) {
		int c = i >= ns ? 1 : j >= nt ? -1 : strcmp(PQgetvalue(rs, i, 0), PQgetvalue(rt, j, 0));

		if (c < 0)
			add_diff(db, "large object", PQgetvalue(rs, i++, 0), "missing on the target");
		else if (c > 0)
			add_diff(db, "large object", PQgetvalue(rt, j++, 0), "only on the target");
		else {
			if (strcmp(PQgetvalue(rs, i, 1), PQgetvalue(rt, j, 1)) != 0)
				add_diff(db, "large object", PQgetvalue(rs, i, 0), "content differs");
			i++;
			j++;
		}
	}
	PQclear(rs);
	PQclear(rt);
	return true;
}

/* One materialized view present on both sides: populated alike, and when
 * populated, the same rows (count and order-independent hash). */
static bool compare_matview(struct side *s, struct side *t, const char *name, bool spop, bool tpop, struct vdb *db,
			    struct diags *d)
{
	char *sql;
	PGresult *rs, *rt;
	bool same;

	if (spop != tpop) {
		add_diff(db, "materialized view", name, spop ? "not populated on the target" : "populated only on the target");
		return true;
	}
	if (!spop)
		return true;
	sql = xprintf("SELECT count(*), coalesce(sum(hashtextextended(t::text, 0)), 0)::text FROM %s t", name);
	if (!sql || !query_both(s, t, sql, &rs, &rt, d)) {
		free(sql);
		return false;
	}
	free(sql);
	same = strcmp(PQgetvalue(rs, 0, 0), PQgetvalue(rt, 0, 0)) == 0 && strcmp(PQgetvalue(rs, 0, 1), PQgetvalue(rt, 0, 1)) == 0;
	if (!same) {
		char *detail = xprintf("source %s rows, target %s rows, contents differ (a view holds the rows of its last "
				       "REFRESH: refresh it on both sides, then verify again)", PQgetvalue(rs, 0, 0), PQgetvalue(rt, 0, 0));

		add_diff(db, "materialized view", name, detail ? detail : "contents differ");
		free(detail);
	}
	PQclear(rs);
	PQclear(rt);
	return true;
}

static bool compare_matviews(struct side *s, struct side *t, struct vdb *db, struct diags *d)
{
	PGresult *rs, *rt;
	int i = 0, j = 0, ns, nt;
	bool ok = true;

	if (!query_both(s, t, migrate_matviews_sql, &rs, &rt, d))
		return false;
	ns = PQntuples(rs);
	nt = PQntuples(rt);
	while (ok && (i < ns || j < nt)) {
		int c = i >= ns ? 1 : j >= nt ? -1 : strcmp(PQgetvalue(rs, i, 0), PQgetvalue(rt, j, 0));

		if (c < 0)
			i++;    /* reported missing by the schema comparison */
		else if (c > 0)
			j++;
		else {
			ok = compare_matview(s, t, PQgetvalue(rs, i, 0), PQgetvalue(rs, i, 1)[0] == 't',
					     PQgetvalue(rt, j, 1)[0] == 't', db, d);
			i++;
			j++;
		}
	}
	PQclear(rs);
	PQclear(rt);
	return ok;
}

static const struct {
	const char *kind;
	const char *sql;
} schema_queries[] = {
	{"table", "SELECT format('%I.%I', n.nspname, c.relname) COLLATE \"C\" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		  " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'kgenius_migrate')"
		  " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"},
	{"column", "SELECT format('%I.%I.%I %s%s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
		   " CASE WHEN a.attnotnull THEN ' not null' ELSE '' END) COLLATE \"C\""
		   " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
		   " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
		   " AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'kgenius_migrate') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"},
	{"index", "SELECT pg_get_indexdef(i.indexrelid) COLLATE \"C\" FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
		  " JOIN pg_namespace n ON n.oid = c.relnamespace"
		  " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'kgenius_migrate') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"},
	{"constraint", "SELECT format('%I.%I %I %s', n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid)) COLLATE \"C\""
		       " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
		       " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'kgenius_migrate') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"},
	{"trigger", "SELECT format('%I.%I %I', n.nspname, c.relname, g.tgname) COLLATE \"C\" FROM pg_trigger g"
		    " JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
		    " WHERE NOT g.tgisinternal AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'kgenius_migrate')"
		    " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"},
};

static bool compare_schema(struct side *s, struct side *t, struct vdb *db, struct diags *d)
{
	for (size_t q = 0; q < sizeof(schema_queries) / sizeof(schema_queries[0]); q++) {
		PGresult *rs, *rt;
		int i = 0, j = 0, ns, nt;

		if (!query_both(s, t, schema_queries[q].sql, &rs, &rt, d))
			return false;
		ns = PQntuples(rs);
		nt = PQntuples(rt);
		while (i < ns || j < nt) {
			int c = i >= ns ? 1 : j >= nt ? -1 : strcmp(PQgetvalue(rs, i, 0), PQgetvalue(rt, j, 0));

			if (c < 0)
				add_diff(db, schema_queries[q].kind, PQgetvalue(rs, i++, 0), "missing on the target");
			else if (c > 0)
				add_diff(db, schema_queries[q].kind, PQgetvalue(rt, j++, 0), "only on the target");
			else {
				i++;
				j++;
			}
		}
		PQclear(rs);
		PQclear(rt);
	}
	return true;
}

static bool begin_snapshot(struct side *x, struct diags *d)
{
	return pg_exec(x->c, x->ep, d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

static int verify_db(const struct migrate_opts *o, size_t k, struct vdb *db, struct diags *d)
{
	struct side s = {NULL, &o->source}, t = {NULL, &o->target};
	struct pg_tables tabs = {NULL, 0}, ttabs = {NULL, 0};
	double t0 = clock_seconds();
	int rc = -1;

	db->src_db = strdup(o->dbs[k]);
	db->dst_db = strdup(o->target_dbs[k]);
	s.c = pg_open(&o->source, o->dbs[k], d);
	t.c = pg_open(&o->target, o->target_dbs[k], d);
	if (!s.c || !t.c || !begin_snapshot(&s, d) || !begin_snapshot(&t, d) ||
	    pg_list_tables(s.c, s.ep, d, &tabs) != 0 || pg_list_tables(t.c, t.ep, d, &ttabs) != 0)
		goto out;
	db->tables = calloc(tabs.n + 1, sizeof(*db->tables));
	if (!db->tables)
		goto out;
	db->ok = true;
	for (size_t i = 0; i < tabs.n; i++) {
		bool present = false;

		for (size_t j = 0; j < ttabs.n && !present; j++)
			present = strcmp(ttabs.v[j].qname, tabs.v[i].qname) == 0;
		if (!verify_table(&s, &t, &tabs.v[i], present, &db->tables[db->ntables++], d))
			goto out;
		db->ok &= db->tables[db->ntables - 1].match;
	}
	if (!compare_sequences(&s, &t, db, d) || !compare_large_objects(&s, &t, db, d) ||
	    !compare_matviews(&s, &t, db, d) || !compare_schema(&s, &t, db, d))
		goto out;
	db->ok &= db->ndiffs == 0;
	rc = 0;
out:
	db->ok &= rc == 0;
	db->seconds = clock_seconds() - t0;
	pg_tables_free(&tabs);
	pg_tables_free(&ttabs);
	PQfinish(s.c);
	PQfinish(t.c);
	return rc;
}

int migrate_verify(const struct migrate_opts *o, struct vreport *rep, struct diags *d)
{
	memset(rep, 0, sizeof(*rep));
	rep->ok = true;
	for (size_t k = 0; k < o->ndbs; k++) {
		if (verify_db(o, k, &rep->dbs[rep->ndbs++], d) != 0)
			return -1;
		rep->ok &= rep->dbs[rep->ndbs - 1].ok;
	}
	return 0;
}
