/* The command table: what `kgenius help` lists and main dispatches to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const struct command kg_commands[] = {
	{"compose", "read a Compose project and print the resolved model (compose config)", cmd_compose, NULL,
	 {&compose_command}, NULL},
	{"convert", "write the Kubernetes manifests for a Compose project (DigitalOcean Kubernetes)", cmd_convert, NULL,
	 {&convert_command}, NULL},
	{"lint", "check Kubernetes manifests: schema, security, reliability, cross-resource, Odoo/Keycloak/PostgreSQL",
	 cmd_lint, NULL, {&lint_command}, NULL},
	{"diagnose", "explain failures from kubectl output and logs, down to the manifest or Compose line", cmd_diagnose,
	 NULL, {&diagnose_command}, NULL},
	{"migrate", "move the data into the cluster: databases (plan, copy, verify, online cutover, rollback), filestore, Keycloak export, traffic",
	 NULL, cmd_migrate, {&migrate_db_command, &migrate_filestore_command, &migrate_keycloak_command, &migrate_traffic_command}, NULL},
	{"verify", "check the new deployment: data against the source, health, TLS, performance against Compose", cmd_verify,
	 NULL, {&verify_command}, NULL},
	{"help", "show help for kgenius or for one command", NULL, cmd_help, {NULL}, "usage: kgenius help [<command>]\n"},
	{"version", "print the version", NULL, cmd_version, {NULL}, "usage: kgenius version\n"},
	{NULL, NULL, NULL, NULL, {NULL}, NULL},
};

int cli_run_with_options(struct cli *cli, const struct opt_command *table, command_body *body, int argc, char **argv)
{
	void *args = malloc(table->args_size);
	int rc, operands;

	if (!args) {
		fprintf(stderr, "kgenius %s: out of memory\n", table->name);
		return KG_EXIT_ENV;
	}
	if (opt_parse(table, args, argc, argv, &operands, &rc))
		rc = body(cli, args, argc - operands, argv + operands);
	free(args);
	return rc;
}

int cli_run_command(const struct command *c, struct cli *cli, int argc, char **argv)
{
	return c->body ? cli_run_with_options(cli, c->options[0], c->body, argc, argv) : c->run(cli, argc, argv);
}

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
	cli_command_help(c, stdout);
	return KG_EXIT_OK;
}

void cli_command_help(const struct command *c, FILE *out)
{
	if (c->usage)
		fputs(c->usage, out);
	for (size_t i = 0; i < COMMAND_MAX_TABLES && c->options[i]; i++) {
		if (i)
			fputc('\n', out);
		opt_help(out, c->options[i]);
	}
}

int cmd_version(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	printf("kgenius %s\n", KG_VERSION);
	return KG_EXIT_OK;
}

