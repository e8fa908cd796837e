/* kgenius migrate keycloak check DIR: a realm export, counted and checked
 * against the Keycloak databases, and its import Job. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/db_opts.h"
#include "migrate/keycloak.h"

struct keycloak_args {
	struct kc_opts o;
	int format;                /* enum report_format */
};

#define F(field) offsetof(struct keycloak_args, field)
static const struct opt_spec keycloak_specs[] = {
	{.name = "source", .arg = "CONNINFO", .field = F(o.source.conninfo),
	 .help = "the source server, to compare with its Keycloak database"},
	{.name = "source-db", .arg = "NAME", .field = F(o.source_db), .help = "the source Keycloak database"},
	{.name = "target", .arg = "CONNINFO", .field = F(o.target.conninfo),
	 .help = "the target server, to compare with its Keycloak database"},
	{.name = "target-db", .arg = "NAME", .field = F(o.target_db), .help = "the target Keycloak database"},
	{.name = "job", .arg = "FILE", .field = F(o.job_out),
	 .help = "write the Job that imports the export (the export's version)"},
	{.name = "namespace", .arg = "NS", .field = F(o.namespace_), .help = "the Job's namespace", .def = "keycloak"},
	{.name = "db-secret", .arg = "NAME", .field = F(o.db_secret),
	 .help = "the Secret with the target database's credentials, for the Job", .def = "keycloak-db"},
	{.name = "db-host", .arg = "HOST", .field = F(o.db_host), .help = "the target database's host, for the Job",
	 .def = "db"},
	{.name = "format", .kind = OPTION_ENUM, .field = F(format), .help = "report format", .choices = report_formats},
	{0},
};
#undef F

static void keycloak_args_init(void *args)
{
	struct kc_opts *o = &((struct keycloak_args *)args)->o;

	o->source.name = "source";
	o->target.name = "target";
}

const struct opt_command migrate_keycloak_command = {
	"migrate keycloak",
	"usage: kgenius migrate keycloak check DIR [options]\n\n"
	"Reads a realm export directory (kc.sh export --dir DIR: <realm>-realm.json and\n"
	"<realm>-users-<n>.json) and counts per realm: users, clients, realm and client roles, groups,\n"
	"identity providers. Fails on the traps: a realm file without its users files (the import exits 0\n"
	"and creates no user) and masked secrets (an admin-console partial export). The Keycloak database\n"
	"itself moves with `kgenius migrate db`; this checks the export kept beside it.\n",
	(const struct opt_section[]){{"Options", keycloak_specs, 0}, {NULL, NULL, 0}},
	"\nExit status: 0 the export is complete (and matches the databases), 1 problems, 2 usage,\n"
	"3 unreadable export or database.\n",
	sizeof(struct keycloak_args), keycloak_args_init,
};

static int check_export(struct cli *cli, void *args, int nops, char **ops)
{
	struct keycloak_args *a = args;
	struct kc_report rep;
	struct buf b = BUF_INIT;
	struct diags d;
	int rc;

	if (nops != 1)
		return opt_usage_error(&migrate_keycloak_command, "give the export directory");
	if ((a->o.source.conninfo && !a->o.source_db) || (a->o.target.conninfo && !a->o.target_db))
		return opt_usage_error(&migrate_keycloak_command, "--source and --target go with --source-db and --target-db");
	a->o.dir = ops[0];
	diags_init(&d);
	rc = kc_check(&a->o, &rep, &b, a->format == REPORT_JSON, &d) == 0 ? KG_EXIT_OK : KG_EXIT_ENV;
	if (rc == KG_EXIT_OK)
		rc = cli_write_buf(NULL, &b, 0);
	if (rc == KG_EXIT_OK && rep.problems)
		rc = KG_EXIT_FINDINGS;
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	buf_free(&b);
	diags_free(&d);
	return rc;
}

/* argv[0] is "keycloak", argv[1] the action. */
int cmd_migrate_keycloak(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			opt_help(stdout, &migrate_keycloak_command);
			return KG_EXIT_OK;
		}
		return opt_usage_error(&migrate_keycloak_command, "say keycloak check DIR");
	}
	return cli_run_with_options(cli, &migrate_keycloak_command, check_export, argc - 1, argv + 1);
}
