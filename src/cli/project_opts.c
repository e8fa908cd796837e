#include "cli/project_opts.h"

#include <stddef.h>
#include <string.h>

const struct opt_spec project_specs[] = {
	{.name = "file", .short_name = 'f', .arg = "FILE", .kind = OPTION_LIST, .field = offsetof(struct project_args, files),
	 .count_field = offsetof(struct project_args, o.nfiles), .max_count = PROJECT_MAX_REPEAT,
	 .help = "compose file (repeatable, merged in order; - reads stdin);\n"
		 "default: compose.yaml, compose.yml, docker-compose.yml or\n"
		 "docker-compose.yaml, plus its .override file"},
	{.name = "project-directory", .arg = "DIR", .kind = OPTION_STRING,
	 .field = offsetof(struct project_args, o.project_directory),
	 .help = "project directory (default: the first file's directory)"},
	{.name = "env-file", .arg = "FILE", .kind = OPTION_LIST, .field = offsetof(struct project_args, env_files),
	 .count_field = offsetof(struct project_args, o.nenv_files), .max_count = PROJECT_MAX_REPEAT,
	 .help = "variables file instead of DIR/.env (repeatable)"},
	{.name = "profile", .arg = "NAME", .kind = OPTION_LIST, .field = offsetof(struct project_args, profiles),
	 .count_field = offsetof(struct project_args, o.nprofiles), .max_count = PROJECT_MAX_REPEAT,
	 .help = "enable a profile (repeatable; also COMPOSE_PROFILES)"},
	{.name = "project-name", .short_name = 'p', .arg = "NAME", .kind = OPTION_STRING,
	 .field = offsetof(struct project_args, o.project_name),
	 .help = "project name (default: COMPOSE_PROJECT_NAME, name:, the directory)"},
	{.name = NULL},
};

void project_args_init(struct project_args *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->o.files = pa->files;
	pa->o.env_files = pa->env_files;
	pa->o.profiles = pa->profiles;
}
