/* kgenius compose config: the resolved Compose model, like `docker compose config`. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/project_opts.h"
#include "compose/project.h"
#include "model/secrets.h"
#include "util/buf.h"
#include "yaml/emit.h"

struct compose_args {
	struct project_args pa;
	const char *output;
	int format;                /* enum yaml_format */
	bool show_secrets;
	bool no_output;
};

static const char *const formats[] = {"yaml", "json", NULL};

#define F(field) offsetof(struct compose_args, field)
static const struct opt_spec compose_specs[] = {
	{.name = "format", .kind = OPTION_ENUM, .field = F(format), .choices = formats, .help = "output format"},
	{.name = "output", .short_name = 'o', .arg = "FILE", .kind = OPTION_STRING, .field = F(output),
	 .help = "write to FILE (atomically, mode 0600) instead of stdout"},
	{.name = "show-secrets", .kind = OPTION_FLAG, .field = F(show_secrets),
	 .help = "print credential values; by default the values of variables\n"
		 "named like *PASSWORD*, *SECRET*, *TOKEN*, *_KEY and passwords\n"
		 "inside URLs are printed as <redacted>"},
	{.name = "quiet-output", .kind = OPTION_FLAG, .field = F(no_output),
	 .help = "validate only; print nothing but diagnostics"},
	{.name = NULL},
};
#undef F

static const struct opt_section compose_sections[] = {
	{"Project options", project_specs, offsetof(struct compose_args, pa)},
	{"Options", compose_specs, 0},
	{NULL, NULL, 0},
};

static void compose_args_init(void *args)
{
	struct compose_args *a = args;

	memset(a, 0, sizeof(*a));
	project_args_init(&a->pa);
	a->format = FMT_YAML;
}

const struct opt_command compose_command = {
	.name = "compose",
	.synopsis = "usage: kgenius compose [options] config\n\n"
		    "Loads the Compose project and prints the fully resolved model: variables\n"
		    "interpolated, files merged, extends and profiles applied, env_file contents\n"
		    "inlined, every short syntax in its long form, relative paths made absolute.\n"
		    "Literal dollar signs print as $$, so the output reads back unchanged.\n",
	.sections = compose_sections,
	.epilogue = "\nExit status: 0 valid (warnings allowed), 2 invalid project, 3 cannot write.\n",
	.args_size = sizeof(struct compose_args),
	.init = compose_args_init,
};

_Static_assert(sizeof(enum yaml_format) == sizeof(int), "--format is stored as int");

void help_compose(FILE *out)
{
	opt_help_defaults(out, &compose_command);
}

static int parse_args(int argc, char **argv, struct compose_args *a, const char **sub)
{
	int rc, operands;

	rc = opt_parse(&compose_command, a, argc, argv, &operands);
	if (rc)
		return rc;
	*sub = operands < argc ? argv[operands] : NULL;
	if (operands + 1 < argc)
		return opt_usage_error(&compose_command, "unexpected argument '%s'", argv[operands + 1]);
	return KG_EXIT_OK;
}

int cmd_compose(struct cli *cli, int argc, char **argv)
{
	struct compose_args a;
	struct compose_project p;
	struct diags d;
	struct buf out = BUF_INIT;
	const char *sub = NULL;
	int rc;

	rc = parse_args(argc, argv, &a, &sub);
	if (rc == OPT_HELP_SHOWN)
		return KG_EXIT_OK;
	if (rc)
		return rc;
	if (!sub || strcmp(sub, "config") != 0) {
		fprintf(stderr, sub ? "kgenius compose: unknown subcommand '%s'; the subcommand is config\n"
				    : "kgenius compose: missing subcommand%s; try 'kgenius compose config'\n",
			sub ? sub : "");
		return KG_EXIT_BAD_INPUT;
	}
	a.pa.o.environ_ = cli->environ_;
	diags_init(&d);
	rc = compose_load(&p, &a.pa.o, &d);
	if (rc == 0 && !a.show_secrets && redact_model(&p.arena, p.model) < 0)
		diag_add(&d, DIAG_ERROR, NULL, NULL, "out of memory while redacting secrets");
	if (rc == 0 && compose_escape_dollars(&p.arena, p.model) < 0)
		diag_add(&d, DIAG_ERROR, NULL, NULL, "out of memory while escaping dollar signs");
	if (rc == 0 && !d.errors && !a.no_output && yaml_emit(&out, p.model, a.format) != 0)
		diag_add(&d, DIAG_ERROR, NULL, NULL, "out of memory while writing the model");
	rc = cli_report(cli, &d);
	if (rc == KG_EXIT_OK && !a.no_output)
		rc = cli_write_output(a.output, buf_cstr(&out), out.len, 0600);
	buf_free(&out);
	compose_free(&p);
	diags_free(&d);
	return rc;
}
