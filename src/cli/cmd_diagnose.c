/* kgenius diagnose [--manifests DIR] [--compose FILE] [--live] [INPUT...]:
 * failure output in, ranked causes out. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "compose/project.h"
#include "diagnose/diagnose.h"
#include "util/buf.h"

#define DIAGNOSE_MAX_FILES 16

struct diagnose_args {
	const char *manifests, *namespace_, *kubectl, *output;
	const char *compose[DIAGNOSE_MAX_FILES], *env_files[DIAGNOSE_MAX_FILES];
	size_t ncompose, nenv;
	bool live;
	int fmt;                   /* enum dx_format */
};

_Static_assert(sizeof(enum dx_format) == sizeof(int) && DX_HUMAN == 0, "--format is stored as int");

/* In the order of enum dx_format: the first is the default. */
static const char *const formats[] = {"human", "json", NULL};

static void list_kb(void)
{
	for (const struct dx_entry *e = dx_kb; e->id; e++)
		printf("%-28s %-12s %-14s %s; fix: %s\n", e->id, dx_level_name(e->level), e->category, e->title, e->fix);
}

#define F(field) offsetof(struct diagnose_args, field)
static const struct opt_spec diagnose_specs[] = {
	{.name = "manifests", .arg = "PATH", .field = F(manifests),
	 .help = "the Kubernetes manifests (file or directory): name the line that causes\n"
		 "each failure; alone, predict the failures they will cause"},
	{.name = "compose", .arg = "FILE", .kind = OPTION_LIST, .field = F(compose),
	 .help = "the Compose project (repeatable, like -f): the same, for Compose", .count_field = F(ncompose),
	 .max_count = DIAGNOSE_MAX_FILES},
	{.name = "env-file", .arg = "FILE", .kind = OPTION_LIST, .field = F(env_files),
	 .help = "the .env of the Compose project (repeatable)", .count_field = F(nenv),
	 .max_count = DIAGNOSE_MAX_FILES},
	{.name = "live", .kind = OPTION_FLAG, .field = F(live),
	 .help = "run kubectl: pods, events, claims, autoscalers and the logs of\n"
		 "failing containers in the current context"},
	{.name = "namespace", .short_name = 'n', .arg = "NS", .field = F(namespace_),
	 .help = "with --live: this namespace (default: all)"},
	{.name = "kubectl", .arg = "PATH", .field = F(kubectl),
	 .help = "with --live: the kubectl to run (default: kubectl on PATH)"},
	{.name = "format", .kind = OPTION_ENUM, .field = F(fmt), .help = "report format", .choices = formats},
	{.name = "output", .short_name = 'o', .arg = "FILE", .field = F(output),
	 .help = "write the report to FILE instead of stdout"},
	{.name = "list", .kind = OPTION_ACTION, .help = "print the knowledge base: every failure kind it recognises",
	 .action = list_kb},
	{0},
};
#undef F

const struct opt_command diagnose_command = {
	"diagnose",
	"usage: kgenius diagnose [options] [INPUT|-]...\n\n"
	"Explains why a deployment fails. INPUT is saved output in any of these forms, alone or\n"
	"pasted together: kubectl get pods|events (tables, -o json, -o yaml), kubectl describe\n"
	"pod|pvc|ingress, container logs (plain, JSON lines, Java stack traces, docker compose logs).\n"
	"With no INPUT and no --live, standard input is read unless --manifests or --compose is given.\n",
	(const struct opt_section[]){{"Options", diagnose_specs, 0}, {NULL, NULL, 0}},
	"\nExit status: 0 no problem found, 1 problems found (or predicted), 2 unreadable input or\n"
	"usage, 3 kubectl or the environment failed.\n",
	sizeof(struct diagnose_args), NULL,
};


static int load_compose(struct cli *cli, struct dx_run *run, const struct diagnose_args *a, struct diags *d)
{
	struct compose_project p;
	struct compose_options o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.files = a->compose;
	o.nfiles = a->ncompose;
	o.env_files = a->nenv ? a->env_files : NULL;
	o.nenv_files = a->nenv;
	o.environ_ = cli->environ_;
	rc = compose_load(&p, &o, d);
	if (rc == 0)
		rc = dx_compose(run, &p);
	compose_free(&p);
	return rc;
}

int cmd_diagnose(struct cli *cli, void *args, int nops, char **ops)
{
	struct diagnose_args *a = args;
	struct dx_run run;
	struct diags d;
	int rc;

	if (a->namespace_ && !a->live)
		return opt_usage_error(&diagnose_command, "--namespace goes with --live");
	diags_init(&d);
	if (dx_init(&run, &d) != 0) {
		fprintf(stderr, "kgenius diagnose: out of memory\n");
		diags_free(&d);
		return KG_EXIT_ENV;
	}
	rc = KG_EXIT_OK;
	if (a->manifests && dx_manifests(&run, a->manifests) != 0)
		rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && a->ncompose && load_compose(cli, &run, a, &d) != 0)
		rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && a->live && dx_read_live(&run, a->kubectl ? a->kubectl : "kubectl", a->namespace_) != 0)
		rc = KG_EXIT_ENV;
	for (int i = 0; rc == KG_EXIT_OK && i < nops; i++)
		if (dx_read_path(&run, ops[i]) != 0)
			rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && nops == 0 && !a->live && !a->manifests && !a->ncompose)
		dx_read_stream(&run, "<stdin>", stdin);
	if (rc == KG_EXIT_OK && d.errors > 0)
		rc = KG_EXIT_BAD_INPUT;
	cli_report(cli, &d);
	if (rc == KG_EXIT_OK) {
		if (dx_finish(&run) != 0) {
			fprintf(stderr, "kgenius diagnose: out of memory\n");
			rc = KG_EXIT_ENV;
		} else {
			struct buf b = BUF_INIT;

			dx_render(&run, (enum dx_format)a->fmt, a->fmt == DX_HUMAN && !a->output && cli->color_out, &b);
			rc = b.failed ? KG_EXIT_ENV : cli_write_output(a->output, b.data ? b.data : "", b.len, 0644);
			if (rc == KG_EXIT_OK && run.ndiagnoses > 0)
				rc = KG_EXIT_FINDINGS;
			buf_free(&b);
		}
	}
	dx_free(&run);
	diags_free(&d);
	return rc;
}
