/* Preflight: what both servers are and hold, what would stop the copy, and
 * what the copy will do. Reads only; changes nothing on either server. */
#include "migrate/migrate.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct plan {
	struct buf *out;
	bool blocked;
	size_t warnings;
};

static void line(struct plan *p, const char *level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(struct plan *p, const char *level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_printf(p->out, "  %-8s %s\n", level, msg);
	if (strcmp(level, "BLOCKER") == 0)
		p->blocked = true;
	else if (strcmp(level, "warning") == 0)
		p->warnings++;
}

static char *one(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *sql)
{
	char *v = pg_value(c, ep, d, sql, 0, NULL);

	return v ? v : strdup("");
}

static void human_size(long long b, char *out, size_t cap)
{
	if (b >= 1LL << 30)
		snprintf(out, cap, "%.1f GiB", (double)b / (double)(1LL << 30));
	else if (b >= 1LL << 20)
		snprintf(out, cap, "%.1f MiB", (double)b / (double)(1LL << 20));
	else
		snprintf(out, cap, "%lld kB", b / 1024);
}

static void server_checks(struct plan *p, PGconn *s, PGconn *t, const struct migrate_opts *o, struct diags *d)
{
	char *wal = one(s, &o->source, d, "SHOW wal_level");
	char *slots = one(s, &o->source, d, "SHOW max_replication_slots");
	char *senders = one(s, &o->source, d, "SHOW max_wal_senders");
	int sv = PQserverVersion(s), tv = PQserverVersion(t);

	buf_printf(p->out, "servers\n");
	line(p, sv / 10000 > tv / 10000 ? "BLOCKER" : "ok", "PostgreSQL %d.%d on the source, %d.%d on the target%s",
	     sv / 10000, sv % 10000, tv / 10000, tv % 10000,
	     sv / 10000 > tv / 10000 ? ": a dump cannot go to an older major version" : "");
	line(p, strcmp(wal, "logical") == 0 ? "ok" : "note",
	     "source wal_level=%s, max_replication_slots=%s, max_wal_senders=%s%s", wal, slots, senders,
	     strcmp(wal, "logical") == 0 ? "" : " (the offline copy needs none of them; an online move would need "
					       "wal_level=logical, which takes a restart)");
	free(wal);
	free(slots);
	free(senders);
	{
		/* The cutover's fence (CONNECTION LIMIT 0) does not hold superusers. */
		char *supers = one(s, &o->source, d, "SELECT coalesce(string_agg(rolname, ', ' ORDER BY rolname), '') FROM pg_roles"
					       " WHERE rolsuper AND rolcanlogin AND rolname <> current_user");

		line(p, supers[0] ? "warning" : "ok", "superusers that can log in besides this one: %s%s", supers[0] ? supers : "none",
		     supers[0] ? ": an application logging in as one of them could still write to the old database "
				 "after cutover; give the applications ordinary roles" : "");
		free(supers);
	}
}

/* A session, or a BLOCKER line that carries libpq's own reason. */
static PGconn *open_or_say(struct plan *p, const struct pg_endpoint *ep, const char *db, const char *what,
			   struct diags *d)
{
	struct diags local;
	PGconn *c;

	diags_init(&local);
	c = pg_open(ep, db, &local);
	if (!c)
		line(p, "BLOCKER", "cannot connect to %s %s: %s", what, db,
		     local.n ? local.v[local.n - 1].msg : "unknown error");
	diags_merge(d, &local);
	diags_free(&local);
	return c;
}

/* The tables: size, parts, the largest, and those without a key. */
static void table_checks(struct plan *p, PGconn *s, const struct migrate_opts *o, struct diags *d)
{
	struct pg_tables tabs = {NULL, 0};
	char size[32];
	long long total = 0;
	size_t noident = 0, parts = 0;

	if (pg_list_tables(s, &o->source, d, &tabs) != 0)
		return;
	for (size_t i = 0; i < tabs.n; i++) {
		const struct pg_table *tb = &tabs.v[i];
		size_t n = o->split_bytes > 0 && tb->int_key && tb->bytes > o->split_bytes ?
			   (size_t)(tb->bytes / o->split_bytes) + 1 : 1;

		total += tb->bytes;
		parts += n > 64 ? 64 : n;
		if (!tb->has_pk && tb->replident != 'f' && tb->replident != 'i')
			noident++;
	}
	human_size(total, size, sizeof(size));
	line(p, "ok", "%zu tables, %s of table data, copied as %zu parts by %d jobs", tabs.n, size, parts, o->jobs);
	for (size_t i = 0; i < tabs.n && i < 5; i++) {
		human_size(tabs.v[i].bytes, size, sizeof(size));
		line(p, "", "largest: %s %s%s", tabs.v[i].qname, size, tabs.v[i].key ? "" : " (no key: verify cannot name rows)");
	}
	line(p, noident ? "note" : "ok", "%zu tables without a primary key or replica identity%s", noident,
	     noident ? ": fine offline; an online move must give each one (--fix-replica-identity)" : "");
	for (size_t i = 0; i < tabs.n; i++)
		if (!tabs.v[i].has_pk && tabs.v[i].replident != 'f' && tabs.v[i].replident != 'i')
			line(p, "", "%s: %s", tabs.v[i].qname, tabs.v[i].usable_unique ?
			     "has a unique index on NOT NULL columns (as Odoo's many2many pairs): REPLICA IDENTITY USING INDEX" :
			     "no unique index on NOT NULL columns: REPLICA IDENTITY FULL (each UPDATE and DELETE "
			     "then scans the table on the target), or add a primary key");
	pg_tables_free(&tabs);
}

/* The target: empty, or holding an interrupted copy. */
static void target_checks(struct plan *p, PGconn *t, const struct migrate_opts *o, struct diags *d)
{
	char *have = one(t, &o->target, d,
			 "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
			 " AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'kgenius_migrate') AND n.nspname NOT LIKE 'pg\\_%'");
	char *resume = one(t, &o->target, d, "SELECT count(*) FROM pg_namespace WHERE nspname = 'kgenius_migrate'");

	if (strcmp(resume, "1") == 0)
		line(p, "note", "the target holds an interrupted copy: copy resumes it");
	else
		line(p, strcmp(have, "0") == 0 ? "ok" : "BLOCKER", "the target database holds %s tables%s", have,
		     strcmp(have, "0") == 0 ? "" : ": copy needs an empty database");
	free(have);
	free(resume);
}

static void db_checks(struct plan *p, const struct migrate_opts *o, size_t k, struct diags *d)
{
	PGconn *s, *t;
	PGresult *r;
	char size[32];

	buf_printf(p->out, "database %s -> %s\n", o->dbs[k], o->target_dbs[k]);
	s = open_or_say(p, &o->source, o->dbs[k], "the source database", d);
	if (!s)
		return;
	t = open_or_say(p, &o->target, o->target_dbs[k], "the target database (create it first: CREATE DATABASE ... OWNER <role>)", d);
	if (!t) {
		PQfinish(s);
		return;
	}
	if (k == 0)
		server_checks(p, s, t, o, d);
	{
		static const char enc[] = "SELECT pg_encoding_to_char(encoding) || ' ' || datcollate || ' ' || datctype"
					  " FROM pg_database WHERE datname = current_database()";
		char *se = one(s, &o->source, d, enc), *te = one(t, &o->target, d, enc);

		line(p, strcmp(se, te) == 0 ? "ok" : "warning", "encoding and collation: source %s, target %s%s", se, te,
		     strcmp(se, te) == 0 ? "" : ": text ordering and unique text indexes may differ");
		free(se);
		free(te);
	}
	r = pg_query(s, &o->source, d,
		     "SELECT e.extname, e.extversion FROM pg_extension e WHERE e.extname <> 'plpgsql' ORDER BY 1", 0, NULL);
	for (int i = 0; r && i < PQntuples(r); i++) {
		const char *params[1] = {PQgetvalue(r, i, 0)};
		PGresult *a = pg_query(t, &o->target, d, "SELECT default_version FROM pg_available_extensions WHERE name = $1",
				       1, params);

		if (a && PQntuples(a) == 1)
			line(p, "ok", "extension %s %s (target offers %s)", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
			     PQgetvalue(a, 0, 0));
		else
			line(p, "BLOCKER", "extension %s %s is not available on the target: use an image that has it",
			     PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		PQclear(a);
	}
	PQclear(r);
	r = pg_query(s, &o->source, d,
		     "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		     " WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
		     " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1", 0, NULL);
	if (r) {
		struct buf owners = BUF_INIT;

		for (int i = 0; i < PQntuples(r); i++)
			buf_printf(&owners, "%s%s", i ? ", " : "", PQgetvalue(r, i, 0));
		line(p, "ok", "owners on the source: %s; on the target everything will belong to %s", owners.data ? owners.data : "none",
		     o->owner ? o->owner : "the target user");
		buf_free(&owners);
		PQclear(r);
	}
	{
		char *lo = one(s, &o->source, d, "SELECT count(*) FROM pg_largeobject_metadata");

		line(p, strcmp(lo, "0") == 0 ? "ok" : "note", "%s large objects%s", lo,
		     strcmp(lo, "0") == 0 ? "" : ": copy moves them inside its snapshot; logical replication cannot carry "
						 "them, so the online method copies them again at cutover, while writes are "
						 "stopped (the window grows with their size)");
		free(lo);
	}
	{
		char *lx = one(s, &o->source, d,
			       "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
			       " AND xact_start < now() - interval '5 minutes' AND pid <> pg_backend_pid()");

		line(p, strcmp(lx, "0") == 0 ? "ok" : "warning", "%s transactions open for more than 5 minutes%s", lx,
		     strcmp(lx, "0") == 0 ? "" : ": they hold back the snapshot and pg_dump's locks; end them");
		free(lx);
	}
	{
		char *seq = one(s, &o->source, d,
				"SELECT count(*) || ' sequences, ' || count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM pg_depend dep"
				" WHERE dep.objid = c.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')))"
				" || ' owned by no column (Odoo''s ir_sequence_NNN); all are set on the target'"
				" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S'"
				" AND n.nspname NOT IN ('pg_catalog', 'information_schema')");

		line(p, "ok", "%s", seq);
		free(seq);
	}
	table_checks(p, s, o, d);
	target_checks(p, t, o, d);
	{
		char *sz = one(s, &o->source, d, "SELECT pg_database_size(current_database())");

		human_size(atoll(sz), size, sizeof(size));
		line(p, "note", "the source database takes %s on disk; the target's volume needs that much free, and the "
		     "backup about a third of it (free space cannot be read over SQL: check df in the pod)", size);
		free(sz);
	}
	PQfinish(s);
	PQfinish(t);
}

int migrate_plan(const struct migrate_opts *o, struct buf *out, bool *blocked, struct diags *d)
{
	struct plan p = {out, false, 0};

	for (size_t k = 0; k < o->ndbs; k++)
		db_checks(&p, o, k, d);
	buf_printf(out, "\ncopy will:\n"
		   "  1. take a pg_dump -Fc of each source database into %s and check it with pg_restore --list;\n"
		   "  2. open one REPEATABLE READ snapshot on the source (nothing on the source changes);\n"
		   "  3. create the schema on the target, copy every table with %d parallel COPY streams, then build\n"
		   "     indexes, constraints and triggers, and set every sequence;\n"
		   "  4. verify every table, sequence and schema object.\n"
		   "Stop the source's writers (Odoo, Keycloak) before copy: it copies one point in time.\n",
		   o->backup_dir ? o->backup_dir : "--backup-dir", o->jobs);
	buf_printf(out, "\nthe online method (start, cutover) would change on the source:\n"
		   "  - publication kgenius_pub FOR ALL TABLES and one logical replication slot per database\n"
		   "    (kgenius_<db>), which keeps WAL until the target confirms it: watch the disk;\n"
		   "  - with --fix-replica-identity, REPLICA IDENTITY USING INDEX (or FULL) on the tables without a\n"
		   "    primary key listed above;\n"
		   "  - at cutover, the fence: CONNECTION LIMIT 0 on the database (kept as kgenius.connection_limit\n"
		   "    and put back by abort or rollback), its client sessions ended, default_transaction_read_only;\n"
		   "  - with --keep-rollback, a subscription from the target and a per-database exception for the\n"
		   "    replication role. `abort` removes all of it.\n");
	buf_printf(out, "\n%s: %zu warning%s\n", p.blocked ? "BLOCKED" : "ready", p.warnings, p.warnings == 1 ? "" : "s");
	*blocked = p.blocked;
	return 0;
}
