/* kgenius diagnose [--manifests DIR] [--compose FILE] [--live] [INPUT...]:
 * failure output in, ranked causes out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "compose/project.h"
#include "diagnose/diagnose.h"
#include "util/buf.h"

void help_diagnose(FILE *out)
{
	fputs("usage: kgenius diagnose [options] [INPUT|-]...\n\n"
	      "Explains why a deployment fails. INPUT is saved output in any of these forms, alone or\n"
	      "pasted together: kubectl get pods|events (tables, -o json, -o yaml), kubectl describe\n"
	      "pod|pvc|ingress, container logs (plain, JSON lines, Java stack traces, docker compose logs).\n"
	      "With no INPUT and no --live, standard input is read unless --manifests or --compose is given.\n\n"
	      "Options:\n"
	      "  --manifests PATH      the Kubernetes manifests (file or directory): name the line that causes\n"
	      "                        each failure; alone, predict the failures they will cause\n"
	      "  --compose FILE        the Compose project (repeatable, like -f): the same, for Compose\n"
	      "  --env-file FILE       the .env of the Compose project\n"
	      "  --live                run kubectl: pods, events, claims, autoscalers and the logs of\n"
	      "                        failing containers in the current context\n"
	      "  -n, --namespace NS    with --live: this namespace (default: all)\n"
	      "  --kubectl PATH        with --live: the kubectl to run (default: kubectl on PATH)\n"
	      "  --format human|json   output (default human)\n"
	      "  -o, --output FILE     write the report to FILE instead of stdout\n"
	      "  --list                print the knowledge base: every failure kind it recognises\n\n"
	      "Exit status: 0 no problem found, 1 problems found (or predicted), 2 unreadable input or\n"
	      "usage, 3 kubectl or the environment failed.\n", out);
}

enum { OPT_MANIFESTS = 5000, OPT_COMPOSE, OPT_ENV_FILE, OPT_LIVE, OPT_KUBECTL, OPT_FORMAT, OPT_LIST };

static void list_kb(void)
{
	for (const struct dx_entry *e = dx_kb; e->id; e++)
		printf("%-28s %-12s %-14s %s; fix: %s\n", e->id, dx_level_name(e->level), e->category, e->title, e->fix);
}

struct diagnose_args {
	const char *manifests, *namespace_, *kubectl, *output;
	const char *compose[16], *env_files[16];
	size_t ncompose, nenv;
	bool live;
	enum dx_format fmt;
};

static int parse_args(int argc, char **argv, struct diagnose_args *a)
{
	static const struct option opts[] = {
		{"manifests", required_argument, NULL, OPT_MANIFESTS},
		{"compose", required_argument, NULL, OPT_COMPOSE},
		{"env-file", required_argument, NULL, OPT_ENV_FILE},
		{"live", no_argument, NULL, OPT_LIVE},
		{"namespace", required_argument, NULL, 'n'},
		{"kubectl", required_argument, NULL, OPT_KUBECTL},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"list", no_argument, NULL, OPT_LIST},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_MANIFESTS: a->manifests = optarg; break;
		case OPT_COMPOSE:
			if (a->ncompose == 16) {
				fprintf(stderr, "kgenius diagnose: at most 16 --compose files\n");
				return KG_EXIT_BAD_INPUT;
			}
			a->compose[a->ncompose++] = optarg;
			break;
		case OPT_ENV_FILE:
			if (a->nenv == 16) {
				fprintf(stderr, "kgenius diagnose: at most 16 --env-file files\n");
				return KG_EXIT_BAD_INPUT;
			}
			a->env_files[a->nenv++] = optarg;
			break;
		case OPT_LIVE: a->live = true; break;
		case 'n': a->namespace_ = optarg; break;
		case OPT_KUBECTL: a->kubectl = optarg; break;
		case 'o': a->output = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "human") == 0)
				a->fmt = DX_HUMAN;
			else if (strcmp(optarg, "json") == 0)
				a->fmt = DX_JSON;
			else {
				fprintf(stderr, "kgenius diagnose: --format must be human or json\n");
				return KG_EXIT_BAD_INPUT;
			}
			break;
		case OPT_LIST: list_kb(); return -1;
		case 'h': help_diagnose(stdout); return -1;
		case ':':
			fprintf(stderr, "kgenius diagnose: option %s needs a value\n", argv[optind - 1]);
			return KG_EXIT_BAD_INPUT;
		default:
			fprintf(stderr, "kgenius diagnose: unknown option '%s'; see 'kgenius diagnose --help'\n",
				argv[optind - 1]);
			return KG_EXIT_BAD_INPUT;
		}
	}
	if (a->namespace_ && !a->live) {
		fprintf(stderr, "kgenius diagnose: --namespace goes with --live\n");
		return KG_EXIT_BAD_INPUT;
	}
	return 0;
}

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

int cmd_diagnose(struct cli *cli, int argc, char **argv)
{
	struct diagnose_args a;
	struct dx_run run;
	struct diags d;
	int rc;

	memset(&a, 0, sizeof(a));
	a.fmt = DX_HUMAN;
	rc = parse_args(argc, argv, &a);
	if (rc < 0)
		return KG_EXIT_OK;
	if (rc)
		return rc;
	diags_init(&d);
	if (dx_init(&run, &d) != 0) {
		fprintf(stderr, "kgenius diagnose: out of memory\n");
		diags_free(&d);
		return KG_EXIT_ENV;
	}
	rc = KG_EXIT_OK;
	if (a.manifests && dx_manifests(&run, a.manifests) != 0)
		rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && a.ncompose && load_compose(cli, &run, &a, &d) != 0)
		rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && a.live && dx_read_live(&run, a.kubectl ? a.kubectl : "kubectl", a.namespace_) != 0)
		rc = KG_EXIT_ENV;
	for (int i = optind; rc == KG_EXIT_OK && i < argc; i++)
		if (dx_read_path(&run, argv[i]) != 0)
			rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && optind >= argc && !a.live && !a.manifests && !a.ncompose)
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

			dx_render(&run, a.fmt, a.fmt == DX_HUMAN && !a.output && cli->color_out, &b);
			rc = b.failed ? KG_EXIT_ENV : cli_write_output(a.output, b.data ? b.data : "", b.len, 0644);
			if (rc == KG_EXIT_OK && run.ndiagnoses > 0)
				rc = KG_EXIT_FINDINGS;
			buf_free(&b);
		}
	}
	dx_free(&run);
	diags_free(&d);
	return rc;
}
