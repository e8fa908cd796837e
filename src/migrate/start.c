/* The online method's start: publication on the source, then a logical
 * replication slot created with an exported snapshot; the parallel copy
 * runs inside that snapshot; a subscription on the target takes over the
 * same slot (copy_data = false), so nothing is copied twice and nothing
 * committed after the snapshot is missed.
 *
 * A start that fails removes what it made on the source: the slot (which
 * would hold WAL on the production server), the publication and the
 * replica identities it changed. */
#include "migrate/migrate.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *quote_literal(PGconn *c, const char *s)
{
	char *q = PQescapeLiteral(c, s, strlen(s));
	char *r = q ? strdup(q) : NULL;

	PQfreemem(q);
	return r;
}

/* Tables that a FOR ALL TABLES publication would break: no primary key and
 * no replica identity. With fix, give them their unique index or FULL;
 * changed[i] (when given) records each table changed. */
static int replica_identities(PGconn *c, const struct pg_endpoint *ep, const struct pg_tables *tabs, bool fix,
			      bool *changed, FILE *events, bool json, struct diags *d)
{
	size_t missing = 0;

	for (size_t i = 0; i < tabs->n; i++) {
		const struct pg_table *t = &tabs->v[i];
		char *sql = NULL;

		if (t->has_pk || t->replident == 'f' || t->replident == 'i')
			continue;
		if (!fix) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){ep->name, 0, 0},
				 "rerun with --fix-replica-identity, or give the table a primary key",
				 "%s has no primary key and no replica identity: a publication would make its UPDATEs and "
				 "DELETEs fail on the running source", t->qname);
			missing++;
			continue;
		}
		if (t->usable_unique) {
			char *idx = PQescapeIdentifier(c, t->unique_index, strlen(t->unique_index));

			if (idx && asprintf(&sql, "ALTER TABLE %s REPLICA IDENTITY USING INDEX %s", t->qname, idx) < 0)
				sql = NULL;
			PQfreemem(idx);
		} else if (asprintf(&sql, "ALTER TABLE %s REPLICA IDENTITY FULL", t->qname) < 0)
			sql = NULL;
		if (!sql || !pg_exec(c, ep, d, sql)) {
			free(sql);
			return -1;
		}
		if (changed)
			changed[i] = true;
		migrate_event(events, json, "replica-identity", "%s: %s", ep->name, sql);
		free(sql);
	}
	return missing ? -1 : 0;
}

/* What a failed start made on the source, removed. */
struct start_made {
	bool publication, slot;
	bool *identity;            /* per table: replica identity changed */
};

static void undo_start(PGconn *src, const struct migrate_opts *o, const struct pg_tables *tabs, const char *slot,
		       const struct start_made *made, FILE *events, struct diags *d)
{
	size_t undone = 0;

	if (made->slot) {
		const char *params[1] = {slot};

		/* The walsender of the closed replication session may take a
		 * moment to let go of the slot, which cannot be dropped while active. */
		for (int i = 0; i < 100; i++) {
			char *active = pg_value(src, &o->source, d, "SELECT active FROM pg_replication_slots WHERE slot_name = $1",
						1, params);
			bool busy = active && active[0] == 't';

			free(active);
			if (!busy)
				break;
			nanosleep(&(struct timespec){0, 50000000L}, NULL);
		}
		PQclear(pg_query(src, &o->source, d, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
						     " WHERE slot_name = $1", 1, params));
	}
	if (made->publication)
		pg_exec(src, &o->source, d, "DROP PUBLICATION IF EXISTS kgenius_pub");
	for (size_t i = 0; made->identity && i < tabs->n; i++) {
		char *sql = NULL;

		if (!made->identity[i])
			continue;
		if (asprintf(&sql, "ALTER TABLE %s REPLICA IDENTITY %s", tabs->v[i].qname,
			     tabs->v[i].replident == 'n' ? "NOTHING" : "DEFAULT") >= 0 && pg_exec(src, &o->source, d, sql))
			undone++;
		free(sql);
	}
	migrate_event(events, o->events_json, "undone", "%s: start failed; removed %s%s%zu replica identity change%s",
		      slot, made->slot ? "the slot, " : "", made->publication ? "the publication, " : "",
		      undone, undone == 1 ? "" : "s");
}

static bool slot_exists(PGconn *src, const struct migrate_opts *o, const char *slot, struct diags *d)
{
	const char *params[1] = {slot};
	char *exists = pg_value(src, &o->source, d, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", 1,
				params);
	bool yes = !exists || strcmp(exists, "0") != 0;

	if (exists && yes)
		diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0},
			 "run `kgenius migrate db abort` with the same options, then start again",
			 "slot %s exists: a start was interrupted or is running (an online start is not resumed)", slot);
	free(exists);
	return yes;
}

static bool logical_wal(PGconn *src, const struct migrate_opts *o, struct diags *d)
{
	char *wal = pg_value(src, &o->source, d, "SHOW wal_level", 0, NULL);
	bool ok = wal && strcmp(wal, "logical") == 0;

	if (!ok)
		diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0},
			 "set wal_level = logical on the source and restart it (plan this restart early), or use copy",
			 "wal_level is %s: the online method needs logical", wal ? wal : "unknown");
	free(wal);
	return ok;
}

bool migrate_subscribe(PGconn *on, const struct pg_endpoint *on_ep, const struct pg_endpoint *peer, const char *peer_db,
		       PGconn *peer_session, const char *name, const char *publication, const char *with,
		       struct diags *d)
{
	char *lit = migrate_subscription_conninfo(on, peer, peer_db, peer_session);
	struct buf q = BUF_INIT;
	bool ok;

