/* kgenius lint [PATH|-]...: manifests in, findings out. */
#include <errno.h>
#include <spawn.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lint/flows.h"
#include "lint/lint.h"
#include "util/fsio.h"

struct lint_args {
	int format;                /* enum lint_format */
	int fail_on;               /* enum severity */
	bool fail_on_given;        /* else the --config file's, else lint's default */
	const char *config, *output;
	bool flows;
	int controller;            /* index in controllers: 0 from the set */
	const char *controller_ns;
	const char *prometheus_ns;
};

_Static_assert(sizeof(enum lint_format) == sizeof(int) && sizeof(enum severity) == sizeof(int) && LINT_HUMAN == 0,
	       "enum options are stored as int");

/* In the order of enum lint_format (the first is the default) and enum severity. */
static const char *const formats[] = {"human", "json", "sarif", "junit", "dot", "svg", NULL};
enum { FORMAT_DOT = 4, FORMAT_SVG = 5 };   /* --flows only */
static const char *const controllers[] = {"auto", "traefik", "nginx", "cilium", NULL};
static const char *const severities[] = {"info", "warning", "error", NULL};

static void list_rules(void)
{
	for (const struct rule *r = lint_rules; r->id; r++)
		printf("%s  %-8s %-15s %s; fix: %s\n", r->id, severity_name(r->severity), r->family, r->title, r->remediation);
}

#define F(field) offsetof(struct lint_args, field)
static const struct opt_spec lint_specs[] = {
	{.name = "format", .kind = OPTION_ENUM, .field = F(format),
	 .help = "report format; sarif is SARIF 2.1.0, junit is JUnit XML;\nwith --flows: human, json, dot (Graphviz) or svg (needs dot)",
	 .choices = formats},
	{.name = "fail-on", .kind = OPTION_ENUM, .field = F(fail_on),
	 .help = "exit 1 when a finding is at least this severe", .choices = severities, .track_given = true,
	 .given_field = F(fail_on_given)},
	{.name = "config", .arg = "FILE", .field = F(config),
	 .help = "fail-on and per-rule settings (off, error, warning, info)"},
	{.name = "output", .short_name = 'o', .arg = "FILE", .field = F(output),
	 .help = "write the report to FILE instead of stdout"},
	{.name = "list-rules", .kind = OPTION_ACTION, .help = "print every rule with its severity and fix",
	 .action = list_rules},
	{.name = "flows", .kind = OPTION_FLAG, .field = F(flows),
	 .help = "print the flows the stack needs, ALLOWED or BLOCKED and why,\nand who can reach whom, instead of the findings"},
	{.name = "controller", .kind = OPTION_ENUM, .field = F(controller), .choices = controllers,
	 .help = "the ingress controller the routes go through (auto: the\nset's ingress class, else traefik)"},
	{.name = "controller-namespace", .arg = "NS", .field = F(controller_ns),
	 .help = "where its pods run (default traefik, ingress-nginx;\nCilium's proxy is not a pod)"},
	{.name = "prometheus-namespace", .arg = "NS", .field = F(prometheus_ns),
	 .help = "where Prometheus runs, for the scrapes the monitors need\n(default kube-prometheus-stack, as DigitalOcean's 1-Click installs it)"},
	{0},
};
#undef F

/* lint's own default, which a --config file may change. */
static void lint_args_init(void *args)
{
	struct lint_config cfg;

	lint_config_init(&cfg);
	((struct lint_args *)args)->fail_on = (int)cfg.fail_on;
}

const struct opt_command lint_command = {
	"lint",
	"usage: kgenius lint [options] [PATH|-]...\n\n"
	"Checks Kubernetes manifests (YAML or JSON files, directories, standard input; several\n"
	"documents per file, List objects, kubectl kustomize output) against the Kubernetes 1.33\n"
	"schema and the embedded CRD schemas, and against security, reliability, cross-resource and\n"
	"application rules (Odoo, Keycloak, PostgreSQL). No network access.\n",
	(const struct opt_section[]){{"Options", lint_specs, 0}, {NULL, NULL, 0}},
	"\nSuppress rules on one object with the annotation\n"
	"  kgenius.io/ignore: \"SEC011,REL005: the reason\"\n\n"
	"Exit status: 0 no finding at or above --fail-on, 1 findings (with --flows: a required flow\n"
	"is blocked), 2 unreadable input or usage, 3 the report could not be written.\n",
	sizeof(struct lint_args), lint_args_init,
};


