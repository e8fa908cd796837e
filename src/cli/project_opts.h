/* The options that name a Compose project, shared by every command that
 * reads one (compose config, convert): one section of their option tables. */
#ifndef KG_CLI_PROJECT_OPTS_H
#define KG_CLI_PROJECT_OPTS_H

#include "compose/project.h"
#include "util/options.h"

#define PROJECT_MAX_REPEAT 64

struct project_args {
	const char *files[PROJECT_MAX_REPEAT];
	const char *env_files[PROJECT_MAX_REPEAT];
	const char *profiles[PROJECT_MAX_REPEAT];
	struct compose_options o;
};

/* Fields relative to struct project_args. */
extern const struct opt_spec project_specs[];

void project_args_init(struct project_args *pa);

#endif
