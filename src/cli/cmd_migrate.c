/* kgenius migrate db plan|copy|verify: PostgreSQL databases from the
 * Compose host into the cluster. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "migrate/filestore.h"
#include "migrate/keycloak.h"
#include "migrate/migrate.h"
#include "util/json.h"

static void help_filestore(FILE *out)
{
	fputs("usage: kgenius migrate filestore [options] SRC DST\n\n"
	      "Copies the Odoo filestore from SRC to DST: only what DST lacks or holds differently, in parallel\n"
	      "tar pipelines, then verifies every copied file where it landed (a content-addressed file must\n"
	      "hash to its name, any other to the source's hash). Run it once while Odoo runs and once after it\n"
	      "stops: the second pass copies only what changed. Nothing on DST is deleted unless --delete.\n\n"
	      "Options:\n"
	      "  --source-shell CMD   SRC is on the far side of CMD, which gives a shell on its standard input and\n"
	      "                       output (for example: kubectl exec -i -n erp odoo-0 -- sh)\n"
	      "  --target-shell CMD   the same for DST; the far side needs only sh, find, xargs, tar and sha1sum\n"
	      "  --jobs N             parallel pipelines (default: the number of processors, 2 to 8)\n"
	      "  --delete             remove files that SRC does not have from DST\n"
	      "  --verify-all         hash every file on both sides, not only those copied\n"
	      "  --format text|json   report format\n\n"
	      "Exit status: 0 copied and verified (files it repaired are listed), 1 corrupt, unreadable or missing\n"
	      "files (listed), 2 usage,\n"
	      "3 a shell or a tool failed.\n", out);
}

static void help_keycloak(FILE *out)
{
	fputs("usage: kgenius migrate keycloak check DIR [options]\n\n"
	      "Reads a realm export directory (kc.sh export --dir DIR: <realm>-realm.json and\n"
	      "<realm>-users-<n>.json) and counts per realm: users, clients, realm and client roles, groups,\n"
	      "identity providers. Fails on the traps: a realm file without its users files (the import exits 0\n"
	      "and creates no user) and masked secrets (an admin-console partial export). The Keycloak database\n"
	      "itself moves with `kgenius migrate db`; this checks the export kept beside it.\n\n"
	      "Options:\n"
	      "  --source CONNINFO --source-db NAME   compare with the source Keycloak database\n"
	      "  --target CONNINFO --target-db NAME   compare with the target Keycloak database\n"
	      "  --job FILE                           write the Job that imports the export (the export's version)\n"
	      "  --namespace NS                       the Job's namespace (default keycloak)\n"
	      "  --db-secret NAME, --db-host HOST     the target database for the Job (default keycloak-db, db)\n"
	      "  --format text|json\n\n"
	      "Exit status: 0 the export is complete (and matches the databases), 1 problems, 2 usage,\n"
	      "3 unreadable export or database.\n", out);
}

void help_migrate(FILE *out)
{
	fputs("usage: kgenius migrate db ACTION --source CONNINFO --target CONNINFO --db NAME[:TARGET]... [options]\n\n"
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
	      "  abort    remove every slot, publication and subscription kgenius made, on both sides\n\n"
	      "Options:\n"
	      "  --db NAME[:TARGET]           a database to move (repeatable); TARGET names it on the target\n"
	      "  --jobs N                     parallel COPY and index jobs (default 4)\n"
	      "  --backup-dir DIR             where copy keeps the verified pg_dump of each source database\n"
	      "  --no-backup                  copy without a backup (not recommended)\n"
	      "  --owner ROLE                 the target role that owns what is restored (default: the target user)\n"
	      "  --split-larger-than MB       copy tables larger than this in key ranges (default 256)\n"
	      "  --no-verify                  copy without verifying afterwards\n"
	      "  --format text|json           report format; progress goes to stderr as a bar on a terminal,\n"
	      "                               else (and with json) as JSON lines\n"
	      "  --source-password-file F, --target-password-file F\n"
	      "  --fix-replica-identity       start: give tables without a primary key their unique index (or FULL)\n"
	      "                               as replica identity, on both sides\n"
	      "  --keep-rollback              cutover: replicate the new database back into the old one\n"
	      "  --hook CMD                   cutover, rollback: run CMD with sh -c at the switch point\n"
	      "  --timeout SECONDS            cutover, rollback: how long to wait for the lag to reach 0 (default 60)\n"
	      "  --watch SECONDS              status: print the lag every second for that long\n"
	      "  --source-from-target CONNINFO  the source as the target server reaches it (default --source)\n"
	      "  --target-from-source CONNINFO  the target as the source server reaches it (default --target)\n\n"
	      "Exit status: 0 done and identical, 1 differences found (verify) or plan blocked,\n"
	      "2 usage, 3 a server or a tool failed.\n\n", out);
	help_filestore(out);
	fputs("\n", out);
	help_keycloak(out);
	fputs("\n", out);
	help_migrate_traffic(out);
}

enum {
	OPT_SOURCE = 6000, OPT_TARGET, OPT_DB, OPT_JOBS, OPT_BACKUP_DIR, OPT_NO_BACKUP, OPT_OWNER, OPT_SPLIT,
	OPT_NO_VERIFY, OPT_FORMAT, OPT_SRC_PW, OPT_DST_PW, OPT_FIX_RI, OPT_KEEP_ROLLBACK, OPT_HOOK, OPT_TIMEOUT,
	OPT_SRC_FROM_DST, OPT_DST_FROM_SRC, OPT_WATCH,
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "kgenius migrate: %s; see 'kgenius migrate --help'\n", msg);
	return KG_EXIT_BAD_INPUT;
}

int migrate_usage_error(const char *msg)
{
	return usage_error(msg);
}

static int parse(int argc, char **argv, struct migrate_opts *o, const char **pwfiles, struct diags *d)
{
	static const struct option opts[] = {
		{"source", required_argument, NULL, OPT_SOURCE},
		{"target", required_argument, NULL, OPT_TARGET},
		{"db", required_argument, NULL, OPT_DB},
		{"jobs", required_argument, NULL, OPT_JOBS},
		{"backup-dir", required_argument, NULL, OPT_BACKUP_DIR},
		{"no-backup", no_argument, NULL, OPT_NO_BACKUP},
		{"owner", required_argument, NULL, OPT_OWNER},
		{"split-larger-than", required_argument, NULL, OPT_SPLIT},
		{"no-verify", no_argument, NULL, OPT_NO_VERIFY},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"source-password-file", required_argument, NULL, OPT_SRC_PW},
		{"target-password-file", required_argument, NULL, OPT_DST_PW},
		{"fix-replica-identity", no_argument, NULL, OPT_FIX_RI},
		{"keep-rollback", no_argument, NULL, OPT_KEEP_ROLLBACK},
		{"hook", required_argument, NULL, OPT_HOOK},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"watch", required_argument, NULL, OPT_WATCH},
		{"source-from-target", required_argument, NULL, OPT_SRC_FROM_DST},
		{"target-from-source", required_argument, NULL, OPT_DST_FROM_SRC},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	(void)d;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SOURCE: o->source.conninfo = optarg; break;
		case OPT_TARGET: o->target.conninfo = optarg; break;
		case OPT_DB: {
			char *colon = strchr(optarg, ':');

			if (o->ndbs == MIGRATE_MAX_DBS)
				return usage_error("at most 16 --db");
			if (colon)
				*colon = '\0';
			/* An empty side would silently mean the maintenance database. */
			if (!*optarg || (colon && !colon[1]))
				return usage_error("--db takes NAME or NAME:TARGET, with both names given");
			o->dbs[o->ndbs] = optarg;
			o->target_dbs[o->ndbs++] = colon ? colon + 1 : optarg;
			break;
		}
		case OPT_JOBS:
			o->jobs = atoi(optarg);
			if (o->jobs < 1 || o->jobs > 64)
				return usage_error("--jobs takes 1 to 64");
			break;
		case OPT_BACKUP_DIR: o->backup_dir = optarg; break;
		case OPT_NO_BACKUP: o->no_backup = true; break;
		case OPT_OWNER: o->owner = optarg; break;
		case OPT_SPLIT:
			o->split_bytes = atoll(optarg) * 1024 * 1024;
			if (o->split_bytes <= 0)
				return usage_error("--split-larger-than takes a size in MB");
			break;
		case OPT_NO_VERIFY: o->verify_after = false; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				o->json = true;
			else if (strcmp(optarg, "text") != 0)
				return usage_error("--format takes text or json");
			break;
		case OPT_FIX_RI: o->fix_replica_identity = true; break;
		case OPT_KEEP_ROLLBACK: o->keep_rollback = true; break;
		case OPT_HOOK: o->hook = optarg; break;
		case OPT_TIMEOUT:
			o->cutover_timeout = atof(optarg);
			if (o->cutover_timeout <= 0)
				return usage_error("--timeout takes a number of seconds");
			break;
		case OPT_WATCH:
			o->watch = atoi(optarg);
			if (o->watch < 1)
				return usage_error("--watch takes a number of seconds");
			break;
		case OPT_SRC_FROM_DST: o->source_from_target.conninfo = optarg; break;
		case OPT_DST_FROM_SRC: o->target_from_source.conninfo = optarg; break;
		case OPT_SRC_PW: pwfiles[0] = optarg; break;
		case OPT_DST_PW: pwfiles[1] = optarg; break;
		case 'h': help_migrate(stdout); return -1;
		case ':': return usage_error("an option needs a value");
		default: return usage_error("unknown option");
		}
	}
	if (!o->source.conninfo || !o->target.conninfo)
		return usage_error("give --source and --target");
	if (o->ndbs == 0)
		return usage_error("name the databases with --db");
	o->events_json = o->json || !isatty(STDERR_FILENO);
	o->progress_bar = !o->events_json;
	return 0;
}