/* The report, or with --flows the flows in their format. */
static int write_any(const struct lint_run *r, const struct lint_args *a, bool color, FILE *fp)
{
	if (!a->flows)
		return lint_write(r, (enum lint_format)a->format, color, fp);
	return flows_write(r, a->format == LINT_JSON ? FLOWS_JSON : a->format == FORMAT_DOT ? FLOWS_DOT : FLOWS_TEXT, fp);
}

/* To stdout, or to a file through a temporary one and a rename. */
static int write_report(const struct lint_run *r, const struct lint_args *a, bool color, const char *output)
{
	struct atomic_file af;

	if (!output || strcmp(output, "-") == 0)
		return write_any(r, a, color, stdout);
	if (atomic_begin(&af, output, 0644) != 0 || write_any(r, a, color, af.fp) != 0 || atomic_commit(&af) != 0) {
		fprintf(stderr, "%s: error: cannot write the report: %s\n", output, strerror(errno));
		if (af.fp)
			atomic_abort(&af);
		return -1;
	}
	return 0;
}

/* The DOT picture through Graphviz's dot: to stdout, or to -o through a
 * temporary file and a rename. */
static int write_svg(const struct lint_run *r, const struct lint_args *a)
{
	char dot_file[] = "/tmp/kgenius-flows.XXXXXX", svg[4096];
	bool to_file = a->output && strcmp(a->output, "-") != 0;
	int fd = mkstemp(dot_file), status = 0;
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	char *argv[] = {"dot", "-Tsvg", dot_file, to_file ? "-o" : NULL, svg, NULL};
	pid_t pid;

	snprintf(svg, sizeof(svg), "%s.tmp", to_file ? a->output : "");
	if (!fp || flows_write(r, FLOWS_DOT, fp) != 0 || fclose(fp) != 0) {
		fprintf(stderr, "kgenius lint: error: cannot write the picture: %s\n", strerror(errno));
		if (fd >= 0)
			unlink(dot_file);
		return -1;
	}
	fflush(stdout);
	if (posix_spawnp(&pid, "dot", NULL, NULL, argv, environ) != 0 || waitpid(pid, &status, 0) < 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "kgenius lint: error: Graphviz's dot could not draw the picture (is graphviz installed?); "
				"--format dot writes the graph without it\n");
		status = -1;
	} else if (to_file && rename(svg, a->output) != 0) {
		fprintf(stderr, "%s: error: cannot write the picture: %s\n", a->output, strerror(errno));
		status = -1;
	}
	if (status && to_file)
		unlink(svg);
	unlink(dot_file);
	return status ? -1 : 0;
}

int cmd_lint(struct cli *cli, void *args, int nops, char **ops)
{
	struct lint_args *a = args;
	struct lint_run r;
	struct diags d;
	int rc;

	if (nops == 0)
		return opt_usage_error(&lint_command, "name the files or directories to check, or - for standard input");
	if (a->flows ? a->format == LINT_SARIF || a->format == LINT_JUNIT : a->format >= FORMAT_DOT)
		return opt_usage_error(&lint_command, a->flows ? "--flows writes human, json, dot or svg"
							       : "--format dot and svg go with --flows");
	diags_init(&d);
	lint_init(&r, &d);
	if (a->config && lint_config_load(&r.cfg, a->config, &d) != 0) {
		cli_report(cli, &d);
		lint_free(&r);
		diags_free(&d);
		return KG_EXIT_BAD_INPUT;
	}
	if (a->fail_on_given)
		r.cfg.fail_on = (enum severity)a->fail_on;
	r.controller = a->controller ? controllers[a->controller] : NULL;
	r.controller_ns = a->controller_ns;
	r.prometheus_ns = a->prometheus_ns;
	r.want_flows = a->flows;
	for (int i = 0; i < nops; i++)
		lint_path(&r, ops[i]);
	lint_finish(&r);
	rc = cli_report(cli, &d);
	if (rc == KG_EXIT_OK && (a->flows ? r.index.flows && r.index.flows->counts[NP_BLOCKED] > 0
					: findings_at_least(&r.findings, r.cfg.fail_on) > 0))
		rc = KG_EXIT_FINDINGS;
	/* an input not read to its end was not checked: never a pass */
	if (r.incomplete && rc != KG_EXIT_ENV)
		rc = KG_EXIT_BAD_INPUT;
	if (a->format == FORMAT_SVG ? write_svg(&r, a) != 0
				    : write_report(&r, a, a->format == LINT_HUMAN && !a->output && cli->color_out, a->output) != 0)
		rc = KG_EXIT_ENV;
	lint_free(&r);
	diags_free(&d);
	return rc;
}
