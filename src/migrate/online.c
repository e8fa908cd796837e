/* The online method: the source keeps serving while the copy runs, and
 * native logical replication carries every change made since.
 *
 *   start    (start.c) publication, slot with its snapshot, the copy in it,
 *            the subscription;
 *   status   lag in bytes, from the slot and the subscription;
 *   cutover  the source database fenced (fence.c), the target waits until
 *            it has applied the source's last LSN, every sequence and large
 *            object is copied, row counts compared (both servers at once),
 *            the subscription stopped, the hook run; the write-unavailability
 *            window is measured from the fence to the end of the hook, step
 *            by step; the subscription and publication are dropped after it;
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
			struct json j;

			json_init(&j, out, false);
			json_object(&j);
			json_member_str(&j, "event", "status");
			json_member_str(&j, "source", o->dbs[k]);
			json_member_str(&j, "target", o->target_dbs[k]);
			json_member_str(&j, "slot", slot);
			json_member_bool(&j, "slot_active", lag >= 0);
			json_member_str(&j, "subscription", state ? state : "missing");
			json_member_int(&j, "lag_bytes", lag < 0 ? 0 : lag);
			json_member_int(&j, "apply_errors", errors ? atoll(errors) : 0);
			json_end(&j);
			buf_putc(out, '\n');
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
 * has applied everything: one query per side, both servers counting at
 * once. */
static char *counts_sql(const struct pg_tables *tabs)
{
	struct buf q = BUF_INIT;
	char *s;

	for (size_t i = 0; i < tabs->n; i++)
		buf_printf(&q, "%sSELECT %zu, count(*) FROM ONLY %s", i ? " UNION ALL " : "", i, tabs->v[i].qname);
	buf_puts(&q, " ORDER BY 1");
	s = q.failed ? NULL : strdup(q.data);
	buf_free(&q);
	return s;
}

static PGresult *wait_result(PGconn *c, const struct pg_endpoint *ep, struct diags *d)
{
	PGresult *r, *first = NULL;

	while ((r = PQgetResult(c)) != NULL) {
		if (!first)
			first = r;
		else
			PQclear(r);
	}
	if (!first || PQresultStatus(first) != PGRES_TUPLES_OK) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){ep->name, 0, 0}, NULL, "counting rows failed: %s", PQerrorMessage(c));
		PQclear(first);
		return NULL;
	}
	return first;
}

static bool counts_agree(PGconn *src, PGconn *dst, const struct migrate_opts *o, size_t *tables, struct diags *d)
{
	struct pg_tables tabs = {NULL, 0};
	PGresult *a = NULL, *b = NULL;
	char *sql;
	bool ok = false;

	if (pg_list_tables(src, &o->source, d, &tabs) != 0)
		return false;
	*tables = tabs.n;
	sql = counts_sql(&tabs);
	if (tabs.n == 0)
		ok = true;
	else if (sql && PQsendQuery(src, sql) && PQsendQuery(dst, sql)) {
		a = wait_result(src, &o->source, d);
		b = wait_result(dst, &o->target, d);
		ok = a && b && PQntuples(a) == (int)tabs.n && PQntuples(b) == (int)tabs.n;
		for (size_t i = 0; ok && i < tabs.n; i++)
			if (strcmp(PQgetvalue(a, (int)i, 1), PQgetvalue(b, (int)i, 1)) != 0) {
				diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0},
					 "run `migrate db verify` to see the rows; the source accepts writes again",
					 "%s has %s rows on the source and %s on the target after catching up", tabs.v[i].qname,
					 PQgetvalue(a, (int)i, 1), PQgetvalue(b, (int)i, 1));
				ok = false;
			}
	}
	PQclear(a);
	PQclear(b);
	free(sql);
	pg_tables_free(&tabs);
	return ok;
}

