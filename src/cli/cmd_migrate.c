/* kgenius migrate db ACTION: PostgreSQL databases from the Compose host into
 * the cluster; migrate filestore and migrate keycloak have their own files. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/db_opts.h"
#include "migrate/migrate.h"

struct migrate_db_args {
	struct migrate_opts o;
	const char *password_files[2];   /* source, target */
	int format;                      /* enum report_format */
};

#define F(field) offsetof(struct migrate_db_args, field)
static const struct opt_spec migrate_db_specs[] = {
	{.name = "jobs", .arg = "N", .kind = OPTION_INT, .field = F(o.jobs), .help = "parallel COPY and index jobs",
	 .def = "4", .min = 1, .max = 64},
	{.name = "backup-dir", .arg = "DIR", .field = F(o.backup_dir),
	 .help = "where copy keeps the verified pg_dump of each source database"},
	{.name = "no-backup", .kind = OPTION_FLAG, .field = F(o.no_backup),
	 .help = "copy without a backup (not recommended)"},
	{.name = "owner", .arg = "ROLE", .field = F(o.owner),
	 .help = "the target role that owns what is restored (default: the target user)"},
	{.name = "split-larger-than", .arg = "MB", .kind = OPTION_LLONG, .field = F(o.split_bytes),
	 .help = "copy tables larger than this in key ranges", .def = "256", .min = 1, .max = 16777216,
	 .scale = 1048576},
	{.name = "no-verify", .kind = OPTION_UNSET, .field = F(o.verify_after),
	 .help = "copy without verifying afterwards"},
	{.name = "format", .kind = OPTION_ENUM, .field = F(format),
	 .help = "report format; progress goes to stderr as a bar on a terminal,\nelse (and with json) as JSON lines",
	 .choices = report_formats},
	{.name = "source-password-file", .arg = "FILE", .field = F(password_files[0]),
	 .help = "the source's password, read from FILE"},
	{.name = "target-password-file", .arg = "FILE", .field = F(password_files[1]),
	 .help = "the target's password, read from FILE"},
	{.name = "fix-replica-identity", .kind = OPTION_FLAG, .field = F(o.fix_replica_identity),
	 .help = "start: give tables without a primary key their unique index (or FULL)\n"
		 "as replica identity, on both sides"},
	{.name = "keep-rollback", .kind = OPTION_FLAG, .field = F(o.keep_rollback),
	 .help = "cutover: replicate the new database back into the old one"},
	{.name = "hook", .arg = "CMD", .field = F(o.hook),
	 .help = "cutover, rollback: run CMD with sh -c at the switch point"},
	{.name = "timeout", .arg = "SECONDS", .kind = OPTION_REAL, .field = F(o.cutover_timeout),
	 .help = "cutover, rollback: how long to wait for the lag to reach 0", .def = "60", .min = 0, .above_min = true,
	 .max = 86400},
	{.name = "watch", .arg = "SECONDS", .kind = OPTION_INT, .field = F(o.watch),
	 .help = "status: print the lag every second for that long", .min = 1, .max = 86400},
	{.name = "source-from-target", .arg = "CONNINFO", .field = F(o.source_from_target.conninfo),
	 .help = "the source as the target server reaches it (default --source)"},
	{.name = "target-from-source", .arg = "CONNINFO", .field = F(o.target_from_source.conninfo),
	 .help = "the target as the source server reaches it (default --target)"},
	{0},
};
#undef F

/* What no option sets: the servers' names in messages, verify after copy
 * unless --no-verify. */
static void migrate_db_args_init(void *args)
{
	struct migrate_opts *o = &((struct migrate_db_args *)args)->o;

	db_endpoints_init(o);
	o->source_from_target.name = "source";
	o->target_from_source.name = "target";
	o->verify_after = true;
}

