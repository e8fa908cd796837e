/* The options that name the databases to move or compare (migrate db,
 * verify): one section of their option tables. */
#ifndef KG_CLI_DB_OPTS_H
#define KG_CLI_DB_OPTS_H

#include "migrate/migrate.h"
#include "util/options.h"

/* --source, --target, --db; fields relative to struct migrate_opts. */
extern const struct opt_spec db_specs[];

/* The report formats of migrate and verify, in the order of enum report_format. */
enum report_format { REPORT_TEXT, REPORT_JSON };
extern const char *const report_formats[];

#endif