static int write_out(struct buf *b)
{
	return b->failed ? KG_EXIT_ENV : cli_write_output(NULL, b->data ? b->data : "", b->len, 0);
}

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
	rc = write_out(&b);
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
			rc = migrate_online_status(o, &b, d) == 0 ? write_out(&b) : KG_EXIT_ENV;
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
	rc = write_out(&b);
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
	rc = write_out(&b);
	buf_free(&b);
	return rc == KG_EXIT_OK && blocked ? KG_EXIT_FINDINGS : rc;
}

static void filestore_report(const struct fs_opts *o, const struct fs_stats *st, bool json, struct buf *b)
{
	double mbs = st->copy_seconds > 0 ? (double)st->copied_bytes / 1048576.0 / st->copy_seconds : 0;

	if (json) {
		buf_puts(b, "{\"source\":");
		json_string(b, o->src.path);
		buf_puts(b, ",\"target\":");
		json_string(b, o->dst.path);
		buf_printf(b, ",\"source_files\":%zu,\"target_files_before\":%zu,\"copied\":%zu,\"copied_bytes\":%lld,"
			   "\"unchanged\":%zu,\"deleted\":%zu,\"verified\":%zu,\"seconds\":%.3f,\"copy_seconds\":%.3f,"
			   "\"verify_seconds\":%.3f,\"mib_per_second\":%.1f,\"problems\":[", st->src_files, st->dst_files, st->copied,
			   st->copied_bytes, st->unchanged, st->deleted, st->verified, st->seconds, st->copy_seconds,
			   st->verify_seconds, mbs);
		for (size_t i = 0; i < st->nproblems; i++) {
			buf_puts(b, i ? ",{\"side\":" : "{\"side\":");
			json_string(b, st->problems[i].side);
			buf_puts(b, ",\"path\":");
			json_string(b, st->problems[i].path);
			buf_puts(b, ",\"what\":");
			json_string(b, st->problems[i].what);
			buf_putc(b, '}');
		}
		buf_printf(b, "],\"more_problems\":%zu}\n", st->more_problems);
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

static int cmd_migrate_filestore(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"source-shell", required_argument, NULL, 1},
		{"target-shell", required_argument, NULL, 2},
		{"jobs", required_argument, NULL, 3},
		{"delete", no_argument, NULL, 4},
		{"verify-all", no_argument, NULL, 5},
		{"format", required_argument, NULL, 6},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/* one pipeline per processor: tar and sha1sum are bound by the CPU here */
	struct fs_opts o = {{"source", NULL, "sh"}, {"target", NULL, "sh"}, cpus < 2 ? 2 : cpus > 8 ? 8 : (int)cpus, false,
			    false, false, false};
	struct fs_stats st;
	struct buf b = BUF_INIT;
	struct diags d;
	bool json = false;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 1: o.src.shell = optarg; break;
		case 2: o.dst.shell = optarg; break;
		case 3:
			o.jobs = atoi(optarg);
			if (o.jobs < 1 || o.jobs > 32)
				return usage_error("--jobs takes 1 to 32");
			break;
		case 4: o.delete_extra = true; break;
		case 5: o.verify_all = true; break;
		case 6:
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return usage_error("--format takes text or json");
			break;
		case 'h': help_filestore(stdout); return KG_EXIT_OK;
		case ':': return usage_error("an option needs a value");
		default: return usage_error("unknown option");
		}
	}
	if (argc - optind != 2)
		return usage_error("give SRC and DST");
	o.src.path = argv[optind];
	o.dst.path = argv[optind + 1];
	o.events_json = json || !isatty(STDERR_FILENO);
	diags_init(&d);
	rc = migrate_filestore(&o, &st, stderr, &d) == 0 ? KG_EXIT_OK : KG_EXIT_ENV;
	filestore_report(&o, &st, json, &b);
	if (write_out(&b) != KG_EXIT_OK)
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