	if (!lit)
		return false;
	buf_printf(&q, "CREATE SUBSCRIPTION %s CONNECTION %s PUBLICATION %s WITH (%s)", name, lit, publication, with);
	/* The statement holds a password: keep it out of the server's log. */
	ok = !q.failed && pg_exec(on, on_ep, d, "SET log_statement = 'none'") &&
	     pg_exec(on, on_ep, d, "SET log_min_error_statement = 'panic'") && pg_exec(on, on_ep, d, q.data);
	if (q.data)
		explicit_bzero(q.data, q.len);
	buf_free(&q);
	explicit_bzero(lit, strlen(lit));
	free(lit);
	return ok;
}

/* The slot with its snapshot, and the copy inside it. */
static int slot_and_copy(const struct migrate_opts *o, size_t k, const char *slot, struct start_made *made,
			 struct copy_stats *st, FILE *events, struct diags *d)
{
	PGconn *repl = pg_open_replication(&o->source, o->dbs[k], d);
	char sql[256];
	PGresult *r;
	int rc = -1;

	if (!repl)
		return -1;
	snprintf(sql, sizeof(sql), "CREATE_REPLICATION_SLOT %s LOGICAL pgoutput EXPORT_SNAPSHOT", slot);
	r = PQexec(repl, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0},
			 "raise max_replication_slots and max_wal_senders on the source", "cannot create slot %s: %s", slot,
			 PQerrorMessage(repl));
	else {
		made->slot = true;
		migrate_event(events, o->events_json, "slot", "%s: slot %s at %s, snapshot %s", o->dbs[k], slot,
			      PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2));
		rc = migrate_copy_one(o, k, PQgetvalue(r, 0, 2), st, events, d);
	}
	PQclear(r);
	/* The slot is released with its session, so that a failed start can drop it. */
	PQfinish(repl);
	return rc;
}

static int start_db(const struct migrate_opts *o, size_t k, FILE *events, struct diags *d)
{
	const char *db = o->dbs[k], *tdb = o->target_dbs[k];
	PGconn *src = pg_open(&o->source, db, d), *dst = NULL;
	struct pg_tables tabs = {NULL, 0};
	struct start_made made = {false, false, NULL};
	struct copy_stats st;
	char slot[64], with[160];
	int rc = -1;

	memset(&st, 0, sizeof(st));
	migrate_slot_name("kgenius_", db, slot, sizeof(slot));
	if (!src || !logical_wal(src, o, d) || slot_exists(src, o, slot, d) || pg_list_tables(src, &o->source, d, &tabs) != 0)
		goto out;
	made.identity = calloc(tabs.n + 1, sizeof(*made.identity));
	if (!made.identity ||
	    replica_identities(src, &o->source, &tabs, o->fix_replica_identity, made.identity, events, o->events_json, d) != 0)
		goto out;
	/* The publication first: a slot decodes with the catalog of its time. */
	if (!pg_exec(src, &o->source, d, "CREATE PUBLICATION kgenius_pub FOR ALL TABLES"))
		goto out;
	made.publication = true;
	if (slot_and_copy(o, k, slot, &made, &st, events, d) != 0)
		goto out;
	dst = pg_open(&o->target, tdb, d);
	snprintf(with, sizeof(with), "create_slot = false, slot_name = '%s', copy_data = false, enabled = true", slot);
	if (!dst || replica_identities(dst, &o->target, &tabs, true, NULL, NULL, o->events_json, d) != 0 ||
	    !migrate_subscribe(dst, &o->target, &o->source_from_target, db, src, "kgenius_sub", "kgenius_pub", with, d))
		goto out;
	migrate_event(events, o->events_json, "replicating", "%s -> %s: %lld rows copied in the snapshot; subscription kgenius_sub "
		      "now applies every change since; run `migrate db status` to watch the lag, then `cutover`",
		      db, tdb, st.rows);
	rc = 0;
out:
	if (rc != 0 && src)
		undo_start(src, o, &tabs, slot, &made, events, d);
	free(made.identity);
	PQfinish(src);
	PQfinish(dst);
	pg_tables_free(&tabs);
	return rc;
}

char *migrate_subscription_conninfo(PGconn *on, const struct pg_endpoint *peer, const char *db, PGconn *peer_session)
{
	char *conninfo = NULL, *password = NULL, *lit = NULL;
	struct buf ci = BUF_INIT;

	if (pg_child_conninfo(peer, db, &conninfo, &password) != 0)
		return NULL;
	if (!password && peer_session && PQpass(peer_session) && *PQpass(peer_session))
		password = strdup(PQpass(peer_session));
	/* The subscription keeps its connection string in the catalog, as
	 * PostgreSQL requires; it goes when the subscription goes. */
	buf_puts(&ci, conninfo);
	if (password) {
		buf_puts(&ci, " password='");
		for (const char *p = password; *p; p++) {
			if (*p == '\'' || *p == '\\')
				buf_putc(&ci, '\\');
			buf_putc(&ci, *p);
		}
		buf_putc(&ci, '\'');
		explicit_bzero(password, strlen(password));
	}
	if (!ci.failed && ci.data)
		lit = quote_literal(on, ci.data);
	if (ci.data)
		explicit_bzero(ci.data, ci.len);
	buf_free(&ci);
	free(password);
	free(conninfo);
	return lit;
}

int migrate_online_start(const struct migrate_opts *o, FILE *events, struct diags *d)
{
	for (size_t k = 0; k < o->ndbs; k++)
		if (start_db(o, k, events, d) != 0)
			return -1;
	return 0;
}

