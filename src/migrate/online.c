/* The online method: the source keeps serving while the copy runs, and
 * native logical replication carries every change made since.
 *
 *   start    publication on the source, then a logical replication slot
 *            created with an exported snapshot; the parallel copy runs inside
 *            that snapshot; a subscription on the target takes over the same
 *            slot (copy_data = false), so nothing is copied twice and nothing
 *            committed after the snapshot is missed;
 *   status   lag in bytes, from the slot and the subscription;
 *   cutover  the source database made read-only and its sessions ended, the
 *            target waits until it has applied the source's last LSN, every
 *            sequence is copied, row counts compared, the subscription
 *            dropped, the hook run; the write-unavailability window is
 *            measured from read-only to the end;
 *   abort    every slot, publication and subscription kgenius made, on both
 *            sides, dropped at any stage.
 *
 * With --keep-rollback, cutover also starts replication back from the new
 * database to the old one, so switching back loses nothing; `finish` removes
 * it. Names: publication kgenius_pub, slot kgenius_<db>, subscription
 * kgenius_sub (and kgenius_back_* the other way). */
#include "migrate/migrate.h"
#include "util/json.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

static void pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* kgenius_<db> with what a slot name allows: a-z, 0-9, _. */
void migrate_slot_name(const char *prefix, const char *db, char *out, size_t cap)
{
	size_t n = (size_t)snprintf(out, cap, "%s", prefix);

	for (const char *p = db; *p && n + 1 < cap; p++)
		out[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	out[n] = '\0';
}

/* Bytes of WAL the target has not confirmed, or -1. */
static long long lag_bytes(PGconn *src, const struct migrate_opts *o, const char *slot, struct diags *d)
{
	const char *params[1] = {slot};
	char *v = pg_value(src, &o->source, d,
			   "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
			   " FROM pg_replication_slots WHERE slot_name = $1", 1, params);
	long long lag = v ? atoll(v) : -1;

	free(v);
	return lag;
}

int migrate_online_status(const struct migrate_opts *o, struct buf *out, struct diags *d)
{
	for (size_t k = 0; k < o->ndbs; k++) {
		PGconn *src = pg_open(&o->source, o->dbs[k], d), *dst = pg_open(&o->target, o->target_dbs[k], d);
		char slot[64], *errors = NULL, *state = NULL;
		long long lag;

		if (!src || !dst) {
			PQfinish(src);
			PQfinish(dst);
			return -1;
		}
		migrate_slot_name("kgenius_", o->dbs[k], slot, sizeof(slot));
		lag = lag_bytes(src, o, slot, d);
		state = pg_value(dst, &o->target, d,
				 "SELECT CASE WHEN s.subenabled THEN 'enabled' ELSE 'disabled' END FROM pg_subscription s"
				 " WHERE s.subname = 'kgenius_sub' AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
				 0, NULL);
		errors = pg_value(dst, &o->target, d,
				  "SELECT apply_error_count + sync_error_count FROM pg_stat_subscription_stats"
				  " WHERE subname = 'kgenius_sub'", 0, NULL);
		if (o->json) {
			buf_puts(out, "{\"event\":\"status\",\"source\":");
			json_string(out, o->dbs[k]);
			buf_puts(out, ",\"target\":");
			json_string(out, o->target_dbs[k]);
			buf_printf(out, ",\"slot\":\"%s\",\"slot_active\":%s,\"subscription\":\"%s\",\"lag_bytes\":%lld,"
				   "\"apply_errors\":%lld}\n", slot, lag < 0 ? "false" : "true", state ? state : "missing",
				   lag < 0 ? 0 : lag, errors ? atoll(errors) : 0);
		}
		else
			buf_printf(out, "%s -> %s: slot %s %s, subscription %s, lag %lld bytes, apply errors %s\n", o->dbs[k],
				   o->target_dbs[k], slot, lag < 0 ? "missing" : "active", state ? state : "missing", lag < 0 ? 0 : lag,
				   errors ? errors : "0");
		free(state);
		free(errors);
		PQfinish(src);
		PQfinish(dst);
	}
	return 0;
}

int migrate_run_hook(const char *hook, FILE *events, bool json, struct diags *d)
{
	pid_t pid = fork();
	int status = 0;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* The hook's output goes with the progress on stderr: stdout
		 * carries the report, which may be JSON. */
		if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", hook, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"--hook", 0, 0}, "switch by hand; the data is already on the target",
			 "the hook exited %d", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -1;
	}
	migrate_event(events, json, "hook", "ran: %s", hook);
	return 0;
}

/* Row counts of every table on both sides, which must agree once the target
 * has applied everything. */
