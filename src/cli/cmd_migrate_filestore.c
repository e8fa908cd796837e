/* kgenius migrate filestore SRC DST: the Odoo filestore into the cluster. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/db_opts.h"
#include "migrate/filestore.h"
#include "util/json.h"

struct filestore_args {
	struct fs_opts o;
	int format;                /* enum report_format */
};

#define F(field) offsetof(struct filestore_args, field)
static const struct opt_spec filestore_specs[] = {
	{.name = "source-shell", .arg = "CMD", .field = F(o.src.shell),
	 .help = "SRC is on the far side of CMD, which gives a shell on its standard input and\n"
		 "output (for example: kubectl exec -i -n erp odoo-0 -- sh); plain sh is a local directory",
	 .def = "sh"},
	{.name = "target-shell", .arg = "CMD", .field = F(o.dst.shell),
	 .help = "the same for DST; the far side needs only sh, find, xargs, tar and sha1sum", .def = "sh"},
	{.name = "jobs", .arg = "N", .kind = OPTION_INT, .field = F(o.jobs),
	 .help = "parallel pipelines (default: the number of processors, 2 to 8)", .min = 1, .max = 32},
	{.name = "delete", .kind = OPTION_FLAG, .field = F(o.delete_extra),
	 .help = "remove files that SRC does not have from DST"},
	{.name = "verify-all", .kind = OPTION_FLAG, .field = F(o.verify_all),
	 .help = "hash every file on both sides, not only those copied"},
	{.name = "format", .kind = OPTION_ENUM, .field = F(format), .help = "report format", .choices = report_formats},
	{0},
};
#undef F

static void filestore_args_init(void *args)
{
	struct filestore_args *a = args;

	a->o.src.name = "source";
	a->o.dst.name = "target";
}

const struct opt_command migrate_filestore_command = {
	"migrate filestore",
	"usage: kgenius migrate filestore [options] SRC DST\n\n"
	"Copies the Odoo filestore from SRC to DST: only what DST lacks or holds differently, in parallel\n"
	"tar pipelines, then verifies every copied file where it landed (a content-addressed file must\n"
	"hash to its name, any other to the source's hash). Run it once while Odoo runs and once after it\n"
	"stops: the second pass copies only what changed. Nothing on DST is deleted unless --delete.\n",
	(const struct opt_section[]){{"Options", filestore_specs, 0}, {NULL, NULL, 0}},
	"\nExit status: 0 copied and verified (files it repaired are listed), 1 corrupt, unreadable or missing\n"
	"files (listed), 2 usage, 3 a shell or a tool failed.\n",
	sizeof(struct filestore_args), filestore_args_init,
};

/* One pipeline per processor: tar and sha1sum are bound by the CPU here. */
static int default_jobs(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 2 ? 2 : cpus > 8 ? 8 : (int)cpus;
}

static void filestore_json(const struct fs_opts *o, const struct fs_stats *st, double mbs, struct buf *b)
{
	struct json j;

	json_init(&j, b, false);
	json_object(&j);
	json_member_str(&j, "source", o->src.path);
	json_member_str(&j, "target", o->dst.path);
	json_member_uint(&j, "source_files", st->src_files);
	json_member_uint(&j, "target_files_before", st->dst_files);
	json_member_uint(&j, "copied", st->copied);
	json_member_int(&j, "copied_bytes", st->copied_bytes);
	json_member_uint(&j, "unchanged", st->unchanged);
	json_member_uint(&j, "deleted", st->deleted);
	json_member_uint(&j, "verified", st->verified);
	json_member_fixed(&j, "seconds", st->seconds, 3);
	json_member_fixed(&j, "copy_seconds", st->copy_seconds, 3);
	json_member_fixed(&j, "verify_seconds", st->verify_seconds, 3);
	json_member_fixed(&j, "mib_per_second", mbs, 1);
	json_key(&j, "problems");
	json_array(&j);
	for (size_t i = 0; i < st->nproblems; i++) {
		json_object(&j);
		json_member_str(&j, "side", st->problems[i].side);
		json_member_str(&j, "path", st->problems[i].path);
		json_member_str(&j, "what", st->problems[i].what);
		json_end(&j);
	}
	json_end(&j);
	json_member_uint(&j, "more_problems", st->more_problems);
	json_end(&j);
	buf_putc(b, '\n');
}

static void filestore_report(const struct fs_opts *o, const struct fs_stats *st, bool json, struct buf *b)
{
	double mbs = st->copy_seconds > 0 ? (double)st->copied_bytes / 1048576.0 / st->copy_seconds : 0;

	if (json) {
		filestore_json(o, st, mbs, b);
		return;
	}
	buf_printf(b, "filestore %s -> %s: %zu files on the source; copied %zu (%.1f MiB, %.1f MiB/s), %zu already the same,"
		   " %zu deleted; %zu copied files verified; %.2f s\n", o->src.path, o->dst.path, st->src_files, st->copied,
		   (double)st->copied_bytes / 1048576.0, mbs, st->unchanged, st->deleted, st->verified, st->seconds);
	for (size_t i = 0; i < st->nproblems; i++)
		buf_printf(b, "  %s: %s%s%s\n", st->problems[i].side, st->problems[i].path,
			   st->problems[i].path[0] ? ": " : "", st->problems[i].what);
	if (st->more_problems)
		buf_printf(b, "  ... and %zu more problems\n", st->more_problems);
	buf_printf(b, "%s\n", fs_unresolved(st) ? "PROBLEMS: the files above are corrupt, unreadable or missing" : "OK");
}

int cmd_migrate_filestore(struct cli *cli, void *args, int nops, char **ops)
{
	struct filestore_args *a = args;
	struct fs_stats st;
	struct buf b = BUF_INIT;
	struct diags d;
	int rc;

	if (nops != 2)
		return opt_usage_error(&migrate_filestore_command, "give SRC and DST");
	a->o.src.path = ops[0];
	a->o.dst.path = ops[1];
	if (a->o.jobs == 0)
		a->o.jobs = default_jobs();
	a->o.events_json = a->format == REPORT_JSON || !isatty(STDERR_FILENO);
	diags_init(&d);
	rc = migrate_filestore(&a->o, &st, stderr, &d) == 0 ? KG_EXIT_OK : KG_EXIT_ENV;
	filestore_report(&a->o, &st, a->format == REPORT_JSON, &b);
	if (cli_write_buf(NULL, &b, 0) != KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	if (rc == KG_EXIT_OK && fs_unresolved(&st) > 0)
		rc = KG_EXIT_FINDINGS;
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	buf_free(&b);
	fs_stats_free(&st);
	diags_free(&d);
	return rc;
}
