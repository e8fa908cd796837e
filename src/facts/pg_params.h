/* PostgreSQL settings the server checks at start: their range, their unit,
 * the versions that have them. A setting out of range, with a unit the
 * server does not know, or removed in its version stops the server. */
#ifndef KG_FACTS_PG_PARAMS_H
#define KG_FACTS_PG_PARAMS_H

#include <stdbool.h>

enum pg_param_kind { PG_INT, PG_MEMORY, PG_TIME, PG_REAL, PG_TEXT };   /* PG_TEXT: the value is not checked */

struct pg_param {
	const char *name;
	enum pg_param_kind kind;
	long long unit;            /* the base unit: bytes (memory), microseconds (time), 1 otherwise */
	long long min, max;        /* in base units (pg_settings' min_val and max_val) */
	int since, removed;        /* first major with it (0: before 12), first without it (0: still there) */
	const char *replaced_by;   /* what to write instead, when it was renamed or replaced */
};

/* The setting named name, or NULL when kgenius does not know it. */
const struct pg_param *pg_param_named(const char *name);

enum pg_value_problem { PG_VALUE_OK, PG_VALUE_NOT_A_NUMBER, PG_VALUE_BAD_UNIT, PG_VALUE_BELOW, PG_VALUE_ABOVE };

/* Reads value as the server does (integer or real, then an optional unit:
 * B kB MB GB TB for memory, us ms s min h d for time, case-sensitive) into
 * *base (in base units) and checks the range. */
enum pg_value_problem pg_param_check(const struct pg_param *p, const char *value, double *base);

/* The unit names of a kind, for messages ("kB, MB, GB or TB"). */
const char *pg_units_text(enum pg_param_kind kind);

#endif
