#include "cli/db_opts.h"

#include <stddef.h>
#include <string.h>

const char *const report_formats[] = {"text", "json", NULL};

/* --db NAME[:TARGET]: the database on the source, and its name on the target
 * when it differs. */
static const char *parse_db(void *section, char *value)
{
	struct migrate_opts *o = section;
	char *colon = strchr(value, ':');

	if (o->ndbs == MIGRATE_MAX_DBS)
		return "is given more than 16 times, the most it takes";
	if (value[0] == '\0' || value[0] == ':' || (colon && colon[1] == '\0'))
		return "takes NAME or NAME:TARGET";
	if (colon)
		*colon = '\0';
	o->dbs[o->ndbs] = value;
	o->target_dbs[o->ndbs++] = colon ? colon + 1 : value;
	return NULL;
}

const struct opt_spec db_specs[] = {
	{.name = "source", .arg = "CONNINFO", .kind = OPTION_STRING, .field = offsetof(struct migrate_opts, source.conninfo),
	 .help = "the source server (libpq connection string or URI)"},
	{.name = "target", .arg = "CONNINFO", .kind = OPTION_STRING, .field = offsetof(struct migrate_opts, target.conninfo),
	 .help = "the target server"},
	{.name = "db", .arg = "NAME[:TARGET]", .kind = OPTION_CUSTOM, .parse = parse_db,
	 .help = "a database (repeatable); TARGET names it on the target"},
	{.name = NULL},
};
