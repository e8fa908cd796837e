/* PostgreSQL's settings that kgenius checks. Sources:
 *   [UNITS]   https://www.postgresql.org/docs/current/config-setting.html ("Valid memory units are B
 *             (bytes), kB, MB, GB, and TB ... Valid time units are us, ms, s, min, h, and d ... Unit names
 *             are case-sensitive")
 *   [RANGES]  pg_settings.min_val/max_val, unit (https://www.postgresql.org/docs/current/view-pg-settings.html);
 *             tests/integration/lint.sh compares every range here with `postgres --describe-config` of the
 *             installed server
 *   [REL13]   https://www.postgresql.org/docs/13/release-13.html (wal_keep_segments replaced by wal_keep_size)
 *   [REL14]   https://www.postgresql.org/docs/14/release-14.html (operator_precedence_warning removed)
 *   [REL15]   https://www.postgresql.org/docs/15/release-15.html (stats_temp_directory removed)
 *   [REL16]   https://www.postgresql.org/docs/16/release-16.html (vacuum_defer_cleanup_age and promote_trigger_file
 *             removed; force_parallel_mode renamed debug_parallel_query)
 *   [REL17]   https://www.postgresql.org/docs/17/release-17.html (old_snapshot_threshold, db_user_namespace and
 *             trace_recovery_messages removed) */
#include "facts/pg_params.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KB 1024LL
#define BLOCK (8 * KB)   /* BLCKSZ of the official images */
#define MS 1000LL
#define S (1000 * MS)
#define MIN (60 * S)
#define I32 2147483647LL

static const struct pg_param params[] = {
	{"autovacuum_max_workers", PG_INT, 1, 1, 262143, 0, 0, NULL},
	{"autovacuum_naptime", PG_TIME, S, 1 * S, 2147483 * S, 0, 0, NULL},
	{"checkpoint_timeout", PG_TIME, S, 30 * S, 86400 * S, 0, 0, NULL},
	{"db_user_namespace", PG_TEXT, 1, 0, 0, 0, 17, NULL},
	{"deadlock_timeout", PG_TIME, MS, 1 * MS, I32 * MS, 0, 0, NULL},
	{"effective_cache_size", PG_MEMORY, BLOCK, 1 * BLOCK, I32 * BLOCK, 0, 0, NULL},
	{"effective_io_concurrency", PG_INT, 1, 0, 1000, 0, 0, NULL},
	{"force_parallel_mode", PG_TEXT, 1, 0, 0, 0, 16, "debug_parallel_query"},
	{"idle_in_transaction_session_timeout", PG_TIME, MS, 0, I32 * MS, 0, 0, NULL},
	{"lock_timeout", PG_TIME, MS, 0, I32 * MS, 0, 0, NULL},
	{"log_min_duration_statement", PG_TIME, MS, -1 * MS, I32 * MS, 0, 0, NULL},
	{"maintenance_work_mem", PG_MEMORY, KB, 1024 * KB, I32 * KB, 0, 0, NULL},
	{"max_connections", PG_INT, 1, 1, 262143, 0, 0, NULL},
	{"max_locks_per_transaction", PG_INT, 1, 10, I32, 0, 0, NULL},
	{"max_parallel_workers", PG_INT, 1, 0, 1024, 0, 0, NULL},
	{"max_parallel_workers_per_gather", PG_INT, 1, 0, 1024, 0, 0, NULL},
	{"max_prepared_transactions", PG_INT, 1, 0, 262143, 0, 0, NULL},
	{"max_replication_slots", PG_INT, 1, 0, 262143, 0, 0, NULL},
	{"max_wal_senders", PG_INT, 1, 0, 262143, 0, 0, NULL},
	{"max_wal_size", PG_MEMORY, KB * KB, 2 * KB * KB, I32 * KB * KB, 0, 0, NULL},
	{"max_worker_processes", PG_INT, 1, 0, 262143, 0, 0, NULL},
	{"min_wal_size", PG_MEMORY, KB * KB, 2 * KB * KB, I32 * KB * KB, 0, 0, NULL},
	{"old_snapshot_threshold", PG_TIME, MIN, -1 * MIN, 86400 * MIN, 0, 17, NULL},
	{"operator_precedence_warning", PG_TEXT, 1, 0, 0, 0, 14, NULL},
	{"promote_trigger_file", PG_TEXT, 1, 0, 0, 0, 16, "pg_ctl promote or pg_promote()"},
	{"random_page_cost", PG_REAL, 1, 0, 0, 0, 0, NULL},
	{"shared_buffers", PG_MEMORY, BLOCK, 16 * BLOCK, 1073741823LL * BLOCK, 0, 0, NULL},
	{"statement_timeout", PG_TIME, MS, 0, I32 * MS, 0, 0, NULL},
	{"stats_temp_directory", PG_TEXT, 1, 0, 0, 0, 15, NULL},
	{"superuser_reserved_connections", PG_INT, 1, 0, 262143, 0, 0, NULL},
	{"temp_buffers", PG_MEMORY, BLOCK, 100 * BLOCK, 1073741823LL * BLOCK, 0, 0, NULL},
	{"trace_recovery_messages", PG_TEXT, 1, 0, 0, 0, 17, NULL},
	{"vacuum_defer_cleanup_age", PG_INT, 1, 0, 1000000, 0, 16, NULL},
	{"wal_buffers", PG_MEMORY, BLOCK, -1 * BLOCK, 262143 * BLOCK, 0, 0, NULL},
	{"wal_keep_segments", PG_INT, 1, 0, I32, 0, 13, "wal_keep_size"},
	{"wal_keep_size", PG_MEMORY, KB * KB, 0, I32 * KB * KB, 13, 0, NULL},
	{"work_mem", PG_MEMORY, KB, 64 * KB, I32 * KB, 0, 0, NULL},
};

