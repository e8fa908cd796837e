/* kgenius compose config: the resolved Compose model, like `docker compose config`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/project_opts.h"
#include "compose/project.h"
#include "model/secrets.h"
#include "util/buf.h"
#include "yaml/emit.h"

void help_compose(FILE *out)
{
	fputs("usage: kgenius compose [options] config\n\n"
	      "Loads the Compose project and prints the fully resolved model: variables\n"
	      "interpolated, files merged, extends and profiles applied, env_file contents\n"
	      "inlined, every short syntax in its long form, relative paths made absolute.\n"
	      "Literal dollar signs print as $$, so the output reads back unchanged.\n\n"
	      "Options:\n", out);
	fputs(project_options_help, out);
	fputs("  --format yaml|json         output format (default yaml)\n"
	      "  -o, --output FILE          write to FILE (atomically, mode 0600) instead of stdout\n"
	      "  --show-secrets             print credential values; by default the values of variables\n"
	      "                             named like *PASSWORD*, *SECRET*, *TOKEN*, *_KEY and passwords\n"
	      "                             inside URLs are printed as <redacted>\n"
	      "  --quiet-output             validate only; print nothing but diagnostics\n\n"
	      "Exit status: 0 valid (warnings allowed), 2 invalid project, 3 cannot write.\n", out);
}

struct compose_args {
	struct project_args pa;
	const char *output;
	enum yaml_format format;
	bool show_secrets;
	bool no_output;
};

enum { OPT_FORMAT = 2000, OPT_SHOW_SECRETS, OPT_QUIET_OUTPUT };

static int parse_args(int argc, char **argv, struct compose_args *a, const char **sub)
{
	static const struct option own[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"show-secrets", no_argument, NULL, OPT_SHOW_SECRETS},
		{"quiet-output", no_argument, NULL, OPT_QUIET_OUTPUT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct option opts[32];
	char shortopts[32];
	int c, r;

	project_merge_options(opts, sizeof(opts) / sizeof(opts[0]), own);
	snprintf(shortopts, sizeof(shortopts), ":%so:h", project_short_options);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		r = project_opt(&a->pa, c, optarg, "compose");
		if (r < 0)
			return KG_EXIT_BAD_INPUT;
		if (r > 0)
			continue;
		switch (c) {
		case 'o': a->output = optarg; break;
		case OPT_SHOW_SECRETS: a->show_secrets = true; break;
		case OPT_QUIET_OUTPUT: a->no_output = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "yaml") == 0)
				a->format = FMT_YAML;
			else if (strcmp(optarg, "json") == 0)
				a->format = FMT_JSON;
			else {
				fprintf(stderr, "kgenius compose: --format must be yaml or json\n");
				return KG_EXIT_BAD_INPUT;
			}
			break;
		case 'h':
			help_compose(stdout);
			return -1;
		case ':':
			fprintf(stderr, "kgenius compose: option %s needs a value\n", argv[optind - 1]);
			return KG_EXIT_BAD_INPUT;
		default:
			fprintf(stderr, "kgenius compose: unknown option '%s'; see 'kgenius compose --help'\n",
				argv[optind - 1]);
			return KG_EXIT_BAD_INPUT;
		}
	}
	*sub = optind < argc ? argv[optind] : NULL;
	if (optind + 1 < argc) {
		fprintf(stderr, "kgenius compose: unexpected argument '%s'\n", argv[optind + 1]);
		return KG_EXIT_BAD_INPUT;
	}
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

	memset(&a, 0, sizeof(a));
	project_args_init(&a.pa, cli->environ_);
	rc = parse_args(argc, argv, &a, &sub);
	if (rc < 0)
		return KG_EXIT_OK;
	if (rc)
		return rc;
	if (!sub || strcmp(sub, "config") != 0) {
		fprintf(stderr, sub ? "kgenius compose: unknown subcommand '%s'; the subcommand is config\n"
				    : "kgenius compose: missing subcommand%s; try 'kgenius compose config'\n",
			sub ? sub : "");
		return KG_EXIT_BAD_INPUT;
	}
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
