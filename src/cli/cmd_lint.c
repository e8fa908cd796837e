/* kgenius lint [PATH|-]...: manifests in, findings out. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lint/lint.h"
#include "util/fsio.h"

void help_lint(FILE *out)
{
	fputs("usage: kgenius lint [options] [PATH|-]...\n\n"
	      "Checks Kubernetes manifests (YAML or JSON files, directories, standard input; several\n"
	      "documents per file, List objects, kubectl kustomize output) against the Kubernetes 1.33\n"
	      "schema and the embedded CRD schemas, and against security, reliability, cross-resource and\n"
	      "application rules (Odoo, Keycloak, PostgreSQL). No network access.\n\n"
	      "Options:\n"
	      "  --format human|json|sarif|junit   output (default human; sarif is SARIF 2.1.0)\n"
	      "  --fail-on error|warning|info      exit 1 when a finding is at least this severe (default error)\n"
	      "  --config FILE                     fail-on and per-rule settings (off, error, warning, info)\n"
	      "  -o, --output FILE                 write the report to FILE instead of stdout\n"
	      "  --list-rules                      print every rule with its severity and fix\n\n"
	      "Suppress rules on one object with the annotation\n"
	      "  kgenius.io/ignore: \"SEC011,REL005: the reason\"\n\n"
	      "Exit status: 0 no finding at or above --fail-on, 1 findings, 2 unreadable input or usage.\n", out);
}

enum { OPT_FORMAT = 4000, OPT_FAIL_ON, OPT_CONFIG, OPT_LIST };

static void list_rules(void)
{
	for (const struct rule *r = lint_rules; r->id; r++)
		printf("%s  %-8s %-15s %s; fix: %s\n", r->id, severity_name(r->severity), r->family, r->title, r->remediation);
}

/* To stdout, or to a file through a temporary one and a rename. */
static int write_report(const struct lint_run *r, enum lint_format fmt, bool color, const char *output)
{
	struct atomic_file af;

	if (!output || strcmp(output, "-") == 0)
		return lint_write(r, fmt, color, stdout);
	if (atomic_begin(&af, output, 0644) != 0 || lint_write(r, fmt, color, af.fp) != 0 || atomic_commit(&af) != 0) {
		fprintf(stderr, "%s: error: cannot write the report: %s\n", output, strerror(errno));
		if (af.fp)
			atomic_abort(&af);
		return -1;
	}
	return 0;
}

int cmd_lint(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"fail-on", required_argument, NULL, OPT_FAIL_ON},
		{"config", required_argument, NULL, OPT_CONFIG},
		{"output", required_argument, NULL, 'o'},
		{"list-rules", no_argument, NULL, OPT_LIST},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	enum lint_format fmt = LINT_HUMAN;
	const char *config = NULL, *output = NULL, *fail_on = NULL;
	struct lint_run r;
	struct diags d;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (strcmp(optarg, "human") == 0) fmt = LINT_HUMAN;
			else if (strcmp(optarg, "json") == 0) fmt = LINT_JSON;
			else if (strcmp(optarg, "sarif") == 0) fmt = LINT_SARIF;
			else if (strcmp(optarg, "junit") == 0) fmt = LINT_JUNIT;
			else {
				fprintf(stderr, "kgenius lint: --format must be human, json, sarif or junit\n");
				return KG_EXIT_BAD_INPUT;
			}
			break;
		case OPT_FAIL_ON: fail_on = optarg; break;
		case OPT_CONFIG: config = optarg; break;
		case 'o': output = optarg; break;
		case OPT_LIST: list_rules(); return KG_EXIT_OK;
		case 'h': help_lint(stdout); return KG_EXIT_OK;
		case ':':
			fprintf(stderr, "kgenius lint: option %s needs a value\n", argv[optind - 1]);
			return KG_EXIT_BAD_INPUT;
		default:
			fprintf(stderr, "kgenius lint: unknown option '%s'; see 'kgenius lint --help'\n", argv[optind - 1]);
			return KG_EXIT_BAD_INPUT;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "kgenius lint: name the files or directories to check, or - for standard input\n");
		return KG_EXIT_BAD_INPUT;
	}
	diags_init(&d);
	lint_init(&r, &d);
	if (config && lint_config_load(&r.cfg, config, &d) != 0) {
		cli_report(cli, &d);
		lint_free(&r);
		diags_free(&d);
		return KG_EXIT_BAD_INPUT;
	}
	if (fail_on) {
		if (strcmp(fail_on, "error") == 0) r.cfg.fail_on = SEV_ERROR;
		else if (strcmp(fail_on, "warning") == 0) r.cfg.fail_on = SEV_WARNING;
		else if (strcmp(fail_on, "info") == 0) r.cfg.fail_on = SEV_INFO;
		else {
			fprintf(stderr, "kgenius lint: --fail-on must be error, warning or info\n");
			lint_free(&r);
			diags_free(&d);
			return KG_EXIT_BAD_INPUT;
		}
	}
	for (int i = optind; i < argc; i++)
		lint_path(&r, argv[i]);
	lint_finish(&r);
	rc = cli_report(cli, &d);
	if (rc == KG_EXIT_OK && findings_at_least(&r.findings, r.cfg.fail_on) > 0)
		rc = KG_EXIT_FINDINGS;
	/* an input not read to its end was not checked: never a pass */
	if (r.incomplete && rc != KG_EXIT_ENV)
		rc = KG_EXIT_BAD_INPUT;
	if (write_report(&r, fmt, fmt == LINT_HUMAN && !output && cli->color_out, output) != 0)
		rc = KG_EXIT_ENV;
	lint_free(&r);
	diags_free(&d);
	return rc;
}