static int cmd_migrate_keycloak(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"source", required_argument, NULL, 1},
		{"source-db", required_argument, NULL, 2},
		{"target", required_argument, NULL, 3},
		{"target-db", required_argument, NULL, 4},
		{"job", required_argument, NULL, 5},
		{"namespace", required_argument, NULL, 6},
		{"db-secret", required_argument, NULL, 7},
		{"db-host", required_argument, NULL, 8},
		{"format", required_argument, NULL, 9},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct kc_opts o;
	struct kc_report rep;
	struct buf b = BUF_INIT;
	struct diags d;
	bool json = false;
	int c, rc;

	memset(&o, 0, sizeof(o));
	o.source.name = "source";
	o.target.name = "target";
	o.namespace_ = "keycloak";
	o.db_secret = "keycloak-db";
	o.db_host = "db";
	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			help_keycloak(stdout);
			return KG_EXIT_OK;
		}
		return usage_error("say keycloak check DIR");
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 1: o.source.conninfo = optarg; break;
		case 2: o.source_db = optarg; break;
		case 3: o.target.conninfo = optarg; break;
		case 4: o.target_db = optarg; break;
		case 5: o.job_out = optarg; break;
		case 6: o.namespace_ = optarg; break;
		case 7: o.db_secret = optarg; break;
		case 8: o.db_host = optarg; break;
		case 9:
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return usage_error("--format takes text or json");
			break;
		case 'h': help_keycloak(stdout); return KG_EXIT_OK;
		case ':': return usage_error("an option needs a value");
		default: return usage_error("unknown option");
		}
	}
	if (argc - 1 - optind != 1)
		return usage_error("give the export directory");
	if ((o.source.conninfo && !o.source_db) || (o.target.conninfo && !o.target_db))
		return usage_error("--source and --target go with --source-db and --target-db");
	o.dir = argv[1 + optind];
	diags_init(&d);
	rc = kc_check(&o, &rep, &b, json, &d) == 0 ? KG_EXIT_OK : KG_EXIT_ENV;
	if (rc == KG_EXIT_OK)
		rc = write_out(&b);
	if (rc == KG_EXIT_OK && rep.problems)
		rc = KG_EXIT_FINDINGS;
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	buf_free(&b);
	diags_free(&d);
	return rc;
}

