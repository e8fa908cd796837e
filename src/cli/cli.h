/* The command-line front end: global options and the command table. */
#ifndef KG_CLI_H
#define KG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/options.h"

struct command;

struct cli {
	int verbosity;      /* -1 quiet, 0 normal, 1 verbose */
	bool color_err;     /* colour diagnostics on stderr */
	bool color_out;     /* colour reports on stdout */
	char **environ_;
	const struct command *commands;  /* the program's table */
	char **argv;        /* the whole command line, for kgenius-online */
};

#define COMMAND_MAX_TABLES 4

/* What a command does once its options are parsed into args (its argument
 * struct, which the option table describes); ops are the operands. */
typedef int command_body(struct cli *cli, void *args, int nops, char **ops);

struct command {
	const char *name;
	const char *summary;
	/* Either the body of a command with one option table (options[0]), or
	 * run, which parses its arguments itself (subcommands, none). */
	command_body *body;
	int (*run)(struct cli *cli, int argc, char **argv);
	/* The option tables of the command or its subcommands: their help is the
	 * command's. A command without options has usage instead. */
	const struct opt_command *options[COMMAND_MAX_TABLES];
	const char *usage;
};

/* Every command of kgenius, in the order `kgenius help` lists them
 * (src/cli/table.c), and those of kgenius-online (src/cli/table_online.c). */
extern const struct command kg_commands[], kg_online_commands[];
extern const char kg_migrate_summary[], kg_verify_summary[];
const struct command *find_command(const struct command *commands, const char *name);
/* kgenius --help: the commands, the global options, the exit statuses. */
void cli_usage(FILE *out, const struct command *commands);
/* The global options, then the command of commands that argv names. */
int cli_main(int argc, char **argv, const struct command *commands);
/* Runs kgenius-online beside the running program with the whole command
 * line (src/cli/online.c); returns only when it cannot (exit status 3). */
int cli_run_online(struct cli *cli, int argc, char **argv);
/* Runs the command on argv (argv[0] is its name). */
int cli_run_command(const struct command *c, struct cli *cli, int argc, char **argv);
/* Parses argv with the table into a fresh argument struct, then calls body. */
int cli_run_with_options(struct cli *cli, const struct opt_command *table, command_body *body, int argc, char **argv);
/* kgenius help COMMAND, kgenius COMMAND --help. */
void cli_command_help(const struct command *c, FILE *out);

extern const struct opt_command compose_command, convert_command, lint_command, diagnose_command,
	migrate_db_command, migrate_filestore_command, migrate_keycloak_command, migrate_traffic_command,
	verify_command;

/* Prints diagnostics as the verbosity asks; returns the exit status they
 * imply (2 when any error, else 0). */
int cli_report(const struct cli *cli, const struct diags *d);

/* Writes text to path atomically with mode, or to stdout when path is NULL.
 * Returns an exit status. */
int cli_write_output(const char *path, const char *text, size_t len, unsigned mode);
/* The same for a buffer; a buffer whose allocation failed is not written
 * (exit status 3). */
int cli_write_buf(const char *path, const struct buf *b, unsigned mode);

int cmd_help(struct cli *cli, int argc, char **argv);
int cmd_version(struct cli *cli, int argc, char **argv);
command_body cmd_compose, cmd_convert, cmd_lint, cmd_diagnose, cmd_verify, cmd_migrate_filestore, cmd_migrate_db,
	cmd_migrate_traffic;
int cmd_migrate(struct cli *cli, int argc, char **argv);
int cmd_migrate_keycloak(struct cli *cli, int argc, char **argv);

#endif
