/* How commands report: diagnostics on stderr, results on stdout or in a
 * file written atomically. */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "util/fsio.h"

int cli_report(const struct cli *cli, const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *dg = &d->v[i];
		if (dg->level == DIAG_ERROR || (dg->level == DIAG_WARNING && cli->verbosity >= 0) ||
		    cli->verbosity > 0)
			diag_print_one(stderr, dg, cli->color_err);
	}
	if (d->dropped)
		fprintf(stderr, "note: %zu more diagnostics were not shown\n", d->dropped);
	return d->errors ? KG_EXIT_BAD_INPUT : KG_EXIT_OK;
}

int cli_write_output(const char *path, const char *text, size_t len, unsigned mode)
{
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "kgenius: cannot write to standard output: %s\n", strerror(errno));
			return KG_EXIT_ENV;
		}
		return KG_EXIT_OK;
	}
	if (write_file_atomic(path, text, len, (mode_t)mode) != 0) {
		fprintf(stderr, "%s: error: cannot write: %s; check the directory exists and is writable\n",
			path, strerror(errno));
		return KG_EXIT_ENV;
	}
	return KG_EXIT_OK;
}

int cli_write_buf(const char *path, const struct buf *b, unsigned mode)
{
	if (b->failed) {
		fprintf(stderr, "kgenius: out of memory while making the report\n");
		return KG_EXIT_ENV;
	}
	return cli_write_output(path, b->data ? b->data : "", b->len, mode);
}
