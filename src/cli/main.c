/* kgenius <command> [options]: global options, then dispatch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

extern char **environ;

static int cmd_help(struct cli *cli, int argc, char **argv);
static int cmd_version(struct cli *cli, int argc, char **argv);
static void help_help(FILE *out);
static void help_version(FILE *out);

const struct command kg_commands[] = {
	{"compose", "read a Compose project and print the resolved model (compose config)", cmd_compose, help_compose},
	{"convert", "write the Kubernetes manifests for a Compose project (DigitalOcean Kubernetes)", cmd_convert, help_convert},
	{"lint", "check Kubernetes manifests: schema, security, reliability, cross-resource, Odoo/Keycloak/PostgreSQL", cmd_lint, help_lint},
	{"diagnose", "explain failures from kubectl output and logs, down to the manifest or Compose line", cmd_diagnose, help_diagnose},
	{"migrate", "move the data into the cluster: databases (plan, copy, verify, online cutover, rollback), filestore, Keycloak export", cmd_migrate, help_migrate},
	{"verify", "check the new deployment: data against the source, health, TLS, performance against Compose", cmd_verify, help_verify},
	{"help", "show help for kgenius or for one command", cmd_help, help_help},
	{"version", "print the version", cmd_version, help_version},
	{NULL, NULL, NULL, NULL},
};

static void usage(FILE *out)
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

static const struct command *find_command(const char *name)
{
	for (const struct command *c = kg_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct command *c;

	(void)cli;
	if (argc < 2) {
		usage(stdout);
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

static void help_help(FILE *out)
{
	fputs("usage: kgenius help [<command>]\n", out);
}

static int cmd_version(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	printf("kgenius %s\n", KG_VERSION);
	return KG_EXIT_OK;
}

static void help_version(FILE *out)
{
	fputs("usage: kgenius version\n", out);
}

static bool parse_color(const char *when, struct cli *cli)
{
	const char *no_color = getenv("NO_COLOR");
	bool allowed = !(no_color && no_color[0]);

	if (strcmp(when, "always") == 0)
		cli->color_err = cli->color_out = true;
	else if (strcmp(when, "never") == 0)
		cli->color_err = cli->color_out = false;
	else if (strcmp(when, "auto") == 0) {
		cli->color_err = allowed && isatty(STDERR_FILENO);
		cli->color_out = allowed && isatty(STDOUT_FILENO);
	} else
		return false;
	return true;
}

int main(int argc, char **argv)
{
	struct cli cli = {0, false, false, environ};
	const struct command *c;
	const char *color = "auto";
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
			cli.verbosity = -1;
		else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
			cli.verbosity = 1;
		else if (strncmp(a, "--color=", 8) == 0)
			color = a + 8;
		else if (strcmp(a, "--color") == 0 && i + 1 < argc)
			color = argv[++i];
		else if (strcmp(a, "--version") == 0)
			return cmd_version(&cli, 0, NULL);
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return KG_EXIT_OK;
		} else {
			fprintf(stderr, "kgenius: unknown option '%s'; see 'kgenius --help'\n", a);
			return KG_EXIT_BAD_INPUT;
		}
	}
	if (!parse_color(color, &cli)) {
		fprintf(stderr, "kgenius: --color must be auto, always or never\n");
		return KG_EXIT_BAD_INPUT;
	}
	if (i >= argc) {
		usage(stderr);
		return KG_EXIT_BAD_INPUT;
	}
	c = find_command(argv[i]);
	if (!c) {
		fprintf(stderr, "kgenius: '%s' is not a command; see 'kgenius help'\n", argv[i]);
		return KG_EXIT_BAD_INPUT;
	}
	return c->run(&cli, argc - i, argv + i);
}
