#include "cli/project_opts.h"

#include <stddef.h>

#define F(field) offsetof(struct project_args, field)
const struct opt_spec project_specs[] = {
	{.name = "file", .short_name = 'f', .arg = "FILE", .kind = OPTION_LIST, .field = F(files),
	 .help = "compose file (repeatable, merged in order; - reads stdin);\n"
		 "default: compose.yaml, compose.yml, docker-compose.yml or\n"
		 "docker-compose.yaml, plus its .override file",
	 .count_field = F(o.nfiles), .max_count = PROJECT_MAX_REPEAT},
	{.name = "project-directory", .arg = "DIR", .field = F(o.project_directory),
	 .help = "project directory (default: the first file's directory)"},
	{.name = "env-file", .arg = "FILE", .kind = OPTION_LIST, .field = F(env_files),
	 .help = "variables file instead of DIR/.env (repeatable)", .count_field = F(o.nenv_files),
	 .max_count = PROJECT_MAX_REPEAT},
	{.name = "profile", .arg = "NAME", .kind = OPTION_LIST, .field = F(profiles),
	 .help = "enable a profile (repeatable; also COMPOSE_PROFILES)", .count_field = F(o.nprofiles),
	 .max_count = PROJECT_MAX_REPEAT},
	{.name = "project-name", .short_name = 'p', .arg = "NAME", .field = F(o.project_name),
	 .help = "project name (default: COMPOSE_PROJECT_NAME, name:, the directory)"},
	{0},
};
#undef F

void project_args_init(struct project_args *pa)
{
	pa->o.files = pa->files;
	pa->o.env_files = pa->env_files;
	pa->o.profiles = pa->profiles;
}
