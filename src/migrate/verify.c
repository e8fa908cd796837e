/* Source against target, per table: the row count and an order-independent
 * hash of every row, computed by each server on its own data (only two
 * numbers cross the network). The row hash is hashtextextended: 64 bits, and
 * kept stable across major versions because hash partitioning depends on it.
 * A table that differs is bisected on its integer key into ranges until the
 * differing rows are few enough to list by key, and compared there by md5.
 * Then every sequence and the schema objects (tables, columns, indexes,
 * constraints, triggers) are compared.
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
#include "util/json.h"

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

/* Sequences: every one, owned by a column or not (Odoo's ir_sequence_NNN). */
static bool compare_sequences(struct side *s, struct side *t, struct vdb *db, struct diags *d)
{
	static const char sql[] = "SELECT format('%I.%I', schemaname, sequencename) COLLATE \"C\", last_value"
				  " FROM pg_sequences WHERE schemaname <> 'kgenius_migrate' ORDER BY 1";
	PGresult *rs, *rt;
	int i = 0, j = 0, ns, nt;

	if (!query_both(s, t, sql, &rs, &rt, d))
		return false;
	ns = PQntuples(rs);
	nt = PQntuples(rt);
	db->sequences = (size_t)ns;
	while (i < ns || j < nt) {
		int c = i >= ns ? 1 : j >= nt ? -1 : strcmp(PQgetvalue(rs, i, 0), PQgetvalue(rt, j, 0));

		if (c < 0) {
			add_diff(db, "sequence", PQgetvalue(rs, i++, 0), "missing on the target");
		} else if (c > 0) {
			j++;
		} else {
			bool snull = PQgetisnull(rs, i, 1), tnull = PQgetisnull(rt, j, 1);

			if (!snull && (tnull || atoll(PQgetvalue(rt, j, 1)) < atoll(PQgetvalue(rs, i, 1)))) {
				char detail[128];

				snprintf(detail, sizeof(detail), "source %s, target %s", PQgetvalue(rs, i, 1),
					 tnull ? "never used" : PQgetvalue(rt, j, 1));
				add_diff(db, "sequence", PQgetvalue(rs, i, 0), detail);
			}
			i++;
			j++;
		}
	}
	PQclear(rs);
	PQclear(rt);
	return true;
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
	if (!compare_sequences(&s, &t, db, d) || !compare_schema(&s, &t, db, d))
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

void vreport_free(struct vreport *rep)
{
	for (size_t k = 0; k < rep->ndbs; k++) {
		struct vdb *db = &rep->dbs[k];

		for (size_t i = 0; i < db->ntables; i++) {
			free(db->tables[i].qname);
			free(db->tables[i].note);
			for (size_t j = 0; j < db->tables[i].nkeys; j++)
				free(db->tables[i].keys[j]);
			free(db->tables[i].keys);
		}
		free(db->tables);
		for (size_t i = 0; i < db->ndiffs; i++) {
			free(db->diffs[i].kind);
			free(db->diffs[i].item);
			free(db->diffs[i].detail);
		}
		free(db->diffs);
		free(db->src_db);
		free(db->dst_db);
	}
	memset(rep, 0, sizeof(*rep));
}

size_t vdb_differences(const struct vdb *db)
{
	size_t n = db->ndiffs + db->more_diffs;

	/* a table whose contents differ is a difference too */
	for (size_t i = 0; i < db->ntables; i++)
		n += !db->tables[i].match;
	return n;
}

void vreport_text(const struct vreport *rep, struct buf *b)
{
	for (size_t k = 0; k < rep->ndbs; k++) {
		const struct vdb *db = &rep->dbs[k];
		size_t same = 0, ndiff = vdb_differences(db);
		long long rows = 0;

		for (size_t i = 0; i < db->ntables; i++) {
			same += db->tables[i].match;
			rows += db->tables[i].src_rows;
		}
		buf_printf(b, "verify %s -> %s: %s: %zu/%zu tables identical (%lld rows), %zu sequences, %zu difference%s, %.2f s\n",
			   db->src_db, db->dst_db, db->ok ? "OK" : "DIFFERENT", same, db->ntables, rows, db->sequences,
			   ndiff, ndiff == 1 ? "" : "s", db->seconds);
		for (size_t i = 0; i < db->ntables; i++) {
			const struct vtable *vt = &db->tables[i];

			if (vt->match)
				continue;
			buf_printf(b, "  table %s: source %lld rows, target %lld rows, contents differ\n", vt->qname,
				   vt->src_rows, vt->dst_rows);
			for (size_t j = 0; j < vt->nkeys; j++)
				buf_printf(b, "    key %s\n", vt->keys[j]);
			if (vt->more_keys)
				buf_printf(b, "    ... and %zu more keys\n", vt->more_keys);
			if (vt->note)
				buf_printf(b, "    %s\n", vt->note);
		}
		for (size_t i = 0; i < db->ndiffs; i++)
			buf_printf(b, "  %s %s: %s\n", db->diffs[i].kind, db->diffs[i].item,
				   db->diffs[i].detail ? db->diffs[i].detail : "");
		if (db->more_diffs)
			buf_printf(b, "  ... and %zu more differences\n", db->more_diffs);
	}
}

void vreport_json(const struct vreport *rep, struct buf *b)
{
	buf_printf(b, "{\"ok\":%s,\"databases\":[", rep->ok ? "true" : "false");
	for (size_t k = 0; k < rep->ndbs; k++) {
		const struct vdb *db = &rep->dbs[k];

		buf_puts(b, k ? ",{\"source\":" : "{\"source\":");
		json_string(b, db->src_db);
		buf_puts(b, ",\"target\":");
		json_string(b, db->dst_db);
		buf_printf(b, ",\"ok\":%s,\"seconds\":%.3f,\"sequences\":%zu,\"tables\":[", db->ok ? "true" : "false",
			   db->seconds, db->sequences);
		for (size_t i = 0; i < db->ntables; i++) {
			const struct vtable *vt = &db->tables[i];

			buf_puts(b, i ? ",{\"table\":" : "{\"table\":");
			json_string(b, vt->qname);
			buf_printf(b, ",\"source_rows\":%lld,\"target_rows\":%lld,\"identical\":%s,\"keys\":[", vt->src_rows,
				   vt->dst_rows, vt->match ? "true" : "false");
			for (size_t j = 0; j < vt->nkeys; j++) {
				if (j)
					buf_putc(b, ',');
				json_string(b, vt->keys[j]);
			}
			buf_printf(b, "],\"more_keys\":%zu,\"note\":", vt->more_keys);
			if (vt->note)
				json_string(b, vt->note);
			else
				buf_puts(b, "null");
			buf_putc(b, '}');
		}
		buf_puts(b, "],\"differences\":[");
		for (size_t i = 0; i < db->ndiffs; i++) {
			buf_puts(b, i ? ",{\"kind\":" : "{\"kind\":");
			json_string(b, db->diffs[i].kind);
			buf_puts(b, ",\"item\":");
			json_string(b, db->diffs[i].item);
			buf_puts(b, ",\"detail\":");
			json_string(b, db->diffs[i].detail ? db->diffs[i].detail : "");
			buf_putc(b, '}');
		}
		buf_printf(b, "],\"more_differences\":%zu}", db->more_diffs);
	}
	buf_puts(b, "]}\n");
}