const struct opt_command migrate_db_command = {
	"migrate db",
	"usage: kgenius migrate db ACTION --source CONNINFO --target CONNINFO --db NAME[:TARGET]... [options]\n\n"
	"Moves PostgreSQL databases (Odoo's and Keycloak's) from the Compose host into the cluster.\n"
	"CONNINFO is a libpq connection string or URI; passwords come from PGPASSWORD, PGPASSFILE or\n"
	"--source-password-file / --target-password-file, never from the command line of a child.\n\n"
	"  plan     checks both servers and prints what copy would do; changes nothing\n"
	"  copy     offline copy: a fresh pg_dump -Fc backup first, then schema, parallel COPY streamed from\n"
	"           source to target inside one snapshot, indexes and constraints, large objects,\n"
	"           materialized views, every sequence;\n"
	"           resumable (run it again after an interruption); stop the source's writers first\n"
	"  verify   per table, row count and an order-independent hash of every row on each server;\n"
	"           differing rows are bisected by key and listed; sequences and schema compared\n"
	"online method (source keeps serving; needs wal_level=logical and a superuser):\n"
	"  start    publication and a slot with an exported snapshot on the source, the parallel copy in\n"
	"           that snapshot, then a subscription on the target that streams every later change\n"
	"  status   replication lag and apply errors\n"
	"  cutover  fence the source (CONNECTION LIMIT 0, sessions ended, read-only), wait until the target\n"
	"           applied everything, copy every sequence and large object, compare row counts, stop the\n"
	"           subscription, run --hook; prints the write-unavailability window and its steps\n"
	"  rollback after cutover --keep-rollback: switch back to the old database, which has every write\n"
	"  finish   remove the replication back to the old database\n"
	"  abort    remove every slot, publication and subscription kgenius made, on both sides\n",
	(const struct opt_section[]){{"Databases", db_specs, offsetof(struct migrate_db_args, o)},
				     {"Options", migrate_db_specs, 0},
				     {NULL, NULL, 0}},
	"\nExit status: 0 done and identical, 1 differences found (verify) or plan blocked,\n"
	"2 usage, 3 a server or a tool failed.\n",
	sizeof(struct migrate_db_args), migrate_db_args_init,
};

static const char *const actions[] = {"plan", "copy", "verify", "start", "status", "cutover", "rollback", "finish",
				      "abort", NULL};

static int run_verify(const struct migrate_opts *o, struct diags *d)
{
	struct vreport rep;
	struct buf b = BUF_INIT;
	int rc;

	if (migrate_verify(o, &rep, d) != 0) {
		vreport_free(&rep);
		return KG_EXIT_ENV;
	}
	if (o->json)
		vreport_json(&rep, &b);
	else
		vreport_text(&rep, &b);
	rc = cli_write_buf(NULL, &b, 0);
	if (rc == KG_EXIT_OK && !rep.ok)
		rc = KG_EXIT_FINDINGS;
	buf_free(&b);
	vreport_free(&rep);
	return rc;
}

static int run_copy(const struct migrate_opts *o, struct diags *d)
{
	struct copy_stats st;

	if (!o->no_backup && !o->backup_dir) {
		fprintf(stderr, "kgenius migrate: copy takes a backup first: give --backup-dir DIR (or --no-backup)\n");
		return KG_EXIT_BAD_INPUT;
	}
	if (migrate_copy(o, &st, stderr, d) != 0)
		return KG_EXIT_ENV;
	migrate_event(stderr, o->events_json, "done",
		      "%zu tables in %zu parts (%zu already copied), %lld rows, %lld bytes, %zu sequences, %.2f s",
		      st.tables, st.parts, st.parts_skipped, st.rows, st.bytes, st.sequences, st.seconds);
	return o->verify_after ? run_verify(o, d) : KG_EXIT_OK;
}

static int run_online(const char *action, const struct migrate_opts *o, struct diags *d)
{
	struct cutover_result res;
	struct buf b = BUF_INIT;
	int rc;

	if (strcmp(action, "start") == 0) {
		if (!o->no_backup && !o->backup_dir) {
			fprintf(stderr, "kgenius migrate: start takes a backup first: give --backup-dir DIR (or --no-backup)\n");
			return KG_EXIT_BAD_INPUT;
		}
		return migrate_online_start(o, stderr, d) == 0 ? KG_EXIT_OK : KG_EXIT_ENV;
	}
	if (strcmp(action, "status") == 0) {
		/* With --watch N, a line per database every second for N seconds. */
		for (int i = 0; i < (o->watch ? o->watch : 1); i++) {
			if (i)
				sleep(1);
			rc = migrate_online_status(o, &b, d) == 0 ? cli_write_buf(NULL, &b, 0) : KG_EXIT_ENV;
			buf_reset(&b);
			if (rc != KG_EXIT_OK)
				break;
		}
		buf_free(&b);
		return rc;
	}
	if (strcmp(action, "abort") == 0)
		return migrate_online_abort(o, stderr, d) == 0 ? KG_EXIT_OK : KG_EXIT_ENV;
	if (strcmp(action, "finish") == 0)
		return migrate_finish(o, stderr, d) == 0 ? KG_EXIT_OK : KG_EXIT_ENV;
	rc = strcmp(action, "cutover") == 0 ? migrate_online_cutover(o, &res, stderr, d) : migrate_rollback(o, &res, stderr, d);
	if (rc != 0)
		return KG_EXIT_ENV;
	cutover_report(action, &res, o->json, &b);
	rc = cli_write_buf(NULL, &b, 0);
	buf_free(&b);
	return rc;
}

