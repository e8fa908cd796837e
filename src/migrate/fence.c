/* The fence around the database that stops serving (the old one at
 * cutover, the new one at rollback), and the wait for its last change to
 * reach the other side.
 *
 * default_transaction_read_only alone is a default: a session can still
 * run BEGIN READ WRITE (https://www.postgresql.org/docs/15/runtime-config-client.html).
 * So the fence is:
 *   - CONNECTION LIMIT 0 on the database: no role but a superuser can
 *     open a session there; superusers and background workers (the apply
 *     worker of the way back) are not subject to it
 *     (https://www.postgresql.org/docs/15/sql-createdatabase.html);
 *   - then every client session on it ended (pg_terminate_backend), so no
 *     session opened before the limit keeps writing;
 *   - default_transaction_read_only on the database, against accidental
 *     writes by a superuser (who can override anything, so applications
 *     must not log in as one: plan lists the superusers).
 * The previous limit is kept as the database setting
 * kgenius.connection_limit and put back when the fence is lifted. Revoking
 * privileges was not chosen: putting every role's grants back exactly is
 * far more fragile than one number. */
#include "migrate/migrate.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"

static const char saved_limit_sql[] =
	"SELECT d.datconnlimit::text, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)::text,"
	" (SELECT split_part(c, '=', 2) FROM pg_db_role_setting s, unnest(s.setconfig) c"
	"  WHERE s.setdatabase = d.oid AND s.setrole = 0 AND c LIKE 'kgenius.connection\\_limit=%')"
	" FROM pg_database d WHERE d.datname = $1";

/* Several ALTER DATABASE statements on db, in one round trip. */
static bool alter_database(PGconn *c, const struct pg_endpoint *ep, const char *db, const char *const *clauses,
			   struct diags *d)
{
	char *id = PQescapeIdentifier(c, db, strlen(db));
	struct buf q = BUF_INIT;
	bool ok;

	if (!id)
		return false;
	for (size_t i = 0; clauses[i]; i++)
		buf_printf(&q, "ALTER DATABASE %s %s;", id, clauses[i]);
	ok = !q.failed && pg_exec(c, ep, d, q.data);
	PQfreemem(id);
	buf_free(&q);
	return ok;
}

size_t migrate_end_sessions(PGconn *c, const struct pg_endpoint *ep, const char *db, struct diags *d)
{
	const char *params[1] = {db};
	PGresult *r = pg_query(c, ep, d,
			       "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1"
			       " AND pid <> pg_backend_pid() AND backend_type = 'client backend'", 1, params);
	size_t n = r ? (size_t)atoll(PQgetvalue(r, 0, 0)) : 0;

	PQclear(r);
	return n;
}

bool migrate_fence(PGconn *c, const struct pg_endpoint *ep, const char *db, size_t *ended, struct diags *d)
{
	const char *params[1] = {db};
	PGresult *r = pg_query(c, ep, d, saved_limit_sql, 1, params);
	char keep[96], limit[64];
	bool super, ok;

	if (!r || PQntuples(r) != 1) {
		PQclear(r);
		return false;
	}
	super = PQgetvalue(r, 0, 1)[0] == 't';
	/* A fence raised again (a cutover tried twice) keeps the first limit. */
	snprintf(limit, sizeof(limit), "%s", PQgetisnull(r, 0, 2) ? PQgetvalue(r, 0, 0) : PQgetvalue(r, 0, 2));
	snprintf(keep, sizeof(keep), "SET kgenius.connection_limit = '%d'", atoi(limit));
	PQclear(r);
	{
		const char *fenced[] = {keep, "CONNECTION LIMIT 0", "SET default_transaction_read_only = on", NULL};
		const char *read_only[] = {"SET default_transaction_read_only = on", NULL};

		/* Without superuser, a limit of 0 would lock kgenius itself out. */
		ok = alter_database(c, ep, db, super ? fenced : read_only, d);
		if (ok && !super)
			diag_add(d, DIAG_WARNING, &(struct srcpos){ep->name, 0, 0},
				 "connect as a superuser so that kgenius can set CONNECTION LIMIT 0",
				 "%s is only read-only by default: a session can still run BEGIN READ WRITE", db);
	}
	if (ok)
		*ended += migrate_end_sessions(c, ep, db, d);
	return ok;
}

bool migrate_unfence(PGconn *c, const struct pg_endpoint *ep, const char *db, struct diags *d)
{
	const char *params[1] = {db};
	PGresult *r = pg_query(c, ep, d, saved_limit_sql, 1, params);
	char limit[64];
	bool ok;

	if (!r || PQntuples(r) != 1) {
		PQclear(r);
		return false;
	}
	if (PQgetisnull(r, 0, 2)) {
		const char *clauses[] = {"RESET default_transaction_read_only", NULL};

		ok = alter_database(c, ep, db, clauses, d);
	} else {
		const char *clauses[] = {limit, "RESET kgenius.connection_limit", "RESET default_transaction_read_only", NULL};

		snprintf(limit, sizeof(limit), "CONNECTION LIMIT %d", atoi(PQgetvalue(r, 0, 2)));
		ok = alter_database(c, ep, db, clauses, d);
	}
	PQclear(r);
	return ok;
}

static void pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Apply errors of the subscription on its subscriber so far (PostgreSQL 15
 * counts them: https://www.postgresql.org/docs/15/monitoring-stats.html),
 * or -1 where it cannot be read. */
static long long apply_errors(PGconn *sub, const char *subname)
{
	const char *params[1] = {subname};
	PGresult *r;
	long long n = -1;

	if (!sub || PQserverVersion(sub) < 150000)
		return -1;
	r = PQexecParams(sub, "SELECT apply_error_count FROM pg_stat_subscription_stats WHERE subname = $1", 1, NULL,
			 params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		n = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return n;
}

bool migrate_wait_caught_up(PGconn *c, const struct pg_endpoint *ep, const char *slot, PGconn *sub, const char *subname,
			    double timeout, struct diags *d)
{
	char *lsn = pg_value(c, ep, d, "SELECT pg_current_wal_lsn()::text", 0, NULL);
	const char *params[2] = {slot, lsn};
	double deadline = clock_seconds() + timeout;
	long long errors0 = apply_errors(sub, subname);
	bool done = false;

	for (int round = 0; lsn && !done; round++) {
		char *caught = pg_value(c, ep, d,
					"SELECT confirmed_flush_lsn >= $2::pg_lsn FROM pg_replication_slots WHERE slot_name = $1",
					2, params);

		done = caught && caught[0] == 't';
		free(caught);
		/* A conflict makes the apply worker fail and retry forever: say so
		 * at once rather than after the timeout. */
		if (!done && errors0 >= 0 && round % 10 == 9 && apply_errors(sub, subname) > errors0) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){ep->name, 0, 0},
				 "find the conflicting row in the subscriber's server log, remove it there, then run the "
				 "command again",
				 "subscription %s failed to apply a change (a conflict: a row written on its database "
				 "collides with one replicated to it)", subname);
			break;
		}
		if (!done && clock_seconds() > deadline) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){ep->name, 0, 0},
				 "check `migrate db status` for apply errors; `abort` reopens the source",
				 "the subscriber did not confirm %s within %.0f s", lsn, timeout);
			break;
		}
		if (!done)
			pause_ms(round < 50 ? 2 : 20);
	}
	free(lsn);
	return done;
}