const struct pg_param *pg_param_named(const char *name)
{
	for (size_t i = 0; name && i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i].name, name) == 0)
			return &params[i];
	return NULL;
}

static const struct {
	enum pg_param_kind kind;
	const char *name;
	long long factor;          /* in bytes or microseconds */
} units[] = {
	{PG_MEMORY, "B", 1},         {PG_MEMORY, "kB", KB},  {PG_MEMORY, "MB", KB * KB},
	{PG_MEMORY, "GB", KB * KB * KB}, {PG_MEMORY, "TB", KB * KB * KB * KB},
	{PG_TIME, "us", 1},          {PG_TIME, "ms", MS},    {PG_TIME, "s", S},
	{PG_TIME, "min", MIN},       {PG_TIME, "h", 60 * MIN}, {PG_TIME, "d", 24 * 60 * MIN},
};

const char *pg_units_text(enum pg_param_kind kind)
{
	return kind == PG_MEMORY ? "B, kB, MB, GB or TB" : kind == PG_TIME ? "us, ms, s, min, h or d" : "no unit";
}

enum pg_value_problem pg_param_check(const struct pg_param *p, const char *value, double *base)
{
	char *end;
	double v;

	*base = 0;
	if (p->kind == PG_TEXT)
		return PG_VALUE_OK;
	errno = 0;
	v = strtod(value, &end);
	if (end == value || errno || !isfinite(v))
		return PG_VALUE_NOT_A_NUMBER;
	while (*end == ' ')
		end++;
	if (*end) {
		size_t i;

		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (units[i].kind == p->kind && strcmp(units[i].name, end) == 0)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return PG_VALUE_BAD_UNIT;
		v *= (double)units[i].factor;
	} else
		v *= (double)p->unit;  /* no unit: the setting's own */
	*base = v;
	if (p->kind == PG_REAL)
		return v < 0 ? PG_VALUE_BELOW : PG_VALUE_OK;
	if (v < (double)p->min)
		return PG_VALUE_BELOW;
	return v > (double)p->max ? PG_VALUE_ABOVE : PG_VALUE_OK;
}