static bool check_keep_rollback(PGconn *dst, const struct migrate_opts *o, struct diags *d)
{
	char *wal = pg_value(dst, &o->target, d, "SHOW wal_level", 0, NULL);
	bool logical = wal && strcmp(wal, "logical") == 0;

	free(wal);
	if (!logical)
		diag_add(d, DIAG_ERROR, &(struct srcpos){"target", 0, 0},
			 "set wal_level = logical on the target (CloudNativePG: postgresql.parameters), or cut over "
			 "without --keep-rollback", "--keep-rollback replicates from the target, whose wal_level is not logical");
	return logical;
}

/* Seconds since *mark, added to *step; *mark moves on. */
static void lap(double *mark, double *step)
{
	double now = clock_seconds();

	*step += now - *mark;
	*mark = now;
}

/* Inside the window: fence, catch up, sequences, large objects, counts,
 * the way back, the forward subscription stopped. */
static bool switch_db(const struct migrate_opts *o, size_t k, PGconn *src, PGconn *dst, const char *slot, FILE *events,
		      struct cutover_result *res, struct diags *d)
{
	struct cutover_steps *t = &res->steps;
	double mark = clock_seconds(), t0 = mark;
	long long lo_bytes = 0;

	if (!migrate_fence(src, &o->source, o->dbs[k], &res->sessions_ended, d))
		return false;
	lap(&mark, &t->fence);
	if (!migrate_wait_caught_up(src, &o->source, slot, dst, "kgenius_sub", o->cutover_timeout, d))
		return false;
	lap(&mark, &t->catch_up);
	res->caught_up_seconds += mark - t0;
	if (!migrate_copy_sequences(src, &o->source, dst, &o->target, &res->sequences, d) ||
	    migrate_copy_large_objects(src, &o->source, dst, &o->target, &res->large_objects, &lo_bytes, d) != 0)
		return false;
	lap(&mark, &t->sequences);
	if (!counts_agree(src, dst, o, &res->tables, d))
		return false;
	lap(&mark, &t->counts);
	if (o->keep_rollback && migrate_rollback_setup(o, k, src, dst, events, d) != 0)
		return false;
	lap(&mark, &t->rollback_setup);
	/* Disabled now (the apply worker stops before its next transaction, so
	 * nothing replicated back loops forward); dropped after the window. */
	if (!pg_exec(dst, &o->target, d, "ALTER SUBSCRIPTION kgenius_sub DISABLE"))
		return false;
	lap(&mark, &t->subscription);
	return true;
}

static int cutover_db(const struct migrate_opts *o, size_t k, FILE *events, struct cutover_result *res, struct diags *d)
{
	const char *db = o->dbs[k], *tdb = o->target_dbs[k];
	PGconn *src = pg_open(&o->source, db, d), *dst = pg_open(&o->target, tdb, d);
	char slot[64];
	int rc = -1;

	migrate_slot_name("kgenius_", db, slot, sizeof(slot));
	if (!src || !dst || lag_bytes(src, o, slot, d) < 0) {
		if (src && dst)
			diag_add(d, DIAG_ERROR, &(struct srcpos){"source", 0, 0}, "run `migrate db start` first",
				 "slot %s does not exist", slot);
		goto out;
	}
	if (o->keep_rollback && !check_keep_rollback(dst, o, d))
		goto out;
	if (switch_db(o, k, src, dst, slot, events, res, d)) {
		migrate_event(events, o->events_json, "cutover", "%s -> %s: target caught up %.3f s after writes stopped; %zu "
			      "sequences copied, %zu tables with equal row counts; subscription stopped", db, tdb,
			      res->caught_up_seconds, res->sequences, res->tables);
		rc = 0;
		goto out;
	}
	/* Back to the old database: it never stopped being complete. */
	PQclear(PQexec(dst, "ALTER SUBSCRIPTION kgenius_sub ENABLE"));
	PQclear(PQexec(src, "DROP SUBSCRIPTION IF EXISTS kgenius_back_sub"));
	PQclear(PQexec(dst, "DROP PUBLICATION IF EXISTS kgenius_back_pub"));
	migrate_role_write_exception(src, &o->source, db, false, d);
	if (migrate_unfence(src, &o->source, db, d))
		diag_add(d, DIAG_NOTE, &(struct srcpos){"source", 0, 0}, NULL,
			 "cutover stopped: %s accepts writes again and replication to the target continues", db);
out:
	PQfinish(src);
	PQfinish(dst);
	return rc;
}

