/* What every command table shares: dispatch, `kgenius help`, the usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"


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

const struct command *find_command(const struct command *commands, const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_usage(FILE *out, const struct command *commands)
{
	fputs("usage: kgenius [-q|-v] [--color=auto|always|never] <command> [options]\n"
	      "       kgenius --version | --help\n\n"
	      "Moves a Docker Compose stack (Odoo, PostgreSQL, Keycloak, Traefik) to Kubernetes.\n\n"
	      "Commands:\n", out);
	for (const struct command *c = commands; c->name; c++)
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

	if (argc < 2) {
		cli_usage(stdout, cli->commands);
		return KG_EXIT_OK;
	}
	c = find_command(cli->commands, argv[1]);
	if (!c) {
		fprintf(stderr, "kgenius: '%s' is not a command; see 'kgenius help'\n", argv[1]);
		return KG_EXIT_BAD_INPUT;
	}
	/* Its help is where its code is. */
	if (c->run == cli_run_online)
		return cli_run_online(cli, argc, argv);
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

