/* The command-line front end: global options and the command table. */
#ifndef KG_CLI_H
#define KG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/options.h"

struct cli {
	int verbosity;      /* -1 quiet, 0 normal, 1 verbose */
	bool color_err;     /* colour diagnostics on stderr */
	bool color_out;     /* colour reports on stdout */
	char **environ_;
};

struct command {
	const char *name;
	const char *summary;
	int (*run)(struct cli *cli, int argc, char **argv);
	void (*help)(FILE *out);
	/* The option tables of the command and its subcommands, NULL-terminated. */
	const struct opt_command *const *options;
};

/* Every command, in the order `kgenius help` lists them (src/cli/commands.c). */
extern const struct command kg_commands[];
const struct command *find_command(const char *name);
/* kgenius --help: the commands, the global options, the exit statuses. */
void cli_usage(FILE *out);

extern const struct opt_command compose_command, convert_command, lint_command, diagnose_command,
	migrate_db_command, migrate_filestore_command, migrate_keycloak_command, verify_command;

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
void help_help(FILE *out);
int cmd_version(struct cli *cli, int argc, char **argv);
void help_version(FILE *out);
int cmd_compose(struct cli *cli, int argc, char **argv);
void help_compose(FILE *out);
int cmd_convert(struct cli *cli, int argc, char **argv);
int cmd_lint(struct cli *cli, int argc, char **argv);
void help_lint(FILE *out);
void help_convert(FILE *out);
int cmd_diagnose(struct cli *cli, int argc, char **argv);
void help_diagnose(FILE *out);
int cmd_migrate(struct cli *cli, int argc, char **argv);
void help_migrate(FILE *out);
int cmd_migrate_filestore(struct cli *cli, int argc, char **argv);
void help_migrate_filestore(FILE *out);
int cmd_migrate_keycloak(struct cli *cli, int argc, char **argv);
void help_migrate_keycloak(FILE *out);
int cmd_verify(struct cli *cli, int argc, char **argv);
void help_verify(FILE *out);

#endif
