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
		return "takes at most 16 databases";
	if (value[0] == '\0' || value[0] == ':' || (colon && colon[1] == '\0'))
		return "takes NAME or NAME:TARGET";
	if (colon)
		*colon = '\0';
	o->dbs[o->ndbs] = value;
	o->target_dbs[o->ndbs++] = colon ? colon + 1 : value;
	return NULL;
}

const struct opt_spec db_specs[] = {
	{.name = "source", .arg = "CONNINFO", .field = offsetof(struct migrate_opts, source.conninfo),
	 .help = "the source server (libpq connection string or URI)"},
	{.name = "target", .arg = "CONNINFO", .field = offsetof(struct migrate_opts, target.conninfo),
	 .help = "the target server"},
	{.name = "db", .arg = "NAME[:TARGET]", .kind = OPTION_CUSTOM,
	 .help = "a database (repeatable); TARGET names it on the target", .parse = parse_db},
	{0},
};

void db_endpoints_init(struct migrate_opts *o)
{
	o->source.name = "source";
	o->target.name = "target";
}