static int run_plan(const struct migrate_opts *o, struct diags *d)
{
	struct buf b = BUF_INIT;
	bool blocked = false;
	int rc;

	if (migrate_plan(o, &b, &blocked, d) != 0) {
		buf_free(&b);
		return KG_EXIT_ENV;
	}
	rc = cli_write_buf(NULL, &b, 0);
	buf_free(&b);
	return rc == KG_EXIT_OK && blocked ? KG_EXIT_FINDINGS : rc;
}

static bool known_action(const char *action)
{
	for (size_t i = 0; actions[i]; i++)
		if (strcmp(actions[i], action) == 0)
			return true;
	return false;
}

/* The options checked together, the JSON choices made. */
static int check_db_args(struct migrate_db_args *a, int nops, char **ops)
{
	if (nops == 0 || !known_action(ops[0]))
		return opt_usage_error(&migrate_db_command,
				       "say plan, copy, verify, start, status, cutover, rollback, finish or abort");
	if (nops > 1)
		return opt_usage_error(&migrate_db_command, "takes one action, not '%s' too", ops[1]);
	if (!a->o.source.conninfo || !a->o.target.conninfo)
		return opt_usage_error(&migrate_db_command, "give --source and --target");
	if (a->o.ndbs == 0)
		return opt_usage_error(&migrate_db_command, "name the databases with --db");
	a->o.json = a->format == REPORT_JSON;
	a->o.events_json = a->o.json || !isatty(STDERR_FILENO);
	a->o.progress_bar = !a->o.events_json;
	return KG_EXIT_OK;
}

static int run_action(const char *action, struct migrate_db_args *a, struct diags *d)
{
	struct migrate_opts *o = &a->o;

	if ((a->password_files[0] && pg_read_password_file(a->password_files[0], &o->source.password, d) != 0) ||
	    (a->password_files[1] && pg_read_password_file(a->password_files[1], &o->target.password, d) != 0))
		return KG_EXIT_BAD_INPUT;
	/* Each server as the other reaches it, with the same password. */
	if (!o->source_from_target.conninfo)
		o->source_from_target.conninfo = o->source.conninfo;
	if (!o->target_from_source.conninfo)
		o->target_from_source.conninfo = o->target.conninfo;
	o->source_from_target.password = o->source.password;
	o->target_from_source.password = o->target.password;
	if (strcmp(action, "verify") == 0)
		return run_verify(o, d);
	if (strcmp(action, "copy") == 0)
		return run_copy(o, d);
	if (strcmp(action, "plan") == 0)
		return run_plan(o, d);
	return run_online(action, o, d);
}

static void forget_password(char *pw)
{
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}

/* kgenius migrate db ACTION [options]: the action is the one operand. */
int cmd_migrate_db(struct cli *cli, void *args, int nops, char **ops)
{
	struct migrate_db_args *a = args;
	struct diags d;
	int rc = check_db_args(a, nops, ops);

	if (rc != KG_EXIT_OK)
		return rc;
	diags_init(&d);
	rc = run_action(ops[0], a, &d);
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	forget_password(a->o.source.password);
	forget_password(a->o.target.password);
	diags_free(&d);
	return rc;
}

int cmd_migrate(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_command_help(find_command(cli->commands, "migrate"), argc < 2 ? stderr : stdout);
		return argc < 2 ? KG_EXIT_BAD_INPUT : KG_EXIT_OK;
	}
	if (strcmp(argv[1], "filestore") == 0)
		return cli_run_with_options(cli, &migrate_filestore_command, cmd_migrate_filestore, argc - 1, argv + 1);
	if (strcmp(argv[1], "keycloak") == 0)
		return cmd_migrate_keycloak(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "db") == 0)
		return cli_run_with_options(cli, &migrate_db_command, cmd_migrate_db, argc - 1, argv + 1);
	if (strcmp(argv[1], "traffic") == 0)
		return cli_run_with_options(cli, &migrate_traffic_command, cmd_migrate_traffic, argc - 1, argv + 1);
	fprintf(stderr, "kgenius migrate: say db, filestore, keycloak or traffic; see 'kgenius migrate --help'\n");
	return KG_EXIT_BAD_INPUT;
}