/* After the window: the forward subscription and publication dropped. */
static int drop_forward(const struct migrate_opts *o, size_t k, struct diags *d)
{
	PGconn *src = pg_open(&o->source, o->dbs[k], d), *dst = pg_open(&o->target, o->target_dbs[k], d);
	bool ok = src && dst && pg_exec(dst, &o->target, d, "DROP SUBSCRIPTION kgenius_sub") &&
		  pg_exec(src, &o->source, d, "DROP PUBLICATION IF EXISTS kgenius_pub");

	PQfinish(src);
	PQfinish(dst);
	return ok ? 0 : -1;
}

int migrate_online_cutover(const struct migrate_opts *o, struct cutover_result *res, FILE *events, struct diags *d)
{
	double t0 = clock_seconds(), mark;

	memset(res, 0, sizeof(*res));
	for (size_t k = 0; k < o->ndbs; k++)
		if (cutover_db(o, k, events, res, d) != 0)
			return -1;
	mark = clock_seconds();
	if (o->hook && migrate_run_hook(o->hook, events, o->events_json, d) != 0)
		return -1;
	res->steps.hook = clock_seconds() - mark;
	res->window_seconds = clock_seconds() - t0;
	for (size_t k = 0; k < o->ndbs; k++)
		if (drop_forward(o, k, d) != 0)
			return -1;
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
		migrate_unfence(src, &o->source, o->dbs[k], d);
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

void cutover_report(const char *action, const struct cutover_result *res, bool json, struct buf *out)
{
	const struct cutover_steps *t = &res->steps;

	if (json) {
		struct json j;
		const struct {
			const char *key;
			double seconds;
		} steps[] = {{"fence", t->fence}, {"catch_up", t->catch_up}, {"sequences", t->sequences},
			     {"counts", t->counts}, {"rollback_setup", t->rollback_setup},
			     {"subscription", t->subscription}, {"hook", t->hook}};

		json_init(&j, out, false);
		json_object(&j);
		json_member_str(&j, "event", action);
		json_member_fixed(&j, "write_unavailable_seconds", res->window_seconds, 3);
		json_member_fixed(&j, "caught_up_seconds", res->caught_up_seconds, 3);
		json_key(&j, "steps");
		json_object(&j);
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			json_member_fixed(&j, steps[i].key, steps[i].seconds, 3);
		json_end(&j);
		json_member_uint(&j, "sequences", res->sequences);
		json_member_uint(&j, "large_objects", res->large_objects);
		json_member_uint(&j, "tables", res->tables);
		json_member_uint(&j, "sessions_ended", res->sessions_ended);
		json_end(&j);
		buf_putc(out, '\n');
		return;
	}
	buf_printf(out, "%s: writes were refused for %.3f s (target caught up in %.3f s); %zu sequences and %zu large objects "
		   "copied, %zu sessions ended\n", action, res->window_seconds, res->caught_up_seconds, res->sequences,
		   res->large_objects, res->sessions_ended);
	if (strcmp(action, "cutover") == 0)
		buf_printf(out, "  fence %.3f s, catch-up %.3f s, sequences and large objects %.3f s, row counts %.3f s, "
			   "way back %.3f s, subscription stopped %.3f s, hook %.3f s\n", t->fence, t->catch_up, t->sequences,
			   t->counts, t->rollback_setup, t->subscription, t->hook);
}
