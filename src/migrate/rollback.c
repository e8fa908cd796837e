/* The way back. At cutover, with --keep-rollback, the new database
 * publishes and the old one subscribes (copy_data = false, its own slot
 * created before the new database takes its first write), so every write
 * made after the switch also lands in the old database.
 *
 *   rollback  the new database fenced (fence.c) and its sessions ended, the
 *             old one waits until it has applied everything, sequences and
 *             large objects are copied back, the reverse replication is
 *             removed, and the old database accepts writes again; when the
 *             old one cannot apply a change (a row written there after
 *             cutover conflicts), rollback says so at once and reopens the
 *             new one, so that one side always takes writes;
 *   finish    the reverse replication is removed and the old database stays
 *             fenced, the new one being trusted.
 *
 * The old database stays fenced for its clients throughout. The role that
 * owns the reverse subscription gets a per-database exception, so that its
 * apply worker can write; clients must therefore not log in as that role. */
#include "migrate/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

bool migrate_role_write_exception(PGconn *c, const struct pg_endpoint *ep, const char *db, bool on, struct diags *d)
{
	return pg_exec_naming(c, ep, d, "ALTER ROLE CURRENT_USER IN DATABASE ", db,
			      on ? " SET default_transaction_read_only = off" : " RESET default_transaction_read_only");
}

int migrate_rollback_setup(const struct migrate_opts *o, size_t k, PGconn *src, PGconn *dst, FILE *events,
			   struct diags *d)
{
	char slot[64], with[160];

	migrate_slot_name("kgenius_back_", o->dbs[k], slot, sizeof(slot));
	snprintf(with, sizeof(with), "copy_data = false, create_slot = true, slot_name = '%s', enabled = true", slot);
	if (!pg_exec(dst, &o->target, d, "CREATE PUBLICATION kgenius_back_pub FOR ALL TABLES") ||
	    !migrate_role_write_exception(src, &o->source, o->dbs[k], true, d) ||
	    !migrate_subscribe(src, &o->source, &o->target_from_source, o->target_dbs[k], dst,
			       "kgenius_back_sub", "kgenius_back_pub", with, d))
		return -1;
	migrate_event(events, o->events_json, "rollback-ready", "%s <- %s: every write on the new database is replicated back "
		      "(subscription kgenius_back_sub, slot %s); `migrate db rollback` switches back, `finish` removes it",
		      o->dbs[k], o->target_dbs[k], slot);
	return 0;
}

static void drop_reverse(PGconn *src, PGconn *dst)
{
	PQclear(PQexec(src, "DROP SUBSCRIPTION IF EXISTS kgenius_back_sub"));
	PQclear(PQexec(dst, "DROP PUBLICATION IF EXISTS kgenius_back_pub"));
}

/* One database back: the new one fenced, the old one caught up, sequences
 * and large objects copied back, the way back removed, the old one opened.
 * On failure (a conflict the old database cannot apply, a timeout) the new
 * database is opened again, so that one side always takes writes. */
static bool rollback_db(const struct migrate_opts *o, size_t k, PGconn *src, PGconn *dst, struct cutover_result *res,
			struct diags *d)
{
	char slot[64];
	long long lo_bytes = 0;
	bool ok;

	migrate_slot_name("kgenius_back_", o->dbs[k], slot, sizeof(slot));
	if (!migrate_fence(dst, &o->target, o->target_dbs[k], &res->sessions_ended, d))
		return false;
	ok = migrate_wait_caught_up(dst, &o->target, slot, src, "kgenius_back_sub", o->cutover_timeout, d) &&
	     migrate_copy_sequences(dst, &o->target, src, &o->source, &res->sequences, d) &&
	     migrate_copy_large_objects(dst, &o->target, src, &o->source, &res->large_objects, &lo_bytes, d) == 0;
	if (!ok) {
		if (migrate_unfence(dst, &o->target, o->target_dbs[k], d))
			diag_add(d, DIAG_NOTE, &(struct srcpos){"target", 0, 0}, NULL,
				 "rollback stopped: %s (the new database) accepts writes again; the old one stays fenced",
				 o->target_dbs[k]);
		return false;
	}
	drop_reverse(src, dst);
	return migrate_role_write_exception(src, &o->source, o->dbs[k], false, d) &&
	       migrate_unfence(src, &o->source, o->dbs[k], d);
}

int migrate_rollback(const struct migrate_opts *o, struct cutover_result *res, FILE *events, struct diags *d)
{
	double t0 = clock_seconds();

	memset(res, 0, sizeof(*res));
	for (size_t k = 0; k < o->ndbs; k++) {
		PGconn *src = pg_open(&o->source, o->dbs[k], d), *dst = pg_open(&o->target, o->target_dbs[k], d);
		bool ok = src && dst && rollback_db(o, k, src, dst, res, d);

		if (ok)
			migrate_event(events, o->events_json, "rollback", "%s: back on the old database, which has every write; the "
				      "new database %s is fenced", o->dbs[k], o->target_dbs[k]);
		PQfinish(src);
		PQfinish(dst);
		if (!ok)
			return -1;
	}
	if (o->hook && migrate_run_hook(o->hook, events, o->events_json, d) != 0)
		return -1;
	res->window_seconds = clock_seconds() - t0;
	return 0;
}

int migrate_finish(const struct migrate_opts *o, FILE *events, struct diags *d)
{
	for (size_t k = 0; k < o->ndbs; k++) {
		PGconn *src = pg_open(&o->source, o->dbs[k], d), *dst = pg_open(&o->target, o->target_dbs[k], d);
		bool ok = src && dst;

		if (ok) {
			drop_reverse(src, dst);
			ok = migrate_role_write_exception(src, &o->source, o->dbs[k], false, d);
			migrate_event(events, o->events_json, "finish", "%s: replication back from %s removed; the old database "
				      "stays fenced", o->dbs[k], o->target_dbs[k]);
		}
		PQfinish(src);
		PQfinish(dst);
		if (!ok)
			return -1;
	}
	return 0;
}
