/* kgenius <command> [options]: global options, then dispatch to a command of
 * the program's table (kgenius's, or kgenius-online's). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

extern char **environ;

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

int cli_main(int argc, char **argv, const struct command *commands)
{
	struct cli cli = {0, false, false, environ, commands, argv};
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
			cli_usage(stdout, commands);
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
		cli_usage(stderr, commands);
		return KG_EXIT_BAD_INPUT;
	}
	c = find_command(commands, argv[i]);
	if (!c) {
		fprintf(stderr, "kgenius: '%s' is not a command; see 'kgenius help'\n", argv[i]);
		return KG_EXIT_BAD_INPUT;
	}
	return cli_run_command(c, &cli, argc - i, argv + i);
}
