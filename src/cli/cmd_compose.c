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
	{.name = "format", .kind = OPTION_ENUM, .field = F(format), .help = "output format", .choices = formats},
	{.name = "output", .short_name = 'o', .arg = "FILE", .field = F(output),
	 .help = "write to FILE (atomically, mode 0600) instead of stdout"},
	{.name = "show-secrets", .kind = OPTION_FLAG, .field = F(show_secrets),
	 .help = "print credential values; by default the values of variables\n"
		 "named like *PASSWORD*, *SECRET*, *TOKEN*, *_KEY and passwords\n"
		 "inside URLs are printed as <redacted>"},
	{.name = "quiet-output", .kind = OPTION_FLAG, .field = F(no_output),
	 .help = "validate only; print nothing but diagnostics"},
	{0},
};
#undef F

static void compose_args_init(void *args)
{
	project_args_init(&((struct compose_args *)args)->pa);
}

const struct opt_command compose_command = {
	"compose",
	"usage: kgenius compose [options] config\n\n"
	"Loads the Compose project and prints the fully resolved model: variables\n"
	"interpolated, files merged, extends and profiles applied, env_file contents\n"
	"inlined, every short syntax in its long form, relative paths made absolute.\n"
	"Literal dollar signs print as $$, so the output reads back unchanged.\n",
	(const struct opt_section[]){{"Project options", project_specs, offsetof(struct compose_args, pa)},
				     {"Options", compose_specs, 0},
				     {NULL, NULL, 0}},
	"\nExit status: 0 valid (warnings allowed), 2 invalid project, 3 cannot write.\n",
	sizeof(struct compose_args), compose_args_init,
};

/* In the order of enum yaml_format: the first is the default. */
_Static_assert(sizeof(enum yaml_format) == sizeof(int) && FMT_YAML == 0, "--format is stored as int");

int cmd_compose(struct cli *cli, void *args, int nops, char **ops)
{
	struct compose_args *a = args;
	struct compose_project p;
	struct diags d;
	struct buf out = BUF_INIT;
	int rc;

	if (nops == 0)
		return opt_usage_error(&compose_command, "missing subcommand; try 'kgenius compose config'");
	if (strcmp(ops[0], "config") != 0)
		return opt_usage_error(&compose_command, "the subcommand is config, not '%s'", ops[0]);
	if (nops > 1)
		return opt_usage_error(&compose_command, "unexpected argument '%s'", ops[1]);
	a->pa.o.environ_ = cli->environ_;
	diags_init(&d);
	rc = compose_load(&p, &a->pa.o, &d);
	if (rc == 0 && !a->show_secrets && redact_model(&p.arena, p.model) < 0)
		diag_add(&d, DIAG_ERROR, NULL, NULL, "out of memory while redacting secrets");
	if (rc == 0 && compose_escape_dollars(&p.arena, p.model) < 0)
		diag_add(&d, DIAG_ERROR, NULL, NULL, "out of memory while escaping dollar signs");
	if (rc == 0 && !d.errors && !a->no_output && yaml_emit(&out, p.model, (enum yaml_format)a->format) != 0)
		diag_add(&d, DIAG_ERROR, NULL, NULL, "out of memory while writing the model");
	rc = cli_report(cli, &d);
	if (rc == KG_EXIT_OK && !a->no_output)
		rc = cli_write_output(a->output, buf_cstr(&out), out.len, 0600);
	buf_free(&out);
	compose_free(&p);
	diags_free(&d);
	return rc;
}
