/* The options that name a Compose project, shared by every command that
 * reads one (compose config, convert). */
#ifndef KG_CLI_PROJECT_OPTS_H
#define KG_CLI_PROJECT_OPTS_H

#include <getopt.h>
#include <stdbool.h>

#include "compose/project.h"

#define PROJECT_MAX_REPEAT 64

struct project_args {
	const char *files[PROJECT_MAX_REPEAT];
	const char *env_files[PROJECT_MAX_REPEAT];
	const char *profiles[PROJECT_MAX_REPEAT];
	struct compose_options o;
};

/* getopt_long values of the project options (negative values are free for
 * the command's own). */
enum {
	POPT_FILE = 'f',
	POPT_PROJECT_NAME = 'p',
	POPT_ENV_FILE = 1000,
	POPT_PROJECT_DIR,
	POPT_PROFILE,
};

extern const struct option project_long_options[];
extern const char project_short_options[];
extern const char project_options_help[];

void project_args_init(struct project_args *pa, char **environ_);
/* Handles one project option; returns 1 when handled, 0 when c is not a
 * project option, -1 on a usage error (reported). */
int project_opt(struct project_args *pa, int c, const char *arg, const char *command);
/* Joins project_long_options and the command's own into out (NULL-terminated). */
void project_merge_options(struct option *out, size_t cap, const struct option *own);

#endif