int cmd_migrate(struct cli *cli, int argc, char **argv)
{
	struct migrate_opts o;
	const char *pwfiles[2] = {NULL, NULL};
	struct diags d;
	const char *action;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help_migrate(argc < 2 ? stderr : stdout);
		return argc < 2 ? KG_EXIT_BAD_INPUT : KG_EXIT_OK;
	}
	if (strcmp(argv[1], "filestore") == 0)
		return cmd_migrate_filestore(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "keycloak") == 0)
		return cmd_migrate_keycloak(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "traffic") == 0)
		return cmd_migrate_traffic(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "db") != 0)
		return usage_error("say db, filestore, keycloak or traffic");
	if (argc < 3)
		return usage_error("say plan, copy, verify, start, status, cutover, rollback, finish or abort");
	action = argv[2];
	if (strcmp(action, "--help") == 0 || strcmp(action, "-h") == 0) {
		help_migrate(stdout);
		return KG_EXIT_OK;
	}
	{
		static const char *const actions[] = {"plan", "copy", "verify", "start", "status", "cutover", "rollback",
						      "finish", "abort", NULL};
		size_t i = 0;

		while (actions[i] && strcmp(actions[i], action) != 0)
			i++;
		if (!actions[i])
			return usage_error("say plan, copy, verify, start, status, cutover, rollback, finish or abort");
	}
	memset(&o, 0, sizeof(o));
	o.source.name = "source";
	o.target.name = "target";
	o.jobs = 4;
	o.split_bytes = 256LL * 1024 * 1024;
	o.verify_after = true;
	o.cutover_timeout = 60;
	o.source_from_target.name = "source";
	o.target_from_source.name = "target";
	diags_init(&d);
	rc = parse(argc - 2, argv + 2, &o, pwfiles, &d);
	if (rc != 0) {
		diags_free(&d);
		return rc < 0 ? KG_EXIT_OK : rc;
	}
	if ((pwfiles[0] && pg_read_password_file(pwfiles[0], &o.source.password, &d) != 0) ||
	    (pwfiles[1] && pg_read_password_file(pwfiles[1], &o.target.password, &d) != 0)) {
		rc = KG_EXIT_BAD_INPUT;
	} else {
		/* Each server as the other reaches it, with the same password. */
		if (!o.source_from_target.conninfo)
			o.source_from_target.conninfo = o.source.conninfo;
		if (!o.target_from_source.conninfo)
			o.target_from_source.conninfo = o.target.conninfo;
		o.source_from_target.password = o.source.password;
		o.target_from_source.password = o.target.password;
		if (strcmp(action, "verify") == 0)
			rc = run_verify(&o, &d);
		else if (strcmp(action, "copy") == 0)
			rc = run_copy(&o, &d);
		else if (strcmp(action, "plan") == 0)
			rc = run_plan(&o, &d);
		else
			rc = run_online(action, &o, &d);
	}
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	for (int k = 0; k < 2; k++) {
		char *pw = k ? o.target.password : o.source.password;

		if (pw) {
			explicit_bzero(pw, strlen(pw));
			free(pw);
		}
	}
	diags_free(&d);
	return rc;
}
