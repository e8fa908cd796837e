#include "cli/project_opts.h"

#include <stdio.h>
#include <string.h>

const struct option project_long_options[] = {
	{"file", required_argument, NULL, POPT_FILE},
	{"env-file", required_argument, NULL, POPT_ENV_FILE},
	{"project-directory", required_argument, NULL, POPT_PROJECT_DIR},
	{"profile", required_argument, NULL, POPT_PROFILE},
	{"project-name", required_argument, NULL, POPT_PROJECT_NAME},
	{NULL, 0, NULL, 0},
};

const char project_short_options[] = "f:p:";

const char project_options_help[] =
	"  -f, --file FILE            compose file (repeatable, merged in order; - reads stdin);\n"
	"                             default: compose.yaml, compose.yml, docker-compose.yml or\n"
	"                             docker-compose.yaml, plus its .override file\n"
	"  --project-directory DIR    project directory (default: the first file's directory)\n"
	"  --env-file FILE            variables file instead of DIR/.env (repeatable)\n"
	"  --profile NAME             enable a profile (repeatable; also COMPOSE_PROFILES)\n"
	"  -p, --project-name NAME    project name (default: COMPOSE_PROJECT_NAME, name:, the directory)\n";

void project_args_init(struct project_args *pa, char **environ_)
{
	memset(pa, 0, sizeof(*pa));
	pa->o.files = pa->files;
	pa->o.env_files = pa->env_files;
	pa->o.profiles = pa->profiles;
	pa->o.environ_ = environ_;
}

static int add(const char **v, size_t *n, const char *value, const char *opt, const char *command)
{
	if (*n == PROJECT_MAX_REPEAT) {
		fprintf(stderr, "kgenius %s: too many %s options (at most %d)\n", command, opt, PROJECT_MAX_REPEAT);
		return -1;
	}
	v[(*n)++] = value;
	return 1;
}

int project_opt(struct project_args *pa, int c, const char *arg, const char *command)
{
	switch (c) {
	case POPT_FILE: return add(pa->files, &pa->o.nfiles, arg, "-f", command);
	case POPT_ENV_FILE: return add(pa->env_files, &pa->o.nenv_files, arg, "--env-file", command);
	case POPT_PROFILE: return add(pa->profiles, &pa->o.nprofiles, arg, "--profile", command);
	case POPT_PROJECT_DIR: pa->o.project_directory = arg; return 1;
	case POPT_PROJECT_NAME: pa->o.project_name = arg; return 1;
	default: return 0;
	}
}

void project_merge_options(struct option *out, size_t cap, const struct option *own)
{
	size_t n = 0;

	for (const struct option *o = project_long_options; o->name && n + 1 < cap; o++)
		out[n++] = *o;
	for (const struct option *o = own; o->name && n + 1 < cap; o++)
		out[n++] = *o;
	memset(&out[n], 0, sizeof(out[n]));
}
