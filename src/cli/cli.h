/* The command-line front end: global options and the command table. */
#ifndef KG_CLI_H
#define KG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "util/diag.h"

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
};

extern const struct command kg_commands[];

/* Prints diagnostics as the verbosity asks; returns the exit status they
 * imply (2 when any error, else 0). */
int cli_report(const struct cli *cli, const struct diags *d);

/* Writes text to path atomically with mode, or to stdout when path is NULL.
 * Returns an exit status. */
int cli_write_output(const char *path, const char *text, size_t len, unsigned mode);

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
/* migrate traffic (cmd_migrate_traffic.c), and the usage error shared by the migrate commands. */
int cmd_migrate_traffic(struct cli *cli, int argc, char **argv);
void help_migrate_traffic(FILE *out);
int migrate_usage_error(const char *msg);
int cmd_verify(struct cli *cli, int argc, char **argv);
void help_verify(FILE *out);

#endif