static bool counts_agree(PGconn *src, PGconn *dst, const struct migrate_opts *o, size_t *tables, struct diags *d)
{
	struct pg_tables tabs = {NULL, 0};
	bool ok;

	if (pg_list_tables(src, &o->source, d, &tabs) != 0)
		return false;
	ok = true;
	*tables = tabs.n;
	for (size_t i = 0; i < tabs.n && ok; i++) {
		char *sql = NULL, *a, *b;

		if (asprintf(&sql, "SELECT count(*) FROM ONLY %s", tabs.v[i].qname) < 0)
			break;
		a = pg_value(src, &o->source, d, sql, 0, NULL);
		b = pg_value(dst, &o->target, d, sql, 0, NULL);
		if (!a || !b || strcmp(a, b) != 0) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0},
				 "the source stays read-only: run `migrate db verify`, then `abort` to reopen it",
				 "%s has %s rows on the source and %s on the target after catching up", tabs.v[i].qname,
				 a ? a : "?", b ? b : "?");
			ok = false;
		}
		free(a);
		free(b);
		free(sql);
	}
	pg_tables_free(&tabs);
	return ok;
}

bool migrate_set_read_only(PGconn *c, const struct pg_endpoint *ep, const char *db, bool on, struct diags *d)
{
	return pg_exec_naming(c, ep, d, "ALTER DATABASE ", db,
			      on ? " SET default_transaction_read_only = on" : " RESET default_transaction_read_only");
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

bool migrate_wait_caught_up(PGconn *c, const struct pg_endpoint *ep, const char *slot, double timeout, struct diags *d)
{
	char *lsn = pg_value(c, ep, d, "SELECT pg_current_wal_lsn()::text", 0, NULL);
	const char *params[2] = {slot, lsn};
	double deadline = clock_seconds() + timeout;
	bool done = false;

	while (lsn && !done) {
		char *caught = pg_value(c, ep, d,
					"SELECT confirmed_flush_lsn >= $2::pg_lsn FROM pg_replication_slots WHERE slot_name = $1",
					2, params);

		done = caught && caught[0] == 't';
		free(caught);
		if (!done && clock_seconds() > deadline) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){ep->name, 0, 0},
				 "check `migrate db status` for apply errors; `abort` reopens the source",
				 "the subscriber did not confirm %s within %.0f s", lsn, timeout);
			break;
		}
		if (!done)
			pause_ms(20);
	}
	free(lsn);
	return done;
}

static int cutover_db(const struct migrate_opts *o, size_t k, FILE *events, struct cutover_result *res, struct diags *d)
{
	const char *db = o->dbs[k], *tdb = o->target_dbs[k];
	PGconn *src = pg_open(&o->source, db, d), *dst = pg_open(&o->target, tdb, d);
	char slot[64];
	bool read_only = false;
	long long lo_bytes = 0;
	double t0;
	int rc = -1;

	migrate_slot_name("kgenius_", db, slot, sizeof(slot));
	if (!src || !dst || lag_bytes(src, o, slot, d) < 0) {
		if (src && dst)
			diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0}, "run `migrate db start` first",
				 "slot %s does not exist", slot);
		goto out;
	}
	if (o->keep_rollback) {
		char *wal = pg_value(dst, &o->target, d, "SHOW wal_level", 0, NULL);
		bool logical = wal && strcmp(wal, "logical") == 0;

		free(wal);
		if (!logical) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0},
				 "set wal_level = logical on the target (CloudNativePG: postgresql.parameters), or cut over "
				 "without --keep-rollback", "--keep-rollback replicates from the target, whose wal_level is not logical");
			goto out;
		}
	}
	/* Writes stop here: the window is measured from this point. */
	t0 = clock_seconds();
	if (!migrate_set_read_only(src, &o->source, db, true, d))
		goto out;
	read_only = true;
	res->sessions_ended += migrate_end_sessions(src, &o->source, db, d);
	if (!migrate_wait_caught_up(src, &o->source, slot, o->cutover_timeout, d))
		goto out;
	res->caught_up_seconds = clock_seconds() - t0;
	if (!migrate_copy_sequences(src, &o->source, dst, &o->target, &res->sequences, d) ||
	    migrate_copy_large_objects(src, &o->source, dst, &o->target, &res->large_objects, &lo_bytes, d) != 0 ||
	    !counts_agree(src, dst, o, &res->tables, d))
		goto out;
	if (o->keep_rollback && migrate_rollback_setup(o, k, src, dst, events, d) != 0)
		goto out;
	if (!pg_exec(dst, &o->target, d, "DROP SUBSCRIPTION kgenius_sub") ||
	    !pg_exec(src, &o->source, d, "DROP PUBLICATION IF EXISTS kgenius_pub"))
		goto out;
	res->window_seconds = clock_seconds() - t0;
	migrate_event(events, o->events_json, "cutover", "%s -> %s: target caught up %.3f s after writes stopped; %zu sequences "
		      "copied, %zu tables with equal row counts; subscription dropped", db, tdb, res->caught_up_seconds,
		      res->sequences, res->tables);
	rc = 0;
