/* The command table: what `kgenius help` lists and main dispatches to. */
#include <string.h>
#include <stdio.h>

#include "cli/cli.h"

static const struct opt_command *const compose_options[] = {&compose_command, NULL};
static const struct opt_command *const convert_options[] = {&convert_command, NULL};
static const struct opt_command *const lint_options[] = {&lint_command, NULL};
static const struct opt_command *const diagnose_options[] = {&diagnose_command, NULL};
static const struct opt_command *const migrate_options[] = {&migrate_db_command, &migrate_filestore_command,
							     &migrate_keycloak_command, NULL};
static const struct opt_command *const verify_options[] = {&verify_command, NULL};
static const struct opt_command *const no_options[] = {NULL};

const struct command kg_commands[] = {
	{"compose", "read a Compose project and print the resolved model (compose config)", cmd_compose, help_compose,
	 compose_options},
	{"convert", "write the Kubernetes manifests for a Compose project (DigitalOcean Kubernetes)", cmd_convert,
	 help_convert, convert_options},
	{"lint", "check Kubernetes manifests: schema, security, reliability, cross-resource, Odoo/Keycloak/PostgreSQL",
	 cmd_lint, help_lint, lint_options},
	{"diagnose", "explain failures from kubectl output and logs, down to the manifest or Compose line", cmd_diagnose,
	 help_diagnose, diagnose_options},
	{"migrate", "move the data into the cluster: databases (plan, copy, verify, online cutover, rollback), filestore, Keycloak export",
	 cmd_migrate, help_migrate, migrate_options},
	{"verify", "check the new deployment: data against the source, health, TLS, performance against Compose", cmd_verify,
	 help_verify, verify_options},
	{"help", "show help for kgenius or for one command", cmd_help, help_help, no_options},
	{"version", "print the version", cmd_version, help_version, no_options},
	{NULL, NULL, NULL, NULL, NULL},
};

const struct command *find_command(const char *name)
{
	for (const struct command *c = kg_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_usage(FILE *out)
{
	fputs("usage: kgenius [-q|-v] [--color=auto|always|never] <command> [options]\n"
	      "       kgenius --version | --help\n\n"
	      "Moves a Docker Compose stack (Odoo, PostgreSQL, Keycloak, Traefik) to Kubernetes.\n\n"
	      "Commands:\n", out);
	for (const struct command *c = kg_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fputs("\nGlobal options:\n"
	      "  -q, --quiet          print errors only\n"
	      "  -v, --verbose        print notes as well as warnings\n"
	      "  --color=WHEN         colour diagnostics: auto (default, on a terminal), always, never;\n"
	      "                       NO_COLOR in the environment means never unless --color=always\n"
	      "  -h, --help           this help; `kgenius <command> --help` for a command\n"
	      "  --version            print the version\n\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  findings or failed checks\n"
	      "  2  bad input or usage (the message says file:line:col and how to fix it)\n"
	      "  3  environment or internal error (cannot write, out of memory)\n", out);
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct command *c;

	(void)cli;
	if (argc < 2) {
		cli_usage(stdout);
		return KG_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "kgenius: '%s' is not a command; see 'kgenius help'\n", argv[1]);
		return KG_EXIT_BAD_INPUT;
	}
	c->help(stdout);
	return KG_EXIT_OK;
}

void help_help(FILE *out)
{
	fputs("usage: kgenius help [<command>]\n", out);
}

int cmd_version(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	printf("kgenius %s\n", KG_VERSION);
	return KG_EXIT_OK;
}

void help_version(FILE *out)
{
	fputs("usage: kgenius version\n", out);
}