out:
	if (rc != 0 && read_only) {
		/* Back to the old database: it never stopped being complete. */
		PQclear(PQexec(src, "DROP SUBSCRIPTION IF EXISTS kgenius_back_sub"));
		PQclear(PQexec(dst, "DROP PUBLICATION IF EXISTS kgenius_back_pub"));
		migrate_role_write_exception(src, &o->source, db, false, d);
		if (migrate_set_read_only(src, &o->source, db, false, d))
			diag_add(d, DIAG_NOTE, &(struct srcpos){"source", 0, 0}, NULL,
				 "cutover stopped: %s accepts writes again and replication to the target continues", db);
	}
	PQfinish(src);
	PQfinish(dst);
	return rc;
}

int migrate_online_cutover(const struct migrate_opts *o, struct cutover_result *res, FILE *events, struct diags *d)
{
	double t0 = clock_seconds();

	memset(res, 0, sizeof(*res));
	for (size_t k = 0; k < o->ndbs; k++)
		if (cutover_db(o, k, events, res, d) != 0)
			return -1;
	if (o->hook && migrate_run_hook(o->hook, events, o->events_json, d) != 0)
		return -1;
	res->window_seconds = clock_seconds() - t0;
	return 0;
}

/* Drops what kgenius created, ignoring what is already gone. */
static void drop_quietly(PGconn *c, const char *sql)
{
	PQclear(PQexec(c, sql));
}

int migrate_online_abort(const struct migrate_opts *o, FILE *events, struct diags *d)
{
	int rc = 0;

	for (size_t k = 0; k < o->ndbs; k++) {
		PGconn *src = pg_open(&o->source, o->dbs[k], d), *dst = pg_open(&o->target, o->target_dbs[k], d);
		char slot[64], back[64];
		const char *params[2];
		char *left;

		if (!src || !dst) {
			PQfinish(src);
			PQfinish(dst);
			rc = -1;
			continue;
		}
		migrate_slot_name("kgenius_", o->dbs[k], slot, sizeof(slot));
		migrate_slot_name("kgenius_back_", o->dbs[k], back, sizeof(back));
		/* A subscription whose slot is gone cannot be dropped until it lets go of it. */
		drop_quietly(dst, "ALTER SUBSCRIPTION kgenius_sub DISABLE");
		drop_quietly(dst, "ALTER SUBSCRIPTION kgenius_sub SET (slot_name = NONE)");
		drop_quietly(dst, "DROP SUBSCRIPTION IF EXISTS kgenius_sub");
		drop_quietly(src, "ALTER SUBSCRIPTION kgenius_back_sub DISABLE");
		drop_quietly(src, "ALTER SUBSCRIPTION kgenius_back_sub SET (slot_name = NONE)");
		drop_quietly(src, "DROP SUBSCRIPTION IF EXISTS kgenius_back_sub");
		drop_quietly(src, "DROP PUBLICATION IF EXISTS kgenius_pub");
		drop_quietly(dst, "DROP PUBLICATION IF EXISTS kgenius_back_pub");
		params[0] = slot;
		params[1] = back;
		PQclear(PQexecParams(src, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1",
				     1, NULL, params, NULL, NULL, 0));
		PQclear(PQexecParams(dst, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1",
				     1, NULL, params + 1, NULL, NULL, 0));
		drop_quietly(dst, "DROP SCHEMA IF EXISTS kgenius_migrate CASCADE");
		migrate_set_read_only(src, &o->source, o->dbs[k], false, d);
		migrate_role_write_exception(src, &o->source, o->dbs[k], false, d);
		left = pg_value(src, &o->source, d,
				"SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'kgenius\\_%')"
				" + (SELECT count(*) FROM pg_publication WHERE pubname LIKE 'kgenius\\_%')"
				" + (SELECT count(*) FROM pg_subscription WHERE subname LIKE 'kgenius\\_%')", 0, NULL);
		if (!left || strcmp(left, "0") != 0) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0}, NULL,
				 "%s kgenius replication objects are still on the source", left ? left : "some");
			rc = -1;
		}
		free(left);
		migrate_event(events, o->events_json, "abort", "%s -> %s: slots, publications and subscriptions removed; the source "
			      "accepts writes again", o->dbs[k], o->target_dbs[k]);
		PQfinish(src);
		PQfinish(dst);
	}
	return rc;
}
